/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What todoctl prints on standard output: plain text or JSON, through one
 * call per field.
 *
 * Each print_*() call names a field once, with its JSON key and its text
 * format, and @type says where it goes: PRINT_ANY to both outputs (the
 * rule), PRINT_FP to the text only (separators, words without a key) or
 * PRINT_JSON to the JSON only.  So the two outputs of a command come
 * from the same calls and cannot drift apart.
 *
 * JSON values are built with json-c under the objects and arrays opened
 * with open_json_object() and open_json_array(), and printed whole by
 * out_flush(); text is kept in memory until then too, so that a command
 * can take back what it printed (out_reset()) and print either all of
 * its output or none.
 */
#ifndef TODOCTL_OUTPUT_H
#define TODOCTL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;

enum print_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

/* Deepest nesting of JSON objects and arrays. */
#define OUT_DEPTH	4

/**
 * struct out - The output of a command.
 * @json: print JSON instead of text.
 * @pretty: indent the JSON.
 * @failed: out of memory at some point: out_flush() fails.
 * @text: the text so far (a memory stream over @buf).
 * @buf: its bytes.
 * @len: their number.
 * @root: the JSON value so far, or NULL.
 * @stack: the open JSON objects and arrays, outermost first.
 * @depth: entries in @stack.
 * @items: elements printed (reply messages seen) since out_reset().
 */
struct out {
	bool json;
	bool pretty;
	bool failed;
	FILE *text;
	char *buf;
	size_t len;
	struct json_object *root;
	struct json_object *stack[OUT_DEPTH];
	int depth;
	unsigned long items;
};

int out_init(struct out *o, bool json, bool pretty);
void out_reset(struct out *o);
int out_flush(struct out *o, FILE *f);
void out_free(struct out *o);

void open_json_object(struct out *o, const char *key);
void close_json_object(struct out *o);
void open_json_array(struct out *o, const char *key);
void close_json_array(struct out *o);

void print_uint(struct out *o, enum print_type type, const char *key,
		const char *fmt, uint64_t value);
void print_string(struct out *o, enum print_type type, const char *key,
		  const char *fmt, const char *s, size_t len);
void print_bool(struct out *o, enum print_type type, const char *key,
		const char *fmt, bool value, const char *yes, const char *no);
void print_date(struct out *o, enum print_type type, const char *key,
		const char *fmt, uint32_t date);
void print_errno(struct out *o, enum print_type type, const char *key,
		 const char *fmt, int error);
void print_text(struct out *o, const char *s);

size_t utf8_clean(char *dst, const char *src, size_t len);

#endif /* TODOCTL_OUTPUT_H */
