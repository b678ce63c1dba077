#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What "make run" shows, inside the VM: the module loaded with its limits,
# then the list core's KUnit suites running against it.
set -eu

echo "== $(uname -sr) VM; todo.ko is loaded:"
grep '^todo ' /proc/modules
for p in /sys/module/todo/parameters/*; do
	printf '   %-16s %s\n' "$(basename "$p")" "$(cat "$p")"
done
dmesg | grep 'todo:' | sed 's/^/   dmesg: /'

echo
echo "== loading todo_test.ko: its KUnit suites run against todo.ko"
insmod "$TODO_TEST_KO"
tests/kunit/ktap.py /sys/kernel/debug/kunit/todo_*/results
rmmod todo_test
