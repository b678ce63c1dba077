// SPDX-License-Identifier: GPL-2.0
/*
 * Plain and JSON output: see output.h.
 *
 * Text is one line per item, fields separated by tabs (titles and names
 * cannot hold tabs or newlines: the kernel refuses control characters).
 * JSON is built with json-c; strings are handed to it as valid UTF-8,
 * each byte that does not start a valid sequence replaced by U+FFFD, so
 * the result is valid JSON whatever the bytes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "nl.h"
#include "output.h"
#include "parse.h"

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), or 0. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* no overlong forms */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* no overlong forms */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* nothing above U+10FFFF */
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	}
	return len;
}

/**
 * utf8_clean() - Copy bytes, replacing what is not valid UTF-8.
 * @dst: room for 3 * @len bytes.
 * @src: the bytes; need not be NUL-terminated and may hold NULs.
 * @len: their number.
 *
 * Valid UTF-8 is copied as it is; each byte that does not start a valid
 * sequence (overlong forms, surrogates, beyond U+10FFFF, truncated,
 * stray continuation bytes) becomes U+FFFD.
 *
 * Return: the bytes written to @dst.
 */
size_t utf8_clean(char *dst, const char *src, size_t len)
{
	const unsigned char *p = (const unsigned char *)src;
	const unsigned char *end = p + len;
	char *d = dst;

	while (p < end) {
		size_t n = utf8_seq_len(p, (size_t)(end - p));

		if (n == 0) {
			memcpy(d, "\xef\xbf\xbd", 3);
			d += 3;
			p++;
			continue;
		}
		memcpy(d, p, n);
		d += n;
		p += n;
	}
	return (size_t)(d - dst);
}

/**
 * out_init() - Start an empty output.
 * @o: the output.
 * @json: print JSON instead of text.
 * @pretty: indent the JSON.
 *
 * Return: 0, or -1 if out of memory.
 */
int out_init(struct out *o, bool json, bool pretty)
{
	memset(o, 0, sizeof(*o));
	o->json = json;
	o->pretty = pretty;
	o->text = open_memstream(&o->buf, &o->len);
	return o->text ? 0 : -1;
}

/**
 * out_reset() - Take back everything printed so far.
 * @o: the output.
 */
void out_reset(struct out *o)
{
	if (o->text)
		fclose(o->text);
	free(o->buf);
	o->buf = NULL;
	o->len = 0;
	o->text = open_memstream(&o->buf, &o->len);
	o->failed = !o->text;
	json_object_put(o->root);
	o->root = NULL;
	o->depth = 0;
	o->items = 0;
}

/**
 * out_flush() - Print the output to @f and empty it.
 * @o: the output.
 * @f: where to print.
 *
 * The text as it was printed, or the JSON value followed by a newline
 * (nothing if no value was printed).
 *
 * Return: 0, or -1 if memory ran out on the way (nothing is printed).
 */
int out_flush(struct out *o, FILE *f)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;
	const char *s;

	if (o->failed || !o->text || fflush(o->text)) {
		out_reset(o);
		return -1;
	}
	if (!o->json) {
		fwrite(o->buf, 1, o->len, f);
	} else if (o->root) {
		flags |= o->pretty ? JSON_C_TO_STRING_PRETTY |
				     JSON_C_TO_STRING_SPACED :
				     JSON_C_TO_STRING_PLAIN;
		s = json_object_to_json_string_ext(o->root, flags);
		if (!s) {
			out_reset(o);
			return -1;
		}
		fprintf(f, "%s\n", s);
	}
	out_reset(o);
	return 0;
}

/**
 * out_free() - Release an output, printed or not.
 * @o: the output.
 */
void out_free(struct out *o)
{
	json_object_put(o->root);
	o->root = NULL;
	if (o->text)
		fclose(o->text);
	o->text = NULL;
	free(o->buf);
	o->buf = NULL;
}

/*
 * Put @value under @key into the innermost open object or array; NULL is
 * JSON's null.
 */
static int out_put(struct out *o, const char *key, struct json_object *value)
{
	struct json_object *top;

	if (!o->depth) {
		/* A value outside any object or array is the whole value. */
		json_object_put(o->root);
		o->root = value;
		return 0;
	}
	top = o->stack[o->depth - 1];
	if (json_object_is_type(top, json_type_array)) {
		if (!json_object_array_add(top, value))
			return 0;
	} else if (!json_object_object_add(top, key ? key : "", value)) {
		return 0;
	}
	json_object_put(value);
	o->failed = true;
	return -1;
}

/* out_put() of a new value: NULL means that memory ran out. */
static void out_json(struct out *o, const char *key, struct json_object *value)
{
	if (!value)
		o->failed = true;
	else
		out_put(o, key, value);
}

/* Put a new object or array in, and make it the innermost open one. */
static void out_open(struct out *o, const char *key, struct json_object *value)
{
	if (!o->json)
		return;
	if (!value || o->depth == OUT_DEPTH) {
		json_object_put(value);
		o->failed = true;
		return;
	}
	if (out_put(o, key, value))
		return;
	o->stack[o->depth++] = value;	/* the parent holds the reference */
}

