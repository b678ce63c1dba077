// SPDX-License-Identifier: GPL-2.0
/*
 * todoctl: the command-line client of the todo module.
 *
 *   todoctl [--json] [--user UID] COMMAND ARGS
 *
 * This file holds main(), the global options, the command table and the
 * help texts.  See todoctl(8).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "parse.h"
#include "request.h"

/**
 * struct command - A command of todoctl.
 * @name: its name.
 * @run: runs it; returns the exit status.
 * @help: its --help text.
 */
struct command {
	const char *name;
	int (*run)(const struct todo_opts *o, const struct todo_req *r);
	const char *help;
};

static const char usage_text[] =
"Usage: todoctl [--json] [--user UID] COMMAND [ARGS]\n"
"\n"
"Keep to-do lists in the todo kernel module, over generic netlink.\n"
"\n"
"Commands:\n"
"  add [--cast|--sync] LIST DATE TITLE\n"
"                                  add an entry; print its id\n"
"  entries LIST [DATE]             print a list's entries (of DATE only)\n"
"  update [--cast] LIST ID [--date DATE] [--title TITLE]\n"
"                                  change an entry's date or title\n"
"  delete [--cast] LIST ID         delete an entry\n"
"  lists                           print your lists and their statistics\n"
"  ping [LIST]                     a round trip to the module, or through\n"
"                                  the server of LIST\n"
"  sync [LIST]                     return once every change made before to\n"
"                                  LIST (default: all your lists) is on disk\n"
"  drop LIST                       delete a whole list and its file, for good\n"
"  stats                           the system's counters: live servers,\n"
"                                  lists, evictions (needs CAP_NET_ADMIN)\n"
"  batch [FILE]                    run add, update, delete and ping lines\n"
"                                  from FILE (default: standard input)\n"
"\n"
"Options:\n"
"  --json        print add, entries and lists as JSON\n"
"  --user UID    act on the lists of user UID instead of your own; another\n"
"                user's lists need CAP_NET_ADMIN\n"
"  -h, --help    show this help; 'todoctl COMMAND --help' shows a command's\n"
"\n"
"DATE is YYYY-MM-DD.  LIST is 1 to 64 of A-Z a-z 0-9 . _ - and does not\n"
"start with '.'.  Put -- before an argument that starts with '-'.\n"
"\n"
"Durability: a change without --cast is a call: it returns once the\n"
"list's server has applied it in memory, and reports how it went.  With\n"
"--cast it returns once the request is queued in the server's mailbox; a\n"
"later failure is only counted (casts_failed in 'todoctl lists').  Lists\n"
"are stored to disk in the background; 'todoctl sync' returns only once\n"
"every change made before it is on disk (fsync'd), and reports a disk\n"
"error (the list stays intact in memory and a later store retries).\n"
"Until a store succeeds, calls to that list succeed with a warning on\n"
"stderr.  Unloading the module stores every list first.\n"
"\n"
"Exit status: 0 success, 1 the operation failed, 2 usage error.\n"
"See todoctl(8).\n";

