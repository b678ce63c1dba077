// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that make one request: add, entries, update, delete,
 * lists, ping, sync, drop and stats.  Each sends its request, prints the replies as they
 * come, and on failure prints "todoctl: CMD: TEXT (kernel: EXTACK)".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "output.h"

/**
 * struct reply_ctx - What the reply handlers need.
 * @out: the output.
 * @id: the new entry's id (add).
 * @has_id: @id was in the reply.
 * @stats: the counters (stats).
 * @has_stats: @stats came in the reply.
 */
struct reply_ctx {
	struct out out;
	uint32_t id;
	bool has_id;
	struct stats_info stats;
	bool has_stats;
};

static int on_add(struct nlattr **tb, void *arg)
{
	struct reply_ctx *ctx = arg;

	if (!tb[TODO_A_ID])
		return EPROTO;
	ctx->id = nla_get_u32(tb[TODO_A_ID]);
	ctx->has_id = true;
	return 0;
}

static int on_entry(struct nlattr **tb, void *arg)
{
	struct reply_ctx *ctx = arg;
	struct entry_info e;

	if (!tb[TODO_A_ID] || !tb[TODO_A_DATE] || !tb[TODO_A_TITLE])
		return EPROTO;
	e.id = nla_get_u32(tb[TODO_A_ID]);
	e.date = nla_get_u32(tb[TODO_A_DATE]);
	e.title = nla_data(tb[TODO_A_TITLE]);
	e.title_len = tnl_strlen(tb[TODO_A_TITLE]);
	out_entry(&ctx->out, &e);
	return 0;
}

static int on_list(struct nlattr **tb, void *arg)
{
	static const int needed[] = {
		TODO_A_LIST, TODO_A_OWNER, TODO_A_ENTRIES, TODO_A_NEXT_ID,
		TODO_A_MAILBOX, TODO_A_CASTS, TODO_A_CASTS_FAILED,
		TODO_A_ALIVE,
	};
	struct reply_ctx *ctx = arg;
	struct list_info l;
	size_t i;

	for (i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		if (!tb[needed[i]])
			return EPROTO;
	}
	l.name = nla_data(tb[TODO_A_LIST]);
	l.name_len = tnl_strlen(tb[TODO_A_LIST]);
	l.owner = nla_get_u32(tb[TODO_A_OWNER]);
	l.entries = nla_get_u32(tb[TODO_A_ENTRIES]);
	l.next_id = nla_get_u32(tb[TODO_A_NEXT_ID]);
	l.mailbox = nla_get_u32(tb[TODO_A_MAILBOX]);
	l.casts = nla_get_u64(tb[TODO_A_CASTS]);
	l.casts_failed = nla_get_u64(tb[TODO_A_CASTS_FAILED]);
	l.alive = nla_get_u8(tb[TODO_A_ALIVE]);
	l.writes = tb[TODO_A_WRITES] ? nla_get_u64(tb[TODO_A_WRITES]) : 0;
	l.write_errors = tb[TODO_A_WRITE_ERRORS] ?
			 nla_get_u64(tb[TODO_A_WRITE_ERRORS]) : 0;
	l.last_error = tb[TODO_A_LAST_ERROR] ?
		       nla_get_u32(tb[TODO_A_LAST_ERROR]) : 0;
	out_list(&ctx->out, &l);
	return 0;
}

static int on_stats(struct nlattr **tb, void *arg)
{
	static const int needed[] = {
		TODO_A_SERVERS, TODO_A_MAX_SERVERS, TODO_A_LISTS,
		TODO_A_STARTED, TODO_A_EVICTIONS, TODO_A_BUSY,
	};
	struct reply_ctx *ctx = arg;
	size_t i;

	for (i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		if (!tb[needed[i]])
			return EPROTO;
	}
	ctx->stats.servers = nla_get_u32(tb[TODO_A_SERVERS]);
	ctx->stats.max_servers = nla_get_u32(tb[TODO_A_MAX_SERVERS]);
	ctx->stats.lists = nla_get_u32(tb[TODO_A_LISTS]);
	ctx->stats.started = nla_get_u64(tb[TODO_A_STARTED]);
	ctx->stats.evictions = nla_get_u64(tb[TODO_A_EVICTIONS]);
	ctx->stats.busy = nla_get_u64(tb[TODO_A_BUSY]);
	ctx->has_stats = true;
	return 0;
}

static int on_ignore(struct nlattr **tb, void *arg)
{
	(void)tb;
	(void)arg;
	return 0;
}

