// SPDX-License-Identifier: GPL-2.0
/*
 * The database directory (db_dir).  Each owner has a directory "u<owner>"
 * in db_dir, and each of its lists is the file "<name>.list" there:
 *
 *	db_dir/u1000/groceries.list
 *
 * One owner's lists are one small directory, and db_dir holds one entry
 * per owner, so no directory holds a million entries because the system
 * holds a million lists, and what one owner does locks only its own
 * directory (see Documentation/format.rst, "Files and directories").
 * Names are restricted to [A-Za-z0-9._-] and never start with '.', so a
 * list's file name never contains '/' and never collides with a temporary
 * file, which starts with '.'.
 *
 * A file is replaced atomically: the new content is written to
 * "u<owner>/.<name>.tmp" and made durable (fsync'd, or by one sync of the
 * filesystem for a batch of files), renamed over the old file, and the
 * owner's directory is fsync'd, so after a crash the file holds the old or
 * the new content, never a mix, and a completed store survives.  An
 * owner's directory is made (0700) by the owner's first store, and db_dir
 * is fsync'd before that store goes on, so the directory's own entry is
 * on stable storage before any list in it is reported so.
 *
 * Every open uses O_NOFOLLOW and is resolved one component at a time
 * beneath the directory held since module load: an owner's directory is
 * looked up in db_dir (a lookup follows no symlink) and refused unless it
 * is a directory of root's that nobody else may write to; a list's file
 * is then opened beneath it.  So a symlink planted in db_dir is never
 * followed and no path outside it is touched.
 *
 * db_dir must belong to root and be writable by nobody else, or anyone
 * could plant or replace list files.  A FIFO or device named like a list
 * file is opened without blocking and refused, never read.
 *
 * Formerly each list was the file "u<owner>.<name>.list" right in db_dir
 * (the old layout); todo_storage_migrate() moves such files into their
 * owners' directories at load.
 *
 * Called only from the database workers (kworkers: init's credentials and
 * root), a list's server (a kthread: the same), or module init, which takes
 * the kernel's credentials; never with a spinlock held.
 *
 * Owns: the files and directories in db_dir and all I/O on them.  Must
 * not: know the file format beyond its size limit, the lists in memory,
 * or the store's state.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/pagemap.h>
#include <linux/path.h>
#include <linux/slab.h>
#include <linux/stat.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "codec.h"
#include "compat.h"
#include "storage.h"

/* The directory, resolved once at load; pinned until unload. */
static struct path todo_dir;
/* A sync of db_dir's filesystem makes its files durable: see below. */
static bool todo_dir_syncfs;

/* Its path as given, for messages. */
static const char *todo_dir_name;

/* The kernel's credentials, for what runs outside the database workers. */
static const struct cred *todo_storage_cred;

/*
 * The owners whose directory's entry in db_dir is known to be on stable
 * storage: every directory found at load (db_dir is fsync'd first), and
 * each one made since, once db_dir was fsync'd after it.  A store whose
 * owner is not here fsyncs db_dir before it goes on, also when another
 * worker made the directory a moment ago and has not fsync'd yet.  Value
 * entries; the xarray's own lock protects it.  Cleared at unload.
 */
static DEFINE_XARRAY(todo_storage_dirs);

/* Old layout: "u4294967295." + name + ".list" */
#define TODO_OLD_NAME_MAX	(12 + TODO_NAME_MAX + 5 + 1)
/* A list's file in its owner's directory: name + ".list" */
#define TODO_LEAF_NAME_MAX	(TODO_NAME_MAX + 5 + 1)
/* Its temporary file: "." + name + ".tmp" */
#define TODO_TMP_NAME_MAX	(1 + TODO_NAME_MAX + 4 + 1)

/**
 * todo_storage_owner_name() - The name of an owner's directory in db_dir.
 * @owner: the owner.
 * @buf: at least %TODO_OWNER_NAME_MAX bytes.
 *
 * Context: any.
 * Return: the name's length.
 */
int todo_storage_owner_name(u32 owner, char *buf)
{
	return snprintf(buf, TODO_OWNER_NAME_MAX, "u%u", owner);
}
EXPORT_SYMBOL_IF_KUNIT(todo_storage_owner_name);

/**
 * todo_storage_file_name() - The path of a list's file, relative to db_dir.
 * @key: the list.
 * @buf: at least %TODO_FILE_NAME_MAX bytes.
 *
 * "u<owner>/<name>.list", for messages and tests; files are opened one
 * component at a time.
 *
 * Context: any.
 */
void todo_storage_file_name(const struct todo_key *key, char *buf)
{
	snprintf(buf, TODO_FILE_NAME_MAX, "u%u/%.*s.list", key->owner,
		 (int)key->len, key->name);
}
EXPORT_SYMBOL_IF_KUNIT(todo_storage_file_name);

/**
 * todo_storage_old_name() - The name a list's file had in the old layout.
 * @key: the list.
 * @buf: at least %TODO_FILE_NAME_MAX bytes.
 *
 * "u<owner>.<name>.list", right in db_dir.
 *
 * Context: any.
 */
void todo_storage_old_name(const struct todo_key *key, char *buf)
{
	snprintf(buf, TODO_OLD_NAME_MAX, "u%u.%.*s.list", key->owner,
		 (int)key->len, key->name);
}
EXPORT_SYMBOL_IF_KUNIT(todo_storage_old_name);

static void todo_storage_leaf_name(const struct todo_key *key, char *buf)
{
	snprintf(buf, TODO_LEAF_NAME_MAX, "%.*s.list", (int)key->len,
		 key->name);
}

/* The temporary file a list's new content is written to: ".<name>.tmp" */
static void todo_storage_tmp_name(const struct todo_key *key, char *buf)
{
	snprintf(buf, TODO_TMP_NAME_MAX, ".%.*s.tmp", (int)key->len,
		 key->name);
}

