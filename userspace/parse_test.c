// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the parts of todoctl that do not talk to the kernel:
 * dates, ids, word splitting, JSON escaping, output formats and the
 * grammar of commands.  Each group
 * prints "PASS name" or "FAIL name" (with the failed checks on stderr);
 * the exit status is 1 if any group failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "parse.h"
#include "request.h"

static int group_failed;

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "    %s:%d: %s\n", __FILE__,	\
				__LINE__, #cond);			\
			group_failed = 1;				\
		}							\
	} while (0)

/* ---- dates ---- */

static int date_of(const char *s, uint32_t *d)
{
	*d = 0xdeadbeef;
	return parse_date(s, d);
}

static void test_date_valid(void)
{
	static const struct {
		const char *s;
		uint32_t date;
	} cases[] = {
		{ "2018-12-19", 20181219 },
		{ "0000-01-01", 101 },
		{ "0001-01-01", 10101 },
		{ "9999-12-31", 99991231 },
		{ "2018-13-01", 20181301 },	/* shape only: the kernel judges */
		{ "2018-00-00", 20180000 },
		{ "2019-01-09", 20190109 },
	};
	uint32_t d;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(date_of(cases[i].s, &d) == 0);
		CHECK(d == cases[i].date);
	}
}

static void test_date_leap_day(void)
{
	uint32_t d;

	/* Leap days pass the syntax check whether or not the year is leap. */
	CHECK(date_of("2024-02-29", &d) == 0 && d == 20240229);
	CHECK(date_of("2023-02-29", &d) == 0 && d == 20230229);
	CHECK(date_of("1900-02-29", &d) == 0 && d == 19000229);
	CHECK(date_of("2000-02-29", &d) == 0 && d == 20000229);
	CHECK(date_of("2023-02-30", &d) == 0 && d == 20230230);
}

static void test_date_invalid(void)
{
	static const char *const bad[] = {
		"", "2018-1-9", "2018/01/09", "2018-12-1", "2018-12-190",
		"20181219", " 2018-12-19", "2018-12-19 ", "2018-12-1a",
		"+018-12-19", "-018-12-19", "2018--12-19", "2018-12_19",
		"abcd-ef-gh", "18-12-19", "02018-12-19", "2018-12-19\n",
		"\xef\xbc\x92""018-12-19",
	};
	uint32_t d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (date_of(bad[i], &d) != -1) {
			fprintf(stderr, "    accepted '%s'\n", bad[i]);
			group_failed = 1;
		}
		CHECK(d == 0xdeadbeef);
	}
}

static void test_date_format(void)
{
	static const struct {
		uint32_t date;
		const char *s;
	} cases[] = {
		{ 20181219, "2018-12-19" },
		{ 101, "0000-01-01" },
		{ 10101, "0001-01-01" },
		{ 99991231, "9999-12-31" },
		{ 20190109, "2019-01-09" },
		{ 20240229, "2024-02-29" },
	};
	char buf[DATE_BUF_SIZE];
	uint32_t d;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		format_date(cases[i].date, buf);
		CHECK(!strcmp(buf, cases[i].s));
		CHECK(date_of(buf, &d) == 0 && d == cases[i].date);
	}
	/* Out of the usual range, still printed in full and terminated. */
	format_date(UINT32_MAX, buf);
	CHECK(!strcmp(buf, "429496-72-95"));
}

/* ---- numbers ---- */

static void test_ids(void)
{
	static const char *const bad[] = {
		"0", "00", "", "-1", "+1", "1x", "x1", " 1", "1 ", "0x10",
		"4294967296", "99999999999999999999", "1.0",
	};
	uint32_t v;
	size_t i;

	CHECK(parse_id("1", &v) == 0 && v == 1);
	CHECK(parse_id("007", &v) == 0 && v == 7);
	CHECK(parse_id("4294967295", &v) == 0 && v == 4294967295u);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 42;
		if (parse_id(bad[i], &v) != -1) {
			fprintf(stderr, "    accepted id '%s'\n", bad[i]);
			group_failed = 1;
		}
		CHECK(v == 42);
	}
	CHECK(parse_u32("0", &v) == 0 && v == 0);
	CHECK(parse_u32("1001", &v) == 0 && v == 1001);
	CHECK(parse_u32("4294967296", &v) == -1);
	CHECK(parse_u32("-5", &v) == -1);
}

