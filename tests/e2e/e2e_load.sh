#!/usr/bin/env bash
# Bounded load: C concurrent clients each send R requests to /app/kvapp on
# one session, plus L concurrent listings of /c; a fixed amount of work,
# no errors allowed; prints the throughput (a figure, not a timed check).
source "$(dirname "$0")/lib.sh" "$@"

C=8
R=1000
L=4
LR=50
make_key alice
cat >"$WORK/femtod.conf" <<CONF
timer_period_ms = 10
[tenant alice]
id = 1
public_key = alice.pub
CONF
build_app 1 kvapp "$WORK/v1.fc"
sign alice 0 1 "$WORK/v1.fc" "$WORK/v1.suit"
read -r PORT < <(free_ports 1)
U="coap://[::1]:$PORT"
start_femtod D "$PORT" "$WORK/state" "$WORK/femtod.conf"
"$FEMTO" deploy -q "$U" "$WORK/v1.suit" >/dev/null

start=$(date +%s.%N)
pids=()
for c in $(seq 1 $C); do
    "$FEMTO" call --repeat "$R" "$U" kvapp >"$WORK/call$c.out" 2>&1 &
    pids+=($!)
done
for l in $(seq 1 $L); do
    (
        for k in $(seq 1 $LR); do "$FEMTO" ls "$U" >/dev/null || exit 1; done
    ) >"$WORK/ls$l.out" 2>&1 &
    pids+=($!)
done
errors=0
for pid in "${pids[@]}"; do wait "$pid" || errors=$((errors + 1)); done
end=$(date +%s.%N)
total=$((C * R + L * LR))
for c in $(seq 1 $C); do say "client $c: $(cat "$WORK/call$c.out")"; done
[ "$errors" -eq 0 ] && pass "$C callers x $R requests + $L listers x $LR listings: no errors" ||
    fail "$errors clients reported errors"
runs=$("$FEMTO" status --json "$U" kvapp | grep -o '"runs":[0-9]*' | cut -d: -f2)
[ "$runs" -eq $((C * R)) ] && pass "the container ran exactly $runs times" ||
    fail "container runs $runs, expected $((C * R))"
python3 -c "print('throughput: %d requests in %.2f s = %.0f requests/s (loopback, $C+$L clients)' % ($total, $end - $start, $total / ($end - $start)))"
finish
