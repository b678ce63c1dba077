// SPDX-License-Identifier: GPL-2.0
/*
 * todoctl watch [LIST]: subscribe to the change events of LIST, or of each
 * of the user's lists, and print them as they come, like ip monitor: one
 * line per event,
 *
 *   LIST KIND ID DATE TITLE
 *
 * (KIND is add, update or delete), or one JSON object per line with -j.
 * When the kernel dropped events because we read too slowly, the next
 * event is preceded by "events lost: N" ({"lost":N}).  Runs until SIGINT
 * or SIGTERM, then exits with status 0.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "output.h"

static volatile sig_atomic_t watch_stop;

static void watch_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

/* Print one event and flush it: a reader sees it as it happens. */
static int watch_event(struct nlattr **tb, void *arg)
{
	static const int needed[] = {
		TODO_A_OWNER, TODO_A_LIST, TODO_A_KIND, TODO_A_ID,
		TODO_A_DATE, TODO_A_TITLE,
	};
	struct out *o = arg;
	const char *kind;

	if (!TNL_HAS_ALL(tb, needed))
		return EPROTO;
	kind = tnl_change_name(nla_get_u8(tb[TODO_A_KIND]));
	if (!kind)
		return EPROTO;
	if (tb[TODO_A_LOST]) {
		open_json_object(o, NULL);
		print_uint(o, PRINT_ANY, "lost", "events lost: %" PRIu64 "\n",
			   nla_get_u32(tb[TODO_A_LOST]));
		close_json_object(o);
		if (out_flush(o, stdout))
			return ENOMEM;
	}
	open_json_object(o, NULL);
	print_string(o, PRINT_ANY, "list", "%s", nla_data(tb[TODO_A_LIST]),
		     tnl_strlen(tb[TODO_A_LIST]));
	print_uint(o, PRINT_JSON, "owner", "%" PRIu64,
		   nla_get_u32(tb[TODO_A_OWNER]));
	print_string(o, PRINT_ANY, "event", " %s", kind, strlen(kind));
	print_uint(o, PRINT_ANY, "id", " %" PRIu64,
		   nla_get_u32(tb[TODO_A_ID]));
	print_date(o, PRINT_ANY, "date", " %s", nla_get_u32(tb[TODO_A_DATE]));
	print_string(o, PRINT_ANY, "title", " %s\n",
		     nla_data(tb[TODO_A_TITLE]), tnl_strlen(tb[TODO_A_TITLE]));
	close_json_object(o);
	if (out_flush(o, stdout) || fflush(stdout))
		return errno ? errno : EIO;
	return 0;
}

/**
 * run_watch() - Run todoctl watch.
 * @o: the global options (--user watches that user's lists).
 * @r: the parsed command: LIST, or none for every list.
 *
 * Return: EXIT_OK once interrupted, or EXIT_FAILED.
 */
int run_watch(const struct todo_opts *o, const struct todo_req *r)
{
	struct sigaction sa = { .sa_handler = watch_signal };
	sigset_t block, wait_mask;
	struct tnl_error err;
	struct nl_msg *msg;
	struct out out;
	struct tnl *nl;
	char why[128];
	int ret;

	if (req_too_long(r, why, sizeof(why))) {
		fprintf(stderr, "todoctl: watch: %s\n", why);
		return EXIT_FAILED;
	}
	/* SIGINT and SIGTERM only arrive while waiting for events. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (out_init(&out, o->json, false)) {
		tnl_error_set(&err, ENOMEM);
		tnl_perror("watch", &err);
		return EXIT_FAILED;
	}
	if (tnl_open(&nl)) {
		out_free(&out);
		return EXIT_FAILED;
	}
	msg = req_msg(nl, o, r, true);
	if (!msg) {
		tnl_error_set(&err, ENOMEM);
		ret = -1;
	} else {
		ret = tnl_request(nl, msg, NULL, NULL, &err);
		nlmsg_free(msg);
	}
	if (!ret) {
		tnl_pwarn("watch", &err);
		ret = tnl_listen(nl, watch_event, &out, &watch_stop,
				 &wait_mask);
		if (ret)
			tnl_error_set(&err, ret);
	}
	tnl_close(nl);
	out_free(&out);
	if (ret) {
		tnl_perror("watch", &err);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}
