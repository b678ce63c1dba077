// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the database pool and persistence, on the module's real db_dir
 * (the VM's scratch disk).  Owners from 4100000 are nobody's.  Ports the
 * book's 1st-edition DatabaseWorker and pooling tests, and checks the
 * two-phase start, store coalescing, sync and idle expiry.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "cache.h"
#include "codec.h"
#include "database.h"
#include "message.h"
#include "name.h"
#include "params.h"
#include "quota.h"
#include "server.h"
#include "store.h"

#define OWNER	4100000U

static struct todo_uint_param *const todo_db_saved_params[] = {
	&todo_idle_timeout, &todo_load_delay_ms, &todo_call_timeout_ms,
	&todo_store_delay_ms,
};

struct todo_db_test {
	unsigned int saved[ARRAY_SIZE(todo_db_saved_params)];
	struct todo_server *servers[4];
	unsigned int nr_servers;
};

static int todo_db_test_init(struct kunit *test)
{
	struct todo_db_test *t;
	unsigned int i;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	for (i = 0; i < ARRAY_SIZE(todo_db_saved_params); i++)
		t->saved[i] = todo_db_saved_params[i]->val;
	test->priv = t;
	return 0;
}

static void todo_db_test_exit(struct kunit *test)
{
	struct todo_db_test *t = test->priv;
	unsigned int i;

	for (i = 0; i < t->nr_servers; i++) {
		todo_cache_remove(t->servers[i]);
		todo_server_put(t->servers[i]);
	}
	for (i = 0; i < ARRAY_SIZE(todo_db_saved_params); i++)
		todo_db_saved_params[i]->val = t->saved[i];
}

static struct todo_key *key(struct kunit *test, u32 owner, const char *name)
{
	struct todo_key *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, k);
	KUNIT_ASSERT_EQ(test, todo_key_init(k, owner, name, strlen(name)), 0);
	return k;
}

/* Remove and put @s when the case ends. */
static struct todo_server *track(struct kunit *test, struct todo_server *s)
{
	struct todo_db_test *t = test->priv;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	KUNIT_ASSERT_LT(test, t->nr_servers, ARRAY_SIZE(t->servers));
	t->servers[t->nr_servers++] = s;
	return s;
}

static struct todo_server *server(struct kunit *test, struct todo_key *k)
{
	return track(test, todo_cache_get_or_create(k, false));
}

static int send_add(struct todo_server *s, bool cast, u32 date,
		    const char *title, u32 *id)
{
	struct todo_msg *msg = todo_msg_alloc(TODO_OP_ADD, title,
					      strlen(title));
	int err;

	if (!msg)
		return -ENOMEM;
	msg->has_date = true;
	msg->date = date;
	err = cast ? todo_server_cast(s, msg, NULL) : todo_server_call(s, msg);
	if (id)
		*id = msg->id;
	todo_msg_put(msg);
	return err;
}

/* Drop a list as the DROP command does: through its server. */
static int drop(struct todo_key *k)
{
	struct todo_server *s = todo_cache_get_stored(k);
	struct todo_msg *msg;
	int err;

	if (IS_ERR_OR_NULL(s))
		return s ? PTR_ERR(s) : -ESRCH;
	msg = todo_msg_alloc(TODO_OP_DROP, NULL, 0);
	err = msg ? todo_server_call(s, msg) : -ENOMEM;
	todo_msg_put(msg);
	todo_server_put(s);
	return err;
}

static int call(struct todo_server *s, enum todo_op op)
{
	struct todo_msg *msg = todo_msg_alloc(op, NULL, 0);
	int err;

	if (!msg)
		return -ENOMEM;
	err = todo_server_call(s, msg);
	todo_msg_put(msg);
	return err;
}

/* "id/date/title ..." of a list, in id order. */
static const char *dump(struct kunit *test, struct todo_list *list)
{
	char *buf = kunit_kzalloc(test, 512, GFP_KERNEL);
	struct todo_entry *e;
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = scnprintf(buf, 512, "next %u:", list->next_id);
	for (e = todo_list_next(list, 0); e; e = todo_list_next(list, e->id))
		len += scnprintf(buf + len, 512 - len, " %u/%u/%s", e->id,
				 e->date, e->title);
	return buf;
}

