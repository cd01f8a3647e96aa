#!/bin/sh
# The systemd guest: boot a Debian 12 system whose PID 1 is systemd under
# qemu (TCG), with boxcg installed by its own `make install`, and run every
# tests/systemd/t_*.sh in one boot (guest.sh, from boxcg-tests.service
# after multi-user.target). The results are read from the serial console.
#
#   tests/systemd/run.sh OUTDIR O        (make check-systemd)
#
# OUTDIR   work directory: the staged root, rootfs.cpio, console.log
# O        the build directory `make install` installs from
#
# The root filesystem comes from tests/systemd/rootfs.sh (mmdebstrap,
# cached under build/systemd-cache and keyed on its package list); the
# kernel is the Debian one of tests/kernel/fetch.sh (build/kernel-cache).
# The root is the initramfs itself (rdinit=/sbin/init): no block device,
# no kernel modules, no initrd generator.
#
# Environment:
#   BOXCG_SYSTEMD_TESTS        space-separated globs over test names
#                              (t_foo.sh is "foo"); default: all
#   BOXCG_SYSTEMD_TEST_TIMEOUT per-test timeout in seconds (default 300;
#                              a test's "# timeout: N" header wins)
#   BOXCG_SYSTEMD_TIMEOUT      whole-VM timeout in seconds (default 1500)
#   BOXCG_KERNEL_CACHE         kernel cache (default build/kernel-cache)
#   BOXCG_SYSTEMD_CACHE        rootfs cache (default build/systemd-cache)
#   BOXCG_KERNEL_ACCEL         qemu accelerator (default tcg)
#
# Fails if the VM does not finish, the closing "N passed, N failed" line is
# missing or disagrees with the per-test lines, or any test failed.
set -eu

out=${1:?usage: run.sh OUTDIR O}
obj=${2:?usage: run.sh OUTDIR O}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
kcache=${BOXCG_KERNEL_CACHE:-$repo/build/kernel-cache}
rcache=${BOXCG_SYSTEMD_CACHE:-$repo/build/systemd-cache}
selection=${BOXCG_SYSTEMD_TESTS:-*}
test_timeout=${BOXCG_SYSTEMD_TEST_TIMEOUT:-300}
vm_timeout=${BOXCG_SYSTEMD_TIMEOUT:-1500}
accel=${BOXCG_KERNEL_ACCEL:-tcg}

die() {
	echo "systemd-guest: $*" >&2
	exit 1
}

for tool in qemu-system-x86_64 cpio tar timeout; do
	command -v $tool >/dev/null 2>&1 || die "$tool not found (run: make test-deps)"
done
[ "$(id -u)" = 0 ] || die "building the guest's root needs root (file owners, device nodes)"
case $test_timeout in '' | *[!0-9]*) die "BOXCG_SYSTEMD_TEST_TIMEOUT must be a number of seconds" ;; esac
case $vm_timeout in '' | *[!0-9]*) die "BOXCG_SYSTEMD_TIMEOUT must be a number of seconds" ;; esac

t0=$(date +%s)
"$repo/tests/kernel/fetch.sh" "$kcache"
tarball=$("$repo/tests/systemd/rootfs.sh" "$rcache")

# ---- the root -------------------------------------------------------------
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$out/root
rm -rf "$stage"
mkdir -p "$stage"
tar -x -p --numeric-owner -f "$tarball" -C "$stage"
# boxcg as a package would install it: its own `make install`.
make --no-print-directory -s -C "$repo" O="$obj" install DESTDIR="$stage" PREFIX=/usr >"$out/install.log" 2>&1 ||
	{ cat "$out/install.log"; die "make install DESTDIR=$stage failed"; }
mkdir -p "$stage/etc/boxcg" "$stage/tests" "$stage/etc/systemd/system/multi-user.target.wants"
cp "$here"/policy/*.yaml "$stage/etc/boxcg/"
ln -s /usr/lib/systemd/system/boxcg.service "$stage/etc/systemd/system/multi-user.target.wants/boxcg.service"
cp "$here/boxcg-tests.service" "$stage/etc/systemd/system/"
ln -s /etc/systemd/system/boxcg-tests.service "$stage/etc/systemd/system/multi-user.target.wants/boxcg-tests.service"
cp "$here/guest.sh" "$here/lib.sh" "$stage/tests/"
selected=0
for f in "$here"/t_*.sh; do
	[ -e "$f" ] || continue
	name=${f##*/t_}
	name=${name%.sh}
	set -f
	for glob in $selection; do
		# shellcheck disable=SC2254 # the glob is meant to be a pattern
		case $name in $glob)
			cp "$f" "$stage/tests/"
			selected=$((selected + 1))
			break
			;;
		esac
	done
	set +f
