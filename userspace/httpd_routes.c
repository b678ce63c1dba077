// SPDX-License-Identifier: GPL-2.0
/*
 * The routes of todo-httpd.
 *
 * The book's two routes, byte for byte:
 *
 *	POST /add_entry?list=L&date=D&title=T	200 "OK" (a cast; with
 *						sync=1 a call, then a sync)
 *	GET  /entries?list=L&date=D		200 text/plain, "D TITLE" per
 *						entry of that date, joined by
 *						"\n"
 *
 * and a JSON API:
 *
 *	GET    /lists				[{"name", "entries", ...}]
 *	GET    /lists/NAME/entries[?date=D]	[{"id", "date", "title"}]
 *	POST   /lists/NAME/entries		{"date", "title"} -> 201 {"id"}
 *	GET    /lists/NAME/entries/ID		{"id", "date", "title"}
 *	PATCH  /lists/NAME/entries/ID		{"date"?, "title"?} -> 204
 *	DELETE /lists/NAME/entries/ID		204
 *	GET    /lists/NAME/events		text/event-stream of the list's
 *						changes (httpd_events.c)
 *
 * Every request is checked whole (path, percent-encoding, parameters,
 * body) before anything is sent to the kernel, and each makes one
 * mutation at most, so a refused request changes nothing.  The kernel
 * judges names, dates and titles; its extack message is the body of the
 * 400 (or 413) it causes.
 *
 * Requests carry no owner: the kernel takes the server's effective uid,
 * so the lists served are those of the user todo-httpd runs as.
 *
 * libmicrohttpd runs a pool of threads; each has its own netlink
 * connection (thread-local), made on its first request and made again
 * after the module was reloaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <netlink/genl/genl.h>

#include "httpd.h"
#include "nl.h"
#include "parse.h"

/**
 * struct hreq - A request being received (libmicrohttpd's con_cls).
 * @body: the body so far, NUL-terminated.
 * @len: its length.
 * @too_large: the body was longer than HTTPD_BODY_MAX; the rest is dropped.
 */
struct hreq {
	char *body;
	size_t len;
	bool too_large;
};

/**
 * struct hresp - An answer.
 * @status: the HTTP status.
 * @json: the body is JSON (else text/plain).
 * @body: the body, malloc'ed, or NULL for none.
 * @len: its length.
 * @allow: the Allow header of a 405, or NULL.
 * @location: the Location header of a 201, malloc'ed, or NULL.
 * @stream: a response of its own (an event stream) to queue with
 *	@status instead, or NULL.
 */
struct hresp {
	unsigned int status;
	bool json;
	char *body;
	size_t len;
	const char *allow;
	char *location;
	struct MHD_Response *stream;
};

/**
 * struct op - One netlink request of a route.
 * @cmd: its TODO_CMD_*.
 * @dump: a dump (else a call with an ack).
 * @list: TODO_A_LIST, or NULL.
 * @id: TODO_A_ID, or 0.
 * @date: TODO_A_DATE if @has_date.
 * @has_date: send @date.
 * @title: TODO_A_TITLE, or NULL.
 * @cast: send TODO_A_CAST.
 */
struct op {
	uint8_t cmd;
	bool dump;
	const char *list;
	uint32_t id;
	uint32_t date;
	bool has_date;
	const char *title;
	bool cast;
};

/* An entry of a reply, its title copied. */
struct ent {
	uint32_t id;
	uint32_t date;
	char *title;
};

struct ents {
	struct ent *v;
	size_t n;
	size_t cap;
};

static __thread struct tnl *t_nl;
static pthread_key_t nl_key;

static void nl_key_free(void *p)
{
	tnl_close(p);
}

/**
 * httpd_nl_init() - Set up the per-thread connections.
 *
 * Return: 0, or -1 with errno set.
 */
