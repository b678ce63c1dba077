// SPDX-License-Identifier: GPL-2.0
/*
 * The database directory (db_dir).  Each list is one file named
 * "u<owner>.<name>.list"; names are restricted to [A-Za-z0-9._-] and never
 * start with '.', so a list's file name never contains '/' and never
 * collides with a temporary file, which starts with '.'.
 *
 * A file is replaced atomically: the new content is written to
 * ".u<owner>.<name>.tmp" in the same directory and fsync'd, renamed over
 * the old file, and the directory is fsync'd, so after a crash the file
 * holds the old or the new content, never a mix, and a completed store
 * survives.  Every open uses O_NOFOLLOW and is resolved beneath the
 * directory held since module load, so a symlink planted in db_dir is never
 * followed and no path outside it is touched.
 *
 * Called only from the database workers (kworkers: init's credentials and
 * root), never with a spinlock held.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/slab.h>
#include <linux/stat.h>
#include <linux/string.h>

#include "compat.h"
#include "storage.h"

/* Largest list file read back: max_entries of max_title_len, and more. */
#define TODO_FILE_SIZE_MAX	(256U << 20)

/* The directory, resolved once at load; pinned until unload. */
static struct path todo_dir;

/**
 * todo_storage_file_name() - The file name of a list.
 * @key: the list.
 * @buf: at least %TODO_FILE_NAME_MAX bytes.
 *
 * Context: any.
 */
void todo_storage_file_name(const struct todo_key *key, char *buf)
{
	snprintf(buf, TODO_FILE_NAME_MAX, "u%u.%.*s.list", key->owner,
		 (int)key->len, key->name);
}
EXPORT_SYMBOL_IF_KUNIT(todo_storage_file_name);

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

/**
 * todo_storage_init() - Open (creating it if missing) the database directory.
 * @dir: absolute path of the directory.
 *
 * The path is resolved in the context of the process loading the module.
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int todo_storage_init(const char *dir)
{
	int err;

	err = kern_path(dir, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &todo_dir);
	if (err == -ENOENT) {
		err = todo_storage_mkdir(dir);
		if (!err || err == -EEXIST)
			err = kern_path(dir, LOOKUP_FOLLOW | LOOKUP_DIRECTORY,
					&todo_dir);
	}
	if (err)
		pr_err("cannot use db_dir %s: error %d\n", dir, err);
	return err;
}

/**
 * todo_storage_exit() - Release the database directory.
 *
 * Context: module exit, after the last database work.
 */
void todo_storage_exit(void)
{
	path_put(&todo_dir);
}

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

static int todo_storage_rename(const char *from, const char *to)
{
	struct dentry *dir = todo_dir.dentry, *old, *new, *trap;
	int err;

	err = mnt_want_write(todo_dir.mnt);
	if (err)
		return err;
	trap = lock_rename(dir, dir);
	if (IS_ERR(trap)) {
		err = PTR_ERR(trap);
		goto drop_write;
	}
	old = lookup_one_len(from, dir, strlen(from));
	err = PTR_ERR(old);
	if (IS_ERR(old))
		goto unlock;
	new = lookup_one_len(to, dir, strlen(to));
	err = PTR_ERR(new);
	if (IS_ERR(new))
		goto put_old;
	err = -ENOENT;
	if (d_is_negative(old) || old == trap || new == trap)
		goto put_new;
	err = todo_vfs_rename(todo_dir.mnt, d_inode(dir), old, new);
put_new:
	dput(new);
put_old:
	dput(old);
unlock:
	unlock_rename(dir, dir);
drop_write:
	mnt_drop_write(todo_dir.mnt);
	return err;
}

static int todo_storage_unlink(const char *name)
{
	struct dentry *dir = todo_dir.dentry, *d;
	int err;

	err = mnt_want_write(todo_dir.mnt);
	if (err)
		return err;
	inode_lock_nested(d_inode(dir), I_MUTEX_PARENT);
	d = lookup_one_len(name, dir, strlen(name));
	err = PTR_ERR(d);
	if (!IS_ERR(d)) {
		err = 0;
		if (d_is_positive(d))
			err = vfs_unlink(todo_mnt_idmap(todo_dir.mnt),
					 d_inode(dir), d, NULL);
		dput(d);
	}
	inode_unlock(d_inode(dir));
	mnt_drop_write(todo_dir.mnt);
	return err;
}

static int todo_storage_sync_dir(void)
{
	struct file *d;
	int err;

	d = file_open_root(&todo_dir, ".", O_RDONLY | O_DIRECTORY, 0);
	if (IS_ERR(d))
		return PTR_ERR(d);
	err = vfs_fsync(d, 0);
	filp_close(d, NULL);
	return err;
}

/**
 * todo_storage_write() - Replace a list's file atomically and durably.
 * @key: the list.
 * @buf: the file's new content.
 * @len: its length.
 *
 * Context: a database worker; sleeps.
 * Return: 0 once the content is on stable storage; a negative errno
 * (-ENOSPC, -EIO, -EROFS, -ELOOP for a planted symlink, ...) otherwise, in
 * which case the old file, if any, is untouched.
 */
