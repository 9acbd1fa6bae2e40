#!/bin/sh
# test-plans.sh: procurement plans and delivery notes as JSON files, through
# the mounted tree with the tools people use (cp, jq, dd, cat, Python, shell
# redirection): the 2021-2025 figures against the plan's Annex 4 and 5 and
# against direct SQL, round trips that change nothing, changes that journal
# one row and show at once in the reports, documents refused whole with the
# reason in log/errors, documents arriving in many writes, and delivery notes
# received all or nothing.
. "$(dirname "$0")/lib.sh"
mount_depot 2000

P=$M/plans
D=$M/deliveries
journal() { sql "SELECT count(*) FROM journal"; }
nitems() { sql "SELECT count(*) FROM item"; }
lasterr() { tail -n 1 "$M/log/errors"; }

# --- every plan is JSON, reachable from years/<y>/plan.json, sized exactly ---
# (st_size is compared with the length of the text as read: "cat | wc -c",
# since wc -c on a file may just believe st_size.)
years=$(sql "SELECT year FROM plan ORDER BY year" | tr '\n' ' ')
check_eq "plans/ lists one file per plan in the database" \
    "$(sql "SELECT year || '.json' FROM plan ORDER BY year")" "$(ls "$P")"
for y in $years; do
    check "plans/$y.json passes jq -e ." jq -e . "$P/$y.json"
    check_eq "years/$y/plan.json is a symlink to ../../plans/$y.json" \
        "../../plans/$y.json" "$(readlink "$M/years/$y/plan.json")"
    check "years/$y/plan.json reads the same as plans/$y.json" \
        cmp "$M/years/$y/plan.json" "$P/$y.json"
    check_eq "plans/$y.json st_size is the length of its text" \
        "$(cat "$P/$y.json" | wc -c)" "$(stat -c %s "$P/$y.json")"
    check_eq "plans/$y.json says year $y" "$y" "$(jq .year "$P/$y.json")"
done

# --- the 2021-2025 plan: Annex 4 (vehicles) and Annex 5 (recruits) ---
# FACTS.md, Annex 4, "type=planned" for every type planned that year.
while IFS='|' read -r y annex recruits; do
    check_eq "$y: vehicles planned are Annex 4's" "$annex" \
        "$(jq -r '[.vehicles[] | select(.planned > 0) | "\(.type)=\(.planned)"] | sort | join(" ")' "$P/$y.json")"
    check_eq "$y: vehicles planned in the database are Annex 4's" "$annex" \
        "$(sql "SELECT c.slug || '=' || pl.planned FROM plan_line pl JOIN category c ON c.id = pl.category_id
                WHERE pl.year = $y AND c.kind = 'vehicle' AND pl.planned > 0 ORDER BY c.slug" | tr '\n' ' ' | sed 's/ $//')"
    check_eq "$y: recruits planned are Annex 5's" "$recruits" "$(jq .recruits.planned "$P/$y.json")"
    check_eq "$y: recruits planned as in the database" \
        "$(sql "SELECT recruits FROM plan WHERE year = $y")" "$(jq .recruits.planned "$P/$y.json")"
done <<'EOF'
2021|engineering=1 foam-tender=1 forward-support=2 high-spray=1 water-tender=1|50
2022|forward-support=1|30
2023|foam-tender=1 forward-support=1|40
2024|forward-support=1 water-tender=1|40
2025|aerial-platform=1 forward-support=1|40
EOF
vsum=0; esum=0
for y in 2021 2022 2023 2024 2025; do
    vsum=$((vsum + $(jq '[.vehicles[].planned] | add // 0' "$P/$y.json")))
    esum=$((esum + $(jq '[.equipment[].planned] | add // 0' "$P/$y.json")))
done
check_eq "2021-2025: 13 vehicles planned (Annex 4)" "13" "$vsum"
check "2021-2025: more than 20,000 pieces of equipment planned (got $esum)" test "$esum" -gt 20000

