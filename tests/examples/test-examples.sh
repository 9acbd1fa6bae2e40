#!/bin/sh
# test-examples.sh: the scripts of scripts/examples/ against the demo depot.
#
# Mounts a seeded depot with tests/mount/lib.sh (the sanitized daemon under
# make test) and runs each example as a user would, comparing what it prints
# and writes with direct SQL on the same database: the status board's
# vehicles and counts, the low-stock mail's lines, and a stocktake's
# differences, writes, reasons and refusals.  Ends with
# "test-examples: N passed, M failed".
. "$(dirname "$0")/../mount/lib.sh"
EX=$ROOT/scripts/examples

mount_depot 2000

# ---- status-board ----
board=$("$EX"/status-board "$M")
check_eq "status-board exits 0" 0 $?
want=$(sql "SELECT count(*) FROM vehicle WHERE status <> 'retired'")
check_eq "status-board lists every vehicle not retired" "$want" \
    "$(printf '%s\n' "$board" | grep -cE '^  [a-z0-9-]+ +[a-z-]+ +(in-service|standby|maintenance|out-of-service)$')"
check "status-board leaves retired vehicles out" \
    sh -c "! printf '%s\n' \"\$1\" | grep -q ' retired\$'" sh "$board"
check_eq "status-board total row" \
    "$(sql "SELECT 'all stations', sum(status = 'in-service'), sum(status = 'standby'), sum(status = 'maintenance'), sum(status = 'out-of-service'), count(*) FROM vehicle WHERE status <> 'retired'" | tr '|' ' ')" \
    "$(printf '%s\n' "$board" | grep '^all stations' | tr -s ' ')"
bad=0
for row in $(sql "SELECT s.slug || ':' || sum(v.status = 'in-service') || ':' || count(*) FROM vehicle v JOIN site s ON s.id = v.station_id WHERE v.status <> 'retired' GROUP BY s.slug"); do
    st=${row%%:*}; rest=${row#*:}; ins=${rest%%:*}; tot=${rest#*:}
    line=$(printf '%s\n' "$board" | awk -v s="$st" '$1 == s && NF == 6')
    [ "$(echo "$line" | awk '{print $2 ":" $6}')" = "$ins:$tot" ] || { bad=1; echo "# $st: '$line', want in-service $ins total $tot"; }
done
check_eq "status-board per-station counts match the database" 0 "$bad"
"$EX"/status-board >/dev/null 2>&1
check_eq "status-board without a mountpoint: usage error" 2 $?
"$EX"/status-board "$T" >/dev/null 2>&1
check_eq "status-board on a directory that is no depot: exit 1" 1 $?

# ---- low-stock-mail ----
mail=$("$EX"/low-stock-mail "$M")
check_eq "low-stock-mail exits 0" 0 $?
low=$(sql "SELECT count(*) FROM reserve_line WHERE count < minimum")
check "low-stock-mail: the demo depot has low lines" [ "$low" -gt 0 ]
check_eq "low-stock-mail subject counts them" "Subject: depot: $low reserve lines below minimum" \
    "$(printf '%s\n' "$mail" | head -n 1)"
check_eq "low-stock-mail: a blank line after the headers" "" "$(printf '%s\n' "$mail" | sed -n 2p)"
bad=0
for row in $(sql "SELECT m.slug || '/' || l.slug || ':' || l.count || ':' || (l.target - l.count) FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id WHERE l.count < l.minimum"); do
    name=${row%%:*}; rest=${row#*:}; count=${rest%%:*}; short=${rest#*:}
    printf '%s\n' "$mail" | grep -qE "^  $name +$count .*order $short to reach" || { bad=1; echo "# missing $name $count $short"; }
done
check_eq "low-stock-mail names each low line with its count and shortfall" 0 "$bad"
check_eq "low-stock-mail has one line per low line" "$low" "$(printf '%s\n' "$mail" | grep -c ' in stock, minimum ')"

# ---- stocktake ----
# Three lines: one counted short, one counted as recorded, one the depot lacks.
a=$(sql "SELECT m.slug || '/' || l.slug FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id ORDER BY l.id LIMIT 1")
b=$(sql "SELECT m.slug || '/' || l.slug FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id ORDER BY l.id LIMIT 1 OFFSET 1")
a_count=$(sql "SELECT count FROM reserve_line ORDER BY id LIMIT 1")
b_count=$(sql "SELECT count FROM reserve_line ORDER BY id LIMIT 1 OFFSET 1")
a_new=$((a_count - 7))
printf '\357\273\277Module,Line,Counted\r\n%s,%s,%s\r\n%s,%s,%s\r\nepidemic,no-such-line,5\r\n' \
    "${a%/*}" "${a#*/}" "$a_new" "${b%/*}" "${b#*/}" "$b_count" > "$T/counted.csv"
"$EX"/stocktake --dry-run "$M" "$T/counted.csv" > "$T/dry.out" 2> "$T/dry.err"
check_eq "stocktake --dry-run writes nothing" "$a_count" "$(cat "$M/reserves/$a/count")"
"$EX"/stocktake "$M" "$T/counted.csv" > "$T/st.out" 2> "$T/st.err"
check_eq "stocktake exits 1 when a line is missing" 1 $?
check "stocktake names the missing line with its file line" \
    grep -q "counted.csv:4: no such reserve line 'epidemic/no-such-line'" "$T/st.err"
check_eq "stocktake wrote the counted figure" "$a_new" "$(sql "SELECT count FROM reserve_line ORDER BY id LIMIT 1")"
check_eq "  ... and the file reads it" "$a_new" "$(cat "$M/reserves/$a/count")"
check_eq "stocktake left the line counted as recorded alone" "$b_count" "$(sql "SELECT count FROM reserve_line ORDER BY id LIMIT 1 OFFSET 1")"
check_eq "stocktake's reason is in the journal" 1 \
    "$(sql "SELECT count(*) FROM journal WHERE object = '$a' AND attribute = 'count' AND reason = 'stocktake' AND old = '$a_count' AND new = '$a_new'")"
check "stocktake's reason is in the line's history" grep -q "stocktake" "$M/reserves/$a/history"
check "stocktake prints the difference" grep -qE "^$a +$a_count +$a_new +-7$" "$T/st.out"
check "stocktake sums up" grep -q "3 lines counted, 1 changed, 1 as recorded, 1 failed" "$T/st.out"
printf 'module,line,counted\n%s,%s,-5\n' "${a%/*}" "${a#*/}" > "$T/neg.csv"
"$EX"/stocktake "$M" "$T/neg.csv" >/dev/null 2>&1
check_eq "stocktake refuses a negative count" 1 $?
check_eq "  ... and writes nothing" "$a_new" "$(cat "$M/reserves/$a/count")"
"$EX"/stocktake "$M" >/dev/null 2>&1
check_eq "stocktake without the CSV: usage error" 2 $?