int todo_storage_write(const struct todo_key *key, const void *buf,
		       size_t len)
{
	char name[TODO_FILE_NAME_MAX], tmp[TODO_FILE_NAME_MAX + 1];
	struct file *f;
	int err, err2;

	/* Never write what todo_storage_read() would refuse to read back. */
	if (len > TODO_FILE_SIZE_MAX)
		return -EFBIG;
	todo_storage_file_name(key, name);
	snprintf(tmp, sizeof(tmp), ".%.*s.tmp", (int)(strlen(name) - 5), name);

	/*
	 * A fresh file each time: a temporary file left by a crash (or
	 * anything planted under its name) is removed, never written through.
	 */
	err = todo_storage_unlink(tmp);
	if (err)
		return err;
	f = file_open_root(&todo_dir, tmp,
			   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			   O_LARGEFILE, 0600);
	if (IS_ERR(f))
		return PTR_ERR(f);
	err = todo_storage_write_all(f, buf, len);
	if (!err)
		err = vfs_fsync(f, 0);
	err2 = filp_close(f, NULL);
	if (!err)
		err = err2;
	if (!err)
		err = todo_storage_rename(tmp, name);
	if (!err)
		err = todo_storage_sync_dir();
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(todo_storage_write);

/**
 * todo_storage_exists() - Is there anything under a list's file name?
 * @key: the list.
 *
 * Only the name is looked up, nothing is read: a symlink, a directory or a
 * damaged file named like the list's file counts too, so that such a list
 * is reported by its load rather than taken for a new one.
 *
 * Context: a database worker; sleeps.
 * Return: 1 if the name exists, 0 if not, or a negative errno.
 */
int todo_storage_exists(const struct todo_key *key)
{
	char name[TODO_FILE_NAME_MAX];
	struct dentry *d;
	int ret;

	todo_storage_file_name(key, name);
	d = lookup_one_len_unlocked(name, todo_dir.dentry, strlen(name));
	if (IS_ERR(d))
		return PTR_ERR(d);
	ret = d_is_positive(d);
	dput(d);
	return ret;
}

/**
 * todo_storage_read() - Read a list's whole file.
 * @key: the list.
 * @buf: set to a buffer the caller frees with kvfree().
 * @len: set to the file's length.
 *
 * Context: a database worker; sleeps.
 * Return: 0; -ENOENT if the list has no file; -ELOOP if the name is a
 * symlink; -EUCLEAN if it is not a regular file; -EFBIG if it is too large
 * to be a list; another negative errno on I/O errors.
 */
int todo_storage_read(const struct todo_key *key, void **buf, size_t *len)
{
	char name[TODO_FILE_NAME_MAX];
	struct file *f;
	loff_t size, pos = 0;
	ssize_t n;
	void *data;
	int err;

	todo_storage_file_name(key, name);
	f = file_open_root(&todo_dir, name, O_RDONLY | O_NOFOLLOW | O_LARGEFILE,
			   0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	err = -EUCLEAN;
	if (!S_ISREG(file_inode(f)->i_mode))
		goto out;
	size = i_size_read(file_inode(f));
	err = -EFBIG;
	if (size > TODO_FILE_SIZE_MAX)
		goto out;
	err = -ENOMEM;
	data = kvmalloc(size ?: 1, GFP_KERNEL);
	if (!data)
		goto out;
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
 * struct todo_storage_walk - State of a directory walk for one owner.
 * @ctx: the VFS's iteration state.
 * @owner: the owner whose files are wanted.
 * @prefix: "u<owner>." as text.
 * @prefix_len: its length.
 * @fn: called for each list file found.
 * @arg: passed to @fn.
 * @err: the first error @fn returned.
 */
struct todo_storage_walk {
	struct dir_context ctx;
	u32 owner;
	char prefix[16];
	int prefix_len;
	int (*fn)(const struct todo_key *key, void *arg);
	void *arg;
	int err;
};

static bool todo_storage_actor(struct dir_context *ctx, const char *name,
			       int len, loff_t off, u64 ino, unsigned int type)
{
	struct todo_storage_walk *w = container_of(ctx, struct todo_storage_walk,
						   ctx);
	struct todo_key key;
	int nlen = len - w->prefix_len - 5;

	if (type != DT_REG || nlen <= 0 ||
	    memcmp(name, w->prefix, w->prefix_len) ||
	    memcmp(name + len - 5, ".list", 5))
		return true;
	if (todo_key_init(&key, w->owner, name + w->prefix_len, nlen))
		return true;
	w->err = w->fn(&key, w->arg);
	return !w->err;
}

/**
 * todo_storage_for_each() - Call a function for each list file of an owner.
 * @owner: the owner.
 * @fn: called with each list's key; a non-zero return stops the walk.
 * @arg: passed to @fn.
 *
 * Context: process context; sleeps.
 * Return: 0, the first error @fn returned, or an I/O error.
 */
int todo_storage_for_each(u32 owner,
			  int (*fn)(const struct todo_key *key, void *arg),
			  void *arg)
{
	struct todo_storage_walk w = {
		.ctx.actor = todo_storage_actor,
		.owner = owner,
		.fn = fn,
		.arg = arg,
	};
	struct file *d;
	int err;

	w.prefix_len = snprintf(w.prefix, sizeof(w.prefix), "u%u.", owner);
	d = file_open_root(&todo_dir, ".", O_RDONLY | O_DIRECTORY, 0);
	if (IS_ERR(d))
		return PTR_ERR(d);
	err = iterate_dir(d, &w.ctx);
	filp_close(d, NULL);
	return err ?: w.err;
}
