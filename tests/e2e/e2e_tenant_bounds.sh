#!/usr/bin/env bash
# Tenants that cannot starve each other (issue 13): two tenants on one
# femtod. mallory runs every attack of the issue in a loop (4 rounds,
# loopback only) while alice deploys, updates, calls and writes her
# key-value stores; every one of alice's operations must succeed.
#
# mallory's attacks, each round: cycle container names through a slot
# (16 local keys each: key-value quota and storage), fill her attachment
# share and ask for more, take alice's container name, write and delete
# alice's global entry, forge femtod's log lines and flood the log, hold
# upload slots from two other addresses (127.0.0.2, .3) without finishing,
# sign a priority outside int32. Once: burn a shared slot's sequence space
# (install at 2^64-2, remove at 2^64-1) and use the top number itself; the
# owner then goes on in epoch 1 (older envelopes and an epoch jump refused,
# also after a restart).
# femtod listens on 127.0.0.1 so that the attackers' addresses differ.
source "$(dirname "$0")/lib.sh" "$@"

make_key alice
make_key mallory
cat >"$WORK/femtod.conf" <<CONF
timer_period_ms = 0
[tenant alice]
id = 1
public_key = alice.pub
slots = 0-3
[tenant mallory]
id = 2
public_key = mallory.pub
slots = 2-6
hooks = all
CONF
REAL_FEMTOD=$FEMTOD
cat >"$WORK/femtod-v4" <<SH
#!/bin/sh
exec "$REAL_FEMTOD" --listen 127.0.0.1 "\$@"
SH
chmod +x "$WORK/femtod-v4"
FEMTOD="$WORK/femtod-v4"

attacker() { # attacker NAME OUT
    "$FEMTO" build "$SRC/tests/e2e/apps/attacker.c" --name "$1" -o "$2" >/dev/null
}
build_app 1 alicekv "$WORK/alicekv.fc"
attacker aliceglob "$WORK/aliceglob.fc"
attacker evilhooks "$WORK/evilhooks.fc"
attacker evilmore "$WORK/evilmore.fc"
attacker alicekv "$WORK/thief.fc"
attacker eviltop "$WORK/eviltop.fc"
build_app 9 alice3 "$WORK/alice3.fc"
sign alice 0 1 "$WORK/alicekv.fc" "$WORK/alicekv-1.suit"
sign alice 1 1 "$WORK/aliceglob.fc" "$WORK/aliceglob.suit"
sign alice 3 1 "$WORK/alice3.fc" "$WORK/alice3.suit"
sign mallory 3 18446744073709551614 "$WORK/eviltop.fc" "$WORK/eviltop.suit"
sign mallory 6 18446744073709551615 "$WORK/eviltop.fc" "$WORK/evilmax.suit"
sign mallory 2 1 "$WORK/thief.fc" "$WORK/thief.suit"

expect_output "character '/' at 1 is not allowed" "femto build refuses a name with '/'" -- \
    "$FEMTO" build "$SRC/tests/e2e/apps/attacker.c" --name "a/b" -o "$WORK/slash.fc"

read -r PORT < <(free_ports 1)
U="coap://127.0.0.1:$PORT"
start_femtod D "$PORT" "$WORK/state" "$WORK/femtod.conf"
LOG="$WORK/state.log"

expect_code 2.04 "alice deploys alicekv" -- "$FEMTO" deploy "$U" "$WORK/alicekv-1.suit"
expect_code 2.04 "alice deploys aliceglob" -- "$FEMTO" deploy "$U" "$WORK/aliceglob.suit"
expect_output "0" "alice writes her global entry" -- "$FEMTO" call -d alice-data "$U" aliceglob/gset

