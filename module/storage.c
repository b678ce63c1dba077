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
 * The directory must belong to root and be writable by nobody else, or
 * anyone could plant or replace list files.  A FIFO or device named like a
 * list file is opened without blocking and refused, never read.
 *
 * Called only from the database workers (kworkers: init's credentials and
 * root), never with a spinlock held.
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
#include <linux/path.h>
#include <linux/slab.h>
#include <linux/stat.h>
#include <linux/string.h>

#include "codec.h"
#include "compat.h"
#include "storage.h"

/* The directory, resolved once at load; pinned until unload. */
static struct path todo_dir;

/* The kernel's credentials, for what runs outside the database workers. */
static const struct cred *todo_storage_cred;

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
	return 0;
}

/**
 * todo_storage_exit() - Release the database directory.
 *
 * Context: module exit, after the last database work.
 */
void todo_storage_exit(void)
{
	put_cred(todo_storage_cred);
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
 * which case the old file, if any, is untouched and the temporary file is
 * removed (a full disk is not made fuller by a partial copy).
 */
int todo_storage_write(const struct todo_key *key, const void *buf,
		       size_t len)
{
	char name[TODO_FILE_NAME_MAX], tmp[TODO_FILE_NAME_MAX + 1];
	struct file *f;
	int err, err2;

	/* Never write what todo_storage_read() would refuse to read back. */
	if (len > TODO_CODEC_MAX_SIZE)
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
	if (err) {
		todo_storage_unlink(tmp);
		return err;
	}
	return todo_storage_sync_dir();
}
EXPORT_SYMBOL_IF_KUNIT(todo_storage_write);

/**
 * todo_storage_read() - Read a list's whole file.
 * @key: the list.
 * @buf: set to a buffer the caller frees with kvfree().
 * @len: set to the file's length.
 *
 * The file is opened with O_NONBLOCK, so a FIFO planted under the name
 * does not wait for a writer, and anything but a regular file is refused
 * before a byte is read.
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
	f = file_open_root(&todo_dir, name,
			   O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_LARGEFILE, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	err = -EUCLEAN;
	if (!S_ISREG(file_inode(f)->i_mode))
		goto out;
	size = i_size_read(file_inode(f));
	err = -EFBIG;
	if (size > TODO_CODEC_MAX_SIZE)
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
 * todo_storage_remove() - Remove a list's file.
 * @key: the list.
 *
 * Unlinks whatever is under the list's file name (a symlink itself, not
 * its target) and fsyncs the directory, so that the list stays gone after
 * a crash.  A list without a file is not an error.  Runs with the
 * kernel's credentials whoever calls it: db_dir is root's.
 *
 * Context: process context; sleeps (an unlink and a directory fsync).
 * Return: 0 if the list has no file any more; a negative errno (-EROFS,
 * -EIO, -EISDIR for a directory under the name, ...) otherwise.
 */
int todo_storage_remove(const struct todo_key *key)
{
	char name[TODO_FILE_NAME_MAX];
	const struct cred *old;
	int err;

	might_sleep();
	todo_storage_file_name(key, name);
	old = override_creds(todo_storage_cred);
	err = todo_storage_unlink(name);
	if (!err)
		err = todo_storage_sync_dir();
	else if (err == -ENOENT)
		err = 0;
	revert_creds(old);
	return err;
}

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
	char name[TODO_FILE_NAME_MAX];
	struct file *f;
	int err = 0;

	todo_storage_file_name(key, name);
	f = file_open_root(&todo_dir, name, O_PATH | O_NOFOLLOW, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	if (S_ISREG(file_inode(f)->i_mode))
		*size = i_size_read(file_inode(f));
	else
		err = -EUCLEAN;
	filp_close(f, NULL);
	return err;
}

/**
 * struct todo_storage_walk - State of a walk over db_dir.
 * @ctx: the VFS's iteration state.
 * @fn: called for each list file found.
 * @arg: passed to @fn.
 * @err: the first error @fn returned.
 */
struct todo_storage_walk {
	struct dir_context ctx;
	int (*fn)(const struct todo_key *key, void *arg);
	void *arg;
	int err;
};

/*
 * Parse "u<owner>.<name>.list" into a key; only a name that
 * todo_storage_file_name() would give for that key counts.
 */
static bool todo_storage_parse(const char *name, int len,
			       struct todo_key *key)
{
	char digits[11], canon[TODO_FILE_NAME_MAX];
	const char *dot;
	u32 owner;
	int n;

	if (len < 8 || len >= TODO_FILE_NAME_MAX || name[0] != 'u' ||
	    memcmp(name + len - 5, ".list", 5))
		return false;
	dot = memchr(name + 1, '.', len - 6);
	n = dot ? dot - name - 1 : 0;
	if (n < 1 || n >= sizeof(digits))
		return false;
	memcpy(digits, name + 1, n);
	digits[n] = '\0';
	if (kstrtou32(digits, 10, &owner) ||
	    todo_key_init(key, owner, dot + 1, name + len - 5 - (dot + 1)))
		return false;
	todo_storage_file_name(key, canon);
	return strlen(canon) == len && !memcmp(canon, name, len);
}

static bool todo_storage_actor(struct dir_context *ctx, const char *name,
			       int len, loff_t off, u64 ino, unsigned int type)
{
	struct todo_storage_walk *w = container_of(ctx, struct todo_storage_walk,
						   ctx);
	struct todo_key key;

	/*
	 * Any kind of file counts, not only regular ones: a symlink or a
	 * FIFO under a list's name is reported by that list's load rather
	 * than the list being taken for a new one.
	 */
	if (!todo_storage_parse(name, len, &key))
		return true;
	w->err = w->fn(&key, w->arg);
	return !w->err;
}

/**
 * todo_storage_for_each() - Call a function for each list file in db_dir.
 * @fn: called with each list's key; a non-zero return stops the walk.
 * @arg: passed to @fn.
 *
 * Context: process context with root's credentials (module init); sleeps.
 * Return: 0, the first error @fn returned, or an I/O error.
 */
int todo_storage_for_each(int (*fn)(const struct todo_key *key, void *arg),
			  void *arg)
{
	struct todo_storage_walk w = {
		.ctx.actor = todo_storage_actor,
		.fn = fn,
		.arg = arg,
	};
	struct file *d;
	int err;

	d = file_open_root(&todo_dir, ".", O_RDONLY | O_DIRECTORY, 0);
	if (IS_ERR(d))
		return PTR_ERR(d);
	err = iterate_dir(d, &w.ctx);
	filp_close(d, NULL);
	return err ?: w.err;
}
