/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each todoctl command accepts on its command line (or batch line),
 * and the netlink request it makes of it.
 */
#ifndef TODOCTL_REQUEST_H
#define TODOCTL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl.h"

/**
 * struct todo_opts - The global options.
 * @json: --json: print add, entries and lists as JSON.
 * @has_owner: --user was given.
 * @owner: its uid, sent as TODO_A_OWNER.
 */
struct todo_opts {
	bool json;
	bool has_owner;
	uint32_t owner;
};

enum req_op {
	OP_ADD,
	OP_ENTRIES,
	OP_UPDATE,
	OP_DELETE,
	OP_LISTS,
	OP_PING,
	OP_SYNC,
	OP_DROP,
	OP_STATS,
	OP_BATCH,
};

struct req_spec;

/**
 * struct todo_req - A parsed command.
 * @spec: the command.
 * @list: LIST, or NULL.
 * @title: TITLE or --title, or NULL.
 * @file: FILE (batch), or NULL.
 * @id: ID.
 * @date: DATE or --date, YYYYMMDD, if @has_date.
 * @has_date: a date was given.
 * @cast: --cast was given.
 * @sync: --sync was given (add): sync the list after the add.
 * @help: --help was given.
 *
 * The strings point into the argument vector that was parsed.
 */
struct todo_req {
	const struct req_spec *spec;
	const char *list;
	const char *title;
	const char *file;
	uint32_t id;
	uint32_t date;
	bool has_date;
	bool cast;
	bool sync;
	bool help;
};

const struct req_spec *req_find(const char *name);
const char *req_name(const struct req_spec *spec);
enum req_op req_op(const struct req_spec *spec);
bool req_is_mutation(const struct req_spec *spec);

int req_parse(struct todo_req *r, const struct req_spec *spec, int argc,
	      char **argv, char *why, size_t why_size);
struct nl_msg *req_msg(struct tnl *nl, const struct todo_opts *o,
		       const struct todo_req *r, bool ack);

#endif /* TODOCTL_REQUEST_H */
