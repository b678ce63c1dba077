// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the layout of db_dir, on the module's real db_dir (the VM's
 * scratch disk).  The names of owners' directories and list files, the
 * owner's directory a first store makes, owners' directories that are
 * refused, and the migration of the old layout (one file per list right
 * in db_dir).  Owners from 4100100 are nobody's.
 */
#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/errseq.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/string.h>

#include "codec.h"
#include "compat.h"
#include "list.h"
#include "name.h"
#include "storage.h"

#define OWNER	4100100U

static struct todo_key *key(struct kunit *test, u32 owner, const char *name)
{
	struct todo_key *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, k);
	KUNIT_ASSERT_EQ(test, todo_key_init(k, owner, name, strlen(name)), 0);
	return k;
}

/* The encoding of @k's list holding one entry, 1/20181219/@title. */
static void *encode(struct kunit *test, struct todo_key *k, const char *title,
		    size_t *len)
{
	struct todo_list list;
	void *buf;
	u32 id;

	todo_list_init(&list, 1000, 256, TODO_CODEC_MAX_SIZE);
	KUNIT_ASSERT_EQ(test, todo_list_add(&list, 20181219, title,
					    strlen(title), &id, NULL), 0);
	KUNIT_ASSERT_EQ(test, todo_codec_encode(k, &list, &buf, len), 0);
	todo_list_destroy(&list);
	return buf;
}

/* The title of the one entry in @k's file, or an error's name. */
static const char *stored(struct kunit *test, struct todo_key *k)
{
	struct todo_list list;
	struct todo_entry *e;
	const char *why, *text = "no entry";
	size_t len;
	void *buf;
	int err;

	err = todo_storage_read(k, &buf, &len, &why);
	if (err)
		return err == -ENOENT ? "ENOENT" : "error";
	todo_list_init(&list, 1000, 256, TODO_CODEC_MAX_SIZE);
	err = todo_codec_decode(buf, len, k, &list, &why);
	kvfree(buf);
	e = err ? NULL : todo_list_next(&list, 0);
	if (e)
		text = kunit_kstrdup(test, e->title, GFP_KERNEL);
	todo_list_destroy(&list);
	return err ? "undecodable" : text;
}

/* Write @len bytes of @buf to the new file @name in db_dir. */
static void plant(struct kunit *test, const char *name, const void *buf,
		  size_t len)
{
	struct file *f;
	loff_t pos = 0;

	f = file_open_root(todo_storage_dir(), name,
			   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_EXPECT_EQ(test, kernel_write(f, buf, len, &pos), (ssize_t)len);
	filp_close(f, NULL);
}

/* What @path (beneath db_dir) is, without following a symlink: S_IF*. */
static umode_t kind(const char *path)
{
	struct file *f;
	umode_t mode;

	f = file_open_root(todo_storage_dir(), path, O_PATH | O_NOFOLLOW, 0);
	if (IS_ERR(f))
		return 0;
	mode = file_inode(f)->i_mode;
	filp_close(f, NULL);
	return mode;
}

/*
 * Call @op with db_dir's inode, locked, and the dentry of @name in it;
 * @arg is passed on.
 */
static int at_top(const char *name,
		  int (*op)(struct vfsmount *mnt, struct inode *dir,
			    struct dentry *d, const char *arg),
		  const char *arg)
{
	const struct path *dir = todo_storage_dir();
	struct inode *inode = d_inode(dir->dentry);
	struct dentry *d;
	int err;

	err = mnt_want_write(dir->mnt);
	if (err)
		return err;
	inode_lock_nested(inode, I_MUTEX_PARENT);
	d = lookup_one_len(name, dir->dentry, strlen(name));
	err = PTR_ERR_OR_ZERO(d);
	if (!err) {
		err = op(dir->mnt, inode, d, arg);
		dput(d);
	}
	inode_unlock(inode);
	mnt_drop_write(dir->mnt);
	return err;
}

static int remove_op(struct vfsmount *mnt, struct inode *dir,
		     struct dentry *d, const char *unused)
{
	if (d_is_negative(d))
		return -ENOENT;
	if (d_is_dir(d))
		return vfs_rmdir(todo_mnt_idmap(mnt), dir, d);
	return vfs_unlink(todo_mnt_idmap(mnt), dir, d, NULL);
}

static int symlink_op(struct vfsmount *mnt, struct inode *dir,
		      struct dentry *d, const char *target)
{
	return vfs_symlink(todo_mnt_idmap(mnt), dir, d, target);
}

/* Remove @name from db_dir: a file, a symlink or an empty directory. */
static int remove_top(const char *name)
{
	return at_top(name, remove_op, NULL);
}

/* Make @name in db_dir a symlink to @target. */
static int symlink_top(const char *name, const char *target)
{
	return at_top(name, symlink_op, target);
}

/* Names of owners' directories: only the canonical decimal uid. */
static void todo_storage_owner_names(struct kunit *test)
{
	static const struct {
		const char *name;
		bool ok;
		u32 owner;
	} cases[] = {
		{ "u0", true, 0 },
		{ "u1000", true, 1000 },
		{ "u4294967295", true, 4294967295U },
		{ "u4294967296", false },
		{ "u01", false },
		{ "u00", false },
		{ "u", false },
		{ "u+1", false },
		{ "u-1", false },
		{ "U1", false },
		{ "u1\n", false },
		{ "u1.x.list", false },
		{ "1000", false },
	};
	char buf[TODO_OWNER_NAME_MAX];
	unsigned int i;
	u32 owner;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		owner = 7;
		KUNIT_EXPECT_EQ_MSG(test,
				    todo_storage_parse_owner(cases[i].name,
							     strlen(cases[i].name),
							     &owner),
				    cases[i].ok, "%s", cases[i].name);
		if (cases[i].ok)
			KUNIT_EXPECT_EQ(test, owner, cases[i].owner);
	}
	KUNIT_EXPECT_EQ(test, todo_storage_owner_name(4294967295U, buf), 11);
	KUNIT_EXPECT_STREQ(test, buf, "u4294967295");
}

