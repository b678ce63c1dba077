// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the on-disk format of a list.  Round trips (the book's fixture, an
 * empty list, next_id after deletes, a used-up id space, 10,000 entries),
 * the exact bytes of one file, and a table of damaged files, each of which
 * must be refused with the right error and reason and leave the list empty.
 */
#include <kunit/test.h>
#include <linux/crc32.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "codec.h"

#define OWNER		1000
#define NAME		"groceries"
#define MAX_ENTRIES	1000
#define MAX_TITLE_LEN	64
#define DUMP_LEN	512

/* Offsets into the fixture's encoding (Documentation/format.rst). */
#define POS_VERSION	4
#define POS_FLAGS	6
#define POS_OWNER	8
#define POS_NAME_LEN	12
#define POS_RESERVED	13
#define POS_NAME		16
#define POS_NEXT_ID	80
#define POS_COUNT	84
/* The fixture's two entries: id 1 "Dentist", then id 3 "Movies". */
#define POS_ENTRY1	TODO_CODEC_HEADER_SIZE
#define POS_ENTRY2	(POS_ENTRY1 + TODO_CODEC_ENTRY_SIZE + 7)
#define POS_ID		0
#define POS_DATE		4
#define POS_TITLE_LEN	8
#define POS_TITLE	10

/* Room for corruptions that make the encoding longer. */
#define SLACK		16

struct todo_codec_ctx {
	struct todo_list src;
	struct todo_list dst;
	struct todo_key key;
	void *buf;
	size_t len;
};

static int todo_codec_test_init(struct kunit *test)
{
	struct todo_codec_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	todo_list_init(&ctx->src, MAX_ENTRIES, MAX_TITLE_LEN,
		       TODO_CODEC_MAX_SIZE);
	todo_list_init(&ctx->dst, MAX_ENTRIES, MAX_TITLE_LEN,
		       TODO_CODEC_MAX_SIZE);
	KUNIT_ASSERT_EQ(test, todo_key_init(&ctx->key, OWNER, NAME,
					    strlen(NAME)), 0);
	test->priv = ctx;
	return 0;
}

static void todo_codec_test_exit(struct kunit *test)
{
	struct todo_codec_ctx *ctx = test->priv;

	todo_list_destroy(&ctx->src);
	todo_list_destroy(&ctx->dst);
	kvfree(ctx->buf);
}

static u32 add(struct kunit *test, u32 date, const char *title)
{
	struct todo_codec_ctx *ctx = test->priv;
	u32 id = 0;

	KUNIT_EXPECT_EQ(test, todo_list_add(&ctx->src, date, title,
					    strlen(title), &id, NULL), 0);
	return id;
}

/* The book's fixture, then entry 2 deleted: ids 1 and 3, next_id 4. */
static void add_fixture(struct kunit *test)
{
	struct todo_codec_ctx *ctx = test->priv;

	KUNIT_EXPECT_EQ(test, add(test, 20181219, "Dentist"), 1);
	KUNIT_EXPECT_EQ(test, add(test, 20181220, "Shopping"), 2);
	KUNIT_EXPECT_EQ(test, add(test, 20181219, "Movies"), 3);
	KUNIT_EXPECT_EQ(test, todo_list_delete(&ctx->src, 2), 0);
}

/* Encode the source list into ctx->buf, checking the size helper too. */
static void encode(struct kunit *test)
{
	struct todo_codec_ctx *ctx = test->priv;
	size_t size = 0;

	KUNIT_ASSERT_EQ(test, todo_codec_size(&ctx->src, &size), 0);
	KUNIT_ASSERT_EQ(test, todo_codec_encode(&ctx->key, &ctx->src,
						&ctx->buf, &ctx->len), 0);
	KUNIT_ASSERT_NOT_NULL(test, ctx->buf);
	KUNIT_EXPECT_EQ(test, ctx->len, size);
}

/* "next_id size: id/date/title ..." in id order, after an index check. */
static const char *dump(struct kunit *test, struct todo_list *list)
{
	char *buf = kunit_kzalloc(test, DUMP_LEN, GFP_KERNEL);
	struct todo_entry *e;
	struct rb_node *node;
	unsigned int n = 0;
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (node = rb_first(&list->by_date); node; node = rb_next(node))
		n++;
	KUNIT_EXPECT_EQ(test, n, todo_list_size(list));

	len = scnprintf(buf, DUMP_LEN, "%u %u:", list->next_id,
			todo_list_size(list));
	for (e = todo_list_next(list, 0); e;
	     e = e->id == U32_MAX ? NULL : todo_list_next(list, e->id))
		len += scnprintf(buf + len, DUMP_LEN - len, " %u/%u/%s",
				 e->id, e->date, e->title);
	return buf;
}

