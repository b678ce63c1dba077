#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Drive todoctl's bash completion as bash does (COMP_WORDS, COMP_CWORD,
# then the function "complete -p todoctl" names) and check what it
# suggests.  A stand-in todoctl answers "lists" and "entries" as the
# kernel would (no module is needed); everything else, the help the
# completion reads its commands and options from, is the real todoctl.
# Prints "PASS completion: ..." or "FAIL completion: ..." per check;
# exits 1 if any failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

cat > "$work/todoctl" <<STUB
#!/bin/bash
user=0
if [ "\$1" = --user ]; then
	user=\$2
	shift 2
fi
case \$1 in
lists)
	if [ "\$user" = 0 ]; then
		printf 'groceries\tentries=2\nwork-2019\tentries=0\n'
	else
		printf 'u%s-list\tentries=1\n' "\$user"
	fi
	;;
entries)
	[ "\$2" = groceries ] && printf '1\t2019-01-01\tMilk\n7\t2019-01-02\tEggs\n'
	;;
*)
	exec "$here/todoctl" "\$@"
	;;
esac
STUB
chmod +x "$work/todoctl"
touch "$work/batch-a" "$work/batch-b"

# shellcheck source-path=SCRIPTDIR source=todoctl.bash-completion
. "$here/todoctl.bash-completion"

spec=$(complete -p todoctl)
if [ "$spec" = "complete -F _todoctl todoctl" ]; then
	echo "PASS completion: complete -p todoctl names _todoctl"
else
	echo "FAIL completion: complete -p todoctl: $spec"
	failed=1
fi
fn=${spec#complete -F }
fn=${fn%% *}

# suggests DESC WANT WORD...: completing the last WORD of "todoctl
# WORD..." suggests exactly WANT (sorted, space-separated).
suggests()
{
	local desc=$1 want=$2 got

	shift 2
	COMP_WORDS=(todoctl "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	"$fn" "$work/todoctl" "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ')
	got=${got% }
	if [ "$got" = "$want" ]; then
		echo "PASS completion: $desc"
	else
		echo "FAIL completion: $desc: got '$got', want '$want'"
		failed=1
	fi
}

today=$(date +%F)
commands="add batch delete drop entries help lists ping stats sync update watch"
suggests "every command" "$commands" ""
suggests "commands by prefix" "delete drop" d
suggests "global options" \
	"--help --json --pretty --user --version -V -h -j -p" -
suggests "global long options by prefix" "--pretty" --p
suggests "a command after global options" "$commands" -j --user 5 ""
suggests "nothing for --user's UID" "" --user ""
suggests "list names of the caller" "groceries work-2019" entries ""
suggests "list names by prefix" "work-2019" ping w
suggests "watch completes a list name" "groceries work-2019" watch ""
suggests "list names of --user UID" "u1001-list" --user 1001 drop ""
suggests "list names of --user=UID" "u7-list" --user=7 sync ""
suggests "list names of --user=UID as bash splits it" "u7-list" \
	--user = 7 sync ""
suggests "LIST of add after --cast" "groceries work-2019" add --cast ""
suggests "DATE of add: today" "$today" add groceries ""
suggests "nothing for a TITLE" "" add groceries 2019-01-01 ""
suggests "options of add" "--cast --help --sync" add --
suggests "options of update" "--cast --date --help --title" \
	update groceries 1 --
suggests "ID of update: the list's ids" "1 7" update groceries ""
suggests "ID after an option with a value" "1 7" \
	update --title x groceries ""
suggests "the value of --date: today" "$today" update groceries 1 --date ""
suggests "the value of --date=: today" "$today" update groceries 1 --date = ""
suggests "ID after --title=VALUE as bash splits it" "1 7" \
	update --title = x groceries ""
suggests "nothing for the value of --title" "" update groceries 1 --title ""
suggests "nothing after the last argument" "" delete groceries 1 ""
suggests "nothing for lists" "" lists ""
suggests "options of batch" "--force --help" batch -
suggests "FILE of batch: files" "$work/batch-a $work/batch-b" \
	batch "$work/batch-"
suggests "COMMAND of help" "$commands" help ""
suggests "after --, an argument, not an option" "" add groceries -- -
exit $failed