/**
 * todo_storage_parse_owner() - Parse the name of an owner's directory.
 * @name: a name found in db_dir; need not be NUL-terminated.
 * @len: its length.
 * @owner: set to the owner.
 *
 * Only the name todo_storage_owner_name() gives counts: "u" and the uid in
 * decimal, without a sign or leading zeros.
 *
 * Context: any.
 * Return: true if @name is an owner's directory's.
 */
bool todo_storage_parse_owner(const char *name, int len, u32 *owner)
{
	char digits[11], canon[TODO_OWNER_NAME_MAX];

	if (len < 2 || len > TODO_OWNER_NAME_MAX - 1 || name[0] != 'u')
		return false;
	memcpy(digits, name + 1, len - 1);
	digits[len - 1] = '\0';
	if (kstrtou32(digits, 10, owner))
		return false;
	return todo_storage_owner_name(*owner, canon) == len &&
	       !memcmp(canon, name, len);
}
EXPORT_SYMBOL_IF_KUNIT(todo_storage_parse_owner);

/**
 * todo_storage_parse_list() - Parse a name in an owner's directory.
 * @name: the name; need not be NUL-terminated.
 * @len: its length.
 * @owner: the directory's owner.
 * @key: set to the list's key.
 *
 * Context: any.
 * Return: true if @name is "<name>.list" for a valid list name.
 */
bool todo_storage_parse_list(const char *name, int len, u32 owner,
			     struct todo_key *key)
{
	return len > 5 && !memcmp(name + len - 5, ".list", 5) &&
	       !todo_key_init(key, owner, name, len - 5);
}
EXPORT_SYMBOL_IF_KUNIT(todo_storage_parse_list);

/**
 * todo_storage_parse_old() - Parse the name of an old layout's list file.
 * @name: a name found in db_dir; need not be NUL-terminated.
 * @len: its length.
 * @key: set to the list's key.
 *
 * Only the name todo_storage_old_name() gives for the key counts.
 *
 * Context: any.
 * Return: true if @name is "u<owner>.<name>.list".
 */
bool todo_storage_parse_old(const char *name, int len, struct todo_key *key)
{
	const char *dot;
	u32 owner;

	if (len <= 5 || memcmp(name + len - 5, ".list", 5))
		return false;
	dot = memchr(name, '.', len - 5);
	return dot && todo_storage_parse_owner(name, dot - name, &owner) &&
	       !todo_key_init(key, owner, dot + 1, name + len - 5 - (dot + 1));
}
EXPORT_SYMBOL_IF_KUNIT(todo_storage_parse_old);

/* An old layout's temporary file: ".u<owner>.<name>.tmp". */
static bool todo_storage_parse_old_tmp(const char *name, int len,
				       struct todo_key *key)
{
	char list[TODO_OLD_NAME_MAX];

	if (len < 5 || len >= sizeof(list) || name[0] != '.' ||
	    memcmp(name + len - 4, ".tmp", 4))
		return false;
	memcpy(list, name + 1, len - 5);
	memcpy(list + len - 5, ".list", 5);
	return todo_storage_parse_old(list, len, key);
}

static int todo_storage_mkdir(const char *dir)
{
	struct dentry *d;
	struct path parent;
	int err;

	d = kern_path_create(AT_FDCWD, dir, &parent, LOOKUP_DIRECTORY);
	if (IS_ERR(d))
		return PTR_ERR(d);
	err = vfs_mkdir(todo_mnt_idmap(parent.mnt), d_inode(parent.dentry), d,
			0700);
	done_path_create(&parent, d);
	return err;
}

/*
 * Whether one sync of @dir's filesystem may stand for an fsync of each
 * file in it.  Only where @dir is the root of its filesystem, mounted
 * there (not a bind mount of a subdirectory: the sync writes back only
 * what is dirty on that filesystem, so another directory's files could
 * make it slow), of a block-device filesystem (no stacking, as
 * overlayfs, whose files' errors the sync does not report) known to
 * commit and flush on sync and to record each file's writeback errors.
 */
static bool todo_storage_syncfs_safe(const struct path *dir)
{
	static const char *const safe[] = { "ext4", "xfs" };
	struct super_block *sb = dir->mnt->mnt_sb;
	unsigned int i;

	if (dir->dentry != dir->mnt->mnt_root || dir->dentry != sb->s_root ||
	    !sb->s_bdev || sb->s_stack_depth || !sb->s_op->sync_fs)
		return false;
	for (i = 0; i < ARRAY_SIZE(safe); i++)
		if (!strcmp(sb->s_type->name, safe[i]))
			return true;
	return false;
}

/**
 * todo_storage_init() - Open (creating it if missing) the database directory.
 * @dir: absolute path of the directory; must outlive the module's use of it.
 *
 * The path is resolved in the context of the process loading the module.
 * The directory must be owned by root and not be group- or world-writable.
 *
 * Context: module init.
 * Return: 0; -EPERM for a directory others own or may write to; another
 * negative errno if it cannot be opened or created.
 */
int todo_storage_init(const char *dir)
{
	struct inode *inode;
	const char *bad = NULL;
	int err;

	err = kern_path(dir, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &todo_dir);
	if (err == -ENOENT) {
		err = todo_storage_mkdir(dir);
		if (!err || err == -EEXIST)
			err = kern_path(dir, LOOKUP_FOLLOW | LOOKUP_DIRECTORY,
					&todo_dir);
	}
	if (err) {
		pr_err("cannot use db_dir %s: error %d\n", dir, err);
		return err;
	}
	inode = d_inode(todo_dir.dentry);
	if (!uid_eq(inode->i_uid, GLOBAL_ROOT_UID))
		bad = "not owned by root";
	else if (inode->i_mode & 0022)	/* S_IWGRP | S_IWOTH */
		bad = "group- or world-writable";
	if (bad) {
		pr_err("cannot use db_dir %s: %s\n", dir, bad);
		path_put(&todo_dir);
		return -EPERM;
	}
	todo_storage_cred = prepare_kernel_cred(&init_task);
	if (!todo_storage_cred) {
		path_put(&todo_dir);
		return -ENOMEM;
	}
	todo_dir_name = dir;
	todo_dir_syncfs = todo_storage_syncfs_safe(&todo_dir);
	return 0;
}

