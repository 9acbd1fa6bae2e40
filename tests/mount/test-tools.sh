#!/bin/sh
# test-tools.sh: writing values the way people's tools do, beyond the plain
# cases of test-write.sh: values arriving in several write() calls (stdio
# splitting a long line, `{ printf; printf; }`, dd bs=1), no trailing
# newline, CRLF, a UTF-8 byte-order mark, trailing blank lines; editors and
# their backups (vim with backup and swap, vi -c, ex, nano, sed -i.bak,
# perl -pi.bak); Python's shutil, os.replace and mkstemp; cp -p/-a,
# install, rsync; O_APPEND; chmod/chown/touch/ln/mkfifo; locks and mmap;
# two tools writing one value at once, through a station's symlink and the
# canonical path; and a spreadsheet-style CSV round trip.  Every refusal
# must fail the write() itself and leave the value as it was.
. "$(dirname "$0")/lib.sh"
mount_depot 1000

mod=$(sql "SELECT slug FROM reserve_module ORDER BY id LIMIT 1")
line=$(sql "SELECT l.slug FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id WHERE m.slug = '$mod' ORDER BY l.id LIMIT 1")
L="$M/reserves/$mod/$line"
C="$L/count"
tag=$(sql "SELECT tag FROM item WHERE status = 'in-service' AND vehicle_id IS NULL ORDER BY id LIMIT 1")
I="$M/equipment/$tag"
site=$(sql "SELECT s.slug FROM item i JOIN site s ON s.id = i.station_id WHERE tag = '$tag'")
cat=$(sql "SELECT c.slug FROM item i JOIN category c ON c.id = i.category_id WHERE tag = '$tag'")
S="$M/stations/$site/equipment/$cat/$tag"     # the same item through a station's view
dbcount() { sql "SELECT count FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id WHERE m.slug = '$mod' AND l.slug = '$line'"; }
lasterr() { tail -n 1 "$M/log/errors"; }
# extras DIR: the names in DIR that are not among its attributes (scratch files left behind).
extras() { ls -a "$1" | grep -vxE '\.|\.\.|acquired|category|expires|history|item\.json|last-inspection|model|next-inspection|notes|serial|station|status|vehicle|count|target|minimum|unit|name' || true; }
# errno_of PYTHON-STATEMENTS: runs them with os, sys imported; prints "ok" or the errno name.
errno_of() {
    python3 -c "
import errno, os, sys
try:
$(printf '%s\n' "$1" | sed 's/^/    /')
    print('ok')
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))"
}

# --- a value arriving in several write() calls ---
echo 100 >"$C"
check_eq "two write() calls, '1' then '2<newline>', store 12" "ok 12" \
    "$(errno_of "fd = os.open('$C', os.O_WRONLY | os.O_TRUNC)
os.write(fd, b'1'); os.write(fd, b'2\n'); os.close(fd)") $(cat "$C")"
{ printf '%s' -2; printf ': used at Chaotianmen\n'; } >"$C"
check_eq "{ printf -2; printf ': reason'; } > count subtracts 2" "10" "$(cat "$C")"
check_eq "... with the reason in the history" "1" "$(grep -c 'used at Chaotianmen' "$L/history")"
echo 123 | dd of="$C" bs=1 2>/dev/null
check_eq "dd bs=1 (one byte per write) stores the whole value" "123" "$(cat "$C")"
# bash's echo writes through a 4 KiB stdio buffer: a longer line arrives in
# two writes.  Too long as a whole, it must be refused whole.
long=$(python3 -c "print('r' * 5000)")
check_not "echo of a 5,000-byte reason fails" sh -c "echo '-1: $long' > '$C'"
check_eq "... and leaves the count alone" "123" "$(cat "$C")"
check_eq "... in the database too" "123" "$(dbcount)"
note=$(python3 -c "print('n' * 4096)")
check "echo of a 4,096-byte note (two writes) succeeds" sh -c "echo '$note' > '$I/notes'"
check_eq "... and stores it whole" "4096" "$(head -c -1 "$I/notes" | wc -c)"
echo "short note" >"$I/notes"
check_eq "a first piece that cannot be a value is refused at once" "EINVAL 123" \
    "$(errno_of "fd = os.open('$C', os.O_WRONLY | os.O_TRUNC)
