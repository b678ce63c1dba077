/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running commands: one request each, a batch of them, or the help.
 */
#ifndef TODOCTL_COMMANDS_H
#define TODOCTL_COMMANDS_H

#include <stdio.h>

#include "request.h"

/* Exit statuses. */
#define EXIT_OK		0
#define EXIT_FAILED	1
#define EXIT_USAGE	2

int run_request(const struct todo_opts *o, const struct todo_req *r);
int run_batch(const struct todo_opts *o, const struct todo_req *r);
int run_watch(const struct todo_opts *o, const struct todo_req *r);
int run_help(const struct todo_opts *o, const struct todo_req *r);

void print_usage(FILE *f);
__attribute__((format(printf, 2, 3)))
int usage_error(const char *cmd, const char *fmt, ...);
void print_cmd_help(FILE *f, const struct cmd *c);

#endif /* TODOCTL_COMMANDS_H */
