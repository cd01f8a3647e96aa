#!/bin/sh
# Install what boxcg needs to build, test and demo, and nothing else.
#
#   .ci/deps.sh build    compiler-side libraries (libyaml, libcyaml, jansson)
#   .ci/deps.sh test     the above plus Check, the sanitizer runtime, the
#                            qemu/kernel/busybox stack and the test-only tools
#
# Each need is detected first (pkg-config, command -v, dpkg), so a machine
# that has everything pays nothing. Missing packages are installed with
# apt-get when run as root; otherwise the exact apt-get line is printed and
# the script fails.
set -eu

want=${1:-build}

missing=""
need_pkgconfig() { pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }
need_file() { [ -e "$1" ] || missing="$missing $2"; }

need_cmd pkg-config pkg-config
need_cmd cc gcc
need_cmd make make
need_pkgconfig yaml-0.1 libyaml-dev
need_pkgconfig libcyaml libcyaml-dev
need_pkgconfig jansson libjansson-dev
need_pkgconfig libmicrohttpd libmicrohttpd-dev # boxcg metrics --listen (the CLI only)
need_pkgconfig libsystemd libsystemd-dev # sd-bus header: the delegated unit on systemd hosts (lib/systemd; dlopen()ed at run time)

if [ "$want" = test ]; then
	need_pkgconfig check check
	need_cmd clang clang
	need_file /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a libclang-rt-14-dev
	need_cmd qemu-system-x86_64 qemu-system-x86
	need_file /bin/busybox busybox-static
	need_cmd cpio cpio
	need_file /usr/bin/python3 python3
	/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || missing="$missing python3-jsonschema"
	/usr/bin/python3 -c 'import yaml' 2>/dev/null || missing="$missing python3-yaml"
	need_cmd mandoc mandoc
	need_cmd ansible-playbook ansible-core
	need_cmd valgrind valgrind
	need_cmd systemd-analyze systemd
	need_cmd promtool prometheus # tests: promtool check metrics on a scrape
	need_cmd tmux tmux           # tests: boxcg top driven through a terminal
	need_cmd man man-db # systemd-analyze verify checks the unit's Documentation=man: pages
	need_cmd jq jq      # a transcript of boxcg(1) EXAMPLES pipes plan --json into jq (make check-docs)
	# The systemd guest (tests/systemd): a Debian rootfs built from packages.
	need_cmd mmdebstrap mmdebstrap
	need_file /usr/share/keyrings/debian-archive-keyring.gpg debian-archive-keyring
fi

[ -n "$missing" ] || exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	# A fresh machine has no package lists yet; refresh them once.
	if ! apt-get install -y --no-install-recommends $missing >/dev/null 2>&1; then
		apt-get update -q >/dev/null
		apt-get install -y -q --no-install-recommends $missing >/dev/null
	fi
	exit 0
fi

echo "deps: missing packages; run as root:" >&2
echo "  apt-get install -y --no-install-recommends$missing" >&2
exit 1
