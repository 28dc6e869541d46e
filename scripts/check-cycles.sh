#!/usr/bin/env bash
# check-cycles.sh [BUILD_DIR]: no two files of one layer call each other,
# directly or through other files of the layer.
#
# For each layer library (the normal build's objects of src/<layer>), `nm`
# says which global functions each object defines (T) and which it calls
# (U). File A depends on file B when A calls a function B defines. Prints
# each layer's dependencies and fails, naming the files, when they form a
# cycle. Header-only (static inline) helpers are not calls: they are fine.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-${FC_BUILD:-build}}
status=0
layers=0
# every layer library of src/ (src/port/posix is one folder deeper)
for dir in $(find "$BUILD/src" -type d -path '*/CMakeFiles/femto_*.dir' | sort); do
    # both builds (normal and _san) of each layer: the same sources, either may be the fresher
    layer=$(basename "$dir" .dir)
    objs=$(find "$dir" -name '*.o' | sort)
    [ -n "$objs" ] || continue
    layers=$((layers + 1))
    # shellcheck disable=SC2086
    python3 - "$layer" $objs <<'PY' || status=1
import os, subprocess, sys
layer, objs = sys.argv[1], sys.argv[2:]
defs, uses = {}, {}
for o in objs:
    name = os.path.basename(o)[:-2]
    out = subprocess.run(["nm", o], capture_output=True, text=True, check=True).stdout
    uses[name] = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDRB":
            defs[parts[2]] = name
        elif len(parts) == 2 and parts[0] == "U":
            uses[name].add(parts[1])
edges = {f: sorted({defs[s] for s in u if s in defs and defs[s] != f}) for f, u in uses.items()}
for f in sorted(edges):
    print(f"  {layer}: {f} -> {', '.join(edges[f]) or '(nothing in the layer)'}")
# cycle search: depth-first, report the first cycle found per start file
state, stack, cycles = {}, [], []
def visit(f):
    state[f] = 1
    stack.append(f)
    for g in edges.get(f, []):
        if state.get(g) == 1:
            cycles.append(stack[stack.index(g):] + [g])
        elif g not in state:
            visit(g)
    stack.pop()
    state[f] = 2
for f in sorted(edges):
    if f not in state:
        visit(f)
for c in cycles:
    print(f"check-cycles: {layer}: CYCLE " + " -> ".join(c))
sys.exit(1 if cycles else 0)
PY
done
if [ $layers -eq 0 ]; then
    echo "check-cycles: no compiled layer under $BUILD/src: build first" >&2
    exit 1
fi
[ $status -eq 0 ] && echo "check-cycles: no cycle between the files of any layer ($layers libraries)"
exit $status
