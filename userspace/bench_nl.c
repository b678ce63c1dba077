// SPDX-License-Identifier: GPL-2.0
/*
 * The requests todo-bench times, on todoctl's netlink connection (nl.c).
 *
 * Calls send the request with NLM_F_ACK and wait for its answer, as
 * todoctl does.  Pipelined casts follow todoctl's batch: casts go out
 * without NLM_F_ACK (a success sends nothing back), and after each window
 * a "ping LIST" call with NLM_F_ACK is the barrier: once its answer is in,
 * the server has handled every cast before it, and the error of any cast
 * that failed has arrived.  One barrier stays in flight while the next
 * window is sent, so the server always has work and its mailbox never
 * holds more than two windows.  Casts go BENCH_PIPELINE to a datagram
 * (tnl_queue()), a barrier with the casts queued before it.
 */
#include <errno.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include "bench.h"

/* A request; an ADD (with @title) is a cast if @cast. */
static struct nl_msg *bench_msg(struct tnl *nl, uint8_t cmd, int flags,
				const char *list, const char *title,
				bool cast)
{
	size_t payload = (list ? strlen(list) : 0) +
			 (title ? strlen(title) : 0);
	struct nl_msg *msg;

	msg = tnl_msg_new(nl, cmd, flags, payload);
	if (!msg)
		return NULL;
	if (list && nla_put_string(msg, TODO_A_LIST, list) < 0)
		goto fail;
	if (title && (nla_put_u32(msg, TODO_A_DATE, BENCH_DATE) < 0 ||
		      nla_put_string(msg, TODO_A_TITLE, title) < 0))
		goto fail;
	if (cast && nla_put_flag(msg, TODO_A_CAST) < 0)
		goto fail;
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

/* Send a request, wait for its answer, free it. */
static int bench_request(struct tnl *nl, struct nl_msg *msg,
			 tnl_reply_fn reply, void *arg, struct tnl_error *err)
{
	int ret;

	if (!msg) {
		tnl_error_set(err, ENOMEM);
		return -1;
	}
	ret = tnl_request(nl, msg, reply, arg, err);
	nlmsg_free(msg);
	return ret;
}

/**
 * bench_ping() - PING, without a list (the handler answers) or with one
 *	(a call through its server).
 * @nl: the connection.
 * @list: the list, or NULL.
 * @err: set to why it failed.
 *
 * Return: 0 or -1.
 */
int bench_ping(struct tnl *nl, const char *list, struct tnl_error *err)
{
	return bench_request(nl, bench_msg(nl, TODO_CMD_PING, NLM_F_ACK, list,
					   NULL, false), NULL, NULL, err);
}

static int bench_on_add(struct nlattr **tb, void *arg)
{
	if (!tb[TODO_A_ID])
		return EPROTO;
	*(uint32_t *)arg = nla_get_u32(tb[TODO_A_ID]);
	return 0;
}

/**
 * bench_add() - ADD as a call, dated BENCH_DATE.
 * @nl: the connection.
 * @list: the list, created if new.
 * @title: the entry's title.
 * @id: set to the new entry's id, if not NULL.
 * @err: set to why it failed.
 *
 * Return: 0 or -1.
 */
int bench_add(struct tnl *nl, const char *list, const char *title,
	      uint32_t *id, struct tnl_error *err)
{
	uint32_t got = 0;
	int ret;

	ret = bench_request(nl, bench_msg(nl, TODO_CMD_ADD, NLM_F_ACK, list,
					  title, false), bench_on_add, &got,
			    err);
	if (!ret && id)
		*id = got;
	return ret;
}

/**
 * struct bench_entries_ctx - What a GET dump of the benchmark saw.
 * @count: entries.
 * @bad: entries not dated BENCH_DATE, or whose title is not @want.
 * @want: the title every entry must have, or NULL.
 */
struct bench_entries_ctx {
	uint32_t count;
	uint32_t bad;
	const char *want;
};

static int bench_on_entry(struct nlattr **tb, void *arg)
{
	struct bench_entries_ctx *ctx = arg;

	if (!tb[TODO_A_ID] || !tb[TODO_A_DATE] || !tb[TODO_A_TITLE])
		return EPROTO;
	ctx->count++;
	if (nla_get_u32(tb[TODO_A_DATE]) != BENCH_DATE ||
	    (ctx->want &&
	     (tnl_strlen(tb[TODO_A_TITLE]) != strlen(ctx->want) ||
	      memcmp(nla_data(tb[TODO_A_TITLE]), ctx->want,
		     strlen(ctx->want)))))
		ctx->bad++;
	return 0;
}

/**
 * bench_entries() - A list's entries (GET dump), counted and checked.
 * @nl: the connection.
 * @list: the list.
 * @count: set to the number of entries.
 * @want_title: if not NULL, every entry must have this title and date
 *	BENCH_DATE, or the dump fails with EBADMSG.
 * @err: set to why it failed.
 *
 * Return: 0 or -1.
 */
int bench_entries(struct tnl *nl, const char *list, uint32_t *count,
		  const char *want_title, struct tnl_error *err)
{
	struct bench_entries_ctx ctx = { .want = want_title };

	if (bench_request(nl, bench_msg(nl, TODO_CMD_GET, NLM_F_DUMP, list,
					NULL, false), bench_on_entry, &ctx, err))
		return -1;
	*count = ctx.count;
	if (want_title && ctx.bad) {
		tnl_error_set(err, EBADMSG);
		return -1;
	}
	return 0;
}

/**
 * bench_sync() - SYNC one list: its changes are on disk.
 * @nl: the connection.
 * @list: the list.
 * @err: set to why it failed.
 *
 * Return: 0 or -1.
 */
int bench_sync(struct tnl *nl, const char *list, struct tnl_error *err)
{
	return bench_request(nl, bench_msg(nl, TODO_CMD_SYNC, NLM_F_ACK, list,
					   NULL, false), NULL, NULL, err);
}

static int bench_on_stats(struct nlattr **tb, void *arg)
{
	if (!tb[TODO_A_SERVERS])
		return EPROTO;
	*(long *)arg = nla_get_u32(tb[TODO_A_SERVERS]);
	return 0;
}

/**
 * bench_servers() - The list servers the module counts in max_servers.
 * @nl: the connection.
 * @servers: set to STATS' TODO_A_SERVERS: a slot is counted from before
 *	its server's thread is created until after the thread has exited,
 *	so this bounds the live list server threads at the moment it is read.
 * @err: set to why it failed.
 *
 * Return: 0 or -1.
 */
int bench_servers(struct tnl *nl, long *servers, struct tnl_error *err)
{
	return bench_request(nl, bench_msg(nl, TODO_CMD_STATS, NLM_F_ACK, NULL,
					   NULL, false), bench_on_stats,
			     servers, err);
}

/**
 * struct bench_writes_ctx - A list's file writes, from a LISTS dump.
 * @list: the list.
 * @writes: its TODO_A_WRITES.
 * @found: the list was in the dump.
 */
struct bench_writes_ctx {
	const char *list;
	uint64_t writes;
	bool found;
};

static int bench_on_list(struct nlattr **tb, void *arg)
{
	struct bench_writes_ctx *ctx = arg;
	size_t len = strlen(ctx->list);

	if (!tb[TODO_A_LIST] || tnl_strlen(tb[TODO_A_LIST]) != len ||
	    memcmp(nla_data(tb[TODO_A_LIST]), ctx->list, len))
		return 0;
	if (!tb[TODO_A_WRITES])
		return EPROTO;
	ctx->writes = nla_get_u64(tb[TODO_A_WRITES]);
	ctx->found = true;
	return 0;
}

/**
 * bench_writes() - How often a live list's file was written.
 * @nl: the connection.
 * @list: the list.
 * @writes: set to its TODO_A_WRITES, counted since its server started.
 * @err: set to why it failed; ESRCH if the list is not in the dump.
 *
 * Return: 0 or -1.
 */
int bench_writes(struct tnl *nl, const char *list, uint64_t *writes,
		 struct tnl_error *err)
{
	struct bench_writes_ctx ctx = { .list = list };

	if (bench_request(nl, bench_msg(nl, TODO_CMD_LISTS, NLM_F_DUMP, NULL,
					NULL, false), bench_on_list, &ctx, err))
		return -1;
	if (!ctx.found) {
		tnl_error_set(err, ESRCH);
		return -1;
	}
	*writes = ctx.writes;
	return 0;
}

/**
 * bench_casts_init() - Start pipelined casts to one list.
 * @bc: the state.
 * @nl: the connection.
 * @list: the list.
 * @window: casts between two barriers; two windows and two barriers must
 *	fit in the list's mailbox (mailbox_max) for no cast to be refused.
 */
void bench_casts_init(struct bench_casts *bc, struct tnl *nl,
		      const char *list, unsigned int window)
{
	memset(bc, 0, sizeof(*bc));
	bc->nl = nl;
	bc->list = list;
	bc->window = window ? window : 1;
}

static void bench_casts_failed(uint32_t seq, const struct tnl_error *err,
			       void *arg)
{
	struct bench_casts *bc = arg;

	(void)seq;
	if (!err->error)
		return;		/* a warning */
	if (!bc->failed++)
		bc->first = *err;
}

/* Wait for the barrier in flight, if any.  Return: 0 or -1. */
static int bench_casts_wait(struct bench_casts *bc)
{
	struct tnl_error err;

	if (!bc->pending)
		return 0;
	bc->pending = false;
	if (tnl_wait(bc->nl, bc->barrier, NULL, NULL, bench_casts_failed, bc,
		     &err) < 0)
		goto fail;
	if (err.error)
		bench_casts_failed(bc->barrier, &err, bc);
	return 0;
fail:
	bench_casts_failed(bc->barrier, &err, bc);
	return -1;
}

/*
 * Queue @msg (and free it), a cast or a barrier, and send what is queued
 * if @send or BENCH_PIPELINE are.  A failure loses every cast queued: each
 * counts as failed.  Return: 0 or -1.
 */
static int bench_casts_send(struct bench_casts *bc, struct nl_msg *msg,
			    uint32_t *seq, bool send)
{
	unsigned int lost = tnl_queued(bc->nl) + 1;
	struct tnl_error err;
	int ret = -1;

	if (!msg) {
		tnl_error_set(&err, ENOMEM);
		lost = 1;
	} else {
		ret = tnl_queue(bc->nl, msg, seq, &err);
		nlmsg_free(msg);
		if (!ret && (send || tnl_queued(bc->nl) >= BENCH_PIPELINE))
			ret = tnl_flush(bc->nl, &err);
	}
	if (ret < 0) {
		bc->failed += lost - 1;
		bench_casts_failed(0, &err, bc);
	}
	return ret;
}

/* Send a barrier, then wait for the previous one.  Return: 0 or -1. */
static int bench_casts_barrier(struct bench_casts *bc)
{
	uint32_t seq;
	int ret;

	if (bench_casts_send(bc, bench_msg(bc->nl, TODO_CMD_PING, NLM_F_ACK,
					   bc->list, NULL, false), &seq, true))
		return -1;
	ret = bench_casts_wait(bc);
	bc->barrier = seq;
	bc->pending = true;
	bc->in_window = 0;
	return ret;
}

/**
 * bench_cast() - Send one ADD as a cast, without waiting.
 * @bc: the state.
 * @title: the entry's title.
 *
 * Return: 0, or -1 if it could not be sent or a barrier could not be read
 * (a cast the kernel refused is only counted in @bc->failed).
 */
int bench_cast(struct bench_casts *bc, const char *title)
{
	uint32_t seq;

	if (bench_casts_send(bc, bench_msg(bc->nl, TODO_CMD_ADD, 0, bc->list,
					   title, true), &seq, false))
		return -1;
	if (++bc->in_window == bc->window)
		return bench_casts_barrier(bc);
	return 0;
}

/**
 * bench_casts_finish() - Wait until the list's server handled every cast.
 * @bc: the state.
 *
 * Return: 0 if every cast succeeded, else -1 (@bc->first says why).
 */
int bench_casts_finish(struct bench_casts *bc)
{
	if (bc->in_window && bench_casts_barrier(bc) < 0)
		return -1;
	if (bench_casts_wait(bc) < 0)
		return -1;
	return bc->failed ? -1 : 0;
}
