#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Change events, in the VM: todoctl watch sees every change of a run in
# order (text and JSON), not a dropped list; two users each see only their
# own lists' events, and another's only with CAP_NET_ADMIN; events made up
# by another process do not reach a watcher; a watcher that
# does not read slows no list down and is told how many events it lost;
# subscriptions are bounded (max_watchers_per_user, max_watchers) and end
# when the watcher exits (kmemleak, scanned by the harness, sees a leaked
# one).  One PASS/FAIL line per check.
#
# Needs: root, todo.ko loaded, todoctl on PATH, python3, setpriv.
set -u

suite=watch
# shellcheck source-path=SCRIPTDIR source=lib/checks.sh
. "$TODO_TOP/tests/e2e/lib/checks.sh"

params=/sys/module/todo/parameters
work=$(mktemp -d)
chmod 755 "$work"
user_todoctl_init
pids=()
# shellcheck disable=SC2317 # called by the trap
cleanup()
{
	local p

	for p in "${pids[@]}"; do
		kill -CONT "$p" 2> /dev/null
		kill "$p" 2> /dev/null
	done
	wait 2> /dev/null
	rm -rf "$work" "$(dirname "$user_todoctl")"
}
trap cleanup EXIT
run=$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')

# wait_grep FILE PATTERN: wait up to 30 s for a line of FILE to match.
wait_grep()
{
	local i

	for i in $(seq 300); do
		grep -q -- "$2" "$1" 2> /dev/null && return 0
		sleep 0.1
	done
	return 1
}

# ready FILE CMD...: run CMD (a todoctl add of the watched list, titled
# "ready") until the watcher writing FILE shows it: the watcher is then
# subscribed.  Adds at least one "ready" entry.
ready()
{
	local file=$1 i

	shift
	for i in $(seq 60); do
		"$@" > /dev/null || return 1
		grep -q ' ready$' "$file" && return 0
		sleep 0.5
	done
	return 1
}

# stop PID: SIGINT the watcher PID; its status must be 0.
stop()
{
	kill -INT "$1" && wait "$1"
}

# ---- one watcher sees a run, in order ------------------------------------

l=w$run
todoctl watch "$l" > "$work/w.out" 2> "$work/w.err" &
wp=$!
pids+=("$wp")
todoctl -j watch "$l" > "$work/wj.out" 2> "$work/wj.err" &
wjp=$!
pids+=("$wjp")
check "a watcher subscribes (text)" \
	ready "$work/w.out" todoctl add "$l" 2018-12-01 ready
check "a watcher subscribes (json)" wait_grep "$work/wj.out" '"ready"'
id=$(todoctl add "$l" 2018-12-19 Dentist)
todoctl add --cast "$l" 2018-12-20 Shopping
todoctl update "$l" "$id" --title "Dentist at 10"
todoctl update --cast "$l" "$id" --date 2018-12-21
todoctl delete "$l" "$id"
todoctl delete "$l" 999 2> /dev/null	# fails: no event
todoctl add "other$run" 2019-01-01 "not watched" > /dev/null
todoctl drop "$l"			# not an entry's change: no event
todoctl add "$l" 2019-01-01 last > /dev/null
wait_grep "$work/w.out" ' last$'
wait_grep "$work/wj.out" '"last"'
want="$l add $id 2018-12-19 Dentist
$l add $((id + 1)) 2018-12-20 Shopping
$l update $id 2018-12-19 Dentist at 10
$l update $id 2018-12-21 Dentist at 10
$l delete $id 2018-12-21 Dentist at 10
$l add 1 2019-01-01 last"
got=$(grep -v ' ready$' "$work/w.out")
if [ "$got" = "$want" ]; then
	pass "every change in order: adds, updates, delete; no failed or other list's, no drop"
else
	fail "events in order: got '$got', want '$want'"
fi
check "the watcher exits 0 on SIGINT" stop "$wp"
check "and printed nothing on stderr" [ ! -s "$work/w.err" ]
stop "$wjp"
if python3 - "$work/wj.out" "$l" "$id" <<'EOF'
import json, sys
lines = [json.loads(x) for x in open(sys.argv[1])]
lines = [x for x in lines if x.get('title') != 'ready']
l, i = sys.argv[2], int(sys.argv[3])
want = [
    {'list': l, 'owner': 0, 'event': 'add', 'id': i, 'date': '2018-12-19', 'title': 'Dentist'},
    {'list': l, 'owner': 0, 'event': 'add', 'id': i + 1, 'date': '2018-12-20', 'title': 'Shopping'},
    {'list': l, 'owner': 0, 'event': 'update', 'id': i, 'date': '2018-12-19', 'title': 'Dentist at 10'},
    {'list': l, 'owner': 0, 'event': 'update', 'id': i, 'date': '2018-12-21', 'title': 'Dentist at 10'},
    {'list': l, 'owner': 0, 'event': 'delete', 'id': i, 'date': '2018-12-21', 'title': 'Dentist at 10'},
    {'list': l, 'owner': 0, 'event': 'add', 'id': 1, 'date': '2019-01-01', 'title': 'last'},
]
sys.exit(0 if lines == want else 1)
EOF
then
	pass "json: one object per line, the same events"
