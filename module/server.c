// SPDX-License-Identifier: GPL-2.0
/*
 * List servers (the book's Todo.Server).  Each live list has a kthread that
 * owns the list and handles the messages of its mailbox one at a time, in
 * order.  A call waits for the server's answer, killable and bounded by
 * call_timeout_ms; a cast returns once its message is queued.
 *
 * Owns: a live list, its thread, mailbox, store state and lifetime
 * stages.  Must not: call the registry (it gets callbacks,
 * &struct todo_server_ops), or write files itself (it hands snapshots to
 * its store).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/align.h>
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "codec.h"
#include "errmsg.h"
#include "message.h"
#include "notify.h"
#include "params.h"
#include "quota.h"
#include "server.h"

/* Numbers the servers' threads. */
static atomic64_t todo_server_seq = ATOMIC64_INIT(0);

/*
 * The order of use of all servers: a logical clock, ticked by every start
 * and lookup, so that two uses never look simultaneous (a fast clock read
 * twice in one tick would tie, and the cache could evict the newer).
 */
static atomic64_t todo_use_clock = ATOMIC64_INIT(0);

/* Copy the entries a READ asks for into a buffer the message owns. */
static int todo_server_read(struct todo_server *s, struct todo_msg *msg)
{
	struct todo_list *list = &s->list;
	struct todo_entry *e;
	struct todo_copy *c;
	size_t len = 0, need;

	msg->buf = kvmalloc(msg->buf_size, GFP_KERNEL);
	if (!msg->buf) {
		msg->why = "out of memory";
		return -ENOMEM;
	}
	e = msg->has_date ? todo_list_next_on(list, msg->date, msg->after_id) :
			    todo_list_next(list, msg->after_id);
	while (e) {
		need = ALIGN(struct_size(c, title, e->title_len), 4);
		if (len + need > msg->buf_size)
			break;
		c = msg->buf + len;
		c->id = e->id;
		c->date = e->date;
		c->title_len = e->title_len;
		memcpy(c->title, e->title, e->title_len);
		len += need;
		e = msg->has_date ? todo_list_next_on(list, msg->date, e->id) :
				    todo_list_next(list, e->id);
	}
	msg->buf_len = len;
	msg->more = e;
	msg->gen = s->gen;
	return 0;
}

/* Hand a snapshot of the list to its database worker. */
static void todo_server_persist(struct todo_server *s)
{
	size_t len;
	void *buf;

	if (todo_codec_encode(&s->key, &s->list, &buf, &len))
		return;	/* out of memory: the next change or sync retries */
	todo_store_submit(&s->store, buf, len, s->gen);
	WRITE_ONCE(s->submitted_gen, s->gen);
}

/* Handle a SYNC: park it until the current generation is durable. */
static void todo_server_sync(struct todo_server *s, struct todo_msg *msg)
{
	if (!todo_store_busy(&s->store) && s->gen != todo_store_durable_gen(&s->store))
		todo_server_persist(s);
	todo_store_wait(&s->store, &msg->sync, s->gen);
}

/* The list's &todo_list.charge while the server pays for it. */
static int todo_server_charge(struct todo_list *list, s64 delta)
{
	struct todo_server *s = container_of(list, struct todo_server, list);

	return todo_quota_charge_bytes(s->key.owner, delta, s->exempt);
}

/*
 * The list is loaded: its owner pays for its size in memory from now on,
 * instead of for its file's (see quota.c).
 */
static void todo_server_attach(struct todo_server *s)
{
	todo_quota_charge_bytes(s->key.owner,
				(s64)s->list.bytes - (s64)todo_db_size(&s->key),
				true);
	s->list.charge = todo_server_charge;
	s->charged = true;
}

/*
 * The server's last store is done: the index of files takes the list back,
 * with its file's size; a new list that got no file is counted out.
 */
static void todo_server_detach(struct todo_server *s)
{
	if (s->charged) {
		s->list.charge = NULL;
		s->charged = false;
		todo_quota_charge_bytes(s->key.owner,
					(s64)todo_db_size(&s->key) -
					(s64)s->list.bytes, true);
	}
	if (s->counted && !todo_db_exists(&s->key))
		todo_quota_uncharge_list(s->key.owner);
	s->counted = false;
}

