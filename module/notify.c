// SPDX-License-Identifier: GPL-2.0
/*
 * Change events.  A socket subscribes with TODO_CMD_WATCH to the changes of
 * one list, or of each list of one owner; after a list server applies an
 * add, an update or a delete it calls todo_notify_change(), which sends a
 * TODO_CMD_CHANGE message to each subscribed socket that watches that list.
 * Dropping a whole list, or a server storing its list and stopping, is not
 * a change of an entry and sends nothing.
 *
 * Privacy: each event is unicast to a socket that asked for that owner's
 * lists, never sent to a multicast group (anyone may join a genetlink
 * group, and a group would give every member every user's events).  Who
 * may watch an owner is decided once, when the socket subscribes, by the
 * rule of every request: its own lists (the effective uid in the initial
 * user namespace, as lists are keyed), another owner's with CAP_NET_ADMIN.
 *
 * Bounds: a socket has at most one subscription; a new WATCH replaces it.
 * There are at most max_watchers subscriptions, and at most
 * max_watchers_per_user of one (effective) uid, so an unprivileged user
 * cannot make the module allocate without bound.  The bound is per uid:
 * a user with subordinate uids (/etc/subuid) has one per uid.  As for the
 * other limits, CAP_SYS_RESOURCE exceeds both, so that a full table never
 * locks out the administrator's watchers.  A socket passed to another
 * user keeps its subscription; a WATCH on it by the new user is counted
 * against that user.
 *
 * Delivery never blocks a list server: the message is allocated
 * GFP_KERNEL in the server's thread and sent with genlmsg_unicast(), which
 * does not wait for room in the receiver's buffer (MSG_DONTWAIT).  An
 * event that finds the buffer full (-EAGAIN; or -ENOBUFS, or no memory for
 * it) is counted as lost for that subscription, and the count goes in the
 * next event it gets (TODO_A_LOST), then starts again from zero.  Each
 * list's events come in the order of its changes, since one thread
 * applies them and sends them; events of different lists interleave.
 *
 * Lifetime of a subscription (&struct todo_watcher):
 *  - todo_notify_watch() allocates it in the WATCH handler (process
 *    context), takes a reference on the subscribing socket (so that the
 *    struct sock it names stays valid; it does not keep the socket open),
 *    and publishes it in todo_watchers under todo_watch_lock.  The list
 *    owns that first reference.
 *  - A server's todo_notify_change() finds the subscriptions under RCU and
 *    takes a reference on each that matches (refcount_inc_not_zero()),
 *    then leaves RCU, sends, and puts them.
 *  - It is unpublished (list_del_rcu() under todo_watch_lock, and the
 *    list's reference put) by UNWATCH, by a new WATCH of the same socket
 *    (which publishes its replacement in the same place), when its socket
 *    is released (the NETLINK_URELEASE notifier, a blocking notifier
 *    called by netlink_release() in process context: it may take the
 *    mutex), and at module unload (todo_notify_exit(), after every server
 *    has stopped).
 *  - The last put, wherever it is, drops the socket's reference and frees
 *    the subscription after an RCU grace period (kfree_rcu()), since
 *    todo_notify_change() may still be looking at it under RCU.
 *
 * Ports are reused: netlink_release() frees a socket's port id before the
 * URELEASE notifier runs, so another socket could bind the same id in
 * between.  Hence a subscription keeps the socket itself: nothing is sent
 * once that socket is dead (SOCK_DEAD is set right after its id is freed,
 * before the notifier), a WATCH from a new socket with an old socket's id
 * takes the old subscription out, and the notifier removes only a
 * subscription whose socket is dead.  The SOCK_DEAD test comes last before
 * the send, after the allocation (which may sleep), and the two run with
 * bottom halves off, so the thread is not preempted between them.  What is
 * left is the few instructions between the test and the send's lookup of
 * the port id,
 * and those in netlink_release() between freeing the id and marking the
 * socket dead, if the owner closes its socket and another binds its id
 * exactly then; closing it needs a send to a socket rather than to a port
 * id, which netlink does not export to modules.
 *
 * The family exists only in the initial network namespace, so only
 * sockets there subscribe; the notifier ignores other namespaces.
 *
 * Locking: todo_watch_lock (a mutex) serialises the writers of
 * todo_watchers and todo_watch_count; readers use RCU.  A server takes no
 * lock here but RCU, and the netlink handlers hold the mutex only to edit
 * the list, never while they wait for a server, so no server waits for a
 * handler that waits for it.
 *
 * Owns: the subscriptions and the sending of events.  Must not: touch a
 * list or its server, or sleep under RCU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bottom_half.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/rculist.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "netlink.h"
#include "notify.h"
#include "params.h"

/**
 * struct todo_watcher - One socket's subscription.
 * @node: link in todo_watchers; written under todo_watch_lock, read
 *	under RCU.
 * @ref: the list's reference while published, one per delivery under
 *	way.  Never taken from zero.
 * @sk: the subscribed socket, referenced (sock_hold()) until the last put.
 * @portid: its port id when it subscribed.
 * @uid: the subscriber's effective uid, whose max_watchers_per_user it
 *	counts against.
 * @key: whose lists, and which one unless @all.
 * @all: every list of @key.owner.
 * @lost: events dropped since the last one delivered.
 * @rcu: for the deferred free.
 *
 * Constant once published, but for @ref and @lost.
 */
