#!/usr/bin/env bash
# The command-line surface as the sources declare it, for the man page and
# completion tests: one line per command and one per option, tab-separated.
#
#   COMMAND <tab> = <tab> stop|permute    options end at the first operand
#                                         ("+" in the optstring) or not
#   COMMAND <tab> OPTION <tab> arg|noarg  --long from `struct option`,
#                                         -x from the getopt optstring
#
# Each cmd/boxcg/cmd_*.c registers a command with BX_COMMAND(id, "name",
# …) and parses its options with one getopt_long call; a file that
# registers two (box freeze and box thaw) shares that call between them.
# Usage: tests/eco/cli_surface.sh [SRCDIR]
set -euo pipefail
srcdir=${1:-.}
for f in "$srcdir"/cmd/boxcg/cmd_*.c; do
	names=$(tr '\n' ' ' <"$f" | grep -o 'BX_COMMAND([a-z_]*, *"[a-z ]*"' |
		sed 's/.*"\([a-z ]*\)"$/\1/' || true)
	[ -n "$names" ] || continue
	optstring=$(tr '\n' ' ' <"$f" | sed -n 's/.*getopt_long([^,]*, *[^,]*, *"\([^"]*\)".*/\1/p')
	case $optstring in +*) mode=stop ;; *) mode=permute ;; esac
	while IFS= read -r name; do
		printf '%s\t=\t%s\n' "$name" "$mode"
		sed -n 's/^[[:space:]]*{ *"\([a-z-]*\)", *\([a-z_]*\)_argument,.*/\1 \2/p' "$f" |
			while read -r long kind; do
				[ "$kind" = no ] && kind=noarg || kind=arg
				printf '%s\t--%s\t%s\n' "$name" "$long" "$kind"
			done
		s=${optstring#+}
		while [ -n "$s" ]; do
			ch=${s:0:1} s=${s:1}
			if [ "${s:0:1}" = : ]; then
				printf '%s\t-%s\targ\n' "$name" "$ch"
				s=${s:1}
			else
				printf '%s\t-%s\tnoarg\n' "$name" "$ch"
			fi
		done
	done <<<"$names"
done
