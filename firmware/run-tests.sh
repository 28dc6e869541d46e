#!/usr/bin/env bash
# firmware/run-tests.sh: run the firmware images in QEMU and check verdicts.
#
#   firmware/run-tests.sh [-o BUILD_DIR] [TEST...]
#
# TEST is BOARD/IMAGE; default: every test below. Images come from
# firmware/build.sh (run it first). Each run is bounded by `timeout`; the
# QEMU exit status is the firmware's verdict, and the console output must
# agree with it. Logs: BUILD_DIR/BOARD/IMAGE.log.
#
#   mps2-an386/selftest         M4: VM self-test, must exit 0 with "VERDICT: PASS"
#   mps2-an386/selftest-strict  M4 with unaligned accesses trapping (M0+ rule), same
#   mps2-an386/selftest-fast    M4 with the per-opcode interpreter and its
#                               pre-decoded form (FC_VM_SMALL=0), same
#   mps2-an386/selftest-jit     M4 with the checked JIT (src/vm/jit): every
#                               program also JIT-compiled and compared with the
#                               interpreter (r0, status, fault record, count, memory)
#   mps2-an386/faulttest        must crash on purpose and exit 3 with "CPU FAULT"
#   mps2-an386/jitwx            the JIT's code buffer under the MPU: a container
#                               runs from it read-only, a write during a run faults;
#                               before that, tenants' shares of the buffer (jitshare.c)
#   riscv-virt/selftest         RV32: VM self-test
#   riscv-virt/selftest-jit     RV32 with the RV32IMAC JIT (src/vm/jit/jit_rv32.c),
#                               compared with the interpreter as on the M4
#   riscv-virt/jitfuzz          RV32 JIT's differential fuzzer replaying the seeds of
#                               tests/jit/rv32_fuzz_seeds.txt and the corpus's
#                               seeds and findings (tests/jit/corpus; not the
#                               hour-long campaign-*.txt, replayed by no test)
#   riscv-virt/faulttest        RV32: deliberate trap, exit 3
#   riscv-virt/jitwx            the RV32 JIT's code buffer under the PMP (machine
#                               mode with MPRV), as mps2-an386/jitwx
#   mps2-an386/suittest         SUIT over the UART: signed envelopes installed,
#   riscv-virt/suittest         tampered/foreign/replayed ones refused (needs
#                               FEMTO=path/to/femto for the host side and the
#                               image built with libsodium's sources)
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=$repo/build-firmware
if [ "${1:-}" = "-o" ]; then
    out=$(cd "$2" && pwd)
    shift 2
fi
TIMEOUT=${FW_TIMEOUT:-120}

all_tests=(mps2-an386/selftest mps2-an386/selftest-strict mps2-an386/selftest-fast
    mps2-an386/selftest-jit
    mps2-an386/faulttest mps2-an386/jitwx
    riscv-virt/selftest riscv-virt/selftest-jit riscv-virt/jitfuzz
    riscv-virt/faulttest riscv-virt/jitwx
    mps2-an386/suittest riscv-virt/suittest)
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=("${all_tests[@]}")

# The least number of checks each image's verdict line must report
# ("VERDICT: PASS (N checks, ..." or "(N envelopes, ..."): a self-test that
# quietly stops checking fails here. Exact: the counts of the images as they
# are (measured in QEMU); raise a number when you add checks, lower it only
# with a reason in the commit message. A test with a verdict count and no
# row here fails too.
declare -A min_checks=(
    [mps2-an386/selftest]=781
    [mps2-an386/selftest-strict]=781
    [mps2-an386/selftest-fast]=781
    [mps2-an386/selftest-jit]=785
    [riscv-virt/selftest]=781
    [riscv-virt/selftest-jit]=785
    [mps2-an386/suittest]=5
    [riscv-virt/suittest]=5
)

# enough_checks BOARD IMAGE: the verdict line's count is at least the minimum.
enough_checks() {
    local t=$1/$2 log=$out/$1/$2.log n
    local want=${min_checks[$t]:-}
    if ! [[ $want =~ ^[0-9]+$ ]]; then
        echo "FAIL $t: no minimum check count in run-tests.sh's min_checks"
        return 1
    fi
    n=$(grep -a -m1 -o 'VERDICT: PASS ([0-9]*' "$log" | grep -o '[0-9]*$')
    if [ -z "$n" ] || [ "$n" -lt "$want" ]; then
        echo "FAIL $t: ${n:-no} checks reported, at least $want expected (log: $log)"
        return 1
    fi
    echo "PASS $t: $n checks (at least $want)"
}

qemu_for() {
    case $1 in
    mps2-an386)
        echo "qemu-system-arm -M mps2-an386 -nographic -monitor none -serial stdio" \
            "-semihosting-config enable=on,target=native -kernel"
        ;;
    riscv-virt) echo "qemu-system-riscv32 -M virt -bios none -nographic -monitor none -serial stdio -kernel" ;;
    esac
}

