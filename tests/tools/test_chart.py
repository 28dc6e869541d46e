#!/usr/bin/env python3
"""bench/chart.py draws what the bench files say: a well-formed SVG with one
bar per (fixture, series) figure, its value in the bar's title, and no bar
for a missing figure. usage: test_chart.py SRC_DIR"""
import json, os, subprocess, sys, tempfile
import xml.etree.ElementTree as ET

src = sys.argv[1]
d = tempfile.mkdtemp()
os.makedirs(os.path.join(d, "mcu"))
json.dump([{"program": "fletcher32-v2", "ir_per_run": 11507.0, "ir_in_place": 30437.0,
            "fc_ref_ir": 30057, "ubpf_interp_ir": 149198, "native_ir": 1131},
           {"program": "crc32-v2", "ir_per_run": 116623.0, "ir_in_place": 239748.0,
            "fc_ref_ir": None, "ubpf_interp_ir": 1330085, "native_ir": 25588}],
          open(os.path.join(d, "host.json"), "w"))
json.dump({"runs": [{"board": "mps2-an386", "vm_opt": "-O2", "programs": [
    {"program": "fletcher32", "cpu": "v2", "vm_over_native": 164.9, "vm_xlate_over_native": None}]}]},
    open(os.path.join(d, "mcu", "results.json"), "w"))
out = os.path.join(d, "chart.svg")
subprocess.run([sys.executable, os.path.join(src, "bench", "chart.py"), "-o", out, d], check=True)
root = ET.parse(out).getroot()
titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
want = {"fletcher32-v2, host x86-64: this VM, pre-decoded: %.2fx" % (11507 / 1131),
        "fletcher32-v2, host x86-64: reference Femto-Containers VM: %.2fx" % (30057 / 1131),
        "crc32-v2, host x86-64: uBPF interpreter: %.2fx" % (1330085 / 25588),
        "fletcher32-v2, Cortex-M4 -O2: this VM, in place: 164.90x"}
missing = want - set(titles)
assert not missing, "missing bars: %s (have %s)" % (missing, titles)
assert not any(t.startswith("crc32-v2, host x86-64: reference") for t in titles), "bar for a missing figure"
assert len(titles) == 8, titles  # 3 + 4 host bars, 1 board bar
print("PASS: %d bars" % len(titles))
