#!/usr/bin/env python3
"""Turn MCU benchmark runs into a table and JSON.

usage: report.py OUT_DIR RUN...      RUN = board|build description|uart_log|plugin_log

Each run's console log has "BENCH i kind name reps slots" and "EXECUTED name
n" lines (bench/mcu/bench_main.c); its plugin log has "insn_count: interval
i count" lines (bench/qemu/insn_count.c). For every measurement the cost of
one repetition is (count(2N) - count(N)) / N: start-up, set-up and the
markers cancel out. Writes OUT_DIR/results.json and OUT_DIR/results.md and
prints the table."""
import json
import os
import re
import sys

TARGET_FLETCHER_RATIO = 25.0  # VM/native on Cortex-M4 (the target)
TARGET_HOOK_INSNS = 80        # firing a hook with one empty container
TARGET_IDLE_RAM = 100         # bytes per idle container, its data/bss apart

# Energy model of docs/energy.md (nRF52840-class Cortex-M4 running from
# flash): E per instruction = CPI x I_run x V / f. Assumed constants, written
# down there; the instruction counts are the measurement.
ENERGY_CPI = 1.25
ENERGY_F_HZ = 64e6
ENERGY_I_A = 3.3e-3
ENERGY_V = 3.0
NJ_PER_INSN = ENERGY_CPI * ENERGY_I_A * ENERGY_V / ENERGY_F_HZ * 1e9
FIXED_NAMES = {
    "vm_run_empty": "fc_vm_run of `mov r0,0; exit`",
    "hook_fire_1_empty": "fc_hook_fire, one empty container",
    "hook_fire_0_containers": "fc_hook_fire, no container attached",
    "hook_fire_2_empty": "fc_hook_fire, two empty containers (each run prepares the VM)",
    "sha256_1KiB": "SHA-256 of 1 KiB (libsodium)",
    "ed25519_verify": "Ed25519 signature verification (libsodium, RFC 8032 test 2)",
}


def parse_run(uart, plugin):
    labels, executed, counts, sizes = {}, {}, {}, {}
    for line in open(uart, errors="replace"):
        m = re.match(r"SIZEOF (\S+) (\d+)", line)
        if m:
            sizes[m[1]] = int(m[2])
        m = re.match(r"BENCH (\d+) (\S+) (\S+) (\d+) (\d+)", line)
        if m:
            labels[int(m[1])] = (m[2], m[3], int(m[4]), int(m[5]))
        m = re.match(r"EXECUTED (\S+) (\d+)", line)
        if m:
            executed[m[1]] = int(m[2])
    for line in open(plugin, errors="replace"):
        m = re.match(r"insn_count: interval (\d+) (\d+)", line)
        if m:
            counts[int(m[1])] = int(m[2])
    pairs = {}
    for i in sorted(labels):
        kind, name, reps, slots = labels[i]
        if i not in counts:
            raise SystemExit(f"{plugin}: no count for interval {i} ({kind} {name})")
        pairs.setdefault((kind, name), []).append((reps, counts[i], slots))
    per_run = {}
    for (kind, name), v in pairs.items():
        if len(v) != 2 or v[1][0] != 2 * v[0][0]:
            raise SystemExit(f"{uart}: {kind} {name}: expected an N and a 2N interval, got {v}")
        (n1, c1, slots), (n2, c2, _) = v
        per_run[(kind, name)] = {"per_run": (c2 - c1) / (n2 - n1), "n": n1,
                                 "count_n": c1, "count_2n": c2, "slots": slots}
    return per_run, executed, sizes


def nj(insns):
    return insns * NJ_PER_INSN if insns is not None else None


def summarise(board, opt, per_run, executed, sizes):
    programs = []
    natives = {name: m["per_run"] for (kind, name), m in per_run.items() if kind == "native"}
    for (kind, name), m in per_run.items():
        if kind != "vm":
            continue
        prog, cpu = name.rsplit("-", 1)
        native = natives.get(prog)
        ebpf = executed.get(name)
        verify = per_run.get(("verify", name), {}).get("per_run")
        xl = per_run.get(("vm_xlate", name), {}).get("per_run")
        install = per_run.get(("install", name), {}).get("per_run")
        programs.append({
            "program": prog, "cpu": cpu, "slots": m["slots"],
            "ebpf_insns": ebpf,
            "native_insns": native,
            "vm_insns": m["per_run"],
            "vm_per_ebpf_insn": m["per_run"] / ebpf if ebpf else None,
            "vm_over_native": m["per_run"] / native if native else None,
            "vm_xlate_insns": xl,
            "vm_xlate_over_native": xl / native if xl and native else None,
            "verify_insns": verify,
            "verify_per_slot": verify / m["slots"] if verify and m["slots"] else None,
            "install_insns": install,
            "install_per_slot": install / m["slots"] if install and m["slots"] else None,
            "native_nj": nj(native),
            "vm_nj": nj(m["per_run"]),
            "vm_xlate_nj": nj(xl),
        })
    fixed = {kind: m["per_run"] for (kind, name), m in per_run.items()
             if kind in FIXED_NAMES}
    ram = {}
    if "fc_container_t" in sizes:
        idle = sizes["fc_container_t"]
        ram = {"idle_container": idle,
               "idle_note": "the slot; plus the container's own data/bss (8-aligned)",
               "running_container_extra_stack": sizes.get("empty_stack"),
               "running_note": "a run adds its part of the shared stack (frame size x "
                               "(call depth + 1), here the empty container's) and uses the "
                               "engine's one VM state (fc_vm_t + fc_program_t), shared by all",
               "engine_vm_state": sizes.get("fc_vm_t", 0) + sizes.get("fc_program_t", 0),
               "fc_engine_t": sizes.get("fc_engine_t")}
    return {"board": board, "vm_opt": opt, "programs": programs, "fixed": fixed, "ram": ram,
            "fixed_nj": {k: nj(v) for k, v in fixed.items()}}


