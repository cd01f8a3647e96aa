#!/usr/bin/env bash
# The installed library as a runtime author meets it: `make install` into a
# temporary DESTDIR, check what it ships (CLI, static and shared library,
# header, pkg-config file; only boxcg_* exported), build docs/examples/box_run.c
# against it with pkg-config alone (shared and static), and run the example
# on a directory root: create a box of a class, run a process in it, list
# it, delete it. Nothing outside the temporary directory is touched.
# Usage: tests/install/run.sh O   (the build directory, as for make)
set -euo pipefail
O=${1:?usage: run.sh BUILD_DIR}
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/boxcg-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest prefix=/usr
pass=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
die() { echo "FAIL $*" >&2; exit 1; }

make -s -C "$src" O="$O" PREFIX=$prefix DESTDIR="$dest" install >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log" >&2; die "make install"; }
lib=$dest$prefix/lib
for f in bin/boxcg include/boxcg.h lib/libboxcg.a lib/libboxcg.so lib/libboxcg.so.0 \
	lib/pkgconfig/boxcg.pc; do
	[ -e "$dest$prefix/$f" ] || die "make install did not ship $prefix/$f"
done
ok "make install ships the CLI, libboxcg.a, libboxcg.so(.0), boxcg.h and boxcg.pc"

# The shared library exports the public API and nothing else.
# (Symbols carry the version node, "boxcg_apply@@BOXCG_0"; the node itself
# is an absolute symbol, type A.)
exported=$(nm -D --defined-only "$lib/libboxcg.so" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }')
others=$(grep -v '^boxcg_' <<<"$exported" || true)
[ -z "$others" ] || die "libboxcg.so exports non-API symbols: $(echo $others | head -c 300)"
grep -qx boxcg_join_child <<<"$exported" || die "libboxcg.so does not export boxcg_join_child"
# Every function the header declares is exported.
for f in $(grep -o '\bboxcg_[a-z_0-9]*(' "$src/lib/include/boxcg.h" | tr -d '(' | sort -u); do
	grep -qx "$f" <<<"$exported" || die "boxcg.h declares $f but libboxcg.so does not export it"
done
ok "libboxcg.so exports only boxcg_*, every function boxcg.h declares ($(wc -l <<<"$exported"))"

