#!/bin/sh
# check-replayed.sh LOG LEAST WHAT: the corpus replays of the fuzz targets
# give libFuzzer the inputs as files, and it logs "Executed FILE in N ms" for
# each one it ran. Fail unless LOG shows at least LEAST of them: a corpus that
# lost files (a checkout, a glob, a moved folder) must not pass quietly.
# LEAST is the corpus as committed; campaigns only add inputs, so raise it
# when one merges new ones.
log=$1 least=$2 what=$3
n=$(grep -c '^Executed ' "$log" || true)
if [ "$n" -lt "$least" ]; then
    echo "FAIL: $n $what replayed, fewer than the $least committed (see $log)"
    exit 1
fi
echo "PASS: $n $what replayed (at least $least)"
