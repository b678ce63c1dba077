// SPDX-License-Identifier: GPL-2.0
/*
 * The table of todoctl's commands (struct cmd in request.h), with what is
 * particular to each: its grammar, its help, the netlink command it
 * sends, and the handlers that check its arguments and print its replies.
 *
 * Every field is printed with one print_*() call (output.h), for the text
 * and the JSON output alike.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "output.h"

static int parse_update(struct todo_req *r, char *why, size_t why_size)
{
	if (!r->has_date && !r->title) {
		snprintf(why, why_size,
			 "nothing to change: give --date or --title");
		return -1;
	}
	return 0;
}

static int reply_add(struct nlattr **tb, void *arg)
{
	struct out *o = arg;

	if (!tb[TODO_A_ID])
		return EPROTO;
	open_json_object(o, NULL);
	print_uint(o, PRINT_ANY, "id", "%" PRIu64 "\n",
		   nla_get_u32(tb[TODO_A_ID]));
	close_json_object(o);
	o->items++;
	return 0;
}

static int reply_entry(struct nlattr **tb, void *arg)
{
	static const int needed[] = { TODO_A_ID, TODO_A_DATE, TODO_A_TITLE };
	struct out *o = arg;

	if (!TNL_HAS_ALL(tb, needed))
		return EPROTO;
	open_json_object(o, NULL);
	print_uint(o, PRINT_ANY, "id", "%" PRIu64 "\t",
		   nla_get_u32(tb[TODO_A_ID]));
	print_date(o, PRINT_ANY, "date", "%s\t", nla_get_u32(tb[TODO_A_DATE]));
	print_string(o, PRINT_ANY, "title", "%s\n",
		     nla_data(tb[TODO_A_TITLE]), tnl_strlen(tb[TODO_A_TITLE]));
	close_json_object(o);
	o->items++;
	return 0;
}

static uint64_t get_u64(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u64(tb[type]) : 0;
}

static int reply_list(struct nlattr **tb, void *arg)
{
	static const int needed[] = {
		TODO_A_LIST, TODO_A_OWNER, TODO_A_ENTRIES, TODO_A_NEXT_ID,
		TODO_A_MAILBOX, TODO_A_CASTS, TODO_A_CASTS_FAILED,
		TODO_A_ALIVE,
	};
	struct out *o = arg;

	if (!TNL_HAS_ALL(tb, needed))
		return EPROTO;
	open_json_object(o, NULL);
	print_string(o, PRINT_ANY, "name", "%s", nla_data(tb[TODO_A_LIST]),
		     tnl_strlen(tb[TODO_A_LIST]));
	print_uint(o, PRINT_ANY, "entries", "\tentries=%" PRIu64,
		   nla_get_u32(tb[TODO_A_ENTRIES]));
	print_uint(o, PRINT_ANY, "next_id", "\tnext_id=%" PRIu64,
		   nla_get_u32(tb[TODO_A_NEXT_ID]));
	print_uint(o, PRINT_ANY, "mailbox", "\tmailbox=%" PRIu64,
		   nla_get_u32(tb[TODO_A_MAILBOX]));
	print_uint(o, PRINT_ANY, "casts", "\tcasts=%" PRIu64,
		   nla_get_u64(tb[TODO_A_CASTS]));
	print_uint(o, PRINT_ANY, "casts_failed", "\tcasts_failed=%" PRIu64,
		   nla_get_u64(tb[TODO_A_CASTS_FAILED]));
	/* Kernels before the write statistics leave them out: zero. */
	print_uint(o, PRINT_ANY, "writes", "\twrites=%" PRIu64,
		   get_u64(tb, TODO_A_WRITES));
	print_uint(o, PRINT_ANY, "write_errors", "\twrite_errors=%" PRIu64,
		   get_u64(tb, TODO_A_WRITE_ERRORS));
	print_errno(o, PRINT_ANY, "last_error", "\tlast_error=%s",
		    tb[TODO_A_LAST_ERROR] ?
		    (int)nla_get_u32(tb[TODO_A_LAST_ERROR]) : 0);
	print_uint(o, PRINT_ANY, "owner", "\towner=%" PRIu64,
		   nla_get_u32(tb[TODO_A_OWNER]));
	print_bool(o, PRINT_ANY, "alive", "\t%s\n",
		   nla_get_u8(tb[TODO_A_ALIVE]), "live", "stored");
	close_json_object(o);
	o->items++;
	return 0;
}

