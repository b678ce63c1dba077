// SPDX-License-Identifier: GPL-2.0
/*
 * The "todo" generic netlink family: requests from userspace become calls
 * and casts to list servers.  See Documentation/netlink.rst.
 *
 * Strict validation throughout (resv_start_op is 0): the core rejects
 * attributes a command's policy does not list, reserved header bytes and
 * unknown flags.  parallel_ops is set, so no global genetlink mutex is held
 * while a call waits for a list server.  The family lives in the initial
 * network namespace only (netnsok is false): the registry is global.
 *
 * The request policies are generated from the YNL spec
 * Documentation/netlink/specs/todo.yaml into netlink-gen.c (make regen),
 * included below.  The family and its ops table are kept here by hand: the
 * generator's ops table uses struct genl_split_ops, which 6.1 lacks.  Each
 * command's policy ends at the last attribute it accepts and so does
 * info->attrs: a handler reads no attribute beyond its command's policy.
 *
 * Owns: the family, its ops, parsing and checking a
 * request where it enters (keys, dates, titles), and the replies.  Must
 * not: touch a list or a store, or wait for anything without a bound.
 */
#include <linux/cred.h>
#include <linux/capability.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/todo.h>
#include <linux/uidgid.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "cache.h"
#include "compat.h"
#include "date.h"
#include "errmsg.h"
#include "message.h"
#include "netlink.h"
#include "notify.h"
#include "params.h"
#include "quota.h"
#include "server.h"
#include "title.h"

/* A READ fetches at most this many bytes of entries per round trip. */
#define TODO_READ_BUDGET	(16 * 1024)

/* The request policies: generated from the YNL spec (make regen). */
#include "netlink-gen.c"

/*
 * STATS and UNWATCH take no attribute: an empty policy rejects every one
 * (the generator makes no policy for a request without attributes).
 */
static const struct nla_policy todo_no_attr_policy[TODO_A_MAX + 1] = {
};

static struct genl_family todo_family;

/* Bytes of a string attribute, without a terminating NUL if present. */
static size_t todo_nla_strlen(const struct nlattr *nla)
{
	size_t len = nla_len(nla);
	const char *s = nla_data(nla);

	if (len && s[len - 1] == '\0')
		len--;
	return len;
}

/* Put a string attribute from bytes that are not NUL-terminated. */
static int todo_nla_put_str(struct sk_buff *skb, int type, const char *s,
			    size_t len)
{
	struct nlattr *nla = nla_reserve(skb, type, len + 1);

	if (!nla)
		return -EMSGSIZE;
	memcpy(nla_data(nla), s, len);
	((char *)nla_data(nla))[len] = '\0';
	return 0;
}

/*
 * Whose lists: the caller's (its effective uid), or the owner the request
 * names, which takes CAP_NET_ADMIN unless it is the caller.
 */
static int todo_nl_owner(struct sk_buff *skb, struct nlattr **attrs,
			 struct netlink_ext_ack *extack, u32 *owner)
{
	*owner = from_kuid_munged(&init_user_ns, current_euid());
	if (attrs[TODO_A_OWNER]) {
		u32 want = nla_get_u32(attrs[TODO_A_OWNER]);

		if (want != *owner && !netlink_capable(skb, CAP_NET_ADMIN)) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[TODO_A_OWNER],
					    "naming another owner needs CAP_NET_ADMIN");
			return -EPERM;
		}
		*owner = want;
	}
	return 0;
}

/* Which list the request is about: the owner rule and the name rule. */
static int todo_nl_key(struct sk_buff *skb, struct nlattr **attrs,
		       struct netlink_ext_ack *extack, struct todo_key *key)
{
	struct nlattr *name = attrs[TODO_A_LIST];
	u32 owner;
	int err;

	err = todo_nl_owner(skb, attrs, extack, &owner);
	if (err)
		return err;
	if (!name) {
		NL_SET_ERR_ATTR_MISS(extack, NULL, TODO_A_LIST);
		return -EINVAL;
	}
	if (todo_key_init(key, owner, nla_data(name), todo_nla_strlen(name))) {
		NL_SET_ERR_MSG_ATTR(extack, name,
				    "list name must be 1-64 bytes of A-Z a-z 0-9 . _ - and not start with .");
		return -EINVAL;
	}
	return 0;
}

static int todo_nl_date(struct nlattr *nla, struct netlink_ext_ack *extack,
			u32 *date)
{
	*date = nla_get_u32(nla);
	if (!todo_date_valid(*date)) {
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "date is not a valid calendar day");
		return -EINVAL;
	}
	return 0;
}

/*
 * The one check of a request's title, before it reaches a list (which
 * takes it as it is): its text, and its length against max_title_len.
 * The policy's TODO_TITLE_MAX is max_title_len's ceiling, not another
 * limit.
 */
