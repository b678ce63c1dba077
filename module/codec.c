// SPDX-License-Identifier: GPL-2.0
/*
 * The on-disk format of a to-do list (Documentation/format.rst): a fixed
 * header, the entries in ascending id order and a CRC-32 trailer, every
 * integer little-endian.  Pure functions over memory buffers; reading and
 * writing the files is the storage code's business.
 *
 * The decoder treats its input as hostile: it checks the size, the magic,
 * the version and the checksum before it looks at any length field, then
 * walks every entry once without changing the list, and only inserts
 * entries into the list once the whole file is known to be well formed.
 */
#include <kunit/visibility.h>
#include <linux/build_bug.h>
#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "codec.h"
#include "date.h"
#include "title.h"

/* Header fields: byte offsets from the start of the file. */
#define TODO_OFF_MAGIC		0
#define TODO_OFF_VERSION	4
#define TODO_OFF_FLAGS		6
#define TODO_OFF_OWNER		8
#define TODO_OFF_NAME_LEN	12
#define TODO_OFF_RESERVED	13
#define TODO_OFF_NAME		16
#define TODO_OFF_NEXT_ID	80
#define TODO_OFF_COUNT		84

/* Entry fields: byte offsets from the start of the entry. */
#define TODO_OFF_ID		0
#define TODO_OFF_DATE		4
#define TODO_OFF_TITLE_LEN	8
#define TODO_OFF_TITLE		10

#define TODO_MAGIC_LEN		4
#define TODO_RESERVED_LEN	3
#define TODO_NAME_FIELD		64

static u16 todo_get_le16(const u8 *p)
{
	return p[0] | p[1] << 8;
}

