#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Live servers bounded by max_servers, lists not: with max_servers=4, a
# user's 12 lists all work, the least recently used idle server is stored
# and stopped to make room, no entry is lost, live kernel threads never
# exceed the bound, and "todoctl stats" counts it all.  max_lists bounds
# every user's lists together, root's included.  One PASS/FAIL line each.
#
# Needs: root, todo.ko ($TODO_KO) loaded, todoctl on PATH, setpriv.
set -u

db=/var/lib/todo
suite=evict
. "$TODO_TOP/tests/e2e/lib/checks.sh"

user_todoctl_init
as6100=(todoctl_as 6100)

# Live list servers: kernel threads named todo/N.
threads() { ps -e -o comm= | grep -c '^todo/[0-9]'; }

stat_of() { todoctl stats | tr '\t' '\n' | sed -n "s/^$1=//p"; }

reload max_servers=4 idle_timeout=0
max=0
for i in $(seq 1 12); do
	"${as6100[@]}" add "l$i" 2019-01-01 "entry $i" > /dev/null ||
		fail "add to list l$i"
	n=$(threads)
	[ "$n" -gt "$max" ] && max=$n
done
if [ "$max" -le 4 ]; then
	pass "12 lists with max_servers=4: at most $max live threads"
else
	fail "12 lists with max_servers=4: $max live threads"
fi
expect "stats: 4 servers live, 12 lists" "4 12" \
	bash -c "echo \$(todoctl stats | tr '\t' '\n' | sed -n 's/^servers=//p; s/^lists=//p')"
ev=$(stat_of evictions)
if [ "$ev" -ge 8 ]; then
	pass "stats: $ev evictions"
else
	fail "stats: $ev evictions, want at least 8"
fi
stored=$(find "$db" -name '*.list' | wc -l)
if [ "$stored" -ge 8 ]; then
	pass "evicted lists are on disk ($stored files)"
else
	fail "evicted lists are on disk: $stored files"
fi

bad=0
for i in $(seq 1 12); do
	got=$("${as6100[@]}" entries "l$i" 2>&1)
	[ "$got" = "$(printf '1\t2019-01-01\tentry %s' "$i")" ] || bad=$((bad + 1))
done
if [ $bad = 0 ]; then
	pass "every list reads back its entry, evicted or not"
else
	fail "$bad lists lost their entry"
fi

# Least recently used goes first, not first started: l9..l12 are live,
# in that order of use; l9 is used again, so l10 goes for "new".
"${as6100[@]}" entries l9 > /dev/null
"${as6100[@]}" add new 2019-01-02 x > /dev/null
alive() { "${as6100[@]}" --json lists | tr '}' '\n' | grep "\"name\":\"$1\"" |
	  grep -c '"alive":true'; }
if [ "$(alive l9)" = 1 ] && [ "$(alive new)" = 1 ] && [ "$(alive l10)" = 0 ]; then
	pass "the least recently used idle server is the one evicted"
else
	fail "l9 alive=$(alive l9), l10 alive=$(alive l10), new alive=$(alive new)"
fi
n=$("${as6100[@]}" lists | wc -l)
if [ "$n" = 13 ]; then
	pass "lists shows all 13, live and stored"
else
	fail "lists shows $n lists, want 13"
fi

expect_fail "stats needs CAP_NET_ADMIN" "not permitted" "${as6100[@]}" stats

# A listing streams: 100 more lists, several dump rounds, each name once,
# in order.
for i in $(seq 1 100); do echo "add m$i 2019-01-01 x"; done |
	"${as6100[@]}" batch || fail "batch of 100 new lists"
names=$("${as6100[@]}" lists | cut -f1)
if [ "$(wc -l <<< "$names")" = 113 ] &&
   [ "$names" = "$(LC_ALL=C sort <<< "$names")" ] &&
   [ -z "$(uniq -d <<< "$names")" ]; then
	pass "lists shows 113 lists once each, by name, over several rounds"
else
	fail "lists: $(wc -l <<< "$names") lines, sorted/unique check failed"
fi

# max_lists counts every user's lists and holds for root too.
n=$(stat_of lists)
echo $((n + 1)) > /sys/module/todo/parameters/max_lists
expect_ok "the last list max_lists allows" todoctl add fourteen 2019-01-01 x
expect_fail "one more is refused, root or not" "too many lists on this system (max_lists)" \
	todoctl add fifteen 2019-01-01 x
expect_ok "an existing list still takes entries" \
	"${as6100[@]}" add l1 2019-01-03 y
todoctl drop fourteen
expect_ok "a dropped list makes room" todoctl add fifteen 2019-01-01 x

# A victim whose store fails stays, and is not tried again and again.
errors() { todoctl --json lists | tr '}' '\n' | grep "\"name\":\"$1\"" |
	   sed -n 's/.*"write_errors":\([0-9]*\).*/\1/p'; }
reload max_servers=2 idle_timeout=0 call_timeout_ms=2000
todoctl add --sync a 2019-01-01 first > /dev/null
todoctl add --sync b 2019-01-01 first > /dev/null
mount -o remount,ro "$db"
todoctl add --cast a 2019-01-01 "only in memory" > /dev/null
todoctl add --cast b 2019-01-01 "only in memory" > /dev/null
todoctl ping a > /dev/null
todoctl ping b > /dev/null
before=$(( $(errors a) + $(errors b) ))
expect_fail "no room when every victim's store fails: EBUSY" "busy" \
	todoctl add c 2019-01-01 x
after=$(( $(errors a) + $(errors b) ))
if [ $((after - before)) -le 2 ]; then
	pass "each failing victim tried at most once ($((after - before)) failed stores)"
else
	fail "one request caused $((after - before)) failed stores"
fi
mount -o remount,rw "$db"
expect "the victims kept their unstored entries" "2" \
	bash -c "todoctl entries a | wc -l"

exit $failed
