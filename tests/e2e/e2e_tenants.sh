#!/usr/bin/env bash
# Multi-tenant: tenant B cannot overwrite, remove or read tenant A's
# containers or store; slots, hooks and quotas per tenant are enforced.
source "$(dirname "$0")/lib.sh" "$@"

make_key alice
make_key bob
cat >"$WORK/femtod.conf" <<CONF
timer_period_ms = 0
[tenant alice]
id = 1
public_key = alice.pub
[tenant bob]
id = 2
public_key = bob.pub
slots = 0-2
hooks = coap, boot
max_containers = 1
CONF
build_app 1 kvapp "$WORK/alice.fc"
build_app 7 bobapp "$WORK/bob.fc"
build_app 8 kvapp "$WORK/bob-kvapp.fc"
sign alice 0 1 "$WORK/alice.fc" "$WORK/alice.suit"
sign bob 0 1 "$WORK/bob-kvapp.fc" "$WORK/bob-over-alice.suit"
sign bob 1 1 "$WORK/bob.fc" "$WORK/bob.suit"
sign bob 2 1 "$WORK/bob-kvapp.fc" "$WORK/bob-samename.suit"
sign bob 3 1 "$WORK/bob.fc" "$WORK/bob-slot3.suit"
"$FEMTO" sign -k "$WORK/bob.key" -s 1 -n 5 --hook timer -o "$WORK/bob-timer.suit" "$WORK/bob.fc" >/dev/null

read -r PORT < <(free_ports 1)
U="coap://$HOST:$PORT"
start_femtod D "$PORT" "$WORK/state" "$WORK/femtod.conf"

expect_code 2.04 "alice deploys kvapp in slot 0" -- "$FEMTO" deploy "$U" "$WORK/alice.suit"
expect_output "stored" "alice's container stores a tenant secret" -- \
    "$FEMTO" call -d alice-secret "$U" kvapp/secret
expect_code 4.03 "bob cannot overwrite alice's slot 0" -- "$FEMTO" deploy "$U" "$WORK/bob-over-alice.suit"
expect_output "belongs to tenant 'alice'" "and is told why" -- "$FEMTO" deploy "$U" "$WORK/bob-over-alice.suit"
expect_code 4.03 "bob cannot remove alice's container" -- "$FEMTO" rm -k "$WORK/bob.key" "$U" kvapp
expect_output "v1" "alice's container still runs" -- "$FEMTO" call "$U" kvapp
expect_code 4.03 "bob may not use slot 3 (slots = 0-2)" -- "$FEMTO" deploy "$U" "$WORK/bob-slot3.suit"
expect_code 4.03 "bob may not attach to the timer hook" -- "$FEMTO" deploy "$U" "$WORK/bob-timer.suit"
expect_code 2.04 "bob deploys his own container in slot 1" -- "$FEMTO" deploy "$U" "$WORK/bob.suit"
expect_output "none" "bob's container cannot read alice's tenant store" -- "$FEMTO" call "$U" bobapp/secret
expect_output "v7 n=1" "bob's local store is his own" -- "$FEMTO" call "$U" bobapp/count
expect_output "v1 n=1" "alice's local store is hers" -- "$FEMTO" call "$U" kvapp/count
expect_output "stored" "bob stores his own secret" -- "$FEMTO" call -d bob-secret "$U" bobapp/secret
expect_output "alice-secret" "alice's secret unchanged" -- "$FEMTO" call "$U" kvapp/secret
expect_code 4.13 "bob's second container exceeds max_containers = 1" -- \
    "$FEMTO" deploy "$U" "$WORK/bob-samename.suit"
expect_code 2.02 "bob removes his own container" -- "$FEMTO" rm -k "$WORK/bob.key" "$U" bobapp
expect_code 4.09 "bob cannot take the name of alice's container" -- \
    "$FEMTO" deploy "$U" "$WORK/bob-samename.suit"
expect_output "alice-secret" "alice's store intact at the end" -- "$FEMTO" call "$U" kvapp/secret
finish
