// SPDX-License-Identifier: GPL-2.0
/*
 * Calendar date validation: years 1..9999 of the proleptic Gregorian
 * calendar, real month lengths, leap years by the Gregorian rule.
 *
 * Owns: what a valid date is.  Must not: depend on anything else of
 * the module.
 */
#include <kunit/visibility.h>
#include <linux/export.h>

#include "date.h"

static bool todo_leap_year(unsigned int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static unsigned int todo_days_in_month(unsigned int year, unsigned int month)
{
	static const unsigned char days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (month == 2 && todo_leap_year(year))
		return 29;
	return days[month - 1];
}

/**
 * todo_date_valid() - Tell whether a YYYYMMDD number names a real day.
 * @date: the date, as the decimal number YYYYMMDD.
 *
 * Context: any.
 * Return: true if the year is 1..9999, the month 1..12 and the day exists
 * in that month of that year.
 */
bool todo_date_valid(u32 date)
{
	unsigned int year = date / 10000;
	unsigned int month = date / 100 % 100;
	unsigned int day = date % 100;

	if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1)
		return false;
	return day <= todo_days_in_month(year, month);
}
EXPORT_SYMBOL_IF_KUNIT(todo_date_valid);
