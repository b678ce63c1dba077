/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * The "todo" generic netlink family: the interface between todo.ko and its
 * clients.  Documentation/netlink/specs/todo.yaml describes the same family
 * for YNL and must match this file exactly; Documentation/netlink.rst
 * explains it.
 */
#ifndef _UAPI_LINUX_TODO_H
#define _UAPI_LINUX_TODO_H

#define TODO_FAMILY_NAME	"todo"
#define TODO_FAMILY_VERSION	1

/* Longest list name, in bytes; names are [A-Za-z0-9._-]+, no leading '.' */
#define TODO_NAME_MAX		64
/* Hard cap of a title, in bytes; the max_title_len parameter is lower. */
#define TODO_TITLE_MAX		4096

/**
 * enum todo_attr - Attributes, one set shared by every command.
 * @TODO_A_LIST: string, the list's name.
 * @TODO_A_OWNER: u32, the list owner's uid; defaults to the caller's
 *	effective uid.  Naming another uid needs CAP_NET_ADMIN.
 * @TODO_A_ID: u32, an entry id (>= 1).
 * @TODO_A_DATE: u32, a date as the decimal number YYYYMMDD.
 * @TODO_A_TITLE: string, an entry title (UTF-8, no control characters).
 * @TODO_A_CAST: flag; present on a mutation, the request is a cast: the
 *	kernel acknowledges once the message is queued in the list server's
 *	mailbox, and the outcome is only counted in the list's statistics.
 *	Absent, the request is a call: the answer is the server's.
 * @TODO_A_ENTRIES: u32, number of entries of a list (lists replies).
 * @TODO_A_MAILBOX: u32, messages waiting in a list server's mailbox.
 * @TODO_A_CASTS: u64, casts a list server has handled.
 * @TODO_A_CASTS_FAILED: u64, casts that failed (queued or handled).
 * @TODO_A_ALIVE: u8, 1 if a list server runs for the list, else 0.
 * @TODO_A_NEXT_ID: u32, the id the list's next entry will get.
 * @TODO_A_PAD: padding for 64-bit attributes.
 * @TODO_A_WRITES: u64, times the list's file was written since its server
 *	started (lists replies).
 * @TODO_A_WRITE_ERRORS: u64, writes of the list's file that failed.
 * @TODO_A_LAST_ERROR: u32, errno of the last write if it failed, else 0.
 * @TODO_A_SERVERS: u32, list servers (kernel threads) live now (stats).
 * @TODO_A_MAX_SERVERS: u32, the max_servers limit (stats).
 * @TODO_A_LISTS: u32, lists of every owner, live or stored (stats).
 * @TODO_A_STARTED: u64, list servers started since the module loaded.
 * @TODO_A_EVICTIONS: u64, idle list servers stopped, their lists stored,
 *	to make room for another list's server (stats).
 * @TODO_A_BUSY: u64, new servers refused because every live server was
 *	busy (stats).
 * @TODO_A_KIND: u8, what a change did, &enum todo_change (change events).
 * @TODO_A_LOST: u32, events of this subscription dropped, because its
 *	socket's receive buffer was full, since the last one delivered
 *	(change events).
 */
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
	TODO_A_MAX = __TODO_A_MAX - 1
};

/**
 * enum todo_cmd - Commands.  Replies carry the request's command number.
 * @TODO_CMD_PING: no attributes; answered at once by the netlink handler,
 *	without touching any list: the baseline round trip.
 * @TODO_CMD_ADD: LIST, DATE, TITLE [, OWNER] [, CAST].  A call replies
 *	with ID, the new entry's id.  Creates the list on first use.
 * @TODO_CMD_GET: do: LIST, ID [, OWNER] replies with ID, DATE, TITLE.
 *	dump: LIST [, DATE] [, OWNER], one message per entry (ID, DATE,
 *	TITLE) in ascending id order.  Never creates a list: an unknown list
 *	has no entries.
 * @TODO_CMD_UPDATE: LIST, ID [, DATE] [, TITLE] [, OWNER] [, CAST].
 * @TODO_CMD_DELETE: LIST, ID [, OWNER] [, CAST].
 * @TODO_CMD_LISTS: dump: [OWNER]; one message per list of that owner,
 *	live or stored: LIST, OWNER, ENTRIES, NEXT_ID, MAILBOX, CASTS,
 *	CASTS_FAILED, ALIVE, WRITES, WRITE_ERRORS, LAST_ERROR (a stored list
 *	that is not live has ALIVE 0 and zero statistics).
 * @TODO_CMD_SYNC: [LIST] [, OWNER]; answers once every change made to the
 *	list (without LIST: to each of the owner's lists) before the request
 *	is on stable storage, or with the error that kept it from it.
 * @TODO_CMD_DROP: LIST [, OWNER]; deletes the whole list, live or stored:
 *	its server stops, its entries are freed and its file is removed.
 *	Answered with an ack only, once the file is gone; an unknown list
 *	fails with ESRCH.  It cannot be undone.
 * @TODO_CMD_STATS: no attributes; needs CAP_NET_ADMIN.  Replies with the
 *	whole system's SERVERS, MAX_SERVERS, LISTS, STARTED, EVICTIONS and
 *	BUSY.
 * @TODO_CMD_WATCH: [LIST] [, OWNER]; subscribes the sending socket to the
 *	changes of the owner's list (without LIST: of each of the owner's
 *	lists); naming another owner needs CAP_NET_ADMIN.  A socket has one
 *	subscription: a second WATCH replaces it.  It ends with UNWATCH or
 *	when the socket closes.
 * @TODO_CMD_UNWATCH: no attributes; ends the sending socket's
 *	subscription (ENOENT if it has none).
 * @TODO_CMD_CHANGE: an event, sent by the kernel only to a subscribed
 *	socket after a list server applied a change: OWNER, LIST, KIND, ID,
 *	DATE, TITLE (the entry after an add or an update, the deleted entry
 *	after a delete) [, LOST].
 */
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
	TODO_CMD_MAX = __TODO_CMD_MAX - 1
};

/**
 * enum todo_change - What a change event reports (TODO_A_KIND).
 * @TODO_CHANGE_ADD: an entry was added.
 * @TODO_CHANGE_UPDATE: an entry's date or title changed.
 * @TODO_CHANGE_DELETE: an entry was deleted.
 */
enum todo_change {
	TODO_CHANGE_ADD = 1,
	TODO_CHANGE_UPDATE,
	TODO_CHANGE_DELETE,
};

#endif /* _UAPI_LINUX_TODO_H */
