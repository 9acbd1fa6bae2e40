#!/bin/sh
# test-read.sh: browsing the mounted depot with ls, cat, find, grep, tar,
# rsync, jq and Python, checked against direct SQL on the same file.
. "$(dirname "$0")/lib.sh"
mount_depot 2000

# --- the tree ---
check_eq "root lists the SPEC's top level" \
    "README categories deliveries equipment fleet log plans reports reserves stations years" \
    "$(ls "$M" | tr '\n' ' ' | sed 's/ $//')"
check_eq "stations/ lists every site" "$(sql 'SELECT slug FROM site ORDER BY slug')" "$(ls "$M/stations")"
check_eq "fleet/ lists every vehicle" "$(sql 'SELECT callsign FROM vehicle ORDER BY callsign')" "$(ls "$M/fleet")"
check_eq "equipment/ lists every item" "$(sql 'SELECT count(*) FROM item')" "$(ls "$M/equipment" | wc -l)"
check_eq "categories/ lists every category" "$(sql 'SELECT slug FROM category ORDER BY slug')" "$(ls "$M/categories")"
check_eq "reserves/ lists every module" "$(sql 'SELECT slug FROM reserve_module ORDER BY slug')" "$(ls "$M/reserves")"
check_eq "plans/ lists every plan" "$(sql "SELECT year || '.json' FROM plan ORDER BY year")" "$(ls "$M/plans")"
eqcats=$(sql "SELECT slug FROM category WHERE kind = 'equipment' ORDER BY slug")
bad=""
for s in $(ls "$M/stations"); do
    [ "$(ls "$M/stations/$s/equipment")" = "$eqcats" ] || bad="$bad $s"
    [ -d "$M/stations/$s/vehicles" ] || bad="$bad $s/vehicles"
done
check_eq "every equipment category exists under every site" "" "$bad"

site=jiaochangkou
sid=$(sql "SELECT id FROM site WHERE slug = '$site'")
check_eq "a site's vehicles are its non-retired vehicles" \
    "$(sql "SELECT callsign FROM vehicle WHERE station_id = $sid AND status <> 'retired' ORDER BY callsign")" \
    "$(ls "$M/stations/$site/vehicles")"
cat1=scba
check_eq "a site's equipment/<category> lists its non-retired items" \
    "$(sql "SELECT tag FROM item JOIN category c ON c.id = category_id WHERE station_id = $sid AND c.slug = '$cat1' AND status <> 'retired' ORDER BY tag")" \
    "$(ls "$M/stations/$site/equipment/$cat1")"
tag=$(ls "$M/stations/$site/equipment/$cat1" | head -n 1)
check_eq "a view member is a symlink to its canonical directory" \
    "../../../../equipment/$tag" "$(readlink "$M/stations/$site/equipment/$cat1/$tag")"
check_eq "reading through the symlink gives the canonical value" \
    "$(cat "$M/equipment/$tag/status")" "$(cat "$M/stations/$site/equipment/$cat1/$tag/status")"
cs=$(ls "$M/stations/$site/vehicles" | head -n 1)
check_eq "a station's vehicle links to fleet/" "../../../fleet/$cs" "$(readlink "$M/stations/$site/vehicles/$cs")"
check "ls -l shows where a view member lives" sh -c "ls -l '$M/stations/$site/vehicles' | grep -q -- '-> ../../../fleet/$cs'"
check_eq "a retired item is not in its station's view" "" \
    "$(for t in $(sql "SELECT i.tag || ' ' || s.slug || ' ' || c.slug FROM item i JOIN site s ON s.id = i.station_id JOIN category c ON c.id = i.category_id WHERE i.status = 'retired' LIMIT 20" | tr ' ' ':'); do
        IFS=: read -r t s c <<E
$t
E
        [ -e "$M/stations/$s/equipment/$c/$t" ] && echo "$t"; done)"
rtag=$(sql "SELECT tag FROM item WHERE status = 'retired' LIMIT 1")
check "a retired item stays in equipment/" test -d "$M/equipment/$rtag"
ry=$(sql "SELECT substr(acquired, 1, 4) FROM item WHERE tag = '$rtag'")
rc=$(sql "SELECT c.slug FROM item i JOIN category c ON c.id = i.category_id WHERE tag = '$rtag'")
check "a retired item stays in years/<year>/acquired/" test -L "$M/years/$ry/acquired/$rc/$rtag"

# --- attributes ---
check_eq "item attribute files" \
    "acquired category expires history item.json last-inspection model next-inspection notes serial station status vehicle" \
    "$(ls "$M/equipment/$tag" | tr '\n' ' ' | sed 's/ $//')"
check_eq "status agrees with SQL" "$(sql "SELECT status FROM item WHERE tag = '$tag'")" "$(cat "$M/equipment/$tag/status")"
check_eq "expires is acquired + service life" \
    "$(sql "SELECT date(acquired, '+' || c.service_life || ' years') FROM item i JOIN category c ON c.id = i.category_id WHERE tag = '$tag'")" \
    "$(cat "$M/equipment/$tag/expires")"
