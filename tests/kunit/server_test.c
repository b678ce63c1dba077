// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: mailboxes, list servers and the cache.  Servers are real kthreads
 * reached through the real cache; the owners used here (uids from 4000000)
 * are nobody's, so the suite can run beside other users of the module.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/netlink.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>

#include "cache.h"
#include "mailbox.h"
#include "message.h"
#include "name.h"
#include "database.h"
#include "params.h"
#include "quota.h"
#include "server.h"
#include "store.h"

#define OWNER	4000000U

/* Parameters a case may change; restored after every case. */
static struct todo_uint_param *const todo_saved_params[] = {
	&todo_call_timeout_ms, &todo_mailbox_max, &todo_max_servers,
	&todo_max_lists_per_user, &todo_max_lists, &todo_store_delay_ms,
	&todo_idle_timeout,
};

struct todo_server_test {
	unsigned int saved[ARRAY_SIZE(todo_saved_params)];
	struct todo_server *servers[16];
	unsigned int nr_servers;
};

static int todo_server_test_init(struct kunit *test)
{
	struct todo_server_test *t;
	unsigned int i;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	for (i = 0; i < ARRAY_SIZE(todo_saved_params); i++)
		t->saved[i] = todo_saved_params[i]->val;
	test->priv = t;
	return 0;
}

static void todo_server_test_exit(struct kunit *test)
{
	struct todo_server_test *t = test->priv;
	unsigned int i;

	for (i = 0; i < t->nr_servers; i++) {
		todo_cache_remove(t->servers[i]);
		todo_server_put(t->servers[i]);
	}
	for (i = 0; i < ARRAY_SIZE(todo_saved_params); i++)
		todo_saved_params[i]->val = t->saved[i];
}

/* A registered server for (owner, name), removed when the case ends. */
static struct todo_server *server(struct kunit *test, u32 owner,
				  const char *name)
{
	struct todo_server_test *t = test->priv;
	struct todo_server *s;
	struct todo_key key;

	KUNIT_ASSERT_EQ(test, todo_key_init(&key, owner, name, strlen(name)),
			0);
	s = todo_cache_get_or_create(&key, false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	KUNIT_ASSERT_LT(test, t->nr_servers, ARRAY_SIZE(t->servers));
	t->servers[t->nr_servers++] = s;
	return s;
}

static struct todo_msg *msg_add(struct kunit *test, u32 date,
				const char *title)
{
	struct todo_msg *msg = todo_msg_alloc(TODO_OP_ADD, title,
					      strlen(title));

	KUNIT_ASSERT_NOT_NULL(test, msg);
	msg->has_date = true;
	msg->date = date;
	return msg;
}

static int cast_add(struct kunit *test, struct todo_server *s, u32 date,
		    const char *title)
{
	struct todo_msg *msg = msg_add(test, date, title);
	int err = todo_server_cast(s, msg, NULL);

	todo_msg_put(msg);
	return err;
}

static int call_op(struct kunit *test, struct todo_server *s,
		   enum todo_op op)
{
	struct todo_msg *msg = todo_msg_alloc(op, NULL, 0);
	int err;

	KUNIT_ASSERT_NOT_NULL(test, msg);
	err = todo_server_call(s, msg);
	todo_msg_put(msg);
	return err;
}

/* Titles of all entries, in id order, joined with '|'. */
static const char *titles(struct kunit *test, struct todo_server *s)
{
	char *buf = kunit_kzalloc(test, 4096, GFP_KERNEL);
	struct todo_copy *c;
	struct todo_msg *msg;
	size_t len = 0;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	msg = todo_msg_alloc(TODO_OP_READ, NULL, 0);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	msg->buf_size = 64 * 1024;
	KUNIT_ASSERT_EQ(test, todo_server_call(s, msg), 0);
	for (c = todo_copy_next(msg, NULL); c; c = todo_copy_next(msg, c))
		len += scnprintf(buf + len, 4096 - len, "%s%.*s",
				 len ? "|" : "", c->title_len, c->title);
	todo_msg_put(msg);
	return buf;
}

/* Keep a server busy until the returned completion is completed. */
static struct completion *hold(struct kunit *test, struct todo_server *s)
{
	struct completion *done = kunit_kzalloc(test, sizeof(*done),
						GFP_KERNEL);
	struct todo_msg *msg;

	KUNIT_ASSERT_NOT_NULL(test, done);
	init_completion(done);
	msg = todo_msg_alloc(TODO_OP_HOLD, NULL, 0);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	msg->hold = done;
	KUNIT_ASSERT_EQ(test, todo_server_cast(s, msg, NULL), 0);
	todo_msg_put(msg);
	/* Wait until the server has taken it out of the mailbox. */
	while (todo_mailbox_len(&s->mbox))
		msleep(20);
	return done;
}

/* The book's ServerTest: a cast, then a call from the same client, sees it */
static void todo_server_cast_then_call(struct kunit *test)
{
	struct todo_server *s = server(test, OWNER, "server-test");

	KUNIT_EXPECT_STREQ(test, titles(test, s), "");
	KUNIT_EXPECT_EQ(test, cast_add(test, s, 20181219, "Dentist"), 0);
	KUNIT_EXPECT_STREQ(test, titles(test, s), "Dentist");
	KUNIT_EXPECT_EQ(test, atomic64_read(&s->casts), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&s->casts_failed), 0);
}

