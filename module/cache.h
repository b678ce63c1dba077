/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cache (the book's Todo.Cache): the registry of live list servers.
 */
#ifndef _TODO_CACHE_H
#define _TODO_CACHE_H

#include <linux/types.h>

#include "name.h"

struct netlink_ext_ack;
struct todo_server;

/**
 * struct todo_list_info - A snapshot of one list's statistics.
 * @key: the list.
 * @entries: number of entries.
 * @next_id: id of the next entry.
 * @mailbox: messages waiting.
 * @casts: casts sent to the list.
 * @casts_failed: casts refused or failed.
 * @alive: a server runs for the list.
 * @writes: file writes since the server started.
 * @write_errors: failed file writes.
 * @last_error: errno of the last write if it failed, else 0.
 */
struct todo_list_info {
	struct todo_key key;
	u32 entries;
	u32 next_id;
	u32 mailbox;
	u64 casts;
	u64 casts_failed;
	bool alive;
	u64 writes;
	u64 write_errors;
	u32 last_error;
};

/**
 * struct todo_cache_stats - The registry's counters.
 * @servers: servers counted in max_servers now.
 * @started: servers published since the module loaded.
 * @evictions: idle servers retired to make room for another.
 * @busy: new servers refused because every live one was busy.
 */
struct todo_cache_stats {
	u32 servers;
	u64 started;
	u64 evictions;
	u64 busy;
};

/* Flags of todo_cache_open(). */
#define TODO_OPEN_CREATE	0x1	/* create the list if it is new */
#define TODO_OPEN_EXEMPT	0x2	/* may exceed max_lists_per_user */

/*
 * Lookups, by what they do; each returns the server with a reference:
 *
 *   todo_cache_get_live()        live only; no wait, starts nothing
 *   todo_cache_get_stored()      live or stored; starts a server for a
 *                                stored list, never creates one
 *   todo_cache_get_or_create()   live, stored or new: creates the list
 *   todo_cache_get_owner_live()  every live list of one owner
 *   todo_cache_open()            the general form, with TODO_OPEN_* flags
 */
int todo_cache_init(void);
void todo_cache_exit(void);
struct todo_server *todo_cache_get_live(const struct todo_key *key);
struct todo_server *todo_cache_open(const struct todo_key *key,
				    unsigned int flags, long *timeout,
				    struct netlink_ext_ack *extack);
struct todo_server *todo_cache_get_or_create(const struct todo_key *key, bool exempt);
bool todo_cache_remove(struct todo_server *s);
bool todo_cache_retire_begin(struct todo_server *s, bool idle);
void todo_cache_retire_end(struct todo_server *s);
void todo_cache_retire_abort(struct todo_server *s);
struct todo_server *todo_cache_get_stored(const struct todo_key *key);
int todo_cache_get_owner_live(u32 owner, struct todo_server ***out,
			      long *timeout, struct netlink_ext_ack *extack);
int todo_cache_lists(u32 owner, const struct todo_key *after,
		     struct todo_list_info *infos, unsigned int max);
unsigned int todo_cache_nr_servers(void);
void todo_cache_stats(struct todo_cache_stats *st);
void todo_cache_quiesce(void);

#endif /* _TODO_CACHE_H */
