#!/bin/sh
# test-concurrency.sh: many programs at once, as on a busy night at the
# depot.  8 processes make 1000 relative adjustments each (+1 and -1, in an
# order drawn from a seed) to one reserve count, each an open/write/close
# of its own; 4 more write the status and notes of 4 different items; 2
# readers walk stations/ and read every value all along, and a third reads
# the count without pause (it must always read a number, never the empty
# or partial file a concurrent O_TRUNC open could show).  Every write must
# succeed (SQLITE_BUSY is waited for inside the daemon, never returned as
# EBUSY), the count must equal its start plus the sum of the adjustments,
# each item must hold its writer's last value, and the daemon must still
# serve.  CONC_ADJ changes the number of adjustments per process.
. "$(dirname "$0")/lib.sh"
mount_depot 2000

ADJ=${CONC_ADJ:-1000}
mod=$(sql "SELECT slug FROM reserve_module ORDER BY id LIMIT 1")
line=$(sql "SELECT l.slug FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id WHERE m.slug = '$mod' ORDER BY l.id LIMIT 1")
C="$M/reserves/$mod/$line/count"
tags=$(sql "SELECT tag FROM item WHERE status = 'in-service' ORDER BY id LIMIT 4")
refusals0=$(sql "SELECT count(*) FROM refusal")

cat >"$T/conc.py" <<'PY'
import os, random, sys, time

