/* The checked JIT for Thumb-2 (Cortex-M3/M4/M7/M33): fc_jit_translate()
 * and fc_jit_run() (femto/vm.h). docs/jit.md explains the design; in short:
 *
 * - Host registers: r11 = the VM's register file (eBPF r0..r10, 64 bits
 *   each, low word first), r10 = Q, the budget left (see below), r9 = the
 *   fc_vm_t. r0..r3, r12, lr are scratch; an instruction loads its operands
 *   from the file into r0:r1 (dst) and r2:r3 (src or immediate), computes,
 *   and stores r0:r1 back.
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
 *   (jit_mem), which records the fault as the interpreter does.
 * - Helper calls (call imm and callx) go through jit_helper: the allow-list
 *   lookup, the budget checks before and after, the fault check.
 * - What the JIT does not cover yet (local calls, atomics) refuses the
 *   program with a reason: fc_jit_run then runs the interpreter. */
#include "../vm_run.h"
#include "thumb2_enc.h"

#include <stddef.h>

/* Host registers with a fixed role */
enum { R_VM = 9, R_Q = 10, R_REG = 11, R_IP = 12 };

/* What generated code returns in r0 (and Q in r1): kind | index << 8 */
enum { K_EXIT = 0, K_BUDGET = 1, K_FAULT = 2, K_DEPTH = 3 };

/* Words of the register file past r10 (never named by a verified program)
 * that generated code with local calls keeps its state in: the call depth,
 * the deepest depth reached, and the host sp at entry. */
enum { FILE_DEPTH = 11 * 8, FILE_MAXDEPTH = 12 * 8, FILE_SP = 13 * 8 };

#define VM_PRIV_OFF offsetof(fc_vm_t, private_)
#define CACHE_OFF(c)                                                                               \
    (VM_PRIV_OFF + offsetof(struct fc_vm_private, cache) + (c) * sizeof(region_cache_t))
#define CACHE_START_OFF(c) (CACHE_OFF(c) + offsetof(region_cache_t, start))
#define CACHE_END_OFF(c, k) (CACHE_OFF(c) + offsetof(region_cache_t, end) + (k) * sizeof(uintptr_t))
#define SECTION_OFF(s) (offsetof(fc_vm_t, section_base) + (s) * sizeof(uint64_t))
/* The register file's offset in fc_vm_t: generated code reaches the VM
 * (caches, sections, the pointer its calls pass) from the file's address */
#define REG_OFF (VM_PRIV_OFF + offsetof(struct fc_vm_private, reg))

#if defined(__thumb2__) /* the translator and its run-time support */

/* ---- run-time support called by generated code ---------------------------- */

/* The slow path of a memory check: the region walk; on a match the region
 * becomes the cache of loads or stores (as interp_small.c's mem_slow).
 * Returns the address in the low word and 1 in the high word, or 0 with
 * vm->fault recorded. */
