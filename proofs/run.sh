#!/usr/bin/env bash
# proofs/run.sh: the VM's formal assurance (docs/assurance.md).
#
#   proofs/run.sh           every WP job (x86_32 and x86_64) and the three Eva
#                           jobs (the microcontroller default as built for the
#                           Cortex-M4, as built for the M0+ and RV32, and the
#                           host switch build); 10-22 minutes on 2 cores
#   proofs/run.sh --quick   WP on the region check, fc_vm_check_ptr,
#                           fc_vm_add_region and the helper masks, both
#                           machdeps (about 1-3 min)
#   proofs/run.sh --region  WP on the region check only, both machdeps (about
#                           20 s; what tests/proofs/mutation.sh runs)
#   proofs/run.sh --eva     the Eva jobs only (about 2-5 min)
#
# The gate (docs/assurance.md, section 4):
#  - WP runs with the provers the gate requires (REQUIRED_PROVERS); a missing
#    one fails the gate instead of silently proving less.
#  - Every goal's status is read from its own log line ("[wp] [<prover>] Goal
#    G : <status>", any prover, any status); only "Valid" counts as proven.
#    The goal lines, WP's "Proved goals: P / T" line and its JSON report
#    (-wp-report-json) must give the same proven and total counts.
#  - For each job, the unproven goals must be exactly the ones listed for it
#    in proofs/wp/expected_unproven.txt: an unlisted unproven goal fails, and
#    so does a listed goal that is now proven (or no longer exists): it must
#    leave the list. So proven = total - listed, per job.
#  - Each job has a minimum goal count (deleting or weakening contracts fails).
#  - Eva alarms are keyed by position and predicate (file:line | kind |
#    predicate) and must be exactly those listed in proofs/eva/<job>.expected
#    (one file per Eva job); the source text of each listed line is checked
#    too, so a justification never silently covers changed code. Eva must
#    reach the harness's end with a run that finished and one that faulted,
#    and every called function must have code or a specification.
# The last line (SUMMARY) gives WP proven/total and the Eva alarm sites.
# Output: $FC_PROOFS_OUT, or $FC_BUILD/proofs/ (default build-proofs/).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${FC_PROOFS_OUT:-$ROOT/${FC_BUILD:-build-proofs}/proofs}
MODE=full
case "${1:-}" in
"") ;;
--quick) MODE=quick ;;
--region) MODE=region ;;
--eva) MODE=eva ;;
*)
    echo "usage: $0 [--quick|--region|--eva]" >&2
    exit 2
    ;;
esac
WP_TIMEOUT=${WP_TIMEOUT:-10}
JOBS=${JOBS:-2}
REQUIRED_PROVERS="cvc4 z3"
EXPECTED_WP="$ROOT/proofs/wp/expected_unproven.txt"

log() { printf 'prove: %s\n' "$*"; }
status=0
fail() {
    log "FAIL: $*"
    status=1
}

if ! command -v frama-c >/dev/null || ! command -v why3 >/dev/null; then
    log "frama-c or why3 missing: running scripts/deps.sh"
    "$ROOT/scripts/deps.sh"
fi
mkdir -p "$OUT"
export WHY3CONFIG="$OUT/why3.conf"
why3 config detect -C "$WHY3CONFIG" >/dev/null 2>&1 || true
PROVERS=
for p in $REQUIRED_PROVERS; do
    if grep -qi "^name = \"$p\"" "$WHY3CONFIG" 2>/dev/null; then
        PROVERS="$PROVERS${PROVERS:+,}$p"
    else
        log "FAIL: prover $p is required by the gate but why3 does not find it (scripts/deps.sh installs it)"
        exit 1
    fi
done
log "mode $MODE, provers $PROVERS (required: $REQUIRED_PROVERS), output $OUT"

CPP="-I$ROOT/include"
wp_total=0
wp_proved=0
wp_unproven=0

