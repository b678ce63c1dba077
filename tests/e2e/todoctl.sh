#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End to end, in the VM: todoctl against todo.ko.  Covers the book's
# ServerTest and CacheTest, every command as a call and as a cast, usage
# errors (exit 2), validation errors (exit 1 and the exact message), JSON
# output (parsed with python3), list statistics, ping, batch (line
# numbers of errors, a 2000-line batch), two users kept apart, drop of a
# whole list (also across a module reload), help texts and the message
# when the module is not loaded.
#
# Prints "PASS todoctl: ..." or "FAIL todoctl: ..." per check, with details
# indented below a failure; exits 1 if any check failed.
#
# Needs: root, todo.ko loaded, todoctl on PATH, python3, setpriv; $TODO_KO
# (the module's path) for the unload and reload checks.
set -u

failed=0
pass() { echo "PASS todoctl: $*"; }
fail() { echo "FAIL todoctl: $*"; failed=1; }

if ! command -v todoctl > /dev/null; then
	fail "todoctl is on PATH"
	exit 1
fi
if ! grep -q '^todo ' /proc/modules; then
	fail "todo.ko is loaded"
	exit 1
fi

work=$(mktemp -d)
chmod 755 "$work"
# Other users run a copy: the source tree may not be theirs to read.
cp "$(command -v todoctl)" "$work/todoctl"
chmod 755 "$work/todoctl"
as1001=(setpriv --reuid=1001 --regid=1001 --clear-groups "$work/todoctl")
as1002=(setpriv --reuid=1002 --regid=1002 --clear-groups "$work/todoctl")

# Servers that stay idle store their lists and stop, which zeroes their
# statistics: keep them running, and restore the parameter on exit.
params=/sys/module/todo/parameters
idle_saved=$(cat "$params/idle_timeout" 2> /dev/null)
cleanup()
{
	if [ -n "$idle_saved" ] && [ -w "$params/idle_timeout" ]; then
		echo "$idle_saved" > "$params/idle_timeout"
	fi
	rm -rf "$work"
}
trap cleanup EXIT
[ -w "$params/idle_timeout" ] && echo 0 > "$params/idle_timeout"

# Lists of this run get this suffix, so that lists left on a reused disk
# by an earlier run cannot be mistaken for them.
run=$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
tab=$'\t'
nl=$'\n'
NAME_MSG='list name must be 1-64 bytes of A-Z a-z 0-9 . _ - and not start with .'
DATE_MSG='date is not a valid calendar day'
TITLE_MSG='title must be non-empty UTF-8 without control characters'
EPERM_MSG='naming another owner needs CAP_NET_ADMIN'

# run CMD...: run CMD; sets $rc, $out and $err (its status, stdout and
# stderr without trailing newlines).
run()
{
	"$@" > "$work/out" 2> "$work/err"
	rc=$?
	out=$(cat "$work/out")
	err=$(cat "$work/err")
}

# details CMD...: after a failed check, what the command did.
details()
{
	echo "    command: $*"
	echo "    exit $rc; stdout:"
	printf '%s\n' "$out" | head -8 | sed 's/^/      |/'
	echo "    stderr:"
	printf '%s\n' "$err" | head -8 | sed 's/^/      |/'
}

# check DESC RC OUT ERR CMD...: CMD exits with RC, printing exactly OUT on
# stdout and ERR on stderr.
check()
{
	local desc=$1 want_rc=$2 want_out=$3 want_err=$4

	shift 4
	run "$@"
	if [ "$rc" = "$want_rc" ] && [ "$out" = "$want_out" ] &&
	   [ "$err" = "$want_err" ]; then
		pass "$desc"
		return 0
	fi
	fail "$desc"
	details "$@"
	echo "    wanted exit $want_rc; stdout:"
	printf '%s\n' "$want_out" | head -8 | sed 's/^/      |/'
	echo "    stderr:"
	printf '%s\n' "$want_err" | head -8 | sed 's/^/      |/'
	return 1
}

# ok DESC OUT CMD...: CMD succeeds, prints exactly OUT and nothing on stderr.
ok()
{
	local desc=$1 want_out=$2

	shift 2
	check "$desc" 0 "$want_out" "" "$@"
}

# failure DESC ERR CMD...: CMD fails with exit 1, prints nothing on stdout
# and exactly ERR on stderr.
failure()
{
	local desc=$1 want_err=$2

	shift 2
	check "$desc" 1 "" "$want_err" "$@"
}

# usage DESC MSG HINT CMD...: CMD is refused as a usage error (exit 2,
# nothing on stdout), with "todoctl: MSG" and the hint to "todoctl HINT
# --help" (HINT is a command name, or empty for the global help).
usage()
{
	local desc=$1 msg=$2 hint=$3

	shift 3
	check "usage error: $desc" 2 "" \
		"todoctl: $msg${nl}Try 'todoctl ${hint:+$hint }--help'." "$@"
}

# json DESC EXPR CMD...: CMD succeeds, prints nothing on stderr, and its
# stdout is JSON (strict UTF-8) whose value r makes the Python EXPR true;
# EXPR may use env, the environment.
json()
{
	local desc=$1 expr=$2

	shift 2
	run "$@"
	if [ "$rc" = 0 ] && [ -z "$err" ] &&
	   python3 -c '
import json, os, sys
r = json.loads(sys.stdin.buffer.read())
sys.exit(0 if eval(sys.argv[1], {"r": r, "env": os.environ}) else 1)
' "$expr" < "$work/out" 2> "$work/py"; then
		pass "$desc"
		return 0
	fi
	fail "$desc"
	details "$@"
	echo "    wanted JSON with: $expr"
	sed 's/^/      py: /' "$work/py" | tail -3
	return 1
}

# same_entries DESC LIST WANT: LIST's entries print exactly as the file
# WANT says.
same_entries()
{
	todoctl entries "$2" > "$work/got" 2>&1
	if cmp -s "$3" "$work/got"; then
		pass "$1"
	else
		fail "$1"
		echo "    got $(wc -l < "$work/got") lines"
		diff "$3" "$work/got" | head -5 | sed 's/^/    /'
	fi
}

