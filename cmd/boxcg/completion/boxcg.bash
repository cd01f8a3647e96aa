# bash completion for boxcg(1)                              -*- shell-script -*-
#
# Installed as share/bash-completion/completions/boxcg (loaded on demand by
# the bash-completion package) or sourced directly. Needs nothing but bash.
#
# Completes global options, commands and `box` subcommands, each command's
# options, file and directory arguments, class names after --class (read
# from the policy paths on the command line, else /etc/boxcg) and box ids
# of existing boxes for `box attach` / `box delete` (from
# `boxcg box list --json`).

# Options of each command; a trailing "=" marks an option that takes an
# argument. Keep in step with the command table (`boxcg help --table`, the
# cli_opt tables of cmd/boxcg/cmd_*.c): tests/eco/test_completion.sh
# compares these lists with it. Global options are accepted after the
# command too; their arguments are skipped and completed there as well.
_boxcg_global_opts="--root= --state-dir= --no-color -q --quiet -v --verbose --version -h --help"
_boxcg_commands="validate schema doctor show plan diff apply destroy recover snapshot box metrics events top help"
_boxcg_box_commands="create exec attach delete list stats update freeze thaw"

_boxcg_cmd_opts() {
	case $1 in
	validate) echo "-h --help --format= --json --host" ;;
	schema) echo "-h --help" ;;
	doctor) echo "-h --help --json" ;;
	show) echo "-h --help -c= --class= --state=" ;;
	plan) echo "-h --help --json -o= --out= --detailed-exitcode --prune --state=" ;;
	diff) echo "-h --help --json" ;;
	apply) echo "-h --help --prune --plan= --lock-timeout=" ;;
	recover) echo "-h --help --lock-timeout=" ;;
	destroy) echo "-h --help -n --dry-run -k --kill --timeout= --lock-timeout=" ;;
	snapshot) echo "-h --help -o= --out=" ;;
	"box create") echo "-h --help -c= --class= -s= --set=" ;;
	"box exec") echo "-h --help -c= --class= -s= --set= --rm" ;;
	"box attach") echo "-h --help -c= --class=" ;;
	"box update") echo "-h --help -s= --set= -c= --class= -n --dry-run -f --force" ;;
	"box freeze" | "box thaw") echo "-h --help --timeout= -c= --class=" ;;
	"box delete") echo "-h --help -k --kill --timeout= -c= --class= --json" ;;
	"box list") echo "-h --help --json" ;;
	"box stats") echo "-h --help --json" ;;
	metrics) echo "-h --help --listen=" ;;
	help) echo "-h --help --table" ;;
	events) echo "-h --help --json --count=" ;;
	top) echo "-h --help -d= --delay= -n= --iterations= --batch" ;;
	esac
}

# Every command takes its options anywhere among its operands (GNU getopt
# permutation: `boxcg plan pol --json`); a "--" ends them (for box exec it
# starts the command to run). tests/eco/test_completion.sh checks that no
# command's getopt stops at the first operand ("+").

# Does option $1 take an argument in the option list $2?
_boxcg_takes_arg() {
	case " $2 " in *" $1= "*) return 0 ;; esac
	return 1
}