/* ---- word splitting ---- */

/* Split @line and compare with the @n expected words. */
static int split_is(const char *line, int n, const char *const *want)
{
	struct words w;
	const char *why;
	int i, ok;

	if (split_words(&w, line, &why)) {
		fprintf(stderr, "    split '%s': %s\n", line, why ? why : "?");
		words_free(&w);
		return 0;
	}
	ok = w.argc == n && w.argv[n] == NULL;
	for (i = 0; ok && i < n; i++)
		ok = !strcmp(w.argv[i], want[i]);
	if (!ok) {
		fprintf(stderr, "    split '%s' gave %d words:", line, w.argc);
		for (i = 0; i < w.argc; i++)
			fprintf(stderr, " [%s]", w.argv[i]);
		fputc('\n', stderr);
	}
	words_free(&w);
	return ok;
}

#define SPLIT_IS(line, ...)						\
	CHECK(split_is(line,						\
		       sizeof((const char *[]){ __VA_ARGS__ }) /	\
		       sizeof(const char *),				\
		       (const char *[]){ __VA_ARGS__ }))

static int split_fails(const char *line, const char *expect)
{
	struct words w;
	const char *why = NULL;
	int ret = split_words(&w, line, &why);

	words_free(&w);
	return ret == -1 && why && !strcmp(why, expect);
}

static void test_split_plain(void)
{
	struct words w;
	const char *why;

	SPLIT_IS("add groceries 2018-12-19 Dentist",
		 "add", "groceries", "2018-12-19", "Dentist");
	SPLIT_IS("  \tping\t\tx  \n", "ping", "x");
	SPLIT_IS("one", "one");
	SPLIT_IS("Zahnärzt €5 😀", "Zahnärzt", "€5", "😀");

	CHECK(split_words(&w, "", &why) == 0 && w.argc == 0 &&
	      w.argv[0] == NULL);
	words_free(&w);
	CHECK(split_words(&w, " \t \r\n", &why) == 0 && w.argc == 0);
	words_free(&w);
}

static void test_split_quotes(void)
{
	SPLIT_IS("add l 2018-12-19 \"Dentist at 5\"",
		 "add", "l", "2018-12-19", "Dentist at 5");
	SPLIT_IS("add l 2018-12-19 'Dentist at 5'",
		 "add", "l", "2018-12-19", "Dentist at 5");
	SPLIT_IS("'a \"b\" c'", "a \"b\" c");
	SPLIT_IS("\"a 'b' c\"", "a 'b' c");
	SPLIT_IS("\"\"", "");
	SPLIT_IS("a '' b", "a", "", "b");
	SPLIT_IS("a\"b c\"'d e'f", "ab cd ef");
	SPLIT_IS("'tab\there'", "tab\there");
	SPLIT_IS("'#not a comment'", "#not a comment");
	CHECK(split_fails("add 'open", "unterminated single quote"));
	CHECK(split_fails("add \"open", "unterminated double quote"));
	CHECK(split_fails("\"a\\\"", "unterminated double quote"));
}

static void test_split_escapes(void)
{
	SPLIT_IS("a\\ b", "a b");
	SPLIT_IS("\\'x\\'", "'x'");
	SPLIT_IS("\\\"x\\\"", "\"x\"");
	SPLIT_IS("a\\\\b", "a\\b");
	SPLIT_IS("\\n", "n");
	/* In double quotes only " \ $ ` are escaped; others keep it. */
	SPLIT_IS("\"say \\\"hi\\\"\"", "say \"hi\"");
	SPLIT_IS("\"a\\\\b\"", "a\\b");
	SPLIT_IS("\"a\\b\"", "a\\b");
	SPLIT_IS("\"a\\nb\\'\"", "a\\nb\\'");
	SPLIT_IS("\"\\$x \\`y\\`\"", "$x `y`");
	/* In single quotes a backslash is literal. */
	SPLIT_IS("'a\\b'", "a\\b");
	SPLIT_IS("'it'\\''s'", "it's");
	CHECK(split_fails("trailing\\", "backslash at the end of the line"));
}

/* ---- JSON and output ---- */

/* Run @fn on a memory stream; return what it printed (to be freed). */
static char *capture_json(const char *s, size_t len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	json_string(f, s, len);
	fclose(f);
	return buf;
}