# entries_of LIST...: the expected plain output, from ID DATE TITLE triples.
entries_of()
{
	local first=1

	while [ $# -ge 3 ]; do
		[ $first = 1 ] || printf '\n'
		printf '%s\t%s\t%s' "$1" "$2" "$3"
		first=0
		shift 3
	done
}

# stats_line NAME: NAME's line of "todoctl lists" (of the caller).
stats_line()
{
	todoctl lists 2> /dev/null | grep "^$1$tab"
}

# ---- help -----------------------------------------------------------------

# help_complete: $out (the global help) names every command and option.
help_complete()
{
	local c

	[ "$(printf '%s\n' "$out" | head -1)" = "Usage: todoctl [OPTIONS] COMMAND [ARGS]" ] ||
		return 1
	for c in add entries update delete lists ping sync drop stats watch batch help; do
		printf '%s\n' "$out" | grep -q "^  $c\( \|$\)" || return 1
	done
	printf '%s\n' "$out" | grep -q -- '^  -j, --json ' &&
	printf '%s\n' "$out" | grep -q -- '^  -p, --pretty ' &&
	printf '%s\n' "$out" | grep -q -- '^  -V, --version ' &&
	printf '%s\n' "$out" | grep -q -- '^  --user UID ' &&
	printf '%s\n' "$out" | grep -q -- '^  -h, --help ' &&
	printf '%s\n' "$out" | grep -qx 'Exit status: 0 success, 1 the operation failed, 2 usage error.'
}

run todoctl --help
if [ "$rc" = 0 ] && [ -z "$err" ] && help_complete; then
	pass "--help: exit 0, usage of every command and option on stdout"
else
	fail "--help: exit 0, usage of every command and option on stdout"
	details todoctl --help
fi

run todoctl -h
help_out=$out
run todoctl --help
if [ "$rc" = 0 ] && [ "$help_out" = "$out" ]; then
	pass "-h is --help"
else
	fail "-h is --help"
fi

declare -A usage_lines=(
	[add]="Usage: todoctl [OPTIONS] add [--cast|--sync] LIST DATE TITLE"
	[entries]="Usage: todoctl [OPTIONS] entries LIST [DATE]"
	[update]="Usage: todoctl [OPTIONS] update [--cast] LIST ID [--date DATE] [--title TITLE]"
	[delete]="Usage: todoctl [OPTIONS] delete [--cast] LIST ID"
	[lists]="Usage: todoctl [OPTIONS] lists"
	[ping]="Usage: todoctl [OPTIONS] ping [LIST]"
	[sync]="Usage: todoctl [OPTIONS] sync [LIST]"
	[drop]="Usage: todoctl [OPTIONS] drop LIST"
	[stats]="Usage: todoctl [OPTIONS] stats"
	[watch]="Usage: todoctl [OPTIONS] watch [LIST]"
	[batch]="Usage: todoctl [OPTIONS] batch [--force] [FILE]"
	[help]="Usage: todoctl [OPTIONS] help [COMMAND]"
)
for c in add entries update delete lists ping sync drop stats watch batch help; do
	run todoctl "$c" --help
	if [ "$rc" = 0 ] && [ -z "$err" ] &&
	   [ "$(printf '%s\n' "$out" | head -1)" = "${usage_lines[$c]}" ] &&
	   printf '%s\n' "$out" | grep -q -- '-h, --help'; then
		pass "$c --help: exit 0, its usage on stdout"
	else
		fail "$c --help: exit 0, its usage on stdout"
		details todoctl "$c" --help
	fi
	run todoctl help "$c"
	help_out=$out
	run todoctl "$c" --help
	if [ "$rc" = 0 ] && [ "$help_out" = "$out" ]; then
		pass "help $c is $c --help"
	else
		fail "help $c is $c --help"
	fi
done
run todoctl help
help_out=$out
run todoctl --help
if [ "$rc" = 0 ] && [ "$help_out" = "$out" ]; then
	pass "help (no command) is --help"
else
	fail "help (no command) is --help"
fi
usage "help of an unknown command" "help: unknown command 'frob'" help \
	todoctl help frob
run todoctl -V
if [ "$rc" = 0 ] && [ -z "$err" ] &&
   [[ $out =~ ^todoctl\ [^\ ]+\ \(generic\ netlink\ family\ todo,\ version\ 1\)$ ]]; then
	pass "-V prints the version"
else
	fail "-V prints the version"
	details todoctl -V
fi
run todoctl --version
if [ "$rc" = 0 ] && [[ $out == "todoctl "* ]]; then
	pass "--version is -V"
else
	fail "--version is -V"
fi
run todoctl add x 2018-12-19 --help
if [ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | head -1)" = "${usage_lines[add]}" ]; then
	pass "--help after arguments still shows the help"
else
	fail "--help after arguments still shows the help"
	details todoctl add x 2018-12-19 --help
fi

# ---- usage errors: exit 2, nothing sent ---------------------------------

U=usage-$run
usage "no command" "missing command" "" todoctl
usage "unknown command" "unknown command 'frobnicate'" "" todoctl frobnicate
usage "unknown global option" "unknown option '--frob'" "" todoctl --frob lists
usage "--user without a value" "option '--user' needs a value" "" todoctl --user
usage "--user not a number" "invalid uid 'bob'" "" todoctl --user bob lists
usage "--user out of range" "invalid uid '4294967296'" "" todoctl --user 4294967296 lists
usage "--json after the command" "lists: unknown option '--json'" lists todoctl lists --json
usage "unknown option of add" "add: unknown option '--frob'" add \
	todoctl add --frob "$U" 2018-12-19 x
usage "--cast with a value" "add: option '--cast' takes no value" add \
	todoctl add --cast=yes "$U" 2018-12-19 x
usage "add without arguments" "add: missing LIST" add todoctl add
usage "add without a date" "add: missing DATE" add todoctl add "$U"
usage "add without a title" "add: missing TITLE" add todoctl add "$U" 2018-12-19
usage "add with an extra argument" "add: unexpected argument 'more'" add \
	todoctl add "$U" 2018-12-19 Dentist more
usage "add with date 2018-1-9" \
	"add: malformed date '2018-1-9' (expected YYYY-MM-DD)" add \
	todoctl add "$U" 2018-1-9 Dentist
usage "add with date 2018/01/09" \
	"add: malformed date '2018/01/09' (expected YYYY-MM-DD)" add \
	todoctl add "$U" 2018/01/09 Dentist
usage "add with date 20181219" \
	"add: malformed date '20181219' (expected YYYY-MM-DD)" add \
	todoctl add "$U" 20181219 Dentist
usage "a title starting with - needs --" "add: unknown option '-5'" add \
	todoctl add "$U" 2018-12-19 -5
usage "entries without a list" "entries: missing LIST" entries todoctl entries
usage "entries with a malformed date" \
	"entries: malformed date '2018-12-1' (expected YYYY-MM-DD)" entries \
	todoctl entries "$U" 2018-12-1
usage "entries with an extra argument" "entries: unexpected argument 'x'" \
	entries todoctl entries "$U" 2018-12-19 x
usage "update without an id" "update: missing ID" update \
	todoctl update "$U"
usage "update with id 0" "update: invalid id '0' (expected 1-4294967295)" \
	update todoctl update "$U" 0 --title x
usage "update with id abc" "update: invalid id 'abc' (expected 1-4294967295)" \
	update todoctl update "$U" abc --title x
usage "update with id 4294967296" \
	"update: invalid id '4294967296' (expected 1-4294967295)" update \
	todoctl update "$U" 4294967296 --title x
usage "update with nothing to change" \
	"update: nothing to change: give --date or --title" update \
	todoctl update "$U" 1
usage "update --title without a value" "update: option '--title' needs a value" \
	update todoctl update "$U" 1 --title
usage "update with a malformed --date" \
	"update: malformed date '2019-01-1' (expected YYYY-MM-DD)" update \
	todoctl update "$U" 1 --date 2019-01-1
usage "delete without an id" "delete: missing ID" delete todoctl delete "$U"
usage "delete with id -1" "delete: invalid id '-1' (expected 1-4294967295)" \
	delete todoctl delete "$U" -- -1
usage "delete with an extra argument" "delete: unexpected argument '2'" \
	delete todoctl delete "$U" 1 2
usage "delete --date (not an option of delete)" \
	"delete: unknown option '--date'" delete \
	todoctl delete "$U" 1 --date 2018-12-19
usage "lists with an argument" "lists: unexpected argument 'x'" lists \
	todoctl lists x
usage "ping with two lists" "ping: unexpected argument 'b'" ping \
	todoctl ping a b
usage "batch with two files" "batch: unexpected argument 'b'" batch \
	todoctl batch a b
usage "drop without a list" "drop: missing LIST" drop todoctl drop
usage "drop with an extra argument" "drop: unexpected argument 'b'" drop \
	todoctl drop "$U" b
usage "drop --cast (not an option of drop)" "drop: unknown option '--cast'" \
	drop todoctl drop --cast "$U"
check "usage errors sent nothing: the list does not exist" 1 "" \
	"todoctl: ping: list not found (ESRCH)" \
	todoctl ping "$U"

# ---- the book's ServerTest and CacheTest ----------------------------------

L=test_list-$run
ok "ServerTest: entries of a new list are empty" "" \
	todoctl entries "$L" 2018-12-19
ok "ServerTest: add_entry (a cast) prints nothing" "" \
	todoctl add --cast "$L" 2018-12-19 Dentist
ok "ServerTest: entries then show Dentist" \
	"$(entries_of 1 2018-12-19 Dentist)" todoctl entries "$L" 2018-12-19

bob=bob-$run alice=alice-$run
ok "CacheTest: first add to bob" 1 todoctl add "$bob" 2018-12-19 Dentist
ok "CacheTest: same name, same list (next id)" 2 \
	todoctl add "$bob" 2018-12-20 Shopping
ok "CacheTest: different name, different list (first id)" 1 \
	todoctl add "$alice" 2018-12-19 Dentist
ok "CacheTest: bob's list holds both entries" \
	"$(entries_of 1 2018-12-19 Dentist 2 2018-12-20 Shopping)" \
	todoctl entries "$bob"
ok "CacheTest: add then entries finds the entry (alice)" \
	"$(entries_of 1 2018-12-19 Dentist)" todoctl entries "$alice" 2018-12-19

# ---- every command, as a call and as a cast -------------------------------

C=calls-$run
ok "add (call) prints the new id" 1 todoctl add "$C" 2018-12-19 Dentist
ok "add (call) prints the next id" 2 todoctl add "$C" 2018-12-20 "Buy milk"
ok "add (cast) prints nothing" "" todoctl add --cast "$C" 2018-12-21 Cinema
ok "add (cast) with --cast after the arguments" "" \
	todoctl add "$C" 2018-12-22 Gym --cast
ok "add (call) of a title starting with - after --" 5 \
	todoctl add "$C" 2018-12-23 -- "-5 items"
ok "entries: one line per entry, ascending id" \
	"$(entries_of 1 2018-12-19 Dentist 2 2018-12-20 "Buy milk" \
		3 2018-12-21 Cinema 4 2018-12-22 Gym 5 2018-12-23 "-5 items")" \
	todoctl entries "$C"
ok "entries LIST DATE: only that date" "$(entries_of 3 2018-12-21 Cinema)" \
	todoctl entries "$C" 2018-12-21
ok "entries LIST DATE: a date without entries" "" \
	todoctl entries "$C" 2017-01-01
ok "update (call) of the title" "" \
	todoctl update "$C" 1 --title "Dentist at 5"
ok "update (call) of the date (--date=)" "" \
	todoctl update "$C" 2 --date=2019-01-02
ok "update (cast) of date and title" "" \
	todoctl update --cast "$C" 3 --date 2019-01-03 --title "Cinema late"
ok "delete (call)" "" todoctl delete "$C" 4
ok "delete (cast)" "" todoctl delete --cast "$C" 5
ok "entries after updates and deletes" \
	"$(entries_of 1 2018-12-19 "Dentist at 5" 2 2019-01-02 "Buy milk" \
		3 2019-01-03 "Cinema late")" \
	todoctl entries "$C"
ok "entries with the new date finds the moved entry" \
	"$(entries_of 2 2019-01-02 "Buy milk")" todoctl entries "$C" 2019-01-02
ok "update (cast) of a missing id succeeds: only counted" "" \
	todoctl update --cast "$C" 99 --title x
ok "delete (cast) of a missing id succeeds: only counted" "" \
	todoctl delete --cast "$C" 98
ok "ping" pong todoctl ping
ok "ping LIST" pong todoctl ping "$C"
ok "a title with quotes, backslash and UTF-8" 6 \
	todoctl add "$C" 2019-02-01 'Zahnärzt "Dr. Ö" \ 😀 €'
ok "entries prints it byte for byte" \
	"$(entries_of 6 2019-02-01 'Zahnärzt "Dr. Ö" \ 😀 €')" \
	todoctl entries "$C" 2019-02-01
ok "add (call) on 2024-02-29, a leap day: ids are never reused" 7 \
	todoctl add "$C" 2024-02-29 "Leap day"

# ---- validation errors: exit 1, the kernel's message ---------------------

V=valid-$run
ok "add to a new list for the validation checks" 1 \
	todoctl add "$V" 2018-12-19 first
for name in "../x" ".hidden" "a/b" "" "a b"; do
	failure "add to list '$name': bad name" \
		"todoctl: add: $NAME_MSG (EINVAL)" \
		todoctl add "$name" 2018-12-19 x
done
failure "add (cast) to list '../x': bad name, reported synchronously" \
	"todoctl: add: $NAME_MSG (EINVAL)" \
	todoctl add --cast ../x 2018-12-19 x
failure "entries of list '.hidden': bad name" \
	"todoctl: entries: $NAME_MSG (EINVAL)" \
	todoctl entries .hidden
n64=n64-$run-$(printf 'x%.0s' {1..64})
n64=${n64:0:64}
ok "add to a list with a 64-byte name" 1 todoctl add "$n64" 2018-12-19 x
# A longer name, or a title longer than the protocol's 4096 bytes, never
# leaves todoctl (the kernel's policy for them is checked in ynl.sh).
failure "add to a list with a 65-byte name: refused before it is sent" \
	"todoctl: add: list name too long (65 bytes; at most 64)" \
	todoctl add "${n64}x" 2018-12-19 x
t70k=$(head -c 70000 /dev/zero | tr '\0' t)
failure "add with a 70000-byte title: refused before it is sent" \
	"todoctl: add: title too long (70000 bytes; at most 4096)" \
	todoctl add "$V" 2018-12-19 "$t70k"
failure "update --title of 4097 bytes: refused before it is sent" \
	"todoctl: update: title too long (4097 bytes; at most 4096)" \
	todoctl update "$V" 1 --title "${t70k:0:4097}"
failure "add on 2023-02-29: not a calendar day" \
	"todoctl: add: $DATE_MSG (EINVAL)" \
	todoctl add "$V" 2023-02-29 x
failure "add on 2018-13-01: not a calendar day" \
	"todoctl: add: $DATE_MSG (EINVAL)" \
	todoctl add "$V" 2018-13-01 x
failure "add (cast) on 2023-02-29: reported synchronously" \
	"todoctl: add: $DATE_MSG (EINVAL)" \
	todoctl add --cast "$V" 2023-02-29 x
# 00000101 is below the policy's range (10101..99991231): the core's text.
failure "add on 0000-01-01: below the policy's range" \
	"todoctl: add: integer out of range (ERANGE)" \
	todoctl add "$V" 0000-01-01 x
failure "add with an empty title" \
	"todoctl: add: $TITLE_MSG (EINVAL)" \
	todoctl add "$V" 2018-12-19 ""
failure "add with a tab in the title" \
	"todoctl: add: $TITLE_MSG (EINVAL)" \
	todoctl add "$V" 2018-12-19 "a${tab}b"
tmax=$(cat "$params/max_title_len" 2> /dev/null || echo 256)
long=$(printf 't%.0s' $(seq "$tmax"))
ok "add with a title of max_title_len ($tmax) bytes" 2 \
	todoctl add "$V" 2018-12-19 "$long"
failure "add with a title of max_title_len + 1 bytes" \
	"todoctl: add: title is longer than max_title_len (EMSGSIZE)" \
	todoctl add "$V" 2018-12-19 "${long}t"
failure "update (call) on 2023-02-29" \
	"todoctl: update: $DATE_MSG (EINVAL)" \
	todoctl update "$V" 1 --date 2023-02-29
failure "update (call) with a tab in the title" \
	"todoctl: update: $TITLE_MSG (EINVAL)" \
	todoctl update "$V" 1 --title "a${tab}b"
failure "update (call) of a missing id" \
	"todoctl: update: entry id not found (ENOENT)" \
	todoctl update "$V" 99 --title x
failure "delete (call) of a missing id" \
	"todoctl: delete: entry id not found (ENOENT)" \
	todoctl delete "$V" 99
N=nosuch-$run
for mode in call cast; do
	cast=()
	[ $mode = cast ] && cast=(--cast)
	failure "update ($mode) of an unknown list" \
		"todoctl: update: list not found (ESRCH)" \
		todoctl update "${cast[@]}" "$N" 1 --title x
	failure "delete ($mode) of an unknown list" \
		"todoctl: delete: list not found (ESRCH)" \
		todoctl delete "${cast[@]}" "$N" 1
done
failure "ping of an unknown list" \
	"todoctl: ping: list not found (ESRCH)" \
	todoctl ping "$N"
ok "entries of an unknown list: nothing, exit 0" "" todoctl entries "$N"
ok "entries of an unknown list with a date: nothing, exit 0" "" \
	todoctl entries "$N" 2018-12-19
ok "entries --json of an unknown list: []" "[]" todoctl --json entries "$N"
ok "entries -j of an unknown list: []" "[]" todoctl -j entries "$N"
ok "the failed validations left the list as it was" \
	"$(entries_of 1 2018-12-19 first 2 2018-12-19 "$long")" \
	todoctl entries "$V"
if ! todoctl lists | cut -f1 | grep -qx -e "$N" -e "${n64}x" -e "$U"; then
	pass "failed requests and reads created no list"
else
	fail "failed requests and reads created no list"
	todoctl lists | sed 's/^/      |/'
fi

# ---- JSON ----------------------------------------------------------------

J=json-$run
json "add --json prints {\"id\":1}" 'r == {"id": 1}' \
	todoctl --json add "$J" 2018-12-19 Dentist
ok "add --json --cast prints nothing" "" \
	todoctl --json add --cast "$J" 2018-12-20 'say "hi" \ back'
export TODO_E2E_TITLE='Zahnärzt "Dr. Ö" \ 😀 € </script>'
ok "add a title that needs escaping" 3 \
	todoctl add "$J" 2018-12-21 "$TODO_E2E_TITLE"
json "entries --json: array of {id, date, title}, escaped" \
	'r == [{"id": 1, "date": "2018-12-19", "title": "Dentist"},
	       {"id": 2, "date": "2018-12-20", "title": "say \"hi\" \\ back"},
	       {"id": 3, "date": "2018-12-21", "title": env["TODO_E2E_TITLE"]}]' \
	todoctl --json entries "$J"
