// SPDX-License-Identifier: GPL-2.0
/*
 * The batch command: one add, update, delete or ping per line, pipelined.
 *
 * Lines are split like shell words; blank lines and lines whose first
 * non-blank character is '#' are skipped.  Mutations are sent as casts and
 * pings as calls, all without NLM_F_ACK and without waiting: a success
 * sends nothing back (a ping sends its reply, which is ignored), a failure
 * an error message that carries the request's sequence number.  Each
 * request is recorded with its line number in a window.
 *
 * After BATCH_WINDOW requests, and at the end, a barrier closes the
 * window: a "ping LIST" call with NLM_F_ACK for each list the window's
 * mutations touched (a plain ping if they touched none), then a wait for
 * the answer of the last of them.  The kernel handles requests in the
 * order they are sent, so by then the error of every request of the
 * window has arrived, and each is mapped back to its line by its sequence
 * number.  The pings also wait until each list's server has handled the
 * casts queued before them: the batch returns once its changes are
 * applied, and a mailbox never holds more than one window of its casts.
 *
 * A cast can also fail once its server applies it (an id that does not
 * exist, a full list): the kernel then only counts it in the list's
 * casts_failed.  So the batch reads every list's casts_failed (a LISTS
 * dump) before its first cast and after each barrier that followed
 * casts, and reports each list whose counter grew by more than the casts
 * the kernel refused at once (those were reported against their lines).
 * Casts that other clients send to the same lists meanwhile are counted
 * too; a server that restarted (its counters start again at 0) counts
 * what it counted since.
 *
 * The batch stops at the first line that fails or has a usage error,
 * once the requests already sent are answered, unless --force is given.
 * Without --force each line goes out alone and the errors of those the
 * kernel refused at once are read before the next; with it, casts to a
 * list the window already named go out BATCH_PIPELINE to a datagram (see
 * batch_send()), and their errors are read at the barrier.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "parse.h"

#define BATCH_WINDOW	128
/*
 * With --force, casts to a list already named in the window go out this
 * many to a datagram (see batch_send()).
 */
#define BATCH_PIPELINE	16

/**
 * struct batch_sent - A request sent in the current window.
 * @seq: its sequence number.
 * @line: its line, or 0 for a barrier ping.
 * @cmd: its command's name.
 * @list: the list a mutation or a barrier ping names, or NULL.
 * @failed: it failed.
 */
struct batch_sent {
	uint32_t seq;
	unsigned long line;
	const char *cmd;
	const char *list;
	bool failed;
};

/**
 * struct casts_failed - A list's casts_failed counter.
 * @name: the list's name (allocated).
 * @count: the counter.
 */
struct casts_failed {
	char *name;
	uint64_t count;
};

/**
 * struct snapshot - The casts_failed counters of the owner's lists.
 * @lists: the lists.
 * @n: entries in @lists.
 * @cap: entries allocated.
 */
struct snapshot {
	struct casts_failed *lists;
	size_t n;
	size_t cap;
};

/**
 * struct batch - The state of a batch.
 * @o: the global options.
 * @force: --force: go on after a line that failed.
 * @nl: the connection, opened with the first request.
 * @sent: the requests of the window, lines' and barrier pings'.
 * @nsent: entries in @sent.
 * @nreq: requests of lines in the window.
 * @touched: lists the window's mutations named (allocated).
 * @ntouched: entries in @touched.
 * @refused: per entry of @touched, casts the kernel refused at once
 *	(counted in casts_failed as well as reported against their lines).
 * @before: casts_failed of every list before the window's casts.
 * @has_before: @before is read.
 * @check_casts: casts_failed can be read (else not checked).
 * @queued_from: the first line queued for the next datagram, if
 *	tnl_queued() says any is (see batch_send()).
 * @failed: a line or a barrier failed.
 * @usage: a line had a usage error.
 */
struct batch {
	const struct todo_opts *o;
	bool force;
	struct tnl *nl;
	struct batch_sent sent[2 * BATCH_WINDOW];
	unsigned int nsent;
	unsigned int nreq;
	char *touched[BATCH_WINDOW];
	unsigned int refused[BATCH_WINDOW];
	unsigned int ntouched;
	struct snapshot before;
	bool has_before;
	bool check_casts;
	unsigned long queued_from;
	bool failed;
	bool usage;
};

