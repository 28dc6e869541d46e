#!/usr/bin/env bash
# tests/jit/fuzz_campaign.sh JIT_FUZZ SECONDS OUT_DIR [FIRST_SEED]: a
# differential fuzzing campaign of the Thumb-2 JIT against the interpreter
# (jit_fuzz under qemu-arm), for SECONDS of wall clock. Chunks of 2,000
# programs, one seed each (FIRST_SEED, +1, ...), rotating the program size
# (24, 48, 64 slots) and the generator mode (0: as the M4 self-test; 3: r1
# kept, registers folded into r0, long budgets). OUT_DIR/chunks.txt gets one
# "seeds SEED 2000 SLOTS FLAGS" line per chunk with its counts (replayable
# by jit_fuzz replay), OUT_DIR/findings.txt every disagreement as a
# corpus "prog" block. Run it niced: nice -n 10 tests/jit/fuzz_campaign.sh ...
set -euo pipefail
fuzz=$1
seconds=$2
out=$3
seed=${4:-1000}
mkdir -p "$out"
qemu=${QEMU_ARM:-qemu-arm}
start=$(date +%s)
end=$((start + seconds))
: >"$out/chunks.txt"
: >"$out/findings.txt"
sizes=(24 48 64)
modes=(0 3)
i=0
while [ "$(date +%s)" -lt "$end" ]; do
    slots=${sizes[$((i % 3))]}
    mode=${modes[$(((i / 3) % 2))]}
    log=$("$qemu" "$fuzz" run "$seed" 2000 "$slots" "$mode" || true)
    grep -v '^jit_fuzz:' <<<"$log" >>"$out/findings.txt" || true
    echo "seeds $seed 2000 $slots $mode # $(grep '^jit_fuzz:' <<<"$log")" >>"$out/chunks.txt"
    seed=$((seed + 1))
    i=$((i + 1))
done
awk -v s=$(($(date +%s) - start)) '/^seeds/ { n++; p += $8; v += $10; d += $23 } END {
    printf "campaign: %d s, %d chunks, %d programs, %d verified, %d differ\n", s, n, p, v, d }' \
    "$out/chunks.txt"
