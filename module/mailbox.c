// SPDX-License-Identifier: GPL-2.0
/*
 * The mailbox of a list server.  Senders queue reference-counted messages;
 * the server's thread takes them one at a time.  The queue is bounded: the
 * book's warning about unbounded mailboxes, taken literally.
 */
#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kthread.h>
#include <linux/sched/signal.h>

#include "mailbox.h"
#include "message.h"

/**
 * todo_mailbox_init() - Initialise an empty, open mailbox.
 * @mb: the mailbox.
 * @max: most messages it may hold.
 *
 * Context: any.
 */
void todo_mailbox_init(struct todo_mailbox *mb, unsigned int max)
{
	spin_lock_init(&mb->lock);
	INIT_LIST_HEAD(&mb->queue);
	mb->len = 0;
	mb->max = max;
	mb->closed = false;
	mb->close_err = 0;
	init_waitqueue_head(&mb->mail);
	init_waitqueue_head(&mb->room);
}
EXPORT_SYMBOL_IF_KUNIT(todo_mailbox_init);

/* Queue @msg if there is room.  Called with mb->lock held. */
static int todo_mailbox_try(struct todo_mailbox *mb, struct todo_msg *msg)
{
	if (mb->closed)
		return mb->close_err;
	if (mb->len >= mb->max)
		return -EAGAIN;
	refcount_inc(&msg->ref);
	list_add_tail(&msg->node, &mb->queue);
	mb->len++;
	return 0;
}

/**
 * todo_mailbox_send() - Queue a message for the server.
 * @mb: the mailbox.
 * @msg: the message; the mailbox takes its own reference on success.
 * @timeout: NULL to fail at once if the mailbox is full (a cast); else the
 *	jiffies the caller may wait for room, reduced by the time waited.
 *
 * Context: process context; sleeps (killable) only if @timeout is given.
 * Return: 0 once queued; -EAGAIN if full (and no wait was allowed);
 * -ETIMEDOUT if no room came in time; -EINTR if the caller was killed;
 * the mailbox's close error (such as -ESHUTDOWN) if it is closed.
 */
int todo_mailbox_send(struct todo_mailbox *mb, struct todo_msg *msg,
		      long *timeout)
{
	long left;
	int err;

	spin_lock(&mb->lock);
	err = todo_mailbox_try(mb, msg);
	spin_unlock(&mb->lock);
	if (err != -EAGAIN || !timeout)
		goto out;

	for (;;) {
		left = wait_event_killable_timeout(mb->room,
						   READ_ONCE(mb->len) < mb->max ||
						   READ_ONCE(mb->closed),
						   *timeout);
		if (left < 0)
			return -EINTR;
		*timeout = left;
		spin_lock(&mb->lock);
		err = todo_mailbox_try(mb, msg);
		spin_unlock(&mb->lock);
		if (err != -EAGAIN)
			break;
		if (!left)
			return -ETIMEDOUT;
	}
out:
	if (!err)
		wake_up(&mb->mail);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(todo_mailbox_send);

static struct todo_msg *todo_mailbox_pop(struct todo_mailbox *mb)
{
	struct todo_msg *msg;

	spin_lock(&mb->lock);
	msg = list_first_entry_or_null(&mb->queue, struct todo_msg, node);
	if (msg) {
		list_del_init(&msg->node);
		mb->len--;
	}
	spin_unlock(&mb->lock);
	if (msg)
		wake_up(&mb->room);
	return msg;
}

/**
 * todo_mailbox_receive() - Take the oldest message, waiting for one.
 * @mb: the mailbox.
 * @timeout: the most jiffies to wait for a message; MAX_SCHEDULE_TIMEOUT
 *	to wait for ever, 0 not to wait.
 *
 * The caller (the server's kthread) owns the returned message's mailbox
 * reference.  The wait is TASK_IDLE: an idle server neither counts as load
 * nor looks like a hung task.
 *
 * Context: the server's kthread; sleeps.
 * Return: the message; NULL once kthread_should_stop() is true and the
 * mailbox is empty; ERR_PTR(-ETIMEDOUT) if @timeout passed without one.
 */
struct todo_msg *todo_mailbox_receive(struct todo_mailbox *mb, long timeout)
{
	struct todo_msg *msg;

	for (;;) {
		msg = todo_mailbox_pop(mb);
		if (msg || kthread_should_stop())
			return msg;
		if (!timeout)
			return ERR_PTR(-ETIMEDOUT);
		timeout = wait_event_idle_timeout(mb->mail,
						  READ_ONCE(mb->len) ||
						  kthread_should_stop(),
						  timeout);
	}
}
EXPORT_SYMBOL_IF_KUNIT(todo_mailbox_receive);

/**
 * todo_mailbox_cancel() - Withdraw a message the server has not taken yet.
 * @mb: the mailbox.
 * @msg: a message sent to @mb.
 *
 * Used by a caller that stops waiting: a message still queued is removed
 * and its mailbox reference dropped, so it is never handled.
 *
 * Context: any context that may take a spinlock.
 * Return: true if the message was withdrawn, false if the server already
 * took it (it will be handled, and its reply ignored).
 */
bool todo_mailbox_cancel(struct todo_mailbox *mb, struct todo_msg *msg)
{
	bool queued;

	spin_lock(&mb->lock);
	queued = !list_empty(&msg->node);
	if (queued) {
		list_del_init(&msg->node);
		mb->len--;
	}
	spin_unlock(&mb->lock);
	if (queued) {
		wake_up(&mb->room);
		todo_msg_put(msg);
	}
	return queued;
}
EXPORT_SYMBOL_IF_KUNIT(todo_mailbox_cancel);

/**
 * todo_mailbox_close() - Refuse new messages and fail the queued ones.
 * @mb: the mailbox.
 * @err: the error queued messages complete with and later senders get.
 *
 * Context: process context.
 */
void todo_mailbox_close(struct todo_mailbox *mb, int err)
{
	struct todo_msg *msg;

	spin_lock(&mb->lock);
	mb->closed = true;
	mb->close_err = err;
	spin_unlock(&mb->lock);
	wake_up_all(&mb->room);

	/* One at a time under the lock, so a racing cancel stays correct. */
	while ((msg = todo_mailbox_pop(mb))) {
		msg->err = err;
		complete(&msg->done);
		todo_msg_put(msg);
	}
}
EXPORT_SYMBOL_IF_KUNIT(todo_mailbox_close);

/**
 * todo_mailbox_len() - Messages waiting, for statistics.
 * @mb: the mailbox.
 *
 * Context: any.
 * Return: a snapshot of the queue length.
 */
unsigned int todo_mailbox_len(struct todo_mailbox *mb)
{
	return READ_ONCE(mb->len);
}
EXPORT_SYMBOL_IF_KUNIT(todo_mailbox_len);
