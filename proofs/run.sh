#!/usr/bin/env bash
# proofs/run.sh: the VM's formal assurance (docs/assurance.md).
#
#   proofs/run.sh           WP on every contract (x86_32 and x86_64) and Eva on the
#                           switch interpreter (about 8 minutes on 2 cores)
#   proofs/run.sh --quick   WP on the region check, fc_vm_check_ptr, fc_vm_add_region
#                           and the helper masks, both machdeps (about 2.5 min)
#   proofs/run.sh --eva     Eva only (about 2 min)
#
# Exits non-zero when a WP goal is unproven that proofs/wp/expected_unproven.txt
# does not list (each listed one is justified in docs/assurance.md), or when Eva
# reports an alarm that proofs/eva/expected_alarms.txt does not list. The last
# line (SUMMARY) gives WP proven/total, Eva alarm sites and how many are
# justified.
# Output: $FC_BUILD/proofs/ (default build-proofs/).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${FC_PROOFS_OUT:-$ROOT/${FC_BUILD:-build-proofs}/proofs}
MODE=full
case "${1:-}" in
--quick) MODE=quick ;;
--eva) MODE=eva ;; # Eva only (about 30 s): for working on alarms
esac
WP_TIMEOUT=${WP_TIMEOUT:-10}
JOBS=${JOBS:-2}

log() { printf 'prove: %s\n' "$*"; }

if ! command -v frama-c >/dev/null || ! command -v why3 >/dev/null; then
    log "frama-c or why3 missing: running scripts/deps.sh"
    "$ROOT/scripts/deps.sh"
fi
mkdir -p "$OUT"
export WHY3CONFIG="$OUT/why3.conf"
if [ ! -s "$WHY3CONFIG" ]; then
    why3 config detect -C "$WHY3CONFIG" >/dev/null 2>&1
fi
PROVERS=$(for p in cvc4 z3; do grep -qi "^name = \"$p\"" "$WHY3CONFIG" && printf '%s,' "$p"; done)
PROVERS=${PROVERS%,}
[ -n "$PROVERS" ] || { log "no prover (cvc4, z3) found by why3"; exit 1; }
log "mode $MODE, provers $PROVERS, output $OUT"

CPP="-I$ROOT/include"
unproven="$OUT/unproven.txt"
: >"$unproven"
total_goals=0
total_proved=0

# wp NAME MACHDEP HARNESS FUNCTIONS
wp() {
    local name=$1 machdep=$2 harness=$3 fcts=$4 logf="$OUT/wp-$1-$2.log" t0=$SECONDS
    frama-c -machdep "$machdep" -cpp-extra-args="$CPP" "$ROOT/proofs/wp/$harness" \
        -wp -wp-rte -wp-fct "$fcts" -wp-prover "$PROVERS" -wp-timeout "$WP_TIMEOUT" \
        -wp-par "$JOBS" -wp-cache none ${EXTRA_WP:-} >"$logf" 2>&1 || {
        log "$name/$machdep: frama-c failed (see $logf)"
        return 1
    }
    local line proved goals
    line=$(grep -E '^\[wp\] Proved goals:' "$logf" | tail -1)
    proved=$(sed -E 's/.*: *([0-9]+) *\/ *([0-9]+).*/\1/' <<<"$line")
    goals=$(sed -E 's/.*: *([0-9]+) *\/ *([0-9]+).*/\2/' <<<"$line")
    total_goals=$((total_goals + goals))
    total_proved=$((total_proved + proved))
    grep -E '^\[wp\] \[(Failed|Timeout|Unknown)\] Goal ' "$logf" |
        sed -E "s/^\[wp\] \[[A-Za-z]+\] Goal ([A-Za-z0-9_]+).*/$machdep \1/" >>"$unproven" || true
    log "$name/$machdep: $proved / $goals goals proven ($((SECONDS - t0)) s)"
}

VM_FCTS=fc_helper_mask_set,fc_helper_mask_has,fc_vm_add_region,fc_vm_check_ptr
VERIFIER_FCTS=refuse,find_start,access_size,unused_field,check_stack_access,check_lddw
for m in x86_32 x86_64; do
    [ "$MODE" = eva ] && break
    wp region "$m" region_wp.c fc_region_contains,fc_proof_region_contains
    wp vm "$m" vm_wp.c "$VM_FCTS"
