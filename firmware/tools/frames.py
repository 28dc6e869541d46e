#!/usr/bin/env python3
"""Write the UART frames of a SUIT-over-UART session (firmware/app/suittest.c).

usage: frames.py OUT PKEY=tenant.pub SUIT=ok.suit BADS=bad.suit FIRE=2 ... DONE

Each argument is TAG=FILE (the file's bytes are the payload), FIRE=N (a
4-byte little-endian count), FIRE=N@R0 (the count and the r0 the first
firing must return, 8 bytes little-endian) or DONE. Frame: 4-byte ASCII tag, 4-byte
little-endian length, payload (docs/porting.md)."""
import struct
import sys


def frame(tag, payload):
    assert len(tag) == 4
    return tag.encode() + struct.pack("<I", len(payload)) + payload


def main():
    out = bytearray()
    for arg in sys.argv[2:]:
        tag, _, value = arg.partition("=")
        if tag == "DONE":
            out += frame("DONE", b"")
        elif tag == "FIRE":
            count, _, r0 = value.partition("@")
            payload = struct.pack("<I", int(count))
            if r0:
                payload += struct.pack("<q", int(r0))
            out += frame("FIRE", payload)
        else:
            with open(value, "rb") as fh:
                out += frame(tag, fh.read())
    with open(sys.argv[1], "wb") as fh:
        fh.write(out)


if __name__ == "__main__":
    main()