static u32 todo_get_le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static void todo_put_le16(u8 *p, u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void todo_put_le32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* CRC-32/ISO-HDLC (the zlib, PNG and Ethernet CRC) of @len bytes. */
static u32 todo_codec_crc(const u8 *p, size_t len)
{
	return crc32_le(~0U, p, len) ^ ~0U;
}

/* The entry after @e in id order; NULL at the end, id U32_MAX included. */
static struct todo_entry *todo_codec_next(struct todo_list *list,
					  struct todo_entry *e)
{
	if (!e)
		return todo_list_next(list, 0);
	if (e->id == U32_MAX)
		return NULL;
	return todo_list_next(list, e->id);
}

static void todo_codec_layout_check(void)
{
	BUILD_BUG_ON(TODO_OFF_COUNT + 4 != TODO_CODEC_HEADER_SIZE);
	BUILD_BUG_ON(TODO_OFF_RESERVED + TODO_RESERVED_LEN != TODO_OFF_NAME);
	BUILD_BUG_ON(TODO_OFF_NAME + TODO_NAME_FIELD != TODO_OFF_NEXT_ID);
	BUILD_BUG_ON(TODO_OFF_TITLE != TODO_CODEC_ENTRY_SIZE);
	BUILD_BUG_ON(sizeof(TODO_CODEC_MAGIC) - 1 != TODO_MAGIC_LEN);
	/* The name field holds any valid name, and its length fits a u8. */
	BUILD_BUG_ON(sizeof_field(struct todo_key, name) != TODO_NAME_FIELD);
	BUILD_BUG_ON(TODO_NAME_MAX > U8_MAX);
	BUILD_BUG_ON(TODO_TITLE_LEN_CAP > U16_MAX);
}

/**
 * todo_codec_size() - Size of a list's encoding.
 * @list: the list.
 * @size: set to the number of bytes todo_codec_encode() would produce.
 *
 * Walks the whole list; the list's own count, &todo_list.bytes, must agree.
 *
 * Context: process context; may sleep.  The list must not change during
 * the call.
 * Return: 0, or -EFBIG if the encoding would be larger than
 * %TODO_CODEC_MAX_SIZE bytes.
 */
int todo_codec_size(struct todo_list *list, size_t *size)
{
	size_t n = TODO_CODEC_MIN_SIZE;
	struct todo_entry *e;

	todo_codec_layout_check();
	for (e = todo_codec_next(list, NULL); e; e = todo_codec_next(list, e)) {
		if (check_add_overflow(n, TODO_CODEC_ENTRY_SIZE +
				       (size_t)e->title_len, &n) ||
		    n > TODO_CODEC_MAX_SIZE)
			return -EFBIG;
		cond_resched();
	}
	*size = n;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(todo_codec_size);

/**
 * todo_codec_encode() - Encode a list as the contents of its file.
 * @key: the list's owner and name, recorded in the header.
 * @list: the list.
 * @buf: on success, set to the encoding, allocated with kvmalloc(); the
 *	caller frees it with kvfree().
 * @len: on success, set to the encoding's size in bytes.
 *
 * The buffer is exactly as large as the encoding.  The list is only read.
 *
 * Context: process context; may sleep.  The list must not change during
 * the call (its owner serialises every operation on it).
 * Return: 0; -EFBIG if the encoding would be larger than
 * %TODO_CODEC_MAX_SIZE bytes; -ENOMEM on allocation failure.
 */
int todo_codec_encode(const struct todo_key *key, struct todo_list *list,
		      void **buf, size_t *len)
{
	struct todo_entry *e;
	size_t size, pos;
	u32 count = 0;
	u8 *p;
	int err;

	err = todo_codec_size(list, &size);
	if (err)
		return err;
	p = kvmalloc(size, GFP_KERNEL);
	if (!p)
		return -ENOMEM;

	memset(p, 0, TODO_CODEC_HEADER_SIZE);
	memcpy(p + TODO_OFF_MAGIC, TODO_CODEC_MAGIC, TODO_MAGIC_LEN);
	todo_put_le16(p + TODO_OFF_VERSION, TODO_CODEC_VERSION);
	todo_put_le32(p + TODO_OFF_OWNER, key->owner);
	p[TODO_OFF_NAME_LEN] = key->len;
	memcpy(p + TODO_OFF_NAME, key->name,
	       min_t(size_t, key->len, TODO_NAME_FIELD));
	todo_put_le32(p + TODO_OFF_NEXT_ID, list->next_id);

	pos = TODO_CODEC_HEADER_SIZE;
	for (e = todo_codec_next(list, NULL); e; e = todo_codec_next(list, e)) {
		todo_put_le32(p + pos + TODO_OFF_ID, e->id);
		todo_put_le32(p + pos + TODO_OFF_DATE, e->date);
		todo_put_le16(p + pos + TODO_OFF_TITLE_LEN, e->title_len);
		memcpy(p + pos + TODO_OFF_TITLE, e->title, e->title_len);
		pos += TODO_CODEC_ENTRY_SIZE + e->title_len;
		count++;
		cond_resched();
	}
	todo_put_le32(p + TODO_OFF_COUNT, count);
	todo_put_le32(p + pos, todo_codec_crc(p, pos));

	*buf = p;
	*len = size;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(todo_codec_encode);

static int todo_codec_fail(const char **why, int err, const char *reason)
{
	*why = reason;
	return err;
}

/* A damaged or malformed file, or one that belongs to another list. */
static int todo_codec_bad(const char **why, const char *reason)
{
	return todo_codec_fail(why, -EUCLEAN, reason);
}

/*
 * Walk the @len bytes of entries at @p without trusting anything: every
 * entry must lie inside them, ids must be 1..@next_id - 1 (any id if
 * @next_id is 0: the list has used up its ids) in strictly ascending
 * order, dates and titles must be valid, and the @count entries must end
 * exactly where the trailer starts.
 */
static int todo_codec_check_entries(const u8 *p, size_t len, u32 next_id,
				    u32 count, const char **why)
{
	size_t pos = 0, title_len;
	u32 i, id, prev = 0;

	for (i = 0; i < count; i++) {
		if (pos == len)
			return todo_codec_bad(why,
					      "fewer entries than the entry count");
		if (len - pos < TODO_CODEC_ENTRY_SIZE)
			return todo_codec_bad(why, "truncated entry");
		title_len = todo_get_le16(p + pos + TODO_OFF_TITLE_LEN);
		if (len - pos - TODO_CODEC_ENTRY_SIZE < title_len)
			return todo_codec_bad(why, "truncated entry");

		id = todo_get_le32(p + pos + TODO_OFF_ID);
		if (!id)
			return todo_codec_bad(why, "entry id 0");
		if (next_id && id >= next_id)
			return todo_codec_bad(why,
					      "entry id not below next_id");
		if (id == prev)
			return todo_codec_bad(why, "duplicate entry id");
		if (id < prev)
			return todo_codec_bad(why, "entries out of id order");
		if (!todo_date_valid(todo_get_le32(p + pos + TODO_OFF_DATE)))
			return todo_codec_bad(why, "invalid entry date");
		/* Only validity here: the list's length limit comes later. */
		if (todo_title_check((const char *)p + pos + TODO_OFF_TITLE,
				     title_len, U16_MAX))
			return todo_codec_bad(why, "invalid entry title");
		prev = id;
		pos += TODO_CODEC_ENTRY_SIZE + title_len;
		cond_resched();
	}
	if (pos == len)
		return 0;

	/* Whole entries left over mean a wrong count; anything else is junk. */
	while (len - pos >= TODO_CODEC_ENTRY_SIZE) {
		title_len = todo_get_le16(p + pos + TODO_OFF_TITLE_LEN);
		if (len - pos - TODO_CODEC_ENTRY_SIZE < title_len)
			break;
		pos += TODO_CODEC_ENTRY_SIZE + title_len;
		cond_resched();
	}
	if (pos == len)
		return todo_codec_bad(why,
				      "more entries than the entry count");
	return todo_codec_bad(why, "trailing bytes after the entries");
}

/* Why todo_list_insert() failed on an entry that passed the checks. */
static int todo_codec_insert_failed(int err, const char **why)
{
	switch (err) {
	case -EMSGSIZE:
		return todo_codec_fail(why, err,
				       "title longer than max_title_len");
	case -EFBIG:
		return todo_codec_fail(why, err,
				       "more entries than max_entries");
	case -ENOMEM:
		return todo_codec_fail(why, err, "out of memory");
	case -EINVAL:
	case -EEXIST:
		return todo_codec_bad(why, "invalid entry");
	default:
		return todo_codec_fail(why, err, "cannot insert an entry");
	}
}

/**
 * todo_codec_decode() - Load a list from the contents of its file.
 * @buf: the file's contents; never read past @len.
 * @len: their size in bytes.
 * @key: the list the file is expected to hold; a file whose header names
 *	another owner or list is refused (a file copied under another name).
 * @list: an empty list, initialised with its limits by the caller.
 * @why: set to NULL on success, else to a short static string naming the
 *	problem, for the kernel log.
 *
 * Checks, in this order: the size, the magic, the version, the CRC (before
 * any length field is used), the flags, the reserved bytes, the owner and
 * the name, then every entry (bounds, ids, order, dates, titles, count),
 * and only then the list's limits while inserting the entries.  See
 * Documentation/format.rst.
 *
 * On success @list holds the file's entries and next_id.  On failure it is
 * empty again, with its next_id as it was: whatever was inserted has been
 * freed.
 *
 * Context: process context; may sleep to allocate.
 * Return: 0; -EUCLEAN if the file is damaged or malformed, or belongs to
 * another list; -EFBIG if it holds more entries than the list's
 * max_entries or is larger than its max_bytes; -EMSGSIZE if a title is
 * longer than the list's max_title_len; -ENOMEM on allocation failure.
 */
int todo_codec_decode(const void *buf, size_t len, const struct todo_key *key,
		      struct todo_list *list, const char **why)
{
	size_t name_len, pos, title_len, end;
	u32 i, next_id, count, old_next_id;
	const u8 *p = buf;
	int err;

	*why = NULL;
	if (len < TODO_CODEC_MIN_SIZE)
		return todo_codec_bad(why, "too short");
	if (memcmp(p + TODO_OFF_MAGIC, TODO_CODEC_MAGIC, TODO_MAGIC_LEN))
		return todo_codec_bad(why, "bad magic");
	if (todo_get_le16(p + TODO_OFF_VERSION) != TODO_CODEC_VERSION)
		return todo_codec_bad(why, "unknown format version");
	end = len - TODO_CODEC_TRAILER_SIZE;
	if (todo_codec_crc(p, end) != todo_get_le32(p + end))
		return todo_codec_bad(why, "checksum mismatch");
	if (todo_get_le16(p + TODO_OFF_FLAGS))
		return todo_codec_bad(why, "unknown flags");
	if (memchr_inv(p + TODO_OFF_RESERVED, 0, TODO_RESERVED_LEN))
		return todo_codec_bad(why, "reserved bytes not zero");
	if (todo_get_le32(p + TODO_OFF_OWNER) != key->owner)
		return todo_codec_bad(why, "owner does not match the list");
	name_len = p[TODO_OFF_NAME_LEN];
	if (name_len != key->len || name_len > TODO_NAME_FIELD ||
	    memcmp(p + TODO_OFF_NAME, key->name, name_len))
		return todo_codec_bad(why, "name does not match the list");
	if (memchr_inv(p + TODO_OFF_NAME + name_len, 0,
		       TODO_NAME_FIELD - name_len))
		return todo_codec_bad(why, "name padding not zero");

	next_id = todo_get_le32(p + TODO_OFF_NEXT_ID);
	count = todo_get_le32(p + TODO_OFF_COUNT);
	err = todo_codec_check_entries(p + TODO_CODEC_HEADER_SIZE,
				       end - TODO_CODEC_HEADER_SIZE, next_id,
				       count, why);
	if (err)
		return err;
	if (count > list->max_entries)
		return todo_codec_fail(why, -EFBIG,
				       "more entries than max_entries");
	/* Then the list's encoding will be the file: check its size too. */
	if (len > list->max_bytes)
		return todo_codec_fail(why, -EFBIG,
				       "larger than the list's size limit");

	old_next_id = list->next_id;
	list->next_id = next_id;
	pos = TODO_CODEC_HEADER_SIZE;
	for (i = 0; i < count; i++) {
		title_len = todo_get_le16(p + pos + TODO_OFF_TITLE_LEN);
		err = todo_list_insert(list,
				       todo_get_le32(p + pos + TODO_OFF_ID),
				       todo_get_le32(p + pos + TODO_OFF_DATE),
				       (const char *)p + pos + TODO_OFF_TITLE,
				       title_len);
		if (err) {
			todo_list_destroy(list);
			list->next_id = old_next_id;
			return todo_codec_insert_failed(err, why);
		}
		pos += TODO_CODEC_ENTRY_SIZE + title_len;
		cond_resched();
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(todo_codec_decode);
