#!/usr/bin/env bash
# Images hosted on a stock CoAP server instead of `femto serve`: libcoap's
# coap-server (Debian libcoap3-bin) with dynamic resources (-d). The
# operator PUTs the image there block-wise with coap-client, signs a
# manifest that names it by URI (femto sign -u), and femtod fetches it.
# Then the hosted copy is replaced by another image: femtod refuses it
# (digest) and the installed version keeps running. Loopback only; every
# process is bounded (timeout, -B) and killed on exit.
# Against the board (FEMTOD a .elf): coap-server listens on 127.0.0.1, which
# the board reaches as 10.0.2.2 (QEMU user networking), so the signed URI
# names 10.0.2.2; the host itself PUTs and checks the image on 127.0.0.1.
source "$(dirname "$0")/lib.sh" "$@"

command -v coap-server-notls >/dev/null || { fail "coap-server-notls missing (libcoap3-bin)"; finish; }
make_key alice
cat >"$WORK/femtod.conf" <<CONF
timer_period_ms = 0
[tenant alice]
id = 1
public_key = alice.pub
CONF
build_app 1 kvapp "$WORK/v1.fc"
build_app 2 kvapp "$WORK/v2.fc"
build_app 3 kvapp "$WORK/v3.fc"
read -r PORT SRV < <(free_ports 2)
U="coap://$HOST:$PORT"
SRV_HOST='[::1]' DEV_SRV_HOST='[::1]' LISTEN=::1
if [ -n "$BOARD" ]; then
    SRV_HOST=127.0.0.1 DEV_SRV_HOST=10.0.2.2 LISTEN=127.0.0.1
fi
IMG="coap://$SRV_HOST:$SRV/images/kvapp-v2.fc"     # where the host puts it
DEV_IMG="coap://$DEV_SRV_HOST:$SRV/images/kvapp-v2.fc" # where the device fetches it
start_femtod D "$PORT" "$WORK/state" "$WORK/femtod.conf"

timeout -s KILL 140 coap-server-notls -A "$LISTEN" -p "$SRV" -d 8 >"$WORK/coap-server.log" 2>&1 &
CS_WATCH=$!
for _ in $(seq 1 100); do
    coap-client-notls -B 1 -m get "coap://$SRV_HOST:$SRV/.well-known/core" >/dev/null 2>&1 && break
    sleep 0.05
done
CS=$(cat "/proc/$CS_WATCH/task/$CS_WATCH/children" 2>/dev/null) || true
CS=${CS%% *}
[ -n "$CS" ] && { DAEMON_PIDS+=("$CS"); WATCHER[$CS]=$CS_WATCH; }

sign alice 0 1 "$WORK/v1.fc" "$WORK/v1.suit"
expect_code 2.04 "deploy v1 (integrated)" -- "$FEMTO" deploy "$U" "$WORK/v1.suit"

# host v2 on coap-server (PUT, block-wise) and check it serves the same bytes
coap-client-notls -B 10 -b 1024 -m put -f "$WORK/v2.fc" "$IMG" >/dev/null 2>&1 || true
coap-client-notls -B 10 -b 1024 -m get -o "$WORK/served.fc" "$IMG" >/dev/null 2>&1 || true
cmp -s "$WORK/v2.fc" "$WORK/served.fc" && pass "coap-server serves the PUT image ($(stat -c %s "$WORK/v2.fc") bytes, block-wise)" ||
    fail "coap-server did not serve the image back"

sign alice 0 2 "$WORK/v2.fc" "$WORK/v2.suit" -u "$DEV_IMG"
size=$(stat -c %s "$WORK/v2.suit")
[ "$size" -lt 600 ] && pass "the envelope names the image by URI ($size bytes)" || fail "envelope of $size bytes"
expect_code 2.04 "deploy v2 fetched from coap-server" -- "$FEMTO" deploy "$U" "$WORK/v2.suit"
expect_output "v2" "v2 runs" -- "$FEMTO" call "$U" kvapp

# replace the hosted image by v3: a manifest for v2's digest must not install it
sign alice 0 3 "$WORK/v2.fc" "$WORK/v2again.suit" -u "$DEV_IMG"
coap-client-notls -B 10 -b 1024 -m put -f "$WORK/v3.fc" "$IMG" >/dev/null 2>&1 || true
expect_code 4.00 "hosted image swapped after signing: refused" -- "$FEMTO" deploy "$U" "$WORK/v2again.suit"
expect_output "v2" "v2 still runs" -- "$FEMTO" call "$U" kvapp

# restart femtod without the server: the fetched image was stored
kill -KILL "$CS" 2>/dev/null || true
stop_femtod "$D"
start_femtod D2 "$PORT" "$WORK/state" "$WORK/femtod.conf"
expect_output "v2" "after a restart without coap-server, v2 runs from storage" -- "$FEMTO" call "$U" kvapp
finish