json "entries --json LIST DATE" \
	'r == [{"id": 2, "date": "2018-12-20", "title": "say \"hi\" \\ back"}]' \
	todoctl --json entries "$J" 2018-12-20
json "lists --json: the list with all its fields" \
	'[{k: v for k, v in l.items() if k != "writes"} for l in r
	  if l["name"] == "'"$J"'"] == [{"name": "'"$J"'",
	  "owner": 0, "entries": 3, "next_id": 4, "mailbox": 0, "casts": 1,
	  "casts_failed": 0, "alive": True, "write_errors": 0,
	  "last_error": None}]' \
	todoctl --json lists
run todoctl --pretty lists
pretty=$out
run todoctl -j lists
if [ "$rc" = 0 ] && [ "$(printf '%s\n' "$pretty" | wc -l)" -gt 10 ] &&
   [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
   python3 -c 'import json, sys; sys.exit(json.loads(sys.argv[1]) != json.loads(sys.argv[2]))' \
	"$pretty" "$out"; then
	pass "-p/--pretty: the same JSON, indented; -j: one line"
else
	fail "-p/--pretty: the same JSON, indented; -j: one line"
	details todoctl --pretty lists
fi
json "ping --json prints {\"pong\": true}" 'r == {"pong": True}' \
	todoctl --json ping
json "ping --json LIST names the list" 'r == {"pong": True, "list": "'"$J"'"}' \
	todoctl -j ping "$J"
json "stats --json: the counters" \
	'set(r) == {"servers", "max_servers", "lists", "started", "evictions",
	 "busy"} and all(isinstance(v, int) for v in r.values())' \
	todoctl -j stats
