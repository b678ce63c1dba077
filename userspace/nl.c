// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink connection (libnl-genl-3).
 *
 * Automatic acknowledgements are off: each request says itself whether
 * it wants one (NLM_F_ACK).  Answers are matched to requests by sequence
 * number here rather than by libnl's in-order check, which is what lets
 * the batch command pipeline requests: tnl_wait() reads until the answer
 * of one request (its ack, its error, or the end of its dump) and hands
 * the errors of the others to a callback.
 *
 * Datagrams are read here, each into one buffer kept for the connection,
 * and their messages handled where they lie: libnl's receive loop,
 * nl_recvmsgs(), copies each message into an nl_msg of its own, a large
 * part of a client's cost in a dump of many small messages.  libnl still
 * opens the socket, resolves the family, builds requests and parses
 * attributes.
 *
 * A process with CAP_NET_ADMIN may send a datagram to another's generic
 * netlink socket, unless that socket is connected: so it is connected to
 * the kernel (port id 0), which then refuses other senders, and a
 * datagram of another (one sent before the connect()) is dropped unread.
 *
 * libnl 3.7 does not parse extended acknowledgements, so this does: the
 * socket has NETLINK_EXT_ACK and NETLINK_CAP_ACK on, and the kernel's
 * message is the NLMSGERR_ATTR_MSG attribute after the struct nlmsgerr
 * (and after the echoed request, unless it was capped).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nl.h"

/* Receive buffer: room for the errors of a batch window and more. */
#define TNL_RCVBUF	(1024 * 1024)
/*
 * Room for any datagram the kernel sends: a dump fills at most 32 KiB
 * (netlink caps its buffers there), a reply or an event far less.  A
 * buffer this size reads each datagram with one recvmsg(), without
 * peeking at its size first.
 */
#define TNL_MSGBUF	(64 * 1024)
/* Message room besides the strings: headers and fixed-size attributes. */
#define TNL_MSG_SLACK	256
/*
 * Requests sent in one datagram at most (tnl_queue()): well under the
 * socket's send buffer (libnl's 32 KiB, which the kernel doubles).
 */
#define TNL_TXBUF	(16 * 1024)

/**
 * struct tnl_rx - The wait for one request's answer.
 * @seq: the awaited request's sequence number.
 * @done: its answer arrived.
 * @lost: answers were dropped by the kernel and @seq is a resync ping.
 * @interrupted: a dump was interrupted by a change (NLM_F_DUMP_INTR).
 * @reply_error: first error of @reply, a positive errno.
 * @reply: called for each reply message of @seq.
 * @reply_arg: its argument.
 * @other: called for errors and warnings of other requests.
 * @other_arg: its argument.
 * @err: where the answer goes.
 */
struct tnl_rx {
	uint32_t seq;
	bool done;
	bool lost;
	bool interrupted;
	int reply_error;
	tnl_reply_fn reply;
	void *reply_arg;
	tnl_error_fn other;
	void *other_arg;
	struct tnl_error *err;
};

/**
 * struct tnl - A connection to the "todo" family.
 * @sk: the socket.
 * @rxbuf: where each datagram is read, TNL_MSGBUF bytes.
 * @family: the family's id.
 * @overrun: the kernel dropped messages to us (ENOBUFS) at least once.
 * @rx: the wait in progress, if any.
 * @event: called for each change event (TODO_CMD_CHANGE), or NULL.
 * @event_arg: its argument.
 * @event_error: first error of @event, a positive errno.
 * @tx: requests queued by tnl_queue(), one after another as the kernel
 *	reads them from a datagram; allocated on first use.
 * @tx_len: bytes queued in @tx.
 * @tx_count: requests queued in @tx.
 */
struct tnl {
	struct nl_sock *sk;
	unsigned char *rxbuf;
	int family;
	bool overrun;
	struct tnl_rx *rx;
	tnl_reply_fn event;
	void *event_arg;
	int event_error;
	char *tx;
	size_t tx_len;
	unsigned int tx_count;
};

/*
 * Attributes of replies: every one that is read.  Strings must end in a
 * NUL (libnl checks it for NLA_STRING) within the protocol's limits.
 */
