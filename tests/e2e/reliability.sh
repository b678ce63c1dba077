#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reliability, in the VM, as a user meets it: a SYNC that stops waiting
# (timeout, kill -9) while its list is being stored; rmmod with casts still
# queued behind a loading server; a final store that fails at rmmod; other
# generic netlink families answering while todo handlers wait; new lists
# not waiting behind another list's big stores; dumps that fit in one
# round ending in it, and in the next datagram when the last round fills
# its own.  One PASS/FAIL line each.
set -u

db=/var/lib/todo
params=/sys/module/todo/parameters
work=$(mktemp -d)
suite=reliability
. "$TODO_TOP/tests/e2e/lib/checks.sh"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# A batch of N casts adding entries with long titles to LIST.
fill()
{
	local list=$1 n=$2 len=$3 title

	title=$(head -c "$len" /dev/zero | tr '\0' x)
	for i in $(seq "$n"); do
		echo "add --cast $list 2019-01-01 $i$title"
	done > "$work/fill"
	todoctl batch "$work/fill"
}

# The mailbox length `todoctl --json lists` shows for LIST.
mailbox_of()
{
	todoctl --json lists | python3 -c '
import json, sys
for l in json.load(sys.stdin):
    if l["name"] == sys.argv[1]:
        print(l["mailbox"])' "$1"
}

reload max_title_len=4096

# 1. A SYNC whose caller stops waiting while the list is being stored.
# Before the fix, the timed-out SYNC was "cancelled" from the mailbox it
# had already left: the mailbox length wrapped to 4294967295, every cast
# failed with "mailbox full" and the list never recovered.
fill big 2000 4000
check "a list of about 8 MB" [ "$(todoctl entries big | wc -l)" = 2000 ]
echo 300 > $params/store_delay_ms
echo 2 > $params/call_timeout_ms
timeouts=0
for i in 1 2 3 4 5; do
	todoctl add --cast big 2019-01-02 "change $i"
	todoctl sync big 2> "$work/err" || timeouts=$((timeouts + 1))
done
check "syncs with call_timeout_ms=2 time out ($timeouts of 5)" \
	[ "$timeouts" -ge 1 ]
echo 10000 > $params/call_timeout_ms
echo 2000 > $params/store_delay_ms
todoctl add --cast big 2019-01-02 "before the kill"
todoctl sync big &
pid=$!
sleep 0.5
kill -9 $pid
wait $pid 2> /dev/null
echo 0 > $params/store_delay_ms
check "the mailbox is empty afterwards ($(mailbox_of big))" \
	[ "$(mailbox_of big)" = 0 ]
check "casts are accepted afterwards" \
	todoctl add --cast big 2019-01-03 "after"
check "calls are answered afterwards" \
	[ "$(todoctl add big 2019-01-03 'call after')" = 2008 ]
check "entries are read afterwards" \
	[ "$(todoctl entries big | wc -l)" = 2008 ]
check "a sync succeeds afterwards" todoctl sync big
check "the mailbox stays empty ($(mailbox_of big))" \
	[ "$(mailbox_of big)" = 0 ]
reload max_title_len=4096
check "every change is on disk after a reload" \
	[ "$(todoctl entries big | wc -l)" = 2008 ]

# 2. rmmod applies casts already queued: they wait behind a server that is
# still loading its list (load_delay_ms), then the module is unloaded.
todoctl add --sync held 2019-01-01 first > /dev/null
reload load_delay_ms=15000
# One todoctl each: a batch would wait for its casts to be applied.
for i in $(seq 20); do
	todoctl add --cast held 2019-01-01 "queued-$i"
done
queued=$(mailbox_of held)
check "casts are still queued behind the load at rmmod ($queued)" \
	[ "$queued" -gt 0 ]
rmmod todo
insmod "$TODO_KO"
check "all 20 casts queued at rmmod are on disk" \
	[ "$(todoctl entries held | wc -l)" = 21 ]
check "in the order sent" \
	[ "$(todoctl entries held | tail -1 | cut -f3)" = queued-20 ]

# 3. A final store that fails at rmmod names the list in the kernel log.
todoctl add --sync doomed 2019-01-01 first > /dev/null
dd if=/dev/zero of=$db/filler bs=64k 2> /dev/null
todoctl add --cast doomed 2019-01-01 "never stored"
dmesg -C
rmmod todo
check "rmmod logs the list whose final store failed" \
	dmesg | grep -q 'list 0/doomed: its last changes could not be stored'
