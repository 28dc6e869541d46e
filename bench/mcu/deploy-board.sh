#!/usr/bin/env bash
# deploy-board.sh: time to deploy the sensor example to the Cortex-M4 board
# under QEMU over CoAP (femto deploy, wall clock: block-wise upload on
# loopback, Ed25519 + SHA-256 on the emulated M4, flash writes through
# semihosting), for RUNS updates in a row, and the heap the board used.
#
#   bench/mcu/deploy-board.sh [RUNS]     (FC_BUILD: the build tree, default build/)
# Prints one line per deploy and the median. Wall-clock figures depend on
# the host and its load: they describe this run, not the firmware alone.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
build=$repo/${FC_BUILD:-build}
femto=$build/femto
work=$(mktemp -d /tmp/femto-deploy-bench.XXXXXX)
board=
cleanup() {
    if [ -n "$board" ]; then
        kill -KILL "$board" 2>/dev/null || true
        wait "$board" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
"$femto" keygen acme >/dev/null
printf 'timer_period_ms = 0\n[tenant acme]\nid = 1\npublic_key = acme.pub\n' >dev.conf
"$femto" build "$repo/examples/sensor_coap/sensor_coap.c" --name sensor -o sensor.fc >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
FC_DEVICE_TRACE=1 "$repo/scripts/qemu-device.sh" mps2-an386 --config dev.conf --flash board.flash \
    --port "$port" >board.log 2>&1 </dev/null &
board=$!
for _ in $(seq 1 300); do
    grep -q listening board.log && break
    sleep 0.05
done
grep -q listening board.log || { cat board.log; exit 1; }
times=()
for n in $(seq 1 "$runs"); do
    "$femto" sign -k acme.key -s 0 -n "$n" --hook coap -o "s$n.suit" sensor.fc >/dev/null
    t0=$(date +%s%N)
    "$femto" deploy -q "coap://127.0.0.1:$port" "s$n.suit" >/dev/null
    t1=$(date +%s%N)
    ms=$(((t1 - t0) / 1000000))
    times+=("$ms")
    echo "deploy $n ($(stat -c %s "s$n.suit") bytes of envelope): $ms ms"
done
"$femto" call "coap://127.0.0.1:$port" sensor/0 >/dev/null
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
echo "median deploy time: $median ms over $runs deploys"
grep -o 'heap [0-9]* bytes in use, [0-9]* from the system' board.log | sort -t' ' -k2 -n | tail -1 |
    sed 's/^/largest heap after a request: /'
