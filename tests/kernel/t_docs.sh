#!/bin/sh
# The documentation's transcripts that need a real kernel (marked
# `doc-test: kernel`, docs/TESTING.md): tests/kernel/run.sh writes them to
# /docs with `tests/docs/run.py --emit-kernel`, one directory per
# document, its steps in order (NNN.file: a file to write, NNN.run: a
# setup command, NNN.cmd/.want/.status/.where: a command of a transcript).
# Each document runs as root in a fresh directory holding a copy of
# /policies, on the VM's own cgroup2 and /etc/boxcg, like a reader would;
# what it made (/etc/boxcg, the policy root's cgroups, /run/boxcg) is
# removed after it. "..." in the expected output stands for any lines; the
# scratch directory's path reads as /tmp/demo.
# timeout: 400
. "$TEST_LIB"
docs=/docs
[ -d "$docs" ] || fail "$docs is missing: tests/kernel/run.sh writes it"
# `sudo CMD` in a transcript: the VM runs as root already.
mkdir -p "$TEST_TMP/bin"
printf '#!/bin/sh\nexec "$@"\n' >"$TEST_TMP/bin/sudo"
chmod +x "$TEST_TMP/bin/sudo"
PATH=$TEST_TMP/bin:$PATH

# Remove what a document made: its cgroups (deepest first; any process
# left in them killed), /etc/boxcg, the state directory.
tidy() {
	for top in boxlite sandboxes; do
		d=$CG_MOUNT/$top
		[ -d "$d" ] || continue
		find "$d" -depth -type d | while read -r c; do
			[ -e "$c/cgroup.kill" ] && echo 1 >"$c/cgroup.kill" 2>/dev/null || :
			for _ in 1 2 3 4 5 6 7 8 9 10; do
				rmdir "$c" 2>/dev/null && break
				sleep 0.2
			done
		done
	done
	rm -rf /etc/boxcg /run/boxcg
}
trap tidy EXIT

# want FILE matches got FILE (VARY FILE: patterns, one a line), as
# tests/docs/run.py matches: "..." lines match any run of lines; a want
# line and a got line are alike when equal or when both match a pattern.
matches() {
	awk -v wantf="$1" -v varyf="$3" '
	BEGIN {
		while ((getline l < wantf) > 0) w[++nw] = l
		while (varyf != "" && (getline l < varyf) > 0) v[++nv] = "^(" l ")$"
	}
	{ g[++ng] = $0 }
	function alike(a, b,   p) {
		if (a == b) return 1
		for (p = 1; p <= nv; p++) if (a ~ v[p] && b ~ v[p]) return 1
		return 0
	}
	function m(i, j,   k) {
		if ((i, j) in memo) return memo[i, j]
		if (i > nw) k = (j > ng)
		else if (w[i] == "...") k = m(i + 1, j) || (j <= ng && m(i, j + 1))
		else k = (j <= ng && alike(w[i], g[j]) && m(i + 1, j + 1))
		memo[i, j] = k
		return k
	}
	END { while (ng > 0 && g[ng] == "") ng--; exit m(1, 1) ? 0 : 1 }' "$2"
}

n=0 bad=0
for doc in "$docs"/*/; do
	[ -d "$doc" ] || continue
	tidy
	work=$TEST_TMP/work
	rm -rf "$work"
	mkdir -p "$work"
	cp -R /policies "$work/policies"
	for step in "$doc"*; do
		case $step in
		*.file)
			name=$(head -n 1 "$step")
			tail -n +2 "$step" >"$work/$name"
			;;
		*.run)
			(cd "$work" && sh -c "$(cat "$step")") >"$TEST_TMP/setup" 2>&1 ||
				{ cat "$TEST_TMP/setup"; fail "setup $(cat "$step") failed"; }
			;;
		*.cmd)
			base=${step%.cmd}
			n=$((n + 1))
			status=0
			(cd "$work" && NO_COLOR=1 COLUMNS=80 HOME=$work sh -c "$(cat "$step")") >"$TEST_TMP/got.raw" 2>&1 </dev/null || status=$?
			sed "s#$work#/tmp/demo#g" "$TEST_TMP/got.raw" >"$TEST_TMP/got"
			if matches "$base.want" "$TEST_TMP/got" "$base.vary" && [ "$status" = "$(cat "$base.status")" ]; then
				note "ok   $(cat "$base.where")"
			else
				bad=$((bad + 1))
				note "FAIL $(cat "$base.where"): \$ $(cat "$step")"
				note "  exit $status, the document says $(cat "$base.status")"
				note "  --- document"
				sed 's/^/  /' "$base.want"
				note "  --- boxcg"
				sed 's/^/  /' "$TEST_TMP/got"
			fi
			;;
		esac
	done
done
note "docs: $n kernel transcript commands, $bad differ"
[ "$n" -gt 0 ] || fail "no kernel transcripts in $docs"
[ "$bad" = 0 ] || fail "$bad transcript commands differ from the documents"