static const struct nla_policy tnl_policy[TODO_A_MAX + 1] = {
	[TODO_A_LIST] = { .type = NLA_STRING, .maxlen = TODO_NAME_MAX + 1 },
	[TODO_A_OWNER] = { .type = NLA_U32 },
	[TODO_A_ID] = { .type = NLA_U32 },
	[TODO_A_DATE] = { .type = NLA_U32 },
	[TODO_A_TITLE] = { .type = NLA_STRING, .maxlen = TODO_TITLE_MAX + 1 },
	[TODO_A_ENTRIES] = { .type = NLA_U32 },
	[TODO_A_MAILBOX] = { .type = NLA_U32 },
	[TODO_A_CASTS] = { .type = NLA_U64 },
	[TODO_A_CASTS_FAILED] = { .type = NLA_U64 },
	[TODO_A_ALIVE] = { .type = NLA_U8 },
	[TODO_A_NEXT_ID] = { .type = NLA_U32 },
	[TODO_A_WRITES] = { .type = NLA_U64 },
	[TODO_A_WRITE_ERRORS] = { .type = NLA_U64 },
	[TODO_A_LAST_ERROR] = { .type = NLA_U32 },
	[TODO_A_SERVERS] = { .type = NLA_U32 },
	[TODO_A_MAX_SERVERS] = { .type = NLA_U32 },
	[TODO_A_LISTS] = { .type = NLA_U32 },
	[TODO_A_STARTED] = { .type = NLA_U64 },
	[TODO_A_EVICTIONS] = { .type = NLA_U64 },
	[TODO_A_BUSY] = { .type = NLA_U64 },
	[TODO_A_KIND] = { .type = NLA_U8 },
	[TODO_A_LOST] = { .type = NLA_U32 },
};

static const char *const tnl_attr_names[TODO_A_MAX + 1] = {
	[TODO_A_LIST] = "list",
	[TODO_A_OWNER] = "owner",
	[TODO_A_ID] = "id",
	[TODO_A_DATE] = "date",
	[TODO_A_TITLE] = "title",
	[TODO_A_CAST] = "cast",
};

/**
 * tnl_error_set() - Fill in an error without a kernel message.
 * @err: the error.
 * @error: a positive errno.
 */
void tnl_error_set(struct tnl_error *err, int error)
{
	err->error = error;
	err->msg[0] = '\0';
}

/* A libnl error code as an errno, for the few that can happen here. */
static int tnl_nlerr(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_NOMEM:
		return ENOMEM;
	default:
		return EPROTO;
	}
}

/*
 * Read the extended acknowledgement TLVs that start @off bytes into the
 * payload of @nlh (an NLMSG_ERROR or NLMSG_DONE message) into @err->msg.
 */
static void tnl_parse_extack(struct nlmsghdr *nlh, size_t off,
			     struct tnl_error *err)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t payload = nlh->nlmsg_len - NLMSG_HDRLEN;
	uint32_t type;

	off = NLMSG_ALIGN(off);
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= payload)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)NLMSG_DATA(nlh) + off),
		      (int)(payload - off), NULL) < 0)
		return;

	if (tb[NLMSGERR_ATTR_MSG]) {
		const char *s = nla_data(tb[NLMSGERR_ATTR_MSG]);
		size_t len = strnlen(s, tnl_strlen(tb[NLMSGERR_ATTR_MSG]));

		if (len >= sizeof(err->msg))
			len = sizeof(err->msg) - 1;
		memcpy(err->msg, s, len);
		err->msg[len] = '\0';
	} else if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
		   nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= (int)sizeof(type)) {
		type = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
		if (type <= TODO_A_MAX && tnl_attr_names[type])
			snprintf(err->msg, sizeof(err->msg),
				 "missing attribute %s", tnl_attr_names[type]);
		else
			snprintf(err->msg, sizeof(err->msg),
				 "missing attribute %u", type);
	}
}

/* The answer of request @seq arrived; @err says how it went. */
static void tnl_answer(struct tnl *nl, uint32_t seq,
		       const struct tnl_error *err)
{
	struct tnl_rx *rx = nl->rx;

	if (rx && seq == rx->seq) {
		*rx->err = *err;
		rx->done = true;
		return;
	}
	if ((err->error || err->msg[0]) && rx && rx->other)
		rx->other(seq, err, rx->other_arg);
}

