/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Change events: the subscriptions of sockets to the changes of lists, and
 * their delivery.  See module/notify.c.
 */
#ifndef _TODO_NOTIFY_H
#define _TODO_NOTIFY_H

#include <linux/todo.h>
#include <linux/types.h>

#include "name.h"

struct netlink_ext_ack;
struct sock;

/**
 * struct todo_change_event - One change a list server applied.
 * @key: the list.
 * @kind: what the change did.
 * @id: the entry's id.
 * @date: the entry's date (after the change; a deleted entry's last).
 * @title: its title, not NUL-terminated.
 * @title_len: bytes of @title.
 */
struct todo_change_event {
	const struct todo_key *key;
	enum todo_change kind;
	u32 id;
	u32 date;
	const char *title;
	size_t title_len;
};

int todo_notify_init(void);
void todo_notify_exit(void);
bool todo_notify_wanted(void);
void todo_notify_change(const struct todo_change_event *ev);
int todo_notify_watch(struct sock *sk, u32 portid, u32 uid,
		      const struct todo_key *key, bool all, bool exempt,
		      struct netlink_ext_ack *extack);
int todo_notify_unwatch(u32 portid, struct netlink_ext_ack *extack);

#endif /* _TODO_NOTIFY_H */