/* A call answers with the handler's result; a failed cast is counted. */
static void todo_server_call_and_cast(struct kunit *test)
{
	struct todo_server *s = server(test, OWNER, "call-cast");
	struct todo_msg *msg;

	msg = msg_add(test, 20181219, "Dentist");
	KUNIT_EXPECT_EQ(test, todo_server_call(s, msg), 0);
	KUNIT_EXPECT_EQ(test, msg->id, 1);
	todo_msg_put(msg);

	msg = todo_msg_alloc(TODO_OP_DELETE, NULL, 0);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	msg->id = 7;
	KUNIT_EXPECT_EQ(test, todo_server_call(s, msg), -ENOENT);
	KUNIT_EXPECT_EQ(test, todo_server_cast(s, msg, NULL), 0);
	todo_msg_put(msg);
	KUNIT_EXPECT_EQ(test, call_op(test, s, TODO_OP_PING), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&s->casts), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&s->casts_failed), 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(s->entries), 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(s->next_id), 2);
}

/* 200 casts then a call: handled in the order sent. */
static void todo_server_mailbox_order(struct kunit *test)
{
	struct todo_server *s = server(test, OWNER, "order");
	char title[8], *want;
	size_t len = 0;
	unsigned int i;

	want = kunit_kzalloc(test, 4096, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	for (i = 0; i < 200; i++) {
		scnprintf(title, sizeof(title), "%u", i);
		len += scnprintf(want + len, 4096 - len, "%s%s",
				 len ? "|" : "", title);
		KUNIT_ASSERT_EQ(test, cast_add(test, s, 20181219, title), 0);
	}
	KUNIT_EXPECT_STREQ(test, titles(test, s), want);
}

/* A call times out, and a message still queued is withdrawn. */
static void todo_server_call_timeout(struct kunit *test)
{
	struct todo_server *s = server(test, OWNER, "timeout");
	struct completion *busy;
	struct todo_msg *msg;

	todo_call_timeout_ms.val = 200;
	busy = hold(test, s);
	msg = msg_add(test, 20181219, "late");
	KUNIT_EXPECT_EQ(test, todo_server_call(s, msg), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, todo_mailbox_len(&s->mbox), 0);
	KUNIT_EXPECT_EQ(test, refcount_read(&msg->ref), 1);
	todo_msg_put(msg);
	complete(busy);
	KUNIT_EXPECT_STREQ(test, titles(test, s), "");
}

/* A call that times out while the server handles it: no use after free. */
static void todo_server_timeout_while_handled(struct kunit *test)
{
	struct todo_server *s = server(test, OWNER, "slow");
	struct completion busy;
	struct todo_msg *msg;

	todo_call_timeout_ms.val = 200;
	init_completion(&busy);
	msg = todo_msg_alloc(TODO_OP_HOLD, NULL, 0);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	msg->hold = &busy;
	KUNIT_EXPECT_EQ(test, todo_server_call(s, msg), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, refcount_read(&msg->ref), 2);
	todo_msg_put(msg);	/* the server still holds it */
	complete(&busy);
	KUNIT_EXPECT_EQ(test, call_op(test, s, TODO_OP_PING), 0);
}

struct todo_killed_caller {
	struct todo_server *server;
	struct completion finished;
	int err;
};

static int todo_killed_caller_fn(void *data)
{
	struct todo_killed_caller *kc = data;
	struct todo_msg *msg = todo_msg_alloc(TODO_OP_PING, NULL, 0);

	allow_signal(SIGKILL);
	kc->err = msg ? todo_server_call(kc->server, msg) : -ENOMEM;
	todo_msg_put(msg);
	complete(&kc->finished);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

/* A caller killed while waiting returns -EINTR; its message is withdrawn. */
static void todo_server_caller_killed(struct kunit *test)
{
	struct todo_server *s = server(test, OWNER, "killed");
	struct todo_killed_caller kc = { .server = s };
	struct task_struct *task;
	struct completion *busy;

	busy = hold(test, s);
	init_completion(&kc.finished);
	task = kthread_run(todo_killed_caller_fn, &kc, "todo-test-caller");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, task);
	get_task_struct(task);
	while (!todo_mailbox_len(&s->mbox))
		msleep(20);
	send_sig(SIGKILL, task, 1);
	wait_for_completion(&kc.finished);
	kthread_stop(task);
	put_task_struct(task);
	KUNIT_EXPECT_EQ(test, kc.err, -EINTR);
	KUNIT_EXPECT_EQ(test, todo_mailbox_len(&s->mbox), 0);
	complete(busy);
	KUNIT_EXPECT_EQ(test, call_op(test, s, TODO_OP_PING), 0);
}

/* Past mailbox_max a cast fails at once; a call waits, then times out. */
static void todo_server_bounded_mailbox(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct todo_server *s;
	struct todo_msg *msg;
	struct completion *busy;
	unsigned int i;

	todo_mailbox_max.val = 4;
	todo_call_timeout_ms.val = 200;
	s = server(test, OWNER, "bounded");
	busy = hold(test, s);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, cast_add(test, s, 20181219, "x"), 0);
	KUNIT_EXPECT_EQ(test, cast_add(test, s, 20181219, "y"), -EAGAIN);
	KUNIT_EXPECT_EQ(test, todo_mailbox_len(&s->mbox), 4);
	/* The refusal's message comes from the mailbox that refused. */
	msg = msg_add(test, 20181219, "z");
	KUNIT_EXPECT_EQ(test, todo_server_cast(s, msg, &extack), -EAGAIN);
	KUNIT_EXPECT_STREQ(test, extack._msg, "mailbox full, try again");
	todo_msg_put(msg);
	KUNIT_EXPECT_EQ(test, call_op(test, s, TODO_OP_PING), -ETIMEDOUT);
	complete(busy);
	KUNIT_EXPECT_EQ(test, call_op(test, s, TODO_OP_PING), 0);
	KUNIT_EXPECT_STREQ(test, titles(test, s), "x|x|x|x");
	/* The hold, four accepted and two refused. */
	KUNIT_EXPECT_EQ(test, atomic64_read(&s->casts), 7);
	KUNIT_EXPECT_EQ(test, atomic64_read(&s->casts_failed), 2);
}