/*
 * An NLMSG_ERROR message: an error, or with error 0 an acknowledgment,
 * whose extack is then a warning.  Return: 0, or -EPROTO if it is too
 * short to hold its struct nlmsgerr.
 */
static int tnl_on_nlmsgerr(struct tnl *nl, struct nlmsghdr *nlh)
{
	struct nlmsgerr *nlerr = NLMSG_DATA(nlh);
	struct tnl_error err;
	size_t echoed = 0;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*nlerr)))
		return -EPROTO;
	tnl_error_set(&err, nlerr->error < 0 ? -nlerr->error : nlerr->error);
	/* Unless capped, the whole request is echoed before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    nlerr->msg.nlmsg_len > NLMSG_HDRLEN)
		echoed = nlerr->msg.nlmsg_len - NLMSG_HDRLEN;
	if (echoed < nlh->nlmsg_len)
		tnl_parse_extack(nlh, sizeof(*nlerr) + echoed, &err);
	tnl_answer(nl, nlh->nlmsg_seq, &err);
	return 0;
}

/* The end of a dump carries the dump's error, if any, and its extack. */
static void tnl_on_done(struct tnl *nl, struct nlmsghdr *nlh)
{
	struct tnl_error err = { 0 };
	int error;

	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(error))) {
		memcpy(&error, NLMSG_DATA(nlh), sizeof(error));
		if (error < 0) {
			err.error = -error;
			tnl_parse_extack(nlh, sizeof(error), &err);
		}
	}
	tnl_answer(nl, nlh->nlmsg_seq, &err);
}

/* Hand @nlh's attributes to @fn; its first error goes in *@error. */
static void tnl_deliver(struct nlmsghdr *nlh, tnl_reply_fn fn, void *arg,
			int *error)
{
	struct nlattr *tb[TODO_A_MAX + 1];
	int ret;

	if (genlmsg_parse(nlh, 0, tb, TODO_A_MAX, tnl_policy) < 0)
		ret = EPROTO;
	else
		ret = fn(tb, arg);
	if (ret)
		*error = ret;
}

/* A message of the family: a change event, or a reply to a request. */
static void tnl_on_family(struct tnl *nl, struct nlmsghdr *nlh)
{
	struct tnl_rx *rx = nl->rx;

	if (nlh->nlmsg_seq == 0 && genlmsg_valid_hdr(nlh, 0) &&
	    ((struct genlmsghdr *)nlmsg_data(nlh))->cmd == TODO_CMD_CHANGE) {
		if (nl->event && !nl->event_error)
			tnl_deliver(nlh, nl->event, nl->event_arg,
				    &nl->event_error);
		return;
	}
	if (!rx || nlh->nlmsg_seq != rx->seq || !rx->reply || rx->reply_error)
		return;
	/* Keep reading to the answer, so that the socket stays in step. */
	tnl_deliver(nlh, rx->reply, rx->reply_arg, &rx->reply_error);
}

/*
 * Handle one message the kernel sent.  Return: 0, or a negative errno
 * that ends the wait: -ENOBUFS for an overrun, -EPROTO for a malformed
 * error message.
 */
static int tnl_on_message(struct tnl *nl, struct nlmsghdr *nlh)
{
	if ((nlh->nlmsg_flags & NLM_F_DUMP_INTR) && nl->rx &&
	    nlh->nlmsg_seq == nl->rx->seq)
		nl->rx->interrupted = true;
	switch (nlh->nlmsg_type) {
	case NLMSG_NOOP:
		return 0;
	case NLMSG_OVERRUN:
		return -ENOBUFS;
	case NLMSG_ERROR:
		return tnl_on_nlmsgerr(nl, nlh);
	case NLMSG_DONE:
		tnl_on_done(nl, nlh);
		return 0;
	}
	if (nlh->nlmsg_type == nl->family)
		tnl_on_family(nl, nlh);
	return 0;
}

/*
 * Read one datagram and handle its messages in place.  A datagram of
 * another process is dropped unread, as if it had not come.
 * Return: 0, or a negative errno: the socket's (-EAGAIN if it is
 * non-blocking and empty, -ENOBUFS if the kernel dropped messages to us),
 * -EMSGSIZE for a datagram larger than any the kernel sends, or one of
 * tnl_on_message().
 */
