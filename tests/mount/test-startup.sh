#!/bin/sh
# test-startup.sh: depotfs refuses what it cannot mount with one clear line
# on stderr and a non-zero exit, and leaves no mount behind.
. "$(dirname "$0")/lib.sh"
mkdir -p "$M"
"$DEPOTCTL" seed "$DB" --items 200 --seed 1 >/dev/null

# refused DESCRIPTION ARGS...: depotfs ARGS fails with exactly one stderr line.
# With BUSY=1 the mountpoint is expected to stay mounted (by another daemon).
refused() {
    d=$1; shift
    "$DEPOTFS" "$@" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
    lines=$(wc -l <"$T/err")
    mounted=0
    mountpoint -q "$M" && mounted=1
    if [ $rc -ne 0 ] && [ "$lines" -eq 1 ] && [ "$mounted" -eq "${BUSY:-0}" ]; then
        ok "$d ($(cat "$T/err"))"
    else
        fail "$d: exit $rc, $lines lines: $(head -c 300 "$T/err")"
    fi
    [ "${BUSY:-0}" -eq 0 ] && [ "$mounted" -eq 1 ] && fusermount3 -u "$M"
}
printf 'just some text, not a database\n%.0s' $(seq 100) >"$T/text.db"
sqlite3 "$T/newer.db" "PRAGMA user_version = 1;" && cp "$DB" "$T/newer.db" && sqlite3 "$T/newer.db" "PRAGMA user_version = 99"
refused "a missing database" -f "$T/missing.db" "$M"
refused "a file that is not a database" -f "$T/text.db" "$M"
refused "a database from a newer depotfs" -f "$T/newer.db" "$M"
refused "a missing mountpoint" -f "$DB" "$T/nowhere"
refused "a mountpoint that is a file" -f "$DB" "$T/text.db"
refused "a bad today" -f -o today=2026-02-30 "$DB" "$M"
refused "an unknown group" -f -o group=no-such-group-xyz "$DB" "$M"
refused "a bad sync mode" -f -o sync=sometimes "$DB" "$M"
refused "an unknown option" -f -o no_such_option "$DB" "$M"
refused "no arguments"
refused "too many arguments" -f "$DB" "$M" "$T/third"

# -o sync=normal: writes durable at fsync(); a write is stored and fsync()
# succeeds.  (The default, synchronous=FULL, is every other suite's.)
mount_depot 100 -o sync=normal
mod=$(sql "SELECT slug FROM reserve_module ORDER BY id LIMIT 1")
line=$(sql "SELECT l.slug FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id WHERE m.slug = '$mod' ORDER BY l.id LIMIT 1")
echo 77 >"$M/reserves/$mod/$line/count"
check_eq "with -o sync=normal a write is stored" "77" "$(cat "$M/reserves/$mod/$line/count")"
check "... and fsync() succeeds" python3 -c "import os,sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd)" "$M/reserves/$mod/$line/count"
unmount_depot

mount_depot
BUSY=1 refused "a busy mountpoint" -f "$DB" "$M"
check "the first mount still serves" test -s "$M/README"
unmount_depot

check "--help exits 0" "$DEPOTFS" --help
check_eq "--version names depotfs" "depotfs" "$("$DEPOTFS" --version | cut -d' ' -f1)"

# Daemon mode (no -f): returns once mounted; fusermount3 -u unmounts.
"$DEPOTFS" -o today="$TODAY" "$DB" "$M" 2>"$T/err"
check_eq "daemon mode exits 0 after mounting" "0" "$?"
check "daemon mode serves the tree" test -s "$M/README"
fusermount3 -u "$M"
check_not "fusermount3 -u unmounts it" mountpoint -q "$M"

# Foreground: a signal to stop (SIGTERM; Ctrl-C sends SIGINT, which sh makes
# background jobs ignore) unmounts cleanly, exit status 0, nothing on stderr.
mount_depot
kill -TERM "$DPID"
wait "$DPID"
check_eq "SIGTERM in the foreground exits 0" "0" "$?"
DPID=""
check_not "... and leaves no mount" mountpoint -q "$M"
check_eq "a quiet start and stop print nothing" "" "$(cat "$LOG")"