try:
    os.write(fd, b'x')
finally:
    os.close(fd)") $(cat "$C")"
check_eq "a valid first piece and a bad second one: refused, nothing stored" "EINVAL 123" \
    "$(errno_of "fd = os.open('$C', os.O_WRONLY | os.O_TRUNC)
try:
    os.write(fd, b'5'); os.write(fd, b'x\n')
finally:
    os.close(fd)") $(cat "$C")"
check_eq "... nothing journalled for it" "0" "$(sql "SELECT count(*) FROM journal WHERE attribute = 'count' AND new = '5'")"
printf 77 >"$C"
check_eq "printf without a newline stores at close, readable at once" "77" "$(cat "$C")"
check_eq "Python r+: write without a newline, then truncate() to it" "ok 78" \
    "$(errno_of "with open('$C', 'r+') as f:
    f.seek(0); f.write('78'); f.truncate()") $(cat "$C")"
check_eq "a truncate to another length, the piece held: refused, nothing stored" "EINVAL 78" \
    "$(errno_of "fd = os.open('$C', os.O_RDWR)
try:
    os.write(fd, b'7'); os.ftruncate(fd, 5)
finally:
    os.close(fd)") $(cat "$C")"
check_eq "write, truncate(0), write again in one open file: the second value" "ok 40" \
    "$(errno_of "with open('$C', 'r+') as f:
    f.write('+1\n'); f.flush(); f.truncate(0); f.seek(0); f.write('40\n')") $(cat "$C")"
echo 77 >"$C"
check_not "printf of a bad value without a newline still fails the write" sh -c "printf twelve > '$C'"
check "... with the reason in log/errors" sh -c "tail -n 1 '$M/log/errors' | grep -q twelve"

# --- what Windows tools and editors leave in a value ---
printf '60\r\n' >"$C"
check_eq "a CRLF line ending is accepted" "60" "$(cat "$C")"
printf 'pump seal\r\n' >"$I/notes"
check_eq "... and not kept in a note" "pump seal" "$(cat "$I/notes")"
printf '\357\273\277%s\n' 61 >"$C"
check_eq "a UTF-8 byte-order mark before a value is accepted (and dropped)" "61" "$(cat "$C")"
printf '\357\273\277%s\r\n' "BOM note" >"$I/notes"
check_eq "... also before a note" "BOM note" "$(cat "$I/notes")"
check_not "a byte-order mark inside a value is still refused" sh -c "printf '6\357\273\2771\n' > '$C'"
printf '62   \n' >"$C"
check_eq "trailing spaces are dropped" "62" "$(cat "$C")"
printf '63\n\n' >"$C"
check_eq "a trailing blank line (an editor's last Enter) is accepted" "63" "$(cat "$C")"
printf 'maintenance\r\n\r\n  \n' >"$I/status"
check_eq "... also several, with CRs and blanks" "maintenance" "$(cat "$I/status")"
check_not "two values on two lines are still refused" sh -c "printf '1\n2\n' > '$C'"
check_not "a value after a blank line is refused" sh -c "printf '\n64\n' > '$C'"
check_not "a blank line between two values is refused" sh -c "printf '64\n\n65\n' > '$C'"
echo 63 >"$C"
echo "-1: moved at 10:30: see log" >"$C"
check_eq "a reason with colons inside subtracts" "62" "$(cat "$C")"
check "... and is kept whole" sh -c "tail -n 1 '$L/history' | grep -q ': moved at 10:30: see log$'"
r4k=$(python3 -c "print('q' * 4000)")
echo "+1: $r4k" >"$C"
check_eq "a 4,000-byte reason is accepted" "63" "$(cat "$C")"

