#!/usr/bin/env bash
# cli_inspect.sh FEMTO SRC: `femto inspect` shows a signed envelope's fields
# without a device; with --key it exits 0 for the signer's key, non-zero
# for another key and for tampered copies (every 17th byte flipped in turn);
# it also shows .fc images and fetch-by-URI envelopes.
set -u
femto=$(readlink -f "$1") src=$(readlink -f "$2")
work=$(mktemp -d /tmp/femto-inspect.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fail=0
bad() { echo "FAIL: $*"; fail=1; }

"$femto" keygen acme >/dev/null && "$femto" keygen other >/dev/null || exit 1
"$femto" build "$src/examples/sensor_coap/sensor_coap.c" --name sensor -o s.fc >/dev/null || exit 1
"$femto" sign -k acme.key -s 2 -n 5 --hook coap --hook timer --priority -3 --budget 5000 \
    -o s.suit s.fc >/dev/null || exit 1
digest=$(sha256sum s.fc | cut -d' ' -f1)
size=$(stat -c %s s.fc)

out=$("$femto" inspect --key acme.pub s.suit) || bad "valid envelope: exit $?"
for want in "sequence       5" "slot           2" "hooks          coap, timer" \
    "priority       -3" "budget         5000 instructions per run" "image size     $size bytes" \
    "image sha256   $digest" "integrated in the envelope" "verified       signature and digests valid"; do
    grep -qF "$want" <<<"$out" || bad "inspect lacks '$want': $out"
done
out=$("$femto" inspect --key other.pub s.suit) && bad "another tenant's key verified"
grep -q "signature NOT valid for this key: FC_ERR_SIGNATURE" <<<"$out" || bad "no reason: $out"

python3 -c '
import sys
d = open("s.suit", "rb").read()
for off in range(0, len(d), 17):
    t = bytearray(d); t[off] ^= 1
    open("t%05d.suit" % off, "wb").write(t)
' || exit 1
n=0 undetected=0
for t in t*.suit; do
    n=$((n + 1))
    if "$femto" inspect --key acme.pub "$t" >/dev/null 2>&1; then
        undetected=$((undetected + 1))
        echo "tampered copy $t verified"
    fi
done
[ $undetected -eq 0 ] || bad "$undetected of $n tampered copies verified"

"$femto" inspect s.fc | grep -q "^  name *sensor" || bad "inspect s.fc"
"$femto" sign -k acme.key -s 1 -n 2 -u "coap://[::1]:5700/s.fc" -o u.suit s.fc >/dev/null
out=$("$femto" inspect --key acme.pub u.suit) || bad "URI envelope: exit $?"
grep -qF "image uri      coap://[::1]:5700/s.fc" <<<"$out" || bad "no URI: $out"
grep -qF "hooks          (none" <<<"$out" || bad "no hookless warning: $out"
[ $fail -eq 0 ] && echo "PASS: $n tampered copies refused"
exit $fail
