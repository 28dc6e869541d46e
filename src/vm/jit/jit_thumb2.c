/* The checked JIT's Thumb-2 backend (Cortex-M3/M4/M7/M33): the code
 * generator behind fc_jit_translate() (jit.c holds the entry
 * points, jit_runtime.c the run-time support generated code calls and the
 * analysis every backend shares; jit_internal.h is the contract). docs/jit.md
 * explains the design; in short:
 *
 * - Host registers: r11 = the VM's register file (eBPF r0..r10, 64 bits
 *   each, low word first), r10 = Q, the budget left (see below), r4:r5,
 *   r6:r7, r8:r9 = the three eBPF registers named most. r0..r3, r12, lr
 *   are scratch; an operand not in a pair is loaded from the file into
 *   scratch and a result stored back.
 * - The budget, as the interpreter keeps it (interp_small.c): the limit L
 *   is the index pc may reach; only transfers move it and check it. The
 *   generated code keeps Q = L - qbase in r10, where qbase is a point the
 *   translator knows statically (the last transfer, or a label). At a
 *   transfer from pc, Q -= pc + 1 - qbase: on both paths Q is then L - pc - 1,
 *   which is L' - target for the taken path (L' = L + disp) and L - (pc + 1)
 *   for the fall-through. Each jump target starts with "Q > 0 or budget
 *   fault at the target", exactly the interpreter's "pc >= limit" test.
 * - Memory: every load and store whose base is not r10 (proven in the frame
 *   by the verifier) checks the high half of the 64-bit address, then the
 *   last region a load (a store) matched, then the stack, inline, against
 *   the interpreter's own caches in the VM; a miss calls the region walk
 *   (fc_jit_mem), which records the fault as the interpreter does.
 * - Helper calls (call imm and callx) go through fc_jit_helper: the
 *   allow-list lookup, the budget checks before and after, the fault
 *   check; atomics through fc_jit_atomic. */
#include "jit_internal.h"
#include "thumb2_enc.h"

#if defined(FC_JIT_TARGET_THUMB2)

/* Host registers with a fixed role */
enum { R_Q = 10, R_REG = 11, R_IP = 12 };

/* Short names for the shared contract (jit_internal.h) */
enum {
    K_EXIT = FC_JIT_K_EXIT,
    K_BUDGET = FC_JIT_K_BUDGET,
    K_FAULT = FC_JIT_K_FAULT,
    K_DEPTH = FC_JIT_K_DEPTH,
    FILE_DEPTH = FC_JIT_FILE_DEPTH,
    FILE_MAXDEPTH = FC_JIT_FILE_MAXDEPTH,
    FILE_SP = FC_JIT_FILE_SP,
};
#define CACHE_START_OFF FC_JIT_CACHE_START_OFF
#define CACHE_END_OFF FC_JIT_CACHE_END_OFF
#define SECTION_OFF FC_JIT_SECTION_OFF
#define REG_OFF FC_JIT_REG_OFF
#define TAB_TARGET FC_JIT_TAB_TARGET
#define TAB_POS FC_JIT_TAB_POS
/* mem_check loads a cache's start and its 4-byte bound with one ldrd */
typedef char jit_cache_pair_[CACHE_END_OFF(0, 0) == CACHE_START_OFF(0) + 4 ? 1 : -1];
typedef fc_jit_alu_fn alu_fn;

/* ---- the translator ----------------------------------------------------- */

/* Host registers that hold eBPF registers (pairs lo, lo + 1): the three
 * the program uses most (loops weigh more), chosen per program. */
static const unsigned pair_lo[3] = {4, 6, 8};

typedef struct jit_state {
    t2_emit_t e;
    fc_jit_tr_t *t;           /* the shared bookkeeping (jit_internal.h) */
    const fc_program_t *prog; /* t->prog */
    uint32_t *tab;            /* t->tab: bit 31 = jump target, low bits = position of its entry */
    uint32_t epilogue;        /* position of the common way out */
    uint32_t qbase;           /* Q = L - qbase at this point of the code */
    uint8_t map[16];          /* eBPF register -> host lo register of its pair, 0: in the file */
    const uint32_t *info;     /* t->info: high halves read after, known 0 before */
    uint32_t cur;             /* the slot whose result is being written (the last of a group) */
} jit_state_t;

/* Q -= n (n >= 0), in chunks subw can take */
static void q_sub(jit_state_t *s, uint32_t n)
{
    while (n > 0) {
        uint32_t k = n > 4095u ? 4095u : n;
        t2_addw(&s->e, 1, R_Q, R_Q, k);
        n -= k;
    }
}
/* Make Q relative to index i (i >= qbase). */
static void q_at(jit_state_t *s, uint32_t i)
{
    q_sub(s, i - s->qbase);
    s->qbase = i;
}

static void branch_to(jit_state_t *s, int cond, uint32_t target_pos)
{
    uint32_t at = s->e.pos;
    int32_t disp = ((int32_t)target_pos - (int32_t)at) * 2 - 4;
    t2_w(&s->e, 0, 0);
    if (cond < 0)
        t2_b_at(&s->e, at, 0, disp);
    else
        t2_bcond_at(&s->e, at, (enum t2_cond)cond, disp);
}
/* A forward branch whose target is not known yet: patch_here() fixes it. */
static uint32_t branch_fwd(jit_state_t *s)
{
    uint32_t at = s->e.pos;
    t2_w(&s->e, 0, 0);
    return at;
}
static void patch_here(jit_state_t *s, uint32_t at, int cond)
{
    int32_t disp = ((int32_t)s->e.pos - (int32_t)at) * 2 - 4;
    if (cond < 0)
        t2_b_at(&s->e, at, 0, disp);
    else
        t2_bcond_at(&s->e, at, (enum t2_cond)cond, disp);
}

/* Leave with r0 = kind | index << 8 (Q already relative to index). */
static void leave(jit_state_t *s, uint32_t kind, uint32_t index)
{
    t2_const(&s->e, 0, kind | index << 8);
    branch_to(s, -1, s->epilogue);
}

static void call_fn(jit_state_t *s, const void *fn)
{
    t2_const(&s->e, R_IP, (uint32_t)(uintptr_t)fn);
    t2_blx(&s->e, R_IP);
}

/* r0 = the fc_vm_t (the register file is inside it, at a fixed offset) */
static void vm_to_r0(jit_state_t *s)
{
    t2_addw(&s->e, 1, 0, R_REG, (unsigned)REG_OFF);
}

/* ---- operands: an eBPF register is a host pair (mapped) or file words -- */

