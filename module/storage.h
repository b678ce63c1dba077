/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The database directory: a directory per owner, one file per list in it,
 * replaced atomically.
 */
#ifndef _TODO_STORAGE_H
#define _TODO_STORAGE_H

#include <linux/types.h>

#include "name.h"

#include <linux/path.h>

struct file;

/**
 * struct todo_storage_put - One list's file to replace, in a batch.
 * @key: the list.
 * @buf: the file's new content.
 * @len: its length.
 * @err: set by todo_storage_write_batch(): 0 once the content is on
 *	stable storage, else a negative errno as todo_storage_write()'s.
 * @why: set with @err: what failed, for the user (a string constant).
 * @dir: private: the owner's directory.
 * @file: private: the temporary file, until it is renamed.
 */
struct todo_storage_put {
	const struct todo_key *key;
	const void *buf;
	size_t len;
	int err;
	const char *why;
	struct path dir;
	struct file *file;
};

/* Longest owner's directory name: "u4294967295" */
#define TODO_OWNER_NAME_MAX	(1 + 10 + 1)
/* Longest path of a list's file in db_dir: "u4294967295/" + name + ".list" */
#define TODO_FILE_NAME_MAX	(12 + TODO_NAME_MAX + 5 + 1)

int todo_storage_init(const char *dir);
void todo_storage_exit(void);
const struct path *todo_storage_dir(void);
int todo_storage_owner_name(u32 owner, char *buf);
void todo_storage_file_name(const struct todo_key *key, char *buf);
void todo_storage_old_name(const struct todo_key *key, char *buf);
bool todo_storage_parse_owner(const char *name, int len, u32 *owner);
bool todo_storage_parse_list(const char *name, int len, u32 owner,
			     struct todo_key *key);
bool todo_storage_parse_old(const char *name, int len, struct todo_key *key);
int todo_storage_write(const struct todo_key *key, const void *buf,
		       size_t len);
bool todo_storage_can_syncfs(void);
void todo_storage_write_batch(struct todo_storage_put *puts, unsigned int n,
			      bool syncfs);
int todo_storage_remove(const struct todo_key *key);
int todo_storage_size(const struct todo_key *key, loff_t *size);
int todo_storage_read(const struct todo_key *key, void **buf, size_t *len,
		      const char **why);
int todo_storage_migrate(void);
int todo_storage_for_each(int (*fn)(const struct todo_key *key, void *arg),
			  void *arg);

#endif /* _TODO_STORAGE_H */
