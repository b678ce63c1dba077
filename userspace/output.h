/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What todoctl prints on standard output: plain text or JSON.
 */
#ifndef TODOCTL_OUTPUT_H
#define TODOCTL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/**
 * struct out - An output stream and its format.
 * @f: where to print.
 * @json: JSON instead of plain text.
 * @items: elements of the current JSON array printed so far.
 */
struct out {
	FILE *f;
	bool json;
	unsigned long items;
};

/**
 * struct entry_info - An entry as the kernel reports it.
 * @id: its id.
 * @date: its date, YYYYMMDD.
 * @title: its title, not NUL-terminated.
 * @title_len: length of @title.
 */
struct entry_info {
	uint32_t id;
	uint32_t date;
	const char *title;
	size_t title_len;
};

/**
 * struct list_info - A list and its statistics as the kernel reports them.
 * @name: its name, not NUL-terminated.
 * @name_len: length of @name.
 * @owner: the owner's uid.
 * @entries: number of entries.
 * @next_id: the id of the next entry.
 * @mailbox: messages waiting in its server's mailbox.
 * @casts: casts handled.
 * @casts_failed: casts that failed.
 * @alive: a server runs for the list.
 * @writes: writes of the list's file since its server started.
 * @write_errors: writes that failed.
 * @last_error: errno of the last write if it failed, else 0.
 */
struct list_info {
	const char *name;
	size_t name_len;
	uint32_t owner;
	uint32_t entries;
	uint32_t next_id;
	uint32_t mailbox;
	uint64_t casts;
	uint64_t casts_failed;
	bool alive;
	uint64_t writes;
	uint64_t write_errors;
	uint32_t last_error;
};

/**
 * struct stats_info - The whole system's counters (todoctl stats).
 * @servers: live list servers.
 * @max_servers: their limit.
 * @lists: lists of every owner, live or stored.
 * @started: servers started since the module loaded.
 * @evictions: idle servers stopped to make room for others.
 * @busy: new servers refused because every live one was busy.
 */
struct stats_info {
	uint32_t servers;
	uint32_t max_servers;
	uint32_t lists;
	uint64_t started;
	uint64_t evictions;
	uint64_t busy;
};

void json_string(FILE *f, const char *s, size_t len);

void out_id(struct out *o, uint32_t id);
void out_array_begin(struct out *o);
void out_array_end(struct out *o);
void out_entry(struct out *o, const struct entry_info *e);
void out_list(struct out *o, const struct list_info *l);
void out_stats(struct out *o, const struct stats_info *st);

#endif /* TODOCTL_OUTPUT_H */
