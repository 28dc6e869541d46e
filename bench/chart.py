#!/usr/bin/env python3
"""bench/chart.py: the benchmark figures as one SVG chart, no dependencies.

    bench/chart.py [-o OUT.svg] [BENCH_DIR]        (BENCH_DIR: build/bench)

Reads what `make bench` wrote: BENCH_DIR/host.json (bench/callgrind.sh) and,
if present, BENCH_DIR/mcu/results.json (bench/mcu/run.sh). For every
fixture program it draws VM / native (instructions per run of the VM over
those of the same program compiled natively; 1 = native speed) on a
logarithmic axis, one bar per build:
  host:   our VM pre-decoded and in place (callgrind), and the references
          from shared/bench/baselines.tsv: the Femto-Containers reference
          interpreter and uBPF's interpreter;
  boards: our VM in place and pre-decoded, per board and build (-O2, -Os,
          ...), counted by QEMU's instruction counter.
A missing figure is no bar (never a made-up one). The same numbers are in
host.tsv and mcu/results.md.
"""
import json
import math
import os
import sys
from xml.sax.saxutils import escape


def load_series(bench_dir):
    """{series label: {program: vm/native}} in drawing order, and notes."""
    series, notes = {}, []
    host_path = os.path.join(bench_dir, "host.json")
    if os.path.exists(host_path):
        rows = json.load(open(host_path))
        s_pre, s_inp, s_ref, s_ubpf = {}, {}, {}, {}
        for r in rows:
            native = r.get("native_ir")
            if not native:
                continue
            prog = r["program"]
            if r.get("ir_per_run"):
                s_pre[prog] = r["ir_per_run"] / native
            if r.get("ir_in_place"):
                s_inp[prog] = r["ir_in_place"] / native
            if r.get("fc_ref_ir"):
                s_ref[prog] = r["fc_ref_ir"] / native
            if r.get("ubpf_interp_ir"):
                s_ubpf[prog] = r["ubpf_interp_ir"] / native
        series["host x86-64: this VM, pre-decoded"] = s_pre
        series["host x86-64: this VM, in place"] = s_inp
        series["host x86-64: reference Femto-Containers VM"] = s_ref
        series["host x86-64: uBPF interpreter"] = s_ubpf
    else:
        notes.append("no host.json (run bench/callgrind.sh)")
    mcu_path = os.path.join(bench_dir, "mcu", "results.json")
    if os.path.exists(mcu_path):
        doc = json.load(open(mcu_path))
        for run in doc.get("runs", []):
            board = {"mps2-an386": "Cortex-M4", "riscv-virt": "RV32IMAC"}.get(run["board"],
                                                                              run["board"])
            inp, pre = {}, {}
            for p in run["programs"]:
                name = "%s-%s" % (p["program"], p["cpu"])
                if p.get("vm_over_native"):
                    inp[name] = p["vm_over_native"]
                if p.get("vm_xlate_over_native"):
                    pre[name] = p["vm_xlate_over_native"]
            series["%s %s: this VM, in place" % (board, run["vm_opt"])] = inp
            if pre:
                series["%s %s: this VM, pre-decoded" % (board, run["vm_opt"])] = pre
    else:
        notes.append("no mcu/results.json (run bench/mcu/run.sh)")
    return {k: v for k, v in series.items() if v}, notes


PALETTE = ["#1f77b4", "#6baed6", "#7f7f7f", "#c7c7c7", "#d62728", "#ff9896", "#2ca02c",
           "#98df8a", "#9467bd", "#c5b0d5", "#8c564b", "#c49c94", "#e377c2", "#f7b6d2",
           "#bcbd22", "#dbdb8d", "#17becf", "#9edae5"]


def chart(series, notes, title):
    programs = sorted({p for s in series.values() for p in s})
    labels = list(series)
    values = [v for s in series.values() for v in s.values() if v > 0]
    lo = 10 ** math.floor(math.log10(min(values + [1.0])))
    hi = 10 ** math.ceil(math.log10(max(values + [10.0])))
    left, right, top, bar, gap = 120, 60, 60, 5, 8
    plot_w = 620
    group_h = bar * len(labels) + gap
    legend_h = 16 * len(labels) + 20
    height = top + group_h * len(programs) + 40 + legend_h
    width = left + plot_w + right

    def x(v):
        return left + plot_w * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="11">' % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>' % (left, escape(title)),
           '<text x="%d" y="40" fill="#555">VM instructions per run / native instructions per run '
           '(log scale; 1 = native)</text>' % left]
    decade = lo
    while decade <= hi * 1.0001:
        xx = x(decade)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"/>'
                   % (xx, top - 5, xx, top + group_h * len(programs),
                      "#000" if abs(decade - 1) < 1e-9 else "#ddd"))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%g</text>'
                   % (xx, top + group_h * len(programs) + 14, decade))
        decade *= 10
    for gi, prog in enumerate(programs):
        y0 = top + gi * group_h
        out.append('<text x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>'
                   % (left - 6, y0 + bar * len(labels) / 2, escape(prog)))
        for si, label in enumerate(labels):
            v = series[label].get(prog)
            if not v or v <= 0:
                continue
            y = y0 + si * bar
            xa, xb = x(min(v, 1.0)), x(max(v, 1.0))  # from native (1) to the figure
            out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s">'
                       '<title>%s, %s: %.2fx</title></rect>'
                       % (xa, y, max(xb - xa, 0.5), bar - 1, PALETTE[si % len(PALETTE)],
                          escape(prog), escape(label), v))
            out.append('<text x="%.1f" y="%d" font-size="5" fill="#333">%.1f</text>'
                       % (xb + 3, y + bar - 1, v))
    ly = top + group_h * len(programs) + 34
    for si, label in enumerate(labels):
        out.append('<rect x="%d" y="%d" width="12" height="10" fill="%s"/>'
                   % (left, ly + 16 * si, PALETTE[si % len(PALETTE)]))
        out.append('<text x="%d" y="%d">%s</text>' % (left + 18, ly + 16 * si + 9, escape(label)))
    for ni, note in enumerate(notes):
        out.append('<text x="%d" y="%d" fill="#a00">%s</text>'
                   % (left + 330, ly + 16 * ni + 9, escape(note)))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    out_path, rest = None, []
    i = 0
    while i < len(argv):
        if argv[i] == "-o" and i + 1 < len(argv):
            out_path = argv[i + 1]
            i += 2
        else:
            rest.append(argv[i])
            i += 1
    bench_dir = rest[0] if rest else "build/bench"
    out_path = out_path or os.path.join(bench_dir, "bench.svg")
    series, notes = load_series(bench_dir)
    if not series:
        sys.stderr.write("bench/chart.py: no figures in %s (%s)\n" % (bench_dir, "; ".join(notes)))
        return 1
    with open(out_path, "w") as fh:
        fh.write(chart(series, notes, "Femto-Containers: VM / native, per benchmark fixture"))
    n = sum(len(s) for s in series.values())
    print("bench/chart.py: %s: %d bars, %d series" % (out_path, n, len(series)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
