/* The JIT's target-independent part (docs/jit.md): the run-time support
 * generated code calls (memory slow path, helper calls, atomics, the ALU
 * operations done out of line), the analysis of a program every backend
 * starts from, and the public entry points fc_jit_translate and fc_jit_run.
 * A backend (jit_thumb2.c, jit_rv32.c) only emits code: jit_internal.h is
 * the contract between them. */
#include "jit_internal.h"

/* ---- run-time support called by generated code ---------------------------- */

/* The slow path of a memory check: the region walk; on a match the region
 * becomes the cache of loads or stores (as interp_small.c's mem_slow).
 * Returns the address in the low word and 1 in the high word, or 0 with
 * vm->fault recorded. */
uint64_t fc_jit_mem(fc_vm_t *vm, uint32_t opcode, uint64_t a)
{
    int load = (opcode & 7u) == (FC_OPC_LDXW & 7u);
    int i =
        region_lookup(vm, a, access_size_of((uint8_t)opcode), load ? FC_PERM_READ : FC_PERM_WRITE);
    if (i < 0)
        return 0;
    cache_set(&VMP(vm)->cache[load ? 1 : 2], &vm->regions[i]);
    VMP(vm)->cache_dirty = 1;
    return (uint64_t)1 << 32 | (uint32_t)a;
}

/* A helper call with id, q being the budget left at the call (L - pc):
 * the allow-list lookup first, then the budget, then the call; FC_JIT_K_FAULT,
 * FC_JIT_K_BUDGET or 0 (as interp_small.c's helper path). */
uint32_t fc_jit_helper(fc_vm_t *vm, int32_t q, uint64_t id)
{
    fc_helper_fn fn = helper_lookup(vm, id);
    if (FC_UNLIKELY(!fn)) {
        vm->fault.code = FC_FAULT_HELPER;
        vm->fault.reason = FC_WHY("call to a helper that is unknown or not allowed");
        vm->fault.addr = id;
        return FC_JIT_K_FAULT;
    }
    if (q <= 0)
        return FC_JIT_K_BUDGET;
    uint64_t *reg = VMP(vm)->reg;
    vm->executed = VMP(vm)->budget_slots + 1u - (uintptr_t)(intptr_t)q;
    reg[0] = fn(vm, reg[1], reg[2], reg[3], reg[4], reg[5]);
    return vm->fault.code != FC_OK ? FC_JIT_K_FAULT : 0;
}

/* An atomic read-modify-write: word = r10 base << 31 | src << 24 | imm << 8
 * | size. The interpreter's checks (a region walk for read and write, none
 * for r10, proven in the frame) and its semantics (atomic_rmw) on the
 * register file; FC_JIT_K_FAULT with vm->fault recorded, or 0. */
uint32_t fc_jit_atomic(fc_vm_t *vm, uint32_t word, uint64_t a)
{
    uint32_t size = word & 0xffu;
    if (!(word >> 31) && region_lookup(vm, a, size, FC_PERM_RW) < 0)
        return FC_JIT_K_FAULT;
    uint64_t *reg = VMP(vm)->reg;
    atomic_rmw((void *)(uintptr_t)a, size == 8, (int32_t)((word >> 8) & 0xffu),
               &reg[(word >> 24) & 0xfu], &reg[0]);
    return 0;
}

/* ALU operations the generated code calls out of line (rare, or 64-bit
 * work that is a library call on this core anyway): a op b. */
