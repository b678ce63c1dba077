// SPDX-License-Identifier: GPL-2.0
/*
 * The database (the book's Todo.Database and its DatabaseWorker pool).
 *
 * db_workers ordered workqueues play the book's three worker processes.  A
 * stable hash of the list's key picks the workqueue, so every load and
 * store of one list runs on one worker, in the order queued, while lists
 * on different workers proceed in parallel.  All file I/O happens there,
 * in kworker context, with init's credentials and root.
 *
 * Stores are coalesced per list (struct todo_store): a list has one work
 * item, and a snapshot submitted while an older one is still pending
 * replaces it, so the queues never hold more than one item per list.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/export.h>
#include <linux/jhash.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "codec.h"
#include "database.h"
#include "list.h"
#include "message.h"
#include "params.h"
#include "storage.h"

static char *db_dir = "/var/lib/todo";
module_param(db_dir, charp, 0444);
MODULE_PARM_DESC(db_dir,
		 "Directory of the list files, created if missing (default /var/lib/todo)");

static unsigned int db_workers = 3;
module_param(db_workers, uint, 0444);
MODULE_PARM_DESC(db_workers,
		 "Database workers: ordered workqueues, 1..64 (default 3)");

static struct workqueue_struct **todo_db_wq;

/**
 * todo_db_worker_of() - The worker a list's loads and stores run on.
 * @key: the list.
 *
 * Context: any.
 * Return: an index below db_workers, the same for a key every time.
 */
unsigned int todo_db_worker_of(const struct todo_key *key)
{
	return jhash(key, sizeof(*key), 0) % db_workers;
}
EXPORT_SYMBOL_IF_KUNIT(todo_db_worker_of);

static struct workqueue_struct *todo_db_wq_of(const struct todo_key *key)
{
	return todo_db_wq[todo_db_worker_of(key)];
}

/**
 * struct todo_db_call - A synchronous job on a list's worker.
 * @work: the work item, on the caller's stack.
 * @done: completed when @fn has run.
 * @fn: the job.
 * @key: the list.
 * @list: for loads, the list to fill.
 * @owner: for walks, whose files.
 * @each: for walks, called per file.
 * @arg: for walks, passed to @each.
 * @err: @fn's result.
 */
struct todo_db_call {
	struct work_struct work;
	struct completion done;
	int (*fn)(struct todo_db_call *call);
	const struct todo_key *key;
	struct todo_list *list;
	u32 owner;
	int (*each)(const struct todo_key *key, void *arg);
	void *arg;
	int err;
};

static void todo_db_call_fn(struct work_struct *work)
{
	struct todo_db_call *call = container_of(work, struct todo_db_call,
						 work);

	call->err = call->fn(call);
	complete(&call->done);
}

/* Run @call->fn on the key's worker (or the first), after what is queued. */
static int todo_db_run(struct todo_db_call *call)
{
	INIT_WORK_ONSTACK(&call->work, todo_db_call_fn);
	init_completion(&call->done);
	queue_work(call->key ? todo_db_wq_of(call->key) : todo_db_wq[0],
		   &call->work);
	wait_for_completion(&call->done);
	destroy_work_on_stack(&call->work);
	return call->err;
}

static int todo_db_load_fn(struct todo_db_call *call)
{
	char name[TODO_FILE_NAME_MAX];
	const char *why = "unreadable";
	size_t len;
	void *buf;
	int err;

	if (todo_param(&todo_load_delay_ms))
		msleep(todo_param(&todo_load_delay_ms));
	err = todo_storage_read(call->key, &buf, &len);
	if (err == -ENOENT)
		return 0;
	if (!err) {
		err = todo_codec_decode(buf, len, call->key, call->list, &why);
		kvfree(buf);
	}
	if (err) {
		todo_storage_file_name(call->key, name);
		pr_err("%s/%s: %s (error %d); the list is unavailable until the file is repaired or removed\n",
		       db_dir, name, why, err);
	}
	return err;
}

