#!/usr/bin/env bash
# One table for the command line: every command registered with
# BX_COMMAND() declares its options (cli_opt, `.opts = …`), and
#   - the table agrees with the command's getopt_long call, both ways
#     (cli_surface.sh reads the sources), argument or not;
#   - `boxcg COMMAND --help`, `boxcg COMMAND -h` and `boxcg help COMMAND`
#     print the same text, generated from it, naming every option;
#   - a group (`box`) lists each of its subcommands in `boxcg box --help`;
#   - the man page and the bash completion are checked against the same
#     table (test_man.sh, test_completion.sh).
# A new command gets all of this by filling in its table.
set -uo pipefail
boxcg=${1:?usage: test_cli_table.sh BOXCG}
: "${SCRATCH:?}"
here=$(dirname "$0")
bad=0

"$boxcg" help --table >"$SCRATCH/raw" || { echo "boxcg help --table failed"; exit 1; }
if grep -q $'\t?\t' "$SCRATCH/raw"; then
	echo "commands registered without an options table (add .opts = …, or .no_options = true):"
	awk -F'\t' '$2 == "?" { print "  " $1 }' "$SCRATCH/raw"
	bad=1
fi
bash "$here/cli_table.sh" "$boxcg" | grep -v -e $'\t--help\t' -e $'\t-h\t' | sort >"$SCRATCH/table"
bash "$here/cli_surface.sh" . | grep -v -e $'\t--help\t' -e $'\t-h\t' | sort >"$SCRATCH/source"
# Options go anywhere among the operands (the driver takes global options
# out from anywhere, the completion offers options anywhere): no getopt
# may stop at the first operand ("+" in its optstring); a "stop" line
# shows up in the diff below.
if ! diff -u "$SCRATCH/source" "$SCRATCH/table" >"$SCRATCH/diff"; then
	echo "the command table and the getopt_long calls differ (- sources, + table):"
	cat "$SCRATCH/diff"
	bad=1
fi
ncmd=$(grep -c $'\t=\t' "$SCRATCH/table")
nopt=$(grep -vc $'\t=\t' "$SCRATCH/table")
[ "$ncmd" -ge 10 ] || { echo "only $ncmd commands in the table"; bad=1; }
echo "table = sources: $ncmd commands, $nopt options"

# --help of every command, three ways, naming every option.
while IFS=$'\t' read -r cmd _; do
	# shellcheck disable=SC2086
	"$boxcg" $cmd --help >"$SCRATCH/h1" 2>"$SCRATCH/e1" || { echo "boxcg $cmd --help: exit $?"; bad=1; }
	"$boxcg" $cmd -h >"$SCRATCH/h2" 2>&1 || { echo "boxcg $cmd -h: exit $?"; bad=1; }
	"$boxcg" help $cmd >"$SCRATCH/h3" 2>&1 || { echo "boxcg help $cmd: exit $?"; bad=1; }
	[ -s "$SCRATCH/e1" ] && { echo "boxcg $cmd --help wrote to stderr"; bad=1; }
	cmp -s "$SCRATCH/h1" "$SCRATCH/h2" && cmp -s "$SCRATCH/h1" "$SCRATCH/h3" ||
		{ echo "boxcg $cmd: --help, -h and help $cmd differ"; bad=1; }
	head -n 1 "$SCRATCH/h1" | grep -q "^Usage: boxcg $cmd\( \|$\)" ||
		{ echo "boxcg $cmd --help does not start with its usage: $(head -n 1 "$SCRATCH/h1")"; bad=1; }
	awk -F'\t' -v c="$cmd" '$1 == c && $2 != "=" { print $2 }' "$SCRATCH/table" | while read -r opt; do
		grep -Eq -- "(^|[ ,])$opt( |,|$)" "$SCRATCH/h1" ||
			{ echo "boxcg $cmd --help does not name $opt"; exit 1; }
	done || bad=1
	awk 'length > 79' "$SCRATCH/h1" | grep -q . && { echo "boxcg $cmd --help has lines over 79 columns"; bad=1; }
done < <(grep $'\t=\t' "$SCRATCH/table")
echo "--help, -h and help COMMAND agree for $ncmd commands"

# Groups: each subcommand listed by `boxcg GROUP --help` and `boxcg help GROUP`.
for group in $(awk -F'\t' '$2 == "=" && $1 ~ / / { split($1, w, " "); print w[1] }' "$SCRATCH/table" | sort -u); do
	"$boxcg" "$group" --help >"$SCRATCH/g1" || { echo "boxcg $group --help: exit $?"; bad=1; }
	"$boxcg" help "$group" | cmp -s - "$SCRATCH/g1" || { echo "boxcg help $group differs from --help"; bad=1; }
	for sub in $(awk -F'\t' -v g="$group" '$2 == "=" && index($1, g " ") == 1 { print substr($1, length(g) + 2) }' "$SCRATCH/table"); do
		grep -q "^  $group $sub\b" "$SCRATCH/g1" || { echo "boxcg $group --help does not list $sub"; bad=1; }
	done
	if "$boxcg" "$group" >/dev/null 2>&1; then echo "boxcg $group alone succeeded"; bad=1; fi
done

# The top-level help lists every command and every global option.
"$boxcg" --help >"$SCRATCH/top"
while IFS=$'\t' read -r cmd _; do
	grep -q "^  $cmd\b" "$SCRATCH/top" || { echo "boxcg --help does not list '$cmd'"; bad=1; }
done < <(grep $'\t=\t' "$SCRATCH/table")
while IFS=$'\t' read -r opt _; do
	grep -Eq -- "(^|[ ,])$opt( |,|$)" "$SCRATCH/top" || { echo "boxcg --help does not name $opt"; bad=1; }
done < <(bash "$here/cli_table.sh" "$boxcg" --global)
echo "boxcg --help lists every command and global option"

# The check catches a command whose getopt has an option the table lacks.
mkdir -p "$SCRATCH/src/cmd/boxcg"
cat >"$SCRATCH/src/cmd/boxcg/cmd_extra.c" <<'C'
static const struct option opts[] = {
	{ "extra", no_argument, NULL, 'x' },
	{ 0 },
};
while ((o = getopt_long(argc, argv, "x", opts, NULL)) != -1) ;
BX_COMMAND(extra, "plan", "", "", run);
C
bash "$here/cli_surface.sh" "$SCRATCH/src" >"$SCRATCH/extra"
grep -q $'^plan\t--extra\tnoarg$' "$SCRATCH/extra" ||
	{ echo "cli_surface.sh does not read a command's options"; bad=1; }
echo "cli_surface.sh reads the options of a new command"
exit $bad
