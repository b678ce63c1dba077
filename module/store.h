/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The store of one list: coalesced snapshots, change generations and
 * durability waiters, between the list's server and its database worker.
 * See store.c.
 */
#ifndef _TODO_STORE_H
#define _TODO_STORE_H

#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "name.h"

struct todo_store;

/**
 * struct todo_store_waiter - A wait for a list's generation to be durable.
 * @node: link in &todo_store.waiters while @parked.
 * @gen: the generation that must be on stable storage.
 * @parked: linked in the store's waiters; changed under &todo_store.lock
 *	only.
 * @abandoned: whoever waits gave up; a waiter not yet parked is then
 *	answered at once instead.  Set before it takes the store's lock
 *	(todo_store_cancel()).
 * @why: the message of the error @done is called with, a string constant
 *	set where the error was found, or NULL.  Written just before @done,
 *	by whoever calls it.
 * @done: called exactly once, without the store's lock, with 0 or the
 *	error, by whoever unlinked the waiter (or by todo_store_wait() if it
 *	answers at once).  The waiter's memory must stay valid until then.
 *
 * The store knows nothing of what waits: a list server embeds one in
 * each SYNC message (&todo_msg.sync) and finishes the message in @done.
 */
struct todo_store_waiter {
	struct list_head node;
	u64 gen;
	bool parked;
	bool abandoned;
	const char *why;
	void (*done)(struct todo_store_waiter *w, int err);
};

/*
 * Called on the list's worker after each store of it, done or failed (or
 * found discarded).  It may allocate and queue a message, but must not
 * wait for any store: the other lists of its batch are still held.
 */
typedef void (*todo_store_done_fn)(struct todo_store *st);

/**
 * struct todo_store - A list's pending and completed stores.
 * @node: link in its worker's queue, while @queued.
 * @done: called on the worker after each store (see todo_store_init()).
 * @key: the list's key (owned by the list server).
 * @lock: protects the fields below; never held while sleeping.
 * @buf: the newest snapshot not yet written, or NULL; a newer snapshot
 *	replaces (and frees) an older one that was never written.
 * @len: length of @buf.
 * @gen: change generation @buf holds.
 * @busy: a snapshot is pending or being written.
 * @queued: the store is in its worker's queue or being written, and the
 *	worker may touch it; todo_store_flush() waits until it is not.
 * @durable_gen: generation of the newest snapshot on stable storage.
 * @err: error of the last store, 0 if it succeeded.
 * @waiters: waiters parked until their &todo_store_waiter.gen is
 *	durable, linked by &todo_store_waiter.node.
 * @writes: file writes done, for statistics.
 * @errors: failed writes, for statistics.
 *
 * At most one snapshot is pending and one being written per list, so a
 * burst of changes costs a few file writes, not one per change, and the
 * database's queues hold each list at most once.
 */
struct todo_store {
	struct list_head node;
	todo_store_done_fn done;
	const struct todo_key *key;
	spinlock_t lock;	/* protects the fields below */
	void *buf;
	size_t len;
	u64 gen;
	bool busy;
	bool queued;
	u64 durable_gen;
	int err;
	struct list_head waiters;
	u64 writes;
	u64 errors;
};

void todo_store_init(struct todo_store *st, const struct todo_key *key,
		     todo_store_done_fn done);
bool todo_store_busy(struct todo_store *st);
u64 todo_store_durable_gen(struct todo_store *st);
int todo_store_error(struct todo_store *st);
void todo_store_submit(struct todo_store *st, void *buf, size_t len,
		       u64 gen);
void todo_store_wait(struct todo_store *st, struct todo_store_waiter *w,
		     u64 gen);
bool todo_store_cancel(struct todo_store *st, struct todo_store_waiter *w);
void todo_store_discard(struct todo_store *st, int err, const char *why);
void todo_store_drain(struct todo_store *st);
void todo_store_flush(struct todo_store *st, int err, const char *why);
bool todo_store_take(struct todo_store *st, void **buf, size_t *len,
		     u64 *gen);
void todo_store_written(struct todo_store *st, u64 gen, int err,
			const char *why);
bool todo_store_release(struct todo_store *st);

/*
 * The length of the pending snapshot, read without the lock: a hint for
 * the worker's batch size.
 */
static inline size_t todo_store_pending_len(const struct todo_store *st)
{
	return READ_ONCE(st->len);
}

#endif /* _TODO_STORE_H */