# run_image BOARD IMAGE WANT_STATUS WANT_TEXT [INPUT_FILE]
run_image() {
    local board=$1 image=$2 want=$3 text=$4 input=${5:-/dev/null}
    local elf=$out/$board/$image.elf log=$out/$board/$image.log
    if [ ! -f "$elf" ]; then
        echo "FAIL $board/$image: $elf missing (run firmware/build.sh)"
        return 1
    fi
    local qemu
    read -r -a qemu <<<"$(qemu_for "$board")"
    if ! command -v "${qemu[0]}" >/dev/null; then
        echo "FAIL $board/$image: ${qemu[0]} not installed (scripts/deps.sh installs it)"
        return 1
    fi
    timeout "$TIMEOUT" "${qemu[@]}" "$elf" <"$input" >"$log" 2>&1
    local status=$?
    if [ "$status" -ne "$want" ]; then
        tail -n 30 "$log"
        echo "FAIL $board/$image: exit status $status, expected $want (log: $log)"
        return 1
    fi
    if ! grep -q "$text" "$log"; then
        tail -n 30 "$log"
        echo "FAIL $board/$image: output lacks \"$text\" (log: $log)"
        return 1
    fi
    echo "PASS $board/$image: exit status $status, \"$(grep -m1 "$text" "$log" | tr -d '\r')\""
}

# The SUIT session needs the host tool to make keys and signed envelopes.
suit_test() {
    local board=$1
    if [ ! -f "$out/$board/suittest.elf" ]; then
        echo "FAIL $board/suittest: image missing: libsodium's sources were not available" \
            "when firmware/build.sh ran (scripts/fetch-deb-src.sh libsodium)"
        return 1
    fi
    if [ -z "${FEMTO:-}" ] || [ ! -x "$FEMTO" ]; then
        echo "FAIL $board/suittest: set FEMTO to the host femto binary (it signs the envelopes)"
        return 1
    fi
    local session
    session=$("$repo/firmware/tools/suit-session.sh" "$FEMTO" "$out/$board/suit-session") || {
        echo "FAIL $board/suittest: could not prepare the session with $FEMTO"
        return 1
    }
    run_image "$board" suittest 0 "VERDICT: PASS" "$session" && enough_checks "$board" suittest
}

# The self-tests also run the hostile corpus of tests/hostile
# (firmware/app/hostiletest.c): its summary line must be there, all passed.
hostile_ran() {
    local log=$out/$1/$2.log
    if ! grep -aq '^\[hostile corpus\] .* 0 failed' "$log"; then
        echo "FAIL $1/$2: no passing \"[hostile corpus]\" line (log: $log)"
        return 1
    fi
    echo "PASS $1/$2: $(grep -a -m1 '^\[hostile corpus\]' "$log" | tr -d '\r')"
}

# W^X of the JIT's code buffer (firmware/app/jitwx.c): the container ran
# JIT-compiled from the read-only buffer, one installed with the buffer full
# ran on the interpreter (reported), then the write to the buffer during a
# run faulted (MemManage) at the buffer's own address.
jitwx_test() {
    local board=$1 log=$out/$1/jitwx.log fault addr
    case $board in
    riscv-virt) fault="CPU FAULT: mcause=7" addr=mtval ;; # store access fault (PMP)
    *) fault="CPU FAULT: exception 4" addr=mmfar ;;       # MemManage (MPU)
    esac
    run_image "$board" jitwx 3 "$fault" || return 1
    if ! grep -aq '^PASS container ran JIT-compiled from the read-only buffer' "$log" ||
        ! grep -aq '^PASS it runs on the interpreter, counted as a fallback run' "$log" ||
        ! grep -aq '^PASS tenant fairness of the JIT buffer' "$log"; then
        echo "FAIL $board/jitwx: the JIT-compiled run, the full-buffer fallback or the tenants'" \
            "shares of the buffer failed (log: $log)"
        return 1
    fi
    local at
    at=$(grep -a -m1 'writing the code buffer at' "$log" | sed 's/.* at \(0x[0-9a-f]*\).*/\1/')
    if [ -z "$at" ] || ! grep -aq "$addr=$at" "$log"; then
        echo "FAIL $board/jitwx: the fault is not the write to the code buffer ($at) (log: $log)"
        return 1
    fi
    echo "PASS $board/jitwx: the write to the code buffer at $at faulted ($fault, $addr)"
}

failed=0
for t in "${tests[@]}"; do
    case $t in
    */selftest | */selftest-strict | */selftest-fast | */selftest-jit)
        { run_image "${t%%/*}" "${t#*/}" 0 "VERDICT: PASS" && hostile_ran "${t%%/*}" "${t#*/}" &&
            enough_checks "${t%%/*}" "${t#*/}"; } ||
            failed=$((failed + 1))
        ;;
    */jitfuzz)
        # the RV32 seeds, the corpus's seeds and findings (as jit_fuzz_replay
        # on the M4 side), then quit
        input=$out/${t%%/*}/jitfuzz.in
        { cat "$repo/tests/jit/rv32_fuzz_seeds.txt"
          for f in seeds.txt findings.txt; do cat "$repo/tests/jit/corpus/$f"; done
          echo quit; } >"$input"
        run_image "${t%%/*}" jitfuzz 0 "VERDICT: PASS" "$input" || failed=$((failed + 1))
        ;;
    */faulttest) run_image "${t%%/*}" faulttest 3 "CPU FAULT" || failed=$((failed + 1)) ;;
    */jitwx) jitwx_test "${t%%/*}" || failed=$((failed + 1)) ;;
    */suittest) suit_test "${t%%/*}" || failed=$((failed + 1)) ;;
    *)
        echo "unknown test $t"
        failed=$((failed + 1))
        ;;
    esac
done
[ "$failed" -eq 0 ] || echo "firmware: $failed test(s) failed"
exit $((failed > 0))
