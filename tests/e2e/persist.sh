#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Persistence, in the VM: the book's persistence test across a module
# reload, sync, live and stored lists, idle expiry, hostile db_dir content
# and a full disk.  One PASS/FAIL line per check.
set -u

db=/var/lib/todo
suite=persist
. "$TODO_TOP/tests/e2e/lib/checks.sh"

tab=$'\t'

# The book's persistence test (CacheTest "persistence").
expect "add to john" 1 todoctl add john 2018-12-20 Shopping
expect "john reads back" "1${tab}2018-12-20${tab}Shopping" \
	todoctl entries john 2018-12-20
reload
expect "john survives a reload, with its id" \
	"1${tab}2018-12-20${tab}Shopping" todoctl entries john 2018-12-20
expect "the next add gets the next id" 2 todoctl add john 2018-12-21 Gym
todoctl delete john 2
reload
expect "ids are not reused after a delete and a reload" 3 \
	todoctl add john 2018-12-22 Run

# Sync: durable on return; add --sync is add then sync.
expect "sync of one list" "" todoctl sync john
expect "sync of all lists" "" todoctl sync
expect "add --sync prints the id" 4 todoctl add --sync john 2018-12-23 Swim
if [ -f $db/u0/john.list ] && [ ! -e $db/u0/.john.tmp ]; then
	pass "the list file exists and no temporary is left"
else
	fail "the list file exists and no temporary is left"
fi
expect_fail "sync of an unknown list" "list not found (ESRCH)" \
	todoctl sync nolist

# Lists: stored and live.
reload
if todoctl lists | grep -q "^john${tab}.*${tab}stored$"; then
	pass "a list on disk only is shown stored"
else
	fail "a list on disk only is shown stored: $(todoctl lists)"
fi
todoctl entries john > /dev/null
if todoctl lists | grep -q "^john${tab}entries=3${tab}.*${tab}live$"; then
	pass "reading it starts its server: live, 3 entries"
else
	fail "reading it starts its server: $(todoctl lists)"
fi
expect "entries of a list that exists nowhere" "" todoctl entries ghost
if todoctl lists | grep -q '^ghost'; then
	fail "reading a missing list creates nothing"
else
	pass "reading a missing list creates nothing"
fi

# Idle expiry: the server stores, its thread goes, the next request
# brings it back intact.
# Thread names do not show list names: count the servers' threads.
threads() { ps -e -o comm= | grep -c '^todo/[0-9]*$'; }
before=$(threads)
echo 2 > /sys/module/todo/parameters/idle_timeout
expect "add to a list that will expire" 1 todoctl add idle 2019-01-01 Nap
sleep 6
if [ "$(threads)" -le "$before" ]; then
	pass "an idle server's thread stops"
else
	fail "an idle server's thread stops: $before threads before, $(threads) after"
fi
if todoctl lists | grep -q "^idle${tab}.*stored$"; then
	pass "an expired list is shown stored"
else
	fail "an expired list is shown stored: $(todoctl lists)"
fi
expect "an expired list comes back intact" "1${tab}2019-01-01${tab}Nap" \
	todoctl entries idle
expect "and keeps counting ids" 2 todoctl add idle 2019-01-02 Walk

# max_lists_per_user counts stored lists too: expiring lists frees no room
# for new ones, so a user cannot fill the disk with lists.  As the user
# itself: root has CAP_SYS_RESOURCE, which may exceed it.
user_todoctl_init
as5000=(todoctl_as 5000)
echo 2 > /sys/module/todo/parameters/max_lists_per_user
expect "quota: a first list" 1 "${as5000[@]}" add q1 2019-01-01 a
expect "quota: a second list" 1 "${as5000[@]}" add q2 2019-01-01 b
expect_fail "quota: a third live one is refused" \
	"too many lists for this user" "${as5000[@]}" add q3 2019-01-01 c
sleep 6
if todoctl --user 5000 lists | grep -q 'live$'; then
	fail "quota: both lists expired: $(todoctl --user 5000 lists)"
else
	pass "quota: both lists expired"
fi
expect_fail "quota: a third is refused with both stored" \
	"too many lists for this user" "${as5000[@]}" add q3 2019-01-01 c
expect "quota: a stored list still takes changes" 2 \
	"${as5000[@]}" add q1 2019-01-02 d
if [ -e $db/u5000/q3.list ]; then
	fail "quota: the refused list left no file"
