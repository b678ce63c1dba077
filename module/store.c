// SPDX-License-Identifier: GPL-2.0
/*
 * The store of one list (struct todo_store): the state machine between a
 * list's server, which submits snapshots of its list and waits for them
 * to be durable, and the list's database worker, which writes them.
 *
 * Owns: coalescing (at most one snapshot pending and one being written
 * per list; a newer one replaces a pending one), change generations (the
 * newest durable one), the SYNC waiters parked until their generation is
 * durable, and the hand-over with the worker (take, written, release;
 * drain and flush wait for it).
 *
 * Must not: do any I/O, know where or how a list is written (the worker
 * in database.c and storage.c do), know the index of files, or sleep
 * under &todo_store.lock.  It knows nothing of messages: whoever waits
 * (a SYNC message) embeds a struct todo_store_waiter and is answered
 * through its callback, once, by whoever unlinked it under the lock.
 */
#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/wait_bit.h>

#include "database.h"
#include "store.h"

/**
 * todo_store_init() - Initialise a list's store state.
 * @st: the state.
 * @key: the list's key; must outlive @st.
 * @done: called on the list's worker after each store of it, with
 *	&todo_store.busy telling whether a newer snapshot is pending; @st
 *	is valid until it returns, and until todo_store_flush() returns.
 *
 * Context: any.
 */
void todo_store_init(struct todo_store *st, const struct todo_key *key,
		     todo_store_done_fn done)
{
	INIT_LIST_HEAD(&st->node);
	st->done = done;
	st->key = key;
	spin_lock_init(&st->lock);
	st->buf = NULL;
	st->busy = false;
	st->queued = false;
	st->gen = 0;
	st->durable_gen = 0;
	st->err = 0;
	INIT_LIST_HEAD(&st->waiters);
	st->writes = 0;
	st->errors = 0;
}
EXPORT_SYMBOL_IF_KUNIT(todo_store_init);

/**
 * todo_store_busy() - Is a snapshot pending or being written?
 * @st: the list's store state.
 *
 * Context: any.
 * Return: true if so.
 */
bool todo_store_busy(struct todo_store *st)
{
	bool busy;

	spin_lock(&st->lock);
	busy = st->busy;
	spin_unlock(&st->lock);
	return busy;
}
EXPORT_SYMBOL_IF_KUNIT(todo_store_busy);

/**
 * todo_store_durable_gen() - The newest generation on stable storage.
 * @st: the list's store state.
 *
 * Context: any.
 * Return: the generation.
 */
u64 todo_store_durable_gen(struct todo_store *st)
{
	u64 gen;

	spin_lock(&st->lock);
	gen = st->durable_gen;
	spin_unlock(&st->lock);
	return gen;
}
EXPORT_SYMBOL_IF_KUNIT(todo_store_durable_gen);

/**
 * todo_store_error() - The error of the list's last store.
 * @st: the list's store state.
 *
 * Context: any.
 * Return: 0 if the last store succeeded or none was tried, else a negative
 * errno.
 */