/* Load @k from disk into a fresh list. */
static const char *load(struct kunit *test, struct todo_key *k)
{
	const char *why = NULL;
	struct todo_list list;
	const char *text;

	todo_list_init(&list, 1000, 256, TODO_CODEC_MAX_SIZE);
	KUNIT_EXPECT_EQ(test, todo_db_load(k, &list, &why), 0);
	text = dump(test, &list);
	todo_list_destroy(&list);
	return text;
}

/* 1st edition: get of a missing key is nil and creates no file. */
static void todo_db_missing_key(struct kunit *test)
{
	struct todo_key *k = key(test, OWNER, "missing");

	KUNIT_EXPECT_EQ(test, todo_db_exists(k), 0);
	KUNIT_EXPECT_STREQ(test, load(test, k), "next 1:");
	KUNIT_EXPECT_EQ(test, todo_db_exists(k), 0);
}

/* How many times the worker handed a test's store back. */
static atomic_t todo_db_store_dones = ATOMIC_INIT(0);

static void todo_db_store_fn(struct todo_store *st)
{
	atomic_inc(&todo_db_store_dones);
}

/* Let the worker be done with a test's store before it is freed. */
static void todo_db_store_cleanup(void *st)
{
	todo_store_discard(st, -ESHUTDOWN, NULL);
}

/*
 * A store state on the heap, drained when the test ends, however it ends:
 * a test that fails leaves none queued on a worker.
 */
static struct todo_store *new_store(struct kunit *test, struct todo_key *k)
{
	struct todo_store *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, st);
	todo_store_init(st, k, todo_db_store_fn);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							todo_db_store_cleanup,
							st), 0);
	return st;
}

/* Whether the worker has taken @st's snapshot and is writing it. */
static bool taken(struct todo_store *st)
{
	bool ret;

	spin_lock(&st->lock);
	ret = st->queued && st->busy && !st->buf;
	spin_unlock(&st->lock);
	return ret;
}

static void store(struct kunit *test, struct todo_store *st,
		  struct todo_key *k, struct todo_list *list, u64 gen)
{
	size_t len;
	void *buf;

	KUNIT_ASSERT_EQ(test, todo_codec_encode(k, list, &buf, &len), 0);
	todo_store_submit(st, buf, len, gen);
}

/*
 * Add an entry to @list and submit its snapshot as generation @gen; with
 * @wait, return once the worker has taken it and is writing it.
 */
static void add_store(struct kunit *test, struct todo_store *st,
		      struct todo_key *k, struct todo_list *list, u64 gen,
		      bool wait)
{
	unsigned int i;
	u32 id;

	KUNIT_ASSERT_EQ(test, todo_list_add(list, 20181218 + gen, "entry", 5,
					    &id, NULL), 0);
	store(test, st, k, list, gen);
	for (i = 0; wait && i < 1000 && !taken(st); i++)
		usleep_range(500, 1000);
	if (wait)
		KUNIT_ASSERT_TRUE(test, taken(st));
}

/* Write a list holding one entry, 1/20181219/stored, as @k's file. */
static void store_one(struct kunit *test, struct todo_key *k)
{
	struct todo_store *st = new_store(test, k);
	struct todo_list list;
	u32 id;

	todo_list_init(&list, 1000, 256, TODO_CODEC_MAX_SIZE);
	KUNIT_ASSERT_EQ(test, todo_list_add(&list, 20181219, "stored", 6,
					    &id, NULL), 0);
	store(test, st, k, &list, 1);
	todo_store_flush(st, -ESHUTDOWN, NULL);
	todo_list_destroy(&list);
}

/* 1st edition: store then get returns what was stored, next_id included. */
static void todo_db_store_then_load(struct kunit *test)
{
	struct todo_key *k = key(test, OWNER, "stored");
	struct todo_store *st = new_store(test, k);
	struct todo_list list;
	u32 id;

	todo_list_init(&list, 1000, 256, TODO_CODEC_MAX_SIZE);
	KUNIT_ASSERT_EQ(test, todo_list_add(&list, 20181219, "Dentist", 7,
					    &id, NULL), 0);
	KUNIT_ASSERT_EQ(test, todo_list_add(&list, 20181220, "Shopping", 8,
					    &id, NULL), 0);
	KUNIT_ASSERT_EQ(test, todo_list_delete(&list, 1), 0);
	store(test, st, k, &list, 1);
	todo_store_flush(st, -ESHUTDOWN, NULL);
	KUNIT_EXPECT_EQ(test, st->writes, 1);
	KUNIT_EXPECT_EQ(test, st->err, 0);
	KUNIT_EXPECT_EQ(test, todo_store_durable_gen(st), 1);
	KUNIT_EXPECT_EQ(test, todo_db_exists(k), 1);
	KUNIT_EXPECT_STREQ(test, load(test, k), "next 3: 2/20181220/Shopping");
	todo_list_destroy(&list);
}

