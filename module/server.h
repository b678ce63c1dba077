/* SPDX-License-Identifier: GPL-2.0 */
/*
 * List servers (the book's Todo.Server): one kthread per live list.
 */
#ifndef _TODO_SERVER_H
#define _TODO_SERVER_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "database.h"
#include "list.h"
#include "mailbox.h"
#include "name.h"
#include "store.h"

struct netlink_ext_ack;
struct task_struct;
struct todo_msg;
struct todo_server;

/**
 * enum todo_server_stage - Where a server is in its life.
 * @TODO_SERVER_LIVE: published in the cache's table; lookups take
 *	references.
 * @TODO_SERVER_RETIRING: idle, and nobody but the table holds it; still
 *	in the table, so that a client that wants the list waits for its
 *	last store instead of loading a stale file, but lookups take no
 *	reference.  Back to LIVE if that store fails.
 * @TODO_SERVER_DEAD: unpublished, or being unpublished, by whoever set
 *	this stage, which then owns the table's reference; never LIVE again.
 */
enum todo_server_stage {
	TODO_SERVER_LIVE,
	TODO_SERVER_RETIRING,
	TODO_SERVER_DEAD,
};

/**
 * struct todo_server_ops - What a server asks of whoever registered it.
 * @retire_begin: the server has been idle for idle_timeout or was kicked
 *	to be evicted (@idle), or its list is being dropped; true if it may
 *	retire (it then stores or removes its list and calls one of the
 *	others).  An idle server may retire only if nobody but the registry
 *	holds it, or if the registry chose it for eviction.
 * @retire_abort: the last store failed: the server stays.
 * @retire_end: the list is on disk: unpublish and reap the server.
 *
 * All three are called from the server's kthread.  They keep server.c
 * independent of the registry (cache.c), which supplies them.
 */
struct todo_server_ops {
	bool (*retire_begin)(struct todo_server *s, bool idle);
	void (*retire_abort)(struct todo_server *s);
	void (*retire_end)(struct todo_server *s);
};

/**
 * struct todo_server - A list server: a kthread owning one list.
 * @node: link in the cache's table.
 * @owner_node: link in the owner's list of servers; the cache's.
 * @lru_node: link in the cache's order of use, for eviction; the cache's.
 * @key: the list's owner and name; constant.
 * @ops: the registry's callbacks; constant.
 * @ref: the memory's references: the table's from publication until
 *	whoever makes the server DEAD puts it, and one per user of a lookup.
 *	Never taken from zero: the last put is the one release
 *	(todo_server_put()), which frees the server after an RCU grace
 *	period, since lookups run under RCU.
 * @gate: protects @stage, and orders a lookup's reference against
 *	retirement: a reference is taken from the table only under @gate
 *	and only while @stage is LIVE.  A spinlock, nested inside the
 *	owner's lock of cache.c.
 * @stage: see &enum todo_server_stage.
 * @uses: references taken by lookups, under @gate; the cache reads it to
 *	tell which servers were used lately.
 * @lru_uses: @uses when the cache last placed the server in its order of
 *	use; the cache's, under its LRU lock.
 * @last_used: when the server was last looked up or started, on a
 *	logical clock of all servers' uses; written under @gate, read by the cache
 *	to pick the least recently used among the idle servers it finds.
 * @evicting: under @gate: the cache made the server RETIRING to evict it
 *	and kicked its mailbox; the server's thread has not taken the
 *	retirement over yet (see todo_cache_retire_begin()).
 * @evicted: the retirement under way is an eviction.  @task only.
 * @task: the kthread, with a task reference held until the server stops.
 * @started: todo_server_start() was called.
 * @running: completed by @task as its first act: from then on it drains
 *	its mailbox before it ends, whenever it is stopped.
 * @mbox: the mailbox; the only way to reach @list.
 * @list: the list.  Touched only by @task (and by the final put, once
 *	@task is gone).
 * @entries: snapshot of the list's size, written by @task after each
 *	message, read locklessly for statistics.
 * @next_id: snapshot of the list's next id, like @entries.
 * @casts: casts sent to this server.
 * @casts_failed: casts that were refused (full mailbox) or failed when
 *	handled.
 * @store: the list's stores to its file.
 * @gen: change generation: counts successful changes.  @task only.
 * @submitted_gen: generation of the last snapshot handed to @store.
 *	Written by @task, read by the store's work function.
 * @broken: 0, or why the list's file could not be loaded; every request
 *	then fails with it.  @task only.
 * @broken_why: its message, a string constant.  @task only.
 * @counted: the list was new when the server was created, and the server
 *	counts it against max_lists_per_user until it ends.  Set by the
 *	cache before @task starts; then @task's, until @task has exited.
 * @charged: @task charges the owner for the list's bytes (from the end of
 *	the load to the last store; see quota.c).  @task only.
 * @exempt: the message being handled comes from a sender that may exceed
 *	the owner's limits.  @task only.
 * @retire: the cache's reaper work once the server retired when idle.
 * @rcu: for the deferred free.
 */
struct todo_server {
	struct rhash_head node;
	struct list_head owner_node;
	struct list_head lru_node;
	struct todo_key key;
	const struct todo_server_ops *ops;
	refcount_t ref;
	spinlock_t gate;	/* protects @stage; see above */
	enum todo_server_stage stage;
	u32 uses;
	u32 lru_uses;
	u64 last_used;
	bool evicting;
	bool evicted;
	struct task_struct *task;
	bool started;
	struct completion running;
	struct todo_mailbox mbox;
	struct todo_list list;
	u32 entries;
	u32 next_id;
	atomic64_t casts;
	atomic64_t casts_failed;
	struct todo_store store;
	u64 gen;
	u64 submitted_gen;
	int broken;
	const char *broken_why;
	bool counted;
	bool charged;
	bool exempt;
	struct work_struct retire;
	struct rcu_head rcu;
};

struct todo_server *todo_server_create(const struct todo_key *key,
				       const struct todo_server_ops *ops);
void todo_server_start(struct todo_server *s);
void todo_server_stop(struct todo_server *s);
enum todo_server_stage todo_server_tryget(struct todo_server *s);
void todo_server_put(struct todo_server *s);
int todo_server_send(struct todo_server *s, struct todo_msg *msg,
		     long *timeout, struct netlink_ext_ack *extack);
int todo_server_wait(struct todo_server *s, struct todo_msg *msg,
		     long *timeout, struct netlink_ext_ack *extack);
int todo_server_call(struct todo_server *s, struct todo_msg *msg);
int todo_server_call_within(struct todo_server *s, struct todo_msg *msg,
			    long *timeout, struct netlink_ext_ack *extack);
int todo_server_cast(struct todo_server *s, struct todo_msg *msg,
		     struct netlink_ext_ack *extack);

#endif /* _TODO_SERVER_H */
