// SPDX-License-Identifier: GPL-2.0
/*
 * todo-bench: timed requests to the todo module, one measurement per run.
 *
 *   todo-bench COMMAND [-n COUNT] [-p PREFIX] [-w WINDOW] [-c CLIENTS]
 *		[-r ACCESSES]
 *
 * Each command prints one line per figure, "NAME key=value ...", with at
 * least ops= and secs= for a timed figure; tests/bench/ repeats them and
 * makes the table.  Lists are named PREFIX-...: a repetition with another
 * prefix starts from new lists.  Every request is checked; the first
 * failure ends the command with status 1 and says why on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

/* Longest list name the benchmarks make, NUL included. */
#define BENCH_NAME_MAX	(TODO_NAME_MAX + 1)
/* Casts between two barriers: two windows fit the default mailbox. */
#define BENCH_WINDOW	256

/**
 * struct bench_opts - The command line.
 * @count: -n, operations (or lists) to time.
 * @prefix: -p, start of every list name.
 * @window: -w, casts between two barriers.
 * @clients: -c, client processes.
 * @accesses: -r, accesses of the round-robin figure (default 2 * @count).
 */
struct bench_opts {
	unsigned long count;
	const char *prefix;
	unsigned int window;
	unsigned int clients;
	unsigned long accesses;
};

/**
 * bench_fail() - Print "todo-bench: WHAT: MESSAGE (ENAME)".
 * @what: what failed.
 * @err: why; see tnl_error_text().
 */
void bench_fail(const char *what, const struct tnl_error *err)
{
	char text[sizeof(err->msg) + 32];

	fprintf(stderr, "todo-bench: %s: %s\n", what,
		tnl_error_text(err, text, sizeof(text)));
}

static void bench_name(char *buf, const struct bench_opts *o,
		       const char *what, unsigned long n)
{
	snprintf(buf, BENCH_NAME_MAX, "%s-%s%lu", o->prefix, what, n);
}

static void bench_result(const char *name, unsigned long ops, double secs)
{
	printf("%s ops=%lu secs=%.6f\n", name, ops, secs);
	fflush(stdout);
}

/* A list with one entry, so that its server is live. */
static int bench_live_list(struct tnl *nl, const char *list)
{
	struct tnl_error err;

	if (bench_add(nl, list, "warm-up", NULL, &err)) {
		bench_fail(list, &err);
		return -1;
	}
	return 0;
}

/* -n PINGs, of the family (@list NULL) or through @list's server. */
static int bench_pings(struct tnl *nl, const char *name, const char *list,
		       unsigned long count)
{
	struct tnl_error err;
	unsigned long i;
	double t;

	t = bench_now();
	for (i = 0; i < count; i++) {
		if (bench_ping(nl, list, &err)) {
			bench_fail(name, &err);
			return -1;
		}
	}
	bench_result(name, count, bench_now() - t);
	return 0;
}

static int cmd_ping(struct tnl *nl, const struct bench_opts *o)
{
	return bench_pings(nl, "ping", NULL, o->count);
}

static int cmd_ping_list(struct tnl *nl, const struct bench_opts *o)
{
	char list[BENCH_NAME_MAX];

	bench_name(list, o, "ping", 0);
	if (bench_live_list(nl, list))
		return -1;
	return bench_pings(nl, "ping-list", list, o->count);
}

/* -n ADD calls to @list. */
static int bench_adds(struct tnl *nl, const struct bench_opts *o,
		      const char *list, unsigned long count)
{
	struct tnl_error err;
	unsigned long i;

	(void)o;
	for (i = 0; i < count; i++) {
		if (bench_add(nl, list, "call", NULL, &err)) {
			bench_fail(list, &err);
			return -1;
		}
	}
	return 0;
}

/* -n casts to @list, pipelined; returns once its server handled them. */
static int bench_burst(struct tnl *nl, const struct bench_opts *o,
		       const char *list, unsigned long count)
{
	struct bench_casts bc;
	unsigned long i;

	bench_casts_init(&bc, nl, list, o->window);
	for (i = 0; i < count; i++) {
		if (bench_cast(&bc, "cast"))
			break;
	}
	if (bench_casts_finish(&bc)) {
		fprintf(stderr, "todo-bench: %s: %lu casts failed\n", list,
			bc.failed);
		bench_fail(list, &bc.first);
		return -1;
	}
	return 0;
}