# The expected-unproven list, without comments: "job machdep goal".
expected_wp() { { grep -v '^#' "$EXPECTED_WP" || true; } | sed '/^[[:space:]]*$/d' | tr -s ' \t' '  '; }
if [ -n "$(expected_wp | awk 'NF != 3')" ]; then
    fail "malformed lines in $EXPECTED_WP (want: job machdep goal):"
    expected_wp | awk 'NF != 3 { print "  " $0 }'
fi

# wp NAME MACHDEP HARNESS FUNCTIONS MIN_GOALS [EXTRA WP OPTIONS...]
wp() {
    local name=$1 machdep=$2 harness=$3 fcts=$4 min=$5 t0=$SECONDS
    shift 5
    local base="$OUT/wp-$name-$machdep"
    rm -f "$base.log" "$base.json" "$base.goals"
    if ! frama-c -machdep "$machdep" -cpp-extra-args="$CPP" "$ROOT/proofs/wp/$harness" \
        -wp -wp-rte -wp-fct "$fcts" -wp-prover "$PROVERS" -wp-timeout "$WP_TIMEOUT" \
        -wp-par "$JOBS" -wp-cache none -wp-report-json "$base.json" "$@" >"$base.log" 2>&1; then
        fail "$name/$machdep: frama-c failed (see $base.log)"
        return 0
    fi
    awk -f "$ROOT/proofs/wp/goals.awk" "$base.log" >"$base.goals"
    local lines valid sum_p sum_t json_p json_t
    lines=$(grep -vc '^SUMMARY ' "$base.goals" || true)
    valid=$(grep -c '^Valid ' "$base.goals" || true)
    read -r sum_p sum_t <<<"$(awk '$1 == "SUMMARY" { p = $2; t = $3 } END { print p + 0, t + 0 }' "$base.goals")"
    read -r json_p json_t <<<"$(python3 "$ROOT/proofs/wp/report.py" "$base.json" 2>/dev/null || echo "-1 -1")"
    wp_total=$((wp_total + sum_t))
    wp_proved=$((wp_proved + sum_p))
    local tag="$name/$machdep"
    log "$tag: $sum_p / $sum_t goals proven ($((SECONDS - t0)) s)"
    if [ "$lines" != "$sum_t" ] || [ "$valid" != "$sum_p" ] || [ "$json_t" != "$sum_t" ] ||
        [ "$json_p" != "$sum_p" ]; then
        fail "$tag: the counts disagree: goal lines $valid / $lines, summary $sum_p / $sum_t, JSON $json_p / $json_t"
    fi
    if [ "$sum_t" -lt "$min" ]; then
        fail "$tag: $sum_t goals, fewer than the job's minimum of $min (a contract was deleted or weakened?)"
    fi
    # unproven here vs listed for this job: the two sets must be equal
    local unproven listed
    unproven=$(grep -v -e '^Valid ' -e '^SUMMARY ' "$base.goals" | awk '{ print $2 }' | sort -u || true)
    listed=$(expected_wp | awk -v j="$name" -v m="$machdep" '$1 == j && $2 == m { print $3 }' | sort -u || true)
    wp_unproven=$((wp_unproven + $(printf '%s' "$unproven" | grep -c . || true)))
    local g
    for g in $(comm -23 <(printf '%s\n' "$unproven" | sed '/^$/d') <(printf '%s\n' "$listed" | sed '/^$/d')); do
        fail "$tag: goal $g is unproven ($(awk -v g="$g" '$2 == g { print $1; exit }' "$base.goals")) and not listed in proofs/wp/expected_unproven.txt"
    done
    for g in $(comm -13 <(printf '%s\n' "$unproven" | sed '/^$/d') <(printf '%s\n' "$listed" | sed '/^$/d')); do
        if grep -q "^Valid $g\$" "$base.goals"; then
            fail "$tag: listed goal $g is proven now: remove it from proofs/wp/expected_unproven.txt (and docs/assurance.md)"
        else
            fail "$tag: listed goal $g does not exist in this job: remove it from proofs/wp/expected_unproven.txt"
        fi
    done
    local n_listed
    n_listed=$(printf '%s' "$listed" | grep -c . || true)
    if [ "$sum_p" -ne $((sum_t - n_listed)) ]; then
        fail "$tag: proven $sum_p != total $sum_t - listed $n_listed"
    fi
}

