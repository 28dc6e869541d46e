#!/usr/bin/env bash
# tests/jit/enc_check.sh ARCH TABLE_PROGRAM WORKDIR: every encoder of one
# JIT backend against the GNU assembler for its target. ARCH:
#   thumb2  src/vm/jit/thumb2_enc.h, arm-none-eabi-as -mcpu=cortex-m4 -mthumb,
#           compared halfword by halfword (jit_enc_table)
#   rv32    src/vm/jit/rv32_enc.h, riscv64-unknown-elf-as -march=rv32imac with
#           compressed forms off (.option norvc: the JIT emits none), compared
#           word by word (rv32_enc_table)
# The table program prints "units<TAB>assembly" lines (several instructions
# of one line separated by "; "); branches are written as ".+N", relative to
# their own address, and the whole text is assembled in one section. The
# assembler's bytes must equal the encoder's, line by line.
set -euo pipefail
arch=$1
table=$2
work=$3
mkdir -p "$work"
"$table" >"$work/table.txt"
case $arch in
thumb2)
    prelude=(".syntax unified" ".thumb" ".cpu cortex-m4" ".text")
    as=(arm-none-eabi-as -mcpu=cortex-m4 -mthumb)
    objcopy=arm-none-eabi-objcopy
    unit=2 # bytes: the encoder writes halfwords
    ;;
rv32)
    prelude=(".option norvc" ".text")
    as=(riscv64-unknown-elf-as -march=rv32imac -misa-spec=2.2 -mabi=ilp32)
    objcopy=riscv64-unknown-elf-objcopy
    unit=4 # bytes: the encoder writes words
    ;;
*)
    echo "usage: $0 thumb2|rv32 TABLE_PROGRAM WORKDIR" >&2
    exit 2
    ;;
esac
{
    printf '%s\n' "${prelude[@]}"
    cut -f2 "$work/table.txt" | sed 's/; /\n/g'
} >"$work/all.s"
"${as[@]}" -o "$work/all.o" "$work/all.s"
"$objcopy" -O binary --only-section=.text "$work/all.o" "$work/all.bin"
# the assembler's bytes as little-endian units, as the encoder's hex is written
od -An -tx$unit -v "$work/all.bin" | tr -s ' \n' '\n' | sed '/^$/d' >"$work/as.units"
read -r n bad < <(awk -F'\t' -v digits=$((unit * 2)) '
    NR == FNR { u[NR] = $1; total = NR; next }
    {
        len = length($1) / digits; got = ""
        for (k = 0; k < len; k++) got = got u[at + k]
        if (got != $1) { print "MISMATCH: " $2 ": encoder " $1 ", GNU as " got > "/dev/stderr"; bad++ }
        at += len; n++
    }
    BEGIN { at = 1 }
    END { if (at - 1 != total) { print "GNU as gave " total " units, the encoders " at - 1 > "/dev/stderr"; bad++ }
          print n, bad + 0 }' "$work/as.units" "$work/table.txt")
echo "$arch jit encoders: $n instructions checked against GNU as (${as[0]}), $bad differ"
[ "$bad" -eq 0 ] && [ "$n" -gt 500 ]
