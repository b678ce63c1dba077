// SPDX-License-Identifier: GPL-2.0
/*
 * Per-owner quotas.  An owner's lists, live or stored, count against
 * max_lists_per_user, and their sizes against max_bytes_per_user.  A
 * list's size is the size of its encoding: the bytes its file takes, and
 * a measure of the kernel memory its entries take (see
 * Documentation/params.rst for the ratio).
 *
 * Each list is charged once, by whoever holds it:
 *
 * - a list with no live server is charged by the database's index of
 *   files: its file's size, counted by the scan of db_dir at load and
 *   uncharged when the file is removed;
 * - a list with a server is charged by the server from the end of its
 *   load to its last store: its size in memory, kept up to date with each
 *   change.  When the server takes the list over from the index, or hands
 *   it back, it charges the difference between the two sizes.
 *
 * The counts live in memory, from the module's load to its unload: no
 * request scans db_dir or the cache to count an owner's lists.  Their sum,
 * every owner's lists, counts against max_lists, which protects the disk
 * whoever asks.
 *
 * Owns: the per-owner and global counts and bytes.  Must not: know
 * servers, files or lists, only the numbers charged to it.
 */
#include <kunit/visibility.h>
#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "errmsg.h"
#include "params.h"
#include "quota.h"

/**
 * struct todo_quota - What one owner uses.
 * @bytes: total size of the owner's lists.
 * @lists: number of the owner's lists, live or stored.
 *
 * Both change locklessly; a charge that must stay under a limit uses a
 * compare-and-exchange loop, so two charges never pass it together.
 */
struct todo_quota {
	atomic64_t bytes;
	atomic_t lists;
};

/* Indexed by owner; an entry lives from its first charge to unload. */
static DEFINE_XARRAY(todo_quotas);

/* Every owner's lists: the sum of &todo_quota.lists. */
static atomic_t todo_nr_lists = ATOMIC_INIT(0);

/* The owner's quota, created if @create; NULL if absent or out of memory. */
static struct todo_quota *todo_quota_of(u32 owner, bool create)
{
	struct todo_quota *q, *new;

	q = xa_load(&todo_quotas, owner);
	if (q || !create)
		return q;
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return NULL;
	q = xa_cmpxchg(&todo_quotas, owner, NULL, new, GFP_KERNEL);
	if (q) {
		kfree(new);
		return xa_is_err(q) ? NULL : q;
	}
	return new;
}

/**
 * todo_quota_charge_bytes() - Charge a change of size to an owner.
 * @owner: the owner.
 * @delta: bytes added (or, if negative, freed).
 * @exempt: the requester may exceed max_bytes_per_user
 *	(CAP_SYS_RESOURCE, as with rlimits), or the bytes are already
 *	there (a list loaded from its file).
 *
 * Context: process context; may sleep (an owner's first charge allocates).
 * Return: 0; -EDQUOT if @delta would take the owner past
 * max_bytes_per_user; -ENOMEM.
 */
