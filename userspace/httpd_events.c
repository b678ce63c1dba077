// SPDX-License-Identifier: GPL-2.0
/*
 * GET /lists/NAME/events: the changes of a list as Server-Sent Events
 * (text/event-stream), one per change as the kernel applies it:
 *
 *	event: add			(or update, delete)
 *	data: {"list":"NAME","id":N,"date":"YYYY-MM-DD","title":"..."}
 *
 * and, when events were dropped, "event: lost" with data {"lost":N}.  A
 * comment line (": ok") opens the stream once the subscription is in
 * place, and another (": keepalive") comes every HTTPD_KEEPALIVE_MS, so
 * that a client that went away is noticed.
 *
 * One thread, the hub, holds one netlink socket subscribed to every list
 * of the server's user (TODO_CMD_WATCH without a list: one subscription
 * whatever the number of streams, so the kernel's max_watchers_per_user
 * is no bound here) and copies each event into the buffer of each stream
 * of that list.  The pool threads of libmicrohttpd never wait for an
 * event: a stream's content reader returns what is buffered, and with
 * nothing buffered suspends its connection (MHD_suspend_connection());
 * the hub resumes it when it buffers more.  At most httpd_streams_max
 * streams are open (503 beyond), each buffering at most
 * HTTPD_STREAM_BUF_MAX bytes: a client that reads too slowly loses
 * events, and is told so.
 *
 * Locking: hub.lock protects the list of streams, each stream's buffer
 * and flags, and the hub's state.  No libmicrohttpd function is called
 * with it held, since libmicrohttpd calls back (the free callback) with
 * locks of its own held.  A connection is resumed by whoever turns its
 * stream's @suspended from true to false, once: a suspended connection
 * cannot be closed, so it is still there when it is resumed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <netlink/genl/genl.h>

#include "httpd.h"
#include "nl.h"
#include "parse.h"

/* Bytes a stream buffers for a client that reads slowly. */
#define HTTPD_STREAM_BUF_MAX	(64 * 1024)
/* A comment is sent on every stream this often. */
#define HTTPD_KEEPALIVE_MS	15000

/* Streams open at once (--streams); one more is answered 503. */
unsigned int httpd_streams_max = HTTPD_STREAMS_DEFAULT;

/**
 * struct stream - One client's event stream.
 * @next: the next stream of the hub.
 * @conn: its connection.
 * @list: the list it shows.
 * @buf: the bytes not yet taken by libmicrohttpd.
 * @len: their number.
 * @lost: events dropped (a full @buf, or the kernel's) since the last
 *	"lost" event.
 * @suspended: the connection is suspended, waiting for bytes.
 * @suspending: the reader is about to suspend the connection.
 * @wake: bytes came while @suspending: the reader resumes it at once.
 * @ended: no more events: the stream ends once @buf is sent.
 */
struct stream {
	struct stream *next;
	struct MHD_Connection *conn;
	char list[TODO_NAME_MAX + 1];
	char *buf;
	size_t len;
	unsigned long lost;
	bool suspended;
	bool suspending;
	bool wake;
	bool ended;
};

/**
 * struct hub - The subscription all streams share.
 * @lock: see the top of this file.
 * @streams: the open streams.
 * @n: their number.
 * @nl: the subscribed connection; the hub thread's while it runs.
 * @thread: the hub thread.
 * @running: @thread was started and not yet joined.
 * @failed: @thread stopped on an error; join it before a new start.
 * @stopping: the server is stopping: no new stream.
 * @wake: a pipe; the hub thread stops once it is readable.
 */
static struct hub {
	pthread_mutex_t lock;
	struct stream *streams;
	unsigned int n;
	struct tnl *nl;
	pthread_t thread;
	bool running;
	bool failed;
	bool stopping;
	int wake[2];
} hub = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = { -1, -1 },
};

