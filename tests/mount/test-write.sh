#!/bin/sh
# test-write.sh: changing values from the shell: echo, printf, tee, cp, dd,
# Python, sed -i, an editor-style rename, mv transfers, refusals, the
# journal, and concurrent writers on one count.
. "$(dirname "$0")/lib.sh"
mount_depot 2000

mod=$(sql "SELECT slug FROM reserve_module ORDER BY id LIMIT 1")
line=$(sql "SELECT l.slug FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id WHERE m.slug = '$mod' ORDER BY l.id LIMIT 1")
C="$M/reserves/$mod/$line/count"
tag=$(sql "SELECT tag FROM item WHERE status = 'in-service' AND vehicle_id IS NULL ORDER BY id LIMIT 1")
I="$M/equipment/$tag"
cs=$(sql "SELECT callsign FROM vehicle WHERE status = 'in-service' ORDER BY id LIMIT 1")
V="$M/fleet/$cs"
dbcount() { sql "SELECT count FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id WHERE m.slug = '$mod' AND l.slug = '$line'"; }

# --- set and adjust a count ---
echo 100 >"$C"
check_eq "echo N > count sets it" "100" "$(cat "$C")"
echo +40 >"$C"
check_eq "echo +N adds" "140" "$(cat "$C")"
echo "-12: used at Chaotianmen fire" >"$C"
check_eq "echo -N: reason subtracts" "128" "$(cat "$C")"
check_eq "the count is in the database at once" "128" "$(dbcount)"
check "the reason is in the line's history" grep -q "used at Chaotianmen fire" "$M/reserves/$mod/$line/history"
check "the change is in log/changes" grep -q "used at Chaotianmen fire" "$M/log/changes"
printf 12 >"$C"
check_eq "printf without newline sets" "12" "$(cat "$C")"
echo 13 | tee "$C" >/dev/null
check_eq "tee sets" "13" "$(cat "$C")"
echo 14 >"$T/v"; cp "$T/v" "$C"
check_eq "cp sets" "14" "$(cat "$C")"
echo 15 | dd of="$C" 2>/dev/null
check_eq "dd sets" "15" "$(cat "$C")"
python3 -c "open('$C', 'w').write('16\n')"
check_eq "Python open(p, 'w').write() sets" "16" "$(cat "$C")"
check_eq "st_size follows the value" "3" "$(stat -c %s "$C")"
truncate -s 0 "$C"
check_eq "truncate to 0 stores nothing" "16" "$(cat "$C")"
: >"$C"
check_eq "an O_TRUNC open with no write stores nothing" "16" "$(cat "$C")"

# --- refusals: each fails the write, leaves the value, keeps the daemon serving ---
while IFS='|' read -r desc value; do
    before=$(cat "$C")
    if printf '%b' "$value" >"$C" 2>/dev/null; then
        fail "refused: $desc (the write succeeded)"
    elif [ "$(cat "$C")" != "$before" ]; then
        fail "refused: $desc (the value changed)"
    else
        ok "refused: $desc"
    fi
done <<'EOF2'
an empty value|\n
whitespace|   \n
a word for a number|twelve\n
1.5|1.5\n
1e3|1e3\n
0x10|0x10\n
++1|++1\n
past 64 bits|99999999999999999999\n
going negative|-100000\n
a NUL byte|1\0002\n
two values in one write|1\n2\n
EOF2
before=$(cat "$C")
head -c 1048576 /dev/zero | tr '\0' '7' >"$T/big"
if cp "$T/big" "$C" 2>/dev/null; then fail "refused: a 1 MiB value"; else ok "refused: a 1 MiB value"; fi
check_eq "the 1 MiB value left the count alone" "$before" "$(cat "$C")"
python3 - "$C" <<'PY'
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
try:
    os.pwrite(fd, b"5\n", 3)
    sys.exit(1)
except OSError:
    sys.exit(0)
PY
check_eq "a write at an offset is refused" "0" "$?"
check_eq "refused writes left the value alone" "$before" "$(cat "$C")"
check "log/errors names the file and quotes the value" grep -q "reserves/$mod/$line/count.*twelve" "$M/log/errors"
check "the daemon's log says why" grep -q "twelve" "$LOG"
err=$(/bin/echo twelve 2>&1 >"$C")
check "echo prints an error and fails" sh -c "! echo twelve > '$C'"
check_eq "the error is EINVAL" "Invalid argument" "$(echo "$err" | sed 's/.*: //')"

# --- mtime is the time of the value's last change ---
touch "$T/before"
sleep 1
echo 77 >"$C"
check_eq "a written value's mtime is the time of the change" "1" \
    "$(find "$C" -newer "$T/before" | wc -l)"
check_eq "... and an unchanged neighbour keeps its own" "0" \
    "$(find "$M/reserves/$mod/$line/unit" -newer "$T/before" | wc -l)"
check_eq "ls -lt puts the changed value first" "count" \
    "$(ls -t "$M/reserves/$mod/$line" | head -n 1)"