/* Decode ctx->buf into ctx->dst with the context's key. */
static int decode(struct kunit *test, const char **why)
{
	struct todo_codec_ctx *ctx = test->priv;

	return todo_codec_decode(ctx->buf, ctx->len, &ctx->key, &ctx->dst,
				 why);
}

/*
 * The encoding is sized by the list's byte count: after updates that
 * lengthen, shorten or keep a title, a date-only update, a delete and an
 * insert below next_id, the count, a fresh count and the encoding agree,
 * and the decoded list encodes to the same bytes.
 */
static void todo_codec_encode_after_changes(struct kunit *test)
{
	struct todo_codec_ctx *ctx = test->priv;
	const char *why = "unset";
	u32 date = 20181224;
	void *again = NULL;
	size_t size = 0, len = 0;

	add_fixture(test);
	KUNIT_EXPECT_EQ(test, add(test, 20181222, "Bake"), 4);
	KUNIT_EXPECT_EQ(test, add(test, 20181223, "Wrap presents"), 5);
	KUNIT_ASSERT_EQ(test, todo_list_update(&ctx->src, 1, NULL,
					       "Dentist at nine", 15, NULL), 0);
	KUNIT_ASSERT_EQ(test, todo_list_update(&ctx->src, 3, NULL, "Film", 4,
					       NULL), 0);
	KUNIT_ASSERT_EQ(test, todo_list_update(&ctx->src, 4, NULL, "Cake", 4,
					       NULL), 0);
	KUNIT_ASSERT_EQ(test, todo_list_update(&ctx->src, 5, &date, NULL, 0,
					       NULL), 0);
	KUNIT_ASSERT_EQ(test, todo_list_delete(&ctx->src, 4), 0);
	KUNIT_ASSERT_EQ(test, todo_list_insert(&ctx->src, 2, 20181220, "Shop",
					       4), 0);

	encode(test);
	KUNIT_EXPECT_EQ(test, ctx->len, ctx->src.bytes);
	KUNIT_ASSERT_EQ(test, todo_codec_size(&ctx->src, &size), 0);
	KUNIT_EXPECT_EQ(test, size, ctx->len);
	KUNIT_ASSERT_EQ(test, decode(test, &why), 0);
	KUNIT_EXPECT_EQ(test, ctx->dst.bytes, ctx->len);
	KUNIT_EXPECT_STREQ(test, dump(test, &ctx->dst), dump(test, &ctx->src));
	KUNIT_ASSERT_EQ(test, todo_codec_encode(&ctx->key, &ctx->dst, &again,
						&len), 0);
	KUNIT_EXPECT_EQ(test, len, ctx->len);
	if (len == ctx->len)
		KUNIT_EXPECT_EQ(test, memcmp(again, ctx->buf, len), 0);
	kvfree(again);
}

/*
 * A wrong byte count (a bug elsewhere) costs a second walk, not a wrong
 * file nor a write past the buffer: whatever the count says, the encoding
 * is the list's, as its counted size says.
 */
static void todo_codec_encode_wrong_count(struct kunit *test)
{
	static const size_t wrong[] = {
		0, 1, TODO_CODEC_MIN_SIZE - 1, TODO_CODEC_MIN_SIZE,
		TODO_CODEC_MAX_SIZE + 1, SIZE_MAX,
	};
	struct todo_codec_ctx *ctx = test->priv;
	size_t right, size, len, i;
	void *buf, *good;

	add_fixture(test);
	encode(test);
	good = ctx->buf;
	right = ctx->len;
	ctx->buf = NULL;
	for (i = 0; i < ARRAY_SIZE(wrong) + 2; i++) {
		size = i < ARRAY_SIZE(wrong) ? wrong[i] :
		       i == ARRAY_SIZE(wrong) ? right - 1 : right + 4;
		ctx->src.bytes = size;
		buf = NULL;
		len = 0;
		KUNIT_EXPECT_EQ_MSG(test, todo_codec_encode(&ctx->key,
							    &ctx->src, &buf,
							    &len), 0,
				    "count %zu", size);
		KUNIT_EXPECT_EQ_MSG(test, len, right, "count %zu", size);
		if (buf && len == right)
			KUNIT_EXPECT_EQ_MSG(test, memcmp(buf, good, len), 0,
					    "count %zu", size);
		kvfree(buf);
	}
	ctx->src.bytes = right;
	kvfree(good);
}

