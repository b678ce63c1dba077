// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the to-do list core.  The first cases port the book's Todo.List
 * tests (ch07 Todo.ListTest, the ch04 script tests and the 1st edition's
 * extra cases); the rest cover ids, limits, allocation failure and size.
 */
#include <kunit/test.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "codec.h"
#include "list.h"

#define DUMP_LEN	1024

static int todo_list_test_init(struct kunit *test)
{
	struct todo_list *list;

	list = kunit_kzalloc(test, sizeof(*list), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, list);
	todo_list_init(list, 1000, 64, TODO_CODEC_MAX_SIZE);
	test->priv = list;
	return 0;
}

static void todo_list_test_exit(struct kunit *test)
{
	todo_list_destroy(test->priv);
}

static u32 add(struct kunit *test, u32 date, const char *title)
{
	u32 id = 0;

	KUNIT_EXPECT_EQ(test, todo_list_add(test->priv, date, title,
					    strlen(title), &id, NULL), 0);
	return id;
}

/* The book's fixture: Dentist and Movies on 2018-12-19, Shopping on 12-20. */
static void add_fixture(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, add(test, 20181219, "Dentist"), 1);
	KUNIT_EXPECT_EQ(test, add(test, 20181220, "Shopping"), 2);
	KUNIT_EXPECT_EQ(test, add(test, 20181219, "Movies"), 3);
}

/* The book's Todo.List.new(entries): fold add over the given entries. */
static void new_from(struct kunit *test, const u32 *dates,
		     const char *const *titles, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		add(test, dates[i], titles[i]);
}

static unsigned int count_on(struct kunit *test, u32 date)
{
	struct todo_entry *e;
	unsigned int n = 0;
	u32 last = 0;

	for (e = todo_list_next_on(test->priv, date, 0); e;
	     e = todo_list_next_on(test->priv, date, e->id)) {
		KUNIT_EXPECT_EQ(test, e->date, date);
		KUNIT_EXPECT_GT(test, e->id, last);
		last = e->id;
		n++;
	}
	return n;
}

/* Titles on @date, in the order returned, joined with '|'. */
static const char *titles_on(struct kunit *test, u32 date)
{
	char *buf = kunit_kzalloc(test, DUMP_LEN, GFP_KERNEL);
	struct todo_entry *e;
	size_t len = 0;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (e = todo_list_next_on(test->priv, date, 0); e;
	     e = todo_list_next_on(test->priv, date, e->id))
		len += scnprintf(buf + len, DUMP_LEN - len, "%s%s",
				 len ? "|" : "", e->title);
	return buf;
}

/*
 * The whole list as text ("next_id size: id/date/title ..." in id order),
 * after checking that the date index holds exactly the same entries in
 * (date, id) order.  Two lists are equal when their dumps are.
 */
static const char *dump(struct kunit *test)
{
	struct todo_list *list = test->priv;
	char *buf = kunit_kzalloc(test, DUMP_LEN, GFP_KERNEL);
	struct todo_entry *e, *prev = NULL;
	struct rb_node *node;
	unsigned int n = 0;
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (node = rb_first(&list->by_date); node; node = rb_next(node)) {
		e = rb_entry(node, struct todo_entry, date_node);
		KUNIT_EXPECT_PTR_EQ(test, todo_list_find(list, e->id), e);
		if (prev)
			KUNIT_EXPECT_TRUE(test, prev->date < e->date ||
					  (prev->date == e->date &&
					   prev->id < e->id));
		prev = e;
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, todo_list_size(list));

	len = scnprintf(buf, DUMP_LEN, "%u %u:", list->next_id,
			todo_list_size(list));
	for (e = todo_list_next(list, 0); e; e = todo_list_next(list, e->id))
		len += scnprintf(buf + len, DUMP_LEN - len, " %u/%u/%s",
				 e->id, e->date, e->title);
	return buf;
}

