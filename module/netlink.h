/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "todo" generic netlink family.
 */
#ifndef _TODO_NETLINK_H
#define _TODO_NETLINK_H

#include <linux/types.h>

struct sk_buff;
struct todo_change_event;

int todo_netlink_init(void);
void todo_netlink_exit(void);
size_t todo_netlink_change_size(const struct todo_change_event *ev);
int todo_netlink_change_fill(struct sk_buff *skb,
			     const struct todo_change_event *ev, u32 lost);

#endif /* _TODO_NETLINK_H */