/**
 * open_json_object() - Open a JSON object (nothing in text).
 * @o: the output.
 * @key: its key in the enclosing object, or NULL in an array or outside.
 */
void open_json_object(struct out *o, const char *key)
{
	out_open(o, key, o->json ? json_object_new_object() : NULL);
}

/**
 * open_json_array() - Open a JSON array (nothing in text).
 * @o: the output.
 * @key: its key in the enclosing object, or NULL in an array or outside.
 */
void open_json_array(struct out *o, const char *key)
{
	out_open(o, key, o->json ? json_object_new_array() : NULL);
}

/**
 * close_json_object() - Close the innermost JSON object.
 * @o: the output.
 */
void close_json_object(struct out *o)
{
	if (o->json && o->depth)
		o->depth--;
}

/**
 * close_json_array() - Close the innermost JSON array.
 * @o: the output.
 */
void close_json_array(struct out *o)
{
	close_json_object(o);
}

/**
 * print_uint() - Print an unsigned number.
 * @o: the output.
 * @type: PRINT_ANY, PRINT_FP or PRINT_JSON.
 * @key: its JSON key.
 * @fmt: its text format, with one "%" PRIu64.
 * @value: the number.
 */
void print_uint(struct out *o, enum print_type type, const char *key,
		const char *fmt, uint64_t value)
{
	if (o->json && (type & PRINT_JSON))
		out_json(o, key, json_object_new_uint64(value));
	else if (!o->json && (type & PRINT_FP) && o->text)
		fprintf(o->text, fmt, value);
}

/**
 * print_string() - Print a string.
 * @o: the output.
 * @type: PRINT_ANY, PRINT_FP or PRINT_JSON.
 * @key: its JSON key.
 * @fmt: its text format, with one "%s".
 * @s: the string's bytes; need not be NUL-terminated.
 * @len: their number; the text stops at a NUL.
 */
void print_string(struct out *o, enum print_type type, const char *key,
		  const char *fmt, const char *s, size_t len)
{
	char *buf;

	if (o->json && (type & PRINT_JSON)) {
		buf = malloc(3 * len + 1);
		if (!buf) {
			o->failed = true;
			return;
		}
		len = utf8_clean(buf, s, len);
		out_json(o, key, json_object_new_string_len(buf, (int)len));
		free(buf);
	} else if (!o->json && (type & PRINT_FP) && o->text) {
		buf = strndup(s, len);
		if (!buf) {
			o->failed = true;
			return;
		}
		fprintf(o->text, fmt, buf);
		free(buf);
	}
}

/**
 * print_bool() - Print a truth value: true or false, or a word in text.
 * @o: the output.
 * @type: PRINT_ANY, PRINT_FP or PRINT_JSON.
 * @key: its JSON key.
 * @fmt: its text format, with one "%s".
 * @value: the value.
 * @yes: the text's word for true.
 * @no: the text's word for false.
 */
void print_bool(struct out *o, enum print_type type, const char *key,
		const char *fmt, bool value, const char *yes, const char *no)
{
	if (o->json && (type & PRINT_JSON))
		out_json(o, key, json_object_new_boolean(value));
	else if (!o->json && (type & PRINT_FP) && o->text)
		fprintf(o->text, fmt, value ? yes : no);
}

/**
 * print_date() - Print a date YYYYMMDD as the string "YYYY-MM-DD".
 * @o: the output.
 * @type: PRINT_ANY, PRINT_FP or PRINT_JSON.
 * @key: its JSON key.
 * @fmt: its text format, with one "%s".
 * @date: the date.
 */
void print_date(struct out *o, enum print_type type, const char *key,
		const char *fmt, uint32_t date)
{
	char buf[DATE_BUF_SIZE];

	format_date(date, buf);
	print_string(o, type, key, fmt, buf, strlen(buf));
}

/**
 * print_errno() - Print an errno by its name: "ENOSPC", or null / "none"
 *	for 0.
 * @o: the output.
 * @type: PRINT_ANY, PRINT_FP or PRINT_JSON.
 * @key: its JSON key.
 * @fmt: its text format, with one "%s".
 * @error: a positive errno, or 0.
 */
void print_errno(struct out *o, enum print_type type, const char *key,
		 const char *fmt, int error)
{
	char buf[16];
	const char *name;

	if (!error) {
		if (o->json && (type & PRINT_JSON))
			out_put(o, key, NULL);
		else
			print_string(o, type, key, fmt, "none", 4);
		return;
	}
	name = tnl_errno_name(error, buf, sizeof(buf));
	print_string(o, type, key, fmt, name, strlen(name));
}

/**
 * print_text() - Print words of the text output only.
 * @o: the output.
 * @s: what to print, e.g. a separator or a newline.
 */
void print_text(struct out *o, const char *s)
{
	if (!o->json && o->text)
		fputs(s, o->text);
}