struct todo_watcher {
	struct list_head node;
	refcount_t ref;
	struct sock *sk;
	u32 portid;
	u32 uid;
	struct todo_key key;
	bool all;
	atomic_t lost;
	struct rcu_head rcu;
};

static DEFINE_MUTEX(todo_watch_lock);
/* The published subscriptions; writers hold todo_watch_lock. */
static LIST_HEAD(todo_watchers);
/* How many are published; written under todo_watch_lock, read anywhere. */
static unsigned int todo_watch_count;

static void todo_watcher_put(struct todo_watcher *w)
{
	if (refcount_dec_and_test(&w->ref)) {
		sock_put(w->sk);
		kfree_rcu(w, rcu);
	}
}

/* Unpublish @w and put the list's reference. */
static void todo_watcher_remove(struct todo_watcher *w)
{
	lockdep_assert_held(&todo_watch_lock);
	list_del_rcu(&w->node);
	WRITE_ONCE(todo_watch_count, todo_watch_count - 1);
	todo_watcher_put(w);
}

/* The subscription of port @portid, or NULL. */
static struct todo_watcher *todo_watcher_find(u32 portid)
{
	struct todo_watcher *w;

	lockdep_assert_held(&todo_watch_lock);
	list_for_each_entry(w, &todo_watchers, node)
		if (w->portid == portid)
			return w;
	return NULL;
}

static unsigned int todo_watchers_of(u32 uid)
{
	struct todo_watcher *w;
	unsigned int n = 0;

	lockdep_assert_held(&todo_watch_lock);
	list_for_each_entry(w, &todo_watchers, node)
		n += w->uid == uid;
	return n;
}

/*
 * Room for a subscription of @uid (@more: one more in all, not one in
 * place of another), unless the asker is @exempt.
 */
static int todo_watch_room(u32 uid, bool more, bool exempt,
			   struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&todo_watch_lock);
	if (exempt)
		return 0;
	if (more && todo_watch_count >= todo_param(&todo_max_watchers)) {
		NL_SET_ERR_MSG(extack,
			       "too many subscriptions on this system (max_watchers)");
		return -ENOSPC;
	}
	if (todo_watchers_of(uid) >= todo_param(&todo_max_watchers_per_user)) {
		NL_SET_ERR_MSG(extack,
			       "too many subscriptions for this user (max_watchers_per_user)");
		return -EDQUOT;
	}
	return 0;
}

