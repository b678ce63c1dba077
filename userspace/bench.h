/* SPDX-License-Identifier: GPL-2.0 */
/*
 * todo-bench: the requests the benchmarks time, the samples they take of
 * the kernel's state, and the subcommands (bench.c, loadtest.c).
 */
#ifndef TODO_BENCH_H
#define TODO_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "nl.h"

/* The date every benchmark entry gets: 2018-12-19, the book's Dentist. */
#define BENCH_DATE	20181219

/* Monotonic time in seconds. */
static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_fail(const char *what, const struct tnl_error *err);

/* bench_nl.c: one request each, as a call unless said otherwise. */
int bench_ping(struct tnl *nl, const char *list, struct tnl_error *err);
int bench_add(struct tnl *nl, const char *list, const char *title,
	      uint32_t *id, struct tnl_error *err);
int bench_entries(struct tnl *nl, const char *list, uint32_t *count,
		  const char *want_title, struct tnl_error *err);
int bench_sync(struct tnl *nl, const char *list, struct tnl_error *err);
int bench_servers(struct tnl *nl, long *servers, struct tnl_error *err);
int bench_writes(struct tnl *nl, const char *list, uint64_t *writes,
		 struct tnl_error *err);

/*
 * Casts sent in one datagram (one sendmsg), as redis-benchmark -P 16
 * writes 16 commands at once.
 */
#define BENCH_PIPELINE	16

/**
 * struct bench_casts - Pipelined casts to one list.
 * @nl: the connection.
 * @list: the list.
 * @window: casts sent between two barriers.
 * @in_window: casts sent since the last barrier.
 * @barrier: sequence number of the barrier not yet waited for, if @pending.
 * @pending: a barrier is in flight.
 * @failed: casts (or barriers) that failed.
 * @first: the first failure, for the report.
 */
struct bench_casts {
	struct tnl *nl;
	const char *list;
	unsigned int window;
	unsigned int in_window;
	uint32_t barrier;
	bool pending;
	unsigned long failed;
	struct tnl_error first;
};

void bench_casts_init(struct bench_casts *bc, struct tnl *nl,
		      const char *list, unsigned int window);
int bench_cast(struct bench_casts *bc, const char *title);
int bench_casts_finish(struct bench_casts *bc);

/* bench_sample.c: the kernel's state, from /proc. */
long bench_kthreads(void);
long bench_kernel_kb(void);
void bench_drop_caches(void);

/**
 * struct bench_sampler - A thread sampling the kernel's state.
 * @max_kthreads: most list server threads (todo/<n>) a scan of /proc saw.
 *	A scan is no snapshot: it reads a file per process, and a thread
 *	that exits while it runs and its successor, with a higher pid, can
 *	both be counted; a thread also stays in /proc for a moment after
 *	kthread_stop() has returned.
 * @max_servers: most list servers the module counted in max_servers
 *	(bench_servers()), -1 if it could not be read: exact, and a bound
 *	of the live server threads.
 * @peak_kb: most kernel memory seen (see bench_kernel_kb()), in KiB.
 * @samples: samples taken.
 * @interval_ms: least time between two samples.
 */
struct bench_sampler {
	long max_kthreads;
	long max_servers;
	long peak_kb;
	unsigned long samples;
	unsigned int interval_ms;
};

int bench_sampler_start(struct bench_sampler *s, unsigned int interval_ms);
void bench_sampler_stop(struct bench_sampler *s);

/* loadtest.c */
int cmd_loadtest(int argc, char **argv);

#endif /* TODO_BENCH_H */
