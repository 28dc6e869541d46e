#!/usr/bin/env bash
# lint.sh: cppcheck and clang-tidy over src/, using the compile database of
# a configured build tree (FC_BUILD, default build/), clang-format's check
# over every C source (scripts/c-sources.sh), and no call cycle between the
# files of a layer (scripts/check-cycles.sh, on the built layer objects). All run to the end so one report
# shows everything; the exit status is non-zero if any found something.
# Configuration: .clang-tidy, .clang-format; cppcheck options below.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${FC_BUILD:-build}
DB=$BUILD/compile_commands.json

if [ ! -f "$DB" ]; then
    echo "lint: $DB not found: configure first (make build)" >&2
    exit 1
fi

# The C files of src/ that the build compiles (each appears twice in the
# database: the library and its _san twin).
mapfile -t files < <(python3 - "$DB" "$ROOT/src/" <<'PY'
import json, os, sys
db, prefix = sys.argv[1], sys.argv[2]
seen = sorted({os.path.normpath(os.path.join(e["directory"], e["file"])) for e in json.load(open(db))})
for f in seen:
    if f.startswith(prefix) and f.endswith(".c"):
        print(f)
PY
)
if [ ${#files[@]} -eq 0 ]; then
    echo "lint: no source of src/ in $DB"
    exit 0
fi
echo "lint: ${#files[@]} files of src/"

status=0

echo "== cppcheck"
# The layers are compiled with -Iinclude -Isdk (FC_INCLUDE), so cppcheck gets the same.
# isa_core.c is only the derived opcode tables: cppcheck 2.10's preprocessor
# does not expand FC_ISA_IF_FIRST_'s pasted selection (vm_isa.h) inside a
# designated initializer and reports a syntax error there; the compilers and
# clang-tidy parse it, and tests/vm checks the tables against FC_ISA_TABLE.
if ! cppcheck --language=c --std=c11 -Iinclude -Isdk -j2 -q \
    --enable=warning,portability,performance \
    --inline-suppr --suppress=missingIncludeSystem --error-exitcode=1 \
    --suppress='syntaxError:*/src/vm/isa_core.c' \
    --template='{file}:{line}: {severity} ({id}): {message}' "${files[@]}"; then
    status=1
else
    echo "cppcheck: clean"
fi

echo "== clang-tidy"
# --quiet hides the "N warnings generated" counts of system headers.
failed=0
for f in "${files[@]}"; do
    if ! clang-tidy --quiet -p "$BUILD" "$f" 2>/dev/null; then
        failed=1
    fi
done
if [ $failed -ne 0 ]; then
    status=1
else
    echo "clang-tidy: clean"
fi

echo "== cycles"
# each layer's file dependencies are printed; a cycle fails, naming its files
cycles_rc=0
cycles_out=$(scripts/check-cycles.sh "$BUILD" 2>&1) || cycles_rc=1
grep -v 'nothing in the layer' <<<"$cycles_out" || true
[ $cycles_rc -eq 0 ] || status=1

echo "== format-check"
# Files clang-format would change (.clang-format, braces included): `make format` fixes them.
mapfile -t sources < <(scripts/c-sources.sh)
mapfile -t unformatted < <(for f in "${sources[@]}"; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"
done)
if [ ${#unformatted[@]} -ne 0 ]; then
    echo "format-check: ${#unformatted[@]} of ${#sources[@]} files need \`make format\`:"
    printf '  %s\n' "${unformatted[@]}"
    status=1
else
    echo "format-check: clean (${#sources[@]} files)"
fi

exit $status