# --- statuses, dates, mileage ---
echo "maintenance: pump seal leaking" >"$I/status"
check_eq "item status" "maintenance" "$(cat "$I/status")"
check "status reason in history" grep -q "pump seal leaking" "$I/history"
check_not "an unknown status is refused" sh -c "echo broken > '$I/status'"
check_not "2026-02-30 is refused" sh -c "echo 2026-02-30 > '$I/last-inspection'"
echo 2026-11-30 >"$I/last-inspection"
check_eq "last-inspection set" "2026-11-30" "$(cat "$I/last-inspection")"
iv=$(sql "SELECT inspection_interval FROM category c JOIN item i ON i.category_id = c.id WHERE tag = '$tag'")
check_eq "next-inspection moves by the category's interval" \
    "$(sql "SELECT date('2026-11-30', '+$iv days')")" "$(cat "$I/next-inspection")"
check_eq "item.json follows" "2026-11-30" "$(jq -r '."last-inspection"' "$I/item.json")"
m=$(cat "$V/mileage")
echo $((m + 100)) >"$V/mileage"
check_eq "mileage goes up" "$((m + 100))" "$(cat "$V/mileage")"
check_not "mileage never goes down" sh -c "echo $m > '$V/mileage'"
echo "standby" >"$V/status"
check_eq "vehicle status" "standby" "$(cat "$V/status")"
echo "spare pump on board: check weekly" >"$V/notes"
check_eq "notes keep their colon" "spare pump on board: check weekly" "$(cat "$V/notes")"
check_not "a read-only attribute refuses writes" sh -c "echo X > '$I/serial'"
check_eq "... with EACCES" "Permission denied" "$(sh -c "echo X > '$I/serial'" 2>&1 | sed 's/.*: //')"

# --- the journal ---
check_eq "each accepted change is journalled with old and new" "maintenance" \
    "$(sql "SELECT new FROM journal WHERE object = '$tag' AND attribute = 'status' ORDER BY id DESC LIMIT 1")"
check_eq "... with the writer's uid" "$(id -u)" \
    "$(sql "SELECT uid FROM journal WHERE object = '$tag' AND attribute = 'status' ORDER BY id DESC LIMIT 1")"
check_eq "... and process" "sh" \
    "$(sql "SELECT process FROM journal WHERE object = '$tag' AND attribute = 'status' ORDER BY id DESC LIMIT 1")"
check_eq "refused writes journal nothing" "0" \
    "$(sql "SELECT count(*) FROM journal WHERE new LIKE '%twelve%' OR new = 'broken'")"

# --- transfers ---
from=$(sql "SELECT s.slug FROM item i JOIN site s ON s.id = i.station_id WHERE tag = '$tag'")
cat=$(sql "SELECT c.slug FROM item i JOIN category c ON c.id = i.category_id WHERE tag = '$tag'")
to=hualongqiao; [ "$from" = "$to" ] && to=jiaochangkou
echo in-service >"$I/status"
check "mv between stations' equipment dirs" mv "$M/stations/$from/equipment/$cat/$tag" "$M/stations/$to/equipment/$cat/"
check_eq "... transfers the item" "$to" "$(cat "$I/station")"
check "... it is listed at the new station" test -L "$M/stations/$to/equipment/$cat/$tag"
check_not "... and not at the old one" test -e "$M/stations/$from/equipment/$cat/$tag"
echo "$from: back home" >"$I/station"
check_eq "echo station transfers back" "$from" "$(cat "$I/station")"
vcs=$(sql "SELECT v.callsign FROM vehicle v JOIN site s ON s.id = v.station_id WHERE s.slug = '$from' AND v.status <> 'retired' LIMIT 1")
if [ -n "$vcs" ]; then
    check "mv into a vehicle's load/" mv "$M/stations/$from/equipment/$cat/$tag" "$M/fleet/$vcs/load/"
    check_eq "... loads it" "$vcs" "$(cat "$I/vehicle")"
    check "... it is in load/" test -L "$M/fleet/$vcs/load/$tag"
    echo none >"$I/vehicle"
    check_eq "echo none > vehicle unloads" "none" "$(cat "$I/vehicle")"
fi

# --- removal and other refused operations ---
check_not "rm refuses" rm -f "$I/status"
check_not "rm -r refuses" rm -rf "$I"
check "the item is still there" test -d "$I"
check_not "rmdir refuses" rmdir "$M/stations/$from/vehicles"
check_not "mkdir refuses" mkdir "$M/stations/newsite"
check_not "chmod refuses" chmod 777 "$I/status"
check_not "creating a file outside an object's directory refuses" sh -c "echo x > '$M/stations/foo'"

