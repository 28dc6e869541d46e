#!/usr/bin/env bash
# The operator's CLI against a live femtod (issue 15 and the client side of
# issue 13's upload slots):
# - femto sign warns without --hook; ls/status/JSON show hooks, priority and
#   budget; femto top and ls --watch refresh the table;
# - FETCH, PATCH, iPATCH on /c/NAME and /app/NAME: 4.05 (4.04 elsewhere);
# - Size1 of block 0 binds the whole upload (a later block past it, or a
#   different total at the end: 4.00, nothing installed);
# - femto deploy waits out a 5.03's Max-Age, saying so, then installs;
# - a device that stops answering mid-upload: femto deploy reports the
#   silent block, not the previous block's 2.31 Continue.
source "$(dirname "$0")/lib.sh" "$@"

make_key alice
make_key bob
cat >"$WORK/femtod.conf" <<CONF
timer_period_ms = 0
max_envelope = 16384
[tenant alice]
id = 1
public_key = alice.pub
[tenant bob]
id = 2
public_key = bob.pub
helpers = fc_log
slots = 5-6
CONF
build_app 1 kvapp "$WORK/v1.fc"
build_app 2 kvapp "$WORK/v2.fc"
build_app 3 kvapp "$WORK/v3.fc"
"$FEMTO" sign -k "$WORK/alice.key" -s 0 -n 1 --hook coap --priority 7 --budget 4000 \
    -o "$WORK/v1.suit" "$WORK/v1.fc" >/dev/null 2>"$WORK/sign.err"
[ -s "$WORK/sign.err" ] && fail "sign with --hook printed: $(cat "$WORK/sign.err")" || pass "sign with --hook: no warning"
out=$("$FEMTO" sign -k "$WORK/alice.key" -s 0 -n 1 --hook coap --hook timer --priority 7 --budget 4000 \
    -o "$WORK/v1b.suit" "$WORK/v1.fc")
[[ "$out" == *", hooks coap,timer, priority 7, budget 4000" ]] && pass "sign shows hooks, priority, budget" ||
    fail "sign summary: $out"
"$FEMTO" sign -k "$WORK/alice.key" -s 1 -n 1 -o "$WORK/nohook.suit" "$WORK/v1.fc" >/dev/null 2>"$WORK/sign.err"
grep -q "warning: no --hook" "$WORK/sign.err" && pass "sign without --hook warns" ||
    fail "sign without --hook: $(cat "$WORK/sign.err")"
if "$FEMTO" sign -k "$WORK/alice.key" -s 1 -n 1 --hook coap --hook coap -o "$WORK/dup.suit" \
    "$WORK/v1.fc" >/dev/null 2>"$WORK/sign.err"; then
    fail "sign with --hook coap twice was accepted"
else
    grep -q "hook coap given twice" "$WORK/sign.err" && pass "sign refuses a hook named twice" ||
        fail "sign --hook twice: $(cat "$WORK/sign.err")"
fi
sign alice 0 2 "$WORK/v2.fc" "$WORK/v2.suit"
sign alice 0 3 "$WORK/v3.fc" "$WORK/v3.suit"

read -r PORT FAKE < <(free_ports 2)
U="coap://[::1]:$PORT"
start_femtod D "$PORT" "$WORK/state" "$WORK/femtod.conf"
expect_code 2.04 "deploy v1" -- "$FEMTO" deploy "$U" "$WORK/v1.suit"