# The policy files a list of paths stands for: files as given, directories
# expanded to their *.yaml/*.yml (as boxcg reads them).
_boxcg_policy_files() {
	local p f
	for p in "$@"; do
		if [ -d "$p" ]; then
			for f in "$p"/*.yaml "$p"/*.yml; do
				[ -f "$f" ] && printf '%s\n' "$f"
			done
		elif [ -f "$p" ]; then
			printf '%s\n' "$p"
		fi
	done
}

# Class names declared in the given policy paths. boxcg has no command that
# lists class names, so this reads the keys of the top-level `classes:`
# mapping with awk (block style, as the bundled policies write it; a flow
# mapping `classes: {a: …}` is not read).
_boxcg_classes() {
	local files
	files=$(_boxcg_policy_files "$@")
	[ -n "$files" ] || return 0
	local IFS=$'\n'
	# shellcheck disable=SC2086
	awk '
	FNR == 1 { in_classes = 0 }
	/^classes:[ \t]*(#.*)?$/ { in_classes = 1; indent = -1; next }
	in_classes && /^[^ \t#]/ { in_classes = 0 }
	in_classes && /^[ \t]+[^ \t#-]/ {
		match($0, /^[ \t]+/)
		if (indent < 0) indent = RLENGTH
		if (RLENGTH != indent) next
		key = substr($0, RLENGTH + 1)
		sub(/[ \t]*:.*$/, "", key)
		gsub(/^["\047]|["\047]$/, "", key)
		if (key ~ /^[A-Za-z0-9][A-Za-z0-9_-]*$/) print key
	}' $files 2>/dev/null | sort -u
}

# Ids of the boxes that exist now, from `boxcg box list --json`.
_boxcg_box_ids() {
	local bin=$1
	shift
	command -v "$bin" >/dev/null 2>&1 || return 0
	"$bin" "$@" 2>/dev/null |
		grep -o '"id"[[:space:]]*:[[:space:]]*"[A-Za-z0-9_-]*"' |
		sed 's/.*"\([A-Za-z0-9_-]*\)"$/\1/' | sort -u
}

_boxcg_set_filenames() { compopt -o filenames 2>/dev/null || true; }

# Complete the argument of option $1 from the prefix $2, given the policy
# paths on the line ($3...); one candidate a line.
_boxcg_optarg() {
	local opt=$1 value=$2
	shift 2
	case $opt in
	--root | --state-dir) compgen -d -- "$value" ;;
	--format) compgen -W "text json" -- "$value" ;;
	-o | --out | --plan | --state) compgen -f -- "$value" ;;
	-c | --class)
		[ $# -gt 0 ] || set -- /etc/boxcg
		compgen -W "$(_boxcg_classes "$@")" -- "$value"
		;;
	esac
}

_boxcg() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=""
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()

	# Walk every word but the one under the cursor: global options (with
	# their arguments), the command, its options (skipping their
	# arguments), positionals, and the "--" of box exec. Words after the
	# cursor count too: a policy typed after `--class` names the classes.
	local i w cmd="" opts="" global=() positionals=() npos=0 dashdash=-1 endopts=0
	for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
		[ "$i" -eq "$COMP_CWORD" ] && continue
		w=${COMP_WORDS[i]}
		if [ "$dashdash" -ge 0 ]; then
			continue
		fi
		if [ -z "$cmd" ]; then
			case $w in
			--root | --state-dir)
				[ $((i + 1)) -ne "$COMP_CWORD" ] && global+=("$w" "${COMP_WORDS[i + 1]}")
				i=$((i + 1))
				;;
			--root=* | --state-dir=*) global+=("$w") ;;
			-*) ;;
			*) cmd=$w ;;
			esac
			continue
		fi
		if [ "$cmd" = box ]; then
			case $w in -*) ;; *) cmd="box $w" ;; esac
			continue
		fi
		[ -n "$opts" ] || opts=$(_boxcg_cmd_opts "$cmd")
		if [ "$endopts" = 0 ]; then
			case $w in
			--root | --state-dir)
				[ $((i + 1)) -ne "$COMP_CWORD" ] && global+=("$w" "${COMP_WORDS[i + 1]}")
				i=$((i + 1))
				continue
				;;
			--root=* | --state-dir=*)
				global+=("$w")
				continue
				;;
			esac
		fi
		if [ "$endopts" = 1 ]; then
			# Past "--" every word is an operand.
			positionals+=("$w")
			[ "$i" -lt "$COMP_CWORD" ] && npos=$((npos + 1))
			continue
		fi
		case $w in
		--)
			if [ "$cmd" = "box exec" ]; then
				[ "$i" -lt "$COMP_CWORD" ] && dashdash=$i
			elif [ "$i" -lt "$COMP_CWORD" ]; then
				endopts=1
			fi
			;;
		--*=*) ;;
		-*) _boxcg_takes_arg "$w" "$opts" && i=$((i + 1)) ;;
		*)
			positionals+=("$w")
			[ "$i" -lt "$COMP_CWORD" ] && npos=$((npos + 1))
			;;
		esac
	done
	[ -n "$cmd" ] && [ -z "$opts" ] && opts=$(_boxcg_cmd_opts "$cmd")

	# After "--" of box exec: the command to run, then its files.
	if [ "$dashdash" -ge 0 ]; then
		if [ $((COMP_CWORD - dashdash)) -eq 1 ]; then
			mapfile -t COMPREPLY < <(compgen -c -- "$cur" | sort -u)
		else
			_boxcg_set_filenames
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		return 0
	fi

	# The argument of an option: "--opt VALUE" or "--opt=VALUE". The
	# policy paths are the positionals, minus the box id of box commands.
	local context=$_boxcg_global_opts optname="" value=$cur prefix=""
	[ -n "$cmd" ] && context="$opts $_boxcg_global_opts"
	if [[ $cur == --*=* ]]; then
		optname=${cur%%=*} value=${cur#*=} prefix="$optname="
	elif [[ $prev == -* ]]; then
		optname=$prev
	fi
	if [ "$endopts" = 0 ] && [ -n "$optname" ] && _boxcg_takes_arg "$optname" "$context"; then
		local policy=("${positionals[@]}")
		[[ $cmd == "box "* ]] && policy=("${positionals[@]:1}")
		case $optname in
		--root | --state-dir | -o | --out | --plan | --state) _boxcg_set_filenames ;;
		esac
		mapfile -t COMPREPLY < <(_boxcg_optarg "$optname" "$value" "${policy[@]}")
		[ -n "$prefix" ] && COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
		return 0
	fi

	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "${_boxcg_global_opts//=/}" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$_boxcg_commands" -- "$cur")
		fi
		return 0
	fi
	if [ "$cmd" = box ]; then
		mapfile -t COMPREPLY < <(compgen -W "$_boxcg_box_commands" -- "$cur")
		return 0
	fi
	if [[ $cur == -* ]] && [ "$endopts" = 0 ]; then
		local list=${opts//=/}
		[ "$cmd" = "box exec" ] && list="$list --"
		mapfile -t COMPREPLY < <(compgen -W "$list" -- "$cur")
		return 0
	fi

	# Positionals: box ids where the box must exist, a pid for attach,
	# nothing for a new box id, else policy paths (directories and
	# *.yaml/*.yml files).
	case $cmd in
	"box attach" | "box delete" | "box update" | "box freeze" | "box thaw")
		if [ "$npos" -eq 0 ]; then
			# The id is under the cursor: the operands are the pid
			# (attach) and the policy paths.
			local skip=0
			[ "$cmd" = "box attach" ] && [[ ${positionals[0]:-} =~ ^[0-9]+$ ]] && skip=1
			mapfile -t COMPREPLY < <(compgen -W "$(_boxcg_box_ids "${COMP_WORDS[0]}" \
				"${global[@]}" box list --json "${positionals[@]:skip}")" -- "$cur")
			return 0
		fi
		if [ "$cmd" = "box attach" ] && [ "$npos" -eq 1 ]; then
			mapfile -t COMPREPLY < <(compgen -W "$(cd /proc && compgen -G '[0-9]*')" -- "$cur")
			return 0
		fi
		;;
	"box create" | "box exec") [ "$npos" -eq 0 ] && return 0 ;;
	recover | schema) return 0 ;;
	help)
		case $npos:${positionals[0]:-} in
		0:*) mapfile -t COMPREPLY < <(compgen -W "$_boxcg_commands" -- "$cur") ;;
		1:box) mapfile -t COMPREPLY < <(compgen -W "$_boxcg_box_commands" -- "$cur") ;;
		esac
		return 0
		;;
	esac
	_boxcg_set_filenames
	mapfile -t COMPREPLY < <(compgen -d -- "$cur"; compgen -f -X '!*.y*ml' -- "$cur")
	return 0
}

complete -F _boxcg boxcg