done
[ $selected -gt 0 ] || die "no test matches BOXCG_SYSTEMD_TESTS='$selection'"
echo "TEST_TIMEOUT=$test_timeout" >"$stage/etc/harness.conf"
# Not a first boot (no prompts, no presets); nothing that waits for a
# network or a terminal.
od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$stage/etc/machine-id"
echo >>"$stage/etc/machine-id"
for u in systemd-firstboot.service systemd-networkd-wait-online.service; do
	ln -sf /dev/null "$stage/etc/systemd/system/$u"
done
rootfs=$out/rootfs.cpio
(cd "$stage" && find . | cpio -o -H newc --quiet) >"$rootfs"
prep=$(($(date +%s) - t0))

# ---- boot -----------------------------------------------------------------
log=$out/console.log
echo "systemd-guest: booting $(cut -d' ' -f1 "$kcache/version") with systemd as PID 1 and $selected test(s) (prepared in ${prep}s); console: $log"
start=$(date +%s)
qemu_status=0
timeout -k 10 "$vm_timeout" qemu-system-x86_64 \
	-machine q35 -accel "$accel" -smp 2 -m 2048 -nographic -no-reboot \
	-kernel "$kcache/vmlinuz" -initrd "$rootfs" \
	-append "console=ttyS0 rdinit=/sbin/init panic=-1 quiet loglevel=3 systemd.show_status=0 systemd.log_level=warning" \
	</dev/null >"$log" 2>&1 || qemu_status=$?
elapsed=$(($(date +%s) - start))

# ---- results --------------------------------------------------------------
results=$out/results.txt
tr -d '\r' <"$log" | sed -n -e 's/^.*\(boxcg-systemd-tests: begin\)/\1/' -e '/^boxcg-systemd-tests: begin/,$p' >"$results"
# Up to the closing line: what follows is systemd's shutdown.
sed -e '/^[0-9]* passed, [0-9]* failed$/q' "$results" | grep -v -e '^boxcg-systemd-tests: begin' -e '^harness: done' || :

problem=""
closing=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$results" | tail -n 1) || :
if [ "$qemu_status" = 124 ] || [ "$qemu_status" = 137 ]; then
	problem="the VM did not finish within ${vm_timeout}s"
elif [ "$qemu_status" != 0 ]; then
	problem="qemu exited with status $qemu_status"
elif [ -z "$closing" ]; then
	problem="no closing 'N passed, N failed' line (did boxcg-tests.service run?)"
else
	n_pass=${closing%% passed*}
	n_fail=${closing#*passed, }
	n_fail=${n_fail%% failed}
	ok_lines=$(grep -c '^ok ' "$results") || :
	fail_lines=$(grep -c '^FAIL ' "$results") || :
	if [ "$n_pass" != "$ok_lines" ] || [ "$n_fail" != "$fail_lines" ]; then
		problem="closing line '$closing' disagrees with $ok_lines ok and $fail_lines FAIL lines"
	elif [ "$n_fail" != 0 ]; then
		problem="$n_fail test(s) failed"
	elif [ "$n_pass" = 0 ]; then
		problem="no test passed"
	fi
fi
if [ -n "$problem" ]; then
	if [ -z "$closing" ] || [ "$qemu_status" != 0 ]; then
		echo "systemd-guest: --- last lines of $log ---"
		tr -d '\r' <"$log" | tail -n 40
	fi
	echo "systemd-guest: FAILED: $problem (${elapsed}s; console: $log)"
	exit 1
fi
booted=$(sed -n 's/^boxcg-systemd-tests: begin (.*, up \([0-9.]*\)s)$/\1/p' "$results")
finished=$(sed -n 's/^harness: done, up \([0-9.]*\)s$/\1/p' "$results")
echo "systemd-guest: $closing (${prep}s to prepare, ${elapsed}s in the VM: tests began at ${booted}s, done at ${finished}s)"
