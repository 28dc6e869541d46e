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
# check_objects LAYER OBJ...: the dependency graph of one layer's objects and its cycles
check_objects() {
    local layer=$1
    shift
    python3 - "$layer" "$@" <<'PY'
import os, subprocess, sys
layer, objs = sys.argv[1], sys.argv[2:]
defs, uses = {}, {}
for o in objs:
    name = os.path.basename(o)[:-2]
    out = subprocess.run([os.environ.get("NM", "nm"), o], capture_output=True, text=True, check=True).stdout
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
}

# every layer library of src/ (src/port/posix is one folder deeper)
for dir in $(find "$BUILD/src" -type d -path '*/CMakeFiles/femto_*.dir' | sort); do
    # both builds (normal and _san) of each layer: the same sources, either may be the fresher
    layer=$(basename "$dir" .dir)
    objs=$(find "$dir" -name '*.o' | sort)
    [ -n "$objs" ] || continue
    layers=$((layers + 1))
    # shellcheck disable=SC2086
    check_objects "$layer" $objs || status=1
done

# The JIT (src/vm/jit) is not in the host's layer libraries: it compiles only
# for its cores. Its files call each other (entry points -> backend ->
# run-time support), so compile them as the firmware does, per core, and
# check them the same way.
jit_tmp=$(mktemp -d)
trap 'rm -rf "$jit_tmp"' EXIT
check_jit() { # NAME CC BACKEND CFLAGS...
    local name=$1 cc=$2 backend=$3
    shift 3
    command -v "$cc" >/dev/null || {
        echo "check-cycles: $cc missing: cannot check the JIT for $name" >&2
        status=1
        return
    }
    mkdir -p "$jit_tmp/$name"
    local objs=() f
    for f in jit.c jit_runtime.c "$backend"; do
        "$cc" -std=c11 -Os -ffreestanding --specs=picolibc.specs "$@" -Iinclude -Isdk -c "src/vm/jit/$f" \
            -o "$jit_tmp/$name/${f%.c}.o" || status=1
        objs+=("$jit_tmp/$name/${f%.c}.o")
    done
    NM=${cc%gcc}nm check_objects "femto_vm_jit_$name" "${objs[@]}" || status=1
    layers=$((layers + 1))
}
check_jit cortex-m4 arm-none-eabi-gcc jit_thumb2.c -mthumb -mcpu=cortex-m4
check_jit rv32 riscv64-unknown-elf-gcc jit_rv32.c -march=rv32imac -mabi=ilp32

if [ $layers -eq 0 ]; then
    echo "check-cycles: no compiled layer under $BUILD/src: build first" >&2
    exit 1
fi
[ $status -eq 0 ] && echo "check-cycles: no cycle between the files of any layer ($layers libraries)"
exit $status
