#!/bin/sh
# test-cache.sh: the kernel's caches under a storm of changes.  For a few
# seconds, writers change statuses (through the canonical path and through
# the stations' views), move items between stations (echo and mv), move
# vehicles with their loads and adjust counts, while readers read those
# values, their item.json, and list and stat the stations' views.  Every
# read must be one whole value (never cut, padded or empty) and every
# item.json valid JSON.  When the writers stop, everything the kernel shows
# must be what the database holds: each value and its size, each station's
# view, each vehicle list.  (That a change shows at once, before the watcher
# drops every cached entry after our own writes too, test-coherence.sh
# checks one change at a time.)  CACHE_SECONDS changes the length of the
# storm.
. "$(dirname "$0")/lib.sh"
mount_depot 2000

SECS=${CACHE_SECONDS:-6}
sql "SELECT i.tag FROM item i JOIN category c ON c.id = i.category_id WHERE i.status <> 'retired'
     AND i.vehicle_id IS NULL AND c.slug IN ('scba', 'drone', 'helmet') ORDER BY i.id LIMIT 24" >"$T/items"
sql "SELECT callsign FROM vehicle WHERE status <> 'retired' ORDER BY id LIMIT 3" >"$T/vehicles"
sql "SELECT m.slug || '/' || l.slug FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id
     ORDER BY l.id LIMIT 5" >"$T/lines"
sql "SELECT slug FROM site WHERE kind <> 'logistics-base' ORDER BY id" >"$T/sites"
check "there are items, vehicles and lines to storm" test -s "$T/items" -a -s "$T/vehicles" -a -s "$T/lines"

cat >"$T/storm.py" <<'PY'
import json, os, random, re, sys, time

M, T, role, seed, secs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
rng = random.Random(seed)
items = open(T + "/items").read().split()
vehicles = open(T + "/vehicles").read().split()
lines = open(T + "/lines").read().split()
sites = open(T + "/sites").read().split()
end = time.time() + secs
errors = []
one_line = re.compile(rb"^[^\n]*\n$")

def read(path):
    with open(path, "rb") as f:
        return f.read()

def write(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)

def where(tag):
    site = read(f"{M}/equipment/{tag}/station").decode().strip()
    cat = read(f"{M}/equipment/{tag}/category").decode().strip()
    return site, cat

n = 0
while time.time() < end:
    n += 1
    try:
        if role == "status":
            tag = rng.choice(items)
            st = rng.choice(["in-service", "reserve", "maintenance", "out-of-service"])
            if rng.random() < 0.5:
                write(f"{M}/equipment/{tag}/status", st + "\n")
            else:
                site, cat = where(tag)
                write(f"{M}/stations/{site}/equipment/{cat}/{tag}/status", st + "\n")
        elif role == "move":
            tag = rng.choice(items)
            to = rng.choice(sites)
            site, cat = where(tag)
            if to == site:
                continue
            if rng.random() < 0.5:
                write(f"{M}/equipment/{tag}/station", to + ": storm\n")
            else:
                os.rename(f"{M}/stations/{site}/equipment/{cat}/{tag}",
                          f"{M}/stations/{to}/equipment/{cat}/{tag}")
        elif role == "vehicle":
            write(f"{M}/fleet/{rng.choice(vehicles)}/station", rng.choice(sites) + "\n")
            time.sleep(0.01)
        elif role == "count":
            write(f"{M}/reserves/{rng.choice(lines)}/count", rng.choice(["+1", "-1", "+2"]) + "\n")
        elif role == "read":
            tag = rng.choice(items)
            for a in ("status", "station", "vehicle"):
                v = read(f"{M}/equipment/{tag}/{a}")
                if not one_line.match(v) or v == b"\n":
                    errors.append(f"{tag}/{a}: {v!r}")
            try:
                json.loads(read(f"{M}/equipment/{tag}/item.json"))
            except ValueError as e:
                errors.append(f"{tag}/item.json: {e}")
            v = read(f"{M}/reserves/{rng.choice(lines)}/count")
            if not re.match(rb"^[0-9]+\n$", v):
                errors.append(f"count: {v!r}")
        elif role == "list":
            site = rng.choice(sites)
            d = f"{M}/stations/{site}/equipment/{rng.choice(['scba', 'drone', 'helmet'])}"
            for name in os.listdir(d):
                try:
                    os.lstat(f"{d}/{name}")
                except FileNotFoundError:
                    pass        # moved away meanwhile
            for name in os.listdir(f"{M}/stations/{site}/vehicles"):
                try:
                    os.lstat(f"{M}/stations/{site}/vehicles/{name}")
                except FileNotFoundError:
                    pass
    except FileNotFoundError:
        pass                    # an item moved between reading its place and using it
    except OSError as e:
        errors.append(f"{role}: {e}")
