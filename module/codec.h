/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The on-disk format of a to-do list: one file per list, version 1.  See
 * Documentation/format.rst for the byte layout and the validation rules.
 */
#ifndef _TODO_CODEC_H
#define _TODO_CODEC_H

#include <linux/types.h>

#include "list.h"
#include "name.h"

/* The first four bytes of every list file. */
#define TODO_CODEC_MAGIC	"TODO"
#define TODO_CODEC_VERSION	1

/* Fixed sizes, in bytes. */
#define TODO_CODEC_HEADER_SIZE	88
#define TODO_CODEC_ENTRY_SIZE	10	/* an entry without its title */
#define TODO_CODEC_TRAILER_SIZE	4
#define TODO_CODEC_MIN_SIZE	(TODO_CODEC_HEADER_SIZE + \
				 TODO_CODEC_TRAILER_SIZE)
/*
 * The one limit on the size of a list's encoding, hence of its file: a list
 * refuses changes that would make its encoding larger (todo_list_add()),
 * todo_codec_encode() produces nothing larger, and the storage neither
 * writes nor reads back a larger file.
 */
#define TODO_CODEC_MAX_MIB	256
#define TODO_CODEC_MAX_SIZE	((size_t)TODO_CODEC_MAX_MIB << 20)

int todo_codec_size(struct todo_list *list, size_t *size);
int todo_codec_encode(const struct todo_key *key, struct todo_list *list,
		      void **buf, size_t *len);
int todo_codec_decode(const void *buf, size_t len, const struct todo_key *key,
		      struct todo_list *list, const char **why);

#endif /* _TODO_CODEC_H */
