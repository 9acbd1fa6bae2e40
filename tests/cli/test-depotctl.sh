#!/bin/sh
# test-depotctl.sh: depotctl as a user runs it, from the shell.
#
# Runs build/depotctl (or $DEPOTCTL) in a fresh temporary directory that is
# removed on exit: init, seed (the same seed twice gives the same items),
# check (clean, then with a planted fault), every kind of file that is not a
# depot (one line on stderr, non-zero exit) and usage errors (exit 2).
# Prints "ok - ..." / "not ok - ..." per check and a closing line
# "depotctl: N passed, M failed"; exits non-zero if anything failed.
# Needs the sqlite3 command-line shell.  Run from the repository root.
set -u

DEPOTCTL=${DEPOTCTL:-build/depotctl}
# The newest schema: the number of the last schema/NNN-*.sql.
SCHEMA=$(ls schema/[0-9][0-9][0-9]-*.sql | sed -n '$s|^schema/0*\([0-9]*\)-.*|\1|p')
case $DEPOTCTL in /*) ;; *) DEPOTCTL=$(pwd)/$DEPOTCTL ;; esac
if [ ! -x "$DEPOTCTL" ]; then
    echo "test-depotctl: $DEPOTCTL is not built (make build/depotctl)" >&2
    exit 2
fi
if ! command -v sqlite3 >/dev/null 2>&1; then
    echo "test-depotctl: needs the sqlite3 shell" >&2
    exit 2
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/test-depotctl.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM
cd "$dir" || exit 2

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }
# check DESCRIPTION COMMAND...: the command must succeed
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }

# lines FILE: the number of lines in FILE
lines() { wc -l < "$1" | tr -d ' '; }

# run EXPECTED-STATUS COMMAND...: runs it with stdout in out, stderr in err,
# and says whether it exited with EXPECTED-STATUS ("nonzero" for any failure)
run() {
    want=$1; shift
    "$@" >out 2>err
    got=$?
    case $want in
    nonzero) [ "$got" -ne 0 ] ;;
    *) [ "$got" -eq "$want" ] ;;
    esac
}

# refused STATUS DESCRIPTION COMMAND...: exits with STATUS, one line on stderr, nothing more
refused() {
    want=$1; d=$2; shift 2
    if run "$want" "$@" && [ "$(lines err)" -eq 1 ]; then
        ok "$d ($(cat err))"
    else
        not_ok "$d (exit $got, stderr: $(cat err))"
    fi
}

# ---- init ----
if run 0 "$DEPOTCTL" init a.db && [ -s a.db ]; then ok "init creates a depot"; else not_ok "init creates a depot: $(cat err)"; fi
check "init makes schema version $SCHEMA, the newest" [ "$(sqlite3 a.db 'PRAGMA user_version')" = "$SCHEMA" ]
refused 1 "init refuses an existing depot" "$DEPOTCTL" init a.db
check "init names the file that exists" grep -q "cannot init 'a.db': file exists" err
: > empty.db
check "init accepts an empty file" run 0 "$DEPOTCTL" init empty.db
run 0 "$DEPOTCTL" check a.db
check "a fresh init checks ok" [ "$(cat out)" = ok ]

# ---- seed: the same seed twice gives the same items ----
check "seed --items 2000 --seed 7 into a new file" run 0 "$DEPOTCTL" seed s1.db --items 2000 --seed 7
check "seed reports what it made" grep -q "2000 items" out
check "seed writes nothing on stderr when it is not a terminal" [ ! -s err ]
check "seed --seed 7 --items 2000 (options in another order)" \
    run 0 "$DEPOTCTL" seed --seed 7 --items=2000 s2.db
check "seed into an initialised depot" run 0 "$DEPOTCTL" seed a.db --items 2000 --seed 8
sqlite3 s1.db '.dump item' > dump1
sqlite3 s2.db '.dump item' > dump2
sqlite3 a.db '.dump item' > dump3
check "the item table has 2000 rows" [ "$(sqlite3 s1.db 'SELECT count(*) FROM item')" = 2000 ]
check "the same seed gives the same item table" cmp -s dump1 dump2
differ() { [ -s "$1" ] && [ -s "$2" ] && ! cmp -s "$1" "$2"; }
check "another seed gives another item table" differ dump1 dump3
refused 1 "seed refuses a depot that is already seeded" "$DEPOTCTL" seed s1.db --items 10

# ---- check ----
run 0 "$DEPOTCTL" check s1.db
check "check of a fresh seed prints ok" [ "$(cat out)" = ok ]
sqlite3 s1.db "PRAGMA ignore_check_constraints = ON;
    UPDATE reserve_line SET count = -7 WHERE slug = 'sandbags';"
check "check finds a planted negative count (non-zero exit)" run 1 "$DEPOTCTL" check s1.db
check "check names the fault" grep -q "sandbags.*negative" out

# ---- what is not a depot: one line on stderr, non-zero exit ----
refused nonzero "check of a missing file" "$DEPOTCTL" check missing.db
check "no file is created by check" [ ! -e missing.db ]
i=0
while [ $i -lt 100 ]; do echo "this is a text file, not a database"; i=$((i + 1)); done > text.db
refused nonzero "check of a text file" "$DEPOTCTL" check text.db
refused nonzero "seed into a text file" "$DEPOTCTL" seed text.db --items 10
"$DEPOTCTL" init newer.db >/dev/null && sqlite3 newer.db 'PRAGMA user_version = 99'
refused nonzero "check of a depot of a newer schema" "$DEPOTCTL" check newer.db
check "the newer schema is named" grep -q "newer" err
refused nonzero "seed into a depot of a newer schema" "$DEPOTCTL" seed newer.db --items 10
sqlite3 other.db 'CREATE TABLE t(x)'
refused nonzero "check of another program's SQLite file" "$DEPOTCTL" check other.db
refused nonzero "seed into another program's SQLite file" "$DEPOTCTL" seed other.db --items 10
mkdir adir
refused nonzero "check of a directory" "$DEPOTCTL" check adir

# ---- usage ----
refused 2 "an unknown option" "$DEPOTCTL" --bogus
refused 2 "an unknown option of seed" "$DEPOTCTL" seed x.db --bogus
refused 2 "an unknown command" "$DEPOTCTL" frobnicate x.db
refused 2 "no command" "$DEPOTCTL"
refused 2 "a bad --items" "$DEPOTCTL" seed x.db --items 12abc
refused 2 "--items past the limit" "$DEPOTCTL" seed x.db --items 100000001
refused 2 "a negative --seed" "$DEPOTCTL" seed x.db --seed -1
refused 2 "--items without a value" "$DEPOTCTL" seed x.db --items
refused 2 "check without a DB" "$DEPOTCTL" check
refused 2 "check with two DBs" "$DEPOTCTL" check a.db s1.db
check "a usage error starts with 'depotctl:'" grep -q '^depotctl: ' err
check "usage errors create no file" [ ! -e x.db ]
check "--version prints 0.1.0" run 0 "$DEPOTCTL" --version
check "--version says depotctl 0.1.0" [ "$(cat out)" = "depotctl 0.1.0" ]
check "--help exits 0" run 0 "$DEPOTCTL" --help
check "--help lists the commands" grep -q "depotctl seed" out

echo "depotctl: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
