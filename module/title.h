/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Titles of to-do entries: UTF-8 text without control characters.
 */
#ifndef _TODO_TITLE_H
#define _TODO_TITLE_H

#include <linux/todo.h>
#include <linux/types.h>

/*
 * Hard upper bound of the max_title_len module parameter, in bytes: the
 * longest title attribute the protocol carries.  max_title_len is the one
 * limit a title is checked against, once, where it enters the module.
 */
#define TODO_TITLE_LEN_CAP	TODO_TITLE_MAX

int todo_title_check(const char *title, size_t len, size_t max_len);

#endif /* _TODO_TITLE_H */