/**
 * todo_storage_can_syncfs() - Whether a batch may be made durable by one
 * sync of db_dir's filesystem.
 *
 * Context: any, between todo_storage_init() and todo_storage_exit().
 * Return: true if db_dir is the root of its own mount of a filesystem
 * whose sync reaches stable storage and reports each file's errors.
 */
bool todo_storage_can_syncfs(void)
{
	return todo_dir_syncfs;
}
EXPORT_SYMBOL_IF_KUNIT(todo_storage_can_syncfs);

/**
 * todo_storage_exit() - Release the database directory.
 *
 * Context: module exit, after the last database work.
 */
void todo_storage_exit(void)
{
	xa_destroy(&todo_storage_dirs);
	put_cred(todo_storage_cred);
	path_put(&todo_dir);
}

/**
 * todo_storage_dir() - The database directory, for tests.
 *
 * Context: any, between todo_storage_init() and todo_storage_exit().
 * Return: its path, pinned by the storage.
 */
const struct path *todo_storage_dir(void)
{
	return &todo_dir;
}
EXPORT_SYMBOL_IF_KUNIT(todo_storage_dir);

static int todo_storage_write_all(struct file *f, const void *buf, size_t len)
{
	loff_t pos = 0;
	ssize_t n;

	while (len) {
		n = kernel_write(f, buf, len, &pos);
		if (n < 0)
			return n;
		if (n == 0)
			return -EIO;
		buf += n;
		len -= n;
	}
	return 0;
}

/* fsync the directory @dir, beneath which nothing is resolved. */
static int todo_storage_sync(const struct path *dir)
{
	struct file *d;
	int err;

	d = file_open_root(dir, ".", O_RDONLY | O_DIRECTORY, 0);
	if (IS_ERR(d))
		return PTR_ERR(d);
	err = vfs_fsync(d, 0);
	filp_close(d, NULL);
	return err;
}

/*
 * Rename @from in the directory @fdir to @to in @tdir (the same directory
 * or another, both on db_dir's mount).  With @move (a migration), @from
 * must be a regular file (-EUCLEAN) and @to must not exist (-EEXIST);
 * otherwise whatever is under @to is replaced.
 */
static int todo_storage_rename(const struct path *fdir, const char *from,
			       const struct path *tdir, const char *to,
			       bool move)
{
	struct dentry *old, *new, *trap;
	int err;

	err = mnt_want_write(todo_dir.mnt);
	if (err)
		return err;
	trap = lock_rename(fdir->dentry, tdir->dentry);
	if (IS_ERR(trap)) {
		err = PTR_ERR(trap);
		goto drop_write;
	}
	old = lookup_one_len(from, fdir->dentry, strlen(from));
	err = PTR_ERR(old);
	if (IS_ERR(old))
		goto unlock;
	new = lookup_one_len(to, tdir->dentry, strlen(to));
	err = PTR_ERR(new);
	if (IS_ERR(new))
		goto put_old;
	err = -ENOENT;
	if (d_is_negative(old))
		goto put_new;
	err = -EINVAL;
	if (old == trap || new == trap)
		goto put_new;
	err = -EUCLEAN;
	if (move && !d_is_reg(old))
		goto put_new;
	err = -EEXIST;
	if (move && d_is_positive(new))
		goto put_new;
	err = todo_vfs_rename(todo_dir.mnt, d_inode(fdir->dentry), old,
			      d_inode(tdir->dentry), new);
put_new:
	dput(new);
put_old:
	dput(old);
unlock:
	unlock_rename(fdir->dentry, tdir->dentry);
drop_write:
	mnt_drop_write(todo_dir.mnt);
	return err;
}

/* Unlink @name in @dir, whatever it is but a directory; -ENOENT if none. */
static int todo_storage_unlink(const struct path *dir, const char *name)
{
	struct inode *inode = d_inode(dir->dentry);
	struct dentry *d;
	int err;

	err = mnt_want_write(dir->mnt);
	if (err)
		return err;
	inode_lock_nested(inode, I_MUTEX_PARENT);
	d = lookup_one_len(name, dir->dentry, strlen(name));
	err = PTR_ERR(d);
	if (!IS_ERR(d)) {
		err = -ENOENT;
		if (d_is_positive(d))
			err = vfs_unlink(todo_mnt_idmap(dir->mnt), inode, d,
					 NULL);
		dput(d);
	}
	inode_unlock(inode);
	mnt_drop_write(dir->mnt);
	return err;
}

/*
 * Only a directory of root's that nobody else may write to is an owner's
 * directory: -ELOOP for a symlink, -EUCLEAN for anything else.  The kernel
 * log names it.
 */
static int todo_storage_check_owner(const char *name, struct dentry *d)
{
	struct inode *inode = d_inode(d);
	const char *bad;
	int err = -EUCLEAN;

	if (d_is_symlink(d)) {
		bad = "a symlink, not followed";
		err = -ELOOP;
	} else if (!d_is_dir(d)) {
		bad = "not a directory";
	} else if (!uid_eq(inode->i_uid, GLOBAL_ROOT_UID)) {
		bad = "not owned by root";
	} else if (inode->i_mode & 0022) {	/* S_IWGRP | S_IWOTH */
		bad = "group- or world-writable";
	} else {
		return 0;
	}
	pr_warn_ratelimited("%s/%s: %s; the owner's lists are refused until it is repaired\n",
			    todo_dir_name, name, bad);
	return err;
}

/* Make the owner's directory @name; return it, positive, or an error. */
static struct dentry *todo_storage_mkdir_owner(const char *name, int len)
{
	struct inode *top = d_inode(todo_dir.dentry);
	struct dentry *d;
	int err;

