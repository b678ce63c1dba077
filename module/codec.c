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
 *
 * Owns: the byte layout of a list file, encoding and decoding, and the
 * checks of a file's titles.  Must not: read or write files, or know
 * where lists are kept.
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
#include <linux/stddef.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "codec.h"
#include "date.h"
#include "title.h"

#define TODO_MAGIC_LEN		4
#define TODO_NAME_FIELD		64

/**
 * struct todo_file_header - The fixed header at the start of a list file.
 * @magic: %TODO_CODEC_MAGIC, without its NUL.
 * @version: %TODO_CODEC_VERSION.
 * @flags: 0; no flag is defined.
 * @owner: the list's owner.
 * @name_len: length of @name, 1..%TODO_NAME_MAX.
 * @reserved: 0.
 * @name: the list's name, zero-padded.
 * @next_id: the list's next id; 0 once every id is used.
 * @count: number of entries that follow.
 *
 * Packed and little-endian, as Documentation/format.rst lays it out; read
 * and written in place in the file's buffer, which need not be aligned.
 */
struct todo_file_header {
	u8 magic[TODO_MAGIC_LEN];
	__le16 version;
	__le16 flags;
	__le32 owner;
	u8 name_len;
	u8 reserved[3];
	char name[TODO_NAME_FIELD];
	__le32 next_id;
	__le32 count;
} __packed;

/**
 * struct todo_file_entry - An entry of a list file, without its title.
 * @id: the entry's id.
 * @date: its date, YYYYMMDD.
 * @title_len: length of @title in bytes.
 * @title: the title, not NUL-terminated.
 */
struct todo_file_entry {
	__le32 id;
	__le32 date;
	__le16 title_len;
	char title[];
} __packed;

/**
 * struct todo_file_trailer - The end of a list file.
 * @crc: CRC-32 of every byte before it.
 */
struct todo_file_trailer {
	__le32 crc;
} __packed;

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
	BUILD_BUG_ON(sizeof(struct todo_file_header) != TODO_CODEC_HEADER_SIZE);
	BUILD_BUG_ON(offsetof(struct todo_file_header, name) != 16);
	BUILD_BUG_ON(offsetof(struct todo_file_header, count) != 84);
	BUILD_BUG_ON(sizeof(struct todo_file_entry) != TODO_CODEC_ENTRY_SIZE);
	BUILD_BUG_ON(sizeof(struct todo_file_trailer) !=
		     TODO_CODEC_TRAILER_SIZE);
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

/*
 * Encode @list into a buffer of @size bytes, which must be exactly the
 * encoding's size: -EUCLEAN, and nothing written past the buffer, if the
 * entries do not fill it exactly.
 */
static int todo_codec_encode_sized(const struct todo_key *key,
				   struct todo_list *list, size_t size,
				   void **buf)
{
	struct todo_file_trailer *t;
	struct todo_file_header *h;
	struct todo_file_entry *fe;
	struct todo_entry *e;
	u32 count = 0;
	size_t pos;
	u8 *p;

	if (size < TODO_CODEC_MIN_SIZE || size > TODO_CODEC_MAX_SIZE)
		return -EUCLEAN;
	p = kvmalloc(size, GFP_KERNEL);
	if (!p)
		return -ENOMEM;

	h = (struct todo_file_header *)p;
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, TODO_CODEC_MAGIC, TODO_MAGIC_LEN);
	h->version = cpu_to_le16(TODO_CODEC_VERSION);
	h->owner = cpu_to_le32(key->owner);
	h->name_len = key->len;
	memcpy(h->name, key->name, min_t(size_t, key->len, TODO_NAME_FIELD));
	h->next_id = cpu_to_le32(list->next_id);

	pos = sizeof(*h);
	for (e = todo_codec_next(list, NULL); e; e = todo_codec_next(list, e)) {
		/* Room for the entry, and the trailer after it. */
		if (struct_size(fe, title, e->title_len) >
		    size - TODO_CODEC_TRAILER_SIZE - pos)
			goto bad_size;
		fe = (struct todo_file_entry *)(p + pos);
		fe->id = cpu_to_le32(e->id);
		fe->date = cpu_to_le32(e->date);
		fe->title_len = cpu_to_le16(e->title_len);
		memcpy(fe->title, e->title, e->title_len);
		pos += struct_size(fe, title, e->title_len);
		count++;
		cond_resched();
	}
	if (pos + TODO_CODEC_TRAILER_SIZE != size)
		goto bad_size;
	h->count = cpu_to_le32(count);
	t = (struct todo_file_trailer *)(p + pos);
	t->crc = cpu_to_le32(todo_codec_crc(p, pos));
	*buf = p;
	return 0;

bad_size:
	kvfree(p);
	return -EUCLEAN;
}

/**
 * todo_codec_encode() - Encode a list as the contents of its file.
 * @key: the list's owner and name, recorded in the header.
 * @list: the list.
 * @buf: on success, set to the encoding, allocated with kvmalloc(); the
 *	caller frees it with kvfree().
 * @len: on success, set to the encoding's size in bytes.
 *
 * The buffer is exactly as large as the encoding, whose size the list
 * keeps (&todo_list.bytes), so the list is walked once.  Should that count
 * be wrong (a bug, reported once in the log), the size is counted with
 * todo_codec_size() and the list encoded again, so the file is still
 * right.  The list is only read.
 *
 * Context: process context; may sleep.  The list must not change during
 * the call (its owner serialises every operation on it).
 * Return: 0; -EFBIG if the encoding would be larger than
 * %TODO_CODEC_MAX_SIZE bytes; -ENOMEM on allocation failure; -EUCLEAN if
 * even the counted size is not the encoding's (the list changed during
 * the call).
 */
