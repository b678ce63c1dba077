// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: entry title validation, table-driven.
 */
#include <kunit/test.h>

#include "title.h"

struct todo_title_case {
	const char *title;
	size_t len;
	int err;
	const char *desc;
};

#define T(s, e, d) { s, sizeof(s) - 1, e, d }

static const struct todo_title_case todo_title_cases[] = {
	T("Dentist", 0, "plain ASCII"),
	T("x", 0, "one byte"),
	T("", -EINVAL, "empty"),
	T("Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\x89", 0, "2-, 3- and 4-byte UTF-8"),
	T("a\0b", -EINVAL, "embedded NUL"),
	T("line\nbreak", -EINVAL, "newline"),
	T("tab\there", -EINVAL, "tab"),
	T("del\x7f", -EINVAL, "DEL"),
	T("c1 \xc2\x85", -EINVAL, "C1 control U+0085"),
	T("\xc0\xaf", -EINVAL, "overlong slash"),
	T("\xe0\x80\xaf", -EINVAL, "overlong 3-byte"),
	T("\xed\xa0\x80", -EINVAL, "UTF-16 surrogate"),
	T("\xf4\x90\x80\x80", -EINVAL, "above U+10FFFF"),
	T("\xff", -EINVAL, "byte 0xff"),
	T("\x80", -EINVAL, "lone continuation byte"),
	T("abc\xe2\x82", -EINVAL, "truncated sequence"),
	T("\xc3(", -EINVAL, "bad continuation byte"),
	T("0123456789abcdef", 0, "exactly 16 bytes (the limit here)"),
	T("0123456789abcdefg", -EMSGSIZE, "17 bytes, over the limit"),
};

#undef T

static void todo_title_case_desc(const struct todo_title_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(todo_title, todo_title_cases, todo_title_case_desc);

static void todo_title_validity(struct kunit *test)
{
	const struct todo_title_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, todo_title_check(c->title, c->len, 16), c->err);
}

static struct kunit_case todo_title_test_cases[] = {
	KUNIT_CASE_PARAM(todo_title_validity, todo_title_gen_params),
	{}
};

static struct kunit_suite todo_title_suite = {
	.name = "todo_title",
	.test_cases = todo_title_test_cases,
};

kunit_test_suite(todo_title_suite);