/* Time @run of -n requests to the live list PREFIX-@name0. */
static int bench_timed(struct tnl *nl, const struct bench_opts *o,
		       const char *name,
		       int (*run)(struct tnl *nl, const struct bench_opts *o,
				  const char *list, unsigned long count))
{
	char list[BENCH_NAME_MAX];
	double t;

	bench_name(list, o, name, 0);
	if (bench_live_list(nl, list))
		return -1;
	t = bench_now();
	if (run(nl, o, list, o->count))
		return -1;
	bench_result(name, o->count, bench_now() - t);
	return 0;
}

static int cmd_add(struct tnl *nl, const struct bench_opts *o)
{
	return bench_timed(nl, o, "add", bench_adds);
}

static int cmd_cast(struct tnl *nl, const struct bench_opts *o)
{
	return bench_timed(nl, o, "cast", bench_burst);
}

/* GET dumps of a list of 100 entries. */
static int cmd_entries(struct tnl *nl, const struct bench_opts *o)
{
	char list[BENCH_NAME_MAX];
	struct tnl_error err;
	uint32_t count;
	unsigned long i;
	double t;

	bench_name(list, o, "entries", 0);
	if (bench_burst(nl, o, list, 100))
		return -1;
	t = bench_now();
	for (i = 0; i < o->count; i++) {
		if (bench_entries(nl, list, &count, "cast", &err)) {
			bench_fail(list, &err);
			return -1;
		}
		if (count != 100) {
			fprintf(stderr, "todo-bench: %s: %u entries, not 100\n",
				list, count);
			return -1;
		}
	}
	bench_result("entries-100", o->count, bench_now() - t);
	return 0;
}

/*
 * One of -c clients: its own connection and list; says it is ready on
 * @ready, waits for a byte on @go, then makes -n ADD calls and writes
 * how long they took on @ready.
 */
static int bench_client(const struct bench_opts *o, unsigned int c,
			int ready, int go)
{
	char list[BENCH_NAME_MAX], byte;
	struct tnl *nl;
	double t;
	int ret = 1;

	snprintf(list, sizeof(list), "%s-c%u-%u", o->prefix, o->clients, c);
	if (tnl_open(&nl))
		return 1;
	if (bench_live_list(nl, list))
		goto out;
	byte = 'r';
	if (write(ready, &byte, 1) != 1 || read(go, &byte, 1) != 1)
		goto out;
	t = bench_now();
	if (bench_adds(nl, o, list, o->count))
		goto out;
	t = bench_now() - t;
	if (write(ready, &t, sizeof(t)) == sizeof(t))
		ret = 0;
out:
	tnl_close(nl);
	return ret;
}

/*
 * -c client processes, each its own connection and list, make -n ADD
 * calls each, all started at once: the aggregate rate is the calls of all
 * over the time of the slowest.
 */
static int cmd_clients(struct tnl *nl, const struct bench_opts *o)
{
	int ready[2], go[2], status, ret = 0;
	unsigned int c, started = 0;
	double secs = 0, t;
	char byte, name[32];
	pid_t pid;

	(void)nl;
	if (pipe(ready) || pipe(go)) {
		perror("todo-bench: pipe");
		return -1;
	}
	fflush(stdout);
	for (c = 0; c < o->clients; c++) {
		pid = fork();
		if (pid < 0) {
			perror("todo-bench: fork");
			ret = -1;
			break;
		}
		if (!pid) {
			close(ready[0]);
			close(go[1]);
			_exit(bench_client(o, c, ready[1], go[0]));
		}
		started++;
	}
	close(ready[1]);
	close(go[0]);
	for (c = 0; c < started && !ret; c++) {
		if (read(ready[0], &byte, 1) != 1)
			ret = -1;
	}
	if (!ret) {
		/* One byte each: every client is past its read at once. */
		for (c = 0; c < started; c++) {
			if (write(go[1], "g", 1) != 1)
				ret = -1;
		}
	}
	close(go[1]);
	for (c = 0; c < started && !ret; c++) {
		if (read(ready[0], &t, sizeof(t)) != sizeof(t))
			ret = -1;
		else if (t > secs)
			secs = t;
	}
	close(ready[0]);
	for (c = 0; c < started; c++) {
		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			ret = -1;
	}
	if (ret) {
		fprintf(stderr, "todo-bench: clients-%u: a client failed\n",
			o->clients);
		return -1;
	}
	snprintf(name, sizeof(name), "clients-%u", o->clients);
	bench_result(name, o->count * o->clients, secs);
	return 0;
}

