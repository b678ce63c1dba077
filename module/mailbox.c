// SPDX-License-Identifier: GPL-2.0
/*
 * The mailbox of a list server.  Senders queue reference-counted messages;
 * the server's thread takes them one at a time.  The queue is bounded: the
 * book's warning about unbounded mailboxes, taken literally.
 *
 * Owns: one server's bounded FIFO of messages and the QUEUED state.
 * Must not: look into a message's request, or know the server.
 */
#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/sched/signal.h>

#include "errmsg.h"
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
	mb->close_why = NULL;
	mb->kicked = false;
	mb->taken = false;
	init_waitqueue_head(&mb->mail);
	init_waitqueue_head(&mb->room);
}
EXPORT_SYMBOL_IF_KUNIT(todo_mailbox_init);

/*
 * Queue @msg if there is room.  Called with mb->lock held.  A closed
 * mailbox's reason is given to @extack; a full one is the caller's to
 * describe (it may wait).
 */
static int todo_mailbox_try(struct todo_mailbox *mb, struct todo_msg *msg,
			    struct netlink_ext_ack *extack)
{
	/* A message is in one place at a time; it may be sent again. */
	if (WARN_ON_ONCE(msg->state != TODO_MSG_NEW &&
			 msg->state != TODO_MSG_DONE)) {
		NL_SET_ERR_MSG(extack, "message is in use");
		return -EBUSY;
	}
	if (mb->closed) {
		todo_set_err_msg(extack, mb->close_why);
		return mb->close_err;
	}
	if (mb->len >= mb->max)
		return -EAGAIN;
	reinit_completion(&msg->done);
	refcount_inc(&msg->ref);	/* the in-flight reference */
	msg->state = TODO_MSG_QUEUED;
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
 * @extack: told why the message was not queued, or NULL.
 *
 * Context: process context; sleeps (killable) only if @timeout is given.
 * Return: 0 once queued; -EAGAIN if full (and no wait was allowed);
 * -ETIMEDOUT if no room came in time; -EINTR if the caller was killed;
 * the mailbox's close error (such as -ESHUTDOWN) if it is closed.
 */
int todo_mailbox_send(struct todo_mailbox *mb, struct todo_msg *msg,
		      long *timeout, struct netlink_ext_ack *extack)
{
	long left;
	int err;

	spin_lock(&mb->lock);
	err = todo_mailbox_try(mb, msg, extack);
	spin_unlock(&mb->lock);
	if (err == -EAGAIN && !timeout)
		NL_SET_ERR_MSG(extack, "mailbox full, try again");
	if (err != -EAGAIN || !timeout)
		goto out;

	for (;;) {
		left = wait_event_killable_timeout(mb->room,
						   READ_ONCE(mb->len) < mb->max ||
						   READ_ONCE(mb->closed),
						   *timeout);
		if (left < 0) {
			NL_SET_ERR_MSG(extack,
				       "interrupted waiting for room in the mailbox");
			return -EINTR;
		}
		*timeout = left;
		spin_lock(&mb->lock);
		err = todo_mailbox_try(mb, msg, extack);
		spin_unlock(&mb->lock);
		if (err != -EAGAIN)
			break;
		if (!left) {
			NL_SET_ERR_MSG(extack,
				       "the list server's mailbox stayed full (call_timeout_ms)");
			return -ETIMEDOUT;
		}
	}
out:
	if (!err)
		wake_up(&mb->mail);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(todo_mailbox_send);

/*
 * Take the oldest message (QUEUED -> TAKEN); the caller owns its in-flight
 * reference.  Return: the message; NULL if the mailbox is empty, with
 * *@closed telling whether it is also closed (and so stays empty) and
 * *@kicked whether a kick was pending (which this clears).  Either way
 * the receiver is done with the message it took before (&todo_mailbox.taken).
 */
static struct todo_msg *todo_mailbox_pop(struct todo_mailbox *mb,
					 bool *closed, bool *kicked)
{
	struct todo_msg *msg;

	spin_lock(&mb->lock);
	msg = list_first_entry_or_null(&mb->queue, struct todo_msg, node);
	if (msg) {
		list_del_init(&msg->node);
		msg->state = TODO_MSG_TAKEN;
		mb->len--;
	}
	WRITE_ONCE(mb->taken, msg);	/* read locklessly */
	*closed = mb->closed;
	*kicked = !msg && mb->kicked;
	if (*kicked)
		mb->kicked = false;
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
 * The caller (the server's kthread) owns the returned message's in-flight
 * reference.  A closed mailbox still hands out what was queued before it
 * closed, so no message a sender was told is queued is dropped.  The wait
 * is TASK_IDLE: an idle server neither counts as load nor looks like a
 * hung task.
 *
 * Context: the server's kthread; sleeps.
 * Return: the message; NULL once the mailbox is closed and empty;
 * ERR_PTR(-ETIMEDOUT) if @timeout passed without one; ERR_PTR(-EAGAIN) if
 * the mailbox is empty and was kicked.
 */
struct todo_msg *todo_mailbox_receive(struct todo_mailbox *mb, long timeout)
{
	struct todo_msg *msg;
	bool closed, kicked;

	might_sleep();
	for (;;) {
		msg = todo_mailbox_pop(mb, &closed, &kicked);
		if (msg)
			return msg;
		if (closed)
			return NULL;
		if (kicked)
			return ERR_PTR(-EAGAIN);
		if (!timeout)
			return ERR_PTR(-ETIMEDOUT);
		timeout = wait_event_idle_timeout(mb->mail,
						  READ_ONCE(mb->len) ||
						  READ_ONCE(mb->closed) ||
						  READ_ONCE(mb->kicked),
						  timeout);
	}
}
EXPORT_SYMBOL_IF_KUNIT(todo_mailbox_receive);

/**
 * todo_mailbox_cancel() - Withdraw a message the server has not taken yet.
 * @mb: the mailbox.
 * @msg: a message sent to @mb.
 *
 * Used by a caller that stops waiting: a message still QUEUED in @mb is
 * removed and answered with -ECANCELED, so it is never handled.  A message
 * in any other state is left alone: whoever owns it answers it.
 *
 * Context: any context that may take a spinlock.
 * Return: true if the message was withdrawn, false if it was not queued
 * here (the server took it, or it was never sent).
 */
bool todo_mailbox_cancel(struct todo_mailbox *mb, struct todo_msg *msg)
{
	bool queued;

	spin_lock(&mb->lock);
	queued = msg->state == TODO_MSG_QUEUED;
	if (queued) {
		list_del_init(&msg->node);
		msg->state = TODO_MSG_TAKEN;
		mb->len--;
	}
	spin_unlock(&mb->lock);
	if (queued) {
		wake_up(&mb->room);
		todo_msg_finish(msg, -ECANCELED);
	}
	return queued;
}
EXPORT_SYMBOL_IF_KUNIT(todo_mailbox_cancel);

/**
 * todo_mailbox_kick() - Wake the receiver without a message.
 * @mb: the mailbox.
 *
 * The receiver's next todo_mailbox_receive() that finds the mailbox empty
 * returns ERR_PTR(-EAGAIN) at once, once per kick (kicks before it are
 * one); queued messages come first.  The cache kicks a server it has
 * chosen to evict, so that it retires without waiting for idle_timeout.
 *
 * Context: any context that may take a spinlock.
 */
void todo_mailbox_kick(struct todo_mailbox *mb)
{
	spin_lock(&mb->lock);
	mb->kicked = true;
	spin_unlock(&mb->lock);
	wake_up(&mb->mail);
}
EXPORT_SYMBOL_IF_KUNIT(todo_mailbox_kick);

/**
 * todo_mailbox_close() - Refuse new messages; keep the queued ones.
 * @mb: the mailbox.
 * @err: the error later senders get, and callers waiting for room; if the
 *	mailbox is closed already, the first close's error stands.
 * @why: its message, a string constant, or NULL.
 *
 * Messages already queued stay for the server, which receives them before
 * todo_mailbox_receive() reports the mailbox closed: a cast acknowledged
 * to its sender is applied, not dropped.
 *
 * Context: any context that may take a spinlock.
 */
void todo_mailbox_close(struct todo_mailbox *mb, int err, const char *why)
{
	spin_lock(&mb->lock);
	if (!mb->closed) {	/* the first reason stands */
		mb->close_err = err;
		mb->close_why = why;
	}
	mb->closed = true;
	spin_unlock(&mb->lock);
	wake_up_all(&mb->room);
	wake_up_all(&mb->mail);
}
EXPORT_SYMBOL_IF_KUNIT(todo_mailbox_close);

/**
 * todo_mailbox_reopen() - Accept messages again after a close.
 * @mb: a mailbox closed with @err by its own server.
 * @err: the error it was closed with; a mailbox closed with another
 *	(the server being stopped) stays closed.
 *
 * Context: any context that may take a spinlock.
 */
void todo_mailbox_reopen(struct todo_mailbox *mb, int err)
{
	spin_lock(&mb->lock);
	if (mb->closed && mb->close_err == err) {
		mb->closed = false;
		mb->close_err = 0;
		mb->close_why = NULL;
	}
	spin_unlock(&mb->lock);
}
EXPORT_SYMBOL_IF_KUNIT(todo_mailbox_reopen);

/**
 * todo_mailbox_abort() - Fail every queued message.
 * @mb: a closed mailbox whose server will not receive any more.
 *
 * For a server whose thread never ran, or has ended: what is left queued
 * completes with the mailbox's close error.
 *
 * Context: any context that may free memory.
 */
void todo_mailbox_abort(struct todo_mailbox *mb)
{
	struct todo_msg *msg;
	bool closed, kicked;

	/* One at a time under the lock, so a racing cancel stays correct. */
	while ((msg = todo_mailbox_pop(mb, &closed, &kicked))) {
		msg->why = mb->close_why;
		todo_msg_finish(msg, mb->close_err);
	}
}
EXPORT_SYMBOL_IF_KUNIT(todo_mailbox_abort);

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

/**
 * todo_mailbox_handling() - Is the receiver still at its last message?
 * @mb: the mailbox.
 *
 * Context: any.
 * Return: a snapshot: true from the moment the receiver takes a message
 * until it asks for the next one.
 */
bool todo_mailbox_handling(struct todo_mailbox *mb)
{
	return READ_ONCE(mb->taken);
}
EXPORT_SYMBOL_IF_KUNIT(todo_mailbox_handling);