/* Names of list files, new and old, and their paths. */
static void todo_storage_list_names(struct kunit *test)
{
	static const struct {
		const char *name;
		bool ok;
	} lists[] = {
		{ "groceries.list", true },
		{ "a.b-c_D.list", true },
		{ "x.list.list", true },
		{ ".groceries.list", false },
		{ ".groceries.tmp", false },
		{ ".list", false },
		{ "groceries.lis", false },
		{ "groceries", false },
		{ "a b.list", false },
	};
	static const struct {
		const char *name;
		bool ok;
		u32 owner;
		const char *list;
	} old[] = {
		{ "u1000.groceries.list", true, 1000, "groceries" },
		{ "u0.a.b.list", true, 0, "a.b" },
		{ "u01.a.list", false },
		{ "u0..list", false },
		{ "u0.list", false },
		{ "u0.a.tmp", false },
		{ ".u0.a.tmp", false },
		{ "0.a.list", false },
	};
	char buf[TODO_FILE_NAME_MAX], long_name[TODO_NAME_MAX + 7];
	struct todo_key k;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lists); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    todo_storage_parse_list(lists[i].name,
							    strlen(lists[i].name),
							    5, &k),
				    lists[i].ok, "%s", lists[i].name);
	KUNIT_EXPECT_TRUE(test, todo_storage_parse_list("x.list.list", 11, 5,
							&k));
	KUNIT_EXPECT_EQ(test, k.owner, 5);
	KUNIT_EXPECT_EQ(test, k.len, 6);
	memset(long_name, 'n', TODO_NAME_MAX);
	strscpy(long_name + TODO_NAME_MAX, ".list", 6);
	KUNIT_EXPECT_TRUE(test, todo_storage_parse_list(long_name,
							strlen(long_name), 5,
							&k));
	memset(long_name, 'n', TODO_NAME_MAX + 1);
	strscpy(long_name + TODO_NAME_MAX + 1, ".list", 6);
	KUNIT_EXPECT_FALSE(test, todo_storage_parse_list(long_name,
							 strlen(long_name), 5,
							 &k));

	for (i = 0; i < ARRAY_SIZE(old); i++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    todo_storage_parse_old(old[i].name,
							   strlen(old[i].name),
							   &k),
				    old[i].ok, "%s", old[i].name);
		if (!old[i].ok)
			continue;
		KUNIT_EXPECT_EQ(test, k.owner, old[i].owner);
		KUNIT_EXPECT_EQ(test, k.len, strlen(old[i].list));
		KUNIT_EXPECT_EQ(test, memcmp(k.name, old[i].list, k.len), 0);
		todo_storage_old_name(&k, buf);
		KUNIT_EXPECT_STREQ(test, buf, old[i].name);
	}

	k = *key(test, 4294967295U, "groceries");
	todo_storage_file_name(&k, buf);
	KUNIT_EXPECT_STREQ(test, buf, "u4294967295/groceries.list");
}