check_eq "writable attributes are 0644" "644" "$(stat -c %a "$M/equipment/$tag/status")"
check_eq "read-only attributes are 0444" "444" "$(stat -c %a "$M/equipment/$tag/serial")"
check_eq "a site's name is its Chinese name" "$(sql "SELECT name FROM site WHERE slug = '$site'")" "$(cat "$M/stations/$site/name")"
check "item.json passes jq" jq -e . "$M/equipment/$tag/item.json"
mismatch=""
for a in category model serial station vehicle status acquired expires last-inspection next-inspection notes; do
    f=$(cat "$M/equipment/$tag/$a")
    j=$(jq -r --arg a "$a" '.[$a] // "none"' "$M/equipment/$tag/item.json")
    [ "$f" = "$j" ] || mismatch="$mismatch $a($f|$j)"
done
check_eq "item.json agrees with every attribute file" "" "$mismatch"
cs2=$(ls "$M/fleet" | head -n 1)
mismatch=""
for a in type class station status plate year mileage next-service notes; do
    f=$(cat "$M/fleet/$cs2/$a")
    j=$(jq -r --arg a "$a" '.[$a] // "none"' "$M/fleet/$cs2/vehicle.json")
    [ "$f" = "$j" ] || mismatch="$mismatch $a($f|$j)"
done
check_eq "vehicle.json agrees with every attribute file" "" "$mismatch"

# --- st_size is exact everywhere, with cat, Python and wc ---
python3 - "$M" >"$T/sizes.txt" 2>&1 <<'PY'
import os, sys, random
root = sys.argv[1]
random.seed(1)
bad, n = [], 0
def check(p):
    global n
    st = os.stat(p)
    with open(p, 'rb') as f:
        data = f.read()
    n += 1
    if len(data) != st.st_size:
        bad.append(f"{p}: st_size {st.st_size}, read {len(data)}")
    if data and not data.endswith(b"\n"):
        bad.append(f"{p}: does not end in a newline")
for top in ["README", "stations", "fleet", "categories", "reserves", "plans", "reports", "log", "years/2023"]:
    p = os.path.join(root, top)
    if os.path.isfile(p):
        check(p); continue
    for d, dirs, files in os.walk(p):
        for f in files:
            check(os.path.join(d, f))
items = sorted(os.listdir(os.path.join(root, "equipment")))
for t in random.sample(items, 100):
    d = os.path.join(root, "equipment", t)
    for f in os.listdir(d):
        check(os.path.join(d, f))
print(f"checked {n} files")
for b in bad[:20]:
    print(b)
sys.exit(1 if bad else 0)
PY
if [ $? -eq 0 ]; then ok "st_size equals what Python reads, and every file ends in a newline ($(head -n 1 "$T/sizes.txt"))"; else fail "st_size: $(head -n 5 "$T/sizes.txt")"; fi
f="$M/stations/$site/summary"
check_eq "wc -c agrees with ls -l for a summary" "$(stat -c %s "$f")" "$(wc -c <"$f")"
check_eq "head reads the same" "$(head -c 100 "$M/README")" "$(cat "$M/README" | head -c 100)"
check_eq "tail reads the same" "$(tail -n 2 "$M/reports/low-stock")" "$(cat "$M/reports/low-stock" | tail -n 2)"

# --- inodes, links, times ---
i1=$(stat -c %i "$M/equipment/$tag/status")
i2=$(stat -c %i "$M/stations/$site/equipment/$cat1/$tag/status")
check_eq "the same file through a view has the same inode" "$i1" "$i2"
check_eq "distinct files have distinct inodes" \
    "$(find "$M/fleet" "$M/stations" "$M/reserves" -not -type l | wc -l)" \
    "$(find "$M/fleet" "$M/stations" "$M/reserves" -not -type l -printf '%i\n' | sort -u | wc -l)"
check_eq "files have one link" "1" "$(stat -c %h "$M/equipment/$tag/status")"
check_eq "an object directory has 2 + its subdirectories links" "3" "$(stat -c %h "$M/fleet/$cs2")"
ct=$(sql "SELECT created_ns / 1000000000 FROM item WHERE tag = '$tag'")
check_eq "an unchanged value's mtime is its object's creation" "$ct" "$(stat -c %Y "$M/equipment/$tag/model")"

# --- errors ---
check_eq "an unknown site is ENOENT" "No such file or directory" "$(ls "$M/stations/atlantis" 2>&1 | sed 's/.*: //')"
check_eq "an unknown item is ENOENT" "No such file or directory" "$(cat "$M/equipment/nope-000001/status" 2>&1 | sed 's/.*: //')"
check_eq "a vehicle type is not a station equipment category" "No such file or directory" \
    "$(ls "$M/stations/$site/equipment/water-tender" 2>&1 | sed 's/.*: //')"
