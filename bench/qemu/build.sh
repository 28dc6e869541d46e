#!/usr/bin/env bash
# bench/qemu/build.sh: build the instruction-counting TCG plugin.
#
#   bench/qemu/build.sh [OUT_DIR]     -> OUT_DIR/insn_count.so (prints its path)
#
# qemu-plugin.h comes from Debian's qemu source package of the installed
# version (scripts/fetch-deb-src.sh qemu); it is GPL-2.0-or-later and is
# fetched at build time, never committed. OUT_DIR defaults to build/bench/qemu.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$repo/build/bench/qemu}
mkdir -p "$out"
header=$("$repo/scripts/fetch-deb-src.sh" qemu)
so=$out/insn_count.so
if [ ! -f "$so" ] || [ "$repo/bench/qemu/insn_count.c" -nt "$so" ] || [ "$header" -nt "$so" ]; then
    gcc -std=c11 -O2 -fPIC -shared -Wall -Wextra -Werror -I"$(dirname "$header")" \
        -o "$so" "$repo/bench/qemu/insn_count.c"
fi
echo "$so"