uint64_t fc_jit_lsh64(uint64_t a, uint64_t b)
{
    return a << (b & 63);
}
uint64_t fc_jit_rsh64(uint64_t a, uint64_t b)
{
    return a >> (b & 63);
}
uint64_t fc_jit_arsh64(uint64_t a, uint64_t b)
{
    return sar64(a, (unsigned)(b & 63));
}
uint64_t fc_jit_arsh32(uint64_t a, uint64_t b)
{
    return sar32((uint32_t)a, (uint32_t)b & 31);
}
uint64_t fc_jit_div64(uint64_t a, uint64_t b)
{
    return b ? a / b : 0;
}
uint64_t fc_jit_mod64(uint64_t a, uint64_t b)
{
    return b ? a % b : a;
}
uint64_t fc_jit_sdiv64(uint64_t a, uint64_t b)
{
    return sdiv64(a, b);
}
uint64_t fc_jit_smod64(uint64_t a, uint64_t b)
{
    return smod64(a, b);
}
uint64_t fc_jit_div32(uint64_t a, uint64_t b)
{
    return (uint32_t)b ? (uint32_t)a / (uint32_t)b : 0;
}
uint64_t fc_jit_mod32(uint64_t a, uint64_t b)
{
    return (uint32_t)b ? (uint32_t)a % (uint32_t)b : (uint32_t)a;
}
uint64_t fc_jit_sdiv32(uint64_t a, uint64_t b)
{
    return sdiv32((uint32_t)a, (uint32_t)b);
}
uint64_t fc_jit_smod32(uint64_t a, uint64_t b)
{
    return smod32((uint32_t)a, (uint32_t)b);
}
uint64_t fc_jit_neg64(uint64_t a, uint64_t b)
{
    (void)b;
    return (uint64_t)0 - a;
}
uint64_t fc_jit_neg32(uint64_t a, uint64_t b)
{
    (void)b;
    return (uint32_t)((uint32_t)0 - (uint32_t)a);
}
uint64_t fc_jit_sext64(uint64_t a, uint64_t b)
{
    return sext(a, (unsigned)b);
}
uint64_t fc_jit_sext32(uint64_t a, uint64_t b)
{
    return (uint32_t)sext(a, (unsigned)b);
}
uint64_t fc_jit_le(uint64_t a, uint64_t b)
{
    return b == 16 ? (uint16_t)a : b == 32 ? (uint32_t)a : a;
}
uint64_t fc_jit_be(uint64_t a, uint64_t b)
{
    return b == 16 ? swap16(a) : b == 32 ? swap32(a) : swap64(a);
}

/* ---- translation bookkeeping ------------------------------------------------ */

int fc_jit_refuse(fc_jit_tr_t *t, fc_status_t code, uint32_t where, const char *reason)
{
    t->why->code = code;
    t->why->where = where;
    t->why->reason = reason;
    return -1;
}

/* Which registers an instruction names (dst, and src where the format
 * uses it), for the choice of the mapped registers. */
static unsigned regs_named(const fc_insn_t *in)
{
    unsigned op = in->opcode, cls = op & 7u, m = 0;
    if (op == FC_OPC_EXIT || op == FC_OPC_CALL || op == FC_OPC_JA || op == FC_OPC_JA32)
        return 0;
    m |= 1u << FC_INSN_DST(*in);
    int src_used = cls == (FC_OPC_LDXW & 7u) || cls == (FC_OPC_STXW & 7u) ||
                   ((cls == (FC_OPC_ADD64_K & 7u) || cls == (FC_OPC_ADD32_K & 7u) ||
                     cls == (FC_OPC_JEQ_K & 7u) || cls == (FC_OPC_JEQ32_K & 7u)) &&
                    (op & 8u));
    if (src_used && op != FC_OPC_CALLX)
        m |= 1u << FC_INSN_SRC(*in);
    return m;
}

/* Mark jump targets in tab (bit 31) and choose the mapped registers: the
 * n_hot of r0..r9 named most, a name inside a loop (a backward jump's
 * range) counting 16 times. */