/*
 * A first store makes the owner's directory, root's and 0700, and writes
 * the list there; no temporary file stays; a removal keeps the directory.
 */
static void todo_storage_owner_dir_made(struct kunit *test)
{
	struct todo_key *k = key(test, OWNER, "first");
	size_t len;
	void *buf;

	KUNIT_EXPECT_EQ(test, kind("u4100100"), 0);
	buf = encode(test, k, "made", &len);
	KUNIT_ASSERT_EQ(test, todo_storage_write(k, buf, len), 0);
	kvfree(buf);
	KUNIT_EXPECT_EQ(test, kind("u4100100"), S_IFDIR | 0700);
	KUNIT_EXPECT_EQ(test, kind("u4100100/first.list"), S_IFREG | 0600);
	KUNIT_EXPECT_EQ(test, kind("u4100100/.first.tmp"), 0);
	KUNIT_EXPECT_EQ(test, kind("u4100100.first.list"), 0);
	KUNIT_EXPECT_STREQ(test, stored(test, k), "made");
	KUNIT_EXPECT_EQ(test, todo_storage_remove(k), 0);
	KUNIT_EXPECT_STREQ(test, stored(test, k), "ENOENT");
	KUNIT_EXPECT_EQ(test, kind("u4100100"), S_IFDIR | 0700);
	KUNIT_EXPECT_EQ(test, todo_storage_remove(k), 0);
}

/*
 * An owner's "directory" that is a symlink or a regular file is refused,
 * for reads and writes, and nothing is written through it.
 */
static void todo_storage_owner_dir_refused(struct kunit *test)
{
	struct todo_key *k = key(test, OWNER + 1, "through");
	struct todo_key *k2 = key(test, OWNER + 2, "file");
	const char *why;
	size_t len;
	void *buf;
	loff_t size;

	/* A symlink to a directory that exists: the first store's own. */
	KUNIT_ASSERT_EQ(test, symlink_top("u4100101", "u4100100"), 0);
	buf = encode(test, k, "never", &len);
	KUNIT_EXPECT_EQ(test, todo_storage_write(k, buf, len), -ELOOP);
	kvfree(buf);
	KUNIT_EXPECT_EQ(test, kind("u4100100/through.list"), 0);
	KUNIT_EXPECT_EQ(test, kind("u4100100/.through.tmp"), 0);
	KUNIT_EXPECT_EQ(test, todo_storage_read(k, &buf, &len, &why), -ELOOP);
	/* Described where it is found: the owner's directory. */
	KUNIT_EXPECT_STREQ(test, why,
			   "the owner's directory is a symlink; not followed");
	KUNIT_EXPECT_EQ(test, todo_storage_size(k, &size), -ELOOP);
	KUNIT_EXPECT_EQ(test, todo_storage_remove(k), -ELOOP);
	KUNIT_EXPECT_EQ(test, remove_top("u4100101"), 0);

	plant(test, "u4100102", "x", 1);
	buf = encode(test, k2, "never", &len);
	KUNIT_EXPECT_EQ(test, todo_storage_write(k2, buf, len), -EUCLEAN);
	kvfree(buf);
	KUNIT_EXPECT_EQ(test, todo_storage_read(k2, &buf, &len, &why),
			-EUCLEAN);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "damaged"));
	KUNIT_EXPECT_EQ(test, kind("u4100102"), S_IFREG | 0600);
	KUNIT_EXPECT_EQ(test, remove_top("u4100102"), 0);
}

/*
 * A batch writes each file as a lone write would, whether made durable
 * by an fsync each or one sync of the filesystem: two lists of one owner
 * (whose directory is synced once), and three puts that fail on their
 * own (too large, an owner's directory that is a file or a symlink)
 * without failing the others, leaving no temporary file.
 */
