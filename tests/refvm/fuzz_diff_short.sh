#!/bin/sh
# fuzz_diff_short.sh SOURCE_DIR OUT_DIR CLANG VARIANT VM_SOURCE...
# The short differential fuzz run `make test` affords (pattern of
# tests/vm/fuzz_short.sh): builds fuzz/fuzz_diff.c + tests/refvm/refvm.c +
# the VM sources with libFuzzer + ASan + UBSan into OUT_DIR when a source
# changed, replays every seed of fuzz/corpus/diff and the diff-*.bin inputs
# of tests/vm/regress once, then fuzzes RUNS inputs from a fixed seed (new
# inputs go to OUT_DIR/work, never into the checkout).
# -O0: the fast interpreter under ASan+UBSan+coverage takes over a minute
# of CPU to compile at -O1 and a few seconds at -O0; the run is short.
# VARIANT: fast (interp.c: in place, traced, pre-decoded) or small
# (FC_VM_SMALL=1: interp_small.c, in place and traced).
set -eu
src=$1 out=$2 clang=$3 variant=$4
shift 4
runs=${FUZZ_DIFF_RUNS:-8000}
defs=""
[ "$variant" = small ] && defs="-DFC_VM_SMALL=1"
mkdir -p "$out"
bin="$out/fuzz_diff_$variant"
rebuild=0
[ -x "$bin" ] || rebuild=1
for f in "$src/fuzz/fuzz_diff.c" "$src"/tests/refvm/refvm.[ch] "$src"/include/femto/*.h "$@" \
    "$src"/src/vm/*.h "$0"; do
    [ "$rebuild" = 1 ] || [ ! "$f" -nt "$bin" ] || rebuild=1
done
if [ "$rebuild" = 1 ]; then
    # shellcheck disable=SC2086
    "$clang" -std=gnu11 -g -O0 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes $defs \
        -I"$src/include" "$src/fuzz/fuzz_diff.c" "$src/tests/refvm/refvm.c" "$@" -o "$bin.tmp"
    mv "$bin.tmp" "$bin"
fi
# Files, not the directory: libFuzzer then only executes them.
"$bin" "$src"/fuzz/corpus/diff/* "$src"/tests/vm/regress/diff-*.bin 2>"$out/replay-$variant.log" ||
    { tail -60 "$out/replay-$variant.log"; exit 1; }
# 3350 seeds of fuzz/corpus/diff and 2 regression inputs
"$src/tests/common/check-replayed.sh" "$out/replay-$variant.log" 3352 "differential inputs ($variant)"
rm -rf "$out/work-$variant"
mkdir -p "$out/work-$variant"
"$bin" -runs="$runs" -seed=1 -artifact_prefix="$out/$variant-" "$out/work-$variant" \
    "$src/fuzz/corpus/diff" 2>"$out/run-$variant.log" || { tail -60 "$out/run-$variant.log"; exit 1; }
grep -E "^#[0-9]+ +DONE|^Done" "$out/run-$variant.log" || true
echo "PASS: $runs differential fuzz runs ($variant)"