static void ld_file(jit_state_t *s, unsigned lo, unsigned r)
{
    t2_ldrd(&s->e, lo, lo + 1, R_REG, r * 8u);
}
static void st_file(jit_state_t *s, unsigned lo, unsigned r)
{
    t2_strd(&s->e, lo, lo + 1, R_REG, r * 8u);
}
static void mov_pair(jit_state_t *s, unsigned to, unsigned from)
{
    if (to != from) {
        t2_mov(&s->e, to, from);
        t2_mov(&s->e, to + 1, from + 1);
    }
}
/* The host pair holding eBPF register r: its own, or scratch after a load. */
static unsigned get(jit_state_t *s, unsigned r, unsigned scratch)
{
    if (s->map[r])
        return s->map[r];
    ld_file(s, scratch, r);
    return scratch;
}
/* eBPF register r into the given scratch pair */
static void get_into(jit_state_t *s, unsigned r, unsigned lo)
{
    if (s->map[r])
        mov_pair(s, lo, s->map[r]);
    else
        ld_file(s, lo, r);
}
/* Where a result for r is computed: its pair, or r0:r1 (then put()) */
static unsigned dreg(jit_state_t *s, unsigned r)
{
    return s->map[r] ? s->map[r] : 0u;
}
/* Is the high half of r read after the current slot (fc_jit_analyse)? If
 * not, a result's high half need not be computed: no instruction reads it
 * before r is written again. */
static int need_hi(jit_state_t *s, unsigned r)
{
    return (FC_JIT_HI_OUT(s->info[s->cur]) >> r) & 1u;
}
/* Is the high half of r known to be 0 before the current slot? */
static int hi_zero(jit_state_t *s, unsigned r)
{
    return (FC_JIT_HZ_IN(s->info[s->cur]) >> r) & 1u;
}
static void put(jit_state_t *s, unsigned r, unsigned lo)
{
    if (!need_hi(s, r)) { /* the low word only */
        if (s->map[r] && s->map[r] != lo)
            t2_mov(&s->e, s->map[r], lo);
        else if (!s->map[r])
            t2_ldst(&s->e, T2_STR, lo, R_REG, r * 8u);
        return;
    }
    if (s->map[r])
        mov_pair(s, s->map[r], lo);
    else
        st_file(s, lo, r);
}
/* The high half of a result whose high half is 0 (when it is read) */
static void hi_0(jit_state_t *s, unsigned r, unsigned lo)
{
    if (need_hi(s, r))
        t2_mov_imm8(&s->e, lo + 1, 0);
}

/* rd = 32-bit constant, one instruction when it has a modified immediate */
static void const32(jit_state_t *s, unsigned rd, uint32_t v)
{
    if (t2_modimm(v) >= 0)
        t2_dpimm(&s->e, T2_ORR, 0, rd, 15u, v);
    else
        t2_const(&s->e, rd, v);
}
/* lo:lo+1 = sign-extended imm */
static void imm64(jit_state_t *s, unsigned lo, int32_t imm)
{
    const32(s, lo, (uint32_t)imm);
    t2_dpimm(&s->e, T2_ORR, 0, lo + 1, 15u, imm < 0 ? 0xffffffffu : 0u);
}
static int has_imm(int32_t v)
{
    return t2_modimm((uint32_t)v) >= 0;
}

/* 64-bit shift of pair d by a constant k (1..63), in place */
static void shift64_k(jit_state_t *s, unsigned d, enum t2_shift sh, unsigned k)
{
    t2_emit_t *e = &s->e;
    unsigned lo = d, hi = d + 1;
    if (sh == T2_LSL) {
        if (k < 32) {
            t2_movsh(e, hi, hi, T2_LSL, k);
            t2_dp(e, T2_ORR, 0, hi, hi, lo, T2_LSR, 32 - k);
            t2_movsh(e, lo, lo, T2_LSL, k);
        } else {
            if (k > 32)
                t2_movsh(e, hi, lo, T2_LSL, k - 32);
            else
                t2_mov(e, hi, lo);
            t2_mov_imm8(e, lo, 0);
        }
        return;
    }
    if (k < 32) {
        t2_movsh(e, lo, lo, T2_LSR, k);
        t2_dp(e, T2_ORR, 0, lo, lo, hi, T2_LSL, 32 - k);
        t2_movsh(e, hi, hi, sh, k);
        return;
    }
    if (k > 32)
        t2_movsh(e, lo, hi, sh, k - 32);
    else
        t2_mov(e, lo, hi);
    if (sh == T2_ASR)
        t2_movsh(e, hi, hi, T2_ASR, 31);
    else
        t2_mov_imm8(e, hi, 0);
}

static int refuse(jit_state_t *s, uint32_t pc, const char *why)
{
    return fc_jit_refuse(s->t, FC_ERR_BAD_OPCODE, pc, why);
}

/* ---- ALU ---------------------------------------------------------------- */

static int is_alu(unsigned op)
{
    switch (op) {
    case FC_OPC_ADD64_K:
    case FC_OPC_ADD64_X:
    case FC_OPC_ADD32_K:
    case FC_OPC_ADD32_X:
    case FC_OPC_SUB64_K:
    case FC_OPC_SUB64_X:
    case FC_OPC_SUB32_K:
    case FC_OPC_SUB32_X:
    case FC_OPC_MUL64_K:
    case FC_OPC_MUL64_X:
    case FC_OPC_MUL32_K:
    case FC_OPC_MUL32_X:
    case FC_OPC_OR64_K:
    case FC_OPC_OR64_X:
    case FC_OPC_OR32_K:
    case FC_OPC_OR32_X:
    case FC_OPC_AND64_K:
    case FC_OPC_AND64_X:
    case FC_OPC_AND32_K:
    case FC_OPC_AND32_X:
    case FC_OPC_XOR64_K:
    case FC_OPC_XOR64_X:
    case FC_OPC_XOR32_K:
    case FC_OPC_XOR32_X:
    case FC_OPC_LSH64_K:
    case FC_OPC_LSH64_X:
    case FC_OPC_LSH32_K:
    case FC_OPC_LSH32_X:
    case FC_OPC_RSH64_K:
    case FC_OPC_RSH64_X:
    case FC_OPC_RSH32_K:
    case FC_OPC_RSH32_X:
    case FC_OPC_ARSH64_K:
    case FC_OPC_ARSH64_X:
    case FC_OPC_ARSH32_K:
    case FC_OPC_ARSH32_X:
    case FC_OPC_DIV64_K:
    case FC_OPC_DIV64_X:
    case FC_OPC_DIV32_K:
    case FC_OPC_DIV32_X:
    case FC_OPC_MOD64_K:
    case FC_OPC_MOD64_X:
    case FC_OPC_MOD32_K:
    case FC_OPC_MOD32_X:
    case FC_OPC_MOV64_K:
    case FC_OPC_MOV64_X:
    case FC_OPC_MOV32_K:
    case FC_OPC_MOV32_X:
    case FC_OPC_NEG64:
    case FC_OPC_NEG32:
    case FC_OPC_LE16:
    case FC_OPC_BE16:
    case FC_OPC_BSWAP16:
        return 1;
    default:
        return 0;
    }
}

#define CODE(id) (FC_OPC_##id & 0xf0u)