/**
 * todo_db_load() - Load a list from its file, on the list's worker.
 * @key: the list.
 * @list: an empty, initialised list to fill.
 *
 * A list without a file loads as empty, and no file is created.
 *
 * Context: process context; sleeps until the worker has run the load.
 * Return: 0; or a negative errno (-EUCLEAN for a corrupt file, -ELOOP for
 * a symlink, an I/O error), the list then being empty.  The kernel log
 * names the file and the problem.
 */
int todo_db_load(const struct todo_key *key, struct todo_list *list)
{
	struct todo_db_call call = {
		.fn = todo_db_load_fn,
		.key = key,
		.list = list,
	};

	return todo_db_run(&call);
}
EXPORT_SYMBOL_IF_KUNIT(todo_db_load);

static int todo_db_exists_fn(struct todo_db_call *call)
{
	/* A name that cannot be looked up is not taken for a free one. */
	return todo_storage_exists(call->key) != 0;
}

/**
 * todo_db_exists() - Tell whether a list has a file (of any content).
 * @key: the list.
 *
 * Context: process context; sleeps.
 * Return: 1 if it has, 0 if not.
 */
int todo_db_exists(const struct todo_key *key)
{
	struct todo_db_call call = {
		.fn = todo_db_exists_fn,
		.key = key,
	};

	return todo_db_run(&call);
}
EXPORT_SYMBOL_IF_KUNIT(todo_db_exists);

static int todo_db_stored_fn(struct todo_db_call *call)
{
	return todo_storage_for_each(call->owner, call->each, call->arg);
}

/**
 * todo_db_stored() - Call a function for each stored list of an owner.
 * @owner: the owner.
 * @each: called with each list's key; a non-zero return stops the walk.
 * @arg: passed to @each.
 *
 * Runs on a database worker, with its credentials.
 *
 * Context: process context; sleeps.
 * Return: 0, the first error @each returned, or an I/O error.
 */
int todo_db_stored(u32 owner,
		   int (*each)(const struct todo_key *key, void *arg),
		   void *arg)
{
	struct todo_db_call call = {
		.fn = todo_db_stored_fn,
		.owner = owner,
		.each = each,
		.arg = arg,
	};

	return todo_db_run(&call);
}

/**
 * todo_store_init() - Initialise a list's store state.
 * @st: the state.
 * @key: the list's key; must outlive @st.
 * @done: the work function; it calls todo_store_write().
 *
 * Context: any.
 */
void todo_store_init(struct todo_store *st, const struct todo_key *key,
		     void (*done)(struct work_struct *work))
{
	INIT_WORK(&st->work, done);
	st->key = key;
	spin_lock_init(&st->lock);
	st->buf = NULL;
	st->busy = false;
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
	void *old;

	spin_lock(&st->lock);
	old = st->buf;
	st->buf = buf;
	st->len = len;
	st->gen = gen;
	st->busy = true;
	spin_unlock(&st->lock);
	kvfree(old);
	queue_work(todo_db_wq_of(st->key), &st->work);
}
EXPORT_SYMBOL_IF_KUNIT(todo_store_submit);

/* Complete the waiters whose generation @gen covers, with @err. */
static void todo_store_wake(struct todo_store *st, u64 gen, int err)
{
	struct todo_msg *msg, *tmp;
	LIST_HEAD(ready);

	spin_lock(&st->lock);
	list_for_each_entry_safe(msg, tmp, &st->waiters, node)
		if (msg->gen <= gen)
			list_move_tail(&msg->node, &ready);
	spin_unlock(&st->lock);

	list_for_each_entry_safe(msg, tmp, &ready, node) {
		list_del_init(&msg->node);
		msg->err = err;
		complete(&msg->done);
		todo_msg_put(msg);
	}
}

