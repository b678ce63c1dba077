// SPDX-License-Identifier: GPL-2.0
/*
 * Plain and JSON output.
 *
 * Plain output is one line per item with tab-separated fields (titles and
 * names cannot hold tabs or newlines: the kernel refuses control
 * characters).  JSON output is an array with one object per line; strings
 * are escaped so that the result is valid JSON whatever the bytes, with
 * invalid UTF-8 replaced by U+FFFD.
 */
#include <inttypes.h>
#include <string.h>

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
 * json_string() - Print bytes as a quoted, escaped JSON string.
 * @f: where to print.
 * @s: the bytes; need not be NUL-terminated and may hold NULs.
 * @len: their number.
 *
 * '"' and '\\' are escaped, control characters and DEL become \b, \f, \n,
 * \r, \t or \u00XX, valid UTF-8 is copied as it is, and each byte that does
 * not start a valid UTF-8 sequence becomes \ufffd.
 */
void json_string(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;

	putc('"', f);
	while (p < end) {
		size_t n = utf8_seq_len(p, (size_t)(end - p));

		if (n == 0) {
			fputs("\\ufffd", f);
			p++;
			continue;
		}
		if (n > 1) {
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				putc(*p, f);
		}
		p++;
	}
	putc('"', f);
}

/**
 * out_id() - Print the id of a new entry: "N", or {"id": N}.
 * @o: the output.
 * @id: the id.
 */
void out_id(struct out *o, uint32_t id)
{
	if (o->json)
		fprintf(o->f, "{\"id\": %" PRIu32 "}\n", id);
	else
		fprintf(o->f, "%" PRIu32 "\n", id);
}

/**
 * out_array_begin() - Start a sequence of entries or lists.
 * @o: the output.
 */
void out_array_begin(struct out *o)
{
	o->items = 0;
}

/* Before a JSON array element: open the array or separate. */
static void out_item(struct out *o)
{
	fputs(o->items++ ? ",\n  " : "[\n  ", o->f);
}

/**
 * out_array_end() - End a sequence of entries or lists.
 * @o: the output.
 *
 * Plain output needs no end.  JSON closes the array, and an empty
 * sequence is printed as "[]".
 */
void out_array_end(struct out *o)
{
	if (o->json)
		fputs(o->items ? "\n]\n" : "[]\n", o->f);
}

/**
 * out_entry() - Print an entry: ID<TAB>DATE<TAB>TITLE, or a JSON object.
 * @o: the output.
 * @e: the entry.
 */
void out_entry(struct out *o, const struct entry_info *e)
{
	char date[DATE_BUF_SIZE];

	format_date(e->date, date);
	if (!o->json) {
		fprintf(o->f, "%" PRIu32 "\t%s\t", e->id, date);
		fwrite(e->title, 1, e->title_len, o->f);
		putc('\n', o->f);
		return;
	}
	out_item(o);
	fprintf(o->f, "{\"id\": %" PRIu32 ", \"date\": \"%s\", \"title\": ",
		e->id, date);
	json_string(o->f, e->title, e->title_len);
	putc('}', o->f);
}

/**
 * out_list() - Print a list's statistics line, or a JSON object.
 * @o: the output.
 * @l: the list.
 *
 * Plain: NAME<TAB>entries=N<TAB>next_id=N<TAB>mailbox=N<TAB>casts=N<TAB>
 * casts_failed=N<TAB>live|stored.
 */
void out_list(struct out *o, const struct list_info *l)
{
	if (!o->json) {
		fwrite(l->name, 1, l->name_len, o->f);
		fprintf(o->f, "\tentries=%" PRIu32 "\tnext_id=%" PRIu32
			"\tmailbox=%" PRIu32 "\tcasts=%" PRIu64
			"\tcasts_failed=%" PRIu64 "\t%s\n",
			l->entries, l->next_id, l->mailbox, l->casts,
			l->casts_failed, l->alive ? "live" : "stored");
		return;
	}
	out_item(o);
	fputs("{\"name\": ", o->f);
	json_string(o->f, l->name, l->name_len);
	fprintf(o->f, ", \"owner\": %" PRIu32 ", \"entries\": %" PRIu32
		", \"next_id\": %" PRIu32 ", \"mailbox\": %" PRIu32
		", \"casts\": %" PRIu64 ", \"casts_failed\": %" PRIu64
		", \"alive\": %s, \"writes\": %" PRIu64
		", \"write_errors\": %" PRIu64 ", \"last_error\": ",
		l->owner, l->entries, l->next_id, l->mailbox, l->casts,
		l->casts_failed, l->alive ? "true" : "false", l->writes,
		l->write_errors);
	if (l->last_error) {
		const char *text = strerror(l->last_error);

		json_string(o->f, text, strlen(text));
	} else {
		fputs("null", o->f);
	}
	fputs("}", o->f);
}

/**
 * out_stats() - Print the system's counters, one line, or a JSON object.
 * @o: the output.
 * @st: the counters.
 *
 * Plain: servers=N<TAB>max_servers=N<TAB>lists=N<TAB>started=N<TAB>
 * evictions=N<TAB>busy=N.
 */
void out_stats(struct out *o, const struct stats_info *st)
{
	fprintf(o->f, o->json ?
		"{\"servers\": %" PRIu32 ", \"max_servers\": %" PRIu32
		", \"lists\": %" PRIu32 ", \"started\": %" PRIu64
		", \"evictions\": %" PRIu64 ", \"busy\": %" PRIu64 "}\n" :
		"servers=%" PRIu32 "\tmax_servers=%" PRIu32 "\tlists=%" PRIu32
		"\tstarted=%" PRIu64 "\tevictions=%" PRIu64 "\tbusy=%" PRIu64
		"\n",
		st->servers, st->max_servers, st->lists, st->started,
		st->evictions, st->busy);
}