static void batch(struct kunit *test, bool syncfs, u32 base)
{
	char owner[TODO_OWNER_NAME_MAX], file[TODO_OWNER_NAME_MAX];
	char link[TODO_OWNER_NAME_MAX], path[64];
	struct todo_storage_put puts[5] = {};
	static const char *const names[] = { "a", "b", "big", "f", "l" };
	const u32 owners[] = { base, base, base, base + 1, base + 2 };
	unsigned int i;
	size_t len;

	snprintf(owner, sizeof(owner), "u%u", base);
	snprintf(file, sizeof(file), "u%u", base + 1);
	snprintf(link, sizeof(link), "u%u", base + 2);
	for (i = 0; i < ARRAY_SIZE(puts); i++) {
		puts[i].key = key(test, owners[i], names[i]);
		puts[i].buf = encode(test, (struct todo_key *)puts[i].key,
				     names[i], &len);
		puts[i].len = len;
	}
	puts[2].len = TODO_CODEC_MAX_SIZE + 1;
	/* The owner's directory exists, with "a" already. */
	KUNIT_ASSERT_EQ(test, todo_storage_write(puts[0].key, puts[0].buf,
						 puts[0].len), 0);
	plant(test, file, "x", 1);
	KUNIT_ASSERT_EQ(test, symlink_top(link, owner), 0);

	todo_storage_write_batch(puts, ARRAY_SIZE(puts), syncfs);
	KUNIT_EXPECT_EQ(test, puts[0].err, 0);
	KUNIT_EXPECT_EQ(test, puts[1].err, 0);
	KUNIT_EXPECT_EQ(test, puts[2].err, -EFBIG);
	KUNIT_EXPECT_EQ(test, puts[3].err, -EUCLEAN);
	KUNIT_EXPECT_EQ(test, puts[4].err, -ELOOP);
	KUNIT_EXPECT_STREQ(test, stored(test, (struct todo_key *)puts[0].key),
			   "a");
	KUNIT_EXPECT_STREQ(test, stored(test, (struct todo_key *)puts[1].key),
			   "b");
	KUNIT_EXPECT_STREQ(test, stored(test, (struct todo_key *)puts[2].key),
			   "ENOENT");
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/.%s.tmp", owner, names[i]);
		KUNIT_EXPECT_EQ(test, kind(path), 0);
	}
	snprintf(path, sizeof(path), "%s/l.list", owner);
	KUNIT_EXPECT_EQ(test, kind(path), 0);

	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_EQ(test, todo_storage_remove(puts[i].key), 0);
	KUNIT_EXPECT_EQ(test, remove_top(link), 0);
	KUNIT_EXPECT_EQ(test, remove_top(file), 0);
	for (i = 0; i < ARRAY_SIZE(puts); i++)
		kvfree(puts[i].buf);
}

static void todo_storage_batch_fsync(struct kunit *test)
{
	batch(test, false, OWNER + 10);
}

/* db_dir, in the test VM, is the root of its own ext4 mount. */
static void todo_storage_batch_syncfs(struct kunit *test)
{
	KUNIT_EXPECT_TRUE_MSG(test, todo_storage_can_syncfs(),
			      "db_dir is not its own ext4 mount here");
	batch(test, true, OWNER + 20);
}

/*
 * A writeback error elsewhere on the filesystem, never reported to
 * anyone (as a failed write of another program's file leaves it), fails
 * no list of a batch made durable by one sync, now or later.
 */
static void todo_storage_batch_syncfs_foreign_error(struct kunit *test)
{
	struct super_block *sb = todo_storage_dir()->mnt->mnt_sb;
	errseq_t seen = 0;

	KUNIT_ASSERT_TRUE(test, todo_storage_can_syncfs());
	errseq_set(&sb->s_wb_err, -EIO);
	batch(test, true, OWNER + 30);
	batch(test, true, OWNER + 40);
	/* Consumed, as syncfs(2) would, so that it stays this test's. */
	KUNIT_EXPECT_EQ(test, errseq_check_and_advance(&sb->s_wb_err, &seen),
			-EIO);
}

/*
 * The old layout's files move into owners' directories: a list whose
 * owner has no directory yet and one whose owner has; its temporary file
 * goes; a second run finds nothing to do.
 */
