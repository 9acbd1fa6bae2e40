#!/bin/sh
# test-badinput.sh: hostile names and texts are stored as text or refused,
# never executed, never a crash.
#
# Notes take quotes, semicolons, "--", SQL and long lines verbatim (one
# line of valid UTF-8) and refuse newlines inside, NUL and invalid UTF-8
# with EINVAL, leaving the value as it was.  The same texts as path
# components give ENOENT (ENAMETOOLONG past 255 bytes); "//", "/./" and
# ".." are the kernel's business and reach the same files.  As field values
# of a delivery note they are stored verbatim or the whole note is refused.
# Afterwards the database has the same tables, passes `depotctl check`, and
# the daemon still serves.
. "$(dirname "$0")/lib.sh"
mount_depot 500

tag=$(sql "SELECT tag FROM item WHERE status = 'in-service' ORDER BY id LIMIT 1")
cs=$(sql "SELECT callsign FROM vehicle WHERE status <> 'retired' ORDER BY id LIMIT 1")
site=$(sql "SELECT slug FROM site ORDER BY id LIMIT 1")
tables0=$(sql "SELECT count(*) FROM sqlite_schema")
items0=$(sql "SELECT count(*) FROM item")

# python3 bad.py write|create|read|stat PATH NAMEHEX [BYTESHEX]: the path is
# PATH followed by the bytes NAMEHEX; write (O_TRUNC) or create (O_EXCL)
# writes BYTESHEX in one open/write/close.  Prints "ok" or the errno name.
cat >"$T/bad.py" <<'PY'
import errno, os, sys
def name(e):
    return errno.errorcode.get(e.errno, str(e.errno))
cmd, path = sys.argv[1], os.fsencode(sys.argv[2])
if len(sys.argv) > 3:
    path = path + bytes.fromhex(sys.argv[3])
try:
    if cmd in ("write", "create"):
        flags = os.O_CREAT | os.O_EXCL if cmd == "create" else os.O_TRUNC
        fd = os.open(path, os.O_WRONLY | flags, 0o644)
        try:
            os.write(fd, bytes.fromhex(sys.argv[4]))
        finally:
            os.close(fd)
    elif cmd == "read":
        with open(path, "rb") as f:
            f.read()
    elif cmd == "stat":
        os.lstat(path)
    print("ok")
except OSError as e:
    print(name(e))
PY
hex() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'; }

# --- notes: stored verbatim when one line of valid UTF-8 ---
N="$M/equipment/$tag/notes"
long=$(python3 -c "print('x' * 300)")
while IFS='|' read -r desc text; do
    printf '%s\n' "$text" >"$N" 2>/dev/null
    check_eq "notes store $desc verbatim" "$text" "$(cat "$N")"
    check_eq "... and the database holds it" "$text" "$(sql "SELECT notes FROM item WHERE tag = '$tag'" )"
done <<EOF2
quotes|it's a "quoted" value
semicolons|a; b; c;
a double dash|-- not a comment
SQL|'; DROP TABLE item; --
more SQL|x'); DELETE FROM journal; SELECT ('
a 300-byte text|$long
UTF-8 text|消防 水带 ÄÖÜ 🚒
backslashes and percents|C:\\depot\\%s %d %n
EOF2
check_eq "the item table is still there" "$items0" "$(sql "SELECT count(*) FROM item")"

# --- notes: refused (EINVAL) and unchanged ---
echo "keep me" >"$N"
while IFS='|' read -r desc bytes; do
    r=$(python3 "$T/bad.py" write "$N" "" "$bytes")
    v=$(cat "$N")
    if [ "$r" = EINVAL ] && [ "$v" = "keep me" ]; then ok "notes refuse $desc (EINVAL)"; else fail "notes: $desc: $r, value '$v'"; fi
done <<EOF2
a newline inside|$(hex "a")0a$(hex "b")0a
a NUL byte|$(hex "a")00$(hex "b")0a
invalid UTF-8|$(hex "caf")e90a
a lone continuation byte|800a
an overlong slash|c0af0a
a surrogate|eda0800a
a carriage return inside|$(hex "a")0d$(hex "b")0a
five kilobytes|$(python3 -c "print('61' * 5000)")0a
EOF2
check "the refusals are in log/errors" grep -q "equipment/$tag/notes" "$M/log/errors"

# --- hostile names as path components ---
while IFS='|' read -r desc comp want; do
    for p in "$M/equipment/" "$M/stations/$site/" "$M/fleet/$cs/" "$M/reserves/"; do
        r=$(python3 "$T/bad.py" read "$p" "$comp")
        [ "$r" = "$want" ] || { fail "$desc in $p: $r, expected $want"; continue 2; }
    done
    ok "$desc as a name: $want"
