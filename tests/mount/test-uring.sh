#!/bin/sh
# test-uring.sh: requests over io_uring (fs/uring.c), and without it.
#
# Where the kernel has FUSE over io_uring, the daemon takes its requests on
# per-CPU queues once the fuse module allows it (enable_uring=Y, which
# scripts/enable-uring sets for make test).  Checked here: that requests do
# come that way (a thread that served one is named uring-cpuN); that
# -o uring=0, a kernel that does not allow it and a daemon without
# CAP_SYS_NICE all fall back to /dev/fuse; that a bad value is refused; that
# the daemon stops cleanly (unmount, SIGTERM); and that a killed one leaves
# a mount fusermount3 can take down.  Then a storm aimed at the directory
# locks: programs listing and looking up in the stations' views, whose locks
# a write's invalidations need, while other programs move items between
# those very views.  A worker that waited for such a lock could wait for a
# request only the workers of one CPU (over io_uring), or only a worker of a
# full pool (over /dev/fuse), can answer; every program must finish (fs/ll.c,
# "the notifiers").  The parameter is global: when this test changes it, it
# puts it back.
. "$(dirname "$0")/lib.sh"

P=/sys/module/fuse/parameters/enable_uring
HAVE=0
[ -e "$P" ] && HAVE=1
ORIG=$( [ $HAVE -eq 1 ] && cat "$P")
restore() { [ $HAVE -eq 1 ] && [ -w "$P" ] && echo "$ORIG" > "$P" 2>/dev/null; }
set_param() { [ -w "$P" ] && echo "$1" > "$P" 2>/dev/null && [ "$(cat "$P")" = "$1" ]; }
trap 'restore; cleanup; echo "$NAME: $PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ] && exit 0; exit 1' EXIT