/*
 * Before a delete: keep the entry's date and title for the change event
 * (*@title is then a copy the caller frees).
 */
static void todo_server_keep_deleted(struct todo_server *s, u32 id,
				     struct todo_change_event *ev, char **title)
{
	struct todo_entry *e;

	e = todo_list_find(&s->list, id);
	if (!e)
		return;
	ev->date = e->date;
	*title = kmemdup(e->title, e->title_len, GFP_KERNEL);
	if (*title) {
		ev->title = *title;
		ev->title_len = e->title_len;
	}
}

/* A change was applied: tell its subscribers, before its sender. */
static void todo_server_notify(struct todo_server *s, struct todo_msg *msg,
			       struct todo_change_event *ev)
{
	struct todo_entry *e;

	ev->id = msg->id;
	switch (msg->op) {
	case TODO_OP_ADD:
		ev->kind = TODO_CHANGE_ADD;
		break;
	case TODO_OP_UPDATE:
		ev->kind = TODO_CHANGE_UPDATE;
		break;
	default:
		ev->kind = TODO_CHANGE_DELETE;
		todo_notify_change(ev);
		return;
	}
	e = todo_list_find(&s->list, msg->id);
	if (WARN_ON_ONCE(!e))
		return;
	ev->date = e->date;
	ev->title = e->title;
	ev->title_len = e->title_len;
	todo_notify_change(ev);
}

static void todo_server_handle(struct todo_server *s, struct todo_msg *msg)
{
	struct todo_change_event ev = { .key = &s->key, .title = "" };
	/*
	 * Asked once: a delete keeps its entry for the event only if
	 * somebody is subscribed, and a subscription made meanwhile misses
	 * this change rather than get an event without the entry.
	 */
	bool notify = todo_notify_wanted();
	struct mem_cgroup *memcg;
	char *deleted = NULL;
	bool changed = false;
	int err = 0;

	msg->why = NULL;
	s->exempt = msg->exempt;
	/* What the list allocates is charged to the sender's memory cgroup. */
	memcg = set_active_memcg(msg->memcg);
	if (s->broken && !todo_msg_is_hold(msg)) {
		err = s->broken;
		msg->why = s->broken_why;
		goto reply;
	}
	switch (msg->op) {
	case TODO_OP_PING:
	case TODO_OP_PERSIST:
		break;
	case TODO_OP_ADD:
		err = todo_list_add(&s->list, msg->date, msg->title,
				    msg->title_len, &msg->id, &msg->why);
		break;
	case TODO_OP_UPDATE:
		err = todo_list_update(&s->list, msg->id,
				       msg->has_date ? &msg->date : NULL,
				       msg->has_title ? msg->title : NULL,
				       msg->title_len, &msg->why);
		break;
	case TODO_OP_DELETE:
		if (notify)
			todo_server_keep_deleted(s, msg->id, &ev, &deleted);
		err = todo_list_delete(&s->list, msg->id);
		if (err)
			msg->why = "entry id not found";
		break;
	case TODO_OP_READ:
		err = todo_server_read(s, msg);
		break;
#ifdef TODO_TEST_HOOKS
	case TODO_OP_HOLD:
		wait_for_completion(msg->hold);
		break;
#endif
	case TODO_OP_SYNC:
		set_active_memcg(memcg);
		todo_server_sync(s, msg);
		return;		/* answered when durable */
	default:
		msg->why = "unknown operation";
		err = -EOPNOTSUPP;
	}
	changed = !err && (msg->op == TODO_OP_ADD ||
			   msg->op == TODO_OP_UPDATE ||
			   msg->op == TODO_OP_DELETE);
	if (changed)
		WRITE_ONCE(s->gen, s->gen + 1);	/* read by the store work */
reply:
	if (!msg->cast)
		msg->store_err = todo_store_error(&s->store);
	if (msg->cast && err)
		atomic64_inc(&s->casts_failed);
	set_active_memcg(memcg);
	if (changed && notify)
		todo_server_notify(s, msg, &ev);
	kfree(deleted);
	WRITE_ONCE(s->entries, todo_list_size(&s->list));
	WRITE_ONCE(s->next_id, s->list.next_id);
	todo_msg_finish(msg, err);
}