int todo_store_error(struct todo_store *st)
{
	int err;

	spin_lock(&st->lock);
	err = st->err;
	spin_unlock(&st->lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(todo_store_error);

/**
 * todo_store_submit() - Hand a snapshot of a list to its worker.
 * @st: the list's store state.
 * @buf: the encoded list (kvmalloc'ed); the store owns it from now on.
 * @len: its length.
 * @gen: the change generation it holds.
 *
 * Context: process context.
 */
void todo_store_submit(struct todo_store *st, void *buf, size_t len, u64 gen)
{
	bool queue;
	void *old;

	spin_lock(&st->lock);
	old = st->buf;
	st->buf = buf;
	WRITE_ONCE(st->len, len);	/* the worker peeks at it */
	st->gen = gen;
	st->busy = true;
	/* Already queued or being written: the worker sees the new one. */
	queue = !st->queued;
	st->queued = true;
	spin_unlock(&st->lock);
	kvfree(old);
	if (queue)
		todo_db_queue(st);
}
EXPORT_SYMBOL_IF_KUNIT(todo_store_submit);

/* Answer the waiters whose generation @gen covers, with @err and @why. */
static void todo_store_wake(struct todo_store *st, u64 gen, int err,
			    const char *why)
{
	struct todo_store_waiter *w, *tmp;
	LIST_HEAD(ready);

	spin_lock(&st->lock);
	list_for_each_entry_safe(w, tmp, &st->waiters, node) {
		if (w->gen > gen)
			continue;
		list_move_tail(&w->node, &ready);
		w->parked = false;	/* ours now */
	}
	spin_unlock(&st->lock);

	list_for_each_entry_safe(w, tmp, &ready, node) {
		list_del_init(&w->node);
		w->why = err ? why : NULL;
		w->done(w, err);
	}
}

/**
 * todo_store_wait() - Wait until a generation is durable.
 * @st: the list's store state.
 * @w: the waiter, not parked; its &todo_store_waiter.done is called once,
 *	with 0 or an error.
 * @gen: the generation that must be on stable storage.
 *
 * Answers at once if @gen already is, or if the waiter is abandoned; else
 * parks it until a store of @gen or later succeeds, or a failed store that
 * covered it answers with its error, or todo_store_cancel() withdraws it.
 *
 * Context: process context.
 */
void todo_store_wait(struct todo_store *st, struct todo_store_waiter *w,
		     u64 gen)
{
	bool now;

	w->gen = gen;
	spin_lock(&st->lock);
	now = st->durable_gen >= gen || READ_ONCE(w->abandoned);
	if (!now) {
		w->parked = true;
		list_add_tail(&w->node, &st->waiters);
	}
	spin_unlock(&st->lock);
	if (now) {
		w->why = NULL;
		w->done(w, 0);
	}
}
EXPORT_SYMBOL_IF_KUNIT(todo_store_wait);

/**
 * todo_store_cancel() - Withdraw a parked waiter.
 * @st: the list's store state.
 * @w: a waiter whose &todo_store_waiter.abandoned is already set.
 *
 * A parked waiter is unlinked and answered with -ECANCELED; one that is
 * not parked is left to whoever has it, and, being abandoned, is never
 * parked later.
 *
 * Context: any context that may take a spinlock.
 * Return: true if the waiter was withdrawn here.
 */
bool todo_store_cancel(struct todo_store *st, struct todo_store_waiter *w)
{
	bool parked;

	spin_lock(&st->lock);
	parked = w->parked;
	if (parked) {
		list_del_init(&w->node);
		w->parked = false;
	}
	spin_unlock(&st->lock);
	if (parked) {
		w->why = NULL;	/* its waiter has gone */
		w->done(w, -ECANCELED);
	}
	return parked;
}
EXPORT_SYMBOL_IF_KUNIT(todo_store_cancel);

/**
 * todo_store_take() - Take a list's pending snapshot to write it.
 * @st: the list's store state, queued.
 * @buf: set to the snapshot, which the caller frees with kvfree().
 * @len: set to its length.
 * @gen: set to the generation it holds.
 *
 * For the list's worker.  The store stays queued until
 * todo_store_release().
 *
 * Context: the list's worker.
 * Return: false if there is none (a discard took it).
 */
bool todo_store_take(struct todo_store *st, void **buf, size_t *len,
		     u64 *gen)
{
	spin_lock(&st->lock);
	*buf = st->buf;
	*len = st->len;
	*gen = st->gen;
	st->buf = NULL;
	if (!*buf)
		st->busy = false;
	spin_unlock(&st->lock);
	return *buf;
}

/**
 * todo_store_written() - Record the outcome of writing a snapshot.
 * @st: the list's store state, taken.
 * @gen: the generation written.
 * @err: 0 if it is durable, else the error.
 * @why: @err's message, a string constant set where it was found, or NULL.
 *
 * Answers the SYNC waiters that @gen covers, with @err and @why.
 *
 * Context: the list's worker.
 */
void todo_store_written(struct todo_store *st, u64 gen, int err,
			const char *why)
{
	spin_lock(&st->lock);
	st->writes++;
	st->err = err;
	if (err)
		st->errors++;
	else if (gen > st->durable_gen)
		st->durable_gen = gen;
	/* A newer snapshot was submitted meanwhile: still busy. */
	if (!st->buf)
		st->busy = false;
	spin_unlock(&st->lock);
	todo_store_wake(st, gen, err, why);
}

/**
 * todo_store_release() - Hand a store back after its batch.
 * @st: the list's store state.
 *
 * Calls &todo_store.done, then either keeps the store queued, if a newer
 * snapshot came meanwhile (the caller puts it back in its queue), or lets
 * it go: then the caller must not touch it any more, since a drain may
 * free it as soon as it sees &todo_store.queued clear, under the lock.
 * wake_up_var() only hashes the address, so it may come after that.
 *
 * Context: the list's worker.
 * Return: true if the store must be queued again.
 */
bool todo_store_release(struct todo_store *st)
{
	bool again;

	st->done(st);
	spin_lock(&st->lock);
	again = st->buf;
	if (!again)
		st->queued = false;
	spin_unlock(&st->lock);
	if (!again) {
		/* Pairs with the barrier in wait_var_event()'s wait. */
		smp_mb();
		wake_up_var(&st->queued);
	}
	return again;
}

/**
 * todo_store_discard() - Drop the pending snapshot; wait for the write.
 * @st: the list's store state.
 * @err: the error SYNC messages still waiting complete with.
 * @why: its message, a string constant, or NULL.
 *
 * Once this returns no store of the list runs or is pending, and none
 * starts unless the server submits one.
 *
 * Context: the list's server; sleeps.
 */
void todo_store_discard(struct todo_store *st, int err, const char *why)
{
	void *buf;

	spin_lock(&st->lock);
	buf = st->buf;
	st->buf = NULL;
	spin_unlock(&st->lock);
	kvfree(buf);
	todo_store_flush(st, err, why);
}
EXPORT_SYMBOL_IF_KUNIT(todo_store_discard);

static bool todo_store_idle(struct todo_store *st)
{
	bool idle;

	spin_lock(&st->lock);
	idle = !st->queued;
	spin_unlock(&st->lock);
	return idle;
}

/**
 * todo_store_drain() - Wait until the list's worker is done with it.
 * @st: the list's store state.
 *
 * Returns once no snapshot of the list is queued or being written, and
 * its last &todo_store.done call has returned; from then on the worker
 * does not touch @st unless a snapshot is submitted again.
 *
 * Context: process context; sleeps.
 */
void todo_store_drain(struct todo_store *st)
{
	might_sleep();
	wait_var_event(&st->queued, todo_store_idle(st));
}
EXPORT_SYMBOL_IF_KUNIT(todo_store_drain);

/**
 * todo_store_flush() - Wait for the list's stores; fail remaining waiters.
 * @st: the list's store state.
 * @err: the error SYNC messages still waiting complete with.
 * @why: its message, a string constant, or NULL.
 *
 * Context: process context; sleeps.
 */
void todo_store_flush(struct todo_store *st, int err, const char *why)
{
	todo_store_drain(st);
	todo_store_wake(st, U64_MAX, err, why);
}
EXPORT_SYMBOL_IF_KUNIT(todo_store_flush);
