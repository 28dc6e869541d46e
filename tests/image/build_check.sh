#!/bin/sh
# build_check.sh FEMTO SOURCE.c OUTDIR OPT
# Builds SOURCE.c with `femto build OPT` and checks the result against the
# "femto-test:" lines of the source:
#   run ENTRY CTX_LEN -> RESULT   must build, verify, and export ENTRY; the first
#                                 such line runs in `femto run` (the engine), all
#                                 of them in test_image_run (VM + image layer)
#   refuse "TEXT"                 must fail to build, saying TEXT
#   cflags FLAGS...               extra femto build options (-f.., -D.., --mcpu v4)
set -u
femto=$1 src=$2 outdir=$3 opt=$4
stem=$(basename "$src" .c)
out="$outdir/$stem$opt.fc"
mkdir -p "$outdir"
rm -f "$out"
cflags=$(sed -n 's/^\/\* femto-test: cflags \(.*\) \*\/$/\1/p' "$src")
log=$("$femto" build "$src" "$opt" $cflags -o "$out" 2>&1)
rc=$?
echo "$log"

refuse=$(sed -n 's/^\/\* femto-test: refuse "\(.*\)" \*\/$/\1/p' "$src")
if [ -n "$refuse" ]; then
    [ $rc -ne 0 ] || { echo "FAIL: $src built but must be refused"; exit 1; }
    [ ! -e "$out" ] || { echo "FAIL: refused build still wrote $out"; exit 1; }
    echo "$log" | grep -qF "$refuse" || { echo "FAIL: refusal does not say: $refuse"; exit 1; }
    echo "PASS: refused as expected"
    exit 0
fi

[ $rc -eq 0 ] || { echo "FAIL: femto build exited $rc"; exit 1; }
echo "$log" | grep -q "^$out: [0-9]* bytes (text [0-9]* insns" || { echo "FAIL: no summary"; exit 1; }
info=$("$femto" info "$out") || { echo "FAIL: femto info"; exit 1; }
echo "$info"
echo "$info" | grep -q "^  name *$stem\$" || { echo "FAIL: info lacks the name $stem"; exit 1; }
for entry in $(sed -n 's/^\/\* femto-test: run \([A-Za-z_0-9]*\) .*/\1/p' "$src" | sort -u); do
    echo "$info" | grep -q "export *$entry\$" || { echo "FAIL: $entry not exported"; exit 1; }
done
"$femto" verify "$out" | grep -q "^$out: OK" || { echo "FAIL: femto verify"; exit 1; }
"$femto" disasm "$out" > "$out.s" || { echo "FAIL: femto disasm"; exit 1; }
grep -q "^exit\|    exit" "$out.s" || { echo "FAIL: disasm has no exit"; exit 1; }
# The first run line through the engine (femto run starts from fresh RAM).
first=$(sed -n 's/^\/\* femto-test: run \([A-Za-z_0-9]*\) \([0-9]*\) -> \([0-9]*\) \*\/$/\1 \2 \3/p' "$src" | head -1)
if [ -n "$first" ]; then # femto run is part of the CLI: no quiet skip when it is gone
    set -- $first
    ctx=""
    [ "$2" -eq 0 ] || ctx="--ctx-hex $(head -c "$2" /dev/zero | od -An -tx1 | tr -d ' \n')"
    ran=$("$femto" run "$out" --entry "$1" $ctx 2>&1)
    echo "$ran"
    echo "$ran" | grep -q "^r0: $3 " || { echo "FAIL: femto run $1 did not return $3"; exit 1; }
fi
echo "PASS: $out"
