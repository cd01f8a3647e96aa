#!/usr/bin/env bash
# The man pages: lint-clean under mandoc, and in step with the code.
#   - mandoc -Tlint reports nothing but what depends on the machine's man
#     database (cross references to pages not installed here);
#   - boxcg-policy(5)'s LIMITS table has one row per policy key of the knob
#     registry (lib/knob_keys.c), and no other; its example policies are
#     valid;
#   - boxcg(1) documents every command and every option of the command
#     table (tests/eco/cli_table.sh), every global option, and every
#     environment variable the CLI reads.
set -euo pipefail
boxcg=${1:?usage: test_man.sh BOXCG}
: "${SCRATCH:?}"
here=$(dirname "$0")
bad=0

for page in docs/man/boxcg.1 docs/man/boxcg-policy.5; do
	mandoc -Tlint "$page" >"$SCRATCH/lint" 2>&1 || true
	grep -v -e 'referenced manual not found' -e 'outdated mandoc.db' "$SCRATCH/lint" >"$SCRATCH/lint.left" || true
	if [ -s "$SCRATCH/lint.left" ]; then
		echo "mandoc -Tlint $page:"
		cat "$SCRATCH/lint.left"
		bad=1
	else
		echo "mandoc -Tlint $page: clean"
	fi
done
# The filter above must not hide real problems: a broken page is reported.
printf '.Dd\n.Dt X 1\n.Os\n.Sh NAME\n.Nm x\n.Sh DESCRIPTION\n.Bl -tag\n.It a\n' >"$SCRATCH/broken.1"
if ! { mandoc -Tlint "$SCRATCH/broken.1" 2>&1 || true; } | grep -v -e 'referenced manual not found' \
	-e 'outdated mandoc.db' | grep -q .; then
	echo "mandoc -Tlint found nothing in a broken page"
	bad=1
fi

# Policy keys of the knob registry: `{ "cpu.max", "cpu.max", BX_VT_...`.
sed -n 's/^[[:space:]]*{ "\([a-z_]*\.[a-z_*]*\)", "[^"]*", BX_VT_.*/\1/p' lib/knob_keys.c | sort >"$SCRATCH/knobs"
[ -s "$SCRATCH/knobs" ] || { echo "no knob keys found in lib/knob_keys.c"; exit 1; }
# Rows of the LIMITS table: `.It Ic cpu.max Ta ...`, families `.It Ic hugetlb.\& Ns Ar size Ta`.
sed -n '/^\.Sh LIMITS/,/^\.Sh /p' docs/man/boxcg-policy.5 |
	sed -n 's/^\.It Ic \([a-z_.]*\)\(\\&\)\{0,1\}\( Ns Ar [a-z]*\)\{0,1\} Ta .*/\1\3/p' |
	sed 's/\. Ns Ar [a-z]*$/.*/' | sort >"$SCRATCH/rows"
if ! diff -u "$SCRATCH/knobs" "$SCRATCH/rows" >"$SCRATCH/rows.diff"; then
	echo "boxcg-policy(5) LIMITS table and lib/knob_keys.c differ (- registry, + man page):"
	cat "$SCRATCH/rows.diff"
	bad=1
else
	echo "boxcg-policy(5) LIMITS: $(wc -l <"$SCRATCH/rows") keys, one per registry entry"
fi

# The policies shown in boxcg-policy(5) (literal blocks starting with
# `version: 1`) are valid.
awk -v dir="$SCRATCH" '
/^\.Bd -literal/ { inblock = 1; buf = ""; next }
/^\.Ed/ {
	if (inblock && buf ~ /^version: 1/) { n++; f = dir "/example" n ".yaml"; printf "%s", buf > f; close(f) }
	inblock = 0; next
}
inblock { buf = buf $0 "\n" }' docs/man/boxcg-policy.5
nex=0
for f in "$SCRATCH"/example*.yaml; do
	[ -f "$f" ] || continue
	nex=$((nex + 1))
	if ! "$boxcg" validate "$f" >"$SCRATCH/ex.out" 2>&1; then
		echo "boxcg-policy(5): example $nex does not validate:"
		cat "$SCRATCH/ex.out"
		bad=1
	fi
done
[ "$nex" -ge 2 ] || { echo "boxcg-policy(5): expected at least 2 example policies, found $nex"; bad=1; }
echo "boxcg-policy(5): $nex example policies validate"

# Commands and their options, from the command table (test_cli_table.sh
# checks it against the sources).
bash "$here/cli_table.sh" "$boxcg" >"$SCRATCH/surface"
ncmd=0 nopt=0
while IFS=$'\t' read -r cmd opt _; do
	if [ "$opt" = "=" ]; then
		ncmd=$((ncmd + 1))
		# Each command has an entry `.It Cm NAME` in COMMANDS.
		grep -q "^\.It Cm $cmd\( \|$\)" docs/man/boxcg.1 ||
			{ echo "boxcg(1): command '$cmd' has no entry in COMMANDS"; bad=1; }
		continue
	fi
	# -h/--help: stated once for every command.
	case $opt in -h | --help) continue ;; esac
	nopt=$((nopt + 1))
	# The option appears in the command's entry, from `.It Cm NAME` to the
	# next command entry.
	sed -n "/^\.It Cm $cmd\( \|$\)/,/^\.It Cm /p" docs/man/boxcg.1 >"$SCRATCH/entry"
	case $opt in
	--*) pat="Fl -${opt#--}\\b" ;;
	*) pat="Fl ${opt#-}\\b" ;;
	esac
	grep -Eq "$pat" "$SCRATCH/entry" ||
		{ echo "boxcg(1): option $opt of '$cmd' is not documented in its entry"; bad=1; }
done <"$SCRATCH/surface"
[ "$ncmd" -gt 0 ] || { echo "no commands found in cmd/boxcg"; bad=1; }
echo "boxcg(1): checked $ncmd commands, $nopt command options"

# Global options, from the command table.
for opt in $(bash "$here/cli_table.sh" "$boxcg" --global | sed -n 's/^--\([a-z-]*\)\t.*/\1/p'); do
	sed -n '/^\.Ss Global options/,/^\.Sh /p' docs/man/boxcg.1 | grep -q "Fl -$opt\b" ||
		{ echo "boxcg(1): global option --$opt is not documented"; bad=1; }
done
echo "boxcg(1): global options checked against the command table"

# Every environment variable the CLI reads is in ENVIRONMENT.
for var in $(grep -ho 'getenv("[A-Z_0-9]*")' cmd/boxcg/*.c lib/box/exec.c | sed 's/getenv("\(.*\)")/\1/' | sort -u); do
	sed -n '/^\.Sh ENVIRONMENT/,/^\.Sh /p' docs/man/boxcg.1 | grep -q "Ev $var\b" ||
		{ echo "boxcg(1): environment variable $var is not in ENVIRONMENT"; bad=1; }
done
echo "boxcg(1): ENVIRONMENT checked against getenv() calls"
exit $bad