# alive PID: running (a child that has exited stays a zombie until waited for).
alive() { st=$(ps -o stat= -p "$1" 2>/dev/null); [ -n "$st" ] && [ "${st#Z}" = "$st" ]; }
# said_uring: the daemon's threads that served a request from a ring are
# named uring-cpuN (fs/uring.c).
said_uring() { cat /proc/"$DPID"/task/*/comm 2>/dev/null | grep -q '^uring-cpu'; }
# idle_waiters: every such thread, the daemon being idle, waits for its
# next request as SCHED_IDLE (policy 5, field 41 of stat; fs/uring.c,
# set_idle): one waiting as SCHED_OTHER keeps its CPU from counting as
# idle, and the program its neighbour answers moves to another CPU.
idle_waiters() {
    n=0
    for t in /proc/"$DPID"/task/*; do
        grep -q '^uring-cpu' "$t/comm" 2>/dev/null || continue
        [ "$(sed 's/.*) //' "$t/stat" | cut -d' ' -f39)" = 5 ] || return 1
        n=$((n + 1))
    done
    [ $n -gt 0 ]
}

# A value read and written, so that requests of every kind have come.
exercise() {
    tag=$(sql "SELECT tag FROM item WHERE status = 'in-service' ORDER BY id LIMIT 1")
    ls -l "$M/equipment/$tag" >/dev/null && cat "$M/equipment/$tag/status" >/dev/null \
        && echo "in-service: exercise" > "$M/equipment/$tag/status" \
        && [ "$(cat "$M/equipment/$tag/status")" = in-service ]
}

# Refused option.
mkdir -p "$M"
"$DEPOTCTL" seed "$DB" --items 2000 --seed 1 >/dev/null
if "$DEPOTFS" -f -o uring=2 "$DB" "$M" 2>"$T/err"; then
    fail "-o uring=2 is refused"
else
    check "-o uring=2 is refused with a line that names the option" grep -q "option uring" "$T/err"
fi

if [ $HAVE -eq 1 ] && set_param Y; then
    mount_depot 2000
    check "a read and a write work over io_uring" exercise
    check "requests come over io_uring (threads uring-cpuN served them)" said_uring
    check "the rings' threads wait for requests as SCHED_IDLE" idle_waiters
    # A daemon stopped by SIGTERM unmounts and exits (the queues' threads end).
    kill -TERM "$DPID"
    i=0
    while alive "$DPID" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    check_not "SIGTERM stops the daemon within 10 s" alive "$DPID"
    kill -9 "$DPID" 2>/dev/null
    wait "$DPID" 2>/dev/null
    DPID=""
    mountpoint -q "$M" && fusermount3 -u "$M"

    mount_depot 2000 -o uring=0
    check "with -o uring=0 a read and a write work" exercise
    check_not "with -o uring=0 requests come through /dev/fuse" said_uring
    unmount_depot

    # A daemon that could not take its threads back from SCHED_IDLE (no
    # CAP_SYS_NICE, RLIMIT_NICE 0) uses no rings (fs/uring.c, set_idle).
    if command -v setpriv >/dev/null && command -v prlimit >/dev/null; then
        # (prlimit and setpriv exec the daemon: $DPID stays its pid)
        saved=${VALGRIND:-}
        VALGRIND="prlimit --nice=0:0 setpriv --inh-caps=-sys_nice --bounding-set=-sys_nice"
        mount_depot 2000
        VALGRIND=$saved
        check "without CAP_SYS_NICE a read and a write work" exercise
        check_not "without CAP_SYS_NICE requests come through /dev/fuse" said_uring
        unmount_depot
    fi

    # A killed daemon: the mount is dead, fusermount3 takes it down, and
    # the database holds every acknowledged write.
    mount_depot 2000
    exercise >/dev/null
    tag=$(sql "SELECT tag FROM item WHERE status = 'in-service' ORDER BY id LIMIT 1 OFFSET 1")
    echo "maintenance: before the kill" > "$M/equipment/$tag/status"
    kill -KILL "$DPID"
    wait "$DPID" 2>/dev/null
    DPID=""
    check_not "after kill -9 the mount answers no more" ls "$M/equipment"
    check "fusermount3 -u takes the dead mount down" fusermount3 -u "$M"
    check_eq "the write acknowledged before the kill is in the database" maintenance \
        "$(sql "SELECT status FROM item WHERE tag = '$tag'")"
else
    echo "ok - # skip: this kernel has no FUSE over io_uring, or it cannot be turned on here"
fi

if [ $HAVE -eq 1 ] && set_param N; then
    mount_depot 2000
    check "with enable_uring=N a read and a write work" exercise
    check_not "with enable_uring=N requests come through /dev/fuse" said_uring
    unmount_depot
    restore
fi

# The lock storm, over io_uring where there is one (the default mount).
set_param Y || true
mount_depot 2000
SECS=${URING_STORM_SECONDS:-8}
sql "SELECT tag FROM item i JOIN category c ON c.id = i.category_id WHERE i.status = 'in-service'
     AND i.vehicle_id IS NULL AND c.slug = 'scba' ORDER BY i.id LIMIT 16" >"$T/items"
sql "SELECT slug FROM site WHERE kind <> 'logistics-base' ORDER BY id LIMIT 3" >"$T/sites"
check "there are items and stations to storm" test -s "$T/items" -a -s "$T/sites"
cat >"$T/storm.py" <<'PY'
import os, random, sys, time
M, T, role, seed, secs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
rng = random.Random(seed)
items = open(T + "/items").read().split()
sites = open(T + "/sites").read().split()
end = time.time() + secs
n = 0
while time.time() < end:
    n += 1
    site = rng.choice(sites)
    view = f"{M}/stations/{site}/equipment/scba"
    try:
        if role == "write":
            tag = rng.choice(items)
            with open(f"{M}/equipment/{tag}/station", "w") as f:
                f.write(site + "\n")
        elif role == "mv":
            tag = rng.choice(items)
            src = open(f"{M}/equipment/{tag}/station").read().strip()
            if src != site:
                os.rename(f"{M}/stations/{src}/equipment/scba/{tag}", f"{view}/{tag}")
        else:
            for name in os.listdir(view):
                try:
                    os.lstat(f"{view}/{name}")
                except FileNotFoundError:
                    pass            # moved away meanwhile
            for tag in rng.sample(items, 4):
                os.path.lexists(f"{view}/{tag}")
    except (FileNotFoundError, OSError) as e:
        if getattr(e, "errno", 0) not in (2, 22):   # a move that lost a race
            print(f"{role}: {e}", file=sys.stderr)
            sys.exit(1)
print(n)
PY
# 24 programs: more blocked writers than a CPU's queue has threads (8),
# which without the notifiers stalled every one of them.
# storm SECONDS: starts the 24 programs (their pids in $pids).
storm() {
    pids=""
    k=0
    for role in ${URING_STORM_ROLES:-write write write write write write write write write write write
                                     write mv mv mv mv list list list list list list list list}; do
        k=$((k + 1))
        python3 "$T/storm.py" "$M" "$T" $role $k "$1" >"$T/out.$k" 2>"$T/err.$k" &
        pids="$pids $!"
    done
}
# ended SECONDS: waits for every program of the storm, at most SECONDS (never
# a bare wait), kills what is left and sets $stuck to how many were.
ended() {
    deadline=$(( $(date +%s) + $1 ))
    stuck=0
    for p in $pids; do
        while alive "$p"; do
            if [ "$(date +%s)" -gt "$deadline" ]; then stuck=$((stuck + 1)); kill -9 "$p" 2>/dev/null; break; fi
            sleep 0.2
        done
    done
}
storm "$SECS"
ended $((SECS + 60))
check_eq "every program of the lock storm ends (none stuck)" 0 "$stuck"
if [ "$stuck" -gt 0 ]; then
    # A deadlock: abort the connection so that the test can end.
    mountpoint -q /sys/fs/fuse/connections || mount -t fusectl none /sys/fs/fuse/connections 2>/dev/null
    echo 1 > "/sys/fs/fuse/connections/$(stat -c %d "$M")/abort" 2>/dev/null
    fail "the lock storm deadlocked; the connection was aborted"
    exit 1
fi
errs=$(cat "$T"/err.* 2>/dev/null | head -5)
check_eq "no program of the storm met an error" "" "$errs"
total=$(cat "$T"/out.* 2>/dev/null | awk '{s += $1} END {print s + 0}')
check "the storm did work ($total rounds)" test "$total" -gt 50
check "the daemon still answers after the storm" exercise
# What the views show is the database's, after the storm: each listing, and
# each stormed item's entry looked up by name in every view (the kernel's
# cached entries, which the moves' invalidations must have dropped).
bad=""
for site in $(cat "$T/sites"); do
    want=$(sql "SELECT i.tag FROM item i JOIN category c ON c.id = i.category_id
                JOIN site s ON s.id = i.station_id WHERE s.slug = '$site' AND c.slug = 'scba'
                AND i.status <> 'retired' ORDER BY i.tag" | tr '\n' ' ')
    got=$(ls "$M/stations/$site/equipment/scba" | sort | tr '\n' ' ')
    [ "$want" = "$got" ] || bad="$bad $site"
    for tag in $(cat "$T/items"); do
        at=$(sql "SELECT s.slug FROM item i JOIN site s ON s.id = i.station_id WHERE i.tag = '$tag'")
        if [ "$at" = "$site" ]; then
            test -L "$M/stations/$site/equipment/scba/$tag" || bad="$bad missing:$site/$tag"
        else
            test -e "$M/stations/$site/equipment/scba/$tag" && bad="$bad stale:$site/$tag"
        fi
    done
done
check_eq "each station's view is the database's after the storm, entry by entry" "" "$bad"
# The daemon must exit after the unmount (its queues' threads end), polled
# with a deadline rather than waited for.
fusermount3 -u "$M"
i=0
while alive "$DPID" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check_not "the daemon exits within 10 s of the unmount" alive "$DPID"
kill -9 "$DPID" 2>/dev/null

# The daemon killed in the middle of the storm.  A notice of the daemon's
# may be waiting for a directory lock that a program holds while its own
# request waits for the daemon: the killed daemon then cannot exit and
# close /dev/fuse, and without its keeper (fs/keeper.c) the kernel would
# never end the programs' requests (all 24 waited for ever before it).
# Every program must end, no process stay in uninterruptible sleep, and the
# database be whole.
if [ "$(id -u)" -ne 0 ]; then
    echo "ok - # skip: the kill -9 storm needs root (umount -f if it fails)"
    exit 0
fi
# A daemon that has exited but is not reaped yet (a zombie, its files
# closed: a daemonized one whose new parent does not reap, or one whose
# parent is busy) must not make its keeper take down the next mount, which
# may get the same connection number.  Both kinds, each followed at once
# by a new mount.
for kind in daemonized child; do
    if [ $kind = daemonized ]; then
        "$DEPOTFS" -o today="$TODAY" "$DB" "$M" || fail "daemonized mount"
        fusermount3 -u "$M"
    else
        mount_depot 2000
        old=$DPID
        DPID=""
        fusermount3 -u "$M"
        i=0
        while alive "$old" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    fi
    mount_depot 2000
    sleep 1.5
    check "a new mount outlives the keeper of an exited $kind daemon not yet reaped" exercise
    unmount_depot
    [ $kind = child ] && wait "$old" 2>/dev/null
done

rm -f "$T"/out.* "$T"/err.*
mount_depot 2000
storm 8
sleep 2
kill -KILL "$DPID"
DPID=""
ended 15
check_eq "after kill -9 in the storm every program ends within 15 s" 0 "$stuck"
if [ "$stuck" -gt 0 ]; then
    umount -f "$M" 2>/dev/null      # what the keeper should have done
    sleep 2
fi
dstate=$(ps -eo stat=,args= | grep "$T/" | grep -v grep | grep -c '^D')
check_eq "no process of this test stays in uninterruptible sleep" 0 "$dstate"
keepers=$(ps -eo comm=,args= | grep '^depotfs-keeper' | grep -c "$T/")
check_eq "the keeper has gone too" 0 "$keepers"
fusermount3 -u "$M" 2>/dev/null
check_not "fusermount3 -u takes the dead mount down" mounted "$M"
check "the database passes depotctl check after the kill" "$DEPOTCTL" check "$DB"
