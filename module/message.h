/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Messages to list servers: what a call or a cast carries, and its reply.
 */
#ifndef _TODO_MESSAGE_H
#define _TODO_MESSAGE_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/types.h>

#include "store.h"

struct mem_cgroup;

/**
 * enum todo_op - What a message asks of a list server.
 * @TODO_OP_PING: nothing; answers once every earlier message is handled.
 * @TODO_OP_ADD: add an entry (@date, @title); replies with @id.
 * @TODO_OP_UPDATE: change entry @id's date (if @has_date) and/or title
 *	(if @has_title).
 * @TODO_OP_DELETE: delete entry @id.
 * @TODO_OP_READ: copy entries with ids above @after_id (only those of
 *	@date if @has_date) into @buf, at most @buf_size bytes of them.
 * @TODO_OP_SYNC: answer once every change made before is on disk.
 * @TODO_OP_PERSIST: (from the database) store the list if it changed.
 * @TODO_OP_DROP: delete the list, its file and its server; messages
 *	queued behind it fail with -ESRCH.
 * @TODO_OP_HOLD: (test builds only) keep the server busy until @hold
 *	completes.
 */
enum todo_op {
	TODO_OP_PING,
	TODO_OP_ADD,
	TODO_OP_UPDATE,
	TODO_OP_DELETE,
	TODO_OP_READ,
	TODO_OP_SYNC,
	TODO_OP_PERSIST,
	TODO_OP_DROP,
#ifdef TODO_TEST_HOOKS
	TODO_OP_HOLD,
#endif
};

/**
 * struct todo_copy - One entry copied out by %TODO_OP_READ.
 * @id: entry id.
 * @date: entry date, YYYYMMDD.
 * @title_len: title length in bytes.
 * @title: the title, not NUL-terminated.
 *
 * Copies are packed one after the other in &todo_msg.buf, each starting at
 * a 4-byte boundary; see todo_copy_next().
 */
struct todo_copy {
	u32 id;
	u32 date;
	u16 title_len;
	char title[];
};

/**
 * enum todo_msg_state - Where a message is, and so who owns it.
 * @TODO_MSG_NEW: not sent; only the sender holds it.
 * @TODO_MSG_QUEUED: in a mailbox, linked by &todo_msg.node; the mailbox
 *	owns the in-flight reference.  Entered and left under the mailbox's
 *	lock only.
 * @TODO_MSG_TAKEN: taken by the list server, which owns the in-flight
 *	reference and handles it.  Entered under the mailbox's lock; the
 *	server's thread moves it on.  A SYNC stays TAKEN while its waiter
 *	(&todo_msg.sync) is parked on the list's store: the store then owns
 *	the in-flight reference, and whoever unlinks the waiter under the
 *	store's lock (the store's worker or a cancelling sender, not the
 *	server's thread) answers the message.
 * @TODO_MSG_DONE: answered or withdrawn; reply fields are final.  Nobody
 *	but the sender holds it any more.
 *
 * The rule: the state changes only under the mailbox's lock (QUEUED), or
 * from TAKEN by its owner; &todo_store_waiter.parked only under the
 * store's lock.  A sender that stops waiting looks under each lock in
 * turn (todo_mailbox_cancel(), then todo_store_cancel()), so it withdraws
 * the message from wherever it waits, or leaves it to the one that owns
 * it.
 */
enum todo_msg_state {
	TODO_MSG_NEW,
	TODO_MSG_QUEUED,
	TODO_MSG_TAKEN,
	TODO_MSG_DONE,
};

/**
 * struct todo_msg - A message in a list server's mailbox.
 * @node: link in &todo_mailbox.queue (QUEUED); see &enum todo_msg_state.
 * @state: see &enum todo_msg_state.
 * @sync: (SYNC) the message's wait on the list's store; its
 *	&todo_store_waiter.abandoned is set when the sender stops waiting,
 *	and its callback answers the message.
 * @ref: one reference for the sender, and one in-flight reference from
 *	QUEUED until DONE, owned as &enum todo_msg_state says.  Whoever drops
 *	the last one frees the message, so a caller that gives up waiting
 *	never leaves the server writing into freed memory.
 * @done: completed once the reply fields are written (state DONE).
 * @op: the request.
 * @cast: the sender does not wait; a failure is only counted.
 * @has_date: @date is given (ADD always; UPDATE, READ optionally).
 * @has_title: @title is given (ADD always; UPDATE optionally).
 * @exempt: request: the sender may exceed its owner's limits.
 * @memcg: request: the sender's memory cgroup, with a reference, or NULL;
 *	what the server allocates for the message is charged to it.
 * @err: reply: 0 or a negative errno.
 * @why: reply: what went wrong, a string constant, or NULL.
 * @store_err: reply (calls): the error of the list's last store, 0 if it
 *	succeeded or none was tried.
 * @id: request: entry id (UPDATE, DELETE); reply: new id (ADD).
 * @date: request: a date.
 * @after_id: request (READ): copy entries with larger ids.
 * @buf_size: request (READ): budget for @buf in bytes.
 * @buf: reply (READ): the copies; freed with the message.
 * @buf_len: reply (READ): bytes used in @buf.
 * @more: reply (READ): entries that would be copied are left after the
 *	last copy in @buf (the budget ran out).
 * @hold: request (HOLD, test builds only): completion the server waits
 *	for.
 * @gen: reply (READ): the list's change generation the copies were taken
 *	at.
 * @title_len: length of @title.
 * @title: request (ADD, UPDATE): the title, not NUL-terminated.
 *
 * Request fields are written by the sender before sending and not changed
 * after; reply fields are written by the server before it completes @done
 * and read by the sender only after.
 */
struct todo_msg {
	struct list_head node;
	enum todo_msg_state state;
	struct todo_store_waiter sync;
	refcount_t ref;
	struct completion done;
	enum todo_op op;
	bool cast;
	bool has_date;
	bool has_title;
	bool exempt;
	struct mem_cgroup *memcg;
	int err;
	const char *why;
	int store_err;
	u32 id;
	u32 date;
	u32 after_id;
	size_t buf_size;
	void *buf;
	size_t buf_len;
	bool more;
#ifdef TODO_TEST_HOOKS
	struct completion *hold;
#endif
	u64 gen;
	u16 title_len;
	char title[];
};

struct todo_msg *todo_msg_alloc(enum todo_op op, const char *title,
				size_t title_len);
void todo_msg_from_sender(struct todo_msg *msg, bool exempt);
void todo_msg_put(struct todo_msg *msg);
void todo_msg_finish(struct todo_msg *msg, int err);
struct todo_copy *todo_copy_next(const struct todo_msg *msg,
				 const struct todo_copy *prev);

/* A HOLD is served even by a broken server; only test builds have one. */
static inline bool todo_msg_is_hold(const struct todo_msg *msg)
{
#ifdef TODO_TEST_HOOKS
	return msg->op == TODO_OP_HOLD;
#else
	return false;
#endif
}

#endif /* _TODO_MESSAGE_H */