/* Pooling: one key, one worker, every time; the test's keys use them all. */
static void todo_db_pool_affinity(struct kunit *test)
{
	unsigned int used = 0, i, w;
	char name[16];

	for (i = 0; i < 30; i++) {
		scnprintf(name, sizeof(name), "list-%u", i);
		w = todo_db_worker_of(key(test, OWNER, name));
		KUNIT_EXPECT_EQ(test, todo_db_worker_of(key(test, OWNER, name)),
				w);
		used |= 1U << w;
	}
	KUNIT_EXPECT_EQ(test, todo_db_worker_of(key(test, OWNER, "a")),
			todo_db_worker_of(key(test, OWNER, "a")));
	/* db_workers is 3 by default: all three serve some key. */
	KUNIT_EXPECT_EQ(test, used, 7);
}

/* Stores of one list coalesce; the file ends with the last snapshot. */
static void todo_db_order_and_coalescing(struct kunit *test)
{
	struct todo_key *k = key(test, OWNER, "order");
	struct todo_store *st = new_store(test, k);
	struct todo_list list;
	char title[8];
	unsigned int i;
	u32 id;

	todo_list_init(&list, 1000, 256, TODO_CODEC_MAX_SIZE);
	for (i = 1; i <= 20; i++) {
		scnprintf(title, sizeof(title), "v%u", i);
		KUNIT_ASSERT_EQ(test, todo_list_add(&list, 20181219, title,
						    strlen(title), &id, NULL),
				0);
		store(test, st, k, &list, i);
	}
	todo_store_flush(st, -ESHUTDOWN, NULL);
	KUNIT_EXPECT_EQ(test, todo_store_durable_gen(st), 20);
	KUNIT_EXPECT_LE(test, st->writes, 20);
	KUNIT_EXPECT_GE(test, st->writes, 1);
	KUNIT_EXPECT_EQ(test, todo_list_size(&list), 20);
	KUNIT_EXPECT_STREQ(test, load(test, k), dump(test, &list));
	todo_list_destroy(&list);
}

/*
 * A snapshot submitted while the worker writes the last one is written
 * next, by the same store going round the queue again; a discard while
 * it is written leaves nothing to write after it.
 */
static void todo_db_requeue_and_discard(struct kunit *test)
{
	struct todo_key *k = key(test, OWNER, "requeue");
	struct todo_store *st = new_store(test, k);
	struct todo_list list;
	int dones;

	todo_store_delay_ms.val = 300;
	todo_list_init(&list, 1000, 256, TODO_CODEC_MAX_SIZE);
	add_store(test, st, k, &list, 1, true);
	add_store(test, st, k, &list, 2, false);
	todo_store_flush(st, -ESHUTDOWN, NULL);
	KUNIT_EXPECT_EQ(test, st->writes, 2);
	KUNIT_EXPECT_EQ(test, todo_store_durable_gen(st), 2);
	KUNIT_EXPECT_FALSE(test, st->queued);
	KUNIT_EXPECT_FALSE(test, todo_store_busy(st));
	KUNIT_EXPECT_STREQ(test, load(test, k), dump(test, &list));

	/* Generation 3 is being written when 4 comes and is discarded. */
	add_store(test, st, k, &list, 3, true);
	dones = atomic_read(&todo_db_store_dones);
	add_store(test, st, k, &list, 4, false);
	todo_store_discard(st, -ESHUTDOWN, NULL);
	KUNIT_EXPECT_EQ(test, st->writes, 3);
	KUNIT_EXPECT_EQ(test, todo_store_durable_gen(st), 3);
	KUNIT_EXPECT_FALSE(test, st->queued);
	KUNIT_EXPECT_FALSE(test, todo_store_busy(st));
	/* Handed back once, for generation 3; 4 was never queued again. */
	KUNIT_EXPECT_EQ(test, atomic_read(&todo_db_store_dones) - dones, 1);
	todo_list_destroy(&list);
}