for c in "update $J 1 --title x" "delete --cast $J 2" "sync $J" "batch /dev/null"; do
	# shellcheck disable=SC2086 # the words of $c are the arguments
	ok "--json $c prints nothing" "" todoctl --json $c
done
check "a failed dump with --json prints its closed array: []" 1 "[]" \
	"todoctl: entries: $NAME_MSG (EINVAL)" \
	todoctl --json entries .hidden
check "a failed call with --json prints nothing" 1 "" \
	"todoctl: ping: list not found (ESRCH)" \
	todoctl --json ping "$N"
json "lists --json: every element has exactly the documented fields" \
	'isinstance(r, list) and len(r) > 0 and all(set(l) == {"name", "owner",
	 "entries", "next_id", "mailbox", "casts", "casts_failed", "alive",
	 "writes", "write_errors", "last_error"}
	 and isinstance(l["alive"], bool) and isinstance(l["writes"], int)
	 and (l["last_error"] is None or l["last_error"].startswith("E"))
	 for l in r)' \
	todoctl --json lists
run todoctl lists
text_lists=$out
run todoctl --json lists
if python3 -c '
import json, sys
text = {}
for line in sys.argv[1].splitlines():
    f = line.split("\t")
    d = dict(x.split("=", 1) for x in f[1:-1])
    d["alive"] = f[-1]
    text[f[0]] = d