static void batch_usage(struct batch *b, unsigned long line, const char *cmd,
			const char *why)
{
	if (cmd)
		fprintf(stderr, "todoctl: batch: line %lu: %s: %s\n", line,
			cmd, why);
	else
		fprintf(stderr, "todoctl: batch: line %lu: %s\n", line, why);
	b->usage = true;
}

static void batch_fatal(const char *what, int error)
{
	struct tnl_error err;

	tnl_error_set(&err, error);
	tnl_perror(what, &err);
}

static struct batch_sent *batch_find(struct batch *b, uint32_t seq)
{
	unsigned int i;

	for (i = 0; i < b->nsent; i++) {
		if (b->sent[i].seq == seq)
			return &b->sent[i];
	}
	return NULL;
}

/*
 * Whether the error of a barrier ping only repeats what a line said: the
 * list does not exist (its lines failed) or its name or owner is refused.
 */
static bool batch_repeated(const struct batch *b,
			   const struct batch_sent *ping, int error)
{
	unsigned int i;

	if (error != ESRCH && error != EINVAL && error != ERANGE &&
	    error != EPERM)
		return false;
	for (i = 0; i < b->nsent; i++) {
		const struct batch_sent *s = &b->sent[i];

		if (s->line && s->failed && s->list &&
		    !strcmp(s->list, ping->list))
			return true;
	}
	return false;
}

/* A cast to @list was refused at once: it counts in casts_failed. */
static void batch_refused(struct batch *b, const char *list)
{
	unsigned int i;

	for (i = 0; i < b->ntouched; i++) {
		if (b->touched[i] == list)
			b->refused[i]++;
	}
}

/* The error (or warning) of request @seq: report it against its line. */
static void batch_on_error(uint32_t seq, const struct tnl_error *err,
			   void *arg)
{
	struct batch *b = arg;
	struct batch_sent *s = batch_find(b, seq);
	char what[96];

	if (!err->error) {
		snprintf(what, sizeof(what), "batch: ping%s%s",
			 s && s->list ? " " : "", s && s->list ? s->list : "");
		tnl_pwarn(what, err);
		return;
	}
	if (s && !s->line && s->list && batch_repeated(b, s, err->error))
		return;
	if (!s) {
		tnl_perror("batch", err);
	} else if (s->line) {
		snprintf(what, sizeof(what), "batch: line %lu: %s", s->line,
			 s->cmd);
		tnl_perror(what, err);
		s->failed = true;
		if (s->list && (err->error == EAGAIN ||
				err->error == ESHUTDOWN))
			batch_refused(b, s->list);
	} else {
		snprintf(what, sizeof(what), "batch: ping%s%s",
			 s->list ? " " : "", s->list ? s->list : "");
		tnl_perror(what, err);
	}
	b->failed = true;
}

/* Record a sent request in the window. */
static void batch_record(struct batch *b, uint32_t seq, unsigned long line,
			 const char *cmd, const char *list)
{
	struct batch_sent *s = &b->sent[b->nsent++];

	s->seq = seq;
	s->line = line;
	s->cmd = cmd;
	s->list = list;
	s->failed = false;
}

/* The window's copy of @list if its mutations touched it, else NULL. */
static const char *batch_touched(const struct batch *b, const char *list)
{
	unsigned int i;

	for (i = 0; i < b->ntouched; i++) {
		if (!strcmp(b->touched[i], list))
			return b->touched[i];
	}
	return NULL;
}

/* Note that the window's mutations touched @list.  Return: our copy. */
static const char *batch_touch(struct batch *b, const char *list)
{
	const char *known = batch_touched(b, list);

	if (known)
		return known;
	b->touched[b->ntouched] = strdup(list);
	if (!b->touched[b->ntouched])
		return NULL;
	b->refused[b->ntouched] = 0;
	return b->touched[b->ntouched++];
}

static void batch_reset(struct batch *b)
{
	while (b->ntouched)
		free(b->touched[--b->ntouched]);
	b->nsent = 0;
	b->nreq = 0;
}

