#!/usr/bin/env bash
# SIGKILL during an install, at every step of the install path and at many
# byte offsets inside both storage writes (femtod's FEMTOD_CRASH_* hooks:
# the daemon writes the first B bytes of the temporary record, as the port
# does, then kills itself). After each kill the daemon restarts on the same
# state: the slot must hold the old version or the new one, re-verified,
# answering with its key-value store intact, and no leftover record.
# The same for an update whose image is fetched by URI (femto serve): the
# fetched image is a third record (slot/N/img-GEN), written first.
# Power cuts inside the POSIX port's own write path (FC_POSIX_CRASH,
# src/port/posix/port_posix.c): after N bytes of the temporary file, and
# after each step of the write (created, written, fsync'ed, renamed, the
# directory fsync'ed), of the envelope and of the switch record.
# With a 4th argument (femtod built with the write-in-place mutant of the
# port), only those cuts run, on the mutant, until one leaves neither
# version: the test can tell an atomic port from one that is not.
MUTANT=${4:+$(readlink -f "$4")}
source "$(dirname "$0")/lib.sh" "$1" "$2" "$3"

make_key alice
cat >"$WORK/femtod.conf" <<CONF
timer_period_ms = 0
[tenant alice]
id = 1
public_key = alice.pub
CONF
build_app 1 kvapp "$WORK/v1.fc"
build_app 2 kvapp "$WORK/v2.fc"
sign alice 0 1 "$WORK/v1.fc" "$WORK/v1.suit"
sign alice 0 2 "$WORK/v2.fc" "$WORK/v2.suit"
env_len=$(stat -c %s "$WORK/v2.suit")
img_len=$(stat -c %s "$WORK/v2.fc")

read -r PORT SERVE_PORT < <(free_ports 2)
U="coap://[::1]:$PORT"
mkdir -p "$WORK/img" && cp "$WORK/v2.fc" "$WORK/img/"
"$FEMTO" serve --port "$SERVE_PORT" "$WORK/img" 2>/dev/null &
SERVE_PID=$!
trap 'kill -KILL $SERVE_PID 2>/dev/null || true; cleanup' EXIT
sign alice 0 2 "$WORK/v2.fc" "$WORK/v2uri.suit" -u "coap://[::1]:$SERVE_PORT/v2.fc"
ENVELOPE="$WORK/v2.suit"
FETCHED=0

# the pristine state: v1 installed, its local store at n=3
start_femtod D "$PORT" "$WORK/base" "$WORK/femtod.conf"
"$FEMTO" deploy -q "$U" "$WORK/v1.suit" || { cat "$WORK/base.log"; exit 1; }
for i in 1 2 3; do "$FEMTO" call "$U" kvapp/count >/dev/null || { echo "call failed"; cat "$WORK/base.log"; exit 1; }; done
stop_femtod "$D"