/* The book's fixture survives a round trip, gap and next_id included. */
static void todo_codec_fixture_round_trip(struct kunit *test)
{
	struct todo_codec_ctx *ctx = test->priv;
	const char *why = "unset";
	u32 id = 0;

	add_fixture(test);
	encode(test);
	KUNIT_EXPECT_EQ(test, ctx->len, TODO_CODEC_MIN_SIZE +
			2 * TODO_CODEC_ENTRY_SIZE + 7 + 6);
	KUNIT_ASSERT_EQ(test, decode(test, &why), 0);
	KUNIT_EXPECT_NULL(test, why);
	KUNIT_EXPECT_STREQ(test, dump(test, &ctx->dst),
			   "4 2: 1/20181219/Dentist 3/20181219/Movies");
	KUNIT_EXPECT_STREQ(test, dump(test, &ctx->dst),
			   dump(test, &ctx->src));

	/* The loaded list goes on where the saved one stopped. */
	KUNIT_EXPECT_EQ(test, todo_list_add(&ctx->dst, 20181221, "Gym", 3,
					    &id, NULL), 0);
	KUNIT_EXPECT_EQ(test, id, 4);
	KUNIT_EXPECT_NULL(test, todo_list_next_on(&ctx->dst, 20181220, 0));
}

/* The fixture's file, byte for byte: the format must not drift. */
static void todo_codec_fixture_bytes(struct kunit *test)
{
	static const u8 expected[] = {
		'T', 'O', 'D', 'O',		/* magic */
		0x01, 0x00,			/* version 1 */
		0x00, 0x00,			/* flags */
		0xe8, 0x03, 0x00, 0x00,		/* owner 1000 */
		0x09,				/* name length */
		0x00, 0x00, 0x00,		/* reserved */
		'g', 'r', 'o', 'c', 'e', 'r', 'i', 'e', 's',
		[POS_NEXT_ID] = 0x04, 0x00, 0x00, 0x00,	/* next_id 4 */
		0x02, 0x00, 0x00, 0x00,		/* 2 entries */
		0x01, 0x00, 0x00, 0x00,		/* id 1 */
		0xe3, 0xf0, 0x33, 0x01,		/* 20181219 */
		0x07, 0x00,			/* 7 bytes of title */
		'D', 'e', 'n', 't', 'i', 's', 't',
		0x03, 0x00, 0x00, 0x00,		/* id 3 */
		0xe3, 0xf0, 0x33, 0x01,		/* 20181219 */
		0x06, 0x00,			/* 6 bytes of title */
		'M', 'o', 'v', 'i', 'e', 's',
		0xb1, 0x31, 0x6e, 0x72,		/* CRC-32 0x726e31b1 */
	};
	struct todo_codec_ctx *ctx = test->priv;

	add_fixture(test);
	encode(test);
	KUNIT_ASSERT_EQ(test, ctx->len, sizeof(expected));
	KUNIT_EXPECT_MEMEQ(test, ctx->buf, expected, sizeof(expected));
	/* The trailer is CRC-32/ISO-HDLC, whose check value is 0xcbf43926. */
	KUNIT_EXPECT_EQ(test, crc32_le(~0U, (const u8 *)"123456789", 9) ^ ~0U,
			0xcbf43926);
}

/* A new, empty list: a header and a trailer, nothing else. */
static void todo_codec_empty_round_trip(struct kunit *test)
{
	struct todo_codec_ctx *ctx = test->priv;
	const char *why = "unset";

	ctx->dst.next_id = 77;	/* must be overwritten */
	encode(test);
	KUNIT_EXPECT_EQ(test, ctx->len, TODO_CODEC_MIN_SIZE);
	KUNIT_ASSERT_EQ(test, decode(test, &why), 0);
	KUNIT_EXPECT_NULL(test, why);
	KUNIT_EXPECT_STREQ(test, dump(test, &ctx->dst), "1 0:");
}

/* Deleted ids stay used: next_id survives even when no entry is left. */
static void todo_codec_next_id_after_deletes(struct kunit *test)
{
	struct todo_codec_ctx *ctx = test->priv;
	const char *why;
	unsigned int i;
	u32 id = 0;

	for (i = 1; i <= 5; i++)
		KUNIT_EXPECT_EQ(test, add(test, 20181219, "x"), i);
	KUNIT_EXPECT_EQ(test, todo_list_delete(&ctx->src, 4), 0);
	KUNIT_EXPECT_EQ(test, todo_list_delete(&ctx->src, 5), 0);
	encode(test);
	KUNIT_ASSERT_EQ(test, decode(test, &why), 0);
	KUNIT_EXPECT_STREQ(test, dump(test, &ctx->dst),
			   "6 3: 1/20181219/x 2/20181219/x 3/20181219/x");
	KUNIT_EXPECT_EQ(test, todo_list_add(&ctx->dst, 20181219, "y", 1, &id,
					    NULL), 0);
	KUNIT_EXPECT_EQ(test, id, 6);

	/* Now without any entry. */
	for (i = 1; i <= 3; i++)
		KUNIT_EXPECT_EQ(test, todo_list_delete(&ctx->src, i), 0);
	kvfree(ctx->buf);
	ctx->buf = NULL;
	todo_list_destroy(&ctx->dst);
	ctx->dst.next_id = 1;
	encode(test);
	KUNIT_EXPECT_EQ(test, ctx->len, TODO_CODEC_MIN_SIZE);
	KUNIT_ASSERT_EQ(test, decode(test, &why), 0);
	KUNIT_EXPECT_STREQ(test, dump(test, &ctx->dst), "6 0:");
}

