#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile conditions, in the VM: a FIFO named like a list file, an unsafe
# db_dir, a store failing on a full disk (no temporary file left behind)
# and lists of the longest titles.  One PASS/FAIL line per check.
set -u

db=/var/lib/todo
suite=hostile
. "$TODO_TOP/tests/e2e/lib/checks.sh"

# refused DESC: insmod must fail and leave the module unloaded.
refused()
{
	if insmod "$TODO_KO" 2> /dev/null; then
		fail "$1: it loaded"
		rmmod todo
	elif [ -e /sys/module/todo ]; then
		fail "$1: the module is still loaded"
	else
		pass "$1"
	fi
}

# no_tmp DESC: no temporary file is left in db_dir.
no_tmp()
{
	local left

	left=$(find $db -name '.*.tmp')
	if [ -z "$left" ]; then
		pass "$1"
	else
		fail "$1: $left"
	fi
}

# Wait up to 30 s for the background job $1 to end; its status, or 124.
wait_for()
{
	local i

	for i in $(seq 60); do
		kill -0 "$1" 2> /dev/null || { wait "$1"; return; }
		sleep 0.5
	done
	return 124
}

# Fill the disk: fallocate takes all but 16 MiB of the free blocks (the
# reserved ones too: this runs as root, like the database workers) without
# writing them, which would take minutes under TCG; dd takes the rest.
fill_disk()
{
	local free

	free=$(($(stat -f -c '%f * %S' $db)))
	fallocate -l $((free - (16 << 20))) $db/filler1 2> /dev/null
	dd if=/dev/zero of=$db/filler2 bs=64k 2> /dev/null
}

# A FIFO named like a list file: refused at once as damaged, without
# waiting for a writer.  With one database worker, a blocked worker would
# also block every other list's load.
# db_dir is read once at load: what is planted there is seen after a reload.
mkdir -p -m 0700 $db/u0
mkfifo $db/u0/fifo.list
reload db_workers=1
start=$SECONDS
expect_fail "a FIFO named like a list file is refused" "damaged" \
	timeout 20 todoctl entries fifo
check "and promptly" [ $((SECONDS - start)) -lt 5 ]
start=$SECONDS
expect "another list still works" 1 timeout 20 todoctl add other 2019-01-01 x
check "at once" [ $((SECONDS - start)) -lt 5 ]
expect "a new list on the same worker still loads" 1 \
	timeout 20 todoctl add other2 2019-01-01 y
rmmod todo &
job=$!
if wait_for $job; then
	pass "rmmod with a FIFO in db_dir"
else
	fail "rmmod with a FIFO in db_dir"
	# Free a worker stuck opening the FIFO, so the run can go on.
	exec 3<> $db/u0/fifo.list
	exec 3>&-
	wait $job
fi
rm -f $db/u0/fifo.list

# An unsafe db_dir: anyone who may write to it could plant list files.
mode=$(stat -c %a $db)
owner=$(stat -c %u:%g $db)
chmod 0777 $db
refused "insmod refuses a world-writable db_dir"
check "the log names the directory and the mode" \
	bash -c "dmesg | tail -5 | grep -q 'db_dir $db: group- or world-writable'"
chmod 0775 $db
refused "insmod refuses a group-writable db_dir"
chmod "$mode" $db
chown 1000:1000 $db
refused "insmod refuses a db_dir not owned by root"
check "the log names the directory and the owner" \
	bash -c "dmesg | tail -5 | grep -q 'db_dir $db: not owned by root'"
chown "$owner" $db
check "insmod accepts the directory put back" insmod "$TODO_KO"
expect "the lists are still there" "1" \
	bash -c "todoctl entries other | wc -l"

# A full disk: the failed store removes its temporary file.
expect "add before the disk fills" 1 todoctl add --sync full 2018-12-19 one
fill_disk
for i in $(seq 2 40); do
	todoctl add --cast full 2018-12-19 "entry $i with some length to it"
done
# The message is the store's, set where the write failed: a full disk,
# not the module's limit on lists, which shares the errno ENOSPC.
full_msg="todoctl: sync: no space left on the disk for the list's file; the list is kept in memory (ENOSPC)"
expect_fail "sync on a full disk fails, saying the disk is full" \
	"^$full_msg\$" todoctl sync full
no_tmp "no temporary file is left by the failed store"
expect_fail "sync on a full disk fails again, saying the disk is full" \
	"^$full_msg\$" todoctl sync full
no_tmp "nor by the retry"
rm -f $db/filler1 $db/filler2
expect "sync succeeds once space is freed" "" todoctl sync full
no_tmp "no temporary file after the successful store"

# The longest titles: 4096 bytes each, stored and loaded back.
reload max_title_len=4096
t=$(head -c 4096 /dev/zero | tr '\0' x)
expect "a 4096-byte title is accepted" 1 \
	todoctl add --sync long 2018-12-19 "$t"
expect_fail "a 4097-byte title is refused before it is sent" \
	"title too long (4097 bytes; at most 4096)" \
	todoctl add long 2018-12-19 "${t}x"
for i in $(seq 2 20); do
	todoctl add --cast long 2018-12-20 "$t"
done
expect "20 long entries stored" "" todoctl sync long
check "the file is 88 + 20 * (10 + 4096) + 4 bytes" \
	[ "$(stat -c %s $db/u0/long.list)" = 82212 ]
reload max_title_len=4096
expect "all 20 load back" 20 bash -c "todoctl entries long | wc -l"
expect "with their whole titles" "$((20 * 4097))" \
	bash -c "todoctl entries long | cut -f3 | wc -c"
# A limit lowered since: the intact file is refused, naming the limit, not
# called damaged.
reload max_title_len=100
expect_fail "a file over a lowered max_title_len is refused, naming it" \
	"^todoctl: entries: title longer than max_title_len (EMSGSIZE)\$" \
	todoctl entries long
reload

# A message found in a list server's thread reaches the netlink_extack
# tracepoint too, as one the handler sets does.
tr=/sys/kernel/tracing
[ -d $tr/events ] || mount -t tracefs nodev $tr 2> /dev/null
ev=$tr/events/netlink/netlink_extack/enable
if [ -e $ev ]; then
	todoctl add traced 2018-12-19 x > /dev/null
	echo > $tr/trace
	echo 1 > $ev
	todoctl delete traced 999 2> /dev/null
	echo 0 > $ev
	check "a server's message goes to the netlink_extack tracepoint" \
		grep -q 'entry id not found' $tr/trace
else
	echo "# no netlink_extack tracepoint here: not checked"
fi

exit $failed
