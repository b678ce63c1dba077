#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The book's load test, small, in the VM: 5000 lists (2000 on the debug
# kernel) of one entry with max_servers at 256, so that most lists must
# be evicted to make room for others and started again to be read back (tests/bench/loadtest; "make
# loadtest" runs the full million).  Every list must be put, read back
# with exactly its entry and stored in its file, and the live list
# servers must never outnumber max_servers.  One PASS/FAIL line each.
#
# Needs: root, todo.ko ($TODO_KO) loaded, todo-bench and todoctl on PATH.
set -u

suite=loadtest
. "$TODO_TOP/tests/e2e/lib/checks.sh"

# 5000 lists on Debian's kernel (about 2 minutes); on the debug kernel
# (KASAN, lockdep, under TCG) a list's start costs about 30 ms and each of
# these lists starts twice: 2000 there (about 2 minutes, eight times
# max_servers) keep make check within its hour.
case $(uname -r) in
6.1.*) lists=5000 ;;
*) lists=2000 ;;
esac
max=256
work=$(mktemp -d)

LOADTEST_N=$lists LOADTEST_MAX_SERVERS=$max \
	bash "$TODO_TOP/tests/bench/loadtest" > "$work/out" 2>&1
grep -v '^loadtest-progress ' "$work/out" | sed 's/^/# /'
line=$(grep '^loadtest-summary ' "$work/out" || true)

# value KEY: KEY's value in the summary line, or "none".
value()
{
	local v

	v=$(sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$line")
	echo "${v:-none}"
}

if [ -z "$line" ]; then
	fail "the load test ran to its summary"
else
	pass "the load test ran to its summary"
fi
expect "every list put (ADD call)" 0 value put_failed
expect "every list read back (GET dump)" 0 value get_failed
expect "every list read back with exactly its entry" 0 value bad
expect "one list file per list" $lists value files
# The module's count bounds the server threads exactly; a scan of /proc
# is no snapshot (see tests/bench/loadtest), so it is only shown.
servers=$(value servers)
echo "# todo/<n> threads, most seen in a scan of /proc: $(value max_kthreads)"
if [ "$servers" != none ] && [ "$servers" -gt 0 ] &&
   [ "$servers" -le "$max" ]; then
	pass "live list servers within max_servers ($servers <= $max)"
else
	fail "live list servers within max_servers ($servers, max $max)"
fi

rm -rf "$work"
exit $failed
