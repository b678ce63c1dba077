// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the list naming rule, table-driven.
 */
#include <kunit/test.h>

#include "name.h"

struct todo_name_case {
	const char *name;
	size_t len;
	bool valid;
	const char *desc;
};

#define N(s, v, d) { s, sizeof(s) - 1, v, d }

static const struct todo_name_case todo_name_cases[] = {
	N("groceries", true, "plain"),
	N("a", true, "one byte"),
	N("A-b_c.d9", true, "every allowed kind"),
	N("-x", true, "leading dash"),
	N("x.", true, "trailing dot"),
	N("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  true, "64 bytes"),
	N("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  false, "65 bytes"),
	N("", false, "empty"),
	N(".hidden", false, "leading dot"),
	N("..", false, "dot-dot"),
	N("../x", false, "traversal"),
	N("a/b", false, "slash"),
	N("a b", false, "space"),
	N("a\0b", false, "embedded NUL"),
	N("tab\t", false, "tab"),
	N("caf\xc3\xa9", false, "non-ASCII"),
	N("%s%n", false, "format string"),
};

#undef N

static void todo_name_case_desc(const struct todo_name_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(todo_name, todo_name_cases, todo_name_case_desc);

static void todo_name_validity(struct kunit *test)
{
	const struct todo_name_case *c = test->param_value;
	struct todo_key key;

	KUNIT_EXPECT_EQ(test, todo_name_valid(c->name, c->len), c->valid);
	KUNIT_EXPECT_EQ(test, todo_key_init(&key, 1000, c->name, c->len),
			c->valid ? 0 : -EINVAL);
}

/* Keys are compared as bytes: equal inputs give equal keys, padding too. */
static void todo_name_key_bytes(struct kunit *test)
{
	struct todo_key a, b;

	memset(&a, 0xaa, sizeof(a));
	memset(&b, 0x55, sizeof(b));
	KUNIT_ASSERT_EQ(test, todo_key_init(&a, 7, "list", 4), 0);
	KUNIT_ASSERT_EQ(test, todo_key_init(&b, 7, "list", 4), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&a, &b, sizeof(a)), 0);
	KUNIT_ASSERT_EQ(test, todo_key_init(&b, 8, "list", 4), 0);
	KUNIT_EXPECT_NE(test, memcmp(&a, &b, sizeof(a)), 0);
}

static struct kunit_case todo_name_test_cases[] = {
	KUNIT_CASE_PARAM(todo_name_validity, todo_name_gen_params),
	KUNIT_CASE(todo_name_key_bytes),
	{}
};

static struct kunit_suite todo_name_suite = {
	.name = "todo_name",
	.test_cases = todo_name_test_cases,
};

kunit_test_suite(todo_name_suite);