int todo_quota_charge_bytes(u32 owner, s64 delta, bool exempt)
{
	s64 limit = todo_param(&todo_max_bytes_per_user);
	struct todo_quota *q;
	s64 old;

	if (!delta)
		return 0;
	q = todo_quota_of(owner, delta > 0);
	if (!q)
		return delta > 0 ? -ENOMEM : 0;
	if (delta < 0 || exempt) {
		atomic64_add(delta, &q->bytes);
		return 0;
	}
	old = atomic64_read(&q->bytes);
	do {
		if (old + delta > limit)
			return -EDQUOT;
	} while (!atomic64_try_cmpxchg(&q->bytes, &old, old + delta));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(todo_quota_charge_bytes);

/*
 * The owner's count first, then everybody's: a user at its own limit
 * never holds a global slot, even briefly, that another user needs.
 */
static int todo_quota_charge(u32 owner, bool exempt, bool new,
			     struct netlink_ext_ack *extack)
{
	struct todo_quota *q = todo_quota_of(owner, true);

	if (!q) {
		NL_SET_ERR_MSG(extack, "out of memory");
		return -ENOMEM;
	}
	if (exempt) {
		atomic_inc(&q->lists);
	} else if (!todo_inc_below(&q->lists,
				   todo_param(&todo_max_lists_per_user))) {
		NL_SET_ERR_MSG(extack,
			       "too many lists for this user (max_lists_per_user)");
		return -EDQUOT;
	}
	if (!new) {
		atomic_inc(&todo_nr_lists);
		return 0;
	}
	if (todo_inc_below(&todo_nr_lists, todo_param(&todo_max_lists)))
		return 0;
	atomic_dec(&q->lists);
	NL_SET_ERR_MSG(extack, "too many lists on this system (max_lists)");
	return -ENOSPC;
}

/**
 * todo_quota_charge_list() - Count a list found on disk.
 * @owner: the list's owner.
 * @exempt: not used by the scan of db_dir, which counts what is there
 *	whatever the limits; true.
 *
 * Context: process context; may sleep.
 * Return: 0; -EDQUOT if not @exempt and the owner has max_lists_per_user
 * lists; -ENOMEM.
 */
int todo_quota_charge_list(u32 owner, bool exempt)
{
	return todo_quota_charge(owner, exempt, false, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(todo_quota_charge_list);

/**
 * todo_quota_charge_new_list() - Count a list being created.
 * @owner: the owner.
 * @exempt: the requester may exceed max_lists_per_user
 *	(CAP_SYS_RESOURCE).  Nobody may exceed max_lists.
 * @extack: told which limit refused the list, or NULL.
 *
 * Context: process context; may sleep.
 * Return: 0; -ENOSPC if max_lists lists exist; -EDQUOT if the owner has
 * max_lists_per_user lists; -ENOMEM.
 */
int todo_quota_charge_new_list(u32 owner, bool exempt,
			       struct netlink_ext_ack *extack)
{
	return todo_quota_charge(owner, exempt, true, extack);
}
EXPORT_SYMBOL_IF_KUNIT(todo_quota_charge_new_list);

/**
 * todo_quota_uncharge_list() - Count one list fewer.
 * @owner: the owner, charged for the list before.
 *
 * Context: any.
 */
void todo_quota_uncharge_list(u32 owner)
{
	struct todo_quota *q = todo_quota_of(owner, false);

	if (!WARN_ON_ONCE(!q)) {
		atomic_dec(&q->lists);
		atomic_dec(&todo_nr_lists);
	}
}
EXPORT_SYMBOL_IF_KUNIT(todo_quota_uncharge_list);

/**
 * todo_quota_bytes() - Total size of an owner's lists.
 * @owner: the owner.
 *
 * Context: any.
 * Return: a snapshot, in bytes.
 */
u64 todo_quota_bytes(u32 owner)
{
	struct todo_quota *q = todo_quota_of(owner, false);

	return q ? atomic64_read(&q->bytes) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(todo_quota_bytes);

/**
 * todo_quota_lists() - Number of an owner's lists, live or stored.
 * @owner: the owner.
 *
 * Context: any.
 * Return: a snapshot.
 */
unsigned int todo_quota_lists(u32 owner)
{
	struct todo_quota *q = todo_quota_of(owner, false);

	return q ? atomic_read(&q->lists) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(todo_quota_lists);

/**
 * todo_quota_total_lists() - Number of lists of every owner.
 *
 * Context: any.
 * Return: a snapshot.
 */
unsigned int todo_quota_total_lists(void)
{
	return atomic_read(&todo_nr_lists);
}
EXPORT_SYMBOL_IF_KUNIT(todo_quota_total_lists);

/**
 * todo_quota_exit() - Forget every owner's counts.
 *
 * Context: module exit, once no list or file is charged any more.
 */
void todo_quota_exit(void)
{
	struct todo_quota *q;
	unsigned long owner;

	xa_for_each(&todo_quotas, owner, q)
		kfree(q);
	xa_destroy(&todo_quotas);
	atomic_set(&todo_nr_lists, 0);
}