static void alu_mov(jit_state_t *s, const fc_insn_t *in, int x, int w64)
{
    t2_emit_t *e = &s->e;
    unsigned d = FC_INSN_DST(*in), r = FC_INSN_SRC(*in), D = dreg(s, d);
    if (x && in->offset) { /* movsx */
        get_into(s, r, 0);
        imm64(s, 2, in->offset);
        call_fn(s, w64 ? (const void *)fc_jit_sext64 : (const void *)fc_jit_sext32);
        put(s, d, 0);
    } else if (x && w64 && need_hi(s, d) && !hi_zero(s, r)) {
        if (s->map[r] && !D)
            st_file(s, s->map[r], d);
        else
            get_into(s, r, D), put(s, d, D);
    } else if (x && s->map[r] && !D && !need_hi(s, d)) { /* the low word, to the file */
        t2_ldst(e, T2_STR, s->map[r], R_REG, d * 8u);
    } else if (x) { /* mov32, or a mov whose high half is 0 or not read */
        unsigned S = s->map[r] ? s->map[r] : (t2_ldst(e, T2_LDR, D, R_REG, r * 8u), D);
        if (S != D)
            t2_mov(e, D, S);
        hi_0(s, d, D);
        put(s, d, D);
    } else {
        const32(s, D, (uint32_t)in->imm);
        if (need_hi(s, d))
            t2_dpimm(e, T2_ORR, 0, D + 1, 15u, (w64 && in->imm < 0) ? 0xffffffffu : 0u);
        put(s, d, D);
    }
}

/* add/sub/or/and/xor: D = A op B */
static void alu_simple(jit_state_t *s, const fc_insn_t *in, unsigned code, int x, int w64)
{
    t2_emit_t *e = &s->e;
    int lo_only = 0;
    unsigned d = FC_INSN_DST(*in), r = FC_INSN_SRC(*in), D = dreg(s, d);
    unsigned A = get(s, d, 0);
    enum t2_dp lo_op, hi_op;
    if (w64 && !need_hi(s, d))
        w64 = 0, lo_only = 1; /* the low word does not depend on the high halves */
    switch (code) {
    case CODE(ADD64_K):
        lo_op = T2_ADD;
        hi_op = T2_ADC;
        break;
    case CODE(SUB64_K):
        lo_op = T2_SUB;
        hi_op = T2_SBC;
        break;
    case CODE(OR64_K):
        lo_op = hi_op = T2_ORR;
        break;
    case CODE(AND64_K):
        lo_op = hi_op = T2_AND;
        break;
    default:
        lo_op = hi_op = T2_EOR;
        break;
    }
    int32_t k = in->imm;
    int addsub = code == CODE(ADD64_K) || code == CODE(SUB64_K);
    if (!x && addsub && k < 0 && k != INT32_MIN && has_imm(-k)) {
        /* add -m is sub m (with the borrow into the high half), and back */
        lo_op = lo_op == T2_ADD ? T2_SUB : T2_ADD;
        hi_op = hi_op == T2_ADC ? T2_SBC : T2_ADC;
        k = -k;
    }
    if (!x && has_imm(k) && (!addsub || k >= 0)) {
        t2_dpimm(e, lo_op, w64, D, A, (uint32_t)k);
        if (!w64) {
            if (!lo_only)
                hi_0(s, d, D);
        } else if (addsub) {
            t2_dpimm(e, hi_op, 0, D + 1, A + 1, 0);
        } else if (in->imm < 0) { /* high half of the sign-extended imm: all ones */
            if (code == CODE(OR64_K))
                t2_dpimm(e, T2_ORR, 0, D + 1, 15u, 0xffffffffu);
            else if (code == CODE(XOR64_K))
                t2_dpimm(e, T2_EOR, 0, D + 1, A + 1, 0xffffffffu);
            else if (D != A)
                t2_mov(e, D + 1, A + 1);
        } else { /* high half 0: or, xor keep it; and clears it */
            if (code == CODE(AND64_K))
                t2_mov_imm8(e, D + 1, 0);
            else if (D != A)
                t2_mov(e, D + 1, A + 1);
        }
        put(s, d, D);
        return;
    }
    unsigned B = 2;
    if (x)
        B = get(s, r, 2);
    else
        imm64(s, 2, in->imm);
    t2_dp(e, lo_op, w64, D, A, B, T2_LSL, 0);
    if (w64)
        t2_dp(e, hi_op, 0, D + 1, A + 1, B + 1, T2_LSL, 0);
    else if (!lo_only)
        hi_0(s, d, D);
    put(s, d, D);
}

static uint32_t hi_zero_mask(jit_state_t *s)
{
    return FC_JIT_HZ_IN(s->info[s->cur]);
}

/* A 64-bit div or mod of operands with zero high halves (fc_jit_div_low):
 * udiv on the low words; by 0, div gives 0 and mod leaves dst. */
static void div_low(jit_state_t *s, const fc_insn_t *in, int div, int x)
{
    t2_emit_t *e = &s->e;
    unsigned d = FC_INSN_DST(*in), D = dreg(s, d), A = get(s, d, 0);
    if (!x && in->imm == 0) { /* by 0 */
        if (div)
            t2_mov_imm8(e, D, 0);
        else if (D != A)
            t2_mov(e, D, A);
    } else {
        unsigned B = 2;
        uint32_t zero = 0, done = 0;
        if (x) {
            B = get(s, FC_INSN_SRC(*in), 2);
            t2_cmp_imm8(e, B, 0);
            zero = branch_fwd(s);
        } else {
            const32(s, 2, (uint32_t)in->imm);
        }
        t2_udiv(e, R_IP, A, B);
        if (div)
            t2_mov(e, D, R_IP);
        else
            t2_mls(e, D, R_IP, B, A);
        if (x) {
            done = branch_fwd(s);
            patch_here(s, zero, T2_EQ);
            if (div)
                t2_mov_imm8(e, D, 0);
            else if (D != A)
                t2_mov(e, D, A);
            patch_here(s, done, -1);
        }
    }
    hi_0(s, d, D);
    put(s, d, D);
}

