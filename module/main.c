// SPDX-License-Identifier: GPL-2.0
/*
 * todo: the concurrent to-do system of "Elixir in Action", chapter 7, made
 * of kernel primitives.  Module entry and exit.
 *
 * Owns: the order in which the parts start and stop.  Must not: hold
 * any state of its own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/todo.h>
#include <net/genetlink.h>

#include "cache.h"
#include "database.h"
#include "netlink.h"
#include "notify.h"
#include "params.h"
#include "quota.h"

static int __init todo_init(void)
{
	int err;

	/* The scan of db_dir charges quotas even when it then fails. */
	err = todo_db_init();
	if (err)
		goto quota;
	err = todo_cache_init();
	if (err)
		goto db;
	err = todo_notify_init();
	if (err)
		goto cache;
	err = todo_netlink_init();
	if (err)
		goto notify;
	pr_info("loaded (max_entries=%u, max_title_len=%u, max_servers=%u)\n",
		todo_param(&todo_max_entries), todo_param(&todo_max_title_len),
		todo_param(&todo_max_servers));
	return 0;
notify:
	todo_notify_exit();
cache:
	todo_cache_exit();
db:
	todo_db_exit();
quota:
	todo_quota_exit();
	return err;
}

/*
 * Unregister the family first: once that returns no request runs, so no
 * new message can reach a server; then stop every server, each storing its
 * last changes; then end the subscriptions to change events, which no
 * server sends any more; then let the database finish and stop its workers; then
 * forget the quotas, which nothing charges any more.
 */
static void __exit todo_exit(void)
{
	todo_netlink_exit();
	todo_cache_exit();
	todo_notify_exit();
	todo_db_exit();
	todo_quota_exit();
	pr_info("unloaded\n");
}

module_init(todo_init);
module_exit(todo_exit);

MODULE_DESCRIPTION("Concurrent to-do lists: one kernel thread per list");
MODULE_LICENSE("GPL");
MODULE_ALIAS_GENL_FAMILY(TODO_FAMILY_NAME);
