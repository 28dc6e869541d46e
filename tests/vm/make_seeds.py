#!/usr/bin/env python3
"""make_seeds.py SHARED_DIR OUT_DIR: the fuzz_vm seed corpus.

Converts the `-- raw` section of conformance vectors (one 64-bit word per
line, written little-endian) into binary programs, one file per vector.
Takes every vector under reject/ and a spread of tests/ (every third file,
so each ISA group is represented), keeping the corpus small."""
import pathlib
import struct
import sys


def raw_words(path):
    words, inside = [], False
    for line in path.read_text().splitlines():
        if line.startswith("--"):
            inside = line.strip() == "-- raw"
            continue
        token = line.split("#")[0].strip()
        if inside and token:
            words.append(int(token, 16) & (2**64 - 1))
    return words


def main():
    shared, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    chosen = sorted((shared / "reject").glob("*.data"))
    chosen += sorted((shared / "tests").glob("*.data"))[::3]
    for path in chosen:
        words = raw_words(path)
        if words:
            name = f"{path.parent.name}-{path.stem}.bin"
            (out / name).write_bytes(b"".join(struct.pack("<Q", w) for w in words))
    print(f"{len(chosen)} seeds in {out}")


if __name__ == "__main__":
    main()
