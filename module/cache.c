// SPDX-License-Identifier: GPL-2.0
/*
 * The cache (the book's Todo.Cache): maps (owner, name) to the list's
 * server and starts a server on first use.
 *
 * Lookups of live lists take no lock: an RCU read of an rhashtable and a
 * reference taken with refcount_inc_not_zero().  Creation is not serialised
 * either: a new server is inserted with the table's insert-if-absent, so
 * when several clients race to create one list, exactly one insert wins and
 * every other client uses the winner; the losers' unstarted threads are
 * stopped and freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "cache.h"
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
 *
 * Kept in todo_users, indexed by uid, from the owner's first list until
 * the module is unloaded.
 */
struct todo_user {
	atomic_t lists;
};

static DEFINE_XARRAY(todo_users);

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

/**
 * todo_cache_lookup() - Find the server of a live list.
 * @key: the list.
 *
 * Context: any; takes no lock but RCU.
 * Return: the server with a reference the caller must put, or NULL.
 */
struct todo_server *todo_cache_lookup(const struct todo_key *key)
{
	struct todo_server *s;

	rcu_read_lock();
	s = rhashtable_lookup(&todo_servers, key, todo_server_params);
	if (s && !refcount_inc_not_zero(&s->ref))
		s = NULL;
	rcu_read_unlock();
	return s;
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_lookup);

/**
 * todo_cache_get() - Find the server of a list, starting one if needed.
 * @key: the list.
 *
 * Context: process context; may sleep.
 * Return: the server with a reference the caller must put; or
 * ERR_PTR(-EDQUOT) if the owner has max_lists_per_user lists,
 * ERR_PTR(-ENOSPC) if max_servers servers run, ERR_PTR(-ENOMEM) or
 * another error if the server could not be created.
 */
struct todo_server *todo_cache_get(const struct todo_key *key)
{
	struct todo_server *s, *old;
	struct todo_user *u;

	s = todo_cache_lookup(key);
	if (s)
		return s;

	u = todo_user_get(key->owner);
	if (IS_ERR(u))
		return ERR_CAST(u);
	if (!todo_charge(&u->lists, todo_param(&todo_max_lists_per_user)))
		return ERR_PTR(-EDQUOT);
	if (!todo_charge(&todo_nr_servers, todo_param(&todo_max_servers))) {
		atomic_dec(&u->lists);
		return ERR_PTR(-ENOSPC);
	}

	s = todo_server_create(key);
	if (IS_ERR(s)) {
		todo_uncharge(key->owner);
		return s;
	}
	refcount_inc(&s->ref);	/* the table's */

	for (;;) {
		old = rhashtable_lookup_get_insert_fast(&todo_servers, &s->node,
							todo_server_params);
		if (!old) {
			todo_server_start(s);
			return s;
		}
		if (IS_ERR(old) || refcount_inc_not_zero(&old->ref))
			break;
		/* The old server is being removed; try again. */
		cond_resched();
	}
	/* Another client won the race (or the insert failed). */
	refcount_dec(&s->ref);
	todo_cache_release(s);
	return old;
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_get);

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

static int todo_info_cmp(const void *a, const void *b)
{
	const struct todo_list_info *x = a, *y = b;

	return strcmp(x->key.name, y->key.name);
}

/**
 * todo_cache_lists() - Snapshot the statistics of one owner's lists.
 * @owner: the owner.
 * @infos: set to an array the caller frees with kvfree(), sorted by name.
 *
 * Context: process context; may sleep.
 * Return: the number of lists, or a negative errno.
 */
int todo_cache_lists(u32 owner, struct todo_list_info **infos)
{
	struct todo_user *u = xa_load(&todo_users, owner);
	struct rhashtable_iter iter;
	struct todo_list_info *a;
	struct todo_server *s;
	unsigned int cap, n = 0, i, j;

	/* Room for every list the owner may have, plus a few in creation. */
	cap = (u ? atomic_read(&u->lists) : 0) + 16;
	a = kvcalloc(cap, sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;

	rhashtable_walk_enter(&todo_servers, &iter);
	rhashtable_walk_start(&iter);
	while (n < cap && (s = rhashtable_walk_next(&iter))) {
		if (IS_ERR(s)) {
			if (PTR_ERR(s) == -EAGAIN)
				continue;
			break;
		}
		if (s->key.owner != owner)
			continue;
		a[n].key = s->key;
		a[n].entries = READ_ONCE(s->entries);
		a[n].next_id = READ_ONCE(s->next_id);
		a[n].mailbox = todo_mailbox_len(&s->mbox);
		a[n].casts = atomic64_read(&s->casts);
		a[n].casts_failed = atomic64_read(&s->casts_failed);
		a[n].alive = true;
		n++;
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);

	/* A walk may see an object twice across a resize: drop repeats. */
	sort(a, n, sizeof(*a), todo_info_cmp, NULL);
	for (i = 0, j = 0; i < n; i++)
		if (!j || strcmp(a[j - 1].key.name, a[i].key.name))
			a[j++] = a[i];
	*infos = a;
	return j;
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
	return rhashtable_init(&todo_servers, &todo_server_params);
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

	rhashtable_free_and_destroy(&todo_servers, todo_cache_free_one, NULL);
	xa_for_each(&todo_users, uid, u)
		kfree(u);
	xa_destroy(&todo_users);
}
