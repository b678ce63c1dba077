/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The database directory: one file per list, replaced atomically.
 */
#ifndef _TODO_STORAGE_H
#define _TODO_STORAGE_H

#include <linux/types.h>

#include "name.h"

/* Longest file name the storage builds: "u4294967295." + name + ".list" */
#define TODO_FILE_NAME_MAX	(12 + TODO_NAME_MAX + 5 + 1)

int todo_storage_init(const char *dir);
void todo_storage_exit(void);
void todo_storage_file_name(const struct todo_key *key, char *buf);
int todo_storage_write(const struct todo_key *key, const void *buf,
		       size_t len);
int todo_storage_remove(const struct todo_key *key);
int todo_storage_size(const struct todo_key *key, loff_t *size);
int todo_storage_read(const struct todo_key *key, void **buf, size_t *len);
int todo_storage_for_each(int (*fn)(const struct todo_key *key, void *arg),
			  void *arg);

#endif /* _TODO_STORAGE_H */
