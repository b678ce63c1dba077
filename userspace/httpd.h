/* SPDX-License-Identifier: GPL-2.0 */
/*
 * todo-httpd: the book's web interface, and a JSON API, over the "todo"
 * generic netlink family.  httpd.c runs the server (options, the listening
 * socket, libmicrohttpd's thread pool); httpd_routes.c answers requests.
 */
#ifndef TODO_HTTPD_H
#define TODO_HTTPD_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

/* Largest request body taken (JSON of a title of TODO_TITLE_MAX bytes). */
#define HTTPD_BODY_MAX		(32 * 1024)
/* Seconds a client is told to wait (Retry-After) on a 503. */
#define HTTPD_RETRY_AFTER	"1"
/* Most event streams open at once (--streams), and its default. */
#define HTTPD_STREAMS_MAX	256
#define HTTPD_STREAMS_DEFAULT	32

extern unsigned int httpd_streams_max;

enum MHD_Result httpd_handle(void *cls, struct MHD_Connection *conn,
			     const char *url, const char *method,
			     const char *version, const char *upload_data,
			     size_t *upload_size, void **con_cls);
void httpd_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		     enum MHD_RequestTerminationCode toe);
int httpd_nl_init(void);

struct tnl_error;
struct MHD_Response *httpd_events_open(struct MHD_Connection *conn,
				       const char *list,
				       struct tnl_error *err);
void httpd_events_stop(void);
int httpd_unescape(char *s, size_t *len);

#endif /* TODO_HTTPD_H */
