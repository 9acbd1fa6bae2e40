#!/bin/sh
# test-replay.sh: every file of every fuzz corpus (tests/fuzz/corpus/<target>/)
# runs once through its target, built with the normal compiler under ASan
# and UBSan (make fuzz-replay, tests/fuzz/replay.c): the crashes the fuzzers
# found stay fixed.  Prints "fuzz-replay: N passed, M failed" (N inputs
# replayed; a target that crashes counts as one failure).
set -u
cd "$(dirname "$0")/../.."
passed=0
failed=0
if ! make -s fuzz-replay >build/fuzz-replay.log 2>&1; then
    cat build/fuzz-replay.log
    echo "fuzz-replay: 0 passed, 1 failed"
    exit 1
fi
for dir in tests/fuzz/corpus/*/; do
    t=$(basename "$dir")
    out=$(build/fuzz-replay/"$t" "$dir" 2>build/fuzz-replay-"$t".log)
    if [ $? -eq 0 ]; then
        n=$(echo "$out" | sed -n 's/.*: \([0-9]*\) inputs$/\1/p')
        echo "ok - $t: ${n:-0} inputs"
        passed=$((passed + ${n:-0}))
    else
        echo "not ok - $t: $(grep -v '^replay: ' build/fuzz-replay-"$t".log | head -n 20)"
        echo "  last input: $(grep '^replay: ' build/fuzz-replay-"$t".log | tail -n 1)"
        failed=$((failed + 1))
    fi
done
echo "fuzz-replay: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
