# lib.sh: what every mounted test shares (sourced by tests/mount/test-*.sh).
#
# mount_depot seeds a depot in a fresh temp dir and mounts the real daemon
# on it ($DEPOTFS, the sanitized build under make test); a trap unmounts and
# removes everything when the test ends, whether it passed, failed or was
# interrupted.  ok/fail/check* print TAP-like lines and count; finish prints
# "NAME: N passed, M failed" and sets the exit status.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DEPOTFS=${DEPOTFS:-$ROOT/build/depotfs}
DEPOTCTL=${DEPOTCTL:-$ROOT/build/depotctl}
case $DEPOTFS in /*) ;; *) DEPOTFS=$ROOT/$DEPOTFS ;; esac
case $DEPOTCTL in /*) ;; *) DEPOTCTL=$ROOT/$DEPOTCTL ;; esac
TODAY=${TODAY:-2026-12-01}
NAME=$(basename "$0" .sh)
T=$(mktemp -d /tmp/depotfs-test.XXXXXX)
M=$T/mnt
DB=$T/depot.db
LOG=$T/daemon.log
PASS=0
FAIL=0
DPID=""

# mounted DIR: is DIR a mountpoint, even of a dead FUSE mount (mountpoint(1)
# stats it and gets ENOTCONN there)?  $T's paths have no blanks to escape.
mounted() { grep -q " $1 " /proc/self/mountinfo; }

cleanup() {
    if mounted "$M"; then
        fusermount3 -u "$M" 2>/dev/null || fusermount3 -uz "$M" 2>/dev/null || umount -l "$M" 2>/dev/null
    fi
    if [ -n "$DPID" ]; then
        # The sanitized daemon reports leaks and errors when it exits.
        wait "$DPID" 2>/dev/null
    fi
    if [ -s "$LOG" ] && grep -qE 'ERROR: AddressSanitizer|WARNING: ThreadSanitizer|runtime error|LeakSanitizer|ERROR SUMMARY: [1-9]|^==[0-9]+== ' "$LOG"; then
        echo "not ok - daemon sanitizer report:"
        sed -n '1,60p' "$LOG"
        FAIL=$((FAIL + 1))
    fi
    rm -rf "$T"
}
# (dash ignores the status of an EXIT trap's last command: hence the exit.)
trap 'cleanup; echo "$NAME: $PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ] && exit 0; exit 1' EXIT
trap 'FAIL=$((FAIL + 1)); exit 130' INT TERM

ok()   { PASS=$((PASS + 1)); echo "ok - $*"; }
fail() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
    d=$1; shift
    if "$@" >/dev/null 2>&1; then ok "$d"; else fail "$d"; fi
}
# check_not DESCRIPTION COMMAND...: passes when the command fails.
check_not() {
    d=$1; shift
    if "$@" >/dev/null 2>&1; then fail "$d"; else ok "$d"; fi
}
# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: expected '$2', got '$3'"; fi
}

# mount_depot [ITEMS] [extra depotfs args...]: seed and mount.  $VALGRIND,
# if set, is a command prefix for the daemon (make valgrind);
# $DEPOTFS_OPTS, more daemon options for every mount (run-tests runs some
# suites again with -o uring=0).
mount_depot() {
    items=${1:-2000}
    [ $# -gt 0 ] && shift
    mkdir -p "$M"
    if [ ! -e "$DB" ]; then
        "$DEPOTCTL" seed "$DB" --items "$items" --seed 1 >/dev/null || { fail "seed"; exit 1; }
    fi
    # shellcheck disable=SC2086
    ${VALGRIND:-} "$DEPOTFS" -f -o today="$TODAY" ${DEPOTFS_OPTS:-} "$@" "$DB" "$M" >"$LOG" 2>&1 &
    DPID=$!
    i=0
    while ! mountpoint -q "$M"; do
        i=$((i + 1))
        if [ $i -gt 600 ] || ! kill -0 "$DPID" 2>/dev/null; then
            fail "mount"; cat "$LOG"; exit 1
        fi
        sleep 0.05
    done
}

# unmount_depot: unmount and wait for the daemon to exit.
unmount_depot() {
    fusermount3 -u "$M"
    wait "$DPID" 2>/dev/null
    DPID=""
}

# sql QUERY: runs a read-only query on the depot file (beside the mount).
sql() { sqlite3 -readonly "$DB" "$1"; }
