#!/usr/bin/env bash
# The boot-time unit and the tmpfiles entry, as `make install` installs them:
# paths under PREFIX/DESTDIR, ExecStart at the installed binary, a unit
# systemd-analyze verify accepts (with the binary path pointed at the built
# binary, and the Documentation= man pages found in the installed tree),
# and a tmpfiles entry that creates /run/boxcg 0700.
set -euo pipefail
boxcg=${1:?usage: test_systemd.sh BOXCG}
: "${SCRATCH:?}"
dest=$SCRATCH/dest

make --no-print-directory -s install-dist DESTDIR="$dest" PREFIX=/usr >/dev/null
unit=$dest/usr/lib/systemd/system/boxcg.service
tmpf=$dest/usr/lib/tmpfiles.d/boxcg.conf
for f in "$unit" "$tmpf" "$dest/usr/share/man/man1/boxcg.1" \
	"$dest/usr/share/man/man5/boxcg-policy.5" \
	"$dest/usr/share/bash-completion/completions/boxcg"; do
	[ -f "$f" ] || { echo "not installed: ${f#"$dest"}"; exit 1; }
	[ "$(stat -c %a "$f")" = 644 ] || { echo "mode $(stat -c %a "$f"): ${f#"$dest"}"; exit 1; }
done
echo "installed under DESTDIR with PREFIX=/usr: unit, tmpfiles, man1, man5, completion"

# PREFIX and the directory variables are honoured.
make --no-print-directory -s install-dist DESTDIR="$SCRATCH/dest2" PREFIX=/opt/bx \
	SYSTEMDUNITDIR=/etc/systemd/system >/dev/null
grep -qx 'ExecStartPost=/opt/bx/bin/boxcg apply /etc/boxcg' "$SCRATCH/dest2/etc/systemd/system/boxcg.service" ||
	{ echo "SYSTEMDUNITDIR/PREFIX not honoured"; exit 1; }
[ -f "$SCRATCH/dest2/opt/bx/share/man/man1/boxcg.1" ] || { echo "MANDIR not under PREFIX"; exit 1; }
echo "PREFIX=/opt/bx SYSTEMDUNITDIR=/etc/systemd/system honoured"

# The unit as installed.
for w in 'ExecStartPost=/usr/bin/boxcg apply /etc/boxcg' 'ExecReload=/usr/bin/boxcg apply /etc/boxcg'; do
	grep -qx "$w" "$unit" || { echo "missing $w:"; grep Exec "$unit"; exit 1; }
done
if grep -n '@[A-Z]*@' "$unit"; then echo "unsubstituted template variable"; exit 1; fi
# A delegated cgroup that stays: a main process for the unit's life.
want=(Type=exec Delegate=yes 'ExecStart=/bin/sleep infinity' ConditionPathExists=/etc/boxcg
	'ReadWritePaths=/sys/fs/cgroup /run/boxcg' ProtectSystem=strict)
for w in "${want[@]}"; do
	grep -qx "$w" "$unit" || { echo "missing: $w"; exit 1; }
done
grep -q '^After=.*local-fs.target' "$unit" || { echo "missing After=local-fs.target"; exit 1; }
# Making the cgroup tree read-only would defeat the unit's purpose.
if grep -q '^ProtectControlGroups=yes' "$unit"; then echo "ProtectControlGroups=yes"; exit 1; fi
echo "unit: Delegate=yes held by sleep, ExecStartPost=/usr/bin/boxcg apply /etc/boxcg, hardening leaves cgroupfs and /run/boxcg writable"

# systemd-analyze verify: on a copy whose binary exists (the one under
# test); man: links resolve against the installed man pages.
mkdir -p "$SCRATCH/verify"
sed "s|/usr/bin/boxcg|$boxcg|g" "$unit" >"$SCRATCH/verify/boxcg.service"
if ! MANPATH="$dest/usr/share/man" systemd-analyze verify "$SCRATCH/verify/boxcg.service" \
	>"$SCRATCH/verify.log" 2>&1; then
	cat "$SCRATCH/verify.log"
	exit 1
fi
if [ -s "$SCRATCH/verify.log" ]; then
	echo "systemd-analyze verify complained:"
	cat "$SCRATCH/verify.log"
	exit 1
fi
echo "systemd-analyze verify: clean"

# A unit whose boxcg binary is missing must fail verify: the check above is real.
sed "s|/usr/bin/boxcg|$SCRATCH/no-such-boxcg|g" "$unit" >"$SCRATCH/verify/boxcg.service"
if MANPATH="$dest/usr/share/man" systemd-analyze verify "$SCRATCH/verify/boxcg.service" >/dev/null 2>&1; then
	echo "systemd-analyze verify accepted a missing ExecStart binary"
	exit 1
fi
echo "systemd-analyze verify rejects a missing binary"

# tmpfiles: creates /run/boxcg 0700 root under an alternate root.
systemd-tmpfiles --root="$dest" --create boxcg.conf
st=$(stat -c '%a %U %G' "$dest/run/boxcg")
[ "$st" = "700 root root" ] || [ "$(id -u)" != 0 ] || { echo "/run/boxcg: $st"; exit 1; }
[ "${st%% *}" = 700 ] || { echo "/run/boxcg mode: $st"; exit 1; }
echo "tmpfiles: /run/boxcg $st"