static int todo_nl_title(struct nlattr *nla, struct netlink_ext_ack *extack)
{
	int err = todo_title_check(nla_data(nla), todo_nla_strlen(nla),
				   todo_param(&todo_max_title_len));

	if (err == -EMSGSIZE)
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "title is longer than max_title_len");
	else if (err)
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "title must be non-empty UTF-8 without control characters");
	return err;
}

/*
 * May the sender exceed its per-user limits (lists, bytes)?  As with
 * rlimits, CAP_SYS_RESOURCE in the initial user namespace: the limits
 * protect the whole machine's memory and disk, not a namespace's.
 */
static bool todo_nl_exempt(const struct sk_buff *skb)
{
	return netlink_capable(skb, CAP_SYS_RESOURCE);
}

/*
 * The time a request may wait in all: call_timeout_ms, shared by the wait
 * for a retiring server and the call, so that a handler never sleeps
 * longer (see Documentation/design.rst, Waits in request handlers).
 */
static long todo_nl_timeout(void)
{
	return msecs_to_jiffies(todo_param(&todo_call_timeout_ms));
}

/*
 * The server of a list, live or stored, or -ESRCH; @flags as
 * todo_cache_open()'s (%TODO_OPEN_CREATE: a new list is created).  The
 * cache describes its own refusals; a list that is nowhere is found
 * here, and @name, the list's attribute, is pointed at.
 */
static struct todo_server *todo_nl_server(const struct todo_key *key,
					  const struct nlattr *name,
					  unsigned int flags,
					  struct netlink_ext_ack *extack,
					  long *timeout)
{
	struct todo_server *s = todo_cache_open(key, flags, timeout, extack);

	if (!s) {
		NL_SET_ERR_MSG_ATTR(extack, name, "list not found");
		return ERR_PTR(-ESRCH);
	}
	return s;
}

/*
 * A call that succeeded warns, in its ack, if the list's last
 * store failed: the change is applied but only memory holds it for now.
 */
static void todo_nl_warn(struct netlink_ext_ack *extack,
			 const struct todo_msg *msg)
{
	if (msg->store_err)
		NL_SET_ERR_MSG(extack,
			       "storing this list failed; its changes are kept in memory until a store succeeds");
}

/*
 * Send @msg as a call.  A failure is described where it was found: by the
 * mailbox or the wait (todo_server_call_within()), or by the list's server,
 * whose message comes back with its answer.
 */
static int todo_nl_call(struct todo_server *s, struct todo_msg *msg,
			struct netlink_ext_ack *extack, long *timeout)
{
	int err;

	err = todo_server_call_within(s, msg, timeout, extack);
	if (!err)
		todo_nl_warn(extack, msg);
	return err;
}

/* Send @msg as a call or, if @cast, as a cast. */
static int todo_nl_send(struct todo_server *s, struct todo_msg *msg,
			bool cast, struct genl_info *info, long *timeout)
{
	if (cast)
		return todo_server_cast(s, msg, info->extack);
	return todo_nl_call(s, msg, info->extack, timeout);
}

/* An empty reply, or one with an id. */
static int todo_nl_reply(struct genl_info *info, u8 cmd, u32 id)
{
	struct sk_buff *rep;
	void *hdr;

	rep = genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!rep)
		return -ENOMEM;
	hdr = genlmsg_put_reply(rep, info, &todo_family, 0, cmd);
	if (!hdr || (id && nla_put_u32(rep, TODO_A_ID, id))) {
		nlmsg_free(rep);
		return -EMSGSIZE;
	}
	genlmsg_end(rep, hdr);
	return genlmsg_reply(rep, info);
}

/**
 * struct todo_nl_op - A request to one list, as todo_nl_list_op() runs it.
 * @op: the message sent to the list's server.
 * @open: todo_cache_open() flags: %TODO_OPEN_CREATE if the request may
 *	create the list.
 * @fill: sets what the request's attributes do not say, or NULL.
 * @reply: sends the reply to a call that succeeded, or NULL: the ack is
 *	the answer.
 * @maxattr: the last attribute of the command's policy; info->attrs has
 *	no entry beyond it.
 */
struct todo_nl_op {
	enum todo_op op;
	unsigned int open;
	unsigned int maxattr;
	void (*fill)(struct sk_buff *skb, struct todo_msg *msg);
	int (*reply)(struct genl_info *info, const struct todo_msg *msg);
};

/* Attribute @type of a request to @op; NULL if absent or not in its policy. */
static struct nlattr *todo_nl_op_attr(struct genl_info *info,
				      const struct todo_nl_op *op,
				      unsigned int type)
{
	return type <= op->maxattr ? info->attrs[type] : NULL;
}

