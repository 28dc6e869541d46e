#!/usr/bin/env bash
# check-opcode-literals.sh [DIR]: no opcode byte written as a literal in the
# VM's sources (issue 12: opcodes are named FC_OPC_<ID>, generated from
# FC_ISA_TABLE in include/femto/vm_isa.h, the one table).
#
# Scans DIR (default src/vm; the JIT's subdirectory is not scanned: its hex
# literals are Thumb-2 and RV32 encodings) for C files other than the
# table's own (isa.c, isa_core.c), and fails on every hexadecimal literal
# of two digits whose value is an opcode byte of the table (0x61u, 0xbf...),
# outside comments. Masks pass: 0xff and 0xe0 are no opcode, and a value of
# the form 2^k - 1 (0x0f, 0x1f: field masks) is taken for a mask even where
# it is also an opcode (so a literal 0x07, 0x0f, 0x1f, 0x3f or 0x7f meaning
# an instruction is not caught: name those by hand).
#   --selftest  check that a literal opcode put into a copy is caught
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = --selftest ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    cp src/vm/*.c src/vm/*.h "$tmp/"
    if ! "$0" "$tmp" >/dev/null; then
        echo "check-opcode-literals: the clean tree fails" >&2
        exit 1
    fi
    printf 'static const int fc_probe_ = 0xBFu;\n' >>"$tmp/vm.c"
    if "$0" "$tmp" >/dev/null 2>&1; then
        echo "check-opcode-literals: a literal 0xBFu (mov) was not caught" >&2
        exit 1
    fi
    echo "check-opcode-literals: selftest PASSED"
    exit 0
fi

dir=${1:-src/vm}
python3 - "$dir" include/femto/vm_isa.h <<'PY'
import os, re, sys

src_dir, isa = sys.argv[1], sys.argv[2]
opcodes = {int(m.group(1), 16)
           for m in re.finditer(r"^\s*X\(\w+,\s*(0x[0-9a-fA-F]+),", open(isa).read(), re.M)}
if len(opcodes) < 90:
    sys.exit(f"check-opcode-literals: only {len(opcodes)} opcodes read from {isa}")

def strip_comments(text):
    # keep line numbers: comments become spaces, strings stay
    out = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", out)

bad = 0
for name in sorted(os.listdir(src_dir)):
    if not name.endswith((".c", ".h")) or name in ("isa.c", "isa_core.c"):
        continue
    text = strip_comments(open(os.path.join(src_dir, name)).read())
    for n, line in enumerate(text.split("\n"), 1):
        for m in re.finditer(r"\b0[xX]([0-9a-fA-F]{2})[uUlL]*\b", line):
            v = int(m.group(1), 16)
            if v in opcodes and v & (v + 1) != 0:
                print(f"{src_dir}/{name}:{n}: opcode literal {m.group(0)}: name it FC_OPC_<ID>")
                bad += 1
if bad:
    sys.exit(1)
print(f"check-opcode-literals: no opcode literal in {src_dir} ({len(opcodes)} opcodes)")
PY
