#!/bin/sh
# test-crash.sh: nothing acknowledged is lost when the daemon dies.
#
# Each round a writer (Python) changes a reserve count by relative
# adjustments, an item's status and a vehicle's notes, one open/write/close
# each, and logs a change only after write() and close() have both
# returned.  At a random moment (0.5-2 s in, drawn from the round's seed)
# the daemon is killed with SIGKILL, the dead mount is detached
# (fusermount3 -uz) and the depot is remounted.  Every logged change must
# be there: the count equals its start plus the sum of the logged deltas,
# the status and notes are the last logged ones - allowing only the one
# write in flight at the kill to have happened or not - and `depotctl
# check` passes on the file as the crash left it and after the remount.
#
# Why it holds: each change is one SQLite transaction, committed before the
# write() returns, in WAL mode with synchronous=FULL (core/depot.c): a
# commit is on disk before it is acknowledged, so it survives the death of
# the process and, with FULL, a power cut too.
#
# CRASH_ROUNDS (default 3) and CRASH_SEED (default 1) choose the rounds;
# tests/stress/test-crash-many.sh runs 30.
. "$(dirname "$0")/lib.sh"
ROUNDS=${CRASH_ROUNDS:-3}
SEED=${CRASH_SEED:-1}
"$DEPOTCTL" seed "$DB" --items 500 --seed 1 >/dev/null || { fail "seed"; exit 1; }

mod=$(sql "SELECT slug FROM reserve_module ORDER BY id LIMIT 1")
line=$(sql "SELECT l.slug FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id WHERE m.slug = '$mod' ORDER BY l.id LIMIT 1")
tag=$(sql "SELECT tag FROM item WHERE status = 'in-service' ORDER BY id LIMIT 1")
cs=$(sql "SELECT callsign FROM vehicle WHERE status <> 'retired' ORDER BY id LIMIT 1")

cat >"$T/writer.py" <<'PY'
"""Writes changes until the filesystem fails; logs each after close()."""
import os, random, sys

mnt, mod, line, tag, cs, seed, log = sys.argv[1:8]
rng = random.Random(int(seed))
count = os.path.join(mnt, "reserves", mod, line, "count")
status = os.path.join(mnt, "equipment", tag, "status")
notes = os.path.join(mnt, "fleet", cs, "notes")
statuses = ["maintenance", "reserve", "in-service", "out-of-service"]
out = open(log, "w", buffering=1)
i = 0
while True:
    r = rng.random()
    if r < 0.6:
        d = rng.choice([1, 2, 3, 5, 7, -1, -2, -4])
        op, path, text = "count", count, "%+d: crash test %d" % (d, i)
        value = str(d)
    elif r < 0.8:
        value = statuses[i % len(statuses)]
        op, path, text = "status", status, "%s: crash test %d" % (value, i)
    else:
        value = "crash test %d; 'quoted' -- note" % i
        op, path, text = "notes", notes, value
    out.write("try %s %s\n" % (op, value))
    try:
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
        try:
            os.write(fd, (text + "\n").encode())
        finally:
            os.close(fd)
    except OSError as e:
        out.write("failed %s %s\n" % (op, e.strerror))
        break
    out.write("done %s %s\n" % (op, value))
    i += 1
PY

cat >"$T/expect.py" <<'PY'
"""From the writer's log: the acceptable final values, one line each:
count LOW HIGH / status A [B] / notes A [B] / done N."""
import sys
start, status0, notes0 = int(sys.argv[2]), sys.argv[3], sys.argv[4]
total, last = 0, {"status": status0, "notes": notes0}
inflight, done = None, 0
for l in open(sys.argv[1]):
    kind, op, value = l.rstrip("\n").split(" ", 2)
    if kind == "try":
        inflight = (op, value)
    elif kind == "done":
        done += 1
        if op == "count":
            total += int(value)
        else:
            last[op] = value
        inflight = None
lo = hi = start + total
alt = dict(last)
if inflight:
    op, value = inflight
    if op == "count":
        lo, hi = min(lo, lo + int(value)), max(hi, hi + int(value))
    else:
        alt[op] = value
print("count %d %d" % (lo, hi))
print("status|%s|%s" % (last["status"], alt["status"]))
print("notes|%s|%s" % (last["notes"], alt["notes"]))
print("done %d" % done)
print("inflight %s" % (inflight[0] if inflight else "none"))
PY

dbcount() { sql "SELECT count FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id WHERE m.slug = '$mod' AND l.slug = '$line'"; }
one_of() { [ "$1" = "$2" ] || [ "$1" = "$3" ]; }

r=0
while [ $r -lt "$ROUNDS" ]; do
    r=$((r + 1))
    seed=$((SEED * 1000 + r))
    delay=$(python3 -c "import random; print('%.2f' % random.Random($seed).uniform(0.5, 2.0))")
    mount_depot
    start=$(cat "$M/reserves/$mod/$line/count")
    st0=$(cat "$M/equipment/$tag/status")
    nt0=$(cat "$M/fleet/$cs/notes")
    python3 "$T/writer.py" "$M" "$mod" "$line" "$tag" "$cs" "$seed" "$T/log.$r" &
    wpid=$!
    sleep "$delay"
    kill -9 "$DPID"
    wait "$DPID" 2>/dev/null
    DPID=""
    fusermount3 -uz "$M" 2>/dev/null
    wait "$wpid"
    python3 "$T/expect.py" "$T/log.$r" "$start" "$st0" "$nt0" >"$T/expect.$r"
    done=$(sed -n 's/^done //p' "$T/expect.$r")
    echo "# round $r (seed $seed): killed after $delay s, $done changes logged, in flight: $(sed -n 's/^inflight //p' "$T/expect.$r")"
    check "round $r: the writer logged changes before the kill" test "$done" -gt 0
    check "round $r: depotctl check passes on the file as the crash left it" "$DEPOTCTL" check "$DB"
    mount_depot
    set -- $(sed -n 's/^count //p' "$T/expect.$r")
    c=$(cat "$M/reserves/$mod/$line/count")
    if [ "$c" -ge "$1" ] && [ "$c" -le "$2" ] && [ "$(dbcount)" = "$c" ]; then
        ok "round $r: count $c = start $start + logged deltas (in [$1, $2])"
    else
        fail "round $r: count $c (database $(dbcount)), expected within [$1, $2]"
    fi
    st=$(cat "$M/equipment/$tag/status")
    IFS='|' read -r _ a b <<EOT
$(grep '^status|' "$T/expect.$r")
EOT
    if one_of "$st" "$a" "$b"; then ok "round $r: status is the last logged ($st)"; else fail "round $r: status '$st', expected '$a' or '$b'"; fi
    nt=$(cat "$M/fleet/$cs/notes")
    IFS='|' read -r _ a b <<EOT
$(grep '^notes|' "$T/expect.$r")
EOT
    if one_of "$nt" "$a" "$b"; then ok "round $r: notes are the last logged"; else fail "round $r: notes '$nt', expected '$a' or '$b'"; fi
    check "round $r: the remounted daemon still serves" test -s "$M/README"
    unmount_depot
    cat "$LOG" >>"$T/daemon.all"
    check "round $r: depotctl check passes after the remount" "$DEPOTCTL" check "$DB"
done
if grep -qE 'ERROR: AddressSanitizer|runtime error|LeakSanitizer' "$T/daemon.all"; then
    fail "a daemon's sanitizer report:"
    sed -n '1,60p' "$T/daemon.all"
fi