/*
 * The one path of a request to a list: the key, the date and the title
 * are checked where the request enters, the message is built from the
 * attributes the command's policy allows (the id, the date, the title),
 * @op's fill adds the rest; the list's server is found (or created), the
 * message sent as a call or, if the request says so, a cast, and a call's
 * answer given to @op's reply.  Handlers check which attributes they
 * require and name their operation.
 */
static int todo_nl_list_op(struct sk_buff *skb, struct genl_info *info,
			   const struct todo_nl_op *op)
{
	struct nlattr *title = todo_nl_op_attr(info, op, TODO_A_TITLE);
	struct nlattr *date_attr = todo_nl_op_attr(info, op, TODO_A_DATE);
	struct nlattr *id = todo_nl_op_attr(info, op, TODO_A_ID);
	bool cast = todo_nl_op_attr(info, op, TODO_A_CAST);
	long timeout = todo_nl_timeout();
	struct todo_server *s;
	struct todo_msg *msg;
	struct todo_key key;
	u32 date = 0;
	int err;

	err = todo_nl_key(skb, info->attrs, info->extack, &key);
	if (!err && date_attr)
		err = todo_nl_date(date_attr, info->extack, &date);
	if (!err && title)
		err = todo_nl_title(title, info->extack);
	if (err)
		return err;

	msg = todo_msg_alloc(op->op, title ? nla_data(title) : NULL,
			     title ? todo_nla_strlen(title) : 0);
	if (!msg) {
		GENL_SET_ERR_MSG(info, "out of memory");
		return -ENOMEM;
	}
	if (id)
		msg->id = nla_get_u32(id);
	msg->has_date = date_attr;
	msg->date = date;
	if (op->fill)
		op->fill(skb, msg);

	s = todo_nl_server(&key, info->attrs[TODO_A_LIST], op->open |
			   (msg->exempt ? TODO_OPEN_EXEMPT : 0), info->extack,
			   &timeout);
	if (IS_ERR(s)) {
		err = PTR_ERR(s);
		goto out;
	}
	err = todo_nl_send(s, msg, cast, info, &timeout);
	if (!err && !cast && op->reply)
		err = op->reply(info, msg);
	todo_server_put(s);
out:
	todo_msg_put(msg);
	return err;
}

/* A change is charged to its sender, who may be exempt from the limits. */
static void todo_nl_fill_sender(struct sk_buff *skb, struct todo_msg *msg)
{
	todo_msg_from_sender(msg, todo_nl_exempt(skb));
}

static int todo_nl_ping_reply(struct genl_info *info,
			      const struct todo_msg *msg)
{
	return todo_nl_reply(info, TODO_CMD_PING, 0);
}

static const struct todo_nl_op todo_nl_ping_op = {
	.op = TODO_OP_PING,
	.maxattr = ARRAY_SIZE(todo_ping_nl_policy) - 1,
	.reply = todo_nl_ping_reply,
};

static int todo_nl_ping(struct sk_buff *skb, struct genl_info *info)
{
	if (!info->attrs[TODO_A_LIST])
		return todo_nl_reply(info, TODO_CMD_PING, 0);
	return todo_nl_list_op(skb, info, &todo_nl_ping_op);
}

static int todo_nl_add_reply(struct genl_info *info,
			     const struct todo_msg *msg)
{
	return todo_nl_reply(info, TODO_CMD_ADD, msg->id);
}

static const struct todo_nl_op todo_nl_add_op = {
	.op = TODO_OP_ADD,
	.maxattr = ARRAY_SIZE(todo_add_nl_policy) - 1,
	.open = TODO_OPEN_CREATE,
	.fill = todo_nl_fill_sender,
	.reply = todo_nl_add_reply,
};

static int todo_nl_add(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, TODO_A_LIST) ||
	    GENL_REQ_ATTR_CHECK(info, TODO_A_DATE) ||
	    GENL_REQ_ATTR_CHECK(info, TODO_A_TITLE))
		return -EINVAL;
	return todo_nl_list_op(skb, info, &todo_nl_add_op);
}

/* Copy entries with ids above @after_id (of @date if @has_date). */
static struct todo_msg *todo_nl_read(struct todo_server *s, u32 after_id,
				     bool has_date, u32 date,
				     struct netlink_ext_ack *extack,
				     long *timeout)
{
	struct todo_msg *msg;
	int err;

	msg = todo_msg_alloc(TODO_OP_READ, NULL, 0);
	if (!msg) {
		NL_SET_ERR_MSG(extack, "out of memory");
		return ERR_PTR(-ENOMEM);
	}
	msg->after_id = after_id;
	msg->has_date = has_date;
	msg->date = date;
	msg->buf_size = TODO_READ_BUDGET;
	err = todo_server_call_within(s, msg, timeout, extack);
	if (err) {
		todo_msg_put(msg);
		return ERR_PTR(err);
	}
	return msg;
}

/* Payload of one entry's message, with a title of @title_len bytes. */
static size_t todo_nl_entry_size(size_t title_len)
{
	return 2 * nla_total_size(sizeof(u32)) + nla_total_size(title_len + 1);
}