/* An ALU instruction; 1 if op is not one. */
static int alu(jit_state_t *s, const fc_insn_t *in)
{
    t2_emit_t *e = &s->e;
    unsigned op = in->opcode, d = FC_INSN_DST(*in), r = FC_INSN_SRC(*in);
    int x = (op & 8u) != 0, w64 = (op & 7u) == (FC_OPC_ADD64_K & 7u);
    unsigned code = op & 0xf0u;
    alu_fn fn = NULL;
    if (!is_alu(op))
        return 1;
    if (code == CODE(MOV64_K)) {
        alu_mov(s, in, x, w64);
        return 0;
    }
    if (code == CODE(ADD64_K) || code == CODE(SUB64_K) || code == CODE(OR64_K) ||
        code == CODE(AND64_K) || code == CODE(XOR64_K)) {
        alu_simple(s, in, code, x, w64);
        return 0;
    }
    unsigned D = dreg(s, d);
    /* shifts by a constant: in place on the destination's pair */
    if (!x && (code == CODE(LSH64_K) || code == CODE(RSH64_K) || code == CODE(ARSH64_K))) {
        enum t2_shift sh = code == CODE(LSH64_K) ? T2_LSL : code == CODE(RSH64_K) ? T2_LSR : T2_ASR;
        unsigned k = (unsigned)in->imm & (w64 ? 63u : 31u);
        if (!D)
            ld_file(s, 0, d);
        if (w64 && k && sh == T2_LSL && !need_hi(s, d)) {
            if (k < 32) /* the low word only */
                t2_movsh(e, D, D, T2_LSL, k);
            else
                t2_mov_imm8(e, D, 0);
        } else if (w64 && k && sh == T2_LSR && hi_zero(s, d)) {
            if (k < 32) /* a zero high half: a 32-bit shift */
                t2_movsh(e, D, D, T2_LSR, k);
            else
                t2_mov_imm8(e, D, 0);
            hi_0(s, d, D);
        } else if (w64) {
            if (k)
                shift64_k(s, D, sh, k);
        } else {
            if (k)
                t2_movsh(e, D, D, sh, k);
            hi_0(s, d, D);
        }
        put(s, d, D);
        return 0;
    }
    if (code == CODE(MUL64_K)) {
        unsigned A = get(s, d, 0), B = 2;
        if (x)
            B = get(s, r, 2);
        else if (in->imm >= 0 || !w64)
            const32(s, 2, (uint32_t)in->imm); /* the high half is not read */
        else
            imm64(s, 2, in->imm);
        if (w64 && !need_hi(s, d)) { /* the low word only */
            t2_mul(e, D, A, B);
            put(s, d, D);
        } else if (w64 && !x && in->imm >= 0) { /* b.hi = 0: one cross product */
            t2_mul(e, R_IP, A + 1, B);          /* a.hi * b.lo */
            t2_umull(e, D, D + 1, A, B);        /* a.lo * b.lo (D is A's pair, or r0:r1) */
            t2_dp(e, T2_ADD, 0, D + 1, D + 1, R_IP, T2_LSL, 0);
            put(s, d, D);
        } else if (w64) {
            t2_mul(e, R_IP, A, B + 1);       /* a.lo * b.hi */
            t2_mla(e, R_IP, A + 1, B, R_IP); /* + a.hi * b.lo */
            t2_umull(e, D, D + 1, A, B);     /* a.lo * b.lo */
            t2_dp(e, T2_ADD, 0, D + 1, D + 1, R_IP, T2_LSL, 0);
            put(s, d, D);
        } else {
            t2_mul(e, D, A, B);
            hi_0(s, d, D);
            put(s, d, D);
        }
        return 0;
    }
    if (w64 && (code == CODE(DIV64_K) || code == CODE(MOD64_K)) &&
        fc_jit_div_low(in, hi_zero_mask(s))) {
        div_low(s, in, code == CODE(DIV64_K), x);
        return 0;
    }
    if (!w64 && x && (code == CODE(LSH32_X) || code == CODE(RSH32_X))) {
        unsigned A = get(s, d, 0), B = get(s, r, 2);
        t2_and_imm8(e, 2, B, 31);
        t2_shreg(e, code == CODE(LSH32_X) ? T2_LSL : T2_LSR, D, A, 2);
        hi_0(s, d, D);
        put(s, d, D);
        return 0;
    }
    /* the rest out of line: a in r0:r1, b in r2:r3, result in r0:r1 */
    get_into(s, d, 0);
    if (op == FC_OPC_LE16 || op == FC_OPC_BE16 || op == FC_OPC_BSWAP16 || op == FC_OPC_NEG64 ||
        op == FC_OPC_NEG32 || !x)
        imm64(s, 2, in->imm);
    else
        get_into(s, r, 2);
    int sgn = in->offset == 1;
    if (op == FC_OPC_LE16) {
        fn = fc_jit_le;
    } else if (op == FC_OPC_BE16 || op == FC_OPC_BSWAP16) {
        fn = fc_jit_be;
    } else {
        switch (code) {
        case CODE(LSH64_X):
            fn = fc_jit_lsh64;
            break;
        case CODE(RSH64_X):
            fn = fc_jit_rsh64;
            break;
        case CODE(ARSH64_X):
            fn = w64 ? fc_jit_arsh64 : fc_jit_arsh32;
            break;
        case CODE(DIV64_X):
            fn = w64 ? (sgn ? fc_jit_sdiv64 : fc_jit_div64) : (sgn ? fc_jit_sdiv32 : fc_jit_div32);
            break;
        case CODE(MOD64_X):
            fn = w64 ? (sgn ? fc_jit_smod64 : fc_jit_mod64) : (sgn ? fc_jit_smod32 : fc_jit_mod32);
            break;
        default:
            fn = w64 ? fc_jit_neg64 : fc_jit_neg32;
            break; /* NEG */
        }
    }
    call_fn(s, (const void *)fn);
    put(s, d, 0);
    return 0;
}

/* ---- memory ------------------------------------------------------------- */

/* The guest address base + off: *lo gets the register holding its low
 * half (r0, or the base's own pair when off is 0: callee-saved, so it
 * still holds the address after the slow path's call), the result the one
 * holding its high half; for r10 the verifier proved the frame: 32 bits
 * suffice. */
static unsigned addr_of(jit_state_t *s, unsigned base, int16_t off, unsigned *lo)
{
    t2_emit_t *e = &s->e;
    *lo = 0;
    if (base == 10) {
        t2_ldst(e, T2_LDR, 0, R_REG, 80);
        if (off)
            t2_addw(e, off < 0, 0, 0, (unsigned)(off < 0 ? -off : off));
        return 1;
    }
    unsigned B = get(s, base, 0);
    if (!off) {
        *lo = B;
        return B + 1;
    }
    if (has_imm(off < 0 ? -off : off)) { /* off +-m: m with the carry into the high half */
        t2_dpimm(e, off < 0 ? T2_SUB : T2_ADD, 1, 0, B, (uint32_t)(off < 0 ? -off : off));
        t2_dpimm(e, off < 0 ? T2_SBC : T2_ADC, 0, 1, B + 1, 0);
        return 1;
    }
    t2_const(e, 2, (uint32_t)(int32_t)off);
    t2_dp(e, T2_ADD, 1, 0, B, 2, T2_LSL, 0);
    t2_dp(e, T2_ADC, 0, 1, B + 1, 2, T2_ASR, 31);
    return 1;
}

/* The memory check of an access of the given opcode at address lo and
 * hi; the host address is in lo afterwards (the slow path returns it in
 * r0, which equals lo's value when lo is a mapped register). c: the cache of the kind (1
 * loads, 2 stores), tried first, then the stack's, then the region walk. */
