#!/bin/sh
# shellcheck disable=SC2086,SC2116 # $(echo $list) joins a list of paths onto one line
# /init of the real-kernel test VM (tests/kernel/run.sh builds the
# initramfs around it). Busybox sh.
#
# As PID 1 it only opens the console, starts itself again as the harness
# (`/init harness`, its child) and then reaps: it sits in `wait` for the
# harness, and busybox sh's wait calls waitpid(-1), so every process that
# ends after being re-parented to PID 1 (the orphans a test leaves, such as
# the sleeps a boxed shell started before it exited) is reaped at once,
# whatever the harness is doing. When the harness ends it powers off.
#
# The harness sets up the machine (proc, sysfs, devtmpfs, tmpfs /tmp and
# /run, cgroup2 at /sys/fs/cgroup with every controller enabled in the
# root's subtree_control, /dev/ram0 from brd), runs the harness self-tests
# and then every /tests/t_*.sh, one at a time, each with a timeout, and
# prints
#
#   ok NAME | skip NAME: REASON | FAIL NAME (WHY)   one line per test; the
#                                                   output of a failing test
#                                                   follows, indented
#   N passed, N failed                              the closing line
#
# If the harness dies, PID 1 says so and powers off: the closing line is
# missing and run.sh fails (as it does when PID 1 itself dies: the kernel
# panics, panic=-1 reboots and qemu -no-reboot exits).

export PATH=/bin
export HOME=/root

if [ "${1:-}" != harness ]; then
	mount -t devtmpfs devtmpfs /dev
	# The initramfs may have no /dev/console node of its own.
	exec 0</dev/console 1>/dev/console 2>&1
	sh /init harness &
	harness=$!
	status=0
	wait $harness || status=$?
	[ $status = 0 ] || echo "init: the harness exited with status $status"
	sync
	poweroff -f
fi
HARNESS_PID=$$

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
# Like systemd does, so policies behave as they will on real hosts.
mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 /sys/fs/cgroup
mkdir -p /root /tmp/harness

TEST_TIMEOUT=120
. /etc/harness.conf
. /tests/cgtree.sh

CG_ROOT=/sys/fs/cgroup
setup_warnings=""
for c in cpuset cpu io memory hugetlb pids rdma misc; do
	echo "+$c" >"$CG_ROOT/cgroup.subtree_control" 2>/dev/null ||
		setup_warnings="$setup_warnings cannot-enable-$c"
done

insmod /lib/modules/brd.ko rd_nr=1 rd_size=16384 ||
	setup_warnings="$setup_warnings insmod-brd-failed"