/*
 * A list that has handed out id U32_MAX has next_id 0: no id is left.  The
 * file keeps that, and id U32_MAX is not "at or above next_id".
 */
static void todo_codec_ids_used_up(struct kunit *test)
{
	struct todo_codec_ctx *ctx = test->priv;
	const char *why;
	u32 id;

	ctx->src.next_id = U32_MAX - 1;
	KUNIT_EXPECT_EQ(test, add(test, 20181219, "second to last"),
			U32_MAX - 1);
	KUNIT_EXPECT_EQ(test, add(test, 20181220, "last"), U32_MAX);
	KUNIT_EXPECT_EQ(test, ctx->src.next_id, 0);
	encode(test);
	KUNIT_ASSERT_EQ(test, decode(test, &why), 0);
	KUNIT_EXPECT_STREQ(test, dump(test, &ctx->dst),
			   "0 2: 4294967294/20181219/second to last 4294967295/20181220/last");
	KUNIT_EXPECT_EQ(test, todo_list_add(&ctx->dst, 20181219, "x", 1, &id,
					    NULL), -EOVERFLOW);
}

/* Limits: met exactly, the file loads; exceeded, it does not. */
static void todo_codec_limits(struct kunit *test)
{
	struct todo_codec_ctx *ctx = test->priv;
	const char *why;

	add_fixture(test);
	encode(test);
	todo_list_init(&ctx->dst, 2, 7, TODO_CODEC_MAX_SIZE);
	KUNIT_ASSERT_EQ(test, decode(test, &why), 0);
	KUNIT_EXPECT_STREQ(test, dump(test, &ctx->dst),
			   "4 2: 1/20181219/Dentist 3/20181219/Movies");
}

/*
 * A title over the limit after other entries went in: those are freed
 * again (kmemleak would see a leak) and next_id is put back.
 */
static void todo_codec_limit_after_inserts(struct kunit *test)
{
	struct todo_codec_ctx *ctx = test->priv;
	const char *why = NULL;

	add(test, 20181219, "a");
	add(test, 20181219, "bb");
	add(test, 20181219, "too long");
	encode(test);
	todo_list_init(&ctx->dst, MAX_ENTRIES, 5, TODO_CODEC_MAX_SIZE);
	KUNIT_EXPECT_EQ(test, decode(test, &why), -EMSGSIZE);
	KUNIT_EXPECT_STREQ(test, why, "title longer than max_title_len");
	KUNIT_EXPECT_STREQ(test, dump(test, &ctx->dst), "1 0:");
}

/*
 * The list's byte limit applies to a file too: one byte over it, the file
 * is refused with its own reason; met exactly, it loads and the list's
 * count of its encoded size is the file's size.
 */
static void todo_codec_byte_limit(struct kunit *test)
{
	struct todo_codec_ctx *ctx = test->priv;
	const char *why = NULL;

	add_fixture(test);
	encode(test);
	KUNIT_EXPECT_EQ(test, ctx->src.bytes, ctx->len);
	todo_list_init(&ctx->dst, MAX_ENTRIES, MAX_TITLE_LEN, ctx->len - 1);
	KUNIT_EXPECT_EQ(test, decode(test, &why), -EFBIG);
	KUNIT_EXPECT_STREQ(test, why, "larger than the list's size limit");
	KUNIT_EXPECT_STREQ(test, dump(test, &ctx->dst), "1 0:");
	todo_list_init(&ctx->dst, MAX_ENTRIES, MAX_TITLE_LEN, ctx->len);
	KUNIT_ASSERT_EQ(test, decode(test, &why), 0);
	KUNIT_EXPECT_EQ(test, ctx->dst.bytes, ctx->len);
	KUNIT_EXPECT_STREQ(test, dump(test, &ctx->dst),
			   "4 2: 1/20181219/Dentist 3/20181219/Movies");
}

