// SPDX-License-Identifier: GPL-2.0
/*
 * The grammar of each command (its entry in todo_cmds[], cmd.c), shared by
 * the command line and batch lines: positional arguments in a fixed order, long options anywhere among them
 * ("--date DATE" or "--date=DATE"), and "--" to end the options so that a
 * title may start with '-'.  Whatever the grammar refuses is a usage
 * error, reported before anything is sent; the kernel judges the rest.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include "parse.h"
#include "request.h"

static const struct {
	const char *name;
	unsigned int flag;
	bool has_value;
} req_options[] = {
	{ "cast", OPT_CAST, false },
	{ "date", OPT_DATE, true },
	{ "title", OPT_TITLE, true },
	{ "sync", OPT_SYNC, false },
	{ "force", OPT_FORCE, false },
};

static const char *const arg_names[] = {
	[ARG_LIST] = "LIST",
	[ARG_DATE] = "DATE",
	[ARG_TITLE] = "TITLE",
	[ARG_ID] = "ID",
	[ARG_FILE] = "FILE",
	[ARG_COMMAND] = "COMMAND",
};

/**
 * req_find() - Look a command up by name.
 * @name: the name.
 *
 * Return: its grammar, or NULL.
 */
const struct cmd *req_find(const char *name)
{
	const struct cmd *c;

	for (c = todo_cmds; c->name; c++) {
		if (!strcmp(c->name, name))
			return c;
	}
	return NULL;
}

const char *req_name(const struct cmd *spec)
{
	return spec->name;
}

enum req_op req_op(const struct cmd *spec)
{
	return spec->op;
}

bool req_is_mutation(const struct cmd *spec)
{
	return spec->flags & CMD_CAST;
}

static int req_date(struct todo_req *r, const char *s, char *why,
		    size_t why_size)
{
	if (parse_date(s, &r->date)) {
		snprintf(why, why_size,
			 "malformed date '%s' (expected YYYY-MM-DD)", s);
		return -1;
	}
	r->has_date = true;
	return 0;
}

static int req_positional(struct todo_req *r, enum arg_kind kind,
			  const char *arg, char *why, size_t why_size)
{
	switch (kind) {
	case ARG_LIST:
		r->list = arg;
		return 0;
	case ARG_DATE:
		return req_date(r, arg, why, why_size);
	case ARG_TITLE:
		r->title = arg;
		return 0;
	case ARG_ID:
		if (parse_id(arg, &r->id)) {
			snprintf(why, why_size,
				 "invalid id '%s' (expected 1-%u)", arg,
				 UINT32_MAX);
			return -1;
		}
		return 0;
	case ARG_FILE:
		r->file = arg;
		return 0;
	case ARG_COMMAND:
		r->command = arg;
		return 0;
	case ARG_NONE:
		break;
	}
	return -1;
}

/* Parse the option argv[*i]; *i moves past its value if it takes one. */
static int req_option(struct todo_req *r, int argc, char **argv, int *i,
		      char *why, size_t why_size)
{
	const char *arg = argv[*i];
	const char *name = arg + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const char *value = eq ? eq + 1 : NULL;
	size_t k;

	if (arg[1] != '-')
		goto unknown;
	for (k = 0; k < sizeof(req_options) / sizeof(req_options[0]); k++) {
		if (!(r->spec->opts & req_options[k].flag) ||
		    strlen(req_options[k].name) != len ||
		    strncmp(req_options[k].name, name, len))
			continue;
		if (!req_options[k].has_value) {
			if (value) {
				snprintf(why, why_size,
					 "option '--%s' takes no value",
					 req_options[k].name);
				return -1;
			}
		} else if (!value) {
			if (*i + 1 >= argc) {
				snprintf(why, why_size,
					 "option '--%s' needs a value",
					 req_options[k].name);
				return -1;
			}
			value = argv[++*i];
		}
		switch (req_options[k].flag) {
		case OPT_CAST:
			r->cast = true;
			return 0;
		case OPT_DATE:
			return req_date(r, value, why, why_size);
		case OPT_TITLE:
			r->title = value;
			return 0;
		case OPT_SYNC:
			r->sync = true;
			return 0;
		case OPT_FORCE:
			r->force = true;
			return 0;
		}
	}
unknown:
	snprintf(why, why_size, "unknown option '%s'", arg);
	return -1;
}

static bool is_option(const char *arg)
{
	return arg[0] == '-' && arg[1];
}

/**
 * req_parse() - Parse a command's arguments.
 * @r: the result.
 * @spec: the command.
 * @argc: number of arguments (the command's name excluded).
 * @argv: the arguments.
 * @why: on a usage error, set to what is wrong (no prefix, no newline).
 * @why_size: size of @why.
 *
 * "-h" or "--help" before any "--" wins over everything else and only
 * sets @r->help.
 *
 * Return: 0, or -1 on a usage error.
 */
