// SPDX-License-Identifier: GPL-2.0
/*
 * The database (the book's Todo.Database and its DatabaseWorker pool).
 *
 * Owns: db_dir and its parameters, the pool of workers and their queues,
 * the batches they write, and the in-memory index of list files (which
 * lists have a file, their sizes, per owner), built by one scan at load.
 *
 * Must not: hold a list's store state or its SYNC waiters (store.c does:
 * the worker takes a snapshot, reports the outcome and releases the
 * store through its functions), touch a server or a message, or read or
 * write a file itself (storage.c does the I/O, codec.c the format).
 *
 * db_workers ordered workqueues play the book's three worker processes.  A
 * stable hash of the list's key picks the workqueue, so every store of one
 * list runs on one worker, in the order queued, while lists on different
 * workers proceed in parallel.  All file I/O happens there, in kworker
 * context, with init's credentials and root.  A list's load and removal
 * are the exceptions: its server's thread does them (see todo_db_load()
 * and todo_db_remove()).
 *
 * A worker's one kind of job is a batch (struct todo_db_batch): it takes
 * up to TODO_DB_BATCH lists from its queue at a time and writes them
 * together, sharing the fsync of each owner's directory (and with
 * db_syncfs, one sync of the filesystem for all the files): see
 * todo_storage_write_batch().  A list is in its worker's queue at most
 * once (store.c coalesces its snapshots).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/jhash.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/rhashtable.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <linux/workqueue.h>

#include "codec.h"
#include "database.h"
#include "list.h"
#include "params.h"
#include "quota.h"
#include "storage.h"
#include "store.h"

static char *db_dir = "/var/lib/todo";
module_param(db_dir, charp, 0444);
MODULE_PARM_DESC(db_dir,
		 "Directory of the list files, created if missing (default /var/lib/todo)");

static unsigned int db_workers = 3;
module_param(db_workers, uint, 0444);
MODULE_PARM_DESC(db_workers,
		 "Database workers: ordered workqueues, 1..64 (default 3)");

static bool db_syncfs = true;
module_param(db_syncfs, bool, 0644);
MODULE_PARM_DESC(db_syncfs,
		 "Make a batch of stores durable with one sync of db_dir's filesystem instead of an fsync per file, where db_dir is the root of its own ext4 or xfs filesystem (default on)");

/*
 * Most lists a worker writes as one batch, and about the most bytes: a
 * large list goes alone, so it neither holds many others' syncs behind
 * it nor keeps many temporary files on a nearly full disk.
 */
#define TODO_DB_BATCH		32
#define TODO_DB_BATCH_BYTES	SZ_1M

/**
 * struct todo_db_batch - A worker's one kind of job: a batch of stores.
 * @lists: the stores taken from the worker's queue.
 * @puts: the files of @lists being written.
 * @put_of: the index in @puts of each list of @lists, or -1 if it has
 *	nothing to write.
 * @gens: the generation each list of @lists is writing.
 *
 * Used by the worker's work alone.  Loads and removals are no jobs of the
 * pool: a list's server does them in its own thread.
 */
struct todo_db_batch {
	struct todo_store *lists[TODO_DB_BATCH];
	struct todo_storage_put puts[TODO_DB_BATCH];
	int put_of[TODO_DB_BATCH];
	u64 gens[TODO_DB_BATCH];
};

/**
 * struct todo_db_worker - One database worker.
 * @wq: its ordered workqueue, which runs @work.
 * @work: writes what is queued, a batch at a time.
 * @lock: protects @queue; never held while sleeping.
 * @queue: lists with a snapshot to write, by &todo_store.node, in the
 *	order submitted.
 * @batch: the batch being written.
 */
struct todo_db_worker {
	struct workqueue_struct *wq;
	struct work_struct work;
	spinlock_t lock;	/* protects @queue */
	struct list_head queue;
	struct todo_db_batch batch;
};

static struct todo_db_worker *todo_db_workers;
static bool todo_db_indexed;	/* todo_db_files is initialised */

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

static struct todo_db_worker *todo_db_worker(const struct todo_key *key)
{
	return &todo_db_workers[todo_db_worker_of(key)];
}

/**
 * struct todo_db_file - A list that has a file in db_dir.
 * @node: link in todo_db_files.
 * @owner_node: node in &todo_db_owner.files, ordered by name.
 * @key: the list.
 * @size: the file's size, as the last successful store or the scan at
 *	load found it; 0 for anything but a regular file.  Written under
 *	todo_db_files_lock or by the list's own store, read under RCU.
 * @rcu: for the deferred free; lookups run under RCU.
 *
 * While no server holds the list, the owner's quota is charged for it
 * here: one list and @size bytes (see quota.c).
 */
