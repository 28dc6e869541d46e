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
    cache_mark(vm);
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

/* ---- high halves: which are read, which are known 0 ----------------------- */

enum { ALL_REGS = 0x7ffu, ARG_REGS = 0x3eu /* r1..r5 */ };

/* The registers whose high half is known 0 after in, given those before */
static uint32_t hz_after(const fc_insn_t *in, uint32_t hz)
{
    unsigned op = in->opcode, cls = op & 7u, code = op & 0xf0u;
    uint32_t D = 1u << FC_INSN_DST(*in), S = 1u << FC_INSN_SRC(*in);
    int x = (op & 8u) != 0;
    switch (cls) {
    case FC_OPC_ADD32_K & 7u: /* 32-bit ALU: the high half is 0; le64, be64 keep 64 bits */
        return code == (FC_OPC_LE16 & 0xf0u) && in->imm == 64 ? hz & ~D : hz | D;
    case FC_OPC_ADD64_K & 7u:
        switch (code) {
        case FC_OPC_MOV64_K & 0xf0u:
            if (!x)
                return in->imm >= 0 ? hz | D : hz & ~D;
            return !in->offset && (hz & S) ? hz | D : hz & ~D;
        case FC_OPC_AND64_K & 0xf0u:
            return (x ? (hz & (D | S)) != 0 : in->imm >= 0) ? hz | D : hz;
        case FC_OPC_OR64_K & 0xf0u:
        case FC_OPC_XOR64_K & 0xf0u:
            return (x ? (hz & S) != 0 : in->imm >= 0) ? hz : hz & ~D;
        case FC_OPC_RSH64_K & 0xf0u:
            return !x && (in->imm & 63) >= 32 ? hz | D : x ? hz & ~D : hz;
        case FC_OPC_DIV64_K & 0xf0u:
        case FC_OPC_MOD64_K & 0xf0u:
            return fc_jit_div_low(in, hz) ? hz | D : hz & ~D;
        case FC_OPC_BSWAP16 & 0xf0u:
            return in->imm == 64 ? hz & ~D : hz | D;
        default:
            return hz & ~D;
        }
    case FC_OPC_LDDW & 7u:
        return FC_INSN_SRC(*in) == 0 && in[1].imm == 0 ? hz | D : hz & ~D;
    case FC_OPC_LDXW & 7u: /* zero-extending loads of 1, 2, 4 bytes */
        return (op & 0xe0u) == 0x60u && op != FC_OPC_LDXDW ? hz | D : hz & ~D;
    case FC_OPC_STXW & 7u:
        return (op & 0xe0u) == (FC_OPC_ATOMIC32_ADD & 0xe0u) ? hz & ~(S | 1u) : hz;
    case FC_OPC_JA & 7u:
        if (op == FC_OPC_CALL && FC_INSN_SRC(*in) == 1)
            return 0;
        return op == FC_OPC_CALL || op == FC_OPC_CALLX ? hz & ~0x3fu : hz;
    default:
        return hz;
    }
}

/* The registers whose high half may be read from in on, given out (those
 * read after in) and hz (known 0 before in). An instruction reads a high
 * half when its result depends on it: a 64-bit add's low word does not
 * depend on the high halves, so when nothing reads the result's high half
 * neither operand's is read; a 32-bit operation never reads them. */
