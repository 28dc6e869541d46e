#!/usr/bin/env bash
# suit-session.sh: prepare the UART input of the SUIT-over-UART test
# (firmware/app/suittest.c) with the host `femto` tool.
#
#   firmware/tools/suit-session.sh FEMTO OUT_DIR      -> OUT_DIR/session.bin
#
# The session: the tenant's public key; an envelope with a flipped payload
# byte (refused: digest); one signed by another key (refused: signature);
# the counter example at sequence 1 (installed); two timer firings (the
# container counts 1, 2); a replay of sequence 1 (refused: rollback); an
# update at sequence 2 (switched over atomically); one more firing that
# must return r0 = 3 (the key-value state survived the update; the first two
# must return 1 and 2).
set -euo pipefail
femto=$1
out=$2
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
cd "$out"
rm -f tenant.* intruder.*
"$femto" keygen tenant >/dev/null
"$femto" keygen intruder >/dev/null
"$femto" build "$repo/examples/counter/counter.c" -o counter.fc >/dev/null
"$femto" sign -k tenant.key -s 0 -n 1 --hook timer -o v1.suit counter.fc >/dev/null
"$femto" sign -k tenant.key -s 0 -n 2 --hook timer -o v2.suit counter.fc >/dev/null
"$femto" sign -k intruder.key -s 0 -n 3 --hook timer -o intruder.suit counter.fc >/dev/null
# Flip one bit in the last byte of the envelope (inside the integrated image).
python3 - <<'PY'
data = bytearray(open("v1.suit", "rb").read())
data[-1] ^= 0x01
open("tampered.suit", "wb").write(data)
PY
python3 "$repo/firmware/tools/frames.py" session.bin PKEY=tenant.pub BADS=tampered.suit \
    BADS=intruder.suit SUIT=v1.suit FIRE=2@1 BADS=v1.suit SUIT=v2.suit FIRE=1@3 DONE
echo "$out/session.bin"
