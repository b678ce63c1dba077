# SPDX-License-Identifier: GPL-2.0
#
# What the end-to-end scripts share: PASS/FAIL lines and the checks that
# print them.  A script sets $suite, sources this file and ends with
# "exit $failed".

failed=0

pass() { echo "PASS $suite: $*"; }
fail() { echo "FAIL $suite: $*"; failed=1; }

# check DESC CMD...: CMD must succeed.
check()
{
	local desc=$1

	shift
	if "$@"; then
		pass "$desc"
	else
		fail "$desc"
	fi
}

# expect_ok DESC CMD...: CMD must succeed.
expect_ok()
{
	local desc=$1 out

	shift
	if out=$("$@" 2>&1); then
		pass "$desc"
	else
		fail "$desc: $out"
	fi
}

# expect DESC WANT CMD...: CMD's stdout must be WANT and its status 0.
expect()
{
	local desc=$1 want=$2 got

	shift 2
	if got=$("$@" 2>&1) && [ "$got" = "$want" ]; then
		pass "$desc"
	else
		fail "$desc: got '${got:0:200}', want '${want:0:200}'"
	fi
}

# expect_fail DESC PATTERN CMD...: CMD must exit 1 with PATTERN on stderr.
expect_fail()
{
	local desc=$1 pattern=$2 err rc

	shift 2
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ $rc = 1 ] && grep -q -- "$pattern" <<< "$err"; then
		pass "$desc"
	else
		fail "$desc: exit $rc, stderr '$err'"
	fi
}

# reload [PARAM=VALUE...]: load the module again with these parameters.
reload()
{
	rmmod todo && insmod "$TODO_KO" "$@"
}

# user_todoctl_init: a copy of todoctl that any user may run (the source
# tree may not be theirs to read), in $user_todoctl.
user_todoctl_init()
{
	local dir

	dir=$(mktemp -d)
	chmod 755 "$dir"
	install -m 755 "$(command -v todoctl)" "$dir/todoctl"
	user_todoctl=$dir/todoctl
}

# todoctl_as UID ARGS...: todoctl ARGS as user and group UID, no others.
todoctl_as()
{
	local uid=$1

	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups "$user_todoctl" "$@"
}