/* Damage to a valid encoding of the fixture, and what it must cause. */
struct todo_codec_corruption {
	const char *desc;
	/*
	 * Damage variant @i of the @*len-byte encoding at @p; may grow it
	 * by up to SLACK bytes.  Returns the expected reason, or NULL for
	 * @why.
	 */
	const char *(*corrupt)(u8 *p, size_t *len, unsigned int i);
	/* Number of variants of an encoding of @len bytes; NULL for one. */
	unsigned int (*variants)(size_t len);
	/* Recompute the trailer after the damage. */
	bool fix_crc;
	/* The key and limits to decode with; 0 or NULL for the defaults. */
	u32 owner;
	const char *name;
	u32 max_entries;
	u32 max_title_len;
	int err;
	const char *why;
};

static void put32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static unsigned int every_byte(size_t len)
{
	return len;
}

static unsigned int every_bit(size_t len)
{
	return len * 8;
}

static const char *truncate_to(u8 *p, size_t *len, unsigned int i)
{
	*len = i;
	return i < TODO_CODEC_MIN_SIZE ? "too short" : "checksum mismatch";
}

static const char *flip_bit(u8 *p, size_t *len, unsigned int i)
{
	p[i / 8] ^= 1 << (i % 8);
	if (i / 8 < POS_VERSION)
		return "bad magic";
	if (i / 8 < POS_FLAGS)
		return "unknown format version";
	return "checksum mismatch";
}

static const char *nothing(u8 *p, size_t *len, unsigned int i)
{
	return NULL;
}

static const char *magic_todx(u8 *p, size_t *len, unsigned int i)
{
	p[3] = 'X';
	return NULL;
}

static const char *version_2(u8 *p, size_t *len, unsigned int i)
{
	p[POS_VERSION] = 2;
	return NULL;
}

static const char *version_0(u8 *p, size_t *len, unsigned int i)
{
	p[POS_VERSION] = 0;
	return NULL;
}

static const char *flags_1(u8 *p, size_t *len, unsigned int i)
{
	p[POS_FLAGS] = 1;
	return NULL;
}

static const char *flags_high(u8 *p, size_t *len, unsigned int i)
{
	p[POS_FLAGS + 1] = 0x80;
	return NULL;
}

static const char *reserved(u8 *p, size_t *len, unsigned int i)
{
	p[POS_RESERVED + 1] = 1;
	return NULL;
}

static const char *owner_1001(u8 *p, size_t *len, unsigned int i)
{
	put32(p + POS_OWNER, OWNER + 1);
	return NULL;
}

static const char *name_len_65(u8 *p, size_t *len, unsigned int i)
{
	p[POS_NAME_LEN] = 65;
	return NULL;
}

static const char *name_padding(u8 *p, size_t *len, unsigned int i)
{
	p[POS_NAME + 63] = 'x';
	return NULL;
}

static const char *duplicate_id(u8 *p, size_t *len, unsigned int i)
{
	put32(p + POS_ENTRY2 + POS_ID, 1);
	return NULL;
}

static const char *ids_swapped(u8 *p, size_t *len, unsigned int i)
{
	put32(p + POS_ENTRY1 + POS_ID, 3);
	put32(p + POS_ENTRY2 + POS_ID, 1);
	return NULL;
}

static const char *id_0(u8 *p, size_t *len, unsigned int i)
{
	put32(p + POS_ENTRY1 + POS_ID, 0);
	return NULL;
}

static const char *id_next_id(u8 *p, size_t *len, unsigned int i)
{
	put32(p + POS_ENTRY2 + POS_ID, 4);
	return NULL;
}

static const char *next_id_3(u8 *p, size_t *len, unsigned int i)
{
	put32(p + POS_NEXT_ID, 3);
	return NULL;
}

static const char *date_feb_29(u8 *p, size_t *len, unsigned int i)
{
	put32(p + POS_ENTRY2 + POS_DATE, 20230229);
	return NULL;
}

static const char *date_0(u8 *p, size_t *len, unsigned int i)
{
	put32(p + POS_ENTRY1 + POS_DATE, 0);
	return NULL;
}

static const char *title_newline(u8 *p, size_t *len, unsigned int i)
{
	p[POS_ENTRY2 + POS_TITLE + 2] = '\n';
	return NULL;
}

static const char *title_bad_utf8(u8 *p, size_t *len, unsigned int i)
{
	p[POS_ENTRY1 + POS_TITLE] = 0xc3;
	return NULL;
}

static const char *title_len_plus_1(u8 *p, size_t *len, unsigned int i)
{
	p[POS_ENTRY2 + POS_TITLE_LEN] = 7;
	return NULL;
}

static const char *title_len_max(u8 *p, size_t *len, unsigned int i)
{
	p[POS_ENTRY1 + POS_TITLE_LEN] = 0xff;
	p[POS_ENTRY1 + POS_TITLE_LEN + 1] = 0xff;
	return NULL;
}

static const char *count_3(u8 *p, size_t *len, unsigned int i)
{
	put32(p + POS_COUNT, 3);
	return NULL;
}

