// SPDX-License-Identifier: GPL-2.0
/*
 * The cache (the book's Todo.Cache): maps (owner, name) to the list's
 * server and starts a server on first use.
 *
 * Lookups of live lists take no lock: an RCU read of an rhashtable and a
 * reference taken with refcount_inc_not_zero().  Starting a server is
 * serialised per owner only (&todo_user.create_lock): when several clients
 * race to start one list, the first starts it and the others find it when
 * they get the lock, and counting an owner's lists against
 * max_lists_per_user cannot race with the owner's other new lists.  Other
 * owners' lists start in parallel.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "cache.h"
#include "database.h"
#include "params.h"
#include "server.h"

/*
 * Live servers, keyed by (owner, name).  The table's own locks serialise
 * inserts and removals per bucket; readers use RCU.  A server in the table
 * holds the table's reference.
 */
static struct rhashtable todo_servers;

static const struct rhashtable_params todo_server_params = {
	.key_len = sizeof(struct todo_key),
	.key_offset = offsetof(struct todo_server, key),
	.head_offset = offsetof(struct todo_server, node),
	.automatic_shrinking = true,
};

/* Number of servers created and not yet freed by the cache (max_servers). */
static atomic_t todo_nr_servers = ATOMIC_INIT(0);

/**
 * struct todo_user - Per-owner accounting.
 * @lists: the owner's live lists (max_lists_per_user).
 * @create_lock: serialises the creation of the owner's new lists (lists
 *	with neither a live server nor a file), so that counting the owner's
 *	lists and adding one is atomic; other owners are not held up, nor are
 *	lookups, nor starts of stored lists.
 *
 * Kept in todo_users, indexed by uid, from the owner's first list until
 * the module is unloaded.
 */
struct todo_user {
	atomic_t lists;
	struct mutex create_lock;	/* serialises new lists, see above */
};

static DEFINE_XARRAY(todo_users);

/*
 * Retiring idle servers.  todo_retire_lock orders retirements against
 * module exit: once todo_closing is set none begins.  todo_retiring counts
 * those begun and not yet reaped; exit waits for it to drop to zero before
 * tearing the table down.  The reaper runs on todo_reaper_wq.
 */
static DEFINE_MUTEX(todo_retire_lock);
static bool todo_closing;
static atomic_t todo_retiring = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(todo_retire_wait);
static struct workqueue_struct *todo_reaper_wq;

/* Add one to @v unless it has reached @limit. */
static bool todo_charge(atomic_t *v, unsigned int limit)
{
	int old = atomic_read(v);

	do {
		if (old >= (int)limit)
			return false;
	} while (!atomic_try_cmpxchg(v, &old, old + 1));
	return true;
}

static struct todo_user *todo_user_get(u32 uid)
{
	struct todo_user *u, *new;

	u = xa_load(&todo_users, uid);
	if (u)
		return u;
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return ERR_PTR(-ENOMEM);
	mutex_init(&new->create_lock);
	u = xa_cmpxchg(&todo_users, uid, NULL, new, GFP_KERNEL);
	if (xa_is_err(u)) {
		kfree(new);
		return ERR_PTR(xa_err(u));
	}
	if (u) {
		kfree(new);
		return u;
	}
	return new;
}

static void todo_uncharge(u32 uid)
{
	struct todo_user *u = xa_load(&todo_users, uid);

	atomic_dec(&u->lists);
	atomic_dec(&todo_nr_servers);
}

/* Stop, uncharge and release a server that is out of the table. */
static void todo_cache_release(struct todo_server *s)
{
	u32 owner = s->key.owner;

	todo_server_stop(s);
	todo_server_put(s);
	todo_uncharge(owner);
}

/*
 * The server of @key with a reference, or NULL; @retiring says whether a
 * server was there but retiring (no reference left to take).
 */
static struct todo_server *todo_cache_try(const struct todo_key *key,
					  bool *retiring)
{
	struct todo_server *s;

	rcu_read_lock();
	s = rhashtable_lookup(&todo_servers, key, todo_server_params);
	*retiring = s && !refcount_inc_not_zero(&s->ref);
	rcu_read_unlock();
	return *retiring ? NULL : s;
}

/**
 * todo_cache_lookup() - Find the server of a live list.
 * @key: the list.
 *
 * Context: any; takes no lock but RCU.
 * Return: the server with a reference the caller must put, or NULL.
 */
struct todo_server *todo_cache_lookup(const struct todo_key *key)
{
	bool retiring;

	return todo_cache_try(key, &retiring);
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_lookup);

/*
 * May the owner have the list @key?  A list that has a file exists already;
 * a new one must leave the owner's lists, live and stored, no more than
 * max_lists_per_user.  Called with the owner's create_lock held, so no
 * other list of the owner appears meanwhile.
 */