# the sequence space of a slot both may use: mallory burns hers, alice is unaffected
expect_code 2.04 "mallory installs in shared slot 3 at 2^64-2" -- "$FEMTO" deploy "$U" "$WORK/eviltop.suit"
expect_code 2.02 "mallory removes it at 2^64-1" -- "$FEMTO" rm -k "$WORK/mallory.key" "$U" eviltop
expect_code 2.04 "alice installs in slot 3 after that" -- "$FEMTO" deploy "$U" "$WORK/alice3.suit"
expect_code 2.02 "alice removes it again" -- "$FEMTO" rm -k "$WORK/alice.key" "$U" alice3
expect_code 2.04 "mallory installs at 2^64-1 in slot 6" -- "$FEMTO" deploy "$U" "$WORK/evilmax.suit"
expect_code 2.02 "femto rm does not wrap at 2^64-1" -- "$FEMTO" rm -k "$WORK/mallory.key" "$U" eviltop
# the owner reuses its slot after 2^64-1: femto rm moved to epoch 1, the next version signs --epoch 1
# (on no hook: her attachment share stays for the rounds below)
"$FEMTO" sign -k "$WORK/mallory.key" -s 6 -n 1 --epoch 1 -o "$WORK/evilepoch.suit" \
    "$WORK/eviltop.fc" >/dev/null 2>&1
sign mallory 6 5 "$WORK/eviltop.fc" "$WORK/eviljump.suit" --epoch 3
expect_output "epoch          1" "femto inspect shows the epoch" -- "$FEMTO" inspect "$WORK/evilepoch.suit"
expect_code 2.04 "the owner re-installs in slot 6 in epoch 1" -- "$FEMTO" deploy "$U" "$WORK/evilepoch.suit"
expect_code 4.12 "the envelope at epoch 0, 2^64-1 is refused" -- "$FEMTO" deploy "$U" "$WORK/evilmax.suit"
expect_code 4.12 "a jump to epoch 3 is refused" -- "$FEMTO" deploy "$U" "$WORK/eviljump.suit"

hold_uploads() { # two unfinished uploads from each of 127.0.0.2 and 127.0.0.3
    python3 - "$PORT" <<'PY'
import socket, struct, sys
port = int(sys.argv[1])
def block0(mid):
    opts = bytes([0xb4]) + b"suit"                       # Uri-Path (11)
    opts += bytes([0xd1, 27 - 11 - 13, 0x0e])            # Block1 (27): num 0, M=1, SZX 6
    return struct.pack(">BBH", 0x40, 2, mid) + opts + b"\xff" + bytes(1024)
codes = []
for host in ("127.0.0.2", "127.0.0.3"):
    for k in range(2):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((host, 0))
        s.settimeout(5)
        s.sendto(block0(1000 + k), ("127.0.0.1", port))
        data = s.recv(2048)
        codes.append("%d.%02d" % (data[1] >> 5, data[1] & 31))
        s.close()
print(" ".join(codes))
PY
}

