/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A list server's mailbox: a bounded FIFO of messages.
 */
#ifndef _TODO_MAILBOX_H
#define _TODO_MAILBOX_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

struct netlink_ext_ack;
struct todo_msg;

/**
 * struct todo_mailbox - Bounded FIFO of messages for one list server.
 * @lock: protects every field below; never held while sleeping.
 * @queue: queued messages, oldest first, linked by &todo_msg.node.
 * @len: number of messages in @queue.
 * @max: bound on @len: a cast beyond it fails, a call waits for room.
 * @closed: no message is accepted any more; set when the server stops.
 *	Messages queued before stay and are handled.
 * @close_err: what senders get once @closed is set.
 * @close_why: its message, a string constant, or NULL.
 * @kicked: the server is asked to look at its state (see
 *	todo_mailbox_kick()); cleared when the receiver reports it.
 * @taken: the receiver took a message and has not asked for the next one:
 *	it is still handling it.
 * @mail: the server sleeps here until a message arrives.
 * @room: callers sleep here until @len drops below @max or @closed.
 *
 * Every sender's messages enter @queue in the order sent, and the server
 * takes them from the head, so a client's messages are handled in order.
 */
struct todo_mailbox {
	spinlock_t lock;	/* protects the fields below */
	struct list_head queue;
	unsigned int len;
	unsigned int max;
	bool closed;
	int close_err;
	const char *close_why;
	bool kicked;
	bool taken;
	wait_queue_head_t mail;
	wait_queue_head_t room;
};

void todo_mailbox_init(struct todo_mailbox *mb, unsigned int max);
int todo_mailbox_send(struct todo_mailbox *mb, struct todo_msg *msg,
		      long *timeout, struct netlink_ext_ack *extack);
struct todo_msg *todo_mailbox_receive(struct todo_mailbox *mb, long timeout);
bool todo_mailbox_cancel(struct todo_mailbox *mb, struct todo_msg *msg);
void todo_mailbox_close(struct todo_mailbox *mb, int err, const char *why);
void todo_mailbox_reopen(struct todo_mailbox *mb, int err);
void todo_mailbox_abort(struct todo_mailbox *mb);
void todo_mailbox_kick(struct todo_mailbox *mb);
unsigned int todo_mailbox_len(struct todo_mailbox *mb);
bool todo_mailbox_handling(struct todo_mailbox *mb);

#endif /* _TODO_MAILBOX_H */
