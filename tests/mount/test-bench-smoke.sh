#!/bin/sh
# test-bench-smoke.sh: scripts/bench runs to completion on a small depot and
# prints every workload row of its table.  It checks no timing: the bounds are
# not enforced (BENCH_NO_BOUNDS=1), but an error (a failed command, a lost
# write, a copy that differs) still fails the run.  Uses $DEPOTFS like every
# mounted test; bench cleans up its own mounts and temp dir.
. "$(dirname "$0")/lib.sh"

BENCH_NO_BOUNDS=1 ITEMS=500 ROUNDS=1 BIG=0 WRITES=1000 DEPOTFS="$DEPOTFS" DEPOTCTL="$DEPOTCTL" \
    python3 "$ROOT/scripts/bench" >"$T/out" 2>&1
rc=$?
check_eq "bench exits 0 with bounds not enforced" "0" "$rc"
[ "$rc" -eq 0 ] || sed -n '1,80p' "$T/out"
check "bench prints the machine" grep -qE '^machine: nproc [0-9]+, .*, kernel ' "$T/out"
check "bench prints the table header" grep -qE '^\| workload +\| depotfs median +\| tmpfs median +\| ratio +\| bound +\| result +\|$' "$T/out"

# every workload row: a name, then five cells, the first a figure
while IFS= read -r name; do
    if grep -qE "^\| $name +\| [0-9][0-9.,]* (s|ms|us|w/s|MiB) +\|[^|]+\|[^|]+\|[^|]+\|[^|]+\|$" "$T/out"; then
        ok "row: $name"
    else
        fail "row: $name"
    fi
done <<'ROWS'
cold find equipment stations
cold ls -lR equipment stations
warm ls -lR equipment stations
cold cat of every status
warm cat of every status
1000 count writes, sequential, 1 process
  writes/s, sequential, 1 process
1000 count writes, split over 4 processes
  writes/s, split over 4 processes
random status cat latency, 500 items
mount answers \(cold\), 500 items
daemon peak RSS, 500 items
ROWS
check "the comparison rows have a tmpfs figure and a ratio" \
    sh -c "grep -E '^\| (cold|warm) ' '$T/out' | grep -cE '\| [0-9.]+x +\|' | grep -qx 5"
check "the bounded rows have a verdict" \
    sh -c "grep -cE '\| (PASS|FAIL) +\|$' '$T/out' | grep -qx 6"
check "find lists the same names on both sides" grep -q 'find lists the same' "$T/out"
check "bench says how the bounds went" grep -qE '^bench: (every bound holds|[0-9]+ bound\(s\) exceeded.*not enforced)' "$T/out"
tmp=$(sed -n 's/^temp: *\([^ ]*\) .*/\1/p' "$T/out")
check "bench names its temp dir" test -n "$tmp"
check_not "bench left no mount behind" grep -qF " ${tmp:-/nonexistent}/" /proc/self/mountinfo
check_not "bench left no temp dir behind" test -e "${tmp:-/nonexistent}"
