#!/usr/bin/env bash
# The proof gate must fail on a broken bound (issue 12, item 7).
#
#   tests/proofs/mutation.sh ROOT WORKDIR
#
# Copies the sources the proofs read (include/, src/, proofs/) from ROOT
# into WORKDIR twice, never touching ROOT. Runs the copy's own
# `proofs/run.sh --region` (WP on fc_region_contains, x86_32 and x86_64,
# with the provers the gate requires):
#   1. on the unmutated copy: the gate must PASS;
#   2. on a copy whose fc_region_contains has its end bound `<=` turned into
#      `<` (the mutation the audit used, which the old gate let through as
#      "170 / 172 goals proven ... PASS"): the gate must FAIL, and name an
#      unproven fc_region_contains goal as the reason.
set -euo pipefail
ROOT=$(cd "$1" && pwd)
WORK=$2
rm -rf "$WORK"
mkdir -p "$WORK"

copy() {
    mkdir -p "$1"
    cp -r "$ROOT/include" "$ROOT/src" "$ROOT/proofs" "$1/"
}

# 1. unmutated
copy "$WORK/orig"
if ! FC_PROOFS_OUT="$WORK/orig-out" "$WORK/orig/proofs/run.sh" --region >"$WORK/orig.out" 2>&1; then
    cat "$WORK/orig.out"
    echo "mutation test: the gate FAILS on the unmutated code (it must pass)"
    exit 1
fi
tail -1 "$WORK/orig.out"

# 2. the end bound of fc_region_contains: the last `<=` of its return
# statement becomes `<` (exactly one change, or the test is out of date)
copy "$WORK/mut"
python3 - "$WORK/mut/src/vm/vm_internal.h" <<'PY'
import re, sys
path = sys.argv[1]
src = open(path, encoding="utf-8").read()
m = re.search(r"static inline int fc_region_contains\([^)]*\)\s*\{(.*?)\n\}", src, re.S)
if not m:
    sys.exit("mutation test: fc_region_contains not found in " + path)
body = m.group(1)
ret = re.search(r"return [^;]*;", body)
if not ret or "<=" not in ret.group(0):
    sys.exit("mutation test: no `<=` in fc_region_contains's return statement: update the test")
stmt = ret.group(0)
i = stmt.rfind("<=")
mutated = stmt[:i] + "<" + stmt[i + 2:]
start = m.start(1) + ret.start()
src = src[:start] + mutated + src[start + len(stmt):]
open(path, "w", encoding="utf-8").write(src)
print("mutation: " + stmt + "  ->  " + mutated)
PY
if diff -q "$ROOT/src/vm/vm_internal.h" "$WORK/mut/src/vm/vm_internal.h" >/dev/null; then
    echo "mutation test: the mutation changed nothing"
    exit 1
fi
if FC_PROOFS_OUT="$WORK/mut-out" "$WORK/mut/proofs/run.sh" --region >"$WORK/mut.out" 2>&1; then
    cat "$WORK/mut.out"
    echo "mutation test: the gate PASSES on a broken fc_region_contains (it must fail)"
    exit 1
fi
if ! grep -E 'FAIL: region/x86_(32|64): goal typed_fc_region_contains[A-Za-z0-9_]* is unproven' "$WORK/mut.out"; then
    cat "$WORK/mut.out"
    echo "mutation test: the gate failed, but not on an unproven fc_region_contains goal"
    exit 1
fi
tail -1 "$WORK/mut.out"
echo "mutation test: the gate passes on the code and fails on the broken bound"
