#!/bin/sh
# fuzz_coap_short.sh SOURCE_DIR OUT_DIR CLANG FEMTO
# The short run of fuzz/fuzz_coap.c (femtod's CoAP request handlers) that
# `make test` affords: builds the target with libFuzzer + ASan + UBSan into
# OUT_DIR when a source changed (objects compiled two at a time), builds
# the container it installs (tests/e2e/apps/kvapp.c) with femto, replays
# every seed of fuzz/corpus/coap once, then fuzzes 3000 inputs from a
# fixed seed (new inputs go to OUT_DIR/work, never into the checkout).
# Long runs: fuzz/README.md.
set -eu
src=$1 out=$2 clang=$3 femto=$4
mkdir -p "$out/obj"
bin="$out/fuzz_coap"
coap=$(pkg-config --cflags --libs libcoap-3-notls 2>/dev/null || pkg-config --cflags --libs libcoap-3)
sources="$src/fuzz/fuzz_coap.c $src/fuzz/fuzz_tenants.c $src/apps/device/config.c $src/apps/device/device.c
 $src/apps/device/report.c $src/apps/device/server.c $src/apps/femtod/coap_pdu.c
 $src/apps/femtod/platform_posix.c $src/apps/device/coap_map.c
 $src/tools/femto/suit_write.c $(ls "$src"/src/vm/*.c "$src"/src/image/*.c "$src"/src/engine/*.c \
 "$src"/src/suit/*.c "$src"/src/port/posix/*.c)"
coap_cflags=$(pkg-config --cflags libcoap-3-notls 2>/dev/null || pkg-config --cflags libcoap-3)
flags="-std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Wall"
flags="$flags -Wextra -Werror -DFC_PORT_POSIX_HAVE_CRYPTO=1 -I$src/include -I$src/sdk -I$src/apps/femtod -I$src/apps/device"
flags="$flags -I$src/tools/femto $coap_cflags"
rebuild=0
[ -x "$bin" ] || rebuild=1
for f in $sources "$src"/fuzz/*.h "$src"/include/femto/*.h "$src"/apps/femtod/*.h "$src"/apps/device/*.h "$src"/src/*/*.h \
    "$src"/sdk/*.h "$src"/sdk/*.def; do
    [ "$rebuild" = 1 ] || [ ! -e "$f" ] || [ ! "$f" -nt "$bin" ] || rebuild=1
done
if [ "$rebuild" = 1 ]; then
    rm -f "$out"/obj/*.o
    i=0
    for f in $sources; do # two compilers at a time
        # shellcheck disable=SC2086
        "$clang" $flags -c "$f" -o "$out/obj/$i.o" &
        i=$((i + 1))
        [ $((i % 2)) = 1 ] || wait
    done
    wait
    [ "$(ls "$out"/obj/*.o | wc -l)" = "$i" ] || { echo "FAIL: compilation"; exit 1; }
    # shellcheck disable=SC2086
    "$clang" -fsanitize=fuzzer,address,undefined "$out"/obj/*.o $coap -lcrypto -o "$bin.tmp"
    mv "$bin.tmp" "$bin"
fi
"$femto" build "$src/tests/e2e/apps/kvapp.c" -D VERSION=1 --name kvapp -o "$out/kvapp.fc" >/dev/null
export FUZZ_COAP_IMAGE="$out/kvapp.fc"
# Files, not the directory: libFuzzer then only executes them.
"$bin" "$src"/fuzz/corpus/coap/* 2>"$out/replay.log" || { tail -60 "$out/replay.log"; exit 1; }
"$src/tests/common/check-replayed.sh" "$out/replay.log" 711 "fuzz/corpus/coap seeds"
rm -rf "$out/work"
mkdir -p "$out/work"
"$bin" -runs=3000 -seed=1 -max_len=12000 -artifact_prefix="$out/" "$out/work" \
    "$src/fuzz/corpus/coap" 2>"$out/run.log" || { tail -60 "$out/run.log"; exit 1; }
grep -E "^#[0-9]+ +DONE|^Done" "$out/run.log" || true
echo "PASS: 3000 fuzz runs"