done
if [ "$MODE" = full ]; then
    for m in x86_64 x86_32; do
        wp isa "$m" isa_wp.c fc_isa_decode,selector_matches
        # the bit tactics close the src/dst-field goals (land on uint8) the SMT provers miss
        # 32-bit builds have no reasons (FC_VM_REASONS=0): refusals go through refuse_code
        fcts=$VERIFIER_FCTS
        [ "$m" = x86_32 ] && fcts="$fcts,refuse_code"
        EXTRA_WP="-wp-auto wp:bitrange,wp:bitwised,wp:split" wp verifier "$m" verifier_wp.c "$fcts"
        EXTRA_WP=-wp-split wp add_start "$m" verifier_wp.c add_start
    done
fi

status=0
sort -u -o "$unproven" "$unproven"
unexpected=$(grep -v -x -F -f <(grep -v '^#' "$ROOT/proofs/wp/expected_unproven.txt" | sed '/^$/d') \
    "$unproven" || true)
log "WP: $total_proved / $total_goals goals proven; unproven: $(wc -l <"$unproven")"
if [ -n "$unexpected" ]; then
    log "unproven goals not justified in docs/assurance.md:"
    printf '  %s\n' $unexpected
    status=1
fi

eva_summary="not run (--quick)"
if [ "$MODE" != quick ]; then
    t0=$SECONDS
    evalog="$OUT/eva-switch.log"
    # The harness puts the stack and the context at fixed addresses; the
    # valid range is exactly those two regions (EVA_BASE, 576 + 32 bytes).
    frama-c -machdep x86_64 \
        -cpp-extra-args="$CPP -DFC_VM_SWITCH -DFC_VM_SMALL=0 -DFC_VM_TRACE=0 -U__GNUC__" \
        "$ROOT/proofs/eva/eva_harness.c" "$ROOT/src/vm/verifier.c" "$ROOT/src/vm/isa_core.c" \
        "$ROOT/src/vm/vm.c" "$ROOT/src/vm/interp.c" \
        -absolute-valid-range 0x10000-0x1025f \
        -eva -main main -eva-precision 1 -eva-warn-key garbled-mix=inactive >"$evalog" 2>&1 || {
        log "Eva failed (see $evalog)"
        exit 1
    }
    # one line per alarm: file, kind, source text of the line (the key
    # survives line moves); proofs/eva/alarms.awk says what counts
    awk -f "$ROOT/proofs/eva/alarms.awk" "$evalog" | sed -E "s|$ROOT/||; s|: Warning:||" | sort -u |
        while read -r loc kind; do
            file=${loc%%:*} line=${loc#*:}
            printf '%s | %s | %s\n' "$file" "$kind" "$(sed -n "${line%:}p" "$ROOT/$file" | tr -s ' ' | sed 's/^ //')"
        done | sort -u >"$OUT/eva-alarms.txt"
    n=$(wc -l <"$OUT/eva-alarms.txt")
    new=$(grep -v -x -F -f <(grep -v '^#' "$ROOT/proofs/eva/expected_alarms.txt" | sed '/^$/d') \
        "$OUT/eva-alarms.txt" || true)
    n_new=$(printf '%s' "$new" | grep -c . || true)
    n_vm=$(grep -c '^src/vm/' "$OUT/eva-alarms.txt" || true)
    log "Eva (switch interpreter): $n distinct alarm sites, $n_vm in src/vm ($((SECONDS - t0)) s)"
    if [ -n "$new" ]; then
        log "Eva alarms not justified in docs/assurance.md (section 5):"
        printf '%s\n' "$new" | sed 's/^/  /'
        status=1
    fi
    eva_summary="$n alarm sites ($n_vm in src/vm), $((n - n_new)) justified, $n_new unjustified"
fi
log "SUMMARY: WP $total_proved / $total_goals goals proven ($(wc -l <"$unproven") unproven, all justified: $([ -z "$unexpected" ] && echo yes || echo NO)); Eva: $eva_summary; $([ $status -eq 0 ] && echo PASS || echo FAIL)"
exit $status