/*
 * A closed mailbox refuses new messages but keeps the queued ones for the
 * server; an abort fails what is left.  A withdrawn message is answered.
 */
static void todo_server_mailbox_close(struct kunit *test)
{
	struct todo_mailbox mb;
	struct todo_msg *a = msg_add(test, 20181219, "a");
	struct todo_msg *b = msg_add(test, 20181219, "b");
	struct todo_msg *c = msg_add(test, 20181219, "c");
	struct netlink_ext_ack extack = {};
	struct todo_msg *got;

	todo_mailbox_init(&mb, 8);
	KUNIT_EXPECT_EQ(test, todo_mailbox_send(&mb, a, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, todo_mailbox_send(&mb, c, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->state, TODO_MSG_QUEUED);
	KUNIT_EXPECT_EQ(test, todo_mailbox_len(&mb), 2);
	todo_mailbox_close(&mb, -ESHUTDOWN, "stopping");
	KUNIT_EXPECT_FALSE(test, completion_done(&a->done));
	/* The refusal is described where it is found: the close's reason. */
	KUNIT_EXPECT_EQ(test, todo_mailbox_send(&mb, b, NULL, &extack),
			-ESHUTDOWN);
	KUNIT_EXPECT_STREQ(test, extack._msg, "stopping");
	KUNIT_EXPECT_FALSE(test, todo_mailbox_cancel(&mb, b));

	/* The server still receives what was queued, then learns it closed. */
	got = todo_mailbox_receive(&mb, 0);
	KUNIT_EXPECT_PTR_EQ(test, got, a);
	KUNIT_EXPECT_EQ(test, a->state, TODO_MSG_TAKEN);
	KUNIT_EXPECT_FALSE(test, todo_mailbox_cancel(&mb, a));
	todo_msg_finish(a, 0);
	KUNIT_EXPECT_EQ(test, a->state, TODO_MSG_DONE);
	KUNIT_EXPECT_EQ(test, refcount_read(&a->ref), 1);

	todo_mailbox_abort(&mb);
	KUNIT_EXPECT_TRUE(test, completion_done(&c->done));
	KUNIT_EXPECT_EQ(test, c->err, -ESHUTDOWN);
	KUNIT_EXPECT_STREQ(test, c->why, "stopping");
	KUNIT_EXPECT_EQ(test, refcount_read(&c->ref), 1);
	KUNIT_EXPECT_NULL(test, todo_mailbox_receive(&mb, 0));
	KUNIT_EXPECT_EQ(test, todo_mailbox_len(&mb), 0);
	todo_msg_put(a);
	todo_msg_put(b);
	todo_msg_put(c);
}

/* Reads are cursors: a small budget returns a prefix, and resumes. */
static void todo_server_read_cursor(struct kunit *test)
{
	struct todo_server *s = server(test, OWNER, "cursor");
	unsigned int i, seen = 0, rounds = 0;
	struct todo_copy *c;
	struct todo_msg *msg;
	u32 after = 0;

	for (i = 0; i < 50; i++)
		KUNIT_ASSERT_EQ(test, cast_add(test, s, 20181219 + i % 2,
					       "entry"), 0);
	do {
		msg = todo_msg_alloc(TODO_OP_READ, NULL, 0);
		KUNIT_ASSERT_NOT_NULL(test, msg);
		msg->after_id = after;
		msg->has_date = true;
		msg->date = 20181220;
		msg->buf_size = 64;
		KUNIT_ASSERT_EQ(test, todo_server_call(s, msg), 0);
		for (c = todo_copy_next(msg, NULL); c;
		     c = todo_copy_next(msg, c)) {
			KUNIT_EXPECT_EQ(test, c->id, after + 2);
			KUNIT_EXPECT_EQ(test, c->date, 20181220);
			after = c->id;
			seen++;
		}
		i = msg->buf_len;
		todo_msg_put(msg);
		rounds++;
	} while (i);
	KUNIT_EXPECT_EQ(test, seen, 25);
	KUNIT_EXPECT_GT(test, rounds, 2);
}

/* The book's CacheTest: same name, same server; other names, others. */
static void todo_cache_same_and_different(struct kunit *test)
{
	struct todo_server *bob = server(test, OWNER, "bob");
	struct todo_server *alice = server(test, OWNER, "alice");
	struct todo_server *other_bob = server(test, OWNER + 1, "bob");
	struct todo_server *again;
	struct todo_key key;

	KUNIT_EXPECT_PTR_NE(test, bob, alice);
	KUNIT_EXPECT_PTR_NE(test, bob, other_bob);
	todo_key_init(&key, OWNER, "bob", 3);
	again = todo_cache_get_or_create(&key, false);
	KUNIT_EXPECT_PTR_EQ(test, again, bob);
	todo_server_put(again);
	again = todo_cache_get_live(&key);
	KUNIT_EXPECT_PTR_EQ(test, again, bob);
	todo_server_put(again);
	todo_key_init(&key, OWNER, "carol", 5);
	KUNIT_EXPECT_NULL(test, todo_cache_get_live(&key));
}

struct todo_racer {
	struct todo_key key;
	struct completion *go;
	struct completion done;
	struct todo_server *got;
};

static int todo_racer_fn(void *data)
{
	struct todo_racer *r = data;

	wait_for_completion(r->go);
	r->got = todo_cache_get_or_create(&r->key, false);
	complete(&r->done);
	return 0;
}

/* Many threads racing to create one list get one server. */
static void todo_cache_create_race(struct kunit *test)
{
	struct todo_server_test *t = test->priv;
	struct todo_racer *r;
	unsigned int i, n = 8, before = todo_cache_nr_servers();
	struct completion go;

	r = kunit_kcalloc(test, n, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	init_completion(&go);
	for (i = 0; i < n; i++) {
		todo_key_init(&r[i].key, OWNER, "race", 4);
		r[i].go = &go;
		init_completion(&r[i].done);
		KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(todo_racer_fn,
							    &r[i],
							    "todo-racer")));
	}
	complete_all(&go);
	for (i = 0; i < n; i++)
		wait_for_completion(&r[i].done);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_FALSE(test, IS_ERR_OR_NULL(r[i].got));
		KUNIT_EXPECT_PTR_EQ(test, r[i].got, r[0].got);
	}
	KUNIT_EXPECT_EQ(test, todo_cache_nr_servers(), before + 1);
	if (!IS_ERR_OR_NULL(r[0].got))
		t->servers[t->nr_servers++] = r[0].got;
	for (i = 1; i < n; i++)
		if (!IS_ERR_OR_NULL(r[i].got))
			todo_server_put(r[i].got);
}

