#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The layout of db_dir, in the VM: a directory per owner, and the move of
# the old layout (every list a file "u<owner>.<name>.list" right in db_dir)
# into it at load.  Lists written by the module are put back into the old
# layout by hand, with hostile entries beside them; the reload moves them,
# idempotently, leaves what it must not move, refuses what must not be
# followed, and refuses to load when it cannot finish.  One PASS/FAIL
# line per check.
set -u

db=/var/lib/todo
suite=migrate
. "$TODO_TOP/tests/e2e/lib/checks.sh"

tab=$'\t'

# is MODE UID PATH: PATH (not followed) has this octal mode and owner.
is() { [ "$(stat -c '%a %u' "$3" 2> /dev/null)" = "$1 $2" ]; }

# old_layout OWNER NAME: move a list's file back into the old layout.
old_layout() { mv "$db/u$1/$2.list" "$db/u$1.$2.list"; }

# names: db_dir's entries, sorted, on one line.
names() { ls -A "$db" | sort | tr '\n' ' '; }

# bulk_old FIRST N: old-layout files of the list "bulk" (one entry) for
# owners FIRST..FIRST+N-1, written as Documentation/format.rst says:
# more than the 64 names db_dir is read at a time.
bulk_old()
{
	python3 - "$db" "$1" "$2" <<'PY'
import struct, sys, zlib
db, first, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
name, title = b'bulk', b'Bulk'
for uid in range(first, first + n):
    b = b'TODO' + struct.pack('<HHIB3x', 1, 0, uid, len(name))
    b += name.ljust(64, b'\0') + struct.pack('<II', 2, 1)
    b += struct.pack('<IIH', 1, 20190101, len(title)) + title
    b += struct.pack('<I', zlib.crc32(b))
    with open(f'{db}/u{uid}.bulk.list', 'wb') as f:
        f.write(b)
PY
}

# each_bulk CMD...: how many of the bulk owners CMD succeeds for, $u set.
each_bulk()
{
	local n=0

	for u in $(seq 10000 10149); do
		eval "$@" > /dev/null 2>&1 && n=$((n + 1))
	done
	echo $n
}

# A fresh disk: lists of five owners in the new layout.
expect "root's first list" 1 todoctl add groceries 2018-12-19 Dentist
expect "root's first list, a second entry" 2 \
	todoctl add groceries 2018-12-20 Shopping
expect "root's second list" 1 todoctl add work 2019-01-01 Report
expect "user 1000's list" 1 todoctl --user 1000 add home 2019-01-02 Paint
expect "user 2000's list" 1 todoctl --user 2000 add a 2019-01-03 Walk
expect "user 3000's list" 1 todoctl --user 3000 add stranded 2019-01-04 x
expect "user 4000's list" 1 todoctl --user 4000 add mine 2019-01-05 y
expect "user 2000's dup, the copy to go old" 1 \
	todoctl --user 2000 add dup 2019-01-06 "old copy"
expect "all synced" "" todoctl sync
for u in 1000 2000 3000 4000; do
	todoctl --user "$u" sync
done
cp $db/u2000/dup.list /tmp/dup.old
expect "dup dropped" "" todoctl --user 2000 drop dup
expect "dup again, the copy to stay new" 1 \
	todoctl --user 2000 add --sync dup 2019-01-06 "new copy"

check "a list is db_dir/u<owner>/<name>.list, 0600" \
	is 600 0 $db/u0/groceries.list
check "an owner's directory is root's, 0700" is 700 0 $db/u1000
expect "db_dir holds only owners' directories" \
	"lost+found u0 u1000 u2000 u3000 u4000 " names
expect "no temporary file is left" "" find $db -name '.*.tmp'