# The CLI opens libmicrohttpd only for `metrics --listen` (dlopen): no other
# command loads the HTTP server and its TLS stack (ARCHITECTURE.md).
needed=$(readelf -d "$dest$prefix/bin/boxcg" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
grep -q '^libcyaml' <<<"$needed" || die "readelf found no NEEDED entries in boxcg: $needed"
grep -q microhttpd <<<"$needed" && die "boxcg links libmicrohttpd; it must dlopen it for --listen"
ok "boxcg does not link libmicrohttpd ($(wc -l <<<"$needed") libraries needed)"
# libsystemd (sd-bus) is opened only when systemd must be asked for the
# delegated unit: neither the CLI nor the library links it.
grep -q libsystemd <<<"$needed" && die "boxcg links libsystemd; lib/systemd/bus.c must dlopen it"
lneeded=$(readelf -d "$lib/libboxcg.so" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
grep -q '^libcyaml' <<<"$lneeded" || die "readelf found no NEEDED entries in libboxcg.so: $lneeded"
grep -q libsystemd <<<"$lneeded" && die "libboxcg.so links libsystemd; lib/systemd/bus.c must dlopen it"
ok "boxcg and libboxcg.so do not link libsystemd ($(wc -l <<<"$lneeded") libraries needed by the library)"

# The header stands alone: no internal header is needed.
grep -q '#include "' "$dest$prefix/include/boxcg.h" && die "boxcg.h includes a project header"
printf '#include <boxcg.h>\nint main(void) { return boxcg_version()[0] == 0; }\n' >"$tmp/alone.c"

export PKG_CONFIG_PATH=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest
cflags=$(pkg-config --cflags boxcg)
libs=$(pkg-config --libs boxcg)
[ "$(pkg-config --modversion boxcg)" = "$(sed -n 's/^VERSION *:= *//p' "$src/Makefile")" ] ||
	die "boxcg.pc version differs from the Makefile's"
cc -std=c99 -Wall -Wextra -Werror -pedantic $cflags -o "$tmp/alone" "$tmp/alone.c" $libs
LD_LIBRARY_PATH=$lib "$tmp/alone" || die "a program linked with -lboxcg does not run"
ok "pkg-config finds boxcg ($cflags $libs); boxcg.h compiles alone as -std=c99 -pedantic"

cc -Wall -Wextra -Werror $cflags -o "$tmp/box_run" "$src/docs/examples/box_run.c" $libs
# Static: the archive and its dependencies (Requires.private).
slibs=$(pkg-config --static --libs boxcg)
cc -Wall -Wextra -Werror $cflags -o "$tmp/box_run_static" "$src/docs/examples/box_run.c" \
	${slibs/-lboxcg/$lib/libboxcg.a}
ldd "$tmp/box_run_static" | grep -q libboxcg && die "the static build links libboxcg.so"
ok "docs/examples/box_run.c builds against the install, shared and static"

# A runtime's whole flow: sized create, join, exec, update, freeze, thaw, delete.
cc -Wall -Wextra -Werror $cflags -o "$tmp/box_runtime" "$src/docs/examples/box_runtime.c" $libs
mkdir -p "$tmp/root.rt"
LD_LIBRARY_PATH=$lib "$tmp/box_runtime" --root "$tmp/root.rt" --state-dir "$tmp/state.rt" \
	"$src/docs/examples/runtime.yaml" vm1 >"$tmp/out.rt" 2>&1 || { cat "$tmp/out.rt"; die "box_runtime failed"; }
for l in "created vm1: own cpu.max=2 memory.max=2147483648, memory.max 2214592512, cpu.max 200000 100000" \
	"true exited with status 0" "updated vm1" "froze vm1" "thawed vm1" "deleted vm1"; do
	grep -qxF "$l" "$tmp/out.rt" || { cat "$tmp/out.rt"; die "box_runtime: no '$l'"; }
done
[ ! -e "$tmp/root.rt/example/vm/vm1" ] || die "box_runtime left its box behind"
ok "docs/examples/box_runtime.c: a runtime's whole flow against the install"

run_example() { # BINARY: the whole life of a box on a fresh directory root
	local bin=$1 root=$tmp/root.$2 state=$tmp/state.$2 out=$tmp/out.$2 status=0
	mkdir -p "$root"
	LD_LIBRARY_PATH=$lib "$bin" --root "$root" --state-dir "$state" \
		"$src/docs/examples/policy.yaml" small demo-1 -- \
		sh -c 'cat "$1" > "$2"; echo hello from the box; exit 7' sh \
		"$root/example/small/demo-1/cgroup.procs" "$tmp/seen.$2" >"$out" 2>&1 || status=$?
	[ "$status" = 7 ] || { cat "$out" >&2; die "$2: exit status $status, want the command's 7"; }
	grep -qx "created $root/example/small/demo-1" "$out" || { cat "$out"; die "$2: no 'created'"; }
	grep -qx 'hello from the box' "$out" || die "$2: the command's output is missing"
	grep -qx 'sh exited with status 7' "$out" || die "$2: status not reported"
	grep -qx 'box demo-1 class small pids.current -1' "$out" || { cat "$out"; die "$2: not listed"; }
	grep -qx 'deleted demo-1' "$out" || die "$2: not deleted"
	# The command saw itself joined ("0" written before exec), and the
	# box is gone afterwards; the class limits were there while it ran.
	[ "$(cat "$tmp/seen.$2")" = 0 ] || die "$2: the command did not see its join in cgroup.procs"
	[ ! -e "$root/example/small/demo-1" ] || die "$2: the box is still there"
	[ "$(cat "$root/example/small/cgroup.subtree_control")" = "cpu memory pids" ] ||
		die "$2: the class slice does not enable cpu memory pids for its boxes"
}
run_example "$tmp/box_run" shared
run_example "$tmp/box_run_static" static
ok "box_run on a directory root: created, ran (exit 7 propagated), listed, deleted"

# The installed CLI agrees with what the library did.
"$dest$prefix/bin/boxcg" --root "$tmp/root.shared" --state-dir "$tmp/state.shared" \
	box list "$src/docs/examples/policy.yaml" | grep -qx 'No boxes.' || die "boxcg box list still lists a box"
ok "the installed boxcg sees no box left"

# The installed boxcg reads no BOXCG_TEST_* hook (issue 15): a fault
# injected at the first mutation and a SIGKILL before it are ignored, and
# the apply succeeds. The test build honours the same variables (so this
# check can fail).
hooks() { # BINARY TAG: exit status of an apply with every hook set
	local status=0
	mkdir -p "$tmp/hooks.$2"
	env BOXCG_TEST_FAULT_AT=1,EIO BOXCG_TEST_KILL_AT=1 BOXCG_TEST_NO_CLONE3=1 \
		BOXCG_TEST_NO_CGROUP_KILL=1 "$1" -q --root "$tmp/hooks.$2" --state-dir "$tmp/hstate.$2" \
		apply "$src/docs/examples/policy.yaml" >"$tmp/hooks.$2.out" 2>&1 || status=$?
	echo "$status"
}
[ "$(hooks "$dest$prefix/bin/boxcg" installed)" = 0 ] ||
	{ cat "$tmp/hooks.installed.out" >&2; die "the installed boxcg honours BOXCG_TEST_* hooks"; }
[ -e "$tmp/hooks.installed/example/small" ] || die "the installed boxcg did not apply"
case $O in /*) tb=$O/boxcg-test ;; *) tb=$src/$O/boxcg-test ;; esac
[ "$(hooks "$tb" test)" = 137 ] || die "the test build ignores BOXCG_TEST_KILL_AT"
ok "the installed boxcg ignores BOXCG_TEST_* (the test build honours them)"

echo "install: $pass passed"