static const char *count_huge(u8 *p, size_t *len, unsigned int i)
{
	put32(p + POS_COUNT, U32_MAX);
	return NULL;
}

static const char *count_1(u8 *p, size_t *len, unsigned int i)
{
	put32(p + POS_COUNT, 1);
	return NULL;
}

static const char *count_0(u8 *p, size_t *len, unsigned int i)
{
	put32(p + POS_COUNT, 0);
	return NULL;
}

/* One byte between the last entry and the trailer. */
static const char *trailing_byte(u8 *p, size_t *len, unsigned int i)
{
	p[*len - TODO_CODEC_TRAILER_SIZE] = 'x';
	*len += 1;
	return NULL;
}

/* A whole entry header, but its title runs into the trailer. */
static const char *trailing_partial_entry(u8 *p, size_t *len, unsigned int i)
{
	u8 *q = p + *len - TODO_CODEC_TRAILER_SIZE;

	memset(q, 0, TODO_CODEC_ENTRY_SIZE);
	q[POS_ID] = 4;
	q[POS_TITLE_LEN] = 1;
	*len += TODO_CODEC_ENTRY_SIZE;
	return NULL;
}

#define ANY_ERR(d, fn, fix, e, w) \
	{ .desc = d, .corrupt = fn, .fix_crc = fix, .err = e, .why = w }
#define DAMAGE(d, fn, w)	ANY_ERR(d, fn, true, -EUCLEAN, w)

static const struct todo_codec_corruption todo_codec_corruptions[] = {
	{ .desc = "every truncation", .corrupt = truncate_to,
	  .variants = every_byte, .err = -EUCLEAN },
	{ .desc = "every bit flip", .corrupt = flip_bit,
	  .variants = every_bit, .err = -EUCLEAN },
	ANY_ERR("magic TODX", magic_todx, false, -EUCLEAN, "bad magic"),
	DAMAGE("magic TODX, checksum fixed", magic_todx, "bad magic"),
	DAMAGE("version 2", version_2, "unknown format version"),
	DAMAGE("version 0", version_0, "unknown format version"),
	DAMAGE("flags 1", flags_1, "unknown flags"),
	DAMAGE("flags 0x8000", flags_high, "unknown flags"),
	DAMAGE("reserved byte set", reserved, "reserved bytes not zero"),
	{ .desc = "owner mismatch", .corrupt = nothing, .owner = OWNER + 1,
	  .err = -EUCLEAN, .why = "owner does not match the list" },
	DAMAGE("owner changed in file", owner_1001,
	       "owner does not match the list"),
	{ .desc = "name mismatch", .corrupt = nothing, .name = "groceriez",
	  .err = -EUCLEAN, .why = "name does not match the list" },
	{ .desc = "name prefix", .corrupt = nothing, .name = "grocerie",
	  .err = -EUCLEAN, .why = "name does not match the list" },
	DAMAGE("name length 65", name_len_65, "name does not match the list"),
	DAMAGE("name padding set", name_padding, "name padding not zero"),
	DAMAGE("duplicate id", duplicate_id, "duplicate entry id"),
	DAMAGE("ids out of order", ids_swapped, "entries out of id order"),
	DAMAGE("id 0", id_0, "entry id 0"),
	DAMAGE("id equal to next_id", id_next_id,
	       "entry id not below next_id"),
	DAMAGE("next_id lowered", next_id_3, "entry id not below next_id"),
	DAMAGE("date 2023-02-29", date_feb_29, "invalid entry date"),
	DAMAGE("date 0", date_0, "invalid entry date"),
	DAMAGE("newline in title", title_newline, "invalid entry title"),
	DAMAGE("bad UTF-8 in title", title_bad_utf8, "invalid entry title"),
	DAMAGE("title length past the end", title_len_plus_1,
	       "truncated entry"),
	DAMAGE("title length 65535", title_len_max, "truncated entry"),
	DAMAGE("count 3", count_3, "fewer entries than the entry count"),
	DAMAGE("count 4294967295", count_huge,
	       "fewer entries than the entry count"),
	DAMAGE("count 1", count_1, "more entries than the entry count"),
	DAMAGE("count 0", count_0, "more entries than the entry count"),
	DAMAGE("trailing byte", trailing_byte,
	       "trailing bytes after the entries"),
	DAMAGE("trailing partial entry", trailing_partial_entry,
	       "trailing bytes after the entries"),
	{ .desc = "title over max_title_len", .corrupt = nothing,
	  .max_title_len = 6, .err = -EMSGSIZE,
	  .why = "title longer than max_title_len" },
	{ .desc = "more entries than max_entries", .corrupt = nothing,
	  .max_entries = 1, .err = -EFBIG,
	  .why = "more entries than max_entries" },
};

#undef DAMAGE
#undef ANY_ERR

