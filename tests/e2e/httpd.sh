#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End to end, in the VM: todo-httpd against todo.ko.  The book's curl
# scenario (byte for byte), every route of the JSON API, bad requests
# (bad percent-encoding, a 1 MB URL, missing parameters, wrong methods,
# titles over the limit, bad JSON) answered with the right status and
# nothing applied (todoctl shows the lists unchanged), a server running as
# another uid serving that uid's lists, 503 with Retry-After for a full
# mailbox and for a module that is not loaded, and a short concurrent load.
#
# The server listens on a unix socket, which every kernel has; where the
# kernel has TCP/IP (not the debug test kernel), the book's scenario also
# runs over http://localhost:5454, and the load is ApacheBench's (ab -c 16)
# instead of 16 curl processes at a time.
#
# Needs: root, todo.ko loaded, $TODO_KO, todo-httpd and todoctl on PATH,
# curl, python3, setpriv; ab and ip where there is TCP/IP.
set -u

suite=httpd
. "$TODO_TOP/tests/e2e/lib/checks.sh"

for cmd in todo-httpd todoctl curl python3; do
	if ! command -v $cmd > /dev/null; then
		fail "$cmd is on PATH"
		exit 1
	fi
done

work=$(mktemp -d)
chmod 755 "$work"
sock=$work/httpd.sock
NAME_MSG='list name must be 1-64 bytes of A-Z a-z 0-9 . _ - and not start with .'
DATE_MSG='date is not a valid calendar day'
TITLE_MSG='title must be non-empty UTF-8 without control characters'
LONG_MSG='title is longer than max_title_len'
pids=() cpids=()

cleanup()
{
	local p

	for p in "${pids[@]}"; do
		kill "$p" 2> /dev/null
	done
	wait 2> /dev/null
	grep -q '^todo ' /proc/modules || insmod "$TODO_KO"
	rm -rf "$work"
}
trap cleanup EXIT

