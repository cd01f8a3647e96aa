# Removing a cgroup subtree: shared by the test helpers (lib.sh), the VM's
# /init and the host runner. POSIX sh (busybox ash, dash, bash); sets no
# shell options, defines only cg_rmtree and _cgt_* names.
#
# cg_rmtree DIR
#   Remove the cgroup directory DIR and every cgroup below it. Processes
#   still inside the subtree are killed first (cgroup.kill, or SIGKILL to
#   the PIDs listed in its cgroup.procs files on kernels before 5.14): by
#   construction those are processes the tests started in their own scratch
#   cgroups, and nothing outside DIR is ever signalled. Directories are
#   removed deepest first. Returns 0 when DIR is gone (or never existed).
#   The caller must not itself be inside DIR.

cg_rmtree() {
	_cgt_dir=$1
	[ -d "$_cgt_dir" ] || return 0
	[ -e "$_cgt_dir/cgroup.procs" ] || {
		echo "cg_rmtree: $_cgt_dir is not a cgroup" >&2
		return 1
	}
	if ! grep -qx 'populated 0' "$_cgt_dir/cgroup.events" 2>/dev/null; then
		if [ -e "$_cgt_dir/cgroup.kill" ]; then
			echo 1 >"$_cgt_dir/cgroup.kill" 2>/dev/null || :
		else
			find "$_cgt_dir" -name cgroup.procs -type f | while read -r _cgt_f; do
				while read -r _cgt_pid; do kill -9 "$_cgt_pid" 2>/dev/null || :; done <"$_cgt_f"
			done
		fi
		# Killed tasks leave their cgroups asynchronously; wait up to ~10 s.
		_cgt_n=0
		while [ -e "$_cgt_dir/cgroup.events" ] &&
			! grep -qx 'populated 0' "$_cgt_dir/cgroup.events" 2>/dev/null; do
			_cgt_n=$((_cgt_n + 1))
			[ "$_cgt_n" -le 100 ] || break
			sleep 0.1
		done
	fi
	find "$_cgt_dir" -depth -type d -exec rmdir {} \; 2>/dev/null
	if [ -d "$_cgt_dir" ]; then
		echo "cg_rmtree: cannot remove $_cgt_dir" >&2
		return 1
	fi
	return 0
}
