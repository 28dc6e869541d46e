#!/usr/bin/env bash
# End to end: deploy, call, update (seq+1), a forged update refused, the
# stock coap-client-notls lists and calls, restart reloads and fires boot,
# signed removal, configuration errors name their line.
source "$(dirname "$0")/lib.sh" "$@"

make_key alice
make_key mallory
cat >"$WORK/femtod.conf" <<CONF
timer_period_ms = 20
sensor_period_ms = 20
sensors = 0, 1
[tenant alice]
id = 1
public_key = alice.pub
CONF
build_app 1 kvapp "$WORK/v1.fc"
build_app 2 kvapp "$WORK/v2.fc"
sign alice 0 1 "$WORK/v1.fc" "$WORK/v1.suit"
sign alice 0 2 "$WORK/v2.fc" "$WORK/v2.suit"
sign mallory 0 3 "$WORK/v2.fc" "$WORK/forged.suit"

read -r PORT < <(free_ports 1)
U="coap://$HOST:$PORT"
start_femtod D "$PORT" "$WORK/state" "$WORK/femtod.conf"

expect_code 2.04 "deploy v1" -- "$FEMTO" deploy "$U" "$WORK/v1.suit"
expect_output "v1 n=1" "call v1 (local store counts)" -- "$FEMTO" call "$U" kvapp/count
expect_code 2.04 "update to v2 (sequence 2)" -- "$FEMTO" deploy "$U" "$WORK/v2.suit"
expect_output "v2 n=2" "call v2: the local store survived the update" -- "$FEMTO" call "$U" kvapp/count
expect_code 4.01 "forged update (mallory's key) refused" -- "$FEMTO" deploy "$U" "$WORK/forged.suit"
expect_output "v2 n=3" "v2 still answers after the forged update" -- "$FEMTO" call "$U" kvapp/count
if "$FEMTO" deploy "$U" "$WORK/forged.suit" >/dev/null 2>&1; then
    fail "femto deploy exits 0 on a refusal"
else
    pass "femto deploy exits non-zero on a refusal"
fi

# the stock client
expect_output '"name":"kvapp"' "coap-client-notls GET /c (JSON)" -- \
    timeout 10 coap-client-notls -B 5 -m get -A 50 "$U/c"
expect_output "v2" "coap-client-notls GET /app/kvapp" -- \
    timeout 10 coap-client-notls -B 5 -m get "$U/app/kvapp"
expect_output "stored" "coap-client-notls POST /app/kvapp/secret" -- \
    timeout 10 coap-client-notls -B 5 -m post -e s3cret "$U/app/kvapp/secret"
expect_output "s3cret" "tenant store read back" -- "$FEMTO" call "$U" kvapp/secret
# the links are apps/device/server.c's, one text for femtod and the board
links=$(timeout 10 coap-client-notls -B 5 -m get "$U/.well-known/core" 2>&1) || true
[ "$links" = '</suit>;title="SUIT push",</c>;ct=60;title="containers"' ] &&
    pass "coap-client-notls GET /.well-known/core: $links" ||
    fail "GET /.well-known/core: $links"
cbor=$(timeout 10 coap-client-notls -B 5 -m get "$U/c" | xxd -p | head -c 2)
[ "$cbor" = "a6" ] && pass "GET /c is a CBOR map (6 pairs) by default" || fail "GET /c default CBOR: $cbor"

# faults are contained and reported
expect_output "FC_FAULT_BUDGET" "a container that spins is stopped by its budget" -- \
    "$FEMTO" call "$U" kvapp/loop
expect_output "v2" "and still answers" -- "$FEMTO" call "$U" kvapp
expect_output "last fault: instruction budget" "ls shows the last fault" -- "$FEMTO" ls "$U"

# hook statistics: timer and sensor fire on their own
sleep 0.2
json=$("$FEMTO" ls --json "$U")
timer=$(grep -o '"timer":[0-9]*' <<<"$json" | cut -d: -f2)
sensor=$(grep -o '"sensor":[0-9]*' <<<"$json" | cut -d: -f2)
[ "${timer:-0}" -gt 0 ] && [ "${sensor:-0}" -gt 0 ] && pass "timer ($timer) and sensor ($sensor) hooks fired" ||
    fail "hook statistics: $json"

# restart: reloaded, re-verified, boot hook fired
stop_femtod "$D"
start_femtod D "$PORT" "$WORK/state" "$WORK/femtod.conf"
expect_output "re-verified and started" "restart re-verifies the container" -- cat "$WORK/state.log"
expect_output "v2 n=4" "after restart: v2 with its store" -- "$FEMTO" call "$U" kvapp/count
expect_output '"boots":2' "boot count persisted" -- "$FEMTO" ls --json "$U"
expect_output '"boot":1' "boot hook fired" -- "$FEMTO" ls --json "$U"
expect_code 4.12 "replay of v1 after restart refused (anti-rollback persisted)" -- \
    "$FEMTO" deploy "$U" "$WORK/v1.suit"

# removal: unauthenticated DELETE refused, signed removal accepted
expect_output "needs a signed removal envelope" "DELETE without a signed envelope refused" -- \
    timeout 10 coap-client-notls -B 5 -m delete "$U/c/kvapp"
expect_code 4.01 "removal signed by mallory" -- "$FEMTO" rm -k "$WORK/mallory.key" "$U" kvapp
expect_code 2.02 "removal signed by alice" -- "$FEMTO" rm -k "$WORK/alice.key" "$U" kvapp
expect_output "no such container" "removed container is gone" -- "$FEMTO" call "$U" kvapp
expect_code 4.12 "re-installing v2 after removal is a replay" -- "$FEMTO" deploy "$U" "$WORK/v2.suit"
stop_femtod "$D"

# configuration errors name the line
printf 'timer_period_ms = 10\n[tenant x]\nid = 1\nfoo = 2\n' >"$WORK/bad.conf"
if [ -n "$BOARD" ]; then
    # the board parses what it provisioned into its flash (same parser)
    expect_output "flash:config:4: unknown tenant key 'foo'" "bad configuration: line and reason" -- \
        timeout 20 "$SRC/scripts/qemu-device.sh" "$BOARD" --config "$WORK/bad.conf" \
        --flash "$WORK/s2.flash" --port "$PORT" --image "$FEMTOD"
    finish
    exit 0
fi
expect_output "bad.conf:4: unknown tenant key 'foo'" "bad configuration: line and reason" -- \
    "$FEMTOD" --config "$WORK/bad.conf" --state "$WORK/s2"
printf '[tenant x]\nid = 1\npublic_key = nothere.pub\n' >"$WORK/bad2.conf"
expect_output "bad2.conf:3: public key" "missing key file: line and reason" -- \
    "$FEMTOD" --config "$WORK/bad2.conf" --state "$WORK/s2"
finish