/* ch07 Todo.ListTest "empty list" */
static void todo_list_empty(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, todo_list_size(test->priv), 0);
	KUNIT_EXPECT_NULL(test, todo_list_next(test->priv, 0));
	KUNIT_EXPECT_EQ(test, count_on(test, 20181219), 0);
}

/* ch07 Todo.ListTest "entries": built with new(entries) */
static void todo_list_entries(struct kunit *test)
{
	static const u32 dates[] = { 20181219, 20181220, 20181219 };
	static const char *const titles[] = { "Dentist", "Shopping", "Movies" };

	new_from(test, dates, titles, ARRAY_SIZE(dates));
	KUNIT_EXPECT_EQ(test, todo_list_size(test->priv), 3);
	KUNIT_EXPECT_EQ(test, count_on(test, 20181219), 2);
	KUNIT_EXPECT_EQ(test, count_on(test, 20181220), 1);
	KUNIT_EXPECT_EQ(test, count_on(test, 20181221), 0);
	KUNIT_EXPECT_STREQ(test, titles_on(test, 20181219), "Dentist|Movies");
}

/* ch07 Todo.ListTest "add_entry", plus the 1st edition's fixture checks */
static void todo_list_add_entry(struct kunit *test)
{
	struct todo_entry *e;

	add_fixture(test);
	KUNIT_EXPECT_EQ(test, todo_list_size(test->priv), 3);
	KUNIT_EXPECT_EQ(test, count_on(test, 20181219), 2);
	KUNIT_EXPECT_EQ(test, count_on(test, 20181220), 1);
	KUNIT_EXPECT_EQ(test, count_on(test, 20181221), 0);
	KUNIT_EXPECT_STREQ(test, titles_on(test, 20181219), "Dentist|Movies");

	e = todo_list_find(test->priv, 2);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->id, 2);
	KUNIT_EXPECT_EQ(test, e->date, 20181220);
	KUNIT_EXPECT_STREQ(test, e->title, "Shopping");
	KUNIT_EXPECT_EQ(test, e->title_len, 8);
}

/* ch07 Todo.ListTest "update_entry" */
static void todo_list_update_entry(struct kunit *test)
{
	add_fixture(test);
	KUNIT_EXPECT_EQ(test, todo_list_update(test->priv, 2, NULL,
					       "Updated shopping", 16, NULL),
			0);
	KUNIT_EXPECT_EQ(test, todo_list_size(test->priv), 3);
	KUNIT_EXPECT_EQ(test, count_on(test, 20181220), 1);
	KUNIT_EXPECT_STREQ(test, titles_on(test, 20181220),
			   "Updated shopping");
	KUNIT_EXPECT_EQ(test, todo_list_find(test->priv, 2)->id, 2);
}

/* ch07 Todo.ListTest "delete_entry" */
static void todo_list_delete_entry(struct kunit *test)
{
	add_fixture(test);
	KUNIT_EXPECT_EQ(test, todo_list_delete(test->priv, 2), 0);
	KUNIT_EXPECT_EQ(test, todo_list_size(test->priv), 2);
	KUNIT_EXPECT_EQ(test, count_on(test, 20181220), 0);
	KUNIT_EXPECT_NULL(test, todo_list_find(test->priv, 2));
}

/* 1st edition: update of a missing id leaves the list equal */
static void todo_list_update_missing(struct kunit *test)
{
	static const u32 ids[] = { 0, 4, 99, U32_MAX };
	const char *before;
	u32 date = 20181221;
	unsigned int i;

	add_fixture(test);
	before = dump(test);
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		KUNIT_EXPECT_EQ(test, todo_list_update(test->priv, ids[i], NULL,
						       "Nope", 4, NULL),
				-ENOENT);
		KUNIT_EXPECT_EQ(test, todo_list_update(test->priv, ids[i],
						       &date, NULL, 0, NULL),
				-ENOENT);
		KUNIT_EXPECT_STREQ(test, dump(test), before);
	}
}

