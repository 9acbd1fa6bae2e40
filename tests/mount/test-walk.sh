#!/bin/sh
# test-walk.sh: a listing carries the attributes of its files only for a
# program that looks at them (fs/walkers.c).  A program that only lists
# (find -name) must cost no lookups and get no attributes it did not ask
# for; one that stats what it lists (ls -lR) must not pay a lookup per
# file; and whatever a listing carried, every tool must see the right
# names, types and sizes.  The daemon runs with -d, so its log shows each
# request it gets.
. "$(dirname "$0")/lib.sh"
mount_depot 300 -d

lookups() { grep -c "opcode: LOOKUP" "$LOG"; }
items=$(sql "SELECT count(*) FROM item")
tag=$(sql "SELECT tag FROM item ORDER BY id LIMIT 1 OFFSET 7")

# find -name: listings without the files' attributes.
stat "$M/equipment" >/dev/null
before=$(lookups)
check_eq "find lists every item's status" "$items" "$(find "$M/equipment" -name status | wc -l)"
check_eq "... without a single lookup" "$before" "$(lookups)"
before=$(lookups)
stat "$M/equipment/$tag/status" >/dev/null
check_eq "... and without the files' attributes (a stat afterwards looks the file up)" \
    "$((before + 1))" "$(lookups)"

# What another program then reads of the lean listings is right.
python3 - "$M/equipment" >"$T/walk.out" 2>&1 <<'PY'
import os, sys
root = sys.argv[1]
bad = dirs = files = 0
for top in sorted(os.scandir(root), key=lambda e: e.name)[:40]:
    assert top.is_dir(follow_symlinks=False), top.path
    dirs += 1
    for e in os.scandir(top.path):
        if e.is_dir(follow_symlinks=False):
            continue
        files += 1
        with open(e.path, "rb") as f:
            data = f.read()
        if not e.is_file(follow_symlinks=False) or e.stat(follow_symlinks=False).st_size != len(data):
            bad += 1
            print("wrong:", e.path, e.stat().st_size, len(data))
print(dirs, files > 10 * dirs, bad)
PY
check_eq "scandir after a lean listing: types and exact sizes" "40 True 0" "$(tail -1 "$T/walk.out")"

# ls -lR on a fresh mount: after the first few files, listings carry the
# attributes, so lookups stay a handful however many files there are.
unmount_depot
mount_depot 300 -d
before=$(lookups)
ls -lR "$M/equipment" >"$T/ls.out"
n=$(grep -c '^-' "$T/ls.out")
check "ls -lR lists thousands of files" test "$n" -gt 3000
check "... with a handful of lookups ($(( $(lookups) - before )))" test $(( $(lookups) - before )) -lt 40
size=$(awk -v t="status" '$NF == t { print $5; exit }' "$T/ls.out")
first=$(awk '/^\/.*:$/ { d = $0 } $NF == "status" { sub(":$", "", d); print d; exit }' "$T/ls.out")
check_eq "... and the sizes it shows are exact" "$(wc -c <"$first/status")" "$size"
check_eq "a value's size after ls -lR" "$(cat "$M/equipment/$tag/serial" | wc -c)" "$(stat -c %s "$M/equipment/$tag/serial")"
