#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End to end, in the VM: drive every command of the "todo" generic netlink
# family with the kernel tree's own YNL client (tools/net/ynl/cli.py) and
# Documentation/netlink/specs/todo.yaml, check the replies, and check that
# malformed requests are refused with the documented errno and extack
# message.  Also compares the policies the kernel reports (genl ctrl
# policy) with the spec.  Prints "PASS ynl: ..." or "FAIL ynl: ..." per
# check; exits 1 if any failed.
#
# Needs: todo.ko loaded, root, python3 with yaml and jsonschema, the cached
# 6.12 tree (tests/vm/build-kernel prints its path; TODO_KDIR overrides).
set -u

top=${TODO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
spec=$top/Documentation/netlink/specs/todo.yaml
# The spec as another user can read it: the tree may sit where only root
# may look (a clone under /root).
pubdir=$(mktemp -d)
chmod 755 "$pubdir"
install -m 0644 "$spec" "$pubdir/todo.yaml"
pubspec=$pubdir/todo.yaml
failed=0
work=$(mktemp -d)

pass() { echo "PASS ynl: $*"; }
fail() { echo "FAIL ynl: $*"; failed=1; }
note() { echo "note ynl: $*"; }	# neither PASS nor FAIL: not counted

# The kernel tree whose YNL client and schemas are used: the cached test
# kernel.  In the VM /var/lib is a tmpfs, so dpkg cannot tell the source
# package's version that names the cache entry (and build-kernel would try
# to build a new one); then take the cached tree built from this
# tests/vm/kernel.config.
kdir=${TODO_KDIR:-}
if [ -z "$kdir" ] && dpkg-query -W linux-source-6.12 > /dev/null 2>&1; then
	kdir=$("$top/tests/vm/build-kernel" 2>/dev/null)
fi
if [ ! -f "$kdir/tools/net/ynl/cli.py" ]; then
	hash=$(sha256sum "$top/tests/vm/kernel.config" | cut -c1-12)
	kdir=$(ls -d "${TODO_CACHE:-/var/cache/todo}"/linux-*-"$hash" 2>/dev/null |
	       sort -V | tail -1)
fi
cli=$kdir/tools/net/ynl/cli.py
schema=$kdir/Documentation/netlink/genetlink-c.yaml
if [ ! -f "$cli" ] || [ ! -f "$schema" ]; then
	fail "find tools/net/ynl/cli.py and the genetlink-c schema (tree: '$kdir')"
	exit 1
fi
if ! grep -q '^todo ' /proc/modules; then
	fail "todo.ko is loaded"
	exit 1
fi

# Parameters the checks change, restored on exit.
params=/sys/module/todo/parameters
declare -A saved
for p in idle_timeout max_entries max_lists_per_user; do
	[ -r "$params/$p" ] && saved[$p]=$(cat "$params/$p")
done
restore()
{
	local p

	for p in "${!saved[@]}"; do
		echo "${saved[$p]}" > "$params/$p" 2>/dev/null
	done
	rm -rf "$work" "$pubdir"
}
trap restore EXIT
# A list server that stays idle stops and stores its list, which zeroes its
# statistics; keep them running while the statistics are checked.
[ -w "$params/idle_timeout" ] && echo 0 > "$params/idle_timeout"

# The checker of replies and errors, fed with cli.py's output.
cat > "$work/check.py" <<'PY'
import ast, errno, json, re, sys

mode, out = sys.argv[1], sys.argv[2]
if mode == 'ok':
    # The whole output must be the JSON of the reply (--output-json).
    try:
        r = json.loads(out)
    except ValueError:
        print('    not a JSON reply')
        sys.exit(1)
    sys.exit(0 if eval(sys.argv[3], {'r': r}) else 1)

# mode 'err': cli.py prints the NlError: "Netlink error: <strerror>", then
# the message header, "\terror: -<errno>" and "\textack: {...}".
m = re.search(r'^\s*error: (-?\d+)$', out, re.M)
if not out.startswith('Netlink error: ') or not m:
    print('    not a netlink error')
    sys.exit(1)
code = -int(m.group(1))
m = re.search(r'^\s*extack: (\{.*\})$', out, re.M)
extack = ast.literal_eval(m.group(1)) if m else {}
bad = []
if errno.errorcode.get(code) != sys.argv[3]:
    bad.append(f'errno {errno.errorcode.get(code, code)}, want {sys.argv[3]}')
for want in sys.argv[4:]:
    key, op, val = re.match(r'([\w.-]+)([=~])(.*)$', want, re.S).groups()
    got = extack
    for k in key.split('.'):
        got = got.get(k) if isinstance(got, dict) else None
    if got is None or (op == '=' and str(got) != val) or \
       (op == '~' and not re.fullmatch(val, str(got))):
        bad.append(f'extack {key} {got!r}, want {val!r}')
for b in bad:
    print('   ', b)
sys.exit(1 if bad else 0)
PY

# ynl OPTIONS...: run cli.py; sets $out and $rc.  The spec is validated
# against the schema once (first check below); later runs skip it.
schema_opt=(--no-schema)
# ynl_as: a command (setpriv ...) to run the client as another user;
# the schema then is not checked, as the user may not read it.
ynl_as=()
ynl()
{
	if [ ${#ynl_as[@]} -gt 0 ]; then
		out=$("${ynl_as[@]}" python3 -B "$cli" --spec "$pubspec" \
			--no-schema --output-json "$@" 2>&1)
	else
		out=$(python3 -B "$cli" --spec "$spec" "${schema_opt[@]}" \
			--output-json "$@" 2>&1)
	fi
	rc=$?
}

why=
show()
{
	[ -n "$why" ] && printf '%s\n' "$why"
	why=
	echo "    cli.py $*"
	echo "    exit $rc:"
	printf '%s\n' "$out" | head -12 | sed 's/^/      /'
}

# ok DESC EXPR CLI-ARGS...: the request succeeds and the reply r (parsed
# JSON; None for a bare acknowledgement) satisfies the Python EXPR.
ok()
{
	local desc=$1 expr=$2

	shift 2
	ynl "$@"
	if [ "$rc" = 0 ] && why=$(python3 "$work/check.py" ok "$out" "$expr"); then
		pass "$desc"
	else
		fail "$desc"
		show "$@"
	fi
}

# err DESC ERRNO [KEY=VALUE|KEY~REGEX]... -- CLI-ARGS...: the request fails
# with errno ERRNO and an extack whose keys (msg, bad-attr, miss-type,
# policy.max-length, ...) have these values.
err()
{
	local desc=$1 checks=()

	shift
	while [ "$1" != -- ]; do
		checks+=("$1")
		shift
	done
	shift
	ynl "$@"
	if [ "$rc" = 1 ] &&
	   why=$(python3 "$work/check.py" err "$out" "${checks[@]}"); then
		pass "$desc"
	else
		fail "$desc"
		show "$@"
	fi
}

NAME_MSG='list name must be 1-64 bytes of A-Z a-z 0-9 . _ - and not start with .'
DATE_MSG='date is not a valid calendar day'
TITLE_MSG='title must be non-empty UTF-8 without control characters'
UNSUPPORTED='msg~Unsupported attribute|Unknown attribute type'
p=ynl$$		# list name prefix of this run
L=$p-main

# ---------------------------------------------------------------- basics

schema_opt=(--schema "$schema")
ok "ping without a list (do), spec validated by cli.py against the schema" \
	'r in (None, {})' --do ping
schema_opt=(--no-schema)

# "get  [ do, dump ]": the modes come from a set, in any order.
ynl --list-ops
ops=$(printf '%s\n' "$out" | python3 -c '
import re, sys
for line in sorted(sys.stdin):
    m = re.fullmatch(r"\s*(\S+)\s*\[(.*)\]\s*", line)
    print(m.group(1) + "[" + ",".join(sorted(x.strip() for x in m.group(2).split(","))) + "]"
          if m else "?" + line.strip(), end=" ")')
want='add[do] delete[do] drop[do] get[do,dump] lists[dump] ping[do] stats[do] sync[do] unwatch[do] update[do] watch[do] '
if [ "$rc" = 0 ] && [ "$ops" = "$want" ]; then
	pass "cli.py --list-ops shows the 11 operations with their modes"
else
	fail "cli.py --list-ops shows the 11 operations with their modes"
	show --list-ops
fi

# ------------------------------------------------------------------- add

ok "add (call) replies with id 1" 'r == {"id": 1}' \
	--do add --json '{"list": "'$L'", "date": 20181219, "title": "Dentist"}'
ok "add (call) replies with id 2" 'r == {"id": 2}' \
	--do add --json '{"list": "'$L'", "date": 20181220, "title": "Shopping"}'
ok "add (cast) gets only the acknowledgement" 'r is None' \
	--do add --json '{"list": "'$L'", "date": 20181219, "title": "Movies", "cast": true}'
ok "add on a leap day (20240229)" 'r == {"id": 4}' \
	--do add --json '{"list": "'$L'", "date": 20240229, "title": "Leap"}'

# ------------------------------------------------------------------- get

ok "get (do) of the cast's entry: id 3, its date and title" \
	'r == {"id": 3, "date": 20181219, "title": "Movies"}' \
	--do get --json '{"list": "'$L'", "id": 3}'
ok "get (dump): every entry in ascending id order" \
	'[(e["id"], e["date"], e["title"]) for e in r] == [(1, 20181219, "Dentist"), (2, 20181220, "Shopping"), (3, 20181219, "Movies"), (4, 20240229, "Leap")]' \
	--dump get --json '{"list": "'$L'"}'
ok "get (dump) with a date: only that day's entries" \
	'[e["id"] for e in r] == [1, 3] and all(e["date"] == 20181219 for e in r)' \
	--dump get --json '{"list": "'$L'", "date": 20181219}'
ok "get (dump) with a date without entries: none" 'r == []' \
	--dump get --json '{"list": "'$L'", "date": 20190101}'
ok "get (dump) of an unknown list: no entries, no error" 'r == []' \
	--dump get --json '{"list": "'$p'-none"}'
ok "get (dump) of an unknown list created nothing" \
	'not any(l["list"] == "'$p'-none" for l in r)' --dump lists
err "get (do) of a missing id: ENOENT" ENOENT 'msg=entry id not found' -- \
	--do get --json '{"list": "'$L'", "id": 99}'
err "get (do) of an unknown list: ESRCH" ESRCH 'msg=list not found' -- \
	--do get --json '{"list": "'$p'-none", "id": 1}'

# ---------------------------------------------------------------- update

ok "update (call) of the title" 'r is None' \
	--do update --json '{"list": "'$L'", "id": 1, "title": "Dentist at 9"}'
ok "update (call) of the date" 'r is None' \
	--do update --json '{"list": "'$L'", "id": 1, "date": 20181221}'
ok "updated entry reads back" \
	'r == {"id": 1, "date": 20181221, "title": "Dentist at 9"}' \
	--do get --json '{"list": "'$L'", "id": 1}'
ok "update (cast) gets only the acknowledgement" 'r is None' \
	--do update --json '{"list": "'$L'", "id": 2, "title": "Groceries", "date": 20181222, "cast": true}'
ok "update (cast) applied before a later get" \
	'r == {"id": 2, "date": 20181222, "title": "Groceries"}' \
	--do get --json '{"list": "'$L'", "id": 2}'
err "update (call) of a missing id: ENOENT" ENOENT 'msg=entry id not found' -- \
	--do update --json '{"list": "'$L'", "id": 99, "title": "x"}'
err "update (call) of an unknown list: ESRCH" ESRCH 'msg=list not found' -- \
	--do update --json '{"list": "'$p'-none", "id": 1, "title": "x"}'
err "update (cast) of an unknown list: ESRCH, synchronously" ESRCH \
	'msg=list not found' -- \
	--do update --json '{"list": "'$p'-none", "id": 1, "title": "x", "cast": true}'
err "update with neither date nor title: EINVAL" EINVAL \
	'msg=update needs a date or a title' -- \
	--do update --json '{"list": "'$L'", "id": 1}'
err "update to 20230229: EINVAL" EINVAL "msg=$DATE_MSG" 'bad-attr=.date' -- \
	--do update --json '{"list": "'$L'", "id": 1, "date": 20230229}'

# ---------------------------------------------------------------- delete

ok "delete (call)" 'r is None' \
	--do delete --json '{"list": "'$L'", "id": 1}'
err "deleted entry is gone: ENOENT" ENOENT 'msg=entry id not found' -- \
	--do get --json '{"list": "'$L'", "id": 1}'
ok "delete (cast) gets only the acknowledgement" 'r is None' \
	--do delete --json '{"list": "'$L'", "id": 2, "cast": true}'
ok "get (dump) after the deletes" '[e["id"] for e in r] == [3, 4]' \
	--dump get --json '{"list": "'$L'"}'
err "delete (call) of a missing id: ENOENT" ENOENT 'msg=entry id not found' -- \
	--do delete --json '{"list": "'$L'", "id": 1}'
err "delete (call) of an unknown list: ESRCH" ESRCH 'msg=list not found' -- \
	--do delete --json '{"list": "'$p'-none", "id": 1}'
err "delete (cast) of an unknown list: ESRCH, synchronously" ESRCH \
	'msg=list not found' -- \
	--do delete --json '{"list": "'$p'-none", "id": 1, "cast": true}'

# ------------------------------------------------------------------ ping

ok "ping with a list (a call through its server)" 'r in (None, {})' \
	--do ping --json '{"list": "'$L'"}'
err "ping with an unknown list: ESRCH" ESRCH 'msg=list not found' -- \
	--do ping --json '{"list": "'$p'-none"}'

# ------------------------------------------------- lists and statistics

S=$p-stats
ok "statistics: add (call)" 'r == {"id": 1}' \
	--do add --json '{"list": "'$S'", "date": 20200101, "title": "one"}'
ok "statistics: add (cast)" 'r is None' \
	--do add --json '{"list": "'$S'", "date": 20200102, "title": "two", "cast": true}'
ok "statistics: update (cast)" 'r is None' \
	--do update --json '{"list": "'$S'", "id": 1, "title": "uno", "cast": true}'
ok "statistics: delete (cast)" 'r is None' \
	--do delete --json '{"list": "'$S'", "id": 2, "cast": true}'
ok "a cast that fails in the server is still acknowledged" 'r is None' \
	--do delete --json '{"list": "'$S'", "id": 99, "cast": true}'
ok "statistics: ping with the list waits for the casts" 'r in (None, {})' \
	--do ping --json '{"list": "'$S'"}'
ok "lists (dump): entries 1, next-id 3, mailbox 0, casts 4, casts-failed 1, alive" \
	'[(l["owner"], l["entries"], l["next-id"], l["mailbox"], l["casts"], l["casts-failed"], l["alive"]) for l in r if l["list"] == "'$S'"] == [(0, 1, 3, 0, 4, 1, 1)]' \
	--dump lists
ok "lists (dump): the first list, 2 entries, next-id 5, no casts failed" \
	'[(l["entries"], l["next-id"], l["casts"], l["casts-failed"]) for l in r if l["list"] == "'$L'"] == [(2, 5, 3, 0)]' \
	--dump lists
ok "lists (dump) with the caller's own owner" \
	'sorted(l["list"] for l in r if l["list"].startswith("'$p'-")) == ["'$L'", "'$S'"]' \
	--dump lists --json '{"owner": 0}'

# ------------------------------------------------------------------ sync

ok "sync of a list" 'r is None' --do sync --json '{"list": "'$L'"}'
ok "sync of every list of the caller" 'r is None' --do sync
err "sync of an unknown list: ESRCH" ESRCH 'msg=list not found' -- \
	--do sync --json '{"list": "'$p'-none"}'

# ------------------------------------------------------------------ drop

D=$p-drop
ok "drop: a list with two entries" 'r == {"id": 1}' \
	--do add --json '{"list": "'$D'", "date": 20200101, "title": "one"}'
ok "drop: its second entry" 'r == {"id": 2}' \
	--do add --json '{"list": "'$D'", "date": 20200102, "title": "two"}'
ok "drop (do) of a live list: the acknowledgement only" 'r is None' \
	--do drop --json '{"list": "'$D'"}'
err "get (do) of the dropped list: ESRCH" ESRCH 'msg=list not found' -- \
	--do get --json '{"list": "'$D'", "id": 1}'
ok "get (dump) of the dropped list: no entries" 'r == []' \
	--dump get --json '{"list": "'$D'"}'
ok "lists (dump) no longer shows the dropped list" \
	'not any(l["list"] == "'$D'" for l in r)' --dump lists
err "ping of the dropped list: ESRCH" ESRCH 'msg=list not found' -- \
	--do ping --json '{"list": "'$D'"}'
err "drop of the dropped list: ESRCH" ESRCH 'msg=list not found' -- \
	--do drop --json '{"list": "'$D'"}'
err "drop of an unknown list: ESRCH" ESRCH 'msg=list not found' -- \
	--do drop --json '{"list": "'$p'-none"}'
ok "add to the dropped name: a new list, id 1" 'r == {"id": 1}' \
	--do add --json '{"list": "'$D'", "date": 20200103, "title": "three"}'
ok "the new list holds only its own entry" \
	'[(e["id"], e["title"]) for e in r] == [(1, "three")]' \
	--dump get --json '{"list": "'$D'"}'
ok "drop (do) of it, with the caller's own owner" 'r is None' \
	--do drop --json '{"list": "'$D'", "owner": 0}'
err "drop without a list: EINVAL, missing attribute list" EINVAL \
	'miss-type=list' -- --do drop
err "drop of list \"../x\": EINVAL" EINVAL "msg=$NAME_MSG" 'bad-attr=.list' -- \
	--do drop --json '{"list": "../x"}'
err "drop with an id (not accepted): EINVAL" EINVAL "$UNSUPPORTED" \
	'bad-attr=.id' -- --do drop --json '{"list": "'$L'", "id": 3}'
err "drop with the cast flag (not accepted): EINVAL" EINVAL "$UNSUPPORTED" \
	'bad-attr=.cast' -- --do drop --json '{"list": "'$L'", "cast": true}'
ok "the refused drops left the first list as it was" \
	'[e["id"] for e in r] == [3, 4]' --dump get --json '{"list": "'$L'"}'

# ------------------------------------------------------------ watch, unwatch

ok "watch (do) of a list: acknowledged" 'r in (None, {})' \
	--do watch --json '{"list": "'$L'"}'
ok "watch (do) of every list: acknowledged" 'r in (None, {})' --do watch
err "unwatch (do) of a socket that never watched: ENOENT" ENOENT \
	'msg=this socket has no subscription' -- --do unwatch

# ------------------------------------------------------------------ stats
ok "stats (do): the system's counters, lists counted" \
	'r["servers"] <= r["max-servers"] and r["lists"] >= 1 and r["started"] >= 1 and r["evictions"] >= 0 and r["busy"] >= 0' \
	--do stats
err "stats with an owner (not accepted): EINVAL" EINVAL "$UNSUPPORTED" \
	'bad-attr=.owner' -- --do stats --json '{"owner": 0}'

# ------------------------------------------------------------ validation

add_err()	# DESC ERRNO CHECKS... -- JSON
{
	local desc=$1 args=()

	shift
	while [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	err "$desc" "${args[@]}" -- --do add --json "$2"
}

add_err "add with date 20230229: EINVAL" EINVAL "msg=$DATE_MSG" \
	'bad-attr=.date' -- '{"list": "'$L'", "date": 20230229, "title": "x"}'
add_err "add with date 20231301: EINVAL" EINVAL "msg=$DATE_MSG" -- \
	'{"list": "'$L'", "date": 20231301, "title": "x"}'
add_err "add (cast) with date 20230229: EINVAL, synchronously" EINVAL \
	"msg=$DATE_MSG" -- \
	'{"list": "'$L'", "date": 20230229, "title": "x", "cast": true}'
add_err "add with date 10100, below the policy range: ERANGE" ERANGE \
	'msg=integer out of range' 'bad-attr=.date' 'policy.min-value=10101' \
	'policy.max-value=99991231' -- \
	'{"list": "'$L'", "date": 10100, "title": "x"}'
add_err "add with date 100000000, above the policy range: ERANGE" ERANGE \
	'msg=integer out of range' -- \
	'{"list": "'$L'", "date": 100000000, "title": "x"}'
add_err "add to list \"../x\": EINVAL" EINVAL "msg=$NAME_MSG" \
	'bad-attr=.list' -- '{"list": "../x", "date": 20200101, "title": "x"}'
add_err "add to list \".hidden\": EINVAL" EINVAL "msg=$NAME_MSG" -- \
	'{"list": ".hidden", "date": 20200101, "title": "x"}'
add_err "add to list \"\": EINVAL" EINVAL "msg=$NAME_MSG" -- \
	'{"list": "", "date": 20200101, "title": "x"}'
add_err "add to list \"a b\": EINVAL" EINVAL "msg=$NAME_MSG" -- \
	'{"list": "a b", "date": 20200101, "title": "x"}'
n64=$p-$(printf 'n%.0s' {1..64})
n64=${n64:0:64}
ok "add to a list with a 64-byte name" 'r == {"id": 1}' \
	--do add --json '{"list": "'$n64'", "date": 20200101, "title": "x"}'
add_err "add to a list with a 65-byte name: ERANGE from the policy" ERANGE \
	'bad-attr=.list' 'policy.max-length=64' -- \
	'{"list": "'${n64}n'", "date": 20200101, "title": "x"}'
add_err "add with an empty title: EINVAL" EINVAL "msg=$TITLE_MSG" \
	'bad-attr=.title' -- '{"list": "'$L'", "date": 20200101, "title": ""}'
add_err "add with a tab in the title: EINVAL" EINVAL "msg=$TITLE_MSG" -- \
	'{"list": "'$L'", "date": 20200101, "title": "a\tb"}'
tmax=$(cat "$params/max_title_len" 2>/dev/null || echo 256)
long=$(printf 't%.0s' $(seq "$tmax"))
ok "add with a title of max_title_len ($tmax) bytes" 'r == {"id": 5}' \
	--do add --json '{"list": "'$L'", "date": 20200101, "title": "'$long'"}'
add_err "add with a title of max_title_len + 1 bytes: EMSGSIZE" EMSGSIZE \
	'msg=title is longer than max_title_len' -- \
	'{"list": "'$L'", "date": 20200101, "title": "'${long}t'"}'
huge=$(printf 't%.0s' $(seq 4097))
add_err "add with a 4097-byte title: ERANGE from the policy" ERANGE \
	'bad-attr=.title' 'policy.max-length=4096' -- \
	'{"list": "'$L'", "date": 20200101, "title": "'$huge'"}'
add_err "add without a title: EINVAL, missing attribute title" EINVAL \
	'miss-type=title' -- '{"list": "'$L'", "date": 20200101}'
add_err "add without a date: EINVAL, missing attribute date" EINVAL \
	'miss-type=date' -- '{"list": "'$L'", "title": "x"}'
add_err "add without a list: EINVAL, missing attribute list" EINVAL \
	'miss-type=list' -- '{"date": 20200101, "title": "x"}'
err "update without an id: EINVAL, missing attribute id" EINVAL \
	'miss-type=id' -- --do update --json '{"list": "'$L'", "title": "x"}'
err "get (do) without an id: EINVAL, missing attribute id" EINVAL \
	'miss-type=id' -- --do get --json '{"list": "'$L'"}'
err "get (do) of id 0: ERANGE from the policy" ERANGE \
	'msg=integer out of range' 'bad-attr=.id' -- \
	--do get --json '{"list": "'$L'", "id": 0}'
err "delete with a title (not accepted): EINVAL" EINVAL "$UNSUPPORTED" \
	'bad-attr=.title' -- \
	--do delete --json '{"list": "'$L'", "id": 3, "title": "x"}'
err "get with the cast flag (not accepted): EINVAL" EINVAL "$UNSUPPORTED" \
	'bad-attr=.cast' -- \
	--do get --json '{"list": "'$L'", "id": 3, "cast": true}'
err "ping with a date (not accepted): EINVAL" EINVAL "$UNSUPPORTED" -- \
	--do ping --json '{"date": 20200101}'
err "lists with a list (not accepted): EINVAL" EINVAL "$UNSUPPORTED" -- \
	--dump lists --json '{"list": "'$L'"}'
err "get (dump) with a title (not accepted): EINVAL" EINVAL "$UNSUPPORTED" -- \
	--dump get --json '{"list": "'$L'", "title": "x"}'

# ------------------------------------------------------------ ownership

U=$((50000 + $$ % 10000))	# an owner without lists
ok "add for another owner (root has CAP_NET_ADMIN)" 'r == {"id": 1}' \
	--do add --json '{"list": "'$p'-other", "owner": '$U', "date": 20200101, "title": "theirs"}'
ok "lists of that owner show it" \
	'[(l["list"], l["owner"], l["entries"]) for l in r] == [("'$p'-other", '$U', 1)]' \
	--dump lists --json '{"owner": '$U'}'
ok "the caller's lists do not" \
	'not any(l["list"] == "'$p'-other" for l in r)' --dump lists
ok "get (dump) of that list without owner: the caller's (none)" 'r == []' \
	--dump get --json '{"list": "'$p'-other"}'
ok "get (dump) of that list with its owner" \
	'[e["title"] for e in r] == ["theirs"]' \
	--dump get --json '{"list": "'$p'-other", "owner": '$U'}'
err "drop of that list without owner: the caller's (none), ESRCH" ESRCH \
	'msg=list not found' -- --do drop --json '{"list": "'$p'-other"}'
ok "drop of that list with its owner (root has CAP_NET_ADMIN)" 'r is None' \
	--do drop --json '{"list": "'$p'-other", "owner": '$U'}'
ok "lists of that owner: none left" 'r == []' \
	--dump lists --json '{"owner": '$U'}'

if command -v setpriv > /dev/null; then
	as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	ynl_nobody()
	{
		out=$("${as_nobody[@]}" python3 -B "$cli" --spec "$pubspec" \
			--no-schema --output-json "$@" 2>&1)
		rc=$?
	}
	check_nobody()	# DESC MODE ARGS-FOR-CHECK... -- CLI-ARGS...
	{
		local desc=$1 mode=$2 cargs=()

		shift 2
		while [ "$1" != -- ]; do
			cargs+=("$1")
			shift
		done
		shift
		ynl_nobody "$@"
		if { { [ "$mode" = ok ] && [ "$rc" = 0 ]; } ||
		     { [ "$mode" = err ] && [ "$rc" = 1 ]; }; } &&
		   why=$(python3 "$work/check.py" "$mode" "$out" "${cargs[@]}"); then
			pass "$desc"
		else
			fail "$desc"
			show "$@"
		fi
	}
	check_nobody "an unprivileged user sees none of root's lists" ok \
		'not any(l["list"].startswith("'$p'-") for l in r)' -- --dump lists
	check_nobody "an unprivileged user's get (dump) of root's list name: none" ok \
		'r == []' -- --dump get --json '{"list": "'$L'"}'
	check_nobody "an unprivileged user naming owner 0 in add: EPERM" err \
		EPERM 'msg=naming another owner needs CAP_NET_ADMIN' \
		'bad-attr=.owner' -- \
		--do add --json '{"list": "'$L'", "owner": 0, "date": 20200101, "title": "x"}'
	check_nobody "an unprivileged user naming owner 0 in lists: EPERM" err \
		EPERM 'msg=naming another owner needs CAP_NET_ADMIN' -- \
		--dump lists --json '{"owner": 0}'
	check_nobody "an unprivileged user naming owner 0 in drop: EPERM" err \
		EPERM 'msg=naming another owner needs CAP_NET_ADMIN' \
		'bad-attr=.owner' -- \
		--do drop --json '{"list": "'$L'", "owner": 0}'
	check_nobody "an unprivileged user's drop of root's list name: its own, ESRCH" \
		err ESRCH 'msg=list not found' -- \
		--do drop --json '{"list": "'$L'"}'
	ok "root's list survived the unprivileged drops" \
		'{3, 4} <= {e["id"] for e in r}' \
		--dump get --json '{"list": "'$L'"}'
	check_nobody "an unprivileged user naming itself as owner" ok \
		'r == {"id": 1}' -- \
		--do add --json '{"list": "'$p'-mine", "owner": 65534, "date": 20200101, "title": "x"}'
else
	note "setpriv missing: unprivileged owner checks skipped"
fi

# ---------------------------------------------------------------- limits

if [ -w "$params/max_entries" ]; then
	echo 2 > "$params/max_entries"
	F=$p-full
	ok "max_entries 2: first add" 'r == {"id": 1}' \
		--do add --json '{"list": "'$F'", "date": 20200101, "title": "a"}'
	ok "max_entries 2: second add" 'r == {"id": 2}' \
		--do add --json '{"list": "'$F'", "date": 20200101, "title": "b"}'
	add_err "max_entries 2: third add: EFBIG" EFBIG \
		'msg=list is full (max_entries)' -- \
		'{"list": "'$F'", "date": 20200101, "title": "c"}'
	echo "${saved[max_entries]}" > "$params/max_entries"
else
	note "max_entries not writable: EFBIG check skipped"
fi
if [ -w "$params/max_lists_per_user" ] && command -v setpriv > /dev/null; then
	# As the owner itself: root has CAP_SYS_RESOURCE, which exceeds it.
	Q=$((60000 + $$ % 10000))
	echo 1 > "$params/max_lists_per_user"
	ynl_as=(setpriv --reuid=$Q --regid=$Q --clear-groups)
	ok "max_lists_per_user 1: the owner's first list" 'r == {"id": 1}' \
		--do add --json '{"list": "'$p'-q1", "date": 20200101, "title": "a"}'
	add_err "max_lists_per_user 1: a second list: EDQUOT" EDQUOT \
		'msg=too many lists for this user (max_lists_per_user)' -- \
		'{"list": "'$p'-q2", "date": 20200101, "title": "a"}'
	ynl_as=()
	ok "max_lists_per_user 1: root (CAP_SYS_RESOURCE) exceeds it for the owner" \
		'r == {"id": 1}' --do add --json '{"list": "'$p'-q3", "owner": '$Q', "date": 20200101, "title": "a"}'
	echo "${saved[max_lists_per_user]}" > "$params/max_lists_per_user"
else
	note "max_lists_per_user not writable: EDQUOT check skipped"
fi

# ------------------------------------------------- policies in the kernel

# iproute2 5.8 and later can dump a family's per-command policies.
if command -v genl > /dev/null &&
   genl ctrl policy name todo > "$work/policy" 2>&1 &&
   grep -q 'policies:' "$work/policy"; then
	if why=$(python3 - "$spec" "$work/policy" <<'PY'
import re, sys, yaml

spec = yaml.safe_load(open(sys.argv[1]))
dump = open(sys.argv[2]).read()
attrs, val = {}, 1
aset = spec['attribute-sets'][0]
for a in aset['attributes']:
    val = a.get('value', val)
    attrs[val] = a
    val += 1
# "op 3 policies: do=2 dump=2" and "policy[2]:attr[1]: type=STRING max len:64"
ops = {int(m.group(1)): dict(re.findall(r'(do|dump)=(\d+)', m.group(2)))
       for m in re.finditer(r'op (\d+) policies:(.*)', dump)}
pols = {}
for m in re.finditer(r'policy\[(\d+)\]:attr\[(\d+)\]: (.*)', dump):
    pols.setdefault(m.group(1), {})[int(m.group(2))] = m.group(3).strip()
bad = []
val = 1
for op in spec['operations']['list']:
    val = op.get('value', val)
    for mode in ('do', 'dump'):
        if mode not in op:
            if mode in ops.get(val, {}):
                bad.append(f"{op['name']}: kernel has a {mode} policy")
            continue
        idx = ops.get(val, {}).get(mode)
        if idx is None:
            bad.append(f"{op['name']} {mode}: no policy in the kernel")
            continue
        want = {a['name'] for a in attrs.values()
                if a['name'] in op[mode].get('request', {}).get('attributes', [])}
        have = pols.get(idx, {})
        got = {attrs[t]['name'] if t in attrs else f'#{t}' for t in have}
        if got != want:
            bad.append(f"{op['name']} {mode}: kernel accepts {sorted(got)}, "
                       f"spec {sorted(want)}")
        for t, text in have.items():
            a = attrs.get(t)
            if not a:
                continue
            c = a.get('checks', {})
            if a['type'] == 'string':
                lim = c.get('max-len')
                lim = next((d['value'] for d in spec.get('definitions', [])
                            if d['name'] == lim), lim)
                if not re.fullmatch(rf'type=(NUL_)?STRING max len:{lim}', text):
                    bad.append(f"{op['name']} {a['name']}: {text}")
            elif a['type'] == 'flag':
                if text != 'type=FLAG':
                    bad.append(f"{op['name']} {a['name']}: {text}")
            else:
                lo = c.get('min', 0)
                hi = c.get('max', (1 << int(a['type'][1:])) - 1)
                if text != f"type={a['type'].upper()} range:[{lo},{hi}]":
                    bad.append(f"{op['name']} {a['name']}: {text}")
for b in bad:
    print('   ', b)
sys.exit(1 if bad else 0)
PY
	); then
		pass "genl ctrl policy: each command accepts the spec's attributes with its limits (list max len 64)"
	else
		fail "genl ctrl policy: each command accepts the spec's attributes with its limits (list max len 64)"
		printf '%s\n' "$why"
		sed 's/^/      /' "$work/policy" | head -40
	fi
else
	note "this iproute2 cannot dump the family's policies (genl ctrl policy); check skipped"
fi

exit $failed
