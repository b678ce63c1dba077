// SPDX-License-Identifier: GPL-2.0
/*
 * todo: the concurrent to-do system of "Elixir in Action", chapter 7, made
 * of kernel primitives.  Module entry and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

#include "params.h"

static int __init todo_init(void)
{
	pr_info("loaded (max_entries=%u, max_title_len=%u)\n",
		todo_param(&todo_max_entries), todo_param(&todo_max_title_len));
	return 0;
}

static void __exit todo_exit(void)
{
	pr_info("unloaded\n");
}

module_init(todo_init);
module_exit(todo_exit);

MODULE_DESCRIPTION("Concurrent to-do lists: one kernel thread per list");
MODULE_LICENSE("GPL");