ROUNDS=4
seq=10
for round in $(seq 1 $ROUNDS); do
    say "--- round $round"
    # mallory: cycle names through slot 4, each filling its local store
    for k in 1 2; do
        name="evil$((round * 2 + k))"
        attacker "$name" "$WORK/$name.fc"
        seq=$((seq + 2)) # femto rm used the next one
        sign mallory 4 "$seq" "$WORK/$name.fc" "$WORK/$name.suit"
        expect_code 2.04 "mallory deploys $name" -- "$FEMTO" deploy "$U" "$WORK/$name.suit"
        expect_output "16" "$name stores 16 local keys" -- "$FEMTO" call "$U" "$name/kvflood"
        expect_output "-84" "$name cannot overwrite alice's global entry" -- \
            "$FEMTO" call -d mallory "$U" "$name/gset"
        expect_output "-84" "$name cannot delete it" -- "$FEMTO" call "$U" "$name/gdel"
        expect_output "logged" "$name logs a forged line" -- "$FEMTO" call "$U" "$name/log"
        expect_output "flooded" "$name floods the log" -- "$FEMTO" call "$U" "$name/logflood"
        drops=$("$FEMTO" ls --json "$U" | grep -o "\"name\": *\"$name\"[^}]*" |
            grep -o '"log_drops": *[0-9]*' | grep -o '[0-9]*$' || true)
        if [ -n "$drops" ] && [ "$drops" -ge 30 ]; then
            pass "$name's dropped log lines are counted ($drops)"
        else
            fail "$name's log drops: '$drops'"
        fi
        expect_code 2.02 "mallory removes $name" -- "$FEMTO" rm -k "$WORK/mallory.key" "$U" "$name"
    done
    # mallory: her attachment share (4 of 5), then more
    sign mallory 5 "$round" "$WORK/evilhooks.fc" "$WORK/evilhooks.suit" --hook timer --hook boot \
        --hook sensor
    expect_code 2.04 "mallory takes 4 attachments" -- "$FEMTO" deploy "$U" "$WORK/evilhooks.suit"
    sign mallory 2 "$round" "$WORK/evilmore.fc" "$WORK/evilmore.suit" \
        --hook timer --hook boot --hook sensor
    expect_output "max_attachments 5" "mallory's next 4 are over her share, and told so" -- \
        "$FEMTO" deploy "$U" "$WORK/evilmore.suit"
    # mallory: alice's name, an out-of-range priority
    expect_output "belongs to tenant 'alice'" "mallory cannot take the name alicekv" -- \
        "$FEMTO" deploy "$U" "$WORK/thief.suit"
    expect_output "--priority 4294967295 is out of range" "femto sign refuses priority 2^32-1" -- \
        "$FEMTO" sign -k "$WORK/mallory.key" -s 5 -n 99 --priority 4294967295 -o "$WORK/p.suit" \
        "$WORK/evilhooks.fc"
    # mallory: unauthenticated uploads held from two other addresses
    # (round 1 starts them; later rounds find them still held: 5.03, the per-peer limit)
    codes=$(hold_uploads)
    if [[ "$codes" =~ ^((2\.31|5\.03)\ ?){4}$ ]] && { [ "$round" != 1 ] || [ "$codes" = "2.31 2.31 2.31 2.31" ]; }; then
        pass "unfinished uploads held from 127.0.0.2 and 127.0.0.3 ($codes)"
    else
        fail "uploads from 127.0.0.2/3: $codes"
    fi

    # alice: deploy an update, call, write her stores: all succeed
    build_app "$((round + 1))" alicekv "$WORK/alicekv-next.fc"
    sign alice 0 "$((round + 1))" "$WORK/alicekv-next.fc" "$WORK/alicekv-next.suit"
    expect_code 2.04 "alice updates alicekv to v$((round + 1))" -- \
        "$FEMTO" deploy "$U" "$WORK/alicekv-next.suit"
    expect_output "v$((round + 1)) n=$round" "alice's local store counts on" -- \
        "$FEMTO" call "$U" alicekv/count
    expect_output "stored" "alice writes her tenant store" -- \
        "$FEMTO" call -d "secret-$round" "$U" alicekv/secret
    expect_output "secret-$round" "alice reads it back" -- "$FEMTO" call "$U" alicekv/secret
    expect_output "alice-data" "alice's global entry is hers" -- "$FEMTO" call "$U" aliceglob/gget
done

# what mallory left
left=$(ls "$WORK/state/kv/l/00000002" 2>/dev/null | wc -l)
if [ "$left" -le 1 ]; then
    pass "mallory's removed containers left no key-value records ($left)"
else
    fail "mallory's key-value records on storage: $left"
fi
if grep -q "^femtod: removed 'alicekv'" "$LOG"; then
    fail "a container forged femtod's log line"
else
    pass "no forged 'femtod: removed' line in the log"
fi
if grep -qF "[2/evil3] x\\x0afemtod: removed 'alicekv'" "$LOG"; then
    pass "the container's line is escaped and attributed"
else
    fail "no attributed, escaped line from evil3 in the log"
fi
flood=$(grep -c "^\[2/evil3\] flood" "$LOG" || true)
if [ "$flood" -le 20 ]; then
    pass "the log flood was rate limited ($flood of 50 lines)"
else
    fail "log flood not limited: $flood lines"
fi
# after a restart the epoch holds: the older envelopes stay refused
stop_femtod "$D"
start_femtod D "$PORT" "$WORK/state" "$WORK/femtod.conf"
expect_code 4.12 "after a restart, epoch 0 at 2^64-1 is still refused" -- "$FEMTO" deploy "$U" "$WORK/evilmax.suit"
expect_code 4.12 "after a restart, the epoch-1 envelope is not newer" -- "$FEMTO" deploy "$U" "$WORK/evilepoch.suit"
expect_output "eviltop" "mallory's epoch-1 container runs on after the restart" -- "$FEMTO" status "$U" eviltop
stop_femtod "$D"
finish
