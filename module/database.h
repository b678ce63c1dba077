/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The database (the book's Todo.Database and DatabaseWorker pool).
 */
#ifndef _TODO_DATABASE_H
#define _TODO_DATABASE_H

#include <linux/types.h>

#include "name.h"

struct todo_list;
struct todo_store;

int todo_db_init(void);
void todo_db_exit(void);
unsigned int todo_db_worker_of(const struct todo_key *key);
int todo_db_load(const struct todo_key *key, struct todo_list *list,
		 const char **user_why);
bool todo_db_exists(const struct todo_key *key);
size_t todo_db_size(const struct todo_key *key);
unsigned int todo_db_count(u32 owner);
int todo_db_remove(const struct todo_key *key);
unsigned int todo_db_stored_after(u32 owner, const struct todo_key *after,
				  struct todo_key *keys, unsigned int max);
void todo_db_queue(struct todo_store *st);

#endif /* _TODO_DATABASE_H */
