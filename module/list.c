// SPDX-License-Identifier: GPL-2.0
/*
 * The to-do list core (the book's Todo.List).
 *
 * Entries live in an xarray keyed by id, so a lookup by id is a radix-tree
 * walk, and in a red-black tree ordered by (date, id), so the entries of one
 * date are found with one O(log n) descent and then read in ascending id
 * order without looking at any other date.  Ids come from next_id, which
 * starts at 1 and only grows: an id is never handed out twice, whatever is
 * updated or deleted.
 *
 * Every operation either succeeds completely or leaves the list exactly as
 * it was: all validation and allocation happen before the first change.
 *
 * The list also keeps the size of its encoding (codec.c) up to date, so
 * that a change that would make it too large to store is refused here,
 * while the client can still be told, rather than by a later store.
 *
 * Owns: one list in memory, its indexes, ids and size.  Must not: take a
 * lock (its server serialises it), validate titles (they are validated
 * where they enter the module), or do I/O.
 */
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/stringify.h>

#include "codec.h"
#include "date.h"
#include "list.h"
#include "title.h"

/* Bytes an entry with a @title_len-byte title takes in the encoding. */
#define TODO_ENTRY_BYTES(title_len)	(TODO_CODEC_ENTRY_SIZE + (title_len))

#define TODO_LIST_TOO_BIG	"list would exceed the " \
	__stringify(TODO_CODEC_MAX_MIB) " MiB file size limit"

/* Fail with @err, telling the caller why if it asked (@why not NULL). */
static int todo_list_fail(const char **why, int err, const char *reason)
{
	if (why)
		*why = reason;
	return err;
}

/* Would the encoding grow past the limit if it grew by @more bytes? */
static bool todo_list_too_big(const struct todo_list *list, size_t more)
{
	return more > list->max_bytes || list->bytes > list->max_bytes - more;
}

/*
 * Charge @delta bytes of encoding to whoever pays for the list; nobody
 * does while it loads.  A shrink never fails.
 */
static int todo_list_charge(struct todo_list *list, s64 delta,
			    const char **why)
{
	int err;

	if (!list->charge || !delta)
		return 0;
	err = list->charge(list, delta);
	if (err == -EDQUOT)
		return todo_list_fail(why, err,
				      "over the user's byte budget (max_bytes_per_user)");
	if (err)
		return todo_list_fail(why, err, "out of memory");
	return 0;
}

static struct todo_entry *todo_entry_alloc(u32 id, u32 date,
					   const char *title, size_t len)
{
	struct todo_entry *e;

	/* Charged to the memory cgroup of the sender, if it has one. */
	e = kmalloc(struct_size(e, title, len + 1), GFP_KERNEL_ACCOUNT);
	if (!e)
		return NULL;
	RB_CLEAR_NODE(&e->date_node);
	e->id = id;
	e->date = date;
	e->title_len = len;
	memcpy(e->title, title, len);
	e->title[len] = '\0';
	return e;
}

static bool todo_entry_less(struct rb_node *a, const struct rb_node *b)
{
	const struct todo_entry *x = rb_entry(a, struct todo_entry, date_node);
	const struct todo_entry *y = rb_entry(b, struct todo_entry, date_node);

	if (x->date != y->date)
		return x->date < y->date;
	return x->id < y->id;
}

/**
 * todo_list_init() - Initialise an empty list.
 * @list: the list to initialise.
 * @max_entries: most entries the list may hold.
 * @max_title_len: longest title accepted, in bytes.
 * @max_bytes: largest encoding of the list allowed, in bytes;
 *	%TODO_CODEC_MAX_SIZE (the most that can be stored) or less.
 *
 * Context: any.
 */
void todo_list_init(struct todo_list *list, u32 max_entries, u32 max_title_len,
		    size_t max_bytes)
{
	xa_init(&list->by_id);
	list->by_date = RB_ROOT;
	list->next_id = 1;
	list->size = 0;
	list->bytes = TODO_CODEC_MIN_SIZE;
	list->max_entries = max_entries;
	list->max_title_len = min_t(u32, max_title_len, TODO_TITLE_LEN_CAP);
	list->max_bytes = min_t(size_t, max_bytes, TODO_CODEC_MAX_SIZE);
#ifdef TODO_TEST_HOOKS
	list->steps = 0;
#endif
}
EXPORT_SYMBOL_IF_KUNIT(todo_list_init);

/**
 * todo_list_destroy() - Free every entry of a list.
 * @list: the list; it is empty (and reusable) afterwards.
 *
 * Context: process context; may sleep (a list may hold millions of entries).
 */
void todo_list_destroy(struct todo_list *list)
{
	struct todo_entry *e;
	unsigned long id;

	xa_for_each(&list->by_id, id, e) {
		kfree(e);
		cond_resched();
	}
	xa_destroy(&list->by_id);
	list->by_date = RB_ROOT;
	list->size = 0;
	list->bytes = TODO_CODEC_MIN_SIZE;
}
EXPORT_SYMBOL_IF_KUNIT(todo_list_destroy);

