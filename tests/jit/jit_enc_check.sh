#!/usr/bin/env bash
# tests/jit/jit_enc_check.sh TABLE_PROGRAM WORKDIR: every Thumb-2 encoder of
# the JIT against the GNU assembler. The table program prints
# "halfwords<TAB>assembly" lines; the assembly is assembled with
# arm-none-eabi-as (-mcpu=cortex-m4 -mthumb) in one section (branches are
# written as ".+N", relative to their own address), and its bytes must
# equal the encoder's, instruction by instruction.
set -euo pipefail
table=$1
work=$2
mkdir -p "$work"
"$table" >"$work/table.txt"
{
    echo ".syntax unified"
    echo ".thumb"
    echo ".cpu cortex-m4"
    echo ".text"
    cut -f2 "$work/table.txt"
} >"$work/all.s"
arm-none-eabi-as -mcpu=cortex-m4 -mthumb -o "$work/all.o" "$work/all.s"
arm-none-eabi-objcopy -O binary --only-section=.text "$work/all.o" "$work/all.bin"
# GNU as's bytes as little-endian halfwords, as the encoder's hex is written
od -An -tx2 -v "$work/all.bin" | tr -s ' \n' '\n' | sed '/^$/d' >"$work/as.hw"
read -r n bad < <(awk -F'\t' '
    NR == FNR { hw[NR] = $1; total = NR; next }
    {
        len = length($1) / 4; got = ""
        for (k = 0; k < len; k++) got = got hw[at + k]
        if (got != $1) { print "MISMATCH: " $2 ": encoder " $1 ", GNU as " got > "/dev/stderr"; bad++ }
        at += len; n++
    }
    BEGIN { at = 1 }
    END { if (at - 1 != total) { print "GNU as gave " total " halfwords, the encoders " at - 1 > "/dev/stderr"; bad++ }
          print n, bad + 0 }' "$work/as.hw" "$work/table.txt")
echo "jit encoders: $n instructions checked against GNU as (arm-none-eabi-as), $bad differ"
[ "$bad" -eq 0 ] && [ "$n" -gt 500 ]