static int json_is(const char *s, size_t len, const char *want)
{
	char *got = capture_json(s, len);
	int ok = got && !strcmp(got, want);

	if (!ok)
		fprintf(stderr, "    json_string gave %s, want %s\n",
			got ? got : "(null)", want);
	free(got);
	return ok;
}

#define JSON_IS(lit, want) CHECK(json_is(lit, sizeof(lit) - 1, want))

static void test_json_escaping(void)
{
	JSON_IS("Dentist", "\"Dentist\"");
	JSON_IS("", "\"\"");
	JSON_IS("say \"hi\"", "\"say \\\"hi\\\"\"");
	JSON_IS("back\\slash", "\"back\\\\slash\"");
	JSON_IS("\\\"", "\"\\\\\\\"\"");
	JSON_IS("a/b", "\"a/b\"");
	JSON_IS("tab\tnl\ncr\rbs\bff\f", "\"tab\\tnl\\ncr\\rbs\\bff\\f\"");
	JSON_IS("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	JSON_IS("nul\0byte", "\"nul\\u0000byte\"");
}

static void test_json_utf8(void)
{
	/* Valid UTF-8 of 2, 3 and 4 bytes is copied as it is. */
	JSON_IS("Zahnärzt", "\"Zahnärzt\"");
	JSON_IS("€ 5", "\"€ 5\"");
	JSON_IS("😀", "\"😀\"");
	JSON_IS("日本語", "\"日本語\"");
	JSON_IS("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");	/* U+10FFFF */
	/* Anything else becomes U+FFFD, one per byte. */
	JSON_IS("a\xff" "b", "\"a\\ufffdb\"");
	JSON_IS("\xc0\xaf", "\"\\ufffd\\ufffd\"");		/* overlong */
	JSON_IS("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");	/* overlong */
	JSON_IS("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	JSON_IS("\xf4\x90\x80\x80",
		"\"\\ufffd\\ufffd\\ufffd\\ufffd\"");		/* > U+10FFFF */
	JSON_IS("\xe2\x82", "\"\\ufffd\\ufffd\"");		/* truncated */
	JSON_IS("\x80", "\"\\ufffd\"");			/* lone continuation */
}

static char *capture_out(bool json, void (*fn)(struct out *o))
{
	struct out o = { .json = json };
	char *buf = NULL;
	size_t size = 0;

	o.f = open_memstream(&buf, &size);
	if (!o.f)
		return NULL;
	fn(&o);
	fclose(o.f);
	return buf;
}

static int out_is(bool json, void (*fn)(struct out *o), const char *want)
{
	char *got = capture_out(json, fn);
	int ok = got && !strcmp(got, want);

	if (!ok)
		fprintf(stderr, "    output:\n%s\n    want:\n%s\n",
			got ? got : "(null)", want);
	free(got);
	return ok;
}

static void print_id(struct out *o)
{
	out_id(o, 42);
}

static void print_no_entries(struct out *o)
{
	out_array_begin(o);
	out_array_end(o);
}

static void print_entries(struct out *o)
{
	struct entry_info a = { 1, 20181219, "Dentist", 7 };
	struct entry_info b = { 2, 20190109, "say \"hi\"", 8 };

	out_array_begin(o);
	out_entry(o, &a);
	out_entry(o, &b);
	out_array_end(o);
}

static void print_lists(struct out *o)
{
	struct list_info l = {
		.name = "groceries", .name_len = 9, .owner = 1001,
		.entries = 2, .next_id = 3, .mailbox = 0, .casts = 5,
		.casts_failed = 1, .alive = true,
	};
	struct list_info s = { .name = "old", .name_len = 3, .owner = 1001 };

	out_array_begin(o);
	out_list(o, &l);
	out_list(o, &s);
	out_array_end(o);
}

