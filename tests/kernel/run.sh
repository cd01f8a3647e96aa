#!/bin/sh
# Real-kernel tests: boot a Debian kernel under qemu (TCG) with an
# initramfs holding busybox, a static boxcg and the tests, run every
# tests/kernel/t_*.sh in one boot, and check the results on the console.
#
#   tests/kernel/run.sh BOXCG_STATIC OUTDIR      (make check-kernel)
#
# BOXCG_STATIC   a statically linked boxcg (make $(O)/boxcg-static)
# OUTDIR         work directory: initramfs, console.log
#
# Environment:
#   BOXCG_KERNEL_TESTS         space-separated globs over test names
#                              (t_foo.sh is "foo"); default: all
#   BOXCG_KERNEL_TEST_TIMEOUT  per-test timeout in seconds (default 120;
#                              a test's "# timeout: N" header wins)
#   BOXCG_KERNEL_TIMEOUT       whole-VM timeout in seconds (default 900)
#   BOXCG_KERNEL_CACHE         kernel cache (default build/kernel-cache)
#   BOXCG_KERNEL_ACCEL         qemu accelerator (default tcg; kvm where usable)
#
# Fails if the VM does not finish, the closing "N passed, N failed" line is
# missing or disagrees with the per-test lines, or any test failed.
set -eu

boxcg=${1:?usage: run.sh BOXCG_STATIC OUTDIR}
out=${2:?usage: run.sh BOXCG_STATIC OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${BOXCG_KERNEL_CACHE:-$repo/build/kernel-cache}
selection=${BOXCG_KERNEL_TESTS:-*}
test_timeout=${BOXCG_KERNEL_TEST_TIMEOUT:-120}
vm_timeout=${BOXCG_KERNEL_TIMEOUT:-900}
accel=${BOXCG_KERNEL_ACCEL:-tcg}

die() {
	echo "kernel: $*" >&2
	exit 1
}

for tool in qemu-system-x86_64 cpio gzip timeout; do
	command -v $tool >/dev/null 2>&1 || die "$tool not found (run: make test-deps)"
done
[ -x /bin/busybox ] || die "/bin/busybox not found (run: make test-deps)"
[ -x "$boxcg" ] || die "$boxcg: no such binary"
case $test_timeout in '' | *[!0-9]*) die "BOXCG_KERNEL_TEST_TIMEOUT must be a number of seconds" ;; esac
case $vm_timeout in '' | *[!0-9]*) die "BOXCG_KERNEL_TIMEOUT must be a number of seconds" ;; esac

"$repo/tests/kernel/fetch.sh" "$cache"

# ---- initramfs ------------------------------------------------------------
mkdir -p "$out"
stage=$out/initramfs
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" "$stage/tmp" \
	"$stage/run" "$stage/etc" "$stage/root" "$stage/lib/modules" "$stage/tests/selftest"
cp /bin/busybox "$stage/bin/busybox"
for applet in $("$stage/bin/busybox" --list); do
	[ -e "$stage/bin/$applet" ] || ln -s busybox "$stage/bin/$applet"
done
cp "$boxcg" "$stage/bin/boxcg"
cp "$here/init.sh" "$stage/init"
cp "$here/lib.sh" "$here/cgtree.sh" "$stage/tests/"
cp "$here"/selftest/*.sh "$stage/tests/selftest/"
cp "$cache"/modules/*.ko "$stage/lib/modules/"
# The repository's bundled policies, for tests that apply them.
[ ! -d "$repo/policies" ] || cp -R "$repo/policies" "$stage/policies"
# The documentation's kernel transcripts, for t_docs.sh.
python3 "$repo/tests/docs/run.py" --emit-kernel "$stage/docs" >/dev/null
# /init reopens its stdio on devtmpfs; this node only helps the kernel's
# own first open, and needs root to make.
mknod "$stage/dev/console" c 5 1 2>/dev/null || :

selected=0
for f in "$here"/t_*.sh; do
	[ -e "$f" ] || continue
	name=${f##*/t_}
	name=${name%.sh}
	set -f
	for glob in $selection; do
		# shellcheck disable=SC2254 # the glob is meant to be a pattern
		case $name in
		$glob)
			cp "$f" "$stage/tests/"
			selected=$((selected + 1))
			break
			;;
		esac
	done
	set +f
