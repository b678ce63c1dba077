// SPDX-License-Identifier: GPL-2.0
/*
 * Messages to list servers: allocation, reference counting and the packed
 * entry copies that %TODO_OP_READ replies with.
 *
 * Owns: a message's memory, references and reply copies.  Must not:
 * queue, send or handle messages.
 */
#include <kunit/visibility.h>
#include <linux/align.h>
#include <linux/export.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "message.h"

/* A SYNC's wait on the store ended: answer the message. */
static void todo_msg_sync_done(struct todo_store_waiter *w, int err)
{
	struct todo_msg *msg = container_of(w, struct todo_msg, sync);

	msg->why = w->why;
	todo_msg_finish(msg, err);
}

/**
 * todo_msg_alloc() - Allocate a message holding one reference.
 * @op: the request.
 * @title: a title to copy into the message, or NULL.
 * @title_len: length of @title.
 *
 * Memory is charged to the caller's memory cgroup.
 *
 * Context: process context; may sleep.
 * Return: the message, or NULL if out of memory.
 */
struct todo_msg *todo_msg_alloc(enum todo_op op, const char *title,
				size_t title_len)
{
	struct todo_msg *msg;

	if (!title)
		title_len = 0;
	msg = kzalloc(struct_size(msg, title, title_len), GFP_KERNEL_ACCOUNT);
	if (!msg)
		return NULL;
	INIT_LIST_HEAD(&msg->node);
	refcount_set(&msg->ref, 1);
	init_completion(&msg->done);
	INIT_LIST_HEAD(&msg->sync.node);
	msg->sync.done = todo_msg_sync_done;
	msg->op = op;
	if (title) {
		msg->has_title = true;
		msg->title_len = title_len;
		memcpy(msg->title, title, title_len);
	}
	return msg;
}
EXPORT_SYMBOL_IF_KUNIT(todo_msg_alloc);

/**
 * todo_msg_from_sender() - Say who pays for what a message adds.
 * @msg: a new message.
 * @exempt: the sender may exceed its owner's limits (CAP_SYS_RESOURCE).
 *
 * What the list server allocates for the message is charged to the
 * calling task's memory cgroup, which the message pins until it is freed.
 *
 * Context: process context of the sender.
 */
void todo_msg_from_sender(struct todo_msg *msg, bool exempt)
{
	msg->exempt = exempt;
	if (current->mm && !msg->memcg)
		msg->memcg = get_mem_cgroup_from_mm(current->mm);
}
EXPORT_SYMBOL_IF_KUNIT(todo_msg_from_sender);

/**
 * todo_msg_put() - Drop a reference; the last one frees the message.
 * @msg: the message, or NULL.
 *
 * Context: any context that may free memory.
 */
void todo_msg_put(struct todo_msg *msg)
{
	if (msg && refcount_dec_and_test(&msg->ref)) {
		mem_cgroup_put(msg->memcg);
		kvfree(msg->buf);
		kfree(msg);
	}
}
EXPORT_SYMBOL_IF_KUNIT(todo_msg_put);

/**
 * todo_msg_finish() - Answer a message and drop its in-flight reference.
 * @msg: a message TAKEN, or just unlinked from its queue by the owner of
 *	that queue.
 * @err: the answer, 0 or a negative errno.
 *
 * Reply fields other than &todo_msg.err are written before.  After this
 * the caller must not touch @msg.
 *
 * Context: any context that may free memory.
 */
void todo_msg_finish(struct todo_msg *msg, int err)
{
	msg->err = err;
	WRITE_ONCE(msg->state, TODO_MSG_DONE);
	complete(&msg->done);
	todo_msg_put(msg);
}
EXPORT_SYMBOL_IF_KUNIT(todo_msg_finish);

/**
 * todo_copy_next() - Walk the entry copies of a READ reply.
 * @msg: a message whose READ reply has completed.
 * @prev: the previous copy, or NULL for the first.
 *
 * Context: any.
 * Return: the next copy, or NULL after the last.
 */
struct todo_copy *todo_copy_next(const struct todo_msg *msg,
				 const struct todo_copy *prev)
{
	size_t off = 0;

	if (prev)
		off = (const char *)prev - (const char *)msg->buf +
		      ALIGN(struct_size(prev, title, prev->title_len), 4);
	if (off >= msg->buf_len)
		return NULL;
	return msg->buf + off;
}
EXPORT_SYMBOL_IF_KUNIT(todo_copy_next);