for l in json.loads(sys.argv[2]):
    t = text.pop(l["name"])
    le = l["last_error"] or "none"
    want = {k: str(v) for k, v in l.items() if k not in ("name", "alive", "last_error")}
    want.update(last_error=le, alive="live" if l["alive"] else "stored")
    # writes may move between the two dumps
    t.pop("writes"); want.pop("writes")
    assert t == want, (t, want)
assert not text
' "$text_lists" "$out"; then
	pass "lists: the text shows the same fields as the JSON"
else
	fail "lists: the text shows the same fields as the JSON"
fi

# ---- lists: statistics lines ----------------------------------------------

S=stats-$run
ok "stats: add (call)" 1 todoctl add "$S" 2018-12-19 one
ok "stats: add (cast)" "" todoctl add --cast "$S" 2018-12-20 two
ok "stats: update (cast) of a missing id" "" \
	todoctl update --cast "$S" 9 --title x
ok "stats: delete (cast) of a missing id" "" todoctl delete --cast "$S" 8
ok "stats: ping LIST waits for the casts" pong todoctl ping "$S"
line=$(stats_line "$S")
want="$S${tab}entries=2${tab}next_id=3${tab}mailbox=0${tab}casts=3${tab}casts_failed=2${tab}writes=*${tab}write_errors=0${tab}last_error=none${tab}owner=0${tab}live"
# shellcheck disable=SC2053 # $want is a pattern (writes=*)
if [[ $line == $want ]]; then
	pass "lists: NAME entries next_id mailbox casts casts_failed live"
else
	fail "lists: NAME entries next_id mailbox casts casts_failed live"
	echo "    got:  $line"
	echo "    want: $want"
fi
line=$(stats_line "$C")
want="$C${tab}entries=5${tab}next_id=8${tab}mailbox=0${tab}casts=6${tab}casts_failed=2${tab}writes=*${tab}write_errors=0${tab}last_error=none${tab}owner=0${tab}live"
# shellcheck disable=SC2053 # $want is a pattern (writes=*)
if [[ $line == $want ]]; then
	pass "lists: statistics of the list of calls and casts"
else
	fail "lists: statistics of the list of calls and casts"
	echo "    got:  $line"
	echo "    want: $want"
fi
run todoctl lists
re="^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}${tab}entries=[0-9]+${tab}next_id=[0-9]+${tab}mailbox=[0-9]+${tab}casts=[0-9]+${tab}casts_failed=[0-9]+${tab}writes=[0-9]+${tab}write_errors=[0-9]+${tab}last_error=(none|E[A-Z0-9]+)${tab}owner=0${tab}(live|stored)$"
bad=$(printf '%s\n' "$out" | grep -Evc "$re")
if [ "$rc" = 0 ] && [ -z "$err" ] && [ "$bad" = 0 ] &&
   [ "$(printf '%s\n' "$out" | cut -f1 | sort | uniq -d)" = "" ] &&
   printf '%s\n' "$out" | cut -f1 | grep -qx "$bob"; then
	pass "lists: every line has the documented format, each list once"
else
	fail "lists: every line has the documented format, each list once"
	details todoctl lists
fi

# ---- batch ----------------------------------------------------------------

B=batch-$run
cat > "$work/batch-ok" <<EOF
# a comment, then a blank line

add $B 2018-12-19 Dentist
  add $B 2018-12-20 "Buy milk"
add --cast $B 2018-12-21 'say "hi"'
add	$B	2018-12-22	it\\'s\\ fine
update $B 1 --title "Dentist at 5" --date 2018-12-18
delete $B 2
ping $B
ping
EOF
ok "batch FILE: comments, blanks, quotes, escapes; prints nothing" "" \
	todoctl batch "$work/batch-ok"
ok "batch: the lines took effect in order" \
	"$(entries_of 1 2018-12-18 "Dentist at 5" 3 2018-12-21 'say "hi"' \
		4 2018-12-22 "it's fine")" \
	todoctl entries "$B"
ok "batch from standard input" "" \
	todoctl batch < <(echo "add $B 2019-01-01 stdin")
ok "batch from - (standard input)" "" \
	todoctl batch - < <(echo "add $B 2019-01-02 dash")
ok "batch: the stdin lines took effect" \
	"$(entries_of 1 2018-12-18 "Dentist at 5" 3 2018-12-21 'say "hi"' \
		4 2018-12-22 "it's fine" 5 2019-01-01 stdin 6 2019-01-02 dash)" \
	todoctl entries "$B"
line=$(stats_line "$B")
want="$B${tab}entries=5${tab}next_id=7${tab}mailbox=0${tab}casts=8${tab}casts_failed=0${tab}writes=*${tab}write_errors=0${tab}last_error=none${tab}owner=0${tab}live"
# shellcheck disable=SC2053 # $want is a pattern (writes=*)
if [[ $line == $want ]]; then
	pass "batch: mutations were casts (lists statistics)"
else
	fail "batch: mutations were casts (lists statistics)"
	echo "    got:  $line"
	echo "    want: $want"
fi

BE=batcherr-$run
cat > "$work/batch-err" <<EOF
add $BE 2018-12-19 one
add $BE 2023-02-29 leap
add $BE 2018-1-9 malformed
update $BE 99 --title "missing id: a cast, only counted"
update $N 1 --title "unknown list"
ping $N
add $BE-never 2018-13-01 "bad date, list never made"
add ../x 2018-12-19 "bad name"
frobnicate
entries $BE
add $BE 2018-12-20 two
EOF
check "batch --force: errors reported with their line numbers, exit 1" 1 "" \
"todoctl: batch: line 3: add: malformed date '2018-1-9' (expected YYYY-MM-DD)
todoctl: batch: line 9: unknown command 'frobnicate'
todoctl: batch: line 10: entries: not allowed in a batch
todoctl: batch: line 2: add: $DATE_MSG (EINVAL)
todoctl: batch: line 5: update: list not found (ESRCH)
todoctl: batch: line 6: ping: list not found (ESRCH)
todoctl: batch: line 7: add: $DATE_MSG (EINVAL)
todoctl: batch: line 8: add: $NAME_MSG (EINVAL)
todoctl: batch: $BE: 1 cast failed once applied (casts_failed 0 -> 1)" \
	todoctl batch --force "$work/batch-err"
ok "batch: the good lines around the errors took effect" \
	"$(entries_of 1 2018-12-19 one 2 2018-12-20 two)" todoctl entries "$BE"

printf 'add %s 2018-1-9 x\nupdate %s 1\n' "$BE" "$BE" > "$work/batch-usage"
check "batch --force: only usage errors: exit 2" 2 "" \
"todoctl: batch: line 1: add: malformed date '2018-1-9' (expected YYYY-MM-DD)
todoctl: batch: line 2: update: nothing to change: give --date or --title" \
	todoctl batch --force "$work/batch-usage"

# A line refused before the batch's first cast is reported against its
# line, not lost with the answer of the casts_failed snapshot read then.
printf 'ping %s-none\nadd %s 2018-12-21 three\n' "$BE" "$BE" > "$work/batch-first"
check "batch --force: a ping refused before the first cast names its line" 1 "" \
"todoctl: batch: line 1: ping: list not found (ESRCH)" \
	todoctl batch --force "$work/batch-first"

