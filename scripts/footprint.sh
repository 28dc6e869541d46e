#!/usr/bin/env bash
# footprint.sh: flash and RAM cost of the freestanding layers on microcontrollers.
#
# Compiles every .c file of src/vm, src/image, src/engine and src/suit (those
# that exist) for Cortex-M0+, Cortex-M4 and RV32IMAC, sums `size` of the
# objects per layer, and measures sizeof() of the run-time structs by
# compiling a file whose symbols are as large as the structs (read back with
# nm -S: nothing runs on the target). Prints a table and writes it as JSON to
# $FC_BUILD/footprint.json (default build/).
#
# Figures are per object file before --gc-sections: an upper bound of what a
# firmware that links the whole layer pays. text includes .rodata.
#
# The vm layer is also measured the way a firmware pays for it: its objects
# linked with --gc-sections into a minimal program whose main() calls the
# whole public API of femto/vm.h (scripts/footprint_vm_api.c), then the input
# sections that came from the VM's objects summed from the linker map. Two
# configurations: "small" (the microcontroller default, interp_small.c) and
# "speed" (FC_VM_SMALL=0, the per-opcode interp.c). libgcc and libc code
# pulled in by the VM (64-bit division, memmove...) is listed apart as
# "toolchain": it is shared with the rest of a firmware.
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD=${FC_BUILD:-build}
OUT=$BUILD/footprint
LAYERS=(vm image engine suit)

# target name | compiler prefix | target flags
TARGETS=(
    "cortex-m0plus|arm-none-eabi-|-mthumb -mcpu=cortex-m0plus"
    "cortex-m4|arm-none-eabi-|-mthumb -mcpu=cortex-m4"
    "rv32imac|riscv64-unknown-elf-|-march=rv32imac -mabi=ilp32"
)
# picolibc supplies <string.h> (the RV32 toolchain has no other C library).
COMMON_FLAGS="-std=gnu11 -Os -ffunction-sections -fdata-sections -ffreestanding --specs=picolibc.specs
    -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Iinclude -Isdk"

# Structs whose size is RAM per instance: "header type".
# A type whose header is missing is left out; one that does not compile is
# reported (renamed?) without failing the run.
SIZEOF_TYPES=(
    "femto/vm.h fc_vm_t"
    "femto/vm.h fc_program_t"
    "femto/image.h fc_image_t"
    "femto/engine.h fc_engine_t"
    "femto/engine.h fc_container_t"
    "femto/engine.h fc_tenant_t"
    "femto/engine.h fc_kv_entry_t"
)

# Linked vm configurations: "name|extra compiler flags".
VM_CONFIGS=(
    "small|-DFC_VM_SMALL=1"
    "speed|-DFC_VM_SMALL=0"
)

rm -rf "$OUT"
mkdir -p "$OUT"
ROWS=$OUT/rows.tsv # layer rows: target layer text data bss files; sizeof rows: target type hex-size
: >"$ROWS"
failed=0

# compile TARGET_NAME PREFIX FLAGS SRC OBJ: compile one file, report failure.
compile() {
    local name=$1 prefix=$2 flags=$3 src=$4 obj=$5
    # shellcheck disable=SC2086 # flags are word lists on purpose
    if ! "${prefix}gcc" $flags $COMMON_FLAGS -c "$src" -o "$obj" 2>"$obj.log"; then
        echo "footprint: $src does not compile for $name:" >&2
        cat "$obj.log" >&2
        return 1
    fi
}