/*
 * -n new lists, one ADD call each; then the kernel memory each costs while
 * its server is live, with clean caches dropped before both readings.
 */
static int cmd_lists(struct tnl *nl, const struct bench_opts *o)
{
	char list[BENCH_NAME_MAX];
	long kb0, kb1, live0, live1;
	struct tnl_error err;
	unsigned long i;
	double t;

	bench_drop_caches();
	kb0 = bench_kernel_kb();
	live0 = bench_kthreads();
	t = bench_now();
	for (i = 0; i < o->count; i++) {
		bench_name(list, o, "l", i);
		if (bench_add(nl, list, "new", NULL, &err)) {
			bench_fail(list, &err);
			return -1;
		}
	}
	t = bench_now() - t;
	bench_result("new-lists", o->count, t);
	bench_drop_caches();
	kb1 = bench_kernel_kb();
	live1 = bench_kthreads();
	if (kb0 < 0 || kb1 < 0 || live0 < 0 || live1 < 0) {
		fprintf(stderr, "todo-bench: cannot read /proc\n");
		return -1;
	}
	printf("mem-per-list kib=%.2f delta_kib=%ld live=%ld\n",
	       live1 > live0 ? (double)(kb1 - kb0) / (double)(live1 - live0) :
	       0.0, kb1 - kb0, live1 - live0);
	return 0;
}

/* File writes a burst of -n casts to a new list causes. */
static int cmd_writes(struct tnl *nl, const struct bench_opts *o)
{
	char list[BENCH_NAME_MAX];
	struct tnl_error err;
	uint64_t writes;
	double t;

	bench_name(list, o, "burst", 0);
	t = bench_now();
	if (bench_burst(nl, o, list, o->count))
		return -1;
	if (bench_sync(nl, list, &err) || bench_writes(nl, list, &writes,
						       &err)) {
		bench_fail(list, &err);
		return -1;
	}
	printf("burst-writes ops=%lu secs=%.6f writes=%llu\n", o->count,
	       bench_now() - t, (unsigned long long)writes);
	return 0;
}

/*
 * -n lists made (one ADD call each), then -r PINGs through them in
 * round robin, from the first: with more lists than max_servers, each
 * access finds its list stored and starts its server again.
 */
static int cmd_roundrobin(struct tnl *nl, const struct bench_opts *o)
{
	unsigned long i, accesses = o->accesses ? o->accesses : 2 * o->count;
	char list[BENCH_NAME_MAX];
	struct bench_sampler s;
	struct tnl_error err;
	double t;
	int ret;

	if (!o->count)
		return 0;
	ret = bench_sampler_start(&s, 500);
	if (ret) {
		fprintf(stderr, "todo-bench: sampler: %s\n", strerror(ret));
		return -1;
	}
	t = bench_now();
	for (i = 0; i < o->count && !ret; i++) {
		bench_name(list, o, "rr", i);
		ret = bench_add(nl, list, "rr", NULL, &err);
	}
	if (!ret) {
		bench_result("rr-create", o->count, bench_now() - t);
		t = bench_now();
		for (i = 0; i < accesses && !ret; i++) {
			bench_name(list, o, "rr", i % o->count);
			ret = bench_ping(nl, list, &err);
		}
	}
	bench_sampler_stop(&s);
	if (ret) {
		bench_fail(list, &err);
		printf("rr-failed at=%s max_kthreads=%ld\n", list,
		       s.max_kthreads);
		return -1;
	}
	bench_result("rr-access", accesses, bench_now() - t);
	printf("rr-kthreads max=%ld servers=%ld lists=%lu\n", s.max_kthreads,
	       s.max_servers, o->count);
	return 0;
}

