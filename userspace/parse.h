/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure parsing helpers of todoctl: dates, numbers and the shell-like word
 * splitting of batch lines.  Nothing here talks to the kernel.
 */
#ifndef TODOCTL_PARSE_H
#define TODOCTL_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Room for any formatted date, even one of a u32 beyond year 9999. */
#define DATE_BUF_SIZE	24

int parse_date(const char *s, uint32_t *date);
void format_date(uint32_t date, char buf[DATE_BUF_SIZE]);
int parse_u32(const char *s, uint32_t *val);
int parse_id(const char *s, uint32_t *id);

/**
 * struct words - A line split into words.
 * @argc: number of words.
 * @argv: the words, NULL-terminated; they point into @buf.
 * @buf: storage of the words.
 * @cap: entries allocated in @argv.
 */
struct words {
	int argc;
	char **argv;
	char *buf;
	size_t cap;
};

int split_words(struct words *w, const char *line, const char **why);
void words_free(struct words *w);

#endif /* TODOCTL_PARSE_H */
