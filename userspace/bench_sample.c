// SPDX-License-Identifier: GPL-2.0
/*
 * What todo-bench samples of the kernel's state, from /proc: the list
 * server threads that run, and the kernel memory in use, either once or
 * from a thread that keeps the largest values seen.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

/* A list server's thread is named "todo/<n>" (module/server.c). */
#define BENCH_SERVER_COMM	"todo/"

/* Whether process @pid's name is a list server's. */
static bool bench_is_server(const char *pid)
{
	char path[sizeof("/proc//comm") + 256], comm[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;	/* it exited */
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	if (n <= 0)
		return false;
	comm[n] = '\0';
	return !strncmp(comm, BENCH_SERVER_COMM, strlen(BENCH_SERVER_COMM)) &&
	       isdigit((unsigned char)comm[strlen(BENCH_SERVER_COMM)]);
}

/**
 * bench_kthreads() - Count the live list servers' threads.
 *
 * Return: the number of processes named "todo/<n>", or -1.
 */
long bench_kthreads(void)
{
	struct dirent *d;
	long n = 0;
	DIR *dir;

	dir = opendir("/proc");
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		if (isdigit((unsigned char)d->d_name[0]) &&
		    bench_is_server(d->d_name))
			n++;
	}
	closedir(dir);
	return n;
}

/**
 * bench_kernel_kb() - The kernel memory the benchmarks count.
 *
 * Slab (reclaimable and not), KernelStack and Percpu of /proc/meminfo:
 * a list server's kthread, its stack, its list and entries, its files'
 * inodes and dentries and the module's indexes all show there.
 *
 * Return: the sum in KiB, or -1.
 */
long bench_kernel_kb(void)
{
	static const char *const fields[] = {
		"Slab:", "KernelStack:", "Percpu:",
	};
	char line[256], name[64];
	long sum = 0, kb;
	int found = 0;
	size_t i;
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld", name, &kb) != 2)
			continue;
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			if (!strcmp(name, fields[i])) {
				sum += kb;
				found++;
			}
		}
	}
	fclose(f);
	return found ? sum : -1;
}

/**
 * bench_drop_caches() - Write back and drop clean caches, reclaimable
 * slab included, so that a reading of bench_kernel_kb() counts what is
 * held rather than what is cached.  Needs root; does nothing otherwise.
 */
void bench_drop_caches(void)
{
	int fd;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd < 0)
		return;
	if (write(fd, "3", 1) != 1)
		perror("todo-bench: drop_caches");
	close(fd);
}

static pthread_t bench_sampler_thread;
static pthread_mutex_t bench_sampler_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bench_sampler_cond = PTHREAD_COND_INITIALIZER;
static bool bench_sampler_stopping;

static void bench_sample_once(struct bench_sampler *s, struct tnl *nl)
{
	long n = bench_kthreads();
	long kb = bench_kernel_kb();
	struct tnl_error err;
	long servers;

	if (n > s->max_kthreads)
		s->max_kthreads = n;
	if (nl && !bench_servers(nl, &servers, &err) &&
	    servers > s->max_servers)
		s->max_servers = servers;
	if (kb > s->peak_kb)
		s->peak_kb = kb;
	s->samples++;
}

/*
 * A sample reads a file per process: with thousands of list servers it
 * takes long enough to slow what it measures, so the sampler waits at
 * least BENCH_SAMPLER_IDLE times as long as its last sample took.
 */
#define BENCH_SAMPLER_IDLE	10

static void *bench_sampler_main(void *arg)
{
	struct bench_sampler *s = arg;
	struct tnl_error err;
	struct timespec until;
	struct tnl *nl;
	long wait_ns;
	double t;

	/* A connection of its own: one is for one thread at a time. */
	if (tnl_connect(&nl, &err))
		nl = NULL;
	pthread_mutex_lock(&bench_sampler_lock);
	while (!bench_sampler_stopping) {
		pthread_mutex_unlock(&bench_sampler_lock);
		t = bench_now();
		bench_sample_once(s, nl);
		wait_ns = (long)((bench_now() - t) * 1e9) * BENCH_SAMPLER_IDLE;
		if (wait_ns < (long)s->interval_ms * 1000000)
			wait_ns = (long)s->interval_ms * 1000000;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += wait_ns % 1000000000;
		until.tv_sec += wait_ns / 1000000000 +
				until.tv_nsec / 1000000000;
		until.tv_nsec %= 1000000000;
		pthread_mutex_lock(&bench_sampler_lock);
		while (!bench_sampler_stopping &&
		       pthread_cond_timedwait(&bench_sampler_cond,
					      &bench_sampler_lock,
					      &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&bench_sampler_lock);
	bench_sample_once(s, nl);	/* the last, once told to stop */
	tnl_close(nl);
	return NULL;
}

/**
 * bench_sampler_start() - Sample in a thread until bench_sampler_stop().
 * @s: where the largest values go; one sampler runs at a time.
 * @interval_ms: least time between two samples.
 *
 * Return: 0, or an errno if the thread could not start.
 */
int bench_sampler_start(struct bench_sampler *s, unsigned int interval_ms)
{
	memset(s, 0, sizeof(*s));
	s->max_kthreads = -1;
	s->max_servers = -1;
	s->peak_kb = -1;
	s->interval_ms = interval_ms ? interval_ms : 1;
	bench_sampler_stopping = false;
	return pthread_create(&bench_sampler_thread, NULL, bench_sampler_main,
			      s);
}

/**
 * bench_sampler_stop() - Stop the sampler after one last sample.
 * @s: the sampler.
 */
void bench_sampler_stop(struct bench_sampler *s)
{
	(void)s;	/* the thread writes it, a last sample included */
	pthread_mutex_lock(&bench_sampler_lock);
	bench_sampler_stopping = true;
	pthread_cond_signal(&bench_sampler_cond);
	pthread_mutex_unlock(&bench_sampler_lock);
	pthread_join(bench_sampler_thread, NULL);
}