/* One sample of the kernel's state, and how long taking it took. */
static int cmd_sample(struct tnl *nl, const struct bench_opts *o)
{
	long kthreads, kb;
	double t;

	(void)nl;
	(void)o;
	t = bench_now();
	kthreads = bench_kthreads();
	kb = bench_kernel_kb();
	printf("sample kthreads=%ld kernel_kib=%ld secs=%.6f\n", kthreads, kb,
	       bench_now() - t);
	return kthreads < 0 || kb < 0 ? -1 : 0;
}

static const struct {
	const char *name;
	int (*run)(struct tnl *nl, const struct bench_opts *o);
	unsigned long count;
	const char *what;
} bench_cmds[] = {
	{ "ping", cmd_ping, 10000, "PING without a list: the family's no-op" },
	{ "ping-list", cmd_ping_list, 10000,
	  "PING of a live list: a call through its server" },
	{ "add", cmd_add, 10000, "ADD calls to one list" },
	{ "cast", cmd_cast, 10000, "ADD casts to one list, pipelined (-w)" },
	{ "entries", cmd_entries, 1000, "GET dumps of a 100-entry list" },
	{ "clients", cmd_clients, 5000,
	  "-c processes, each ADD calls to its own list" },
	{ "lists", cmd_lists, 500,
	  "new lists (ADD calls), then kernel memory per live list" },
	{ "writes", cmd_writes, 10000,
	  "file writes of a burst of casts to a new list" },
	{ "roundrobin", cmd_roundrobin, 2000,
	  "lists made, then -r PINGs of them in round robin" },
	{ "sample", cmd_sample, 1,
	  "live list server threads and kernel memory, once" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: todo-bench COMMAND [-n COUNT] [-p PREFIX] [-w WINDOW] [-c CLIENTS]\n"
		"                  [-r ACCESSES]\n"
		"       todo-bench loadtest [-n LISTS] [-p PREFIX]\n"
		"\n"
		"Time requests to the todo module; print \"NAME key=value ...\" lines.\n"
		"\n"
		"Commands (default COUNT):\n");
	for (i = 0; i < sizeof(bench_cmds) / sizeof(bench_cmds[0]); i++)
		fprintf(f, "  %-11s %-7lu %s\n", bench_cmds[i].name,
			bench_cmds[i].count, bench_cmds[i].what);
	fprintf(f,
		"  loadtest    1000000 the book's load test: LISTS lists of one entry,\n"
		"                      then each read back\n"
		"\n"
		"Lists are named PREFIX-... (default PREFIX: bench).  -w sets the casts\n"
		"between two barriers (default %u), -c the client processes (default 1),\n"
		"-r the round-robin accesses (default 2 x COUNT).\n",
		BENCH_WINDOW);
}

static int parse_ulong(const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || end == s || *end || s[0] == '-' ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct bench_opts o = {
		.prefix = "bench",
		.window = BENCH_WINDOW,
		.clients = 1,
	};
	unsigned long v;
	struct tnl *nl;
	size_t i;
	int opt, ret;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "loadtest"))
		return cmd_loadtest(argc - 1, argv + 1);
	for (i = 0; i < sizeof(bench_cmds) / sizeof(bench_cmds[0]); i++) {
		if (!strcmp(argv[1], bench_cmds[i].name))
			break;
	}
	if (i == sizeof(bench_cmds) / sizeof(bench_cmds[0])) {
		fprintf(stderr, "todo-bench: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	o.count = bench_cmds[i].count;
	optind = 2;
	while ((opt = getopt(argc, argv, "n:p:w:c:r:")) != -1) {
		if (opt == 'p') {
			o.prefix = optarg;
			continue;
		}
		if (!strchr("nwcr", opt) || parse_ulong(optarg, &v) ||
		    (opt != 'r' && opt != 'n' && (!v || v > 1024))) {
			usage(stderr);
			return 2;
		}
		if (opt == 'n')
			o.count = v;
		else if (opt == 'w')
			o.window = v;
		else if (opt == 'c')
			o.clients = v;
		else
			o.accesses = v;
	}
	if (optind != argc || strlen(o.prefix) > TODO_NAME_MAX - 24) {
		usage(stderr);
		return 2;
	}
	if (tnl_open(&nl))
		return 1;
	ret = bench_cmds[i].run(nl, &o);
	tnl_close(nl);
	return ret ? 1 : 0;
}
