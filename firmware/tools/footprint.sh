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

# The device firmware of the Cortex-M4 board (firmware/app/device_main.c):
# the same layers plus the network stack (lwIP), the Ethernet driver, the
# flash store, the CoAP message layer, the device and resources femtod shares
# (apps/device/), and the board's application ("app": every object not named
# here: device_main, platform_bm, fetch_bm).
lwip_dir=${FC_THIRD_PARTY_DIR:-$repo/build/third_party}/lwip
if [ ! -d "$lwip_dir" ] && [ -z "${FC_NO_FETCH:-}" ]; then
    "$repo/scripts/fetch-deb-src.sh" lwip >/dev/null || true
fi
if [ ! -d "$lwip_dir" ]; then
    echo "footprint: no lwIP sources in $lwip_dir: device firmware table skipped" >&2
    exit 1
fi
echo
make -s -j2 -C "$repo/firmware" BOARD=mps2-an386 O="$out/firmware" REPO="$repo" \
    ${FC_THIRD_PARTY_DIR:+THIRD_PARTY="$FC_THIRD_PARTY_DIR"} "$out/firmware/mps2-an386/device.elf" >/dev/null
lwip_objs=$(make -s -C "$repo/firmware" BOARD=mps2-an386 O="$out/firmware" REPO="$repo" \
    ${FC_THIRD_PARTY_DIR:+THIRD_PARTY="$FC_THIRD_PARTY_DIR"} print-lwip-objs | xargs -n1 basename | sed 's/\.o$//' | paste -sd,)
python3 "$repo/firmware/tools/footprint-map.py" "$out/device.json" \
    "cortex-m4=$out/firmware/mps2-an386/device.map" "${layer_args[@]:0:8}" \
    --layer "lwip=$lwip_objs" --layer "ethernet=lan9118" --layer "coap=coap_wire,coap_map" \
    --layer "storage=store,flash_semihost,semihost" \
    --layer "device=device,server,report,config,fetch_blocks" \
    --layer "port=reset,board,print,port,string" \
    --title "device firmware (mps2-an386: lwIP + LAN9220 + flash store + apps/device, -Os)"
ram_kib=256
stack=$(grep -o 'STACK_SIZE = 0x[0-9a-f]*' "$repo/firmware/mps2-an386/link.ld" | awk '{print $3}')
echo "RAM: ${ram_kib} KiB linked; the stack reservation is $((stack)) bytes; picolibc's malloc heap"
echo "(femtod's uploads and responses) is the rest of RAM after data, bss and the stack."