void fc_jit_analyse(fc_jit_tr_t *s, unsigned n_hot)
{
    const fc_program_t *p = s->prog;
    uint32_t weight[11] = {0};
    for (uint32_t pc = 0; pc < p->len; pc++)
        s->tab[pc] = 0;
    for (uint32_t pc = 0; pc < p->len; pc++) {
        const fc_insn_t *in = &p->text[pc];
        unsigned cls = in->opcode & 7u;
        if (in->opcode == FC_OPC_LDDW) {
            pc++;
            continue;
        }
        if (cls != (FC_OPC_JA & 7u) && cls != (FC_OPC_JEQ32_K & 7u))
            continue;
        if (in->opcode == FC_OPC_CALL && FC_INSN_SRC(*in) == 1) {
            /* the callee's start and the return point are entered by transfers */
            s->tab[pc + 1u + (uint32_t)in->imm] |= FC_JIT_TAB_TARGET;
            s->tab[pc + 1u] |= FC_JIT_TAB_TARGET;
            continue;
        }
        if (in->opcode == FC_OPC_CALL || in->opcode == FC_OPC_CALLX || in->opcode == FC_OPC_EXIT)
            continue;
        int32_t d = in->opcode == FC_OPC_JA32 ? in->imm : in->offset;
        uint32_t t = pc + 1u + (uint32_t)d; /* verified: inside the text */
        s->tab[t] |= FC_JIT_TAB_TARGET;
        if (d < 0) /* a loop: [t, pc] */
            for (uint32_t i = t; i <= pc; i++)
                s->tab[i] =
                    (s->tab[i] & FC_JIT_TAB_TARGET) | ((FC_JIT_TAB_POS(s->tab[i]) + 1u) & 0xffffu);
    }
    uint32_t first_callee = p->len;
    for (uint32_t pc = 0; pc < p->len; pc++) {
        const fc_insn_t *in = &p->text[pc];
        if (in->opcode == FC_OPC_CALL && FC_INSN_SRC(*in) == 1 &&
            pc + 1u + (uint32_t)in->imm < first_callee)
            first_callee = pc + 1u + (uint32_t)in->imm;
    }
    s->callee_r6_r9 = 0;
    s->callee_r10 = 0;
    for (uint32_t pc = first_callee; pc < p->len; pc++) {
        unsigned m = regs_named(&p->text[pc]);
        s->callee_r6_r9 |= (m & 0x3c0u) != 0;
        s->callee_r10 |= (m & 0x400u) != 0;
    }
    for (uint32_t pc = 0; pc < p->len; pc++) {
        unsigned m = regs_named(&p->text[pc]);
        uint32_t w = FC_JIT_TAB_POS(s->tab[pc]) ? 16u : 1u;
        for (unsigned r = 0; r < 10; r++)
            if (m & (1u << r))
                weight[r] += w;
        if (p->text[pc].opcode == FC_OPC_LDDW)
            pc++;
    }
    for (unsigned r = 0; r < 16; r++)
        s->rank[r] = 0;
    for (unsigned i = 0; i < n_hot && i < 10; i++) {
        unsigned best = 10;
        for (unsigned r = 0; r < 10; r++)
            if (!s->rank[r] && weight[r] > 0 && (best == 10 || weight[r] > weight[best]))
                best = r;
        if (best == 10)
            break;
        s->rank[best] = (uint8_t)(i + 1u);
    }
    for (uint32_t pc = 0; pc < p->len; pc++)
        s->tab[pc] &= FC_JIT_TAB_TARGET; /* positions come in pass 1 */
}

