#!/usr/bin/env python3
"""List the live records of a board's flash file (the record store of
src/port/baremetal/store.c, read independently of the firmware): the
active area (valid header, higher generation), its log replayed; prints
one line per live record: NAME LENGTH. Used by the power-cut tests to
check that no leftover record survives a cut."""
import struct
import sys
import zlib

PAGE = 256
data = open(sys.argv[1], "rb").read()
half = len(data) // 2


def area_gen(a):
    h = data[a * half:a * half + 20]
    magic, gen, size, page, crc = struct.unpack("<5I", h)
    if magic != 0x31414346 or size != half or page != PAGE or crc != zlib.crc32(h[:16]):
        return None
    return gen


gens = [area_gen(0), area_gen(1)]
if gens[0] is None and gens[1] is None:
    sys.exit("no valid area")
if gens[0] is not None and gens[1] is not None:
    active = 1 if (gens[1] - gens[0]) % 2**32 < 2**31 else 0
else:
    active = 0 if gens[0] is not None else 1
base, end = active * half, active * half + half
pos, live = base + PAGE, {}
while pos < end:
    page = data[pos:pos + PAGE]
    if page == b"\xff" * PAGE:
        break
    magic, kind, nlen, zero, dlen, dcrc, hcrc, _ = struct.unpack("<IBBHIIII", page[:24])
    ok = (magic == 0x31524346 and kind in (1, 2) and 0 < nlen < 48 and zero == 0
          and dlen <= half and hcrc == zlib.crc32(page[:16]))
    pages = (24 + nlen + dlen + PAGE - 1) // PAGE if ok else 0
    if not ok or pages > (end - pos) // PAGE:
        pos += PAGE
        continue
    body = data[pos + 24:pos + 24 + nlen + dlen]
    if zlib.crc32(body) == dcrc:
        name = body[:nlen].decode("ascii", "replace")
        if kind == 2:
            live.pop(name, None)
        else:
            live[name] = dlen
    pos += pages * PAGE
for name in sorted(live):
    print(name, live[name])