/*
 * Store the list if it changed since the last snapshot and no store is in
 * flight.  A store in flight asks again when it is done (see
 * todo_server_store_fn()), so a burst of changes costs a few writes.
 */
static void todo_server_maybe_persist(struct todo_server *s)
{
	if (!s->broken && s->gen != s->submitted_gen &&
	    !todo_store_busy(&s->store))
		todo_server_persist(s);
}

/* Store the last changes and wait until they are on disk. */
static void todo_server_final_store(struct todo_server *s)
{
	todo_store_drain(&s->store);
	if (!s->broken && s->gen != todo_store_durable_gen(&s->store))
		todo_server_persist(s);
	todo_store_drain(&s->store);
}

/*
 * Idle for idle_timeout, or kicked by the cache to make room for another
 * list (eviction): retire if nobody holds the server (see cache.c) and
 * its list is on disk.  If the last store fails the server stays, and
 * tries again each time it has been idle for idle_timeout.
 */
static bool todo_server_retire(struct todo_server *s)
{
	struct todo_msg *msg;

	if (!s->ops->retire_begin(s, true))
		return false;
	/* Unreachable now; a cast may still sit in the mailbox. */
	while (!IS_ERR_OR_NULL(msg = todo_mailbox_receive(&s->mbox, 0)))
		todo_server_handle(s, msg);
	todo_server_final_store(s);
	if (!s->broken && s->gen != todo_store_durable_gen(&s->store)) {
		/* Only memory holds the list: stay, and retry when idle again. */
		s->ops->retire_abort(s);
		return false;
	}
	todo_server_detach(s);
	s->ops->retire_end(s);
	return true;
}

/*
 * A DROP: the list goes, memory and file.  The server first leaves the
 * lookups (RETIRING), so that nobody reaches it while its file is removed,
 * and fails what is queued behind the DROP with -ESRCH; no store may
 * follow the removal.  If the file cannot be removed, nothing is lost: the
 * server stays, LIVE, with its list, and answers with the error.  Runs in
 * the server's thread, so the requester's handler only waits for the
 * answer, bounded like any call.  Return: true if the server has retired.
 */
static bool todo_server_drop(struct todo_server *s, struct todo_msg *msg)
{
	u32 owner = s->key.owner;
	int err;

	if (!s->ops->retire_begin(s, false)) {
		msg->why = "module is unloading";
		todo_msg_finish(msg, -ESHUTDOWN);
		return false;
	}
	todo_mailbox_close(&s->mbox, -ESRCH, "list was dropped");
	todo_mailbox_abort(&s->mbox);
	todo_store_discard(&s->store, -ESRCH, "list was dropped");
	err = todo_db_remove(&s->key);
	if (err) {
		todo_mailbox_reopen(&s->mbox, -ESRCH);
		s->ops->retire_abort(s);
		/* Store again what the discarded snapshot held. */
		WRITE_ONCE(s->submitted_gen, todo_store_durable_gen(&s->store));
		todo_server_maybe_persist(s);
		msg->why = "the list's file could not be removed; the list is kept";
		todo_msg_finish(msg, err);
		return false;
	}
	/* Gone: its owner pays for it no more (see quota.c). */
	if (s->charged) {
		s->list.charge = NULL;
		s->charged = false;
		todo_quota_charge_bytes(owner, -(s64)s->list.bytes, true);
	}
	todo_quota_uncharge_list(owner);
	s->counted = false;
	todo_msg_finish(msg, 0);
	s->ops->retire_end(s);
	return true;
}

