/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module parameters: the limits of the system.  Documented in
 * Documentation/params.rst.
 */
#ifndef _TODO_PARAMS_H
#define _TODO_PARAMS_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/delay.h>

/**
 * struct todo_uint_param - An unsigned module parameter with a range.
 * @val: current value; read with todo_param().  The first member: the
 *	kernel's param_set_uint_minmax() and param_get_uint() reach it
 *	through &kernel_param.arg.
 * @min: smallest value accepted.
 * @max: largest value accepted.
 *
 * Locking: @val may change at any time through sysfs; readers take one
 * snapshot with READ_ONCE() and use it.
 */
struct todo_uint_param {
	unsigned int val;
	unsigned int min;
	unsigned int max;
};

extern struct todo_uint_param todo_max_entries;
extern struct todo_uint_param todo_max_title_len;
extern struct todo_uint_param todo_call_timeout_ms;
extern struct todo_uint_param todo_mailbox_max;
extern struct todo_uint_param todo_max_servers;
extern struct todo_uint_param todo_max_lists_per_user;
extern struct todo_uint_param todo_max_lists;
extern struct todo_uint_param todo_max_bytes_per_user;
extern struct todo_uint_param todo_idle_timeout;
#ifdef TODO_TEST_HOOKS
extern struct todo_uint_param todo_load_delay_ms;
extern struct todo_uint_param todo_store_delay_ms;
#endif
extern struct todo_uint_param todo_max_watchers;
extern struct todo_uint_param todo_max_watchers_per_user;

/**
 * todo_param() - Current value of a parameter.
 * @p: the parameter.
 *
 * Return: a snapshot of the value.
 */
static inline unsigned int todo_param(const struct todo_uint_param *p)
{
	return READ_ONCE(p->val);
}

/*
 * Testing aids: sleep for load_delay_ms before a list's load, or for
 * store_delay_ms before a batch of stores.  No-ops outside test builds.
 * Context: process context; may sleep.
 */
static inline void todo_test_load_delay(void)
{
#ifdef TODO_TEST_HOOKS
	if (todo_param(&todo_load_delay_ms))
		msleep(todo_param(&todo_load_delay_ms));
#endif
}

static inline void todo_test_store_delay(void)
{
#ifdef TODO_TEST_HOOKS
	if (todo_param(&todo_store_delay_ms))
		msleep(todo_param(&todo_store_delay_ms));
#endif
}

/**
 * todo_inc_below() - Count one more against a limit.
 * @v: the count.
 * @limit: the limit, a parameter's snapshot.
 *
 * Two callers never pass the limit together.
 *
 * Context: any.
 * Return: true if @v was below @limit and is now one more; false, with @v
 * unchanged, if it had reached it.
 */
static inline bool todo_inc_below(atomic_t *v, unsigned int limit)
{
	int old = atomic_read(v);

	do {
		if (old >= (int)limit)
			return false;
	} while (!atomic_try_cmpxchg(v, &old, old + 1));
	return true;
}

#endif /* _TODO_PARAMS_H */