static int todo_cache_room(const struct todo_key *key)
{
	struct todo_list_info *infos;
	int n;

	if (todo_db_exists(key))
		return 0;
	n = todo_cache_lists(key->owner, &infos);
	if (n < 0)
		return n;
	kvfree(infos);
	return n < (int)todo_param(&todo_max_lists_per_user) ? 0 : -EDQUOT;
}

/**
 * todo_cache_get() - Find the server of a list, starting one if needed.
 * @key: the list.
 *
 * Context: process context; may sleep.
 * Return: the server with a reference the caller must put; or
 * ERR_PTR(-EDQUOT) if the owner has max_lists_per_user live lists, or
 * that many lists live or stored and this one is new,
 * ERR_PTR(-ENOSPC) if max_servers servers run, ERR_PTR(-ENOMEM) or
 * another error if the server could not be created.
 */
struct todo_server *todo_cache_get(const struct todo_key *key)
{
	struct todo_server *s, *old;
	struct todo_user *u;
	int err;

	s = todo_cache_lookup(key);
	if (s)
		return s;

	u = todo_user_get(key->owner);
	if (IS_ERR(u))
		return ERR_CAST(u);
	mutex_lock(&u->create_lock);
	/* Another client of the owner may have started it meanwhile. */
	s = todo_cache_lookup(key);
	if (s)
		goto out_unlock;
	if (!todo_charge(&u->lists, todo_param(&todo_max_lists_per_user))) {
		s = ERR_PTR(-EDQUOT);
		goto out_unlock;
	}
	if (!todo_charge(&todo_nr_servers, todo_param(&todo_max_servers))) {
		atomic_dec(&u->lists);
		s = ERR_PTR(-ENOSPC);
		goto out_unlock;
	}
	err = todo_cache_room(key);
	s = err ? ERR_PTR(err) : todo_server_create(key);
	if (IS_ERR(s))
		goto out_uncharge;
	refcount_inc(&s->ref);	/* the table's */

	for (;;) {
		old = rhashtable_lookup_get_insert_fast(&todo_servers, &s->node,
							todo_server_params);
		if (!old) {
			todo_server_start(s);
			mutex_unlock(&u->create_lock);
			return s;
		}
		if (IS_ERR(old) || refcount_inc_not_zero(&old->ref))
			break;
		/* The old server is retiring; its last store is under way. */
		usleep_range(500, 1000);
	}
	mutex_unlock(&u->create_lock);
	/* The insert failed (or found a live server: cannot happen here). */
	refcount_dec(&s->ref);
	todo_cache_release(s);
	return old;

out_uncharge:
	todo_uncharge(key->owner);
out_unlock:
	mutex_unlock(&u->create_lock);
	return s;
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_get);

/**
 * todo_cache_find() - Find the server of an existing list, live or stored.
 * @key: the list.
 *
 * A stored list without a live server gets one, which loads it.  A list
 * that is neither live nor stored is not created.
 *
 * Context: process context; may sleep (it asks the database).
 * Return: the server with a reference the caller must put; NULL if the
 * list does not exist; or an ERR_PTR() from todo_cache_get().
 */
struct todo_server *todo_cache_find(const struct todo_key *key)
{
	struct todo_server *s = todo_cache_lookup(key);

	if (s || !todo_db_exists(key))
		return s;
	return todo_cache_get(key);
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_find);

/*
 * Wait until the server of @key, seen retiring, has left the table (its
 * last store succeeded) or is live again (the store failed).
 * Return: a reference to the live server of @key, or NULL.
 */
static struct todo_server *todo_cache_settle(const struct todo_key *key)
{
	struct todo_server *s;
	bool retiring;

	while (!(s = todo_cache_try(key, &retiring)) && retiring)
		usleep_range(500, 1000);
	return s;
}

/**
 * todo_cache_grab() - References to the live servers of an owner.
 * @owner: the owner.
 * @out: set to an array of referenced servers, freed by the caller with
 *	kvfree() after putting each.
 *
 * A server found retiring is waited for: if its last store succeeded its
 * list is on disk and it is left out; if the store failed it is live again
 * and included.  So a sync of every list never misses a store in flight.
 *
 * Context: process context; may sleep.
 * Return: the number of servers, or -ENOMEM.
 */
