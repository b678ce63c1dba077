/* SPDX-License-Identifier: GPL-2.0 */
/*
 * List names and list keys.
 */
#ifndef _TODO_NAME_H
#define _TODO_NAME_H

#include <linux/string.h>
#include <linux/types.h>
#include <linux/todo.h>

/**
 * struct todo_key - What identifies a list: its owner and its name.
 * @owner: the owner's uid in the initial user namespace.
 * @len: length of @name.
 * @name: the name, zero-padded to the end of the array.
 *
 * Compared and hashed as raw bytes, so every byte, padding included, must
 * be set by todo_key_init().
 */
struct todo_key {
	u32 owner;
	u8 len;
	char name[TODO_NAME_MAX];
};

/**
 * todo_key_name_cmp() - Order two keys by name.
 * @a: a key.
 * @b: another.
 *
 * Names are zero-padded and hold no NUL, so comparing the whole arrays
 * orders them by their bytes, a prefix first.  Owners are not compared.
 *
 * Return: <0, 0 or >0 as @a's name sorts before, with or after @b's.
 */
static inline int todo_key_name_cmp(const struct todo_key *a,
				    const struct todo_key *b)
{
	return memcmp(a->name, b->name, sizeof(a->name));
}

bool todo_name_valid(const char *name, size_t len);
int todo_key_init(struct todo_key *key, u32 owner, const char *name,
		  size_t len);

#endif /* _TODO_NAME_H */