rm -f $db/filler
insmod "$TODO_KO" max_title_len=4096

# 4. While todo handlers wait (a sync of all lists, over slow stores),
# other generic netlink families answer at once: the handlers wait only
# for bounded, killable events and hold nothing another family needs.
echo 30000 > $params/call_timeout_ms
echo 4000 > $params/store_delay_ms
for i in 1 2 3; do
	todoctl add --cast "slow$i" 2019-01-01 x
done
todoctl sync &
pid=$!
sleep 0.5
start=$(now_ms)
genl ctrl list > /dev/null
took=$(( $(now_ms) - start ))
running=0
kill -0 $pid 2> /dev/null && running=1
check "nlctrl answers within 2000 ms while a sync of all lists waits on 4 s stores (${took} ms)" \
	[ "$took" -lt 2000 ] && [ $running = 1 ]
wait $pid
check "the sync of all lists succeeds" [ $? = 0 ]
echo 0 > $params/store_delay_ms

# 5. Stores do not hold up other lists: a list of about 8 MB is stored in
# a loop, every store held 5 s longer (store_delay_ms: its worker sleeps).
# The first call to each of 12 new lists answers within 2 s more than the
# family's no-op ping takes at that moment (the ping measures the VM's load
# under TCG, not a wait).  Before, a new list whose worker was the big
# list's waited for that store, up to 5 s.
echo 5000 > $params/store_delay_ms
( while [ ! -e "$work/stop" ]; do
	todoctl add --cast big 2019-01-04 y
	todoctl sync big
  done ) > /dev/null 2>&1 &
loop=$!
sleep 1
worst=0
all=
for i in $(seq 12); do
	start=$(now_ms)
	todoctl ping
	ping=$(( $(now_ms) - start ))
	start=$(now_ms)
	todoctl add "fresh$i" 2019-01-01 x > /dev/null
	took=$(( $(now_ms) - start ))
	all+=" $took/$ping"
	[ $((took - ping)) -gt "$worst" ] && worst=$((took - ping))
done
touch "$work/stop"
wait $loop
echo 0 > $params/store_delay_ms
echo "# new list add/ping ms:$all"
check "12 new lists each answer within 2000 ms of a ping (worst +${worst} ms)" \
	[ "$worst" -lt 2000 ]

# 6. A dump of a list that changes meanwhile is flagged (NLM_F_DUMP_INTR)
# and todoctl runs it again, so it never prints a mix of two states.  The
# list keeps 1500 entries while, again and again, its oldest entry is
# deleted and a new one added.  A dump that went on across such changes
# (resuming after the last id it sent) would print more than 1500.
title=$(head -c 200 /dev/zero | tr '\0' d)
for i in $(seq 1500); do
	echo "add churn 2019-01-01 $i$title"
done > "$work/churn"
todoctl batch "$work/churn" > /dev/null
rm -f "$work/stop"
( id=1
  while [ ! -e "$work/stop" ]; do
	for j in $(seq 50); do
		echo "delete churn $id"
		echo "add churn 2019-01-02 new$title"
		id=$((id + 1))
	done > "$work/step"
	todoctl batch "$work/step"
  done ) > /dev/null 2>&1 &
loop=$!
ok=0 intr=0 bad=0 counts=
for i in $(seq 8); do
	if out=$(todoctl entries churn 2> "$work/err"); then
		n=$(wc -l <<< "$out")
		counts+=" $n"
		if [ "$n" = 1500 ]; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
	elif grep -q interrupted "$work/err"; then
		intr=$((intr + 1))
	else
		bad=$((bad + 1))
		cat "$work/err"
	fi
done
touch "$work/stop"
wait $loop
echo "# entries printed by each whole dump:$counts"
check "dumps of a changing list print 1500 entries or fail as interrupted ($ok whole, $intr interrupted, $bad wrong)" \
	[ "$bad" = 0 ]
check "the list still has 1500 entries" \
	[ "$(todoctl entries churn | wc -l)" = 1500 ]

