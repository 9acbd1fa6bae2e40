#!/bin/sh
# test-concurrency-long.sh: tests/mount/test-concurrency.sh with 4 times
# the adjustments (8 x 4000).  Not part of make test; make stress runs it.
cd "$(dirname "$0")/../.."
CONC_ADJ=${CONC_ADJ:-4000} sh tests/mount/test-concurrency.sh >build/test-concurrency-long.log 2>&1
rc=$?
grep -E '^(not ok|#)' build/test-concurrency-long.log
line=$(tail -n 1 build/test-concurrency-long.log)
echo "test-concurrency-long: ${line#test-concurrency: }"
exit $rc
