#!/bin/sh
# Build the Debian 12 root filesystem of the systemd test guest, cached.
#
#   tests/systemd/rootfs.sh CACHE_DIR      prints the path of the tarball
#
# mmdebstrap --variant=minbase with systemd as PID 1 (systemd, systemd-sysv,
# dbus, libpam-systemd, login), util-linux (runuser), the runtime libraries
# of the dynamically linked boxcg (libyaml, libcyaml, libjansson, libmicrohttpd,
# libsystemd0) and nothing else. The tarball's name carries a hash of this
# script (the package list and the hooks are in it), so changing either
# builds a new one; older ones are removed. Concurrent runs serialise on a
# lock. About a minute on an idle machine, then free.
set -eu

cache=${1:?usage: rootfs.sh CACHE_DIR}
suite=bookworm
packages="systemd systemd-sysv dbus libpam-systemd login util-linux \
libyaml-0-2 libcyaml1 libjansson4 libsystemd0 libmicrohttpd12"

command -v mmdebstrap >/dev/null 2>&1 || { echo "systemd-guest: mmdebstrap not found (run: make test-deps)" >&2; exit 1; }
key=$(sha256sum "$0" | cut -c1-16)
tarball=$cache/rootfs-$suite-$key.tar

if [ ! -s "$tarball" ]; then
	mkdir -p "$cache"
	exec 9>"$cache/.lock"
	flock 9
	if [ ! -s "$tarball" ]; then
		echo "systemd-guest: building the $suite root filesystem (mmdebstrap, about a minute)" >&2
		log=$cache/mmdebstrap.log
		# An ordinary user for the rootless tests, lingering so that its
		# user manager runs from boot without a login. No getty: the
		# serial console carries the results only.
		if ! mmdebstrap --variant=minbase --mode=root --format=tar \
			--include="$(echo $packages | tr ' ' ',')" \
			--customize-hook='chroot "$1" useradd -m -u 1000 -s /bin/sh boxuser' \
			--customize-hook='mkdir -p "$1/var/lib/systemd/linger" && touch "$1/var/lib/systemd/linger/boxuser"' \
			--customize-hook='chroot "$1" systemctl mask getty@tty1.service serial-getty@ttyS0.service systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer fstrim.timer 2>/dev/null || :' \
			--customize-hook='echo boxcg-guest >"$1/etc/hostname"' \
			--customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/usr/share/doc/* "$1"/usr/share/man/* "$1"/usr/share/locale/*' \
			"$suite" "$tarball.tmp" >"$log" 2>&1; then
			tail -n 30 "$log" >&2
			rm -f "$tarball.tmp"
			echo "systemd-guest: mmdebstrap failed (log: $log)" >&2
			exit 1
		fi
		mv "$tarball.tmp" "$tarball"
		for old in "$cache"/rootfs-*.tar; do
			[ "$old" = "$tarball" ] || rm -f "$old"
		done
	fi
fi
echo "$tarball"