/*
 * One entry, as a reply of its own or, with @cb, as part of a dump, where
 * it is flagged NLM_F_DUMP_INTR if the list changed since the dump began.
 */
static int todo_nl_fill_entry(struct sk_buff *skb, const struct todo_copy *c,
			      u32 portid, u32 seq, int flags,
			      struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &todo_family, flags, TODO_CMD_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, TODO_A_ID, c->id) ||
	    nla_put_u32(skb, TODO_A_DATE, c->date) ||
	    todo_nla_put_str(skb, TODO_A_TITLE, c->title, c->title_len)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int todo_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	long timeout = todo_nl_timeout();
	struct todo_copy *c;
	struct todo_server *s;
	struct todo_msg *msg;
	struct todo_key key;
	struct sk_buff *rep;
	u32 id;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, TODO_A_LIST) ||
	    GENL_REQ_ATTR_CHECK(info, TODO_A_ID))
		return -EINVAL;
	err = todo_nl_key(skb, info->attrs, info->extack, &key);
	if (err)
		return err;
	id = nla_get_u32(info->attrs[TODO_A_ID]);
	s = todo_nl_server(&key, info->attrs[TODO_A_LIST], 0, info->extack,
			   &timeout);
	if (IS_ERR(s))
		return PTR_ERR(s);
	msg = todo_nl_read(s, id - 1, false, 0, info->extack, &timeout);
	todo_server_put(s);
	if (IS_ERR(msg))
		return PTR_ERR(msg);

	c = todo_copy_next(msg, NULL);
	if (!c || c->id != id) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TODO_A_ID],
				    "entry id not found");
		err = -ENOENT;
		goto out;
	}
	err = -ENOMEM;
	rep = genlmsg_new(todo_nl_entry_size(c->title_len), GFP_KERNEL);
	if (!rep)
		goto out;
	err = todo_nl_fill_entry(rep, c, info->snd_portid, info->snd_seq, 0,
				 NULL);
	if (err) {
		nlmsg_free(rep);
		goto out;
	}
	err = genlmsg_reply(rep, info);
out:
	todo_msg_put(msg);
	return err;
}

/**
 * struct todo_dump_err - A refusal a dump's start could not report itself.
 * @err: the error, or 0.
 * @msg: its extack message (a string constant), or NULL.
 *
 * Before Linux 6.2 a dump's start callback gets no extack (&cb->extack is
 * NULL) and the message of a request refused there would be lost.  On such
 * a kernel, todo_nl_start() runs the start against a local extack and, if
 * it fails, keeps the error here and lets the dump begin; the first dumpit
 * call, which has an extack, reports it with todo_nl_start_err().  It is
 * the first member of each dump's state.
 */
struct todo_dump_err {
	int err;
	const char *msg;
};

static int todo_nl_start(struct netlink_callback *cb,
			 int (*start)(struct netlink_callback *cb,
				      struct netlink_ext_ack *extack))
{
	struct todo_dump_err *de = (void *)cb->ctx;
	struct netlink_ext_ack local = {};
	int err;

	if (cb->extack)
		return start(cb, cb->extack);
	err = start(cb, &local);
	if (err) {
		de->err = err;
		/* Only constant messages are set on the way to a refusal. */
		de->msg = local._msg;
	}
	return 0;
}

/* The refusal todo_nl_start() kept, if any; the dump then ends with it. */
static int todo_nl_start_err(struct netlink_callback *cb)
{
	struct todo_dump_err *de = (void *)cb->ctx;

	if (de->err)
		todo_set_err_msg(cb->extack, de->msg);
	return de->err;
}

/**
 * struct todo_get_dump - State of a GET dump, kept in &netlink_callback.ctx.
 * @derr: a refusal to report from the first dumpit call.
 * @server: the list's server, referenced until the dump is done; NULL for
 *	a list that does not exist (the dump is empty).
 * @after_id: the last id sent; the next round starts after it.
 * @date: only entries of this date, if @has_date.
 * @has_date: a date was given.
 */
struct todo_get_dump {
	struct todo_dump_err derr;
	struct todo_server *server;
	u32 after_id;
	u32 date;
	bool has_date;
};

