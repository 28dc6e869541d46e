#!/usr/bin/env bash
# check-test-groups.sh [BUILD_DIR]: fail unless every test group listed in
# tests/groups.txt is registered in BUILD_DIR's ctest with at least as many
# tests as listed. Names each missing or short group. `make test` runs it
# after ctest, so CI (.ci/run -> make test) fails when a missing tool left
# tests unregistered.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-${FC_BUILD:-build}}
ctest --test-dir "$BUILD" --show-only=json-v1 | python3 -c '
import json, sys
tests = json.load(sys.stdin)["tests"]
have = {"*": len(tests)}
for t in tests:
    for p in t.get("properties", []):
        if p["name"] == "LABELS":
            for label in p["value"]:
                have[label] = have.get(label, 0) + 1
bad = 0
for line in open("tests/groups.txt"):
    line = line.split("#", 1)[0].split() if not line.startswith("*") else line.split()
    if not line:
        continue
    label, least = line[0], int(line[1])
    n = have.get(label, 0)
    if n == 0:
        print(f"test groups: group \"{label}\" is MISSING (0 tests registered, {least} expected): "
              "is its tool installed (scripts/deps.sh)?")
        bad += 1
    elif n < least:
        print(f"test groups: group \"{label}\" has {n} tests, at least {least} expected")
        bad += 1
total = have["*"]
if bad:
    print(f"test groups: {bad} group(s) missing or short; {total} tests registered")
    sys.exit(1)
print(f"test groups: all groups of tests/groups.txt registered ({total} tests)")
'