# 7. A dump that fits in one round ends in it: its entries and NLMSG_DONE
# come in one datagram (one snapshot from the list's server, which cannot
# be interrupted), as a dump of a list that does not exist does; a dump of
# several rounds needs more.  Datagrams are counted as recvmsg calls that
# return data without MSG_PEEK.
datagrams()
{
	strace -f -e trace=recvmsg -o "$work/strace" "$@" > /dev/null
	grep -v MSG_PEEK "$work/strace" | grep -c '= [1-9]'
}
todoctl add oneround 2019-01-01 first > /dev/null
todoctl add oneround 2019-01-02 second > /dev/null
todoctl add oneround 2019-01-02 third > /dev/null
none=$(datagrams todoctl entries no-such-list)
small=$(datagrams todoctl entries oneround)
big=$(datagrams todoctl entries churn)
echo "# datagrams read: empty dump $none, 3 entries $small, 1500 entries $big"
check "strace counts a dump's datagrams ($none for an empty one)" \
	[ "$none" -ge 1 ]
check "a dump of 3 entries takes one round, as an empty one ($small against $none datagrams)" \
	[ "$small" = "$none" ]
check "a dump of 1500 entries takes several ($big datagrams)" \
	[ "$big" -gt $((none + 1)) ]
check "a one-round dump prints every entry" \
	[ "$(todoctl entries oneround | wc -l)" = 3 ]
check "a dump of LISTS of a few lists takes one round too" \
	[ "$(datagrams todoctl lists)" = "$none" ]

# 8. A dump whose last round fills its datagram to the last byte: netlink
# sends that datagram without NLMSG_DONE and, when it has been read, a
# second one holding only NLMSG_DONE, without calling the dumpit again.
# The project's clients seldom meet it: they read into 64 KiB, so netlink
# gives their dumps datagrams of about 32 KiB, which a round's last entries
# must fill to within 20 bytes.  This client sends the dump as its
# socket's first request and reads into 4,140 bytes, the dump's minimum
# size on a kernel of 4 KiB pages (netlink's own minimum, NLMSG_GOODSIZE,
# is larger with larger pages), so that every datagram is 4,140 bytes:
# exactly one entry with a title of 4,096 bytes.  It prints, per
# datagram, "ID/BYTES" for an entry and "done/BYTES" or "error:ERRNO".
rawdump()
{
	PYTHONPATH=$TODO_TOP/tests/e2e/lib PYTHONDONTWRITEBYTECODE=1 \
		python3 - "$1" <<'PY'
import socket, struct, sys
from rawnl import *

BUF = 4140

fid = family_id()
out = []
with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC) as s:
    s.settimeout(10)
    s.send(request(fid, NLM_F_DUMP, TODO_CMD_GET,
                   attr(TODO_A_LIST, sys.argv[1].encode() + b"\0")))
    end = False
    while not end:
        buf, _, flags, _ = s.recvmsg(BUF)
        if flags & socket.MSG_TRUNC:
            die("a datagram over %d bytes" % BUF)
        seen = []
        for kind, msg in messages(buf):
            if kind == NLMSG_DONE:
                err = -struct.unpack_from("i", msg, 16)[0]
                seen.append("done/%d" % len(msg) if not err else
                            "error:%d" % err)
                end = True
            elif kind == NLMSG_ERROR:
                seen.append("error:%d" % -struct.unpack_from("i", msg, 16)[0])
                end = True
            else:
                a = attrs(msg)
                seen.append("%d/%d" % (struct.unpack("I", a[TODO_A_ID])[0],
                                       len(buf)))
        out.append(",".join(seen))
print(" ".join(out))
PY
}
if [ "$(getconf PAGESIZE)" != 4096 ]; then
	echo "# pages of $(getconf PAGESIZE) bytes: the full-datagram dump is not checked"
else
	long=$(head -c 4096 /dev/zero | tr '\0' x)
	todoctl add fillone 2019-01-01 "$long" > /dev/null
	todoctl add filltwo 2019-01-01 "$long" > /dev/null
	todoctl add filltwo 2019-01-02 "$long" > /dev/null
	one=$(rawdump fillone 2>&1)
	two=$(rawdump filltwo 2>&1)
	echo "# datagrams of a dump read into 4,140 bytes: one entry: $one; two: $two"
	check "a dump that fills its only datagram sends NLMSG_DONE in the next" \
		[ "$one" = "1/4140 done/20" ]
	check "a dump of two rounds, each filling its datagram, ends the same way" \
		[ "$two" = "1/4140 2/4140 done/20" ]
	check "a list dumped that way can be dropped" todoctl drop fillone
	check "and the other still holds its two entries" \
		[ "$(todoctl entries filltwo | wc -l)" = 2 ]
fi

rm -rf "$work"
exit $failed