static int __todo_nl_get_start(struct netlink_callback *cb,
			       struct netlink_ext_ack *extack)
{
	struct todo_get_dump *ctx = (void *)cb->ctx;
	struct nlattr **attrs = todo_dump_attrs(cb);
	struct todo_key key;
	long timeout;
	int err;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	BUILD_BUG_ON(offsetof(struct todo_get_dump, derr));
	memset(ctx, 0, sizeof(*ctx));
	err = todo_nl_key(cb->skb, attrs, extack, &key);
	if (err)
		return err;
	if (attrs[TODO_A_DATE]) {
		err = todo_nl_date(attrs[TODO_A_DATE], extack, &ctx->date);
		if (err)
			return err;
		ctx->has_date = true;
	}
	/*
	 * Room for one entry with the longest title, whatever the reader, as
	 * the whole message: genlmsg_total_size() leaves out the netlink
	 * header.  In bytes, not pages, which would be 128 KiB for two pages
	 * of 64 KiB; netlink's own minimum, NLMSG_GOODSIZE, still applies.
	 */
	cb->min_dump_alloc =
		nlmsg_total_size(genlmsg_total_size(todo_nl_entry_size(TODO_TITLE_MAX)));
	timeout = todo_nl_timeout();
	ctx->server = todo_cache_open(&key, 0, &timeout, extack);
	if (IS_ERR(ctx->server)) {
		err = PTR_ERR(ctx->server);
		ctx->server = NULL;
		return err;
	}
	return 0;
}

static int todo_nl_get_start(struct netlink_callback *cb)
{
	return todo_nl_start(cb, __todo_nl_get_start);
}

static int todo_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct todo_get_dump *ctx = (void *)cb->ctx;
	long timeout = todo_nl_timeout();
	struct todo_copy *c;
	struct todo_msg *msg;
	int sent = 0;
	bool all;

	if (ctx->derr.err)
		return todo_nl_start_err(cb);
	if (!ctx->server)
		return 0;
	msg = todo_nl_read(ctx->server, ctx->after_id, ctx->has_date,
			   ctx->date, cb->extack, &timeout);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	/*
	 * The list's change generation when the copies were taken; the dump
	 * holds the server, so it only grows.  Zero would mean "unset".
	 */
	cb->seq = (u32)(msg->gen + 1) ?: 1;
	for (c = todo_copy_next(msg, NULL); c; c = todo_copy_next(msg, c)) {
		if (todo_nl_fill_entry(skb, c, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI, cb))
			break;
		ctx->after_id = c->id;
		sent++;
	}
	/* Every entry left is in @skb: no round after this one. */
	all = !c && !msg->more;
	todo_msg_put(msg);
	if (!sent && c)
		return -EMSGSIZE;
	/*
	 * Zero ends the dump: netlink adds NLMSG_DONE to this very skb if it
	 * has room (else sends it next), so a list that fits in one round
	 * costs one call to its server and one datagram, not two.
	 */
	return sent && !all ? skb->len : 0;
}

static int todo_nl_get_done(struct netlink_callback *cb)
{
	struct todo_get_dump *ctx = (void *)cb->ctx;

	todo_server_put(ctx->server);
	return 0;
}

static const struct todo_nl_op todo_nl_update_op = {
	.op = TODO_OP_UPDATE,
	.maxattr = ARRAY_SIZE(todo_update_nl_policy) - 1,
	.fill = todo_nl_fill_sender,
};

static int todo_nl_update(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, TODO_A_LIST) ||
	    GENL_REQ_ATTR_CHECK(info, TODO_A_ID))
		return -EINVAL;
	if (!info->attrs[TODO_A_DATE] && !info->attrs[TODO_A_TITLE]) {
		GENL_SET_ERR_MSG(info, "update needs a date or a title");
		return -EINVAL;
	}
	return todo_nl_list_op(skb, info, &todo_nl_update_op);
}

static const struct todo_nl_op todo_nl_delete_op = {
	.op = TODO_OP_DELETE,
	.maxattr = ARRAY_SIZE(todo_delete_nl_policy) - 1,
};

static int todo_nl_delete(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, TODO_A_LIST) ||
	    GENL_REQ_ATTR_CHECK(info, TODO_A_ID))
		return -EINVAL;
	return todo_nl_list_op(skb, info, &todo_nl_delete_op);
}

/*
 * SYNC @n servers: send each a SYNC, then wait for the answers, all within
 * the request's one call_timeout_ms (*@timeout is what is left of it), so
 * the handler waits once whatever the number of lists, and their stores
 * run in parallel.  Return: 0 or the first error.
 */
static int todo_nl_sync_all(struct todo_server **all, int n,
			    struct netlink_ext_ack *extack, long *timeout)
{
	struct todo_msg **msgs;
	int i, err = 0, e;

