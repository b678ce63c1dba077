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
 *
 * A server's life, in stages (see &enum todo_server_stage), and who may
 * hold it in each:
 *
 * 1. Created (todo_server_create()): LIVE, unpublished; only its creator
 *    holds it, with the one reference.
 * 2. Published (todo_cache_open()): inserted in the table, which takes a
 *    reference, and linked on its owner's list; its thread starts.  Held
 *    by the table and by every user of a lookup; RCU readers may see it.
 * 3. Retiring (todo_cache_retire_begin(), from its own thread, idle; or
 *    todo_cache_evict(), from a client that needs a slot): only when the
 *    table's is the last reference.  Still published, but lookups take no
 *    reference; clients that want the list wait.  Back to LIVE
 *    (todo_cache_retire_abort()) if its last store fails.
 * 4. Dead (todo_cache_retire_end(), todo_cache_remove()): whoever moves it
 *    to DEAD unpublishes it and owns the table's reference from then on.
 *    Users of earlier lookups still hold theirs; RCU readers may still see
 *    it but cannot take a reference.
 * 5. Stopped (todo_server_stop(), by the owner of the table's reference,
 *    or the reaper it hands it to): the thread has drained the mailbox,
 *    stored the list and exited.  Then the table's reference is put.
 * 6. Released (todo_server_put() of the last reference): the list is
 *    freed, and the server after an RCU grace period.  The only release.
 *
 * Live servers are bounded by max_servers; lists are not.  When
 * max_servers run and a client needs a server for another list, the least
 * recently used idle server is evicted: the client makes it RETIRING and
 * kicks it, and it retires as if idle_timeout had passed (stores its list,
 * then the reaper stops it), which frees a slot; the client waits for one.
 * "Least recently used" is approximated (see todo_cache_evict()): servers
 * sit in todo_lru in the order the eviction walk last placed them, each
 * lookup counts a use and stamps its time in the server (under the gate
 * it takes anyway, so a lookup writes nothing shared), and the walk sends
 * a server used since it was placed to the back, then evicts the least
 * recently used of the first few idle ones it meets.
 *
 * Owns: the registry of live servers (the rhashtable, each owner's
 * record, the LRU), starting, retiring, evicting and stopping servers, and
 * the lookups (live only, live or stored, creating).  Must not: handle a
 * list's messages or touch its entries (its server does), or do I/O (it
 * asks the database's in-memory index whether a list exists).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/spinlock.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "cache.h"