/* max_lists_per_user and max_servers refuse new lists, nothing else. */
static void todo_cache_limits(struct kunit *test)
{
	struct todo_server *s;
	struct todo_key key;

	todo_max_lists_per_user.val = 2;
	server(test, OWNER + 2, "one");
	server(test, OWNER + 2, "two");
	todo_key_init(&key, OWNER + 2, "three", 5);
	KUNIT_EXPECT_PTR_EQ(test, todo_cache_get_or_create(&key, false),
			    ERR_PTR(-EDQUOT));
	todo_key_init(&key, OWNER + 2, "two", 3);
	s = todo_cache_get_or_create(&key, false);
	KUNIT_EXPECT_FALSE(test, IS_ERR(s));
	if (!IS_ERR(s))
		todo_server_put(s);

	/* max_lists holds for everybody, CAP_SYS_RESOURCE included. */
	todo_max_lists.val = todo_quota_total_lists();
	todo_key_init(&key, OWNER + 3, "one", 3);
	KUNIT_EXPECT_PTR_EQ(test, todo_cache_get_or_create(&key, true),
			    ERR_PTR(-ENOSPC));
	todo_max_lists.val = todo_quota_total_lists() + 1;
	server(test, OWNER + 3, "one");
}

/* Put the reference server() took, before the case ends. */
static void t_put_server(struct kunit *test, struct todo_server *s)
{
	struct todo_server_test *t = test->priv;
	unsigned int i;

	for (i = 0; i < t->nr_servers; i++)
		if (t->servers[i] == s)
			break;
	KUNIT_ASSERT_LT(test, i, t->nr_servers);
	t->servers[i] = t->servers[--t->nr_servers];
	todo_server_put(s);
}

