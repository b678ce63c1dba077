// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that make one request: add, entries, update, delete,
 * lists, ping, sync, drop and stats.  Each sends its request, prints each
 * reply through its table entry's handler (cmd.c), and on failure prints
 * "todoctl: CMD: MESSAGE (ENAME)" on stderr (see tnl_perror()).
 *
 * What a command prints is kept until it is done, and printed only if it
 * succeeded; a dump prints its array in any case, empty if it failed, so
 * that with --json every command prints JSON or nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "output.h"

/* Empty the output for a dump's next try: an open array. */
static void dump_reset(void *arg)
{
	struct out *out = arg;

	out_reset(out);
	open_json_array(out, NULL);
}

/*
 * Run a dump into @out, kept only once the kernel says it is consistent
 * (see req_dump()).  The array is closed whatever happens; a failed dump
 * leaves it empty.  Return: 0, or -1 with @err set.
 */
static int dump(struct tnl *nl, const struct todo_opts *o,
		const struct todo_req *r, struct out *out,
		struct tnl_error *err)
{
	int ret;

	ret = req_dump(nl, o, r, r->spec->reply, out, dump_reset, err);
	if (!ret) {
		close_json_array(out);
		return 0;
	}
	if (err->error == EINTR && !err->msg[0])
		snprintf(err->msg, sizeof(err->msg),
			 "interrupted: the list changed during each of %d dumps",
			 REQ_DUMP_TRIES);
	dump_reset(out);
	close_json_array(out);
	return ret;
}

/* A request that is not a dump; @r->sync then syncs its list. */
static int call(struct tnl *nl, const struct todo_opts *o,
		const struct todo_req *r, struct out *out,
		struct tnl_error *err, const char **name)
{
	const struct cmd *spec = r->spec;
	struct nl_msg *msg;
	int ret;

	msg = req_msg(nl, o, r, true);
	if (!msg) {
		tnl_error_set(err, ENOMEM);
		return -1;
	}
	ret = tnl_request(nl, msg, spec->reply, out, err);
	nlmsg_free(msg);
	if (!ret && (spec->flags & CMD_REPLY) && !r->cast && !out->items) {
		tnl_error_set(err, EPROTO);
		ret = -1;
	}
	if (ret)
		return ret;
	tnl_pwarn(*name, err);
	if (r->sync) {
		/* add --sync: then wait until the list is on disk. */
		struct todo_req s = { .spec = req_find("sync"),
				      .list = r->list };

		*name = "sync";
		msg = req_msg(nl, o, &s, true);
		if (!msg) {
			tnl_error_set(err, ENOMEM);
			return -1;
		}
		ret = tnl_request(nl, msg, NULL, NULL, err);
		nlmsg_free(msg);
		if (!ret)
			tnl_pwarn(*name, err);
	}
	return ret;
}

/**
 * run_request() - Run a command that makes one request.
 * @o: the global options.
 * @r: the parsed command (one with CMD_CALL or CMD_DUMP).
 *
 * Return: EXIT_OK or EXIT_FAILED.
 */
int run_request(const struct todo_opts *o, const struct todo_req *r)
{
	const char *name = r->spec->name;
	struct tnl_error err;
	struct out out;
	struct tnl *nl;
	char why[128];
	int ret;

	if (req_too_long(r, why, sizeof(why))) {
		fprintf(stderr, "todoctl: %s: %s\n", name, why);
		return EXIT_FAILED;
	}
	if (out_init(&out, o->json, o->pretty)) {
		tnl_error_set(&err, ENOMEM);
		tnl_perror(name, &err);
		return EXIT_FAILED;
	}
	if (tnl_open(&nl)) {
		out_free(&out);
		return EXIT_FAILED;
	}
	if (r->spec->flags & CMD_DUMP) {
		ret = dump(nl, o, r, &out, &err);
		if (!ret)
			tnl_pwarn(name, &err);
	} else {
		ret = call(nl, o, r, &out, &err, &name);
		if (ret)
			out_reset(&out);
		else if (r->spec->print)
			r->spec->print(&out, r);
	}
	tnl_close(nl);
	if (out_flush(&out, stdout) && !ret) {
		tnl_error_set(&err, ENOMEM);
		ret = -1;
	}
	out_free(&out);
	if (ret) {
		tnl_perror(name, &err);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}
