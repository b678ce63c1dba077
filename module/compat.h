/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel APIs that differ between the supported kernels (Debian 12's
 * 6.1 and the 6.12 test kernel), behind one name each.  Differences are
 * detected from the kernel's headers by Kbuild, not from version numbers.
 */
#ifndef _TODO_COMPAT_H
#define _TODO_COMPAT_H

#include <net/genetlink.h>

/**
 * todo_dump_attrs() - The parsed request attributes of a dump.
 * @cb: the dump's callback state.
 *
 * Since 6.2 they live in an embedded &struct genl_info; Kbuild defines
 * TODO_HAVE_DUMPIT_GENL_INFO when the kernel's headers show it.
 *
 * Return: the attribute table, indexed by attribute type.
 */
static inline struct nlattr **todo_dump_attrs(struct netlink_callback *cb)
{
#ifdef TODO_HAVE_DUMPIT_GENL_INFO
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _TODO_COMPAT_H */