done
[ $selected -gt 0 ] || die "no test matches BOXCG_KERNEL_TESTS='$selection'"

echo "TEST_TIMEOUT=$test_timeout" >"$stage/etc/harness.conf"
# Users and groups: root and nobody (tests may append their own).
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
	>"$stage/etc/passwd"
printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$stage/etc/group"
chmod 755 "$stage/init" "$stage"/tests/*.sh "$stage"/tests/selftest/*.sh
initrd=$out/initramfs.cpio.gz
(cd "$stage" && find . | sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$initrd"

# ---- boot -----------------------------------------------------------------
log=$out/console.log
echo "kernel: booting $(cut -d' ' -f1 "$cache/version") with $selected test(s); console: $log"
start=$(date +%s)
qemu_status=0
timeout -k 10 "$vm_timeout" qemu-system-x86_64 \
	-machine q35 -accel "$accel" -smp 2 -m 1024 -nographic -no-reboot \
	-kernel "$cache/vmlinuz" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 cgroup_no_v1=all hugepages=16 quiet loglevel=3" \
	</dev/null >"$log" 2>&1 || qemu_status=$?
elapsed=$(($(date +%s) - start))

# ---- results --------------------------------------------------------------
results=$out/results.txt
# The console has CRLF line ends and the firmware's terminal escapes; keep
# what /init printed from its banner on.
tr -d '\r' <"$log" | sed -n -e 's/^.*\(boxcg-kernel-tests: begin\)/\1/' -e '/^boxcg-kernel-tests: begin/,$p' >"$results"
grep -v -e '^boxcg-kernel-tests: begin' -e '^harness: done' "$results" |
	grep -v -E '^(\[ *[0-9.]+\] )?(reboot: |ACPI: )' || :

problem=""
closing=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$results" | tail -n 1) || :
if [ "$qemu_status" = 124 ] || [ "$qemu_status" = 137 ]; then
	problem="the VM did not finish within ${vm_timeout}s"
elif [ "$qemu_status" != 0 ]; then
	problem="qemu exited with status $qemu_status"
elif [ -z "$closing" ]; then
	problem="no closing 'N passed, N failed' line (did /init die?)"
else
	n_pass=${closing%% passed*}
	n_fail=${closing#*passed, }
	n_fail=${n_fail%% failed}
	ok_lines=$(grep -c '^ok ' "$results") || :
	fail_lines=$(grep -c '^FAIL ' "$results") || :
	if [ "$n_pass" != "$ok_lines" ] || [ "$n_fail" != "$fail_lines" ]; then
		problem="closing line '$closing' disagrees with $ok_lines ok and $fail_lines FAIL lines"
	elif ! grep -qx 'ok harness-detects-failure' "$results"; then
		problem="the harness self-test 'harness-detects-failure' did not pass"
	elif [ "$n_fail" != 0 ]; then
		problem="$n_fail test(s) failed"
	elif [ "$n_pass" = 0 ]; then
		problem="no test passed"
	fi
fi

if [ -n "$problem" ]; then
	# Failing tests were printed above with their output; when the VM
	# itself went wrong, the console's end tells why (panic, hang, ...).
	if [ -z "$closing" ] || [ "$qemu_status" != 0 ]; then
		echo "kernel: --- last lines of $log ---"
		tr -d '\r' <"$log" | tail -n 40
	fi
	echo "kernel: FAILED: $problem (${elapsed}s; console: $log)"
	exit 1
fi
booted=$(sed -n 's/^boxcg-kernel-tests: begin (.*, up \([0-9.]*\)s)$/\1/p' "$results")
finished=$(sed -n 's/^harness: done, up \([0-9.]*\)s$/\1/p' "$results")
echo "kernel: $closing (${elapsed}s in all; in the VM: booted at ${booted}s, tests done at ${finished}s)"