/**
 * todo_store_wait() - Answer a SYNC message once @gen is durable.
 * @st: the list's store state.
 * @msg: the message; the store takes over the reference the server holds.
 * @gen: the generation that must be on stable storage.
 *
 * Answers at once if @gen already is; else when a store of @gen or later
 * succeeds, or with the error of a failed store that covered it.
 *
 * Context: process context.
 */
void todo_store_wait(struct todo_store *st, struct todo_msg *msg, u64 gen)
{
	bool now;

	msg->gen = gen;
	spin_lock(&st->lock);
	now = st->durable_gen >= gen;
	if (!now)
		list_add_tail(&msg->node, &st->waiters);
	spin_unlock(&st->lock);
	if (now) {
		msg->err = 0;
		complete(&msg->done);
		todo_msg_put(msg);
	}
}
EXPORT_SYMBOL_IF_KUNIT(todo_store_wait);

/**
 * todo_store_write() - Write the pending snapshot; the work function's job.
 * @st: the list's store state.
 *
 * Context: the list's database worker; sleeps.
 */
void todo_store_write(struct todo_store *st)
{
	void *buf;
	size_t len;
	u64 gen;
	int err;

	spin_lock(&st->lock);
	buf = st->buf;
	len = st->len;
	gen = st->gen;
	st->buf = NULL;
	if (!buf)
		st->busy = false;
	spin_unlock(&st->lock);
	if (!buf)
		return;

	err = todo_storage_write(st->key, buf, len);
	kvfree(buf);

	spin_lock(&st->lock);
	st->writes++;
	st->err = err;
	if (err)
		st->errors++;
	else if (gen > st->durable_gen)
		st->durable_gen = gen;
	/* A newer snapshot re-queued the work: still busy. */
	if (!st->buf)
		st->busy = false;
	spin_unlock(&st->lock);
	if (err) {
		char name[TODO_FILE_NAME_MAX];

		todo_storage_file_name(st->key, name);
		pr_warn_ratelimited("%s/%s: store failed (error %d); kept in memory, will retry\n",
				    db_dir, name, err);
	}
	todo_store_wake(st, gen, err);
}
EXPORT_SYMBOL_IF_KUNIT(todo_store_write);

/**
 * todo_store_flush() - Wait for the list's stores; fail remaining waiters.
 * @st: the list's store state.
 * @err: the error SYNC messages still waiting complete with.
 *
 * Context: process context; sleeps.
 */
void todo_store_flush(struct todo_store *st, int err)
{
	flush_work(&st->work);
	todo_store_wake(st, U64_MAX, err);
}
EXPORT_SYMBOL_IF_KUNIT(todo_store_flush);

/**
 * todo_db_init() - Open db_dir and start the workers.
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int todo_db_init(void)
{
	unsigned int i;
	int err;

	if (db_workers < 1 || db_workers > 64) {
		pr_err("db_workers must be 1..64\n");
		return -EINVAL;
	}
	err = todo_storage_init(db_dir);
	if (err)
		return err;
	todo_db_wq = kcalloc(db_workers, sizeof(*todo_db_wq), GFP_KERNEL);
	if (!todo_db_wq)
		goto nomem;
	for (i = 0; i < db_workers; i++) {
		todo_db_wq[i] = alloc_ordered_workqueue("todo_db%u",
							WQ_MEM_RECLAIM, i);
		if (!todo_db_wq[i])
			goto nomem;
	}
	return 0;
nomem:
	todo_db_exit();
	return -ENOMEM;
}

/**
 * todo_db_exit() - Finish every queued load and store, stop the workers.
 *
 * Context: module exit, after every list server has stopped.
 */
void todo_db_exit(void)
{
	unsigned int i;

	for (i = 0; todo_db_wq && i < db_workers; i++)
		if (todo_db_wq[i])
			destroy_workqueue(todo_db_wq[i]);
	kfree(todo_db_wq);
	todo_db_wq = NULL;
	todo_storage_exit();
}
