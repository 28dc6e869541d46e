#!/usr/bin/env bash
# bench/mcu/run.sh: native C vs the Femto-Containers VM on the MCU targets,
# in exact guest instructions counted by a QEMU TCG plugin.
#
#   bench/mcu/run.sh [-o OUT_DIR] [BOARD...]
#
# BOARD: mps2-an386 (Cortex-M4), riscv-virt (RV32IMAC); default both.
# For each board four images are built (the fixtures' native C is always
# -O2): the microcontroller default interpreter (FC_VM_SMALL) with the
# layers at -O2 and at -Os, the per-opcode interpreter with its pre-decoded
# form at -O2, and the default at -O2 with picolibc's byte-loop
# memcpy/memset instead of the port's (what those cost). With libsodium's
# sources fetched, SHA-256 and Ed25519 verification are
# measured too. Each image runs twice
# and the two runs must give identical counts (the counter is deterministic;
# a difference would mean an interrupt or a bug). Writes OUT_DIR/results.md,
# OUT_DIR/results.json and the raw logs. OUT_DIR defaults to build/bench/mcu.
# A fifth image runs the VM measurements through the checked JIT
# (src/vm/jit, docs/jit.md: the Thumb-2 backend on mps2-an386, the
# RV32IMAC one on riscv-virt), layers at -Os.
# Environment: SHARED (shared/ fixtures), REPS (N, default 4), TAGS (only
# these variants, e.g. TAGS="Os Osjit").
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
out=$repo/build/bench/mcu
if [ "${1:-}" = "-o" ]; then
    out=$2
    shift 2
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
boards=("$@")
[ ${#boards[@]} -gt 0 ] || boards=(mps2-an386 riscv-virt)
# tag|VM_OPT|STRING (port or libc memcpy/memset)|VM_DEFS|description|JIT
variants=(
    "O2|-O2|port||-O2, default (small) interpreter|"
    "Os|-Os|port||-Os, default (small) interpreter|"
    "O2fast|-O2|port|-DFC_VM_SMALL=0 -DFC_VM_XLATE=1|-O2, per-opcode interpreter (FC_VM_SMALL=0)|"
    "O2libc|-O2|libc||-O2, default interpreter, picolibc's byte-loop memcpy/memset|"
    "Osjit|-Os|port||-Os, checked JIT (src/vm/jit, Thumb-2; interpreter fallback)|1"
)

plugin=$("$repo/bench/qemu/build.sh" "$out/qemu")

qemu_for() {
    case $1 in
    mps2-an386) echo "qemu-system-arm -M mps2-an386 -semihosting-config enable=on,target=native" ;;
    riscv-virt) echo "qemu-system-riscv32 -M virt -bios none" ;;
    esac
}
nm_for() {
    case $1 in
    mps2-an386) echo arm-none-eabi-nm ;;
    riscv-virt) echo riscv64-unknown-elf-nm ;;
    esac
}

runs=()
for board in "${boards[@]}"; do
    for variant in "${variants[@]}"; do
        IFS='|' read -r tag opt string vm_defs description jit <<<"$variant"
        # the JIT's backend is the board's: Thumb-2 on the M4, RV32IMAC on riscv-virt
        [ -z "$jit" ] || [ "$board" != riscv-virt ] || description=${description/Thumb-2/RV32IMAC}
        [ -z "${TAGS:-}" ] || [[ " $TAGS " == *" $tag "* ]] || continue
        make -s -j"$(nproc)" -C "$repo/bench/mcu" BOARD="$board" O="$out/images" VM_OPT="$opt" \
            TAG="$tag" STRING="$string" VM_DEFS="$vm_defs" JIT="$jit" REPO="$repo" \
            ${SHARED:+SHARED="$SHARED"} ${REPS:+REPS="$REPS"} \
            ${FC_THIRD_PARTY_DIR:+THIRD_PARTY="$FC_THIRD_PARTY_DIR"} >/dev/null
        elf=$out/images/$board/bench$tag.elf
        nm=$(nm_for "$board")
        start=$($nm "$elf" | awk '$3 == "fc_bench_start" {print "0x" $1}')
        stop=$($nm "$elf" | awk '$3 == "fc_bench_stop" {print "0x" $1}')
        read -r -a qemu <<<"$(qemu_for "$board")"
        for attempt in 1 2; do
            log=$out/$board-$tag.$attempt
            status=0
            timeout 600 "${qemu[@]}" -nographic -monitor none -serial stdio \
                -plugin "$plugin,start=$start,stop=$stop" -d plugin -D "$log.plugin" \
                -kernel "$elf" </dev/null >"$log.uart" 2>&1 || status=$?
            if [ "$status" -ne 0 ]; then
                grep -a "FAIL\|BENCH-END" "$log.uart" || true
                echo "bench: $board $tag exited with status $status (log: $log.uart)" >&2
                exit 1
            fi
        done
        if ! cmp -s <(grep interval "$out/$board-$tag.1.plugin") <(grep interval "$out/$board-$tag.2.plugin"); then
            echo "bench: $board $tag: the two runs counted differently (not deterministic)" >&2
            exit 1
        fi
        runs+=("$board|$description|$out/$board-$tag.1.uart|$out/$board-$tag.1.plugin")
    done
done
python3 "$repo/bench/mcu/report.py" "$out" "${runs[@]}"