struct todo_db_file {
	struct rhash_head node;
	struct rb_node owner_node;
	struct todo_key key;
	size_t size;
	struct rcu_head rcu;
};

/**
 * struct todo_db_owner - The lists of one owner that have a file.
 * @files: &struct todo_db_file by &todo_db_file.owner_node, ordered by
 *	name, so that a listing resumes after a name in O(log n).
 * @nr: number of @files.
 */
struct todo_db_owner {
	struct rb_root files;
	unsigned int nr;
};

static bool todo_db_file_less(struct rb_node *a, const struct rb_node *b)
{
	return todo_key_name_cmp(&rb_entry(a, struct todo_db_file,
					   owner_node)->key,
				 &rb_entry(b, struct todo_db_file,
					   owner_node)->key) < 0;
}

/*
 * The index of list files: built by one scan of db_dir (each owner's
 * directory in it) at load, then kept
 * up to date by the stores (a first successful store adds its list) and by
 * removals.  So no request handler asks the disk, or waits for a worker,
 * to learn whether a list exists or how many an owner has.
 * todo_db_files_lock serialises changes (and walks of an owner's files);
 * lookups use RCU.
 */
static struct rhashtable todo_db_files;
static DEFINE_XARRAY(todo_db_owners);
static DEFINE_MUTEX(todo_db_files_lock);

static const struct rhashtable_params todo_db_file_params = {
	.key_len = sizeof(struct todo_key),
	.key_offset = offsetof(struct todo_db_file, key),
	.head_offset = offsetof(struct todo_db_file, node),
	.automatic_shrinking = true,
};

/*
 * Add @key to the index unless it is there; record the file's @size.
 * Return: 1 if added, 0 if it was there, or a negative errno.
 */
static int todo_db_index_add(const struct todo_key *key, size_t size)
{
	struct todo_db_owner *o;
	struct todo_db_file *f;
	int err = 0;

	might_sleep();
	mutex_lock(&todo_db_files_lock);
	f = rhashtable_lookup_fast(&todo_db_files, key, todo_db_file_params);
	if (f) {
		WRITE_ONCE(f->size, size);
		goto out;
	}
	err = -ENOMEM;
	o = xa_load(&todo_db_owners, key->owner);
	if (!o) {
		o = kzalloc(sizeof(*o), GFP_KERNEL);
		if (!o)
			goto out;
		o->files = RB_ROOT;
		err = xa_err(xa_store(&todo_db_owners, key->owner, o,
				      GFP_KERNEL));
		if (err) {
			kfree(o);
			goto out;
		}
	}
	err = -ENOMEM;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		goto out;
	f->key = *key;
	f->size = size;
	err = rhashtable_insert_fast(&todo_db_files, &f->node,
				     todo_db_file_params);
	if (err) {
		kfree(f);
		goto out;
	}
	rb_add(&f->owner_node, &o->files, todo_db_file_less);
	WRITE_ONCE(o->nr, o->nr + 1);
	err = 1;
out:
	mutex_unlock(&todo_db_files_lock);
	return err;
}

/* The list's own store wrote @size bytes: no other writer of its entry. */
static void todo_db_index_resize(const struct todo_key *key, size_t size)
{
	struct todo_db_file *f;

	rcu_read_lock();
	f = rhashtable_lookup(&todo_db_files, key, todo_db_file_params);
	if (f)
		WRITE_ONCE(f->size, size);
	rcu_read_unlock();
}

/* Remove @key from the index if it is there. */
static void todo_db_index_remove(const struct todo_key *key)
{
	struct todo_db_owner *o;
	struct todo_db_file *f;

	mutex_lock(&todo_db_files_lock);
	f = rhashtable_lookup_fast(&todo_db_files, key, todo_db_file_params);
	if (f) {
		rhashtable_remove_fast(&todo_db_files, &f->node,
				       todo_db_file_params);
		o = xa_load(&todo_db_owners, key->owner);
		rb_erase(&f->owner_node, &o->files);
		WRITE_ONCE(o->nr, o->nr - 1);
		kfree_rcu(f, rcu);
	}
	mutex_unlock(&todo_db_files_lock);
}