static int tnl_pump(struct tnl *nl)
{
	struct sockaddr_nl from;
	struct iovec iov = { .iov_base = nl->rxbuf, .iov_len = TNL_MSGBUF };
	struct msghdr mh = {
		.msg_name = &from,
		.msg_namelen = sizeof(from),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	struct nlmsghdr *nlh;
	ssize_t n;
	int len, ret;

	do {
		n = recvmsg(nl_socket_get_fd(nl->sk), &mh, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (mh.msg_namelen != sizeof(from) || from.nl_pid != 0)
		return 0;
	if (mh.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	len = (int)n;
	for (nlh = (struct nlmsghdr *)nl->rxbuf; nlmsg_ok(nlh, len);
	     nlh = nlmsg_next(nlh, &len)) {
		ret = tnl_on_message(nl, nlh);
		if (ret)
			return ret;
	}
	return 0;
}

/* Enlarge the receive buffer, beyond rmem_max where we may. */
static int tnl_set_rcvbuf(struct tnl *nl)
{
	int size = TNL_RCVBUF;

	if (setsockopt(nl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVBUFFORCE,
		       &size, sizeof(size)) == 0)
		return 0;
	return nl_socket_set_buffer_size(nl->sk, TNL_RCVBUF, 0);
}

/**
 * tnl_connect() - Connect to the "todo" family, saying why it failed.
 * @nlp: set to the connection on success.
 * @err: on failure, its errno (ENOPKG if the module is not loaded) and,
 *	in @err->msg, a sentence saying what failed.
 *
 * Prints nothing.  A connection is for one thread at a time; threads may
 * each have their own.
 *
 * Return: 0 or -1.
 */
int tnl_connect(struct tnl **nlp, struct tnl_error *err)
{
	/* Connected to the kernel, the socket takes no other sender's. */
	const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct tnl *nl;
	int one = 1;
	int fd, ret;

	nl = calloc(1, sizeof(*nl));
	if (nl) {
		nl->sk = nl_socket_alloc();
		nl->rxbuf = malloc(TNL_MSGBUF);
	}
	if (!nl || !nl->sk || !nl->rxbuf) {
		tnl_error_set(err, ENOMEM);
		snprintf(err->msg, sizeof(err->msg), "%s",
			 tnl_strerror(ENOMEM));
		goto fail;
	}
	nl_socket_disable_auto_ack(nl->sk);
	/*
	 * For libnl's own reads, which resolve the family: one recvmsg() a
	 * datagram, and a first read large enough that the kernel sizes
	 * this socket's dumps for 32 KiB datagrams from the start.
	 */
	nl_socket_disable_msg_peek(nl->sk);
	ret = nl_socket_set_msg_buf_size(nl->sk, TNL_MSGBUF);
	if (ret < 0) {
		tnl_error_set(err, tnl_nlerr(ret));
		snprintf(err->msg, sizeof(err->msg),
			 "cannot size the message buffer: %s", nl_geterror(ret));
		goto fail;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		tnl_error_set(err, tnl_nlerr(ret));
		snprintf(err->msg, sizeof(err->msg),
			 "cannot open a generic netlink socket: %s",
			 nl_geterror(ret));
		goto fail;
	}
	fd = nl_socket_get_fd(nl->sk);
	if (connect(fd, (const struct sockaddr *)&kernel, sizeof(kernel))) {
		tnl_error_set(err, errno);
		snprintf(err->msg, sizeof(err->msg),
			 "cannot connect the netlink socket: %s",
			 strerror(errno));
		goto fail;
	}
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one))) {
		tnl_error_set(err, errno);
		snprintf(err->msg, sizeof(err->msg),
			 "cannot enable extended acks: %s", strerror(errno));
		goto fail;
	}
	ret = tnl_set_rcvbuf(nl);
	if (ret < 0) {
		tnl_error_set(err, tnl_nlerr(ret));
		snprintf(err->msg, sizeof(err->msg),
			 "cannot size the receive buffer: %s",
			 nl_geterror(ret));
		goto fail;
	}
	nl->family = genl_ctrl_resolve(nl->sk, TODO_FAMILY_NAME);
	if (nl->family == -NLE_OBJ_NOTFOUND) {
		tnl_error_set(err, ENOPKG);
		snprintf(err->msg, sizeof(err->msg),
			 "the todo module is not loaded (no generic netlink family \"%s\")",
			 TODO_FAMILY_NAME);
		goto fail;
	}
	if (nl->family < 0) {
		tnl_error_set(err, tnl_nlerr(nl->family));
		snprintf(err->msg, sizeof(err->msg),
			 "cannot resolve the generic netlink family \"%s\": %s",
			 TODO_FAMILY_NAME, nl_geterror(nl->family));
		goto fail;
	}
	*nlp = nl;
	return 0;

fail:
	tnl_close(nl);
	return -1;
}

/**
 * tnl_open() - Connect to the "todo" generic netlink family.
 * @nlp: set to the connection on success.
 *
 * Says on stderr why it failed, e.g. that the module is not loaded.
 *
 * Return: 0 or -1.
 */
int tnl_open(struct tnl **nlp)
{
	struct tnl_error err;

	if (tnl_connect(nlp, &err) == 0)
		return 0;
	fprintf(stderr, "todoctl: %s\n", err.msg);
	return -1;
}

/**
 * tnl_close() - Close a connection and free it.
 * @nl: the connection, or NULL.
 *
 * Requests still queued by tnl_queue() are dropped, unsent.
 */
void tnl_close(struct tnl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl->rxbuf);
	free(nl->tx);
	free(nl);
}