# --- documents saved by a Windows editor: byte-order mark, CRLF ---
j0=$(sql "SELECT count(*) FROM journal")
{ printf '\357\273\277'; sed 's/$/\r/' "$M/plans/2023.json"; } >"$T/plan-win.json"
check "a plan with a byte-order mark and CRLF line ends is accepted" cp "$T/plan-win.json" "$M/plans/2023.json"
check_eq "... and, with the same figures, changes nothing" "$j0" "$(sql "SELECT count(*) FROM journal")"
printf '\357\273\277{\r\n  "year": 2023,\r\n  "vehicles": [,]\r\n}\r\n' >"$T/plan-bad.json"
check_not "a bad plan after a byte-order mark is still refused" cp "$T/plan-bad.json" "$M/plans/2023.json"
check "... at its own line and column" sh -c "tail -n 1 '$M/log/errors' | grep -q 'line 3, column 16'"
dcat=$(sql "SELECT slug FROM category WHERE kind = 'equipment' ORDER BY id LIMIT 1")
printf '\357\273\277[{"category": "%s", "model": "M1", "serial": "WIN-1", "station": "%s"}]\r\n' \
    "$dcat" "$site" >"$T/dn-win.json"
check "a delivery note with a byte-order mark is received" cp "$T/dn-win.json" "$M/deliveries/dn-win.json"
check_eq "... its item is created" "1" "$(sql "SELECT count(*) FROM item WHERE serial = 'WIN-1'")"
rec=$(jq .recruits.planned "$M/plans/2024.json")
check "sed -i on a plan changes it" sed -i "s/\"planned\": $rec\$/\"planned\": $((rec + 1))/" "$M/plans/2024.json"
check_eq "... the plan says so" "$((rec + 1))" "$(jq .recruits.planned "$M/plans/2024.json")"
check "perl -pi on a plan changes it" perl -pi -e "s/\"planned\": $((rec + 1))\$/\"planned\": $((rec + 2))/" "$M/plans/2024.json"
check_eq "... the plan says so" "$((rec + 2))" "$(jq .recruits.planned "$M/plans/2024.json")"
check_not "sed -i making a plan invalid fails" sed -i 's/"year": 2024/"year": "2024"/' "$M/plans/2024.json"
check_eq "... and changes nothing" "$((rec + 2)) 2024" \
    "$(jq .recruits.planned "$M/plans/2024.json") $(jq .year "$M/plans/2024.json")"
check_eq "a temporary written beside the plans and os.replace()d over one" "ok $((rec + 3))" \
    "$(errno_of "import json, tempfile
p = '$M/plans/2024.json'
doc = json.load(open(p)); doc['recruits']['planned'] += 1
fd, tmp = tempfile.mkstemp(dir='$M/plans')
os.write(fd, json.dumps(doc, indent=2).encode()); os.close(fd)
os.replace(tmp, p)") $(jq .recruits.planned "$M/plans/2024.json")"
check_eq "plans/ still lists only the plans" "$(sql "SELECT year || '.json' FROM plan ORDER BY year")" "$(ls "$M/plans")"

# --- editors ---
echo in-service >"$I/status"
if command -v vim >/dev/null && command -v script >/dev/null; then
    # vim on a terminal (script(1)), with its swap file, written twice.
    for opts in "" "set backup" "set backup backupcopy=no" "set backupcopy=yes"; do
        echo in-service >"$I/status"
        HOME=$T script -qec "vim -N -u DEFAULTS -c '$opts' -c '%s/.*/maintenance: vim/' -c w -c '%s/.*/reserve/' -c wq '$I/status'" /dev/null >/dev/null 2>&1
        check_eq "vim ($opts), :w twice, changes the value" "reserve" "$(cat "$I/status")"
        check_eq "... leaves nothing behind" "" "$(extras "$I")"
        rm -f "$I/status~"
    done
    check "... both writes are in the history" sh -c "tail -n 2 '$I/history' | grep -q 'maintenance by'"
    vi -c '%s/.*/out-of-service/' -c wq "$I/status" </dev/null >/dev/null 2>&1
    check_eq "vi -c changes a value" "out-of-service" "$(cat "$I/status")"
    ex -s -c '%s/.*/in-service/' -c wq "$I/status" </dev/null
    check_eq "ex -s changes a value" "in-service" "$(cat "$I/status")"
fi
if command -v nano >/dev/null; then
    cat >"$T/nano.py" <<'PY'