/* Delete of a missing id fails visibly and leaves the list equal. */
static void todo_list_delete_missing(struct kunit *test)
{
	const char *before;

	add_fixture(test);
	KUNIT_EXPECT_EQ(test, todo_list_delete(test->priv, 2), 0);
	before = dump(test);
	KUNIT_EXPECT_EQ(test, todo_list_delete(test->priv, 2), -ENOENT);
	KUNIT_EXPECT_EQ(test, todo_list_delete(test->priv, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, todo_list_delete(test->priv, 7), -ENOENT);
	KUNIT_EXPECT_STREQ(test, dump(test), before);
}

/* Ids are never reused, after deletes or updates. */
static void todo_list_ids_never_reused(struct kunit *test)
{
	u32 date = 20190101;

	add_fixture(test);
	KUNIT_EXPECT_EQ(test, todo_list_delete(test->priv, 3), 0);
	KUNIT_EXPECT_EQ(test, add(test, 20181222, "Gym"), 4);
	KUNIT_EXPECT_EQ(test, todo_list_update(test->priv, 4, &date, "Run", 3,
					       NULL), 0);
	KUNIT_EXPECT_EQ(test, todo_list_delete(test->priv, 1), 0);
	KUNIT_EXPECT_EQ(test, todo_list_delete(test->priv, 2), 0);
	KUNIT_EXPECT_EQ(test, todo_list_delete(test->priv, 4), 0);
	KUNIT_EXPECT_EQ(test, todo_list_size(test->priv), 0);
	KUNIT_EXPECT_EQ(test, add(test, 20181219, "Again"), 5);
	KUNIT_EXPECT_STREQ(test, dump(test), "6 1: 5/20181219/Again");
}

/* All entries come back in ascending id order, whatever their dates. */
static void todo_list_all_in_id_order(struct kunit *test)
{
	add(test, 20201231, "late");
	add(test, 20000101, "early");
	add(test, 20100615, "middle");
	add(test, 20000101, "early too");
	KUNIT_EXPECT_STREQ(test, dump(test),
			   "5 4: 1/20201231/late 2/20000101/early 3/20100615/middle 4/20000101/early too");
}

/* A date change moves the entry between dates and keeps its id. */
static void todo_list_update_date(struct kunit *test)
{
	u32 date = 20181220;

	add_fixture(test);
	KUNIT_EXPECT_EQ(test, todo_list_update(test->priv, 1, &date, NULL, 0,
					       NULL), 0);
	KUNIT_EXPECT_STREQ(test, titles_on(test, 20181219), "Movies");
	KUNIT_EXPECT_STREQ(test, titles_on(test, 20181220), "Dentist|Shopping");
	date = 20181221;
	KUNIT_EXPECT_EQ(test, todo_list_update(test->priv, 3, &date, "Cinema",
					       6, NULL), 0);
	KUNIT_EXPECT_STREQ(test, dump(test),
			   "4 3: 1/20181220/Dentist 2/20181220/Shopping 3/20181221/Cinema");
}

/* ch04 simple_todo and todo_builder: entries of one date, none on another */
static void todo_list_ch04_builder(struct kunit *test)
{
	static const u32 dates[] = { 20180101, 20180102, 20180102 };
	static const char *const titles[] = { "Dinner", "Dentist", "Meeting" };

	new_from(test, dates, titles, ARRAY_SIZE(dates));
	KUNIT_EXPECT_STREQ(test, titles_on(test, 20180101), "Dinner");
	KUNIT_EXPECT_EQ(test, todo_list_next_on(test->priv, 20180101, 0)->id,
			1);
	KUNIT_EXPECT_STREQ(test, titles_on(test, 20180102), "Dentist|Meeting");
	KUNIT_EXPECT_EQ(test, count_on(test, 20180103), 0);
}

/* ch04 todo_crud: update then, separately, delete entry 1 */
static void todo_list_ch04_crud(struct kunit *test)
{
	static const u32 dates[] = { 20180101, 20180102, 20180102 };
	static const char *const titles[] = { "Dinner", "Dentist", "Meeting" };
	struct todo_entry *e;

	new_from(test, dates, titles, ARRAY_SIZE(dates));
	KUNIT_EXPECT_EQ(test, todo_list_update(test->priv, 1, NULL,
					       "Updated", 7, NULL), 0);
	e = todo_list_next_on(test->priv, 20180101, 0);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->id, 1);
	KUNIT_EXPECT_EQ(test, e->date, 20180101);
	KUNIT_EXPECT_STREQ(test, e->title, "Updated");
	KUNIT_EXPECT_EQ(test, count_on(test, 20180101), 1);

	KUNIT_EXPECT_EQ(test, todo_list_delete(test->priv, 1), 0);
	KUNIT_EXPECT_EQ(test, count_on(test, 20180101), 0);
}