int req_parse(struct todo_req *r, const struct cmd *spec, int argc,
	      char **argv, char *why, size_t why_size)
{
	bool options = true;
	int npos = 0, i;

	memset(r, 0, sizeof(*r));
	r->spec = spec;
	for (i = 0; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			r->help = true;
			return 0;
		}
	}

	for (i = 0; i < argc; i++) {
		const char *arg = argv[i];

		if (options && !strcmp(arg, "--")) {
			options = false;
		} else if (options && is_option(arg)) {
			if (req_option(r, argc, argv, &i, why, why_size))
				return -1;
		} else if (npos == REQ_MAX_ARGS || !spec->argv[npos]) {
			snprintf(why, why_size, "unexpected argument '%s'",
				 arg);
			return -1;
		} else if (req_positional(r, spec->argv[npos++], arg, why,
					  why_size)) {
			return -1;
		}
	}
	if (npos < spec->required) {
		snprintf(why, why_size, "missing %s",
			 arg_names[spec->argv[npos]]);
		return -1;
	}
	return spec->parse ? spec->parse(r, why, why_size) : 0;
}

/**
 * req_too_long() - Whether a string is too long for the protocol.
 * @r: a parsed command.
 * @why: set to what is too long (no prefix, no newline).
 * @why_size: size of @why.
 *
 * A name longer than TODO_NAME_MAX or a title longer than TODO_TITLE_MAX
 * is refused before it is sent: the kernel would refuse it anyway, and
 * libnl silently truncates the length of an attribute past 65535 bytes,
 * which would send something else than what was asked.
 *
 * Return: 0, or -1 with @why set.
 */
int req_too_long(const struct todo_req *r, char *why, size_t why_size)
{
	size_t len;

	if (r->list && (len = strlen(r->list)) > TODO_NAME_MAX) {
		snprintf(why, why_size,
			 "list name too long (%zu bytes; at most %d)", len,
			 TODO_NAME_MAX);
		return -1;
	}
	if (r->title && (len = strlen(r->title)) > TODO_TITLE_MAX) {
		snprintf(why, why_size,
			 "title too long (%zu bytes; at most %d)", len,
			 TODO_TITLE_MAX);
		return -1;
	}
	return 0;
}

/**
 * req_msg() - Build the netlink request of a parsed command.
 * @nl: the connection.
 * @o: the global options (--user becomes TODO_A_OWNER).
 * @r: the command; @r->cast adds TODO_A_CAST.
 * @ack: ask for an acknowledgement (ignored for dumps, which end with
 *	NLMSG_DONE).
 *
 * Return: the message, or NULL if out of memory.
 */
struct nl_msg *req_msg(struct tnl *nl, const struct todo_opts *o,
		       const struct todo_req *r, bool ack)
{
	const struct cmd *spec = r->spec;
	size_t payload = (r->list ? strlen(r->list) : 0) +
			 (r->title ? strlen(r->title) : 0);
	int flags = (spec->flags & CMD_DUMP) ? NLM_F_DUMP : ack ? NLM_F_ACK : 0;
	struct nl_msg *msg;

	msg = tnl_msg_new(nl, spec->nl_cmd, flags, payload);
	if (!msg)
		return NULL;
	if ((r->list && nla_put_string(msg, TODO_A_LIST, r->list) < 0) ||
	    (o->has_owner && nla_put_u32(msg, TODO_A_OWNER, o->owner) < 0) ||
	    (r->id && nla_put_u32(msg, TODO_A_ID, r->id) < 0) ||
	    (r->has_date && nla_put_u32(msg, TODO_A_DATE, r->date) < 0) ||
	    (r->title && nla_put_string(msg, TODO_A_TITLE, r->title) < 0) ||
	    (r->cast && nla_put_flag(msg, TODO_A_CAST) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * req_dump() - Run a dump until the kernel says it is consistent.
 * @nl: the connection.
 * @o: the global options.
 * @r: the command, a dump.
 * @reply: called for each message of the dump.
 * @arg: @reply's argument; emptied by @reset before each try.
 * @reset: empties @arg.
 * @err: set on failure.
 *
 * A dump that a change interrupted (NLM_F_DUMP_INTR, seen as EINTR with no
 * message) is run again, up to REQ_DUMP_TRIES times, so no half-old,
 * half-new view is kept.
 *
 * Return: 0; or -1 with @err set: EINTR without a message if every try
 * was interrupted.
 */
int req_dump(struct tnl *nl, const struct todo_opts *o,
	     const struct todo_req *r, tnl_reply_fn reply, void *arg,
	     void (*reset)(void *arg), struct tnl_error *err)
{
	struct nl_msg *msg;
	int tries, ret = -1;

	for (tries = 0; tries < REQ_DUMP_TRIES; tries++) {
		reset(arg);
		msg = req_msg(nl, o, r, true);
		if (!msg) {
			tnl_error_set(err, ENOMEM);
			return -1;
		}
		ret = tnl_request(nl, msg, reply, arg, err);
		nlmsg_free(msg);
		if (!ret || err->error != EINTR || err->msg[0])
			break;	/* done, or failed otherwise */
	}
	return ret;
}
