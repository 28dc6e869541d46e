#!/bin/sh
# fuzz_replay.sh SOURCE_DIR FUZZ_BINARY
# Runs every seed of fuzz/corpus/image once through the image fuzz target
# (built by tests/image/CMakeLists.txt with clang-14, libFuzzer, ASan and
# UBSan): a regression check that make test can afford. Long fuzzing runs
# use the FC_FUZZ=ON build (see fuzz/CMakeLists.txt).
set -eu
src=$1 bin=$2
[ -x "$bin" ] || { echo "FAIL: $bin not built"; exit 1; }
# Files, not the directory: libFuzzer then only executes them (it never
# writes into the seed corpus).
"$bin" "$src"/fuzz/corpus/image/*
echo "PASS: $(ls "$src"/fuzz/corpus/image | wc -l) seeds replayed"
