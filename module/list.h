/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One to-do list (the book's Todo.List): entries with an id, a date and a
 * title, indexed by id and by date.
 */
#ifndef _TODO_LIST_H
#define _TODO_LIST_H

#include <linux/rbtree.h>
#include <linux/types.h>
#include <linux/xarray.h>

/**
 * struct todo_entry - One entry of a to-do list.
 * @date_node: node in &todo_list.by_date, ordered by (@date, @id).
 * @id: the entry's id, unique within its list for the list's whole life.
 * @date: calendar date as YYYYMMDD (see date.h).
 * @title_len: length of @title in bytes, without the terminating NUL.
 * @title: the title, NUL-terminated for convenience.
 *
 * Entries are immutable once published in a list, except for @date_node and
 * @date, which todo_list_update() changes in place; a title change replaces
 * the whole entry.
 */
struct todo_entry {
	struct rb_node date_node;
	u32 id;
	u32 date;
	u16 title_len;
	char title[];
};

/**
 * struct todo_list - A to-do list.
 * @by_id: id -> &struct todo_entry; holds every entry of the list.
 * @by_date: every entry, ordered by (date, id), for queries by date.
 * @next_id: id of the next entry added; starts at 1, only grows.
 * @size: number of entries.
 * @bytes: size of the list's encoding (todo_codec_size()), kept up to date
 *	by every change.
 * @max_entries: an add that would make @size exceed this fails.
 * @max_title_len: a file holding a title longer than this many bytes is
 *	refused when loaded (todo_codec_decode()); the list itself takes
 *	titles validated where they enter the module.
 * @max_bytes: a change that would make @bytes exceed this fails.
 * @charge: if not NULL, called with every change of @bytes, before a
 *	growth (which fails if it does) and after a shrink; it charges the
 *	list's owner (see quota.c).  It returns 0 or a negative errno.
 * @steps: (test builds only) index nodes visited by lookups; lets tests
 *	prove lookups do not scan the list.
 *
 * Locking: none inside.  A list has one owner (its list server) that
 * serialises every call; nothing else may touch it.  The xarray's internal
 * spinlock is taken by the xa_* calls but gives no wider guarantee.
 */
struct todo_list {
	struct xarray by_id;
	struct rb_root by_date;
	u32 next_id;
	u32 size;
	size_t bytes;
	u32 max_entries;
	u32 max_title_len;
	size_t max_bytes;
	int (*charge)(struct todo_list *list, s64 delta);
#ifdef TODO_TEST_HOOKS
	unsigned long steps;
#endif
};

/* Count one index node visited by a lookup, in test builds. */
static inline void todo_list_count_step(struct todo_list *list)
{
#ifdef TODO_TEST_HOOKS
	list->steps++;
#endif
}

void todo_list_init(struct todo_list *list, u32 max_entries,
		    u32 max_title_len, size_t max_bytes);
void todo_list_destroy(struct todo_list *list);
int todo_list_add(struct todo_list *list, u32 date, const char *title,
		  size_t title_len, u32 *id, const char **why);
int todo_list_insert(struct todo_list *list, u32 id, u32 date,
		     const char *title, size_t title_len);
int todo_list_update(struct todo_list *list, u32 id, const u32 *date,
		     const char *title, size_t title_len, const char **why);
int todo_list_delete(struct todo_list *list, u32 id);
struct todo_entry *todo_list_find(struct todo_list *list, u32 id);
struct todo_entry *todo_list_next(struct todo_list *list, u32 after_id);
struct todo_entry *todo_list_next_on(struct todo_list *list, u32 date,
				     u32 after_id);

/**
 * todo_list_size() - Number of entries in a list.
 * @list: the list.
 *
 * Return: the number of live entries (not next_id - 1).
 */
static inline u32 todo_list_size(const struct todo_list *list)
{
	return list->size;
}

#endif /* _TODO_LIST_H */
