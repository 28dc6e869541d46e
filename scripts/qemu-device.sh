#!/usr/bin/env bash
# qemu-device.sh: run the device firmware of a board under QEMU, in the
# foreground, with its CoAP server at coap://127.0.0.1:PORT.
#
#   scripts/qemu-device.sh BOARD --config FILE --flash FILE --port PORT
#        [--flash-size BYTES] [--cut N] [--crash K] [--image ELF]
#
# BOARD: mps2-an386 (Cortex-M4, LAN9220 Ethernet, flash emulated in FILE).
# --config  a femtod.conf (docs/deployment.md); provisioned into the flash
#           at first boot (key files are inlined as hex first, so the flash
#           copy stands alone); later boots use what the flash holds.
# --flash   the host file that holds the board's flash; created erased
#           (--flash-size bytes, default 262144) when missing.
# --port    host UDP port on 127.0.0.1 forwarded to the board's port 5683.
# --cut N   power cut at the N-th flash program or erase: the board prints
#           "power cut" and stops (tests SIGKILL QEMU then).
# --crash K femtod's install kill point K (FEMTOD_CRASH_STEP).
# --image   the firmware image (default: build/firmware/images/BOARD/device.elf,
#           built there if missing).
# QEMU user networking: only 127.0.0.1:PORT on the host reaches the board
# (restrict=on would also drop the board's answers to the forwarded port).
# The board prints a line containing "listening" when it is ready. The
# script execs QEMU: SIGKILL of the script or of QEMU is a power cut.
set -euo pipefail

usage() {
    sed -n '4,6p' "$0" >&2
    exit 2
}
repo=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || usage
board=$1
shift
config= flash= port= size=262144 cut=0 crash= image=
while [ $# -gt 0 ]; do
    case $1 in
    --config) config=$2 ;;
    --flash) flash=$2 ;;
    --port) port=$2 ;;
    --flash-size) size=$2 ;;
    --cut) cut=$2 ;;
    --crash) crash=$2 ;;
    --image) image=$2 ;;
    *) usage ;;
    esac
    shift 2
done
[ -n "$flash" ] && [ -n "$port" ] || usage
case $board in
mps2-an386) ;;
riscv-virt) echo "qemu-device: riscv-virt has no device firmware yet (no virtio-net driver): it runs the UART images only" >&2; exit 2 ;;
*) echo "qemu-device: unknown board '$board' (mps2-an386)" >&2; exit 2 ;;
esac
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -gt 0 ] && [ "$port" -lt 65536 ] ||
    { echo "qemu-device: --port: a UDP port number" >&2; exit 2; }

if [ -z "$image" ]; then
    image=$repo/${FC_BUILD:-build}/firmware/images/$board/device.elf
    if [ ! -f "$image" ]; then
        echo "qemu-device: building $image" >&2
        "$repo/scripts/fetch-deb-src.sh" libsodium >/dev/null
        "$repo/scripts/fetch-deb-src.sh" lwip >/dev/null
        make -s -C "$repo/firmware" BOARD="$board" O="$(dirname "$(dirname "$image")")" \
            REPO="$repo" "$image" >&2
    fi
fi
[ -f "$image" ] || { echo "qemu-device: no image $image" >&2; exit 1; }

flash=$(realpath -m "$flash")
if [ ! -f "$flash" ]; then
    mkdir -p "$(dirname "$flash")"
    head -c "$size" /dev/zero | tr '\0' '\377' >"$flash.new"
    mv "$flash.new" "$flash"
fi

# One board per flash file: the lock is held by QEMU (fd 9 is inherited
# through exec) and goes with it.
exec 9>>"$flash.lock"
flock -n 9 || { echo "qemu-device: $flash is in use by another board" >&2; exit 1; }

# The configuration as the board will keep it: key files inlined as hex.
args="flash=$flash"
if [ -n "$config" ]; then
    [ -f "$config" ] || { echo "qemu-device: no config file $config" >&2; exit 1; }
    dir=$(cd "$(dirname "$config")" && pwd)
    prov=$flash.provision.conf
    while IFS= read -r line || [ -n "$line" ]; do
        if [[ "$line" =~ ^[[:space:]]*public_key[[:space:]]*=[[:space:]]*([^#[:space:]]+) ]]; then
            key=${BASH_REMATCH[1]}
            if ! [[ "$key" =~ ^[0-9a-fA-F]{64}$ ]]; then
                [[ "$key" == /* ]] || key=$dir/$key
                [ "$(stat -c %s "$key" 2>/dev/null)" = 32 ] ||
                    { echo "qemu-device: public key file $key is not 32 bytes" >&2; exit 1; }
                line="public_key = $(xxd -p -c 64 "$key")"
            fi
        fi
        printf '%s\n' "$line"
    done <"$config" >"$prov"
    args="$args config=$prov"
fi
[ "$cut" = 0 ] || args="$args cut=$cut"
[ -z "$crash" ] || args="$args crash=$crash"
[ -z "${FC_DEVICE_TRACE:-}" ] || args="$args trace=1" # one console line per CoAP request

exec qemu-system-arm -M mps2-an386 -nographic -monitor none -serial stdio \
    -semihosting-config enable=on,target=native \
    -nic "user,hostfwd=udp:127.0.0.1:$port-:5683" \
    -kernel "$image" -append "$args"
