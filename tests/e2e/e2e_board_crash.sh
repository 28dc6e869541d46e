#!/usr/bin/env bash
# Power cuts of the Cortex-M4 board during an update (v1 -> v2 of a
# container whose key-value store counts its calls), each a SIGKILL of QEMU:
#   - during the upload: after block K of the block-wise POST was answered;
#   - during the flash writes: the N-th flash page program or sector erase
#     of the update is done half (the fault layer below the store), the
#     board stops, QEMU is killed; N runs over the operations of the update
#     (every third one, and each of the last 6; FC_CRASH_ALL=1: every one),
#     which on this small part (16 KiB, nearly full) include a compaction;
#   - during the switch: femtod's install kill points 1..5 (FEMTOD_CRASH_STEP).
# After each cut the board boots on the same flash: it must run v1 or v2,
# re-verified, with its store intact (the call answers n=4), and the flash
# must hold exactly one envelope record (tests/e2e/flash_records.py reads
# the store independently of the firmware).
# With a 4th argument (the write-in-place mutant image), only the
# flash-write cuts run, on the mutant, until one leaves neither version:
# the test shows it can tell an atomic store from one that is not.
#
#   e2e_board_crash.sh FEMTO DEVICE.elf SOURCE_DIR [DEVICE-INPLACE.elf]
MUTANT=${4:+$(readlink -f "$4")}
source "$(dirname "$0")/lib.sh" "$1" "$2" "$3"
[ -n "$BOARD" ] || { echo "usage: $0 FEMTO DEVICE.elf SOURCE_DIR [MUTANT.elf]"; exit 2; }

make_key alice
cat >"$WORK/dev.conf" <<CONF
timer_period_ms = 0
[tenant alice]
id = 1
public_key = alice.pub
CONF
build_app 1 kvapp "$WORK/v1.fc"
build_app 2 kvapp "$WORK/v2.fc"
sign alice 0 1 "$WORK/v1.fc" "$WORK/v1.suit"
sign alice 0 2 "$WORK/v2.fc" "$WORK/v2.suit"
read -r PORT < <(free_ports 1)
U="coap://$HOST:$PORT"
SIZE=FLASH_SIZE=16384

# the pristine state: v1 installed, its store at n=3
start_femtod D "$PORT" "$WORK/base" "$WORK/dev.conf" "$SIZE"
"$FEMTO" deploy -q "$U" "$WORK/v1.suit" || { cat "$WORK/base.log"; exit 1; }
for i in 1 2 3; do "$FEMTO" call "$U" kvapp/count >/dev/null || { cat "$WORK/base.log"; exit 1; }; done
stop_femtod "$D"
# a few boots (each writes the boot counter): the area is then so full that
# the update must compact it
for i in 1 2 3 4; do
    start_femtod D "$PORT" "$WORK/base" "$WORK/dev.conf" "$SIZE"
    stop_femtod "$D"
done
base_gen=$(grep -o 'area generation [0-9]*' "$WORK/base.log" | tail -1 | cut -d' ' -f3)

# wait_line FILE PATTERN PID: 0 when PATTERN shows in FILE within 15 s;
# 1 soon after PID (the client) ended without it
wait_line() {
    local i
    for i in $(seq 1 750); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        if ! kill -0 "$3" 2>/dev/null; then
            sleep 0.1
            grep -q "$2" "$1" 2>/dev/null
            return
        fi
        sleep 0.02
    done
    return 1
}

# boot_ops IMAGE: flash operations a boot of the base flash makes before
# it serves (the boot counter; with the mutant, its removal too)
boot_ops() {
    rm -rf "$WORK/probe" && mkdir -p "$WORK/probe" && cp "$WORK/base/flash.bin" "$WORK/probe/"
    start_femtod D "$PORT" "$WORK/probe" "$WORK/dev.conf" "$SIZE" "IMAGE=$1" >/dev/null || return 1
    stop_femtod "$D"
    grep -o 'flash operations at boot: [0-9]*' "$WORK/probe.log" | tail -1 | awk '{print $NF}'
}

points=0 olds=0 news=0 neither=0
LAST= # verdict of the last point: old, new, neither, nocut
# kill_at WHAT WAIT-PATTERN [SETTINGS...]: one power cut
kill_at() {
    local what=$1 pattern=$2 state=$WORK/s
    shift 2
    rm -rf "$state" "$state.log"
    mkdir -p "$state" && cp "$WORK/base/flash.bin" "$state/flash.bin"
    start_femtod D "$PORT" "$state" "$WORK/dev.conf" "$SIZE" "$@" || {
        fail "$what: the board did not start"
        LAST=neither VERDICT="$what: the board did not start"
        return
    }
    timeout 20 "$FEMTO" deploy -q --timeout 15 "$U" "$WORK/v2.suit" >"$state.deploy" 2>&1 &
    local client=$!
    if ! wait_line "$state.log" "$pattern" "$client"; then
        # the cut point lies past the end of the update
        kill -KILL "$D" 2>/dev/null || true
        wait "$client" 2>/dev/null || true
        wait_femtod "$D"
        LAST=nocut
        return
    fi
    kill -KILL "$D" 2>/dev/null || true # the power cut
    wait_femtod "$D"
    kill "$client" 2>/dev/null || true
    wait "$client" 2>/dev/null || true
    points=$((points + 1))
    mv "$state.log" "$state.cut.log"
    say "cut $points: $what (at $SECONDS s)"
    start_femtod D "$PORT" "$state" "$WORK/dev.conf" "$SIZE" || {
        fail "$what: the board did not boot after the cut"
        sed 's/^/    log: /' "$state.cut.log"
        LAST=neither VERDICT="$what: the board did not boot after the cut"
        return
    }
    local status out seq envs
    status=$("$FEMTO" status --json "$U" kvapp 2>&1) || true
    out=$("$FEMTO" call "$U" kvapp/count 2>&1) || true
    seq=$(grep -o '"seq":[0-9]*' <<<"$status" | cut -d: -f2) || true
    stop_femtod "$D"
    envs=$(python3 "$SRC/tests/e2e/flash_records.py" "$state/flash.bin" | grep -c '^slot/0/env-') || true
    if [[ "$seq" == 1 && "$out" == "v1 n=4" && "$envs" == 1 ]]; then
        LAST=old
    elif [[ "$seq" == 2 && "$out" == "v2 n=4" && "$envs" == 1 ]]; then
        LAST=new
    else
        LAST=neither
        VERDICT="$what: status=$status call=$out envelope records=$envs"
    fi
}