# Without --force a batch stops at the first line that fails.
BS=batchstop-$run
printf 'add %s 2019-01-01 one\nadd %s 2023-02-29 leap\nadd %s 2019-01-03 three\n' \
	"$BS" "$BS" "$BS" > "$work/batch-stop"
check "batch: stops at the first line the kernel refuses" 1 "" \
"todoctl: batch: line 2: add: $DATE_MSG (EINVAL)
todoctl: batch: stopped after line 2, at the first failure (--force goes on)" \
	todoctl batch "$work/batch-stop"
ok "batch: the line before the failed one took effect, none after" \
	"$(entries_of 1 2019-01-01 one)" todoctl entries "$BS"
printf 'add %s 2019-02-01 two\nadd %s 2019-2-2 x\nadd %s 2019-02-03 x\n' \
	"$BS" "$BS" "$BS" > "$work/batch-stop2"
check "batch: stops at the first usage error, exit 2" 2 "" \
"todoctl: batch: line 2: add: malformed date '2019-2-2' (expected YYYY-MM-DD)
todoctl: batch: stopped after line 2, at the first failure (--force goes on)" \
	todoctl batch "$work/batch-stop2"
ok "batch: only the line before the usage error took effect" \
	"$(entries_of 1 2019-01-01 one 2 2019-02-01 two)" todoctl entries "$BS"
printf 'update %s 99 --title x\ndelete %s 98\nadd %s 2019-03-01 after\n' \
	"$BS" "$BS" "$BS" > "$work/batch-castfail"
check "batch: casts that failed once applied are reported (casts_failed)" 1 "" \
	"todoctl: batch: $BS: 2 casts failed once applied (casts_failed 0 -> 2)" \
	todoctl batch "$work/batch-castfail"
check "batch: --sync is refused, not ignored" 2 "" \
	"todoctl: batch: line 1: add: --sync is not allowed in a batch (run 'todoctl sync' after it)" \
	todoctl batch < <(echo "add --sync $BS 2019-04-01 x")
check "batch: a backslash at the end of a line is an error" 2 "" \
	"todoctl: batch: line 1: backslash at the end of the line" \
	todoctl batch < <(printf 'add %s 2019-04-01 x\\\n' "$BS")
check "batch: a title longer than the protocol allows is not sent" 1 "" \
	"todoctl: batch: line 1: add: title too long (4097 bytes; at most 4096)" \
	todoctl batch < <(echo "add $BS 2019-04-01 ${t70k:0:4097}")
ok "batch: the refused lines changed nothing" \
	"$(entries_of 1 2019-01-01 one 2 2019-02-01 two 3 2019-03-01 after)" \
	todoctl entries "$BS"
check "batch: a missing file" 1 "" \
	"todoctl: batch: $work/none: No such file or directory" \
	todoctl batch "$work/none"

# Errors past the first window keep their line numbers.
BW=window-$run
for ((i = 1; i <= 300; i++)); do
	case $i in
	130 | 300) echo "add $BW 2023-02-29 \"n $i\"" ;;
	200) echo "add $BW 2019-1-1 \"n $i\"" ;;
	*) echo "add $BW 2019-01-01 \"n $i\"" ;;
	esac
done > "$work/batch-window"
run todoctl batch --force "$work/batch-window"
want="todoctl: batch: line 130: add: $DATE_MSG (EINVAL)
todoctl: batch: line 200: add: malformed date '2019-1-1' (expected YYYY-MM-DD)
todoctl: batch: line 300: add: $DATE_MSG (EINVAL)"
if [ "$rc" = 1 ] && [ -z "$out" ] &&
   [ "$(printf '%s\n' "$err" | sort)" = "$want" ]; then
	pass "batch: line numbers of errors across windows of 128"
else
	fail "batch: line numbers of errors across windows of 128"
	details todoctl batch --force "$work/batch-window"
fi
id=0
for ((i = 1; i <= 300; i++)); do
	case $i in 130 | 200 | 300) continue ;; esac
	id=$((id + 1))
	printf '%d\t2019-01-01\tn %d\n' "$id" "$i"
done > "$work/window-want"
same_entries "batch: the 297 good lines of the 300 took effect in order" \
	"$BW" "$work/window-want"

# With --force, casts to a list the window already named go out 16 to a
# datagram: 200 casts to one list take far fewer than 200 system calls
# to send, and are applied in order.
BP=pipe-$run
for ((i = 1; i <= 200; i++)); do
	echo "add $BP 2019-01-01 \"p $i\""
done > "$work/batch-pipe"
strace -f -e trace=sendto,sendmsg -o "$work/batch-pipe.strace" \
	todoctl batch --force "$work/batch-pipe" > /dev/null 2>&1
sends=$(grep -c '^[0-9]* *send' "$work/batch-pipe.strace")
if [ "$sends" -ge 5 ] && [ "$sends" -le 40 ]; then
	pass "batch --force: 200 casts sent in $sends system calls"
else
	fail "batch --force: 200 casts sent in $sends system calls (want 5 to 40)"
fi
for ((i = 1; i <= 200; i++)); do
	printf '%d\t2019-01-01\tp %d\n' "$i" "$i"
done > "$work/pipe-want"
same_entries "batch --force: the 200 pipelined casts took effect in order" \
	"$BP" "$work/pipe-want"

BIG=big-$run
for ((i = 1; i <= 2000; i++)); do
	printf 'add %s 2019-03-01 "item %d"\n' "$BIG" "$i"
done > "$work/batch-big"
start=$(date +%s)
ok "batch of 2000 adds" "" todoctl batch "$work/batch-big"
echo "# batch of 2000 adds: $(( $(date +%s) - start )) s"
for ((i = 1; i <= 2000; i++)); do
	printf '%d\t2019-03-01\titem %d\n' "$i" "$i"
done > "$work/big-want"
same_entries "batch of 2000 adds: all 2000 entries, ids 1..2000 in order" \
	"$BIG" "$work/big-want"
line=$(stats_line "$BIG")
want="$BIG${tab}entries=2000${tab}next_id=2001${tab}mailbox=0${tab}casts=2000${tab}casts_failed=0${tab}writes=*${tab}write_errors=0${tab}last_error=none${tab}owner=0${tab}live"
# shellcheck disable=SC2053 # $want is a pattern (writes=*)
if [[ $line == $want ]]; then
	pass "batch of 2000 adds: lists statistics"
else
	fail "batch of 2000 adds: lists statistics"
	echo "    got:  $line"
	echo "    want: $want"
fi

# ---- two users ------------------------------------------------------------

G=groceries-$run
ok "uid 1001: add to its groceries" 1 "${as1001[@]}" add "$G" 2018-12-19 Milk
ok "uid 1002: add to its own groceries (a different list)" 1 \
	"${as1002[@]}" add "$G" 2018-12-20 Bread
ok "uid 1001 sees only its own groceries" "$(entries_of 1 2018-12-19 Milk)" \
	"${as1001[@]}" entries "$G"
