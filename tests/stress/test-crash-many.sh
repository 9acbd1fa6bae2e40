#!/bin/sh
# test-crash-many.sh: tests/mount/test-crash.sh over 30 rounds (each round
# its own seed, so its own kill moment and mix of writes).  Not part of
# make test; make stress runs it.  CRASH_ROUNDS and CRASH_SEED override.
cd "$(dirname "$0")/../.."
CRASH_ROUNDS=${CRASH_ROUNDS:-30} CRASH_SEED=${CRASH_SEED:-2} sh tests/mount/test-crash.sh >build/test-crash-many.log 2>&1
rc=$?
grep -E '^(not ok|# round)' build/test-crash-many.log
line=$(tail -n 1 build/test-crash-many.log)
echo "test-crash-many: ${line#test-crash: }"
exit $rc
