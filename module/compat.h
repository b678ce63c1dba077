/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel APIs that differ between the supported kernels (Debian 12's
 * 6.1 and the 6.12 test kernel), behind one name each.  Differences are
 * detected from the kernel's headers by Kbuild, not from version numbers.
 */
#ifndef _TODO_COMPAT_H
#define _TODO_COMPAT_H

#include <linux/fs.h>
#include <linux/mount.h>
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

/*
 * Since 6.2 a policy's range pointer is const, and so are the ranges
 * generated from the YNL spec (netlink-gen.c).  Before, cast the const
 * away: the core only reads the range.  Kbuild defines
 * TODO_HAVE_CONST_RANGE_PTR when the kernel's netlink.h has it.
 */
#ifndef TODO_HAVE_CONST_RANGE_PTR
#undef NLA_POLICY_FULL_RANGE
#define NLA_POLICY_FULL_RANGE(tp, _range) {			\
	.type = NLA_ENSURE_UINT_OR_BINARY_TYPE(tp),		\
	.validation_type = NLA_VALIDATE_RANGE_PTR,		\
	.range = (struct netlink_range_validation *)(_range),	\
}
#endif

/*
 * Since 6.3 the VFS takes a struct mnt_idmap where it took a struct
 * user_namespace; Kbuild defines TODO_HAVE_MNT_IDMAP when fs.h has it.
 */
#ifdef TODO_HAVE_MNT_IDMAP
#define todo_mnt_idmap(mnt)	mnt_idmap(mnt)
#else
#define todo_mnt_idmap(mnt)	mnt_user_ns(mnt)
#endif

/**
 * todo_vfs_rename() - Rename within one mount.
 * @mnt: the mount.
 * @from_dir: the directory of @from; it and @to_dir locked with
 *	lock_rename().
 * @from: the dentry to rename.
 * @to_dir: the directory of @to, @from_dir or another.
 * @to: the dentry it replaces (a negative one to take a new name).
 *
 * Return: 0 or a negative errno, as vfs_rename().
 */
static inline int todo_vfs_rename(struct vfsmount *mnt, struct inode *from_dir,
				  struct dentry *from, struct inode *to_dir,
				  struct dentry *to)
{
	struct renamedata rd = {
#ifdef TODO_HAVE_MNT_IDMAP
		.old_mnt_idmap = todo_mnt_idmap(mnt),
		.new_mnt_idmap = todo_mnt_idmap(mnt),
#else
		.old_mnt_userns = todo_mnt_idmap(mnt),
		.new_mnt_userns = todo_mnt_idmap(mnt),
#endif
		.old_dir = from_dir,
		.old_dentry = from,
		.new_dir = to_dir,
		.new_dentry = to,
	};

	return vfs_rename(&rd);
}

#endif /* _TODO_COMPAT_H */