/* Append @len bytes to @s, or count them lost if they do not fit. */
static bool stream_put(struct stream *s, const char *text, size_t len)
{
	char *buf;

	if (s->len + len > HTTPD_STREAM_BUF_MAX)
		return false;
	buf = realloc(s->buf, s->len + len);
	if (!buf)
		return false;
	memcpy(buf + s->len, text, len);
	s->buf = buf;
	s->len += len;
	return true;
}

/*
 * Wake @s's connection if it waits for bytes: note it in @resume (the
 * caller resumes it once hub.lock is released), or leave it to the reader
 * that is suspending it.
 */
static void stream_wake(struct stream *s, struct MHD_Connection **resume,
			unsigned int *n)
{
	if (s->suspended) {
		s->suspended = false;
		resume[(*n)++] = s->conn;
	} else if (s->suspending) {
		s->wake = true;
	}
}

static void resume_all(struct MHD_Connection **resume, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		MHD_resume_connection(resume[i]);
}

/* Queue one SSE event on @s: a "lost" one first if events were lost. */
static void stream_event(struct stream *s, const char *kind,
			 const char *data)
{
	char lost[64], *ev;
	int len;

	if (s->lost) {
		len = snprintf(lost, sizeof(lost),
			       "event: lost\ndata: {\"lost\":%lu}\n\n", s->lost);
		if (!stream_put(s, lost, (size_t)len))
			goto lost;
		s->lost = 0;
	}
	len = asprintf(&ev, "event: %s\ndata: %s\n\n", kind, data);
	if (len < 0)
		goto lost;
	if (!stream_put(s, ev, (size_t)len))
		s->lost++;
	free(ev);
	return;
lost:
	s->lost++;
}

/* An event's data line: the entry, as JSON, with its list's name. */
static struct json_object *hub_event_json(struct nlattr **tb,
					  const char *list)
{
	struct json_object *o = json_object_new_object();
	char date[DATE_BUF_SIZE];

	format_date(nla_get_u32(tb[TODO_A_DATE]), date);
	json_object_object_add(o, "list", json_object_new_string(list));
	json_object_object_add(o, "id",
			       json_object_new_int64(nla_get_u32(tb[TODO_A_ID])));
	json_object_object_add(o, "date", json_object_new_string(date));
	json_object_object_add(o, "title",
			       json_object_new_string_len(nla_data(tb[TODO_A_TITLE]),
							  (int)tnl_strlen(tb[TODO_A_TITLE])));
	return o;
}

/*
 * The hub's event callback: hand the event to its list's streams.  The
 * hub hears every list of its user: the data line is built only for an
 * event some stream shows.
 */
static int hub_event(struct nlattr **tb, void *arg)
{
	static const int needed[] = {
		TODO_A_LIST, TODO_A_KIND, TODO_A_ID, TODO_A_DATE, TODO_A_TITLE,
	};
	struct MHD_Connection *resume[HTTPD_STREAMS_MAX];
	struct json_object *o = NULL;
	char list[TODO_NAME_MAX + 1];
	const char *data = NULL;
	bool built = false;
	unsigned int n = 0;
	struct stream *s;
	const char *kind;
	size_t len;

	(void)arg;
	if (!TNL_HAS_ALL(tb, needed))
		return 0;	/* not one we know: skipped */
	kind = tnl_change_name(nla_get_u8(tb[TODO_A_KIND]));
	if (!kind)
		return 0;
	len = tnl_strlen(tb[TODO_A_LIST]);
	memcpy(list, nla_data(tb[TODO_A_LIST]), len);
	list[len] = '\0';

	pthread_mutex_lock(&hub.lock);
	for (s = hub.streams; s; s = s->next) {
		/* The kernel's count is of every list: tell every stream. */
		if (tb[TODO_A_LOST])
			s->lost += nla_get_u32(tb[TODO_A_LOST]);
		if (strcmp(s->list, list))
			continue;
		if (!built) {
			built = true;
			o = hub_event_json(tb, list);
			data = json_object_to_json_string_ext(o,
					JSON_C_TO_STRING_PLAIN |
					JSON_C_TO_STRING_NOSLASHESCAPE);
		}
		if (data)
			stream_event(s, kind, data);
		else
			s->lost++;
		stream_wake(s, resume, &n);
	}
	pthread_mutex_unlock(&hub.lock);
	json_object_put(o);
	resume_all(resume, n);
	return 0;
}