static uint64_t jit_mem(fc_vm_t *vm, uint32_t opcode, uint64_t a)
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
 * the allow-list lookup first, then the budget, then the call; K_FAULT,
 * K_BUDGET or 0 (as interp_small.c's helper path). */
static uint32_t jit_helper(fc_vm_t *vm, int32_t q, uint64_t id)
{
    fc_helper_fn fn = helper_lookup(vm, id);
    if (FC_UNLIKELY(!fn)) {
        vm->fault.code = FC_FAULT_HELPER;
        vm->fault.reason = FC_WHY("call to a helper that is unknown or not allowed");
        vm->fault.addr = id;
        return K_FAULT;
    }
    if (q <= 0)
        return K_BUDGET;
    uint64_t *reg = VMP(vm)->reg;
    vm->executed = VMP(vm)->budget_slots + 1u - (uintptr_t)(intptr_t)q;
    reg[0] = fn(vm, reg[1], reg[2], reg[3], reg[4], reg[5]);
    return vm->fault.code != FC_OK ? K_FAULT : 0;
}

/* An atomic read-modify-write: word = r10 base << 31 | src << 24 | imm << 8
 * | size. The interpreter's checks (a region walk for read and write, none
 * for r10, proven in the frame) and its semantics (atomic_rmw) on the
 * register file; K_FAULT with vm->fault recorded, or 0. */
static uint32_t jit_atomic(fc_vm_t *vm, uint32_t word, uint64_t a)
{
    uint32_t size = word & 0xffu;
    if (!(word >> 31) && region_lookup(vm, a, size, FC_PERM_RW) < 0)
        return K_FAULT;
    uint64_t *reg = VMP(vm)->reg;
    atomic_rmw((void *)(uintptr_t)a, size == 8, (int32_t)((word >> 8) & 0xffu),
               &reg[(word >> 24) & 0xfu], &reg[0]);
    return 0;
}

/* ALU operations the generated code calls out of line (rare, or 64-bit
 * work that is a library call on this core anyway): a op b. */
static uint64_t j_lsh64(uint64_t a, uint64_t b)
{
    return a << (b & 63);
}
static uint64_t j_rsh64(uint64_t a, uint64_t b)
{
    return a >> (b & 63);
}
static uint64_t j_arsh64(uint64_t a, uint64_t b)
{
    return sar64(a, (unsigned)(b & 63));
}
static uint64_t j_arsh32(uint64_t a, uint64_t b)
{
    return sar32((uint32_t)a, (uint32_t)b & 31);
}
static uint64_t j_div64(uint64_t a, uint64_t b)
{
    return b ? a / b : 0;
}
static uint64_t j_mod64(uint64_t a, uint64_t b)
{
    return b ? a % b : a;
}
static uint64_t j_sdiv64(uint64_t a, uint64_t b)
{
    return sdiv64(a, b);
}
static uint64_t j_smod64(uint64_t a, uint64_t b)
{
    return smod64(a, b);
}
static uint64_t j_div32(uint64_t a, uint64_t b)
{
    return (uint32_t)b ? (uint32_t)a / (uint32_t)b : 0;
}
static uint64_t j_mod32(uint64_t a, uint64_t b)
{
    return (uint32_t)b ? (uint32_t)a % (uint32_t)b : (uint32_t)a;
}
static uint64_t j_sdiv32(uint64_t a, uint64_t b)
{
    return sdiv32((uint32_t)a, (uint32_t)b);
}
static uint64_t j_smod32(uint64_t a, uint64_t b)
{
    return smod32((uint32_t)a, (uint32_t)b);
}
static uint64_t j_neg64(uint64_t a, uint64_t b)
{
    (void)b;
    return (uint64_t)0 - a;
}
static uint64_t j_neg32(uint64_t a, uint64_t b)
{
    (void)b;
    return (uint32_t)((uint32_t)0 - (uint32_t)a);
}
static uint64_t j_sext64(uint64_t a, uint64_t b)
{
    return sext(a, (unsigned)b);
}
static uint64_t j_sext32(uint64_t a, uint64_t b)
{
    return (uint32_t)sext(a, (unsigned)b);
}
static uint64_t j_le(uint64_t a, uint64_t b)
{
    return b == 16 ? (uint16_t)a : b == 32 ? (uint32_t)a : a;
}
static uint64_t j_be(uint64_t a, uint64_t b)
{
    return b == 16 ? swap16(a) : b == 32 ? swap32(a) : swap64(a);
}

typedef uint64_t (*alu_fn)(uint64_t, uint64_t);

/* ---- the translator ----------------------------------------------------- */

/* Host registers that hold eBPF registers (pairs lo, lo + 1): the three
 * the program uses most (loops weigh more), chosen per program. */
static const unsigned pair_lo[3] = {4, 6, 8};

typedef struct jit_state {
    t2_emit_t e;
    const fc_program_t *prog;
    uint32_t *tab;     /* per slot: bit 31 = jump target, low bits = position of its entry */
    uint32_t epilogue; /* position of the common way out */
    uint32_t qbase;    /* Q = L - qbase at this point of the code */
    uint8_t map[16];   /* eBPF register -> host lo register of its pair, 0: in the file */
    /* Does any code a local call can reach (from the lowest call target
     * to the end: every callee lies there) name r6..r9, or r10? If not,
     * a call need not save r6..r9, or move the frame pointer: nothing
     * there could observe or change them. */
    uint8_t callee_r6_r9, callee_r10;
    fc_error_t *why;
} jit_state_t;

#define TAB_TARGET 0x80000000u
#define TAB_POS(v) ((v)&0x7fffffffu)

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
static void put(jit_state_t *s, unsigned r, unsigned lo)
{
    if (s->map[r])
        mov_pair(s, s->map[r], lo);
    else
        st_file(s, lo, r);
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
    s->why->code = FC_ERR_BAD_OPCODE;
    s->why->where = pc;
    s->why->reason = why;
    return -1;
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
        call_fn(s, w64 ? (const void *)j_sext64 : (const void *)j_sext32);
        put(s, d, 0);
    } else if (x && w64) {
        if (s->map[r] && !D)
            st_file(s, s->map[r], d);
        else
            get_into(s, r, D), put(s, d, D);
    } else if (x) {
        unsigned S = s->map[r] ? s->map[r] : (t2_ldst(e, T2_LDR, D, R_REG, r * 8u), D);
        if (S != D)
            t2_mov(e, D, S);
        t2_mov_imm8(e, D + 1, 0);
        put(s, d, D);
    } else {
        const32(s, D, (uint32_t)in->imm);
        t2_dpimm(e, T2_ORR, 0, D + 1, 15u, (w64 && in->imm < 0) ? 0xffffffffu : 0u);
        put(s, d, D);
    }
}