# ---- a refused helper names the helper, the tenant and the instruction
# (under its own name: alice owns kvapp, and a name is checked before the code)
build_app 1 bobapp "$WORK/bob.fc"
sign bob 5 1 "$WORK/bob.fc" "$WORK/bob.suit"
out=$("$FEMTO" deploy "$U" "$WORK/bob.suit" 2>&1) || true
[[ "$out" =~ ^4\.22\ .*call\ to\ helper\ [0-9]+\ \(fc_[a-z_]+\),\ not\ in\ tenant\ \'bob\'\'s\ helpers\ \(at\ instruction\ [0-9]+\) ]] &&
    pass "refused helper named: $out" || fail "refused helper: $out"

# ---- hooks, priority, budget in ls / status; live view
out=$("$FEMTO" ls "$U") || true
[[ "$out" == *"coap:7"* && "$out" == *" 4000 "* && "$out" == *"hooks:priority"* ]] &&
    pass "ls shows hook coap with priority 7 and budget 4000" || fail "ls: $out"
# a 20-digit sequence number keeps the table's columns aligned
build_app 1 wide "$WORK/wide.fc"
sign alice 3 12345678901234567890 "$WORK/wide.fc" "$WORK/wide.suit"
expect_code 2.04 "deploy with a 20-digit sequence number" -- "$FEMTO" deploy "$U" "$WORK/wide.suit"
"$FEMTO" ls "$U" >"$WORK/ls.txt" || true
python3 - "$WORK/ls.txt" <<'PY' && pass "ls columns aligned with a 20-digit sequence" || fail "ls misaligned: $(cat "$WORK/ls.txt")"
import sys
lines = open(sys.argv[1]).read().splitlines()
head = next(l for l in lines if l.startswith("slot "))
rows = [l for l in lines if l[:1].isdigit()]
ends = [head.index(c) + len(c) for c in ("seq", "bytes", "runs", "faults", "insns", "last", "budget")]
ok = len(rows) == 2 and all(r[e - 1].isdigit() and r[e] == " " for r in rows for e in ends)
sys.exit(0 if ok else 1)
PY
out=$("$FEMTO" status --json "$U" kvapp) || true
[[ "$out" == *'"budget":4000'* && "$out" == *'"hooks":"coap:7"'* ]] && pass "status --json: budget and hooks" ||
    fail "status --json: $out"
out=$("$FEMTO" top --interval 0.2 --count 3 "$U") || true
[ "$(grep -cF "femto top $U " <<<"$out")" -eq 3 ] && [ "$(grep -c " kvapp " <<<"$out")" -eq 3 ] &&
    pass "femto top refreshed 3 times" || fail "femto top: $out"
out=$("$FEMTO" ls --watch --interval 0.2 --count 2 "$U") || true
[ "$(grep -c " kvapp " <<<"$out")" -eq 2 ] && pass "femto ls --watch" || fail "ls --watch: $out"

# ---- 4.05 for FETCH, PATCH, iPATCH (coap-client-notls prints the code on error)
for m in fetch patch ipatch; do
    for p in c/kvapp app/kvapp/count; do
        out=$(coap-client-notls -B 5 -m "$m" -e x "$U/$p" 2>&1) || true
        [[ "$out" == *"4.05"* ]] && pass "$m /$p: 4.05" || fail "$m /$p: $out"
    done
    out=$(coap-client-notls -B 5 -m "$m" -e x "$U/nothing/here" 2>&1) || true
    [[ "$out" == *"4.04"* ]] && pass "$m /nothing/here: 4.04" || fail "$m /nothing/here: $out"
done

# ---- Size1 of block 0 holds for the whole upload (raw CoAP)
python3 - "$PORT" "$WORK/v2.suit" <<'PY' || FAILURES=$((FAILURES + 1))
import socket, struct, sys
port, env = int(sys.argv[1]), open(sys.argv[2], "rb").read()
BLOCK1, SIZE1, PATH = 27, 60, 11
mid, failures = 0x6000, 0
def uint(v): return v.to_bytes((v.bit_length() + 7) // 8, "big")
def head(delta, length):
    def nib(v):
        if v < 13: return v, b""
        if v < 269: return 13, bytes([v - 13])
        return 14, struct.pack(">H", v - 269)
    d, dx = nib(delta); l, lx = nib(length)
    return bytes([d << 4 | l]) + dx + lx
def message(path, opts, payload):
    global mid
    mid += 1
    out, last = bytes([0x42, 2]) + struct.pack(">HH", mid, mid), 0
    for num, val in sorted([(PATH, p.encode()) for p in path.split("/")] + opts, key=lambda o: o[0]):
        out += head(num - last, len(val)) + val
        last = num
    return out + b"\xff" + payload
def exchange(s, msg):
    s.sendto(msg, ("::1", port)); s.settimeout(5)
    data = s.recv(4096)
    tkl, code = data[0] & 15, data[1]
    i = 4 + tkl
    while i < len(data) and data[i] != 0xff:
        d, l = data[i] >> 4, data[i] & 15; i += 1
        if d == 13: i += 1
        elif d == 14: i += 2
        if l == 13: l = data[i] + 13; i += 1
        elif l == 14: l = struct.unpack(">H", data[i:i + 2])[0] + 269; i += 2
        i += l
    text = data[i + 1:].decode(errors="replace") if i < len(data) else ""
    return "%d.%02d" % (code >> 5, code & 31), text
def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    failures += not ok
def blk(n, more): return (BLOCK1, uint(n << 4 | (8 if more else 0) | 6))
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", 0))
assert len(env) > 1024
code, text = exchange(s, message("suit", [blk(0, True), (SIZE1, uint(100))], env[:1024]))
check(code == "4.00" and "announced" in text, "block 0 of 1024 bytes past Size1 100: %s %s" % (code, text))
code, text = exchange(s, message("suit", [blk(0, True), (SIZE1, uint(1500))], env[:1024]))
check(code == "2.31", "block 0 with Size1 1500: %s %s" % (code, text))
code, text = exchange(s, message("suit", [blk(1, True)], bytes(1024)))
check(code == "4.00" and "past the 1500 bytes announced" in text, "block 1 ends at 2048 > 1500: %s %s" % (code, text))
code, text = exchange(s, message("suit", [blk(0, True), (SIZE1, uint(len(env) + 1))], env[:1024]))
n = 1
while code == "2.31":
    chunk = env[n * 1024:(n + 1) * 1024]
    more = (n + 1) * 1024 < len(env)
    code, text = exchange(s, message("suit", [blk(n, more)], chunk))
    n += 1
    if not more: break
check(code == "4.00" and "announced %d bytes, %d arrived" % (len(env) + 1, len(env)) in text,
      "ends 1 byte short of block 0's Size1: %s %s" % (code, text))
sys.exit(1 if failures else 0)
PY
out=$("$FEMTO" call "$U" kvapp) || true
[[ "$out" == "v1" ]] && pass "v1 still runs after the refused uploads" || fail "after Size1 tests: $out"

# ---- 5.03: every upload slot taken; femto deploy waits Max-Age and retries
python3 - "$PORT" "$WORK" <<'PY' &
import os, socket, struct, sys, time
port, work = int(sys.argv[1]), sys.argv[2]
def msg(mid, num, more, payload, size1=None):
    opts = bytes([0xb4]) + b"suit"                       # Uri-Path (11)
    opts += bytes([0xd1, 27 - 11 - 13, num << 4 | (8 if more else 0) | 6])   # Block1 (27)
    if size1 is not None:
        opts += bytes([0xd2, 60 - 27 - 13]) + struct.pack(">H", size1)       # Size1 (60)
    return bytes([0x40, 2]) + struct.pack(">H", mid) + opts + b"\xff" + payload
socks = []
for k in range(8):   # take every slot this device gives (4, or fewer per peer)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", 0)); s.settimeout(5)
    s.sendto(msg(0x7000 + k, 0, True, bytes(1024), 4096), ("::1", port))
    data = s.recv(4096)
    if data[1] == (2 << 5 | 31):
        socks.append(s)
open(os.path.join(work, "held"), "w").write("%d\n" % len(socks))
deadline = time.time() + 40   # until femto deploy says it waits
while time.time() < deadline:
    try:
        if "waiting" in open(os.path.join(work, "deploy.err")).read():
            break
    except OSError:
        pass
    time.sleep(0.05)
for k, s in enumerate(socks):  # an out-of-order block drops each upload (4.08)
    s.sendto(msg(0x7100 + k, 3, True, bytes(1024)), ("::1", port))
    s.recv(4096)
PY
HOLDER=$!
for _ in $(seq 1 100); do [ -s "$WORK/held" ] && break; sleep 0.05; done
rc=0
out=$(timeout 60 "$FEMTO" deploy -q "$U" "$WORK/v2.suit" 2>"$WORK/deploy.err") || rc=$?
wait "$HOLDER" || true
# With femtod's own slot policy the deploy must end installed; whether it
# met a 5.03 depends on that policy (a per-peer bound may let it in at once).
if [ $rc -eq 0 ] && [[ "$out" == 2.04* ]]; then
    pass "deploy while $(cat "$WORK/held") uploads were held: $out ($(grep -c "waiting" "$WORK/deploy.err") wait(s))"
else
    fail "deploy while uploads were held: rc $rc, out '$out', err: $(cat "$WORK/deploy.err")"
fi
# The client side exactly: a device that answers block 0 with 5.03 Max-Age 1
# once, then takes the upload: femto deploy says it waits, waits, installs.
python3 - "$FAKE" "$WORK/fake503.ready" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", int(sys.argv[1])))
open(sys.argv[2], "w").write("ready\n")
s.settimeout(20)
def opts(data):
    i, num, out = 4 + (data[0] & 15), 0, {}
    while i < len(data) and data[i] != 0xff:
        d, l = data[i] >> 4, data[i] & 15; i += 1
        if d == 13: d = data[i] + 13; i += 1
        elif d == 14: d = (data[i] << 8 | data[i + 1]) + 269; i += 2
        if l == 13: l = data[i] + 13; i += 1
        elif l == 14: l = (data[i] << 8 | data[i + 1]) + 269; i += 2
        num += d; out[num] = int.from_bytes(data[i:i + l], "big"); i += l
    return out
busy_sent, t_busy = False, 0
while True:
    data, peer = s.recvfrom(4096)
    tkl = data[0] & 15
    head = bytes([0x60 | tkl]) + b"%c" + data[2:4] + data[4:4 + tkl]
    b1 = opts(data).get(27, 0)
    if not busy_sent:   # 5.03 with Max-Age 1 (option 14)
        busy_sent, t_busy = True, time.time()
        s.sendto(bytes([0x60 | tkl, 5 << 5 | 3]) + data[2:4] + data[4:4 + tkl] + bytes([0xd1, 14 - 13, 1]) + b"\xffbusy", peer)
    elif b1 & 8:        # 2.31 Continue, echo Block1
        s.sendto(bytes([0x60 | tkl, 2 << 5 | 31]) + data[2:4] + data[4:4 + tkl] + bytes([0xd1, 27 - 13, b1 & 0xff]) if b1 < 256 else
                 bytes([0x60 | tkl, 2 << 5 | 31]) + data[2:4] + data[4:4 + tkl] + bytes([0xd2, 27 - 13, b1 >> 8, b1 & 0xff]), peer)
    else:
        waited = time.time() - t_busy
        s.sendto(bytes([0x60 | tkl, 2 << 5 | 4]) + data[2:4] + data[4:4 + tkl] + b"\xffinstalled after %.1f s" % waited, peer)
        break
PY
F503=$!
for _ in $(seq 1 200); do [ -s "$WORK/fake503.ready" ] && break; sleep 0.05; done
rc=0
out=$(timeout 30 "$FEMTO" deploy -q "coap://[::1]:$FAKE" "$WORK/v2.suit" 2>"$WORK/deploy503.err") || rc=$?
wait "$F503" 2>/dev/null || true
if [ $rc -eq 0 ] && [[ "$out" =~ ^2\.04\ installed\ after\ (1\.[0-9]|[2-9]\.[0-9])\ s$ ]] &&
    grep -q "device busy (5.03 busy), waiting 1 s (Max-Age) before retry 1 of 5" "$WORK/deploy503.err"; then
    pass "5.03 Max-Age 1: deploy said it waits, waited, installed: $out"
else
    fail "5.03 Max-Age 1: rc $rc, out '$out', err: $(cat "$WORK/deploy503.err")"
fi
out=$("$FEMTO" call "$U" kvapp) || true
[[ "$out" == "v2" ]] && pass "v2 runs" || fail "after the retried deploy: $out"
out=$(timeout 30 "$FEMTO" deploy -q --retries 0 "$U" "$WORK/v3.suit" 2>&1) && pass "--retries 0 with free slots: $out" ||
    fail "--retries 0: $out"

# ---- a device that answers block 0 with 2.31 and then goes silent
python3 - "$FAKE" "$WORK/fake.ready" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", int(sys.argv[1])))
open(sys.argv[2], "w").write("ready\n")
s.settimeout(20)
data, peer = s.recvfrom(4096)
tkl = data[0] & 15
# ACK with 2.31 Continue, the same token, Block1 0 M=1 SZX 6
s.sendto(bytes([0x60 | tkl, 2 << 5 | 31]) + data[2:4] + data[4:4 + tkl] + bytes([0xd1, 27 - 13, 0x0e]), peer)
try:
    while True:
        s.recvfrom(4096)   # then silence: the device "died"
except OSError:
    pass
PY
FAKEPID=$!
for _ in $(seq 1 200); do [ -s "$WORK/fake.ready" ] && break; sleep 0.05; done
big=$(stat -c %s "$WORK/v2.suit")
rc=0
out=$("$FEMTO" deploy -q --timeout 3 "coap://[::1]:$FAKE" "$WORK/v2.suit" 2>&1) || rc=$?
kill "$FAKEPID" 2>/dev/null || true
wait "$FAKEPID" 2>/dev/null || true
if [ $rc -ne 0 ] && [[ "$out" != *"2.31"* ]] && [[ "$out" == *"block 2 of "*"no response within 3000 ms"*"stopped answering"* ]]; then
    pass "device silent after block 1 ($big bytes): $out"
else
    fail "device silent after block 1: rc $rc: $out"
fi
finish