/* ch04 todo_import: the CSV fixture, then the entries of 2018-12-20 */
static void todo_list_ch04_import(struct kunit *test)
{
	struct todo_entry *e;

	add_fixture(test);
	e = todo_list_next_on(test->priv, 20181220, 0);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->id, 2);
	KUNIT_EXPECT_STREQ(test, e->title, "Shopping");
	KUNIT_EXPECT_NULL(test, todo_list_next_on(test->priv, 20181220, 2));
}

/*
 * Invalid dates are refused and change nothing.  Titles are validated
 * where they enter the module (netlink, the codec), not here: see
 * title_test.c and codec_test.c.
 */
static void todo_list_rejects_bad_input(struct kunit *test)
{
	const char *before;
	u32 bad = 20230229, id = 0;

	add_fixture(test);
	before = dump(test);
	KUNIT_EXPECT_EQ(test, todo_list_add(test->priv, bad, "x", 1, &id, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, todo_list_update(test->priv, 1, &bad, NULL, 0,
					       NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, id, 0);
	KUNIT_EXPECT_STREQ(test, dump(test), before);
}

/* Limits: a full list refuses an add until an entry is deleted. */
static void todo_list_limits(struct kunit *test)
{
	struct todo_list *list = test->priv;
	const char *before;
	u32 id;

	todo_list_init(list, 3, 8, TODO_CODEC_MAX_SIZE);
	add_fixture(test);
	before = dump(test);
	KUNIT_EXPECT_EQ(test, todo_list_add(list, 20181221, "Gym", 3, &id,
					    NULL), -EFBIG);
	KUNIT_EXPECT_STREQ(test, dump(test), before);

	/* Room again after a delete; an 8-byte title is fine. */
	KUNIT_EXPECT_EQ(test, todo_list_delete(list, 1), 0);
	KUNIT_EXPECT_EQ(test, add(test, 20181221, "12345678"), 4);
}

/* The id space is finite: once U32_MAX is used, adds fail, nothing wraps. */
static void todo_list_id_exhaustion(struct kunit *test)
{
	struct todo_list *list = test->priv;
	const char *before;
	u32 id;

	list->next_id = U32_MAX;
	KUNIT_EXPECT_EQ(test, add(test, 20181219, "last"), U32_MAX);
	before = dump(test);
	KUNIT_EXPECT_EQ(test, todo_list_add(list, 20181219, "x", 1, &id, NULL),
			-EOVERFLOW);
	KUNIT_EXPECT_STREQ(test, dump(test), before);
	KUNIT_EXPECT_EQ(test, todo_list_find(list, U32_MAX)->id, U32_MAX);
}

/* The list's own count of its encoded size, against a walk of the list. */
static void expect_bytes(struct kunit *test)
{
	struct todo_list *list = test->priv;
	size_t size = 0;

	KUNIT_ASSERT_EQ(test, todo_codec_size(list, &size), 0);
	KUNIT_EXPECT_EQ(test, list->bytes, size);
}

/* Every change keeps the encoded size up to date, failed ones included. */
static void todo_list_bytes_tracked(struct kunit *test)
{
	struct todo_list *list = test->priv;
	u32 date = 20190101, id;

	expect_bytes(test);
	KUNIT_EXPECT_EQ(test, list->bytes, (size_t)TODO_CODEC_MIN_SIZE);
	add_fixture(test);
	expect_bytes(test);
	KUNIT_EXPECT_EQ(test, todo_list_update(list, 1, NULL, "Dentist at 9",
					       12, NULL), 0);
	expect_bytes(test);
	KUNIT_EXPECT_EQ(test, todo_list_update(list, 2, &date, "Shop", 4,
					       NULL), 0);
	expect_bytes(test);
	KUNIT_EXPECT_EQ(test, todo_list_update(list, 3, &date, NULL, 0, NULL),
			0);
	expect_bytes(test);
	KUNIT_EXPECT_EQ(test, todo_list_delete(list, 2), 0);
	expect_bytes(test);
	KUNIT_EXPECT_EQ(test, todo_list_add(list, 20230229, "ab", 2, &id, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, todo_list_update(list, 9, NULL, "x", 1, NULL),
			-ENOENT);
	expect_bytes(test);
	KUNIT_EXPECT_EQ(test, todo_list_insert(list, 2, date, "back", 4), 0);
	expect_bytes(test);
	KUNIT_EXPECT_EQ(test, add(test, date, "caf\xc3\xa9"), 4);
	expect_bytes(test);
	todo_list_destroy(list);
	expect_bytes(test);
	KUNIT_EXPECT_EQ(test, list->bytes, (size_t)TODO_CODEC_MIN_SIZE);
}

/* Room for exactly two entries with 8-byte titles. */
#define SMALL_MAX_BYTES	\
	(TODO_CODEC_MIN_SIZE + 2 * (TODO_CODEC_ENTRY_SIZE + 8))

/*
 * The limit on the encoded size: an add or a title change that would pass
 * it fails with -EFBIG and its own reason, and leaves the list as it was;
 * the limit can be met exactly, and a delete or a shorter title makes room.
 */
static void todo_list_byte_limit(struct kunit *test)
{
	struct todo_list *list = test->priv;
	const char *before, *why;
	u32 id;

	todo_list_init(list, 1000, 64, SMALL_MAX_BYTES);
	KUNIT_EXPECT_EQ(test, add(test, 20181219, "Dentist1"), 1);
	KUNIT_EXPECT_EQ(test, add(test, 20181220, "Shopping"), 2);
	KUNIT_EXPECT_EQ(test, list->bytes, (size_t)SMALL_MAX_BYTES);
	before = dump(test);

	why = NULL;
	KUNIT_EXPECT_EQ(test, todo_list_add(list, 20181221, "G", 1, &id, &why),
			-EFBIG);
	KUNIT_EXPECT_STREQ(test, why,
			   "list would exceed the 256 MiB file size limit");
	why = NULL;
	KUNIT_EXPECT_EQ(test, todo_list_update(list, 2, NULL, "Shopping!", 9,
					       &why), -EFBIG);
	KUNIT_EXPECT_STREQ(test, why,
			   "list would exceed the 256 MiB file size limit");
	KUNIT_EXPECT_STREQ(test, dump(test), before);
	KUNIT_EXPECT_EQ(test, list->next_id, 3);

	/* A title of the same length, or a shorter one, still fits. */
	KUNIT_EXPECT_EQ(test, todo_list_update(list, 2, NULL, "Shop", 4, &why),
			0);
	KUNIT_EXPECT_EQ(test, todo_list_update(list, 2, NULL, "Shopping", 8,
					       &why), 0);
	KUNIT_EXPECT_EQ(test, todo_list_delete(list, 1), 0);
	KUNIT_EXPECT_EQ(test, add(test, 20181221, "Gym at 7"), 3);
	KUNIT_EXPECT_EQ(test, list->bytes, (size_t)SMALL_MAX_BYTES);
	expect_bytes(test);

	/* The limit never goes above what can be stored. */
	todo_list_destroy(list);
	todo_list_init(list, 1000, 64, SIZE_MAX);
	KUNIT_EXPECT_EQ(test, list->max_bytes, TODO_CODEC_MAX_SIZE);
	KUNIT_EXPECT_EQ(test, TODO_CODEC_MAX_SIZE, (size_t)256 << 20);
}

/* A fake owner for todo_list_charge_hook: 64 bytes to spend. */
#define LONG_TITLE "a title of sixty bytes, far too long for what is left here!!"
static s64 charged;

static int charge64(struct todo_list *list, s64 delta)
{
	if (delta > 0 && charged + delta > 64)
		return -EDQUOT;
	charged += delta;
	return 0;
}

/*
 * Every change of the encoding's size is charged to the list's owner
 * through &todo_list.charge: a growth first, and it fails if the owner may
 * not grow; a shrink after.  A failed change leaves both unchanged.
 */
static void todo_list_charge_hook(struct kunit *test)
{
	struct todo_list *list = test->priv;
	const char *before, *why;
	size_t base;
	u32 id;

	todo_list_init(list, 1000, 64, SIZE_MAX);
	KUNIT_EXPECT_EQ(test, add(test, 20181219, "uncharged"), 1);
	base = list->bytes;
	charged = 0;
	list->charge = charge64;
	KUNIT_EXPECT_EQ(test, add(test, 20181219, "Dentist"), 2);
	KUNIT_EXPECT_EQ(test, charged, (s64)(list->bytes - base));
	before = dump(test);

	why = NULL;
	KUNIT_EXPECT_EQ(test, todo_list_add(list, 20181220, LONG_TITLE, 60,
					    &id, &why), -EDQUOT);
	KUNIT_EXPECT_STREQ(test, why,
			   "over the user's byte budget (max_bytes_per_user)");
	why = NULL;
	KUNIT_EXPECT_EQ(test, todo_list_update(list, 2, NULL, LONG_TITLE, 60,
					       &why), -EDQUOT);
	KUNIT_EXPECT_STREQ(test, why,
			   "over the user's byte budget (max_bytes_per_user)");
	KUNIT_EXPECT_STREQ(test, dump(test), before);
	KUNIT_EXPECT_EQ(test, charged, (s64)(list->bytes - base));

	/* Shrinking gives bytes back, whatever the budget. */
	KUNIT_EXPECT_EQ(test, todo_list_update(list, 2, NULL, "Dent", 4, &why),
			0);
	KUNIT_EXPECT_EQ(test, charged, (s64)(list->bytes - base));
	KUNIT_EXPECT_EQ(test, todo_list_delete(list, 1), 0);
	KUNIT_EXPECT_EQ(test, charged, (s64)(list->bytes - base));
	KUNIT_EXPECT_LT(test, charged, 0);
	list->charge = NULL;
	expect_bytes(test);
}

/* Each failure of an add or an update says why, for the client. */
static void todo_list_why(struct kunit *test)
{
	struct todo_list *list = test->priv;
	u32 bad = 20180230, id;
	const char *why;

	todo_list_init(list, 1, 8, TODO_CODEC_MAX_SIZE);
	why = NULL;
	KUNIT_EXPECT_EQ(test, todo_list_add(list, bad, "x", 1, &id, &why),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, why, "invalid date");
	KUNIT_EXPECT_EQ(test, add(test, 20181219, "one"), 1);
	why = NULL;
	KUNIT_EXPECT_EQ(test, todo_list_add(list, 20181219, "two", 3, &id,
					    &why), -EFBIG);
	KUNIT_EXPECT_STREQ(test, why, "list is full (max_entries)");
	why = NULL;
	KUNIT_EXPECT_EQ(test, todo_list_update(list, 7, NULL, "x", 1, &why),
			-ENOENT);
	KUNIT_EXPECT_STREQ(test, why, "entry id not found");
	why = NULL;
	KUNIT_EXPECT_EQ(test, todo_list_update(list, 1, &bad, NULL, 0, &why),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, why, "invalid date");
	KUNIT_EXPECT_EQ(test, todo_list_delete(list, 1), 0);
	list->next_id = 0;
	why = NULL;
	KUNIT_EXPECT_EQ(test, todo_list_add(list, 20181219, "x", 1, &id, &why),
			-EOVERFLOW);
	KUNIT_EXPECT_STREQ(test, why, "list has used up every id");
}

#ifdef CONFIG_FAULT_INJECTION
/*
 * Fail the 1st, 2nd, ... allocation made during one operation (the task's
 * fail-nth counter, honoured by failslab once the harness has set
 * failslab/ignore-gfp-wait to N) until an attempt runs out of allocations
 * to fail.  A failed operation must report -ENOMEM and leave the list
 * equal; kmemleak, scanned by the harness, catches anything it leaked.
 * Allocations of others (kmemleak's bookkeeping) may take the fault and
 * recover, so a success is accepted too, and the list then moves on.
 */
static void run_with_failures(struct kunit *test,
			      int (*op)(struct kunit *test))
{
	unsigned int n, left, injected = 0;
	const char *before;
	int err;

	for (n = 1; n < 64; n++) {
		before = dump(test);
		current->fail_nth = n;
		err = op(test);
		left = current->fail_nth;
		current->fail_nth = 0;
		if (err) {
			KUNIT_EXPECT_EQ(test, err, -ENOMEM);
			KUNIT_EXPECT_STREQ(test, dump(test), before);
			injected++;
		} else if (left) {
			break;
		}
	}
	KUNIT_EXPECT_LT(test, n, 64);
	KUNIT_EXPECT_GT_MSG(test, injected, 0,
			    "no allocation failed: is failslab/ignore-gfp-wait N?");
}

static int add_gym(struct kunit *test)
{
	u32 id;

	return todo_list_add(test->priv, 20181221, "Gym", 3, &id, NULL);
}

static int retitle_shopping(struct kunit *test)
{
	return todo_list_update(test->priv, 2, NULL, "Groceries", 9, NULL);
}

static void todo_list_alloc_failure(struct kunit *test)
{
	add_fixture(test);
	run_with_failures(test, add_gym);
	run_with_failures(test, retitle_shopping);
	KUNIT_EXPECT_STREQ(test, titles_on(test, 20181220), "Groceries");
	expect_bytes(test);
}
#else
static void todo_list_alloc_failure(struct kunit *test)
{
	kunit_skip(test, "needs CONFIG_FAULT_INJECTION");
}
#endif

#define BIG		100000
#define BIG_DATES	1000

/* Date number k (0..1007) maps to a distinct day of 2000..2002. */
static u32 big_date(unsigned int k)
{
	return (2000 + k / 336) * 10000 + (k / 28 % 12 + 1) * 100 + k % 28 + 1;
}

/*
 * A 100,000-entry list: lookups by date descend the date index instead of
 * scanning.  Each todo_list_next_on() call visits at most the tree's height
 * (< 2 * log2(n + 1) = 34 nodes), so reading one date's 100 entries must
 * cost a few thousand node visits, where one scan would cost 100,000.
 */
static void todo_list_100k_entries(struct kunit *test)
{
	struct todo_list *list = test->priv;
	unsigned int i, n = 0, k = 500;
	struct todo_entry *e;
	unsigned long steps;
	char title[24];
	u32 id, last = 0;
	int len;

	todo_list_init(list, BIG, 64, TODO_CODEC_MAX_SIZE);
	for (i = 0; i < BIG; i++) {
		len = scnprintf(title, sizeof(title), "entry %u", i + 1);
		if (todo_list_add(list, big_date(i % BIG_DATES), title, len,
				  &id, NULL)) {
			KUNIT_FAIL(test, "add %u failed", i + 1);
			return;
		}
	}
	KUNIT_EXPECT_EQ(test, todo_list_size(list), BIG);
	KUNIT_EXPECT_EQ(test, list->next_id, BIG + 1);
	KUNIT_EXPECT_EQ(test, todo_list_add(list, 20000101, "x", 1, &id, NULL),
			-EFBIG);

	steps = list->steps;
	for (e = todo_list_next_on(list, big_date(k), 0); e;
	     e = todo_list_next_on(list, big_date(k), e->id)) {
		KUNIT_EXPECT_EQ(test, e->date, big_date(k));
		KUNIT_EXPECT_EQ(test, e->id, k + 1 + n * BIG_DATES);
		n++;
	}
	steps = list->steps - steps;
	KUNIT_EXPECT_EQ(test, n, BIG / BIG_DATES);
	KUNIT_EXPECT_LE(test, steps, (n + 1) * 34UL);
	kunit_info(test, "one date's %u entries: %lu index nodes visited",
		   n, steps);

	steps = list->steps;
	KUNIT_EXPECT_NULL(test, todo_list_next_on(list, 20181219, 0));
	KUNIT_EXPECT_LE(test, list->steps - steps, 34UL);

	e = todo_list_find(list, 77777);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_STREQ(test, e->title, "entry 77777");

	for (e = todo_list_next(list, 0), n = 0; e;
	     e = todo_list_next(list, e->id), n++) {
		if (e->id <= last) {
			KUNIT_FAIL(test, "id %u after %u", e->id, last);
			break;
		}
		last = e->id;
	}
	KUNIT_EXPECT_EQ(test, n, BIG);
	expect_bytes(test);
}

/* KUNIT_CASE_SLOW (6.6+) marks a case that takes more than a second. */
#ifndef KUNIT_CASE_SLOW
#define KUNIT_CASE_SLOW KUNIT_CASE
#endif

static struct kunit_case todo_list_test_cases[] = {
	KUNIT_CASE(todo_list_empty),
	KUNIT_CASE(todo_list_entries),
	KUNIT_CASE(todo_list_add_entry),
	KUNIT_CASE(todo_list_update_entry),
	KUNIT_CASE(todo_list_delete_entry),
	KUNIT_CASE(todo_list_update_missing),
	KUNIT_CASE(todo_list_delete_missing),
	KUNIT_CASE(todo_list_ids_never_reused),
	KUNIT_CASE(todo_list_all_in_id_order),
	KUNIT_CASE(todo_list_update_date),
	KUNIT_CASE(todo_list_ch04_builder),
	KUNIT_CASE(todo_list_ch04_crud),
	KUNIT_CASE(todo_list_ch04_import),
	KUNIT_CASE(todo_list_rejects_bad_input),
	KUNIT_CASE(todo_list_charge_hook),
	KUNIT_CASE(todo_list_limits),
	KUNIT_CASE(todo_list_id_exhaustion),
	KUNIT_CASE(todo_list_bytes_tracked),
	KUNIT_CASE(todo_list_byte_limit),
	KUNIT_CASE(todo_list_why),
	KUNIT_CASE(todo_list_alloc_failure),
	KUNIT_CASE_SLOW(todo_list_100k_entries),
	{}
};

static struct kunit_suite todo_list_suite = {
	.name = "todo_list",
	.init = todo_list_test_init,
	.exit = todo_list_test_exit,
	.test_cases = todo_list_test_cases,
};

kunit_test_suite(todo_list_suite);
