#!/bin/sh
# fuzz_replay.sh build SOURCE_DIR FUZZ_BINARY CLANG
#     Build the image fuzz target for the replay: the harness and src/image
#     with libFuzzer + ASan + UBSan, src/vm with ASan only (UBSan makes the
#     interpreter take over a minute to compile; the VM's own tests and the
#     FC_FUZZ=ON build cover it with both sanitizers).
# fuzz_replay.sh run SOURCE_DIR FUZZ_BINARY
#     Run every seed of fuzz/corpus/image once through it: a regression
#     check that make test can afford. Long fuzzing runs use the FC_FUZZ=ON
#     build (see fuzz/CMakeLists.txt).
set -eu
mode=$1 src=$2 bin=$3
if [ "$mode" = build ]; then
    clang=$4
    objs=$(dirname "$bin")/vm-objs
    mkdir -p "$objs"
    flags="-std=gnu11 -g -O1 -Wall -Wextra -Werror -I$src/include"
    for f in "$src"/src/vm/*.c; do
        "$clang" $flags -fsanitize=address,fuzzer-no-link -c "$f" -o "$objs/$(basename "$f" .c).o"
    done
    "$clang" $flags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        "$src/fuzz/fuzz_image.c" "$src"/src/image/*.c "$objs"/*.o -o "$bin"
    exit 0
fi
[ -x "$bin" ] || { echo "FAIL: $bin not built"; exit 1; }
# Files, not the directory: libFuzzer then only executes them (it never
# writes into the seed corpus).
log=$(dirname "$bin")/replay.log
"$bin" "$src"/fuzz/corpus/image/* 2>"$log" || { tail -60 "$log"; exit 1; }
"$src/tests/common/check-replayed.sh" "$log" 922 "fuzz/corpus/image seeds"
