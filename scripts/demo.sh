#!/usr/bin/env bash
# demo.sh: the demo run by `make demo`. A Femto-Containers device (femtod)
# on loopback, and an operator who deploys a signed container to it over
# CoAP, calls it, rolls it forward, and watches a forged update bounce.
# Then the same signed container goes to the Cortex-M4 board under QEMU
# (scripts/qemu-device.sh), and the board's power is cut during an update.
#
# Expects a built tree (FC_BUILD, default build/) holding femto and femtod;
# builds it with cmake if they are missing. Everything it creates lives in
# a temporary folder, and the daemon is stopped on exit whatever happens.
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD=${FC_BUILD:-build}
if [ ! -x "$BUILD/femto" ] || [ ! -x "$BUILD/femtod" ]; then
    cmake -S . -B "$BUILD" -G Ninja >/dev/null
    cmake --build "$BUILD" --target femto femtod
fi
FEMTO=$(readlink -f "$BUILD/femto")
FEMTOD=$(readlink -f "$BUILD/femtod")
SRC=$(pwd)
WORK=$(mktemp -d /tmp/femto-demo.XXXXXX)
DAEMON=

BOARD_PID=
stop() {
    if [ -n "$DAEMON" ]; then
        kill "$DAEMON" 2>/dev/null || true
        wait "$DAEMON" 2>/dev/null || true
    fi
    [ -z "$BOARD_PID" ] || board_off
    rm -rf "$WORK"
}
# board_off: SIGKILL QEMU (the child of the `timeout` that runs it): a power cut
board_off() {
    local qemu
    qemu=$(cat "/proc/$BOARD_PID/task/$BOARD_PID/children" 2>/dev/null) || true
    [ -z "$qemu" ] || kill -KILL $qemu 2>/dev/null || true
    wait "$BOARD_PID" 2>/dev/null || true
    BOARD_PID=
}
trap stop EXIT

step() { printf '\n== %s\n' "$*"; }
run() {
    printf '$ %s\n' "$*"
    "$@"
}
cd "$WORK"

PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", 0)); print(s.getsockname()[1])')
DEV="coap://[::1]:$PORT"

step "1. The operator makes a signing key for tenant 'acme'"
run "$FEMTO" keygen acme

step "2. The device's configuration: one tenant, its public key, its rights"
cat >femtod.conf <<CONF
# femtod.conf (docs/deployment.md)
timer_period_ms = 1000
[tenant acme]
id = 1
public_key = acme.pub
hooks = coap, timer, boot
max_containers = 4
CONF
cat femtod.conf

step "3. Start the device: femtod on $DEV, state in a temporary folder"
printf '$ femtod --config femtod.conf --state state --port %s &\n' "$PORT"
timeout -s KILL 300 "$FEMTOD" --config femtod.conf --state state --port "$PORT" 2>femtod.log &
DAEMON=$!
for _ in $(seq 1 100); do
    grep -q "listening on" femtod.log && break
    sleep 0.05
done
cat femtod.log

step "4. Build a container from examples/sensor_coap (C -> eBPF -> verified image)"
run "$FEMTO" build "$SRC/examples/sensor_coap/sensor_coap.c" --name sensor -o sensor-v1.fc

step "5. Sign it for slot 0, sequence number 1, attached to the CoAP hook"
run "$FEMTO" sign -k acme.key -s 0 -n 1 --hook coap -o sensor-v1.suit sensor-v1.fc

step "6. Deploy it over CoAP (block-wise upload); the device checks everything, then switches"
run "$FEMTO" deploy "$DEV" sensor-v1.suit

step "7. Call it: GET /app/sensor/N reads simulated sensor N"
run "$FEMTO" call "$DEV" sensor/0
run "$FEMTO" call "$DEV" sensor/3
printf '$ coap-client-notls -m get %s/app/sensor/1   # any CoAP client works\n' "$DEV"
timeout 10 coap-client-notls -B 5 -m get "$DEV/app/sensor/1"
echo

step "8. Roll forward: version 2 (rebuilt, sequence 2) replaces version 1 atomically"
run "$FEMTO" build "$SRC/examples/sensor_coap/sensor_coap.c" --name sensor --version 2 -o sensor-v2.fc
run "$FEMTO" sign -k acme.key -s 0 -n 2 --hook coap -o sensor-v2.suit sensor-v2.fc
run "$FEMTO" deploy "$DEV" sensor-v2.suit
run "$FEMTO" call "$DEV" sensor/2