static void test_output(void)
{
	CHECK(out_is(false, print_id, "42\n"));
	CHECK(out_is(true, print_id, "{\"id\": 42}\n"));
	CHECK(out_is(false, print_no_entries, ""));
	CHECK(out_is(true, print_no_entries, "[]\n"));
	CHECK(out_is(false, print_entries,
		     "1\t2018-12-19\tDentist\n2\t2019-01-09\tsay \"hi\"\n"));
	CHECK(out_is(true, print_entries,
		     "[\n"
		     "  {\"id\": 1, \"date\": \"2018-12-19\", \"title\": \"Dentist\"},\n"
		     "  {\"id\": 2, \"date\": \"2019-01-09\", \"title\": \"say \\\"hi\\\"\"}\n"
		     "]\n"));
	CHECK(out_is(false, print_lists,
		     "groceries\tentries=2\tnext_id=3\tmailbox=0\tcasts=5\tcasts_failed=1\tlive\n"
		     "old\tentries=0\tnext_id=0\tmailbox=0\tcasts=0\tcasts_failed=0\tstored\n"));
	CHECK(out_is(true, print_lists,
		     "[\n"
		     "  {\"name\": \"groceries\", \"owner\": 1001, \"entries\": 2, \"next_id\": 3, \"mailbox\": 0, \"casts\": 5, \"casts_failed\": 1, \"alive\": true, \"writes\": 0, \"write_errors\": 0, \"last_error\": null},\n"
		     "  {\"name\": \"old\", \"owner\": 1001, \"entries\": 0, \"next_id\": 0, \"mailbox\": 0, \"casts\": 0, \"casts_failed\": 0, \"alive\": false, \"writes\": 0, \"write_errors\": 0, \"last_error\": null}\n"
		     "]\n"));
}

/* ---- command grammar ---- */

/* req_parse() of @cmd with the NULL-terminated @args; @why gets the error. */
static int parse_cmd(struct todo_req *r, const char *cmd, char **args,
		     char *why, size_t why_size)
{
	int argc = 0;

	while (args[argc])
		argc++;
	why[0] = '\0';
	return req_parse(r, req_find(cmd), argc, args, why, why_size);
}

static void test_request_drop(void)
{
	const struct req_spec *spec = req_find("drop");
	char *one[] = { "groceries", NULL };
	char *none[] = { NULL };
	char *two[] = { "a", "b", NULL };
	char *cast[] = { "--cast", "a", NULL };
	char *help[] = { "a", "--help", NULL };
	char *dashed[] = { "--", "-x", NULL };
	struct todo_req r;
	char why[128];

	CHECK(spec);
	if (!spec)
		return;
	CHECK(req_op(spec) == OP_DROP);
	CHECK(!strcmp(req_name(spec), "drop"));
	/* Not a mutation: no --cast, and not allowed in a batch. */
	CHECK(!req_is_mutation(spec));

	CHECK(parse_cmd(&r, "drop", one, why, sizeof(why)) == 0);
	CHECK(r.list && !strcmp(r.list, "groceries"));
	CHECK(!r.cast && !r.sync && !r.help && !r.has_date && !r.id &&
	      !r.title);
	CHECK(parse_cmd(&r, "drop", none, why, sizeof(why)) == -1);
	CHECK(!strcmp(why, "missing LIST"));
	CHECK(parse_cmd(&r, "drop", two, why, sizeof(why)) == -1);
	CHECK(!strcmp(why, "unexpected argument 'b'"));
	CHECK(parse_cmd(&r, "drop", cast, why, sizeof(why)) == -1);
	CHECK(!strcmp(why, "unknown option '--cast'"));
	CHECK(parse_cmd(&r, "drop", help, why, sizeof(why)) == 0 && r.help);
	/* The name is the kernel's to judge; -- lets it start with '-'. */
	CHECK(parse_cmd(&r, "drop", dashed, why, sizeof(why)) == 0);
	CHECK(r.list && !strcmp(r.list, "-x"));
}

static const struct {
	const char *name;
	void (*fn)(void);
} groups[] = {
	{ "date: valid strings", test_date_valid },
	{ "date: leap-day strings pass the syntax check", test_date_leap_day },
	{ "date: malformed strings", test_date_invalid },
	{ "date: formatting", test_date_format },
	{ "ids and uids", test_ids },
	{ "split: plain words", test_split_plain },
	{ "split: quotes", test_split_quotes },
	{ "split: backslash escapes", test_split_escapes },
	{ "json: quotes, backslashes, control characters", test_json_escaping },
	{ "json: UTF-8", test_json_utf8 },
	{ "output: plain and JSON formats", test_output },
	{ "request: drop LIST", test_request_drop },
};

int main(void)
{
	int passed = 0, failed = 0;
	size_t i;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		group_failed = 0;
		groups[i].fn();
		printf("%s %s\n", group_failed ? "FAIL" : "PASS",
		       groups[i].name);
		if (group_failed)
			failed++;
		else
			passed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