	err = mnt_want_write(todo_dir.mnt);
	if (err)
		return ERR_PTR(err);
	inode_lock_nested(top, I_MUTEX_PARENT);
	d = lookup_one_len(name, todo_dir.dentry, len);
	if (!IS_ERR(d) && d_is_negative(d)) {
		err = vfs_mkdir(todo_mnt_idmap(todo_dir.mnt), top, d, 0700);
		dput(d);
		/* Some file systems leave the dentry negative: look again. */
		d = err ? ERR_PTR(err) : lookup_one_len(name, todo_dir.dentry,
							len);
		if (!IS_ERR(d) && d_is_negative(d)) {
			dput(d);
			d = ERR_PTR(-ENOENT);
		}
	}
	inode_unlock(top);
	mnt_drop_write(todo_dir.mnt);
	return d;
}

/* What todo_storage_owner() does if the directory is missing. */
enum todo_storage_need {
	TODO_OWNER_FIND,	/* nothing: -ENOENT */
	TODO_OWNER_MAKE,	/* make it */
	TODO_OWNER_DURABLE,	/* make it, and its entry in db_dir durable */
};

/**
 * todo_storage_owner() - Find an owner's directory, or make it.
 * @owner: the owner.
 * @need: %TODO_OWNER_FIND, or make the directory if it is missing
 *	(%TODO_OWNER_MAKE), and also make sure its entry in db_dir is on
 *	stable storage, fsyncing db_dir unless that is known already
 *	(%TODO_OWNER_DURABLE).
 * @dir: set to the directory: db_dir's mount (no reference taken) and
 *	a dentry the caller puts with dput().
 *
 * The directory is looked up in db_dir, never through a symlink, and
 * refused (and the refusal logged) unless it is a directory that root
 * owns and nobody else may write to.
 *
 * Context: process context with root's credentials; sleeps.
 * Return: 0; -ENOENT if it is missing and not to be made; -ELOOP for a
 * symlink, -EUCLEAN for anything else refused; or an error of the lookup,
 * the mkdir or the fsync.
 */
static int todo_storage_owner(u32 owner, enum todo_storage_need need,
			      struct path *dir)
{
	char name[TODO_OWNER_NAME_MAX];
	struct dentry *d;
	int len, err;

	might_sleep();
	len = todo_storage_owner_name(owner, name);
	d = lookup_one_len_unlocked(name, todo_dir.dentry, len);
	if (IS_ERR(d))
		return PTR_ERR(d);
	/* A negative dentry may turn positive: the mkdir looks again. */
	if (d_is_negative(d)) {
		dput(d);
		if (need == TODO_OWNER_FIND)
			return -ENOENT;
		d = todo_storage_mkdir_owner(name, len);
		if (IS_ERR(d))
			return PTR_ERR(d);
	}
	err = todo_storage_check_owner(name, d);
	if (!err && need == TODO_OWNER_DURABLE &&
	    !xa_load(&todo_storage_dirs, owner)) {
		err = todo_storage_sync(&todo_dir);
		if (!err)
			err = xa_err(xa_store(&todo_storage_dirs, owner,
					      xa_mk_value(1), GFP_KERNEL));
	}
	if (err) {
		dput(d);
		return err;
	}
	dir->mnt = todo_dir.mnt;
	dir->dentry = d;
	return 0;
}

/*
 * Make db_dir's whole filesystem durable, as syncfs(2) does: one journal
 * commit and one cache flush for every file of a batch, instead of one
 * each.  s_umount (read) keeps the filesystem from being remounted
 * meanwhile, as it does for the system call.  Each file's writeback error
 * is its own (file_check_and_advance_wb_err() after the sync): an error
 * elsewhere on the filesystem, which the system call would report, is
 * not the database's, and must not fail every later batch.
 */
static int todo_storage_syncfs(void)
{
	struct super_block *sb = todo_dir.mnt->mnt_sb;
	int err;

	down_read(&sb->s_umount);
	err = sync_filesystem(sb);
	up_read(&sb->s_umount);
	return err;
}

/* Undo what todo_storage_put_begin() did for @p, after an error. */
static void todo_storage_put_end(struct todo_storage_put *p, bool unlink)
{
	char tmp[TODO_TMP_NAME_MAX];

	if (p->file) {
		filp_close(p->file, NULL);
		p->file = NULL;
	}
	if (unlink) {
		todo_storage_tmp_name(p->key, tmp);
		todo_storage_unlink(&p->dir, tmp);
	}
	dput(p->dir.dentry);
	p->dir.dentry = NULL;
}

#define TODO_WHY_OWNER_REFUSED \
	"the owner's directory is damaged (not a directory only root may write); the kernel log says how"

/*
 * The message of a refusal of todo_storage_owner(), for the user; the
 * kernel log has the details (see todo_storage_check_owner()).
 */
static const char *todo_storage_owner_why(int err)
{
	if (err == -ELOOP)
		return "the owner's directory is a symlink; not followed";
	if (err == -EUCLEAN)
		return TODO_WHY_OWNER_REFUSED;
	return "the owner's directory cannot be used";
}

/* Messages of a failed store, for the user (see &todo_storage_put.why). */
#define TODO_WHY_RENAME \
	"the list's file cannot be replaced; the list is kept in memory"
#define TODO_WHY_DIR_SYNC \
	"syncing the owner's directory failed; the list is kept in memory"

/* The disk, or the owner's quota on it, is full. */
static bool todo_storage_disk_full(int err)
{
	return err == -ENOSPC || err == -EDQUOT;
}

/*
 * The message of a failed write or flush of a list's file: the disk being
 * full is the one cause a user can act on without the kernel log.
 */
static const char *todo_storage_write_why(int err)
{
	if (todo_storage_disk_full(err))
		return "no space left on the disk for the list's file; the list is kept in memory";
	return "writing the list's file failed; the list is kept in memory";
}

