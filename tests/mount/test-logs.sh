#!/bin/sh
# test-logs.sh: log/changes and log/errors at the size years of use give
# them (250,000 changes, about 40 MB): stat, cat, dd, tail, a reader at
# random offsets and a reader that waits for more all see the same text,
# line for line the journal's rows, and the daemon never holds it whole.
. "$(dirname "$0")/lib.sh"

"$DEPOTCTL" seed "$DB" --items 2000 --seed 1 >/dev/null || { fail "seed"; exit 1; }
# Rows as the daemon writes them, each line with a mark of its own (the
# user u<N>), of every length up to about 250 bytes, some needing escapes.
sqlite3 "$DB" "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 250000)
     INSERT INTO journal (at_ns, uid, user, pid, process, object_kind, object_id, object,
                          attribute, old, new, reason)
     SELECT 1764547200000000000 + i * 1000000, 1000, 'u' || i, i, 'python3', 'line', 1,
            'flood/sandbags', 'count', i - 1, i,
            substr('pumped out the basement at Chaotianmen; ' || char(10) || '清淤 ', 1, i % 60)
            || substr(hex(zeroblob(60)), 1, (i * 7) % 120)
     FROM r" || fail "journal rows"
sqlite3 "$DB" "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 50000)
     INSERT INTO refusal (at_ns, uid, user, pid, process, path, value, reason)
     SELECT 1764547200000000000 + i * 1000000, 1000, 'u' || i, i, 'sh',
            'reserves/flood/sandbags/count', '-' || i, 'count cannot go below zero'
     FROM r" || fail "refusal rows"
# ASan keeps freed memory in quarantine (256 MB): without it, the daemon's
# peak RSS shows what it holds.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}:quarantine_size_mb=0"
mount_depot
hwm() { awk '$1 == "VmHWM:" { print $2 }' "/proc/$DPID/status"; }

for log in changes errors; do
    f=$M/log/$log
    table=$( [ $log = changes ] && echo journal || echo refusal )
    rows=$(sql "SELECT count(*) FROM $table")
    before=$(hwm)
    size=$(stat -c %s "$f")
    cat "$f" >"$T/$log"
    after=$(hwm)
    check_eq "log/$log: its size is that of what cat reads" "$size" "$(wc -c <"$T/$log")"
    check_eq "... one line per row" "$rows" "$(wc -l <"$T/$log")"
    check "... well over 4 MB" test "$size" -gt 4000000
    check_eq "... dd in odd blocks reads the same" "$(md5sum <"$T/$log")" \
        "$(dd if="$f" bs=4097 2>/dev/null | md5sum)"
    last=$(sql "SELECT user FROM $table ORDER BY id DESC LIMIT 1")
    check "... tail -n 1 is the last row's line" sh -c "tail -n 1 '$f' | grep -q ' $last(1000) '"
    check_eq "... tail -c 100000 is the end of it" "$(tail -c 100000 "$T/$log" | md5sum)" \
        "$(tail -c 100000 "$f" | md5sum)"
    # The daemon's peak grows far less than the log: it was never held whole
    # (it grew by more than the log's size when it was).  ThreadSanitizer's
    # shadow of the read buffers alone grows more than that.
    if [ $log = changes ] && grep -q __tsan_init "$DEPOTFS"; then
        echo "skipped: the daemon's peak RSS under ThreadSanitizer"
    elif [ $log = changes ]; then
        check "... reading it all took the daemon's peak RSS up by less than half of it (${before:-?} kB to ${after:-?} kB, log $((size / 1024)) kB)" \
            test -n "$before" -a -n "$after" -a $((${after:-0} - ${before:-0})) -lt $((size / 2048))
    fi
done

# Lines by number are the rows by id, anywhere in the log.
bad=0
for i in 1 2 9999 65536 123457 249999 250000; do
    sed -n "${i}p" "$T/changes" | grep -q "^[^ ]* u$i(1000) python3\[$i\] line/flood/sandbags count: $((i - 1)) -> $i" || bad=$i
done
check_eq "line N of log/changes is row N of the journal" 0 "$bad"
check "a newline in a reason stays on its line, escaped" grep -q 'Chaotianmen; \\x0a' "$T/changes"

# A program reading at random places (pread), and one waiting at the end of
# an open log for a change made through the mount.
python3 - "$M/log/changes" "$T/changes" "$M/reserves" >"$T/py.out" 2>&1 <<'PY'
import glob, os, random, sys
path, copy, reserves = sys.argv[1:]
full = open(copy, "rb").read()
fd = os.open(path, os.O_RDONLY)
rnd = random.Random(7)
for n in range(400):
    off = rnd.randrange(len(full))
    size = rnd.choice([1, 17, 4096, 65536, 131072, 500000])
    got = os.pread(fd, size, off)
    if got != full[off:off + size]:
        sys.exit(f"pread of {size} at {off}: not the log's bytes")
f = os.fdopen(fd, "rb")
f.seek(0, os.SEEK_END)
count = sorted(glob.glob(os.path.join(reserves, "*/*/count")))[0]
with open(count, "w") as w:
    w.write("+1: seen by a reader at the end\n")
more = f.read()
if b"seen by a reader at the end" not in more or more.count(b"\n") != 1:
    sys.exit(f"the open log grew by {more!r}")
if os.fstat(f.fileno()).st_size != len(full) + len(more):
    sys.exit("fstat of the open log is not what it holds")
print("ok")
PY
check "400 preads at random places read the log's bytes; an open log grows by the new line" \
    grep -qx ok "$T/py.out"
[ -s "$T/py.out" ] && ! grep -qx ok "$T/py.out" && sed 's/^/# /' "$T/py.out"
check_eq "log/changes has a line per row still" "$(sql "SELECT count(*) FROM journal")" \
    "$(wc -l <"$M/log/changes")"
check "depotctl check passes" "$DEPOTCTL" check "$DB"