# link_vm TARGET_NAME PREFIX FLAGS CONFIG CONFIG_FLAGS: compile src/vm with the
# configuration's flags, link with scripts/footprint_vm_api.c and
# --gc-sections, and add a "linked" row (sizes from the linker map).
link_vm() {
    local name=$1 prefix=$2 flags=$3 cname=$4 cflags=$5
    local dir=$OUT/$name/linked-$cname objs=() src obj
    mkdir -p "$dir/vm"
    for src in src/vm/*.c; do
        obj=$dir/vm/$(basename "$src" .c).o
        compile "$name" "$prefix" "$flags $cflags" "$src" "$obj" || return 1
        objs+=("$obj")
    done
    compile "$name" "$prefix" "$flags $cflags" scripts/footprint_vm_api.c "$dir/main.o" || return 1
    # shellcheck disable=SC2086 # flags are word lists on purpose
    if ! "${prefix}gcc" $flags $COMMON_FLAGS -Wl,--gc-sections -Wl,-Map="$dir/vm.map" \
        "$dir/main.o" "${objs[@]}" -o "$dir/vm.elf" 2>"$dir/link.log"; then
        echo "footprint: the vm layer does not link for $name ($cname):" >&2
        cat "$dir/link.log" >&2
        return 1
    fi
    python3 - "$dir/vm.map" "$dir/vm/" "$name" "$cname" >>"$ROWS" <<'PY_MAP'
import json, re, sys

map_path, vm_dir, target, config = sys.argv[1:5]
kind_of = [(re.compile(r"^\.(s?rodata|text)\b"), "text"), (re.compile(r"^\.s?data\b"), "data"),
           (re.compile(r"^(\.s?bss\b|COMMON)"), "bss")]
vm = {"text": 0, "data": 0, "bss": 0}
toolchain, symbols = {}, {}
pending = None
in_map = False
for line in open(map_path):
    line = line.rstrip("\n")
    if line.startswith("Linker script and memory map"):
        in_map = True
        continue
    if not in_map:
        continue
    m = re.match(r"^ (\S+)$", line)  # a long section name, its address on the next line
    if m:
        pending = m.group(1)
        continue
    m = re.match(r"^ (\S+)?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*)$", line)
    section = (m.group(1) if m and m.group(1) else pending) if m else None
    pending = None
    if not m or not section:
        continue
    size, origin = int(m.group(2), 16), m.group(3)
    kind = next((k for rx, k in kind_of if rx.match(section)), None)
    if kind is None or size == 0:
        continue
    if origin.startswith(vm_dir):
        vm[kind] += size
        obj = origin[len(vm_dir):]
        key = f"{obj}:{section}"
        symbols[key] = symbols.get(key, 0) + size
    elif ".a(" in origin and kind == "text":
        member = origin[origin.rindex("(") + 1:-1]
        toolchain[member] = toolchain.get(member, 0) + size
cell = {**vm, "toolchain_text": sum(toolchain.values()), "toolchain": toolchain,
        "sections": dict(sorted(symbols.items(), key=lambda kv: -kv[1]))}
print(f"linked\t{target}\t{config}\t{json.dumps(cell)}")
PY_MAP
}

for target in "${TARGETS[@]}"; do
    IFS='|' read -r name prefix flags <<<"$target"
    for layer in "${LAYERS[@]}"; do
        [ -d "src/$layer" ] || continue
        mapfile -t sources < <(find "src/$layer" -name '*.c' | sort)
        [ ${#sources[@]} -gt 0 ] || continue
        dir=$OUT/$name/$layer
        mkdir -p "$dir"
        objs=()
        ok=1
        for src in "${sources[@]}"; do
            obj=$dir/$(echo "${src#src/"$layer"/}" | tr / _).o
            if compile "$name" "$prefix" "$flags" "$src" "$obj"; then
                objs+=("$obj")
            else
                ok=0
            fi
        done
        if [ $ok -eq 0 ]; then
            failed=1
            printf 'layer\t%s\t%s\tFAIL\tFAIL\tFAIL\t%s\n' "$name" "$layer" "${#sources[@]}" >>"$ROWS"
            continue
        fi
        "${prefix}size" -B "${objs[@]}" | awk -v t="$name" -v l="$layer" -v n="${#objs[@]}" '
            NR > 1 { text += $1; data += $2; bss += $3 }
            END { printf "layer\t%s\t%s\t%d\t%d\t%d\t%d\n", t, l, text, data, bss, n }' >>"$ROWS"
    done

    # The vm layer linked with --gc-sections behind its public API.
    for config in "${VM_CONFIGS[@]}"; do
        IFS='|' read -r cname cflags <<<"$config"
        link_vm "$name" "$prefix" "$flags" "$cname" "$cflags" || failed=1
    done

    # sizeof(): a char array as large as the struct, read back with nm -S.
    for entry in "${SIZEOF_TYPES[@]}"; do
        read -r header type <<<"$entry"
        [ -f "include/$header" ] || continue
        probe=$OUT/$name/sizeof_$type.c
        printf '#include "%s"\nchar fc_sizeof_%s[sizeof(%s)];\n' "$header" "$type" "$type" >"$probe"
        if compile "$name" "$prefix" "$flags" "$probe" "${probe%.c}.o" 2>/dev/null; then
            "${prefix}nm" -S "${probe%.c}.o" | awk -v t="$name" '
                $4 ~ /^fc_sizeof_/ { sub(/^fc_sizeof_/, "", $4); printf "sizeof\t%s\t%s\t%s\n", t, $4, $2 }' >>"$ROWS"
        else
            echo "footprint: sizeof($type) from $header does not compile for $name (renamed?)" >&2
        fi
    done
done

python3 - "$ROWS" "$BUILD/footprint.json" "$COMMON_FLAGS" "${TARGETS[@]}" <<'PY'
import json, sys

rows_path, json_path, common = sys.argv[1], sys.argv[2], " ".join(sys.argv[3].split())
targets = [t.split("|") for t in sys.argv[4:]]
names = [t[0] for t in targets]
layers, sizes, linked = {}, {}, {}
for line in open(rows_path):
    f = line.rstrip("\n").split("\t")
    if f[0] == "layer":
        _, tgt, layer, text, data, bss, files = f
        cell = "FAIL" if text == "FAIL" else {"text": int(text), "data": int(data), "bss": int(bss)}
        layers.setdefault(layer, {"files": int(files), "targets": {}})["targets"][tgt] = cell
    elif f[0] == "linked":
        _, tgt, config, cell = f
        linked.setdefault(config, {})[tgt] = json.loads(cell)
    else:
        _, tgt, typ, size = f
        sizes.setdefault(typ, {})[tgt] = int(size, 16)  # nm -S prints hex

def cell(c):
    return "FAIL" if c == "FAIL" or c is None else f"{c['text']}/{c['data']}/{c['bss']}"

width = 22
print("Footprint of the freestanding layers (bytes, text/data/bss; text includes rodata;")
print("per object, before --gc-sections)")
print(f"{'layer':<10}{'files':>6}  " + "".join(f"{n:>{width}}" for n in names))
totals = {n: [0, 0, 0] for n in names}
for layer, info in layers.items():
    cells = [info["targets"].get(n) for n in names]
    print(f"{layer:<10}{info['files']:>6}  " + "".join(f"{cell(c):>{width}}" for c in cells))
    for n, c in zip(names, cells):
        if isinstance(c, dict):
            for i, k in enumerate(("text", "data", "bss")):
                totals[n][i] += c[k]
if layers:
    print(f"{'total':<10}{'':>6}  " + "".join(f"{'/'.join(map(str, totals[n])):>{width}}" for n in names))
else:
    print("(no layer has sources yet)")
print()
print("vm layer linked, --gc-sections, public API (bytes, text+rodata / data / bss of the VM's")
print("own sections; toolchain: libgcc/libc code the VM pulls in, shared with the firmware)")
print(f"{'config':<16}" + "".join(f"{n:>{width}}" for n in names))
for config, per in linked.items():
    print(f"{config:<16}" + "".join(f"{cell(per.get(n)):>{width}}" for n in names))
    print(f"{'  toolchain':<16}" + "".join(
        f"{per[n]['toolchain_text'] if n in per else '-':>{width}}" for n in names))
print()
print("RAM per instance (sizeof, bytes)")
for typ, per in sizes.items():
    print(f"{typ:<16}" + "".join(f"{str(per.get(n, '-')):>{width}}" for n in names))

doc = {
    "unit": "bytes",
    "note": "per object file before --gc-sections; text includes rodata",
    "flags": common,
    "targets": {n: {"compiler": p + "gcc", "flags": fl} for n, p, fl in targets},
    "layers": layers,
    "vm_linked": {
        "note": "src/vm linked with --gc-sections behind main() calling every function of "
                "femto/vm.h (scripts/footprint_vm_api.c); text includes rodata; small: "
                "FC_VM_SMALL=1 (interp_small.c, the microcontroller default), speed: "
                "FC_VM_SMALL=0 (interp.c); toolchain: libgcc/libc text pulled in, not counted",
        "configs": linked,
    },
    "sizeof": sizes,
}
with open(json_path, "w") as out:
    json.dump(doc, out, indent=2)
    out.write("\n")
print(f"\nwritten: {json_path}")
PY

# The whole firmware (every layer, libsodium, the port) per layer, from the
# linker maps of the firmware images: firmware/tools/footprint.sh.
echo
firmware/tools/footprint.sh "$OUT" || failed=1

if [ $failed -ne 0 ]; then
    echo "footprint: some sources do not compile for a target (errors above)" >&2
    exit 1
fi
