// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the parts of todoctl that do not talk to the kernel:
 * dates, ids, word splitting, JSON escaping, each command's text and JSON
 * output, the grammar of commands and the table of commands.  Each group
 * prints "PASS name" or "FAIL name" (with the failed checks on stderr);
 * the exit status is 1 if any group failed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "nl.h"
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

/* What print_string() makes of @s in JSON (to be freed). */
static char *capture_json(const char *s, size_t len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	struct out o;

	if (!f)
		return NULL;
	if (out_init(&o, true, false) == 0) {
		print_string(&o, PRINT_ANY, "s", "%s", s, len);
		out_flush(&o, f);
		out_free(&o);
	}
	fclose(f);
	return buf;
}

static int json_is(const char *s, size_t len, const char *want)
{
	char *got = capture_json(s, len);
	int ok = got && !strcmp(got, want);

	if (!ok)
		fprintf(stderr, "    print_string gave %s, want %s\n",
			got ? got : "(null)", want);
	free(got);
	return ok;
}

/* A JSON string, as out_flush() prints a lone string value. */
#define JSON_IS(lit, want) CHECK(json_is(lit, sizeof(lit) - 1, want "\n"))

static void test_json_escaping(void)
{
	JSON_IS("Dentist", "\"Dentist\"");
	JSON_IS("", "\"\"");
	JSON_IS("say \"hi\"", "\"say \\\"hi\\\"\"");
	JSON_IS("back\\slash", "\"back\\\\slash\"");
	JSON_IS("\\\"", "\"\\\\\\\"\"");
	JSON_IS("a/b", "\"a/b\"");
	JSON_IS("tab\tnl\ncr\rbs\bff\f", "\"tab\\tnl\\ncr\\rbs\\bff\\f\"");
	JSON_IS("\x01\x1f", "\"\\u0001\\u001f\"");
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
	JSON_IS("a\xff" "b", "\"a\xef\xbf\xbd" "b\"");
	JSON_IS("\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"");	/* overlong */
	JSON_IS("\xe0\x80\xaf",
		"\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");	/* overlong */
	JSON_IS("\xed\xa0\x80",
		"\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");	/* surrogate */
	JSON_IS("\xf4\x90\x80\x80",
		"\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	JSON_IS("\xe2\x82", "\"\xef\xbf\xbd\xef\xbf\xbd\"");	/* truncated */
	JSON_IS("\x80", "\"\xef\xbf\xbd\"");		/* lone continuation */
}

/*
 * Feed the reply handler of command @name the attributes of @n messages
 * built by @put, then run its print handler; return what was printed (to
 * be freed), as text or JSON.  The dump's array is opened as run_request()
 * opens it.
 */
static char *capture_cmd(bool json, bool pretty, const char *name,
			 void (*put)(struct nl_msg *msg, int i), int n)
{
	const struct cmd *c = req_find(name);
	struct todo_req r = { .spec = c };
	char *buf = NULL;
	size_t size = 0;
	struct out o;
	FILE *f;
	int i;

	if (!c || out_init(&o, json, pretty))
		return NULL;
	if (c->flags & CMD_DUMP)
		open_json_array(&o, NULL);
	for (i = 0; i < n; i++) {
		struct nlattr *tb[TODO_A_MAX + 1];
		struct nl_msg *msg = nlmsg_alloc();

		put(msg, i);
		nla_parse(tb, TODO_A_MAX, nlmsg_attrdata(nlmsg_hdr(msg), 0),
			  nlmsg_attrlen(nlmsg_hdr(msg), 0), NULL);
		if (c->reply(tb, &o))
			fprintf(stderr, "    %s: the reply handler failed\n",
				name);
		nlmsg_free(msg);
	}
	if (c->flags & CMD_DUMP)
		close_json_array(&o);
	if (c->print)
		c->print(&o, &r);
	f = open_memstream(&buf, &size);
	if (f) {
		out_flush(&o, f);
		fclose(f);
	}
	out_free(&o);
	return buf;
}

static int cmd_is(bool json, bool pretty, const char *name,
		  void (*put)(struct nl_msg *msg, int i), int n,
		  const char *want)
{
	char *got = capture_cmd(json, pretty, name, put, n);
	int ok = got && !strcmp(got, want);

	if (!ok)
		fprintf(stderr, "    %s gave:\n%s\n    want:\n%s\n", name,
			got ? got : "(null)", want);
	free(got);
	return ok;
}

static void put_id(struct nl_msg *msg, int i)
{
	(void)i;
	nla_put_u32(msg, TODO_A_ID, 42);
}

static void put_entry(struct nl_msg *msg, int i)
{
	nla_put_u32(msg, TODO_A_ID, (uint32_t)i + 1);
	nla_put_u32(msg, TODO_A_DATE, i ? 20190109 : 20181219);
	nla_put_string(msg, TODO_A_TITLE, i ? "say \"hi\"" : "Dentist");
}

static void put_list(struct nl_msg *msg, int i)
{
	nla_put_string(msg, TODO_A_LIST, i ? "old" : "groceries");
	nla_put_u32(msg, TODO_A_OWNER, 1001);
	nla_put_u32(msg, TODO_A_ENTRIES, i ? 0 : 2);
	nla_put_u32(msg, TODO_A_NEXT_ID, i ? 0 : 3);
	nla_put_u32(msg, TODO_A_MAILBOX, 0);
	nla_put_u64(msg, TODO_A_CASTS, i ? 0 : 5);
	nla_put_u64(msg, TODO_A_CASTS_FAILED, i ? 0 : 1);
	nla_put_u8(msg, TODO_A_ALIVE, !i);
	nla_put_u64(msg, TODO_A_WRITES, i ? 0 : 7);
	nla_put_u64(msg, TODO_A_WRITE_ERRORS, i ? 0 : 2);
	nla_put_u32(msg, TODO_A_LAST_ERROR, i ? 0 : ENOSPC);
}

static void put_stats(struct nl_msg *msg, int i)
{
	(void)i;
	nla_put_u32(msg, TODO_A_SERVERS, 3);
	nla_put_u32(msg, TODO_A_MAX_SERVERS, 1024);
	nla_put_u32(msg, TODO_A_LISTS, 10);
	nla_put_u64(msg, TODO_A_STARTED, 12);
	nla_put_u64(msg, TODO_A_EVICTIONS, 2);
	nla_put_u64(msg, TODO_A_BUSY, 0);
}

static void test_output(void)
{
	CHECK(cmd_is(false, false, "add", put_id, 1, "42\n"));
	CHECK(cmd_is(true, false, "add", put_id, 1, "{\"id\":42}\n"));
	CHECK(cmd_is(false, false, "entries", put_entry, 0, ""));
	CHECK(cmd_is(true, false, "entries", put_entry, 0, "[]\n"));
	CHECK(cmd_is(false, false, "entries", put_entry, 2,
		     "1\t2018-12-19\tDentist\n2\t2019-01-09\tsay \"hi\"\n"));
	CHECK(cmd_is(true, false, "entries", put_entry, 2,
		     "[{\"id\":1,\"date\":\"2018-12-19\",\"title\":\"Dentist\"},"
		     "{\"id\":2,\"date\":\"2019-01-09\",\"title\":\"say \\\"hi\\\"\"}]\n"));
	CHECK(cmd_is(true, true, "entries", put_entry, 1,
		     "[\n"
		     "  {\n"
		     "    \"id\": 1,\n"
		     "    \"date\": \"2018-12-19\",\n"
		     "    \"title\": \"Dentist\"\n"
		     "  }\n"
		     "]\n"));
	CHECK(cmd_is(false, false, "lists", put_list, 2,
		     "groceries\tentries=2\tnext_id=3\tmailbox=0\tcasts=5\tcasts_failed=1\twrites=7\twrite_errors=2\tlast_error=ENOSPC\towner=1001\tlive\n"
		     "old\tentries=0\tnext_id=0\tmailbox=0\tcasts=0\tcasts_failed=0\twrites=0\twrite_errors=0\tlast_error=none\towner=1001\tstored\n"));
	CHECK(cmd_is(true, false, "lists", put_list, 2,
		     "[{\"name\":\"groceries\",\"entries\":2,\"next_id\":3,\"mailbox\":0,\"casts\":5,\"casts_failed\":1,\"writes\":7,\"write_errors\":2,\"last_error\":\"ENOSPC\",\"owner\":1001,\"alive\":true},"
		     "{\"name\":\"old\",\"entries\":0,\"next_id\":0,\"mailbox\":0,\"casts\":0,\"casts_failed\":0,\"writes\":0,\"write_errors\":0,\"last_error\":null,\"owner\":1001,\"alive\":false}]\n"));
	CHECK(cmd_is(false, false, "stats", put_stats, 1,
		     "servers=3\tmax_servers=1024\tlists=10\tstarted=12\tevictions=2\tbusy=0\n"));
	CHECK(cmd_is(true, false, "stats", put_stats, 1,
		     "{\"servers\":3,\"max_servers\":1024,\"lists\":10,\"started\":12,\"evictions\":2,\"busy\":0}\n"));
	CHECK(cmd_is(false, false, "ping", put_id, 0, "pong\n"));
	CHECK(cmd_is(true, false, "ping", put_id, 0, "{\"pong\":true}\n"));
	/* Commands that print nothing print nothing in JSON too. */
	CHECK(cmd_is(true, false, "sync", put_id, 0, ""));
}

/* What was printed before out_reset() is gone; PRINT_JSON is not text. */
static void test_output_reset(void)
{
	struct out o;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	CHECK(f && out_init(&o, false, false) == 0);
	if (!f)
		return;
	print_uint(&o, PRINT_ANY, "a", "%" PRIu64 "\n", 1);
	out_reset(&o);
	print_uint(&o, PRINT_ANY, "a", "%" PRIu64 "\n", 2);
	print_uint(&o, PRINT_JSON, "b", "%" PRIu64 "\n", 3);
	print_text(&o, "x\n");
	CHECK(out_flush(&o, f) == 0);
	out_free(&o);
	fclose(f);
	CHECK(buf && !strcmp(buf, "2\nx\n"));
	free(buf);
}

static void test_errno_name(void)
{
	char buf[16];

	CHECK(!strcmp(tnl_errno_name(ENOSPC, buf, sizeof(buf)), "ENOSPC"));
	CHECK(!strcmp(tnl_errno_name(EIO, buf, sizeof(buf)), "EIO"));
	CHECK(!strcmp(tnl_errno_name(EROFS, buf, sizeof(buf)), "EROFS"));
	CHECK(!strcmp(tnl_errno_name(100000, buf, sizeof(buf)), "100000"));
}

/*
 * An error prints its own message first, the kernel's or the tool's, and
 * the errno's name after it; only an error without a message falls back
 * to the system's text, never to a guess of what the module meant.
 */
static void test_error_text(void)
{
	struct tnl_error err = { .error = EAGAIN };
	char buf[300];

	snprintf(err.msg, sizeof(err.msg), "mailbox full, try again");
	CHECK(!strcmp(tnl_error_text(&err, buf, sizeof(buf)),
		      "mailbox full, try again (EAGAIN)"));
	err.error = ENOSPC;
	snprintf(err.msg, sizeof(err.msg),
		 "no space left on the disk for the list's file; the list is kept in memory");
	CHECK(!strcmp(tnl_error_text(&err, buf, sizeof(buf)),
		      "no space left on the disk for the list's file; the list is kept in memory (ENOSPC)"));
	tnl_error_set(&err, ENOSPC);
	CHECK(!strcmp(tnl_error_text(&err, buf, sizeof(buf)),
		      "No space left on device (ENOSPC)"));
	tnl_error_set(&err, 100000);
	CHECK(!strncmp(tnl_error_text(&err, buf, sizeof(buf)), "Unknown error",
		       13));
	CHECK(strstr(buf, "(100000)"));
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
	const struct cmd *spec = req_find("drop");
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

/* Every command is complete, and the help lists it as it is. */
static void test_table(void)
{
	const struct cmd *c;
	char *buf = NULL, line[256];
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int n = 0;

	if (!f)
		return;
	print_usage(f);
	fclose(f);
	for (c = todo_cmds; c->name; c++, n++) {
		CHECK(c->args && c->summary && c->help);
		CHECK(req_find(c->name) == c);
		/* One of: a request (call or dump), or a runner of its own. */
		CHECK(!!c->run + !!(c->flags & (CMD_CALL | CMD_DUMP)) == 1);
		CHECK(!(c->flags & (CMD_CALL | CMD_DUMP)) || c->nl_cmd);
		CHECK(!(c->flags & CMD_REPLY) || c->reply);
		CHECK(!(c->flags & CMD_DUMP) || c->reply);
		/* Only mutations take --cast, and only they are casts. */
		CHECK(!!(c->opts & OPT_CAST) == !!(c->flags & CMD_CAST));
		snprintf(line, sizeof(line), "\n  %s%s%s", c->name,
			 *c->args ? " " : "", c->args);
		CHECK(buf && strstr(buf, line));
	}
	CHECK(n == 12);
	free(buf);
}

static void test_too_long(void)
{
	static char title[TODO_TITLE_MAX + 2], name[TODO_NAME_MAX + 2];
	struct todo_req r = { .spec = req_find("add") };
	char why[128];

	memset(title, 't', TODO_TITLE_MAX);
	memset(name, 'n', TODO_NAME_MAX);
	r.list = name;
	r.title = title;
	CHECK(req_too_long(&r, why, sizeof(why)) == 0);
	title[TODO_TITLE_MAX] = 't';
	CHECK(req_too_long(&r, why, sizeof(why)) == -1);
	CHECK(!strcmp(why, "title too long (4097 bytes; at most 4096)"));
	title[TODO_TITLE_MAX] = '\0';
	name[TODO_NAME_MAX] = 'n';
	CHECK(req_too_long(&r, why, sizeof(why)) == -1);
	CHECK(!strcmp(why, "list name too long (65 bytes; at most 64)"));
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
	{ "output: each command's text and JSON", test_output },
	{ "output: taken back by out_reset()", test_output_reset },
	{ "output: errno names", test_errno_name },
	{ "errors: message first, errno name after", test_error_text },
	{ "request: drop LIST", test_request_drop },
	{ "request: the protocol's longest name and title", test_too_long },
	{ "table: every command complete and in the help", test_table },
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
