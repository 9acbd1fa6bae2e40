#!/bin/sh
# test-io.sh: depotctl import, export and backup, as a user runs them.
#
# In a fresh temporary directory (removed on exit): export from a seeded
# depot, import into one with the same district but no items, export again
# and compare bytes; the same for a spreadsheet's file (BOM, CRLF, quoted
# fields) and standard input; a file with bad rows (every fault reported
# as FILE:LINE: column 'x': ..., exit 1, nothing changed); JSON export
# through jq; backups, also while other processes write, each of which
# must pass depotctl check and hold a consistent state; usage errors
# (exit 2).  Ends with "io: N passed, M failed".  Needs sqlite3 and jq.
set -u

DEPOTCTL=${DEPOTCTL:-build/depotctl}
case $DEPOTCTL in /*) ;; *) DEPOTCTL=$(pwd)/$DEPOTCTL ;; esac
if [ ! -x "$DEPOTCTL" ]; then
    echo "test-io: $DEPOTCTL is not built (make build/depotctl)" >&2
    exit 2
fi
for tool in sqlite3 jq; do
    command -v $tool >/dev/null 2>&1 || { echo "test-io: needs $tool" >&2; exit 2; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/test-io.XXXXXX") || exit 2
bg=""
cleanup() {
    for p in $bg; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$dir"
}
trap 'cleanup; echo "io: $passed passed, $failed failed"; [ "$failed" -eq 0 ] && exit 0; exit 1' EXIT
trap 'failed=$((failed + 1)); exit 130' INT TERM
cd "$dir" || exit 2

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
# run STATUS COMMAND...: stdout in out, stderr in err; true if it exited STATUS
run() {
    want=$1; shift
    "$@" >out 2>err
    got=$?
    [ "$got" -eq "$want" ]
}
q() { sqlite3 "$1" "$2"; }
lines() { wc -l < "$1" | tr -d ' '; }

# ---- round trip ----
"$DEPOTCTL" seed a.db --items 3000 --seed 5 >/dev/null || { not_ok "seed a.db"; exit 1; }
check "seed --items 0 makes a district without equipment" run 0 "$DEPOTCTL" seed b.db --items 0 --seed 5
check "  ... and it has no items" [ "$(q b.db 'SELECT count(*) FROM item')" = 0 ]
check "  ... but the same vehicles" [ "$(q a.db 'SELECT group_concat(callsign) FROM vehicle')" = "$(q b.db 'SELECT group_concat(callsign) FROM vehicle')" ]
check "export --csv" run 0 "$DEPOTCTL" export a.db --csv
mv out a.csv
check "  ... one row per item and a header" [ "$(lines a.csv)" = 3001 ]
check "  ... the header is the import format" [ "$(head -n 1 a.csv)" = "tag,category,model,serial,station,vehicle,status,acquired,last-inspection,notes" ]
check "import the export" run 0 "$DEPOTCTL" import b.db a.csv
check "  ... says how many" grep -q "imported 3000 items from 'a.csv'" out
check "  ... nothing on stderr when it is not a terminal" [ ! -s err ]
"$DEPOTCTL" export b.db --csv > b.csv
check "export, import, export: byte-identical" cmp -s a.csv b.csv
check "  ... every item journalled as imported" [ "$(q b.db "SELECT count(*) FROM journal WHERE attribute = 'imported' AND object_kind = 'item'")" = 3000 ]
check "  ... the result checks ok" run 0 "$DEPOTCTL" check b.db
check "importing it again is refused" run 1 "$DEPOTCTL" import b.db a.csv
check "  ... naming the line and the tag" grep -q "^a.csv:2: column 'tag': '[a-z-]*[0-9]*' already exists in the depot" err
check "  ... still 3000 items" [ "$(q b.db 'SELECT count(*) FROM item')" = 3000 ]

for k in vehicles lines; do
    check "export --csv --kind $k" run 0 "$DEPOTCTL" export a.db --csv --kind $k
    check "  ... as many rows as $k" [ "$(($(lines out) - 1))" = "$(q a.db "SELECT count(*) FROM $( [ $k = lines ] && echo reserve_line || echo vehicle)")" ]
done

# ---- a spreadsheet's file: BOM, CRLF, quoted fields, columns in its own order ----
printf '\357\273\277Serial,Model,Category,Station,Acquired,Notes\r\n' > sheet.csv
printf 'SH-1,"Dräger PSS 7000, 6.8 l",scba,jiaochangkou,2024-05-01,"said ""new"""\r\n' >> sheet.csv
printf 'SH-2,MSA G1,scba,jiefangbei,2024-05-02,\r\n' >> sheet.csv
check "import a spreadsheet's CSV (BOM, CRLF, quotes)" run 0 "$DEPOTCTL" import b.db sheet.csv
check "  ... values unquoted" [ "$(q b.db "SELECT model || '|' || notes FROM item WHERE serial = 'SH-1'")" = 'Dräger PSS 7000, 6.8 l|said "new"' ]
check "  ... tags numbered after the highest" [ "$(q b.db "SELECT count(*) FROM item WHERE serial LIKE 'SH-%' AND tag GLOB 'scba-[0-9][0-9][0-9][0-9][0-9][0-9]'")" = 2 ]
printf 'module,line,name,unit,count,target,minimum\nearthquake,inflatable-tents,充气帐篷,tents,40,60,20\n' |
    run 0 "$DEPOTCTL" import b.db -
check "import reserve lines from standard input" [ "$got" = 0 ]
check "  ... the line exists" [ "$(q b.db "SELECT l.count FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id WHERE m.slug = 'earthquake' AND l.slug = 'inflatable-tents'")" = 40 ]

# ---- bad rows: all reported, nothing imported ----
items=$(q b.db 'SELECT count(*) FROM item')
journal=$(q b.db 'SELECT count(*) FROM journal')
cat > bad.csv <<'EOF'
category,model,serial,station,acquired,status
scba,M,B-1,jiaochangkou,2024-01-01,in-service
scba,M,B-2,atlantis,2024-01-01,in-service
scba,M,B-3,jiaochangkou,2024-02-30,in-service
scba,M,B-4,jiaochangkou,2024-01-01,broken
scba,M,B-5,jiaochangkou,2024-01-01,in-service
EOF
check "a file with bad rows is refused (exit 1)" run 1 "$DEPOTCTL" import b.db bad.csv
check "  ... line 3: no such site" grep -qx "bad.csv:3: column 'station': no such site 'atlantis'" err
check "  ... line 4: no such date" grep -qx "bad.csv:4: column 'acquired': '2024-02-30' is not a date (YYYY-MM-DD)" err
check "  ... line 5: no such status" grep -q "^bad.csv:5: column 'status': 'broken' is not one of" err
check "  ... and a summary line" grep -qx "depotctl: cannot import 'bad.csv': 3 faults in 'bad.csv'; nothing was imported" err
check "  ... four lines on stderr" [ "$(lines err)" = 4 ]
check "  ... nothing imported (the good rows neither)" [ "$(q b.db 'SELECT count(*) FROM item')" = "$items" ]
check "  ... nothing journalled" [ "$(q b.db 'SELECT count(*) FROM journal')" = "$journal" ]
printf 'category,model,serial,station,acquired\nscba,"M,B-9,jiaochangkou,2024-01-01\n' > open.csv
check "an unterminated quote is refused" run 1 "$DEPOTCTL" import b.db open.csv
check "  ... with the line it opened on" grep -q "^open.csv:2: quoted field is never closed" err
printf 'category,model,serial,station,acquired,colour\n' > col.csv
check "an unknown column is refused" run 1 "$DEPOTCTL" import b.db col.csv
check "  ... naming it" grep -q "^col.csv:1: unknown column 'colour'" err
check "--kind vehicles with an items file is refused" run 1 "$DEPOTCTL" import --kind vehicles b.db sheet.csv
check "a missing file: one line, exit 1" run 1 "$DEPOTCTL" import b.db no-such.csv
check "  ... one line" [ "$(lines err)" = 1 ]

# ---- json ----
check "export --json" run 0 "$DEPOTCTL" export a.db --json
check "  ... is one JSON document" jq -e . out >/dev/null
check "  ... holds every item" [ "$(jq '.items | length' out)" = 3000 ]
check "  ... every vehicle" [ "$(jq '.vehicles | length' out)" = "$(q a.db 'SELECT count(*) FROM vehicle')" ]
check "  ... sites, categories, reserves and plans" [ "$(jq '[.sites, .categories, .reserves, .plans | length > 0] | all' out)" = true ]

# ---- backup ----
check "backup" run 0 "$DEPOTCTL" backup a.db copy.db
check "  ... the copy checks ok" run 0 "$DEPOTCTL" check copy.db
check "  ... and exports the same" [ "$("$DEPOTCTL" export copy.db --csv | cksum)" = "$(cksum < a.csv)" ]
check "backup never overwrites" run 1 "$DEPOTCTL" backup a.db copy.db
check "  ... says so in one line" grep -q "file exists" err
check "backup into a missing directory fails" run 1 "$DEPOTCTL" backup a.db no/such/dir.db

# while another process writes: counts that move together stay together
(
    while :; do
        sqlite3 a.db "PRAGMA busy_timeout = 5000; BEGIN IMMEDIATE;
            UPDATE reserve_line SET count = count + 1 WHERE id = 1;
            UPDATE reserve_line SET target = target + 1 WHERE id = 1; COMMIT;" >/dev/null 2>&1
    done
) &
bg="$bg $!"
q a.db "SELECT count - target FROM reserve_line WHERE id = 1" > diff0
all=1
for i in 1 2 3 4 5; do
    sleep 0.2
    if ! "$DEPOTCTL" backup a.db live$i.db >/dev/null 2>err; then all=0; cat err; continue; fi
    "$DEPOTCTL" check live$i.db >/dev/null || all=0
    [ "$(q live$i.db 'SELECT count - target FROM reserve_line WHERE id = 1')" = "$(cat diff0)" ] || all=0
done
check "5 backups while sqlite3 writes: each checks ok and is consistent" [ $all = 1 ]
check "  ... and the writer got through" [ "$(q live5.db 'SELECT count FROM reserve_line WHERE id = 1')" != "$(q live1.db 'SELECT count FROM reserve_line WHERE id = 1')" ]
for p in $bg; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
bg=""

# while depotctl import runs: a backup holds all of the import or none of it
"$DEPOTCTL" seed c.db --items 0 --seed 5 >/dev/null
"$DEPOTCTL" export a.db --csv > big.csv
before=$(q c.db 'SELECT count(*) FROM item')
"$DEPOTCTL" import c.db big.csv >/dev/null 2>&1 &
bg="$!"
all=1
for i in 1 2 3 4; do
    "$DEPOTCTL" backup c.db imp$i.db >/dev/null 2>err || { all=0; cat err; }
    n=$(q imp$i.db 'SELECT count(*) FROM item')
    [ "$n" = "$before" ] || [ "$n" = 3000 ] || { all=0; echo "backup $i holds $n items"; }
    "$DEPOTCTL" check imp$i.db >/dev/null || all=0
done
wait $bg
bg=""
check "backups during an import: all of it or none, each checks ok" [ $all = 1 ]

# ---- usage ----
check "--version" run 0 "$DEPOTCTL" --version
check "  ... names the program" grep -q '^depotctl [0-9]' out
check "--help lists import, export, backup" run 0 "$DEPOTCTL" --help
check "  ... all three" [ "$(grep -cE '^  depotctl (import|export|backup) ' out)" = 3 ]
for args in "import a.db" "import" "export a.db" "export a.db --csv --json" \
            "export a.db --json --kind items" "export a.db --csv --kind cars" \
            "backup a.db" "import a.db x.csv extra" "export a.db --csv --frobnicate" \
            "--frobnicate" "frobnicate"; do
    # shellcheck disable=SC2086
    if run 2 "$DEPOTCTL" $args && [ "$(lines err)" = 1 ] && grep -q "try 'depotctl --help'" err; then
        ok "usage error, exit 2: depotctl $args ($(cat err))"
    else
        not_ok "usage error, exit 2: depotctl $args (exit $got: $(cat err))"
    fi
done