def fmt(v, digits=1):
    if v is None:
        return "-"
    return f"{v:,.{digits}f}"


def table(res):
    out = [f"### {res['board']}, VM/engine built {res['vm_opt']} (native C: -O2)", "",
           "| program | cpu | eBPF insns | native insns | VM insns (in place) | per eBPF insn "
           "| VM / native | VM insns (pre-decoded) | VM / native | verify insns | verify / slot "
           "| install+remove insns | install / slot | energy native / VM / pre-decoded (nJ) |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for p in res["programs"]:
        out.append(f"| {p['program']} | {p['cpu']} | {fmt(p['ebpf_insns'], 0)} | "
                   f"{fmt(p['native_insns'], 0)} | {fmt(p['vm_insns'], 0)} | "
                   f"{fmt(p['vm_per_ebpf_insn'])} | {fmt(p['vm_over_native'])}x | "
                   f"{fmt(p['vm_xlate_insns'], 0)} | {fmt(p['vm_xlate_over_native'])}x | "
                   f"{fmt(p['verify_insns'], 0)} | {fmt(p['verify_per_slot'])} | "
                   f"{fmt(p['install_insns'], 0)} | {fmt(p['install_per_slot'])} | "
                   f"{fmt(p['native_nj'], 0)} / {fmt(p['vm_nj'], 0)} / {fmt(p['vm_xlate_nj'], 0)} |")
    out.append("")
    f = res["fixed"]
    for k, label in FIXED_NAMES.items():
        if k in f:
            out.append(f"- {label}: {f[k]:,.0f} instructions ({nj(f[k]):,.0f} nJ)")
    ram = res.get("ram") or {}
    if ram:
        out.append(f"- RAM per idle container: {ram['idle_container']} bytes (the slot) + its own "
                   f"data/bss; per running container: + {ram['running_container_extra_stack']} "
                   f"bytes of the shared stack for the empty container (frame x (depth + 1)), "
                   f"and the engine's one VM state ({ram['engine_vm_state']} bytes, shared); "
                   f"fc_engine_t with the build's limits: {ram['fc_engine_t']} bytes")
    return "\n".join(out)


def verdicts(results):
    lines = []
    for res in results:
        if res["board"] != "mps2-an386":
            continue
        fl = [p for p in res["programs"] if p["program"] == "fletcher32"]
        for p in fl:
            r = p["vm_over_native"]
            ok = r is not None and r <= TARGET_FLETCHER_RATIO
            lines.append(f"- Cortex-M4 {res['vm_opt']}: fletcher32-{p['cpu']} VM/native = {r:.1f}x "
                         f"(target <= {TARGET_FLETCHER_RATIO:.0f}x): {'met' if ok else 'NOT met'}")
            x = p["vm_xlate_over_native"]
            if x is not None:
                ok = x <= TARGET_FLETCHER_RATIO
                lines.append(f"- Cortex-M4 {res['vm_opt']}: fletcher32-{p['cpu']} pre-decoded VM/native"
                             f" = {x:.1f}x: {'met' if ok else 'NOT met'}")
        idle = (res.get("ram") or {}).get("idle_container")
        if idle is not None:
            lines.append(f"- Cortex-M4 {res['vm_opt']}: RAM per idle container = {idle} bytes + its "
                         f"data/bss (target < {TARGET_IDLE_RAM}): "
                         f"{'met' if idle < TARGET_IDLE_RAM else 'NOT met'}")
        hook = res["fixed"].get("hook_fire_1_empty")
        if hook is not None:
            ok = hook <= TARGET_HOOK_INSNS
            lines.append(f"- Cortex-M4 {res['vm_opt']}: hook firing with one empty container = "
                         f"{hook:,.0f} instructions (target <= {TARGET_HOOK_INSNS}): "
                         f"{'met' if ok else 'NOT met'}")
    return "\n".join(lines)


def main():
    out_dir = sys.argv[1]
    results = []
    for spec in sys.argv[2:]:
        board, opt, uart, plugin = spec.split("|", 3)
        per_run, executed, sizes = parse_run(uart, plugin)
        results.append(summarise(board, opt, per_run, executed, sizes))
    doc = ["# MCU benchmark: guest instructions per run (QEMU TCG plugin, exact)", "",
           "Counts are executed guest instructions, not cycles; per run = (count(2N) - "
           "count(N)) / N. Energy: instructions x "
           f"{NJ_PER_INSN:.3f} nJ (docs/energy.md: CPI {ENERGY_CPI}, {ENERGY_F_HZ / 1e6:.0f} MHz, "
           f"{ENERGY_I_A * 1e3:.1f} mA, {ENERGY_V:.1f} V; an nRF52840-class estimate, not a "
           "measurement).", "", verdicts(results), ""]
    doc += [table(r) + "\n" for r in results]
    text = "\n".join(doc)
    with open(os.path.join(out_dir, "results.md"), "w") as fh:
        fh.write(text)
    with open(os.path.join(out_dir, "results.json"), "w") as fh:
        json.dump({"unit": "guest instructions per run", "targets": {
            "fletcher32_vm_over_native_m4": TARGET_FLETCHER_RATIO,
            "hook_fire_one_empty_container": TARGET_HOOK_INSNS,
            "ram_per_idle_container": TARGET_IDLE_RAM},
            "energy_model": {"cpi": ENERGY_CPI, "f_hz": ENERGY_F_HZ, "i_run_a": ENERGY_I_A,
                             "v": ENERGY_V, "nj_per_insn": NJ_PER_INSN},
            "runs": results}, fh, indent=2)
    print(text)


if __name__ == "__main__":
    main()