# --- scratch files, sed -i, editor-style saves ---
echo "scratch text" >"$I/.status.swp"
check_eq "a scratch file can be written and read" "scratch text" "$(cat "$I/.status.swp")"
check "a scratch file is listed" sh -c "ls -a '$I' | grep -q '^.status.swp$'"
check "a scratch file can be removed" rm "$I/.status.swp"
check_not "... and is gone" test -e "$I/.status.swp"
check_eq "scratch files never reach the database" "0" "$(sql "SELECT count(*) FROM journal WHERE attribute LIKE '%swp%'")"
echo in-service >"$I/status"
check "sed -i changes a value" sed -i 's/in-service/reserve/' "$I/status"
check_eq "... through its temporary file and rename" "reserve" "$(cat "$I/status")"
check_eq "sed's temporary file is gone" "" "$(ls -a "$I" | grep '^sed' || true)"
printf 'out-of-service\n' >"$I/.status.new" && mv "$I/.status.new" "$I/status"
check_eq "an editor-style write-and-rename changes a value" "out-of-service" "$(cat "$I/status")"
printf 'rubbish\n' >"$I/.status.new"
check_not "renaming an invalid value over an attribute is refused" mv "$I/.status.new" "$I/status"
check_eq "... and the value is unchanged" "out-of-service" "$(cat "$I/status")"
rm -f "$I/.status.new"
printf ',s/out-of-service/maintenance/\nw\nq\n' | ed -s "$I/status"
check_eq "ed changes a value" "maintenance" "$(cat "$I/status")"
if command -v vim >/dev/null; then
    vim -E -s -c '%s/.*/in-service/' -c wq "$I/status" </dev/null
    check_eq "vim changes a value" "in-service" "$(cat "$I/status")"
    check_not "vim's write of an invalid value fails" vim -E -s -c '%s/.*/broken/' -c wq "$I/status"
    check_eq "... and leaves the value" "in-service" "$(cat "$I/status")"
    check_eq "vim leaves no swap or backup file behind" "" "$(ls -a "$I" | grep -E '~$|\.sw.$' || true)"
fi
python3 -c "
with open('$I/status', 'r+') as f:
    f.seek(0); f.write('reserve\n'); f.truncate()
"
check_eq "Python's open('r+'), write, truncate() changes a value" "reserve" "$(cat "$I/status")"
check_not "truncate to another length is refused" truncate -s 3 "$I/status"

# --- concurrency: 8 writers on one count, readers all along ---
echo 1000 >"$C"
pids=""
for w in 1 2 3 4 5 6 7 8; do
    ( for i in $(seq 50); do echo +1 >"$C" || echo "write failed" >>"$T/cerr"; echo -1 >"$C" || echo "write failed" >>"$T/cerr"; echo +1 >"$C" || echo "write failed" >>"$T/cerr"; done ) &
    pids="$pids $!"
done
( for i in $(seq 200); do cat "$C" >/dev/null || echo "read failed" >>"$T/cerr"; done ) &
pids="$pids $!"
wait $pids
check_eq "8 concurrent writers: no write failed" "" "$(cat "$T/cerr" 2>/dev/null)"
check_eq "8 concurrent writers lose no update" "1400" "$(cat "$C")"
check_eq "... in the database too" "1400" "$(dbcount)"

# fsync(): accepted on a value (the commits are already on disk by default).
check "fsync() of a written value succeeds" python3 -c "
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_TRUNC)
os.write(fd, b'+1\\n'); os.fsync(fd); os.fdatasync(fd); os.close(fd)" "$C"
check_eq "... and the value is stored" "1401" "$(dbcount)"
check "sync FILE (coreutils) succeeds on a value" sync "$C"
check "the daemon still serves" test -s "$M/README"

# Durability (SPEC 4): by default every acknowledged change is synced to
# disk before its write returns.  The writer commits without syncing and
# the daemon syncs the log for the commits made so far (group commit), so
# one writer alone must see at least one sync of the log per write.
if command -v strace >/dev/null; then
    strace -f -qq -e trace=fdatasync,fsync -p "$DPID" -o "$T/syncs" 2>/dev/null &
    spid=$!
    sleep 1
    for i in $(seq 20); do echo +1 >"$C"; done
    sleep 0.3
    kill "$spid" 2>/dev/null
    wait "$spid" 2>/dev/null
    n=$(grep -c 'sync(' "$T/syncs")
    check "20 writes one after another: the log is synced at least 20 times ($n)" test "$n" -ge 20
    check_eq "... and every one of them is stored" "1421" "$(dbcount)"
    # A value written byte by byte is checked at each piece, in a
    # transaction rolled back: only its one commit needs a sync (a
    # checkpoint may add a few of SQLite's own).
    strace -f -qq -e trace=fdatasync,fsync -p "$DPID" -o "$T/syncs" 2>/dev/null &
    spid=$!
    sleep 1
    for i in $(seq 10); do printf '%s\n' $((1500 + i)) | dd of="$C" bs=1 2>/dev/null; done
    sleep 0.3
    kill "$spid" 2>/dev/null
    wait "$spid" 2>/dev/null
    n=$(grep -c 'sync(' "$T/syncs")
    check "10 values written a byte at a time sync the log about 10 times, not 50 ($n)" test "$n" -ge 10 -a "$n" -le 14
    check_eq "... and the last is stored" "1510" "$(dbcount)"
else
    echo "skipped: the sync count (no strace)"
fi
