/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error messages that travel with their errors.  A failure is described
 * where it is found: in a request's context with NL_SET_ERR_MSG() on the
 * extack the failing function was given; in a list server's thread or a
 * database worker, which have no extack, as a string constant carried back
 * with the answer (&todo_msg.why,
 * &todo_store_waiter.why).  netlink.c hands the
 * latter to the request's extack with todo_set_err_msg().  Messages are
 * constants, never built from user data.
 */
#ifndef _TODO_ERRMSG_H
#define _TODO_ERRMSG_H

#include <linux/netlink.h>

/**
 * todo_set_err_msg() - Give an extack a message found elsewhere.
 * @extack: the request's extack, or NULL (a caller without one).
 * @why: a string constant describing the error where it was found, or
 *	NULL to leave @extack as it is.
 *
 * As NL_SET_ERR_MSG() does with a literal: the message also goes to the
 * netlink_extack tracepoint, whoever found it.
 *
 * Context: any.
 */
static inline void todo_set_err_msg(struct netlink_ext_ack *extack,
				    const char *why)
{
	if (!why)
		return;
	do_trace_netlink_extack(why);
	if (extack)
		extack->_msg = why;
}

#endif /* _TODO_ERRMSG_H */
