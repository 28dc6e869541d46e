#!/usr/bin/env bash
# tests/jit/rv32_fuzz.sh: the RV32 JIT's differential fuzzer (the riscv-virt
# image jitfuzz, firmware/app/jitfuzz.c) in QEMU, commands over the UART.
#
#   rv32_fuzz.sh IMAGE campaign MINUTES OUTDIR [FIRST_SEED]
#       seeds FIRST_SEED, FIRST_SEED+1, ... (20,000 programs each, or
#       $PROGRAMS; 24 and 64 slots in turn, flags 0 and 3 (jitfuzz.c) in
#       turn by two) until MINUTES have passed; OUTDIR/campaign.log gets one
#       line per seed and the totals (programs, verified, seconds),
#       OUTDIR/differ.txt every disagreement as a corpus "prog" block. Run
#       it with nice -n 10.
#   rv32_fuzz.sh IMAGE replay FILE...
#       the files' commands (corpus format: seeds / prog blocks), then quit:
#       exit 0 when every program agreed ("VERDICT: PASS").
set -uo pipefail
image=$1
mode=$2
shift 2
qemu=(qemu-system-riscv32 -M virt -bios none -nographic -monitor none -serial stdio -kernel "$image")

case $mode in
replay)
    log=$(mktemp)
    { cat "$@"; echo quit; } | timeout "${FUZZ_TIMEOUT:-600}" "${qemu[@]}" >"$log" 2>&1
    status=$?
    grep -a "DIFFER\|^jitfuzz:\|VERDICT\|bad line" "$log"
    grep -aq "VERDICT: PASS" "$log" && [ "$status" -eq 0 ]
    rc=$?
    rm -f "$log"
    exit $rc
    ;;
campaign)
    minutes=$1
    out=$2
    seed=${3:-1}
    mkdir -p "$out"
    end=$(($(date +%s) + minutes * 60))
    start=$(date +%s)
    total=0
    verified=0
    differ=0
    while [ "$(date +%s)" -lt "$end" ]; do
        slots=$((seed % 2 ? 24 : 64))
        flags=$((seed % 4 < 2 ? 0 : 3)) # 3: r1 kept, registers folded into r0, long runs
        log=$out/seed-$seed.log
        printf 'seeds %u %u %u %u\nquit\n' "$seed" "${PROGRAMS:-20000}" "$slots" "$flags" |
            timeout 3600 "${qemu[@]}" >"$log" 2>&1
        status=$?
        summary=$(grep -a '^jitfuzz:' "$log" | tr -d '\r')
        n=$(awk '{print $2}' <<<"$summary")
        v=$(awk '{print $4}' <<<"$summary")
        d=$(awk '{for (i = 1; i <= NF; i++) if ($i == "differ,") print $(i - 1)}' <<<"$summary")
        echo "seed $seed slots $slots flags $flags status $status: ${summary:-no summary}" \
            >>"$out/campaign.log"
        if [ "$status" -ne 0 ] || [ "${d:-1}" != 0 ]; then
            grep -a -A 200 "DIFFER" "$log" | tr -d '\r' >>"$out/differ.txt"
            differ=$((differ + ${d:-1}))
        else
            rm -f "$log"
        fi
        total=$((total + ${n:-0}))
        verified=$((verified + ${v:-0}))
        seed=$((seed + 1))
    done
    echo "rv32 jit campaign: $total programs ($verified verified and JIT-compiled) in" \
        "$(($(date +%s) - start)) s, seeds ${3:-1}..$((seed - 1)), $differ disagreements" |
        tee -a "$out/campaign.log"
    [ "$differ" -eq 0 ]
    ;;
*)
    echo "usage: $0 IMAGE campaign MINUTES OUTDIR [FIRST_SEED] | IMAGE replay FILE..." >&2
    exit 2
    ;;
esac
