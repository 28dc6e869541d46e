#!/usr/bin/env bash
# examples.sh FEMTO SOURCE_DIR NAME: build examples/NAME/NAME.c with
# `femto build`, run it with `femto run` and check what it prints.
# One ctest per example (tests/engine/CMakeLists.txt).
set -euo pipefail
femto=$1
src=$2
name=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$femto" build "$src/examples/$name/$name.c" -o "$work/$name.fc" >/dev/null

fails=0
# expect "description" "expected line" femto-run-args...
expect() {
    local what=$1 want=$2
    shift 2
    local out
    out=$("$femto" run "$work/$name.fc" "$@" 2>&1) || true
    if grep -qxF -- "$want" <<<"$out"; then
        echo "ok: $name: $what"
    else
        echo "FAIL: $name: $what: expected line '$want' in:"
        sed 's/^/    /' <<<"$out"
        fails=$((fails + 1))
    fi
}

ipv6_udp() { # ipv6_udp DPORT_HEX: an IPv6 header (UDP) and a UDP header to that port
    printf '6000000000081140%064d1234%s00080000' 0 "$1"
}

case $name in
sensor_coap)
    expect "GET reads sensor 0" 'coap: 2.05 Content (format 0 text/plain): 21.300' \
        --coap 'GET /app/sensor_coap' --sensor 0=21300
    expect "negative values" 'coap: 2.05 Content (format 0 text/plain): -3.050' \
        --coap 'GET /app/sensor_coap' --sensor 0=-3050
    expect "path selects the sensor" 'coap: 2.05 Content (format 0 text/plain): 23.300' \
        --coap 'GET /app/sensor_coap/3?unit=c' --sensor 3=23300
    # the raw context still works: method 1, path "s/3" (path_len 3)
    expect "raw context" 'coap: 2.05 Content (format 0 text/plain): 23.300' \
        --hook coap --ctx-hex 01000000030000002f2f33 --sensor 3=23300
    expect "POST refused" 'coap: 4.05 Method Not Allowed (format 0 text/plain): GET only' \
        --coap 'POST /app/sensor_coap'
    ;;
counter)
    kv=$work/kv
    expect "first run" 'log: count 1' --kv "$kv"
    expect "second run, same store" 'log: count 2' --kv "$kv"
    expect "r0 is the count" 'r0: 3 (0x3)' --kv "$kv"
    expect "a fresh store starts again" 'log: count 1'
    ;;
threshold_alarm)
    kv=$work/kv
    expect "below the default threshold" 'hook sensor: result 0 (0x0)' \
        --hook sensor --kv "$kv" --ctx-hex 00000000000000000200000010270000
    expect "above it" 'log: ALARM sensor 2 value 30000 > 25000 (alarm 1)' \
        --hook sensor --kv "$kv" --ctx-hex 00000000000000000200000030750000
    expect "threshold in the tenant store" 'log: threshold set to 1000' \
        --entry set_threshold --kv "$kv" --ctx-hex e8030000
    expect "new threshold, alarm count kept" 'log: ALARM sensor 2 value 10000 > 1000 (alarm 2)' \
        --hook sensor --kv "$kv" --ctx-hex 00000000000000000200000010270000
    ;;
fletcher32)
    expect '"abcde"' 'r0: 4031760169 (0xf04fc729)' --ctx-hex 6162636465
    expect '"abcdef"' 'r0: 1448095018 (0x56502d2a)' --ctx-hex 616263646566
    expect '"abcdefgh"' 'r0: 3957429649 (0xebe19591)' --ctx-hex 6162636465666768
    ;;
moving_average)
    # 10 20 30 40 50 -> averages 10 15 20 25 35
    expect "series" 'r0: 35 (0x23)' --entry filter_series \
        --ctx-hex 0a000000140000001e0000002800000032000000
    expect "one sample on the sensor hook" 'hook sensor: result -10 (0xfffffffffffffff6)' \
        --hook sensor --ctx-hex 000000000000000001000000f6ffffff
    ;;
packet_filter)
    expect "UDP to 5683 accepted" 'hook packet: result 0 (0x0)' \
        --hook packet --ctx-hex "$(ipv6_udp 1633)"
    expect "UDP to chargen dropped" 'log: drop udp to port 19' \
        --hook packet --ctx-hex "$(ipv6_udp 0013)"
    expect "IPv4 dropped" 'hook packet: result 1 (0x1)' --hook packet --ctx-hex 4500
    ;;
*)
    echo "examples.sh: no checks for '$name'"
    exit 1
    ;;
esac
exit $((fails > 0))