# judge WHAT: count the last point's verdict (atomic image)
judge() {
    case $LAST in
    old) olds=$((olds + 1)) ;;
    new) news=$((news + 1)) ;;
    neither)
        fail "$VERDICT"
        sed 's/^/    log: /' "$WORK/s.log" 2>/dev/null | tail -5
        ;;
    esac
}

# update_ops IMAGE: flash operations of the uncut update (after the boot's)
update_ops() {
    rm -rf "$WORK/final" && mkdir -p "$WORK/final" && cp "$WORK/base/flash.bin" "$WORK/final/"
    start_femtod D "$PORT" "$WORK/final" "$WORK/dev.conf" "$SIZE" FC_DEVICE_TRACE=1 "IMAGE=$1"
    "$FEMTO" deploy -q "$U" "$WORK/v2.suit" >/dev/null || fail "the uncut update failed"
    stop_femtod "$D"
    local t
    t=$(grep -o 'flash operations so far: [0-9]*' "$WORK/final.log" | tail -1 | awk '{print $NF}')
    echo $((t - $2))
}

if [ -n "$MUTANT" ]; then
    # every operation of the update, from the middle outwards: the switch
    # record's rewrite lies between the envelope's pages and the compaction
    # at the end, and the order only decides how soon the mutant is caught
    ops=$(boot_ops "$MUTANT")
    total=$(update_ops "$MUTANT" "$ops")
    order=()
    for ((d = 0; d < total; d++)); do
        for n in $((total / 2 + d)) $((total / 2 - d - 1)); do
            [ "$n" -ge 1 ] && [ "$n" -le "$total" ] && order+=("$n")
        done
    done
    for n in "${order[@]}"; do
        kill_at "mutant: flash operation $n of $total" "power cut" "FLASH_CUT=$((ops + n))" "IMAGE=$MUTANT"
        if [ "$LAST" = neither ]; then
            pass "the write-in-place mutant is caught at flash operation $n: $VERDICT"
            finish
            exit 0
        fi
    done
    fail "the write-in-place mutant survived every cut: the test cannot see the difference"
    finish
fi

# during the upload (3 blocks of 1024 bytes): cut after block K was answered
for k in 0 1; do
    kill_at "upload, after block $k" "block1 $k/1/" FC_DEVICE_TRACE=1
    judge
done
# during the switch: femtod's kill points
for step in 1 2 3 4 5; do
    kill_at "install kill point $step" "power cut" "FEMTOD_CRASH_STEP=$step"
    judge
done

# the uncut update: how many flash operations it makes
ops=$(boot_ops "$FEMTOD")
total=$(update_ops "$FEMTOD" "$ops")
# the board's trace lists its valid IPv6 addresses: link-local, and one
# from the router advertisement of QEMU's user network (fec0::/64) once
# duplicate address detection is over (about a second after boot)
start_femtod D "$PORT" "$WORK/final" "$WORK/dev.conf" "$SIZE" FC_DEVICE_TRACE=1
for i in $(seq 1 20); do
    "$FEMTO" ls "$U" >/dev/null 2>&1 || true
    grep -q "ipv6 address [0-9]: FEC0::" "$WORK/final.log" && break
    sleep 0.25
done
stop_femtod "$D"
grep -q "ipv6 address [0-9]: FEC0::" "$WORK/final.log" &&
    pass "the board's lwIP took an IPv6 address from the router advertisement" ||
    fail "no SLAAC IPv6 address on the board: $(grep ipv6 "$WORK/final.log" | head -2)"
[ "$total" -gt 10 ] || fail "the update made only $total flash operations?"

# during the flash writes
flash_points=0 erases=0
for n in $(seq 1 "$total"); do
    if [ -z "${FC_CRASH_ALL:-}" ] && [ $((n % 3)) -ne 1 ] && [ "$n" -le $((total - 6)) ]; then
        continue
    fi
    kill_at "flash operation $n of $total of the update" "power cut" "FLASH_CUT=$((ops + n))"
    [ "$LAST" = nocut ] && { fail "operation $n of $total did not cut"; break; }
    flash_points=$((flash_points + 1))
    grep -q "(erase)" "$WORK/s.cut.log" && erases=$((erases + 1))
    judge
done
[ "$erases" -gt 0 ] && pass "$erases of the cuts interrupted a sector erase (the update compacted the store)" ||
    fail "no cut landed in an erase: the update did not compact the store"

say "$points power cuts ($flash_points inside the $total flash operations of the update): $olds left v1, $news left v2"
[ "$points" -ge 20 ] || fail "only $points power-cut points"
[ "$olds" -gt 0 ] && [ "$news" -gt 0 ] || fail "expected both outcomes among the cuts"
finish
