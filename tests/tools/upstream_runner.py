#!/usr/bin/env python3
"""Drive a bpf_conformance plugin exactly as the suite's runner does.

The upstream runner (github.com/Alan-Jowett/bpf_conformance, src/runner.cc
and bpf_conformance.cc) cannot be fetched here, so this script repeats its
invocation contract (shared/conformance/README.md gives the file rules):

  argv:  PLUGIN [MEMHEX] [PLUGIN_OPTIONS...]      MEMHEX only when the test
                                                   has a `-- mem` section
  MEMHEX and stdin: every byte as "%02x" followed by two spaces; stdin ends
  with a newline and is then closed.
  result: stdout lines concatenated, parsed as hex (std::stoull base 16);
  a non-zero exit status is an error unless the test expects an error.

usage: upstream_runner.py PLUGIN TESTDIR [PLUGIN_OPTION...]
Prints one line per failure and "N passed, N failed, N skipped"; exit 1 on
any failure.
"""
import os
import subprocess
import sys

KEYWORDS = ("asm", "result", "mem", "raw", "no register offset", " c", "error")


def parse(path):
    """Sections of a .data file, by the suite parser's rules."""
    sections, current = {}, None
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n").rstrip("\r")
        if "#" in line:
            line = line[: line.index("#")]
        if not line.strip():
            continue
        if "--" in line:
            current = next((k for k in KEYWORDS if k in line), None)
            if current is None:
                return None  # unknown directive: the runner skips the file
            sections.setdefault(current, [])
            continue
        if current:
            sections[current].append(line)
    return sections


def encode(data):
    return "".join("%02x  " % b for b in data)


def main():
    plugin, testdir, options = sys.argv[1], sys.argv[2], sys.argv[3:]
    passed = failed = skipped = 0
    for name in sorted(os.listdir(testdir)):
        if not name.endswith(".data"):
            continue
        sec = parse(os.path.join(testdir, name))
        words = []
        if sec is not None:
            for line in sec.get("raw", []):
                for tok in line.split():
                    words.append(int(tok, 16) if "0x" in tok else int(tok))
        if sec is None or not words:
            skipped += 1
            continue
        mem = bytes(int(t, 16) for line in sec.get("mem", []) for t in line.split())
        result_lines = sec.get("result", [])
        expected = None
        if result_lines:
            tok = result_lines[-1].strip()
            expected = int(tok, 16) if "0x" in tok else int(tok)
        error_lines = sec.get("error", [])
        expected_error = error_lines[-1].strip() if error_lines else ""
        if expected is None and not expected_error:
            skipped += 1
            continue
        program = b"".join(w.to_bytes(8, "little") for w in words)
        args = [plugin] + ([encode(mem)] if mem else []) + options
        proc = subprocess.run(args, input=(encode(program) + "\n").encode(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        out = "".join(proc.stdout.decode(errors="replace").splitlines())
        if proc.returncode != 0:
            if not out:
                out = "".join(proc.stderr.decode(errors="replace").splitlines())
            if expected_error and out.split("\r")[0].rstrip() == expected_error:
                passed += 1
            else:
                failed += 1
                print("%s: plugin exited %d: %s" % (name, proc.returncode, out))
            continue
        try:
            value = int(out.strip(), 16) & (2**64 - 1)
        except ValueError:
            failed += 1
            print("%s: result not hex: %r" % (name, out))
            continue
        if value == expected:
            passed += 1
        else:
            failed += 1
            print("%s: r0 0x%x, expected 0x%x" % (name, value, expected))
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