int todo_cache_grab(u32 owner, struct todo_server ***out)
{
	struct todo_user *u = xa_load(&todo_users, owner);
	unsigned int cap = (u ? atomic_read(&u->lists) : 0) + 16;
	unsigned int n = 0, nr = 0, i;
	struct rhashtable_iter iter;
	struct todo_server *s, **a;
	struct todo_key *retiring;

	a = kvcalloc(cap, sizeof(*a), GFP_KERNEL);
	retiring = kvcalloc(cap, sizeof(*retiring), GFP_KERNEL);
	if (!a || !retiring) {
		kvfree(a);
		kvfree(retiring);
		return -ENOMEM;
	}
	rhashtable_walk_enter(&todo_servers, &iter);
	rhashtable_walk_start(&iter);
	while (n + nr < cap && (s = rhashtable_walk_next(&iter))) {
		if (IS_ERR(s)) {
			if (PTR_ERR(s) == -EAGAIN)
				continue;
			break;
		}
		if (s->key.owner != owner)
			continue;
		if (refcount_inc_not_zero(&s->ref))
			a[n++] = s;
		else
			retiring[nr++] = s->key;
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	for (i = 0; i < nr; i++) {
		s = todo_cache_settle(&retiring[i]);
		if (s)
			a[n++] = s;
	}
	kvfree(retiring);
	*out = a;
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_grab);

/**
 * todo_cache_retire_begin() - An idle server asks to retire.
 * @s: the server, from its own thread.
 *
 * Succeeds only if the cache's is the last reference: it is then dropped
 * to zero, so no lookup can return the server any more and nobody else
 * holds it.  The server stays in the table, which makes a client that
 * wants the list wait until todo_cache_retire_end() (the server's last
 * store runs in between, so the next server loads it).
 *
 * Context: the server's kthread.
 * Return: true if the server must now store its list and call
 * todo_cache_retire_end(), or todo_cache_retire_abort() if the store
 * failed.
 */
bool todo_cache_retire_begin(struct todo_server *s)
{
	bool ok = false;

	mutex_lock(&todo_retire_lock);
	if (!todo_closing && refcount_dec_if_one(&s->ref)) {
		atomic_inc(&todo_retiring);
		ok = true;
	}
	mutex_unlock(&todo_retire_lock);
	return ok;
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_retire_begin);

/**
 * todo_cache_retire_abort() - A retiring server stays, its store failed.
 * @s: the server, from its own thread, after todo_cache_retire_begin().
 *
 * The cache's reference comes back, so lookups find the server again and
 * its list, which only memory holds now, is not dropped.
 *
 * Context: the server's kthread.
 */
void todo_cache_retire_abort(struct todo_server *s)
{
	mutex_lock(&todo_retire_lock);
	refcount_set(&s->ref, 1);
	if (atomic_dec_and_test(&todo_retiring))
		wake_up_all(&todo_retire_wait);
	mutex_unlock(&todo_retire_lock);
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_retire_abort);

static void todo_cache_reap(struct work_struct *work)
{
	struct todo_server *s = container_of(work, struct todo_server, retire);
	u32 owner = s->key.owner;

	todo_server_stop(s);
	todo_server_free(s);
	todo_uncharge(owner);
	if (atomic_dec_and_test(&todo_retiring))
		wake_up_all(&todo_retire_wait);
}

/**
 * todo_cache_retire_end() - Remove a retiring server; reap it.
 * @s: the server, from its own thread, after its last store.
 *
 * The thread then waits to be stopped by the reaper.
 *
 * Context: the server's kthread.
 */
void todo_cache_retire_end(struct todo_server *s)
{
	rhashtable_remove_fast(&todo_servers, &s->node, todo_server_params);
	INIT_WORK(&s->retire, todo_cache_reap);
	queue_work(todo_reaper_wq, &s->retire);
}

/**
 * todo_cache_remove() - Unregister a server and stop it.
 * @s: the server; the caller holds a reference, which it still puts.
 *
 * Context: process context; sleeps until the server's kthread has exited.
 * Return: true if this call removed it, false if it was already gone.
 */
bool todo_cache_remove(struct todo_server *s)
{
	if (rhashtable_remove_fast(&todo_servers, &s->node, todo_server_params))
		return false;
	todo_cache_release(s);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_remove);

/**
 * struct todo_stored_walk - Collects the stored lists of one owner.
 * @infos: the array being filled.
 * @n: entries used.
 * @cap: entries allocated.
 */
struct todo_stored_walk {
	struct todo_list_info *infos;
	unsigned int n;
	unsigned int cap;
};

static int todo_cache_stored_one(const struct todo_key *key, void *arg)
{
	struct todo_stored_walk *w = arg;
	struct todo_list_info *bigger;

	if (w->n == w->cap) {
		bigger = kvcalloc(w->cap * 2, sizeof(*bigger), GFP_KERNEL);
		if (!bigger)
			return -ENOMEM;
		memcpy(bigger, w->infos, w->n * sizeof(*bigger));
		kvfree(w->infos);
		w->infos = bigger;
		w->cap *= 2;
	}
	memset(&w->infos[w->n], 0, sizeof(w->infos[w->n]));
	w->infos[w->n].key = *key;
	w->n++;
	return 0;
}

/* By name; for one name, the live entry first. */
static int todo_info_cmp(const void *a, const void *b)
{
	const struct todo_list_info *x = a, *y = b;
	int c = strcmp(x->key.name, y->key.name);

	return c ?: (int)y->alive - (int)x->alive;
}

/* Append the live lists of @owner to @w. */
static void todo_cache_live(u32 owner, struct todo_stored_walk *w)
{
	struct rhashtable_iter iter;
	struct todo_list_info *li;
	struct todo_server *s;

	rhashtable_walk_enter(&todo_servers, &iter);
	rhashtable_walk_start(&iter);
	while (w->n < w->cap && (s = rhashtable_walk_next(&iter))) {
		if (IS_ERR(s)) {
			if (PTR_ERR(s) == -EAGAIN)
				continue;
			break;
		}
		if (s->key.owner != owner)
			continue;
		li = &w->infos[w->n++];
		li->key = s->key;
		li->entries = READ_ONCE(s->entries);
		li->next_id = READ_ONCE(s->next_id);
		li->mailbox = todo_mailbox_len(&s->mbox);
		li->casts = atomic64_read(&s->casts);
		li->casts_failed = atomic64_read(&s->casts_failed);
		li->alive = true;
		spin_lock(&s->store.lock);
		li->writes = s->store.writes;
		li->write_errors = s->store.errors;
		li->last_error = -s->store.err;
		spin_unlock(&s->store.lock);
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}

/**
 * todo_cache_lists() - Snapshot one owner's lists, live and stored.
 * @owner: the owner.
 * @infos: set to an array the caller frees with kvfree(), sorted by name.
 *
 * Live lists come with their statistics; lists only on disk have alive
 * false and zero statistics.
 *
 * Context: process context; may sleep.
 * Return: the number of lists, or a negative errno.
 */
int todo_cache_lists(u32 owner, struct todo_list_info **infos)
{
	struct todo_user *u = xa_load(&todo_users, owner);
	struct todo_stored_walk w = { .cap = 64 };
	struct todo_list_info *live;
	unsigned int nlive, i, j;
	int err;

	w.infos = kvcalloc(w.cap, sizeof(*w.infos), GFP_KERNEL);
	if (!w.infos)
		return -ENOMEM;
	err = todo_db_stored(owner, todo_cache_stored_one, &w);
	if (err)
		goto fail;

	/* Room for every live list the owner may have, plus a few. */
	nlive = (u ? atomic_read(&u->lists) : 0) + 16;
	err = -ENOMEM;
	live = kvcalloc(w.n + nlive, sizeof(*live), GFP_KERNEL);
	if (!live)
		goto fail;
	memcpy(live, w.infos, w.n * sizeof(*live));
	kvfree(w.infos);
	w.infos = live;
	w.cap = w.n + nlive;
	todo_cache_live(owner, &w);

	/* One entry per name: the live one if any (a walk may repeat too). */
	sort(w.infos, w.n, sizeof(*w.infos), todo_info_cmp, NULL);
	for (i = 0, j = 0; i < w.n; i++)
		if (!j || strcmp(w.infos[j - 1].key.name, w.infos[i].key.name))
			w.infos[j++] = w.infos[i];
	*infos = w.infos;
	return j;
fail:
	kvfree(w.infos);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_lists);

/**
 * todo_cache_nr_servers() - Number of live servers.
 *
 * Context: any.
 * Return: a snapshot of the count.
 */
unsigned int todo_cache_nr_servers(void)
{
	return atomic_read(&todo_nr_servers);
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_nr_servers);

/**
 * todo_cache_init() - Set up the registry.
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int todo_cache_init(void)
{
	int err;

	todo_reaper_wq = alloc_workqueue("todo_reaper", 0, 0);
	if (!todo_reaper_wq)
		return -ENOMEM;
	err = rhashtable_init(&todo_servers, &todo_server_params);
	if (err)
		destroy_workqueue(todo_reaper_wq);
	return err;
}

static void todo_cache_free_one(void *ptr, void *arg)
{
	todo_cache_release(ptr);
}

/**
 * todo_cache_exit() - Stop every server and free the registry.
 *
 * Only once nothing can look servers up any more (the netlink family is
 * unregistered).
 *
 * Context: module exit; sleeps.
 */
void todo_cache_exit(void)
{
	struct todo_user *u;
	unsigned long uid;

	mutex_lock(&todo_retire_lock);
	todo_closing = true;
	mutex_unlock(&todo_retire_lock);
	wait_event(todo_retire_wait, !atomic_read(&todo_retiring));
	destroy_workqueue(todo_reaper_wq);

	rhashtable_free_and_destroy(&todo_servers, todo_cache_free_one, NULL);
	xa_for_each(&todo_users, uid, u)
		kfree(u);
	xa_destroy(&todo_users);
}