static void todo_codec_corruption_desc(const struct todo_codec_corruption *c,
				       char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(todo_codec_corruptions, todo_codec_corruptions,
		  todo_codec_corruption_desc);

/* Every damaged file is refused as described and leaves the list empty. */
static void todo_codec_corrupt(struct kunit *test)
{
	const struct todo_codec_corruption *c = test->param_value;
	struct todo_codec_ctx *ctx = test->priv;
	unsigned int i, n, failed = 0;
	const char *expected, *why;
	struct todo_key key;
	size_t len;
	u8 *copy;
	int err;

	add_fixture(test);
	encode(test);
	KUNIT_ASSERT_EQ(test, todo_key_init(&key, c->owner ?: OWNER,
					    c->name ?: NAME,
					    strlen(c->name ?: NAME)), 0);
	todo_list_init(&ctx->dst, c->max_entries ?: MAX_ENTRIES,
		       c->max_title_len ?: MAX_TITLE_LEN, TODO_CODEC_MAX_SIZE);
	copy = kunit_kmalloc(test, ctx->len + SLACK, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);

	n = c->variants ? c->variants(ctx->len) : 1;
	for (i = 0; i < n; i++) {
		memcpy(copy, ctx->buf, ctx->len);
		memset(copy + ctx->len, 0, SLACK);
		len = ctx->len;
		expected = c->corrupt(copy, &len, i) ?: c->why;
		if (c->fix_crc)
			put32(copy + len - TODO_CODEC_TRAILER_SIZE,
			      crc32_le(~0U, copy,
				       len - TODO_CODEC_TRAILER_SIZE) ^ ~0U);

		why = NULL;
		err = todo_codec_decode(copy, len, &key, &ctx->dst, &why);
		if (err != c->err || !why || strcmp(why, expected) ||
		    todo_list_size(&ctx->dst) || ctx->dst.next_id != 1 ||
		    todo_list_next(&ctx->dst, 0)) {
			KUNIT_FAIL(test,
				   "variant %u: err %d why \"%s\" size %u next_id %u; expected err %d why \"%s\", empty list",
				   i, err, why ?: "(null)",
				   todo_list_size(&ctx->dst),
				   ctx->dst.next_id, c->err, expected);
			todo_list_destroy(&ctx->dst);
			ctx->dst.next_id = 1;
			if (++failed == 5)
				break;
		}
	}
	kunit_info(test, "%u variants, %u wrong", n, failed);
	KUNIT_EXPECT_EQ(test, failed, 0);
}

#define BIG		10000
#define BIG_DELETED	1000

/* Date number k (0..1007) maps to a distinct day of 2000..2002. */
static u32 big_date(unsigned int k)
{
	return (2000 + k / 336) * 10000 + (k / 28 % 12 + 1) * 100 + k % 28 + 1;
}

/*
 * 10,000 live entries out of 11,000 ids (every 11th deleted), titles of
 * 8 to 61 bytes, a third of them with a two-byte UTF-8 character, loaded
 * into a list whose max_entries is exactly 10,000, compared entry by entry.
 */
static void todo_codec_10k_entries(struct kunit *test)
{
	struct todo_codec_ctx *ctx = test->priv;
	struct todo_entry *a, *b;
	unsigned int i, n = 0;
	size_t expected_len;
	char title[72];
	const char *why;
	int len;
	u32 id;

	todo_list_init(&ctx->src, BIG + BIG_DELETED, MAX_TITLE_LEN,
		       TODO_CODEC_MAX_SIZE);
	todo_list_init(&ctx->dst, BIG, MAX_TITLE_LEN, TODO_CODEC_MAX_SIZE);
	expected_len = TODO_CODEC_MIN_SIZE;
	for (i = 1; i <= BIG + BIG_DELETED; i++) {
		len = scnprintf(title, sizeof(title), "%s %u ",
				i % 3 ? "entry" : "caf\xc3\xa9", i);
		memset(title + len, '.', i % 50);
		len += i % 50;
		if (todo_list_add(&ctx->src, big_date(i % 1000), title, len,
				  &id, NULL) || id != i) {
			KUNIT_FAIL(test, "add %u failed", i);
			return;
		}
		if (i % 11 == 0)
			KUNIT_ASSERT_EQ(test, todo_list_delete(&ctx->src, i),
					0);
		else
			expected_len += TODO_CODEC_ENTRY_SIZE + len;
	}
	KUNIT_ASSERT_EQ(test, todo_list_size(&ctx->src), BIG);

	encode(test);
	KUNIT_EXPECT_EQ(test, ctx->len, expected_len);
	KUNIT_ASSERT_EQ(test, decode(test, &why), 0);
	KUNIT_EXPECT_EQ(test, ctx->dst.next_id, BIG + BIG_DELETED + 1);
	KUNIT_EXPECT_EQ(test, todo_list_size(&ctx->dst), BIG);

	for (a = todo_list_next(&ctx->src, 0), b = todo_list_next(&ctx->dst, 0);
	     a && b;
	     a = todo_list_next(&ctx->src, a->id),
	     b = todo_list_next(&ctx->dst, b->id), n++) {
		if (a->id != b->id || a->date != b->date ||
		    a->title_len != b->title_len ||
		    memcmp(a->title, b->title, a->title_len + 1)) {
			KUNIT_FAIL(test, "entry %u/%u/%s loaded as %u/%u/%s",
				   a->id, a->date, a->title, b->id, b->date,
				   b->title);
			return;
		}
	}
	KUNIT_EXPECT_NULL(test, a);
	KUNIT_EXPECT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, n, BIG);
	/* The date index was rebuilt too. */
	a = todo_list_next_on(&ctx->dst, big_date(7), 0);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, a->id, 7);

	/* One entry fewer allowed: refused whole. */
	todo_list_destroy(&ctx->dst);
	todo_list_init(&ctx->dst, BIG - 1, MAX_TITLE_LEN, TODO_CODEC_MAX_SIZE);
	KUNIT_EXPECT_EQ(test, decode(test, &why), -EFBIG);
	KUNIT_EXPECT_EQ(test, todo_list_size(&ctx->dst), 0);
}