/**
 * todo_db_remove() - Remove a list's file.
 * @key: the list.
 *
 * Called by the list's server, which makes sure no store of the list is
 * pending or can start (todo_store_discard()), and which then uncharges
 * the list's owner (see quota.c).  Not run on a worker, since nothing of
 * the list is queued there.
 *
 * Context: the list's server; sleeps (an unlink and a directory fsync).
 * Return: 0 if the list has no file any more (also if it had none), or a
 * negative errno, the list then still being stored.
 */
int todo_db_remove(const struct todo_key *key)
{
	int err = todo_storage_remove(key);

	if (!err)
		todo_db_index_remove(key);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(todo_db_remove);

/**
 * todo_db_load() - Load a list from its file.
 * @key: the list.
 * @list: an empty, initialised list to fill.
 * @user_why: set on failure to a message for the user (a string constant); the
 *	kernel log has the details.
 *
 * A list without a file loads as empty, and no file is created.  Runs in
 * the caller's context, not on a database worker: a list's server loads
 * its own list, so a new list never waits behind other lists' stores.
 * The list's own last store is complete by then: a server starts only
 * once the list's previous server has left the cache, after its final
 * store.
 *
 * Context: a kthread (the list's server), with the kernel's credentials;
 * sleeps.
 * Return: 0; or a negative errno (-EUCLEAN for a corrupt file, -ELOOP for
 * a symlink, an I/O error), the list then being empty.  The kernel log
 * names the file and the problem.
 */
int todo_db_load(const struct todo_key *key, struct todo_list *list,
		 const char **user_why)
{
	char name[TODO_FILE_NAME_MAX];
	const char *why = "unreadable";
	size_t len;
	void *buf;
	int err;

	might_sleep();
	todo_test_load_delay();
	err = todo_storage_read(key, &buf, &len, user_why);
	if (err == -ENOENT)
		return 0;
	if (!err) {
		err = todo_codec_decode(buf, len, key, list, &why);
		kvfree(buf);
		/*
		 * A file refused for a limit lowered since it was written is
		 * not damaged: the codec's text names the limit.
		 */
		if (err)
			*user_why = err == -EUCLEAN ?
				"the list's file is damaged; the kernel log says how" :
				why;
	}
	if (err) {
		todo_storage_file_name(key, name);
		pr_err_ratelimited("%s/%s: %s (error %d); the list is unavailable until the file is repaired or removed\n",
				   db_dir, name, why, err);
	}
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(todo_db_load);

/**
 * todo_db_exists() - Tell whether a list has a file (of any content).
 * @key: the list.
 *
 * Asks the in-memory index, not the disk.
 *
 * Context: any.
 * Return: true if it has.
 */
bool todo_db_exists(const struct todo_key *key)
{
	bool found;

	rcu_read_lock();
	found = rhashtable_lookup(&todo_db_files, key, todo_db_file_params);
	rcu_read_unlock();
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(todo_db_exists);

/**
 * todo_db_size() - The size of a list's file, as last stored.
 * @key: the list.
 *
 * Asks the in-memory index, not the disk.
 *
 * Context: any.
 * Return: the size in bytes; 0 if the list has no file.
 */
size_t todo_db_size(const struct todo_key *key)
{
	struct todo_db_file *f;
	size_t size = 0;

	rcu_read_lock();
	f = rhashtable_lookup(&todo_db_files, key, todo_db_file_params);
	if (f)
		size = READ_ONCE(f->size);
	rcu_read_unlock();
	return size;
}
EXPORT_SYMBOL_IF_KUNIT(todo_db_size);

/**
 * todo_db_count() - How many lists of an owner have a file.
 * @owner: the owner.
 *
 * Context: any.
 * Return: the number.
 */
unsigned int todo_db_count(u32 owner)
{
	struct todo_db_owner *o = xa_load(&todo_db_owners, owner);

	return o ? READ_ONCE(o->nr) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(todo_db_count);

/**
 * todo_db_stored_after() - Stored lists of an owner, by name, from a point.
 * @owner: the owner.
 * @after: only names after this list's (of @owner); NULL for all.
 * @keys: filled with the lists' keys in ascending name order.
 * @max: room in @keys.
 *
 * Walks the in-memory index: O(log(the owner's lists) + @max).
 *
 * Context: process context; sleeps.
 * Return: the number of @keys filled; below @max only if no more follow.
 */
unsigned int todo_db_stored_after(u32 owner, const struct todo_key *after,
				  struct todo_key *keys, unsigned int max)
{
	struct todo_db_file *f = NULL;
	struct todo_db_owner *o;
	struct rb_node *node;
	unsigned int n = 0;

	mutex_lock(&todo_db_files_lock);
	o = xa_load(&todo_db_owners, owner);
	node = o ? o->files.rb_node : NULL;
	if (!after) {
		node = o ? rb_first(&o->files) : NULL;
	} else {
		/* The first file whose name is after @after's. */
		struct rb_node *first = NULL;

		while (node) {
			f = rb_entry(node, struct todo_db_file, owner_node);
			if (todo_key_name_cmp(&f->key, after) > 0) {
				first = node;
				node = node->rb_left;
			} else {
				node = node->rb_right;
			}
		}
		node = first;
	}
	for (; node && n < max; node = rb_next(node)) {
		f = rb_entry(node, struct todo_db_file, owner_node);
		keys[n++] = f->key;
	}
	mutex_unlock(&todo_db_files_lock);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(todo_db_stored_after);

/**
 * todo_db_queue() - Queue a list's store on its worker.
 * @st: the list's store state, just marked queued by todo_store_submit().
 *
 * Context: any context that may take a spinlock.
 */
void todo_db_queue(struct todo_store *st)
{
	struct todo_db_worker *w = todo_db_worker(st->key);

	spin_lock(&w->lock);
	list_add_tail(&st->node, &w->queue);
	spin_unlock(&w->lock);
	queue_work(w->wq, &w->work);
}

/*
 * A list that has a file is in the index: its entry is made before the
 * file, and a store that cannot make it fails like a write.  Return: 0 or
 * a negative errno.
 */
static int todo_db_index_ensure(const struct todo_key *key)
{
	int err = todo_db_exists(key) ? 0 : todo_db_index_add(key, 0);

	return err > 0 ? 0 : err;
}

/*
 * Writing generation @gen of @st (@len bytes) ended with @err: the index
 * learns the file's size, the log a failure, the store the outcome.
 */
static void todo_db_written(struct todo_store *st, size_t len, u64 gen,
			    int err, const char *why)
{
	if (!err)
		todo_db_index_resize(st->key, len);
	if (err) {
		char name[TODO_FILE_NAME_MAX];

		todo_storage_file_name(st->key, name);
		pr_warn_ratelimited("%s/%s: store failed (error %d); kept in memory, will retry\n",
				    db_dir, name, err);
	}
	todo_store_written(st, gen, err, why);
}

/*
 * A worker's work: write the queued lists, up to TODO_DB_BATCH at a time
 * in one todo_storage_write_batch(), until the queue is empty.  Each
 * list's outcome is recorded and its SYNC waiters answered as soon as the
 * batch is durable.
 */
static void todo_db_work(struct work_struct *work)
{
	struct todo_db_worker *w = container_of(work, struct todo_db_worker,
						work);
	struct todo_db_batch *b = &w->batch;
	struct todo_storage_put *p;
	struct todo_store *st;
	unsigned int i, n, k;
	void *buf;
	size_t bytes;
	int j;

	for (;;) {
		n = 0;
		bytes = 0;
		spin_lock(&w->lock);
		while (n < TODO_DB_BATCH &&
		       (st = list_first_entry_or_null(&w->queue,
						      struct todo_store,
						      node))) {
			/* A hint, unlocked: a large list goes alone. */
			bytes += todo_store_pending_len(st);
			if (n && bytes > TODO_DB_BATCH_BYTES)
				break;
			list_del_init(&st->node);
			b->lists[n++] = st;
		}
		spin_unlock(&w->lock);
		if (!n)
			return;

		/* Each list's snapshot; some have none, or no index entry. */
		for (i = 0, k = 0; i < n; i++) {
			st = b->lists[i];
			p = &b->puts[k];
			b->put_of[i] = -1;
			if (!todo_store_take(st, &buf, &p->len, &b->gens[i]))
				continue;
			p->buf = buf;
			p->key = st->key;
			p->err = todo_db_index_ensure(st->key);
			if (p->err) {
				kvfree(buf);
				todo_db_written(st, p->len, b->gens[i], p->err,
						"the index of list files cannot take the list; it is kept in memory");
				continue;
			}
			b->put_of[i] = k++;
		}
		/* Testing aid: a slow disk, with the snapshots taken. */
		if (k)
			todo_test_store_delay();
		todo_storage_write_batch(b->puts, k, READ_ONCE(db_syncfs));
		for (i = 0; i < n; i++) {
			st = b->lists[i];
			j = b->put_of[i];
			if (j >= 0) {
				kvfree(b->puts[j].buf);
				todo_db_written(st, b->puts[j].len,
						b->gens[i], b->puts[j].err,
						b->puts[j].why);
			}
			/* After a release that lets it go, @st is not ours. */
			if (todo_store_release(st)) {
				spin_lock(&w->lock);
				list_add_tail(&st->node, &w->queue);
				spin_unlock(&w->lock);
			}
		}
		cond_resched();
	}
}

/* One file found by the scan at load: index it, count it (see quota.c). */
static int todo_db_index_scan(const struct todo_key *key, void *unused)
{
	int err = todo_db_index_add(key, 0);

	return err <= 0 ? err : todo_quota_charge_list(key->owner, true);
}

/*
 * After the scan, outside the directory walk (whose lock a lookup would
 * need): each file's size, charged to its owner.  A look at the inode,
 * not a read.
 *
 * Runs at load, before the workers and the family exist, so nothing else
 * reads or changes the index.  todo_db_files_lock is not taken: the scan
 * took it inside an owner's directory's i_rwsem, and a lookup under it
 * would take the two in the other order.
 */
static int todo_db_index_sizes(void)
{
	struct todo_db_file *f, *tmp;
	struct todo_db_owner *o;
	unsigned long owner;
	loff_t size;
	int err;

	xa_for_each(&todo_db_owners, owner, o) {
		rbtree_postorder_for_each_entry_safe(f, tmp, &o->files,
						     owner_node) {
			size = 0;	/* if it is not a regular file */
			todo_storage_size(&f->key, &size);
			f->size = size;
			err = todo_quota_charge_bytes(owner, size, true);
			if (err)
				return err;
			cond_resched();
		}
	}
	return 0;
}

/**
 * todo_db_init() - Open db_dir and start the workers.
 *
 * Moves the lists of the old layout into owners' directories first (see
 * todo_storage_migrate()), then scans the directories to build the index
 * and charge the quotas.
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
	if (db_syncfs && !todo_storage_can_syncfs())
		pr_info("db_dir %s is not the root of its own ext4 or xfs filesystem: each store is fsync'd (db_syncfs does not apply)\n",
			db_dir);
	err = rhashtable_init(&todo_db_files, &todo_db_file_params);
	if (err) {
		todo_storage_exit();
		return err;
	}
	todo_db_indexed = true;
	err = todo_storage_migrate();
	if (err) {
		pr_err("cannot move db_dir %s to its new layout: error %d\n",
		       db_dir, err);
		todo_db_exit();
		return err;
	}
	err = todo_storage_for_each(todo_db_index_scan, NULL);
	if (!err)
		err = todo_db_index_sizes();
	if (err) {
		pr_err("cannot read db_dir %s: error %d\n", db_dir, err);
		todo_db_exit();
		return err;
	}
	todo_db_workers = kvcalloc(db_workers, sizeof(*todo_db_workers),
				   GFP_KERNEL);
	if (!todo_db_workers)
		goto nomem;
	for (i = 0; i < db_workers; i++) {
		struct todo_db_worker *w = &todo_db_workers[i];

		spin_lock_init(&w->lock);
		INIT_LIST_HEAD(&w->queue);
		INIT_WORK(&w->work, todo_db_work);
	}
	for (i = 0; i < db_workers; i++) {
		struct todo_db_worker *w = &todo_db_workers[i];

		w->wq = alloc_ordered_workqueue("todo_db%u", WQ_MEM_RECLAIM,
						i);
		if (!w->wq)
			goto nomem;
	}
	return 0;
nomem:
	todo_db_exit();
	return -ENOMEM;
}

static void todo_db_free_file(void *ptr, void *arg)
{
	kfree(ptr);
}

/**
 * todo_db_exit() - Finish every queued load and store, stop the workers.
 *
 * Context: module exit, after every list server has stopped.
 */
void todo_db_exit(void)
{
	struct todo_db_owner *o;
	unsigned long owner;
	unsigned int i;

	for (i = 0; todo_db_workers && i < db_workers; i++) {
		if (todo_db_workers[i].wq)
			destroy_workqueue(todo_db_workers[i].wq);
		WARN_ON_ONCE(!list_empty(&todo_db_workers[i].queue));
	}
	kvfree(todo_db_workers);
	todo_db_workers = NULL;
	if (todo_db_indexed)
		rhashtable_free_and_destroy(&todo_db_files, todo_db_free_file,
					    NULL);
	todo_db_indexed = false;
	xa_for_each(&todo_db_owners, owner, o)
		kfree(o);
	xa_destroy(&todo_db_owners);
	todo_storage_exit();
}
