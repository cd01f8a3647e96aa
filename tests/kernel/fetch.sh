#!/bin/sh
# Fetch a Debian kernel for the real-kernel tests, without touching /boot.
#
#   tests/kernel/fetch.sh CACHE_DIR
#
# Downloads linux-image-amd64 (the metapackage) and the linux-image-*-amd64
# package it depends on with `apt-get download`, then extracts into CACHE_DIR:
#
#   vmlinuz          the kernel image
#   modules/*.ko     the few modules the VM needs (brd: RAM block device)
#   config           the kernel's build configuration (for reference)
#   version          the package name and version, e.g. "linux-image-6.1.0-56-amd64 6.1.192-2"
#
# A cache that is complete is used as is: a second run downloads nothing.
# Concurrent runs (several build dirs share one cache) serialise on a lock.
# If the download fails because apt has no package lists and we are root,
# `apt-get update` runs once and the download is retried.
set -eu

cache=${1:?usage: fetch.sh CACHE_DIR}
# Modules are plain .ko files in Debian 12's 6.1 kernel; brd has no
# dependencies of its own.
modules="brd"

cache_complete() {
	[ -s "$cache/vmlinuz" ] && [ -s "$cache/version" ] || return 1
	for m in $modules; do [ -s "$cache/modules/$m.ko" ] || return 1; done
}

cache_complete && exit 0

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
exec 9>"$cache/.lock"
flock 9
cache_complete && exit 0

work=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
# apt drops privileges to _apt for downloads; let it write here.
chmod 755 "$work"

download() {
	(cd "$work" && apt-get download -q "$1") >"$work/apt.log" 2>&1
}

fetch_pkg() {
	download "$1" && return 0
	if [ "$(id -u)" = 0 ] && [ ! -e "$work/updated" ]; then
		echo "kernel: apt-get download $1 failed; refreshing package lists once" >&2
		apt-get update -q >"$work/update.log" 2>&1 || { cat "$work/update.log" >&2; return 1; }
		: >"$work/updated"
		download "$1" && return 0
	fi
	echo "kernel: apt-get download $1 failed:" >&2
	cat "$work/apt.log" >&2
	return 1
}

echo "kernel: downloading linux-image-amd64 into $cache" >&2
fetch_pkg linux-image-amd64
meta=$(ls "$work"/linux-image-amd64_*.deb)
# Depends: linux-image-6.1.0-56-amd64 (= 6.1.192-2)
image=$(dpkg-deb -f "$meta" Depends | tr ',' '\n' | sed -n 's/^ *\(linux-image-[^ ]*\).*/\1/p' | head -n 1)
[ -n "$image" ] || { echo "kernel: cannot find the kernel package $meta depends on" >&2; exit 1; }
fetch_pkg "$image"
deb=$(ls "$work/$image"_*.deb)
version=$(dpkg-deb -f "$deb" Version)

mkdir -p "$work/root"
patterns="./boot/vmlinuz-* ./boot/config-*"
for m in $modules; do patterns="$patterns */$m.ko"; done
# shellcheck disable=SC2086 # word splitting of the patterns is intended
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work/root" --wildcards $patterns

mkdir -p "$work/out/modules"
cp "$work"/root/boot/vmlinuz-* "$work/out/vmlinuz"
cp "$work"/root/boot/config-* "$work/out/config"
for m in $modules; do
	ko=$(find "$work/root" -name "$m.ko" | head -n 1)
	[ -n "$ko" ] || { echo "kernel: $image has no $m.ko" >&2; exit 1; }
	cp "$ko" "$work/out/modules/$m.ko"
done
echo "$image $version" >"$work/out/version"

# Install the finished files; `version` last, so an interrupted run leaves
# an incomplete cache that the next run redoes.
rm -rf "$cache/modules"
mv "$work/out/modules" "$cache/modules"
mv "$work/out/vmlinuz" "$cache/vmlinuz"
mv "$work/out/config" "$cache/config"
mv "$work/out/version" "$cache/version"
echo "kernel: cached $image $version" >&2