/**
 * tnl_overrun() - Whether the kernel ever dropped messages to us.
 * @nl: the connection.
 *
 * Return: true once a receive failed with ENOBUFS: some answers were lost.
 */
bool tnl_overrun(const struct tnl *nl)
{
	return nl->overrun;
}

/**
 * tnl_msg_new() - Start a request of the "todo" family.
 * @nl: the connection.
 * @cmd: a TODO_CMD_*.
 * @flags: netlink flags besides NLM_F_REQUEST, e.g. NLM_F_ACK, NLM_F_DUMP.
 * @payload: bytes of the string attributes to come.
 *
 * Return: the message, or NULL if out of memory.
 */
struct nl_msg *tnl_msg_new(struct tnl *nl, uint8_t cmd, int flags,
			   size_t payload)
{
	struct nl_msg *msg;

	msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN + TNL_MSG_SLACK +
			       payload);
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, TODO_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * tnl_flush() - Send the requests tnl_queue() queued, in one datagram.
 * @nl: the connection.
 * @err: set if they could not be sent.
 *
 * The kernel handles them one after another, in order, as if each had
 * been sent alone: a request that fails is answered with its error and
 * the next is handled.  But it holds generic netlink's lock (cb_lock)
 * across them all, so a request that may wait long (a call, or one that
 * has to start its list's server) is better sent alone.  Nothing queued,
 * nothing sent; whatever happens, nothing stays queued.
 *
 * Return: 0 or -1 (none of them was sent).
 */
int tnl_flush(struct tnl *nl, struct tnl_error *err)
{
	size_t len = nl->tx_len;
	int ret;

	if (!len)
		return 0;
	nl->tx_len = 0;
	nl->tx_count = 0;
	errno = 0;
	ret = nl_sendto(nl->sk, nl->tx, len);
	if (ret < 0) {
		tnl_error_set(err, errno ? errno : tnl_nlerr(ret));
		return -1;
	}
	return 0;
}

/**
 * tnl_queue() - Queue a request, to be sent with others in one datagram.
 * @nl: the connection.
 * @msg: the request; still the caller's to free.
 * @seq: set to the sequence number it was given.
 * @err: set if it could not be queued, or earlier requests, sent to make
 *	room, could not be sent: then none of them, nor this one, is queued
 *	or sent.
 *
 * Queued requests go out, in order, with tnl_flush(), with the next
 * tnl_send(), before tnl_wait() and tnl_poll() read, or when they would
 * fill TNL_TXBUF: one system call for many requests, as a pipelining
 * client of a server writes many commands at once.  Answers come as for
 * requests sent alone.
 *
 * Return: 0 or -1.
 */
int tnl_queue(struct tnl *nl, struct nl_msg *msg, uint32_t *seq,
	      struct tnl_error *err)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	size_t len;

	nl_complete_msg(nl->sk, msg);
	len = NLMSG_ALIGN(h->nlmsg_len);
	if (len > TNL_TXBUF) {
		tnl_error_set(err, EMSGSIZE);
		return -1;
	}
	if (nl->tx_len + len > TNL_TXBUF && tnl_flush(nl, err))
		return -1;
	if (!nl->tx) {
		nl->tx = malloc(TNL_TXBUF);
		if (!nl->tx) {
			tnl_error_set(err, ENOMEM);
			return -1;
		}
	}
	memcpy(nl->tx + nl->tx_len, h, h->nlmsg_len);
	memset(nl->tx + nl->tx_len + h->nlmsg_len, 0, len - h->nlmsg_len);
	nl->tx_len += len;
	nl->tx_count++;
	*seq = h->nlmsg_seq;
	return 0;
}