/*
 * Validate and link a new entry with @id.  Everything that can fail happens
 * before the list changes.
 */
static int todo_list_link(struct todo_list *list, u32 id, u32 date,
			  const char *title, size_t title_len, const char **why)
{
	struct todo_entry *e;
	int err;

	if (!todo_date_valid(date))
		return todo_list_fail(why, -EINVAL, "invalid date");
	if (list->size >= list->max_entries)
		return todo_list_fail(why, -EFBIG,
				      "list is full (max_entries)");
	if (todo_list_too_big(list, TODO_ENTRY_BYTES(title_len)))
		return todo_list_fail(why, -EFBIG, TODO_LIST_TOO_BIG);
	err = todo_list_charge(list, TODO_ENTRY_BYTES(title_len), why);
	if (err)
		return err;

	e = todo_entry_alloc(id, date, title, title_len);
	if (!e) {
		todo_list_charge(list, -(s64)TODO_ENTRY_BYTES(title_len), NULL);
		return todo_list_fail(why, -ENOMEM, "out of memory");
	}
	err = xa_insert(&list->by_id, id, e, GFP_KERNEL_ACCOUNT);
	if (err) {
		kfree(e);
		todo_list_charge(list, -(s64)TODO_ENTRY_BYTES(title_len), NULL);
		if (err == -EBUSY)
			return todo_list_fail(why, -EEXIST, "id in use");
		return todo_list_fail(why, err, "out of memory");
	}
	rb_add(&e->date_node, &list->by_date, todo_entry_less);
	list->size++;
	list->bytes += TODO_ENTRY_BYTES(title_len);
	return 0;
}

/**
 * todo_list_add() - Add an entry with the next id.
 * @list: the list.
 * @date: the entry's date, YYYYMMDD.
 * @title: the entry's title, valid (see todo_title_check()); need not be
 *	NUL-terminated.
 * @title_len: length of @title in bytes, at most %TODO_TITLE_LEN_CAP.
 * @id: on success, the new entry's id.
 * @why: if not NULL, set on failure to a constant string saying why, for
 *	the client (two failures share -EFBIG, for instance).
 *
 * On failure the list is unchanged and no id is consumed.
 *
 * Context: process context; may sleep to allocate.
 * A title is validated once, where it enters the module (netlink for a
 * request, the codec for a file), against max_title_len; the list takes
 * it as it is.
 *
 * Return: 0 on success; -EINVAL for an invalid date; -EFBIG if the list is
 * full, or if
 * its encoding would grow past its max_bytes; -EDQUOT if its owner may not
 * grow (see &todo_list.charge); -EOVERFLOW if the list has used up every
 * id; -ENOMEM on allocation failure.
 */
