#!/usr/bin/env bash
# Bash completion (cmd/boxcg/completion/boxcg.bash): source it, set COMP_WORDS and
# COMP_CWORD as readline would, call the function, compare COMPREPLY.
set -uo pipefail
boxcg=${1:?usage: test_completion.sh BOXCG}
: "${SCRATCH:?}"
src=$PWD
# shellcheck source=/dev/null
source "$src/cmd/boxcg/completion/boxcg.bash"
fail=0 n=0

# complete_at CWORD WORD... : run the completion with the cursor on word
# CWORD; prints the candidates sorted, space-separated.
complete_at() {
	local cw=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$cw
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_boxcg
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
# expect WANT CWORD WORD... ; the cursor word defaults to the last one
expect() {
	local want=$1 got
	shift
	n=$((n + 1))
	got=$(complete_at "$@")
	if [ "$got" != "$want" ]; then
		echo "FAIL: boxcg completion of [${*:2}] at word $1"
		echo "   want: $want"
		echo "   got:  $got"
		fail=1
	fi
}
last() { echo $(($# - 1)); }
e() { expect "$1" "$(last "${@:2}")" "${@:2}"; }

complete -p boxcg | grep -q -- '-F _boxcg' || { echo "complete -F _boxcg boxcg not registered"; fail=1; }

cd "$SCRATCH"
mkdir -p pol/sub "dir with space" other
cat >pol/a.yaml <<'YAML'
# yaml-language-server: $schema=../schemas/boxcg-policy.schema.json
version: 1
root: boxlite
defaults:
  pids: { max: 1024 }
classes:
  small:
    description: "1 vCPU"
    box:
      cpu: { max: 1 }
      memory:
        max: 1GiB
  "quoted-1":   # a comment
    extends: small
  # commented-out: not a class
  'single_q':
    box: {}
boxes:
  - { id: b1, class: small }
  - id: b2
    class: small
YAML
cat >pol/b.yml <<'YAML'
version: 1
classes:
    wide-indent:
        box:
            pids: { max: 1 }
    second:
        extends: wide-indent
YAML
cat >"dir with space/c.yaml" <<'YAML'
version: 1
classes:
  spaced:
    box: {}
YAML
cat >other/flow.yaml <<'YAML'
version: 1
classes: { flow1: { box: {} } }
boxes: []
YAML
printf 'not yaml\n' >pol/notes.txt

# Commands, box subcommands, global options.
e "apply box destroy diff doctor events help metrics plan recover schema show snapshot top validate" boxcg ""
e "box" boxcg b
e "--help --no-color --quiet --root --state-dir --verbose --version" boxcg --
e "attach create delete exec freeze list stats thaw update" boxcg box ""
e "delete" boxcg --root /x box d
# Global options with arguments, then the command.
e "dir with space other pol" boxcg --root ""
e "other" boxcg --state-dir o
e "apply box destroy diff doctor events help metrics plan recover schema show snapshot top validate" boxcg --root /r --state-dir /s ""
e "plan" boxcg -q --root=/r pl

# Options per command.
e "--detailed-exitcode --help --json --out --prune --state" boxcg plan --
e "--plan --prune" boxcg apply --p
e "--format --help --host --json" boxcg validate --
e "--class --help --set" boxcg box create id1 --
e "-- --class --help --rm --set" boxcg box exec id1 --
e "--class --help --json --kill --timeout" boxcg box delete id1 --
e "" boxcg recover ""
e "json text" boxcg validate --format ""
e "--format=json" boxcg validate --format=j
e "--class --help --state" boxcg show --
e "--class --help --state" boxcg show pol --
# Options anywhere, as GNU getopt permutes them: after a policy path too;
# after "--" every word is a policy path.
e "--detailed-exitcode --help --json --out --prune --state" boxcg plan pol --
e "--format --help --host --json" boxcg validate pol/a.yaml --
e "--plan --prune" boxcg apply pol --p
e "pol/a.yaml pol/b.yml pol/sub" boxcg plan pol pol/
e "pol/a.yaml pol/b.yml pol/sub" boxcg plan pol --json pol/
e "" boxcg plan -- --j
e "pol/a.yaml pol/b.yml pol/sub" boxcg plan -- pol/
e "dir with space" boxcg diff -- d
e "json text" boxcg validate pol --format ""
e "--class --help --json --kill --timeout" boxcg box delete id1 pol --
e "quoted-1 second single_q small wide-indent" boxcg box create id1 pol -c ""
e "-h" boxcg snapshot -h
# Global options after the command: their argument is skipped (not a
# policy path, not the box id) and completed as theirs.
e "pol/a.yaml pol/b.yml pol/sub" boxcg plan --root /r pol/
e "dir with space other pol" boxcg plan pol --root ""
e "--state-dir=other" boxcg plan pol --state-dir=o
e "quoted-1 single_q small" boxcg box create id1 --root /r pol/a.yaml --class ""
expect "quoted-1 single_q small" 5 boxcg box create id1 --class "" --state-dir /s pol/a.yaml
# destroy: its options, then policy paths.
e "--dry-run --help --kill --lock-timeout --timeout" boxcg destroy --
e "pol/a.yaml pol/b.yml pol/sub" boxcg destroy --kill pol/
# help: command names, then box subcommands.
e "plan" boxcg help pl
e "create" boxcg help box cr
e "--help --table" boxcg help --
# An option's argument is not completed as a policy path.
e "" boxcg box delete id1 --timeout ""

# Class names from the policy paths on the line: directory, file, several,
# before or after the cursor, --class X and --class=X.
e "quoted-1 second single_q small wide-indent" boxcg box create id1 pol --class ""
e "quoted-1 single_q small" boxcg box create id1 pol/a.yaml --class ""
e "second" boxcg box exec id1 pol/b.yml --class s
e "second single_q small" boxcg box exec id1 pol --class s
# show: every operand is a policy path (no box id first).
e "quoted-1 second single_q small wide-indent" boxcg show pol --class ""
expect "quoted-1 single_q small" 3 boxcg show --class "" pol/a.yaml
e "--class=second --class=single_q --class=small" boxcg show pol --class=s
e "pol/a.yaml pol/b.yml pol/sub" boxcg show --class small pol/
e "--class=second --class=single_q --class=small" boxcg box exec id1 pol --class=s
expect "quoted-1 single_q small spaced" 5 boxcg box create id1 --class "" pol/a.yaml "dir with space"
# The id is not a policy path.
e "quoted-1 single_q small" boxcg box create pol pol/a.yaml --class ""
# Keys under classes (description, box, cpu…), under boxes, in comments:
# never class names; a flow mapping is not read.
e "" boxcg box create id1 other --class ""

# Policy paths: directories and *.yaml/*.yml only.
e "pol/a.yaml pol/b.yml pol/sub" boxcg validate pol/
e "dir with space" boxcg plan --json d
e "dir with space other pol" boxcg apply --prune "" # only directories here
e "pol/a.yaml pol/b.yml pol/sub" boxcg apply pol/ # not pol/notes.txt

# After box exec's "--": a command, then its files.
got=$(complete_at 7 boxcg box exec id1 --class small -- bas)
case " $got " in *" bash "*) ;; *) echo "FAIL: no 'bash' after --: $got"; fail=1 ;; esac
n=$((n + 1))
e "pol/a.yaml pol/b.yml pol/notes.txt pol/sub" boxcg box exec id1 --class small -- ls pol/

# Box ids for delete/attach come from `boxcg box list --json`, with the
# global options of the line. A stand-in binary records its arguments.
cat >fakeboxcg <<'SH'
#!/bin/sh
printf '%s\n' "$*" >"$(dirname "$0")/fake.args"
printf '{"format_version":1,"boxes":[{"id":"web-1","class":"small"},{"id":"web-2","class":"small"},{"id":"db","class":"big"}]}\n'
SH
chmod +x fakeboxcg
e "web-1 web-2" ./fakeboxcg --root /r box delete w
[ "$(cat fake.args)" = "--root /r box list --json" ] || { echo "FAIL: box list called as: $(cat fake.args)"; fail=1; }
e "db web-1 web-2" ./fakeboxcg box attach ""
# The same with the real boxcg on a directory root.
mkdir -p "$SCRATCH/tree"
for b in "w1 small" "w2 second" "x3 second"; do
	set -- $b
	"$boxcg" --root "$SCRATCH/tree" --state-dir "$SCRATCH/st" box create "$1" --class "$2" pol >/dev/null ||
		{ echo "FAIL: boxcg box create $1 with the test policy"; fail=1; }
done
expect "w1 w2 x3" 7 "$boxcg" --root "$SCRATCH/tree" --state-dir "$SCRATCH/st" box delete "" pol
expect "w1 w2" 7 "$boxcg" --root "$SCRATCH/tree" --state-dir "$SCRATCH/st" box attach w pol
# The second word of attach is a pid: our own shell is one.
got=$(complete_at 4 boxcg box attach web-1 "$$")
[ "$got" = "$$" ] || [[ " $got " == *" $$ "* ]] || { echo "FAIL: pid $$ not offered: $got"; fail=1; }
n=$((n + 1))

# The option lists agree with the command table (tests/eco/cli_table.sh;
# test_cli_table.sh checks the table against the sources):
# every option of every command, "=" on exactly those taking an argument,
# and no command whose getopt stops at the first operand (the completion
# offers options anywhere).
cd "$src"
surface_opts=""
while IFS=$'\t' read -r cmd opt kind; do
	n=$((n + 1))
	if [ "$opt" = "=" ]; then
		[ "$cmd" = schema ] && continue # takes no operand: either is right
		[ "$kind" = permute ] || { echo "FAIL: '$cmd': its options stop at the first operand, the completion offers them anywhere"; fail=1; }
		continue
	fi
	want=$opt
	[ "$kind" = arg ] && want="$opt="
	case " $(_boxcg_cmd_opts "$cmd") " in
	*" $want "*) ;;
	*) echo "FAIL: '$cmd' $opt ($kind) missing from _boxcg_cmd_opts: $(_boxcg_cmd_opts "$cmd")"; fail=1 ;;
	esac
	surface_opts="$surface_opts $cmd:$want"
