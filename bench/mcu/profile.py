#!/usr/bin/env python3
"""Summarise an insn_count profile (address count lines) by function.

usage: profile.py ELF PROFILE [NM] [--lines N]
Prints the functions with the most executed guest instructions, then the
N hottest single addresses with their function and offset, so the costly
interpreter handlers can be found with objdump."""
import bisect
import subprocess
import sys


def symbols(elf, nm):
    out = subprocess.run([nm, "-n", "--defined-only", elf], capture_output=True, text=True,
                         check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16) & ~1, parts[2]))
    syms.sort()
    return syms


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    lines = 25
    if "--lines" in sys.argv:
        lines = int(sys.argv[sys.argv.index("--lines") + 1])
        args = [a for a in args if a != str(lines)]
    elf, prof = args[0], args[1]
    nm = args[2] if len(args) > 2 else "arm-none-eabi-nm"
    syms = symbols(elf, nm)
    addrs = [a for a, _ in syms]
    per_func = {}
    hot = []
    total = 0
    for line in open(prof):
        a, c = line.split()
        a, c = int(a, 16), int(c)
        i = bisect.bisect_right(addrs, a) - 1
        name = syms[i][1] if i >= 0 else "?"
        off = a - syms[i][0] if i >= 0 else a
        per_func[name] = per_func.get(name, 0) + c
        hot.append((c, a, name, off))
        total += c
    print(f"{total} instructions in intervals")
    print(f"{'instructions':>14} {'share':>6}  function")
    for name, c in sorted(per_func.items(), key=lambda kv: -kv[1])[:20]:
        print(f"{c:>14} {100.0 * c / total:5.1f}%  {name}")
    print(f"\nhottest addresses:")
    for c, a, name, off in sorted(hot, reverse=True)[:lines]:
        print(f"{c:>14}  0x{a:08x}  {name}+0x{off:x}")


if __name__ == "__main__":
    main()
