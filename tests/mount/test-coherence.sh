#!/bin/sh
# test-coherence.sh: the kernel caches values, so every way a value can
# change must show at once (or, for another process writing the database,
# within a second): a write through one path read through another, the
# files that depend on it (item.json, history, summaries, reports, views),
# and a change made with sqlite3 behind the daemon's back.
. "$(dirname "$0")/lib.sh"
mount_depot 2000

tag=$(sql "SELECT tag FROM item WHERE status = 'in-service' AND vehicle_id IS NULL ORDER BY id LIMIT 1")
site=$(sql "SELECT s.slug FROM item i JOIN site s ON s.id = i.station_id WHERE tag = '$tag'")
cat=$(sql "SELECT c.slug FROM item i JOIN category c ON c.id = i.category_id WHERE tag = '$tag'")
I="$M/equipment/$tag"
V="$M/stations/$site/equipment/$cat/$tag"
# Warm every cache: stat and read everything involved, twice.
for i in 1 2; do ls -lR "$I" "$M/stations/$site" >/dev/null; cat "$I"/* "$V/status" "$M/stations/$site/summary" >/dev/null; done

summary_before=$(cat "$M/stations/$site/summary")
link_before=$(stat -c %.9Y "$V")
# held_link LINK FILE VALUE: holds symlink LINK open (O_PATH) while VALUE
# is written to FILE; prints whether fstat saw the mtime change, and whether
# it agrees with lstat by name.  fstat must not see the attributes the
# kernel cached before the write.
held_link() {
    python3 - "$1" "$2" "$3" <<'PY'
import os, sys
fd = os.open(sys.argv[1], os.O_PATH | os.O_NOFOLLOW)
before = os.fstat(fd).st_mtime_ns
with open(sys.argv[2], "w") as f:
    f.write(sys.argv[3] + "\n")
print(before != os.fstat(fd).st_mtime_ns, os.fstat(fd).st_mtime_ns == os.lstat(sys.argv[1]).st_mtime_ns)
PY
}
check_eq "a station view's cached symlink, held open, gets its new mtime at once" "True True" \
    "$(held_link "$V" "$V/status" "maintenance: coherence test")"
check_not "... so does its name" test "$link_before" = "$(stat -c %.9Y "$V")"
check_eq "... the item's" "$(stat -c %.9Y "$I")" "$(stat -c %.9Y "$V")"
check_eq "written through a view, read through the canonical path" "maintenance" "$(cat "$I/status")"
check_eq "... and its size follows" "12" "$(stat -c %s "$I/status")"
check_eq "item.json follows at once" "maintenance" "$(jq -r .status "$I/item.json")"
check "history follows at once" grep -q "coherence test" "$I/history"
check_not "the station summary changes with it" test "$summary_before" = "$(cat "$M/stations/$site/summary")"
echo 2026-11-30 >"$I/last-inspection"
iv=$(sql "SELECT inspection_interval FROM category WHERE slug = '$cat'")
check_eq "a derived value (next-inspection) follows at once" \
    "$(sql "SELECT date('2026-11-30', '+$iv days')")" "$(cat "$I/next-inspection")"
life=$(cat "$M/categories/$cat/service-life")
echo $((life + 1)) >"$M/categories/$cat/service-life"
sleep 0.5
check_eq "a category's service life moves every expiry date" \
    "$(sql "SELECT date(acquired, '+$((life + 1)) years') FROM item WHERE tag = '$tag'")" "$(cat "$I/expires")"
other=jiaochangkou; [ "$site" = "$other" ] && other=hualongqiao
echo "$other" >"$I/station"
check_not "a transfer leaves the old station's view at once" test -e "$V"
check "... and appears in the new one" test -L "$M/stations/$other/equipment/$cat/$tag"

# A cascade: moving a vehicle moves its load, and the load's cached values follow.
vid=$(sql "SELECT vehicle_id FROM item WHERE vehicle_id IS NOT NULL AND status <> 'retired' GROUP BY vehicle_id ORDER BY count(*) DESC LIMIT 1")
vcs=$(sql "SELECT callsign FROM vehicle WHERE id = $vid")
ltag=$(sql "SELECT tag FROM item WHERE vehicle_id = $vid AND status <> 'retired' LIMIT 1")
vto=yinglong; [ "$(cat "$M/fleet/$vcs/station")" = yinglong ] && vto=jiaochangkou
for i in 1 2; do stat "$M/equipment/$ltag/station" >/dev/null; cat "$M/equipment/$ltag/station" >/dev/null; done
echo "$vto" >"$M/fleet/$vcs/station"
check_eq "a vehicle's transfer moves its load's station at once" "$vto" "$(cat "$M/equipment/$ltag/station")"
check_eq "... with the new size" "$((${#vto} + 1))" "$(stat -c %s "$M/equipment/$ltag/station")"

# Behind the daemon's back.
cat "$I/notes" >/dev/null; stat "$I/notes" >/dev/null
sqlite3 "$DB" "UPDATE item SET notes = 'changed by sqlite3' WHERE tag = '$tag'"
sleep 1
check_eq "a change made with sqlite3 shows within a second" "changed by sqlite3" "$(cat "$I/notes")"
check_eq "... with its new size" "19" "$(stat -c %s "$I/notes")"
mod=$(sql "SELECT slug FROM reserve_module ORDER BY id LIMIT 1")
line=$(sql "SELECT l.slug FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id WHERE m.slug = '$mod' ORDER BY l.id LIMIT 1")
cat "$M/reserves/$mod/$line/count" >/dev/null
sqlite3 "$DB" "UPDATE reserve_line SET count = 4242 WHERE slug = '$line'"
sleep 1
check_eq "a count changed with sqlite3 shows within a second" "4242" "$(cat "$M/reserves/$mod/$line/count")"

# The stations' views keep their entries: every change to an item or a
# vehicle must drop them in every station, whichever way it is made.
t2=$(sql "SELECT tag FROM item WHERE status = 'in-service' AND vehicle_id IS NULL AND tag <> '$tag' ORDER BY id DESC LIMIT 1")
s2=$(sql "SELECT s.slug FROM item i JOIN site s ON s.id = i.station_id WHERE tag = '$t2'")
c2=$(sql "SELECT c.slug FROM item i JOIN category c ON c.id = i.category_id WHERE tag = '$t2'")
o2=laifushi; [ "$s2" = "$o2" ] && o2=yinglong
warm() { for i in 1 2; do ls -lR "$M/stations/$s2/equipment/$c2" "$M/stations/$o2/equipment/$c2" >/dev/null; stat "$M/stations/$s2/equipment/$c2/$t2" >/dev/null 2>&1; stat "$M/stations/$o2/equipment/$c2/$t2" >/dev/null 2>&1; done; }
warm
echo "$o2" >"$M/equipment/$t2/station"
check_not "a cached view entry leaves the old station at once" test -e "$M/stations/$s2/equipment/$c2/$t2"
check "... and shows in the new one" test -L "$M/stations/$o2/equipment/$c2/$t2"
check_eq "... in its listing too" "$t2" "$(ls "$M/stations/$o2/equipment/$c2" | grep -x "$t2")"
warm
mv "$M/stations/$o2/equipment/$c2/$t2" "$M/stations/$s2/equipment/$c2/"
check_not "mv takes a cached entry out of the old station at once" test -e "$M/stations/$o2/equipment/$c2/$t2"
check_eq "... the moved link points to the item" "../../../../equipment/$t2" "$(readlink "$M/stations/$s2/equipment/$c2/$t2")"
check "... and resolves" test -f "$M/stations/$s2/equipment/$c2/$t2/status"
# settled_link LINK TARGET: LINK's target once it is TARGET, or what it
# still is after half a second.  Right after mv moves a station's link into
# a load, the kernel may for a moment still show the moved entry, whose
# target is relative to the station (ll.c, settle_moved; README).
settled_link() {
    n=0
    while [ "$(readlink "$1")" != "$2" ] && [ $n -lt 50 ]; do sleep 0.01; n=$((n + 1)); done
    readlink "$1"
}
vcs2=$(sql "SELECT v.callsign FROM vehicle v JOIN site s ON s.id = v.station_id WHERE s.slug = '$s2' AND v.status <> 'retired' LIMIT 1")
if [ -n "$vcs2" ]; then
    warm
    mv "$M/stations/$s2/equipment/$c2/$t2" "$M/fleet/$vcs2/load/"
    check_eq "mv into a load: the link there is the load's own (within half a second)" \
        "../../../equipment/$t2" "$(settled_link "$M/fleet/$vcs2/load/$t2" "../../../equipment/$t2")"
    check "... and resolves" test -f "$M/fleet/$vcs2/load/$t2/status"
    # The kernel moves the old view's symlink to the new name, with its
    # target relative to the old directory: back and forth, the link must
    # always be the new view's own.
    bad=0
    for i in 1 2 3 4 5 6 7 8 9 10; do
        mv "$M/fleet/$vcs2/load/$t2" "$M/stations/$o2/equipment/$c2/" || bad=$((bad + 1))
        [ "$(settled_link "$M/stations/$o2/equipment/$c2/$t2" "../../../../equipment/$t2")" = "../../../../equipment/$t2" ] || bad=$((bad + 1))
        mv "$M/stations/$o2/equipment/$c2/$t2" "$M/fleet/$vcs2/load/" || bad=$((bad + 1))
        [ "$(settled_link "$M/fleet/$vcs2/load/$t2" "../../../equipment/$t2")" = "../../../equipment/$t2" ] || bad=$((bad + 1))
    done
    check_eq "ten moves between a station and a load: every link is its view's own (within half a second)" 0 "$bad"
    # The loads keep their entries too: a write to the item's vehicle must
    # drop its entry in the load it leaves (the journal says which) and in
    # the one it joins.
    v5=$(sql "SELECT callsign FROM vehicle WHERE status <> 'retired' AND callsign <> '$vcs2' ORDER BY id DESC LIMIT 1")
    L1="$M/fleet/$vcs2/load/$t2"
    L2="$M/fleet/$v5/load/$t2"
    warm5() { for i in 1 2; do ls -l "$M/fleet/$vcs2/load" "$M/fleet/$v5/load" >/dev/null; stat "$L1" "$L2" >/dev/null 2>&1; done; }
    warm5
    echo none >"$M/equipment/$t2/vehicle"
    check_not "an item unloaded by a write leaves its load's cached view at once" test -e "$L1"
    warm5
    echo "$v5" >"$M/equipment/$t2/vehicle"
    check "loaded on another vehicle, it is in that load at once" test -L "$L2"
    warm5
    echo "$vcs2: back" >"$M/equipment/$t2/vehicle"
    check_not "moved back, it leaves the other load's cached view at once" test -e "$L2"
    check_eq "... and is in the first one, with the load's own link" "../../../equipment/$t2" "$(readlink "$L1")"
    warm5
    echo "retired: coherence test of the loads" >"$M/equipment/$t2/status"
    check_not "a retired item leaves its load's cached view at once" test -e "$L1"
    echo "in-service: back" >"$M/equipment/$t2/status"
    echo none >"$M/equipment/$t2/vehicle"
fi
warm
echo "retired: coherence test" >"$M/equipment/$t2/status"
check_not "a retired item leaves its station's cached view at once" test -e "$M/stations/$s2/equipment/$c2/$t2"
v3=$(sql "SELECT callsign FROM vehicle WHERE status <> 'retired' ORDER BY id LIMIT 1")
vs=$(cat "$M/fleet/$v3/station")
vo=shidai-tianjie; [ "$vs" = "$vo" ] && vo=jiefangbei
for i in 1 2; do ls -l "$M/stations/$vs/vehicles" "$M/stations/$vo/vehicles" >/dev/null; stat "$M/stations/$vs/vehicles/$v3" >/dev/null; done
echo "$vo" >"$M/fleet/$v3/station"
check_not "a vehicle's cached entry leaves its old station at once" test -e "$M/stations/$vs/vehicles/$v3"
check "... and shows at the new one" test -L "$M/stations/$vo/vehicles/$v3"

# The categories' and years' views keep their entries and symlinks'
# attributes too: a retirement must take an item out of its category at
# once, a change must give every view's symlink its new mtime at once, and
# a category's service life must move the due view.
t3=$(sql "SELECT tag FROM item WHERE status = 'in-service' AND vehicle_id IS NULL AND tag NOT IN ('$tag', '$t2') ORDER BY id LIMIT 1 OFFSET 7")
c3=$(sql "SELECT c.slug FROM item i JOIN category c ON c.id = i.category_id WHERE tag = '$t3'")
y3=$(sql "SELECT strftime('%Y', acquired) FROM item WHERE tag = '$t3'")
life3=$(cat "$M/categories/$c3/service-life")
d3=$((y3 + life3))
CM="$M/categories/$c3/items/$t3"
YA="$M/years/$y3/acquired/$c3/$t3"
YD="$M/years/$d3/due/$c3/$t3"
YN="$M/years/$((d3 + 1))/due/$c3/$t3"
warm3() { for i in 1 2; do ls -l "$M/categories/$c3/items" "$M/years/$y3/acquired/$c3" "$M/years/$d3/due/$c3" >/dev/null; stat "$CM" "$YA" "$YD" >/dev/null 2>&1; readlink "$CM" "$YA" "$YD" >/dev/null 2>&1; done; }
warm3
before=$(stat -c %.9Y "$CM" "$YA" "$YD" | tr '\n' ' ')
check_eq "a year's cached symlink, held open, gets its new mtime at once" "True True" \
    "$(held_link "$YA" "$M/equipment/$t3/notes" "coherence test of the views")"
now=$(stat -c %.9Y "$M/equipment/$t3")
check_eq "... and the category's, the year's acquired and due symlinks all have the item's new mtime" \
    "$now $now $now " "$(stat -c %.9Y "$CM" "$YA" "$YD" | tr '\n' ' ')"
check_not "... which is not the old one" test "$before" = "$now $now $now "
warm3
echo "retired: coherence test of the views" >"$M/equipment/$t3/status"
check_not "a retired item leaves its category's cached view at once" test -e "$CM"
check_not "... and its listing" sh -c "ls '$M/categories/$c3/items' | grep -qx '$t3'"
check "... but stays in the year it was acquired" test -L "$YA"
check "... and the year it is due" test -L "$YD"
warm3
echo "in-service: back from retirement" >"$M/equipment/$t3/status"
check "an item back in service is in its category's view again at once" test -L "$CM"
check_eq "... and its listing" "$t3" "$(ls "$M/categories/$c3/items" | grep -x "$t3")"
warm3
echo $((life3 + 1)) >"$M/categories/$c3/service-life"
sleep 0.5
check_not "a longer service life takes the item out of its old due year's cached view" test -e "$YD"
check "... and puts it in the next year's" test -L "$YN"
echo "$life3" >"$M/categories/$c3/service-life"
sleep 0.5
check_not "a year past the span is not there" test -e "$M/years/2099"
jq '.year = 2099' "$M/plans/2025.json" >"$T/2099.json"
cp "$T/2099.json" "$M/plans/2099.json"
check "a plan for a new year shows that year at once, though it was just looked up" test -L "$M/years/2099/plan.json"
check_eq "... and the years listing ends with it" "2099" "$(ls "$M/years" | tail -n 1)"
v4=$(sql "SELECT callsign FROM vehicle WHERE status NOT IN ('retired') ORDER BY id DESC LIMIT 1")
ty4=$(cat "$M/fleet/$v4/type")
for i in 1 2; do ls -l "$M/categories/$ty4/items" >/dev/null; stat "$M/categories/$ty4/items/$v4" >/dev/null; done
echo "retired: coherence test of the views" >"$M/fleet/$v4/status"
check_not "a retired vehicle leaves its type's cached view at once" test -e "$M/categories/$ty4/items/$v4"

# The logs grow while they are open, as log files do: tail -f (which stats
# the open file every second) and a reader at the end see new lines.
tail -n 0 -f "$M/log/changes" >"$T/tail.out" 2>&1 &
tailpid=$!
sleep 1.5
echo "+1: followed by tail -f" >"$M/reserves/$mod/$line/count"
n=0
while ! grep -q "followed by tail -f" "$T/tail.out" && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
kill "$tailpid" 2>/dev/null
wait "$tailpid" 2>/dev/null
check "tail -f log/changes shows a change made after it started" grep -q "followed by tail -f" "$T/tail.out"
check_eq "... once, and nothing else" 1 "$(wc -l <"$T/tail.out")"
python3 - "$M/log/changes" "$M/log/errors" "$M/reserves/$mod/$line/count" >"$T/grow" 2>&1 <<'PY'
import os, sys
changes, errors, count = sys.argv[1:]
f, g = open(changes, "rb"), open(errors, "rb")
held, held_e = f.read(), g.read()
size = os.fstat(f.fileno()).st_size
with open(count, "w") as c:
    c.write("+1: read at the end\n")
try:
    with open(count, "w") as c:
        c.write("not-a-count\n")
except OSError:
    pass
more, more_e = f.read(), g.read()
whole = open(changes, "rb").read()
print(os.fstat(f.fileno()).st_size == len(held) + len(more), size == len(held),
      more.count(b"\n") == 1 and b"read at the end" in more, held + more == whole,
      b"not-a-count" in more_e, f.read() == b"")
PY
check_eq "an open log read at its end gets the new line, sized, and only it" \
    "True True True True True True" "$(cat "$T/grow")"

# Summaries, reports and logs are rendered once for a stat and the open
# that follows; any change must still show at once.
cat "$M/log/errors" >/dev/null; stat "$M/log/errors" >/dev/null
echo "not-a-status" >"$M/equipment/$tag/status" 2>/dev/null
check "a refusal shows in log/errors at once, though it was just read" grep -q "not-a-status" "$M/log/errors"
check_eq "... with its new size" "$(cat "$M/log/errors" | wc -c)" "$(stat -c %s "$M/log/errors")"
before=$(cat "$M/reports/low-stock")
stat "$M/reports/low-stock" >/dev/null
echo 0 >"$M/reserves/$mod/$line/count"
check_not "a report read a moment ago follows a change at once" test "$before" = "$(cat "$M/reports/low-stock")"

# A stat racing a change to the same object.  A lookup the daemon answered
# before the change becomes an inode only when the program that asked runs
# again; a notice sent before that finds nothing to invalidate, and the new
# inode then kept the old size for a day (a quarter of these item.json
# sizes were wrong).  Fresh mount: no item.json may be cached before.
unmount_depot
mount_depot
python3 - "$M/equipment" >"$T/race" 2>&1 <<'PY'
import os, random, sys, threading, time
root = sys.argv[1]
rnd = random.Random(3)
names = {"maintenance": "reserve", "reserve": "in-service", "in-service": "maintenance"}
tried = wrong = 0
for tag in sorted(os.listdir(root))[:1500]:
    status = os.path.join(root, tag, "status")
    doc = os.path.join(root, tag, "item.json")
    now = open(status).read().strip()
    if now not in names:
        continue
    go = threading.Event()
    def look():
        go.wait()
        time.sleep(rnd.random() * 0.0001)
        os.stat(doc)
    t = threading.Thread(target=look)
    t.start()
    go.set()
    with open(status, "w") as f:
        f.write(names[now] + ": racing a stat\n")
    t.join()
    tried += 1
    size = os.stat(doc).st_size
    if size != len(open(doc, "rb").read()):
        wrong += 1
        if wrong <= 3:
            print(f"# {doc}: stat says {size} bytes after the change, cat reads "
                  f"{len(open(doc, 'rb').read())}")
print(f"{wrong} of {tried}")
PY
check "after a status write raced by a first stat of item.json, stat gives the size cat reads ($(tail -n 1 "$T/race"))" \
    grep -qx "0 of [1-9][0-9]*" "$T/race"
grep '^#' "$T/race"
