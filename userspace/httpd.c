// SPDX-License-Identifier: GPL-2.0
/*
 * todo-httpd: an HTTP/1.1 server (libmicrohttpd) that turns requests into
 * the todo module's netlink calls and casts.  This file runs it: options,
 * the listening socket (TCP or a unix socket), the thread pool, signals.
 * The routes are in httpd_routes.c.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "httpd.h"
#include "nl.h"
#include "parse.h"

#define DEFAULT_LISTEN	"127.0.0.1:5454"
#define MAX_THREADS	1024

static void usage(FILE *f)
{
	fprintf(f,
"usage: todo-httpd [--listen ADDR:PORT | --listen unix:PATH] [--threads N]\n"
"                  [--streams N]\n"
"\n"
"Serve the todo module's lists over HTTP/1.1: the lists of the user\n"
"todo-httpd runs as (it sends no owner; the kernel takes its uid).\n"
"\n"
"  -l, --listen ADDR:PORT  listen on this address (default " DEFAULT_LISTEN ");\n"
"                          an IPv6 address in brackets: [::1]:5454\n"
"  -l, --listen unix:PATH  listen on a unix socket at PATH instead\n"
"  -t, --threads N         threads serving requests, each with its own\n"
"                          netlink socket (default: the CPUs online)\n"
"  -s, --streams N         event streams open at once, 1-%d\n"
"                          (default 32); one more gets 503\n"
"  -h, --help              this text\n"
"\n"
"Routes (the book's):\n"
"  POST /add_entry?list=L&date=YYYY-MM-DD&title=T[&sync=1]   200 OK\n"
"  GET  /entries?list=L&date=YYYY-MM-DD                      200 text/plain\n"
"JSON API:\n"
"  GET    /lists\n"
"  GET    /lists/NAME/entries[?date=YYYY-MM-DD]\n"
"  POST   /lists/NAME/entries      {\"date\": D, \"title\": T}  201 {\"id\": N}\n"
"  GET    /lists/NAME/entries/ID\n"
"  PATCH  /lists/NAME/entries/ID   {\"date\"?: D, \"title\"?: T}  204\n"
"  DELETE /lists/NAME/entries/ID                             204\n"
"  GET    /lists/NAME/events       text/event-stream of the list's changes\n"
"\n"
"See todo-httpd(8).\n", HTTPD_STREAMS_MAX);
}

static void logger(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("todo-httpd: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/*
 * libmicrohttpd decodes nothing: httpd_routes.c decodes the path and each
 * parameter itself, so that bad percent-encoding is refused, not passed on.
 */
static size_t no_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	return strlen(s);
}

