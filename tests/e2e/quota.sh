#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The per-user byte budget (max_bytes_per_user), in the VM, as users meet
# it: a user's lists together may not grow past it; other users are not
# affected; CAP_SYS_RESOURCE exceeds it; deleting entries or dropping a
# list frees room; the budget holds across an idle expiry and a reload,
# counted again from the files.  One PASS/FAIL line each.
#
# Needs: root, todo.ko ($TODO_KO) loaded, todoctl on PATH, setpriv.
set -u

db=/var/lib/todo
suite=quota
. "$TODO_TOP/tests/e2e/lib/checks.sh"

user_todoctl_init
as6000=(todoctl_as 6000)
as6001=(todoctl_as 6001)

# 64 KiB per user, titles of 4000 bytes: about 16 entries fill a budget.
params=(max_bytes_per_user=65536 max_title_len=4096 idle_timeout=2)
reload "${params[@]}"
big=$(head -c 4000 /dev/zero | tr '\0' q)
over="over the user's byte budget (max_bytes_per_user)"

expect_ok "a first, small entry" "${as6000[@]}" add a 2019-01-01 tiny
n=0
while "${as6000[@]}" add a 2019-01-01 "$n$big" > /dev/null 2>&1; do
	n=$((n + 1))
	[ $n -gt 40 ] && break
done
if [ $n -ge 14 ] && [ $n -le 16 ]; then
	pass "a user's adds are accepted up to the budget ($n of 4000 bytes in 64 KiB)"
else
	fail "a user's adds are accepted up to the budget: $n accepted"
fi
expect_fail "the next add is refused with EDQUOT and says why" "$over" \
	"${as6000[@]}" add a 2019-01-01 "x$big"
expect_fail "the budget is the user's, not the list's" "$over" \
	"${as6000[@]}" add b 2019-01-01 "y$big"
expect_fail "an update that grows a title is refused too" "$over" \
	"${as6000[@]}" update a 1 --title "$big$(head -c 90 /dev/zero | tr '\0' z)"
expect_ok "another user is not held up" \
	"${as6001[@]}" add a 2019-01-01 "$big"
expect_ok "root (CAP_SYS_RESOURCE) may exceed the user's budget" \
	todoctl --user 6000 add a 2019-01-01 "root$big"
expect_ok "deleting an entry frees room" "${as6000[@]}" delete a 2
expect_ok "deleting a second entry frees room" "${as6000[@]}" delete a 3
expect_ok "an add then fits" "${as6000[@]}" add a 2019-01-01 "again$big"
expect_fail "and then the budget is full again" "$over" \
	"${as6000[@]}" add a 2019-01-01 "x$big"

# The charge moves to the file when the server retires, and back.
expect_ok "a sync" "${as6000[@]}" sync a
sleep 5
if todoctl --user 6000 lists | grep -q 'live$'; then
	fail "the list expired: $(todoctl --user 6000 lists)"
else
	pass "the list expired"
fi
expect_fail "an expired list still counts against the budget" "$over" \
	"${as6000[@]}" add b 2019-01-01 "x$big"
expect_fail "and loading it again counts it once" "$over" \
	"${as6000[@]}" add a 2019-01-01 "x$big"

# A reload counts the budget again from the files in db_dir.
reload "${params[@]}"
expect_fail "after a reload the stored list still counts" "$over" \
	"${as6000[@]}" add b 2019-01-01 "x$big"
expect_ok "small changes still fit in what is left" \
	"${as6000[@]}" add b 2019-01-01 small

# Dropping a list gives its bytes back.
expect_ok "the user drops the full list" "${as6000[@]}" drop a
expect_ok "its room is free again" "${as6000[@]}" add b 2019-01-01 "x$big"
if [ -e $db/u6000/a.list ]; then
	fail "the dropped list's file is gone"
else
	pass "the dropped list's file is gone"
fi

reload
exit $failed