int todo_list_add(struct todo_list *list, u32 date, const char *title,
		  size_t title_len, u32 *id, const char **why)
{
	int err;

	if (list->next_id == 0) {
		if (!todo_date_valid(date))
			return todo_list_fail(why, -EINVAL, "invalid date");
		return todo_list_fail(why, -EOVERFLOW,
				      "list has used up every id");
	}
	err = todo_list_link(list, list->next_id, date, title, title_len,
			     why);
	if (err)
		return err;
	*id = list->next_id++;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(todo_list_add);

/**
 * todo_list_insert() - Put back an entry with a known id (loading a file).
 * @list: the list.
 * @id: the entry's id; must be below @list's next_id and not in use.
 * @date: the entry's date, YYYYMMDD.
 * @title: the entry's title, valid; need not be NUL-terminated.
 * @title_len: length of @title in bytes, at most the list's max_title_len.
 *
 * Validates like todo_list_add() (the limits included) and leaves the list
 * unchanged on failure.  Set next_id before inserting.
 *
 * Context: process context; may sleep to allocate.
 * Return: 0 on success; -EINVAL for an invalid date or an id of 0 or not
 * below next_id; -EEXIST if @id is in use; -EFBIG or -ENOMEM as
 * todo_list_add().
 */
int todo_list_insert(struct todo_list *list, u32 id, u32 date,
		     const char *title, size_t title_len)
{
	if (!id || (list->next_id && id >= list->next_id))
		return -EINVAL;
	return todo_list_link(list, id, date, title, title_len, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(todo_list_insert);

/**
 * todo_list_update() - Change the date and/or the title of an entry.
 * @list: the list.
 * @id: the entry to change.
 * @date: the new date, or NULL to keep the old one.
 * @title: the new title, valid as for todo_list_add(), or NULL to keep
 *	the old one.
 * @title_len: length of @title in bytes (ignored if @title is NULL).
 * @why: if not NULL, set on failure to a constant string saying why.
 *
 * The entry keeps its id.  On failure the list is unchanged.
 *
 * Context: process context; may sleep to allocate.
 * Return: 0 on success; -EINVAL for an invalid date; -EFBIG if the longer
 * title would make the list's encoding grow past its max_bytes; -EDQUOT if
 * its owner may not grow (see &todo_list.charge); -ENOENT if no entry has
 * @id; -ENOMEM on allocation failure.
 */
int todo_list_update(struct todo_list *list, u32 id, const u32 *date,
		     const char *title, size_t title_len, const char **why)
{
	struct todo_entry *old, *new;
	u32 new_date;
	s64 growth;
	void *cur;
	int err;

	if (date && !todo_date_valid(*date))
		return todo_list_fail(why, -EINVAL, "invalid date");
	old = xa_load(&list->by_id, id);
	if (!old)
		return todo_list_fail(why, -ENOENT, "entry id not found");
	new_date = date ? *date : old->date;
	growth = title ? (s64)title_len - old->title_len : 0;
	if (growth > 0 && todo_list_too_big(list, growth))
		return todo_list_fail(why, -EFBIG, TODO_LIST_TOO_BIG);
	if (growth > 0) {
		err = todo_list_charge(list, growth, why);
		if (err)
			return err;
	}

	if (!title) {
		if (new_date != old->date) {
			rb_erase(&old->date_node, &list->by_date);
			old->date = new_date;
			rb_add(&old->date_node, &list->by_date,
			       todo_entry_less);
		}
		return 0;
	}

	new = todo_entry_alloc(id, new_date, title, title_len);
	if (!new) {
		todo_list_charge(list, -max_t(s64, growth, 0), NULL);
		return todo_list_fail(why, -ENOMEM, "out of memory");
	}
	/* Replacing a present index allocates nothing, but check anyway. */
	cur = xa_store(&list->by_id, id, new, GFP_KERNEL_ACCOUNT);
	if (xa_is_err(cur)) {
		kfree(new);
		todo_list_charge(list, -max_t(s64, growth, 0), NULL);
		return todo_list_fail(why, xa_err(cur), "out of memory");
	}
	rb_erase(&old->date_node, &list->by_date);
	rb_add(&new->date_node, &list->by_date, todo_entry_less);
	list->bytes = list->bytes - old->title_len + title_len;
	kfree(old);
	if (growth < 0)
		todo_list_charge(list, growth, NULL);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(todo_list_update);

/**
 * todo_list_delete() - Remove an entry.
 * @list: the list.
 * @id: the entry to remove.
 *
 * Its id is not reused.
 *
 * Context: any context that may take a spinlock.
 * Return: 0 on success, -ENOENT (list unchanged) if no entry has @id.
 */
int todo_list_delete(struct todo_list *list, u32 id)
{
	struct todo_entry *e;

	e = xa_erase(&list->by_id, id);
	if (!e)
		return -ENOENT;
	rb_erase(&e->date_node, &list->by_date);
	list->size--;
	list->bytes -= TODO_ENTRY_BYTES(e->title_len);
	todo_list_charge(list, -(s64)TODO_ENTRY_BYTES(e->title_len), NULL);
	kfree(e);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(todo_list_delete);

/**
 * todo_list_find() - Look an entry up by id.
 * @list: the list.
 * @id: the id.
 *
 * Context: any.
 * Return: the entry, or NULL.  Valid until the list is next changed.
 */
struct todo_entry *todo_list_find(struct todo_list *list, u32 id)
{
	return xa_load(&list->by_id, id);
}
EXPORT_SYMBOL_IF_KUNIT(todo_list_find);

/**
 * todo_list_next() - The entry with the smallest id above @after_id.
 * @list: the list.
 * @after_id: 0 for the first entry, else the id last seen.
 *
 * Walking with this from 0 visits all entries in ascending id order, and is
 * a resumable cursor for dumps.
 *
 * Context: any.
 * Return: the entry, or NULL if there is none.
 */
struct todo_entry *todo_list_next(struct todo_list *list, u32 after_id)
{
	unsigned long index = (unsigned long)after_id + 1;

	return xa_find(&list->by_id, &index, U32_MAX, XA_PRESENT);
}
EXPORT_SYMBOL_IF_KUNIT(todo_list_next);

/**
 * todo_list_next_on() - The entry of @date with the smallest id above
 *	@after_id.
 * @list: the list.
 * @date: the date, YYYYMMDD.
 * @after_id: 0 for the date's first entry, else the id last seen.
 *
 * One descent of the date index: O(log n), whatever the other dates hold.
 *
 * Context: any.
 * Return: the entry, or NULL if there is none.
 */
struct todo_entry *todo_list_next_on(struct todo_list *list, u32 date,
				     u32 after_id)
{
	struct rb_node *node = list->by_date.rb_node;
	struct todo_entry *best = NULL;

	while (node) {
		struct todo_entry *e = rb_entry(node, struct todo_entry,
						date_node);

		todo_list_count_step(list);
		if (e->date > date || (e->date == date && e->id > after_id)) {
			best = e;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return best && best->date == date ? best : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(todo_list_next_on);