VM_FCTS=fc_helper_mask_set,fc_helper_mask_has,fc_vm_add_region,fc_vm_region_find,fc_vm_check_ptr
VERIFIER_FCTS=fc_error_fill,fc_fail,fc_ok,refuse,find_start,access_size,is_selector_key,decode,unused_field,check_stack_access,check_lddw
if [ "$MODE" != eva ]; then
    for m in x86_32 x86_64; do
        wp region "$m" region_wp.c fc_region_contains,fc_proof_region_contains 14
        [ "$MODE" = region ] || wp vm "$m" vm_wp.c "$VM_FCTS" 87
    done
fi
if [ "$MODE" = full ]; then
    for m in x86_64 x86_32; do
        wp isa "$m" isa_wp.c fc_isa_decode,selector_matches 26
        # the bit tactics close the src/dst-field goals (land on uint8) the SMT provers miss
        # 32-bit builds have no reasons (FC_VM_REASONS=0): refusals go through refuse_code
        fcts=$VERIFIER_FCTS min=173
        [ "$m" = x86_32 ] && fcts="$fcts,refuse_code" min=178
        # (30 s: access_size's rte_index_bound needs the bitrange tactic's
        # subgoals, which timed out once at 10 s under load 10)
        wp verifier "$m" verifier_wp.c "$fcts" "$min" -wp-auto wp:bitrange,wp:bitwised,wp:split \
            -wp-timeout 30
        wp add_start "$m" verifier_wp.c add_start 45 -wp-split
    done
fi
if [ "$MODE" != eva ]; then
    log "WP: $wp_proved / $wp_total goals proven, $wp_unproven unproven"
fi

