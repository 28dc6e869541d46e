#!/usr/bin/env bash
# run_cli.sh FEMTO SOURCE_DIR: `femto run` itself: fault reports, refusals,
# --trace, --budget, --ctx FILE, usage errors and exit statuses.
set -euo pipefail
femto=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0

build() { # build NAME C-SOURCE
    printf '%s\n' "$2" >"$work/$1.c"
    "$femto" build "$work/$1.c" -o "$work/$1.fc" >/dev/null
}

# check WHAT WANT-STATUS WANT-LINE ARGS...: run femto, check status and one line
check() {
    local what=$1 want_rc=$2 want=$3
    shift 3
    local out rc=0
    out=$("$femto" "$@" 2>&1) || rc=$?
    if [ "$rc" -ne "$want_rc" ] || ! grep -qF -- "$want" <<<"$out"; then
        echo "FAIL: $what: expected status $want_rc and '$want', got status $rc:"
        sed 's/^/    /' <<<"$out"
        fails=$((fails + 1))
    else
        echo "ok: $what"
    fi
}

build oob '#include <femto.h>
FC_ENTRY(oob) { return *(volatile uint32_t *)0x1000; }'
check "memory fault: kind, instruction, address, size" 1 \
    'fault: FC_FAULT_MEM (memory access outside the granted regions) at instruction 1, address 0x1000, size 4' \
    run "$work/oob.fc"

build spin '#include <femto.h>
FC_ENTRY(spin) { volatile uint64_t n = 0; while (n != UINT64_MAX) n++; return n; }'
check "budget fault" 1 'fault: FC_FAULT_BUDGET' run "$work/spin.fc" --budget 500
check "budget respected" 1 'instructions: 500' run "$work/spin.fc" --budget 500

build add '#include <femto.h>
FC_ENTRY(add) { const uint8_t *p = ctx; return ctx_len >= 2 ? (uint64_t)p[0] + p[1] : 0; }'
check "context from hex" 0 'r0: 5 (0x5)' run "$work/add.fc" --ctx-hex 0203
printf '\x10\x20' >"$work/ctx.bin"
check "context from a file" 0 'r0: 48 (0x30)' run "$work/add.fc" --ctx "$work/ctx.bin"
check "trace lists instructions" 0 'trace:     0' run "$work/add.fc" --ctx-hex 0203 --trace
check "trace shows changed registers" 0 'r0=0x5' run "$work/add.fc" --ctx-hex 0203 --trace
check "unknown entry" 1 'refused: FC_ERR_IMAGE_ENTRY' run "$work/add.fc" --entry nope
check "unknown hook" 2 "no hook 'nope'" run "$work/add.fc" --hook nope
check "context too long for the hook" 2 "context is 16 bytes" run "$work/add.fc" --hook timer \
    --ctx-hex 000000000000000000000000000000000000
check "bad hex" 2 "is not a hex byte" run "$work/add.fc" --ctx-hex 0g
check "no image" 2 'usage: femto run' run
check "not an image" 1 '' run "$work/add.c"

build ro_hook '#include <femto.h>
FC_ENTRY(ro_hook) { ((fc_hook_timer_ctx_t *)ctx)->tick = 1; return 0; }'
check "read-only hook context" 1 'fault: FC_FAULT_MEM_PERM' run "$work/ro_hook.fc" --hook timer

exit $((fails > 0))