check_eq "a year out of range is ENOENT" "No such file or directory" "$(ls "$M/years/1850" 2>&1 | sed 's/.*: //')"
check_eq "a path through a file is ENOTDIR" "Not a directory" "$(cat "$M/README/x" 2>&1 | sed 's/.*: //')"
check_eq "reading a directory is EISDIR" "Is a directory" "$(cat "$M/stations" 2>&1 | sed 's/.*: //')"
check_eq "an unknown attribute is ENOENT" "No such file or directory" "$(cat "$M/equipment/$tag/colour" 2>&1 | sed 's/.*: //')"

# --- tools ---
check "grep -R finds a serial" sh -c "grep -R -q '$(cat "$M/equipment/$tag/serial")' '$M/equipment/$tag'"
check "grep -R over fleet/ works" grep -R -q in-service "$M/fleet"
check "tar archives a subtree" tar -C "$M" -cf "$T/fleet.tar" fleet
mkdir -p "$T/untar"
tar -C "$T/untar" -xf "$T/fleet.tar" 2>/dev/null
check "tar's copy equals the tree" diff -r --no-dereference "$T/untar/fleet" "$M/fleet"
check "rsync -a copies a subtree" rsync -a "$M/reserves/" "$T/rsync/"
check "rsync's copy equals the tree" diff -r --no-dereference "$T/rsync" "$M/reserves"
check_eq "a second rsync transfers nothing" "0" \
    "$(rsync -a --stats "$M/reserves/" "$T/rsync/" | sed -n 's/^Number of regular files transferred: //p')"
check "cp -r copies a vehicle" cp -r "$M/fleet/$cs2" "$T/cp"
check "cp's copy equals the vehicle" diff -r --no-dereference "$T/cp" "$M/fleet/$cs2"
check "find -newer works" sh -c "find '$M/fleet' -newer '$M/README' >/dev/null"
check "every plan passes jq -e" sh -c "for f in '$M'/plans/*.json; do jq -e . \"\$f\" >/dev/null || exit 1; done"
check_eq "years/<year>/plan.json is a link to the plan" "../../plans/2023.json" "$(readlink "$M/years/2023/plan.json")"
check "plan.json reads through the link" jq -e '.year == 2023' "$M/years/2023/plan.json"

# --- reports against SQL ---
for r in low-stock due-inspection end-of-life plan-execution indicators; do
    check "reports/$r exists" test -s "$M/reports/$r"
    check "reports/$r.csv has a header row" sh -c "head -n 1 '$M/reports/$r.csv' | grep -q ,"
done
low=$(sql "SELECT count(*) FROM reserve_line WHERE count < minimum")
check_eq "low-stock.csv has one row per line under its minimum" "$low" "$(($(wc -l <"$M/reports/low-stock.csv") - 1))"
due=$(sql "SELECT count(*) FROM item i JOIN category c ON c.id = i.category_id WHERE i.status <> 'retired' AND date(coalesce(i.last_inspection, i.acquired), '+' || c.inspection_interval || ' days') <= date('$TODAY', '+30 days')")
check_eq "due-inspection.csv has one row per item due within 30 days" "$due" "$(($(wc -l <"$M/reports/due-inspection.csv") - 1))"
eol=$(sql "SELECT count(*) FROM item i JOIN category c ON c.id = i.category_id WHERE i.status <> 'retired' AND date(i.acquired, '+' || c.service_life || ' years') <= '$TODAY'")
check_eq "end-of-life.csv has one row per item still held past its life" "$eol" "$(($(wc -l <"$M/reports/end-of-life.csv") - 1))"

# --- a second cat of a settled value: no more work than an open ---
# A cached open puts the value's pages in the kernel's page cache
# (fs/ll.c, store_pages: a notify with three iovecs, the second 24 bytes);
# once done since the value's last change, later opens do not do it again.
if command -v strace >/dev/null; then
    f="$M/equipment/$tag/status"
    sleep 1.1                       # settled (fs/held.c)
    cat "$f" >/dev/null
    strace -f -qq -e trace=writev -p "$DPID" -o "$T/stores" 2>/dev/null &
    spid=$!
    sleep 1
    for i in 1 2 3 4 5 6 7 8 9 10; do cat "$f" >/dev/null; done
    v=$(cat "$f")
    kill "$spid" 2>/dev/null
    wait "$spid" 2>/dev/null
    n=$(grep -c 'iov_len=24}, {' "$T/stores")
    check "ten cats of a settled value store its pages at most once more ($n)" test "$n" -le 1
    check_eq "... and read its value" "$(sql "SELECT status FROM item WHERE tag = '$tag'")" "$v"
else
    echo "skipped: the page stores (no strace)"
fi

# --- a second mount: inodes are stable ---
unmount_depot
mount_depot
check_eq "inode numbers survive a remount" "$i1" "$(stat -c %i "$M/equipment/$tag/status")"