# nano.py FILE TEXT [OPTIONS...]: nano on a pseudo-terminal replaces the
# file's first line with TEXT (^K, typing), writes it out (^O, Enter) and
# quits (^X, or ^X N after a failed write).  Prints "written" or "failed".
import os, pty, select, sys, time
path, text = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm"
    os.execvp("nano", ["nano", "--ignorercfiles"] + sys.argv[3:] + [path])
def pump(t):
    out, end = b"", time.time() + t
    while time.time() < end:
        if select.select([fd], [], [], 0.05)[0]:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    return out
pump(0.5)
for keys in (b"\x0b", text.encode(), b"\x0f", b"\r"):
    os.write(fd, keys)
    out = pump(0.3)
out += pump(0.5)
print("failed" if b"Error writing" in out else "written")
os.write(fd, b"\x18")
pump(0.3)
os.write(fd, b"n")
pump(0.3)
os.waitpid(pid, 0)
PY
    check_eq "nano writes a value" "written maintenance" \
        "$(HOME=$T timeout 20 python3 "$T/nano.py" "$I/status" "maintenance: nano") $(cat "$I/status")"
    check_eq "nano's write of a bad value fails and changes nothing" "failed maintenance" \
        "$(HOME=$T timeout 20 python3 "$T/nano.py" "$I/status" "broken") $(cat "$I/status")"
    check_eq "nano -B (backup) writes a value" "written in-service" \
        "$(HOME=$T timeout 20 python3 "$T/nano.py" "$I/status" "in-service" -B) $(cat "$I/status")"
    rm -f "$I/status~" "$I"/status.save*
fi
check "sed -i.bak changes a value" sed -i.bak 's/in-service/maintenance/' "$I/status"
check_eq "... the value is changed" "maintenance" "$(cat "$I/status")"
check_eq "... status.bak holds the old value" "in-service" "$(cat "$I/status.bak" 2>&1)"
check_eq "... status.bak is a plain file" "regular file" "$(stat -c %F "$I/status.bak" 2>&1)"
check "sed -i.bak again" sed -i.bak 's/maintenance/reserve/' "$I/status"
check_eq "... replaces the backup" "maintenance reserve" "$(cat "$I/status.bak") $(cat "$I/status")"
check "... it can be removed" rm "$I/status.bak"
check_eq "... and then nothing is left behind" "" "$(extras "$I")"
check_eq "... the status is still there" "reserve" "$(cat "$I/status")"
echo maintenance >"$I/status"
check "perl -pi -e changes a value" perl -pi -e 's/maintenance/reserve/' "$I/status"
check_eq "... the value is changed" "reserve" "$(cat "$I/status")"
check "perl -pi.orig -e changes a value" perl -pi.orig -e 's/reserve/in-service/' "$I/status"
check_eq "... the value is changed" "in-service" "$(cat "$I/status")"
check_eq "... status.orig holds the old value" "reserve" "$(cat "$I/status.orig" 2>&1)"
rm -f "$I/status.orig"
echo in-service >"$I/status"
check_not "renaming a value onto another value is still refused" mv "$I/status" "$I/notes"
check_not "renaming a value out of its object's directory is refused" mv "$I/status" "$M/equipment/"
check_eq "... and the value is still there" "in-service" "$(cat "$I/status")"
check_eq "nothing left behind by the editors" "" "$(extras "$I")"

# --- Python ---
check_eq "os.replace() from a mkstemp file in the same directory" "ok maintenance" \
    "$(errno_of "import tempfile
fd, tmp = tempfile.mkstemp(dir='$I', prefix='.status.')
os.write(fd, b'maintenance: replaced\n'); os.close(fd)
os.replace(tmp, '$I/status')") $(cat "$I/status")"
check_eq "shutil.copy() into a value succeeds" "ok 70" \
    "$(echo 70 >"$T/v"; errno_of "import shutil; shutil.copy('$T/v', '$C')") $(cat "$C")"
check_eq "shutil.copy2() into a value succeeds" "ok 71" \
    "$(echo 71 >"$T/v"; errno_of "import shutil; shutil.copy2('$T/v', '$C')") $(cat "$C")"