/**
 * todo_notify_watch() - Subscribe a socket to change events.
 * @sk: the socket that asked.
 * @portid: its port id.
 * @uid: the asker's effective uid (counted against max_watchers_per_user).
 * @key: whose lists, and which one unless @all; the caller has checked
 *	that the asker may read them.
 * @all: every list of @key->owner.
 * @exempt: the asker may exceed the limits (CAP_SYS_RESOURCE).
 * @extack: where a refusal is explained.
 *
 * A socket that has a subscription gets its new one in its place, with the
 * events it lost so far; if another user asks (the socket was passed on),
 * the subscription is counted against that user from then on, who must
 * have room for it.
 *
 * Context: process context; sleeps.
 * Return: 0, -ENOMEM, -ENOSPC (max_watchers) or -EDQUOT
 * (max_watchers_per_user).
 */
int todo_notify_watch(struct sock *sk, u32 portid, u32 uid,
		      const struct todo_key *key, bool all, bool exempt,
		      struct netlink_ext_ack *extack)
{
	struct todo_watcher *w, *old;
	int err = 0;

	might_sleep();
	w = kzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!w)
		return -ENOMEM;
	refcount_set(&w->ref, 1);
	sock_hold(sk);
	w->sk = sk;
	w->portid = portid;
	w->uid = uid;
	w->key = *key;
	w->all = all;

	mutex_lock(&todo_watch_lock);
	old = todo_watcher_find(portid);
	if (old && old->sk != sk) {
		/* The id of a socket released since: its subscription ends. */
		todo_watcher_remove(old);
		old = NULL;
	}
	if (!old || old->uid != uid)
		err = todo_watch_room(uid, !old, exempt, extack);
	if (err) {
		/* Refused: an old subscription stays as it was. */
	} else if (old) {
		atomic_set(&w->lost, atomic_read(&old->lost));
		list_replace_rcu(&old->node, &w->node);
		todo_watcher_put(old);
	} else {
		list_add_tail_rcu(&w->node, &todo_watchers);
		WRITE_ONCE(todo_watch_count, todo_watch_count + 1);
	}
	mutex_unlock(&todo_watch_lock);
	if (err)
		todo_watcher_put(w);
	return err;
}

/**
 * todo_notify_unwatch() - End a socket's subscription.
 * @portid: the socket's port id.
 * @extack: where a refusal is explained.
 *
 * Context: process context; sleeps.
 * Return: 0, or -ENOENT if the socket has no subscription.
 */
int todo_notify_unwatch(u32 portid, struct netlink_ext_ack *extack)
{
	struct todo_watcher *w;

	mutex_lock(&todo_watch_lock);
	w = todo_watcher_find(portid);
	if (w)
		todo_watcher_remove(w);
	mutex_unlock(&todo_watch_lock);
	if (!w) {
		NL_SET_ERR_MSG(extack, "this socket has no subscription");
		return -ENOENT;
	}
	return 0;
}

/**
 * todo_notify_wanted() - Is anybody subscribed?
 *
 * Lets a server skip the work of an event nobody would get.  A
 * subscription made while the answer is on its way may miss that one
 * change.
 *
 * Context: any.
 * Return: true if some socket is subscribed.
 */
bool todo_notify_wanted(void)
{
	return READ_ONCE(todo_watch_count) != 0;
}

static bool todo_watcher_wants(const struct todo_watcher *w,
			       const struct todo_key *key)
{
	return w->key.owner == key->owner &&
	       (w->all || (w->key.len == key->len &&
			   !memcmp(w->key.name, key->name, key->len)));
}

