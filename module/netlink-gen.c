// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/todo.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/todo.h>

/* Integer value ranges */
static const struct netlink_range_validation todo_a_date_range = {
	.min	= 10101ULL,
	.max	= 99991231ULL,
};

/* TODO_CMD_PING - do */
static const struct nla_policy todo_ping_nl_policy[TODO_A_OWNER + 1] = {
	[TODO_A_LIST] = { .type = NLA_STRING, .len = TODO_NAME_MAX, },
	[TODO_A_OWNER] = { .type = NLA_U32, },
};

/* TODO_CMD_ADD - do */
static const struct nla_policy todo_add_nl_policy[TODO_A_CAST + 1] = {
	[TODO_A_LIST] = { .type = NLA_STRING, .len = TODO_NAME_MAX, },
	[TODO_A_OWNER] = { .type = NLA_U32, },
	[TODO_A_DATE] = NLA_POLICY_FULL_RANGE(NLA_U32, &todo_a_date_range),
	[TODO_A_TITLE] = { .type = NLA_STRING, .len = TODO_TITLE_MAX, },
	[TODO_A_CAST] = { .type = NLA_FLAG, },
};

/* TODO_CMD_GET - do */
static const struct nla_policy todo_get_do_nl_policy[TODO_A_DATE + 1] = {
	[TODO_A_LIST] = { .type = NLA_STRING, .len = TODO_NAME_MAX, },
	[TODO_A_OWNER] = { .type = NLA_U32, },
	[TODO_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[TODO_A_DATE] = NLA_POLICY_FULL_RANGE(NLA_U32, &todo_a_date_range),
};

/* TODO_CMD_GET - dump */
static const struct nla_policy todo_get_dump_nl_policy[TODO_A_DATE + 1] = {
	[TODO_A_LIST] = { .type = NLA_STRING, .len = TODO_NAME_MAX, },
	[TODO_A_OWNER] = { .type = NLA_U32, },
	[TODO_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[TODO_A_DATE] = NLA_POLICY_FULL_RANGE(NLA_U32, &todo_a_date_range),
};

/* TODO_CMD_UPDATE - do */
static const struct nla_policy todo_update_nl_policy[TODO_A_CAST + 1] = {
	[TODO_A_LIST] = { .type = NLA_STRING, .len = TODO_NAME_MAX, },
	[TODO_A_OWNER] = { .type = NLA_U32, },
	[TODO_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[TODO_A_DATE] = NLA_POLICY_FULL_RANGE(NLA_U32, &todo_a_date_range),
	[TODO_A_TITLE] = { .type = NLA_STRING, .len = TODO_TITLE_MAX, },
	[TODO_A_CAST] = { .type = NLA_FLAG, },
};

/* TODO_CMD_DELETE - do */
static const struct nla_policy todo_delete_nl_policy[TODO_A_CAST + 1] = {
	[TODO_A_LIST] = { .type = NLA_STRING, .len = TODO_NAME_MAX, },
	[TODO_A_OWNER] = { .type = NLA_U32, },
	[TODO_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[TODO_A_CAST] = { .type = NLA_FLAG, },
};

/* TODO_CMD_LISTS - dump */
static const struct nla_policy todo_lists_nl_policy[TODO_A_OWNER + 1] = {
	[TODO_A_OWNER] = { .type = NLA_U32, },
};

/* TODO_CMD_SYNC - do */
static const struct nla_policy todo_sync_nl_policy[TODO_A_OWNER + 1] = {
	[TODO_A_LIST] = { .type = NLA_STRING, .len = TODO_NAME_MAX, },
	[TODO_A_OWNER] = { .type = NLA_U32, },
};

/* TODO_CMD_DROP - do */
static const struct nla_policy todo_drop_nl_policy[TODO_A_OWNER + 1] = {
	[TODO_A_LIST] = { .type = NLA_STRING, .len = TODO_NAME_MAX, },
	[TODO_A_OWNER] = { .type = NLA_U32, },
};

/* TODO_CMD_WATCH - do */
static const struct nla_policy todo_watch_nl_policy[TODO_A_OWNER + 1] = {
	[TODO_A_LIST] = { .type = NLA_STRING, .len = TODO_NAME_MAX, },
	[TODO_A_OWNER] = { .type = NLA_U32, },
};