int todo_codec_encode(const struct todo_key *key, struct todo_list *list,
		      void **buf, size_t *len)
{
	size_t size = list->bytes;
	int err;

	todo_codec_layout_check();
	err = todo_codec_encode_sized(key, list, size, buf);
	if (err != -EUCLEAN)
		goto out;
	pr_err_once("list %u/%.*s: its byte count %zu is not the size of its encoding; counted instead\n",
		    key->owner, (int)key->len, key->name, size);
	err = todo_codec_size(list, &size);
	if (!err)
		err = todo_codec_encode_sized(key, list, size, buf);
out:
	if (!err)
		*len = size;
	return err;
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
	const struct todo_file_entry *fe;
	size_t pos = 0, title_len;
	u32 i, id, prev = 0;

	for (i = 0; i < count; i++) {
		if (pos == len)
			return todo_codec_bad(why,
					      "fewer entries than the entry count");
		if (len - pos < sizeof(*fe))
			return todo_codec_bad(why, "truncated entry");
		fe = (const struct todo_file_entry *)(p + pos);
		title_len = le16_to_cpu(fe->title_len);
		if (len - pos - sizeof(*fe) < title_len)
			return todo_codec_bad(why, "truncated entry");

		id = le32_to_cpu(fe->id);
		if (!id)
			return todo_codec_bad(why, "entry id 0");
		if (next_id && id >= next_id)
			return todo_codec_bad(why,
					      "entry id not below next_id");
		if (id == prev)
			return todo_codec_bad(why, "duplicate entry id");
		if (id < prev)
			return todo_codec_bad(why, "entries out of id order");
		if (!todo_date_valid(le32_to_cpu(fe->date)))
			return todo_codec_bad(why, "invalid entry date");
		/* Only validity here: the list's length limit comes later. */
		if (todo_title_check(fe->title, title_len, U16_MAX))
			return todo_codec_bad(why, "invalid entry title");
		prev = id;
		pos += sizeof(*fe) + title_len;
		cond_resched();
	}
	if (pos == len)
		return 0;

	/* Whole entries left over mean a wrong count; anything else is junk. */
	while (len - pos >= sizeof(*fe)) {
		fe = (const struct todo_file_entry *)(p + pos);
		title_len = le16_to_cpu(fe->title_len);
		if (len - pos - sizeof(*fe) < title_len)
			break;
		pos += sizeof(*fe) + title_len;
		cond_resched();
	}
	if (pos == len)
		return todo_codec_bad(why,
				      "more entries than the entry count");
	return todo_codec_bad(why, "trailing bytes after the entries");
}

/* Why an entry that passed the checks could not be inserted. */
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
	const struct todo_file_trailer *t;
	const struct todo_file_header *h;
	const struct todo_file_entry *fe;
	size_t name_len, pos, title_len, end;
	u32 i, next_id, count, old_next_id;
	const u8 *p = buf;
	int err;

	*why = NULL;
	if (len < TODO_CODEC_MIN_SIZE)
		return todo_codec_bad(why, "too short");
	h = buf;
	if (memcmp(h->magic, TODO_CODEC_MAGIC, TODO_MAGIC_LEN))
		return todo_codec_bad(why, "bad magic");
	if (le16_to_cpu(h->version) != TODO_CODEC_VERSION)
		return todo_codec_bad(why, "unknown format version");
	end = len - sizeof(*t);
	t = (const struct todo_file_trailer *)(p + end);
	if (todo_codec_crc(p, end) != le32_to_cpu(t->crc))
		return todo_codec_bad(why, "checksum mismatch");
	if (le16_to_cpu(h->flags))
		return todo_codec_bad(why, "unknown flags");
	if (memchr_inv(h->reserved, 0, sizeof(h->reserved)))
		return todo_codec_bad(why, "reserved bytes not zero");
	if (le32_to_cpu(h->owner) != key->owner)
		return todo_codec_bad(why, "owner does not match the list");
	name_len = h->name_len;
	if (name_len != key->len || name_len > TODO_NAME_FIELD ||
	    memcmp(h->name, key->name, name_len))
		return todo_codec_bad(why, "name does not match the list");
	if (memchr_inv(h->name + name_len, 0, TODO_NAME_FIELD - name_len))
		return todo_codec_bad(why, "name padding not zero");

	next_id = le32_to_cpu(h->next_id);
	count = le32_to_cpu(h->count);
	err = todo_codec_check_entries(p + sizeof(*h), end - sizeof(*h),
				       next_id, count, why);
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
	pos = sizeof(*h);
	for (i = 0; i < count; i++) {
		fe = (const struct todo_file_entry *)(p + pos);
		title_len = le16_to_cpu(fe->title_len);
		/* The title's one limit; check_entries() checked its text. */
		if (title_len > list->max_title_len)
			err = -EMSGSIZE;
		else
			err = todo_list_insert(list, le32_to_cpu(fe->id),
					       le32_to_cpu(fe->date), fe->title,
					       title_len);
		if (err) {
			todo_list_destroy(list);
			list->next_id = old_next_id;
			return todo_codec_insert_failed(err, why);
		}
		pos += sizeof(*fe) + title_len;
		cond_resched();
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(todo_codec_decode);
