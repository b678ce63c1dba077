/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running commands: one request each, or a batch of them.
 */
#ifndef TODOCTL_COMMANDS_H
#define TODOCTL_COMMANDS_H

#include "request.h"

/* Exit statuses. */
#define EXIT_OK		0
#define EXIT_FAILED	1
#define EXIT_USAGE	2

int run_request(const struct todo_opts *o, const struct todo_req *r);
int run_batch(const struct todo_opts *o, const struct todo_req *r);

#endif /* TODOCTL_COMMANDS_H */