static int todo_server_thread(void *data)
{
	struct todo_server *s = data;
	struct todo_msg *msg;
	unsigned int idle;
	int err;

	complete(&s->running);
	/*
	 * Phase two of the start (the book's handle_continue): load the list
	 * before reading the mailbox, where requests wait meanwhile.
	 */
	err = todo_db_load(&s->key, &s->list, &s->broken_why);
	if (err)
		s->broken = err;
	todo_server_attach(s);
	WRITE_ONCE(s->entries, todo_list_size(&s->list));
	WRITE_ONCE(s->next_id, s->list.next_id);

	for (;;) {
		idle = todo_param(&todo_idle_timeout);
		msg = todo_mailbox_receive(&s->mbox, idle ? idle * HZ :
					   MAX_SCHEDULE_TIMEOUT);
		if (!msg)
			break;
		if (IS_ERR(msg)) {
			if (todo_server_retire(s))
				goto retired;
			continue;
		}
		if (msg->op == TODO_OP_DROP) {
			msg->why = NULL;
			if (todo_server_drop(s, msg))
				goto retired;
			continue;
		}
		todo_server_handle(s, msg);
		todo_server_maybe_persist(s);
	}

	/*
	 * Stopping: the mailbox is closed and every message queued before it
	 * closed has been handled.  The last changes reach the disk before
	 * the thread ends; if they cannot, say which list lost them.
	 */
	todo_server_final_store(s);
	if (!s->broken && s->gen != todo_store_durable_gen(&s->store))
		pr_err("list %u/%.*s: its last changes could not be stored (error %d) and are lost\n",
		       s->key.owner, (int)s->key.len, s->key.name,
		       todo_store_error(&s->store));
	todo_server_detach(s);
	return 0;

retired:
	/* The cache's reaper stops this thread; wait for it. */
	for (;;) {
		set_current_state(TASK_IDLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/*
 * After each store of the list, on its worker: if the list changed
 * meanwhile, wake the server to take a new snapshot.
 */
static void todo_server_store_fn(struct todo_store *st)
{
	struct todo_server *s = container_of(st, struct todo_server, store);
	struct todo_msg *msg;

	if (READ_ONCE(s->gen) == READ_ONCE(s->submitted_gen))
		return;
	msg = todo_msg_alloc(TODO_OP_PERSIST, NULL, 0);
	if (!msg)
		return;
	msg->cast = true;
	todo_mailbox_send(&s->mbox, msg, NULL, NULL);
	todo_msg_put(msg);
}

/**
 * todo_server_create() - Create a list server, its list and its kthread.
 * @key: the list's key.
 * @ops: the registry's callbacks, for retirement.
 *
 * The kthread is created but not started; todo_server_start() starts it.
 * A server that is never started may still be stopped and put.  The
 * server is LIVE, with one reference: the caller's.
 *
 * Context: process context; may sleep.
 * Return: the server with one reference, or an ERR_PTR().
 */
struct todo_server *todo_server_create(const struct todo_key *key,
				       const struct todo_server_ops *ops)
{
	struct todo_server *s;
	struct task_struct *task;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->key = *key;
	s->ops = ops;
	refcount_set(&s->ref, 1);
	spin_lock_init(&s->gate);
	s->stage = TODO_SERVER_LIVE;
	s->last_used = atomic64_inc_return(&todo_use_clock);
	init_completion(&s->running);
	todo_mailbox_init(&s->mbox, todo_param(&todo_mailbox_max));
	todo_list_init(&s->list, todo_param(&todo_max_entries),
		       todo_param(&todo_max_title_len), TODO_CODEC_MAX_SIZE);
	s->next_id = s->list.next_id;
	todo_store_init(&s->store, &s->key, todo_server_store_fn);
	atomic64_set(&s->casts, 0);
	atomic64_set(&s->casts_failed, 0);

	/*
	 * Thread names are visible to every user (ps): a number, not the
	 * list's name or owner.
	 */
	task = kthread_create(todo_server_thread, s, "todo/%llu",
			      (unsigned long long)atomic64_inc_return(&todo_server_seq));
	if (IS_ERR(task)) {
		kfree(s);
		return ERR_CAST(task);
	}
	get_task_struct(task);
	s->task = task;
	return s;
}
EXPORT_SYMBOL_IF_KUNIT(todo_server_create);

/**
 * todo_server_start() - Let a created server's kthread run.
 * @s: the server.
 *
 * Context: any.
 */
void todo_server_start(struct todo_server *s)
{
	s->started = true;
	wake_up_process(s->task);
}
EXPORT_SYMBOL_IF_KUNIT(todo_server_start);

/**
 * todo_server_stop() - Stop a server's kthread.
 * @s: the server, no longer reachable through the cache.
 *
 * Later sends fail with -ESHUTDOWN; messages already queued, such as
 * casts acknowledged to their senders, are handled first, then the list
 * is stored.  The list's last changes are on disk when this returns (or
 * the kernel log names the list that lost them).  Call once per server.
 *
 * Context: process context; sleeps until the kthread has exited.
 */
void todo_server_stop(struct todo_server *s)
{
	might_sleep();
	todo_mailbox_close(&s->mbox, -ESHUTDOWN, "module is unloading");
	/*
	 * kthread_stop() before the thread first runs would skip its
	 * function, and with it the messages already queued: let it start.
	 */
	if (s->started)
		wait_for_completion(&s->running);
	kthread_stop(s->task);
	put_task_struct(s->task);
	s->task = NULL;
	/* A thread that never ran leaves its mailbox to fail here. */
	todo_mailbox_abort(&s->mbox);
	todo_store_flush(&s->store, -ESHUTDOWN, "module is unloading");
}
EXPORT_SYMBOL_IF_KUNIT(todo_server_stop);

/**
 * todo_server_tryget() - Take a reference to a published server if LIVE.
 * @s: the server, found in the cache's table under RCU.
 *
 * A reference is taken only from a LIVE server, which the table holds, so
 * a count never rises from zero; a RETIRING or DEAD one is left alone.
 * Each reference taken counts as a use, which keeps the server from
 * eviction for a while (see cache.c).
 *
 * Context: any; takes @s->gate.
 * Return: the stage seen; LIVE means the caller now holds a reference.
 */
enum todo_server_stage todo_server_tryget(struct todo_server *s)
{
	enum todo_server_stage stage;

	spin_lock(&s->gate);
	stage = s->stage;
	if (stage == TODO_SERVER_LIVE) {
		refcount_inc(&s->ref);
		/* Both read by the cache, without the gate. */
		WRITE_ONCE(s->uses, s->uses + 1);
		WRITE_ONCE(s->last_used, atomic64_inc_return(&todo_use_clock));
	}
	spin_unlock(&s->gate);
	return stage;
}
EXPORT_SYMBOL_IF_KUNIT(todo_server_tryget);

/* The one release: the last reference is gone, and so is the thread. */
static void todo_server_release(struct todo_server *s)
{
	WARN_ON_ONCE(s->task);
	todo_list_destroy(&s->list);
	kfree_rcu(s, rcu);
}

/**
 * todo_server_put() - Drop a reference to a server.
 * @s: the server, or NULL.
 *
 * The last reference frees the list and, after an RCU grace period, the
 * server.  The table's reference, which is the last but for lookups in
 * flight, is put only after todo_server_stop().
 *
 * Context: process context.
 */
void todo_server_put(struct todo_server *s)
{
	if (s && refcount_dec_and_test(&s->ref))
		todo_server_release(s);
}
EXPORT_SYMBOL_IF_KUNIT(todo_server_put);

/**
 * todo_server_send() - Queue a call's message, waiting for room.
 * @s: the server.
 * @msg: the message; the caller keeps its own reference.
 * @timeout: jiffies the caller may still wait, reduced by the time waited.
 * @extack: told why the message was not queued, or NULL.
 *
 * The first half of todo_server_call(), for a caller that sends to several
 * servers and then waits for all of them within one bound.
 *
 * Context: process context; sleeps (killable).
 * Return: 0 once queued; -ETIMEDOUT; -EINTR; -ESHUTDOWN.
 */
int todo_server_send(struct todo_server *s, struct todo_msg *msg,
		     long *timeout, struct netlink_ext_ack *extack)
{
	might_sleep();
	msg->cast = false;
	msg->sync.abandoned = false;
	return todo_mailbox_send(&s->mbox, msg, timeout, extack);
}
EXPORT_SYMBOL_IF_KUNIT(todo_server_send);

/**
 * todo_server_wait() - Wait for the answer to a message sent as a call.
 * @s: the server @msg was sent to with todo_server_send().
 * @msg: the message.
 * @timeout: jiffies the caller may still wait, reduced by the time waited.
 * @extack: given the server's message (&todo_msg.why) with its error, or
 *	told why the caller stopped waiting; or NULL.
 *
 * A caller that gives up (timeout or fatal signal) withdraws its message
 * wherever it waits: from the mailbox if the server has not taken it, or
 * from the store if it is a SYNC parked there.  A message the server is
 * handling is finished and its answer dropped, as with a timed-out
 * GenServer.call.
 *
 * Context: process context; sleeps (killable).
 * Return: the server's answer (0 or a negative errno from the handler);
 * -ETIMEDOUT; -EINTR if the caller was killed.
 */
int todo_server_wait(struct todo_server *s, struct todo_msg *msg,
		     long *timeout, struct netlink_ext_ack *extack)
{
	long left;

	might_sleep();
	left = wait_for_completion_killable_timeout(&msg->done, *timeout);
	if (left > 0) {
		*timeout = left;
		goto answered;
	}
	*timeout = 0;
	if (!todo_mailbox_cancel(&s->mbox, msg)) {
		/* Not queued: taken, parked on the store, or answered. */
		WRITE_ONCE(msg->sync.abandoned, true);
		if (!todo_store_cancel(&s->store, &msg->sync) &&
		    completion_done(&msg->done))
			goto answered;
	}
	if (left) {
		NL_SET_ERR_MSG(extack, "interrupted");
		return -EINTR;
	}
	NL_SET_ERR_MSG(extack,
		       "list server did not answer in time (call_timeout_ms)");
	return -ETIMEDOUT;

answered:
	/* The reply fields are final once @done is complete. */
	if (msg->err)
		todo_set_err_msg(extack, msg->why);
	return msg->err;
}
EXPORT_SYMBOL_IF_KUNIT(todo_server_wait);

/**
 * todo_server_call() - Send a message and wait for the server's answer.
 * @s: the server.
 * @msg: the message; the caller keeps its own reference.
 *
 * Waits, killable, at most call_timeout_ms in all: first for room in the
 * mailbox, then for the answer (see todo_server_wait()).
 *
 * Context: process context; sleeps.
 * Return: the server's answer (0 or a negative errno from the handler);
 * -ETIMEDOUT; -EINTR if the caller was killed; -ESHUTDOWN if the server
 * is stopping.
 */
int todo_server_call(struct todo_server *s, struct todo_msg *msg)
{
	long timeout = msecs_to_jiffies(todo_param(&todo_call_timeout_ms));

	return todo_server_call_within(s, msg, &timeout, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(todo_server_call);

/**
 * todo_server_call_within() - todo_server_call() within a given time.
 * @s: the server.
 * @msg: the message; the caller keeps its own reference.
 * @timeout: jiffies left to the caller's request (which may have waited
 *	already, e.g. for a retiring server), reduced by the time waited.
 * @extack: told why the call failed (see todo_server_wait()), or NULL.
 *
 * Context: process context; sleeps.
 * Return: as todo_server_call().
 */
int todo_server_call_within(struct todo_server *s, struct todo_msg *msg,
			    long *timeout, struct netlink_ext_ack *extack)
{
	int err;

	if (*timeout <= 0) {
		NL_SET_ERR_MSG(extack,
			       "list server did not answer in time (call_timeout_ms)");
		return -ETIMEDOUT;
	}
	err = todo_server_send(s, msg, timeout, extack);
	if (err)
		return err;
	return todo_server_wait(s, msg, timeout, extack);
}
EXPORT_SYMBOL_IF_KUNIT(todo_server_call_within);

/**
 * todo_server_cast() - Queue a message without waiting for it.
 * @s: the server.
 * @msg: the message; the caller keeps its own reference.
 * @extack: told why the message was not queued, or NULL.
 *
 * Context: any context that may take a spinlock.
 * Return: 0 once queued; -EAGAIN if the mailbox is full; -ESHUTDOWN if
 * the server is stopping.  A refusal counts as a failed cast.
 */
int todo_server_cast(struct todo_server *s, struct todo_msg *msg,
		     struct netlink_ext_ack *extack)
{
	int err;

	msg->cast = true;
	atomic64_inc(&s->casts);
	err = todo_mailbox_send(&s->mbox, msg, NULL, extack);
	if (err)
		atomic64_inc(&s->casts_failed);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(todo_server_cast);
