#!/usr/bin/env bash
# deps.sh: install every Debian package this project needs, and nothing else.
#
# Idempotent: when everything is present it only checks and prints one line.
# Otherwise it runs `apt-get update` once, checks that each missing name has an
# install candidate, and installs the missing ones. Works as root without a
# TTY (CI); as another user it uses `sudo -n` if that is allowed.
#
# The package list lives here and only here: append what your part needs.
set -euo pipefail

PACKAGES=(
    # host toolchain and build
    build-essential cmake ninja-build pkg-config
    # eBPF (clang-19 is the first with -mcpu=v4), libFuzzer and sanitizers (clang 14)
    clang-19 llvm-19 lld-19 clang-14 libclang-rt-14-dev
    # host libraries
    libelf-dev libcmocka-dev libsodium-dev libssl-dev libcoap3-dev libcoap3-bin
    # microcontroller cross toolchains and C libraries
    gcc-arm-none-eabi libnewlib-arm-none-eabi picolibc-arm-none-eabi
    gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf
    # emulators (qemu-user: the JIT's differential fuzzer runs a Linux build
    # of the Thumb-2 JIT under qemu-arm, tests/jit)
    qemu-system-arm qemu-system-misc qemu-user
    # Linux cross toolchain for that build (static, armhf)
    gcc-arm-linux-gnueabihf
    # measurement, scripting, analysis
    valgrind python3 xxd cppcheck clang-format clang-tidy frama-c-base why3 cvc4 z3
    # API reference (make docs)
    doxygen
)

log() { printf 'deps: %s\n' "$*"; }

is_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = "installed" ]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
    log "all ${#PACKAGES[@]} packages present"
    exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        log "missing: ${missing[*]}"
        log "not root and no password-less sudo: install them as root, or run: sudo $0"
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
APT=("${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=900 -o Dpkg::Use-Pty=0)

log "missing: ${missing[*]}"
log "apt-get update"
"${APT[@]}" update -q

# A name with no candidate is a typo or a package from another release:
# say which one instead of letting apt-get fail on the whole list.
unknown=()
for pkg in "${missing[@]}"; do
    candidate=$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')
    if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
        unknown+=("$pkg")
    fi
done
if [ ${#unknown[@]} -ne 0 ]; then
    log "no install candidate for: ${unknown[*]} (check the names in $0)"
    exit 1
fi

log "apt-get install ${missing[*]}"
"${APT[@]}" install -y -q "${missing[@]}"

for pkg in "${missing[@]}"; do
    is_installed "$pkg" || { log "still missing after install: $pkg"; exit 1; }
done
log "installed ${#missing[@]} packages"