static const struct command commands[] = {
	{
		.name = "add",
		.run = run_request,
		.help =
"Usage: todoctl [--json] [--user UID] add [--cast|--sync] LIST DATE TITLE\n"
"\n"
"Add an entry dated DATE (YYYY-MM-DD) titled TITLE to LIST, creating the\n"
"list if it does not exist, and print the new entry's id: N, or\n"
"{\"id\": N} with --json.  TITLE is UTF-8 without control characters, at\n"
"most max_title_len bytes (a module parameter, 256 by default).\n"
"\n"
"  --cast      only queue the request and print nothing; a failure after\n"
"              it is queued is only counted in the list's casts_failed\n"
"  --sync      after the add, wait until the list is on disk (add, then\n"
"              'todoctl sync LIST')\n"
"  -h, --help  show this help\n",
	},
	{
		.name = "entries",
		.run = run_request,
		.help =
"Usage: todoctl [--json] [--user UID] entries LIST [DATE]\n"
"\n"
"Print the entries of LIST, of DATE (YYYY-MM-DD) only if given, in\n"
"ascending id order: one line ID<TAB>DATE<TAB>TITLE each, or with --json\n"
"an array of {\"id\": N, \"date\": \"YYYY-MM-DD\", \"title\": \"...\"}.\n"
"A list that does not exist has no entries: nothing is printed ([] with\n"
"--json) and the exit status is 0.\n"
"\n"
"  -h, --help  show this help\n",
	},
	{
		.name = "update",
		.run = run_request,
		.help =
"Usage: todoctl [--user UID] update [--cast] LIST ID [--date DATE] [--title TITLE]\n"
"\n"
"Change the date, the title or both of entry ID of LIST.  At least one of\n"
"--date and --title is needed.  An ID that does not exist fails (exit 1)\n"
"for a call; for a cast it only counts in casts_failed.\n"
"\n"
"  --cast          only queue the request\n"
"  --date DATE     the new date, YYYY-MM-DD\n"
"  --title TITLE   the new title\n"
"  -h, --help      show this help\n",
	},
	{
		.name = "delete",
		.run = run_request,
		.help =
"Usage: todoctl [--user UID] delete [--cast] LIST ID\n"
"\n"
"Delete entry ID of LIST.  An ID that does not exist fails (exit 1) for a\n"
"call; for a cast it only counts in casts_failed.\n"
"\n"
"  --cast      only queue the request\n"
"  -h, --help  show this help\n",
	},
	{
		.name = "lists",
		.run = run_request,
		.help =
"Usage: todoctl [--json] [--user UID] lists\n"
"\n"
"Print your lists (or UID's), live or stored, one line each:\n"
"NAME<TAB>entries=N<TAB>next_id=N<TAB>mailbox=N<TAB>casts=N<TAB>casts_failed=N<TAB>live|stored\n"
"With --json, an array of {\"name\", \"owner\", \"entries\", \"next_id\",\n"
"\"mailbox\", \"casts\", \"casts_failed\", \"alive\": true|false}.  A stored\n"
"list has no running server and zero statistics.\n"
"\n"
"  -h, --help  show this help\n",
	},
	{
		.name = "sync",
		.run = run_request,
		.help =
"Usage: todoctl [--user UID] sync [LIST]\n"
"\n"
"Return once every change made before to LIST, or without LIST to each\n"
"of your lists, is on stable storage (written and fsync'd).  A list that\n"
"exists nowhere fails (exit 1).  If the disk refuses the write (full,\n"
"I/O error, read-only), sync fails with the error; the list stays intact\n"
"in memory and a later store or sync retries.\n"
"\n"
"  -h, --help  show this help\n",
	},
	{
		.name = "ping",
		.run = run_request,
		.help =
"Usage: todoctl [--user UID] ping [LIST]\n"
"\n"
"Without LIST, a round trip to the module's netlink handler.  With LIST, a\n"
"call through the list's server, answered once the server has handled\n"
"every message queued before it.  Prints \"pong\".\n"
"\n"
"  -h, --help  show this help\n",
	},
	{
		.name = "drop",
		.run = run_request,
		.help =
"Usage: todoctl [--user UID] drop LIST\n"
"\n"
"Delete the whole list LIST, live or stored: its entries, its server and\n"
"its file.  This cannot be undone; a list later made under the same name\n"
"is a new one, whose ids start again at 1.  A list that exists nowhere\n"
"fails (exit 1).  Prints nothing.\n"
"\n"
"  -h, --help  show this help\n",
	},
	{
		.name = "stats",
		.run = run_request,
		.help =
"Usage: todoctl [--json] stats\n"
"\n"
"Print the whole system's counters (needs CAP_NET_ADMIN), one line:\n"
"servers=N<TAB>max_servers=N<TAB>lists=N<TAB>started=N<TAB>evictions=N<TAB>busy=N\n"
"servers: list servers (kernel threads) live now, at most max_servers;\n"
"lists: every user's lists, live or stored; started: servers started\n"
"since the module was loaded; evictions: idle servers stopped, their\n"
"lists stored, to make room for another list's server; busy: new\n"
"servers refused because every live one was busy.  With --json, an\n"
"object with those keys.\n"
"\n"
"  -h, --help  show this help\n",
	},
	{
		.name = "batch",
		.run = run_batch,
		.help =
"Usage: todoctl [--user UID] batch [FILE]\n"
"\n"
"Run one command per line of FILE (standard input if FILE is missing or\n"
"-).  Allowed: add, update and delete, always as casts (--cast is\n"
"accepted), and ping [LIST].  Lines are split like shell words: blanks\n"
"separate, '...' and \"...\" quote, a backslash escapes.  Blank lines and\n"
"lines starting with # are skipped.  Nothing is printed on success.\n"
"\n"
"Requests are pipelined.  Every 128 requests and at the end, todoctl\n"
"pings each list changed since the last time, so every error has\n"
"arrived and every change is applied; errors are reported as\n"
"  todoctl: batch: line N: CMD: TEXT (kernel: MESSAGE)\n"
"and so are usage errors, whose lines are skipped.  Exit status: 1 if a\n"
"line failed, else 2 if a line had a usage error, else 0.\n"
"\n"
"  -h, --help  show this help\n",
	},
};

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	}
	return NULL;
}

/* Print "todoctl: [CMD: ]MESSAGE" and a hint; return EXIT_USAGE. */
__attribute__((format(printf, 2, 3)))
static int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("todoctl: ", stderr);
	if (cmd)
		fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "\nTry 'todoctl %s --help'.\n", cmd);
	else
		fputs("\nTry 'todoctl --help'.\n", stderr);
	return EXIT_USAGE;
}

/* Whether stdout took everything; says so if not. */
static int flush_stdout(int status)
{
	if (fflush(stdout) || ferror(stdout)) {
		perror("todoctl: standard output");
		return EXIT_FAILED;
	}
	return status;
}

int main(int argc, char **argv)
{
	struct todo_opts o = { 0 };
	const struct command *cmd;
	const char *value;
	struct todo_req r;
	char why[256];
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--")) {
			i++;
			break;
		} else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(usage_text, stdout);
			return flush_stdout(EXIT_OK);
		} else if (!strcmp(arg, "--json")) {
			o.json = true;
		} else if (!strcmp(arg, "--user") ||
			   !strncmp(arg, "--user=", 7)) {
			if (arg[6] == '=')
				value = arg + 7;
			else if (i + 1 < argc)
				value = argv[++i];
			else
				return usage_error(NULL, "option '%s' needs a value",
						   "--user");
			if (parse_u32(value, &o.owner))
				return usage_error(NULL, "invalid uid '%s'", value);
			o.has_owner = true;
		} else {
			return usage_error(NULL, "unknown option '%s'", arg);
		}
	}
	if (i == argc)
		return usage_error(NULL, "missing command");

	cmd = find_command(argv[i]);
	if (!cmd)
		return usage_error(NULL, "unknown command '%s'", argv[i]);
	if (req_parse(&r, req_find(cmd->name), argc - i - 1, argv + i + 1, why,
		      sizeof(why)))
		return usage_error(cmd->name, "%s", why);
	if (r.help) {
		fputs(cmd->help, stdout);
		return flush_stdout(EXIT_OK);
	}
	return flush_stdout(cmd->run(&o, &r));
}
