#!/usr/bin/env bash
# firmware/build.sh: build the bare-metal images for QEMU boards.
#
#   firmware/build.sh [-o BUILD_DIR] [BOARD...]
#
# BOARD: mps2-an386 (Cortex-M4), cortex-m0plus (link check only),
# riscv-virt (RV32IMAC); default: all three. BUILD_DIR defaults to
# build-firmware/ at the repository root. A board whose cross compiler is not
# installed is skipped with a message (exit status 0 only if every board
# that could be built was built).
# The SUIT-over-UART image also needs libsodium's sources: fetched once with
# scripts/fetch-deb-src.sh libsodium into build/third_party/ (set
# FC_NO_FETCH=1 to never fetch; the image is then not built, and says so).
# Environment: SHARED (the shared/ fixtures folder, default ../shared),
# OPT (optimisation, default -Os).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=$repo/build-firmware
if [ "${1:-}" = "-o" ]; then
    out=$(mkdir -p "$2" && cd "$2" && pwd)
    shift 2
fi
boards=("$@")
[ ${#boards[@]} -gt 0 ] || boards=(mps2-an386 cortex-m0plus riscv-virt)

compiler_for() {
    case $1 in
    mps2-an386 | cortex-m0plus) echo arm-none-eabi-gcc ;;
    riscv-virt) echo riscv64-unknown-elf-gcc ;;
    *) echo "unknown-board-$1" ;;
    esac
}

sodium_dir=${FC_THIRD_PARTY_DIR:-$repo/build/third_party}/libsodium
if [ ! -d "$sodium_dir" ] && [ -z "${FC_NO_FETCH:-}" ]; then
    "$repo/scripts/fetch-deb-src.sh" libsodium >/dev/null ||
        echo "firmware: libsodium sources unavailable: the SUIT-over-UART images are not built"
fi
[ -d "$sodium_dir" ] || echo "firmware: no libsodium sources in $sodium_dir: no suittest image"
# The device firmware (mps2-an386) also needs lwIP's sources.
lwip_dir=${FC_THIRD_PARTY_DIR:-$repo/build/third_party}/lwip
if [ ! -d "$lwip_dir" ] && [ -z "${FC_NO_FETCH:-}" ]; then
    "$repo/scripts/fetch-deb-src.sh" lwip >/dev/null ||
        echo "firmware: lwIP sources unavailable: the device firmware is not built"
fi
[ -d "$lwip_dir" ] || echo "firmware: no lwIP sources in $lwip_dir: no device image"

status=0
for board in "${boards[@]}"; do
    cc=$(compiler_for "$board")
    if ! command -v "$cc" >/dev/null; then
        echo "firmware: skipping $board: $cc not installed (scripts/deps.sh installs it)"
        continue
    fi
    echo "firmware: building $board in $out/$board"
    # A failed build must not leave an older image behind to be tested.
    rm -f "$out/$board"/*.elf
    make -s -j"$(nproc)" -C "$repo/firmware" BOARD="$board" O="$out" REPO="$repo" \
        ${FC_THIRD_PARTY_DIR:+THIRD_PARTY="$FC_THIRD_PARTY_DIR"} \
        ${SHARED:+SHARED="$SHARED"} ${OPT:+OPT="$OPT"} || status=1
    # The M0+ image is never run (no QEMU board): linking it is its test
    # (the linker script fails a build whose code, data, bss or stack do not
    # fit the M0+ map). Say what fits, and fail if the image is missing.
    if [ "$board" = cortex-m0plus ]; then
        if [ -f "$out/$board/selftest.elf" ]; then
            echo "firmware: cortex-m0plus linked: $(arm-none-eabi-size "$out/$board/selftest.elf" |
                tail -n 1 | awk '{print "text " $1 " data " $2 " bss " $3}')"
        else
            echo "firmware: cortex-m0plus: selftest.elf was not linked"
            status=1
        fi
    fi
done
exit $status
