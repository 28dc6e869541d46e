#!/usr/bin/env bash
# tests/jit/rv32_enc_check.sh TABLE_PROGRAM WORKDIR: every RV32IMAC encoder
# of the JIT against the GNU assembler. The table program prints
# "words<TAB>assembly" lines (several instructions of one line separated by
# ";"); the assembly is assembled with riscv64-unknown-elf-as -march=rv32imac
# with compressed forms off (.option norvc: the JIT emits none), branches
# written as ".+N" (relative to their own address), and its words must
# equal the encoder's, line by line.
set -euo pipefail
table=$1
work=$2
mkdir -p "$work"
"$table" >"$work/table.txt"
{
    echo ".option norvc"
    echo ".text"
    cut -f2 "$work/table.txt" | sed 's/; /\n/g'
} >"$work/all.s"
riscv64-unknown-elf-as -march=rv32imac -misa-spec=2.2 -mabi=ilp32 -o "$work/all.o" "$work/all.s"
riscv64-unknown-elf-objcopy -O binary --only-section=.text "$work/all.o" "$work/all.bin"
# GNU as's bytes as little-endian words, as the encoder's hex is written
od -An -tx4 -v "$work/all.bin" | tr -s ' \n' '\n' | sed '/^$/d' >"$work/as.w"
read -r n bad < <(awk -F'\t' '
    NR == FNR { w[NR] = $1; total = NR; next }
    {
        len = length($1) / 8; got = ""
        for (k = 0; k < len; k++) got = got w[at + k]
        if (got != $1) { print "MISMATCH: " $2 ": encoder " $1 ", GNU as " got > "/dev/stderr"; bad++ }
        at += len; n++
    }
    BEGIN { at = 1 }
    END { if (at - 1 != total) { print "GNU as gave " total " words, the encoders " at - 1 > "/dev/stderr"; bad++ }
          print n, bad + 0 }' "$work/as.w" "$work/table.txt")
echo "rv32 jit encoders: $n instructions checked against GNU as (riscv64-unknown-elf-as -march=rv32imac), $bad differ"
[ "$bad" -eq 0 ] && [ "$n" -gt 500 ]