check_eq "a NamedTemporaryFile renamed over a value" "ok reserve" \
    "$(errno_of "import tempfile
with tempfile.NamedTemporaryFile('w', dir='$I', delete=False) as f:
    f.write('reserve\n')
os.rename(f.name, '$I/status')") $(cat "$I/status")"
check_eq "... leaves nothing behind" "" "$(extras "$I")"

# --- cp, install, rsync ---
echo 72 >"$T/v"; chmod 644 "$T/v"
check "cp --preserve=all into a value succeeds" cp --preserve=all "$T/v" "$C"
check_eq "... and stores it" "72" "$(cat "$C")"
echo 73 >"$T/v"
check "cp -a into a value succeeds" cp -a "$T/v" "$C"
check_eq "... and stores it" "73" "$(cat "$C")"
echo 73 >"$C"
echo 74 >"$T/v"
check_not "install (which removes the file first) is refused" install -m 644 "$T/v" "$C"
check_eq "... and changes nothing" "73" "$(cat "$C")"
check_not "mv from another filesystem (which removes the file first) is refused" mv "$T/v" "$C"
check_eq "... and changes nothing" "73 74" "$(cat "$C") $(cat "$T/v")"
for opts in "" "--inplace" "-a" "-a --inplace"; do
    n=$(( $(cat "$C") + 1 ))
    echo "$n" >"$T/v"; touch -d 2020-01-01 "$T/v"
    check "rsync $opts into a value succeeds" rsync $opts "$T/v" "$C"
    check_eq "... and stores it" "$n" "$(cat "$C")"
done
check_eq "rsync leaves nothing behind" "" "$(extras "$L")"

# --- O_APPEND, truncate, dd ---
before=$(cat "$C")
check_not "echo +5 >> count (O_APPEND) is refused" sh -c "echo +5 >> '$C'"
check_eq "... and changes nothing" "$before" "$(cat "$C")"
check "... log/errors says appending is not how values are written" sh -c "tail -n 1 '$M/log/errors' | grep -q 'append'"
check_not "tee -a is refused too" sh -c "echo 5 | tee -a '$C' >/dev/null"
truncate -s 0 "$C" && echo 90 >"$C"
check_eq "truncate -s 0 then echo sets" "90" "$(cat "$C")"
echo 91 | dd of="$C" conv=notrunc 2>/dev/null
check_eq "dd conv=notrunc sets" "91" "$(cat "$C")"
echo 9 | dd of="$C" conv=notrunc 2>/dev/null
check_eq "dd conv=notrunc of a shorter value sets it whole" "9" "$(cat "$C")"
check_not "dd seek=1 (a write at an offset) is refused" sh -c "echo 8 | dd of='$C' bs=1 seek=1 2>/dev/null"
check_eq "... and changes nothing" "9" "$(cat "$C")"

# --- metadata: touch, chmod, chown, links, special files ---
m0=$(stat -c %Y "$C")
check "touch on a value succeeds" touch "$C"
check "touch -d on a value succeeds" touch -d 2020-01-01 "$C"
check_eq "... and the mtime stays the time of the last change" "$m0" "$(stat -c %Y "$C")"
check "chmod to the mode it has succeeds (cp -p, shutil.copy)" chmod 644 "$C"
check "... also on a read-only file" chmod 444 "$L/unit"
check_eq "chmod to another mode is refused with EPERM" "EPERM" "$(errno_of "os.chmod('$C', 0o600)")"
check_eq "... and the mode is unchanged" "644" "$(stat -c %a "$C")"
check "chown to the owner it has succeeds" chown "$(stat -c %u:%g "$C")" "$C"
check_eq "chown to another owner is refused with EPERM" "EPERM" "$(errno_of "os.chown('$C', 4242, -1)")"
check_eq "ln is refused with EPERM" "EPERM" "$(errno_of "os.link('$C', '$L/count2')")"
check_eq "ln -s is refused with EPERM" "EPERM" "$(errno_of "os.symlink('count', '$L/count2')")"
check_eq "mkfifo in an object's directory is refused with EPERM" "EPERM" "$(errno_of "os.mkfifo('$L/fifo')")"
check_eq "mknod of a device is refused with EPERM" "EPERM" \
    "$(errno_of "import stat; os.mknod('$I/null', stat.S_IFCHR | 0o600, os.makedev(1, 3))")"