/*
 * Every stream gets @text (a comment), or ends if @end; @failed: the hub
 * stops, in the same critical section, so no stream opened after this
 * waits for it.
 */
static void hub_broadcast(const char *text, bool end, bool failed)
{
	struct MHD_Connection *resume[HTTPD_STREAMS_MAX];
	unsigned int n = 0;
	struct stream *s;

	pthread_mutex_lock(&hub.lock);
	if (failed)
		hub.failed = true;
	for (s = hub.streams; s; s = s->next) {
		if (end)
			s->ended = true;
		else
			stream_put(s, text, strlen(text));
		stream_wake(s, resume, &n);
	}
	pthread_mutex_unlock(&hub.lock);
	resume_all(resume, n);
}

static void *hub_main(void *arg)
{
	struct pollfd pfd[2] = {
		{ .fd = tnl_fd(hub.nl), .events = POLLIN },
		{ .fd = hub.wake[0], .events = POLLIN },
	};
	int ret;

	(void)arg;
	for (;;) {
		ret = poll(pfd, 2, HTTPD_KEEPALIVE_MS);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0 || pfd[1].revents)
			break;
		if (!ret) {
			hub_broadcast(": keepalive\n\n", false, false);
			continue;
		}
		ret = tnl_events_read(hub.nl);
		if (ret) {
			fprintf(stderr, "todo-httpd: events: %s\n",
				tnl_strerror(ret));
			break;
		}
	}
	/* Whatever stopped the hub, its streams end; its last lock. */
	hub_broadcast(NULL, true, true);
	return NULL;
}

/*
 * Join a hub that stopped (@failed set: it takes hub.lock no more) and
 * free what it had.
 */
static void hub_reap(void)
{
	pthread_join(hub.thread, NULL);
	tnl_close(hub.nl);
	hub.nl = NULL;
	close(hub.wake[0]);
	close(hub.wake[1]);
	hub.wake[0] = hub.wake[1] = -1;
	hub.running = false;
	hub.failed = false;
}

/* Subscribe and start the hub; under hub.lock.  Return: 0 or -1. */
static int hub_start(struct tnl_error *err)
{
	struct nl_msg *msg;
	int ret;

	if (tnl_connect(&hub.nl, err) < 0)
		return -1;
	msg = tnl_msg_new(hub.nl, TODO_CMD_WATCH, NLM_F_ACK, 0);
	if (!msg) {
		tnl_error_set(err, ENOMEM);
		goto fail;
	}
	ret = tnl_request(hub.nl, msg, NULL, NULL, err);
	nlmsg_free(msg);
	if (ret < 0)
		goto fail;
	ret = tnl_events_begin(hub.nl, hub_event, NULL);
	if (!ret && pipe2(hub.wake, O_CLOEXEC) < 0)
		ret = errno;
	if (!ret)
		ret = pthread_create(&hub.thread, NULL, hub_main, NULL);
	if (ret) {
		tnl_error_set(err, ret);
		goto fail;
	}
	hub.running = true;
	return 0;
fail:
	if (hub.wake[0] >= 0) {
		close(hub.wake[0]);
		close(hub.wake[1]);
		hub.wake[0] = hub.wake[1] = -1;
	}
	tnl_close(hub.nl);
	hub.nl = NULL;
	return -1;
}