/* A list's server that stays idle: created, given an entry, put. */
static struct todo_server *idle_server(struct kunit *test, u32 owner,
				       const char *name)
{
	struct todo_server *s;
	struct todo_key key;
	struct todo_msg *msg;

	KUNIT_ASSERT_EQ(test, todo_key_init(&key, owner, name, strlen(name)),
			0);
	s = todo_cache_get_or_create(&key, false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	msg = msg_add(test, 20181219, name);
	KUNIT_EXPECT_EQ(test, todo_server_call(s, msg), 0);
	todo_msg_put(msg);
	/* The answer comes before the thread is done with the message. */
	while (todo_mailbox_handling(&s->mbox))
		usleep_range(1000, 2000);
	todo_server_put(s);
	return s;	/* only to compare with; the table holds it */
}

/* Is the list @name of @owner live now? */
static bool live(u32 owner, const char *name)
{
	struct todo_server *s;
	struct todo_key key;

	todo_key_init(&key, owner, name, strlen(name));
	s = todo_cache_get_live(&key);
	todo_server_put(s);
	return s;
}

/* Drop a list, live or stored, so that the case leaves nothing behind. */
static void drop(struct kunit *test, u32 owner, const char *name)
{
	struct todo_server *s;
	struct todo_key key;

	todo_key_init(&key, owner, name, strlen(name));
	s = todo_cache_get_stored(&key);
	if (IS_ERR_OR_NULL(s))
		return;
	KUNIT_EXPECT_EQ(test, call_op(test, s, TODO_OP_DROP), 0);
	todo_server_put(s);
}

/*
 * With max_servers live, a new list evicts the least recently used idle
 * server, which stores its list first: nothing is lost, and the list comes
 * back, loaded from its file, when next used.
 */
static void todo_cache_evicts_lru(struct kunit *test)
{
	struct todo_cache_stats before, after;
	const u32 owner = OWNER + 20;
	struct todo_server *s;
	struct todo_key key;

	todo_cache_quiesce();
	todo_cache_stats(&before);
	todo_max_servers.val = todo_cache_nr_servers() + 2;
	idle_server(test, owner, "a");
	idle_server(test, owner, "b");
	KUNIT_EXPECT_TRUE(test, live(owner, "a"));	/* a is used again */

	idle_server(test, owner, "c");
	KUNIT_EXPECT_TRUE(test, live(owner, "a"));
	KUNIT_EXPECT_TRUE(test, live(owner, "c"));
	todo_key_init(&key, owner, "b", 1);
	KUNIT_EXPECT_FALSE(test, live(owner, "b"));
	KUNIT_EXPECT_TRUE(test, todo_db_exists(&key));
	KUNIT_EXPECT_LE(test, todo_cache_nr_servers(),
			todo_param(&todo_max_servers));

	/* b comes back with its entry, evicting the least used of a, c. */
	s = todo_cache_get_stored(&key);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	KUNIT_EXPECT_STREQ(test, titles(test, s), "b");
	todo_server_put(s);
	KUNIT_EXPECT_FALSE(test, live(owner, "a"));
	KUNIT_EXPECT_TRUE(test, live(owner, "c"));
	todo_cache_stats(&after);
	KUNIT_EXPECT_EQ(test, after.evictions, before.evictions + 2);

	drop(test, owner, "a");
	drop(test, owner, "b");
	drop(test, owner, "c");
}

/*
 * Only idle servers are evicted: one a client holds, or with messages
 * waiting, is busy; when all are busy a new list is refused at once.
 */
static void todo_cache_busy_refused(struct kunit *test)
{
	struct todo_cache_stats before, after;
	const u32 owner = OWNER + 21;
	struct completion *held;
	struct todo_server *a;
	struct todo_key key;

	todo_cache_quiesce();
	todo_cache_stats(&before);
	todo_max_servers.val = todo_cache_nr_servers() + 1;
	a = server(test, owner, "held");	/* referenced: busy */
	todo_key_init(&key, owner, "new", 3);
	KUNIT_EXPECT_PTR_EQ(test, todo_cache_get_or_create(&key, false),
			    ERR_PTR(-EBUSY));

	/* Unreferenced, but with a cast waiting behind a long one. */
	held = hold(test, a);
	KUNIT_EXPECT_EQ(test, cast_add(test, a, 20181219, "waiting"), 0);
	t_put_server(test, a);
	KUNIT_EXPECT_PTR_EQ(test, todo_cache_get_or_create(&key, false),
			    ERR_PTR(-EBUSY));
	complete(held);
	todo_cache_stats(&after);
	KUNIT_EXPECT_EQ(test, after.busy, before.busy + 2);
	KUNIT_EXPECT_EQ(test, after.evictions, before.evictions);
	KUNIT_EXPECT_TRUE(test, live(owner, "held"));
	drop(test, owner, "held");
}

/*
 * The client that evicts waits for the victim's last store, within its
 * time: past it, it fails with -ETIMEDOUT and leaves no slot taken; the
 * victim stops when its store is done, with the list on disk.
 */
static void todo_cache_evict_waits_for_store(struct kunit *test)
{
	const u32 owner = OWNER + 22;
	struct todo_server *s;
	struct todo_msg *msg;
	struct todo_key key;
	unsigned int base;
	int i;

	todo_cache_quiesce();
	base = todo_cache_nr_servers();
	todo_max_servers.val = base + 1;
	idle_server(test, owner, "slow");
	todo_store_delay_ms.val = 500;
	s = server(test, owner, "slow");	/* a change, stored slowly */
	msg = msg_add(test, 20181220, "second");
	KUNIT_EXPECT_EQ(test, todo_server_call(s, msg), 0);
	todo_msg_put(msg);
	t_put_server(test, s);

	todo_call_timeout_ms.val = 50;
	todo_key_init(&key, owner, "next", 4);
	KUNIT_EXPECT_PTR_EQ(test, todo_cache_get_or_create(&key, false),
			    ERR_PTR(-ETIMEDOUT));
	KUNIT_EXPECT_FALSE(test, live(owner, "slow"));	/* retiring */
	for (i = 0; i < 100 && todo_cache_nr_servers() > base; i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, todo_cache_nr_servers(), base);

	todo_store_delay_ms.val = 0;
	todo_call_timeout_ms.val = 5000;
	todo_key_init(&key, owner, "slow", 4);
	s = todo_cache_get_stored(&key);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	KUNIT_EXPECT_STREQ(test, titles(test, s), "slow|second");
	todo_server_put(s);
	drop(test, owner, "slow");
}

struct todo_grabber {
	u32 owner;
	struct completion done;
	struct todo_server **all;
	int n;
};

static int todo_grabber_fn(void *data)
{
	struct todo_grabber *g = data;

	long timeout = msecs_to_jiffies(todo_param(&todo_call_timeout_ms));

	g->n = todo_cache_get_owner_live(g->owner, &g->all, &timeout, NULL);
	complete(&g->done);
	return 0;
}

/*
 * Grabbing an owner's servers (what a sync of all lists does) waits for a
 * server caught retiring, and includes it if it stays (its store failed).
 * The case plays the server's part in the retirement.
 */
static void todo_cache_get_owner_live_waits_for_retiring(struct kunit *test)
{
	struct todo_grabber g = { .owner = OWNER + 6 };
	struct todo_server *s = server(test, OWNER + 6, "settle");
	struct task_struct *task;
	bool began, early;
	int i;

	init_completion(&g.done);
	todo_server_put(s);	/* the table's is now the only reference */
	began = todo_cache_retire_begin(s, true);
	KUNIT_EXPECT_TRUE(test, began);
	task = kthread_run(todo_grabber_fn, &g, "todo-grabber");
	if (!IS_ERR(task))
		msleep(100);
	early = completion_done(&g.done);
	/* With no time left, a grab does not wait at all. */
	if (began) {
		struct todo_server **none = NULL;
		struct netlink_ext_ack extack = {};
		long no_time = 0;

		KUNIT_EXPECT_EQ(test,
				todo_cache_get_owner_live(OWNER + 6, &none,
							  &no_time, &extack),
				-ETIMEDOUT);
		KUNIT_EXPECT_NULL(test, none);
		/* Described where found: the wait for the retiring server. */
		KUNIT_EXPECT_STREQ(test, extack._msg,
				   "the list's stopping server did not finish storing it in time (call_timeout_ms)");
	}
	if (began)
		todo_cache_retire_abort(s);
	refcount_inc(&s->ref);	/* the case's again, put by the exit */
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	wait_for_completion(&g.done);
	KUNIT_EXPECT_FALSE(test, early);
	KUNIT_EXPECT_EQ(test, g.n, 1);
	if (g.n == 1)
		KUNIT_EXPECT_PTR_EQ(test, g.all[0], s);
	for (i = 0; i < g.n; i++)
		todo_server_put(g.all[i]);
	kvfree(g.all);
}

/* Lists of one owner, with statistics, sorted by name. */
static void todo_cache_lists_snapshot(struct kunit *test)
{
	struct todo_list_info infos[4];
	struct todo_server *s;
	int n;

	server(test, OWNER + 4, "zeta");
	s = server(test, OWNER + 4, "alpha");
	KUNIT_EXPECT_EQ(test, cast_add(test, s, 20181219, "x"), 0);
	KUNIT_EXPECT_EQ(test, call_op(test, s, TODO_OP_PING), 0);
	n = todo_cache_lists(OWNER + 4, NULL, infos, ARRAY_SIZE(infos));
	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_STREQ(test, infos[0].key.name, "alpha");
	KUNIT_EXPECT_EQ(test, infos[0].entries, 1);
	KUNIT_EXPECT_EQ(test, infos[0].next_id, 2);
	KUNIT_EXPECT_EQ(test, infos[0].casts, 1);
	KUNIT_EXPECT_TRUE(test, infos[0].alive);
	KUNIT_EXPECT_STREQ(test, infos[1].key.name, "zeta");
	KUNIT_EXPECT_EQ(test, infos[1].entries, 0);
	KUNIT_EXPECT_EQ(test, todo_cache_lists(OWNER + 5, NULL, infos,
					       ARRAY_SIZE(infos)), 0);
}

/* A list with a file and no server: stored by its server's stop. */
static void stored(struct kunit *test, u32 owner, const char *name)
{
	struct todo_server *s;
	struct todo_key key;

	idle_server(test, owner, name);
	todo_key_init(&key, owner, name, strlen(name));
	s = todo_cache_get_live(&key);
	KUNIT_ASSERT_NOT_NULL(test, s);
	todo_cache_remove(s);
	todo_server_put(s);
	KUNIT_ASSERT_TRUE(test, todo_db_exists(&key));
}

/* The names of the next page of lists after @after, joined with '|'. */
static const char *page(struct kunit *test, u32 owner, const char *after,
			unsigned int max)
{
	char *buf = kunit_kzalloc(test, 512, GFP_KERNEL);
	struct todo_list_info infos[4];
	struct todo_key key;
	size_t len = 0;
	int n, i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_LE(test, max, ARRAY_SIZE(infos));
	if (after)
		todo_key_init(&key, owner, after, strlen(after));
	n = todo_cache_lists(owner, after ? &key : NULL, infos, max);
	KUNIT_ASSERT_GE(test, n, 0);
	for (i = 0; i < n; i++)
		len += scnprintf(buf + len, 512 - len, "%s%s%s",
				 i ? "|" : "", infos[i].key.name,
				 infos[i].alive ? "+" : "");
	return buf;
}

/*
 * A server just started counts as used: the first eviction after it takes
 * an older idle one, even one used once since.
 */
static void todo_cache_new_server_kept(struct kunit *test)
{
	const u32 owner = OWNER + 24;

	todo_cache_quiesce();
	todo_max_servers.val = todo_cache_nr_servers() + 3;
	idle_server(test, owner, "a");
	idle_server(test, owner, "b");
	KUNIT_EXPECT_TRUE(test, live(owner, "a"));
	KUNIT_EXPECT_TRUE(test, live(owner, "b"));
	idle_server(test, owner, "c");	/* started last */
	idle_server(test, owner, "d");	/* evicts one */
	KUNIT_EXPECT_TRUE(test, live(owner, "c"));
	KUNIT_EXPECT_FALSE(test, live(owner, "a"));
	drop(test, owner, "a");
	drop(test, owner, "b");
	drop(test, owner, "c");
	drop(test, owner, "d");
}

/* A request refused for the owner's quota evicts nobody. */
static void todo_cache_quota_before_eviction(struct kunit *test)
{
	const u32 owner = OWNER + 25, other = OWNER + 26;
	struct todo_cache_stats before, after;
	struct todo_key key;

	todo_cache_quiesce();
	stored(test, owner, "mine");
	idle_server(test, other, "bystander");
	todo_max_lists_per_user.val = todo_quota_lists(owner);
	todo_max_servers.val = todo_cache_nr_servers();
	todo_cache_stats(&before);
	todo_key_init(&key, owner, "new", 3);
	KUNIT_EXPECT_PTR_EQ(test, todo_cache_get_or_create(&key, false),
			    ERR_PTR(-EDQUOT));
	todo_cache_stats(&after);
	KUNIT_EXPECT_EQ(test, after.evictions, before.evictions);
	KUNIT_EXPECT_TRUE(test, live(other, "bystander"));
	todo_max_servers.val = todo_cache_nr_servers() + 1;
	drop(test, owner, "mine");
	drop(test, other, "bystander");
}

struct todo_opener {
	struct todo_key key;
	struct completion *go;
	struct completion done;
	struct todo_server *got;
};

static int todo_opener_fn(void *data)
{
	struct todo_opener *o = data;

	wait_for_completion(o->go);
	o->got = todo_cache_get_stored(&o->key);
	complete(&o->done);
	return 0;
}

/*
 * Four clients open one stored list at once while max_servers run, each
 * idle server with a slow store: one server is evicted, not four, and all
 * four clients get the one new server.
 */
static void todo_cache_same_list_evicts_once(struct kunit *test)
{
	static const char *const names[] = { "v0", "v1", "v2", "v3" };
	const u32 owner = OWNER + 27, other = OWNER + 28;
	struct todo_cache_stats before, after;
	struct todo_opener o[4];
	struct todo_server *s;
	struct todo_msg *msg;
	struct completion go;
	unsigned int i, nlive = 0;

	todo_cache_quiesce();
	stored(test, owner, "cold");
	for (i = 0; i < 4; i++)
		idle_server(test, other, names[i]);
	todo_store_delay_ms.val = 300;
	for (i = 0; i < 4; i++) {
		s = server(test, other, names[i]);
		msg = msg_add(test, 20181220, "slow");
		KUNIT_EXPECT_EQ(test, todo_server_call(s, msg), 0);
		todo_msg_put(msg);
		while (todo_mailbox_handling(&s->mbox))
			usleep_range(1000, 2000);
		t_put_server(test, s);
	}
	todo_max_servers.val = todo_cache_nr_servers();
	todo_cache_stats(&before);

	init_completion(&go);
	for (i = 0; i < 4; i++) {
		todo_key_init(&o[i].key, owner, "cold", 4);
		o[i].go = &go;
		init_completion(&o[i].done);
		KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(todo_opener_fn,
							    &o[i],
							    "todo-opener")));
	}
	complete_all(&go);
	for (i = 0; i < 4; i++)
		wait_for_completion(&o[i].done);
	todo_cache_quiesce();
	todo_cache_stats(&after);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_FALSE(test, IS_ERR_OR_NULL(o[i].got));
		KUNIT_EXPECT_PTR_EQ(test, o[i].got, o[0].got);
		if (!IS_ERR_OR_NULL(o[i].got))
			todo_server_put(o[i].got);
		nlive += live(other, names[i]);
	}
	KUNIT_EXPECT_EQ(test, after.evictions, before.evictions + 1);
	KUNIT_EXPECT_EQ(test, nlive, 3);

	todo_store_delay_ms.val = 0;
	todo_max_servers.val = todo_cache_nr_servers() + 1;
	drop(test, owner, "cold");
	for (i = 0; i < 4; i++)
		drop(test, other, names[i]);
}