# Planned and delivered of every line against direct SQL: vehicles whose
# year is Y, items acquired in Y, whatever their status now.
for y in $years; do
    want=$(sql "SELECT c.slug, coalesce(pl.planned, 0),
                   CASE c.kind WHEN 'vehicle'
                     THEN (SELECT count(*) FROM vehicle v WHERE v.type_id = c.id AND v.year = $y)
                     ELSE (SELECT count(*) FROM item i WHERE i.category_id = c.id
                           AND strftime('%Y', i.acquired) = '$y') END AS dlv
                FROM category c LEFT JOIN plan_line pl ON pl.year = $y AND pl.category_id = c.id
                WHERE pl.planned IS NOT NULL OR dlv > 0
                ORDER BY c.kind <> 'vehicle', c.id" | tr '|' ' ')
    got=$(jq -r '(.vehicles[] | "\(.type) \(.planned) \(.delivered)"),
                 (.equipment[] | "\(.category) \(.planned) \(.delivered)")' "$P/$y.json")
    check_eq "$y: every line's planned and delivered agree with SQL" "$want" "$got"
    check "$y: delivered is not all zero (the test can fail)" \
        jq -e '[.equipment[].delivered] | add > 0' "$P/$y.json"
    check "$y: totals are the sums of the lines" jq -e '
        .totals.vehicles.planned == ([.vehicles[].planned] | add // 0) and
        .totals.vehicles.delivered == ([.vehicles[].delivered] | add // 0) and
        .totals.equipment.planned == ([.equipment[].planned] | add // 0) and
        .totals.equipment.delivered == ([.equipment[].delivered] | add // 0)' "$P/$y.json"
done

# --- round trip: writing back what was read changes and journals nothing ---
cp "$P/2023.json" "$T/orig.json"
j0=$(journal)
cp "$P/2023.json" "$T/x" && cp "$T/x" "$P/2023.json"
check_eq "cp of the plan onto itself succeeds" "0" "$?"
check_eq "the round trip journals nothing" "$j0" "$(journal)"
check "the round trip changes nothing" cmp "$T/orig.json" "$P/2023.json"
cat "$T/x" >"$P/2023.json"
check_eq "cat > plan of the same text journals nothing" "$j0" "$(journal)"
# A document whose delivered and totals figures are wrong is the same plan.
jq '.equipment[0].delivered = 99999 | .totals.vehicles.planned = 0' "$T/x" >"$T/x2"
check "cp of the plan with other delivered and totals succeeds" cp "$T/x2" "$P/2023.json"
check_eq "delivered and totals are ignored on write: nothing journalled" "$j0" "$(journal)"
check "delivered and totals are ignored on write: nothing changed" cmp "$T/orig.json" "$P/2023.json"

# --- a change: one figure, one journal row, seen at once everywhere ---
cat0=$(jq -r '.equipment[0].category' "$T/orig.json")
old=$(jq '.equipment[0].planned' "$T/orig.json")
new=$((old + 5))
jq '.equipment[0].planned += 5' "$P/2023.json" >"$T/x"
check "cp of a changed plan succeeds" cp "$T/x" "$P/2023.json"
check_eq "the changed figure reads back at once" "$new" "$(jq '.equipment[0].planned' "$P/2023.json")"
check_eq "the changed figure reads back through years/2023/plan.json" "$new" \
    "$(jq '.equipment[0].planned' "$M/years/2023/plan.json")"
check_eq "the changed figure is in the database" "$new" \
    "$(sql "SELECT planned FROM plan_line pl JOIN category c ON c.id = pl.category_id WHERE pl.year = 2023 AND c.slug = '$cat0'")"
check_eq "the change journals one row" "$((j0 + 1))" "$(journal)"
check_eq "the journal row is the 2023 plan's" "plan|2023|plan.json" \
    "$(sql "SELECT object_kind, object, attribute FROM journal ORDER BY id DESC LIMIT 1")"
check "the journal row holds the old and new figures" test \
    "$(sql "SELECT instr(old, '\"$cat0\":$old') > 0 AND instr(new, '\"$cat0\":$new') > 0 FROM journal ORDER BY id DESC LIMIT 1")" = 1
check "nothing else in the plan changed" test \
    "$(jq -S 'del(.totals) | .equipment[0].planned -= 5' "$P/2023.json")" = "$(jq -S 'del(.totals)' "$T/orig.json")"
check_eq "totals follow the change" "$(($(jq .totals.equipment.planned "$T/orig.json") + 5))" \
    "$(jq .totals.equipment.planned "$P/2023.json")"
check_eq "reports/plan-execution shows the new figure" "$new" \
    "$(awk -v c="$cat0" '$1 == "2023" && $2 == "equipment" && $3 == c { print $4 }' "$M/reports/plan-execution")"
check_eq "reports/plan-execution.csv shows the new figure" "$new" \
    "$(awk -F, -v c="$cat0" '$1 == "2023" && $2 == "equipment" && $3 == c { print $4 }' "$M/reports/plan-execution.csv")"
check_eq "reports/plan-execution's 2023 equipment total follows" \
    "$(jq .totals.equipment.planned "$P/2023.json")" \
    "$(awk '$1 == "2023" && $2 == "equipment" && $3 == "total" { print $4 }' "$M/reports/plan-execution")"
check "the changed plan is in log/changes" grep -q "plan.json" "$M/log/changes"
cp "$P/2023.json" "$T/cur.json"

# --- a new year ---
jq '.year = 2026 | .equipment[0].planned = 123 | .recruits.planned = 7' "$T/cur.json" >"$T/y2026.json"
j0=$(journal)
check "cp of a 2026 plan to plans/2026.json creates it" cp "$T/y2026.json" "$P/2026.json"
check "plans/ lists 2026.json" sh -c "ls '$P' | grep -qx 2026.json"
check_eq "years/2026/plan.json appears" "../../plans/2026.json" "$(readlink "$M/years/2026/plan.json")"
check "years/2026/plan.json reads as plans/2026.json" cmp "$M/years/2026/plan.json" "$P/2026.json"
check "plans/2026.json passes jq -e ." jq -e . "$P/2026.json"
check_eq "the 2026 plan holds the written figures" "2026 123 7" \
    "$(jq -r '"\(.year) \(.equipment[0].planned) \(.recruits.planned)"' "$P/2026.json")"
check_eq "the 2026 plan is in the database" "7" "$(sql "SELECT recruits FROM plan WHERE year = 2026")"
check_eq "the new plan journals one row" "$((j0 + 1))" "$(journal)"
check "reports/plan-execution lists 2026" grep -q "^2026 " "$M/reports/plan-execution"
check_eq "plans/2026.json st_size is the length of its text" \
    "$(cat "$P/2026.json" | wc -c)" "$(stat -c %s "$P/2026.json")"

# --- invalid documents: refused whole, by the failing cp, with the reason ---
# The malformed document's expected line and column: the '[' on line 3.
sed '3s/"vehicles": \[/"vehicles" [/' "$T/cur.json" >"$T/bad-malformed.json"
col=$(sed -n 3p "$T/bad-malformed.json" | awk '{ print index($0, "[") }')
refused() {     # DESCRIPTION FILE EXPECTED-IN-LOG [TARGET]
    tgt=${4:-$P/2023.json}
    j0=$(journal)
    n0=$(sql "SELECT count(*) FROM plan_line")
    if cp "$2" "$tgt" 2>/dev/null; then
        fail "refused: $1 (cp succeeded)"
    elif ! cmp -s "$T/cur.json" "$P/2023.json"; then
        fail "refused: $1 (plans/2023.json changed)"
    elif [ "$(journal)" != "$j0" ] || [ "$(sql "SELECT count(*) FROM plan_line")" != "$n0" ]; then
        fail "refused: $1 (the database changed)"
    elif ! lasterr | grep -qF -- "$3"; then
        fail "refused: $1 (log/errors does not say '$3': $(lasterr | sed 's/.*: //'))"
    else
        ok "refused: $1"
    fi
}
refused "malformed JSON (line and column)" "$T/bad-malformed.json" "line 3, column $col"
while IFS='|' read -r desc filter expect; do
    jq "$filter" "$T/cur.json" >"$T/bad.json"
    refused "$desc" "$T/bad.json" "$expect"
done <<'EOF'
the wrong year|.year = 2024|year: 2024 does not match the file's year 2023
the year as a string|.year = "2023"|year: must be an integer
no year|del(.year)|'year' is missing
an unknown vehicle type|.vehicles[1].type = "fire-truck"|vehicles[1].type: unknown vehicle type 'fire-truck'
an equipment category as a vehicle type|.vehicles[0].type = "scba"|vehicles[0].type: 'scba' is an equipment category
an unknown category|.equipment[3].category = "unicorn"|equipment[3].category: unknown equipment category 'unicorn'
a negative planned figure|.equipment[2].planned = -1|equipment[2].planned: must be a non-negative integer
a float planned figure|.equipment[0].planned = 1.5|equipment[0].planned: must be a non-negative integer, not a real number
a number as a string|.vehicles[0].planned = "1"|vehicles[0].planned: must be a non-negative integer, not a string
a huge planned figure|.vehicles[0].planned = 5000000000|vehicles[0].planned: 5000000000 is too large
negative recruits|.recruits.planned = -40|recruits.planned: must be a non-negative integer
an unknown key in a line|.equipment[1].colour = "red"|equipment[1]: unknown key 'colour'
an unknown key at the top|.notes = "x"|unknown key 'notes'
an unknown key in recruits|.recruits.hired = 3|recruits: unknown key 'hired'
a line without planned|del(.equipment[4].planned)|equipment[4]: 'planned' is missing
a category listed twice|.equipment += [.equipment[0]]|is listed twice
vehicles not an array|.vehicles = {}|vehicles: must be a JSON array
an array for a document|[.]|must be a JSON object
EOF
# The duplicate category's message names the field of the second listing.
jq '.equipment += [.equipment[0]]' "$T/cur.json" >"$T/bad.json"
cp "$T/bad.json" "$P/2023.json" 2>/dev/null
nd=$(($(jq '.equipment | length' "$T/cur.json")))
check "a category listed twice: the message names equipment[$nd].category" \
    sh -c "tail -n 1 '$M/log/errors' | grep -qF 'equipment[$nd].category: '\''$cat0'\'' is listed twice'"
printf '{"year": 2023, "year": 2023}\n' >"$T/bad.json"
refused "a duplicate key" "$T/bad.json" "duplicate object key"
refused "a document for another year's file" "$T/cur.json" "year: 2023 does not match the file's year 2024" "$P/2024.json"
refused "a 2023 document as a new plans/2027.json" "$T/cur.json" "year: 2023 does not match the file's year 2027" "$P/2027.json"
check "the refused new plan left no plans/2027.json" test ! -e "$P/2027.json"
check "the refused new plan left no years/2027/plan.json" test ! -e "$M/years/2027/plan.json"
check_eq "the refused new plan left no plan row" "0" "$(sql "SELECT count(*) FROM plan WHERE year = 2027")"

# Python's buffered write reaches the file at close: close() raises.
jq '.vehicles[1].type = "fire-truck"' "$T/cur.json" >"$T/bad.json"
j0=$(journal)
python3 - "$P/2023.json" "$T/bad.json" <<'PY'
import sys
bad = open(sys.argv[2]).read()
try:
    f = open(sys.argv[1], 'w')
    f.write(bad)
    f.close()
except OSError:
    sys.exit(0)
sys.exit(1)
PY
check_eq "Python open(p, 'w').write(bad) raises OSError at write or close" "0" "$?"
check "Python's refused write left the plan" cmp -s "$T/cur.json" "$P/2023.json"
check_eq "Python's refused write journalled nothing" "$j0" "$(journal)"
check "Python's refusal is in log/errors" sh -c "tail -n 1 '$M/log/errors' | grep -qF 'vehicles[1].type: unknown vehicle type'"

# Shell redirection: the write itself fails (the shell ignores close).
if cat "$T/bad.json" >"$P/2023.json" 2>/dev/null; then
    fail "cat bad.json > plans/2023.json fails at the write"
else
    ok "cat bad.json > plans/2023.json fails at the write"
fi
check "the refused redirection left the plan" cmp -s "$T/cur.json" "$P/2023.json"
check_eq "the refused redirection journalled nothing" "$j0" "$(journal)"
if sh -c "printf '%s\n' '{\"year\": 2023, \"equipment\": [{\"category\": \"scba\", \"planned\": -3}]}' >'$P/2023.json'" 2>/dev/null; then
    fail "printf of a one-line invalid plan > plans/2023.json fails"
else
    ok "printf of a one-line invalid plan > plans/2023.json fails"
fi
check "the refused printf left the plan" cmp -s "$T/cur.json" "$P/2023.json"

# A document cut short (half of it, then close) is refused at close.
j0=$(journal)
python3 - "$P/2023.json" "$T/cur.json" <<'PY'
import os, sys
doc = open(sys.argv[2], 'rb').read()
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_TRUNC)
os.write(fd, doc[:len(doc) // 2])      # incomplete: accepted for now
try:
    os.close(fd)
except OSError:
    sys.exit(0)
sys.exit(1)
PY
check_eq "half a plan: close() raises OSError" "0" "$?"
check "half a plan left the plan" cmp -s "$T/cur.json" "$P/2023.json"
check_eq "half a plan journalled nothing" "$j0" "$(journal)"
check "half a plan: log/errors gives the line and column" \
    sh -c "tail -n 1 '$M/log/errors' | grep -qE 'plans/2023.json: line [0-9]+, column [0-9]+'"
python3 - "$P/2028.json" "$T/cur.json" <<'PY'
import sys
doc = open(sys.argv[2]).read().replace('"year": 2023', '"year": 2028')
f = open(sys.argv[1], 'w')
f.write(doc[:len(doc) // 2])
try:
    f.close()
except OSError:
    sys.exit(0)
sys.exit(1)
PY
check_eq "half a new 2028 plan: close() raises OSError" "0" "$?"
check "half a new plan leaves no plans/2028.json" test ! -e "$P/2028.json"
check_eq "half a new plan leaves no plan row" "0" "$(sql "SELECT count(*) FROM plan WHERE year = 2028")"

# --- documents in many writes ---
jq '.equipment[1].planned += 7' "$T/cur.json" >"$T/dd.json"
want=$(jq '.equipment[1].planned' "$T/dd.json")
j0=$(journal)
check "dd bs=7 of a valid plan succeeds" dd if="$T/dd.json" of="$P/2023.json" bs=7 status=none
check_eq "dd bs=7: the plan was assembled and stored" "$want" "$(jq '.equipment[1].planned' "$P/2023.json")"
check_eq "dd bs=7: one journal row" "$((j0 + 1))" "$(journal)"
cp "$P/2023.json" "$T/cur.json"

# A document larger than 128 KiB (cp writes it in pieces): blank space.
python3 - "$T/cur.json" "$T/big.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["equipment"][2]["planned"] += 11
text = json.dumps(doc, indent=1000)
open(sys.argv[2], "w").write(text + "\n")
PY
size=$(stat -c %s "$T/big.json")
check "the big document is larger than 128 KiB ($size bytes)" test "$size" -gt 131072
want=$(jq '.equipment[2].planned' "$T/big.json")
j0=$(journal)
check "cp of a plan larger than 128 KiB succeeds" cp "$T/big.json" "$P/2023.json"
check_eq "the big plan was stored" "$want" "$(jq '.equipment[2].planned' "$P/2023.json")"
check_eq "the big plan: one journal row" "$((j0 + 1))" "$(journal)"
cp "$P/2023.json" "$T/cur.json"
jq '.vehicles[0].type = "fire-truck"' "$T/big.json" >"$T/bad.json"
python3 -c "import json,sys; open(sys.argv[2],'w').write(json.dumps(json.load(open(sys.argv[1])), indent=1000))" "$T/bad.json" "$T/bigbad.json"
refused "a plan larger than 128 KiB with an unknown type" "$T/bigbad.json" "vehicles[0].type: unknown vehicle type 'fire-truck'"

# A complete document, then more than cp's 128 KiB of blank space, then
# something that is not blank: the whole file is invalid, so cp must fail
# and nothing may change (the document is complete long before the end).
python3 - "$T/cur.json" "$T/tail.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["equipment"][0]["planned"] += 13
open(sys.argv[2], "w").write(json.dumps(doc, indent=2) + " " * 200000 + "x\n")
PY
j0=$(journal)
if cp "$T/tail.json" "$P/2023.json" 2>/dev/null; then
    fail "refused: a plan followed, past 128 KiB, by text that is not blank (cp succeeded)"
else
    ok "refused: a plan followed, past 128 KiB, by text that is not blank"
fi
check "a plan followed by text that is not blank left the plan" cmp -s "$T/cur.json" "$P/2023.json"
check_eq "a plan followed by text that is not blank journalled nothing" "$j0" "$(journal)"
check "a plan followed by text that is not blank: log/errors says why" \
    sh -c "tail -n 1 '$M/log/errors' | grep -qE 'after the end of the document|end of file expected'"
cp "$P/2023.json" "$T/cur.json"

# --- plans are never removed ---
check_not "rm plans/2023.json is refused" rm -f "$P/2023.json"
check "plans/2023.json is still there" jq -e . "$P/2023.json"

# --- deliveries: a note received all or nothing ---
vs=$(sql "SELECT v.callsign || '|' || s.slug FROM vehicle v JOIN site s ON s.id = v.station_id
          WHERE v.status <> 'retired' ORDER BY v.id LIMIT 1")
veh=${vs%%|*}; vst=${vs#*|}
scba_next=$(sql "SELECT printf('scba-%06d', max(CAST(substr(tag, 6) AS INTEGER)) + 1) FROM item
                 WHERE tag GLOB 'scba-[0-9]*'")
cat >"$T/note.json" <<EOF
[
  { "category": "helmet", "model": "F1XF", "serial": "H-2026-1", "station": "jiaochangkou",
    "tag": "helmet-500001", "acquired": "2026-11-20" },
  { "category": "scba", "model": "RHZK6.8/30", "serial": "S-2026-1", "station": "laifushi" },
  { "category": "radio", "model": "DP4801", "serial": "R-2026-1", "station": "$vst",
    "vehicle": "$veh", "tag": "radio-500002" }
]
EOF
n0=$(nitems); j0=$(journal)
check "cp of a 3-item note to deliveries/d-2026-001.json succeeds" cp "$T/note.json" "$D/d-2026-001.json"
check_eq "the note created 3 items" "$((n0 + 3))" "$(nitems)"
check_eq "the note journalled 3 rows" "$((j0 + 3))" "$(journal)"
check_eq "the journal says which delivery" "3" \
    "$(sql "SELECT count(*) FROM journal WHERE reason = 'delivery d-2026-001'")"
check "deliveries/ lists the note" sh -c "ls '$D' | grep -qx d-2026-001.json"
check "the note passes jq -e ." jq -e . "$D/d-2026-001.json"
check_eq "the note reads back with every tag" "helmet-500001 $scba_next radio-500002" \
    "$(jq -r '[.[].tag] | join(" ")' "$D/d-2026-001.json")"
check_eq "the note reads back with its stations and vehicle" "jiaochangkou - laifushi - $vst $veh" \
    "$(jq -r '[.[] | "\(.station) \(.vehicle // "-")"] | join(" ")' "$D/d-2026-001.json")"
check_eq "the note reads back with its dates (default: today)" "2026-11-20 2026-12-01 2026-12-01" \
    "$(jq -r '[.[].acquired] | join(" ")' "$D/d-2026-001.json")"
check_eq "the note's st_size is the length of its text" \
    "$(cat "$D/d-2026-001.json" | wc -c)" "$(stat -c %s "$D/d-2026-001.json")"
while IFS=' ' read -r tag cat st; do
    check "equipment/$tag exists" test -d "$M/equipment/$tag"
    check "stations/$st/equipment/$cat/$tag exists" test -L "$M/stations/$st/equipment/$cat/$tag"
    check "years/2026/acquired/$cat/$tag exists" test -L "$M/years/2026/acquired/$cat/$tag"
done <<EOF
helmet-500001 helmet jiaochangkou
$scba_next scba laifushi
radio-500002 radio $vst
EOF
check_eq "the untagged item is acquired today" "2026-12-01" "$(cat "$M/equipment/$scba_next/acquired")"
check_eq "the vehicle's item is on its vehicle" "$veh" "$(cat "$M/equipment/radio-500002/vehicle")"
check "the vehicle's item is in its load/" test -L "$M/fleet/$veh/load/radio-500002"
check_eq "the items are in the database with their note" "helmet-500001 $scba_next radio-500002" \
    "$(sql "SELECT group_concat(i.tag, ' ') FROM (SELECT i.tag FROM item i JOIN delivery d ON d.id = i.delivery_id
            WHERE d.note = 'd-2026-001' ORDER BY i.id) i")"
check_eq "years/2026/plan.json counts the delivered scba" \
    "$(sql "SELECT count(*) FROM item i JOIN category c ON c.id = i.category_id WHERE c.slug = 'scba' AND i.acquired LIKE '2026-%'")" \
    "$(jq '.equipment[] | select(.category == "scba") | .delivered' "$M/years/2026/plan.json")"

# Writing the existing note again, or over it with another text, is refused.
n0=$(nitems)
check_not "cp of the same note again is refused" cp "$T/note.json" "$D/d-2026-001.json"
sed 's/500001/500011/; s/500002/500012/' "$T/note.json" >"$T/note2.json"
check_not "cp of another note over an existing one is refused" cp "$T/note2.json" "$D/d-2026-001.json"
check_eq "the refused rewrites created nothing" "$n0" "$(nitems)"
check_not "rm of a delivery note is refused" rm -f "$D/d-2026-001.json"
check "the note is still there" jq -e . "$D/d-2026-001.json"

# An invalid note creates nothing at all.
while IFS='|' read -r desc sub expect; do
    sed "$sub" "$T/note2.json" >"$T/badnote.json"
    n0=$(nitems); j0=$(journal); d0=$(sql "SELECT count(*) FROM delivery")
    if cp "$T/badnote.json" "$D/d-2026-002.json" 2>/dev/null; then
        fail "refused note: $desc (cp succeeded)"
    elif [ "$(nitems)" != "$n0" ] || [ "$(journal)" != "$j0" ] \
         || [ "$(sql "SELECT count(*) FROM delivery")" != "$d0" ]; then
        fail "refused note: $desc (the database changed)"
    elif [ -e "$D/d-2026-002.json" ]; then
        fail "refused note: $desc (deliveries/d-2026-002.json is left)"
    elif ! lasterr | grep -qF -- "$expect"; then
        fail "refused note: $desc (log/errors does not say '$expect': $(lasterr | sed 's/.*: //'))"
    else
        ok "refused note: $desc"
    fi
done <<'EOF'
an unknown station in item 2|s/"station": "laifushi"/"station": "atlantis"/|items[1].station: no such site 'atlantis'
an unknown category in item 3|s/"category": "radio"/"category": "wireless"/|items[2].category: no such equipment category 'wireless'
a vehicle type as a category|s/"category": "scba"/"category": "water-tender"/|items[1].category: 'water-tender' is a vehicle type
a tag already in use|s/helmet-500011/helmet-500001/|items[0].tag: tag 'helmet-500001' is already in use
a date in the future|s/2026-11-20/2027-01-01/|items[0].acquired: '2027-01-01' is in the future
an unknown key|s/"serial": "S-2026-1"/"serial": "S-2026-1", "colour": "red"/|items[1]: unknown key 'colour'
a missing model|s/"model": "RHZK6.8\/30", //|items[1]: 'model' is missing
malformed JSON|s/"station": "laifushi" }/"station": "laifushi" /|line
EOF
check_eq "the refused notes left no delivery" "0" "$(sql "SELECT count(*) FROM delivery WHERE note = 'd-2026-002'")"

# A note cut short is refused at close and creates nothing.
n0=$(nitems)
python3 - "$D/d-2026-003.json" "$T/note2.json" <<'PY'
import sys
doc = open(sys.argv[2]).read()
f = open(sys.argv[1], 'w')
f.write(doc[:len(doc) // 2])
try:
    f.close()
except OSError:
    sys.exit(0)
sys.exit(1)
PY
check_eq "half a note: close() raises OSError" "0" "$?"
check_eq "half a note created nothing" "$n0" "$(nitems)"
check "half a note leaves no deliveries/d-2026-003.json" test ! -e "$D/d-2026-003.json"

# A valid note written 7 bytes at a time is assembled and received, even
# where a write ends inside a multi-byte UTF-8 character.
sed 's|"DP4801"|"无人机对讲机 DP4801"|' "$T/note2.json" >"$T/note4.json"
check "dd bs=7 of a valid note succeeds" dd if="$T/note4.json" of="$D/d-2026-004.json" bs=7 status=none
check_eq "dd bs=7: the UTF-8 model reads back whole" "无人机对讲机 DP4801" \
    "$(jq -r '.[2].model' "$D/d-2026-004.json")"
check_eq "dd bs=7: the note created 3 items" "$((n0 + 3))" "$(nitems)"
check_eq "dd bs=7: the note reads back with its tags" "helmet-500011 radio-500012" \
    "$(jq -r '[.[].tag | select(startswith("scba") | not)] | join(" ")' "$D/d-2026-004.json")"
check_eq "dd bs=7: the untagged scba continues the numbering" \
    "$(sql "SELECT printf('scba-%06d', CAST(substr('$scba_next', 6) AS INTEGER) + 1)")" \
    "$(jq -r '.[1].tag' "$D/d-2026-004.json")"

# Every note passes jq.
for f in "$D"/*.json; do
    check "$(basename "$f") passes jq -e ." jq -e . "$f"
done

# Two writers of the same new plan: the second is told the file is busy
# rather than writing unseen into the first one's document.
second=$(python3 - "$M" <<'PY'
import os, sys, json
m = sys.argv[1]
doc = json.load(open(f"{m}/plans/2023.json")); doc["year"] = 2031
text = json.dumps(doc).encode()
a = os.open(f"{m}/plans/2031.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.write(a, text[:20])
try:
    os.open(f"{m}/plans/2031.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    second = "opened"
except OSError as e:
    second = e.strerror
os.write(a, text[20:]); os.close(a)
print(second)
PY
)
check_eq "a second writer of a new document is refused while the first writes" \
    "Device or resource busy" "$second"
check "... and the first writer's plan is stored" jq -e '.year == 2031' "$M/plans/2031.json"
