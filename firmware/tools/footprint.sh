#!/usr/bin/env bash
# firmware/tools/footprint.sh: text/data/bss per layer of the whole firmware
# (vm, image, engine, suit, crypto, port, app, toolchain) for cortex-m4,
# cortex-m0plus and rv32imac, from the linker map of the SUIT-over-UART image
# (firmware/Makefile target `footprint`). Called by scripts/footprint.sh
# (`make footprint`); needs libsodium's sources (scripts/fetch-deb-src.sh).
#
#   firmware/tools/footprint.sh [OUT_DIR]     (default: $FC_BUILD/footprint, build/ by default)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$repo/${FC_BUILD:-build}/footprint}
mkdir -p "$out"
out=$(cd "$out" && pwd)
sodium_dir=${FC_THIRD_PARTY_DIR:-$repo/build/third_party}/libsodium
if [ ! -d "$sodium_dir" ] && [ -z "${FC_NO_FETCH:-}" ]; then
    "$repo/scripts/fetch-deb-src.sh" libsodium >/dev/null || true
fi
if [ ! -d "$sodium_dir" ]; then
    echo "footprint: no libsodium sources in $sodium_dir: whole-firmware table skipped" >&2
    exit 1
fi
maps=()
for pair in cortex-m4:mps2-an386 cortex-m0plus:cortex-m0plus rv32imac:riscv-virt; do
    target=${pair%%:*}
    board=${pair#*:}
    make -s -j2 -C "$repo/firmware" BOARD="$board" O="$out/firmware" REPO="$repo" \
        ${FC_THIRD_PARTY_DIR:+THIRD_PARTY="$FC_THIRD_PARTY_DIR"} footprint >/dev/null
    maps+=("$target=$out/firmware/$board/footprint.map")
done
layer_args=()
for layer in vm image engine suit; do
    objs=$("$repo/firmware/tools/layer-sources.sh" "$repo/src/$layer" | xargs -n1 basename | sed 's/\.c$//' | paste -sd,)
    layer_args+=(--layer "$layer=$objs")
done
layer_args+=(--layer "port=reset,board,crt0,trap,print,port,string")
python3 "$repo/firmware/tools/footprint-map.py" "$out/firmware.json" "${maps[@]}" "${layer_args[@]}"
