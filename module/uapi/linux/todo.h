/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/todo.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_TODO_H
#define _UAPI_LINUX_TODO_H

#define TODO_FAMILY_NAME	"todo"
#define TODO_FAMILY_VERSION	1

#define TODO_NAME_MAX	64
#define TODO_TITLE_MAX	4096

/**
 * enum todo_change - What a change event reports.
 */
enum todo_change {
	TODO_CHANGE_ADD = 1,
	TODO_CHANGE_UPDATE,
	TODO_CHANGE_DELETE,
};

enum todo_attr {
	TODO_A_LIST = 1,
	TODO_A_OWNER,
	TODO_A_ID,
	TODO_A_DATE,
	TODO_A_TITLE,
	TODO_A_CAST,
	TODO_A_ENTRIES,
	TODO_A_MAILBOX,
	TODO_A_CASTS,
	TODO_A_CASTS_FAILED,
	TODO_A_ALIVE,
	TODO_A_NEXT_ID,
	TODO_A_PAD,
	TODO_A_WRITES,
	TODO_A_WRITE_ERRORS,
	TODO_A_LAST_ERROR,
	TODO_A_SERVERS,
	TODO_A_MAX_SERVERS,
	TODO_A_LISTS,
	TODO_A_STARTED,
	TODO_A_EVICTIONS,
	TODO_A_BUSY,
	TODO_A_KIND,
	TODO_A_LOST,

	__TODO_A_MAX,
	TODO_A_MAX = (__TODO_A_MAX - 1)
};

enum todo_cmd {
	TODO_CMD_PING = 1,
	TODO_CMD_ADD,
	TODO_CMD_GET,
	TODO_CMD_UPDATE,
	TODO_CMD_DELETE,
	TODO_CMD_LISTS,
	TODO_CMD_SYNC,
	TODO_CMD_DROP,
	TODO_CMD_STATS,
	TODO_CMD_WATCH,
	TODO_CMD_UNWATCH,
	TODO_CMD_CHANGE,

	__TODO_CMD_MAX,
	TODO_CMD_MAX = (__TODO_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_TODO_H */
