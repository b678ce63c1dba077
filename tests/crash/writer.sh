#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Crash test, inside the VM (tests/crash/run): first check what the disk
# holds against every change acknowledged before the last crash, then
# write until the host kills the VM.  Three writers each append to their
# own list with add --sync; after each acknowledged sync the writer records
# "LIST COUNT" in $TODO_OUT/acked, a file on the host that outlives the VM.
set -u

acked=$TODO_OUT/acked
prev=$TODO_OUT/prev-acked

# Check: every list file loads (checksum and format), and each list holds
# entries 1..N in order with N at least the last acknowledged count and at
# most one more (the change in flight when the VM died).
bad=0
for w in 0 1 2; do
	want=$(awk -v l="w$w" '$1 == l { n = $2 } END { print n + 0 }' \
		"$prev" 2>/dev/null)
	[ -n "$want" ] || want=0
	if ! got=$(todoctl entries "w$w" 2>&1); then
		echo "FAIL crash: w$w does not load: $got"
		bad=1
		continue
	fi
	n=$(printf '%s' "$got" | grep -c .)
	expected=$(seq 1 "$n" | awk '{ printf "%d\t2020-01-01\tentry %d\n", $1, $1 }')
	if [ "$n" -lt "$want" ] || [ "$n" -gt $((want + 1)) ]; then
		echo "FAIL crash: w$w has $n entries, $want acknowledged"
		bad=1
	elif [ "$got" != "$(printf '%s' "$expected")" ]; then
		echo "FAIL crash: w$w holds entries out of order or damaged"
		bad=1
	fi
done
[ "$bad" = 0 ] && echo "PASS crash: every list loads and holds every acknowledged change"
echo "checked" > "$TODO_OUT/checked"

[ -e "$TODO_OUT/verify-only" ] && exit $bad

writer()
{
	local w=$1 n

	n=$(todoctl entries "w$w" | grep -c .)
	while :; do
		n=$((n + 1))
		todoctl add --sync "w$w" 2020-01-01 "entry $n" > /dev/null ||
			exit 1
		echo "w$w $n" >> "$acked"
	done
}

echo "writing" > "$TODO_OUT/writing"
writer 0 & writer 1 & writer 2 &
wait