/* Send @ev to @w, without waiting; count it lost if it cannot go. */
static void todo_notify_send(struct todo_watcher *w,
			     const struct todo_change_event *ev)
{
	u32 lost = atomic_xchg(&w->lost, 0);
	struct sk_buff *skb;
	int err;

	skb = genlmsg_new(todo_netlink_change_size(ev), GFP_KERNEL);
	if (!skb) {
		err = -ENOMEM;
		goto lost;
	}
	err = todo_netlink_change_fill(skb, ev, lost);
	if (err) {
		nlmsg_free(skb);
		goto lost;
	}
	/*
	 * The port id is another socket's once this one is dead: test it
	 * last, and send at once, not preempted in between (the send does
	 * not sleep, and allocates GFP_ATOMIC with bottom halves off).
	 */
	local_bh_disable();
	if (sock_flag(w->sk, SOCK_DEAD)) {
		local_bh_enable();
		nlmsg_free(skb);
		return;		/* closed: nobody reads any more */
	}
	/* Consumes @skb; MSG_DONTWAIT: a full buffer fails with -EAGAIN. */
	err = genlmsg_unicast(&init_net, skb, w->portid);
	local_bh_enable();
	if (!err)
		return;
lost:
	if (err == -EAGAIN || err == -ENOBUFS || err == -ENOMEM ||
	    err == -EMSGSIZE)
		atomic_add(lost + 1, &w->lost);
	/* Else the socket is gone (-ECONNREFUSED): its notifier is coming. */
}

/**
 * todo_notify_change() - Tell the subscribers of a list about a change.
 * @ev: the change, applied.
 *
 * Called by the list's server after each add, update and delete that
 * succeeded.  Takes no lock but RCU's and never waits for a reader.
 *
 * Context: process context (a list server's thread); may sleep to
 * allocate.
 */
void todo_notify_change(const struct todo_change_event *ev)
{
	unsigned int max = READ_ONCE(todo_watch_count), n = 0, i;
	struct todo_watcher *w, **to;

	might_sleep();
	if (!max)
		return;
	to = kmalloc_array(max, sizeof(*to), GFP_KERNEL);
	rcu_read_lock();
	list_for_each_entry_rcu(w, &todo_watchers, node) {
		if (!todo_watcher_wants(w, ev->key))
			continue;
		if (to && n < max && refcount_inc_not_zero(&w->ref))
			to[n++] = w;
		else
			atomic_inc(&w->lost);	/* no room to hold it */
	}
	rcu_read_unlock();
	for (i = 0; i < n; i++) {
		todo_notify_send(to[i], ev);
		todo_watcher_put(to[i]);
	}
	kfree(to);
}

/*
 * A socket of the initial namespace's generic netlink was released: its
 * subscription, if any, ends.  A blocking notifier, in process context.
 */
static int todo_notify_release(struct notifier_block *nb,
			       unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;
	struct todo_watcher *w;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !net_eq(n->net, &init_net) || !READ_ONCE(todo_watch_count))
		return NOTIFY_DONE;
	mutex_lock(&todo_watch_lock);
	w = todo_watcher_find(n->portid);
	/* Not a new socket's that took the id meanwhile. */
	if (w && sock_flag(w->sk, SOCK_DEAD))
		todo_watcher_remove(w);
	mutex_unlock(&todo_watch_lock);
	return NOTIFY_DONE;
}

static struct notifier_block todo_notify_nb = {
	.notifier_call = todo_notify_release,
};

/**
 * todo_notify_init() - Watch for released sockets.
 *
 * Context: module init, before the family is registered.
 * Return: 0 or a negative errno.
 */
int todo_notify_init(void)
{
	return netlink_register_notifier(&todo_notify_nb);
}

/**
 * todo_notify_exit() - End every subscription.
 *
 * Context: module exit, once no request handler and no server runs any
 * more; sleeps.
 */
void todo_notify_exit(void)
{
	struct todo_watcher *w, *tmp;

	/* Waits for a notifier call under way. */
	netlink_unregister_notifier(&todo_notify_nb);
	mutex_lock(&todo_watch_lock);
	list_for_each_entry_safe(w, tmp, &todo_watchers, node)
		todo_watcher_remove(w);
	mutex_unlock(&todo_watch_lock);
}
