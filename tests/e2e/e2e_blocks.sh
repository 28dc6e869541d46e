#!/usr/bin/env bash
# Block-wise uploads (RFC 7959) as femtod enforces them: a body over its
# limit is refused at the FIRST block that shows it (Size1, or Block1
# number * size) with 4.13 and Size1 = the limit, before it is buffered;
# at most 2 uploads per peer address run at once (8 in all; the next gets
# 5.03 + Max-Age); blocks out
# of order get 4.08; a retransmitted message gets the same answer without
# running twice; two uploads for the same slot interleaved block by block:
# one installs, the other is refused; malformed options get 4.02 and the
# container keeps answering. Raw CoAP from python, so every option is ours.
source "$(dirname "$0")/lib.sh" "$@"

make_key alice
cat >"$WORK/femtod.conf" <<CONF
timer_period_ms = 0
max_envelope = 8192
[tenant alice]
id = 1
public_key = alice.pub
CONF
build_app 1 kvapp "$WORK/v1.fc"
build_app 2 kvapp "$WORK/v2.fc"
build_app 3 kvapp "$WORK/v3.fc"
sign alice 0 1 "$WORK/v1.fc" "$WORK/v1.suit"
sign alice 0 2 "$WORK/v2.fc" "$WORK/v2.suit"
sign alice 0 3 "$WORK/v3.fc" "$WORK/v3.suit"
sign alice 0 3 "$WORK/v2.fc" "$WORK/v2b.suit"
read -r PORT < <(free_ports 1)
U="coap://$HOST:$PORT"
start_femtod D "$PORT" "$WORK/state" "$WORK/femtod.conf"
expect_code 2.04 "deploy v1" -- "$FEMTO" deploy "$U" "$WORK/v1.suit"