static int reply_stats(struct nlattr **tb, void *arg)
{
	static const int needed[] = {
		TODO_A_SERVERS, TODO_A_MAX_SERVERS, TODO_A_LISTS,
		TODO_A_STARTED, TODO_A_EVICTIONS, TODO_A_BUSY,
	};
	struct out *o = arg;

	if (!TNL_HAS_ALL(tb, needed))
		return EPROTO;
	open_json_object(o, NULL);
	print_uint(o, PRINT_ANY, "servers", "servers=%" PRIu64,
		   nla_get_u32(tb[TODO_A_SERVERS]));
	print_uint(o, PRINT_ANY, "max_servers", "\tmax_servers=%" PRIu64,
		   nla_get_u32(tb[TODO_A_MAX_SERVERS]));
	print_uint(o, PRINT_ANY, "lists", "\tlists=%" PRIu64,
		   nla_get_u32(tb[TODO_A_LISTS]));
	print_uint(o, PRINT_ANY, "started", "\tstarted=%" PRIu64,
		   nla_get_u64(tb[TODO_A_STARTED]));
	print_uint(o, PRINT_ANY, "evictions", "\tevictions=%" PRIu64,
		   nla_get_u64(tb[TODO_A_EVICTIONS]));
	print_uint(o, PRINT_ANY, "busy", "\tbusy=%" PRIu64 "\n",
		   nla_get_u64(tb[TODO_A_BUSY]));
	close_json_object(o);
	o->items++;
	return 0;
}

static void print_pong(struct out *o, const struct todo_req *r)
{
	open_json_object(o, NULL);
	print_bool(o, PRINT_ANY, "pong", "%s\n", true, "pong", "pong");
	if (r->list)
		print_string(o, PRINT_JSON, "list", "%s", r->list,
			     strlen(r->list));
	close_json_object(o);
}