static void mem_check(jit_state_t *s, uint32_t pc, unsigned opcode, unsigned c, unsigned lo,
                      unsigned hi)
{
    t2_emit_t *e = &s->e;
    unsigned k = (opcode >> 3) & 3u;
    uint32_t hi_nz = e->pos;
    int short_hi = hi < 8u;
    if (short_hi) {
        t2_h(e, 0); /* cbnz hi, slow */
    } else {
        t2_cmp_imm8(e, hi, 0);
        hi_nz = branch_fwd(s);
    }
    uint32_t hit[2];
    for (unsigned i = 0; i < 2; i++) {
        unsigned cc = i == 0 ? c : 0u; /* the last hit, then the stack */
        if (k == 0) {                  /* 4 bytes: start and end[0] are adjacent, one ldrd */
            t2_ldrd(e, 2, 3, R_REG, (unsigned)(CACHE_START_OFF(cc) - REG_OFF));
            t2_dp(e, T2_SUB, 0, 2, lo, 2, T2_LSL, 0);
        } else {
            t2_ldst(e, T2_LDR, 2, R_REG, (unsigned)(CACHE_START_OFF(cc) - REG_OFF));
            t2_dp(e, T2_SUB, 0, 2, lo, 2, T2_LSL, 0);
            t2_ldst(e, T2_LDR, 3, R_REG, (unsigned)(CACHE_END_OFF(cc, k) - REG_OFF));
        }
        t2_cmp(e, 2, 3);
        hit[i] = branch_fwd(s);
    }
    if (short_hi)
        t2_cbnz_at(e, hi_nz, hi, (e->pos - hi_nz) * 2u - 4u);
    else
        patch_here(s, hi_nz, T2_NE);
    t2_mov(e, 3, hi);
    t2_mov(e, 2, lo);
    vm_to_r0(s);
    t2_const(e, 1, opcode);
    call_fn(s, (const void *)fc_jit_mem);
    t2_cmp_imm8(e, 1, 0);
    uint32_t ok = branch_fwd(s);
    {
        uint32_t save = s->qbase;
        q_at(s, pc);
        leave(s, K_FAULT, pc);
        s->qbase = save;
    }
    patch_here(s, ok, T2_NE);
    patch_here(s, hit[0], T2_LO);
    patch_here(s, hit[1], T2_LO);
}

static int mem(jit_state_t *s, const fc_insn_t *in, uint32_t pc)
{
    t2_emit_t *e = &s->e;
    unsigned op = in->opcode, d = FC_INSN_DST(*in), r = FC_INSN_SRC(*in);
    unsigned k = (op >> 3) & 3u, hi, lo;
    switch (op) {
    case FC_OPC_LDXW:
    case FC_OPC_LDXH:
    case FC_OPC_LDXB:
    case FC_OPC_LDXDW:
    case FC_OPC_LDXSW:
    case FC_OPC_LDXSH:
    case FC_OPC_LDXSB: {
        hi = addr_of(s, r, in->offset, &lo);
        if (r != 10)
            mem_check(s, pc, op, 1, lo, hi);
        unsigned D = dreg(s, d);
        switch (op) {
        case FC_OPC_LDXDW: /* not ldrd: it needs word alignment */
            t2_ldst(e, T2_LDR, D + 1, lo, 4);
            t2_ldst(e, T2_LDR, D, lo, 0);
            break;
        case FC_OPC_LDXW:
        case FC_OPC_LDXSW:
            t2_ldst(e, T2_LDR, D, lo, 0);
            break;
        case FC_OPC_LDXH:
            t2_ldst(e, T2_LDRH, D, lo, 0);
            break;
        case FC_OPC_LDXB:
            t2_ldst(e, T2_LDRB, D, lo, 0);
            break;
        case FC_OPC_LDXSH:
            t2_ldst(e, T2_LDRSH, D, lo, 0);
            break;
        default:
            t2_ldst(e, T2_LDRSB, D, lo, 0);
            break; /* LDXSB */
        }
        if (!need_hi(s, d))
            ; /* the high half is not read */
        else if (op == FC_OPC_LDXSW || op == FC_OPC_LDXSH || op == FC_OPC_LDXSB)
            t2_movsh(e, D + 1, D, T2_ASR, 31);
        else if (op != FC_OPC_LDXDW)
            t2_mov_imm8(e, D + 1, 0);
        put(s, d, D);
        return 0;
    }
    case FC_OPC_STW:
    case FC_OPC_STH:
    case FC_OPC_STB:
    case FC_OPC_STDW:
    case FC_OPC_STXW:
    case FC_OPC_STXH:
    case FC_OPC_STXB:
    case FC_OPC_STXDW: {
        hi = addr_of(s, d, in->offset, &lo);
        if (d != 10)
            mem_check(s, pc, op, 2, lo, hi);
        unsigned V = 2;
        if (op & 1u) /* stx */
            V = get(s, r, 2);
        else
            imm64(s, 2, in->imm);
        switch (k) {
        case 0:
            t2_ldst(e, T2_STR, V, lo, 0);
            break;
        case 1:
            t2_ldst(e, T2_STRH, V, lo, 0);
            break;
        case 2:
            t2_ldst(e, T2_STRB, V, lo, 0);
            break;
        default:
            t2_ldst(e, T2_STR, V, lo, 0);
            t2_ldst(e, T2_STR, V + 1, lo, 4);
            break;
        }
        return 0;
    }
    default:
        return 1;
    }
}

/* Atomics call fc_jit_atomic with the mapped registers it reads and writes
 * (src, r0) in the file. */
static int atomic_op(jit_state_t *s, const fc_insn_t *in, uint32_t pc)
{
    t2_emit_t *e = &s->e;
    unsigned op = in->opcode, d = FC_INSN_DST(*in), r = FC_INSN_SRC(*in);
    if (op != FC_OPC_ATOMIC32_ADD && op != FC_OPC_ATOMIC64_ADD)
        return 1;
    if (s->map[r])
        st_file(s, s->map[r], r);
    if (s->map[0] && r != 0)
        st_file(s, s->map[0], 0);
    unsigned lo, hi = addr_of(s, d, in->offset, &lo);
    if (d == 10)
        t2_mov_imm8(e, 3, 0);
    else
        t2_mov(e, 3, hi);
    t2_mov(e, 2, lo);
    vm_to_r0(s);
    t2_const(e, 1,
             (d == 10 ? 1u << 31 : 0u) | r << 24 | ((uint32_t)in->imm & 0xffu) << 8 |
                 (op == FC_OPC_ATOMIC64_ADD ? 8u : 4u));
    call_fn(s, (const void *)fc_jit_atomic);
    t2_cmp_imm8(e, 0, 0);
    uint32_t ok = branch_fwd(s);
    {
        uint32_t save = s->qbase;
        q_at(s, pc);
        leave(s, K_FAULT, pc);
        s->qbase = save;
    }
    patch_here(s, ok, T2_EQ);
    if (s->map[r])
        ld_file(s, s->map[r], r);
    if (s->map[0] && r != 0)
        ld_file(s, s->map[0], 0);
    return 0;
}

/* ---- jumps -------------------------------------------------------------- */

/* The operands and the compare of a conditional jump; the condition
 * under which it is taken. */