/* A waiter that counts its answers. */
struct counted_waiter {
	struct todo_store_waiter w;
	int answers;
	int err;
};

static void counted_done(struct todo_store_waiter *w, int err)
{
	struct counted_waiter *c = container_of(w, struct counted_waiter, w);

	c->answers++;
	c->err = err;
}

/*
 * Each waiter is answered exactly once: by the store that makes its
 * generation durable, by a cancel while parked (and not again by the
 * store, nor by a second cancel), at once when already durable or
 * abandoned, and by a flush with its error when no store will come.
 */
static void todo_store_waiters_answered_once(struct kunit *test)
{
	struct todo_key *k = key(test, OWNER, "waiters");
	struct todo_store *st = new_store(test, k);
	struct counted_waiter c[5] = {};
	struct todo_list list;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		c[i].w.done = counted_done;
	todo_store_delay_ms.val = 300;
	todo_list_init(&list, 1000, 256, TODO_CODEC_MAX_SIZE);
	add_store(test, st, k, &list, 1, true);

	todo_store_wait(st, &c[0].w, 1);
	todo_store_wait(st, &c[1].w, 1);
	todo_store_wait(st, &c[4].w, 2);	/* never stored */
	KUNIT_EXPECT_TRUE(test, c[0].w.parked && c[1].w.parked);
	WRITE_ONCE(c[1].w.abandoned, true);
	KUNIT_EXPECT_TRUE(test, todo_store_cancel(st, &c[1].w));
	KUNIT_EXPECT_FALSE(test, todo_store_cancel(st, &c[1].w));
	KUNIT_EXPECT_EQ(test, c[1].answers, 1);
	KUNIT_EXPECT_EQ(test, c[1].err, -ECANCELED);

	todo_store_drain(st);
	KUNIT_EXPECT_EQ(test, todo_store_durable_gen(st), 1);
	KUNIT_EXPECT_EQ(test, c[0].answers, 1);
	KUNIT_EXPECT_EQ(test, c[0].err, 0);
	KUNIT_EXPECT_EQ(test, c[1].answers, 1);
	KUNIT_EXPECT_FALSE(test, c[0].w.parked);
	KUNIT_EXPECT_TRUE(test, c[4].w.parked);

	/* Durable already, or abandoned before parking: answered at once. */
	todo_store_wait(st, &c[2].w, 1);
	KUNIT_EXPECT_EQ(test, c[2].answers, 1);
	WRITE_ONCE(c[3].w.abandoned, true);
	todo_store_wait(st, &c[3].w, 2);
	KUNIT_EXPECT_EQ(test, c[3].answers, 1);
	KUNIT_EXPECT_FALSE(test, c[3].w.parked);

	todo_store_flush(st, -ESHUTDOWN, NULL);
	KUNIT_EXPECT_EQ(test, c[4].answers, 1);
	KUNIT_EXPECT_EQ(test, c[4].err, -ESHUTDOWN);
	todo_store_flush(st, -ESHUTDOWN, NULL);
	for (i = 0; i < ARRAY_SIZE(c); i++)
		KUNIT_EXPECT_EQ(test, c[i].answers, 1);
	todo_list_destroy(&list);
}

/* Two-phase start: requests sent during a slow load wait, in order. */
static void todo_db_two_phase_start(struct kunit *test)
{
	struct todo_key *k = key(test, OWNER, "two-phase");
	struct todo_server *s;
	struct todo_msg *msg;
	struct todo_copy *c;
	u32 id = 0;

	store_one(test, k);

	todo_load_delay_ms.val = 1000;
	s = server(test, k);
	KUNIT_EXPECT_EQ(test, send_add(s, true, 20181220, "early cast", NULL),
			0);
	KUNIT_EXPECT_EQ(test, send_add(s, false, 20181221, "early call",
				       &id), 0);
	KUNIT_EXPECT_EQ(test, id, 3);

	msg = todo_msg_alloc(TODO_OP_READ, NULL, 0);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	msg->buf_size = 4096;
	KUNIT_ASSERT_EQ(test, todo_server_call(s, msg), 0);
	c = todo_copy_next(msg, NULL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, c->id, 1);
	c = todo_copy_next(msg, c);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, c->id, 2);
	KUNIT_EXPECT_EQ(test, c->date, 20181220);
	todo_msg_put(msg);
}

