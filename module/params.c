// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters.  Each is range-checked when set, at load time or later
 * through /sys/module/todo/parameters/; a new value applies to lists created
 * after the change.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>

#include "params.h"
#include "title.h"

static int todo_uint_param_set(const char *val, const struct kernel_param *kp)
{
	struct todo_uint_param *p = kp->arg;
	unsigned int v;
	int err;

	err = kstrtouint(val, 0, &v);
	if (err)
		return err;
	if (v < p->min || v > p->max)
		return -EINVAL;
	WRITE_ONCE(p->val, v);
	return 0;
}

static int todo_uint_param_get(char *buf, const struct kernel_param *kp)
{
	const struct todo_uint_param *p = kp->arg;

	return scnprintf(buf, PAGE_SIZE, "%u\n", READ_ONCE(p->val));
}

static const struct kernel_param_ops todo_uint_param_ops = {
	.set = todo_uint_param_set,
	.get = todo_uint_param_get,
};

struct todo_uint_param todo_max_entries = { 100000, 1, 10000000 };
module_param_cb(max_entries, &todo_uint_param_ops, &todo_max_entries, 0644);
MODULE_PARM_DESC(max_entries,
		 "Most entries one list may hold (1..10000000, default 100000)");

struct todo_uint_param todo_max_title_len = { 256, 1, TODO_TITLE_LEN_CAP };
module_param_cb(max_title_len, &todo_uint_param_ops, &todo_max_title_len,
		0644);
MODULE_PARM_DESC(max_title_len,
		 "Longest entry title in bytes (1..4096, default 256)");