static int jcc_compare(jit_state_t *s, const fc_insn_t *in)
{
    t2_emit_t *e = &s->e;
    unsigned op = in->opcode, d = FC_INSN_DST(*in), r = FC_INSN_SRC(*in);
    unsigned code = op & 0xf0u;
    int w64 = (op & 7u) == (FC_OPC_JEQ_K & 7u), x = (op & 8u) != 0;
    /* both high halves 0: the low words, unsigned, decide */
    int low = w64 && fc_jit_cmp_low(in, hi_zero_mask(s));
    if (low)
        w64 = 0;
    unsigned A = get(s, d, 0), B = 2;
    int swap = 0, cond;
    switch (code) {
    case CODE(JEQ_K):
        cond = T2_EQ;
        break;
    case CODE(JNE_K):
        cond = T2_NE;
        break;
    case CODE(JSET_K):
        cond = T2_NE;
        break;
    case CODE(JGT_K):
        cond = w64 ? T2_LO : T2_HI;
        swap = 1;
        break;
    case CODE(JGE_K):
        cond = T2_HS;
        break;
    case CODE(JLT_K):
        cond = T2_LO;
        break;
    case CODE(JLE_K):
        cond = w64 ? T2_HS : T2_LS;
        swap = 1;
        break;
    case CODE(JSGT_K):
        cond = w64 ? T2_LT : T2_GT;
        swap = 1;
        break;
    case CODE(JSGE_K):
        cond = T2_GE;
        break;
    case CODE(JSLT_K):
        cond = T2_LT;
        break;
    default:
        cond = w64 ? T2_GE : T2_LE;
        swap = 1;
        break; /* JSLE */
    }
    if (low) /* both non-negative: the signed orders are the unsigned ones */
        cond = cond == T2_GT   ? T2_HI
               : cond == T2_GE ? T2_HS
               : cond == T2_LT ? T2_LO
               : cond == T2_LE ? T2_LS
                               : cond;
    int eq = code == CODE(JEQ_K) || code == CODE(JNE_K) || code == CODE(JSET_K);
    int kimm = !x && has_imm(in->imm);
    uint32_t khi = in->imm < 0 ? 0xffffffffu : 0u;
    if (!w64) {
        if (kimm)
            t2_dpimm(e, code == CODE(JSET_K) ? T2_AND : T2_SUB, 1, 15u, A, (uint32_t)in->imm);
        else {
            if (x)
                B = get(s, r, 2);
            else
                imm64(s, 2, in->imm);
            if (code == CODE(JSET_K))
                t2_tst(e, A, B);
            else
                t2_cmp(e, A, B);
        }
    } else if (eq && kimm) {
        enum t2_dp o = code == CODE(JSET_K) ? T2_AND : T2_EOR;
        t2_dpimm(e, o, 0, R_IP, A, (uint32_t)in->imm);
        if (khi == 0 && o == T2_AND) {
            t2_dp(e, T2_ORR, 1, R_IP, R_IP, R_IP, T2_LSL, 0); /* the high half of imm is 0 */
        } else {
            unsigned H = A + 1;
            if (khi) { /* and with all ones keeps it; xor with all ones flips it */
                if (o == T2_EOR) {
                    t2_dpimm(e, T2_EOR, 0, 14u, A + 1, khi);
                    H = 14u;
                }
            }
            t2_dp(e, T2_ORR, 1, R_IP, R_IP, H, T2_LSL, 0);
        }
    } else if (!swap && kimm) {
        t2_dpimm(e, T2_SUB, 1, 15u, A, (uint32_t)in->imm);
        t2_dpimm(e, T2_SBC, 1, R_IP, A + 1, khi);
    } else {
        if (x)
            B = get(s, r, 2);
        else
            imm64(s, 2, in->imm);
        if (eq) {
            enum t2_dp o = code == CODE(JSET_K) ? T2_AND : T2_EOR;
            t2_dp(e, o, 0, R_IP, A, B, T2_LSL, 0);
            t2_dp(e, o, 0, 14u, A + 1, B + 1, T2_LSL, 0);
            t2_dp(e, T2_ORR, 1, R_IP, R_IP, 14u, T2_LSL, 0);
        } else if (swap) {
            t2_dp(e, T2_SUB, 1, R_IP, B, A, T2_LSL, 0);
            t2_dp(e, T2_SBC, 1, R_IP, B + 1, A + 1, T2_LSL, 0);
        } else {
            t2_dp(e, T2_SUB, 1, R_IP, A, B, T2_LSL, 0);
            t2_dp(e, T2_SBC, 1, R_IP, A + 1, B + 1, T2_LSL, 0);
        }
    }
    return cond;
}

/* Where the body of jump target t starts: past its budget check (cmp,
 * bgt, the way out with kind and index, b; see emit_program). */
static uint32_t body_pos(jit_state_t *s, uint32_t t)
{
    return TAB_POS(s->tab[t]) + 2u + 2u + (((K_BUDGET | t << 8) >> 16) ? 4u : 2u) + 2u;
}

/* A backward transfer (a loop's back-edge): the budget is taken and
 * checked at the jump (subs sets the flags), so the jump goes to the
 * target's body past its check. With the budget spent, the slow path
 * decides the jump again: taken, a budget fault at the target (as the
 * target's own check would report it); not taken, straight on. */
static void back_edge(jit_state_t *s, const fc_insn_t *in, uint32_t pc, uint32_t t, int cond_jump)
{
    t2_dpimm(&s->e, T2_SUB, 1, R_Q, R_Q, pc + 1u - s->qbase);
    s->qbase = pc + 1;
    uint32_t slow = branch_fwd(s);
    if (!cond_jump) {
        branch_to(s, -1, body_pos(s, t));
        patch_here(s, slow, T2_LE);
        leave(s, K_BUDGET, t);
        return;
    }
    branch_to(s, jcc_compare(s, in), body_pos(s, t));
    uint32_t over = branch_fwd(s);
    patch_here(s, slow, T2_LE);
    int cond = jcc_compare(s, in);
    uint32_t taken = branch_fwd(s);
    uint32_t over2 = branch_fwd(s);
    patch_here(s, taken, cond);
    leave(s, K_BUDGET, t);
    patch_here(s, over, -1);
    patch_here(s, over2, -1);
}

static int jump(jit_state_t *s, const fc_insn_t *in, uint32_t pc)
{
    unsigned op = in->opcode, cls = op & 7u;
    if (op == FC_OPC_JA || op == FC_OPC_JA32) {
        uint32_t t = pc + 1u + (uint32_t)(op == FC_OPC_JA ? (int32_t)in->offset : in->imm);
        if (t <= pc && has_imm((int32_t)(pc + 1u - s->qbase))) {
            back_edge(s, in, pc, t, 0);
            return 0;
        }
        q_at(s, pc + 1);
        branch_to(s, -1, TAB_POS(s->tab[t]));
        return 0;
    }
    if (cls != (FC_OPC_JEQ_K & 7u) && cls != (FC_OPC_JEQ32_K & 7u))
        return 1;
    unsigned code = op & 0xf0u;
    if (code == CODE(CALL) || code == CODE(EXIT))
        return 1;
    uint32_t t = pc + 1u + (uint32_t)(int32_t)in->offset;
    if (t <= pc && has_imm((int32_t)(pc + 1u - s->qbase))) {
        back_edge(s, in, pc, t, 1);
        return 0;
    }
    q_at(s, pc + 1);
    branch_to(s, jcc_compare(s, in), TAB_POS(s->tab[t]));
    return 0;
}