ok "uid 1002 sees only its own groceries" "$(entries_of 1 2018-12-20 Bread)" \
	"${as1002[@]}" entries "$G"
run "${as1001[@]}" lists
if [ "$rc" = 0 ] && [ -z "$err" ] &&
   [ "$(printf '%s\n' "$out" | cut -f1 | grep -cx "$G")" = 1 ] &&
   ! printf '%s\n' "$out" | cut -f1 | grep -qx -e "$C" -e "$bob"; then
	pass "uid 1001: lists shows its groceries and none of root's lists"
else
	fail "uid 1001: lists shows its groceries and none of root's lists"
	details "${as1001[@]}" lists
fi
json "uid 1001: lists --json says owner 1001" \
	'[(l["entries"], l["owner"]) for l in r if l["name"] == "'"$G"'"] == [(1, 1001)]' \
	"${as1001[@]}" --json lists
ok "root without --user has no groceries" "" todoctl entries "$G"
if ! todoctl lists | cut -f1 | grep -qx "$G"; then
	pass "root's lists do not include the users' groceries"
else
	fail "root's lists do not include the users' groceries"
fi
failure "uid 1001 with --user 1002: entries refused (EPERM)" \
	"todoctl: entries: $EPERM_MSG (EPERM)" \
	"${as1001[@]}" --user 1002 entries "$G"
failure "uid 1001 with --user 1002: add refused (EPERM)" \
	"todoctl: add: $EPERM_MSG (EPERM)" \
	"${as1001[@]}" --user 1002 add "$G" 2018-12-21 Eggs
failure "uid 1001 with --user 1002: lists refused (EPERM)" \
	"todoctl: lists: $EPERM_MSG (EPERM)" \
	"${as1001[@]}" --user 1002 lists
printf 'add %s 2018-12-21 Eggs\nadd %s 2018-12-22 Ham\n' "$G" "$G" \
	> "$work/batch-eperm"
chmod 644 "$work/batch-eperm"
check "uid 1001 with --user 1002: batch --force lines refused, each reported once" 1 "" \
"todoctl: batch: line 1: add: $EPERM_MSG (EPERM)
todoctl: batch: line 2: add: $EPERM_MSG (EPERM)" \
	"${as1001[@]}" --user 1002 batch --force "$work/batch-eperm"
ok "uid 1001 with --user 1001 (itself) is allowed" \
	"$(entries_of 1 2018-12-19 Milk)" "${as1001[@]}" --user 1001 entries "$G"
ok "uid 1002's list unchanged by the refused requests" \
	"$(entries_of 1 2018-12-20 Bread)" "${as1002[@]}" entries "$G"
ok "root with --user 1001 sees uid 1001's groceries" \
	"$(entries_of 1 2018-12-19 Milk)" todoctl --user 1001 entries "$G"
ok "root with --user 1002 adds to uid 1002's groceries" 2 \
	todoctl --user 1002 add "$G" 2018-12-21 Eggs
ok "uid 1002 sees root's addition" \
	"$(entries_of 1 2018-12-20 Bread 2 2018-12-21 Eggs)" \
	"${as1002[@]}" entries "$G"
ok "root with --user 1001: batch into uid 1001's list" "" \
	todoctl --user 1001 batch < <(echo "add $G 2018-12-23 Butter")
ok "uid 1001 sees the batch's entry" \
	"$(entries_of 1 2018-12-19 Milk 2 2018-12-23 Butter)" \
	"${as1001[@]}" entries "$G"
json "root with --user 1001 --json lists: uid 1001's lists" \
	'[(l["entries"], l["owner"]) for l in r if l["name"] == "'"$G"'"] == [(2, 1001)]' \
	todoctl --user 1001 --json lists
ok "uid 1002: entries of an unknown list: nothing, exit 0" "" \
	"${as1002[@]}" entries "$N"
ok "uid 1002: ping" pong "${as1002[@]}" ping

# ---- a stored list ---------------------------------------------------------

if [ -w "$params/idle_timeout" ]; then
	ST=stored-$run
	echo 1 > "$params/idle_timeout"
	todoctl add "$ST" 2018-12-19 kept > /dev/null
	for ((i = 0; i < 30; i++)); do
		line=$(stats_line "$ST")
		[[ $line == *"${tab}stored" ]] && break
		sleep 1
	done
	echo 0 > "$params/idle_timeout"
	re="^$ST${tab}entries=[0-9]+${tab}next_id=[0-9]+${tab}mailbox=0${tab}casts=0${tab}casts_failed=0${tab}writes=0${tab}write_errors=0${tab}last_error=none${tab}owner=0${tab}stored$"
	if [[ $line =~ $re ]]; then
		pass "lists: an idle list that stopped is shown as stored"
	else
		fail "lists: an idle list that stopped is shown as stored"
		echo "    got:  $line"
	fi
	json "lists --json: a stored list has alive false" \
		'[l["alive"] for l in r if l["name"] == "'"$ST"'"] == [False]' \
		todoctl --json lists
	ok "entries of a stored list loads it" \
		"$(entries_of 1 2018-12-19 kept)" todoctl entries "$ST"
fi

# ---- drop: a whole list, for good -------------------------------------------