/* Send a barrier ping of @list (NULL: a plain ping) and record it. */
static int batch_ping(struct batch *b, const char *list, uint32_t *seq)
{
	struct todo_req r = { .spec = req_find("ping"), .list = list };
	struct tnl_error err;
	struct nl_msg *msg;
	int ret;

	msg = req_msg(b->nl, b->o, &r, true);
	if (!msg) {
		batch_fatal("batch", ENOMEM);
		return -1;
	}
	ret = tnl_send(b->nl, msg, seq, &err);
	nlmsg_free(msg);
	if (ret) {
		tnl_perror("batch: ping", &err);
		return -1;
	}
	batch_record(b, *seq, 0, "ping", list);
	return 0;
}

static void snapshot_free(struct snapshot *sn)
{
	while (sn->n)
		free(sn->lists[--sn->n].name);
	free(sn->lists);
	memset(sn, 0, sizeof(*sn));
}

static int snapshot_reply(struct nlattr **tb, void *arg)
{
	struct snapshot *sn = arg;
	struct casts_failed *cf;

	if (!tb[TODO_A_LIST] || !tb[TODO_A_CASTS_FAILED])
		return EPROTO;
	if (sn->n == sn->cap) {
		size_t cap = sn->cap ? 2 * sn->cap : 64;

		cf = realloc(sn->lists, cap * sizeof(*cf));
		if (!cf)
			return ENOMEM;
		sn->lists = cf;
		sn->cap = cap;
	}
	cf = &sn->lists[sn->n];
	cf->name = strndup(nla_data(tb[TODO_A_LIST]),
			   tnl_strlen(tb[TODO_A_LIST]));
	if (!cf->name)
		return ENOMEM;
	cf->count = nla_get_u64(tb[TODO_A_CASTS_FAILED]);
	sn->n++;
	return 0;
}

/* @list's casts_failed in @sn; 0 if it is not there (not made yet). */
static uint64_t snapshot_get(const struct snapshot *sn, const char *list)
{
	size_t i;

	for (i = 0; i < sn->n; i++) {
		if (!strcmp(sn->lists[i].name, list))
			return sn->lists[i].count;
	}
	return 0;
}

static void snapshot_reset(void *arg)
{
	snapshot_free(arg);
}

/*
 * Read the casts_failed of every list of the owner into @sn, with nothing
 * of ours in flight.  If that is not allowed (EPERM: the lines will say
 * so), casts_failed is no longer checked.  Return: 0 or -1.
 */
static int batch_snapshot(struct batch *b, struct snapshot *sn)
{
	struct todo_req r = { .spec = req_find("lists") };
	struct tnl_error err;

	if (!req_dump(b->nl, b->o, &r, snapshot_reply, sn, snapshot_reset,
		      &err))
		return 0;
	snapshot_free(sn);
	b->check_casts = false;
	if (err.error == EPERM)
		return 0;
	tnl_perror("batch: reading casts_failed (lists)", &err);
	b->failed = true;
	return -1;
}

/*
 * After a barrier: report each list of the window whose casts_failed grew
 * by more than its casts refused at once.  Return: 0 or -1.
 */
static int batch_check_casts(struct batch *b)
{
	struct snapshot after = { 0 };
	uint64_t was, now, n;
	unsigned int i;

	if (!b->check_casts || !b->ntouched)
		return 0;
	if (batch_snapshot(b, &after))
		return -1;
	if (!b->check_casts)
		return 0;
	for (i = 0; i < b->ntouched; i++) {
		was = snapshot_get(&b->before, b->touched[i]);
		now = snapshot_get(&after, b->touched[i]);
		/* A server that restarted counts again from 0. */
		n = now >= was ? now - was : now;
		if (n <= b->refused[i])
			continue;
		n -= b->refused[i];
		fprintf(stderr, "todoctl: batch: %s: %" PRIu64 " cast%s failed once applied (casts_failed %" PRIu64 " -> %" PRIu64 ")\n",
			b->touched[i], n, n == 1 ? "" : "s", was, now);
		b->failed = true;
	}
	snapshot_free(&b->before);
	b->before = after;
	return 0;
}

