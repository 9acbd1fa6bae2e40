#!/bin/sh
# test-install.sh: make install, the installed files, and mounting through
# mount(8) and mount.fuse3 as an /etc/fstab line would.
#
# 1. make install DESTDIR=tmp: every file where it belongs, executable or
#    not as it should be, man pages that render without warnings, no
#    staging path inside any installed file; make uninstall removes them.
# 2. make install PREFIX=tmp: the mount helper, run as mount(8) runs it
#    (no PATH), mounts the depot.
# 3. As root, in a private mount namespace (unshare -m) where the temp
#    prefix's bin/ is bound over /usr/local/bin: the fstab line
#        DB MOUNTPOINT fuse.depotfs defaults,allow_other 0 0
#    in a temporary fstab, mounted with mount -T and unmounted with umount.
#    Skipped (and said so) when not root or unshare is refused.
# Ends with "install: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
T=$(mktemp -d /tmp/test-install.XXXXXX) || exit 2
passed=0
failed=0
cleanup() {
    for m in "$T/mnt" "$T/mnt2"; do
        mountpoint -q "$m" 2>/dev/null && { fusermount3 -u "$m" 2>/dev/null || umount -l "$m"; }
    done
    rm -rf "$T"
}
trap 'cleanup; echo "install: $passed passed, $failed failed"; [ "$failed" -eq 0 ] && exit 0; exit 1' EXIT
trap 'failed=$((failed + 1)); exit 130' INT TERM
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }

# ---- 1. staged install ----
D=$T/dest
if make -s install DESTDIR="$D" >"$T/make.log" 2>&1; then ok "make install DESTDIR=..."; else not_ok "make install DESTDIR=..."; cat "$T/make.log"; exit 1; fi
P=$D/usr/local
for f in bin/depotfs bin/depotctl sbin/mount.fuse.depotfs share/doc/depotfs/examples/stocktake \
         share/doc/depotfs/examples/low-stock-mail share/doc/depotfs/examples/status-board; do
    check "installed, executable: $f" test -f "$P/$f" -a -x "$P/$f"
done
for f in share/man/man1/depotfs.1 share/man/man8/depotctl.8 \
         share/bash-completion/completions/depotctl lib/systemd/system/depotfs.service; do
    check "installed, not executable: $f" test -f "$P/$f" -a ! -x "$P/$f"
done
check "installed depotctl runs" "$P/bin/depotctl" --version >/dev/null
check "installed depotfs runs" "$P/bin/depotfs" --version >/dev/null
for page in share/man/man1/depotfs.1 share/man/man8/depotctl.8; do
    w=$(MANWIDTH=80 man -l --warnings "$P/$page" 2>&1 >/dev/null)
    check "man -l $page: no warnings${w:+ ($w)}" [ -z "$w" ]
    check "man -l $page renders" sh -c "MANWIDTH=80 man -l '$P/$page' 2>/dev/null | grep -q '^SYNOPSIS'"
done
check "the unit runs the installed depotfs" grep -qx "ExecStart=/usr/local/bin/depotfs -f -o allow_other,default_permissions /var/lib/depot/depot.db /srv/depot" "$P/lib/systemd/system/depotfs.service"
check "the helper names the installed bin directory" grep -q "^PATH=/usr/local/bin:" "$P/sbin/mount.fuse.depotfs"
check "no staging path inside an installed text file" sh -c "! grep -rlI '$D' '$D'"
check "the completion completes subcommands" bash -c "shopt -s extglob; . '$P/share/bash-completion/completions/depotctl'; COMP_WORDS=(depotctl im); COMP_CWORD=1; _depotctl; [ \"\${COMPREPLY[*]}\" = import ]"
if command -v systemd-analyze >/dev/null 2>&1; then
    sed "s|/usr/local/bin/depotfs|$P/bin/depotfs|" "$P/lib/systemd/system/depotfs.service" > "$T/depotfs.service"
    out=$(systemd-analyze verify --man=no "$T/depotfs.service" 2>&1 | grep -v -e 'Failed to prepare filename' -e 'ConditionPathExists')
    check "systemd-analyze verify depotfs.service${out:+ ($out)}" [ -z "$out" ]
fi
make -s uninstall DESTDIR="$D" >/dev/null 2>&1
check "make uninstall removes every file" [ -z "$(find "$D" -type f)" ]

# ---- 2. the mount helper, run as mount(8) runs it ----
P2=$T/prefix
make -s install PREFIX="$P2" >"$T/make.log" 2>&1 || { not_ok "make install PREFIX=..."; cat "$T/make.log"; exit 1; }
DB=$T/depot.db
"$P2/bin/depotctl" seed "$DB" --items 500 >/dev/null || { not_ok "seed"; exit 1; }
mkdir -p "$T/mnt" "$T/mnt2"
env -i "$P2/sbin/mount.fuse.depotfs" "$DB" "$T/mnt" -o rw,nodev,nosuid -t fuse.depotfs 2>"$T/err"
check "mount.fuse.depotfs mounts, with no PATH ($(cat "$T/err"))" mountpoint -q "$T/mnt"
check "  ... the tree is there" [ -s "$T/mnt/stations/jiaochangkou/name" ]
fusermount3 -u "$T/mnt" 2>/dev/null
check "  ... and unmounts" sh -c "! mountpoint -q '$T/mnt'"

# ---- 3. the fstab line, through mount -T and mount.fuse3 ----
if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
    echo "ok - # skip: the fstab test needs root and unshare -m"
else
    printf '%s %s fuse.depotfs defaults,allow_other 0 0\n' "$DB" "$T/mnt2" > "$T/fstab"
    unshare -m sh -c '
        mount --make-rprivate / && mount --bind "$1/bin" /usr/local/bin || exit 3
        mount -T "$2/fstab" "$2/mnt2" 2>"$2/mount.err" || exit 4
        grep " $2/mnt2 fuse.depotfs " /proc/self/mounts > "$2/mounts"
        cat "$2/mnt2/stations/jiaochangkou/name" > "$2/name" 2>&1
        umount "$2/mnt2" || exit 5
        ! mountpoint -q "$2/mnt2"
    ' sh "$P2" "$T"
    rc=$?
    check "mount -T fstab with type fuse.depotfs (exit $rc: $(cat "$T/mount.err" 2>/dev/null))" [ $rc -eq 0 ]
    check "  ... mounted as fuse.depotfs with allow_other" grep -q "allow_other" "$T/mounts"
    check "  ... the tree was readable" [ "$(cat "$T/name")" = "$(sqlite3 "$DB" "SELECT name FROM site WHERE slug = 'jiaochangkou'")" ]
fi