def write(path, text):
    """One open/write/close; returns the error or None."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
        try:
            os.write(fd, text.encode())
        finally:
            os.close(fd)
        return None
    except OSError as e:
        return "%s: %s" % (path, e)

def adjust(path, seed, n, out):
    rng = random.Random(seed)
    total, errors = 0, []
    for _ in range(n):
        d = rng.choice((1, -1))
        e = write(path, "%+d\n" % d)
        if e:
            errors.append(e)
        else:
            total += d
    with open(out, "w") as f:
        f.write("%d\n" % total)
        for e in errors:
            f.write("error %s\n" % e)

def item(dirpath, w, n, out):
    errors, last_status, last_note = [], None, None
    for i in range(n):
        st = ("maintenance", "reserve", "in-service")[i % 3]
        note = "writer %d pass %d; 'quoted' -- text" % (w, i)
        for name, text in (("status", st + ": pass %d" % i), ("notes", note)):
            e = write(os.path.join(dirpath, name), text + "\n")
            if e:
                errors.append(e)
        last_status, last_note = st, note
    with open(out, "w") as f:
        f.write("%s\n%s\n" % (last_status, last_note))
        for e in errors:
            f.write("error %s\n" % e)

def reader(top, count, stop, out):
    errors, reads = [], 0
    while not os.path.exists(stop):
        for dirpath, dirs, files in os.walk(top) if top != count else ():
            for name in files:
                p = os.path.join(dirpath, name)
                try:
                    with open(p, "rb") as f:
                        f.read()
                    reads += 1
                except OSError as e:
                    errors.append("%s: %s" % (p, e))
        try:
            with open(count, "rb") as f:
                v = f.read()
            if not v.endswith(b"\n") or v.count(b"\n") != 1 or b"\0" in v:
                raise ValueError("not one line: %r" % v)
            int(v)
            reads += 1
        except (OSError, ValueError) as e:
            errors.append("%s: %s" % (count, e))
    with open(out, "w") as f:
        f.write("%d\n" % reads)
        for e in errors:
            f.write("error %s\n" % e)

cmd = sys.argv[1]
if cmd == "adjust":
    adjust(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
elif cmd == "item":
    item(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
else:
    reader(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
PY

start=100000
echo "$start: concurrency test" >"$C"
check_eq "the count starts at $start" "$start" "$(cat "$C")"
t0=$(date +%s)
pids=""
# Two readers walk stations/ (and read the count between walks); a third
# reads the count in a tight loop: it must always see a number.
for top in "$M/stations" "$M/stations" "$C"; do
    rn=$(( ${rn:-0} + 1 ))
    python3 "$T/conc.py" reader "$top" "$C" "$T/stop" "$T/reader.$rn" &
    rpids="${rpids:-} $!"
done
for w in 1 2 3 4 5 6 7 8; do
    python3 "$T/conc.py" adjust "$C" "$w" "$ADJ" "$T/adjust.$w" &
    pids="$pids $!"
done
w=0
for tag in $tags; do
    w=$((w + 1))
    python3 "$T/conc.py" item "$M/equipment/$tag" "$w" $((ADJ / 8)) "$T/item.$w" &
    pids="$pids $!"
done
wait $pids
touch "$T/stop"
wait $rpids
t1=$(date +%s)
echo "# writers took $((t1 - t0)) s"

sum=0
for w in 1 2 3 4 5 6 7 8; do
    sum=$((sum + $(head -n 1 "$T/adjust.$w")))
done
errors=$(grep -h '^error' "$T"/adjust.* "$T"/item.* 2>/dev/null | head -n 5)
check_eq "no adjustment or item write failed (no EBUSY)" "" "$errors"
check_eq "8 x $ADJ adjustments: count = start + sum of deltas ($sum)" "$((start + sum))" "$(cat "$C")"
check_eq "... in the database too" "$((start + sum))" \
    "$(sql "SELECT count FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id WHERE m.slug = '$mod' AND l.slug = '$line'")"
check_eq "... and every adjustment is journalled" "$((8 * ADJ))" \
    "$(sql "SELECT count(*) FROM journal WHERE object = '$mod/$line' AND attribute = 'count' AND reason = ''")"
w=0
for tag in $tags; do
    w=$((w + 1))
    check_eq "item writer $w: last status stands" "$(sed -n 1p "$T/item.$w")" "$(cat "$M/equipment/$tag/status")"
    check_eq "item writer $w: last notes stand" "$(sed -n 2p "$T/item.$w")" "$(cat "$M/equipment/$tag/notes")"
done
rerrors=$(grep -h '^error' "$T"/reader.* | sort | uniq -c | head -n 5)
check_eq "readers saw no error" "" "$rerrors"
check "readers read something" test "$(head -n 1 "$T/reader.1")" -gt 0
check_eq "no write was refused" "$refusals0" "$(sql "SELECT count(*) FROM refusal")"

# Values are read through the page cache when that is safe.  A value whose
# length changes (99 <-> 100) under a writer that pauses about as long as a
# cached value takes to settle, read in tight loops while another process
# stats it: every read is one whole line, never "10" of "100" nor padded.
cat >"$T/flip.py" <<'PY'
import os, re, sys, time
path, role, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
end = time.time() + secs
if role == "writer":
    pauses = [float(x) for x in sys.argv[4].split(",")]
    n = 0
    while time.time() < end:
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
        os.write(fd, b"+1\n" if n % 2 == 0 else b"-1\n")
        os.close(fd)
        time.sleep(pauses[n % len(pauses)])
        n += 1
    print(n)
elif role == "stat":
    while time.time() < end:
        os.stat(path)
else:
    bad, n = [], 0
    while time.time() < end:
        try:
            with open(path, "rb") as f:
                v = f.read()
        except OSError as e:
            v = e.strerror
        n += 1
        if v not in (b"99\n", b"100\n"):
            bad.append(v)
    print(n)
    for v in bad[:5]:
        print("error %r" % v)
PY
F="$M/reserves/$mod/$line/count"
echo 99 >"$F"
python3 "$T/flip.py" "$F" writer 8 0.001,0.0005,0.99,1.0,1.01,0.002 >"$T/flip.w" &
fp="$!"
python3 "$T/flip.py" "$F" reader 8 >"$T/flip.r1" &
fp="$fp $!"
python3 "$T/flip.py" "$F" reader 8 >"$T/flip.r2" &
fp="$fp $!"
python3 "$T/flip.py" "$F" stat 8 &
wait $fp $!
check_eq "a value changing length under readers is never cut or padded" "" \
    "$(grep -h '^error' "$T"/flip.r* | head -n 5)"
check "... and the readers read it many times ($(head -n 1 "$T/flip.r1"), $(head -n 1 "$T/flip.r2"))" \
    test "$(head -n 1 "$T/flip.r1")" -gt 100
# Many readers opening one report at once share one rendering (render.c):
# each must read all of it, the same text, of the size stat gives.
rp=""
for i in 1 2 3 4 5 6; do cat "$M/reports/due-inspection" >"$T/rep.$i" & rp="$rp $!"; done
wait $rp
size=$(stat -c %s "$M/reports/due-inspection")
check_eq "six readers opening a report at once read the same text" 1 \
    "$(md5sum "$T"/rep.? | awk '{print $1}' | sort -u | wc -l)"
check_eq "... all of it (the size stat gives)" "$size" "$(wc -c <"$T/rep.1")"
check_eq "... and it is what a reader alone gets" "$(md5sum <"$T/rep.1")" \
    "$(cat "$M/reports/due-inspection" | md5sum)"
check "the daemon still serves" test -s "$M/README"
check "the daemon is still running" kill -0 "$DPID"
unmount_depot
if grep -q 'WARNING: ThreadSanitizer' "$LOG"; then
    fail "ThreadSanitizer reports $(grep -c 'WARNING: ThreadSanitizer' "$LOG") races in the daemon:"
    grep -A 30 'WARNING: ThreadSanitizer' "$LOG" | head -n 80
fi
check "depotctl check passes" "$DEPOTCTL" check "$DB"