/* Close the window: see the comment at the top.  Return: 0 or -1. */
static int batch_barrier(struct batch *b)
{
	struct tnl_error err;
	uint32_t seq = 0;
	unsigned int i;
	int ret = 0;

	if (!b->nreq)
		return 0;
	if (!b->ntouched)
		ret = batch_ping(b, NULL, &seq);
	for (i = 0; !ret && i < b->ntouched; i++)
		ret = batch_ping(b, b->touched[i], &seq);
	if (!ret) {
		if (tnl_wait(b->nl, seq, NULL, NULL, batch_on_error, b,
			     &err) == 0) {
			if (err.error || err.msg[0])
				batch_on_error(seq, &err, b);
		} else if (err.error != ENOBUFS) {
			/* ENOBUFS: reported at the end, from tnl_overrun(). */
			tnl_perror("batch", &err);
			ret = -1;
		}
	}
	if (!ret)
		ret = batch_check_casts(b);
	batch_reset(b);
	return ret;
}

/*
 * Send line @line's request @msg.  Without --force each line goes alone,
 * so that the error of one the kernel refused at once is read before the
 * next is sent.  With --force nothing waits on a line's own answer, and a
 * cast to a list the window already named (its server was just found or
 * started, so the handler need not wait for one) is queued, up to
 * BATCH_PIPELINE to a datagram: the kernel handles a datagram's requests
 * holding generic netlink's lock across them, so a request that may wait
 * (a call, a list to find or start) goes alone, after those queued.
 * Return: 0, or -1 with @err set and *@unsent the first line not sent
 * (those from it to @line were not).
 */
static int batch_send(struct batch *b, unsigned long line,
		      struct nl_msg *msg, const struct todo_req *r,
		      uint32_t *seq, struct tnl_error *err,
		      unsigned long *unsent)
{
	*unsent = tnl_queued(b->nl) ? b->queued_from : line;
	if (!b->force || !r->cast || !batch_touched(b, r->list))
		return tnl_send(b->nl, msg, seq, err);
	if (tnl_queue(b->nl, msg, seq, err))
		return -1;
	if (tnl_queued(b->nl) == 1)
		b->queued_from = line;
	if (tnl_queued(b->nl) < BATCH_PIPELINE)
		return 0;
	*unsent = b->queued_from;
	return tnl_flush(b->nl, err);
}

/* Run one line.  Return: 0, or -1 if the batch cannot go on. */
static int batch_line(struct batch *b, unsigned long line, char *text)
{
	const struct cmd *spec;
	const char *list = NULL;
	struct tnl_error err;
	unsigned long unsent;
	struct todo_req r;
	struct nl_msg *msg;
	struct words w;
	const char *why;
	char buf[256];
	uint32_t seq;
	size_t len;
	int ret = 0;

	text += strspn(text, " \t\r\n");
	if (!*text || *text == '#')
		return 0;
	/* The line ends before its newline: a backslash there is an error. */
	len = strlen(text);
	if (len && text[len - 1] == '\n')
		text[--len] = '\0';
	if (len && text[len - 1] == '\r')
		text[--len] = '\0';
	if (split_words(&w, text, &why)) {
		if (why) {
			batch_usage(b, line, NULL, why);
		} else {
			batch_fatal("batch", ENOMEM);
			ret = -1;
		}
		goto out;
	}

	spec = req_find(w.argv[0]);
	if (!spec) {
		snprintf(buf, sizeof(buf), "unknown command '%s'", w.argv[0]);
		batch_usage(b, line, NULL, buf);
		goto out;
	}
	if (!(spec->flags & CMD_BATCH)) {
		batch_usage(b, line, w.argv[0], "not allowed in a batch");
		goto out;
	}
	if (req_parse(&r, spec, w.argc - 1, w.argv + 1, buf, sizeof(buf))) {
		batch_usage(b, line, w.argv[0], buf);
		goto out;
	}
	if (r.help) {
		batch_usage(b, line, w.argv[0], "--help is not allowed in a batch");
		goto out;
	}
	if (r.sync) {
		batch_usage(b, line, w.argv[0],
			    "--sync is not allowed in a batch (run 'todoctl sync' after it)");
		goto out;
	}
	if (req_too_long(&r, buf, sizeof(buf))) {
		fprintf(stderr, "todoctl: batch: line %lu: %s: %s\n", line,
			w.argv[0], buf);
		b->failed = true;
		goto out;
	}
	r.cast = req_is_mutation(spec);

	if (!b->nl && tnl_open(&b->nl)) {
		ret = -1;
		goto out;
	}
	if (r.cast && b->check_casts && !b->has_before) {
		/*
		 * Lines sent before (pings) are answered first, so that their
		 * errors are reported against them, not read as the dump's.
		 */
		if (batch_barrier(b) || batch_snapshot(b, &b->before)) {
			ret = -1;
			goto out;
		}
		b->has_before = true;
	}
	msg = req_msg(b->nl, b->o, &r, false);
	if (!msg) {
		batch_fatal("batch", ENOMEM);
		ret = -1;
		goto out;
	}
	ret = batch_send(b, line, msg, &r, &seq, &err, &unsent);
	nlmsg_free(msg);
	if (ret) {
		if (unsent < line)
			snprintf(buf, sizeof(buf),
				 "batch: lines %lu to %lu: not sent", unsent,
				 line);
		else
			snprintf(buf, sizeof(buf), "batch: line %lu: %s", line,
				 w.argv[0]);
		tnl_perror(buf, &err);
		b->failed = true;
		goto out;
	}
	if (r.cast) {
		list = batch_touch(b, r.list);
		if (!list) {
			batch_fatal("batch", ENOMEM);
			ret = -1;
			goto out;
		}
	}
	batch_record(b, seq, line, req_name(spec), list);
	/* Without --force, stop at a line the kernel refused at once. */
	if (!b->force) {
		ret = tnl_poll(b->nl, batch_on_error, b);
		if (ret) {
			batch_fatal("batch", -ret);
			ret = -1;
			goto out;
		}
	}
	if (++b->nreq == BATCH_WINDOW)
		ret = batch_barrier(b);
out:
	words_free(&w);
	return ret;
}

