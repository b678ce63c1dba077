/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Calendar dates of to-do entries.
 *
 * A date travels and is stored as one u32 holding the decimal number
 * YYYYMMDD (2018-12-19 is 20181219): comparing two such numbers compares the
 * dates, and a person can read them in a netlink dump.
 */
#ifndef _TODO_DATE_H
#define _TODO_DATE_H

#include <linux/types.h>

#define TODO_DATE_MIN	10101U		/* 0001-01-01 */
#define TODO_DATE_MAX	99991231U	/* 9999-12-31 */

bool todo_date_valid(u32 date);

#endif /* _TODO_DATE_H */
