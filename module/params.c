// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters.  Each is range-checked when set, at load time or later
 * through /sys/module/todo/parameters/; a new value applies to lists created
 * after the change.
 *
 * Owns: the parameters and their ranges.  Must not: act on a change
 * (readers take a snapshot of the value when they need it).
 */
#include <kunit/visibility.h>
#include <linux/build_bug.h>
#include <linux/export.h>
#include <linux/moduleparam.h>
#include <linux/stddef.h>

#include "params.h"
#include "title.h"

/*
 * The kernel's parameter parsing does the work: param_set_uint_minmax()
 * and param_get_uint() read and write the unsigned int at kp->arg, which is
 * the first member of struct todo_uint_param.
 */
static int todo_uint_param_set(const char *val, const struct kernel_param *kp)
{
	const struct todo_uint_param *p = kp->arg;

	BUILD_BUG_ON(offsetof(struct todo_uint_param, val) != 0);
	return param_set_uint_minmax(val, kp, p->min, p->max);
}

static const struct kernel_param_ops todo_uint_param_ops = {
	.set = todo_uint_param_set,
	.get = param_get_uint,
};

struct todo_uint_param todo_max_entries = { 100000, 1, 10000000 };
EXPORT_SYMBOL_IF_KUNIT(todo_max_entries);
module_param_cb(max_entries, &todo_uint_param_ops, &todo_max_entries, 0644);
MODULE_PARM_DESC(max_entries,
		 "Most entries one list may hold (1..10000000, default 100000)");

struct todo_uint_param todo_max_title_len = { 256, 1, TODO_TITLE_LEN_CAP };
EXPORT_SYMBOL_IF_KUNIT(todo_max_title_len);
module_param_cb(max_title_len, &todo_uint_param_ops, &todo_max_title_len,
		0644);
MODULE_PARM_DESC(max_title_len,
		 "Longest entry title in bytes (1..4096, default 256)");

struct todo_uint_param todo_call_timeout_ms = { 5000, 1, 600000 };
EXPORT_SYMBOL_IF_KUNIT(todo_call_timeout_ms);
module_param_cb(call_timeout_ms, &todo_uint_param_ops, &todo_call_timeout_ms,
		0644);
MODULE_PARM_DESC(call_timeout_ms,
		 "How long a call waits for its list server, in ms (1..600000, default 5000)");

struct todo_uint_param todo_mailbox_max = { 1024, 1, 1000000 };
EXPORT_SYMBOL_IF_KUNIT(todo_mailbox_max);
module_param_cb(mailbox_max, &todo_uint_param_ops, &todo_mailbox_max, 0644);
MODULE_PARM_DESC(mailbox_max,
		 "Most messages waiting in one list server's mailbox (1..1000000, default 1024)");

struct todo_uint_param todo_max_servers = { 1024, 1, 100000 };
EXPORT_SYMBOL_IF_KUNIT(todo_max_servers);
module_param_cb(max_servers, &todo_uint_param_ops, &todo_max_servers, 0644);
MODULE_PARM_DESC(max_servers,
		 "Most live list servers, i.e. kernel threads; beyond, the least recently used idle one is stored and stopped (1..100000, default 1024)");

struct todo_uint_param todo_max_lists_per_user = { 256, 1, 100000000 };
EXPORT_SYMBOL_IF_KUNIT(todo_max_lists_per_user);
module_param_cb(max_lists_per_user, &todo_uint_param_ops,
		&todo_max_lists_per_user, 0644);
MODULE_PARM_DESC(max_lists_per_user,
		 "Most lists one user may have, live or stored (1..100000000, default 256)");

struct todo_uint_param todo_max_lists = { 1 << 21, 1, 100000000 };
EXPORT_SYMBOL_IF_KUNIT(todo_max_lists);
module_param_cb(max_lists, &todo_uint_param_ops, &todo_max_lists, 0644);
MODULE_PARM_DESC(max_lists,
		 "Most lists of all users together, live or stored (1..100000000, default 2097152)");

struct todo_uint_param todo_max_bytes_per_user = { 16 << 20, 4096, UINT_MAX };
EXPORT_SYMBOL_IF_KUNIT(todo_max_bytes_per_user);
module_param_cb(max_bytes_per_user, &todo_uint_param_ops,
		&todo_max_bytes_per_user, 0644);
MODULE_PARM_DESC(max_bytes_per_user,
		 "Most bytes one user's lists may take, live or stored (4096..4294967295, default 16777216)");

struct todo_uint_param todo_idle_timeout = { 60, 0, 86400 };
EXPORT_SYMBOL_IF_KUNIT(todo_idle_timeout);
module_param_cb(idle_timeout, &todo_uint_param_ops, &todo_idle_timeout, 0644);
MODULE_PARM_DESC(idle_timeout,
		 "Seconds a list server may stay idle before it stores its list and stops; 0: never (0..86400, default 60)");

#ifdef TODO_TEST_HOOKS
/* Testing aids, in test builds only (see Kbuild). */
struct todo_uint_param todo_load_delay_ms = { 0, 0, 60000 };
EXPORT_SYMBOL_IF_KUNIT(todo_load_delay_ms);
module_param_cb(load_delay_ms, &todo_uint_param_ops, &todo_load_delay_ms,
		0644);
MODULE_PARM_DESC(load_delay_ms,
		 "Testing aid: delay every list load by this many ms (0..60000, default 0)");

struct todo_uint_param todo_store_delay_ms = { 0, 0, 60000 };
EXPORT_SYMBOL_IF_KUNIT(todo_store_delay_ms);
module_param_cb(store_delay_ms, &todo_uint_param_ops, &todo_store_delay_ms,
		0644);
MODULE_PARM_DESC(store_delay_ms,
		 "Testing aid: delay each batch of list stores by this many ms (0..60000, default 0)");
#endif

struct todo_uint_param todo_max_watchers = { 64, 0, 4096 };
EXPORT_SYMBOL_IF_KUNIT(todo_max_watchers);
module_param_cb(max_watchers, &todo_uint_param_ops, &todo_max_watchers,
		0644);
MODULE_PARM_DESC(max_watchers,
		 "Most sockets subscribed to change events, of all users together (0..4096, default 64)");

struct todo_uint_param todo_max_watchers_per_user = { 4, 0, 4096 };
EXPORT_SYMBOL_IF_KUNIT(todo_max_watchers_per_user);
module_param_cb(max_watchers_per_user, &todo_uint_param_ops,
		&todo_max_watchers_per_user, 0644);
MODULE_PARM_DESC(max_watchers_per_user,
		 "Most sockets one user may subscribe to change events (0..4096, default 4)");
