#!/bin/sh
# femto asm -> disasm -> asm through the CLI gives the same bytes, for the
# .data files given as arguments. Runs in the current (scratch) folder.
set -eu
femto=$1
shift
for data in "$@"; do
    name=$(basename "$data" .data)
    "$femto" asm "$data" -o "$name.bin"
    "$femto" disasm "$name.bin" > "$name.s"
    "$femto" asm "$name.s" -o "$name.again.bin"
    cmp "$name.bin" "$name.again.bin"
done
echo "round trip ok: $#"
