#!/bin/sh
# verify_check.sh FEMTO IMAGE.fc WORKDIR
# femto verify / info / disasm on damaged copies of a good image:
#  - an invalid opcode in the text: verify exits 1 and shows the refused
#    instruction (">>") with the reason next to it;
#  - a truncated image: every command refuses it and names the bad field.
set -u
femto=$1 good=$2 work=$3
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }

"$femto" verify "$good" | grep -q ": OK:" || fail "the good image does not verify"

bad="$work/bad-opcode.fc"
cp "$good" "$bad"
# text starts at byte 64; slot 2 (bytes 80..87, after an lddw) gets opcode 0xff
printf '\377' | dd of="$bad" bs=1 seek=80 conv=notrunc 2>/dev/null
out=$("$femto" verify "$bad"); rc=$?
echo "$out"
[ $rc -eq 1 ] || fail "verify of a bad opcode exited $rc, want 1"
echo "$out" | grep -q "REFUSED: FC_ERR_BAD_OPCODE" || fail "no FC_ERR_BAD_OPCODE verdict"
echo "$out" | grep -q "^>> .*# 2  <-- " || fail "the refused instruction 2 is not marked"

short="$work/truncated.fc"
head -c 100 "$good" > "$short"
for cmd in verify info disasm; do
    out=$("$femto" $cmd "$short" 2>&1); rc=$?
    echo "$out"
    [ $rc -eq 1 ] || fail "$cmd of a truncated image exited $rc, want 1"
    echo "$out" | grep -q "FC_ERR_IMAGE_TRUNCATED.*(byte 12)" || fail "$cmd does not name the total size field"
done
echo "PASS"