# Back to the old layout, with hostile entries beside it.
rmmod todo
old_layout 0 groceries
old_layout 0 work
old_layout 1000 home
old_layout 2000 a
old_layout 3000 stranded
rmdir $db/u1000
cp /tmp/dup.old $db/u2000.dup.list
echo partial > $db/.u0.groceries.tmp
ln -s /etc/hostname $db/.u0.work.tmp
ln -s /etc/passwd $db/u0.evil.list
mkfifo $db/u0.fifo.list
mkdir -m 0700 /tmp/elsewhere
rmdir $db/u3000
ln -s /tmp/elsewhere $db/u3000
chown 4000:4000 $db/u4000
sum4000=$(md5sum < $db/u4000/mine.list)
mkfifo $db/u5000
ln -s /etc/passwd $db/u0/evil2.list
bulk_old 10000 150
dmesg -C

start=$SECONDS
if timeout 60 insmod "$TODO_KO"; then
	pass "the module loads over the old layout"
else
	fail "the module loads over the old layout"
fi
check "promptly, a FIFO in db_dir notwithstanding" \
	[ $((SECONDS - start)) -lt 30 ]
summary="$db: 154 list files of the old layout moved into owners' directories, 4 left in place, 2 old temporary files removed"
check "one line says what moved, what stayed, what was removed" \
	bash -c "dmesg | grep -qF \"$summary\""

# What moved.
expect "root's list moved, entries intact" \
	"1${tab}2018-12-19${tab}Dentist
2${tab}2018-12-20${tab}Shopping" todoctl entries groceries
expect "root's second list moved" "1${tab}2019-01-01${tab}Report" \
	todoctl entries work
expect "into a directory made for user 1000" \
	"1${tab}2019-01-02${tab}Paint" todoctl --user 1000 entries home
expect "and into user 2000's existing one" "1${tab}2019-01-03${tab}Walk" \
	todoctl --user 2000 entries a
check "the moved file is at its new path" is 600 0 $db/u0/groceries.list
check "the directory made is root's, 0700" is 700 0 $db/u1000
check "user 1000's file is there" is 600 0 $db/u1000/home.list
for f in u0.groceries.list u0.work.list u1000.home.list u2000.a.list \
	 .u0.groceries.tmp .u0.work.tmp; do
	check "$f is gone from db_dir" [ ! -e $db/$f -a ! -L $db/$f ]
done

expect "150 owners' old files, more than a batch, all moved" 150 \
	each_bulk '[ -f $db/u$u/bulk.list ] && [ ! -e $db/u$u.bulk.list ]'
expect "and each loads" 150 \
	each_bulk '[ "$(todoctl --user $u entries bulk)" = "1${tab}2019-01-01${tab}Bulk" ]'

# What stayed.
expect "a list in both layouts keeps the new file" \
	"1${tab}2019-01-06${tab}new copy" todoctl --user 2000 entries dup
check "and leaves the old one in place" cmp -s /tmp/dup.old $db/u2000.dup.list
check "the kernel log says so" bash -c \
	"dmesg | grep -q 'u2000.dup.list: not moved to u2000/dup.list: the list.s file is there already'"
check "a symlink named like an old list is left in place" \
	[ -L $db/u0.evil.list ]
check "the kernel log says it was not followed" bash -c \
	"dmesg | grep -q 'u0.evil.list: not moved .*not a regular file'"
expect "and it is no list" "" todoctl entries evil
check "a FIFO named like an old list is left in place" [ -p $db/u0.fifo.list ]
check "an old list whose owner's directory is a symlink stays" \
	[ -f $db/u3000.stranded.list ]
check "the kernel log says why" bash -c \
	"dmesg | grep -q 'u3000.stranded.list: not moved .*owner.s directory is refused'"

# Owners' directories that must not be used.
check "a symlinked owner's directory is logged" bash -c \
	"dmesg | grep -q '$db/u3000: a symlink, not followed'"
expect_fail "and its lists are refused" "symlink" \
	todoctl --user 3000 add stranded 2019-01-04 z
check "nothing was written where it points" \
	[ -z "$(ls -A /tmp/elsewhere)" ]
check "an owner's directory owned by a user is logged" bash -c \
	"dmesg | grep -q '$db/u4000: not owned by root'"
expect_fail "and its lists are refused" "damaged" \
	todoctl --user 4000 add mine 2019-01-05 z