done <<EOF2
a quote|$(hex "it's")|ENOENT
SQL|$(hex "'; DROP TABLE item; --")|ENOENT
a LIKE pattern|$(hex "%")|ENOENT
a GLOB pattern|$(hex "*")|ENOENT
semicolons|$(hex "a;b")|ENOENT
a double dash|$(hex "--")|ENOENT
a newline|$(hex "a")0a$(hex "b")|ENOENT
invalid UTF-8|ff$(hex "x")|ENOENT
a 255-byte name|$(python3 -c "print('61' * 255)")|ENOENT
a 300-byte name|$(python3 -c "print('61' * 300)")|ENAMETOOLONG
a backslash traversal|$(hex '..\..\etc')|ENOENT
an encoded traversal|$(hex "..%2f..%2fetc")|ENOENT
EOF2
check_eq "a tag with SQL after it is not found" "ENOENT" \
    "$(python3 "$T/bad.py" read "$M/equipment/$tag" "$(hex "' OR '1'='1/status")")"
check_eq "'//' reaches the same file" "$(cat "$M/stations/$site/name")" "$(cat "$M//stations//$site//name")"
check_eq "'/./' reaches the same file" "$(cat "$M/stations/$site/name")" "$(cat "$M/./stations/./$site/./name")"
check_eq "'..' inside the tree reaches the same file" "$(cat "$M/fleet/$cs/status")" \
    "$(cat "$M/stations/$site/../../fleet/$cs/status")"
check_eq "a symlink target never leaves the tree" "" \
    "$(find "$M/stations" -type l -exec readlink {} + | grep -v '^\(\.\./\)*\(fleet\|equipment\)/' | head -n 3)"
check_eq "writing through a hostile path is refused" "ENOENT" \
    "$(python3 "$T/bad.py" write "$M/equipment/" "$(hex "x'; DROP TABLE item; --/notes")" "$(hex "x")")"

# --- hostile values in a delivery note ---
cat >"$T/dn.py" <<'PY'
import json, os, sys
path, model, serial = sys.argv[1], sys.argv[2], sys.argv[3]
doc = [{"category": sys.argv[4], "model": model, "serial": serial, "station": sys.argv[5]}]
try:
    with open(path, "w") as f:
        f.write(json.dumps(doc, ensure_ascii=False))
    print("ok")
except OSError as e:
    print(e.strerror)
PY
cat=$(sql "SELECT slug FROM category WHERE kind = 'equipment' ORDER BY id LIMIT 1")
sqlm="'; DROP TABLE item; --"
sqls='x"); DELETE FROM journal; --'
check_eq "a delivery note with SQL in its fields is received" "ok" \
    "$(python3 "$T/dn.py" "$M/deliveries/dn-bad-1.json" "$sqlm" "$sqls" "$cat" "$site")"
check_eq "... the model is stored verbatim" "$sqlm" "$(sql "SELECT model FROM item WHERE delivery_id = (SELECT id FROM delivery WHERE note = 'dn-bad-1')")"
check_eq "... the serial is stored verbatim" "$sqls" "$(sql "SELECT serial FROM item WHERE delivery_id = (SELECT id FROM delivery WHERE note = 'dn-bad-1')")"
check "... and shows in its item.json" sh -c "jq -e '.[0].model' '$M/deliveries/dn-bad-1.json' >/dev/null"
items1=$(sql "SELECT count(*) FROM item")
journal1=$(sql "SELECT count(*) FROM journal")
doc() { printf '[{"category": "%s", "model": "%s", "serial": "%s", "station": "%s"}]' "$cat" "$1" "$2" "$site"; }
check_eq "a model with a newline is refused" "EINVAL" \
    "$(python3 "$T/bad.py" create "$M/deliveries/dn-bad-2.json" "" "$(hex "$(doc 'a\nb' s)")")"
check_eq "a serial with an escaped NUL is refused" "EINVAL" \
    "$(python3 "$T/bad.py" create "$M/deliveries/dn-bad-3.json" "" "$(hex "$(doc m 'a\u0000b')")")"
check_eq "a note with invalid UTF-8 is refused" "EINVAL" \
    "$(python3 "$T/bad.py" create "$M/deliveries/dn-bad-4.json" "" "$(hex "$(doc m s)" | sed 's/226d22/22ff22/')")"
check_eq "a note whose name is SQL is refused" "EINVAL" \
    "$(python3 "$T/bad.py" create "$M/deliveries/" "$(hex "x'; DROP TABLE item; --.json")" "$(hex "$(doc m s)")")"
check_eq "refused notes created no item" "$items1" "$(sql "SELECT count(*) FROM item")"
check_eq "... and no journal row" "$journal1" "$(sql "SELECT count(*) FROM journal")"
check_eq "... and no delivery" "1" "$(sql "SELECT count(*) FROM delivery WHERE note LIKE '%bad%' OR note LIKE '%DROP%'")"
check_eq "no refused note is left in deliveries/" "dn-bad-1.json" "$(ls "$M/deliveries" | grep -E 'bad|DROP')"

# --- afterwards ---
check_eq "the database has the same tables" "$tables0" "$(sql "SELECT count(*) FROM sqlite_schema")"
check "the daemon still serves" test -s "$M/README"
check "the daemon is still running" kill -0 "$DPID"
unmount_depot
check "depotctl check passes" "$DEPOTCTL" check "$DB"