/* add/sub/or/and/xor: D = A op B */
static void alu_simple(jit_state_t *s, const fc_insn_t *in, unsigned code, int x, int w64)
{
    t2_emit_t *e = &s->e;
    unsigned d = FC_INSN_DST(*in), r = FC_INSN_SRC(*in), D = dreg(s, d);
    unsigned A = get(s, d, 0);
    enum t2_dp lo_op, hi_op;
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
            t2_mov_imm8(e, D + 1, 0);
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
    else
        t2_mov_imm8(e, D + 1, 0);
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
        if (w64) {
            if (k)
                shift64_k(s, D, sh, k);
        } else {
            if (k)
                t2_movsh(e, D, D, sh, k);
            t2_mov_imm8(e, D + 1, 0);
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
        if (w64 && !x && in->imm >= 0) { /* b.hi = 0: one cross product */
            t2_mul(e, R_IP, A + 1, B);   /* a.hi * b.lo */
            t2_umull(e, D, D + 1, A, B); /* a.lo * b.lo (D is A's pair, or r0:r1) */
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
            t2_mov_imm8(e, D + 1, 0);
            put(s, d, D);
        }
        return 0;
    }
    if (!w64 && x && (code == CODE(LSH32_X) || code == CODE(RSH32_X))) {
        unsigned A = get(s, d, 0), B = get(s, r, 2);
        t2_and_imm8(e, 2, B, 31);
        t2_shreg(e, code == CODE(LSH32_X) ? T2_LSL : T2_LSR, D, A, 2);
        t2_mov_imm8(e, D + 1, 0);
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
        fn = j_le;
    } else if (op == FC_OPC_BE16 || op == FC_OPC_BSWAP16) {
        fn = j_be;
    } else {
        switch (code) {
        case CODE(LSH64_X):
            fn = j_lsh64;
            break;
        case CODE(RSH64_X):
            fn = j_rsh64;
            break;
        case CODE(ARSH64_X):
            fn = w64 ? j_arsh64 : j_arsh32;
            break;
        case CODE(DIV64_X):
            fn = w64 ? (sgn ? j_sdiv64 : j_div64) : (sgn ? j_sdiv32 : j_div32);
            break;
        case CODE(MOD64_X):
            fn = w64 ? (sgn ? j_smod64 : j_mod64) : (sgn ? j_smod32 : j_mod32);
            break;
        default:
            fn = w64 ? j_neg64 : j_neg32;
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
        t2_ldst(e, T2_LDR, 2, R_REG, (unsigned)(CACHE_START_OFF(cc) - REG_OFF));
        t2_dp(e, T2_SUB, 0, 2, lo, 2, T2_LSL, 0);
        t2_ldst(e, T2_LDR, 3, R_REG, (unsigned)(CACHE_END_OFF(cc, k) - REG_OFF));
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
    call_fn(s, (const void *)jit_mem);
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
        if (op == FC_OPC_LDXSW || op == FC_OPC_LDXSH || op == FC_OPC_LDXSB)
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

/* Atomics call jit_atomic with the mapped registers it reads and writes
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
    call_fn(s, (const void *)jit_atomic);
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
    call_fn(s, (const void *)jit_helper);
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
    if (s->callee_r6_r9) {
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
    if (s->callee_r10) {
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
    leave(s, K_EXIT, pc);
    if (!has_calls)
        return;
    s->qbase = save;
    patch_here(s, deeper, T2_NE);
    t2_dpimm(e, T2_SUB, 0, 0, 0, 1);
    t2_ldst(e, T2_STR, 0, R_REG, FILE_DEPTH);
    t2_pop(e, 0x0003u);
    t2_mov(e, R_IP, 0);
    if (s->callee_r6_r9) {
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
    if (s->callee_r10) {
        t2_ldst(e, T2_LDR, 0, R_REG, 80);
        t2_addw(e, 0, 0, 0, s->prog->frame_size);
        t2_ldst(e, T2_STR, 0, R_REG, 80);
    }
    q_at(s, pc + 1);
    t2_bx(e, R_IP);
}

/* lsh d, 32; rsh d, 32 (or arsh) where the second is no jump target:
 * clang's zero and sign extension, one instruction here; with a mov d, s
 * before it (no jump target in between either), the mov joins. Returns
 * the slots consumed (0: no such group at pc). */
static int is_ext_pair(jit_state_t *s, uint32_t pc)
{
    const fc_insn_t *in = &s->prog->text[pc];
    if (in->opcode != FC_OPC_LSH64_K || in->imm != 32 || pc + 1 >= s->prog->len ||
        (s->tab[pc + 1] & TAB_TARGET))
        return 0;
    const fc_insn_t *nx = in + 1;
    return (nx->opcode == FC_OPC_RSH64_K || nx->opcode == FC_OPC_ARSH64_K) &&
           nx->regs == in->regs && nx->imm == 32;
}

static int fused_ext(jit_state_t *s, uint32_t pc)
{
    const fc_insn_t *in = &s->prog->text[pc];
    unsigned d = FC_INSN_DST(*in), D = dreg(s, d), S;
    int with_mov = in->opcode == FC_OPC_MOV64_X && in->offset == 0 && pc + 1 < s->prog->len &&
                   !(s->tab[pc + 1] & TAB_TARGET) && is_ext_pair(s, pc + 1) &&
                   FC_INSN_DST(in[1]) == d;
    if (!with_mov && !is_ext_pair(s, pc))
        return 0;
    const fc_insn_t *sh = &in[with_mov ? 2 : 1];
    unsigned r = with_mov ? FC_INSN_SRC(*in) : d;
    if (s->map[r])
        S = s->map[r];
    else
        t2_ldst(&s->e, T2_LDR, D, R_REG, r * 8u), S = D;
    if (S != D)
        t2_mov(&s->e, D, S);
    if (sh->opcode == FC_OPC_RSH64_K)
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
    for (unsigned r = 0; r < 11; r++)
        if (s->map[r])
            ld_file(s, s->map[r], r);
    uint32_t to_body = branch_fwd(s);
    s->epilogue = e->pos;
    if (has_calls) {
        t2_ldst(e, T2_LDR, 2, R_REG, FILE_SP);
        t2_mov(e, 13u, 2);
    }
    t2_mov(e, 1, R_Q);
    t2_pop(e, 0x8ff8u); /* r3-r11, pc */
    patch_here(s, to_body, -1);
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
        if (op == FC_OPC_LDDW) {
            unsigned src = FC_INSN_SRC(*in) & 3u, d = FC_INSN_DST(*in), D = dreg(s, d);
            const32(s, D, (uint32_t)in->imm);
            const32(s, D + 1, (uint32_t)in[1].imm);
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
    if (e->full) {
        s->why->code = FC_ERR_TOO_LARGE;
        s->why->where = p->len;
        s->why->reason = "JIT code buffer full";
        return -1;
    }
    return 0;
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
 * three of r0..r9 named most, a name inside a loop (a backward jump's
 * range) counting 16 times. */
static void analyse(jit_state_t *s)
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
            s->tab[pc + 1u + (uint32_t)in->imm] |= TAB_TARGET;
            s->tab[pc + 1u] |= TAB_TARGET;
            continue;
        }
        if (in->opcode == FC_OPC_CALL || in->opcode == FC_OPC_CALLX || in->opcode == FC_OPC_EXIT)
            continue;
        int32_t d = in->opcode == FC_OPC_JA32 ? in->imm : in->offset;
        uint32_t t = pc + 1u + (uint32_t)d; /* verified: inside the text */
        s->tab[t] |= TAB_TARGET;
        if (d < 0) /* a loop: [t, pc] */
            for (uint32_t i = t; i <= pc; i++)
                s->tab[i] = (s->tab[i] & TAB_TARGET) | ((TAB_POS(s->tab[i]) + 1u) & 0xffffu);
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
        uint32_t w = TAB_POS(s->tab[pc]) ? 16u : 1u;
        for (unsigned r = 0; r < 10; r++)
            if (m & (1u << r))
                weight[r] += w;
        if (p->text[pc].opcode == FC_OPC_LDDW)
            pc++;
    }
    for (unsigned r = 0; r < 16; r++)
        s->map[r] = 0;
    for (unsigned i = 0; i < 3; i++) {
        unsigned best = 10;
        for (unsigned r = 0; r < 10; r++)
            if (!s->map[r] && weight[r] > 0 && (best == 10 || weight[r] > weight[best]))
                best = r;
        if (best == 10)
            break;
        s->map[best] = (uint8_t)pair_lo[i];
    }
    for (uint32_t pc = 0; pc < p->len; pc++)
        s->tab[pc] &= TAB_TARGET; /* positions come in pass 1 */
}

#endif /* __thumb2__ */

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
#if !defined(__thumb2__)
    (void)prog, (void)buf, (void)cap;
    jit->refused.code = FC_ERR_BAD_CONFIG;
    jit->refused.reason = "this build's core has no Thumb-2: the interpreter runs";
    return FC_ERR_BAD_CONFIG;
#else
    jit_state_t s;
    s.why = &jit->refused;
    if (!prog || !prog->verified || ((uintptr_t)buf & 3u) != 0) {
        jit->refused.code = FC_ERR_BAD_CONFIG;
        jit->refused.reason = "program not verified or buffer not 4-byte aligned";
        return FC_ERR_BAD_CONFIG;
    }
    /* the per-slot table lives at the end of the buffer while translating */
    size_t tab_bytes = (size_t)prog->len * sizeof(uint32_t);
    if (cap < tab_bytes + 64) {
        jit->refused.code = FC_ERR_TOO_LARGE;
        jit->refused.where = prog->len;
        jit->refused.reason = "JIT code buffer full";
        return FC_ERR_TOO_LARGE;
    }
    s.tab = (uint32_t *)(void *)((uint8_t *)buf + ((cap - tab_bytes) & ~(size_t)3));
    s.prog = prog;
    s.e.buf = NULL;
    s.e.cap = (uint32_t)(((uint8_t *)s.tab - (uint8_t *)buf) / 2);
    analyse(&s);
    if (emit_program(&s, 1) != 0)
        return (fc_status_t)jit->refused.code;
    s.e.buf = (uint16_t *)buf;
    if (emit_program(&s, 2) != 0)
        return (fc_status_t)jit->refused.code;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    jit->prog = prog;
    jit->generation = prog->generation;
    jit->code = buf;
    jit->code_size = s.e.pos * 2u;
    return FC_OK;
#endif
}

#if defined(__thumb2__)
typedef uint64_t (*jit_entry_fn)(fc_vm_t *vm, uint64_t *reg, int32_t q);
#endif

fc_status_t fc_jit_run(fc_jit_t *jit, fc_vm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2,
                       uint64_t *r0)
{
#if defined(__thumb2__)
    const fc_program_t *prog = vm->prog;
    if (jit->code && prog == jit->prog && prog->generation == jit->generation && entry == 0) {
        /* the interpreter's run entry (interp_small.c): binding, record */
        if (FC_LIKELY(((prog->generation ^ VMP(vm)->bound_gen)) == 0 &&
                      vm->budget == VMP(vm)->bound_budget)) {
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
            jit_entry_fn fn = (jit_entry_fn)((uintptr_t)jit->code | 1u);
            uint64_t ret = fn(vm, reg, (int32_t)budget);
            uint32_t kind = (uint32_t)ret & 0xffu, where = ((uint32_t)ret >> 8) & 0xffffffu;
            int32_t q = (int32_t)(uint32_t)(ret >> 32);
            uintptr_t executed = budget + 1u - (uintptr_t)(intptr_t)q;
            vm->max_depth = (uint32_t)reg[12];
            if (kind == K_EXIT) {
                *r0 = reg[0];
                if (q > 0) {
                    vm->executed = executed;
                    return FC_OK;
                }
                kind = K_BUDGET;
            }
            reg[10] = (uint64_t)(uintptr_t)vm->stack + vm->stack_size;
            vm->fault.where = where;
            if (kind == K_BUDGET) {
                vm->fault.code = FC_FAULT_BUDGET;
                vm->fault.reason = FC_WHY("instruction budget exhausted");
                vm->executed = budget;
                return FC_FAULT_BUDGET;
            }
            if (kind == K_DEPTH) {
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