int httpd_nl_init(void)
{
	int err = pthread_key_create(&nl_key, nl_key_free);

	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

/* This thread's connection, made if it has none yet. */
static struct tnl *nl_get(struct tnl_error *err)
{
	if (t_nl)
		return t_nl;
	if (tnl_connect(&t_nl, err) < 0) {
		t_nl = NULL;
		return NULL;
	}
	pthread_setspecific(nl_key, t_nl);
	return t_nl;
}

static void nl_drop(void)
{
	pthread_setspecific(nl_key, NULL);
	tnl_close(t_nl);
	t_nl = NULL;
}

static struct nl_msg *op_msg(struct tnl *nl, const struct op *op)
{
	size_t payload = (op->list ? strlen(op->list) : 0) +
			 (op->title ? strlen(op->title) : 0);
	struct nl_msg *msg;

	msg = tnl_msg_new(nl, op->cmd, op->dump ? NLM_F_DUMP : NLM_F_ACK,
			  payload);
	if (!msg)
		return NULL;
	if ((op->list && nla_put_string(msg, TODO_A_LIST, op->list) < 0) ||
	    (op->id && nla_put_u32(msg, TODO_A_ID, op->id) < 0) ||
	    (op->has_date && nla_put_u32(msg, TODO_A_DATE, op->date) < 0) ||
	    (op->title && nla_put_string(msg, TODO_A_TITLE, op->title) < 0) ||
	    (op->cast && nla_put_flag(msg, TODO_A_CAST) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Send @op and wait for its answer.  A request to a family that is gone
 * (the module was unloaded, perhaps loaded again) fails with ENOENT and
 * no message before anything was done: then connect again, and retry once.
 */
static int op_run(const struct op *op, tnl_reply_fn reply, void *arg,
		  struct tnl_error *err)
{
	int attempt, ret = -1;

	for (attempt = 0; attempt < 2; attempt++) {
		struct tnl *nl = nl_get(err);
		struct nl_msg *msg;

		if (!nl)
			return -1;
		msg = op_msg(nl, op);
		if (!msg) {
			tnl_error_set(err, ENOMEM);
			return -1;
		}
		ret = tnl_request(nl, msg, reply, arg, err);
		nlmsg_free(msg);
		if (!ret)
			return 0;
		/* A connection that lost answers is out of step: renew it. */
		if (err->error == ENOBUFS || tnl_overrun(nl) ||
		    (err->error == ENOENT && !err->msg[0]))
			nl_drop();
		if (err->error != ENOENT || err->msg[0])
			break;
	}
	return ret;
}

/* ---- answers ---- */

static void resp_text(struct hresp *r, unsigned int status, const char *s)
{
	r->status = status;
	r->json = false;
	r->body = strdup(s);
	r->len = r->body ? strlen(r->body) : 0;
}

/* Take the JSON text of @obj as the body, and drop @obj. */
static void resp_json(struct hresp *r, unsigned int status,
		      struct json_object *obj)
{
	const char *s;

	r->status = status;
	r->json = true;
	s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	r->body = s ? malloc(strlen(s) + 2) : NULL;
	if (r->body) {
		r->len = strlen(s);
		memcpy(r->body, s, r->len);
		r->body[r->len++] = '\n';
		r->body[r->len] = '\0';
	}
	json_object_put(obj);
}

/* An error: {"error": MSG} for the JSON API, MSG and a newline else. */
static void resp_error(struct hresp *r, bool json, unsigned int status,
		       const char *msg)
{
	if (json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "error",
				       json_object_new_string(msg));
		resp_json(r, status, o);
	} else {
		char *s = malloc(strlen(msg) + 2);

		r->status = status;
		r->json = false;
		r->body = s;
		if (s) {
			r->len = strlen(msg);
			memcpy(s, msg, r->len);
			s[r->len++] = '\n';
			s[r->len] = '\0';
		}
	}
}

static void resp_errorf(struct hresp *r, bool json, unsigned int status,
			const char *fmt, const char *arg)
{
	char buf[512];

	snprintf(buf, sizeof(buf), fmt, arg);
	resp_error(r, json, status, buf);
}

/* The HTTP status of a failed request's errno. */
static unsigned int errno_status(int error)
{
	switch (error) {
	case EINVAL:
		return MHD_HTTP_BAD_REQUEST;
	case EMSGSIZE:
		return MHD_HTTP_CONTENT_TOO_LARGE;
	case ENOENT:
	case ESRCH:
		return MHD_HTTP_NOT_FOUND;
	case EPERM:
	case EACCES:
		return MHD_HTTP_FORBIDDEN;
	case EAGAIN:
	case EBUSY:
	case ENOPKG:
	case ESHUTDOWN:
	case ENOBUFS:
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	case EFBIG:
	case EDQUOT:
	case ENOSPC:
		return MHD_HTTP_INSUFFICIENT_STORAGE;
	case EOVERFLOW:
		return MHD_HTTP_CONFLICT;
	case ETIMEDOUT:
		return MHD_HTTP_GATEWAY_TIMEOUT;
	default:
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
}

/* The answer to a request the kernel (or the connection) refused. */
static void resp_nl_error(struct hresp *r, bool json,
			  const struct tnl_error *err)
{
	resp_error(r, json, errno_status(err->error),
		   err->msg[0] ? err->msg : tnl_strerror(err->error));
}

/* ---- requests ---- */

/**
 * httpd_unescape() - Decode percent-encoding in place, strictly.
 * @s: the string; also the result, NUL-terminated.
 * @len: set to the decoded length.
 *
 * '+' is a space (form encoding).
 *
 * Return: 0, or -1 for a '%' not followed by two hex digits or a %00.
 */
int httpd_unescape(char *s, size_t *len)
{
	char *out = s;
	const char *in = s;

	while (*in) {
		if (*in == '%') {
			char hex[3] = { 0 };
			unsigned long v;
			char *end;

			if (!in[1] || !in[2])
				return -1;
			hex[0] = in[1];
			hex[1] = in[2];
			if (hex[0] == '-' || hex[0] == '+' || hex[0] == ' ')
				return -1;
			v = strtoul(hex, &end, 16);
			if (*end || !v)
				return -1;
			*out++ = (char)v;
			in += 3;
		} else if (*in == '+') {
			*out++ = ' ';
			in++;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
	if (len)
		*len = (size_t)(out - s);
	return 0;
}

/*
 * The query parameter @key, decoded, malloc'ed into *@val (NULL if it is
 * absent).  Return: 0, or -1 with @r set to a 400.
 */
static int query_param(struct MHD_Connection *conn, const char *key,
		       char **val, struct hresp *r, bool json)
{
	const char *raw = MHD_lookup_connection_value(conn,
						      MHD_GET_ARGUMENT_KIND,
						      key);

	*val = NULL;
	if (!raw)
		return 0;
	*val = strdup(raw);
	if (!*val) {
		resp_error(r, json, MHD_HTTP_INTERNAL_SERVER_ERROR,
			   tnl_strerror(ENOMEM));
		return -1;
	}
	if (httpd_unescape(*val, NULL) < 0) {
		resp_errorf(r, json, MHD_HTTP_BAD_REQUEST,
			    "bad percent-encoding in parameter '%s'", key);
		free(*val);
		*val = NULL;
		return -1;
	}
	return 0;
}

/* Like query_param(), and its absence is a 400 too. */
static int query_required(struct MHD_Connection *conn, const char *key,
			  char **val, struct hresp *r, bool json)
{
	if (query_param(conn, key, val, r, json) < 0)
		return -1;
	if (!*val) {
		resp_errorf(r, json, MHD_HTTP_BAD_REQUEST,
			    "missing parameter '%s'", key);
		return -1;
	}
	return 0;
}

/* Check a date's shape; the kernel checks the calendar. */
static int check_date(const char *s, uint32_t *date, struct hresp *r,
		      bool json)
{
	if (parse_date(s, date) < 0) {
		resp_errorf(r, json, MHD_HTTP_BAD_REQUEST,
			    "malformed date '%.40s' (expected YYYY-MM-DD)", s);
		return -1;
	}
	return 0;
}

/* A title longer than any the kernel takes is refused here. */
static int check_title(const char *s, struct hresp *r, bool json)
{
	if (strlen(s) > TODO_TITLE_MAX) {
		resp_error(r, json, MHD_HTTP_CONTENT_TOO_LARGE,
			   "title is longer than max_title_len");
		return -1;
	}
	return 0;
}

/* The optional sync=1 parameter. */
static int query_sync(struct MHD_Connection *conn, bool *sync,
		      struct hresp *r, bool json)
{
	char *v;
	int ret = 0;

	*sync = false;
	if (query_param(conn, "sync", &v, r, json) < 0)
		return -1;
	if (!v)
		return 0;
	if (!strcmp(v, "1")) {
		*sync = true;
	} else if (strcmp(v, "0")) {
		resp_error(r, json, MHD_HTTP_BAD_REQUEST,
			   "parameter 'sync' must be 0 or 1");
		ret = -1;
	}
	free(v);
	return ret;
}

/* After a change made with sync=1: wait until the list is on disk. */
static int run_sync(const char *list, struct hresp *r, bool json)
{
	struct op op = { .cmd = TODO_CMD_SYNC, .list = list };
	struct tnl_error err;

	if (op_run(&op, NULL, NULL, &err) < 0) {
		resp_nl_error(r, json, &err);
		return -1;
	}
	return 0;
}

static int reply_id(struct nlattr **tb, void *arg)
{
	if (!tb[TODO_A_ID])
		return EPROTO;
	*(uint32_t *)arg = nla_get_u32(tb[TODO_A_ID]);
	return 0;
}

static int reply_entry(struct nlattr **tb, void *arg)
{
	struct ents *es = arg;
	struct ent *e;

	if (!tb[TODO_A_ID] || !tb[TODO_A_DATE] || !tb[TODO_A_TITLE])
		return EPROTO;
	if (es->n == es->cap) {
		size_t cap = es->cap ? es->cap * 2 : 16;
		struct ent *v = realloc(es->v, cap * sizeof(*v));

		if (!v)
			return ENOMEM;
		es->v = v;
		es->cap = cap;
	}
	e = &es->v[es->n];
	e->id = nla_get_u32(tb[TODO_A_ID]);
	e->date = nla_get_u32(tb[TODO_A_DATE]);
	e->title = strndup(nla_data(tb[TODO_A_TITLE]),
			   tnl_strlen(tb[TODO_A_TITLE]));
	if (!e->title)
		return ENOMEM;
	es->n++;
	return 0;
}

static void ents_free(struct ents *es)
{
	size_t i;

	for (i = 0; i < es->n; i++)
		free(es->v[i].title);
	free(es->v);
}

static struct json_object *ent_json(const struct ent *e)
{
	struct json_object *o = json_object_new_object();
	char date[DATE_BUF_SIZE];

	format_date(e->date, date);
	json_object_object_add(o, "id", json_object_new_int64(e->id));
	json_object_object_add(o, "date", json_object_new_string(date));
	json_object_object_add(o, "title", json_object_new_string(e->title));
	return o;
}

/* POST /add_entry?list=L&date=D&title=T[&sync=1] */
static void route_add_entry(struct MHD_Connection *conn, struct hresp *r)
{
	char *list = NULL, *date = NULL, *title = NULL;
	struct op op = { .cmd = TODO_CMD_ADD };
	struct tnl_error err;
	uint32_t id;
	bool sync;

	if (query_required(conn, "list", &list, r, false) < 0 ||
	    query_required(conn, "date", &date, r, false) < 0 ||
	    query_required(conn, "title", &title, r, false) < 0 ||
	    query_sync(conn, &sync, r, false) < 0 ||
	    check_date(date, &op.date, r, false) < 0 ||
	    check_title(title, r, false) < 0)
		goto out;
	op.has_date = true;
	op.list = list;
	op.title = title;
	op.cast = !sync;
	if (op_run(&op, sync ? reply_id : NULL, &id, &err) < 0) {
		resp_nl_error(r, false, &err);
		goto out;
	}
	if (sync && run_sync(list, r, false) < 0)
		goto out;
	resp_text(r, MHD_HTTP_OK, "OK");
out:
	free(list);
	free(date);
	free(title);
}

/* GET /entries?list=L&date=D */
static void route_entries(struct MHD_Connection *conn, struct hresp *r)
{
	struct op op = { .cmd = TODO_CMD_GET, .dump = true };
	char *list = NULL, *date = NULL, *text = NULL;
	struct ents es = { 0 };
	struct tnl_error err;
	size_t len = 0, i;
	FILE *f;

	if (query_required(conn, "list", &list, r, false) < 0 ||
	    query_required(conn, "date", &date, r, false) < 0 ||
	    check_date(date, &op.date, r, false) < 0)
		goto out;
	op.has_date = true;
	op.list = list;
	if (op_run(&op, reply_entry, &es, &err) < 0) {
		resp_nl_error(r, false, &err);
		goto out;
	}
	f = open_memstream(&text, &len);
	if (!f) {
		resp_error(r, false, MHD_HTTP_INTERNAL_SERVER_ERROR,
			   tnl_strerror(ENOMEM));
		goto out;
	}
	for (i = 0; i < es.n; i++) {
		char d[DATE_BUF_SIZE];

		format_date(es.v[i].date, d);
		fprintf(f, "%s%s %s", i ? "\n" : "", d, es.v[i].title);
	}
	if (fclose(f)) {
		free(text);
		resp_error(r, false, MHD_HTTP_INTERNAL_SERVER_ERROR,
			   tnl_strerror(ENOMEM));
		goto out;
	}
	r->status = MHD_HTTP_OK;
	r->body = text;
	r->len = len;
out:
	ents_free(&es);
	free(list);
	free(date);
}

static int reply_list(struct nlattr **tb, void *arg)
{
	struct json_object *a = arg, *o;
	char *name;

	if (!tb[TODO_A_LIST])
		return EPROTO;
	name = strndup(nla_data(tb[TODO_A_LIST]), tnl_strlen(tb[TODO_A_LIST]));
	if (!name)
		return ENOMEM;
	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	free(name);
	if (tb[TODO_A_ENTRIES])
		json_object_object_add(o, "entries", json_object_new_int64(
				       nla_get_u32(tb[TODO_A_ENTRIES])));
	if (tb[TODO_A_NEXT_ID])
		json_object_object_add(o, "next_id", json_object_new_int64(
				       nla_get_u32(tb[TODO_A_NEXT_ID])));
	if (tb[TODO_A_ALIVE])
		json_object_object_add(o, "alive", json_object_new_boolean(
				       nla_get_u8(tb[TODO_A_ALIVE])));
	json_object_array_add(a, o);
	return 0;
}

/* GET /lists */
static void route_lists(struct hresp *r)
{
	struct op op = { .cmd = TODO_CMD_LISTS, .dump = true };
	struct json_object *a = json_object_new_array();
	struct tnl_error err;

	if (op_run(&op, reply_list, a, &err) < 0) {
		json_object_put(a);
		resp_nl_error(r, true, &err);
		return;
	}
	resp_json(r, MHD_HTTP_OK, a);
}

/* GET /lists/NAME/entries[?date=D] */
static void route_list_entries(struct MHD_Connection *conn, const char *list,
			       struct hresp *r)
{
	struct op op = { .cmd = TODO_CMD_GET, .dump = true, .list = list };
	struct ents es = { 0 };
	struct json_object *a;
	struct tnl_error err;
	char *date;
	size_t i;

	if (query_param(conn, "date", &date, r, true) < 0)
		return;
	if (date && check_date(date, &op.date, r, true) < 0)
		goto out;
	op.has_date = date != NULL;
	if (op_run(&op, reply_entry, &es, &err) < 0) {
		resp_nl_error(r, true, &err);
		goto out;
	}
	a = json_object_new_array();
	for (i = 0; i < es.n; i++)
		json_object_array_add(a, ent_json(&es.v[i]));
	resp_json(r, MHD_HTTP_OK, a);
out:
	ents_free(&es);
	free(date);
}

/* GET /lists/NAME/entries/ID */
static void route_entry_get(const char *list, uint32_t id, struct hresp *r)
{
	struct op op = { .cmd = TODO_CMD_GET, .list = list, .id = id };
	struct ents es = { 0 };
	struct tnl_error err;

	if (op_run(&op, reply_entry, &es, &err) < 0)
		resp_nl_error(r, true, &err);
	else if (es.n != 1)
		resp_error(r, true, MHD_HTTP_INTERNAL_SERVER_ERROR,
			   "no entry in the kernel's answer");
	else
		resp_json(r, MHD_HTTP_OK, ent_json(&es.v[0]));
	ents_free(&es);
}

/*
 * The JSON object of a request body: "date" and "title" strings, each
 * optional, nothing else.  Return: 0, or -1 with @r set.
 */
static int body_fields(const struct hreq *q, struct json_object **objp,
		       const char **date, const char **title,
		       struct hresp *r)
{
	struct json_tokener *tok;
	struct json_object *obj;

	*objp = NULL;
	*date = NULL;
	*title = NULL;
	if (q->too_large) {
		resp_error(r, true, MHD_HTTP_CONTENT_TOO_LARGE,
			   "request body too large");
		return -1;
	}
	tok = json_tokener_new();
	if (!tok) {
		resp_error(r, true, MHD_HTTP_INTERNAL_SERVER_ERROR,
			   tnl_strerror(ENOMEM));
		return -1;
	}
	obj = json_tokener_parse_ex(tok, q->body ? q->body : "", (int)q->len);
	if (obj && json_tokener_get_error(tok) == json_tokener_success &&
	    json_tokener_get_parse_end(tok) < q->len) {
		/* Only white space may follow the object. */
		size_t i;

		for (i = json_tokener_get_parse_end(tok); i < q->len; i++) {
			if (!strchr(" \t\r\n", q->body[i])) {
				json_object_put(obj);
				obj = NULL;
				break;
			}
		}
	}
	json_tokener_free(tok);
	if (!obj || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		resp_error(r, true, MHD_HTTP_BAD_REQUEST,
			   "request body is not a JSON object");
		return -1;
	}
	json_object_object_foreach(obj, key, val) {
		const char **field;

		if (!strcmp(key, "date")) {
			field = date;
		} else if (!strcmp(key, "title")) {
			field = title;
		} else {
			resp_errorf(r, true, MHD_HTTP_BAD_REQUEST,
				    "unknown field '%.64s'", key);
			goto fail;
		}
		if (!json_object_is_type(val, json_type_string)) {
			resp_errorf(r, true, MHD_HTTP_BAD_REQUEST,
				    "field '%s' must be a string", key);
			goto fail;
		}
		*field = json_object_get_string(val);
		if (strlen(*field) != (size_t)json_object_get_string_len(val)) {
			resp_errorf(r, true, MHD_HTTP_BAD_REQUEST,
				    "field '%s' contains a NUL", key);
			goto fail;
		}
	}
	*objp = obj;
	return 0;
fail:
	json_object_put(obj);
	return -1;
}

/* POST /lists/NAME/entries {"date": D, "title": T} */
static void route_entry_add(struct MHD_Connection *conn, const char *list,
			    const struct hreq *q, struct hresp *r)
{
	struct op op = { .cmd = TODO_CMD_ADD, .list = list };
	const char *date, *title;
	struct json_object *obj, *o;
	struct tnl_error err;
	uint32_t id = 0;
	bool sync;

	if (query_sync(conn, &sync, r, true) < 0 ||
	    body_fields(q, &obj, &date, &title, r) < 0)
		return;
	if (!date || !title) {
		resp_errorf(r, true, MHD_HTTP_BAD_REQUEST,
			    "missing field '%s'", date ? "title" : "date");
		goto out;
	}
	if (check_date(date, &op.date, r, true) < 0 ||
	    check_title(title, r, true) < 0)
		goto out;
	op.has_date = true;
	op.title = title;
	if (op_run(&op, reply_id, &id, &err) < 0) {
		resp_nl_error(r, true, &err);
		goto out;
	}
	if (sync && run_sync(list, r, true) < 0)
		goto out;
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(id));
	resp_json(r, MHD_HTTP_CREATED, o);
	if (asprintf(&r->location, "/lists/%s/entries/%u", list, id) < 0)
		r->location = NULL;
out:
	json_object_put(obj);
}

/* PATCH /lists/NAME/entries/ID {"date"?: D, "title"?: T} */
static void route_entry_update(struct MHD_Connection *conn, const char *list,
			       uint32_t id, const struct hreq *q,
			       struct hresp *r)
{
	struct op op = { .cmd = TODO_CMD_UPDATE, .list = list, .id = id };
	const char *date, *title;
	struct json_object *obj;
	struct tnl_error err;
	bool sync;

	if (query_sync(conn, &sync, r, true) < 0 ||
	    body_fields(q, &obj, &date, &title, r) < 0)
		return;
	if (!date && !title) {
		resp_error(r, true, MHD_HTTP_BAD_REQUEST,
			   "nothing to change: give date or title");
		goto out;
	}
	if ((date && check_date(date, &op.date, r, true) < 0) ||
	    (title && check_title(title, r, true) < 0))
		goto out;
	op.has_date = date != NULL;
	op.title = title;
	if (op_run(&op, NULL, NULL, &err) < 0) {
		resp_nl_error(r, true, &err);
		goto out;
	}
	if (sync && run_sync(list, r, true) < 0)
		goto out;
	r->status = MHD_HTTP_NO_CONTENT;
out:
	json_object_put(obj);
}

/* DELETE /lists/NAME/entries/ID */
static void route_entry_delete(struct MHD_Connection *conn, const char *list,
			       uint32_t id, struct hresp *r)
{
	struct op op = { .cmd = TODO_CMD_DELETE, .list = list, .id = id };
	struct tnl_error err;
	bool sync;

	if (query_sync(conn, &sync, r, true) < 0)
		return;
	if (op_run(&op, NULL, NULL, &err) < 0) {
		resp_nl_error(r, true, &err);
		return;
	}
	if (sync && run_sync(list, r, true) < 0)
		return;
	r->status = MHD_HTTP_NO_CONTENT;
}

/* GET /lists/NAME/events: Server-Sent Events (httpd_events.c) */
static void route_list_events(struct MHD_Connection *conn, const char *list,
			      struct hresp *r)
{
	struct tnl_error err;

	r->stream = httpd_events_open(conn, list, &err);
	if (r->stream)
		r->status = MHD_HTTP_OK;
	else
		resp_nl_error(r, true, &err);
}

/* ---- dispatch ---- */

#define ALLOW_GET	"GET, HEAD"
#define ALLOW_POST	"POST"
#define ALLOW_COLL	"GET, HEAD, POST"
#define ALLOW_ITEM	"GET, HEAD, PATCH, DELETE"

static bool is_get(const char *m)
{
	return !strcmp(m, MHD_HTTP_METHOD_GET) ||
	       !strcmp(m, MHD_HTTP_METHOD_HEAD);
}

static void method_not_allowed(struct hresp *r, bool json, const char *allow)
{
	resp_error(r, json, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed");
	r->allow = allow;
}

/*
 * Split the raw path @url into at most @max decoded segments (in @buf).
 * Return: the number of segments, -1 for bad percent-encoding, -2 for
 * more than @max segments or an empty one.
 */
static int split_path(const char *url, char *buf, char **seg, int max)
{
	char *p, *save = NULL;
	int n = 0;

	strcpy(buf, url);
	if (buf[0] != '/')
		return -2;
	if (!buf[1])
		return 0;
	for (p = buf + 1;; p = save) {
		char *slash = strchr(p, '/');

		if (slash)
			*slash = '\0';
		save = slash ? slash + 1 : NULL;
		if (!*p || n == max)
			return -2;
		if (httpd_unescape(p, NULL) < 0)
			return -1;
		seg[n++] = p;
		if (!save)
			return n;
	}
}

static void route(struct MHD_Connection *conn, const char *url,
		  const char *method, const struct hreq *q, struct hresp *r)
{
	char *seg[4];
	char *buf = malloc(strlen(url) + 1);
	uint32_t id;
	int n;

	if (!buf) {
		resp_error(r, true, MHD_HTTP_INTERNAL_SERVER_ERROR,
			   tnl_strerror(ENOMEM));
		return;
	}
	n = split_path(url, buf, seg, 4);
	if (n == -1) {
		resp_error(r, true, MHD_HTTP_BAD_REQUEST,
			   "bad percent-encoding in the path");
		goto out;
	}
	if (n == 1 && !strcmp(seg[0], "add_entry")) {
		if (strcmp(method, MHD_HTTP_METHOD_POST))
			method_not_allowed(r, false, ALLOW_POST);
		else
			route_add_entry(conn, r);
	} else if (n == 1 && !strcmp(seg[0], "entries")) {
		if (!is_get(method))
			method_not_allowed(r, false, ALLOW_GET);
		else
			route_entries(conn, r);
	} else if (n == 1 && !strcmp(seg[0], "lists")) {
		if (!is_get(method))
			method_not_allowed(r, true, ALLOW_GET);
		else
			route_lists(r);
	} else if (n == 3 && !strcmp(seg[0], "lists") &&
		   !strcmp(seg[2], "entries")) {
		if (is_get(method))
			route_list_entries(conn, seg[1], r);
		else if (!strcmp(method, MHD_HTTP_METHOD_POST))
			route_entry_add(conn, seg[1], q, r);
		else
			method_not_allowed(r, true, ALLOW_COLL);
	} else if (n == 3 && !strcmp(seg[0], "lists") &&
		   !strcmp(seg[2], "events")) {
		if (!strcmp(method, MHD_HTTP_METHOD_GET))
			route_list_events(conn, seg[1], r);
		else
			method_not_allowed(r, true, "GET");
	} else if (n == 4 && !strcmp(seg[0], "lists") &&
		   !strcmp(seg[2], "entries") && !parse_id(seg[3], &id)) {
		if (is_get(method))
			route_entry_get(seg[1], id, r);
		else if (!strcmp(method, MHD_HTTP_METHOD_PATCH))
			route_entry_update(conn, seg[1], id, q, r);
		else if (!strcmp(method, MHD_HTTP_METHOD_DELETE))
			route_entry_delete(conn, seg[1], id, r);
		else
			method_not_allowed(r, true, ALLOW_ITEM);
	} else {
		resp_error(r, true, MHD_HTTP_NOT_FOUND, "no such resource");
	}
out:
	free(buf);
}

static enum MHD_Result send_resp(struct MHD_Connection *conn,
				 struct hresp *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (r->stream) {
		ret = MHD_queue_response(conn, r->status, r->stream);
		MHD_destroy_response(r->stream);
		return ret;
	}
	resp = MHD_create_response_from_buffer(r->len, r->body ? r->body : "",
					       r->body ? MHD_RESPMEM_MUST_FREE :
					       MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(r->body);
		free(r->location);
		return MHD_NO;
	}
	if (r->status != MHD_HTTP_NO_CONTENT)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					r->json ? "application/json" :
					"text/plain; charset=utf-8");
	if (r->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->location)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION,
					r->location);
	if (r->status == MHD_HTTP_SERVICE_UNAVAILABLE)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER,
					HTTPD_RETRY_AFTER);
	ret = MHD_queue_response(conn, r->status, resp);
	MHD_destroy_response(resp);
	free(r->location);
	return ret;
}

/**
 * httpd_handle() - libmicrohttpd's access handler: every request.
 * @cls: unused.
 * @conn: the connection.
 * @url: the path, still percent-encoded (see the unescape callback).
 * @method: the method.
 * @version: the HTTP version.
 * @upload_data: the next piece of the body.
 * @upload_size: its size; set to what was not taken (0).
 * @con_cls: the request's struct hreq.
 *
 * Called first with no body, then for each piece of it, then once more
 * with @upload_size 0: then the request is answered.
 *
 * Return: MHD_YES, or MHD_NO to close the connection.
 */
enum MHD_Result httpd_handle(void *cls, struct MHD_Connection *conn,
			     const char *url, const char *method,
			     const char *version, const char *upload_data,
			     size_t *upload_size, void **con_cls)
{
	struct hreq *q = *con_cls;
	struct hresp r = { 0 };

	(void)cls;
	(void)version;
	if (!q) {
		q = calloc(1, sizeof(*q));
		if (!q)
			return MHD_NO;
		*con_cls = q;
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;

		*upload_size = 0;
		if (q->too_large || q->len + n > HTTPD_BODY_MAX) {
			q->too_large = true;
			return MHD_YES;
		}
		if (!q->body) {
			q->body = malloc(HTTPD_BODY_MAX + 1);
			if (!q->body)
				return MHD_NO;
		}
		memcpy(q->body + q->len, upload_data, n);
		q->len += n;
		q->body[q->len] = '\0';
		return MHD_YES;
	}
	route(conn, url, method, q, &r);
	return send_resp(conn, &r);
}

/**
 * httpd_completed() - libmicrohttpd's completion callback: free a request.
 * @cls: unused.
 * @conn: the connection.
 * @con_cls: the request's struct hreq, or NULL.
 * @toe: how it ended.
 */
void httpd_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		     enum MHD_RequestTerminationCode toe)
{
	struct hreq *q = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (q) {
		free(q->body);
		free(q);
		*con_cls = NULL;
	}
}