/*
 * A burst of casts to one list is coalesced into far fewer file writes;
 * a sync then makes the last state durable.  Reports the figure.
 */
static void todo_db_burst_coalesced(struct kunit *test)
{
	struct todo_server *s = server(test, key(test, OWNER, "burst"));
	unsigned int i, refused = 0;
	u64 writes;

	for (i = 1; i <= 10000; i++) {
		if (send_add(s, true, 20181219, "burst", NULL))
			refused++;
		if (i % 512 == 0)
			KUNIT_ASSERT_EQ(test, call(s, TODO_OP_PING), 0);
	}
	KUNIT_EXPECT_EQ(test, refused, 0);
	KUNIT_EXPECT_EQ(test, call(s, TODO_OP_SYNC), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(s->entries), 10000);
	KUNIT_EXPECT_EQ(test, todo_store_durable_gen(&s->store), s->gen);
	writes = s->store.writes;
	kunit_info(test, "10000 casts, %llu file writes", writes);
	KUNIT_EXPECT_LT(test, writes, 1000ULL);
}

/* An idle server retires after storing; the next request reloads it. */
static void todo_db_idle_expiry(struct kunit *test)
{
	struct todo_key *k = key(test, OWNER, "idle");
	struct todo_server *s;
	struct todo_copy *c;
	struct todo_msg *msg;
	unsigned int i;
	u32 id;

	todo_idle_timeout.val = 1;
	s = todo_cache_get_or_create(k, false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	KUNIT_EXPECT_EQ(test, send_add(s, false, 20181219, "kept", &id), 0);
	todo_server_put(s);
	for (i = 0; i < 100 && (s = todo_cache_get_live(k)); i++) {
		todo_server_put(s);
		msleep(100);
	}
	KUNIT_EXPECT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, todo_db_exists(k), 1);

	todo_idle_timeout.val = 0;
	s = track(test, todo_cache_get_stored(k));
	msg = todo_msg_alloc(TODO_OP_READ, NULL, 0);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	msg->buf_size = 4096;
	KUNIT_ASSERT_EQ(test, todo_server_call(s, msg), 0);
	c = todo_copy_next(msg, NULL);
	KUNIT_EXPECT_NOT_NULL(test, c);
	if (c)
		KUNIT_EXPECT_EQ(test, c->id, id);
	todo_msg_put(msg);
	KUNIT_EXPECT_EQ(test, send_add(s, false, 20181219, "next", &id), 0);
	KUNIT_EXPECT_EQ(test, id, 2);
}

/* Reads of a list that exists nowhere create nothing. */
static void todo_db_read_creates_nothing(struct kunit *test)
{
	struct todo_key *k = key(test, OWNER, "nowhere");
	unsigned int before = todo_cache_nr_servers();

	KUNIT_EXPECT_NULL(test, todo_cache_get_stored(k));
	KUNIT_EXPECT_EQ(test, todo_cache_nr_servers(), before);
	KUNIT_EXPECT_EQ(test, todo_db_exists(k), 0);
}

/*
 * A SYNC whose caller stops waiting while the SYNC is parked on a slow
 * store is withdrawn from the store, not from the mailbox: the mailbox
 * stays consistent, the list keeps working and a later SYNC completes.
 */
static void todo_db_sync_abandoned(struct kunit *test)
{
	struct todo_server *s = server(test, key(test, OWNER, "sync-gone"));
	struct todo_msg *msg;

	KUNIT_ASSERT_EQ(test, send_add(s, false, 20181219, "one", NULL), 0);
	KUNIT_ASSERT_EQ(test, call(s, TODO_OP_SYNC), 0);
	todo_store_delay_ms.val = 1000;
	/* This change starts a store that takes a second. */
	KUNIT_ASSERT_EQ(test, send_add(s, false, 20181219, "two", NULL), 0);

	todo_call_timeout_ms.val = 200;
	msg = todo_msg_alloc(TODO_OP_SYNC, NULL, 0);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	KUNIT_EXPECT_EQ(test, todo_server_call(s, msg), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, READ_ONCE(msg->state), TODO_MSG_DONE);
	KUNIT_EXPECT_EQ(test, refcount_read(&msg->ref), 1);
	KUNIT_EXPECT_EQ(test, todo_mailbox_len(&s->mbox), 0);
	spin_lock(&s->store.lock);
	KUNIT_EXPECT_TRUE(test, list_empty(&s->store.waiters));
	spin_unlock(&s->store.lock);
	todo_msg_put(msg);

	/* The list still takes casts and calls, and syncs. */
	todo_call_timeout_ms.val = 5000;
	KUNIT_EXPECT_EQ(test, send_add(s, true, 20181220, "three", NULL), 0);
	KUNIT_EXPECT_EQ(test, call(s, TODO_OP_PING), 0);
	KUNIT_EXPECT_EQ(test, todo_mailbox_len(&s->mbox), 0);
	KUNIT_EXPECT_EQ(test, call(s, TODO_OP_SYNC), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(s->entries), 3);
	KUNIT_EXPECT_EQ(test, todo_store_durable_gen(&s->store), s->gen);
}

