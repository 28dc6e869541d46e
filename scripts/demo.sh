#!/usr/bin/env bash
# demo.sh: the demo run by `make demo`. A Femto-Containers device (femtod)
# on loopback, and an operator who deploys a signed container to it over
# CoAP, calls it, rolls it forward, and watches a forged update bounce.
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

stop() {
    if [ -n "$DAEMON" ]; then
        kill "$DAEMON" 2>/dev/null || true
        wait "$DAEMON" 2>/dev/null || true
    fi
    rm -rf "$WORK"
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
