#!/usr/bin/env bash
# Tests pass wherever the project is checked out, a private directory too
# (mode 0700: mktemp -d, a home directory that is not world-readable).
# The host tests that switch user (t_state_dir_default.sh runs boxcg as
# nobody, t_runner_skips.sh the runner) run here from such a checkout: a
# copy of tests/host, tests/kernel/lib.sh and cgtree.sh and the binary
# under a 0700 directory. They must copy what nobody runs to a place it
# can reach. Needs root and setpriv (else it says why and passes: there is
# no other user to switch to); without cgroup2 the host runner skips.
set -uo pipefail
boxcg=${1:?usage: test_private_checkout.sh BOXCG}
: "${SCRATCH:?}"
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	echo "skipped: needs root and setpriv to switch user"
	exit 0
fi
# Every host test that switches user is listed here, so a new one is run
# from the private checkout too.
switching=$(grep -l -E 'setpriv|runuser|su -|setres[ug]id' tests/host/t_*.sh | xargs -n1 basename | sort)
[ -n "$switching" ] || { echo "no host test switches user: nothing found to check"; exit 1; }
private=$SCRATCH/private
co=$private/checkout
mkdir -p "$co/tests/host" "$co/tests/kernel" "$co/build"

cp tests/host/run.sh $(printf 'tests/host/%s ' $switching) "$co/tests/host/"
cp tests/kernel/lib.sh tests/kernel/cgtree.sh "$co/tests/kernel/"
cp "$boxcg" "$co/build/boxcg"
chmod 0700 "$private"
names=$(echo $switching | sed 's/t_\([a-z_]*\)\.sh/\1/g')
out=$(cd "$co" && BOXCG_HOST_TESTS="$names" bash tests/host/run.sh "$co/build/boxcg" 2>&1)
status=$?
echo "$out"
[ "$status" = 0 ] || { echo "host tests that switch user fail from a 0700 checkout"; exit 1; }
case $out in
*"host: skipped"*) echo "(the host runner skipped here: no writable cgroup2)" ;;
*) grep -q ' 0 failed' <<<"$out" || { echo "no result line"; exit 1; } ;;
esac
echo "from a 0700 checkout: $(echo $names) pass"