/*
 * Lists come in pages, by name, live ("+") and stored merged, each name
 * once; a page resumes after the last name of the one before, so a list
 * added meanwhile after that name is included, and none twice.
 */
static void todo_cache_lists_pages(struct kunit *test)
{
	const u32 owner = OWNER + 23;
	struct todo_server *s;
	struct todo_key key;

	stored(test, owner, "a");
	server(test, owner, "b");
	stored(test, owner, "c");
	server(test, owner, "d");
	stored(test, owner, "e");
	stored(test, owner, "f");
	/* f is live again, and stored: once, live. */
	todo_key_init(&key, owner, "f", 1);
	s = todo_cache_get_stored(&key);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	todo_server_put(s);

	KUNIT_EXPECT_STREQ(test, page(test, owner, NULL, 2), "a|b+");
	server(test, owner, "bb");
	server(test, owner, "0");	/* before the point: not seen */
	KUNIT_EXPECT_STREQ(test, page(test, owner, "b", 2), "bb+|c");
	KUNIT_EXPECT_STREQ(test, page(test, owner, "c", 2), "d+|e");
	KUNIT_EXPECT_STREQ(test, page(test, owner, "e", 2), "f+");
	KUNIT_EXPECT_STREQ(test, page(test, owner, "f", 2), "");
	KUNIT_EXPECT_STREQ(test, page(test, owner, NULL, 4), "0+|a|b+|bb+");

	drop(test, owner, "a");
	drop(test, owner, "c");
	drop(test, owner, "e");
	drop(test, owner, "f");
}