static uint32_t hi_in(const fc_insn_t *in, uint32_t out, uint32_t hz, uint32_t at_exit)
{
    unsigned op = in->opcode, cls = op & 7u, code = op & 0xf0u, s = FC_INSN_SRC(*in);
    uint32_t D = 1u << FC_INSN_DST(*in), S = 1u << s;
    int x = (op & 8u) != 0;
    switch (cls) {
    case FC_OPC_ADD32_K & 7u:
        return code == (FC_OPC_LE16 & 0xf0u) && in->imm == 64 ? out | D : out & ~D;
    case FC_OPC_ADD64_K & 7u: {
        unsigned k = (unsigned)in->imm & 63u;
        switch (code) {
        case FC_OPC_MOV64_K & 0xf0u:
            if (!x || in->offset || !(out & D) || (hz & S))
                return out & ~D; /* imm, movsx (low bits only), or the high half is #0 */
            return (out & ~D) | S;
        case FC_OPC_LSH64_K & 0xf0u:
            if (!x && k >= 32)
                return out & ~D;
            return !x && k == 0 ? out : (out & D) ? out | D : out;
        case FC_OPC_RSH64_K & 0xf0u:
        case FC_OPC_ARSH64_K & 0xf0u:
            if (!x && k == 0)
                return out;
            if (!x && code == (FC_OPC_RSH64_K & 0xf0u) && (hz & D))
                return out & ~D; /* a zero high half: a 32-bit shift */
            return out | D;
        case FC_OPC_DIV64_K & 0xf0u:
        case FC_OPC_MOD64_K & 0xf0u:
            return fc_jit_div_low(in, hz) ? out & ~D : out | D | (x ? S : 0u);
        case FC_OPC_BSWAP16 & 0xf0u:
            return in->imm == 64 ? out | D : out & ~D;
        case FC_OPC_MUL64_K & 0xf0u:
        case FC_OPC_ADD64_K & 0xf0u:
        case FC_OPC_SUB64_K & 0xf0u:
        case FC_OPC_OR64_K & 0xf0u:
        case FC_OPC_AND64_K & 0xf0u:
        case FC_OPC_XOR64_K & 0xf0u:
            return (out & D) ? out | D | (x ? S : 0u) : out;
        default: /* neg */
            return (out & D) ? out | D : out;
        }
    }
    case FC_OPC_LDDW & 7u:
        return out & ~D;
    case FC_OPC_LDXW & 7u:
        return (out & ~D) | (s != 10 ? S : 0u);
    case FC_OPC_STW & 7u:
        return out | (D != 1u << 10 ? D : 0u);
    case FC_OPC_STXW & 7u:
        if ((op & 0xe0u) == (FC_OPC_ATOMIC32_ADD & 0xe0u))
            return out | D | S | 1u;
        return out | (D != 1u << 10 ? D : 0u) | (op == FC_OPC_STXDW ? S : 0u);
    case FC_OPC_JA & 7u:
        if (op == FC_OPC_JA)
            return out;
        if (op == FC_OPC_EXIT)
            return at_exit;
        if (op == FC_OPC_CALL && s == 1)
            return ALL_REGS;
        if (op == FC_OPC_CALL || op == FC_OPC_CALLX)
            return (out & ~1u) | ARG_REGS | (op == FC_OPC_CALLX ? D : 0u);
        return fc_jit_cmp_low(in, hz) ? out : out | D | (x ? S : 0u);
    default: /* jmp32 */
        return out;
    }
}

/* info for every slot: hz forward, then high halves read, backward to a
 * fixed point (each pass only adds registers: at most 11 x slots passes,
 * a few in practice). */