/*
 * Stopping a server (as rmmod does) applies and stores the casts already
 * queued, even those sent while the server still loads its list.
 */
static void todo_db_stop_applies_queued(struct kunit *test)
{
	struct todo_key *k = key(test, OWNER, "stop-drains");
	struct todo_server *s;
	unsigned int i;

	todo_load_delay_ms.val = 1000;
	s = todo_cache_get_or_create(k, false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, send_add(s, true, 20181219, "q", NULL),
				0);
	KUNIT_EXPECT_EQ(test, todo_mailbox_len(&s->mbox), 3);
	KUNIT_EXPECT_TRUE(test, todo_cache_remove(s));
	KUNIT_EXPECT_EQ(test, atomic64_read(&s->casts_failed), 0);
	todo_server_put(s);
	todo_load_delay_ms.val = 0;
	KUNIT_EXPECT_STREQ(test, load(test, k),
			   "next 4: 1/20181219/q 2/20181219/q 3/20181219/q");
}

/*
 * Drop right after a burst of casts, while stores are pending: the server's
 * last store comes before the file's removal, so the list stays gone.
 */
static void todo_db_drop(struct kunit *test)
{
	struct todo_key *k = key(test, OWNER, "drop");
	struct todo_server *s;
	unsigned int i;
	u32 id;

	s = todo_cache_get_or_create(k, false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	KUNIT_EXPECT_EQ(test, send_add(s, false, 20181219, "first", &id), 0);
	for (i = 0; i < 200; i++)
		send_add(s, true, 20181219, "burst", NULL);
	todo_server_put(s);
	KUNIT_EXPECT_EQ(test, drop(k), 0);
	KUNIT_EXPECT_NULL(test, todo_cache_get_live(k));
	KUNIT_EXPECT_EQ(test, todo_db_exists(k), 0);
	KUNIT_EXPECT_STREQ(test, load(test, k), "next 1:");
	KUNIT_EXPECT_EQ(test, drop(k), -ESRCH);
	KUNIT_EXPECT_NULL(test, todo_cache_get_stored(k));

	/* A stored list without a server. */
	store_one(test, k);
	KUNIT_ASSERT_EQ(test, todo_db_exists(k), 1);
	KUNIT_EXPECT_EQ(test, drop(k), 0);
	KUNIT_EXPECT_EQ(test, todo_db_exists(k), 0);
	KUNIT_EXPECT_EQ(test, todo_db_remove(k), 0);
	KUNIT_EXPECT_STREQ(test, load(test, k), "next 1:");
}

/*
 * An owner's quota follows its lists: a new list counts from its creation;
 * a live list's bytes are its encoding, which is what its file takes once
 * stored; a change past max_bytes_per_user fails unless the sender is
 * exempt; a list that never got a file, or is dropped, counts no more.
 */
static void todo_db_quota(struct kunit *test)
{
	const u32 owner = OWNER + 20;
	struct todo_key *k = key(test, owner, "quota");
	struct todo_key *k2 = key(test, owner, "nofile");
	unsigned int saved = todo_max_bytes_per_user.val;
	struct todo_server *s, *s2;
	struct todo_msg *msg;
	u64 bytes;

	KUNIT_EXPECT_EQ(test, todo_quota_lists(owner), 0);
	KUNIT_EXPECT_EQ(test, todo_quota_bytes(owner), 0);
	s = todo_cache_get_or_create(k, false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	KUNIT_EXPECT_EQ(test, todo_quota_lists(owner), 1);
	KUNIT_EXPECT_EQ(test, send_add(s, false, 20181219, "first", NULL), 0);
	KUNIT_EXPECT_EQ(test, call(s, TODO_OP_SYNC), 0);
	bytes = todo_quota_bytes(owner);
	KUNIT_EXPECT_GT(test, bytes, 0);
	KUNIT_EXPECT_EQ(test, bytes, (u64)todo_db_size(k));

	/* Room for the encoding as it is, and 4 bytes more. */
	WRITE_ONCE(todo_max_bytes_per_user.val, bytes + 4);
	KUNIT_EXPECT_EQ(test, send_add(s, false, 20181219, "second", NULL),
			-EDQUOT);
	KUNIT_EXPECT_EQ(test, todo_quota_bytes(owner), bytes);
	msg = todo_msg_alloc(TODO_OP_ADD, "exempt", 6);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	msg->has_date = true;
	msg->date = 20181219;
	msg->exempt = true;
	KUNIT_EXPECT_EQ(test, todo_server_call(s, msg), 0);
	todo_msg_put(msg);
	KUNIT_EXPECT_GT(test, todo_quota_bytes(owner), bytes + 4);
	WRITE_ONCE(todo_max_bytes_per_user.val, saved);

	/* A new list that ends without a file counts no more. */
	s2 = todo_cache_get_or_create(k2, false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s2);
	KUNIT_EXPECT_EQ(test, todo_quota_lists(owner), 2);
	KUNIT_EXPECT_EQ(test, todo_cache_remove(s2), 1);
	todo_server_put(s2);
	KUNIT_EXPECT_EQ(test, todo_quota_lists(owner), 1);

	todo_server_put(s);
	KUNIT_EXPECT_EQ(test, drop(k), 0);
	KUNIT_EXPECT_EQ(test, todo_quota_lists(owner), 0);
	KUNIT_EXPECT_EQ(test, todo_quota_bytes(owner), 0);
}

/**
 * struct todo_dropper - A drop run from a thread of its own.
 * @key: the list.
 * @err: what the drop returned.
 * @done: completed when it returned.
 */
struct todo_dropper {
	struct todo_key *key;
	int err;
	struct completion done;
};

static int todo_dropper_fn(void *data)
{
	struct todo_dropper *d = data;

	d->err = drop(d->key);
	complete(&d->done);
	return 0;
}

/*
 * Start dropping @d->key from a thread of its own while a store of the
 * list that takes @delay_ms is in flight, so the drop waits for it.
 */
static void start_slow_drop(struct kunit *test, struct todo_dropper *d,
			    unsigned int delay_ms)
{
	struct todo_server *s;
	struct task_struct *task;

	init_completion(&d->done);
	s = todo_cache_get_or_create(d->key, false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	KUNIT_ASSERT_EQ(test, send_add(s, false, 20181219, "one", NULL), 0);
	KUNIT_ASSERT_EQ(test, call(s, TODO_OP_SYNC), 0);
	todo_store_delay_ms.val = delay_ms;
	KUNIT_ASSERT_EQ(test, send_add(s, false, 20181219, "two", NULL), 0);
	todo_server_put(s);
	msleep(100);	/* the store has started */
	task = kthread_run(todo_dropper_fn, d, "todo-dropper");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
}

/*
 * A drop that waits for a slow store of its list holds no lock meanwhile:
 * the owner's other lists still start at once.  Before, the drop held the
 * owner's start mutex while it stopped the server, which stored the list
 * (behind the slow store) before its file was removed.
 */
static void todo_db_drop_bounded(struct kunit *test)
{
	struct todo_key *k = key(test, OWNER + 21, "drop-slow");
	struct todo_dropper d = { .key = k };
	struct todo_server *other;
	unsigned long start, took;

	start_slow_drop(test, &d, 1500);
	msleep(100);

	start = jiffies;
	other = todo_cache_get_or_create(key(test, OWNER + 21, "drop-other"),
					 false);
	took = jiffies_to_msecs(jiffies - start);
	track(test, other);
	KUNIT_EXPECT_LT(test, took, 500);
	KUNIT_EXPECT_FALSE(test, completion_done(&d.done));

	wait_for_completion(&d.done);
	KUNIT_EXPECT_EQ(test, d.err, 0);
	KUNIT_EXPECT_EQ(test, todo_db_exists(k), 0);
	KUNIT_EXPECT_STREQ(test, load(test, k), "next 1:");
}

/*
 * A read of a list that is being dropped waits for the drop and then finds
 * nothing: it does not start the list again, empty.  Without the second
 * look at the index under the owner's mutex, the read that passed the
 * first look before the file went started a new server.
 */
static void todo_db_read_races_drop(struct kunit *test)
{
	struct todo_key *k = key(test, OWNER + 22, "drop-read");
	struct todo_dropper d = { .key = k };
	struct todo_server *found;
	unsigned int before;

	start_slow_drop(test, &d, 1000);
	msleep(200);
	KUNIT_EXPECT_FALSE(test, completion_done(&d.done));
	KUNIT_EXPECT_EQ(test, todo_db_exists(k), 1);

	before = todo_cache_nr_servers();
	found = todo_cache_get_stored(k);
	KUNIT_EXPECT_NULL(test, found);
	if (!IS_ERR_OR_NULL(found))
		track(test, found);
	KUNIT_EXPECT_LE(test, todo_cache_nr_servers(), before);
	wait_for_completion(&d.done);
	KUNIT_EXPECT_EQ(test, d.err, 0);
	KUNIT_EXPECT_EQ(test, todo_db_exists(k), 0);
	KUNIT_EXPECT_NULL(test, todo_cache_get_live(k));
}

/*
 * One owner's stored lists come from the owner's own index, by name: its
 * lists, each once, none of another owner's (in db_dir they are one
 * directory per owner), and a listing resumes after a name.
 */
static void todo_db_stored_one_owner(struct kunit *test)
{
	static const char *const names[] = { "one", "two", "three" };
	const u32 a = OWNER + 30, b = OWNER + 31;
	struct todo_key keys[4];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		store_one(test, key(test, a, names[i]));
		if (i < 2)
			store_one(test, key(test, b, names[i]));
	}
	KUNIT_EXPECT_EQ(test, todo_db_count(a), 3);
	KUNIT_EXPECT_EQ(test, todo_db_count(b), 2);
	KUNIT_ASSERT_EQ(test, todo_db_stored_after(a, NULL, keys, 4), 3);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, keys[i].owner, a);
	KUNIT_EXPECT_STREQ(test, keys[0].name, "one");
	KUNIT_EXPECT_STREQ(test, keys[1].name, "three");
	KUNIT_EXPECT_STREQ(test, keys[2].name, "two");
	KUNIT_ASSERT_EQ(test, todo_db_stored_after(a, &keys[0], keys, 1), 1);
	KUNIT_EXPECT_STREQ(test, keys[0].name, "three");
	KUNIT_EXPECT_EQ(test, todo_db_stored_after(a, &keys[0], keys, 4), 1);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		KUNIT_EXPECT_EQ(test, todo_db_remove(key(test, a, names[i])),
				0);
		KUNIT_EXPECT_EQ(test, todo_db_remove(key(test, b, names[i])),
				0);
	}
	KUNIT_EXPECT_EQ(test, todo_db_count(a), 0);
	KUNIT_EXPECT_EQ(test, todo_db_count(b), 0);
}

