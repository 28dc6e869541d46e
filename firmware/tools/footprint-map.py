#!/usr/bin/env python3
"""Flash and RAM of a whole firmware image per layer, from its GNU ld map.

usage: footprint-map.py OUT_JSON TARGET=MAP_FILE... --layer NAME=OBJ,OBJ... ... [--title TEXT]

Every input section the linker kept (--gc-sections already dropped the
unused ones) is charged to the layer of the object it came from: vm, image,
engine, suit (our freestanding layers, object names from their
CMakeLists.txt), crypto (libsodium and the port's binding to it), port
(start-up, board, console, storage, string), app (the test application,
including the static fc_engine_t it owns) and toolchain (picolibc, libgcc).
text = code + read-only data (flash); data = initialised data (flash and
RAM); bss = zero-initialised RAM, the stack region excluded (it is a link
script reservation, listed apart)."""
import json
import os
import re
import sys

TEXT_SECTIONS = (".vectors", ".text", ".rodata", ".srodata", ".init", ".ARM.exidx", ".ARM.extab")
DATA_SECTIONS = (".data", ".sdata")
BSS_SECTIONS = (".bss", ".sbss", ".noinit")


def kind_of(out_section):
    for prefix, kind in ((TEXT_SECTIONS, "text"), (DATA_SECTIONS, "data"), (BSS_SECTIONS, "bss")):
        if any(out_section == p or out_section.startswith(p + ".") for p in prefix):
            return kind
    if out_section in (".stack", ".heap"):
        return "reserved"
    return None


def layer_of(obj, layers):
    base = os.path.basename(obj)
    if ".a(" in base or base.endswith(".a") or "libc.a" in obj or "libgcc.a" in obj:
        return "toolchain"
    name = base[:-2] if base.endswith(".o") else base
    for layer, objs in layers.items():
        if name in objs:
            return layer
    if name.startswith("sodium_") or name == "crypto_sodium":
        return "crypto"
    return "app"


def parse(map_path, layers):
    sizes = {}
    out_section = None
    pending = None  # input section name on its own line (long names wrap)
    in_map = False
    for line in open(map_path, errors="replace"):
        if line.startswith("Linker script and memory map"):
            in_map = True
            continue
        if not in_map:
            continue
        m = re.match(r"^(\.\S+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+", line)
        if m or re.match(r"^(\.\S+)\s*$", line):
            out_section = (m.group(1) if m else line.strip())
            pending = None
            m = re.match(r"^\S+\s+0x[0-9a-f]+\s+0x([0-9a-f]+)", line)
            if m and kind_of(out_section):
                add(sizes, "(image)", kind_of(out_section), int(m.group(1), 16))
            continue
        kind = kind_of(out_section) if out_section else None
        m = re.match(r"^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
        if not m and pending:
            m2 = re.match(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
            if m2:
                size, obj = int(m2.group(2), 16), m2.group(3).strip()
                pending = None
                if kind:
                    add(sizes, layer_of(obj, layers), kind, size)
                continue
        pending = None
        if m:
            size, obj = int(m.group(3), 16), m.group(4).strip()
            if kind and not m.group(1).startswith("*"):
                add(sizes, layer_of(obj, layers), kind, size)
            continue
        m = re.match(r"^ (\.\S+)\s*$", line)
        if m:
            pending = m.group(1)
    # What the linker added or removed between input and output sections:
    # alignment fill (+) and merged duplicate strings (-), as one row so that
    # the total is the image's.
    image = sizes.pop("(image)", {"text": 0, "data": 0, "bss": 0, "reserved": 0})
    for kind in ("text", "data", "bss"):
        got = sum(row[kind] for row in sizes.values())
        add(sizes, "fill/merge", kind, image[kind] - got)
    return sizes


def add(sizes, layer, kind, size):
    row = sizes.setdefault(layer, {"text": 0, "data": 0, "bss": 0, "reserved": 0})
    row[kind] += size


def main():
    out_json = sys.argv[1]
    maps, layers = {}, {}
    title = "whole firmware (SUIT-over-UART image, -Os, libsodium -O2)"
    args = sys.argv[2:]
    i = 0
    while i < len(args):
        if args[i] == "--title":
            title = args[i + 1]
            i += 2
        elif args[i] == "--layer":
            name, objs = args[i + 1].split("=", 1)
            layers[name] = {os.path.splitext(os.path.basename(o))[0] for o in objs.split(",") if o}
            i += 2
        else:
            target, path = args[i].split("=", 1)
            maps[target] = path
            i += 1
    order = ["vm", "image", "engine", "suit", "crypto"]
    order += [name for name in layers if name not in order and name != "port"]
    order += ["port", "app", "toolchain", "fill/merge"]
    result = {t: parse(p, layers) for t, p in maps.items()}
    targets = list(result)
    print(f"{title} per layer, from the linker map;")
    print("bytes text (flash: code + rodata) / data / bss (RAM; the stack reservation not included)")
    width = 24
    print(f"{'layer':<11}" + "".join(f"{t:>{width}}" for t in targets))
    totals = {t: {"text": 0, "data": 0, "bss": 0} for t in targets}
    for layer in order:
        cells = []
        for t in targets:
            row = result[t].get(layer, {"text": 0, "data": 0, "bss": 0})
            for k in totals[t]:
                totals[t][k] += row[k]
            cells.append(f"{row['text']} / {row['data']} / {row['bss']}")
        print(f"{layer:<11}" + "".join(f"{c:>{width}}" for c in cells))
    print(f"{'total':<11}" + "".join(
        f"{totals[t]['text']} / {totals[t]['data']} / {totals[t]['bss']}".rjust(width) for t in targets))
    doc = {"unit": "bytes", "note": __doc__.split("\n\n", 1)[1].strip(),
           "targets": {t: {"map": maps[t], "layers": result[t], "total": totals[t]} for t in targets}}
    with open(out_json, "w") as fh:
        json.dump(doc, fh, indent=2)
        fh.write("\n")
    print(f"written: {out_json}")


if __name__ == "__main__":
    main()