/**
 * tnl_queued() - Requests tnl_queue() queued and nothing has sent yet.
 * @nl: the connection.
 *
 * Return: their number.
 */
unsigned int tnl_queued(const struct tnl *nl)
{
	return nl->tx_count;
}

/**
 * tnl_send() - Send a request without waiting for its answer.
 * @nl: the connection.
 * @msg: the request; still the caller's to free.
 * @seq: set to the sequence number it was given.
 * @err: set if it could not be sent.
 *
 * Requests queued by tnl_queue() go first, in the same datagram.
 *
 * Return: 0 or -1.
 */
int tnl_send(struct tnl *nl, struct nl_msg *msg, uint32_t *seq,
	     struct tnl_error *err)
{
	if (tnl_queue(nl, msg, seq, err))
		return -1;
	return tnl_flush(nl, err);
}

/*
 * Make @fd non-blocking; *@was gets its flags before, to restore with
 * fcntl(F_SETFL).  Return: 0 or a positive errno.
 */
static int tnl_nonblock(int fd, int *was)
{
	*was = fcntl(fd, F_GETFL);
	if (*was < 0 || fcntl(fd, F_SETFL, *was | O_NONBLOCK) < 0)
		return errno;
	return 0;
}

/*
 * The kernel dropped messages to us (ENOBUFS): the receive buffer was
 * full.  Read what is still queued without blocking; if the awaited
 * answer is not there it may have been dropped, so send a plain PING with
 * an ack and wait for that instead.  Requests are handled when they are
 * sent, so once the queue is empty no answer to an earlier one is to come.
 */
static int tnl_resync(struct tnl *nl)
{
	struct tnl_rx *rx = nl->rx;
	int fd = nl_socket_get_fd(nl->sk);
	struct tnl_error err;
	struct nl_msg *msg;
	int flags, ret, sent;

	nl->overrun = true;
	ret = tnl_nonblock(fd, &flags);
	if (ret)
		return -ret;
	do {
		ret = tnl_pump(nl);
	} while (!rx->done && (ret == 0 || ret == -ENOBUFS));
	if (fcntl(fd, F_SETFL, flags) < 0)
		return -errno;
	if (rx->done)
		return 0;
	if (ret != -EAGAIN && ret != -EWOULDBLOCK)
		return ret;

	msg = tnl_msg_new(nl, TODO_CMD_PING, NLM_F_ACK, 0);
	if (!msg)
		return -ENOMEM;
	sent = tnl_send(nl, msg, &rx->seq, &err);
	nlmsg_free(msg);
	if (sent < 0)
		return -err.error;
	rx->lost = true;
	return 0;
}

/**
 * tnl_wait() - Read until the answer of one request.
 * @nl: the connection.
 * @seq: the request's sequence number.
 * @reply: called for each of its reply messages, or NULL.
 * @reply_arg: its argument.
 * @other: called for the error or warning of any other request, or NULL.
 * @other_arg: its argument.
 * @err: set to the answer: error 0 for an ack or a dump's successful end,
 *	else the kernel's errno and message, or the first error of @reply.
 *
 * Requests queued by tnl_queue() are sent first.
 *
 * Return: 0 when the answer arrived (whatever it says); -1 with @err set
 * when the queued requests could not be sent, or the answer could not be
 * read, or was lost because the kernel dropped messages (ENOBUFS).
 */
int tnl_wait(struct tnl *nl, uint32_t seq, tnl_reply_fn reply,
	     void *reply_arg, tnl_error_fn other, void *other_arg,
	     struct tnl_error *err)
{
	struct tnl_rx rx = {
		.seq = seq,
		.reply = reply,
		.reply_arg = reply_arg,
		.other = other,
		.other_arg = other_arg,
		.err = err,
	};
	int ret = 0;