E2E_HOST=${HOST//[\[\]]/} python3 - "$PORT" "$WORK/v2.suit" "$WORK/v3.suit" "$WORK/v2b.suit" <<'PY' || FAILURES=$((FAILURES + 1))
import os, socket, struct, sys

HOST = os.environ["E2E_HOST"]  # ::1 (femtod) or 127.0.0.1 (the board)
FAMILY = socket.AF_INET6 if ":" in HOST else socket.AF_INET

port, env = int(sys.argv[1]), open(sys.argv[2], "rb").read()
BLOCK1, BLOCK2, SIZE1, MAXAGE, CF, PATH = 27, 23, 60, 14, 12, 11
failures = 0
mid = 0x4000

def uint(v):
    return v.to_bytes((v.bit_length() + 7) // 8, "big")

def opt_head(delta, length):
    def nib(v):
        if v < 13: return v, b""
        if v < 269: return 13, bytes([v - 13])
        return 14, struct.pack(">H", v - 269)
    d, dx = nib(delta); l, lx = nib(length)
    return bytes([d << 4 | l]) + dx + lx

def message(code, path, opts=(), payload=b"", msg_id=None):
    global mid
    if msg_id is None:
        mid += 1
        msg_id = mid
    allopts = [(PATH, p.encode()) for p in path.split("/")] + list(opts)
    out = bytes([0x40 | 2, code]) + struct.pack(">H", msg_id) + struct.pack(">H", msg_id)
    last = 0
    for num, val in sorted(allopts, key=lambda o: o[0]):
        out += opt_head(num - last, len(val)) + val
        last = num
    if payload:
        out += b"\xff" + payload
    return out

def parse(data):
    tkl = data[0] & 15
    code = data[1]
    i, num, opts = 4 + tkl, 0, {}
    while i < len(data) and data[i] != 0xff:
        d, l = data[i] >> 4, data[i] & 15
        i += 1
        def ext(v):
            nonlocal i
            if v == 13: v = data[i] + 13; i += 1
            elif v == 14: v = struct.unpack(">H", data[i:i + 2])[0] + 269; i += 2
            return v
        d = ext(d); l = ext(l)
        num += d
        opts[num] = int.from_bytes(data[i:i + l], "big")
        i += l
    payload = data[i + 1:] if i < len(data) else b""
    if data[0] >> 4 & 3 == 3:
        return "RST", opts, ""
    return "%d.%02d" % (code >> 5, code & 31), opts, payload.decode(errors="replace")

def exchange(sock, msg):
    sock.sendto(msg, (HOST, port))
    sock.settimeout(5)
    return parse(sock.recv(4096))

def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1

def block1(num, more, szx=6):
    return (BLOCK1, uint(num << 4 | (8 if more else 0) | szx))

def sock():
    s = socket.socket(FAMILY, socket.SOCK_DGRAM)
    s.bind((HOST, 0))
    return s

a = sock()
code, opts, text = exchange(a, message(2, "suit", [block1(0, True), (SIZE1, uint(100000))], env[:1024]))
check(code == "4.13" and opts.get(SIZE1) == 8192 and BLOCK1 not in opts,
      "Size1 100000 refused at block 0: %s Size1=%s (%s)" % (code, opts.get(SIZE1), text))
code, opts, text = exchange(a, message(2, "suit", [block1(1, True)], env[1024:2048]))
check(code == "4.08", "nothing was kept of it: block 1 next is %s (%s)" % (code, text))
code, opts, text = exchange(a, message(2, "suit", [block1(9, True)], env[:1024]))
check(code == "4.13" and opts.get(SIZE1) == 8192,
      "first block at byte 9216 refused: %s Size1=%s (%s)" % (code, opts.get(SIZE1), text))
for n in range(8):  # 8 KiB in order: all within the limit
    code, opts, text = exchange(a, message(2, "suit", [block1(n, True)], bytes(1024)))
    if code != "2.31":
        break
check(code == "2.31" and opts.get(BLOCK1) == (7 << 4 | 8 | 6), "blocks 0..7 (8192 bytes) accepted")
code, opts, text = exchange(a, message(2, "suit", [block1(8, False)], b"x"))
check(code == "4.13" and opts.get(SIZE1) == 8192,
      "byte 8193 refused at its block: %s Size1=%s (%s)" % (code, opts.get(SIZE1), text))
code, opts, text = exchange(a, message(2, "app/kvapp/secret", [block1(0, True, 4), (SIZE1, uint(300))], bytes(256)))
check(code == "4.13" and opts.get(SIZE1) == 128, "/app body over 128 bytes: %s Size1=%s" % (code, opts.get(SIZE1)))

peers = [sock() for _ in range(5)]
answers = [exchange(p, message(2, "suit", [block1(0, True), (SIZE1, uint(len(env)))], env[:1024])) for p in peers]
check([c for c, _, _ in answers[:2]] == ["2.31"] * 2, "2 concurrent uploads from one address started")
check([c for c, _, _ in answers[2:]] == ["5.03"] * 3, "a 3rd..5th from the same address wait (per-peer limit 2)")
code, opts, text = answers[4]
check(code == "5.03" and opts.get(MAXAGE) == 5 and "this peer 2 of 2" in text,
      "the 5th is told to wait, with the limit: %s Max-Age=%s (%s)" % (code, opts.get(MAXAGE), text))
code, opts, text = exchange(peers[0], message(2, "suit", [block1(2, True)], bytes(1024)))
check(code == "4.08", "block 2 after block 0 (out of order): %s (%s)" % (code, text))
code, opts, text = exchange(peers[4], message(2, "suit", [block1(0, True), (SIZE1, uint(len(env)))], env[:1024]))
check(code == "2.31", "a slot freed: the 5th starts now (%s)" % code)
n = 1
while True:  # peer 4 finishes the real envelope
    chunk = env[n * 1024:(n + 1) * 1024]
    more = (n + 1) * 1024 < len(env)
    code, opts, text = exchange(peers[4], message(2, "suit", [block1(n, more)], chunk))
    if not more or code != "2.31":
        break
    n += 1
check(code == "2.04", "its upload completes and installs: %s %s" % (code, text))

m = message(1, "app/kvapp/count")
first = exchange(a, m)
again = exchange(a, m)
third = exchange(a, message(1, "app/kvapp/count"))
check(first == again and first[2].endswith("n=1") and third[2].endswith("n=2"),
      "a retransmitted request gets the same answer and runs once: %s / %s / %s" % (first[2], again[2], third[2]))
# peers 1-3 still hold uploads: a block out of order drops each
for p_ in peers[1:4]:
    exchange(p_, message(2, "suit", [block1(5, True)], bytes(1024)))
# two uploads for slot 0 with sequence 3, interleaved block by block
v3, v2b = open(sys.argv[3], "rb").read(), open(sys.argv[4], "rb").read()
p, q = sock(), sock()
def blocks(e):
    n = (len(e) + 1023) // 1024
    return [(i, i + 1 < n, e[i * 1024:(i + 1) * 1024]) for i in range(n)]
finals = {}
for (i, more, chunk), (j, more2, chunk2) in zip(blocks(v3), blocks(v2b)):
    for who, s_, num, mo, ch in (("v3", p, i, more, chunk), ("v2b", q, j, more2, chunk2)):
        code, opts, text = exchange(s_, message(2, "suit", [block1(num, mo)], ch))
        if not mo:
            finals[who] = (code, text)
check(finals.get("v3", ("",))[0] == "2.04" and finals.get("v2b", ("",))[0] == "4.12",
      "same slot, interleaved: the first to finish installs, the other is refused: %s" % finals)
code, opts, text = exchange(a, message(1, "app/kvapp"))
check(text == "v3", "v3 runs (%s)" % text)

# malformed options
bad = [("unknown critical option 9", [(9, b"x")]),
       ("Block1 of 4 bytes", [(BLOCK1, b"\x00\x00\x00\x0e")]),
       ("Block1 twice", [block1(0, True), block1(1, True)]),
       ("Accept of 3 bytes", [(17, b"\x00\x00\x32")]),
       ("Size1 twice", [(SIZE1, uint(10)), (SIZE1, uint(20))])]
for what, opts_ in bad:
    code, opts, text = exchange(a, message(2, "suit", opts_, b"x" * 1024))
    # libcoap resets a message whose option length breaks the option's
    # definition before femtod sees it; the rest femtod answers 4.02
    check(code in ("4.02", "RST"), "%s: %s %s" % (what, code, text))
code, opts, text = exchange(a, message(1, "app/kvapp"))
check(text == "v3", "v3 still runs after the malformed options (%s)" % text)
sys.exit(1 if failures else 0)
PY
expect_output "v3" "v3 runs" -- "$FEMTO" call "$U" kvapp
head -c 20000 /dev/urandom >"$WORK/big.suit"
expect_output "4.13 refused: request body (Size1) of 20000 bytes exceeds max_envelope (8192 bytes)" \
    "femto deploy of 20000 bytes: refused at block 0 (Size1)" -- "$FEMTO" deploy "$U" "$WORK/big.suit"

# max_envelope lowered below the installed envelope: what runs stays
stop_femtod "$D"
sed -i 's/^max_envelope = 8192/max_envelope = 1024/' "$WORK/femtod.conf"
start_femtod D "$PORT" "$WORK/state" "$WORK/femtod.conf"
expect_output "v3" "after a restart with max_envelope 1024 the installed v3 (2.6 KB envelope) runs" -- \
    "$FEMTO" call "$U" kvapp
finish
