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
#include <linux/workqueue.h>

#include "database.h"
#include "list.h"
#include "mailbox.h"
#include "name.h"

struct task_struct;
struct todo_msg;

/**
 * struct todo_server - A list server: a kthread owning one list.
 * @node: link in the cache's table.
 * @owner_node: link in the owner's list of servers; the cache's.
 * @key: the list's owner and name; constant.
 * @ref: references: the cache's while the server is registered, and one
 *	per user of a lookup; the last put frees the server after an RCU
 *	grace period (lookups run under RCU).
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
 * @retire: the cache's reaper work once the server retired when idle.
 * @rcu: for the deferred free.
 */
struct todo_server {
	struct rhash_head node;
	struct list_head owner_node;
	struct todo_key key;
	refcount_t ref;
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
	struct work_struct retire;
	struct rcu_head rcu;
};

struct todo_server *todo_server_create(const struct todo_key *key);
void todo_server_start(struct todo_server *s);
void todo_server_stop(struct todo_server *s);
void todo_server_put(struct todo_server *s);
void todo_server_free(struct todo_server *s);
int todo_server_send(struct todo_server *s, struct todo_msg *msg,
		     long *timeout);
int todo_server_wait(struct todo_server *s, struct todo_msg *msg,
		     long *timeout);
int todo_server_call(struct todo_server *s, struct todo_msg *msg);
int todo_server_cast(struct todo_server *s, struct todo_msg *msg);

#endif /* _TODO_SERVER_H */