step "9. An attacker signs an update with a key the device does not trust: refused"
run "$FEMTO" keygen mallory
run "$FEMTO" sign -k mallory.key -s 0 -n 3 --hook coap -o forged.suit sensor-v1.fc
if run "$FEMTO" deploy "$DEV" forged.suit; then
    echo "demo: the forged update was accepted: this is a bug" >&2
    exit 1
fi

step "10. Replaying the old, genuinely signed version 1: refused (anti-rollback)"
if run "$FEMTO" deploy "$DEV" sensor-v1.suit; then
    echo "demo: the replayed update was accepted: this is a bug" >&2
    exit 1
fi

step "11. The device still runs version 2 (sequence 2); its list and statistics"
run "$FEMTO" call "$DEV" sensor/0
run "$FEMTO" ls "$DEV"

step "12. Stop the device"
kill "$DAEMON"
wait "$DAEMON" 2>/dev/null || true
DAEMON=
tail -n 8 femtod.log
printf '\ndemo: deployed, called, rolled forward, and refused a forged and a replayed update\n'

if ! command -v qemu-system-arm >/dev/null || ! command -v arm-none-eabi-gcc >/dev/null; then
    printf '\ndemo: no qemu-system-arm or arm-none-eabi-gcc (scripts/deps.sh): the board part is skipped\n'
    exit 0
fi
BPORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BOARD_URI="coap://127.0.0.1:$BPORT"
# start_board LOG [OPTIONS]: boot the board on board.flash, wait for "listening"
start_board() {
    local log=$1
    shift
    timeout -s KILL 300 "$SRC/scripts/qemu-device.sh" mps2-an386 --config femtod.conf \
        --flash board.flash --port "$BPORT" "$@" >"$log" 2>&1 </dev/null &
    BOARD_PID=$!
    for _ in $(seq 1 600); do
        grep -q "listening" "$log" && return 0
        kill -0 "$BOARD_PID" 2>/dev/null || break
        sleep 0.05
    done
    cat "$log"
    echo "demo: the board did not start" >&2
    exit 1
}

step "13. A microcontroller on the network: the Cortex-M4 board (mps2-an386) under QEMU"
echo "    lwIP on its LAN9220 Ethernet, flash in the host file board.flash (created erased),"
echo "    the same femtod.conf provisioned into that flash at first boot"
printf '$ scripts/qemu-device.sh mps2-an386 --config femtod.conf --flash board.flash --port %s &\n' "$BPORT"
start_board board.log
cat board.log

step "14. The same signed container (sensor v1), deployed to the board over CoAP"
t0=$(date +%s%N)
run "$FEMTO" deploy "$BOARD_URI" sensor-v1.suit
t1=$(date +%s%N)
echo "    (deploy took $(((t1 - t0) / 1000000)) ms: upload, Ed25519 + SHA-256 on the M4, flash writes)"
run "$FEMTO" call "$BOARD_URI" sensor/0

step "15. Power cut during the update to v2: the flash write is cut half-way through a page"
board_off
cp board.flash board-before-update.flash
start_board probe.log
board_off
cp board-before-update.flash board.flash
ops=$(grep -o 'flash operations at boot: [0-9]*' probe.log | awk '{print $NF}')
echo "    (the board is told to lose power at its flash operation $((ops + 6)): inside the new envelope)"
start_board cut.log --cut $((ops + 6))
"$FEMTO" deploy --timeout 3 "$BOARD_URI" sensor-v2.suit >/dev/null 2>&1 &
for _ in $(seq 1 200); do
    grep -q "power cut" cut.log && break
    sleep 0.05
done
grep "power cut" cut.log
printf '$ kill -KILL <qemu>   # the power is gone\n'
board_off
wait 2>/dev/null || true

step "16. Power back: the board boots on the same flash and still runs v1, re-verified"
start_board after.log
grep -E "torn|re-verified" after.log || true
run "$FEMTO" ls "$BOARD_URI"
run "$FEMTO" call "$BOARD_URI" sensor/0
run "$FEMTO" deploy "$BOARD_URI" sensor-v2.suit
run "$FEMTO" call "$BOARD_URI" sensor/1
board_off
printf '\ndemo: the board took the same signed container over CoAP and kept v1 through a power cut\n'