	if (tnl_flush(nl, err))
		return -1;
	tnl_error_set(err, 0);
	nl->rx = &rx;
	while (!rx.done) {
		ret = tnl_pump(nl);
		if (rx.done)
			ret = 0;	/* what followed the answer is not ours */
		if (ret == -ENOBUFS)
			ret = tnl_resync(nl);
		if (ret < 0)
			break;
	}
	nl->rx = NULL;
	if (ret < 0) {
		tnl_error_set(err, -ret);
		return -1;
	}
	if (rx.lost) {
		tnl_error_set(err, ENOBUFS);
		return -1;
	}
	if (!err->error && rx.reply_error)
		tnl_error_set(err, rx.reply_error);
	if (!err->error && rx.interrupted)
		tnl_error_set(err, EINTR);
	return 0;
}

/**
 * tnl_poll() - Read, without waiting, the answers that have arrived.
 * @nl: the connection.
 * @other: called for the error or warning of each request answered.
 * @other_arg: its argument.
 *
 * A request that fails in the netlink handler has its error queued by
 * the time tnl_send() returns, so this finds it at once; answers lost
 * to a full receive buffer are noted for tnl_overrun().
 *
 * Requests queued by tnl_queue() are sent first.
 *
 * Return: 0, or a negative errno if the socket could not be written or
 * read.
 */
int tnl_poll(struct tnl *nl, tnl_error_fn other, void *other_arg)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(nl->sk), .events = POLLIN };
	struct tnl_error err;
	struct tnl_rx rx = {
		.seq = 0,	/* no request of ours has it */
		.other = other,
		.other_arg = other_arg,
		.err = &err,
	};
	int flags, ret;

	if (tnl_flush(nl, &err))
		return -err.error;
	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	ret = tnl_nonblock(pfd.fd, &flags);
	if (ret)
		return -ret;
	nl->rx = &rx;
	do {
		ret = tnl_pump(nl);
		if (ret == -ENOBUFS) {
			nl->overrun = true;
			ret = 0;
		}
	} while (!ret && !rx.done);
	nl->rx = NULL;
	if (fcntl(pfd.fd, F_SETFL, flags) < 0)
		return -errno;
	return ret == -EAGAIN || ret == -EWOULDBLOCK ? 0 : ret;
}

/**
 * tnl_events_begin() - Take change events from now on.
 * @nl: the connection, subscribed (TODO_CMD_WATCH).
 * @event: called with the attributes of each event; returns 0, or a
 *	positive errno to stop.
 * @arg: its argument.
 *
 * The socket is made non-blocking and told not to report ENOBUFS: the
 * kernel counts the events it dropped in the next one (TODO_A_LOST).
 * Read them with tnl_events_read() once tnl_fd() is readable.
 *
 * Return: 0 or a positive errno.
 */
int tnl_events_begin(struct tnl *nl, tnl_reply_fn event, void *arg)
{
	int fd = nl_socket_get_fd(nl->sk);
	int one = 1, flags;

	if (setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one,
		       sizeof(one)))
		return errno;
	if (tnl_nonblock(fd, &flags))
		return errno;
	nl->event = event;
	nl->event_arg = arg;
	nl->event_error = 0;
	return 0;
}

/**
 * tnl_events_read() - Read the events that have arrived, without waiting.
 * @nl: the connection, after tnl_events_begin().
 *
 * Return: 0 once none is left, or a positive errno (the first error of
 * the event callback, or of the socket).
 */
int tnl_events_read(struct tnl *nl)
{
	int ret;

	do {
		ret = tnl_pump(nl);
	} while (!ret && !nl->event_error);
	if (nl->event_error)
		return nl->event_error;
	if (ret == -EAGAIN || ret == -EWOULDBLOCK)
		return 0;
	return -ret;
}

/**
 * tnl_fd() - The connection's socket, to poll.
 * @nl: the connection.
 *
 * Return: the file descriptor.
 */