else
	pass "quota: the refused list left no file"
fi
echo 256 > /sys/module/todo/parameters/max_lists_per_user
echo 0 > /sys/module/todo/parameters/idle_timeout

# Hostile db_dir content: each gives a clear error, nothing is followed.
ln -s /etc/passwd $db/u0/evil.list
mkdir $db/u0/dir.list
echo garbage > $db/u0/junk.list
head -c 100 $db/u0/john.list > $db/u0/trunc.list
reload	# db_dir is read once at load: planted files are seen after it
expect_fail "a symlink named like a list file" "symlink" todoctl entries evil
expect_fail "a list behind a symlink refuses writes" "symlink" \
	todoctl add evil 2018-12-19 x
if [ -L $db/u0/evil.list ]; then
	pass "the symlink is left as it is"
else
	fail "the symlink is left as it is"
fi
expect_fail "a directory where a file should be" "damaged" \
	todoctl entries dir
expect_fail "a garbage file" "damaged" todoctl entries junk
expect_fail "a truncated file" "damaged" todoctl entries trunc
expect "a list for a future version" 1 todoctl add --sync future 2018-12-19 x
rmmod todo
python3 - $db/u0/future.list <<'PY'
import sys, zlib
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[4:6] = (2).to_bytes(2, 'little')
b[-4:] = zlib.crc32(bytes(b[:-4])).to_bytes(4, 'little')
open(p, 'wb').write(b)
PY
insmod "$TODO_KO"
expect_fail "a file from a future format version" "damaged" \
	todoctl entries future
if dmesg | grep -q 'u0/future.list: unknown format version'; then
	pass "the kernel log names the file and the problem"
else
	fail "the kernel log names the file and the problem"
fi
ln -s /etc/hostname $db/u0/.victim.tmp
expect "a planted temporary symlink is replaced, not followed" 1 \
	todoctl add --sync victim 2018-12-19 x
if [ ! -L $db/u0/.victim.tmp ] && [ -f $db/u0/victim.list ]; then
	pass "the planted symlink is gone, the list file written"
else
	fail "the planted symlink is gone, the list file written"
fi
rm -rf $db/u0/evil.list $db/u0/dir.list $db/u0/junk.list $db/u0/trunc.list \
	$db/u0/future.list

# A full disk: errors reported, nothing lost from memory, recovery.  The
# short idle timeout makes the server try to expire while the disk is full:
# it must stay live, since only memory holds its list.
reload idle_timeout=2
expect "add before the disk fills" 1 todoctl add --sync full 2018-12-19 one
dd if=/dev/zero of=$db/filler bs=64k 2> /dev/null
for i in $(seq 2 40); do
	todoctl add --cast full 2018-12-19 "entry $i with some length to it"
done
expect_fail "sync on a full disk fails, saying the disk is full" \
	"no space left on the disk for the list's file.*(ENOSPC)" \
	todoctl sync full
out=$(todoctl add full 2018-12-19 "a call after the failed store" \
	2> /tmp/warn)
rc=$?
if [ $rc = 0 ] && [ "$out" = 41 ] &&
   grep -q "^todoctl: add: warning: storing this list failed" /tmp/warn; then
	pass "a call after a failed store succeeds with a warning"
else
	fail "a call after a failed store: exit $rc, out '$out', stderr '$(cat /tmp/warn)'"
fi
if todoctl --json lists | grep -q '"name":"full".*"last_error":"ENOSPC"'; then
	pass "lists shows the last error (ENOSPC)"
else
	fail "lists shows the last error: $(todoctl --json lists)"
fi
sleep 6
if todoctl lists | grep -q "^full${tab}.*live$"; then
	pass "a server whose store failed does not expire"
else
	fail "a server whose store failed does not expire"
fi
if [ "$(todoctl entries full | wc -l)" = 41 ]; then
	pass "nothing is lost from memory"
else
	fail "nothing is lost from memory: $(todoctl entries full | wc -l)"
fi
rm -f $db/filler
expect "sync succeeds once space is freed" "" todoctl sync full
expect "the warning is gone once a store succeeded" 42 \
	todoctl add full 2018-12-19 "after the recovery"
reload
if [ "$(todoctl entries full | wc -l)" = 42 ]; then
	pass "all 42 entries are on disk after the recovery"
else
	fail "all 42 entries are on disk after the recovery"
fi

exit $failed
