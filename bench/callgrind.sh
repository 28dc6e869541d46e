#!/bin/sh
# Host instructions per run of each benchmark fixture, counted by callgrind.
#
#   bench/callgrind.sh            (after `make build`)
#   FEMTO=build-x/femto OUT=build-x/bench N=20 bench/callgrind.sh
#
# For each shared/bench/<prog>-v{2,3,4}.data: `femto bench --runs N` and
# `--runs 2N` under `valgrind --tool=callgrind` (whole process, like the
# baselines); Ir per run = (Ir(2N) - Ir(N)) / N, so loading, verification
# and start-up cancel out. ir_per_run is the pre-decoded form (femto
# bench's default), ir_in_place the interpreter running the text in place
# (what a microcontroller build does). `femto bench` checks r0 on every run. Prints a
# table next to shared/bench/baselines.tsv (fc_ref_ir: the Femto-Containers
# reference interpreter, v2 only) and writes OUT/host.tsv and OUT/host.json.
# Deterministic: the same binary gives the same figures on every run.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
femto=${FEMTO:-$root/build/femto}
shared=${FC_SHARED:-$root/../shared}
out=${OUT:-$root/build/bench}
n=${N:-20}
baselines=$shared/bench/baselines.tsv

command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 1; }
[ -x "$femto" ] || { echo "callgrind.sh: no femto at $femto (build first, or set FEMTO)" >&2; exit 1; }
[ -r "$baselines" ] || { echo "callgrind.sh: no $baselines (set FC_SHARED)" >&2; exit 1; }
mkdir -p "$out"

# Total Ir of one `femto bench` process: collected_ir RUNS FILE [--in-place]
collected_ir() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$femto" bench ${3:-} --runs "$1" "$2" \
        2>&1 >/dev/null | sed -n 's/.*Collected : *\([0-9][0-9]*\).*/\1/p'
}

# A column of baselines.tsv for a program, "-" when absent.
baseline() {
    awk -F'\t' -v prog="$1" -v col="$2" '
        NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
        $1 == prog && c { print $c; found = 1 }
        END { if (!found) print "-" }' "$baselines"
}

tsv=$out/host.tsv
printf 'program\tebpf_insns\tir_per_run\tir_per_insn\tfc_ref_ir\tratio_vs_fc_ref\tir_in_place\tubpf_interp_ir\tnative_ir\tresult\n' > "$tsv"
failed=0
for v in 2 3 4; do
    for data in "$shared"/bench/*-v$v.data; do
        prog=$(basename "$data" .data)
        line=$("$femto" bench --runs 1 "$data" | awk -v p="$prog" '$1 == p')
        insns=$(echo "$line" | awk '{print $3}')
        result=$(echo "$line" | awk '{print $4}')
        if [ "$result" != OK ]; then
            echo "$line" >&2
            failed=1
            printf '%s\t-\t-\t-\t%s\t-\t-\t%s\t%s\tFAIL\n' "$prog" "$(baseline "$prog" fc_ref_ir)" \
                "$(baseline "$prog" ubpf_interp_ir)" "$(baseline "$prog" native_ir)" >> "$tsv"
            continue
        fi
        ir1=$(collected_ir "$n" "$data")
        ir2=$(collected_ir $((2 * n)) "$data")
        ip1=$(collected_ir "$n" "$data" --in-place)
        ip2=$(collected_ir $((2 * n)) "$data" --in-place)
        awk -v p="$prog" -v insns="$insns" -v ir1="$ir1" -v ir2="$ir2" -v n="$n" \
            -v ip1="$ip1" -v ip2="$ip2" \
            -v ref="$(baseline "$prog" fc_ref_ir)" -v ubpf="$(baseline "$prog" ubpf_interp_ir)" \
            -v native="$(baseline "$prog" native_ir)" 'BEGIN {
                per_run = (ir2 - ir1) / n
                ratio = (ref ~ /^[0-9]+$/) ? sprintf("%.3f", per_run / ref) : "-"
                printf "%s\t%d\t%.1f\t%.2f\t%s\t%s\t%.1f\t%s\t%s\tOK\n", p, insns, per_run,
                       per_run / insns, ref, ratio, (ip2 - ip1) / n, ubpf, native
            }' >> "$tsv"
    done
done

# JSON: one object per program, numbers as numbers, "-" as null.
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) key[i] = $i; nf = NF; next }
    {
        printf "%s  {", (NR > 2 ? ",\n" : "[\n")
        for (i = 1; i <= nf; i++) {
            v = $i
            if (v == "-") v = "null"
            else if (v !~ /^-?[0-9]+(\.[0-9]+)?$/) v = "\"" v "\""
            printf "%s\"%s\": %s", (i > 1 ? ", " : ""), key[i], v
        }
        printf "}"
    }
    END { print "\n]" }' "$tsv" > "$out/host.json"

echo "host instructions per run (callgrind, N=$n and 2N=$((2 * n)); ratio = ir_per_run / fc_ref_ir)"
column -t -s "$(printf '\t')" "$tsv"
echo "written: $tsv $out/host.json"
exit $failed
