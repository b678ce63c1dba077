/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "todo" generic netlink family.
 */
#ifndef _TODO_NETLINK_H
#define _TODO_NETLINK_H

int todo_netlink_init(void);
void todo_netlink_exit(void);

#endif /* _TODO_NETLINK_H */
