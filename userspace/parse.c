// SPDX-License-Identifier: GPL-2.0
/*
 * Dates, numbers and word splitting.
 *
 * A date on the command line is YYYY-MM-DD and travels as the u32 YYYYMMDD.
 * Only the shape is checked here: whether the day exists is the kernel's
 * call, so that "2023-02-29" reaches it and is refused with its message.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static uint32_t digits(const char *s, int n)
{
	uint32_t v = 0;

	while (n--)
		v = v * 10 + (uint32_t)(*s++ - '0');
	return v;
}

/**
 * parse_date() - Parse a date of the form YYYY-MM-DD.
 * @s: the string.
 * @date: set to YYYYMMDD on success.
 *
 * Return: 0, or -1 if @s is not four digits, '-', two digits, '-', two
 * digits.  The calendar is not consulted.
 */
int parse_date(const char *s, uint32_t *date)
{
	static const char shape[] = "dddd-dd-dd";
	size_t i;

	if (strlen(s) != sizeof(shape) - 1)
		return -1;
	for (i = 0; i < sizeof(shape) - 1; i++) {
		if (shape[i] == 'd' ? !is_digit(s[i]) : s[i] != shape[i])
			return -1;
	}
	*date = digits(s, 4) * 10000 + digits(s + 5, 2) * 100 +
		digits(s + 8, 2);
	return 0;
}

/**
 * format_date() - Format YYYYMMDD as YYYY-MM-DD, zero-padded.
 * @date: the date.
 * @buf: where to write it.
 */
void format_date(uint32_t date, char buf[DATE_BUF_SIZE])
{
	snprintf(buf, DATE_BUF_SIZE, "%04u-%02u-%02u", date / 10000,
		 date / 100 % 100, date % 100);
}

/**
 * parse_u32() - Parse a decimal number of 0..UINT32_MAX.
 * @s: the string: digits only, no sign, no space.
 * @val: set on success.
 *
 * Return: 0, or -1 if @s is not such a number.
 */
int parse_u32(const char *s, uint32_t *val)
{
	unsigned long long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (!is_digit(*s))
			return -1;
		v = v * 10 + (unsigned long long)(*s - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	*val = (uint32_t)v;
	return 0;
}

/**
 * parse_id() - Parse an entry id: a decimal number of 1..UINT32_MAX.
 * @s: the string.
 * @id: set on success.
 *
 * Return: 0 or -1.
 */
int parse_id(const char *s, uint32_t *id)
{
	uint32_t v;

	if (parse_u32(s, &v) || v == 0)
		return -1;
	*id = v;
	return 0;
}

static int words_push(struct words *w, char *word)
{
	if ((size_t)w->argc + 1 >= w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 8;
		char **argv = realloc(w->argv, cap * sizeof(*argv));

		if (!argv)
			return -1;
		w->argv = argv;
		w->cap = cap;
	}
	w->argv[w->argc++] = word;
	w->argv[w->argc] = NULL;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/**
 * split_words() - Split a line into words the way a shell would.
 * @w: the result; release it with words_free(), also after an error.
 * @line: the line.
 * @why: on a syntax error, set to a description of it.
 *
 * Words are separated by spaces and tabs.  Within '...' every character is
 * literal.  Within "..." a backslash escapes only '"', '\\', '$' and '`'
 * and is kept before any other character.  Elsewhere a backslash makes the
 * next character literal.  Quotes join with adjacent text ("a"'b'c is
 * "abc"), and "" is an empty word.
 *
 * Return: 0; -1 with *@why set on a syntax error, or with *@why NULL and
 * errno ENOMEM when out of memory.
 */
int split_words(struct words *w, const char *line, const char **why)
{
	const char *p = line;
	char *out;

	memset(w, 0, sizeof(*w));
	*why = NULL;
	/* Words never take more room than the line plus a final NUL. */
	w->buf = malloc(strlen(line) + 1);
	w->cap = 8;
	w->argv = calloc(w->cap, sizeof(*w->argv));
	if (!w->buf || !w->argv)
		goto nomem;
	out = w->buf;

	for (;;) {
		char *word;

		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		word = out;
		while (*p && !is_blank(*p)) {
			if (*p == '\'') {
				const char *end = strchr(p + 1, '\'');

				if (!end) {
					*why = "unterminated single quote";
					return -1;
				}
				memcpy(out, p + 1, (size_t)(end - p - 1));
				out += end - p - 1;
				p = end + 1;
			} else if (*p == '"') {
				for (p++; *p != '"'; p++) {
					if (!*p) {
						*why = "unterminated double quote";
						return -1;
					}
					if (*p == '\\' && p[1] &&
					    strchr("\"\\$`", p[1]))
						p++;
					*out++ = *p;
				}
				p++;
			} else if (*p == '\\') {
				if (!p[1]) {
					*why = "backslash at the end of the line";
					return -1;
				}
				*out++ = p[1];
				p += 2;
			} else {
				*out++ = *p++;
			}
		}
		*out++ = '\0';
		if (words_push(w, word) < 0)
			goto nomem;
	}
	return 0;

nomem:
	errno = ENOMEM;
	return -1;
}

/**
 * words_free() - Release what split_words() allocated.
 * @w: the words; left empty.
 */
void words_free(struct words *w)
{
	free(w->argv);
	free(w->buf);
	memset(w, 0, sizeof(*w));
}