check_eq "mkfifo over an existing value is EEXIST" "EEXIST" "$(errno_of "os.mkfifo('$C')")"
check_eq "nothing was created" "" "$(extras "$L")"

# --- locks and mmap ---
echo 9 >"$C"
check "flock around a write" flock "$C" sh -c "echo +1 > '$C'"
check_eq "... stores it" "10" "$(cat "$C")"
check_eq "fcntl locks on a value" "ok" "$(errno_of "import fcntl
with open('$C', 'r+') as f:
    fcntl.lockf(f, fcntl.LOCK_EX); fcntl.lockf(f, fcntl.LOCK_UN)")"
check_eq "a private read-only mmap of a value reads it" "10" \
    "$(python3 -c "import mmap; f = open('$C', 'rb'); print(mmap.mmap(f.fileno(), 0, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ)[:].decode().strip())")"
check_eq "a shared writable mmap of a value is refused" "ENODEV 10" \
    "$(errno_of "import mmap
with open('$C', 'r+b') as f:
    m = mmap.mmap(f.fileno(), 0); m[0:1] = b'9'; m.flush()") $(cat "$C")"

# --- two tools at once on one value, through two paths ---
echo 1000 >"$C"
python3 -c "
import os
for i in range(100):
    fd = os.open('$C', os.O_WRONLY | os.O_TRUNC); os.write(fd, b'+1\n'); os.close(fd)" 2>"$T/e1" &
p1=$!
( for i in $(seq 100); do echo -1 | dd of="$C" 2>/dev/null || echo fail; done ) >"$T/e2" 2>&1 &
p2=$!
( for i in $(seq 50); do echo "+2: shell" >"$C" || echo fail; done ) >"$T/e3" 2>&1 &
p3=$!
wait $p1 $p2 $p3
check_eq "Python +1, dd -1 and echo +2 at once lose nothing" "1100" "$(cat "$C")"
check_eq "... and none failed" "" "$(cat "$T/e1" "$T/e2" "$T/e3")"
echo in-service >"$I/status"
( for i in $(seq 20); do sed -i 's/.*/maintenance/' "$S/status" || echo fail; done ) >"$T/e4" 2>&1 &
p4=$!
( for i in $(seq 20); do echo reserve >"$I/status" || echo fail; done ) >"$T/e5" 2>&1 &
p5=$!
wait $p4 $p5
check_eq "sed -i through the station's symlink and echo on the canonical path at once: no failure" \
    "" "$(cat "$T/e4" "$T/e5")"
check "... the value is one of the two" sh -c "grep -qxE 'maintenance|reserve' '$I/status'"
check_eq "... the station's path reads the same" "$(cat "$I/status")" "$(cat "$S/status")"
check_eq "... nothing left behind" "" "$(extras "$I")"

# --- a spreadsheet user's CSV round trip ---
check_eq "low-stock.csv: refill every line to its target, written back with the csv module" "ok" \
    "$(errno_of "import csv
rows = list(csv.DictReader(open('$M/reports/low-stock.csv', newline='')))
assert rows, 'no low stock to refill'
for r in rows:
    with open('$M/reserves/%s/%s/count' % (r['module'], r['line']), 'w', newline='') as f:
        csv.writer(f).writerow([r['target']])      # '5000\\r\\n', as Excel writes it
for r in rows:
    got = open('$M/reserves/%s/%s/count' % (r['module'], r['line'])).read()
    assert got == r['target'] + '\n', (r, got)")"
check_eq "... and low-stock.csv has only its header left" "1" "$(wc -l <"$M/reports/low-stock.csv")"
check_eq "... and the text report agrees" "0" "$(sql "SELECT count(*) FROM reserve_line WHERE count < minimum")"

check "the daemon still serves" test -s "$M/README"
unmount_depot
check "depotctl check passes" "$DEPOTCTL" check "$DB"