/* ---- helper calls --------------------------------------------------------- */

static void helper_call(jit_state_t *s, const fc_insn_t *in, uint32_t pc)
{
    t2_emit_t *e = &s->e;
    q_at(s, pc);
    /* the helper reads r1..r5 from the file */
    for (unsigned r = 1; r <= 5; r++)
        if (s->map[r])
            st_file(s, s->map[r], r);
    if (in->opcode == FC_OPC_CALLX) {
        get_into(s, FC_INSN_DST(*in), 2);
    } else {
        t2_const(e, 2, (uint32_t)in->imm);
        t2_mov_imm8(e, 3, 0);
    }
    vm_to_r0(s);
    t2_mov(e, 1, R_Q);
    call_fn(s, (const void *)fc_jit_helper);
    t2_cmp_imm8(e, 0, 0);
    uint32_t ok = branch_fwd(s);
    t2_const(e, R_IP, pc << 8);
    t2_dp(e, T2_ORR, 0, 0, 0, R_IP, T2_LSL, 0);
    branch_to(s, -1, s->epilogue);
    patch_here(s, ok, T2_EQ);
    if (s->map[0])
        ld_file(s, s->map[0], 0); /* the helper's result */
    /* stop before the next instruction if the call spent the budget */
    t2_subs_imm8(e, R_Q, R_Q, 1);
    s->qbase = pc + 1;
    uint32_t more = branch_fwd(s);
    leave(s, K_BUDGET, pc + 1);
    patch_here(s, more, T2_GT);
}

/* A local call: the interpreter's depth check (against the verified
 * depth, known here), eBPF r6..r9 and the return point on the host stack
 * (40 bytes a level, 8-byte aligned), the frame pointer moved, then a
 * transfer to the callee's checked entry. */
static void local_call(jit_state_t *s, const fc_insn_t *in, uint32_t pc)
{
    t2_emit_t *e = &s->e;
    uint32_t limit =
        s->prog->call_depth < FC_MAX_CALL_DEPTH ? s->prog->call_depth : FC_MAX_CALL_DEPTH;
    t2_ldst(e, T2_LDR, 0, R_REG, FILE_DEPTH);
    t2_cmp_imm8(e, 0, limit);
    uint32_t ok = branch_fwd(s);
    {
        uint32_t save = s->qbase;
        q_at(s, pc);
        leave(s, K_DEPTH, pc);
        s->qbase = save;
    }
    patch_here(s, ok, T2_LO);
    t2_dpimm(e, T2_ADD, 0, 0, 0, 1);
    t2_ldst(e, T2_STR, 0, R_REG, FILE_DEPTH);
    t2_ldst(e, T2_LDR, 1, R_REG, FILE_MAXDEPTH);
    t2_cmp(e, 0, 1);
    uint32_t not_deeper = branch_fwd(s);
    t2_ldst(e, T2_STR, 0, R_REG, FILE_MAXDEPTH);
    patch_here(s, not_deeper, T2_LS);
    if (s->t->callee_r6_r9) {
        for (unsigned r = 6; r <= 9; r++)
            if (s->map[r])
                st_file(s, s->map[r], r);
        ld_file(s, 0, 6);
        ld_file(s, 2, 7);
        t2_push(e, 0x000fu);
        ld_file(s, 0, 8);
        ld_file(s, 2, 9);
        t2_push(e, 0x000fu);
    }
    if (s->t->callee_r10) {
        t2_ldst(e, T2_LDR, 0, R_REG, 80);
        t2_addw(e, 1, 0, 0, s->prog->frame_size);
        t2_ldst(e, T2_STR, 0, R_REG, 80);
    }
    /* the return point: the checked entry of pc + 1 (Thumb bit set) */
    uint32_t at = e->pos;
    uint32_t ret = TAB_POS(s->tab[pc + 1]) * 2u + 1u;
    uint32_t base = (at * 2u + 4u) & ~3u;
    t2_addw(e, 0, 0, 15u, ret > base ? ret - base : 0u);
    t2_push(e, 0x0003u);
    q_at(s, pc + 1);
    branch_to(s, -1, TAB_POS(s->tab[pc + 1u + (uint32_t)in->imm]));
}

static void epilogue(jit_state_t *s, int has_calls)
{
    t2_emit_t *e = &s->e;
    if (has_calls) {
        t2_ldst(e, T2_LDR, 2, R_REG, FILE_SP);
        t2_mov(e, 13u, 2);
    }
    t2_mov(e, 1, R_Q);
    t2_pop(e, 0x8ff8u); /* r3-r11, pc */
}

/* exit: at depth 0 the run ends; deeper, the interpreter's return (r6..r9
 * and the frame pointer back, a transfer to the return point). */
static void exit_op(jit_state_t *s, uint32_t pc, int has_calls)
{
    t2_emit_t *e = &s->e;
    uint32_t deeper = 0;
    if (has_calls) {
        t2_ldst(e, T2_LDR, 0, R_REG, FILE_DEPTH);
        t2_cmp_imm8(e, 0, 0);
        deeper = branch_fwd(s);
    }
    uint32_t save = s->qbase;
    if (s->map[0])
        st_file(s, s->map[0], 0);
    q_at(s, pc);
    if (!has_calls) { /* the way out inline: no branch */
        t2_const(e, 0, K_EXIT | pc << 8);
        epilogue(s, 0);
        return;
    }
    leave(s, K_EXIT, pc);
    s->qbase = save;
    patch_here(s, deeper, T2_NE);
    t2_dpimm(e, T2_SUB, 0, 0, 0, 1);
    t2_ldst(e, T2_STR, 0, R_REG, FILE_DEPTH);
    t2_pop(e, 0x0003u);
    t2_mov(e, R_IP, 0);
    if (s->t->callee_r6_r9) {
        t2_pop(e, 0x000fu);
        st_file(s, 0, 8);
        st_file(s, 2, 9);
        t2_pop(e, 0x000fu);
        st_file(s, 0, 6);
        st_file(s, 2, 7);
        for (unsigned r = 6; r <= 9; r++)
            if (s->map[r])
                ld_file(s, s->map[r], r);
    }
    if (s->t->callee_r10) {
        t2_ldst(e, T2_LDR, 0, R_REG, 80);
        t2_addw(e, 0, 0, 0, s->prog->frame_size);
        t2_ldst(e, T2_STR, 0, R_REG, 80);
    }
    q_at(s, pc + 1);
    t2_bx(e, R_IP);
}

/* An extension group (fc_jit_ext_group): one instruction, with the mov
 * joining. Returns the slots consumed (0: no such group at pc). */