/**
 * run_batch() - Run the batch command.
 * @o: the global options.
 * @r: the parsed command; @r->file is the file, NULL or "-" for stdin.
 *
 * Stops after the first line that failed or had a usage error (once the
 * requests sent are answered), unless @r->force.
 *
 * Return: EXIT_FAILED if a line failed or the batch could not go on,
 * else EXIT_USAGE if a line had a usage error, else EXIT_OK.
 */
int run_batch(const struct todo_opts *o, const struct todo_req *r)
{
	const char *name = r->file && strcmp(r->file, "-") ? r->file : NULL;
	struct batch *b;
	unsigned long line = 0;
	char *text = NULL;
	size_t size = 0;
	struct tnl_error err;
	bool fatal = false;
	FILE *f = stdin;
	int status;

	b = calloc(1, sizeof(*b));
	if (!b) {
		batch_fatal("batch", ENOMEM);
		return EXIT_FAILED;
	}
	b->o = o;
	b->force = r->force;
	b->check_casts = true;
	if (name) {
		f = fopen(name, "r");
		if (!f) {
			fprintf(stderr, "todoctl: batch: %s: %s\n", name,
				strerror(errno));
			free(b);
			return EXIT_FAILED;
		}
	}

	errno = 0;
	while (!fatal && getline(&text, &size, f) >= 0) {
		fatal = batch_line(b, ++line, text) < 0;
		errno = 0;
		if (fatal || b->force || (!b->failed && !b->usage))
			continue;
		/* Wait for the lines sent: they may have failed too. */
		if (b->nl)
			fatal = batch_barrier(b) < 0;
		if (getline(&text, &size, f) >= 0)
			fprintf(stderr, "todoctl: batch: stopped after line %lu, at the first failure (--force goes on)\n",
				line);
		break;
	}
	if (!fatal && ferror(f)) {
		fprintf(stderr, "todoctl: batch: %s: %s\n",
			name ? name : "standard input",
			strerror(errno ? errno : EIO));
		b->failed = true;
	}
	if (!fatal && b->nl)
		fatal = batch_barrier(b) < 0;
	/* Lines queued before a fatal error were run: send them. */
	if (fatal && b->nl && tnl_flush(b->nl, &err))
		tnl_perror("batch", &err);
	if (b->nl && tnl_overrun(b->nl)) {
		fprintf(stderr, "todoctl: batch: the kernel dropped replies (receive buffer full); some errors were lost\n");
		b->failed = true;
	}

	if (fatal || b->failed)
		status = EXIT_FAILED;
	else
		status = b->usage ? EXIT_USAGE : EXIT_OK;
	batch_reset(b);
	snapshot_free(&b->before);
	tnl_close(b->nl);
	free(text);
	if (f != stdin)
		fclose(f);
	free(b);
	return status;
}