/* A listening unix socket at @path; a stale socket file is replaced. */
static int listen_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (!*path || strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "todo-httpd: unix socket path '%s' is empty or too long\n",
			path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "todo-httpd: socket: %s\n", strerror(errno));
		return -1;
	}
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (probe >= 0 &&
		    connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			fprintf(stderr, "todo-httpd: %s: another server listens there\n",
				path);
			close(probe);
			close(fd);
			return -1;
		}
		if (probe >= 0)
			close(probe);
		unlink(path);
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, SOMAXCONN) < 0) {
		fprintf(stderr, "todo-httpd: cannot listen on %s: %s\n", path,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* A listening TCP socket at "HOST:PORT" or "[V6]:PORT". */
static int listen_inet(const char *spec)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
	};
	struct addrinfo *res;
	char host[256];
	const char *port, *colon;
	size_t hlen;
	int fd, one = 1, ret;

	colon = strrchr(spec, ':');
	if (!colon || !colon[1]) {
		fprintf(stderr, "todo-httpd: --listen '%s': expected ADDR:PORT or unix:PATH\n",
			spec);
		return -1;
	}
	port = colon + 1;
	hlen = (size_t)(colon - spec);
	if (hlen >= 2 && spec[0] == '[' && spec[hlen - 1] == ']') {
		spec++;
		hlen -= 2;
	}
	if (!hlen || hlen >= sizeof(host)) {
		fprintf(stderr, "todo-httpd: --listen: bad address in '%s'\n",
			spec);
		return -1;
	}
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	ret = getaddrinfo(host, port, &hints, &res);
	if (ret) {
		fprintf(stderr, "todo-httpd: --listen %s:%s: %s\n", host, port,
			gai_strerror(ret));
		return -1;
	}
	fd = socket(res->ai_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "todo-httpd: socket: %s\n", strerror(errno));
		freeaddrinfo(res);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 ||
	    listen(fd, SOMAXCONN) < 0) {
		fprintf(stderr, "todo-httpd: cannot listen on %s:%s: %s\n",
			host, port, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "streams", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen_spec = DEFAULT_LISTEN;
	const char *unix_path = NULL;
	struct MHD_OptionItem pool[] = {
		{ MHD_OPTION_END, 0, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	struct MHD_Daemon *d;
	struct tnl_error err;
	struct tnl *probe;
	uint32_t threads = 0, streams;
	sigset_t sigs;
	long cpus;
	int c, fd, sig;

	while ((c = getopt_long(argc, argv, "l:t:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			listen_spec = optarg;
			break;
		case 't':
			if (parse_u32(optarg, &threads) < 0 || !threads ||
			    threads > MAX_THREADS) {
				fprintf(stderr, "todo-httpd: --threads '%s': expected 1-%d\n",
					optarg, MAX_THREADS);
				return 2;
			}
			break;
		case 's':
			if (parse_u32(optarg, &streams) < 0 || !streams ||
			    streams > HTTPD_STREAMS_MAX) {
				fprintf(stderr, "todo-httpd: --streams '%s': expected 1-%d\n",
					optarg, HTTPD_STREAMS_MAX);
				return 2;
			}
			httpd_streams_max = streams;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "todo-httpd: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!threads) {
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS :
			  (uint32_t)cpus;
	}

	/* Not fatal: requests are answered 503 until the module is loaded. */
	if (tnl_connect(&probe, &err) == 0)
		tnl_close(probe);
	else if (err.error == ENOPKG)
		fprintf(stderr, "todo-httpd: warning: %s; requests get 503 until it is\n",
			err.msg);
	else {
		fprintf(stderr, "todo-httpd: %s\n", err.msg);
		return 1;
	}
	if (httpd_nl_init() < 0) {
		fprintf(stderr, "todo-httpd: %s\n", strerror(errno));
		return 1;
	}

	if (!strncmp(listen_spec, "unix:", 5)) {
		unix_path = listen_spec + 5;
		fd = listen_unix(unix_path);
	} else {
		fd = listen_inet(listen_spec);
	}
	if (fd < 0)
		return 1;

	/* The threads inherit the mask: signals are taken by sigwait(). */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* A pool of one is no pool: libmicrohttpd warns and runs one thread. */
	if (threads > 1) {
		pool[0].option = MHD_OPTION_THREAD_POOL_SIZE;
		pool[0].value = (intptr_t)threads;
	}
	/* Event streams suspend their connections while they wait. */
	d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG |
			     MHD_ALLOW_SUSPEND_RESUME,
			     0, NULL, NULL, httpd_handle, NULL,
			     MHD_OPTION_EXTERNAL_LOGGER, logger, NULL,
			     MHD_OPTION_LISTEN_SOCKET, fd,
			     MHD_OPTION_ARRAY, pool,
			     MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
			     MHD_OPTION_NOTIFY_COMPLETED, httpd_completed, NULL,
			     MHD_OPTION_CONNECTION_TIMEOUT, 60U,
			     MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "todo-httpd: cannot start the HTTP server on %s\n",
			listen_spec);
		close(fd);
		if (unix_path)
			unlink(unix_path);
		return 1;
	}
	fprintf(stderr, "todo-httpd: listening on %s, %u threads, lists of uid %u\n",
		listen_spec, threads, (unsigned int)geteuid());

	do {
		if (sigwait(&sigs, &sig))
			sig = SIGTERM;
	} while (sig == SIGHUP);

	httpd_events_stop();
	MHD_stop_daemon(d);
	if (unix_path)
		unlink(unix_path);
	fprintf(stderr, "todo-httpd: stopped (%s)\n", strsignal(sig));
	return 0;
}
