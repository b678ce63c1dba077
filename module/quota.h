/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-owner quotas: how many lists and how many bytes an owner has.
 */
#ifndef _TODO_QUOTA_H
#define _TODO_QUOTA_H

#include <linux/types.h>

struct netlink_ext_ack;

int todo_quota_charge_bytes(u32 owner, s64 delta, bool exempt);
int todo_quota_charge_list(u32 owner, bool exempt);
int todo_quota_charge_new_list(u32 owner, bool exempt,
			       struct netlink_ext_ack *extack);
void todo_quota_uncharge_list(u32 owner);
u64 todo_quota_bytes(u32 owner);
unsigned int todo_quota_lists(u32 owner);
unsigned int todo_quota_total_lists(void);
void todo_quota_exit(void);

#endif /* _TODO_QUOTA_H */