/* Write @p's content to its temporary file, left open, not yet durable. */
static int todo_storage_put_begin(struct todo_storage_put *p)
{
	char tmp[TODO_TMP_NAME_MAX];
	struct file *f;
	int err;

	/* Never write what todo_storage_read() would refuse to read back. */
	if (p->len > TODO_CODEC_MAX_SIZE) {
		p->why = "the list is too large for its file; it is kept in memory";
		return -EFBIG;
	}
	err = todo_storage_owner(p->key->owner, TODO_OWNER_DURABLE, &p->dir);
	if (err) {
		p->why = todo_storage_owner_why(err);
		return err;
	}
	todo_storage_tmp_name(p->key, tmp);
	/*
	 * A fresh file each time: a temporary file left by a crash (or
	 * anything planted under its name) is removed, never written through.
	 */
	p->why = "the list's temporary file cannot be created; the list is kept in memory";
	err = todo_storage_unlink(&p->dir, tmp);
	if (err && err != -ENOENT)
		goto out;
	f = file_open_root(&p->dir, tmp,
			   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			   O_LARGEFILE, 0600);
	err = PTR_ERR(f);
	if (IS_ERR(f)) {
		if (todo_storage_disk_full(err))
			p->why = todo_storage_write_why(err);
		goto out;
	}
	p->file = f;
	err = todo_storage_write_all(f, p->buf, p->len);
	if (!err)
		return 0;
	p->why = todo_storage_write_why(err);
out:
	todo_storage_put_end(p, p->file);	/* remove only what it made */
	return err;
}

/* Rename @p's durable temporary file over the list's file. */
static int todo_storage_put_rename(struct todo_storage_put *p)
{
	char name[TODO_LEAF_NAME_MAX], tmp[TODO_TMP_NAME_MAX];
	int err;

	err = filp_close(p->file, NULL);
	p->file = NULL;
	if (err)
		return err;
	todo_storage_leaf_name(p->key, name);
	todo_storage_tmp_name(p->key, tmp);
	return todo_storage_rename(&p->dir, tmp, &p->dir, name, false);
}

/**
 * todo_storage_write_batch() - Replace lists' files atomically and durably.
 * @puts: the files, each with its key (distinct), content and length;
 *	each put's @err is set.
 * @n: how many.
 * @syncfs: make the batch's temporary files durable with one sync of
 *	db_dir's filesystem rather than an fsync each, where
 *	todo_storage_can_syncfs() allows it.
 *
 * Each file is replaced as todo_storage_write() replaces one, but the
 * batch shares the costs of durability: every temporary file is written
 * and, where there are several, its writeback started first, so that
 * their blocks are allocated in one journal transaction; then each is
 * made durable (an fsync each, of which the first commits that
 * transaction and the others mostly flush the device's cache; or one
 * sync of the filesystem) and renamed; last each owner's directory is
 * fsync'd once for all its files.  A put that fails before its rename
 * leaves its old file, if any, untouched; one whose directory's fsync
 * fails has been renamed, but is not known durable.  The others go on.
 *
 * Context: a database worker; sleeps.
 */
void todo_storage_write_batch(struct todo_storage_put *puts, unsigned int n,
			      bool syncfs)
{
	unsigned int i, j, ok = 0;
	int err;

	might_sleep();
	for (i = 0; i < n; i++) {
		puts[i].file = NULL;
		puts[i].dir.dentry = NULL;
		puts[i].why = NULL;
		puts[i].err = todo_storage_put_begin(&puts[i]);
		ok += !puts[i].err;
	}

	/*
	 * The temporary files' content on stable storage.  Writeback's own
	 * error counts: a filesystem may return one it does not record for
	 * the fsync or the sync to find (ext4 giving up on an allocation).
	 */
	syncfs = syncfs && ok > 1 && todo_dir_syncfs;
	for (i = 0; ok > 1 && i < n; i++) {
		if (puts[i].err)
			continue;
		puts[i].err = filemap_fdatawrite(puts[i].file->f_mapping);
		if (puts[i].err) {
			puts[i].why = todo_storage_write_why(puts[i].err);
			todo_storage_put_end(&puts[i], true);
		}
	}
	err = syncfs ? todo_storage_syncfs() : 0;
	for (i = 0; i < n; i++) {
		if (puts[i].err)
			continue;
		if (err)
			puts[i].err = err;
		else if (syncfs)	/* this file's writeback error */
			puts[i].err = file_check_and_advance_wb_err(puts[i].file);
		else
			puts[i].err = vfs_fsync(puts[i].file, 0);
		if (puts[i].err) {
			puts[i].why = todo_storage_write_why(puts[i].err);
		} else {
			puts[i].err = todo_storage_put_rename(&puts[i]);
			if (puts[i].err)
				puts[i].why = TODO_WHY_RENAME;
		}
		if (puts[i].err)
			todo_storage_put_end(&puts[i], true);
	}

	/* Each owner's directory once, then its renames are durable. */
	for (i = 0; i < n; i++) {
		if (puts[i].err)
			continue;
		for (j = 0; j < i; j++)
			if (!puts[j].err && puts[j].dir.dentry &&
			    puts[j].dir.dentry == puts[i].dir.dentry)
				break;
		if (j < i)	/* synced with put j */
			continue;
		err = todo_storage_sync(&puts[i].dir);
		for (j = i; err && j < n; j++)
			if (!puts[j].err &&
			    puts[j].dir.dentry == puts[i].dir.dentry) {
				puts[j].err = err;
				puts[j].why = TODO_WHY_DIR_SYNC;
			}
	}
	for (i = 0; i < n; i++)
		if (puts[i].dir.dentry)
			todo_storage_put_end(&puts[i], false);
}
EXPORT_SYMBOL_IF_KUNIT(todo_storage_write_batch);

/**
 * todo_storage_write() - Replace a list's file atomically and durably.
 * @key: the list.
 * @buf: the file's new content.
 * @len: its length.
 *
 * Makes the owner's directory first if it is missing.
 *
 * Context: a database worker; sleeps.
 * Return: 0 once the content is on stable storage; a negative errno
 * (-ENOSPC, -EIO, -EROFS, -ELOOP for a planted symlink, -EUCLEAN for an
 * owner's directory refused, ...) otherwise, in which case the old file,
 * if any, is untouched and the temporary file is removed (a full disk is
 * not made fuller by a partial copy).
 */