int tnl_fd(const struct tnl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

/**
 * tnl_listen() - Read change events until told to stop.
 * @nl: the connection, subscribed (TODO_CMD_WATCH).
 * @event: called with the attributes of each event, as tnl_events_begin()
 *	says.
 * @arg: its argument.
 * @stop: set (by a signal handler) to stop.
 * @mask: the signal mask to wait with: the signals that set @stop are
 *	blocked otherwise, so that none is missed between a test of @stop
 *	and the wait.
 *
 * Return: 0 once @stop is set, or a positive errno.
 */
int tnl_listen(struct tnl *nl, tnl_reply_fn event, void *arg,
	       volatile sig_atomic_t *stop, const sigset_t *mask)
{
	struct pollfd pfd = { .fd = tnl_fd(nl), .events = POLLIN };
	int ret = tnl_events_begin(nl, event, arg);

	while (!ret && !*stop) {
		if (ppoll(&pfd, 1, NULL, mask) < 0)
			ret = errno == EINTR ? 0 : errno;
		else
			ret = tnl_events_read(nl);
	}
	nl->event = NULL;
	return ret;
}

/**
 * tnl_request() - Send a request and wait for its answer.
 * @nl: the connection.
 * @msg: the request, with NLM_F_ACK or NLM_F_DUMP; still the caller's.
 * @reply: called for each reply message, or NULL.
 * @arg: its argument.
 * @err: set to why it failed.
 *
 * Return: 0 if it succeeded, else -1.
 */
int tnl_request(struct tnl *nl, struct nl_msg *msg, tnl_reply_fn reply,
		void *arg, struct tnl_error *err)
{
	uint32_t seq;

	if (tnl_send(nl, msg, &seq, err) < 0 ||
	    tnl_wait(nl, seq, reply, arg, NULL, NULL, err) < 0)
		return -1;
	return err->error ? -1 : 0;
}

/**
 * tnl_strerror() - The text of an errno that came without a message.
 * @error: a positive errno.
 *
 * Only a fallback: the module describes its errors where it finds them
 * and sends that text in the extended ack (&tnl_error.msg), and what
 * todoctl finds itself it describes likewise.  This guesses nothing of
 * what an errno means to the module.
 *
 * Return: the system's description, as strerror()'s.
 */
const char *tnl_strerror(int error)
{
	return strerror(error);
}

/**
 * tnl_errno_name() - The symbolic name of an errno, such as "EAGAIN".
 * @error: a positive errno.
 * @buf: room for a number, for an errno without a name.
 * @size: its size.
 *
 * Return: the name, or @error in decimal in @buf.
 */
const char *tnl_errno_name(int error, char *buf, size_t size)
{
	const char *name = strerrorname_np(error);

	if (name)
		return name;
	snprintf(buf, size, "%d", error);
	return buf;
}

/**
 * tnl_pwarn() - Print "todoctl: WHAT: warning: EXTACK" on stderr.
 * @what: the command, or a longer context such as "batch: line 3: add".
 * @err: the answer of a request that succeeded; nothing is printed
 *	unless the kernel sent a message with it.
 */
void tnl_pwarn(const char *what, const struct tnl_error *err)
{
	if (err->msg[0])
		fprintf(stderr, "todoctl: %s: warning: %s\n", what, err->msg);
}

/**
 * tnl_error_text() - An error as todoctl prints it: "MESSAGE (ENAME)".
 * @err: the error.  MESSAGE is its message, the kernel's extack text or
 *	what the tool found itself, or else the system's text for the
 *	errno; ENAME is the errno's symbolic name.
 * @buf: where to write the text.
 * @size: its size; the text is cut to fit.
 *
 * Return: @buf.
 */
const char *tnl_error_text(const struct tnl_error *err, char *buf,
			   size_t size)
{
	char num[16];

	snprintf(buf, size, "%s (%s)",
		 err->msg[0] ? err->msg : tnl_strerror(err->error),
		 tnl_errno_name(err->error, num, sizeof(num)));
	return buf;
}

/**
 * tnl_perror() - Print "todoctl: WHAT: MESSAGE (ENAME)" on stderr.
 * @what: the command, or a longer context such as "batch: line 3: add".
 * @err: the error; see tnl_error_text().
 */
void tnl_perror(const char *what, const struct tnl_error *err)
{
	char text[sizeof(err->msg) + 32];

	fprintf(stderr, "todoctl: %s: %s\n", what,
		tnl_error_text(err, text, sizeof(text)));
}