db=/var/lib/todo
D=drop-$run D2=drop2-$run DC=dropcast-$run
# file_of NAME [UID]: the path of a list's file in db_dir.
file_of() { echo "$db/u${2:-0}/$1.list"; }
# listed NAME [TODOCTL...]: NAME is a line of "lists" (of root by default).
listed()
{
	local name=$1

	shift
	[ $# -gt 0 ] || set -- todoctl
	"$@" lists 2> /dev/null | cut -f1 | grep -qx -- "$name"
}
# serving NAME: a server thread of root's NAME runs.  A thread's comm is
# "todo/0/NAME" cut to 15 bytes (6.1), or in full (6.12).
serving()
{
	local comm=todo/0/$1

	ps -e -o comm= | grep -q -- "^${comm:0:15}"
}

ok "drop: add to a list" 1 todoctl add "$D" 2018-12-19 Dentist
ok "drop: add a second entry" 2 todoctl add "$D" 2018-12-20 Shopping
ok "drop: sync it, so that it has a file" "" todoctl sync "$D"
ok "drop: a third entry, not yet stored" 3 todoctl add "$D" 2018-12-21 Gym
if [ -f "$(file_of "$D")" ] && listed "$D"; then
	pass "drop: before, the list is listed and has a file"
else
	fail "drop: before, the list is listed and has a file"
fi

# Other users cannot drop it: naming root is refused, and their own list
# of that name does not exist.
failure "drop: uid 1001 with --user 0 is refused (EPERM)" \
	"todoctl: drop: $EPERM_MSG (EPERM)" \
	"${as1001[@]}" --user 0 drop "$D"
failure "drop: uid 1001 without --user drops its own list: none" \
	"todoctl: drop: list not found (ESRCH)" \
	"${as1001[@]}" drop "$D"
ok "drop: root's list untouched by the refused drops" \
	"$(entries_of 1 2018-12-19 Dentist 2 2018-12-20 Shopping 3 2018-12-21 Gym)" \
	todoctl entries "$D"

ok "drop of a live list with entries: prints nothing" "" todoctl drop "$D"
if [ ! -e "$(file_of "$D")" ]; then
	pass "drop: the list's file is removed (after the server's last store)"
else
	fail "drop: the list's file is removed (after the server's last store)"
	ls -l "$(file_of "$D")" | sed 's/^/    /'
fi
if ! listed "$D"; then
	pass "drop: lists no longer shows the list"
else
	fail "drop: lists no longer shows the list"
	todoctl lists | sed 's/^/      |/'
fi
if ! serving "$D"; then
	pass "drop: the list's server thread is gone"
else
	fail "drop: the list's server thread is gone"
fi
ok "drop: entries of the dropped list: nothing, as for any unknown list" "" \
	todoctl entries "$D"
failure "drop: ping of the dropped list: list not found" \
	"todoctl: ping: list not found (ESRCH)" todoctl ping "$D"
failure "drop: update of the dropped list: list not found" \
	"todoctl: update: list not found (ESRCH)" \
	todoctl update "$D" 1 --title x
failure "drop: delete of the dropped list: list not found" \
	"todoctl: delete: list not found (ESRCH)" \
	todoctl delete "$D" 1
failure "drop: sync of the dropped list: list not found" \
	"todoctl: sync: list not found (ESRCH)" todoctl sync "$D"
failure "drop: dropping it again: list not found" \
	"todoctl: drop: list not found (ESRCH)" todoctl drop "$D"
failure "drop of a list that never existed: list not found" \
	"todoctl: drop: list not found (ESRCH)" todoctl drop "$N"
failure "drop with a bad name: EINVAL" \
	"todoctl: drop: $NAME_MSG (EINVAL)" todoctl drop ../x
if ! listed "$D" && ! listed "$N"; then
	pass "drop: the failed requests created no list"
else
	fail "drop: the failed requests created no list"
fi

# A list dropped right after a burst of changes, whose stores are likely
# still pending, does not come back from its server's last store.
ok "drop: an add to a list to drop right after a batch" 1 \
	todoctl add "$DC" 2019-01-01 first
for ((i = 0; i < 200; i++)); do
	echo "add $DC 2019-01-02 \"cast $i\""
done > "$work/batch-drop"
ok "drop: a batch of 200 casts to it" "" todoctl batch "$work/batch-drop"
ok "drop: drop it at once" "" todoctl drop "$DC"
if [ ! -e "$(file_of "$DC")" ] && ! listed "$DC" && ! serving "$DC"; then
	pass "drop: after the burst, no file, not listed, no server"
else
	fail "drop: after the burst, no file, not listed, no server"
fi

# --json changes nothing (like update and delete), and root may drop
# another user's list (CAP_NET_ADMIN), leaving other users' lists alone.
ok "drop: a list to drop with --json" 1 todoctl add "$D2" 2018-12-19 x
ok "drop --json prints nothing" "" todoctl --json drop "$D2"
ok "drop: root with --user 1001 drops uid 1001's groceries" "" \
	todoctl --user 1001 drop "$G"
ok "drop: uid 1001's groceries are gone" "" "${as1001[@]}" entries "$G"
if ! listed "$G" "${as1001[@]}" && [ ! -e "$(file_of "$G" 1001)" ]; then
	pass "drop: uid 1001 no longer lists its groceries, no file left"
else
	fail "drop: uid 1001 no longer lists its groceries, no file left"
fi
ok "drop: uid 1002's groceries of the same name are untouched" \
	"$(entries_of 1 2018-12-20 Bread 2 2018-12-21 Eggs)" \
	"${as1002[@]}" entries "$G"
ok "drop: uid 1001 re-creates its groceries: id 1 again" 1 \
	"${as1001[@]}" add "$G" 2018-12-24 Tea
ok "drop: uid 1001 drops its own list" "" "${as1001[@]}" drop "$G"

# Across a module reload: a dropped list stays gone, and a stored list
# (no server) can be dropped too.
ok "drop: a list that will be stored across the reload" 1 \
	todoctl add "$D2" 2019-02-01 stored
if [ -z "${TODO_KO:-}" ] || [ ! -f "$TODO_KO" ]; then
	fail "\$TODO_KO names the module (for the drop reload checks)"
elif ! { rmmod todo && insmod "$TODO_KO"; }; then
	fail "drop: reload the module"
else
	[ -w "$params/idle_timeout" ] && echo 0 > "$params/idle_timeout"
	if ! listed "$D" && [ ! -e "$(file_of "$D")" ]; then
		pass "drop: after a reload the dropped list is still gone"
	else
		fail "drop: after a reload the dropped list is still gone"
		todoctl lists | sed 's/^/      |/'
	fi
	ok "drop: after a reload its entries are still none" "" \
		todoctl entries "$D"
	if ! listed "$DC" && ! listed "$G" "${as1001[@]}"; then
		pass "drop: after a reload the other dropped lists are still gone"
	else
		fail "drop: after a reload the other dropped lists are still gone"
	fi
	if todoctl lists | grep -q "^$D2${tab}.*${tab}stored$"; then
		pass "drop: after a reload the other list is stored (no server)"
	else
		fail "drop: after a reload the other list is stored (no server)"
		todoctl lists | sed 's/^/      |/'
	fi
	ok "drop of a stored list" "" todoctl drop "$D2"
	if ! listed "$D2" && [ ! -e "$(file_of "$D2")" ]; then
		pass "drop: the stored list is gone, its file removed"
	else
		fail "drop: the stored list is gone, its file removed"
	fi
	if ! serving "$D2"; then
		pass "drop: and no server runs for it"
	else
		fail "drop: and no server runs for it"
	fi
	ok "drop: a list re-created under a dropped name starts at id 1" 1 \
		todoctl add "$D" 2019-03-01 again
	ok "drop: the re-created list holds only its new entry" \
		"$(entries_of 1 2019-03-01 again)" todoctl entries "$D"
	ok "drop: and can be dropped in turn" "" todoctl drop "$D"
fi
check "drop is not allowed in a batch" 2 "" \
	"todoctl: batch: line 1: drop: not allowed in a batch" \
	todoctl batch < <(echo "drop $D")

# ---- the module unloaded ---------------------------------------------------

if [ -z "${TODO_KO:-}" ] || [ ! -f "$TODO_KO" ]; then
	fail "\$TODO_KO names the module (for the unload checks)"
elif ! rmmod todo; then
	fail "rmmod todo (for the not-loaded checks)"
else
	failure "ping without the module: not loaded" \
		"todoctl: the todo module is not loaded (no generic netlink family \"todo\")" \
		todoctl ping
	failure "add without the module: not loaded" \
		"todoctl: the todo module is not loaded (no generic netlink family \"todo\")" \
		todoctl add "$C" 2018-12-19 x
	usage "without the module, usage errors still come first" \
		"add: missing TITLE" add todoctl add "$C" 2018-12-19
	if insmod "$TODO_KO"; then
		ok "ping after reloading the module" pong todoctl ping
	else
		fail "insmod $TODO_KO after the not-loaded checks"
	fi
fi

exit $failed