const struct cmd todo_cmds[] = {
	{
		.name = "add",
		.args = "[--cast|--sync] LIST DATE TITLE",
		.summary = "add an entry; print its id",
		.help =
"Add an entry dated DATE (YYYY-MM-DD) titled TITLE to LIST, creating the\n"
"list if it does not exist, and print the new entry's id: N, or\n"
"{\"id\":N} with --json.  TITLE is UTF-8 without control characters, at\n"
"most max_title_len bytes (a module parameter, 256 by default; todoctl\n"
"itself refuses more than 4096, the protocol's limit).\n"
"\n"
"  --cast      only queue the request and print nothing; a failure after\n"
"              it is queued is only counted in the list's casts_failed\n"
"  --sync      after the add, wait until the list is on disk (add, then\n"
"              'todoctl sync LIST')\n",
		.op = OP_ADD, .nl_cmd = TODO_CMD_ADD,
		.flags = CMD_CALL | CMD_CAST | CMD_BATCH | CMD_REPLY,
		.argv = { ARG_LIST, ARG_DATE, ARG_TITLE }, .required = 3,
		.opts = OPT_CAST | OPT_SYNC,
		.reply = reply_add,
	},
	{
		.name = "entries",
		.args = "LIST [DATE]",
		.summary = "print a list's entries (of DATE only)",
		.help =
"Print the entries of LIST, of DATE (YYYY-MM-DD) only if given, in\n"
"ascending id order: one line ID<TAB>DATE<TAB>TITLE each, or with --json\n"
"an array of {\"id\":N,\"date\":\"YYYY-MM-DD\",\"title\":\"...\"}.\n"
"A list that does not exist has no entries: nothing is printed ([] with\n"
"--json) and the exit status is 0.\n",
		.op = OP_ENTRIES, .nl_cmd = TODO_CMD_GET, .flags = CMD_DUMP,
		.argv = { ARG_LIST, ARG_DATE }, .required = 1,
		.reply = reply_entry,
	},
	{
		.name = "update",
		.args = "[--cast] LIST ID [--date DATE] [--title TITLE]",
		.summary = "change an entry's date or title",
		.help =
"Change the date, the title or both of entry ID of LIST.  At least one of\n"
"--date and --title is needed.  An ID that does not exist fails (exit 1)\n"
"for a call; for a cast it only counts in casts_failed.  Prints nothing.\n"
"\n"
"  --cast          only queue the request\n"
"  --date DATE     the new date, YYYY-MM-DD\n"
"  --title TITLE   the new title\n",
		.op = OP_UPDATE, .nl_cmd = TODO_CMD_UPDATE,
		.flags = CMD_CALL | CMD_CAST | CMD_BATCH,
		.argv = { ARG_LIST, ARG_ID }, .required = 2,
		.opts = OPT_CAST | OPT_DATE | OPT_TITLE,
		.parse = parse_update,
	},
	{
		.name = "delete",
		.args = "[--cast] LIST ID",
		.summary = "delete an entry",
		.help =
"Delete entry ID of LIST.  An ID that does not exist fails (exit 1) for a\n"
"call; for a cast it only counts in casts_failed.  Prints nothing.\n"
"\n"
"  --cast      only queue the request\n",
		.op = OP_DELETE, .nl_cmd = TODO_CMD_DELETE,
		.flags = CMD_CALL | CMD_CAST | CMD_BATCH,
		.argv = { ARG_LIST, ARG_ID }, .required = 2,
		.opts = OPT_CAST,
	},
	{
		.name = "lists",
		.args = "",
		.summary = "print your lists and their statistics",
		.help =
"Print your lists (or UID's), live or stored, one line each:\n"
"NAME<TAB>entries=N<TAB>next_id=N<TAB>mailbox=N<TAB>casts=N<TAB>\n"
"casts_failed=N<TAB>writes=N<TAB>write_errors=N<TAB>last_error=E<TAB>\n"
"owner=N<TAB>live|stored\n"
"where E is the errno name of the last write if it failed (ENOSPC, EIO,\n"
"...), else none.  With --json, an array of objects with the keys name,\n"
"entries, next_id, mailbox, casts, casts_failed, writes, write_errors,\n"
"last_error (a string, or null), owner and alive (true or false).  A\n"
"stored list has no running server and zero statistics.\n",
		.op = OP_LISTS, .nl_cmd = TODO_CMD_LISTS, .flags = CMD_DUMP,
		.reply = reply_list,
	},
	{
		.name = "ping",
		.args = "[LIST]",
		.summary = "a round trip to the module, or via LIST's server",
		.help =
"Without LIST, a round trip to the module's netlink handler.  With LIST, a\n"
"call through the list's server, answered once the server has handled\n"
"every message queued before it.  Prints \"pong\", or {\"pong\":true}\n"
"(with \"list\":LIST) with --json.\n",
		.op = OP_PING, .nl_cmd = TODO_CMD_PING,
		.flags = CMD_CALL | CMD_BATCH,
		.argv = { ARG_LIST },
		.print = print_pong,
	},
	{
		.name = "sync",
		.args = "[LIST]",
		.summary = "wait until LIST (default: all yours) is on disk",
		.help =
"Return once every change made before to LIST, or without LIST to each\n"
"of your lists, is on stable storage (written and fsync'd).  A list that\n"
"exists nowhere fails (exit 1).  If the disk refuses the write (full,\n"
"I/O error, read-only), sync fails with the error; the list stays intact\n"
"in memory and a later store or sync retries.  Prints nothing.\n",
		.op = OP_SYNC, .nl_cmd = TODO_CMD_SYNC, .flags = CMD_CALL,
		.argv = { ARG_LIST },
	},
	{
		.name = "drop",
		.args = "LIST",
		.summary = "delete a whole list and its file, for good",
		.help =
"Delete the whole list LIST, live or stored: its entries, its server and\n"
"its file.  This cannot be undone; a list later made under the same name\n"
"is a new one, whose ids start again at 1.  A list that exists nowhere\n"
"fails (exit 1).  Prints nothing.\n",
		.op = OP_DROP, .nl_cmd = TODO_CMD_DROP, .flags = CMD_CALL,
		.argv = { ARG_LIST }, .required = 1,
	},
	{
		.name = "stats",
		.args = "",
		.summary = "the system's counters (needs CAP_NET_ADMIN)",
		.help =
"Print the whole system's counters (needs CAP_NET_ADMIN), one line:\n"
"servers=N<TAB>max_servers=N<TAB>lists=N<TAB>started=N<TAB>evictions=N<TAB>busy=N\n"
"servers: list servers (kernel threads) live now, at most max_servers;\n"
"lists: every user's lists, live or stored; started: servers started\n"
"since the module was loaded; evictions: idle servers stopped, their\n"
"lists stored, to make room for another list's server; busy: new\n"
"servers refused because every live one was busy.  With --json, an\n"
"object with those keys.\n",
		.op = OP_STATS, .nl_cmd = TODO_CMD_STATS,
		.flags = CMD_CALL | CMD_REPLY,
		.reply = reply_stats,
	},
	{
		.name = "watch",
		.args = "[LIST]",
		.summary = "print changes to LIST (default: all yours) as they happen",
		.help =
"Subscribe to the changes of LIST, or without LIST of each of your lists\n"
"(or UID's with --user, which needs CAP_NET_ADMIN), and print each one\n"
"as it is applied, until interrupted (SIGINT or SIGTERM; exit status 0):\n"
"  LIST KIND ID DATE TITLE\n"
"where KIND is add, update or delete (DATE and TITLE are the entry's\n"
"after an add or an update, the deleted entry's after a delete).  With\n"
"--json, one object per line with the keys list, owner, event, id, date\n"
"and title.  Events the kernel dropped because they were not read in\n"
"time are counted in a line \"events lost: N\" ({\"lost\":N}) before the\n"
"next event.  Dropping a whole list, or a list being stored and\n"
"unloaded, is not a change and prints nothing.\n",
		.op = OP_WATCH, .nl_cmd = TODO_CMD_WATCH,
		.argv = { ARG_LIST },
		.run = run_watch,
	},
	{
		.name = "batch",
		.args = "[--force] [FILE]",
		.summary = "run the lines of FILE (default: stdin)",
		.help =
"Run one command per line of FILE (standard input if FILE is missing or\n"
"-).  Allowed: add, update and delete, always as casts (--cast is\n"
"accepted, --sync is refused), and ping [LIST].  Lines are split like\n"
"shell words: blanks separate, '...' and \"...\" quote, a backslash\n"
"escapes the next character (a backslash at the end of a line is an\n"
"error).  Blank lines and lines starting with # are skipped.  Nothing\n"
"is printed on success.\n"
"\n"
"Requests are pipelined.  Every 128 requests and at the end, todoctl\n"
"pings each list changed since the last time, so every error has\n"
"arrived and every change is applied; a cast that failed once applied\n"
"is found in the list's casts_failed counter, compared before and\n"
"after.  Errors are reported as\n"
"  todoctl: batch: line N: CMD: MESSAGE (ENAME)\n"
"or, for casts that failed once applied,\n"
"  todoctl: batch: LIST: N casts failed once applied (casts_failed A -> B)\n"
"The batch stops at the first line that fails (lines already sent are\n"
"still waited for), unless --force is given.  Exit status: 1 if a line\n"
"failed, else 2 if a line had a usage error, else 0.\n"
"\n"
"  --force     go on after a line that fails\n",
		.op = OP_BATCH, .flags = 0,
		.argv = { ARG_FILE }, .opts = OPT_FORCE,
		.run = run_batch,
	},
	{
		.name = "help",
		.args = "[COMMAND]",
		.summary = "show the help, or COMMAND's",
		.help =
"Show todoctl's help, or with COMMAND that command's (as\n"
"'todoctl COMMAND --help' does).\n",
		.op = OP_HELP, .argv = { ARG_COMMAND },
		.run = run_help,
	},
	{ .name = NULL },
};