done < <(bash tests/eco/cli_table.sh "$boxcg")
# ...and no option the table does not have.
for cmd in $(bash tests/eco/cli_table.sh "$boxcg" | awk -F'\t' '$2 == "=" { gsub(/ /, "_", $1); print $1 }'); do
	cmd=${cmd//_/ }
	for o in $(_boxcg_cmd_opts "$cmd"); do
		case "$surface_opts " in *" $cmd:$o "*) ;; *) echo "FAIL: completion offers $o for '$cmd', the command table has no such option"; fail=1 ;; esac
	done
done
# Global options against the table.
for o in $(bash tests/eco/cli_table.sh "$boxcg" --global | tr '\t' ':'); do
	name=${o%%:*} kind=${o#*:}
	[ "$kind" = arg ] && name="$name="
	case " $_boxcg_global_opts " in *" $name "*) ;; *) echo "FAIL: global option $name not in the completion"; fail=1 ;; esac
done
all_cmds=$(bash tests/eco/cli_table.sh "$boxcg" | awk -F'\t' '$2 == "=" { split($1, w, " "); print w[1] }' | sort -u | tr '\n' ' ')
want_cmds=$(printf '%s\n' $_boxcg_commands | sort | tr '\n' ' ')
[ "$all_cmds" = "$want_cmds" ] || { echo "FAIL: commands: sources [$all_cmds], completion [$want_cmds]"; fail=1; }
box_cmds=$(bash tests/eco/cli_table.sh "$boxcg" | awk -F'\t' '$2 == "=" && $1 ~ /^box / { print substr($1, 5) }' | sort | tr '\n' ' ')
want_box=$(printf '%s\n' $_boxcg_box_commands | sort | tr '\n' ' ')
[ "$box_cmds" = "$want_box" ] || { echo "FAIL: box commands: sources [$box_cmds], completion [$want_box]"; fail=1; }

echo "completion: $n cases"
exit $fail