static struct kunit_case todo_server_test_cases[] = {
	KUNIT_CASE(todo_server_cast_then_call),
	KUNIT_CASE(todo_server_call_and_cast),
	KUNIT_CASE(todo_server_mailbox_order),
	KUNIT_CASE(todo_server_call_timeout),
	KUNIT_CASE(todo_server_timeout_while_handled),
	KUNIT_CASE(todo_server_caller_killed),
	KUNIT_CASE(todo_server_bounded_mailbox),
	KUNIT_CASE(todo_server_mailbox_close),
	KUNIT_CASE(todo_server_read_cursor),
	KUNIT_CASE(todo_cache_same_and_different),
	KUNIT_CASE(todo_cache_create_race),
	KUNIT_CASE(todo_cache_limits),
	KUNIT_CASE(todo_cache_evicts_lru),
	KUNIT_CASE(todo_cache_busy_refused),
	KUNIT_CASE(todo_cache_evict_waits_for_store),
	KUNIT_CASE(todo_cache_lists_snapshot),
	KUNIT_CASE(todo_cache_lists_pages),
	KUNIT_CASE(todo_cache_new_server_kept),
	KUNIT_CASE(todo_cache_quota_before_eviction),
	KUNIT_CASE(todo_cache_same_list_evicts_once),
	KUNIT_CASE(todo_cache_get_owner_live_waits_for_retiring),
	{}
};

static struct kunit_suite todo_server_suite = {
	.name = "todo_server",
	.init = todo_server_test_init,
	.exit = todo_server_test_exit,
	.test_cases = todo_server_test_cases,
};

kunit_test_suite(todo_server_suite);