i=0
while [ ! -b /dev/ram0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
RAM_MAJMIN=$(cat /sys/block/ram0/dev 2>/dev/null) || setup_warnings="$setup_warnings no-ram0"

# Keep kernel messages off the console (results are parsed from it); the
# kernel log of a failing test is shown with its output instead.
dmesg -n 1

export TEST_LIB=/tests/lib.sh CG_MOUNT=$CG_ROOT RAM_DEV=/dev/ram0 RAM_MAJMIN
export TMPDIR=/tmp

passed=0 failed=0 skipped=0

# First line of the test file matching "# KEY: VALUE" (first 20 lines).
header() {
	headers "$@" | head -n 1
}

# Every such line.
headers() {
	head -n 20 "$2" | sed -n "s/^# $1: *//p"
}

# Top-level cgroups; the harness itself makes none, so any is a leak.
top_cgroups() {
	find "$CG_ROOT" -mindepth 1 -maxdepth 1 -type d | sort
}

# What was running when a test timed out, for its report: every process
# but the kernel's threads, with its parent, state, cgroup, where it sleeps
# in the kernel (wchan; the kernel stack too in state D, which SIGKILL
# cannot end) and its command line; then every cgroup, populated or not,
# with its processes. Read from /proc alone, so it works whatever the test
# broke.
snapshot() {
	echo "processes when the timeout hit (pid ppid state cgroup wchan: args):"
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		stat=$(cat "$d/stat" 2>/dev/null) || continue
		comm=${stat#*(} comm=${comm%)*}
		set -- ${stat##*) }
		# Kernel threads: kthreadd (2) and its children.
		[ "$p" != 2 ] && [ "$2" != 2 ] || continue
		args=$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null)
		[ -n "$args" ] || args="[$comm]" # a zombie has no command line
		cg=$(sed -n 's/^0:://p' "$d/cgroup" 2>/dev/null)
		wchan=$(cat "$d/wchan" 2>/dev/null)
		echo "  $p $2 $1 ${cg:-?} ${wchan:-?}: $args"
		[ "$1" != D ] || sed -n '1,8s/^/      stack: /p' "$d/stack" 2>/dev/null
	done
	echo "cgroups:"
	find "$CG_ROOT" -mindepth 1 -type d | while read -r cg; do
		echo "  $cg: $(grep populated "$cg/cgroup.events" 2>/dev/null), procs: $(tr '\n' ' ' <"$cg/cgroup.procs" 2>/dev/null)"
	done
}

alive() {
	[ -e "/proc/$1/stat" ] || return 1
	# A zombie (state Z) has exited; it only waits to be reaped.
	state=$(sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f1)
	[ "$state" != Z ]
}

# The PIDs (" PID" items) of every process but PID 1, this shell and its
# children, the kernel's threads and zombies: before a test starts, what an
# earlier one left that even SIGKILL could not end yet (state D).
others() {
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$p" != 1 ] && [ "$p" != 2 ] && [ "$p" != $HARNESS_PID ] || continue
		stat=$(cat "$d/stat" 2>/dev/null) || continue
		set -- ${stat##*) }
		case $2 in 2 | "$HARNESS_PID") continue ;; esac
		[ "$1" = Z ] || printf ' %s' "$p"
	done
}

# "PID COMM (ARGS)" of a process, ARGS cut at 60 characters.
proc_item() {
	_pi=$(cat "/proc/$1/stat" 2>/dev/null) _pi=${_pi#*(} _pi=${_pi%)*}
	printf '%s %s (%s)' "$1" "$_pi" "$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | cut -c1-60 | sed 's/ *$//')"
}

# Whether item $1 is in the list $2 (space-separated).
listed() {
	case " $2 " in *" $1 "*) return 0 ;; esac
	return 1
}

# The processes a test left running: every process but PID 1, this shell
# and what this shell runs itself (its children: the watchdog, command
# substitutions) and theirs, the kernel's threads and zombies. Prints them
# as " PID COMM (ARGS)" items; or only "exiting" when all of them are on their
# way out (SIGKILL pending, or PF_EXITING), which the caller waits for.
# Uses $watchdog (its PID) and $carried (what was there before the test,
# not counted); strays_all=all lists the exiting ones too.
strays() {
	_alive="" _exiting=""
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$p" != 1 ] && [ "$p" != 2 ] && [ "$p" != $HARNESS_PID ] || continue
		! listed "$p" "$carried" || continue
		stat=$(cat "$d/stat" 2>/dev/null) || continue
		set -- ${stat##*) }
		case $2 in 2 | "$HARNESS_PID" | "$watchdog") continue ;; esac
		[ "$1" != Z ] || continue
		item=" $(proc_item "$p")"
		pending=$(sed -n 's/^S[hi][dg]Pnd:[[:space:]]*/0x/p' "$d/status" 2>/dev/null)
		killed=0
		for m in $pending; do
			[ $((m & 0x100)) = 0 ] || killed=1 # SIGKILL (9)
		done
		if [ $(($7 & 4)) != 0 ] || [ $killed = 1 ]; then
			_exiting="$_exiting$item"
		else
			_alive="$_alive$item"
		fi
	done
	if [ "${strays_all:-}" = all ]; then
		printf '%s' "$_alive$_exiting"
	elif [ -n "$_alive" ]; then
		printf '%s' "$_alive"
	elif [ -n "$_exiting" ]; then
		printf exiting
	fi
}

# run_one NAME FILE
# Runs a test and leaves RESULT (ok, skip, fail, timeout, leak) and its
# report (the lines to print) in /tmp/harness/report.
run_one() {
	name=$1 file=$2
	out=/tmp/harness/out
	tmo=$(header timeout "$file")
	tmo=${tmo:-$TEST_TIMEOUT}
	rm -f /tmp/harness/timedout /tmp/harness/snapshot
	dmesg -c >/dev/null
	# What an earlier test left and the harness could not end or remove
	# (reported there) is not this test's doing.
	carried=$(others)
	carried_cgroups=$(top_cgroups)
	TEST_NAME=$name SELFTEST_STATE=/tmp/harness/state.$name \
		sh "$file" </dev/null >"$out" 2>&1 &
	pid=$!
	# The watchdog: on timeout, record what runs and kill the test's shell;
	# the rest goes below.
	(
		sleep "$tmo"
		: >/tmp/harness/timedout
		snapshot >/tmp/harness/snapshot 2>&1
		kill -9 $pid
	) &
	watchdog=$!
	rc=0
	# (the braces keep the shell's "Killed" job notice off the console)
	{ wait $pid || rc=$?; } 2>/dev/null
	# A test must not leave processes running (outside its cgroups, which
	# are checked below). What it killed on its way out may still be
	# exiting: allow that a few seconds.
	stray=""
	if [ ! -e /tmp/harness/timedout ]; then
		i=0
		while stray=$(strays) && [ "$stray" = exiting ] && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		[ "$stray" != exiting ] || stray="$(strays_all=all strays) (still exiting after 10 s)"
	fi
	# Kill whatever the test left running (and the watchdog): everything
	# but PID 1 and this shell. Nothing else runs in this VM.
	kill -9 -1 2>/dev/null
	wait 2>/dev/null
	# SIGKILL waits for a process in uninterruptible sleep (state D): give
	# those 10 s, then name the ones that stay.
	i=0
	while :; do
		left=""
		for p in $(others); do
			listed "$p" "$carried" || left="$left $p"
		done
		[ -n "$left" ] && [ $i -lt 100 ] || break
		sleep 0.1
		i=$((i + 1))
	done
	stuck=""
	for p in $left; do
		stuck="$stuck $(proc_item "$p"), state $(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f1)"
	done
	[ -z "$stuck" ] ||
		echo "harness: still there 10 s after SIGKILL (left to run on):$stuck" >>"$out"

	leaks=""
	for cg in $(top_cgroups); do
		listed "$cg" "$carried_cgroups" && new=no || new=yes
		[ $new = no ] || leaks="$leaks $cg"
		if ! cg_rmtree "$cg" >"/tmp/harness/rmtree" 2>&1 && [ $new = yes ]; then
			cat /tmp/harness/rmtree >>"$out"
			echo "harness: could not remove $cg" >>"$out"
		fi
	done
	leaks=${leaks# }

	if [ -e /tmp/harness/timedout ]; then
		RESULT=timeout why="timed out after ${tmo}s"
		cat /tmp/harness/snapshot >>"$out" 2>/dev/null
	elif [ $rc = 77 ]; then
		RESULT=skip why=$(head -n 1 "$out")
	elif [ $rc != 0 ]; then
		RESULT=fail why="exit $rc"
	elif [ -n "$leaks" ] || [ -n "$stray" ]; then
		RESULT=leak why=""
		[ -z "$leaks" ] || why="left cgroups behind: $(echo $leaks)"
		[ -z "$stray" ] || why="${why:+$why; }left processes behind:$stray"
	else
		RESULT=ok why=""
	fi
	if [ $RESULT != leak ]; then
		[ -z "$leaks" ] || echo "harness: the test also left cgroups behind:" $leaks >>"$out"
		[ -z "$stray" ] || echo "harness: the test also left processes behind:$stray" >>"$out"
	fi

	case $RESULT in
	ok) echo "ok $name" ;;
	skip) echo "skip $name: ${why#skip: }" ;;
	*)
		echo "FAIL $name ($why)"
		sed 's/^/    /' "$out"
		dmesg | sed 's/^/    kernel: /'
		;;
	esac >/tmp/harness/report
}