int todo_storage_write(const struct todo_key *key, const void *buf,
		       size_t len)
{
	struct todo_storage_put p = { .key = key, .buf = buf, .len = len };

	todo_storage_write_batch(&p, 1, false);
	return p.err;
}
EXPORT_SYMBOL_IF_KUNIT(todo_storage_write);

/**
 * todo_storage_read() - Read a list's whole file.
 * @key: the list.
 * @buf: set to a buffer the caller frees with kvfree().
 * @len: set to the file's length.
 * @why: set on failure but -ENOENT to a message for the user, a string
 *	constant.
 *
 * The file is opened with O_NONBLOCK, so a FIFO planted under the name
 * does not wait for a writer, and anything but a regular file is refused
 * before a byte is read.
 *
 * Context: a database worker or a list's server; sleeps.
 * Return: 0; -ENOENT if the list has no file; -ELOOP if the name or the
 * owner's directory is a symlink; -EUCLEAN if it is not a regular file or
 * the owner's directory is refused; -EFBIG if it is too large to be a
 * list; another negative errno on I/O errors.
 */
int todo_storage_read(const struct todo_key *key, void **buf, size_t *len,
		      const char **why)
{
	char name[TODO_LEAF_NAME_MAX];
	struct path dir;
	struct file *f;
	loff_t size, pos = 0;
	ssize_t n;
	void *data;
	int err;

	todo_storage_leaf_name(key, name);
	err = todo_storage_owner(key->owner, TODO_OWNER_FIND, &dir);
	if (err) {
		*why = todo_storage_owner_why(err);
		return err;
	}
	f = file_open_root(&dir, name,
			   O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_LARGEFILE, 0);
	dput(dir.dentry);
	if (IS_ERR(f)) {
		err = PTR_ERR(f);
		*why = err == -ELOOP ?
		       "the list's file is a symlink; not followed" :
		       "the list's file cannot be opened";
		return err;
	}
	err = -EUCLEAN;
	*why = "the list's file is damaged: not a regular file";
	if (!S_ISREG(file_inode(f)->i_mode))
		goto out;
	size = i_size_read(file_inode(f));
	err = -EFBIG;
	*why = "the list's file is too large to be a list";
	if (size > TODO_CODEC_MAX_SIZE)
		goto out;
	err = -ENOMEM;
	*why = "out of memory";
	data = kvmalloc(size ?: 1, GFP_KERNEL);
	if (!data)
		goto out;
	*why = "reading the list's file failed";
	while (pos < size) {
		n = kernel_read(f, data + pos, size - pos, &pos);
		if (n <= 0) {
			kvfree(data);
			err = n ?: -EUCLEAN;
			goto out;
		}
	}
	*buf = data;
	*len = size;
	err = 0;
out:
	filp_close(f, NULL);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(todo_storage_read);

/**
 * todo_storage_remove() - Remove a list's file.
 * @key: the list.
 *
 * Unlinks whatever is under the list's file name (a symlink itself, not
 * its target) and fsyncs the owner's directory, so that the list stays
 * gone after a crash.  A list without a file is not an error.  The owner's
 * directory stays, empty or not.  Runs with the kernel's credentials
 * whoever calls it: db_dir is root's.
 *
 * Context: process context; sleeps (an unlink and a directory fsync).
 * Return: 0 if the list has no file any more; a negative errno (-EROFS,
 * -EIO, -EISDIR for a directory under the name, -ELOOP or -EUCLEAN for an
 * owner's directory refused, ...) otherwise.
 */
int todo_storage_remove(const struct todo_key *key)
{
	char name[TODO_LEAF_NAME_MAX];
	const struct cred *old;
	struct path dir;
	int err;

	might_sleep();
	todo_storage_leaf_name(key, name);
	old = override_creds(todo_storage_cred);
	err = todo_storage_owner(key->owner, TODO_OWNER_FIND, &dir);
	if (!err) {
		err = todo_storage_unlink(&dir, name);
		if (!err)
			err = todo_storage_sync(&dir);
		dput(dir.dentry);
	}
	if (err == -ENOENT)
		err = 0;
	revert_creds(old);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(todo_storage_remove);

/**
 * todo_storage_size() - The size of a list's file.
 * @key: the list.
 * @size: set to the size of the regular file under the list's name.
 *
 * Looks at the inode without opening the file for reading: a FIFO or a
 * symlink under the name is not followed and has no size.
 *
 * Context: process context with root's credentials; sleeps.
 * Return: 0; -ENOENT; -EUCLEAN if it is not a regular file; or an error
 * of the lookup.  *@size is set only on success.
 */
int todo_storage_size(const struct todo_key *key, loff_t *size)
{
	char name[TODO_LEAF_NAME_MAX];
	struct path dir;
	struct file *f;
	int err;

	todo_storage_leaf_name(key, name);
	err = todo_storage_owner(key->owner, TODO_OWNER_FIND, &dir);
	if (err)
		return err;
	f = file_open_root(&dir, name, O_PATH | O_NOFOLLOW, 0);
	dput(dir.dentry);
	if (IS_ERR(f))
		return PTR_ERR(f);
	if (S_ISREG(file_inode(f)->i_mode))
		*size = i_size_read(file_inode(f));
	else
		err = -EUCLEAN;
	filp_close(f, NULL);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(todo_storage_size);

/* What a name found in db_dir is. */
enum todo_storage_kind {
	TODO_STORAGE_OWNER,	/* "u<owner>": an owner's directory */
	TODO_STORAGE_OLD_LIST,	/* "u<owner>.<name>.list": old layout */
	TODO_STORAGE_OLD_TMP,	/* ".u<owner>.<name>.tmp": old layout */
};

/**
 * struct todo_storage_found - A name found in db_dir.
 * @kind: what it is.
 * @key: the owner (all kinds) and the list (old layout).
 * @err: for the user of the batch.
 */
struct todo_storage_found {
	enum todo_storage_kind kind;
	struct todo_key key;
	int err;
};

/* Names read from db_dir in one iterate_dir() call at most. */
#define TODO_STORAGE_BATCH	64

/**
 * struct todo_storage_batch - Names of db_dir, read a batch at a time.
 * @ctx: the VFS's iteration state.
 * @old: take names of the old layout, else owners' directories.
 * @nr: names in @found.
 * @found: the names.
 *
 * The names are used once iterate_dir() has returned, outside the lock
 * it holds on db_dir: an owner's directory is then opened (a lookup in
 * db_dir) and old files are moved out of it.  Stopping the walk at a full
 * batch leaves the name that did not fit for the next call.
 */
struct todo_storage_batch {
	struct dir_context ctx;
	bool old;
	unsigned int nr;
	struct todo_storage_found found[TODO_STORAGE_BATCH];
};

static bool todo_storage_batch_actor(struct dir_context *ctx, const char *name,
				     int len, loff_t off, u64 ino,
				     unsigned int type)
{
	struct todo_storage_batch *b = container_of(ctx,
						    struct todo_storage_batch,
						    ctx);
	struct todo_storage_found *f = &b->found[b->nr];

	if (b->nr == TODO_STORAGE_BATCH)
		return false;
	if (!b->old)
		f->kind = TODO_STORAGE_OWNER;
	else if (todo_storage_parse_old(name, len, &f->key))
		f->kind = TODO_STORAGE_OLD_LIST;
	else if (todo_storage_parse_old_tmp(name, len, &f->key))
		f->kind = TODO_STORAGE_OLD_TMP;
	else
		return true;
	/*
	 * Any kind of file is taken: the owner's directory is checked when
	 * it is opened, an old file when it is moved.
	 */
	if (!b->old && !todo_storage_parse_owner(name, len, &f->key.owner))
		return true;
	b->nr++;
	return true;
}

/*
 * Call @each for each batch of names in db_dir: the old layout's if @old,
 * else owners' directories.  Return: 0, the first error of @each, or an
 * error of the walk.
 */
static int todo_storage_batches(bool old,
				int (*each)(struct todo_storage_found *found,
					    unsigned int nr, void *arg),
				void *arg)
{
	struct todo_storage_batch *b;
	struct file *d;
	int err;

	b = kmalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	memset(&b->ctx, 0, sizeof(b->ctx));
	b->ctx.actor = todo_storage_batch_actor;
	b->old = old;
	d = file_open_root(&todo_dir, ".", O_RDONLY | O_DIRECTORY, 0);
	err = PTR_ERR(d);
	if (IS_ERR(d))
		goto out;
	do {
		b->nr = 0;
		err = iterate_dir(d, &b->ctx);
		if (!err && b->nr)
			err = each(b->found, b->nr, arg);
	} while (!err && b->nr == TODO_STORAGE_BATCH);
	filp_close(d, NULL);
out:
	kfree(b);
	return err;
}

/**
 * struct todo_storage_walk - State of a walk over the lists.
 * @ctx: the VFS's iteration state, for one owner's directory.
 * @owner: that directory's owner.
 * @durable: db_dir was fsync'd before the walk.
 * @fn: called for each list file found.
 * @arg: passed to @fn.
 * @err: the first error @fn returned.
 */
struct todo_storage_walk {
	struct dir_context ctx;
	u32 owner;
	bool durable;
	int (*fn)(const struct todo_key *key, void *arg);
	void *arg;
	int err;
};

static bool todo_storage_list_actor(struct dir_context *ctx, const char *name,
				    int len, loff_t off, u64 ino,
				    unsigned int type)
{
	struct todo_storage_walk *w = container_of(ctx, struct todo_storage_walk,
						   ctx);
	struct todo_key key;

	/*
	 * Any kind of file counts, not only regular ones: a symlink or a
	 * FIFO under a list's name is reported by that list's load rather
	 * than the list being taken for a new one.
	 */
	if (!todo_storage_parse_list(name, len, w->owner, &key))
		return true;
	w->err = w->fn(&key, w->arg);
	return !w->err;
}

/* Walk one owner's directory; one refused is logged and skipped. */
static int todo_storage_walk_owner(struct todo_storage_walk *w, u32 owner)
{
	struct path dir;
	struct file *d;
	int err;

	w->owner = owner;
	err = todo_storage_owner(w->owner, TODO_OWNER_FIND, &dir);
	if (err == -ELOOP || err == -EUCLEAN || err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (w->durable)
		err = xa_err(xa_store(&todo_storage_dirs, w->owner,
				      xa_mk_value(1), GFP_KERNEL));
	d = err ? ERR_PTR(err) : file_open_root(&dir, ".",
						O_RDONLY | O_DIRECTORY, 0);
	dput(dir.dentry);
	if (IS_ERR(d))
		return PTR_ERR(d);
	w->err = 0;
	err = iterate_dir(d, &w->ctx);
	filp_close(d, NULL);
	return err ?: w->err;
}

/* Walk the owners' directories of a batch. */
static int todo_storage_walk_owners(struct todo_storage_found *found,
				    unsigned int nr, void *arg)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < nr && !err; i++) {
		err = todo_storage_walk_owner(arg, found[i].key.owner);
		cond_resched();
	}
	return err;
}

/**
 * todo_storage_for_each() - Call a function for each list file in db_dir.
 * @fn: called with each list's key; a non-zero return stops the walk.
 * @arg: passed to @fn.
 *
 * Walks db_dir, then each owner's directory in it.  An owner's directory
 * that is refused (see todo_storage_owner()) is logged and skipped: its
 * lists are not reported, and each of them fails to load or store.  The
 * old layout's files are not reported: todo_storage_migrate() moves them
 * first.  @fn is called under the owner's directory's i_rwsem (shared).
 *
 * Context: module init; sleeps.
 * Return: 0, the first error @fn returned, or an I/O error.
 */
int todo_storage_for_each(int (*fn)(const struct todo_key *key, void *arg),
			  void *arg)
{
	struct todo_storage_walk w = {
		.ctx.actor = todo_storage_list_actor,
		.fn = fn,
		.arg = arg,
	};
	const struct cred *old;
	int err;

	old = override_creds(todo_storage_cred);
	/* What is found now is on stable storage from here on. */
	w.durable = !todo_storage_sync(&todo_dir);
	err = todo_storage_batches(false, todo_storage_walk_owners, &w);
	revert_creds(old);
	return err;
}

/**
 * struct todo_storage_migration - What the migration at load did.
 * @moved: list files moved into their owners' directories.
 * @left: old files left where they are (the kernel log says why).
 * @removed: temporary files of the old layout removed.
 */
struct todo_storage_migration {
	unsigned int moved;
	unsigned int left;
	unsigned int removed;
};

/* Remove an old layout's temporary file, left by a store a crash cut. */
static void todo_storage_migrate_tmp(const struct todo_key *key,
				     struct todo_storage_migration *m)
{
	char tmp[TODO_OLD_NAME_MAX + 1];
	int err;

	snprintf(tmp, sizeof(tmp), ".u%u.%.*s.tmp", key->owner, (int)key->len,
		 key->name);
	err = todo_storage_unlink(&todo_dir, tmp);
	if (!err)
		m->removed++;
	else if (err != -ENOENT)
		pr_warn_ratelimited("%s/%s: old temporary file not removed (error %d)\n",
				    todo_dir_name, tmp, err);
}

/*
 * Move an old layout's list file into its owner's directory, which
 * exists and is durable unless @found->err says why not.
 */
static int todo_storage_migrate_list(const struct todo_storage_found *found,
				     struct todo_storage_migration *m)
{
	char old[TODO_OLD_NAME_MAX], name[TODO_LEAF_NAME_MAX];
	char path[TODO_FILE_NAME_MAX];
	const struct todo_key *key = &found->key;
	const char *why;
	struct path dir;
	int err = found->err;

	todo_storage_old_name(key, old);
	todo_storage_file_name(key, path);
	todo_storage_leaf_name(key, name);
	if (err == -ELOOP || err == -EUCLEAN) {
		why = "its owner's directory is refused";
		goto left;
	}
	if (!err)
		err = todo_storage_owner(key->owner, TODO_OWNER_DURABLE, &dir);
	if (err)
		goto fail;
	err = todo_storage_rename(&todo_dir, old, &dir, name, true);
	dput(dir.dentry);
	switch (err) {
	case 0:
		m->moved++;
		return 0;
	case -ENOENT:	/* gone since the walk saw it */
		return 0;
	case -EUCLEAN:
		why = "not a regular file (not followed, not read)";
		goto left;
	case -EEXIST:
		why = "the list's file is there already, and is the one kept";
		goto left;
	}
fail:
	pr_err("%s/%s: cannot move it to %s (error %d)\n", todo_dir_name, old,
	       path, err);
	return err;
left:
	m->left++;
	pr_warn_ratelimited("%s/%s: not moved to %s: %s; left in place\n",
			    todo_dir_name, old, path, why);
	return 0;
}

/*
 * Migrate a batch: make the owners' directories it needs, fsync db_dir
 * once for all those not known durable, then move the files.
 */
static int todo_storage_migrate_batch(struct todo_storage_found *found,
				      unsigned int nr, void *arg)
{
	struct todo_storage_migration *m = arg;
	struct todo_storage_found *f;
	bool sync = false;
	struct path dir;
	int err = 0;

	for (f = found; f < found + nr; f++) {
		if (f->kind != TODO_STORAGE_OLD_LIST)
			continue;
		f->err = todo_storage_owner(f->key.owner, TODO_OWNER_MAKE, &dir);
		if (f->err)
			continue;
		dput(dir.dentry);
		if (!xa_load(&todo_storage_dirs, f->key.owner))
			sync = true;
	}
	if (sync)
		err = todo_storage_sync(&todo_dir);
	for (f = found; f < found + nr && !err; f++) {
		if (f->kind != TODO_STORAGE_OLD_LIST)
			continue;
		if (sync && !f->err)
			f->err = xa_err(xa_store(&todo_storage_dirs,
						 f->key.owner, xa_mk_value(1),
						 GFP_KERNEL));
		err = todo_storage_migrate_list(f, m);
		cond_resched();
	}
	for (f = found; f < found + nr && !err; f++)
		if (f->kind == TODO_STORAGE_OLD_TMP)
			todo_storage_migrate_tmp(&f->key, m);
	return err;
}

/**
 * todo_storage_migrate() - Move the old layout's files into the new one.
 *
 * Each "u<owner>.<name>.list" in db_dir that is a regular file is renamed
 * to "u<owner>/<name>.list", the directory made first (its entry in
 * db_dir fsync'd before a file is moved into it).  A rename is atomic, so
 * a crash leaves each file in one place or the other, and this, run again
 * at the next load, finishes the job.  Left in place, with a line in the
 * kernel log each: anything but a regular file (never followed or read),
 * a file whose owner's directory is refused, and a file whose list has a
 * file in the new layout already (that one is kept: only the module
 * writes there, after a migration).  Temporary files of the old layout
 * are removed: they are what a crash left of stores that never completed.
 * Then db_dir is fsync'd, and one line logs the counts.
 *
 * Context: module init, before the walk of todo_storage_for_each();
 * sleeps.
 * Return: 0, or a negative errno if a file that should move cannot (the
 * kernel log names it): the module then does not load, lest the list
 * start anew in the new layout with its old file hidden.
 */
int todo_storage_migrate(void)
{
	struct todo_storage_migration m = {};
	const struct cred *old;
	int err;

	old = override_creds(todo_storage_cred);
	err = todo_storage_batches(true, todo_storage_migrate_batch, &m);
	if (!err && (m.moved || m.removed))
		err = todo_storage_sync(&todo_dir);
	revert_creds(old);
	if (m.moved || m.left || m.removed)
		pr_info("%s: %u list files of the old layout moved into owners' directories, %u left in place, %u old temporary files removed\n",
			todo_dir_name, m.moved, m.left, m.removed);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(todo_storage_migrate);
