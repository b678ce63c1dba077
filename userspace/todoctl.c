// SPDX-License-Identifier: GPL-2.0
/*
 * todoctl: the command-line client of the todo module.
 *
 *   todoctl [OPTIONS] COMMAND ARGS
 *
 * This file holds main() and the global options; the commands are in
 * the table of cmd.c, the help in help.c.  See todoctl(8).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "parse.h"
#include "request.h"

#ifndef TODOCTL_VERSION
#define TODOCTL_VERSION "unknown"
#endif

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
	const struct cmd *cmd;
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
			print_usage(stdout);
			return flush_stdout(EXIT_OK);
		} else if (!strcmp(arg, "-V") || !strcmp(arg, "--version")) {
			printf("todoctl %s (generic netlink family %s, version %d)\n",
			       TODOCTL_VERSION, TODO_FAMILY_NAME,
			       TODO_FAMILY_VERSION);
			return flush_stdout(EXIT_OK);
		} else if (!strcmp(arg, "-j") || !strcmp(arg, "--json")) {
			o.json = true;
		} else if (!strcmp(arg, "-p") || !strcmp(arg, "--pretty")) {
			o.json = true;
			o.pretty = true;
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

	cmd = req_find(argv[i]);
	if (!cmd)
		return usage_error(NULL, "unknown command '%s'", argv[i]);
	if (req_parse(&r, cmd, argc - i - 1, argv + i + 1, why, sizeof(why)))
		return usage_error(cmd->name, "%s", why);
	if (r.help) {
		print_cmd_help(stdout, cmd);
		return flush_stdout(EXIT_OK);
	}
	return flush_stdout(cmd->run ? cmd->run(&o, &r) : run_request(&o, &r));
}