	msgs = kvcalloc(n, sizeof(*msgs), GFP_KERNEL);
	if (!msgs) {
		NL_SET_ERR_MSG(extack, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < n && !err; i++) {
		msgs[i] = todo_msg_alloc(TODO_OP_SYNC, NULL, 0);
		if (!msgs[i]) {
			NL_SET_ERR_MSG(extack, "out of memory");
			err = -ENOMEM;
		} else {
			err = todo_server_send(all[i], msgs[i], timeout,
					       extack);
		}
		if (err) {
			todo_msg_put(msgs[i]);
			msgs[i] = NULL;
		}
	}
	/*
	 * Wait for every message sent, even after an error: none is left.
	 * The first error's message is the one reported.
	 */
	for (i = 0; i < n; i++) {
		if (!msgs[i])
			continue;
		e = todo_server_wait(all[i], msgs[i], timeout,
				     err ? NULL : extack);
		if (!err)
			err = e;
		todo_msg_put(msgs[i]);
	}
	kvfree(msgs);
	return err;
}

static int todo_nl_sync(struct sk_buff *skb, struct genl_info *info)
{
	long timeout = todo_nl_timeout();
	struct todo_server *s, **all;
	struct todo_key key;
	int err, n, i;

	if (info->attrs[TODO_A_LIST]) {
		err = todo_nl_key(skb, info->attrs, info->extack, &key);
		if (err)
			return err;
		s = todo_nl_server(&key, info->attrs[TODO_A_LIST], 0,
				   info->extack, &timeout);
		if (IS_ERR(s))
			return PTR_ERR(s);
		err = todo_nl_sync_all(&s, 1, info->extack, &timeout);
		todo_server_put(s);
		return err;
	}

	err = todo_nl_owner(skb, info->attrs, info->extack, &key.owner);
	if (err)
		return err;
	n = todo_cache_get_owner_live(key.owner, &all, &timeout, info->extack);
	if (n < 0)
		return n;
	err = n ? todo_nl_sync_all(all, n, info->extack, &timeout) : 0;
	for (i = 0; i < n; i++)
		todo_server_put(all[i]);
	kvfree(all);
	return err;
}

/*
 * Delete a whole list; answered with an ack only.  The list's server
 * drops it in its own thread (a stored list gets one, which loads it
 * first): the handler only waits for the answer, within call_timeout_ms
 * like any call, holding no lock.
 */
static const struct todo_nl_op todo_nl_drop_op = {
	.op = TODO_OP_DROP,
	.maxattr = ARRAY_SIZE(todo_drop_nl_policy) - 1,
};

static int todo_nl_drop(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, TODO_A_LIST))
		return -EINVAL;
	return todo_nl_list_op(skb, info, &todo_nl_drop_op);
}

/* Lists a LISTS dump reads at a time: about one message's worth. */
#define TODO_LISTS_BATCH	32

/**
 * struct todo_lists_dump - State of a LISTS dump, in &netlink_callback.ctx.
 * @derr: a refusal to report from the first dumpit call.
 * @owner: whose lists.
 * @started: @last holds the last list sent.
 * @last: the last list sent, where the next round resumes; allocated when
 *	the dump starts, freed when it is done.
 *
 * Each round reads the next lists after @last from the cache and the
 * index of files, so the dump holds no more than a round's worth, however
 * many lists the owner has, and resumes correctly while lists are added
 * or removed: a list that exists throughout is sent exactly once.
 */
struct todo_lists_dump {
	struct todo_dump_err derr;
	u32 owner;
	bool started;
	struct todo_key *last;
};

static int __todo_nl_lists_start(struct netlink_callback *cb,
				 struct netlink_ext_ack *extack)
{
	struct todo_lists_dump *ctx = (void *)cb->ctx;
	int err;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	BUILD_BUG_ON(offsetof(struct todo_lists_dump, derr));
	memset(ctx, 0, sizeof(*ctx));
	err = todo_nl_owner(cb->skb, todo_dump_attrs(cb), extack, &ctx->owner);
	if (err)
		return err;
	ctx->last = kzalloc(sizeof(*ctx->last), GFP_KERNEL);
	return ctx->last ? 0 : -ENOMEM;
}

static int todo_nl_lists_start(struct netlink_callback *cb)
{
	return todo_nl_start(cb, __todo_nl_lists_start);
}