static void analyse_halves(fc_jit_tr_t *t)
{
    const fc_program_t *p = t->prog;
    uint32_t hz = 0, at_exit = p->call_depth > 0 ? ALL_REGS : 1u;
    for (uint32_t pc = 0; pc < p->len; pc++) {
        const fc_insn_t *in = &p->text[pc];
        if (t->tab[pc] & FC_JIT_TAB_TARGET)
            hz = 0;
        t->info[pc] = hz << 16;
        hz = hz_after(in, hz);
        if (in->opcode == FC_OPC_LDDW) {
            t->info[pc + 1] = t->info[pc];
            pc++;
        }
    }
    for (int changed = 1; changed;) {
        changed = 0;
        for (uint32_t pc = p->len; pc-- > 0;) {
            const fc_insn_t *in = &p->text[pc];
            if (pc > 0 && in[-1].opcode == FC_OPC_LDDW)
                continue; /* second slot of a lddw (its text is not an instruction) */
            unsigned op = in->opcode, cls = op & 7u;
            uint32_t out = 0, next = pc + (op == FC_OPC_LDDW ? 2u : 1u);
            int jmp = cls == (FC_OPC_JA & 7u) || cls == (FC_OPC_JA32 & 7u);
            int falls = !(op == FC_OPC_JA || op == FC_OPC_JA32 || op == FC_OPC_EXIT ||
                          (op == FC_OPC_CALL && FC_INSN_SRC(*in) == 1));
            if (falls && next < p->len)
                out |= hi_in(&p->text[next], FC_JIT_HI_OUT(t->info[next]),
                             FC_JIT_HZ_IN(t->info[next]), at_exit);
            if (jmp && op != FC_OPC_EXIT && op != FC_OPC_CALL && op != FC_OPC_CALLX) {
                uint32_t tg = pc + 1u + (uint32_t)(op == FC_OPC_JA32 ? in->imm : in->offset);
                out |= hi_in(&p->text[tg], FC_JIT_HI_OUT(t->info[tg]), FC_JIT_HZ_IN(t->info[tg]),
                             at_exit);
            }
            if (out & ~FC_JIT_HI_OUT(t->info[pc])) {
                t->info[pc] |= out;
                if (op == FC_OPC_LDDW)
                    t->info[pc + 1] = t->info[pc];
                changed = 1;
            }
        }
    }
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
    for (unsigned r = 0; r < 11; r++)
        s->weight[r] = 0;
    for (uint32_t pc = 0; pc < p->len; pc++) {
        unsigned m = regs_named(&p->text[pc]);
        uint32_t w = FC_JIT_TAB_POS(s->tab[pc]) ? 16u : 1u;
        uint32_t depth = FC_JIT_TAB_POS(s->tab[pc]), wd = 1u << (4u * (depth < 3u ? depth : 3u));
        for (unsigned r = 0; r < 11; r++)
            if (m & (1u << r)) {
                weight[r] += w;
                s->weight[r] += wd;
            }
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
    analyse_halves(s);
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
    size_t tab_bytes = (size_t)prog->len * 2u * sizeof(uint32_t); /* tab, then info */
    if (cap < tab_bytes + 64) {
        fc_jit_refuse(&t, FC_ERR_TOO_LARGE, prog->len, "JIT code buffer full");
        return FC_ERR_TOO_LARGE;
    }
    size_t code_cap = (cap - tab_bytes) & ~(size_t)3;
    t.tab = (uint32_t *)(void *)((uint8_t *)buf + code_cap);
    t.info = t.tab + prog->len;
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

void fc_jit_adopt(fc_jit_t *jit, const fc_program_t *prog, void *code, uint32_t code_size)
{
    jit->prog = code ? prog : NULL;
    jit->generation = prog ? prog->generation : 0;
    jit->code = code;
    jit->code_size = code ? code_size : 0;
}

#if defined(FC_JIT_HAVE_TARGET)
/* The end of a run of generated code that did not simply exit: ret is
 * kind | index << 8 with the Q left in the high word; the interpreter's
 * fault record and count. Out of line: the hot exit stays short. */
static FC_NOINLINE fc_status_t jit_stopped(fc_vm_t *vm, uint64_t ret, uint64_t *r0)
{
    uint32_t kind = (uint32_t)ret & 0xffu, where = ((uint32_t)ret >> 8) & 0xffffffu;
    int32_t q = (int32_t)(uint32_t)(ret >> 32);
    uintptr_t budget = VMP(vm)->budget_slots;
    uint64_t *reg = VMP(vm)->reg;
    if (kind == FC_JIT_K_EXIT) { /* exit reached over the budget */
        *r0 = reg[0];
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
    vm->executed = budget + 1u - (uintptr_t)(intptr_t)q;
    return (fc_status_t)vm->fault.code;
}

/* The start of a run that fc_jit_run() cannot begin at once: not bound
 * (the interpreter's preflight, then the binding), or no code for this
 * program at its generation, an entry other than 0 or a budget the code
 * cannot count (the interpreter runs it, counted in fallback_runs).
 * Returns 1 when the code may run now, 0 when *st is the run's status.
 * The arguments are in the register file already. */
static FC_NOINLINE int jit_start_slow(fc_jit_t *jit, fc_vm_t *vm, uint32_t entry, uint64_t *r0,
                                      fc_status_t *st)
{
    const fc_program_t *prog = vm->prog;
    if (jit->code && prog == jit->prog && prog->generation == jit->generation && entry == 0) {
        if (!run_is_bound(vm, entry)) {
            *st = run_preflight(vm, entry);
            if (*st != FC_OK)
                return 0;
            run_bind(vm, entry); /* also r10, the stack top */
        }
        if (VMP(vm)->budget_slots <= 0x7fffffffu)
            return 1;
    }
    jit->fallback_runs++;
    *st = fc_vm_run(vm, entry, VMP(vm)->reg[1], VMP(vm)->reg[2], r0);
    return 0;
}
#endif

/* The arguments go to the register file first and the slow start is out
 * of line, so that only vm and r0 stay live across the call into the
 * generated code (what follows it reads the rest from vm again): the fewer
 * registers this entry saves, the less a run of a small program costs. */
fc_status_t fc_jit_run(fc_jit_t *jit, fc_vm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2,
                       uint64_t *r0)
{
#if defined(FC_JIT_HAVE_TARGET)
    uint64_t *reg = VMP(vm)->reg;
    reg[1] = r1;
    reg[2] = r2;
    const fc_program_t *prog = vm->prog;
    /* the code has one entry, 0: a binding to another entry runs nothing */
    if (FC_UNLIKELY(!(jit->code && prog == jit->prog && prog->generation == jit->generation &&
                      entry == 0 && run_is_bound(vm, entry) &&
                      VMP(vm)->budget_slots <= 0x7fffffffu))) {
        fc_status_t st;
        if (!jit_start_slow(jit, vm, entry, r0, &st))
            return st;
    }
    if (FC_UNLIKELY(VMP(vm)->run_work != 0)) { /* as interp_small.c's run entry */
        if (VMP(vm)->run_work & RUN_CACHES)
            cache_reset(vm); /* the only call before the code's: then from vm again */
        if (VMP(vm)->run_work & RUN_CLEAR) {
            reg = VMP(vm)->reg;
            reg[0] = 0;
            reg[3] = reg[4] = reg[5] = reg[6] = reg[7] = reg[8] = reg[9] = 0;
        }
    }
    prog = vm->prog;
    reg = VMP(vm)->reg;
    /* the interpreter's run entry (interp_small.c): a clean record */
    if (FC_UNLIKELY(vm->fault.code != FC_OK))
        clear_run_record(vm);
    vm->max_depth = 0;
    if (prog->call_depth) { /* call depth and deepest depth (local calls) */
        reg[FC_JIT_FILE_DEPTH / 8] = 0;
        reg[FC_JIT_FILE_MAXDEPTH / 8] = 0;
    }
    uint64_t ret = fc_jit_arch_entry(jit->code)(vm, reg, (int32_t)VMP(vm)->budget_slots);
    /* after the call, from vm again (see above) */
    reg = VMP(vm)->reg;
    if (vm->prog->call_depth) /* the code kept it there */
        vm->max_depth = (uint32_t)(reg[FC_JIT_FILE_MAXDEPTH / 8] & 0xffffffffu);
    int32_t q = (int32_t)(uint32_t)(ret >> 32);
    if (FC_LIKELY(((uint32_t)ret & 0xffu) == FC_JIT_K_EXIT && q > 0)) {
        *r0 = reg[0];
        vm->executed = VMP(vm)->budget_slots + 1u - (uintptr_t)(intptr_t)q;
        return FC_OK;
    }
    return jit_stopped(vm, ret, r0);
#else
    jit->fallback_runs++;
    return fc_vm_run(vm, entry, r1, r2, r0);
#endif
}
