// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: calendar date validation, table-driven.
 */
#include <kunit/test.h>

#include "date.h"

struct todo_date_case {
	u32 date;
	bool valid;
	const char *desc;
};

static const struct todo_date_case todo_date_cases[] = {
	{ 20240229, true,  "2024-02-29 leap year" },
	{ 20230229, false, "2023-02-29 common year" },
	{ 19000229, false, "1900-02-29 century, not leap" },
	{ 20000229, true,  "2000-02-29 400-year leap" },
	{ 20230228, true,  "2023-02-28" },
	{ 20240230, false, "2024-02-30" },
	{ 20181219, true,  "2018-12-19" },
	{ 20180001, false, "month 0" },
	{ 20181301, false, "month 13" },
	{ 20181200, false, "day 0" },
	{ 20181232, false, "day 32" },
	{ 20180431, false, "2018-04-31 (30-day month)" },
	{ 20180430, true,  "2018-04-30" },
	{ 20180131, true,  "2018-01-31" },
	{ 101,      false, "year 0 (0000-01-01)" },
	{ 10101,    true,  "year 1 (0001-01-01)" },
	{ 99991231, true,  "year 9999 (9999-12-31)" },
	{ 100000101, false, "year 10000" },
	{ 0,        false, "zero" },
	{ U32_MAX,  false, "U32_MAX" },
};

static void todo_date_case_desc(const struct todo_date_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(todo_date, todo_date_cases, todo_date_case_desc);

static void todo_date_validity(struct kunit *test)
{
	const struct todo_date_case *c = test->param_value;

	KUNIT_EXPECT_EQ_MSG(test, todo_date_valid(c->date), c->valid,
			    "date %u", c->date);
}

static void todo_date_every_day_of_2024(struct kunit *test)
{
	static const unsigned int len[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	unsigned int m, d, days = 0;

	for (m = 1; m <= 12; m++) {
		for (d = 1; d <= 31; d++) {
			bool want = d <= len[m - 1];

			KUNIT_EXPECT_EQ_MSG(test,
					    todo_date_valid(20240000 + m * 100 + d),
					    want, "2024-%02u-%02u", m, d);
			days += todo_date_valid(20240000 + m * 100 + d);
		}
	}
	KUNIT_EXPECT_EQ(test, days, 366);
}

static struct kunit_case todo_date_test_cases[] = {
	KUNIT_CASE_PARAM(todo_date_validity, todo_date_gen_params),
	KUNIT_CASE(todo_date_every_day_of_2024),
	{}
};

static struct kunit_suite todo_date_suite = {
	.name = "todo_date",
	.test_cases = todo_date_test_cases,
};

kunit_test_suite(todo_date_suite);
