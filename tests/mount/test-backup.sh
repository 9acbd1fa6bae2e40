#!/bin/sh
# test-backup.sh: depotctl backup makes a consistent copy while the depot is
# mounted and being written through the filesystem; the copy passes
# depotctl check and holds every change acknowledged before it began.
. "$(dirname "$0")/lib.sh"
mount_depot 2000
mod=$(sql "SELECT slug FROM reserve_module ORDER BY id LIMIT 1")
line=$(sql "SELECT l.slug FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id WHERE m.slug = '$mod' ORDER BY l.id LIMIT 1")
C="$M/reserves/$mod/$line/count"
echo 5000 >"$C"
# Writers through the mount, all along.
pids=""
for w in 1 2 3; do
    ( i=0; while [ ! -e "$T/stop" ] && [ $i -lt 3000 ]; do echo +1 >"$C"; i=$((i + 1)); done ) &
    pids="$pids $!"
done
sleep 0.5
before=$(sql "SELECT count(*) FROM journal")
check "depotctl backup succeeds while the mount is written" "$DEPOTCTL" backup "$DB" "$T/copy.db"
touch "$T/stop"
wait $pids
check "the copy passes depotctl check" "$DEPOTCTL" check "$T/copy.db"
n=$(sqlite3 "$T/copy.db" "SELECT count(*) FROM journal")
check "the copy holds every change acknowledged before it began" test "$n" -ge "$before"
got=$(sqlite3 "$T/copy.db" "SELECT count FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id WHERE m.slug = '$mod' AND l.slug = '$line'")
adj=$(sqlite3 "$T/copy.db" "SELECT count(*) FROM journal WHERE attribute = 'count' AND new <> '5000' AND id > (SELECT max(id) FROM journal WHERE attribute = 'count' AND new = '5000')")
check_eq "the copy is consistent: its count matches its own journal" "$((5000 + adj))" "$got"
check_not "backup refuses to overwrite a file" "$DEPOTCTL" backup "$DB" "$T/copy.db"
