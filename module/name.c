// SPDX-License-Identifier: GPL-2.0
/*
 * List names: 1..64 bytes of [A-Za-z0-9._-], not starting with '.'.  Names
 * become file names, and this alphabet keeps path traversal ("..", "/"),
 * hidden and temporary files, and NUL or control bytes out by construction.
 *
 * Owns: what a valid list name and key are.  Must not: depend on
 * anything else of the module.
 */
#include <kunit/visibility.h>
#include <linux/ctype.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/string.h>

#include "name.h"

/**
 * todo_name_valid() - Check a list name against the naming rule.
 * @name: the name's bytes; need not be NUL-terminated.
 * @len: its length.
 *
 * Context: any.
 * Return: true if the name is 1..%TODO_NAME_MAX bytes of letters, digits,
 * '.', '_' and '-', and does not start with '.'.
 */
bool todo_name_valid(const char *name, size_t len)
{
	size_t i;

	if (len == 0 || len > TODO_NAME_MAX || name[0] == '.')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = name[i];

		if (!(isascii(c) && isalnum(c)) && c != '.' && c != '_' &&
		    c != '-')
			return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(todo_name_valid);

/**
 * todo_key_init() - Build the key of a list.
 * @key: the key to fill, padding included.
 * @owner: the owner's uid.
 * @name: the list's name.
 * @len: its length.
 *
 * Context: any.
 * Return: 0, or -EINVAL if the name breaks the naming rule.
 */
int todo_key_init(struct todo_key *key, u32 owner, const char *name,
		  size_t len)
{
	if (!todo_name_valid(name, len))
		return -EINVAL;
	memset(key, 0, sizeof(*key));
	key->owner = owner;
	key->len = len;
	memcpy(key->name, name, len);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(todo_key_init);