count() {
	case $1 in
	ok) passed=$((passed + 1)) ;;
	skip) skipped=$((skipped + 1)) ;;
	*) failed=$((failed + 1)) ;;
	esac
}

# Self-tests: the harness must report each /tests/selftest/<kind>_*.sh as
# the kind says, or its own line fails. "# expect-output: TEXT" in a
# self-test also requires TEXT in its report; "# expect-dead: yes" requires
# every PID the test wrote to $SELFTEST_STATE to be gone afterwards.
selftest_group() {
	line=$1 kind=$2 want=$3
	details=""
	n=0
	for f in /tests/selftest/${kind}_*.sh; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		base=${f##*/}
		base=${base%.sh}
		run_one "selftest-$base" "$f"
		problem=""
		[ "$RESULT" = "$want" ] || problem="reported $RESULT, expected $want"
		texts=$(headers expect-output "$f")
		while IFS= read -r text; do
			if [ -n "$text" ] && ! grep -qF -e "$text" /tmp/harness/report; then
				problem="$problem; report lacks '$text'"
			fi
		done <<-EOF
			$texts
		EOF
		if [ "$(header expect-dead "$f")" = yes ]; then
			pids=$(cat "/tmp/harness/state.selftest-$base" 2>/dev/null)
			[ -n "$pids" ] || problem="$problem; it recorded no PIDs"
			for p in $pids; do
				! alive "$p" || problem="$problem; its process $p survived"
			done
		fi
		remaining=$(top_cgroups)
		[ -z "$remaining" ] || problem="$problem; cgroups remain: $(echo $remaining)"
		if [ -n "$problem" ]; then
			details="$details$base: ${problem#; }
$(sed 's/^/  | /' /tmp/harness/report)
"
		fi
	done
	[ $n -gt 0 ] || details="no /tests/selftest/${kind}_*.sh"
	if [ -z "$details" ]; then
		echo "ok $line"
		count ok
	else
		echo "FAIL $line"
		printf '%s' "$details" | sed 's/^/    /'
		count fail
	fi
}

echo "boxcg-kernel-tests: begin ($(uname -r), $(nproc) cpus, up $(cut -d" " -f1 /proc/uptime)s)"
if [ -n "$setup_warnings" ]; then
	echo "harness: setup problems:$setup_warnings"
fi

selftest_group harness-reports-pass pass ok
selftest_group harness-detects-failure fail fail
selftest_group harness-detects-timeout hang timeout
selftest_group harness-detects-leak leak leak

uptime_s() { cut -d" " -f1 /proc/uptime; }
durations=""
for f in /tests/t_*.sh; do
	[ -e "$f" ] || continue
	name=${f##*/t_}
	name=${name%.sh}
	t0=$(uptime_s)
	run_one "$name" "$f"
	cat /tmp/harness/report
	count "$RESULT"
	durations="$durations, $name $(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN { printf "%.0f", b - a }')"
done

# How close each test came to its timeout, for whoever tunes them.
echo "harness: seconds per test: ${durations#, }"
echo "harness: done, up $(uptime_s)s"
[ $skipped = 0 ] || echo "$skipped skipped"
echo "$passed passed, $failed failed"