points=0
olds=0
news=0
# kill_at DESCRIPTION ENV=VALUE: one kill point
kill_at() {
    local what=$1 setting=$2 state="$WORK/s$points"
    points=$((points + 1))
    rm -rf "$state" "$state.log"
    cp -a "$WORK/base" "$state"
    local external= daemon=$FEMTOD
    if [[ "$setting" == EXTERNAL=* ]]; then
        external=${setting#EXTERNAL=}
        setting=FEMTOD_NO_CRASH=1
    fi
    [ -z "${USE_MUTANT:-}" ] || FEMTOD=$MUTANT
    start_femtod D "$PORT" "$state" "$WORK/femtod.conf" "$setting" || {
        FEMTOD=$daemon
        fail "$what: daemon did not start"
        return
    }
    "$FEMTO" deploy -q --timeout 20 "$U" "$ENVELOPE" >/dev/null 2>&1 &
    local client=$!
    if [ -n "$external" ]; then
        sleep "$external"
        kill -KILL "$D" 2>/dev/null || true
    fi
    wait_femtod "$D" # the daemon kills itself at the point
    FEMTOD=$daemon
    kill "$client" 2>/dev/null || true
    wait "$client" 2>/dev/null || true
    start_femtod D "$PORT" "$state" "$WORK/femtod.conf" || {
        fail "$what: daemon did not restart after the kill"
        return
    }
    local status out seq
    status=$("$FEMTO" status --json "$U" kvapp 2>&1) || true
    out=$("$FEMTO" call "$U" kvapp/count 2>&1) || true
    seq=$(grep -o '"seq":[0-9]*' <<<"$status" | cut -d: -f2) || true
    local envs
    envs=$(find "$state/slot/0" -name 'env-*' | wc -l)
    local tmps imgs
    tmps=$(find "$state" -name '*~tmp' | wc -l)
    imgs=$(find "$state/slot/0" -name 'img-*' | wc -l)
    if [[ "$seq" == 1 && "$out" == "v1 n=4" ]]; then
        olds=$((olds + 1))
    elif [[ "$seq" == 2 && "$out" == "v2 n=4" ]]; then
        news=$((news + 1))
    else
        NEITHER="$what: status=$status call=$out"
        if [ -n "${USE_MUTANT:-}" ]; then
            stop_femtod "$D"
            return
        fi
        fail "$what: neither old nor new version: status=$status call=$out"
        sed 's/^/    log: /' "$state.log"
    fi
    [ "$envs" -eq 1 ] && [ "$tmps" -eq 0 ] || fail "$what: $envs envelope records, $tmps temporaries left"
    local want_imgs=0
    [[ "$FETCHED" == 1 && "$seq" == 2 ]] && want_imgs=1
    [ "$imgs" -eq "$want_imgs" ] || fail "$what: $imgs fetched-image records, expected $want_imgs"
    stop_femtod "$D"
    rm -rf "$state" "$state.log"
}

# the port's own write path: bytes of the envelope's temporary file, then of
# the switch record's (the counter starts at the first slot/ record)
port_points() {
    local b k
    for b in 0 1 2 100 1024 $((env_len - 1)) "$env_len" $((env_len + 1)) $((env_len + 10)) \
        $((env_len + 21)); do
        kill_at "port write path, byte $b of the slot records" "FC_POSIX_CRASH=bytes:slot/:$b"
        if [ -n "${USE_MUTANT:-}" ] && [ -n "$NEITHER" ]; then return 0; fi
    done
    for k in 1 2 3 4 5; do
        kill_at "port write path, envelope write step $k" "FC_POSIX_CRASH=step:slot/:1:$k"
        kill_at "port write path, switch write step $k" "FC_POSIX_CRASH=step:slot/:2:$k"
        if [ -n "${USE_MUTANT:-}" ] && [ -n "$NEITHER" ]; then return 0; fi
    done
}
NEITHER=
if [ -n "$MUTANT" ]; then
    USE_MUTANT=1
    port_points
    if [ -n "$NEITHER" ]; then
        pass "the write-in-place port is caught: $NEITHER"
    else
        fail "the write-in-place port survived every cut: the test cannot see the difference"
    fi
    finish
    exit 0
fi
port_points

for step in 1 2 3 4 5; do
    kill_at "step $step" "FEMTOD_CRASH_STEP=$step"
done
# write 1: the new envelope record (a NEW record, not the live one)
for b in 0 1 2 3 7 16 64 100 255 256 511 512 1000 1024 1500 2047 2048 2500 \
    $((env_len - 2)) $((env_len - 1)) "$env_len"; do
    kill_at "envelope write, $b bytes" "FEMTOD_CRASH_WRITE=1:$b"
done
# write 2: the 'cur' record, the switch
for b in $(seq 0 2 36); do
    kill_at "switch record write, $b bytes" "FEMTOD_CRASH_WRITE=2:$b"
done
# kills from outside, after the deploy started (timing varies: either outcome)
for delay in 0 0.001 0.002 0.003 0.005 0.008 0.012 0.02; do
    kill_at "external SIGKILL after ${delay} s" "EXTERNAL=$delay"
done

# an update fetched by URI: the image record, then the envelope, then the switch
ENVELOPE="$WORK/v2uri.suit"
FETCHED=1
for step in 1 2 3 4 5; do
    kill_at "URI update, step $step" "FEMTOD_CRASH_STEP=$step"
done
for b in 0 1 100 1024 $((img_len - 1)) "$img_len"; do
    kill_at "URI update, image write, $b bytes" "FEMTOD_CRASH_WRITE=1:$b"
done
for b in 0 100 $(($(stat -c %s "$ENVELOPE") - 1)); do
    kill_at "URI update, envelope write, $b bytes" "FEMTOD_CRASH_WRITE=2:$b"
done
for b in 0 20 36; do
    kill_at "URI update, switch record write, $b bytes" "FEMTOD_CRASH_WRITE=3:$b"
done

say "$points kill points: $olds left the old version, $news the new one"
[ "$points" -ge 50 ] || fail "only $points kill points"
[ "$olds" -gt 0 ] && [ "$news" -gt 0 ] || fail "expected both outcomes among the kill points"
finish