fc_status_t fc_jit_translate(fc_jit_t *jit, const fc_program_t *prog, void *buf, size_t cap)
{
    jit->prog = NULL;
    jit->code = NULL;
    jit->code_size = 0;
    jit->fallback_runs = 0;
    jit->refused.code = FC_OK;
    jit->refused.where = 0;
    jit->refused.addr = 0;
    jit->refused.size = 0;
    jit->refused.reason = NULL;
#if !defined(FC_JIT_HAVE_TARGET)
    (void)prog, (void)buf, (void)cap;
    jit->refused.code = FC_ERR_BAD_CONFIG;
    jit->refused.reason = "no JIT backend for this build's core: the interpreter runs";
    return FC_ERR_BAD_CONFIG;
#else
    fc_jit_tr_t t;
    t.why = &jit->refused;
    if (!prog || !prog->verified || ((uintptr_t)buf & 3u) != 0) {
        jit->refused.code = FC_ERR_BAD_CONFIG;
        jit->refused.reason = "program not verified or buffer not 4-byte aligned";
        return FC_ERR_BAD_CONFIG;
    }
    /* the per-slot table lives at the end of the buffer while translating */
    size_t tab_bytes = (size_t)prog->len * sizeof(uint32_t);
    if (cap < tab_bytes + 64) {
        fc_jit_refuse(&t, FC_ERR_TOO_LARGE, prog->len, "JIT code buffer full");
        return FC_ERR_TOO_LARGE;
    }
    size_t code_cap = (cap - tab_bytes) & ~(size_t)3;
    t.tab = (uint32_t *)(void *)((uint8_t *)buf + code_cap);
    t.prog = prog;
    uint32_t size = 0;
    if (fc_jit_arch_translate(&t, buf, code_cap, &size) != 0)
        return (fc_status_t)jit->refused.code;
    jit->prog = prog;
    jit->generation = prog->generation;
    jit->code = buf;
    jit->code_size = size;
    return FC_OK;
#endif
}

fc_status_t fc_jit_run(fc_jit_t *jit, fc_vm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2,
                       uint64_t *r0)
{
#if defined(FC_JIT_HAVE_TARGET)
    const fc_program_t *prog = vm->prog;
    if (jit->code && prog == jit->prog && prog->generation == jit->generation && entry == 0) {
        /* the interpreter's run entry (interp_small.c): binding, record */
        if (FC_LIKELY(run_is_bound(vm, entry))) {
            if (FC_UNLIKELY(vm->fault.code != FC_OK))
                clear_run_record(vm);
            vm->max_depth = 0;
        } else {
            fc_status_t st = run_preflight(vm, entry);
            if (st != FC_OK)
                return st;
            run_bind(vm);
            VMP(vm)->reg[10] = (uint64_t)(uintptr_t)vm->stack + vm->stack_size;
        }
        uintptr_t budget = VMP(vm)->budget_slots;
        if (budget <= 0x7fffffffu) {
            uint64_t *reg = VMP(vm)->reg;
            if (VMP(vm)->cache_dirty)
                cache_reset(vm);
            if (prog->undefined_reads) {
                reg[0] = 0;
                reg[3] = reg[4] = reg[5] = reg[6] = reg[7] = reg[8] = reg[9] = 0;
            }
            reg[1] = r1;
            reg[2] = r2;
            reg[11] = 0; /* call depth and deepest depth (local calls) */
            reg[12] = 0;
            uint64_t ret = fc_jit_arch_entry(jit->code)(vm, reg, (int32_t)budget);
            uint32_t kind = (uint32_t)ret & 0xffu, where = ((uint32_t)ret >> 8) & 0xffffffu;
            int32_t q = (int32_t)(uint32_t)(ret >> 32);
            uintptr_t executed = budget + 1u - (uintptr_t)(intptr_t)q;
            vm->max_depth = (uint32_t)reg[12];
            if (kind == FC_JIT_K_EXIT) {
                *r0 = reg[0];
                if (q > 0) {
                    vm->executed = executed;
                    return FC_OK;
                }
                kind = FC_JIT_K_BUDGET;
            }
            reg[10] = (uint64_t)(uintptr_t)vm->stack + vm->stack_size;
            vm->fault.where = where;
            if (kind == FC_JIT_K_BUDGET) {
                vm->fault.code = FC_FAULT_BUDGET;
                vm->fault.reason = FC_WHY("instruction budget exhausted");
                vm->executed = budget;
                return FC_FAULT_BUDGET;
            }
            if (kind == FC_JIT_K_DEPTH) {
                vm->fault.code = FC_FAULT_CALL_DEPTH;
                vm->fault.reason = FC_WHY("local calls nested deeper than verified");
            }
            vm->executed = executed;
            return (fc_status_t)vm->fault.code;
        }
    }
#endif
    jit->fallback_runs++;
    return fc_vm_run(vm, entry, r1, r2, r0);
}
