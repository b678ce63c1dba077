/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each todoctl command accepts on its command line (or batch line),
 * and the netlink request it makes of it.
 */
#ifndef TODOCTL_REQUEST_H
#define TODOCTL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl.h"

/**
 * struct todo_opts - The global options.
 * @json: -j, --json: print JSON.
 * @has_owner: --user was given.
 * @owner: its uid, sent as TODO_A_OWNER.
 * @pretty: -p, --pretty: indent the JSON.
 */
struct todo_opts {
	bool json;
	bool has_owner;
	uint32_t owner;
	bool pretty;
};

enum req_op {
	OP_ADD,
	OP_ENTRIES,
	OP_UPDATE,
	OP_DELETE,
	OP_LISTS,
	OP_PING,
	OP_SYNC,
	OP_DROP,
	OP_STATS,
	OP_WATCH,
	OP_BATCH,
	OP_HELP,
};

/* The kinds of positional arguments. */
enum arg_kind {
	ARG_NONE,
	ARG_LIST,
	ARG_DATE,
	ARG_TITLE,
	ARG_ID,
	ARG_FILE,
	ARG_COMMAND,
};

#define REQ_MAX_ARGS	3

/* Options a command accepts (struct cmd's opts), besides --help. */
#define OPT_CAST	0x1
#define OPT_DATE	0x2
#define OPT_TITLE	0x4
#define OPT_SYNC	0x8
#define OPT_FORCE	0x10

/* What a command is (struct cmd's flags). */
#define CMD_CALL	0x1	/* one request, answered by an ack or a reply */
#define CMD_CAST	0x2	/* a mutation: sent as a cast with --cast */
#define CMD_DUMP	0x4	/* one request, a dump (NLM_F_DUMP) */
#define CMD_BATCH	0x8	/* allowed as a line of a batch */
#define CMD_REPLY	0x10	/* a call (not a cast) must get a reply */

struct out;
struct todo_req;

/**
 * struct cmd - A command of todoctl, as iw has them: everything about it.
 * @name: its name.
 * @args: the synopsis of its arguments, as its usage line shows them.
 * @summary: a line of the global help: what it does.
 * @help: the rest of its help text.
 * @op: which command it is.
 * @nl_cmd: its TODO_CMD_*, or 0 if it is not a request.
 * @flags: CMD_*.
 * @argv: its positional arguments, in order.
 * @required: how many of @argv must be given.
 * @opts: the OPT_* it accepts besides --help.
 * @parse: checks beyond the grammar, or NULL; like req_parse().
 * @reply: prints each reply message into a struct out, or NULL.
 * @print: prints the result once the request succeeded, or NULL.
 * @run: runs the command itself (not one request), or NULL.
 */
struct cmd {
	const char *name;
	const char *args;
	const char *summary;
	const char *help;
	enum req_op op;
	uint8_t nl_cmd;
	unsigned int flags;
	enum arg_kind argv[REQ_MAX_ARGS];
	int required;
	unsigned int opts;
	int (*parse)(struct todo_req *r, char *why, size_t why_size);
	tnl_reply_fn reply;
	void (*print)(struct out *out, const struct todo_req *r);
	int (*run)(const struct todo_opts *o, const struct todo_req *r);
};

/* The table of commands, in the order of the help; ends with a NULL name. */
extern const struct cmd todo_cmds[];

/**
 * struct todo_req - A parsed command.
 * @spec: the command.
 * @list: LIST, or NULL.
 * @title: TITLE or --title, or NULL.
 * @file: FILE (batch), or NULL.
 * @id: ID.
 * @date: DATE or --date, YYYYMMDD, if @has_date.
 * @has_date: a date was given.
 * @cast: --cast was given.
 * @sync: --sync was given (add): sync the list after the add.
 * @help: --help was given.
 * @force: --force was given (batch): go on after a failed line.
 * @command: COMMAND (help), or NULL.
 *
 * The strings point into the argument vector that was parsed.
 */
struct todo_req {
	const struct cmd *spec;
	const char *list;
	const char *title;
	const char *file;
	uint32_t id;
	uint32_t date;
	bool has_date;
	bool cast;
	bool sync;
	bool help;
	bool force;
	const char *command;
};

const struct cmd *req_find(const char *name);
const char *req_name(const struct cmd *spec);
enum req_op req_op(const struct cmd *spec);
bool req_is_mutation(const struct cmd *spec);

int req_parse(struct todo_req *r, const struct cmd *spec, int argc,
	      char **argv, char *why, size_t why_size);
int req_too_long(const struct todo_req *r, char *why, size_t why_size);
struct nl_msg *req_msg(struct tnl *nl, const struct todo_opts *o,
		       const struct todo_req *r, bool ack);

/* Attempts at a dump that changes keep interrupting (req_dump()). */
#define REQ_DUMP_TRIES	5

int req_dump(struct tnl *nl, const struct todo_opts *o,
	     const struct todo_req *r, tnl_reply_fn reply, void *arg,
	     void (*reset)(void *arg), struct tnl_error *err);

#endif /* TODOCTL_REQUEST_H */
