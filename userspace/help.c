// SPDX-License-Identifier: GPL-2.0
/*
 * The help texts: the global one and each command's, made from the table
 * of commands (cmd.c), so that they list every command as it is.
 */
#include <stdarg.h>
#include <stdio.h>

#include "commands.h"

static const char intro[] =
"Usage: todoctl [OPTIONS] COMMAND [ARGS]\n"
"\n"
"Keep to-do lists in the todo kernel module, over generic netlink.\n"
"\n"
"Commands:\n";

static const char options[] =
"\n"
"Options:\n"
"  -j, --json     print JSON: every command prints one JSON value or\n"
"                 nothing (errors go to stderr as text)\n"
"  -p, --pretty   print the JSON indented (implies --json)\n"
"  --user UID     act on the lists of user UID instead of your own; another\n"
"                 user's lists need CAP_NET_ADMIN\n"
"  -V, --version  print the version and exit\n"
"  -h, --help     show this help; 'todoctl help COMMAND' or\n"
"                 'todoctl COMMAND --help' shows a command's\n"
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

/**
 * print_usage() - Print the global help, made from the table of commands.
 * @f: where to print.
 */
void print_usage(FILE *f)
{
	const struct cmd *c;
	int len;

	fputs(intro, f);
	for (c = todo_cmds; c->name; c++) {
		len = fprintf(f, "  %s%s%s", c->name, *c->args ? " " : "",
			      c->args);
		if (len <= 32)
			fprintf(f, "%*s%s\n", 34 - len, "", c->summary);
		else
			fprintf(f, "\n%34s%s\n", "", c->summary);
	}
	fputs(options, f);
}

/**
 * print_cmd_help() - Print a command's help: its usage line, then its text.
 * @f: where to print.
 * @c: the command.
 */
void print_cmd_help(FILE *f, const struct cmd *c)
{
	fprintf(f, "Usage: todoctl [OPTIONS] %s%s%s\n\n%s", c->name,
		*c->args ? " " : "", c->args, c->help);
	if (c->opts)
		fputs("  -h, --help  show this help\n", f);
	else
		fputs("\n  -h, --help  show this help\n", f);
}

/**
 * usage_error() - Print "todoctl: [CMD: ]MESSAGE" and a hint on stderr.
 * @cmd: the command, or NULL for the global options.
 * @fmt: the message.
 *
 * Return: EXIT_USAGE.
 */
int usage_error(const char *cmd, const char *fmt, ...)
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

/**
 * run_help() - The help command: the global help, or a command's.
 * @o: the global options (unused: the help is text).
 * @r: the parsed command; @r->command names a command, or is NULL.
 *
 * Return: EXIT_OK, or EXIT_USAGE for an unknown command.
 */
int run_help(const struct todo_opts *o, const struct todo_req *r)
{
	const struct cmd *c;

	(void)o;
	if (!r->command) {
		print_usage(stdout);
		return EXIT_OK;
	}
	c = req_find(r->command);
	if (!c)
		return usage_error("help", "unknown command '%s'", r->command);
	print_cmd_help(stdout, c);
	return EXIT_OK;
}