user_todoctl_init
expect_fail "also to that user" "damaged" \
	todoctl_as 4000 add mine 2019-01-05 z
check "and its list file is untouched" \
	[ "$(md5sum < $db/u4000/mine.list)" = "$sum4000" ]
check "no temporary file was made there" [ ! -e $db/u4000/.mine.tmp ]
start=$SECONDS
expect_fail "a FIFO for an owner's directory is refused" "damaged" \
	timeout 20 todoctl --user 5000 add new 2019-01-01 z
check "at once" [ $((SECONDS - start)) -lt 10 ]
expect_fail "a symlink for a list's file in a directory is refused" \
	"symlink" todoctl entries evil2

# One owner's listing is its own directory's lists, each once.
expect "root's lists: its own" "evil2 groceries work" \
	bash -c "todoctl lists | cut -f1 | sort | tr '\n' ' ' | sed 's/ \$//'"
expect "user 1000's lists: its own" "home" \
	bash -c "todoctl --user 1000 lists | cut -f1"
expect "user 2000's lists: its own" "a dup" \
	bash -c "todoctl --user 2000 lists | cut -f1 | sort | tr '\n' ' ' | sed 's/ \$//'"

# Stores go to the new layout only.
expect "a change to a moved list" 3 todoctl add --sync groceries 2018-12-21 Gym
expect "lands in the owner's directory" 3 \
	bash -c "todoctl entries groceries | wc -l"
check "not in the old layout" [ ! -e $db/u0.groceries.list ]
expect "a new owner's first store" 1 \
	todoctl --user 6000 add --sync fresh 2019-02-01 New
check "makes its directory, root's, 0700" is 700 0 $db/u6000
expect "no temporary file is left" "" find $db -name '.*.tmp'

# A second load moves nothing more; the moved lists are still there.
rmmod todo
dmesg -C
insmod "$TODO_KO"
summary="$db: 0 list files of the old layout moved into owners' directories, 4 left in place, 0 old temporary files removed"
check "a reload moves nothing more" \
	bash -c "dmesg | grep -qF \"$summary\""
expect "and finds the moved lists" "1${tab}2019-01-02${tab}Paint" \
	todoctl --user 1000 entries home
expect "with their changes" 3 bash -c "todoctl entries groceries | wc -l"
expect "the scan, a batch at a time, finds every bulk owner's list" 150 \
	each_bulk '[ "$(todoctl --user $u lists | cut -f1)" = bulk ]'

# Clean up the hostile entries: the rest must load without a word.
rm -f $db/u0.evil.list $db/u0.fifo.list $db/u0/evil2.list $db/u5000 \
	$db/u2000.dup.list $db/u3000
mkdir -m 0700 $db/u3000
mv $db/u3000.stranded.list $db/u3000/stranded.list
chown 0:0 $db/u4000
rmmod todo
dmesg -C
insmod "$TODO_KO"
check "a clean db_dir loads without a word of the old layout" bash -c \
	"! dmesg | grep -q 'old layout\|not moved\|refused'"
expect "the repaired owner's list loads" "1${tab}2019-01-04${tab}x" \
	todoctl --user 3000 entries stranded
expect "so does the one whose directory was given back to root" \
	"1${tab}2019-01-05${tab}y" todoctl --user 4000 entries mine

# A move that cannot be done stops the load, with the file named.
rmmod todo
old_layout 1000 home
rmdir $db/u1000
mount -o remount,ro $db
if insmod "$TODO_KO" 2> /dev/null; then
	fail "a read-only db_dir with old files refuses the load"
	rmmod todo
else
	pass "a read-only db_dir with old files refuses the load"
fi
check "the kernel log names the file and the error" bash -c \
	"dmesg | grep -q 'u1000.home.list: cannot move it to u1000/home.list (error -30)'"
mount -o remount,rw $db
check "once writable, it loads" insmod "$TODO_KO"
expect "and the list is moved" "1${tab}2019-01-02${tab}Paint" \
	todoctl --user 1000 entries home

exit $failed
