#!/usr/bin/env bash
# Hostile manifests: each refused with its reason, and the running
# container still answers after every one.
source "$(dirname "$0")/lib.sh" "$@"

make_key alice
make_key mallory
make_key carol
make_key dave
cat >"$WORK/femtod.conf" <<CONF
timer_period_ms = 0
max_envelope = 8192
[tenant alice]
id = 1
public_key = alice.pub
[tenant carol]
id = 3
public_key = carol.pub
max_image = 1000
[tenant dave]
id = 4
public_key = dave.pub
helpers = fc_coap_respond
CONF
build_app 1 kvapp "$WORK/v1.fc"
build_app 2 kvapp "$WORK/v2.fc"
build_app 3 other "$WORK/other.fc"
sign alice 0 2 "$WORK/v2.fc" "$WORK/good.suit"
sign alice 0 3 "$WORK/v1.fc" "$WORK/next.suit"
sign alice 0 1 "$WORK/v1.fc" "$WORK/old.suit"
sign mallory 0 3 "$WORK/v1.fc" "$WORK/mallory.suit"
sign carol 1 1 "$WORK/other.fc" "$WORK/carol.suit"
sign dave 2 1 "$WORK/other.fc" "$WORK/dave.suit"
sign alice 9 3 "$WORK/v1.fc" "$WORK/slot9.suit"
sign alice 0 3 "$WORK/v1.fc" "$WORK/class.suit" --class 00112233445566778899aabbccddeeff

# All the damaged envelopes, made from next.suit in one python run:
# forged.suit (a signature byte flipped), digest.suit (an image byte
# flipped), huge.suit (9000 bytes), t-N.suit (first N bytes), f-I.suit
# (single-bit flip number I of 48, spread over the whole envelope).
python3 - "$WORK" <<'PY'
import sys
work = sys.argv[1]
b = open(work + "/next.suit", "rb").read()
def save(name, data):
    open("%s/%s" % (work, name), "wb").write(bytes(data))
forged = bytearray(b)
forged[b.index(b"\x58\x40") + 2 + 17] ^= 0x01
save("forged.suit", forged)
digest = bytearray(b)
digest[-20] ^= 0x80
save("digest.suit", digest)
save("huge.suit", b"A" * 9000)
for n in (0, 1, 5, 40, len(b) // 2, len(b) - 1):
    save("t-%d.suit" % n, b[:n])
for i in range(48):
    pos = i * len(b) * 8 // 48 + i % 8
    f = bytearray(b)
    f[pos // 8] ^= 1 << (pos % 8)
    save("f-%d.suit" % i, f)
PY

read -r PORT < <(free_ports 1)
U="coap://$HOST:$PORT"
start_femtod D "$PORT" "$WORK/state" "$WORK/femtod.conf"
expect_code 2.04 "install v2 (sequence 2)" -- "$FEMTO" deploy "$U" "$WORK/good.suit"

still_runs() {
    local out
    out=$("$FEMTO" call "$U" kvapp 2>&1) || true
    [ "$out" = "v2" ] || fail "after $1: the running container does not answer v2 ($out)"
}

refused() { # refused CODE REASON-TEXT WHAT FILE
    local out
    out=$("$FEMTO" deploy "$U" "$4" 2>&1) || true
    if [[ "$out" == "$1 "* && "$out" == *"$2"* ]]; then
        pass "$3: $out"
    else
        fail "$3: expected $1 ... $2, got: $out"
    fi
    still_runs "$3"
}

refused 4.01 FC_ERR_SIGNATURE "forged signature" "$WORK/forged.suit"
refused 4.01 FC_ERR_SIGNATURE "signed with an unknown key" "$WORK/mallory.suit"
refused 4.12 FC_ERR_ROLLBACK "replayed envelope (same sequence)" "$WORK/good.suit"
refused 4.12 FC_ERR_ROLLBACK "older sequence number" "$WORK/old.suit"
refused 4.00 FC_ERR_DIGEST "image digest mismatch" "$WORK/digest.suit"
refused 4.22 FC_ERR_HELPER_DENIED "image fails verification (helper not allowed to dave)" "$WORK/dave.suit"
refused 4.13 FC_ERR_SIZE "image over the tenant's max_image" "$WORK/carol.suit"
refused 4.13 "exceeds max_envelope" "envelope over max_envelope" "$WORK/huge.suit"
refused 4.13 FC_ERR_NO_SLOT "slot that does not exist" "$WORK/slot9.suit"
refused 4.12 FC_ERR_CONDITION "class identifier of another device" "$WORK/class.suit"

len=$(stat -c %s "$WORK/next.suit")
for n in 0 1 5 40 $((len / 2)) $((len - 1)); do
    out=$("$FEMTO" deploy "$U" "$WORK/t-$n.suit" 2>&1) || true
    [[ "$out" == 4.* ]] && pass "truncated to $n bytes: $out" || fail "truncated to $n: $out"
    still_runs "truncation to $n"
done

# single-bit flips spread over the whole envelope: every one refused
flips=0
refusals=0
for i in $(seq 0 47); do
    out=$("$FEMTO" deploy "$U" "$WORK/f-$i.suit" 2>&1) || true
    flips=$((flips + 1))
    if [[ "$out" == 4.* || "$out" == 5.* ]]; then
        refusals=$((refusals + 1))
    else
        fail "bit flip $i (f-$i.suit) was not refused: $out"
    fi
done
still_runs "bit flips"
[ "$refusals" -eq "$flips" ] && pass "$flips single-bit flips, all refused"

expect_code 2.04 "the genuine next version still installs" -- "$FEMTO" deploy "$U" "$WORK/next.suit"
expect_output "v1" "and runs" -- "$FEMTO" call "$U" kvapp
finish