print(n)
for e in errors[:10]:
    print("error " + e)
PY

pids=""
s=0
for role in status status move move vehicle count read read list; do
    s=$((s + 1))
    python3 "$T/storm.py" "$M" "$T" "$role" "$s" "$SECS" >"$T/out.$s.$role" 2>&1 &
    pids="$pids $!"
done
wait $pids
check_eq "no worker saw an error, a cut or an empty value, or bad JSON" "" \
    "$(grep -h -A12 '^error \|^Traceback' "$T"/out.* | head -n 20)"
check "the readers read many times" test "$(head -n 1 "$T"/out.7.read)" -gt 50
check "items moved many times" test "$(sql "SELECT count(*) FROM journal WHERE attribute = 'station' AND object_kind = 'item'")" -gt 20

# Quiet now: all the kernel shows must be the database.
sleep 1.2
bad=""
for tag in $(cat "$T/items"); do
    for a in status station vehicle; do
        want=$(sql "SELECT CASE '$a' WHEN 'status' THEN i.status WHEN 'station' THEN s.slug
                    ELSE coalesce(v.callsign, 'none') END FROM item i JOIN site s ON s.id = i.station_id
                    LEFT JOIN vehicle v ON v.id = i.vehicle_id WHERE i.tag = '$tag'")
        have=$(cat "$M/equipment/$tag/$a")
        size=$(stat -c %s "$M/equipment/$tag/$a")
        [ "$want" = "$have" ] || bad="$bad $tag/$a=$have(db:$want)"
        [ "$size" = "$(( ${#want} + 1 ))" ] || bad="$bad $tag/$a:size=$size"
    done
    [ "$(jq -r .station "$M/equipment/$tag/item.json")" = "$(cat "$M/equipment/$tag/station")" ] \
        || bad="$bad $tag/item.json"
done
check_eq "every stormed value, and its size, is the database's" "" "$bad"
bad=""
# in_view STATION LINK: the view entry LINK must exist if the object is at
# STATION, the station whose view is being checked ($site), and not else.
in_view() {
    if [ "$1" = "$site" ]; then
        test -L "$2" || bad="$bad missing:$2"
    else
        test -e "$2" && bad="$bad stale:$2"
    fi
}
for site in $(cat "$T/sites"); do
    for c in scba drone helmet; do
        want=$(sql "SELECT i.tag FROM item i JOIN site s ON s.id = i.station_id JOIN category c
                    ON c.id = i.category_id WHERE s.slug = '$site' AND c.slug = '$c'
                    AND i.status <> 'retired' ORDER BY i.tag" | tr '\n' ' ')
        have=$(ls "$M/stations/$site/equipment/$c" | sort | tr '\n' ' ')
        [ "$want" = "$have" ] || bad="$bad $site/$c"
    done
    for tag in $(cat "$T/items"); do
        s=$(sql "SELECT s.slug FROM item i JOIN site s ON s.id = i.station_id WHERE i.tag = '$tag'")
        c=$(sql "SELECT c.slug FROM item i JOIN category c ON c.id = i.category_id WHERE i.tag = '$tag'")
        in_view "$s" "$M/stations/$site/equipment/$c/$tag"
    done
    want=$(sql "SELECT v.callsign FROM vehicle v JOIN site s ON s.id = v.station_id
                WHERE s.slug = '$site' AND v.status <> 'retired' ORDER BY 1" | tr '\n' ' ')
    have=$(ls "$M/stations/$site/vehicles" | sort | tr '\n' ' ')
    [ "$want" = "$have" ] || bad="$bad $site/vehicles"
    for v in $(cat "$T/vehicles"); do
        vs=$(sql "SELECT s.slug FROM vehicle v JOIN site s ON s.id = v.station_id WHERE v.callsign = '$v'")
        in_view "$vs" "$M/stations/$site/vehicles/$v"
    done
done
check_eq "every station's view and vehicle list is the database's, entry by entry" "" "$bad"
bad=""
for l in $(cat "$T/lines"); do
    want=$(sql "SELECT l.count FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id
                WHERE m.slug || '/' || l.slug = '$l'")
    [ "$want" = "$(cat "$M/reserves/$l/count")" ] || bad="$bad $l"
done
check_eq "every stormed count is the database's" "" "$bad"
check "the daemon is still running" kill -0 "$DPID"
unmount_depot
check "depotctl check passes" "$DEPOTCTL" check "$DB"
