/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink connection to the "todo" family: requests, replies,
 * and errors with the kernel's extended acknowledgement message.
 */
#ifndef TODOCTL_NL_H
#define TODOCTL_NL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <linux/todo.h>

struct tnl;

/**
 * struct tnl_error - Why a request failed.
 * @error: a positive errno; 0 if it did not fail.
 * @msg: the kernel's extack message, or "" if it sent none; with @error 0
 *	it is a warning.
 */
struct tnl_error {
	int error;
	char msg[256];
};

/*
 * Called with the attributes of each reply to the awaited request.
 * Returns 0, or a positive errno to stop and fail the request.
 */
typedef int (*tnl_reply_fn)(struct nlattr **tb, void *arg);

/*
 * Called with the error (or, with error 0, the warning) of a request other
 * than the awaited one.
 */
typedef void (*tnl_error_fn)(uint32_t seq, const struct tnl_error *err,
			     void *arg);

int tnl_open(struct tnl **nlp);
int tnl_connect(struct tnl **nlp, struct tnl_error *err);
void tnl_close(struct tnl *nl);
bool tnl_overrun(const struct tnl *nl);

struct nl_msg *tnl_msg_new(struct tnl *nl, uint8_t cmd, int flags,
			   size_t payload);
int tnl_send(struct tnl *nl, struct nl_msg *msg, uint32_t *seq,
	     struct tnl_error *err);
int tnl_queue(struct tnl *nl, struct nl_msg *msg, uint32_t *seq,
	      struct tnl_error *err);
int tnl_flush(struct tnl *nl, struct tnl_error *err);
unsigned int tnl_queued(const struct tnl *nl);
int tnl_wait(struct tnl *nl, uint32_t seq, tnl_reply_fn reply,
	     void *reply_arg, tnl_error_fn other, void *other_arg,
	     struct tnl_error *err);
int tnl_request(struct tnl *nl, struct nl_msg *msg, tnl_reply_fn reply,
		void *arg, struct tnl_error *err);
int tnl_poll(struct tnl *nl, tnl_error_fn other, void *other_arg);
int tnl_events_begin(struct tnl *nl, tnl_reply_fn event, void *arg);
int tnl_events_read(struct tnl *nl);
int tnl_fd(const struct tnl *nl);
int tnl_listen(struct tnl *nl, tnl_reply_fn event, void *arg,
	       volatile sig_atomic_t *stop, const sigset_t *mask);

void tnl_error_set(struct tnl_error *err, int error);
const char *tnl_strerror(int error);
const char *tnl_errno_name(int error, char *buf, size_t size);
const char *tnl_error_text(const struct tnl_error *err, char *buf,
			   size_t size);
void tnl_perror(const char *what, const struct tnl_error *err);
void tnl_pwarn(const char *what, const struct tnl_error *err);

/* Whether all of @types are in @tb. */
static inline bool tnl_has_all(struct nlattr **tb, const int *types, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!tb[types[i]])
			return false;
	}
	return true;
}

#define TNL_HAS_ALL(tb, types) \
	tnl_has_all(tb, types, sizeof(types) / sizeof(types[0]))

/* The name of a change event's kind (TODO_A_KIND), or NULL if unknown. */
static inline const char *tnl_change_name(uint8_t kind)
{
	switch (kind) {
	case TODO_CHANGE_ADD:
		return "add";
	case TODO_CHANGE_UPDATE:
		return "update";
	case TODO_CHANGE_DELETE:
		return "delete";
	}
	return NULL;
}

/* Bytes of a string attribute, without a terminating NUL if present. */
static inline size_t tnl_strlen(const struct nlattr *nla)
{
	const char *s = nla_data(nla);
	size_t len = (size_t)nla_len(nla);

	if (len && s[len - 1] == '\0')
		len--;
	return len;
}

#endif /* TODOCTL_NL_H */
