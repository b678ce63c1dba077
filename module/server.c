// SPDX-License-Identifier: GPL-2.0
/*
 * List servers (the book's Todo.Server).  Each live list has a kthread that
 * owns the list and handles the messages of its mailbox one at a time, in
 * order.  A call waits for the server's answer, killable and bounded by
 * call_timeout_ms; a cast returns once its message is queued.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/align.h>
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "message.h"
#include "params.h"
#include "server.h"

/* Copy the entries a READ asks for into a buffer the message owns. */
static int todo_server_read(struct todo_server *s, struct todo_msg *msg)
{
	struct todo_list *list = &s->list;
	struct todo_entry *e;
	struct todo_copy *c;
	size_t len = 0, need;

	msg->buf = kvmalloc(msg->buf_size, GFP_KERNEL);
	if (!msg->buf)
		return -ENOMEM;
	e = msg->has_date ? todo_list_next_on(list, msg->date, msg->after_id) :
			    todo_list_next(list, msg->after_id);
	while (e) {
		need = ALIGN(struct_size(c, title, e->title_len), 4);
		if (len + need > msg->buf_size)
			break;
		c = msg->buf + len;
		c->id = e->id;
		c->date = e->date;
		c->title_len = e->title_len;
		memcpy(c->title, e->title, e->title_len);
		len += need;
		e = msg->has_date ? todo_list_next_on(list, msg->date, e->id) :
				    todo_list_next(list, e->id);
	}
	msg->buf_len = len;
	return 0;
}

static void todo_server_handle(struct todo_server *s, struct todo_msg *msg)
{
	int err = 0;

	switch (msg->op) {
	case TODO_OP_PING:
		break;
	case TODO_OP_ADD:
		err = todo_list_add(&s->list, msg->date, msg->title,
				    msg->title_len, &msg->id);
		break;
	case TODO_OP_UPDATE:
		err = todo_list_update(&s->list, msg->id,
				       msg->has_date ? &msg->date : NULL,
				       msg->has_title ? msg->title : NULL,
				       msg->title_len);
		break;
	case TODO_OP_DELETE:
		err = todo_list_delete(&s->list, msg->id);
		break;
	case TODO_OP_READ:
		err = todo_server_read(s, msg);
		break;
	case TODO_OP_HOLD:
		wait_for_completion(msg->hold);
		break;
	default:
		err = -EOPNOTSUPP;
	}
	msg->err = err;
	if (msg->cast && err)
		atomic64_inc(&s->casts_failed);
	WRITE_ONCE(s->entries, todo_list_size(&s->list));
	WRITE_ONCE(s->next_id, s->list.next_id);
	complete(&msg->done);
	todo_msg_put(msg);
}

static int todo_server_thread(void *data)
{
	struct todo_server *s = data;
	struct todo_msg *msg;

	while ((msg = todo_mailbox_receive(&s->mbox)))
		todo_server_handle(s, msg);
	return 0;
}

/**
 * todo_server_create() - Create a list server, its list and its kthread.
 * @key: the list's key.
 *
 * The kthread is created but not started; todo_server_start() starts it.
 * A server that is never started may still be stopped and put.
 *
 * Context: process context; may sleep.
 * Return: the server with one reference, or an ERR_PTR().
 */
struct todo_server *todo_server_create(const struct todo_key *key)
{
	struct todo_server *s;
	struct task_struct *task;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->key = *key;
	refcount_set(&s->ref, 1);
	todo_mailbox_init(&s->mbox, todo_param(&todo_mailbox_max));
	todo_list_init(&s->list, todo_param(&todo_max_entries),
		       todo_param(&todo_max_title_len));
	s->next_id = s->list.next_id;
	atomic64_set(&s->casts, 0);
	atomic64_set(&s->casts_failed, 0);

	/* Never pass the name as the format: it is user input. */
	task = kthread_create(todo_server_thread, s, "todo/%u/%.*s",
			      key->owner, (int)key->len, key->name);
	if (IS_ERR(task)) {
		kfree(s);
		return ERR_CAST(task);
	}
	get_task_struct(task);
	s->task = task;
	return s;
}
EXPORT_SYMBOL_IF_KUNIT(todo_server_create);

/**
 * todo_server_start() - Let a created server's kthread run.
 * @s: the server.
 *
 * Context: any.
 */
void todo_server_start(struct todo_server *s)
{
	wake_up_process(s->task);
}
EXPORT_SYMBOL_IF_KUNIT(todo_server_start);

/**
 * todo_server_stop() - Stop a server's kthread.
 * @s: the server, no longer reachable through the cache.
 *
 * Messages still queued complete with -ESHUTDOWN, later sends fail with
 * it; the message being handled is finished first.  Call once per server.
 *
 * Context: process context; sleeps until the kthread has exited.
 */
void todo_server_stop(struct todo_server *s)
{
	todo_mailbox_close(&s->mbox, -ESHUTDOWN);
	kthread_stop(s->task);
	put_task_struct(s->task);
	s->task = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(todo_server_stop);

/**
 * todo_server_put() - Drop a reference to a server.
 * @s: the server, or NULL.
 *
 * The last reference frees the list and, after an RCU grace period, the
 * server.  It is dropped only after todo_server_stop().
 *
 * Context: process context.
 */
void todo_server_put(struct todo_server *s)
{
	if (s && refcount_dec_and_test(&s->ref)) {
		WARN_ON_ONCE(s->task);
		todo_list_destroy(&s->list);
		kfree_rcu(s, rcu);
	}
}
EXPORT_SYMBOL_IF_KUNIT(todo_server_put);

/**
 * todo_server_call() - Send a message and wait for the server's answer.
 * @s: the server.
 * @msg: the message; the caller keeps its own reference.
 *
 * Waits, killable, at most call_timeout_ms in all: first for room in the
 * mailbox, then for the answer.  A caller that gives up withdraws its
 * message if the server has not taken it yet; if it has, the server
 * finishes it and the answer is dropped, as with a timed-out GenServer.call.
 *
 * Context: process context; sleeps.
 * Return: the server's answer (0 or a negative errno from the handler);
 * -ETIMEDOUT; -EINTR if the caller was killed; -ESHUTDOWN if the server
 * is stopping.
 */
int todo_server_call(struct todo_server *s, struct todo_msg *msg)
{
	long timeout = msecs_to_jiffies(todo_param(&todo_call_timeout_ms));
	long left;
	int err;

	msg->cast = false;
	err = todo_mailbox_send(&s->mbox, msg, &timeout);
	if (err)
		return err;
	left = wait_for_completion_killable_timeout(&msg->done, timeout);
	if (left > 0)
		return msg->err;
	if (!todo_mailbox_cancel(&s->mbox, msg) && completion_done(&msg->done))
		return msg->err;
	return left ? -EINTR : -ETIMEDOUT;
}
EXPORT_SYMBOL_IF_KUNIT(todo_server_call);

/**
 * todo_server_cast() - Queue a message without waiting for it.
 * @s: the server.
 * @msg: the message; the caller keeps its own reference.
 *
 * Context: any context that may take a spinlock.
 * Return: 0 once queued; -EAGAIN if the mailbox is full; -ESHUTDOWN if
 * the server is stopping.  A refusal counts as a failed cast.
 */
int todo_server_cast(struct todo_server *s, struct todo_msg *msg)
{
	int err;

	msg->cast = true;
	atomic64_inc(&s->casts);
	err = todo_mailbox_send(&s->mbox, msg, NULL);
	if (err)
		atomic64_inc(&s->casts_failed);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(todo_server_cast);