static int fused_ext(jit_state_t *s, uint32_t pc)
{
    const fc_insn_t *in = &s->prog->text[pc];
    unsigned d = FC_INSN_DST(*in), D = dreg(s, d), S, group = fc_jit_ext_group(s->prog, s->tab, pc);
    if (!group)
        return 0;
    int with_mov = group == 3;
    const fc_insn_t *sh = &in[with_mov ? 2 : 1];
    unsigned r = with_mov ? FC_INSN_SRC(*in) : d;
    s->cur = pc + (with_mov ? 2u : 1u); /* the group's result is the last slot's */
    if (s->map[r])
        S = s->map[r];
    else
        t2_ldst(&s->e, T2_LDR, D, R_REG, r * 8u), S = D;
    if (S != D)
        t2_mov(&s->e, D, S);
    if (!need_hi(s, d))
        ; /* the high half is not read */
    else if (sh->opcode == FC_OPC_RSH64_K)
        t2_mov_imm8(&s->e, D + 1, 0);
    else
        t2_movsh(&s->e, D + 1, D, T2_ASR, 31);
    put(s, d, D);
    return with_mov ? 3 : 2;
}

/* One pass over the program; positions are final once pass 1 recorded
 * them (every branch is 32 bits, whatever its distance). */
static int emit_program(jit_state_t *s, int pass)
{
    t2_emit_t *e = &s->e;
    const fc_program_t *p = s->prog;
    e->pos = 0;
    e->full = 0;
    /* prologue: r0 = vm (unused: the file is inside it), r1 = register
     * file, r2 = Q; 10 registers keep the stack 8-byte aligned for calls */
    int has_calls = p->call_depth > 0;
    t2_push(e, 0x4ff8u); /* r3-r11, lr */
    t2_mov(e, R_REG, 1);
    t2_mov(e, R_Q, 2);
    if (has_calls) { /* a fault deep in calls leaves with the entry's sp */
        t2_mov(e, 0, 13u);
        t2_ldst(e, T2_STR, 0, R_REG, FILE_SP);
    }
    /* The mapped registers from the file. When the program reads no
     * register before writing it (the verifier's undefined_reads: r1, r2
     * and r10 excepted), r0 and r6..r9 need not be: no helper reads them
     * (helpers read r1..r5, stored to the file before a call), nor r3..r5
     * when the program calls no helper. (A lddw's second slot has opcode
     * 0: never taken for a call here.) */
    int helpers = 0;
    for (uint32_t pc = 0; pc < p->len; pc++)
        helpers |= p->text[pc].opcode == FC_OPC_CALLX ||
                   (p->text[pc].opcode == FC_OPC_CALL && FC_INSN_SRC(p->text[pc]) == 0);
    for (unsigned r = 0; r < 11; r++)
        if (s->map[r] && (p->undefined_reads || r == 1 || r == 2 || (helpers && r <= 5)))
            ld_file(s, s->map[r], r);
    s->qbase = 0;
    int falls = 1; /* can the previous instruction fall through? */
    for (uint32_t pc = 0; pc < p->len; pc++) {
        const fc_insn_t *in = &p->text[pc];
        if (s->tab[pc] & TAB_TARGET) {
            uint32_t skip = 0;
            if (falls) {
                q_at(s, pc);
                skip = branch_fwd(s);
            }
            if (pass == 1)
                s->tab[pc] = TAB_TARGET | e->pos;
            s->qbase = pc;
            /* entered by a transfer: the interpreter's "pc >= limit" */
            t2_cmp_imm8(e, R_Q, 0);
            uint32_t fine = branch_fwd(s);
            leave(s, K_BUDGET, pc);
            patch_here(s, fine, T2_GT);
            if (falls)
                patch_here(s, skip, -1);
        }
        falls = 1;
        unsigned op = in->opcode;
        s->cur = pc;
        if (op == FC_OPC_LDDW) {
            unsigned src = FC_INSN_SRC(*in) & 3u, d = FC_INSN_DST(*in), D = dreg(s, d);
            const32(s, D, (uint32_t)in->imm);
            const32(s, D + 1, (uint32_t)in[1].imm); /* (read by the section add's carry) */
            if (src) {
                t2_ldrd(e, 2, 3, R_REG, (unsigned)(SECTION_OFF(src) - REG_OFF));
                t2_dp(e, T2_ADD, 1, D, D, 2, T2_LSL, 0);
                t2_dp(e, T2_ADC, 0, D + 1, D + 1, 3, T2_LSL, 0);
            }
            put(s, d, D);
            pc++;
            s->qbase++; /* the interpreter moves its limit with the second slot */
            continue;
        }
        if (op == FC_OPC_EXIT) {
            exit_op(s, pc, has_calls);
            falls = 0;
            continue;
        }
        if (op == FC_OPC_CALL && FC_INSN_SRC(*in) == 1) {
            if (p->frame_size > 4095u)
                return refuse(s, pc, "frame size above 4095 bytes: not translated");
            local_call(s, in, pc);
            falls = 0;
            continue;
        }
        if (op == FC_OPC_CALL || op == FC_OPC_CALLX) {
            helper_call(s, in, pc);
            continue;
        }
        if (op == FC_OPC_JA || op == FC_OPC_JA32)
            falls = 0;
        int fused = fused_ext(s, pc);
        if (fused) {
            pc += (uint32_t)fused - 1u;
            continue;
        }
        if (alu(s, in) == 0 || mem(s, in, pc) == 0 || jump(s, in, pc) == 0 ||
            atomic_op(s, in, pc) == 0)
            continue;
        return refuse(s, pc, "instruction not translated"); /* every row is covered above */
    }
    /* the common way out (pass 1 found its position; leave() branches
     * here): Q into r1 for fc_jit_run, the entry's sp when calls move it */
    s->epilogue = e->pos;
    epilogue(s, has_calls);
    if (e->full)
        return fc_jit_refuse(s->t, FC_ERR_TOO_LARGE, p->len, "JIT code buffer full");
    return 0;
}

int fc_jit_arch_translate(fc_jit_tr_t *t, void *buf, size_t cap, uint32_t *size)
{
    jit_state_t s;
    s.t = t;
    s.prog = t->prog;
    s.tab = t->tab;
    s.info = t->info;
    s.cur = 0;
    s.epilogue = 0; /* pass 1 finds it; pass 2 branches there */
    fc_jit_analyse(t, 3);
    for (unsigned r = 0; r < 16; r++)
        s.map[r] = t->rank[r] ? (uint8_t)pair_lo[t->rank[r] - 1u] : 0u;
    s.e.buf = NULL;
    s.e.cap = (uint32_t)(cap / 2);
    if (emit_program(&s, 1) != 0)
        return -1;
    s.e.buf = (uint16_t *)buf;
    if (emit_program(&s, 2) != 0)
        return -1;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    *size = s.e.pos * 2u;
    return 0;
}

#endif /* FC_JIT_TARGET_THUMB2 */