static void todo_storage_migrates(struct kunit *test)
{
	struct todo_key *k = key(test, OWNER + 3, "old");
	struct todo_key *k2 = key(test, OWNER + 3, "old2");
	size_t len;
	void *buf;

	buf = encode(test, k, "moved", &len);
	plant(test, "u4100103.old.list", buf, len);
	plant(test, ".u4100103.old.tmp", buf, len / 2);
	kvfree(buf);
	KUNIT_EXPECT_EQ(test, kind("u4100103"), 0);
	KUNIT_ASSERT_EQ(test, todo_storage_migrate(), 0);
	KUNIT_EXPECT_EQ(test, kind("u4100103.old.list"), 0);
	KUNIT_EXPECT_EQ(test, kind(".u4100103.old.tmp"), 0);
	KUNIT_EXPECT_EQ(test, kind("u4100103"), S_IFDIR | 0700);
	KUNIT_EXPECT_EQ(test, kind("u4100103/old.list"), S_IFREG | 0600);
	KUNIT_EXPECT_STREQ(test, stored(test, k), "moved");

	buf = encode(test, k2, "moved too", &len);
	plant(test, "u4100103.old2.list", buf, len);
	kvfree(buf);
	KUNIT_ASSERT_EQ(test, todo_storage_migrate(), 0);
	KUNIT_EXPECT_EQ(test, kind("u4100103.old2.list"), 0);
	KUNIT_EXPECT_STREQ(test, stored(test, k2), "moved too");

	KUNIT_ASSERT_EQ(test, todo_storage_migrate(), 0);
	KUNIT_EXPECT_STREQ(test, stored(test, k), "moved");
	KUNIT_EXPECT_STREQ(test, stored(test, k2), "moved too");
	KUNIT_EXPECT_EQ(test, todo_storage_remove(k), 0);
	KUNIT_EXPECT_EQ(test, todo_storage_remove(k2), 0);
}

/*
 * A list with a file in both layouts keeps the new one and leaves the
 * old; a symlink named like an old file is left, not followed; a list
 * whose owner's directory is refused stays where it is.
 */
static void todo_storage_migration_leaves(struct kunit *test)
{
	struct todo_key *k = key(test, OWNER + 4, "both");
	struct todo_key *k2 = key(test, OWNER + 5, "behind");
	size_t len;
	void *buf;

	buf = encode(test, k, "new", &len);
	KUNIT_ASSERT_EQ(test, todo_storage_write(k, buf, len), 0);
	kvfree(buf);
	buf = encode(test, k, "old", &len);
	plant(test, "u4100104.both.list", buf, len);
	kvfree(buf);
	KUNIT_ASSERT_EQ(test, symlink_top("u4100104.link.list",
					  "u4100104/both.list"), 0);
	KUNIT_ASSERT_EQ(test, symlink_top("u4100105", "u4100104"), 0);
	buf = encode(test, k2, "behind", &len);
	plant(test, "u4100105.behind.list", buf, len);
	kvfree(buf);

	KUNIT_ASSERT_EQ(test, todo_storage_migrate(), 0);
	KUNIT_EXPECT_STREQ(test, stored(test, k), "new");
	KUNIT_EXPECT_EQ(test, kind("u4100104.both.list"), S_IFREG | 0600);
	KUNIT_EXPECT_EQ(test, kind("u4100104.link.list"), S_IFLNK | 0777);
	KUNIT_EXPECT_EQ(test, kind("u4100104/link.list"), 0);
	KUNIT_EXPECT_EQ(test, kind("u4100105.behind.list"), S_IFREG | 0600);
	KUNIT_EXPECT_EQ(test, kind("u4100104/behind.list"), 0);

	KUNIT_EXPECT_EQ(test, remove_top("u4100104.both.list"), 0);
	KUNIT_EXPECT_EQ(test, remove_top("u4100104.link.list"), 0);
	KUNIT_EXPECT_EQ(test, remove_top("u4100105.behind.list"), 0);
	KUNIT_EXPECT_EQ(test, remove_top("u4100105"), 0);
	KUNIT_EXPECT_EQ(test, todo_storage_remove(k), 0);
}

static struct kunit_case todo_storage_test_cases[] = {
	KUNIT_CASE(todo_storage_owner_names),
	KUNIT_CASE(todo_storage_list_names),
	KUNIT_CASE(todo_storage_owner_dir_made),
	KUNIT_CASE(todo_storage_owner_dir_refused),
	KUNIT_CASE(todo_storage_batch_fsync),
	KUNIT_CASE(todo_storage_batch_syncfs),
	KUNIT_CASE(todo_storage_batch_syncfs_foreign_error),
	KUNIT_CASE(todo_storage_migrates),
	KUNIT_CASE(todo_storage_migration_leaves),
	{}
};

static struct kunit_suite todo_storage_suite = {
	.name = "todo_storage",
	.test_cases = todo_storage_test_cases,
};

kunit_test_suite(todo_storage_suite);