static struct kunit_case todo_db_test_cases[] = {
	KUNIT_CASE(todo_db_missing_key),
	KUNIT_CASE(todo_db_store_then_load),
	KUNIT_CASE(todo_db_pool_affinity),
	KUNIT_CASE(todo_db_order_and_coalescing),
	KUNIT_CASE(todo_db_requeue_and_discard),
	KUNIT_CASE(todo_store_waiters_answered_once),
	KUNIT_CASE(todo_db_two_phase_start),
	KUNIT_CASE(todo_db_burst_coalesced),
	KUNIT_CASE(todo_db_idle_expiry),
	KUNIT_CASE(todo_db_read_creates_nothing),
	KUNIT_CASE(todo_db_sync_abandoned),
	KUNIT_CASE(todo_db_stop_applies_queued),
	KUNIT_CASE(todo_db_drop),
	KUNIT_CASE(todo_db_quota),
	KUNIT_CASE(todo_db_drop_bounded),
	KUNIT_CASE(todo_db_read_races_drop),
	KUNIT_CASE(todo_db_stored_one_owner),
	{}
};

static struct kunit_suite todo_db_suite = {
	.name = "todo_database",
	.init = todo_db_test_init,
	.exit = todo_db_test_exit,
	.test_cases = todo_db_test_cases,
};

kunit_test_suite(todo_db_suite);
