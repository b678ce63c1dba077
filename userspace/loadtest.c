// SPDX-License-Identifier: GPL-2.0
/*
 * todo-bench loadtest: the load test of "Elixir in Action", chapter 7.
 *
 * The book's LoadTest asks the cache for a million servers named
 * cache_<n>, then asks for each again, and prints the average time per
 * request.  Here the first pass puts one entry in each list, an ADD call
 * that starts the list's server, and the second reads each list back (a
 * GET dump) and checks that it holds exactly that entry.  Meanwhile a
 * thread samples the live list servers and the kernel's memory.
 *
 * It prints progress lines "loadtest-progress ..." every tenth of the
 * lists and ends with one line "loadtest key=value ...": the average
 * microseconds per put and per get, the failures, the most list servers
 * the module counted at once (max_servers), the most list server threads
 * a scan of /proc saw (see &struct bench_sampler) and the peak of kernel
 * memory over its level at the start.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

/* Time between two samples of the kernel's state. */
#define LOADTEST_SAMPLE_MS	500

/**
 * struct loadtest - The state of a load test.
 * @nl: the connection.
 * @prefix: lists are named PREFIX_<n>.
 * @lists: how many.
 * @failed: requests that failed, per pass.
 * @bad: lists read back without exactly their entry.
 * @first: the first failure, for the report.
 * @first_list: the list it happened to.
 */
struct loadtest {
	struct tnl *nl;
	const char *prefix;
	unsigned long lists;
	unsigned long failed[2];
	unsigned long bad;
	struct tnl_error first;
	char first_list[TODO_NAME_MAX + 1];
};

static void loadtest_failed(struct loadtest *lt, int pass, const char *list,
			    const struct tnl_error *err)
{
	if (!lt->failed[0] && !lt->failed[1] && !lt->bad) {
		lt->first = *err;
		snprintf(lt->first_list, sizeof(lt->first_list), "%s", list);
	}
	if (pass < 0)
		lt->bad++;
	else
		lt->failed[pass]++;
}

/* One list of a pass: put (@pass 0) or get (@pass 1). */
static void loadtest_one(struct loadtest *lt, int pass, unsigned long n)
{
	char list[TODO_NAME_MAX + 1];
	struct tnl_error err;
	uint32_t got;

	snprintf(list, sizeof(list), "%s_%lu", lt->prefix, n);
	if (!pass) {
		/* The entry's title is its list's name. */
		if (bench_add(lt->nl, list, list, &got, &err))
			loadtest_failed(lt, 0, list, &err);
		else if (got != 1)	/* the list was not new */
			goto bad;
		return;
	}
	if (bench_entries(lt->nl, list, &got, list, &err)) {
		if (err.error != EBADMSG) {
			loadtest_failed(lt, 1, list, &err);
			return;
		}
	} else if (got == 1) {
		return;
	}
bad:
	tnl_error_set(&err, EBADMSG);
	snprintf(err.msg, sizeof(err.msg), "not exactly its one entry");
	loadtest_failed(lt, -1, list, &err);
}

/* A pass over every list.  Return: its average microseconds per list. */
static double loadtest_pass(struct loadtest *lt, int pass)
{
	static const char *const names[] = { "put", "get" };
	unsigned long n, step = lt->lists / 10 ? lt->lists / 10 : 1;
	double start, t, last;

	start = bench_now();
	last = start;
	for (n = 0; n < lt->lists; n++) {
		loadtest_one(lt, pass, n);
		if ((n + 1) % step && n + 1 != lt->lists)
			continue;
		t = bench_now();
		printf("loadtest-progress pass=%s done=%lu failed=%lu avg_us=%.1f\n",
		       names[pass], n + 1, lt->failed[pass],
		       (t - last) * 1e6 / (double)((n % step) + 1));
		fflush(stdout);
		last = t;
	}
	return lt->lists ? (bench_now() - start) * 1e6 / (double)lt->lists :
			   0.0;
}

static void loadtest_usage(FILE *f)
{
	fprintf(f, "Usage: todo-bench loadtest [-n LISTS] [-p PREFIX]\n");
}

/**
 * cmd_loadtest() - todo-bench loadtest.
 * @argc: arguments, "loadtest" included.
 * @argv: them.
 *
 * Return: 0 if every list was put and read back, 1 if not, 2 on a usage
 * error.
 */
int cmd_loadtest(int argc, char **argv)
{
	struct loadtest lt = { .prefix = "cache", .lists = 1000000 };
	struct bench_sampler s;
	double put_us, get_us;
	long kb0;
	char *end;
	int opt, ret;

	optind = 1;
	while ((opt = getopt(argc, argv, "n:p:h")) != -1) {
		switch (opt) {
		case 'n':
			errno = 0;
			lt.lists = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-') {
				loadtest_usage(stderr);
				return 2;
			}
			break;
		case 'p':
			lt.prefix = optarg;
			break;
		case 'h':
			loadtest_usage(stdout);
			return 0;
		default:
			loadtest_usage(stderr);
			return 2;
		}
	}
	if (optind != argc || strlen(lt.prefix) > TODO_NAME_MAX - 21) {
		loadtest_usage(stderr);
		return 2;
	}
	if (tnl_open(&lt.nl))
		return 1;

	bench_drop_caches();
	kb0 = bench_kernel_kb();
	ret = bench_sampler_start(&s, LOADTEST_SAMPLE_MS);
	if (ret) {
		fprintf(stderr, "todo-bench: sampler: %s\n", strerror(ret));
		tnl_close(lt.nl);
		return 1;
	}
	put_us = loadtest_pass(&lt, 0);
	get_us = loadtest_pass(&lt, 1);
	bench_sampler_stop(&s);
	tnl_close(lt.nl);

	printf("loadtest lists=%lu put_us=%.1f get_us=%.1f put_failed=%lu get_failed=%lu bad=%lu servers=%ld max_kthreads=%ld peak_kib_delta=%ld samples=%lu\n",
	       lt.lists, put_us, get_us, lt.failed[0], lt.failed[1], lt.bad,
	       s.max_servers, s.max_kthreads,
	       kb0 < 0 || s.peak_kb < 0 ? -1 : s.peak_kb - kb0, s.samples);
	if (lt.failed[0] || lt.failed[1] || lt.bad) {
		char what[TODO_NAME_MAX + 64];

		snprintf(what, sizeof(what), "loadtest: first failure, %s",
			 lt.first_list);
		bench_fail(what, &lt.first);
		return 1;
	}
	return 0;
}