static int todo_nl_fill_list(struct sk_buff *skb,
			     const struct todo_list_info *li, u32 portid,
			     u32 seq)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &todo_family, NLM_F_MULTI,
			  TODO_CMD_LISTS);
	if (!hdr)
		return -EMSGSIZE;
	if (todo_nla_put_str(skb, TODO_A_LIST, li->key.name, li->key.len) ||
	    nla_put_u32(skb, TODO_A_OWNER, li->key.owner) ||
	    nla_put_u32(skb, TODO_A_ENTRIES, li->entries) ||
	    nla_put_u32(skb, TODO_A_NEXT_ID, li->next_id) ||
	    nla_put_u32(skb, TODO_A_MAILBOX, li->mailbox) ||
	    nla_put_u64_64bit(skb, TODO_A_CASTS, li->casts, TODO_A_PAD) ||
	    nla_put_u64_64bit(skb, TODO_A_CASTS_FAILED, li->casts_failed,
			      TODO_A_PAD) ||
	    nla_put_u8(skb, TODO_A_ALIVE, li->alive) ||
	    nla_put_u64_64bit(skb, TODO_A_WRITES, li->writes, TODO_A_PAD) ||
	    nla_put_u64_64bit(skb, TODO_A_WRITE_ERRORS, li->write_errors,
			      TODO_A_PAD) ||
	    nla_put_u32(skb, TODO_A_LAST_ERROR, li->last_error)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int todo_nl_lists_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct todo_lists_dump *ctx = (void *)cb->ctx;
	struct todo_list_info *infos;
	int n, i, sent = 0;
	bool finished = false;

	if (ctx->derr.err)
		return todo_nl_start_err(cb);
	infos = kmalloc_array(TODO_LISTS_BATCH, sizeof(*infos), GFP_KERNEL);
	if (!infos)
		return -ENOMEM;
	do {
		n = todo_cache_lists(ctx->owner,
				     ctx->started ? ctx->last : NULL, infos,
				     TODO_LISTS_BATCH);
		if (n < 0)
			break;
		for (i = 0; i < n; i++) {
			if (todo_nl_fill_list(skb, &infos[i],
					      NETLINK_CB(cb->skb).portid,
					      cb->nlh->nlmsg_seq))
				break;
			*ctx->last = infos[i].key;
			ctx->started = true;
			sent++;
		}
		finished = i == n && n < TODO_LISTS_BATCH;
	} while (i == n && !finished);
	kfree(infos);
	if (n < 0 && !sent)
		return n;
	/*
	 * As for GET: the last round's lists and NLMSG_DONE go together, and
	 * netlink calls no round after one that returns 0.
	 */
	return sent && !finished ? skb->len : 0;
}

static int todo_nl_lists_done(struct netlink_callback *cb)
{
	struct todo_lists_dump *ctx = (void *)cb->ctx;

	kfree(ctx->last);
	return 0;
}

static int todo_nl_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct todo_cache_stats st;
	struct sk_buff *rep;
	void *hdr;

	todo_cache_stats(&st);
	rep = genlmsg_new(5 * nla_total_size(sizeof(u32)) +
			  3 * nla_total_size_64bit(sizeof(u64)), GFP_KERNEL);
	if (!rep)
		return -ENOMEM;
	hdr = genlmsg_put_reply(rep, info, &todo_family, 0, TODO_CMD_STATS);
	if (!hdr ||
	    nla_put_u32(rep, TODO_A_SERVERS, st.servers) ||
	    nla_put_u32(rep, TODO_A_MAX_SERVERS,
			todo_param(&todo_max_servers)) ||
	    nla_put_u32(rep, TODO_A_LISTS, todo_quota_total_lists()) ||
	    nla_put_u64_64bit(rep, TODO_A_STARTED, st.started, TODO_A_PAD) ||
	    nla_put_u64_64bit(rep, TODO_A_EVICTIONS, st.evictions,
			      TODO_A_PAD) ||
	    nla_put_u64_64bit(rep, TODO_A_BUSY, st.busy, TODO_A_PAD)) {
		nlmsg_free(rep);
		return -EMSGSIZE;
	}
	genlmsg_end(rep, hdr);
	return genlmsg_reply(rep, info);
}

/*
 * Subscribe the sending socket to the changes of a list, or of each list
 * of an owner: whoever may read them (see module/notify.c).
 */
static int todo_nl_watch(struct sk_buff *skb, struct genl_info *info)
{
	bool all = !info->attrs[TODO_A_LIST];
	struct todo_key key = {};
	int err;

	if (all)
		err = todo_nl_owner(skb, info->attrs, info->extack, &key.owner);
	else
		err = todo_nl_key(skb, info->attrs, info->extack, &key);
	if (err)
		return err;
	return todo_notify_watch(NETLINK_CB(skb).sk, info->snd_portid,
				 from_kuid_munged(&init_user_ns,
						  current_euid()),
				 &key, all, todo_nl_exempt(skb), info->extack);
}

static int todo_nl_unwatch(struct sk_buff *skb, struct genl_info *info)
{
	return todo_notify_unwatch(info->snd_portid, info->extack);
}

/**
 * todo_netlink_change_size() - Room a change event takes.
 * @ev: the change.
 *
 * Context: any.
 * Return: the payload's size, for genlmsg_new().
 */
size_t todo_netlink_change_size(const struct todo_change_event *ev)
{
	return 4 * nla_total_size(sizeof(u32)) + nla_total_size(sizeof(u8)) +
	       nla_total_size(ev->key->len + 1) +
	       nla_total_size(ev->title_len + 1);
}

/**
 * todo_netlink_change_fill() - A change event, as its subscribers get it.
 * @skb: a new message of todo_netlink_change_size() bytes at least.
 * @ev: the change.
 * @lost: events the subscriber lost before this one; put if not 0.
 *
 * Context: any.
 * Return: 0, or -EMSGSIZE if @skb is too small.
 */
