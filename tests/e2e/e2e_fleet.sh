#!/usr/bin/env bash
# A fleet of 20 femtod on distinct loopback ports: femto fleet deploy
# pushes one envelope to all of them concurrently; all report success,
# then a replay is refused by all; every daemon is killed at the end.
# Against the board (tests/e2e/lib.sh): three boards under QEMU.
source "$(dirname "$0")/lib.sh" "$@"

N=20
[ -z "$BOARD" ] || N=3 # boards: three QEMUs
make_key ops
cat >"$WORK/femtod.conf" <<CONF
timer_period_ms = 0
[tenant ops]
id = 1
public_key = ops.pub
CONF
build_app 1 kvapp "$WORK/v1.fc"
sign ops 0 1 "$WORK/v1.fc" "$WORK/v1.suit"

read -r -a PORTS < <(free_ports "$N")
: >"$WORK/fleet.txt"
printf '# %d femtod on loopback\n' "$N" >>"$WORK/fleet.txt"
PIDS=()
for i in $(seq 0 $((N - 1))); do
    start_femtod pid "${PORTS[$i]}" "$WORK/dev$i" "$WORK/femtod.conf"
    PIDS+=("$pid")
    echo "coap://$HOST:${PORTS[$i]}" >>"$WORK/fleet.txt"
done
pass "$N daemons started"

out=$("$FEMTO" fleet deploy "$WORK/fleet.txt" "$WORK/v1.suit" 2>&1) && rc=0 || rc=$?
say "$out"
[ "$rc" -eq 0 ] && [[ "$out" == *"$N/$N devices installed"* ]] && pass "fleet deploy: all $N installed" ||
    fail "fleet deploy: rc=$rc"
ok=0
for i in $(seq 0 $((N - 1))); do
    r=$("$FEMTO" call "coap://$HOST:${PORTS[$i]}" kvapp 2>&1) || true
    [ "$r" = "v1" ] && ok=$((ok + 1))
done
[ "$ok" -eq "$N" ] && pass "all $N devices answer" || fail "$ok/$N devices answer"
out=$("$FEMTO" fleet deploy "$WORK/fleet.txt" "$WORK/v1.suit" 2>&1) && rc=0 || rc=$?
[ "$rc" -ne 0 ] && [[ "$out" == *"0/$N devices installed"* ]] &&
    pass "fleet replay: refused by all, non-zero exit" || fail "fleet replay: rc=$rc $out"
for pid in "${PIDS[@]}"; do stop_femtod "$pid"; done
alive=0
for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=$((alive + 1)); done
[ "$alive" -eq 0 ] && pass "all daemons stopped" || fail "$alive daemons still running"
finish