#ifdef CONFIG_FAULT_INJECTION
/*
 * Fail the 1st, 2nd, ... allocation of a decode (the task's fail-nth
 * counter; the harness sets failslab/ignore-gfp-wait to N) until a decode
 * runs out of allocations to fail.  Each failure must be -ENOMEM with an
 * empty list; kmemleak, scanned by the harness, sees anything leaked.
 * Others' allocations (kmemleak's bookkeeping) may take the fault, so a
 * success is accepted too.
 */
static void todo_codec_alloc_failure(struct kunit *test)
{
	struct todo_codec_ctx *ctx = test->priv;
	unsigned int n, left, injected = 0;
	const char *why;
	int err;

	add_fixture(test);
	encode(test);
	for (n = 1; n < 64; n++) {
		current->fail_nth = n;
		err = decode(test, &why);
		left = current->fail_nth;
		current->fail_nth = 0;
		if (err) {
			KUNIT_EXPECT_EQ(test, err, -ENOMEM);
			KUNIT_EXPECT_STREQ(test, why, "out of memory");
			KUNIT_EXPECT_STREQ(test, dump(test, &ctx->dst), "1 0:");
			injected++;
			continue;
		}
		KUNIT_EXPECT_STREQ(test, dump(test, &ctx->dst),
				   "4 2: 1/20181219/Dentist 3/20181219/Movies");
		todo_list_destroy(&ctx->dst);
		ctx->dst.next_id = 1;
		if (left)
			break;
	}
	KUNIT_EXPECT_LT(test, n, 64);
	KUNIT_EXPECT_GT_MSG(test, injected, 0,
			    "no allocation failed: is failslab/ignore-gfp-wait N?");
}
#else
static void todo_codec_alloc_failure(struct kunit *test)
{
	kunit_skip(test, "needs CONFIG_FAULT_INJECTION");
}
#endif

/* KUNIT_CASE_SLOW (6.6+) marks a case that takes more than a second. */
#ifndef KUNIT_CASE_SLOW
#define KUNIT_CASE_SLOW KUNIT_CASE
#endif

static struct kunit_case todo_codec_test_cases[] = {
	KUNIT_CASE(todo_codec_fixture_round_trip),
	KUNIT_CASE(todo_codec_fixture_bytes),
	KUNIT_CASE(todo_codec_encode_after_changes),
	KUNIT_CASE(todo_codec_encode_wrong_count),
	KUNIT_CASE(todo_codec_empty_round_trip),
	KUNIT_CASE(todo_codec_next_id_after_deletes),
	KUNIT_CASE(todo_codec_ids_used_up),
	KUNIT_CASE(todo_codec_limits),
	KUNIT_CASE(todo_codec_limit_after_inserts),
	KUNIT_CASE(todo_codec_byte_limit),
	KUNIT_CASE_PARAM(todo_codec_corrupt, todo_codec_corruptions_gen_params),
	KUNIT_CASE_SLOW(todo_codec_10k_entries),
	KUNIT_CASE(todo_codec_alloc_failure),
	{}
};

static struct kunit_suite todo_codec_suite = {
	.name = "todo_codec",
	.init = todo_codec_test_init,
	.exit = todo_codec_test_exit,
	.test_cases = todo_codec_test_cases,
};

kunit_test_suite(todo_codec_suite);
