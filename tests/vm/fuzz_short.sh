#!/bin/sh
# fuzz_short.sh SOURCE_DIR OUT_DIR CLANG VM_SOURCE...
# The short fuzz run `make test` affords: builds fuzz/fuzz_vm.c with
# libFuzzer + ASan + UBSan (clang-14) into OUT_DIR when a source changed,
# replays every seed of fuzz/corpus/vm once, then fuzzes 20000 inputs from
# a fixed seed (new inputs go to OUT_DIR/work, never into the checkout).
# Long runs: see fuzz/README.md.
set -eu
src=$1 out=$2 clang=$3
shift 3
mkdir -p "$out"
bin="$out/fuzz_vm"
rebuild=0
[ -x "$bin" ] || rebuild=1
for f in "$src/fuzz/fuzz_vm.c" "$src"/include/femto/*.h "$@" "$src"/src/vm/*.h; do
    [ "$rebuild" = 1 ] || [ ! "$f" -nt "$bin" ] || rebuild=1
done
if [ "$rebuild" = 1 ]; then
    "$clang" -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -I"$src/include" "$src/fuzz/fuzz_vm.c" "$@" -o "$bin.tmp"
    mv "$bin.tmp" "$bin"
fi
# Files, not the directory: libFuzzer then only executes them.
"$bin" "$src"/fuzz/corpus/vm/* 2>"$out/replay.log" || { tail -60 "$out/replay.log"; exit 1; }
"$src/tests/common/check-replayed.sh" "$out/replay.log" 2855 "fuzz/corpus/vm seeds"
rm -rf "$out/work"
mkdir -p "$out/work"
"$bin" -runs=20000 -seed=1 -artifact_prefix="$out/" "$out/work" "$src/fuzz/corpus/vm" \
    2>"$out/run.log" || { tail -60 "$out/run.log"; exit 1; }
grep -E "^#[0-9]+ +DONE|^Done" "$out/run.log" || true
echo "PASS: 20000 fuzz runs"
