#!/usr/bin/env bash
# cli_run_coap.sh FEMTO SRC: `femto run --coap` builds the coap hook's
# context as femtod does (path = Uri-Path without the leading '/' and
# without the query; payload) and prints the answer as femtod sends it;
# --hook sensor takes --sensor I=V as the sample; limits are refused with
# femtod's codes.
set -u
femto=$(readlink -f "$1") src=$(readlink -f "$2")
work=$(mktemp -d /tmp/femto-runcoap.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
"$femto" build "$src/tests/e2e/apps/kvapp.c" -D VERSION=4 --name kvapp -o "$work/kvapp.fc" >/dev/null || exit 1
"$femto" build "$src/examples/moving_average/moving_average.c" -o "$work/ma.fc" >/dev/null || exit 1

# kvapp answers "v4 n=N" only when the path ENDS with "count": the query
# must not be part of it, nor a leading '/'
out=$("$femto" run "$work/kvapp.fc" --kv "$work/kv" --coap 'GET /app/kvapp/count?x=1')
grep -qx 'coap: 2.05 Content (format 0 text/plain): v4 n=1' <<<"$out" || bad "GET count?x=1: $out"
out=$("$femto" run "$work/kvapp.fc" --kv "$work/kv" --coap 'get /app/kvapp/count')
grep -qx 'coap: 2.05 Content (format 0 text/plain): v4 n=2' <<<"$out" || bad "second GET (--kv kept): $out"
out=$("$femto" run "$work/kvapp.fc" --kv "$work/kv" --coap 'POST /app/kvapp/secret' --payload 'to"p')
grep -q '^coap: 2\.0[14] ' <<<"$out" || bad "POST secret: $out"
printf 'to"p' >"$work/p.txt"
out=$("$femto" run "$work/kvapp.fc" --kv "$work/kv" --coap 'GET /app/kvapp/secret')
grep -qx 'coap: 2.05 Content (format 0 text/plain): to"p' <<<"$out" || bad "GET secret (quote as is): $out"
head -c 129 /dev/zero | tr '\0' x >"$work/big.txt"
"$femto" run "$work/kvapp.fc" --coap 'POST /app/kvapp/secret' --payload "@$work/big.txt" 2>"$work/err" &&
    bad "a 129-byte payload ran"
grep -q "4.13 over 128 (FC_COAP_PAYLOAD_MAX)" "$work/err" || bad "129-byte payload: $(cat "$work/err")"
"$femto" run "$work/kvapp.fc" --coap 'FROB /app/kvapp' 2>"$work/err" && bad "method FROB ran"
grep -q "METHOD one of GET POST PUT DELETE" "$work/err" || bad "FROB: $(cat "$work/err")"
out=$("$femto" run "$work/ma.fc" --hook sensor --sensor 0=21500)
grep -q '^hook sensor: result 21500 ' <<<"$out" || bad "sensor sample: $out"
cat >"$work/ticks.c" <<'C'
#include <femto.h>
FC_ENTRY(timer_or_boot)
{
    if (ctx_len == sizeof(fc_hook_timer_ctx_t))
        return ((const fc_hook_timer_ctx_t *)ctx)->tick * 1000 +
               ((const fc_hook_timer_ctx_t *)ctx)->period_ms / 1000;
    if (ctx_len == sizeof(fc_hook_boot_ctx_t))
        return ((const fc_hook_boot_ctx_t *)ctx)->boot_count;
    return 0;
}
C
"$femto" build "$work/ticks.c" -o "$work/ticks.fc" >/dev/null || exit 1
out=$("$femto" run "$work/ticks.fc" --hook timer --tick 7)
grep -q '^hook timer: result 7001 ' <<<"$out" || bad "--tick 7: $out"
out=$("$femto" run "$work/ticks.fc" --hook boot --boot-count 3)
grep -q '^hook boot: result 3 ' <<<"$out" || bad "--boot-count 3: $out"
[ $fail -eq 0 ] && echo "PASS"
exit $fail