#include "database.h"
#include "errmsg.h"
#include "params.h"
#include "quota.h"
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
 * @create_lock: serialises the starts of the owner's servers, so that
 *	counting the owner's lists and adding one is atomic, and two clients
 *	never start one list twice; other owners are not held up, nor are
 *	lookups.
 * @lock: protects @servers and @nr_servers; never held while sleeping.
 * @servers: the owner's servers in the table, linked by
 *	&todo_server.owner_node, so that walking one owner's lists costs
 *	O(that owner's lists) and sees each exactly once.
 * @nr_servers: length of @servers.
 * @starting: &struct todo_starting of the clients that are starting one of
 *	the owner's lists and wait for a slot under max_servers; another
 *	client of the same list waits for them instead of evicting too.
 *
 * Kept in todo_users, indexed by uid, from the owner's first list until
 * the module is unloaded.
 */
struct todo_user {
	struct mutex create_lock;	/* serialises starts, see above */
	spinlock_t lock;	/* protects @servers, @nr_servers, @starting */
	struct list_head servers;
	unsigned int nr_servers;
	struct list_head starting;
};

/**
 * struct todo_starting - A client starting a list, waiting for a slot.
 * @node: link in &todo_user.starting.
 * @key: the list.
 *
 * On the client's stack, linked while it waits.
 */
struct todo_starting {
	struct list_head node;
	const struct todo_key *key;
};

static DEFINE_XARRAY(todo_users);

static const struct todo_server_ops todo_cache_ops;

/*
 * Retiring idle servers.  todo_retire_lock orders retirements against
 * module exit: once todo_closing is set none begins.  todo_retiring counts
 * those begun and not yet reaped; exit waits for it to drop to zero before
 * tearing the table down.  todo_retire_wait is woken whenever a retiring
 * server leaves the table or comes back to life, and when todo_retiring
 * drops.  The reaper runs on todo_reaper_wq.
 */
static DEFINE_MUTEX(todo_retire_lock);
static bool todo_closing;
static atomic_t todo_retiring = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(todo_retire_wait);
static struct workqueue_struct *todo_reaper_wq;

/*
 * Eviction.  todo_lru holds the published servers by &todo_server.lru_node,
 * the least recently used first (see the top of this file), and
 * todo_nr_lru counts them; todo_lru_lock protects both and every
 * &todo_server.lru_uses.  It nests inside todo_retire_lock and outside a
 * server's gate and mailbox lock.  todo_retire_wait is also woken when a
 * slot under max_servers comes free; todo_aborts counts the retirements
 * that failed, so that a client waiting for its victim learns of it.
 * todo_evicting counts the servers chosen for eviction whose slot has not
 * come free yet, and todo_slot_waiters the clients waiting for a slot: a
 * client evicts only while the first is below the second, so evictions
 * never outnumber the clients that need them.
 */
static DEFINE_SPINLOCK(todo_lru_lock);
static LIST_HEAD(todo_lru);
static unsigned int todo_nr_lru;
static atomic_t todo_aborts = ATOMIC_INIT(0);
static atomic_t todo_evicting = ATOMIC_INIT(0);
static atomic_t todo_slot_waiters = ATOMIC_INIT(0);

/* Servers the eviction walk examines before it lets others have the lock. */
#define TODO_EVICT_CHUNK	64
/* Idle servers it compares, by last use, to pick the one to evict. */
#define TODO_EVICT_SAMPLE	8

/* Statistics (todo_cache_stats()). */
static atomic64_t todo_started = ATOMIC64_INIT(0);
static atomic64_t todo_evictions = ATOMIC64_INIT(0);
static atomic64_t todo_refusals = ATOMIC64_INIT(0);

/* A retirement is over, whichever way. */
static void todo_cache_retired(void)
{
	if (atomic_dec_and_test(&todo_retiring))
		wake_up_all(&todo_retire_wait);
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
	spin_lock_init(&new->lock);
	INIT_LIST_HEAD(&new->servers);
	INIT_LIST_HEAD(&new->starting);
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

/*
 * Link @s, just inserted in the table, on its owner's list and at the
 * back of the order of use.
 */
static void todo_user_link(struct todo_user *u, struct todo_server *s)
{
	spin_lock(&u->lock);
	list_add_tail(&s->owner_node, &u->servers);
	u->nr_servers++;
	spin_unlock(&u->lock);

	spin_lock(&todo_lru_lock);
	s->lru_uses = READ_ONCE(s->uses);
	list_add_tail(&s->lru_node, &todo_lru);
	todo_nr_lru++;
	spin_unlock(&todo_lru_lock);
	atomic64_inc(&todo_started);
}

/* Unlink @s, just removed from the table, from the lists it is on. */
static void todo_user_unlink(struct todo_server *s)
{
	struct todo_user *u = xa_load(&todo_users, s->key.owner);

	spin_lock(&u->lock);
	list_del_init(&s->owner_node);
	u->nr_servers--;
	spin_unlock(&u->lock);

	spin_lock(&todo_lru_lock);
	list_del_init(&s->lru_node);
	todo_nr_lru--;
	spin_unlock(&todo_lru_lock);
}

/*
 * Stages 5 and 6 for a DEAD server, out of the table: stop it, put the
 * table's reference, and count it out of max_servers.
 */
static void todo_cache_release(struct todo_server *s)
{
	bool evicted;

	might_sleep();
	WARN_ON_ONCE(READ_ONCE(s->stage) != TODO_SERVER_DEAD);
	todo_server_stop(s);
	/* A thread that never ran left its new list counted (see quota.c). */
	if (s->counted && !todo_db_exists(&s->key))
		todo_quota_uncharge_list(s->key.owner);
	/* Its thread has exited: @evicted is ours to read. */
	evicted = s->evicted;
	todo_server_put(s);
	/* The slot first, so a client that sees no eviction finds it. */
	atomic_dec(&todo_nr_servers);
	if (evicted)
		atomic_dec(&todo_evicting);
	wake_up_all(&todo_retire_wait);	/* a slot for todo_cache_slot() */
}

/*
 * Make @s DEAD unless it is already: the caller then owns the table's
 * reference and must unpublish the server.  Return: true if it did.
 */
static bool todo_cache_make_dead(struct todo_server *s)
{
	bool was_dead;

	bool evicting;

	spin_lock(&s->gate);
	was_dead = s->stage == TODO_SERVER_DEAD;
	s->stage = TODO_SERVER_DEAD;
	/* Chosen for eviction, but stopped before its thread took over. */
	evicting = s->evicting;
	s->evicting = false;
	spin_unlock(&s->gate);
	if (evicting) {
		atomic_dec(&todo_evicting);
		todo_cache_retired();
	}
	return !was_dead;
}

/* Unpublish a DEAD server: out of the table and its owner's list. */
static void todo_cache_unpublish(struct todo_server *s)
{
	WARN_ON_ONCE(rhashtable_remove_fast(&todo_servers, &s->node,
					    todo_server_params));
	todo_user_unlink(s);
	wake_up_all(&todo_retire_wait);
}

/*
 * Live only, no wait: the server of @key with a reference if it is LIVE,
 * else NULL; @retiring says whether a server was there but retiring or
 * leaving the table (no reference left to take).
 */
static struct todo_server *__todo_cache_get_live(const struct todo_key *key,
						 bool *retiring)
{
	enum todo_server_stage stage = TODO_SERVER_DEAD;
	struct todo_server *s;

	rcu_read_lock();
	s = rhashtable_lookup(&todo_servers, key, todo_server_params);
	if (s)
		stage = todo_server_tryget(s);
	rcu_read_unlock();
	/*
	 * A DEAD server still in the table is about to leave it: wait for
	 * that as for a retirement, so that a new server of the key is never
	 * inserted beside it.
	 */
	*retiring = s && stage != TODO_SERVER_LIVE;
	return stage == TODO_SERVER_LIVE ? s : NULL;
}

/* Is the server of @key in the table but retiring, or leaving it? */
static bool todo_cache_retiring(const struct todo_key *key)
{
	struct todo_server *s;
	bool retiring;

	rcu_read_lock();
	s = rhashtable_lookup(&todo_servers, key, todo_server_params);
	retiring = s && READ_ONCE(s->stage) != TODO_SERVER_LIVE;
	rcu_read_unlock();
	return retiring;
}

/*
 * Wait until the server of @key, seen retiring, has left the table (its
 * last store succeeded) or is live again (the store failed).  The wait is
 * killable and bounded by *@timeout, the jiffies left to the request,
 * which it reduces: a retiring server's last store may take as long as
 * the disk makes it.
 */
static int todo_cache_wait_retired(const struct todo_key *key, long *timeout,
				   struct netlink_ext_ack *extack)
{
	long left = 0;

	might_sleep();
	if (*timeout > 0)
		left = wait_event_killable_timeout(todo_retire_wait,
						   !todo_cache_retiring(key),
						   *timeout);
	if (left < 0) {
		NL_SET_ERR_MSG(extack, "interrupted");
		return -EINTR;
	}
	*timeout = left;
	if (!left) {
		NL_SET_ERR_MSG(extack,
			       "the list's stopping server did not finish storing it in time (call_timeout_ms)");
		return -ETIMEDOUT;
	}
	return 0;
}

/*
 * Take the owner's start mutex at a moment when @key's server is not
 * retiring (one that is, is waited for first).  Return: the live server of
 * @key with a reference, or NULL, the mutex held either way; or an
 * ERR_PTR() (-EINTR, -ETIMEDOUT) without it.
 */
static struct todo_server *todo_cache_lock_owner(struct todo_user *u,
						 const struct todo_key *key,
						 long *timeout,
						 struct netlink_ext_ack *extack)
{
	struct todo_server *s;
	bool retiring;
	int err;

	for (;;) {
		if (mutex_lock_killable(&u->create_lock)) {
			NL_SET_ERR_MSG(extack, "interrupted");
			return ERR_PTR(-EINTR);
		}
		s = __todo_cache_get_live(key, &retiring);
		if (!retiring)
			return s;
		mutex_unlock(&u->create_lock);
		/* Its last store runs; then the list is on disk, or live. */
		err = todo_cache_wait_retired(key, timeout, extack);
		if (err)
			return ERR_PTR(err);
	}
}

/*
 * Make @s RETIRING for eviction if nobody but the table holds it, and
 * kick it.  The counts go up before the claim is visible, so whoever
 * consumes it (todo_cache_retire_begin(), todo_cache_make_dead()) finds
 * them counted.
 */
static bool todo_cache_claim(struct todo_server *s)
{
	bool ok;

	lockdep_assert_held(&todo_retire_lock);
	lockdep_assert_held(&todo_lru_lock);
	spin_lock(&s->gate);
	ok = s->stage == TODO_SERVER_LIVE && !s->evicting &&
	     refcount_read(&s->ref) == 1;
	if (ok) {
		atomic_inc(&todo_retiring);
		atomic_inc(&todo_evicting);
		s->stage = TODO_SERVER_RETIRING;
		s->evicting = true;
	}
	spin_unlock(&s->gate);
	/*
	 * Under todo_lru_lock the server is published, so the table's
	 * reference keeps it: its thread cannot have unpublished it.
	 */
	if (ok)
		todo_mailbox_kick(&s->mbox);
	return ok;
}

/*
 * Claim the least recently used of the @n idle servers in @cand; if it
 * cannot be claimed any more, the next, and so on.  Return: whether one
 * was.
 */
static bool todo_cache_claim_oldest(struct todo_server **cand, unsigned int n)
{
	unsigned int i, best;

	lockdep_assert_held(&todo_lru_lock);
	while (n) {
		for (best = 0, i = 1; i < n; i++)
			if (READ_ONCE(cand[i]->last_used) <
			    READ_ONCE(cand[best]->last_used))
				best = i;
		if (todo_cache_claim(cand[best]))
			return true;
		cand[best] = cand[--n];
	}
	return false;
}

/*
 * Choose the least recently used idle server and begin its retirement: it
 * becomes RETIRING, so lookups pass it by, and its mailbox is kicked, so
 * its thread stores the list and retires at once (todo_server_retire()).
 * Idle means nobody but the table holds it (no client waits on it), its
 * mailbox is empty and its last store did not fail (it would fail again,
 * and the server stay).  One whose thread is still finishing its last
 * message (a cast, or the store after a call's answer) is taken only if
 * no other idle one is found.
 *
 * The walk takes servers from the front of todo_lru and puts each at the
 * back: one used since it was placed gets a second chance; the first
 * TODO_EVICT_SAMPLE idle ones it meets are candidates, and the one least
 * recently used of them is evicted.  Each server is examined at most
 * twice, and every TODO_EVICT_CHUNK the walk decides among the candidates
 * it has and lets go of the lock.  So when every server is busy it costs
 * O(live servers), and otherwise about as many as were used since the
 * last eviction.
 *
 * Return: 0 if a server was chosen; -EBUSY if every live server is busy;
 * -ESHUTDOWN if the module is unloading.
 */
static int todo_cache_evict(void)
{
	struct todo_server *s, *cand[TODO_EVICT_SAMPLE], *late = NULL;
	unsigned int budget, seen = 0, n = 0;
	bool claimed = false;
	u32 uses;

	mutex_lock(&todo_retire_lock);
	if (todo_closing) {
		mutex_unlock(&todo_retire_lock);
		return -ESHUTDOWN;
	}
	spin_lock(&todo_lru_lock);
	for (budget = 2 * todo_nr_lru; budget; budget--) {
		if (++seen % TODO_EVICT_CHUNK == 0) {
			/* The candidates are safe only under the lock. */
			claimed = todo_cache_claim_oldest(cand, n) ||
				  (late && todo_cache_claim(late));
			if (claimed)
				break;
			n = 0;
			late = NULL;
			spin_unlock(&todo_lru_lock);
			cond_resched();
			spin_lock(&todo_lru_lock);
			if (list_empty(&todo_lru))
				break;
		}
		s = list_first_entry(&todo_lru, struct todo_server, lru_node);
		/* Examined: to the back, whatever happens to it. */
		list_move_tail(&s->lru_node, &todo_lru);
		uses = READ_ONCE(s->uses);
		if (uses != s->lru_uses) {
			s->lru_uses = uses;	/* a second chance */
			continue;
		}
		if (s == late || todo_mailbox_len(&s->mbox) ||
		    refcount_read(&s->ref) != 1 || todo_store_error(&s->store))
			continue;
		if (todo_mailbox_handling(&s->mbox)) {
			late = late ?: s;
			continue;
		}
		cand[n++] = s;
		if (n == TODO_EVICT_SAMPLE)
			break;
	}
	if (!claimed)
		claimed = todo_cache_claim_oldest(cand, n) ||
			  (late && todo_cache_claim(late));
	spin_unlock(&todo_lru_lock);
	mutex_unlock(&todo_retire_lock);
	return claimed ? 0 : -EBUSY;
}

/*
 * Whether a client waiting for a slot should look again: one came free,
 * an eviction failed (its server stays), or none is under way.
 */
static bool todo_cache_slot_moved(unsigned int max, int aborts)
{
	return atomic_read(&todo_nr_servers) < (int)max ||
	       atomic_read(&todo_aborts) != aborts ||
	       !atomic_read(&todo_evicting);
}

/*
 * Count a new server in max_servers.  When max_servers run, evict an idle
 * server, unless enough evictions are under way for the clients waiting,
 * and wait (killable, within *@timeout, which is reduced by the time
 * spent) for a slot to come free.  Return: 0 with the slot taken, which
 * the caller gives back with todo_cache_unslot() unless a server takes it
 * over; -EBUSY if every live server is busy and no eviction is under way;
 * -EINTR; -ETIMEDOUT; -ESHUTDOWN.  @extack is told which.
 */
static int todo_cache_slot(long *timeout, struct netlink_ext_ack *extack)
{
	unsigned long deadline = jiffies + max(*timeout, 0L);
	unsigned int max;
	int aborts, err;
	long left;

	might_sleep();
	atomic_inc(&todo_slot_waiters);
	for (;;) {
		max = todo_param(&todo_max_servers);
		err = 0;
		if (todo_inc_below(&todo_nr_servers, max))
			break;
		err = -ETIMEDOUT;
		left = (long)(deadline - jiffies);
		if (left <= 0)
			break;
		aborts = atomic_read(&todo_aborts);
		if (atomic_read(&todo_evicting) <
		    atomic_read(&todo_slot_waiters)) {
			err = todo_cache_evict();
			if (err == -ESHUTDOWN)
				break;
			if (err && !atomic_read(&todo_evicting)) {
				/* A slot may have come free meanwhile. */
				if (todo_inc_below(&todo_nr_servers, max)) {
					err = 0;
					break;
				}
				atomic64_inc(&todo_refusals);
				break;
			}
		}
		/* A victim stores its list, if it must, and stops. */
		err = -EINTR;
		if (wait_event_killable_timeout(todo_retire_wait,
						todo_cache_slot_moved(max,
								      aborts),
						left) < 0)
			break;
	}
	atomic_dec(&todo_slot_waiters);
	*timeout = max_t(long, (long)(deadline - jiffies), 0);
	switch (err) {
	case -EBUSY:
		NL_SET_ERR_MSG(extack,
			       "every live list server is busy (max_servers); try again");
		break;
	case -ETIMEDOUT:
		NL_SET_ERR_MSG(extack,
			       "no list server stopped in time to make room (max_servers, call_timeout_ms)");
		break;
	case -EINTR:
		NL_SET_ERR_MSG(extack, "interrupted");
		break;
	case -ESHUTDOWN:
		NL_SET_ERR_MSG(extack, "module is unloading");
		break;
	}
	return err;
}

/* Give back a slot todo_cache_slot() took and no server took over. */
static void todo_cache_unslot(void)
{
	atomic_dec(&todo_nr_servers);
	wake_up_all(&todo_retire_wait);
}

/**
 * todo_cache_get_live() - The server of a list, if it is live.
 * @key: the list.
 *
 * Live only: never starts a server, never waits.  A stored list, or one
 * whose server is retiring, gives NULL.
 *
 * Context: any; takes no lock but RCU.
 * Return: the server with a reference the caller must put, or NULL.
 */
struct todo_server *todo_cache_get_live(const struct todo_key *key)
{
	bool retiring;

	return __todo_cache_get_live(key, &retiring);
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_get_live);

/*
 * Is another client than @me starting @me->key, waiting for a slot?
 * Called with the owner's create_lock held, or not.
 */
static bool todo_user_starting(struct todo_user *u, struct todo_starting *me)
{
	struct todo_starting *t;
	bool found = false;

	spin_lock(&u->lock);
	list_for_each_entry(t, &u->starting, node)
		if (t != me && !memcmp(t->key, me->key, sizeof(*t->key))) {
			found = true;
			break;
		}
	spin_unlock(&u->lock);
	return found;
}

/* @me starts its list and waits for a slot: others of the list wait. */
static void todo_user_mark(struct todo_user *u, struct todo_starting *me)
{
	lockdep_assert_held(&u->create_lock);
	spin_lock(&u->lock);
	if (list_empty(&me->node))
		list_add_tail(&me->node, &u->starting);
	spin_unlock(&u->lock);
}

/* @me is done starting its list, one way or the other. */
static void todo_user_unmark(struct todo_user *u, struct todo_starting *me)
{
	if (list_empty(&me->node))
		return;
	spin_lock(&u->lock);
	list_del_init(&me->node);
	spin_unlock(&u->lock);
	wake_up_all(&todo_retire_wait);
}

/*
 * Wait (killable, within *@timeout, which it reduces) until no other
 * client is starting @me->key.  Return: 0, -EINTR or -ETIMEDOUT.
 */
static int todo_cache_wait_started(struct todo_user *u,
				   struct todo_starting *me, long *timeout,
				   struct netlink_ext_ack *extack)
{
	long left = 0;

	if (*timeout > 0)
		left = wait_event_killable_timeout(todo_retire_wait,
						   !todo_user_starting(u, me),
						   *timeout);
	if (left < 0) {
		NL_SET_ERR_MSG(extack, "interrupted");
		return -EINTR;
	}
	*timeout = left;
	if (!left) {
		NL_SET_ERR_MSG(extack,
			       "the list's server did not start in time (max_servers, call_timeout_ms)");
		return -ETIMEDOUT;
	}
	return 0;
}

/*
 * May the owner have the list @key?  A list that has a file exists
 * already; a new one is counted against max_lists_per_user (see quota.c),
 * and its server will uncount it if it ends without a file.  Called with
 * the owner's create_lock held: no server of @key runs, so nothing creates
 * its file meanwhile.  Return: 0, with *@counted telling whether the list
 * was counted here; -EDQUOT; -ENOSPC; -ENOMEM, with @extack told which.
 */
static int todo_cache_room(struct todo_user *u, const struct todo_key *key,
			   bool exempt, bool *counted,
			   struct netlink_ext_ack *extack)
{
	int err;

	lockdep_assert_held(&u->create_lock);
	*counted = false;
	if (todo_db_exists(key))
		return 0;
	err = todo_quota_charge_new_list(key->owner, exempt, extack);
	*counted = !err;
	return err;
}

/**
 * todo_cache_open() - Find the server of a list, starting one if needed.
 * @key: the list.
 * @flags: %TODO_OPEN_CREATE to create the list if it does not exist (else
 *	only a stored list gets a server), %TODO_OPEN_EXEMPT if the
 *	requester may exceed max_lists_per_user (CAP_SYS_RESOURCE).
 * @timeout: jiffies left to the request, reduced by the time waited.
 * @extack: told why the server cannot be had, where that is found; or
 *	NULL.  Not set for NULL (the list does not exist).
 *
 * A server caught retiring, or leaving the table, is waited for (killable,
 * within *@timeout); then the list is live again, stored, or gone.  A new
 * server when max_servers run evicts the least recently used idle one and
 * waits for it to stop (see todo_cache_slot()).
 *
 * Context: process context; may sleep.
 * Return: the server with a reference the caller must put; NULL if the
 * list exists nowhere and %TODO_OPEN_CREATE is not given; or
 * ERR_PTR(-EDQUOT) if the list is new and the owner has
 * max_lists_per_user lists, live or stored; ERR_PTR(-ENOSPC) if it is new
 * and max_lists lists exist; ERR_PTR(-EBUSY) if
 * max_servers servers run and none is idle, to be evicted;
 * ERR_PTR(-EINTR) or ERR_PTR(-ETIMEDOUT) if the caller was killed, or its
 * time ran out, while the list's previous server finished retiring or an
 * evicted one stopped; ERR_PTR(-ENOMEM) or another error if the
 * server could not be created.
 */
struct todo_server *todo_cache_open(const struct todo_key *key,
				    unsigned int flags, long *timeout,
				    struct netlink_ext_ack *extack)
{
	bool retiring, counted = false, roomed = false, slot = false;
	struct todo_starting me = { .key = key };
	struct todo_server *s, *old;
	struct todo_user *u;
	int err;

	might_sleep();
	INIT_LIST_HEAD(&me.node);
	s = __todo_cache_get_live(key, &retiring);
	if (s)
		return s;
	/* Reads never create a list: nothing to start for one not stored. */
	if (!(flags & TODO_OPEN_CREATE) && !retiring && !todo_db_exists(key))
		return NULL;
	u = todo_user_get(key->owner);
	if (IS_ERR(u)) {
		NL_SET_ERR_MSG(extack, "out of memory");
		return ERR_CAST(u);
	}
again:
	/* Another client of the owner may have started it meanwhile. */
	s = todo_cache_lock_owner(u, key, timeout, extack);
	if (s) {
		if (!IS_ERR(s))
			mutex_unlock(&u->create_lock);
		goto out;
	}
	/*
	 * Checked again under the mutex: a list dropped meanwhile is not
	 * brought back by a read.
	 */
	if (!(flags & TODO_OPEN_CREATE) && !todo_db_exists(key))
		goto out_unlock;
	/* Another client starting it waits for a slot: wait for it too. */
	if (todo_user_starting(u, &me)) {
		mutex_unlock(&u->create_lock);
		err = todo_cache_wait_started(u, &me, timeout, extack);
		if (err) {
			s = ERR_PTR(err);
			goto out;
		}
		goto again;
	}
	/* Limits first: a request refused for them evicts nobody. */
	if (!roomed) {
		err = todo_cache_room(u, key, flags & TODO_OPEN_EXEMPT,
				      &counted, extack);
		if (err) {
			s = ERR_PTR(err);
			goto out_unlock;
		}
		roomed = true;
	}
	if (!slot && !todo_inc_below(&todo_nr_servers,
				     todo_param(&todo_max_servers))) {
		/*
		 * Evict, and wait, without holding up the owner's other
		 * lists; clients of this one wait for this client.
		 */
		todo_user_mark(u, &me);
		mutex_unlock(&u->create_lock);
		err = todo_cache_slot(timeout, extack);
		if (err) {
			s = ERR_PTR(err);
			goto out;
		}
		slot = true;
		goto again;
	}
	slot = true;
	s = todo_server_create(key, &todo_cache_ops);
	if (IS_ERR(s)) {
		NL_SET_ERR_MSG(extack, "cannot start the list's server");
		goto out_unlock;
	}
	s->counted = counted;	/* the server uncounts it, if it must */
	counted = false;
	refcount_inc(&s->ref);	/* the table's */

	/*
	 * Only holders of the owner's create_lock insert, and the key was
	 * neither live nor retiring under it: the insert finds no old server.
	 */
	old = rhashtable_lookup_get_insert_fast(&todo_servers, &s->node,
						todo_server_params);
	if (WARN_ON_ONCE(old && !IS_ERR(old)))
		old = ERR_PTR(-EEXIST);
	if (old) {
		NL_SET_ERR_MSG(extack, "cannot publish the list's server");
		mutex_unlock(&u->create_lock);
		refcount_dec(&s->ref);
		todo_cache_make_dead(s);
		todo_cache_release(s);	/* gives the slot back */
		slot = false;
		s = old;
		goto out;
	}
	todo_user_link(u, s);
	todo_server_start(s);
	slot = false;	/* the server's now */

out_unlock:
	mutex_unlock(&u->create_lock);
out:
	todo_user_unmark(u, &me);
	if (counted)
		todo_quota_uncharge_list(key->owner);
	if (slot)
		todo_cache_unslot();
	return s;
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_open);

/**
 * todo_cache_get_or_create() - The server of a list, creating it if new.
 * @key: the list.
 * @exempt: the requester may exceed max_lists_per_user.
 *
 * Live, stored or new: a live server is returned, a stored list gets a
 * server that loads it, and a list that exists nowhere is created (counted
 * against the owner's limits).  todo_cache_open() with %TODO_OPEN_CREATE,
 * within call_timeout_ms.
 *
 * Context: process context; may sleep.
 * Return: as todo_cache_open(), never NULL.
 */
struct todo_server *todo_cache_get_or_create(const struct todo_key *key, bool exempt)
{
	long timeout = msecs_to_jiffies(todo_param(&todo_call_timeout_ms));

	return todo_cache_open(key, TODO_OPEN_CREATE |
			       (exempt ? TODO_OPEN_EXEMPT : 0), &timeout, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_get_or_create);

/**
 * todo_cache_get_stored() - The server of a list that is live or stored.
 * @key: the list.
 *
 * Live or stored, never creating: a stored list gets a server that loads
 * it; a list that exists nowhere gives NULL and starts nothing.
 * todo_cache_open() without %TODO_OPEN_CREATE, within call_timeout_ms.
 *
 * Context: process context; may sleep.
 * Return: as todo_cache_open().
 */
struct todo_server *todo_cache_get_stored(const struct todo_key *key)
{
	long timeout = msecs_to_jiffies(todo_param(&todo_call_timeout_ms));

	return todo_cache_open(key, 0, &timeout, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_get_stored);

/**
 * todo_cache_get_owner_live() - The live servers of one owner.
 * @owner: the owner.
 * @out: set to an array of referenced servers, freed by the caller with
 *	kvfree() after putting each.
 * @timeout: jiffies left to the request, reduced by the time waited.
 * @extack: told why it failed, or NULL.
 *
 * Live only, every list of @owner: stored lists are not started.  Each
 * live server appears once.  A server found retiring is waited for
 * (killable, within *@timeout): if its last store succeeded its
 * list is on disk and it is left out; if the store failed it is live again
 * and included.  So a sync of every list never misses a store in flight.
 *
 * Context: process context; may sleep.
 * Return: the number of servers; -ENOMEM; -EINTR or -ETIMEDOUT if a
 * retiring server could not be waited for within *@timeout.
 */
int todo_cache_get_owner_live(u32 owner, struct todo_server ***out,
			      long *timeout, struct netlink_ext_ack *extack)
{
	struct todo_user *u = xa_load(&todo_users, owner);
	unsigned int cap, n = 0, nr = 0, i;
	struct todo_server *s, **a = NULL;
	struct todo_key *retiring = NULL;
	int err = 0;

	might_sleep();
	if (!u) {
		*out = NULL;
		return 0;
	}
	for (;;) {
		cap = READ_ONCE(u->nr_servers) + 16;
		a = kvcalloc(cap, sizeof(*a), GFP_KERNEL);
		retiring = kvcalloc(cap, sizeof(*retiring), GFP_KERNEL);
		if (!a || !retiring) {
			NL_SET_ERR_MSG(extack, "out of memory");
			err = -ENOMEM;
			goto fail;
		}
		spin_lock(&u->lock);
		if (u->nr_servers <= cap)
			break;
		spin_unlock(&u->lock);	/* grew meanwhile: again */
		kvfree(a);
		kvfree(retiring);
	}
	list_for_each_entry(s, &u->servers, owner_node) {
		switch (todo_server_tryget(s)) {
		case TODO_SERVER_LIVE:
			a[n++] = s;
			break;
		case TODO_SERVER_RETIRING:
			retiring[nr++] = s->key;
			break;
		case TODO_SERVER_DEAD:
			break;	/* being removed: stopped with its list stored */
		}
	}
	spin_unlock(&u->lock);

	for (i = 0; i < nr; i++) {
		err = todo_cache_wait_retired(&retiring[i], timeout, extack);
		if (err)
			goto fail;
		s = todo_cache_get_live(&retiring[i]);
		if (s)
			a[n++] = s;
	}
	kvfree(retiring);
	*out = a;
	return n;
fail:
	for (i = 0; i < n; i++)
		todo_server_put(a[i]);
	kvfree(a);
	kvfree(retiring);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_get_owner_live);

/**
 * todo_cache_retire_begin() - A server asks to retire.
 * @s: the server, from its own thread.
 * @idle: it has been idle for idle_timeout; else its list is dropped.
 *
 * An idle server may retire only if the table's is the last reference.
 * The server is then RETIRING, and no lookup takes a reference to it any
 * more.  A server the cache chose for eviction is RETIRING already, and
 * retires whatever the reason given.  It stays in
 * the table, which makes a client that wants the list wait until
 * todo_cache_retire_end() (the server's last store runs in between, so the
 * next server loads it).
 *
 * Context: the server's kthread.
 * Return: true if the server must now store its list and call
 * todo_cache_retire_end(), or todo_cache_retire_abort() if the store
 * failed.
 */
bool todo_cache_retire_begin(struct todo_server *s, bool idle)
{
	bool ok = false;

	mutex_lock(&todo_retire_lock);
	spin_lock(&s->gate);
	if (s->evicting) {
		/* Chosen for eviction: RETIRING and counted already. */
		s->evicting = false;
		s->evicted = true;
		spin_unlock(&s->gate);
		mutex_unlock(&todo_retire_lock);
		return true;
	}
	if (!todo_closing && s->stage == TODO_SERVER_LIVE &&
	    (!idle || refcount_read(&s->ref) == 1)) {
		s->stage = TODO_SERVER_RETIRING;
		ok = true;
	}
	spin_unlock(&s->gate);
	if (ok)
		atomic_inc(&todo_retiring);
	mutex_unlock(&todo_retire_lock);
	return ok;
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_retire_begin);

/**
 * todo_cache_retire_abort() - A retiring server stays, its store failed.
 * @s: the server, from its own thread, after todo_cache_retire_begin().
 *
 * The server is LIVE again, so lookups find it and its list, which only
 * memory holds now, is not dropped.  The table held its reference
 * throughout: no count comes back from zero.
 *
 * Context: the server's kthread.
 */
void todo_cache_retire_abort(struct todo_server *s)
{
	spin_lock(&s->gate);
	if (s->stage == TODO_SERVER_RETIRING)
		s->stage = TODO_SERVER_LIVE;
	spin_unlock(&s->gate);
	/* A client waiting for it to stop, to take its slot, looks again. */
	if (s->evicted) {
		s->evicted = false;
		atomic_dec(&todo_evicting);
	}
	atomic_inc(&todo_aborts);
	wake_up_all(&todo_retire_wait);
	todo_cache_retired();
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_retire_abort);

/* Stages 5 and 6 of a retired server, off its own thread. */
static void todo_cache_reap(struct work_struct *work)
{
	struct todo_server *s = container_of(work, struct todo_server, retire);

	todo_cache_release(s);
	todo_cache_retired();
}

/**
 * todo_cache_retire_end() - A retiring server's list is on disk: reap it.
 * @s: the server, from its own thread, after its last store.
 *
 * The server is made DEAD and unpublished, and the reaper, which now owns
 * the table's reference, stops it; the thread waits for that.
 *
 * Context: the server's kthread.
 */
void todo_cache_retire_end(struct todo_server *s)
{
	if (s->evicted)
		atomic64_inc(&todo_evictions);
	if (!todo_cache_make_dead(s)) {
		/* Removed meanwhile; its remover stops it. */
		todo_cache_retired();
		return;
	}
	todo_cache_unpublish(s);
	INIT_WORK(&s->retire, todo_cache_reap);
	queue_work(todo_reaper_wq, &s->retire);
}

static const struct todo_server_ops todo_cache_ops = {
	.retire_begin = todo_cache_retire_begin,
	.retire_abort = todo_cache_retire_abort,
	.retire_end = todo_cache_retire_end,
};

/**
 * todo_cache_remove() - Unpublish a server and stop it.
 * @s: the server; the caller holds a reference, which it still puts.
 *
 * Context: process context; sleeps until the server's kthread has exited.
 * Return: true if this call removed it, false if it was already DEAD.
 */
bool todo_cache_remove(struct todo_server *s)
{
	might_sleep();
	if (!todo_cache_make_dead(s))
		return false;
	todo_cache_unpublish(s);
	todo_cache_release(s);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_remove);

/* Fill @li with the statistics of the live server @s. */
static void todo_cache_info(struct todo_server *s, struct todo_list_info *li)
{
	memset(li, 0, sizeof(*li));
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

/*
 * The first @max live lists of @u named after @after (all if NULL), in
 * name order, into @live.  O(the owner's live lists * log @max), under
 * the owner's lock; the live lists are at most max_servers.
 */
static unsigned int todo_cache_live(struct todo_user *u,
				    const struct todo_key *after,
				    struct todo_list_info *live,
				    unsigned int max)
{
	unsigned int n = 0, lo, hi, mid;
	struct todo_server *s;

	spin_lock(&u->lock);
	list_for_each_entry(s, &u->servers, owner_node) {
		if (after && todo_key_name_cmp(&s->key, after) <= 0)
			continue;
		/* Where it goes among the first @n, kept sorted. */
		for (lo = 0, hi = n; lo < hi;) {
			mid = (lo + hi) / 2;
			if (todo_key_name_cmp(&live[mid].key, &s->key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == max)
			continue;
		if (n == max)
			n--;	/* the last one drops out */
		memmove(&live[lo + 1], &live[lo], (n - lo) * sizeof(*live));
		todo_cache_info(s, &live[lo]);
		n++;
	}
	spin_unlock(&u->lock);
	return n;
}

/**
 * todo_cache_lists() - One page of an owner's lists, live and stored.
 * @owner: the owner.
 * @after: the last list of the previous page, or NULL for the first page.
 * @infos: filled with the lists named after @after, in name order.
 * @max: room in @infos.
 *
 * Live lists come with their statistics; lists only on disk have alive
 * false and zero statistics.  Each name appears once, live if it is.
 * Called again with the last key returned, it continues where it left
 * off, whatever lists were added or removed in between: a list that
 * exists throughout is returned exactly once.  It costs O(log(the
 * owner's stored lists) + the owner's live lists * log @max) and holds
 * 2 * @max lists in memory, whatever the owner's number of lists.
 *
 * Context: process context; may sleep.
 * Return: the number of @infos filled, below @max only if no list
 * follows; or -ENOMEM.
 */
int todo_cache_lists(u32 owner, const struct todo_key *after,
		     struct todo_list_info *infos, unsigned int max)
{
	struct todo_user *u = xa_load(&todo_users, owner);
	unsigned int nstored, nlive = 0, i = 0, j = 0, n = 0;
	struct todo_list_info *live;
	struct todo_key *stored;
	int c;

	stored = kmalloc_array(max, sizeof(*stored), GFP_KERNEL);
	live = kmalloc_array(max, sizeof(*live), GFP_KERNEL);
	if (!stored || !live) {
		kfree(stored);
		kfree(live);
		return -ENOMEM;
	}
	nstored = todo_db_stored_after(owner, after, stored, max);
	if (u)
		nlive = todo_cache_live(u, after, live, max);

	/*
	 * Merge: the smaller name first, the live one of a name.  A source
	 * cut at @max runs out only after @max lists went out, so what is
	 * returned is the first @max names of the union.
	 */
	while (n < max && (i < nstored || j < nlive)) {
		c = i == nstored ? 1 : j == nlive ? -1 :
		    todo_key_name_cmp(&stored[i], &live[j].key);
		if (c < 0) {
			memset(&infos[n], 0, sizeof(infos[n]));
			infos[n++].key = stored[i++];
		} else {
			infos[n++] = live[j++];
			if (!c)
				i++;
		}
	}
	kfree(stored);
	kfree(live);
	return n;
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
 * todo_cache_quiesce() - Wait until no retirement is under way.
 *
 * For tests: once it returns, every server that was retiring, evicted or
 * dropped has been reaped and its slot counted out.
 *
 * Context: process context; sleeps.
 */
void todo_cache_quiesce(void)
{
	wait_event(todo_retire_wait, !atomic_read(&todo_retiring));
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_quiesce);

/**
 * todo_cache_stats() - The registry's counters.
 * @st: filled with a snapshot of each.
 *
 * Context: any.
 */
void todo_cache_stats(struct todo_cache_stats *st)
{
	st->servers = atomic_read(&todo_nr_servers);
	st->started = atomic64_read(&todo_started);
	st->evictions = atomic64_read(&todo_evictions);
	st->busy = atomic64_read(&todo_refusals);
}
EXPORT_SYMBOL_IF_KUNIT(todo_cache_stats);

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

/* Exit: no lookup, start or retirement runs any more. */
static void todo_cache_free_one(void *ptr, void *arg)
{
	struct todo_server *s = ptr;

	if (todo_cache_make_dead(s))
		todo_cache_release(s);
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