/* libmicrohttpd's content reader: what is buffered, or wait for more. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	bool resume = false;
	ssize_t n = 0;

	(void)pos;
	pthread_mutex_lock(&hub.lock);
	if (s->len) {
		n = (ssize_t)(s->len < max ? s->len : max);
		memcpy(buf, s->buf, (size_t)n);
		memmove(s->buf, s->buf + n, s->len - (size_t)n);
		s->len -= (size_t)n;
	} else if (s->ended) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		s->suspending = true;
	}
	pthread_mutex_unlock(&hub.lock);
	if (n)
		return n;

	MHD_suspend_connection(s->conn);
	pthread_mutex_lock(&hub.lock);
	s->suspending = false;
	if (s->wake)
		resume = true;
	else
		s->suspended = true;
	s->wake = false;
	pthread_mutex_unlock(&hub.lock);
	if (resume)
		MHD_resume_connection(s->conn);
	return 0;	/* called again once resumed */
}

/* libmicrohttpd's free callback: the response is done with. */
static void stream_free(void *cls)
{
	struct stream *s = cls, **p;

	pthread_mutex_lock(&hub.lock);
	for (p = &hub.streams; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			hub.n--;
			break;
		}
	}
	pthread_mutex_unlock(&hub.lock);
	free(s->buf);
	free(s);
}

/* The name rule of the kernel, checked here: the hub watches every list. */
static bool name_ok(const char *name)
{
	size_t len = strlen(name);

	return len && len <= TODO_NAME_MAX && name[0] != '.' &&
	       strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == len;
}

/**
 * httpd_events_open() - Open an event stream of a list.
 * @conn: the request's connection.
 * @list: the list's name, decoded.
 * @err: why it failed: EINVAL (a bad name), EBUSY (too many streams, or
 *	the kernel's subscription limits), or the subscription's error.
 *
 * Context: a pool thread of libmicrohttpd.
 * Return: the response to queue (status 200), or NULL with @err set.
 */
struct MHD_Response *httpd_events_open(struct MHD_Connection *conn,
				       const char *list,
				       struct tnl_error *err)
{
	struct MHD_Response *resp;
	struct stream *s;

	if (!name_ok(list)) {
		tnl_error_set(err, EINVAL);
		snprintf(err->msg, sizeof(err->msg),
			 "list name must be 1-64 bytes of A-Z a-z 0-9 . _ - and not start with .");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !stream_put(s, ": ok\n\n", 6)) {
		free(s);
		tnl_error_set(err, ENOMEM);
		return NULL;
	}
	s->conn = conn;
	strcpy(s->list, list);

	pthread_mutex_lock(&hub.lock);
	if (hub.stopping || hub.n >= httpd_streams_max) {
		tnl_error_set(err, EBUSY);
		snprintf(err->msg, sizeof(err->msg),
			 "too many event streams (at most %u)",
			 httpd_streams_max);
		goto fail;
	}
	if (hub.running && hub.failed)
		hub_reap();
	if (!hub.running && hub_start(err) < 0) {
		if (err->error == EDQUOT || err->error == ENOSPC)
			err->error = EBUSY;
		goto fail;
	}
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
						 stream_read, s, stream_free);
	if (!resp) {
		tnl_error_set(err, ENOMEM);
		goto fail;
	}
	s->next = hub.streams;
	hub.streams = s;
	hub.n++;
	pthread_mutex_unlock(&hub.lock);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/event-stream");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				"no-cache");
	return resp;
fail:
	pthread_mutex_unlock(&hub.lock);
	free(s->buf);
	free(s);
	return NULL;
}

/**
 * httpd_events_stop() - End every stream, and stop the hub.
 *
 * Resumes every suspended connection (libmicrohttpd must not be stopped
 * with one) and refuses new streams.  Call before MHD_stop_daemon().
 */
void httpd_events_stop(void)
{
	bool running;

	pthread_mutex_lock(&hub.lock);
	hub.stopping = true;
	running = hub.running;
	pthread_mutex_unlock(&hub.lock);
	hub_broadcast(NULL, true, false);
	if (running) {
		if (write(hub.wake[1], "", 1) < 0)
			perror("todo-httpd: events");
		hub_reap();
	}
}