/* Attempts at a dump that a change of the list keeps interrupting. */
#define DUMP_TRIES	5

/*
 * Run a dump into memory, and print it only once the kernel says it is
 * consistent: a dump that a change interrupted (NLM_F_DUMP_INTR) is run
 * again, up to DUMP_TRIES times, so no half-old, half-new list is shown.
 * Return: 0, or -1 with @err set.
 */
static int dump(struct tnl *nl, const struct todo_opts *o,
		const struct todo_req *r, struct nl_msg *msg,
		tnl_reply_fn reply, struct reply_ctx *ctx,
		struct tnl_error *err)
{
	FILE *real = ctx->out.f;
	struct nl_msg *again;
	size_t len;
	char *buf;
	int tries, ret = -1;

	for (tries = 0; tries < DUMP_TRIES; tries++) {
		buf = NULL;
		ctx->out.f = open_memstream(&buf, &len);
		if (!ctx->out.f) {
			tnl_error_set(err, errno);
			break;
		}
		ctx->out.items = 0;
		out_array_begin(&ctx->out);
		if (tries) {
			again = req_msg(nl, o, r, true);
			if (!again) {
				tnl_error_set(err, ENOMEM);
				ret = -1;
			} else {
				ret = tnl_request(nl, again, reply, ctx, err);
				nlmsg_free(again);
			}
		} else {
			ret = tnl_request(nl, msg, reply, ctx, err);
		}
		out_array_end(&ctx->out);
		fclose(ctx->out.f);
		ctx->out.f = real;
		if (!ret && err->error == EINTR && !err->msg[0]) {
			free(buf);	/* interrupted by a change: again */
			ret = -1;
			continue;
		}
		if (!ret)
			fwrite(buf, 1, len, real);
		free(buf);
		return ret;
	}
	return ret;
}

/**
 * run_request() - Run a command that makes one request.
 * @o: the global options.
 * @r: the parsed command (not batch).
 *
 * Return: EXIT_OK or EXIT_FAILED.
 */
int run_request(const struct todo_opts *o, const struct todo_req *r)
{
	struct reply_ctx ctx = { .out = { .f = stdout, .json = o->json } };
	const char *name = req_name(r->spec);
	enum req_op op = req_op(r->spec);
	tnl_reply_fn reply = on_ignore;
	struct tnl_error err;
	struct nl_msg *msg;
	struct tnl *nl;
	int ret;

	if (tnl_open(&nl))
		return EXIT_FAILED;
	msg = req_msg(nl, o, r, true);
	if (!msg) {
		tnl_error_set(&err, ENOMEM);
		tnl_perror(name, &err);
		tnl_close(nl);
		return EXIT_FAILED;
	}

	switch (op) {
	case OP_ADD:
		reply = on_add;
		break;
	case OP_ENTRIES:
		reply = on_entry;
		break;
	case OP_LISTS:
		reply = on_list;
		break;
	case OP_STATS:
		reply = on_stats;
		break;
	default:
		break;
	}

	if (op == OP_ENTRIES || op == OP_LISTS)
		ret = dump(nl, o, r, msg, reply, &ctx, &err);
	else
		ret = tnl_request(nl, msg, reply, &ctx, &err);
	if (!ret && ((op == OP_ADD && !r->cast && !ctx.has_id) ||
		     (op == OP_STATS && !ctx.has_stats))) {
		tnl_error_set(&err, EPROTO);
		ret = -1;
	}
	nlmsg_free(msg);
	if (!ret)
		tnl_pwarn(name, &err);
	if (!ret && r->sync) {
		/* add --sync: then wait until the list is on disk. */
		struct todo_req s = { .spec = req_find("sync"),
				      .list = r->list };

		msg = req_msg(nl, o, &s, true);
		if (!msg) {
			tnl_error_set(&err, ENOMEM);
			ret = -1;
		} else {
			ret = tnl_request(nl, msg, on_ignore, &ctx, &err);
			nlmsg_free(msg);
			name = "sync";
		}
	}
	tnl_close(nl);
	if (ret) {
		tnl_perror(name, &err);
		return EXIT_FAILED;
	}

	switch (op) {
	case OP_ADD:
		if (!r->cast)
			out_id(&ctx.out, ctx.id);
		break;
	case OP_PING:
		puts("pong");
		break;
	case OP_STATS:
		out_stats(&ctx.out, &ctx.stats);
		break;
	default:
		break;
	}
	return EXIT_OK;
}