int todo_netlink_change_fill(struct sk_buff *skb,
			     const struct todo_change_event *ev, u32 lost)
{
	void *hdr;

	hdr = genlmsg_put(skb, 0, 0, &todo_family, 0, TODO_CMD_CHANGE);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, TODO_A_OWNER, ev->key->owner) ||
	    todo_nla_put_str(skb, TODO_A_LIST, ev->key->name, ev->key->len) ||
	    nla_put_u8(skb, TODO_A_KIND, ev->kind) ||
	    nla_put_u32(skb, TODO_A_ID, ev->id) ||
	    nla_put_u32(skb, TODO_A_DATE, ev->date) ||
	    todo_nla_put_str(skb, TODO_A_TITLE, ev->title, ev->title_len) ||
	    (lost && nla_put_u32(skb, TODO_A_LOST, lost))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * One genl_ops per command (6.1 has no split ops), so GET's do and dump
 * share the do policy; the spec gives both the same attributes, and
 * tests/ynl-spec-check checks this table against the spec's operations.
 */
static_assert(sizeof(todo_get_do_nl_policy) ==
	      sizeof(todo_get_dump_nl_policy));

static const struct genl_ops todo_ops[] = {
	{
		.cmd = TODO_CMD_PING,
		.doit = todo_nl_ping,
		.policy = todo_ping_nl_policy,
		.maxattr = ARRAY_SIZE(todo_ping_nl_policy) - 1,
	},
	{
		.cmd = TODO_CMD_ADD,
		.doit = todo_nl_add,
		.policy = todo_add_nl_policy,
		.maxattr = ARRAY_SIZE(todo_add_nl_policy) - 1,
	},
	{
		.cmd = TODO_CMD_GET,
		.doit = todo_nl_get_doit,
		.start = todo_nl_get_start,
		.dumpit = todo_nl_get_dumpit,
		.done = todo_nl_get_done,
		.policy = todo_get_do_nl_policy,
		.maxattr = ARRAY_SIZE(todo_get_do_nl_policy) - 1,
	},
	{
		.cmd = TODO_CMD_UPDATE,
		.doit = todo_nl_update,
		.policy = todo_update_nl_policy,
		.maxattr = ARRAY_SIZE(todo_update_nl_policy) - 1,
	},
	{
		.cmd = TODO_CMD_DELETE,
		.doit = todo_nl_delete,
		.policy = todo_delete_nl_policy,
		.maxattr = ARRAY_SIZE(todo_delete_nl_policy) - 1,
	},
	{
		.cmd = TODO_CMD_LISTS,
		.start = todo_nl_lists_start,
		.dumpit = todo_nl_lists_dumpit,
		.done = todo_nl_lists_done,
		.policy = todo_lists_nl_policy,
		.maxattr = ARRAY_SIZE(todo_lists_nl_policy) - 1,
	},
	{
		.cmd = TODO_CMD_SYNC,
		.doit = todo_nl_sync,
		.policy = todo_sync_nl_policy,
		.maxattr = ARRAY_SIZE(todo_sync_nl_policy) - 1,
	},
	{
		.cmd = TODO_CMD_DROP,
		.doit = todo_nl_drop,
		.policy = todo_drop_nl_policy,
		.maxattr = ARRAY_SIZE(todo_drop_nl_policy) - 1,
	},
	{
		.cmd = TODO_CMD_STATS,
		.doit = todo_nl_stats,
		.flags = GENL_ADMIN_PERM,
		.policy = todo_no_attr_policy,
		.maxattr = TODO_A_MAX,
	},
	{
		.cmd = TODO_CMD_WATCH,
		.doit = todo_nl_watch,
		.policy = todo_watch_nl_policy,
		.maxattr = ARRAY_SIZE(todo_watch_nl_policy) - 1,
	},
	{
		.cmd = TODO_CMD_UNWATCH,
		.doit = todo_nl_unwatch,
		.policy = todo_no_attr_policy,
		.maxattr = TODO_A_MAX,
	},
};

static struct genl_family todo_family __ro_after_init = {
	.name = TODO_FAMILY_NAME,
	.version = TODO_FAMILY_VERSION,
	.maxattr = TODO_A_MAX,
	.netnsok = false,
	.parallel_ops = true,
	.resv_start_op = 0,
	.module = THIS_MODULE,
	.ops = todo_ops,
	.n_ops = ARRAY_SIZE(todo_ops),
};

/**
 * todo_netlink_init() - Register the generic netlink family.
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int todo_netlink_init(void)
{
	return genl_register_family(&todo_family);
}

/**
 * todo_netlink_exit() - Unregister the family.
 *
 * Returns once no request handler of the family runs any more; a running
 * dump holds a module reference, so none is left either.
 *
 * Context: module exit; sleeps.
 */
void todo_netlink_exit(void)
{
	genl_unregister_family(&todo_family);
}
