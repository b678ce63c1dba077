#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ApacheBench against todo-httpd, in the VM, for the table of
# Documentation/performance.rst: the book's two routes, 32 connections at
# once, 2000 requests each (and keep-alive runs besides).  Needs a kernel
# with TCP/IP (the stock 6.1 kernel; the debug test kernel has none), ab
# and curl.  Prints ab's figures and "RESULT ROUTE RPS MEAN_MS FAILED".
#
#   tests/vm/run --stock --ko /tmp/x61/todo.ko --script tests/bench/httpd.sh
set -u

C=${C:-32}
N=${N:-2000}
ip link set lo up
todo-httpd 2> /tmp/httpd.log &
pid=$!
for _ in $(seq 100); do
	curl -s -o /dev/null http://127.0.0.1:5454/lists && break
	sleep 0.1
done
: > /tmp/empty
add="http://127.0.0.1:5454/add_entry?list=bob&date=2018-12-19&title=Dentist"
get="http://127.0.0.1:5454/entries?list=alice&date=2018-12-19"
nproc_vm=$(nproc)
echo "vm: $nproc_vm CPUs, todo-httpd threads: $nproc_vm, kernel $(uname -r)"

# bench NAME ARGS...: one ab run; prints its figures and a RESULT line.
bench()
{
	local name=$1 out

	shift
	out=$(ab -q -c "$C" -n "$N" "$@" 2>&1)
	echo "== $name: ab -c $C -n $N $*"
	grep -E '^(Complete|Failed|Non-2xx|Requests per|Time per request|Transfer rate)' <<< "$out"
	echo "RESULT $name $(sed -n 's/^Requests per second: *\([0-9.]*\).*/\1/p' <<< "$out") \
$(sed -n 's/^Time per request: *\([0-9.]*\) \[ms\] (mean)$/\1/p' <<< "$out") \
$(sed -n 's/^Failed requests: *\([0-9]*\)/\1/p' <<< "$out")"
}

# GET reads alice, 10 entries of the date (the adds go to bob, which
# grows by 4000 entries in the run).
for i in $(seq 10); do
	curl -s -d '' "http://127.0.0.1:5454/add_entry?list=alice&date=2018-12-19&title=Dentist$i" > /dev/null
done
todoctl sync alice
bench add_entry -p /tmp/empty -T text/plain "$add"
todoctl sync bob
bench add_entry_keepalive -k -p /tmp/empty -T text/plain "$add"
todoctl sync bob
bench entries "$get"
bench entries_keepalive -k "$get"
echo "entries of bob after the run: $(todoctl entries bob | wc -l) (want $((2 * N)))"
kill $pid
wait $pid
