#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What "make run" shows, inside the VM: todoctl driving the module with
# calls and casts, persistence across a module reload, errors as a user
# sees them, change events, the web server, and the KUnit suites.
set -u

run()
{
	printf '$'
	printf ' %q' "$@"
	echo
	"$@"
	local rc=$?
	[ $rc = 0 ] || echo "(exit status $rc)"
}

echo "== $(uname -sr) VM with todo.ko loaded"
echo
echo "== A list server per list; calls wait for the answer, casts do not"
run todoctl add bob 2018-12-19 Dentist
run todoctl add --cast bob 2018-12-20 Shopping
run todoctl add bob 2018-12-19 Movies
run todoctl entries bob
run todoctl entries bob 2018-12-19
run todoctl update bob 2 --title "Updated shopping"
run todoctl delete --cast bob 1
run todoctl add alice 2018-12-21 "Book club"
run todoctl entries bob
run todoctl lists
run todoctl --json entries bob
echo "\$ ps -e -o pid,comm | grep todo/"
ps -e -o pid,comm | grep todo/

echo
echo "== Persistence: sync, unload, load again"
run todoctl sync
run ls -l /var/lib/todo
run rmmod todo
run insmod "$TODO_KO"
run todoctl lists
run todoctl entries bob
run todoctl add bob 2018-12-22 Gym

echo
echo "== Errors"
run todoctl update bob 99 --title x
run todoctl add ../etc 2018-12-19 x
run todoctl add bob 2023-02-29 x
run todoctl add bob 2018-12-19

echo
echo "== Change events: todoctl watch prints each change as it is applied"
echo "\$ todoctl watch bob &"
todoctl watch bob &
watcher=$!
sleep 1
run todoctl add bob 2018-12-24 Presents
id=$(todoctl entries bob 2018-12-24 | cut -f1)
run todoctl update bob "$id" --date 2018-12-25
run todoctl delete bob "$id"
sleep 1
kill -INT "$watcher"
wait "$watcher" 2> /dev/null

echo
echo "== The book's web server: todo-httpd (this kernel has no TCP: a unix socket)"
sock=/run/todo-httpd.sock
todo-httpd --listen "unix:$sock" &
httpd=$!
for _ in $(seq 50); do
	[ -S "$sock" ] && break
	sleep 0.2
done
run curl -s --unix-socket "$sock" -d '' \
	'http://localhost/add_entry?list=bob&date=2018-12-19&title=Dentist'
echo
run curl -s --unix-socket "$sock" \
	'http://localhost/entries?list=bob&date=2018-12-19'
echo
kill "$httpd"
wait "$httpd" 2> /dev/null

echo
echo "== KUnit suites (todo_test.ko), run against a freshly loaded todo.ko"
# The suites count and evict live servers: none of the demo's may be left.
rmmod todo
insmod "$TODO_KO"
insmod "$TODO_TEST_KO"
tests/kunit/ktap.py /sys/kernel/debug/kunit/todo_*/results | grep -v '^       '
rmmod todo_test
