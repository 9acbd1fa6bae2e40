#!/bin/sh
# test-access.sh: who may see and change the mounted depot.  Without
# allow_other only the mounting user gets in; with allow_other the kernel
# checks permission bits, and -o group=NAME lets that group write; -o ro
# refuses every write with EROFS.  Throwaway users and a group are created
# for the test and removed after it (needs root; skipped otherwise).
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null || ! command -v setpriv >/dev/null; then
    echo "skipped: needs root, useradd and setpriv"
    exit 0
fi
U1=depotfs-t1-$$
U2=depotfs-t2-$$
G=depotfs-g-$$
cleanup_users() {
    userdel "$U1" 2>/dev/null
    userdel "$U2" 2>/dev/null
    groupdel "$G" 2>/dev/null
}
trap 'cleanup_users; cleanup; echo "$NAME: $PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ] && exit 0; exit 1' EXIT
groupadd "$G" && useradd -M -N -g "$G" "$U1" && useradd -M -N "$U2" || { fail "cannot create users"; exit 1; }
chmod 755 "$T"
as() { u=$1; shift; setpriv --reuid="$u" --regid="$(id -g "$u")" --clear-groups "$@"; }

mount_depot 300
check_not "without allow_other another user cannot even list the tree" as "$U2" ls "$M"
check "... the owner can" ls "$M"
unmount_depot

mount_depot 300 -o allow_other,group="$G"
mod=$(sql "SELECT slug FROM reserve_module ORDER BY id LIMIT 1")
line=$(sql "SELECT l.slug FROM reserve_line l JOIN reserve_module m ON m.id = l.module_id WHERE m.slug = '$mod' ORDER BY l.id LIMIT 1")
C="$M/reserves/$mod/$line/count"
check "with allow_other another user can read" as "$U2" cat "$C"
check_eq "writable files are group-writable by the group" "664 $G" "$(stat -c '%a %G' "$C")"
check_eq "read-only files stay 0444" "444" "$(stat -c %a "$M/reserves/$mod/$line/unit")"
before=$(cat "$C")
check_not "a user outside the group cannot write" as "$U2" sh -c "echo 1 > '$C'"
check_eq "... and the count is unchanged" "$before" "$(cat "$C")"
check "a member of the group can write" as "$U1" sh -c "echo +1 > '$C'"
check_eq "... and the count changed" "$((before + 1))" "$(cat "$C")"
check_eq "the journal records the writer's real uid" "$(id -u "$U1")" \
    "$(sql "SELECT uid FROM journal ORDER BY id DESC LIMIT 1")"
check_eq "... and its user name" "$U1" "$(sql "SELECT user FROM journal ORDER BY id DESC LIMIT 1")"
unmount_depot

mount_depot 300 -o ro
check_eq "-o ro: a write fails with EROFS" "Read-only file system" \
    "$(sh -c "echo 1 > '$C'" 2>&1 | sed 's/.*: //')"
check_eq "-o ro: files show no write bits" "444" "$(stat -c %a "$C")"
check "-o ro: reading works" cat "$C"
check_not "-o ro: mv refuses" mv "$M/stations/jiaochangkou/vehicles/$(ls "$M/stations/jiaochangkou/vehicles" | head -n 1)" "$M/stations/laifushi/vehicles/"