# eva NAME MACHDEP CPP_ARGS SOURCES...: one Eva job and its gate against
# proofs/eva/NAME.expected. The harness puts the stack and the context at
# fixed addresses; the valid range is exactly those two regions
# (EVA_BASE, 576 + 32 bytes).
eva_summary=
eva() {
    local name=$1 machdep=$2 cpp=$3 t0=$SECONDS
    shift 3
    local evalog="$OUT/eva-$name.log" found="$OUT/eva-$name.txt" expected="$ROOT/proofs/eva/$name.expected"
    local srcs=() f
    for f in "$@"; do srcs+=("$ROOT/$f"); done
    if ! frama-c -machdep "$machdep" -cpp-extra-args="$CPP $cpp" \
        "$ROOT/proofs/eva/eva_harness.c" "${srcs[@]}" \
        -absolute-valid-range 0x10000-0x1025f \
        -eva -main main -eva-precision 1 -eva-warn-key garbled-mix=inactive ${EVA_EXTRA:-} >"$evalog" 2>&1; then
        fail "Eva $name: frama-c failed (see $evalog)"
        eva_summary="$eva_summary; $name: not run"
        return 0
    fi
    # one line per alarm: "file:line | kind | predicate | source text of the
    # line"; the first three are the key (proofs/eva/alarms.awk says what
    # counts), the source text is checked against the list as well
    # The analysis must see every function it calls: one without code or
    # specification gets default assigns (anything it points to becomes
    # unknown), which hides alarms behind garbage; so does a builtin the
    # machdep does not declare.
    if grep -E -q 'missing-spec|implicit-function-declaration|Neither code nor specification' "$evalog"; then
        fail "Eva $name: a called function has neither code nor specification (see $evalog):"
        grep -E -A1 'missing-spec|implicit-function-declaration' "$evalog" | sed 's/^/  /' | head -20
    fi
    # The harness shows fc_vm_run's status after the run: Eva must reach it
    # with a run that finished (FC_OK, 0) and one that faulted (non-zero), or
    # the analysis stopped early (an alarm Eva treats as fatal makes the
    # rest dead code, and dead code has no alarms)
    local reach
    reach=$(awk '/Frama_C_show_each_run_returned/ { on = 1 } on { s = s " " $0 }
        on && /[}\]] *$/ { on = 0 }
        END {
            z = (s ~ /[{;] *0[;}]/ || s ~ /\[0\.\./) ? "ok" : "none"
            n = (s ~ /[{;] *[1-9][0-9]*[;}]/ || s ~ /\[[0-9]+\.\.[1-9]/) ? "fault" : "none"
            print z, n
        }' "$evalog")
    if [ "$reach" != "ok fault" ]; then
        fail "Eva $name: the run's end is not reached both with FC_OK and with a fault ($reach): the analysis stopped early (see $evalog)"
    fi
    # ACSL properties (kind "ACSL ...") in the files the WP jobs prove are
    # WP's (section 4); anywhere else they count like run-time alarms.
    awk -f "$ROOT/proofs/eva/alarms.awk" "$evalog" | sed -E "s|$ROOT/||" |
        awk -F '\t' '!($2 ~ /^ACSL / && $1 ~ /^src\/(vm\/(verifier\.c|vm\.c|vm_internal\.h|isa_core\.c|isa_decode\.c)|common\/fc_error\.h):/)' | sort -u |
        while IFS=$'\t' read -r loc kind pred; do
            file=${loc%%:*} line=${loc#*:}
            printf '%s | %s | %s | %s\n' "$loc" "$kind" "$pred" \
                "$(sed -n "${line}p" "$ROOT/$file" | tr -s ' \t' '  ' | sed 's/^ //; s/ $//')"
        done | sort -u >"$found"
    local n n_vm new gone
    n=$(grep -c . "$found" || true)
    n_vm=$(grep -c '^src/vm/' "$found" || true)
    new=$(comm -23 "$found" <(grep -v '^#' "$expected" | sed '/^$/d' | sort -u) || true)
    gone=$(comm -13 "$found" <(grep -v '^#' "$expected" | sed '/^$/d' | sort -u) || true)
    log "Eva $name: $n alarm sites, $n_vm in src/vm ($((SECONDS - t0)) s); list: proofs/eva/$name.expected"
    if [ -n "$new" ]; then
        fail "Eva $name: alarms (or changed source lines) not justified in proofs/eva/$name.expected:"
        printf '%s\n' "$new" | sed 's/^/  /'
    fi
    if [ -n "$gone" ]; then
        fail "Eva $name: listed alarms Eva no longer reports (remove them, or the line moved):"
        printf '%s\n' "$gone" | sed 's/^/  /'
    fi
    eva_summary="$eva_summary; Eva $name: $n alarm sites ($n_vm in src/vm), $(printf '%s' "$new" | grep -c . || true) not listed, $(printf '%s' "$gone" | grep -c . || true) listed but gone"
}

# mcu_config JOB MACHDEP CPP_ARGS BOARDS...: the FC_ macros of the VM's
# headers as the firmware's cross compilers define them (each board's flags,
# from firmware/board.mk) must equal what Frama-C's own preprocessing command
# for the Eva job defines: the analysed configuration is those boards'.
# (FC_VM_ALIGNED_ACCESS, which a job may set to select the accessors the
# compiler selects by target macros, is left out of the comparison.)
mcu_config() {
    local job=$1 machdep=$2 cpp=$3 probe="$ROOT/proofs/eva/mcu_config.c" cmd board flags cc
    shift 3
    local fr="$OUT/mcu-config-$job-framac.txt"
    cmd=$(frama-c -machdep "$machdep" -cpp-extra-args="$CPP $cpp" -print-cpp-commands "$probe" | sed -n 2p)
    eval "${cmd% -o *} -dM" 2>"$OUT/mcu-config.err" | grep '^#define FC_' |
        grep -v '^#define FC_VM_ALIGNED_ACCESS' | sort >"$fr" || true
    if [ ! -s "$fr" ]; then
        fail "Eva $job: Frama-C's preprocessing of $probe failed (see $OUT/mcu-config.err)"
        return 0
    fi
    for board in "$@"; do
        flags=$(make -s -f - REPO="$ROOT" BOARD="$board" <<<'include $(REPO)/firmware/board.mk
all: ; @echo $(CC) $(ARCH_FLAGS)')
        cc=${flags%% *}
        if ! command -v "$cc" >/dev/null; then
            fail "Eva $job: $cc (board $board) missing: the configuration cannot be compared (scripts/deps.sh installs it)"
            continue
        fi
        # shellcheck disable=SC2086 # flags are words
        $flags -std=c11 -ffreestanding --specs=picolibc.specs -I"$ROOT/include" -E -dM "$probe" |
            grep '^#define FC_' | sort >"$OUT/mcu-config-$board.txt"
        if ! diff -u "$OUT/mcu-config-$board.txt" "$fr" >"$OUT/mcu-config-$job-$board.diff"; then
            fail "Eva $job: the VM's configuration differs between $board's compiler and Frama-C:"
            sed 's/^/  /' "$OUT/mcu-config-$job-$board.diff"
        fi
    done
    log "Eva $job: configuration ($(wc -l <"$fr") FC_ macros) as on $*"
}

VM_SRCS="src/vm/verifier.c src/vm/isa_core.c src/vm/vm.c"
if [ "$MODE" = full ] || [ "$MODE" = eva ]; then
    # The VM's sources exactly as the firmware compiles them (firmware/board.mk
    # takes them from src/vm/CMakeLists.txt the same way).
    FW_VM_SRCS=$("$ROOT/firmware/tools/layer-sources.sh" "$ROOT/src/vm" | sed "s|$ROOT/||g")
    MCU_CPP="-U__FRAMAC__ -include $ROOT/proofs/eva/gcc_builtins.h"
    # The microcontroller default exactly as the firmware compiles it
    # (docs/assurance.md, 5.1): 32-bit pointers select FC_VM_SMALL=1,
    # FC_VM_REASONS=0 and FC_VM_TRACE=0 as on arm-none-eabi (mcu_config
    # checks it); GCC's branch of every #if (__GNUC__ defined, __FRAMAC__
    # not), and GCC's builtins as GCC defines them (proofs/eva/gcc_builtins.h).
    # shellcheck disable=SC2086 # a list of paths
    # -eva-initialized-locals: run()'s frames[] starts with arbitrary, not
    # indeterminate, contents (section 5.1, F); -eva-split-return auto keeps
    # fc_verify's FC_OK return apart from its refusals (prog->text is set
    # only on the former)
    # Two jobs, because GCC selects the guest accessors by target (vm_run.h):
    # "mcu" as on the Cortex-M4 (unaligned access: memcpy forms), and
    # "mcu-aligned" as on the Cortex-M0+ and RV32 (aligned loads and stores,
    # else bytes), selected here by FC_VM_ALIGNED_ACCESS.
    mcu_config mcu x86_32 "$MCU_CPP" mps2-an386
    EVA_EXTRA="-eva-initialized-locals -eva-split-return auto" eva mcu x86_32 "$MCU_CPP" $FW_VM_SRCS
    mcu_config mcu-aligned x86_32 "$MCU_CPP -DFC_VM_ALIGNED_ACCESS" cortex-m0plus riscv-virt
    EVA_EXTRA="-eva-initialized-locals -eva-split-return auto" \
        eva mcu-aligned x86_32 "$MCU_CPP -DFC_VM_ALIGNED_ACCESS" $FW_VM_SRCS
    # The host's per-opcode interpreter, switch dispatch (Frama-C does not
    # read labels-as-values; section 5 shows the handlers are the same text).
    eva switch x86_64 "-DFC_VM_SWITCH -DFC_VM_SMALL=0 -DFC_VM_TRACE=0 -U__GNUC__" \
        $VM_SRCS src/vm/interp.c
fi

wp_part="WP $wp_proved / $wp_total goals proven ($wp_unproven unproven)"
[ "$MODE" = eva ] && wp_part="WP not run (--eva)"
[ -n "$eva_summary" ] || eva_summary="; Eva not run (--$MODE)"
log "SUMMARY: $wp_part$eva_summary; $([ $status -eq 0 ] && echo PASS || echo FAIL)"
exit $status
