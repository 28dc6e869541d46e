# lib.sh: shared helpers of the end-to-end tests (sourced).
# Usage in a test:  source lib.sh FEMTO FEMTOD SOURCE_DIR
# Every femtod started here runs under `timeout` and is killed by the EXIT
# trap, whatever happens to the test.
#
# FEMTOD may also be a device firmware image (a path ending in .elf): the
# same test then runs against the Cortex-M4 board under QEMU
# (scripts/qemu-device.sh): STATE is a folder holding the board's flash
# file, the device answers on 127.0.0.1 (QEMU forwards IPv4 only), and
# FEMTOD_CRASH_STEP=K / FLASH_CUT=N become the board's --crash / --cut.
# Tests address the device as coap://$HOST:PORT.
set -euo pipefail

FEMTO=$(readlink -f "$1")
FEMTOD=$(readlink -f "$2")
SRC=$(readlink -f "$3")
BOARD=
HOST='[::1]'
if [[ "$FEMTOD" == *.elf ]]; then
    BOARD=mps2-an386
    HOST=127.0.0.1
fi
WORK=$(mktemp -d /tmp/femto-e2e.XXXXXX)
DAEMON_PIDS=()       # femtod processes (children of their `timeout`)
declare -A WATCHER=() # femtod pid -> pid of the `timeout` that runs it (our child)
FAILURES=0

cleanup() {
    local pid
    for pid in "${DAEMON_PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    for pid in "${DAEMON_PIDS[@]}"; do
        wait "${WATCHER[$pid]}" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '%s\n' "$*"; }
pass() { printf 'ok   %s\n' "$*"; }
fail() {
    printf 'FAIL %s\n' "$*"
    FAILURES=$((FAILURES + 1))
}
finish() {
    if [ "$FAILURES" -ne 0 ]; then
        say "$FAILURES check(s) failed"
        exit 1
    fi
    say "all checks passed"
}

# free_ports N: N distinct free UDP ports on ::1, chosen at random BELOW the
# kernel's ephemeral range, so that no client socket (ours or another
# test's) can take one between the choice and the daemon's bind.
free_ports() {
    python3 - "$1" <<'PY'
import random, socket, sys
lo = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
chosen = []
while len(chosen) < int(sys.argv[1]):
    port = random.randrange(10000, lo)
    if port in chosen:
        continue
    # free on ::1 (femtod) and on 127.0.0.1 (the board's QEMU forwards IPv4)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("::1", port))
        s4.bind(("127.0.0.1", port))
        chosen.append(port)
    except OSError:
        pass
    finally:
        s.close()
        s4.close()
print(" ".join(map(str, chosen)))
PY
}

# start_femtod VAR PORT STATE CONFIG [ENV=...]: start femtod under
# `timeout`, wait until it listens, store ITS pid (not timeout's) in VAR.
# Its log is $STATE.log. wait_femtod PID waits for it to end.
start_femtod() {
    local var=$1 port=$2 state=$3 config=$4
    shift 4
    if [ -n "$BOARD" ]; then
        local opts=() envs=() setting image=$FEMTOD
        for setting in "$@"; do
            case $setting in
            FEMTOD_CRASH_STEP=*) opts+=(--crash "${setting#*=}") ;;
            FLASH_CUT=*) opts+=(--cut "${setting#*=}") ;;
            FLASH_SIZE=*) opts+=(--flash-size "${setting#*=}") ;;
            IMAGE=*) image=${setting#*=} ;;
            *) envs+=("$setting") ;; # e.g. FC_DEVICE_TRACE=1
            esac
        done
        mkdir -p "$state"
        # qemu-device.sh execs QEMU: the child of `timeout` is QEMU itself
        env "${envs[@]}" timeout -s KILL 170 "$SRC/scripts/qemu-device.sh" "$BOARD" \
            --config "$config" --flash "$state/flash.bin" --port "$port" --image "$image" \
            "${opts[@]}" >"$state.log" 2>&1 </dev/null &
    else
        env "$@" timeout -s KILL 170 "$FEMTOD" --config "$config" --state "$state" --port "$port" \
            >"$state.log" 2>&1 &
    fi
    local _watch=$! _pid= _i
    for _i in $(seq 1 1000); do # up to about 20 s: QEMU on a loaded machine
        if grep -q "listening on" "$state.log" 2>/dev/null; then
            # the child of `timeout` (no procps needed)
            _pid=$(cat "/proc/$_watch/task/$_watch/children" 2>/dev/null) || true
            _pid=${_pid%% *}
            if [ -n "$_pid" ]; then
                DAEMON_PIDS+=("$_pid")
                WATCHER[$_pid]=$_watch
                printf -v "$var" '%s' "$_pid"
                return 0
            fi
        fi
        kill -0 "$_watch" 2>/dev/null || break
        sleep 0.02
    done
    kill -TERM "$_watch" 2>/dev/null || true
    say "femtod did not start (port $port):"
    cat "$state.log"
    return 1
}

stop_femtod() {
    kill -TERM "$1" 2>/dev/null || true
    wait_femtod "$1"
}

wait_femtod() {
    wait "${WATCHER[$1]}" 2>/dev/null || true
}

# expect_code CODE DESCRIPTION -- COMMAND...: run COMMAND (a femto verb),
# check that its output starts with the CoAP code (e.g. 4.01).
expect_code() {
    local code=$1 what=$2
    shift 3
    local out
    out=$("$@" 2>&1) || true
    if [[ "$out" == "$code "* ]]; then
        pass "$what: $out"
    else
        fail "$what: expected $code, got: $out"
    fi
}

# expect_output TEXT DESCRIPTION -- COMMAND...: output contains TEXT.
expect_output() {
    local text=$1 what=$2
    shift 3
    local out
    out=$("$@" 2>&1) || true
    if [[ "$out" == *"$text"* ]]; then
        pass "$what"
    else
        fail "$what: expected '$text' in: $out"
    fi
}

# keys and the test container, built once per test into $WORK
make_key() { (cd "$WORK" && "$FEMTO" keygen "$1" >/dev/null); }
build_app() { # build_app VERSION NAME OUT
    "$FEMTO" build "$SRC/tests/e2e/apps/kvapp.c" -D "VERSION=$1" --name "$2" -o "$3" >/dev/null
}
sign() { # sign KEY SLOT SEQ IMAGE OUT [more femto sign options]
    local key=$1 slot=$2 seq=$3 image=$4 out=$5
    shift 5
    "$FEMTO" sign -k "$WORK/$key.key" -s "$slot" -n "$seq" --hook coap "$@" -o "$out" "$image" \
        >/dev/null
}
