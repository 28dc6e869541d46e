#!/usr/bin/env bash
# demo.sh: the demo run by `make demo`. For now it shows the tool chain on
# one small program: assemble examples/asm/demo.s, disassemble the bytecode,
# and run it in the VM on the input of examples/asm/demo.data, checking the
# result. (Later this becomes a deployment to a device.)
#
# Expects a built tree: FC_BUILD (default build/) holding the femto CLI.
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD=${FC_BUILD:-build}
FEMTO=$BUILD/femto
[ -x "$FEMTO" ] || FEMTO=$BUILD/tools/femto/femto
SRC=examples/asm/demo.s
DATA=examples/asm/demo.data
BIN=$BUILD/demo/demo.bin

step() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

if [ ! -x "$FEMTO" ]; then
    echo "demo: no femto CLI in $BUILD/ (nor $BUILD/tools/femto/): build first (make build)" >&2
    exit 1
fi

# demo.data carries a copy of demo.s; refuse to demo two different programs.
if ! diff <(grep -v '^#' "$SRC") <(sed -n '/^-- asm/,/^-- /p' "$DATA" | sed '1d;$d'); then
    echo "demo: the -- asm section of $DATA differs from $SRC (diff above)" >&2
    exit 1
fi

mkdir -p "$(dirname "$BIN")"

step "Assemble $SRC (Fletcher-16 over the input bytes)"
run "$FEMTO" asm "$SRC" -o "$BIN"
printf '%s: %s bytes, %s instruction slots\n' "$BIN" "$(wc -c <"$BIN")" "$(($(wc -c <"$BIN") / 8))"

step "Disassemble it"
run "$FEMTO" disasm "$BIN"

step "Verify and run it on the input of $DATA (\"abcde\"), expecting 0xc8f0"
printf '$ %s\n' "$FEMTO conformance -v $DATA"
rc=0
out=$("$FEMTO" conformance -v "$DATA") || rc=$?
echo "$out"
# A skipped file is not a success: the demo passes only if the file ran and matched.
if [ $rc -ne 0 ] || ! grep -q ": pass: " <<<"$out"; then
    echo "demo: the program did not run to the expected result" >&2
    exit 1
fi
printf '\ndemo: Fletcher-16 of "abcde" computed in the VM: 0xc8f0, as expected\n'