else
	fail "json: $(cat "$work/wj.out")"
fi

# port PID: the port id of the generic netlink socket of process PID.
port()
{
	local fd ino

	for fd in /proc/"$1"/fd/*; do
		ino=$(readlink "$fd" | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p')
		[ -n "$ino" ] && awk -v ino="$ino" \
			'$2 == 16 && $10 == ino { print $3 }' /proc/net/netlink
	done
}

# forge UID PORT LIST TITLE: as UID, send the socket of PORT a change event
# the kernel never sent: an add to LIST, owned by user 1001, titled TITLE.
# Prints "sent", or "refused" if the socket refused it (ECONNREFUSED), or
# "denied" if the sender may not send it (EPERM).  The library is read
# here, as root, and given to python on its stdin: the source tree may not
# be UID's to read.
forge()
{
	{
		cat "$TODO_TOP/tests/e2e/lib/rawnl.py"
		cat <<'PY'
port, name, title = int(sys.argv[1]), sys.argv[2], sys.argv[3]
event = message(family_id(), 0, TODO_CMD_CHANGE,
                attr(TODO_A_LIST, name.encode() + b"\0") +
                attr(TODO_A_OWNER, struct.pack("I", 1001)) +
                attr(TODO_A_KIND, struct.pack("B", TODO_CHANGE_ADD)) +
                attr(TODO_A_ID, struct.pack("I", 7)) +
                attr(TODO_A_DATE, struct.pack("I", 20190201)) +
                attr(TODO_A_TITLE, title.encode() + b"\0"), seq=0)
with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                   NETLINK_GENERIC) as s:
    try:
        s.sendto(event, (port, 0))
        print("sent")
    except ConnectionRefusedError:
        print("refused")
    except PermissionError:
        print("denied")
PY
	} | setpriv --reuid="$1" --regid="$1" --clear-groups \
		python3 - "$2" "$3" "$4"
}

# ---- two users, each their own events ------------------------------------

# watch_as UID ARGS...: todoctl watch in the background as UID; $! is
# todoctl's (setpriv execs it).
watch_as()
{
	local uid=$1

	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups \
		"$user_todoctl" watch "$@" &
	pids+=($!)
}

watch_as 1001 > "$work/u1001.out" 2> "$work/u1001.err"
up1001=$!
watch_as 1002 > "$work/u1002.out" 2> "$work/u1002.err"
up1002=$!
for u in 1001 1002; do
	check "user $u watches all their lists" \
		ready "$work/u$u.out" todoctl_as $u add "s$run" 2019-01-01 ready
done
todoctl --user 1001 watch > "$work/admin.out" 2> /dev/null &
ap=$!
pids+=("$ap")
check "root watches user 1001's lists (CAP_NET_ADMIN)" \
	ready "$work/admin.out" todoctl_as 1001 add "s$run" 2019-01-01 ready
expect_fail "user 1002 may not watch user 1001's lists" \
	"naming another owner needs CAP_NET_ADMIN" \
	todoctl_as 1002 --user 1001 watch
# A process with CAP_NET_ADMIN may send a datagram to another's generic
# netlink socket unless it is connected: todoctl's is, to the kernel,
# which refuses the others.  Without the capability the sender is refused.
p1001=$(port "$up1001")
check "user 1001's watcher's port is found ($p1001)" [ -n "$p1001" ]
got=$(forge 1002 "$p1001" "s$run" "forged by 1002" 2>&1)
check "user 1002 may not send it a made-up event (EPERM): $got" \
	[ "$got" = denied ]
got=$(forge 0 "$p1001" "s$run" "forged by root" 2>&1)
check "root's made-up event is refused by its socket (ECONNREFUSED): $got" \
	[ "$got" = refused ]
todoctl_as 1001 add "s$run" 2019-02-01 "secret of 1001" > /dev/null
todoctl_as 1002 add "s$run" 2019-02-02 "secret of 1002" > /dev/null
todoctl_as 1001 add "p$run" 2019-02-03 "private 1001" > /dev/null
todoctl_as 1002 add "p$run" 2019-02-04 "private 1002" > /dev/null
todoctl add "s$run" 2019-02-05 "root's" > /dev/null
todoctl_as 1001 add "s$run" 2019-01-01 end > /dev/null
todoctl_as 1002 add "s$run" 2019-01-01 end > /dev/null
wait_grep "$work/u1001.out" ' end$'
wait_grep "$work/u1002.out" ' end$'
wait_grep "$work/admin.out" ' end$'
stop "$up1001"
stop "$up1002"
stop "$ap"
check "user 1001 sees its own changes" \
	grep -q "^s$run add [0-9]* 2019-02-01 secret of 1001$" "$work/u1001.out"
check "of each of its lists" \
	grep -q "^p$run add 1 2019-02-03 private 1001$" "$work/u1001.out"
check "and none of 1002's or root's" \
	bash -c "! grep -q 'of 1002\|private 1002\|root' '$work/u1001.out'"
check "nor the events made up for it" \
	bash -c "! grep -q 'forged' '$work/u1001.out'"
check "user 1002 sees its own" \
	grep -q "^p$run add 1 2019-02-04 private 1002$" "$work/u1002.out"
check "and none of 1001's or root's" \
	bash -c "! grep -q 'of 1001\|private 1001\|root' '$work/u1002.out'"
check "root, watching 1001, sees 1001's only" \
	bash -c "grep -q 'private 1001' '$work/admin.out' &&
		 ! grep -q 'of 1002\|private 1002\|root' '$work/admin.out'"

# ---- a watcher that does not read ----------------------------------------

n=3000
s=slow$run
for i in $(seq $n); do
	echo "add $s 2019-03-01 entry-$i"
done > "$work/batch"
start=$(date +%s%N)
todoctl batch "$work/batch"
base=$((($(date +%s%N) - start) / 1000000))
todoctl watch "$s" > "$work/slow.out" 2> "$work/slow.err" &
sp=$!
pids+=("$sp")
ready "$work/slow.out" todoctl add "$s" 2019-01-01 ready
kill -STOP "$sp"
start=$(date +%s%N)
todoctl batch "$work/batch"
took=$((($(date +%s%N) - start) / 1000000))
echo "    $n casts: ${base} ms unwatched, ${took} ms with a stalled watcher"
check "$n casts with a stalled watcher take at most 3 times as long (+3 s)" \
	[ "$took" -le $((3 * base + 3000)) ]
kill -CONT "$sp"
todoctl add "$s" 2019-01-01 after > /dev/null
check "the watcher gets the next event" wait_grep "$work/slow.out" ' after$'
check "after a line 'events lost: N'" \
	grep -q '^events lost: [1-9][0-9]*$' "$work/slow.out"
stop "$sp"
# Every "ready" add the watcher saw came before it stalled: none is lost.
readies=$(grep -c ' ready$' "$work/slow.out")
events=$(grep -c "^$s " "$work/slow.out")
lost=$(awk '/^events lost: / { n += $3 } END { print n + 0 }' "$work/slow.out")
if [ $((events + lost)) = $((n + readies + 1)) ]; then
	pass "events received + lost = changes ($events + $lost)"
else
	fail "events received $events + lost $lost != $((n + readies + 1))"
fi

# ---- bounds, and subscriptions end with their socket ---------------------

echo 3 > $params/max_watchers_per_user
wps=()
for i in 1 2 3; do
	watch_as 1001 "b$run" > "$work/b$i.out" 2> /dev/null
	wps+=($!)
	ready "$work/b$i.out" todoctl_as 1001 add "b$run" 2019-01-01 ready
done
expect_fail "a 4th watcher of one user: max_watchers_per_user" \
	"max_watchers_per_user" todoctl_as 1001 watch "b$run"
for p in "${wps[@]}"; do
	stop "$p"
done
watch_as 1001 "b$run" > "$work/b4.out" 2> /dev/null
b4=$!
check "once its watchers exited, the user may watch again" \
	ready "$work/b4.out" todoctl_as 1001 add "b$run" 2019-01-01 ready
echo 1 > $params/max_watchers
expect_fail "beyond max_watchers" "max_watchers)" \
	todoctl_as 1002 watch "b$run"
# Root exceeds the limits (CAP_SYS_RESOURCE), as it does the other quotas:
# a table filled by users never locks the administrator out.
todoctl watch "r$run" > "$work/root.out" 2> "$work/root.err" &
rp=$!
pids+=("$rp")
check "root watches beyond max_watchers (CAP_SYS_RESOURCE)" \
	ready "$work/root.out" todoctl add "r$run" 2019-01-01 ready
stop "$rp"
kill -9 "$b4"
wait "$b4" 2> /dev/null
watch_as 1002 "b$run" > "$work/b5.out" 2> /dev/null
b5=$!
check "a killed watcher's subscription is gone too" \
	ready "$work/b5.out" todoctl_as 1002 add "b$run" 2019-01-01 ready
stop "$b5"
echo 64 > $params/max_watchers
echo 4 > $params/max_watchers_per_user

# ---- todo-httpd: Server-Sent Events --------------------------------------

sock=$work/h.sock
todo-httpd --listen "unix:$sock" --streams 3 2> "$work/httpd.log" &
hp=$!
pids+=("$hp")
for i in $(seq 100); do
	[ -S "$sock" ] && curl -s -o /dev/null --unix-socket "$sock" \
		http://localhost/lists && break
	sleep 0.1
done
# sse LIST OUT: a stream of LIST's events, in the background.
sse()
{
	curl -sSN --unix-socket "$sock" -D "$2.hdr" \
		"http://localhost/lists/$1/events" > "$2" 2> /dev/null &
	pids+=($!)
}
e=e$run
sse "$e" "$work/sse.out"
sp1=$!
sse "x$run" "$work/ssex.out"
check "sse: a stream opens with ': ok'" wait_grep "$work/sse.out" '^: ok'
wait_grep "$work/ssex.out" '^: ok'
check "sse: Content-Type text/event-stream" \
	grep -qi '^content-type: text/event-stream' "$work/sse.out.hdr"
todoctl add "$e" 2018-12-19 Dentist > /dev/null
todoctl update "$e" 1 --title 'Dentist "at" 10'
todoctl delete --cast "$e" 1
todoctl add "y$run" 2019-01-01 other > /dev/null
want='event: add
data: {"list":"'$e'","id":1,"date":"2018-12-19","title":"Dentist"}
event: update
data: {"list":"'$e'","id":1,"date":"2018-12-19","title":"Dentist \"at\" 10"}
event: delete
data: {"list":"'$e'","id":1,"date":"2018-12-19","title":"Dentist \"at\" 10"}'
wait_grep "$work/sse.out" '^event: delete'
# Without comments (": ok", ": keepalive") and the blank line after each.
got=$(tr -d '\r' < "$work/sse.out" | grep -v '^:' | grep -v '^$')
if [ "$got" = "$want" ]; then
	pass "sse: curl -N gets add, update, delete in order, as event + data"
else
	fail "sse: got '$got', want '$want'"
fi
check "sse: another list's stream gets none of them" \
	bash -c "! grep -q '^event:' '$work/ssex.out'"
expect "sse: a bad list name: 400" 400 curl -s -o /dev/null -w '%{http_code}' \
	--unix-socket "$sock" "http://localhost/lists/.bad/events"
expect "sse: POST: 405" 405 curl -s -o /dev/null -w '%{http_code}' -X POST \
	--unix-socket "$sock" "http://localhost/lists/$e/events"
sse "$e" "$work/third.out"
wait_grep "$work/third.out" '^: ok'
expect "sse: beyond --streams 3: 503" 503 curl -s -o /dev/null \
	-w '%{http_code}' --unix-socket "$sock" \
	"http://localhost/lists/$e/events"
kill "$sp1"
wait "$sp1" 2> /dev/null
stopped=
for i in $(seq 100); do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 \
		--unix-socket "$sock" "http://localhost/lists/$e/events")
	[ "$code" = 200 ] && { stopped=1; break; }
	todoctl add "$e" 2019-01-01 "wake" > /dev/null	# notices the close
	sleep 0.2
done
check "sse: a closed stream's slot is free again" [ -n "$stopped" ]
start=$SECONDS
kill -TERM "$hp"
wait "$hp"
rc=$?
if [ "$rc" = 0 ] && [ $((SECONDS - start)) -lt 10 ]; then
	pass "todo-httpd stops at once with streams open"
else
	fail "todo-httpd stops with streams open: status $rc, $((SECONDS - start)) s"
	cat "$work/httpd.log"
fi

# ---- the module unloads with a subscription ------------------------------

todoctl watch > "$work/u.out" 2> /dev/null &
up=$!
pids+=("$up")
ready "$work/u.out" todoctl add "u$run" 2019-01-01 ready
if rmmod todo && insmod "$TODO_KO"; then
	pass "the module unloads while a socket is subscribed"
else
	fail "the module unloads while a socket is subscribed"
fi
stop "$up"

exit "$failed"