# req METHOD PATH [BODY]: a request to the unix socket server; sets $code,
# $body (the response body) and $hdr (the response headers).
req()
{
	local method=$1 path=$2
	local args=(-sS --max-time 60 --unix-socket "$sock" -X "$method"
		    -o "$work/body" -D "$work/hdr" -w '%{http_code}')

	[ $# -gt 2 ] && args+=(-H 'Content-Type: application/json'
			       --data-binary "$3")
	[ "$method" = POST ] && [ $# = 2 ] && args+=(-d '')
	code=$(curl "${args[@]}" "http://localhost$path" 2> "$work/curlerr")
	body=$(cat "$work/body" 2> /dev/null)
	hdr=$(tr -d '\r' < "$work/hdr" 2> /dev/null)
}

# expect_status DESC STATUS METHOD PATH [BODY]: the answer's status must be
# STATUS; with $want_body set, its body must contain it.
want_body=
expect_status()
{
	local desc=$1 status=$2

	shift 2
	req "$@"
	if [ "$code" = "$status" ] &&
	   { [ -z "$want_body" ] || grep -qF -- "$want_body" <<< "$body"; }; then
		pass "$desc: $status"
	else
		fail "$desc: got $code '${body:0:200}', want $status '$want_body'"
	fi
	want_body=
}

header() { sed -n "s/^$1: //Ip" <<< "$hdr"; }

# What the kernel holds, for the checks that nothing was applied.
snapshot() { todoctl lists | cut -f1; for l in bob j; do todoctl entries "$l"; done; }

# checkx DESC 'SHELL CONDITION': a check of a compound condition.
checkx()
{
	if eval "$2"; then
		pass "$1"
	else
		fail "$1"
	fi
}

# start_server SOCKET [setpriv args]: start todo-httpd on a unix socket
# and wait until it answers.
start_server()
{
	local s=$1 i

	shift
	"$@" todo-httpd --listen "unix:$s" 2>> "$work/httpd.log" &
	pids+=($!)
	for i in $(seq 100); do
		[ -S "$s" ] && curl -s -o /dev/null --unix-socket "$s" \
			http://localhost/lists && return 0
		sleep 0.1
	done
	return 1
}

if ! start_server "$sock"; then
	fail "todo-httpd starts on a unix socket"
	cat "$work/httpd.log"
	exit 1
fi
pass "todo-httpd starts on a unix socket"
server=${pids[0]}

echo "    [${SECONDS}s]"
# 1. The book's scenario, byte for byte.
req POST '/add_entry?list=bob&date=2018-12-19&title=Dentist'
checkx "book: POST /add_entry answers 200 OK ($code '$body')" \
	'[ "$code" = 200 ] && cmp -s "$work/body" <(printf OK)'
check "book: its content type is text/plain" \
	grep -q '^text/plain' <<< "$(header Content-Type)"
req POST '/add_entry?list=bob&date=2018-12-20&title=Shopping'
req POST '/add_entry?list=bob&date=2018-12-19&title=Movies%20at+8'
req GET '/entries?list=bob&date=2018-12-19'
checkx "book: GET /entries answers the entries of the date, joined by \\n" \
	'[ "$code" = 200 ] && cmp -s "$work/body" <(printf "2018-12-19 Dentist\n2018-12-19 Movies at 8")'
check "book: the casts are in the list (todoctl)" \
	[ "$(todoctl entries bob | cut -f3 | paste -sd,)" = "Dentist,Shopping,Movies at 8" ]
req GET '/entries?list=nobody&date=2018-12-19'
checkx "book: an unknown list has no entries (200, empty)" \
	'[ "$code" = 200 ] && [ ! -s "$work/body" ]'
req POST '/add_entry?list=bob&date=2018-12-21&title=Synced&sync=1'
checkx "book: sync=1 adds with a call and a sync ($code)" \
	'[ "$code" = 200 ] && [ "$body" = OK ] && todoctl entries bob 2018-12-21 | grep -q Synced'

echo "    [${SECONDS}s]"
# 2. The JSON API.
req GET /lists
checkx "json: GET /lists lists bob with 4 entries ($body)" \
	'[ "$code" = 200 ] && grep -qF "{\"name\":\"bob\",\"entries\":4,\"next_id\":5," <<< "$body"'
check "json: its content type is application/json" \
	[ "$(header Content-Type)" = application/json ]
req POST /lists/j/entries '{"date": "2019-01-02", "title": "Caf\u00e9 & tea"}'
checkx "json: POST /lists/j/entries answers 201 {\"id\": 1} ($code $body)" \
	'[ "$code" = 201 ] && [ "$body" = "{\"id\":1}" ]'
check "json: with Location /lists/j/entries/1" \
	[ "$(header Location)" = /lists/j/entries/1 ]
req POST /lists/j/entries '{"title": "Walk", "date": "2019-01-03"}'
checkx "json: a second entry gets id 2" '[ "$code" = 201 ] && [ "$body" = "{\"id\":2}" ]'
req GET /lists/j/entries
want='[{"id":1,"date":"2019-01-02","title":"Café & tea"},{"id":2,"date":"2019-01-03","title":"Walk"}]'
checkx "json: GET /lists/j/entries ($body)" '[ "$code" = 200 ] && [ "$body" = "$want" ]'
req GET '/lists/j/entries?date=2019-01-03'
want='[{"id":2,"date":"2019-01-03","title":"Walk"}]'
checkx "json: GET /lists/j/entries?date= ($body)" '[ "$code" = 200 ] && [ "$body" = "$want" ]'
req GET /lists/j/entries/2
want='{"id":2,"date":"2019-01-03","title":"Walk"}'
checkx "json: GET /lists/j/entries/2 ($body)" '[ "$code" = 200 ] && [ "$body" = "$want" ]'
req PATCH /lists/j/entries/1 '{"title": "Tea"}'
check "json: PATCH /lists/j/entries/1 answers 204 ($code)" [ "$code" = 204 ]
check "json: the title changed, the date did not (todoctl)" \
	[ "$(todoctl entries j 2019-01-02 | cut -f2,3)" = $'2019-01-02\tTea' ]
req PATCH /lists/j/entries/1 '{"date": "2019-02-01"}'
checkx "json: PATCH of the date ($code)" \
	'[ "$code" = 204 ] && [ "$(todoctl entries j | head -1 | cut -f2)" = 2019-02-01 ]'
req DELETE /lists/j/entries/2
check "json: DELETE /lists/j/entries/2 answers 204 ($code)" [ "$code" = 204 ]
want_body='entry id not found'
expect_status "json: GET of the deleted entry" 404 GET /lists/j/entries/2
want_body='entry id not found'
expect_status "json: DELETE of it again" 404 DELETE /lists/j/entries/2
expect_status "json: PATCH of an unknown id" 404 PATCH /lists/j/entries/99 '{"title": "x"}'
req POST '/lists/j/entries?sync=1' '{"date": "2019-01-04", "title": "Synced"}'
checkx "json: POST with sync=1 ($code $body)" '[ "$code" = 201 ] && [ "$body" = "{\"id\":3}" ]'

echo "    [${SECONDS}s]"
# 3. Bad requests: the right status, and nothing applied.
before=$(snapshot)
long=$(head -c 300 /dev/zero | tr '\0' a)
huge=$(head -c 5000 /dev/zero | tr '\0' a)
# Each curl takes about 2 s in the debug VM: the bad requests are queued
# here and sent by one python3 below, which prints their PASS and FAIL.
spec=$work/spec
: > "$spec"
want_allow=
bad() # DESC STATUS METHOD PATH [BODY], with $want_body and $want_allow
{
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$want_body" \
		"$want_allow" "$3" "$4" "${5:-}" >> "$spec"
	want_body='' want_allow=''
}
want_body=$DATE_MSG
bad "bad: a date not in the calendar (kernel's message)" 400 \
	POST '/add_entry?list=bob&date=2023-02-29&title=x'
want_body='malformed date'
bad "bad: a malformed date" 400 POST '/add_entry?list=bob&date=2018-1-1&title=x'
want_body=$NAME_MSG
bad "bad: a bad list name (kernel's message)" 400 \
	POST '/add_entry?list=.hidden&date=2018-12-19&title=x'
want_body=$TITLE_MSG
bad "bad: a title with a control character (kernel's message)" 400 \
	POST '/add_entry?list=bob&date=2018-12-19&title=a%01b'
want_body=$LONG_MSG
bad "bad: a title over max_title_len" 413 \
	POST "/add_entry?list=bob&date=2018-12-19&title=$long"
want_body=$LONG_MSG
bad "bad: a title over the hard cap" 413 \
	POST "/add_entry?list=bob&date=2018-12-19&title=$huge"
want_body='bad percent-encoding'
bad "bad: bad percent-encoding in a parameter" 400 \
	POST '/add_entry?list=bob&date=2018-12-19&title=Dent%zzist'
bad "bad: a truncated percent-escape" 400 \
	POST '/add_entry?list=bob&date=2018-12-19&title=Dentist%4'
bad "bad: an encoded NUL" 400 \
	POST '/add_entry?list=bob&date=2018-12-19&title=Dent%00ist'
bad "bad: bad percent-encoding in the path" 400 \
	POST /lists/b%g0/entries '{"date": "2019-01-01", "title": "x"}'
want_body="missing parameter 'title'"
bad "bad: a missing parameter" 400 POST '/add_entry?list=bob&date=2018-12-19'
want_body="missing parameter 'date'"
bad "bad: a missing date on /entries" 400 GET '/entries?list=bob'
bad "bad: sync=2" 400 POST '/add_entry?list=bob&date=2018-12-19&title=x&sync=2'
for m in GET PUT DELETE; do
	want_allow=POST
	bad "bad: $m /add_entry" 405 $m '/add_entry?list=bob&date=2018-12-19&title=x'
done
want_allow='GET, HEAD'
bad "bad: POST /entries" 405 POST '/entries?list=bob&date=2018-12-19'
want_allow='GET, HEAD'
bad "bad: DELETE /lists" 405 DELETE /lists
want_allow='GET, HEAD, POST'
bad "bad: PUT /lists/j/entries" 405 PUT /lists/j/entries '{}'
want_allow='GET, HEAD, PATCH, DELETE'
bad "bad: PUT /lists/j/entries/1" 405 PUT /lists/j/entries/1 '{}'
for p in / /nope /lists/j /lists/j/entries/abc /lists/j/entries/0 \
	 /lists/j/entries/1/x /lists//entries /add_entry/x; do
	bad "bad: unknown path $p" 404 GET "$p"
done
want_body='not a JSON object'
bad "bad: a body that is not JSON" 400 POST /lists/j/entries '{"date": "2019-01-01",'
bad "bad: a JSON array" 400 POST /lists/j/entries '["2019-01-01", "x"]'
bad "bad: JSON followed by more" 400 POST /lists/j/entries '{"date": "2019-01-01", "title": "x"} {}'
want_body="missing field 'title'"
bad "bad: a missing field" 400 POST /lists/j/entries '{"date": "2019-01-01"}'
want_body="unknown field"
bad "bad: an unknown field" 400 POST /lists/j/entries '{"date": "2019-01-01", "title": "x", "id": 7}'
want_body="must be a string"
bad "bad: a title that is a number" 400 POST /lists/j/entries '{"date": "2019-01-01", "title": 5}'
want_body=$DATE_MSG
bad "bad: JSON: a date not in the calendar" 400 POST /lists/j/entries '{"date": "2019-02-30", "title": "x"}'
want_body=$NAME_MSG
bad "bad: JSON: a bad list name" 400 POST '/lists/a%20b/entries' '{"date": "2019-01-01", "title": "x"}'
want_body=$LONG_MSG
bad "bad: JSON: a title over max_title_len" 413 POST /lists/j/entries "{\"date\": \"2019-01-01\", \"title\": \"$long\"}"
want_body='too large'
bad "bad: JSON: a 40 KB body" 413 POST /lists/j/entries \
	"{\"date\": \"2019-01-01\", \"title\": \"$(head -c 40000 /dev/zero | tr '\0' a)\"}"
want_body='nothing to change'
bad "bad: PATCH with nothing to change" 400 PATCH /lists/j/entries/1 '{}'
want_body=$DATE_MSG
bad "bad: PATCH with a bad date" 400 PATCH /lists/j/entries/1 '{"date": "2019-13-01", "title": "changed"}'

# The queued requests, then raw ones that curl will not send (a 1 MB URL,
# a body cut short, a bad chunk, garbage), whose status lines (or
# "closed") go to $work/raw.
python3 - "$sock" "$spec" "$work/raw" <<'EOF' || failed=1
import http.client, socket, sys

sock, spec, rawout = sys.argv[1:4]


class Conn(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(60)
        self.sock.connect(sock)


bad = 0
for line in open(spec, encoding='utf-8'):
    desc, status, want, allow, method, path, body = \
        line.rstrip('\n').split('\t')
    c = Conn('localhost', timeout=60)
    headers = {'Content-Type': 'application/json'} if body else {}
    c.request(method, path, body=body.encode() if body else None,
              headers=headers)
    r = c.getresponse()
    got = r.read().decode('utf-8', 'replace')
    c.close()
    ok = str(r.status) == status and want in got and \
        (not allow or r.getheader('Allow') == allow)
    extra = ', Allow: ' + allow if allow else ''
    if ok:
        print(f'PASS httpd: {desc}: {status}{extra}')
    else:
        bad = 1
        print(f'FAIL httpd: {desc}: got {r.status} {got[:200]!r} '
              f'Allow {r.getheader("Allow")!r}, want {status} {want!r}{extra}')

raw = [
    b'POST /add_entry?list=bob&date=2018-12-19&title=' + b'a' * 1048576 +
    b' HTTP/1.1\r\nHost: x\r\n\r\n',
    b'POST /add_entry?list=bob&date=2018-12-19&title=x HTTP/1.1\r\n'
    b'Host: x\r\nContent-Length: 999999999\r\n\r\nabc',
    b'POST /lists/j/entries HTTP/1.1\r\nHost: x\r\n'
    b'Transfer-Encoding: chunked\r\n\r\nzz\r\n',
    b'GARBAGE\r\n\r\n',
]
with open(rawout, 'w') as f:
    for data in raw:
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(30)
        s.connect(sock)
        out = b''
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                out += b
        except OSError:
            pass
        s.close()
        print(out.split(b'\r\n')[0].decode('latin-1') if out else 'closed',
              file=f)
sys.exit(bad)
EOF
mapfile -t raw < "$work/raw"
check "bad: a 1 MB URL is refused (${raw[0]:-})" \
	grep -qE '^(HTTP/1.1 414|closed$)' <<< "${raw[0]:-}"
echo "    a body cut short: ${raw[1]:-}"
check "bad: a bad chunk is refused (${raw[2]:-})" \
	grep -qE '^(HTTP/1.1 4|closed$)' <<< "${raw[2]:-}"
check "bad: a garbage request line is refused (${raw[3]:-})" \
	grep -qE '^(HTTP/1.1 4|closed$)' <<< "${raw[3]:-}"
check "bad: the server still runs" kill -0 "$server"
after=$(snapshot)
if [ "$before" = "$after" ]; then
	pass "bad: nothing was applied (todoctl lists and entries unchanged)"
else
	fail "bad: nothing was applied"
	diff <(echo "$before") <(echo "$after") | head -20 | sed 's/^/    /'
fi

echo "    [${SECONDS}s]"
# 4. A server acts as its own uid: its lists are its user's.
mkdir "$work/u1001"
chown 1001:1001 "$work/u1001"
cp "$(command -v todo-httpd)" "$work/todo-httpd"
chmod 755 "$work/todo-httpd"
usock=$work/u1001/httpd.sock
if PATH=$work:$PATH start_server "$usock" setpriv --reuid=1001 --regid=1001 --clear-groups; then
	code=$(curl -sS -o /dev/null -w '%{http_code}' --unix-socket "$usock" \
		-d '' 'http://localhost/add_entry?list=mine&date=2020-01-01&title=Private&sync=1')
	check "uid: a server run as uid 1001 adds ($code)" [ "$code" = 200 ]
	check "uid: to uid 1001's list" \
		[ "$(todoctl --user 1001 entries mine | cut -f3)" = Private ]
	check "uid: not to root's" [ -z "$(todoctl entries mine)" ]
	got=$(curl -sS --unix-socket "$usock" http://localhost/lists)
	checkx "uid: its /lists shows only uid 1001's lists ($got)" \
		'[[ $got = "[{\"name\":\"mine\",\"entries\":1,"* ]] && [ "$(grep -o name <<< "$got" | wc -l)" = 1 ]'
else
	fail "uid: todo-httpd starts as uid 1001"
fi

echo "    [${SECONDS}s]"
# 5. 503 with Retry-After: the module not loaded, then a full mailbox.
rmmod todo
want_body='not loaded'
expect_status "503: the module is not loaded" 503 GET /lists
check "503: with Retry-After" [ "$(header Retry-After)" = 1 ]
want_body='not loaded'
expect_status "503: an add while it is not loaded" 503 \
	POST '/add_entry?list=bob&date=2018-12-19&title=Lost'
insmod "$TODO_KO" load_delay_ms=6000 mailbox_max=1
# The first cast starts bob's server, which loads its list for 6 s: the
# casts sent meanwhile wait in its mailbox of one, or are refused.
for i in 1 2 3 4; do
	curl -sS --max-time 60 --unix-socket "$sock" -D "$work/hdr$i" \
		-o "$work/body$i" -w '%{http_code}' -d '' \
		"http://localhost/add_entry?list=bob&date=2018-12-22&title=Queued$i" \
		> "$work/code$i" &
	cpids+=($!)
done
wait "${cpids[@]}"
codes=$(for f in "$work"/code?; do printf '%s ' "$(cat "$f")"; done)
ra='' rb=''
for i in 1 2 3 4; do
	if [ "$(cat "$work/code$i")" = 503 ]; then
		ra=$(tr -d '\r' < "$work/hdr$i" | sed -n 's/^Retry-After: //Ip')
		rb=$(cat "$work/body$i")
	fi
done
check "503: casts behind a loading list fill its mailbox ($codes)" \
	grep -qE '200.*503|503.*200' <<< "$codes"
checkx "503: with Retry-After ${ra:-none}, '${rb:-}'" \
	'[ "${ra:-}" = 1 ] && grep -q mailbox <<< "${rb:-}"'
todoctl sync bob
queued=$(grep -o 200 <<< "$codes" | wc -l)
check "503: the accepted casts were applied, the refused ones not" \
	[ "$(todoctl entries bob 2018-12-22 | wc -l)" = "$queued" ]
check "503: nothing of the unloaded time was applied" \
	[ -z "$(todoctl entries bob | grep Lost)" ]
rmmod todo
insmod "$TODO_KO"
req GET /lists
check "the server reconnects after the module was reloaded ($code)" [ "$code" = 200 ]

echo "    [${SECONDS}s]"
# 6. Many clients at once.
N=200
if [ -e /proc/net/tcp ] && command -v ab > /dev/null &&
   ip link set lo up 2> /dev/null; then
	todo-httpd 2>> "$work/httpd.log" &
	pids+=($!)
	for _ in $(seq 100); do
		curl -s -o /dev/null http://localhost:5454/lists && break
		sleep 0.1
	done
	got=$(curl -sS -d '' 'http://localhost:5454/add_entry?list=tcp&date=2018-12-19&title=Dentist')
	check "tcp: the book's curl on localhost:5454 prints OK ($got)" [ "$got" = OK ]
	got=$(curl -sS 'http://localhost:5454/entries?list=tcp&date=2018-12-19')
	check "tcp: and then the entry ($got)" [ "$got" = '2018-12-19 Dentist' ]
	: > "$work/empty"
	ab -q -c 16 -n $N -p "$work/empty" -T text/plain \
		'http://127.0.0.1:5454/add_entry?list=load&date=2018-12-19&title=Load' \
		> "$work/ab1" 2>&1
	checkx "load: ab -c 16 -n $N POST /add_entry, no failure" \
		'grep -q "^Complete requests: *$N" "$work/ab1" && grep -q "^Failed requests: *0" "$work/ab1" && ! grep -q "^Non-2xx" "$work/ab1"'
	ab -q -c 16 -n $N 'http://127.0.0.1:5454/entries?list=load&date=2018-12-19' \
		> "$work/ab2" 2>&1
	checkx "load: ab -c 16 -n $N GET /entries, no failure" \
		'grep -q "^Complete requests: *$N" "$work/ab2" && ! grep -q "^Non-2xx" "$work/ab2"'
	grep '^Requests per second' "$work/ab1" "$work/ab2" | sed 's/^/    /'
else
	curl -s --max-time 120 -Z --parallel-max 16 --unix-socket "$sock" \
		-d '' -o "$work/load#1" -w '%{http_code}\n' \
		"http://localhost/add_entry?list=load&date=2018-12-19&title=Load[1-$N]" \
		> "$work/codes" 2> "$work/curlerr"
	check "load: $N adds, 16 connections at a time, all answer 200" \
		[ "$(grep -c '^200$' "$work/codes")" = $N ]
fi
todoctl sync load
check "load: all $N adds are in the list" \
	[ "$(todoctl entries load | wc -l)" = $N ]
check "load: the server still runs" kill -0 "$server"

echo "    [${SECONDS}s]"
# 7. It stops on SIGTERM, removing its socket.
kill "$server"
wait "$server"
rc=$?
check "SIGTERM stops it with status 0 ($rc)" [ $rc = 0 ]
check "and removes its socket" [ ! -e "$sock" ]
if grep -qiE 'segfault|abort|assert' "$work/httpd.log"; then
	fail "the server's log shows no crash"
	sed 's/^/    /' "$work/httpd.log"
fi
echo "    httpd.sh took ${SECONDS}s"
exit $failed
