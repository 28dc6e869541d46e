/* The checked JIT for RV32IMAC: fc_jit_translate() and fc_jit_run()
 * (femto/vm.h) on RISC-V cores. docs/jit.md explains the design (it is the
 * Thumb-2 JIT's, on another core); in short:
 *
 * - Host registers: s0 = the VM's register file (eBPF r0..r10, 64 bits
 *   each, low word first), s1 = Q, the budget left (below), s2..s11 = up
 *   to five eBPF registers as (low, high) pairs, chosen per program (the
 *   ones named most, a name inside a loop counting 16 times); eBPF r10,
 *   whose high half is always 0, takes one register and x0 as its high
 *   half. t0..t6, a0..a7 are scratch: an operand outside the pairs is
 *   loaded from the file, the result stored back.
 * - The budget, as the interpreter keeps it (interp_small.c): the limit L
 *   is the index pc may reach; only transfers move it and check it. The
 *   generated code keeps Q = L - qbase in s1, qbase being a point the
 *   translator knows statically (the last transfer, or a label). At a
 *   transfer from pc, Q -= pc + 1 - qbase; every jump target starts with
 *   "Q > 0 or a budget fault at the target", the interpreter's test.
 * - Memory: every load and store whose base is not r10 (proven inside the
 *   frame by the verifier) checks the high half of the 64-bit address, the
 *   alignment, then the last region a load (a store) matched, then the
 *   stack, inline, against the interpreter's own caches in the VM; anything
 *   else goes to rv_mem_slow, which walks the regions (recording the fault
 *   as the interpreter does) and makes the access byte by byte when it is
 *   misaligned: an RV32 core need not support misaligned accesses.
 * - Branches: a conditional branch reaches +-4 KiB. Pass 1 lays the code
 *   out with every branch to a jump target in its long form (the inverse
 *   branch over a jal); pass 2 makes short every branch whose distance in
 *   pass 1's layout fits (distances only shrink), pass 3 writes. */
#include "jit_internal.h"
#include "rv32_enc.h"

#if defined(FC_JIT_TARGET_RV32) /* the whole file: jit_runtime.c is the rest */

/* Host registers with a fixed role */
enum { R_REG = RV_S0, R_Q = RV_S1, R_PAIRS = RV_S2, N_PAIR_REGS = 10 };
/* Scratch: the destination's pair when it is in the file, the source's,
 * temporaries, and the arguments of the memory slow path. */
enum {
    SA_LO = RV_T0,
    SA_HI = RV_T1,
    SB_LO = RV_T2,
    SB_HI = RV_T3,
    T4 = RV_T4,
    T5 = RV_T5,
    T6 = RV_T6
};

enum {
    K_EXIT = FC_JIT_K_EXIT,
    K_BUDGET = FC_JIT_K_BUDGET,
    K_FAULT = FC_JIT_K_FAULT,
    K_DEPTH = FC_JIT_K_DEPTH
};
enum {
    FILE_DEPTH = FC_JIT_FILE_DEPTH,
    FILE_MAXDEPTH = FC_JIT_FILE_MAXDEPTH,
    FILE_SP = FC_JIT_FILE_SP
};

/* Offsets from the register file (s0) of the VM's caches and sections */
#define REG_OFF FC_JIT_REG_OFF
#define CACHE_START(c) ((int32_t)(FC_JIT_CACHE_START_OFF(c) - REG_OFF))
#define CACHE_END(c, k) ((int32_t)(FC_JIT_CACHE_END_OFF(c, k) - REG_OFF))
#define SECTION(s) ((int32_t)(FC_JIT_SECTION_OFF(s) - REG_OFF))
/* every one of them is a 12-bit load offset from s0 */
typedef char rv_offsets_fit_[CACHE_END(2, 4) < 2048 && SECTION(3) + 4 < 2048 &&
                                     SECTION(0) > -2048 && REG_OFF < 2048
                                 ? 1
                                 : -1];

/* The word rv_mem_slow gets: opcode | dst << 8 | flags */
enum { SLOW_NOCHECK = 1u << 12 };

/* ---- run-time support particular to this core ------------------------- */

/* The way every memory access the inline check did not pass goes: the
 * region walk (jit_mem, unless the base is r10: proven in the frame), then
 * the access itself, byte by byte where the address is misaligned (the
 * interpreter's ld and st functions). word = opcode | dst << 8 | flags; a
 * load's result goes to the register file. 1, or 0 with vm->fault set. */
static uint32_t rv_mem_slow(fc_vm_t *vm, uint32_t word, uint32_t lo, uint32_t hi, uint32_t vlo,
                            uint32_t vhi)
{
    uint32_t opcode = word & 0xffu;
    if (!(word & SLOW_NOCHECK) && fc_jit_mem(vm, opcode, (uint64_t)hi << 32 | lo) == 0)
        return 0;
    void *p = (void *)(uintptr_t)lo;
    uint64_t v = (uint64_t)vhi << 32 | vlo, *dst = &VMP(vm)->reg[(word >> 8) & 0xfu];
    switch (opcode) {
    case FC_OPC_LDXW:
        *dst = ld32(p);
        break;
    case FC_OPC_LDXH:
        *dst = ld16(p);
        break;
    case FC_OPC_LDXB:
        *dst = ld8(p);
        break;
    case FC_OPC_LDXDW:
        *dst = ld64(p);
        break;
    case FC_OPC_LDXSW:
        *dst = (uint64_t)(int64_t)(int32_t)ld32(p);
        break;
    case FC_OPC_LDXSH:
        *dst = (uint64_t)(int64_t)(int16_t)ld16(p);
        break;
    case FC_OPC_LDXSB:
        *dst = (uint64_t)(int64_t)(int8_t)ld8(p);
        break;
    default: /* a store: its size field */
        switch ((opcode >> 3) & 3u) {
        case 0:
            st32(p, v);
            break;
        case 1:
            st16(p, v);
            break;
        case 2:
            st8(p, v);
            break;
        default:
            st64(p, v);
            break;
        }
        break;
    }
    return 1;
}

/* ---- the translator ----------------------------------------------------- */

typedef struct pair {
    unsigned lo, hi;
} pair_t;

static const pair_t SA = {SA_LO, SA_HI}, SB = {SB_LO, SB_HI};

typedef struct rv_state {
    rv_emit_t e;
    const fc_program_t *prog;
    int pass;               /* 1: long branches, measure; 2: measure; 3: write */
    uint32_t *tab;          /* per slot: bit 31 = jump target, low bits = its entry */
    uint32_t *start1;       /* per slot (and [len]): where its code starts in pass 1 */
    uint32_t epilogue;      /* position of the common way out */
    uint32_t qbase;         /* Q = L - qbase at this point of the code */
    uint8_t lo[16], hi[16]; /* eBPF register -> its host registers (lo 0: in the file) */
    /* Does any code a local call can reach (from the lowest call target
     * to the end: every callee lies there) name r6..r9, or r10? If not,
     * a call need not save r6..r9, or move the frame pointer. */
    uint8_t callee_r6_r9, callee_r10, has_calls;
    /* frame_size is a multiple of 8 (fc_jit_run runs only with an 8-byte
     * aligned stack top): r10 + off is aligned when off is */
    uint8_t frame_aligned;
    /* s2.. up to s2 + n_pairs - 1 hold mapped registers: the ones the
     * prologue saves (the ABI's callee-saved registers the code changes) */
    uint8_t n_pairs;
    uint8_t calls_helpers; /* a helper call (which reads r1..r5) in the text */
    fc_jit_tr_t *tr;
} rv_state_t;

#define TAB_TARGET FC_JIT_TAB_TARGET
#define TAB_POS(v) FC_JIT_TAB_POS(v)
/* A jump target's entry: bgtz Q, body; lui + addi a0; jal epilogue */
enum { ENTRY_WORDS = 4 };

static int32_t disp_to(rv_state_t *s, uint32_t target_pos)
{
    return ((int32_t)target_pos - (int32_t)s->e.pos) * 4;
}
/* Forward branches inside the code of one instruction: emitted as a
 * placeholder, patched when the label is reached (always short). */
static uint32_t fwd(rv_state_t *s)
{
    uint32_t at = s->e.pos;
    rv_w(&s->e, 0);
    return at;
}
static void patch_b(rv_state_t *s, uint32_t at, enum rv_bop op, unsigned a, unsigned b)
{
    rv_branch_at(&s->e, at, op, a, b, ((int32_t)s->e.pos - (int32_t)at) * 4);
}
static void patch_j(rv_state_t *s, uint32_t at)
{
    rv_jal_at(&s->e, at, RV_ZERO, ((int32_t)s->e.pos - (int32_t)at) * 4);
}

/* Q -= n (n >= 0), in chunks addi can take */
static void q_sub(rv_state_t *s, uint32_t n)
{
    while (n > 0) {
        uint32_t k = n > 2048u ? 2048u : n;
        rv_opi(&s->e, RV_ADDI, R_Q, R_Q, -(int32_t)k);
        n -= k;
    }
}
/* Make Q relative to index i (i >= qbase). */
static void q_at(rv_state_t *s, uint32_t i)
{
    q_sub(s, i - s->qbase);
    s->qbase = i;
}

/* Leave with a0 = kind | index << 8 (Q already relative to index). */
static void leave(rv_state_t *s, uint32_t kind, uint32_t index)
{
    rv_li(&s->e, RV_A0, kind | index << 8);
    rv_jal(&s->e, RV_ZERO, disp_to(s, s->epilogue));
}
/* The same, Q made relative to index on this path only */
static void leave_at(rv_state_t *s, uint32_t kind, uint32_t index)
{
    uint32_t save = s->qbase;
    q_at(s, index);
    leave(s, kind, index);
    s->qbase = save;
}

static void call_fn(rv_state_t *s, const void *fn)
{
    uint32_t a = (uint32_t)(uintptr_t)fn;
    rv_lui(&s->e, T6, rv_hi20(a));
    rv_jalr(&s->e, RV_RA, T6, rv_lo12(a));
}
/* a0 = the fc_vm_t (the register file is inside it, at a fixed offset) */
static void vm_to_a0(rv_state_t *s)
{
    rv_opi(&s->e, RV_ADDI, RV_A0, R_REG, -(int32_t)REG_OFF);
}
static void mv(rv_state_t *s, unsigned rd, unsigned rs)
{
    if (rd != rs)
        rv_mv(&s->e, rd, rs);
}

/* Is a branch from slot pc to jump target t short (one instruction)?
 * Pass 1's layout bounds every later one (code only shrinks), with room
 * for the target's entry and the branch's place inside slot pc. */
static int reaches(rv_state_t *s, uint32_t pc, uint32_t t)
{
    if (s->pass == 1)
        return 0;
    int32_t a = (int32_t)s->start1[t] - (int32_t)s->start1[pc];
    int32_t b = (int32_t)s->start1[t] - (int32_t)s->start1[pc + 1];
    a = a < 0 ? -a : a;
    b = b < 0 ? -b : b;
    return ((a > b ? a : b) + ENTRY_WORDS + 8) * 4 <= 4094;
}
/* A branch to position dest: short, or the inverse branch over a jal */
static void br(rv_state_t *s, int shrt, enum rv_bop op, unsigned a, unsigned b, uint32_t dest)
{
    if (shrt) {
        rv_branch(&s->e, op, a, b, disp_to(s, dest));
        return;
    }
    rv_branch(&s->e, rv_binv(op), a, b, 8);
    rv_jal(&s->e, RV_ZERO, disp_to(s, dest));
}

/* ---- operands: an eBPF register is a host pair (mapped) or file words -- */

static int32_t file_lo(unsigned r)
{
    return (int32_t)(r * 8u);
}
static int32_t file_hi(unsigned r)
{
    return (int32_t)(r * 8u + 4u);
}
/* The host pair holding eBPF register r: its own, or scratch after a load */
static pair_t get(rv_state_t *s, unsigned r, pair_t scratch)
{
    if (s->lo[r])
        return (pair_t){s->lo[r], s->hi[r]};
    rv_load(&s->e, RV_LW, scratch.lo, R_REG, file_lo(r));
    if (r == 10) /* a 32-bit host pointer */
        return (pair_t){scratch.lo, RV_ZERO};
    rv_load(&s->e, RV_LW, scratch.hi, R_REG, file_hi(r));
    return scratch;
}
/* Its low half only */
static unsigned get_lo(rv_state_t *s, unsigned r, unsigned scratch)
{
    if (s->lo[r])
        return s->lo[r];
    rv_load(&s->e, RV_LW, scratch, R_REG, file_lo(r));
    return scratch;
}
/* Where a result for r is computed: its pair, or SA (then put()) */
static pair_t dreg(rv_state_t *s, unsigned r)
{
    return s->lo[r] ? (pair_t){s->lo[r], s->hi[r]} : SA;
}
/* The result in v becomes eBPF register r */
static void put(rv_state_t *s, unsigned r, pair_t v)
{
    if (s->lo[r]) {
        mv(s, s->lo[r], v.lo);
        mv(s, s->hi[r], v.hi);
        return;
    }
    rv_store(&s->e, RV_SW, v.lo, R_REG, file_lo(r));
    rv_store(&s->e, RV_SW, v.hi, R_REG, file_hi(r));
}
/* A 32-bit result in lo: the high half 0 */
static void put32(rv_state_t *s, unsigned r, unsigned lo)
{
    put(s, r, (pair_t){lo, RV_ZERO});
}
/* A sign-extended 32-bit immediate as a pair (x0 where a half is 0) */
static pair_t imm_pair(rv_state_t *s, int32_t k, pair_t scratch)
{
    pair_t p = {RV_ZERO, RV_ZERO};
    if (k != 0) {
        rv_li(&s->e, scratch.lo, (uint32_t)k);
        p.lo = scratch.lo;
    }
    if (k < 0) {
        if (k == -1) {
            p.hi = p.lo;
        } else {
            rv_opi(&s->e, RV_ADDI, scratch.hi, RV_ZERO, -1);
            p.hi = scratch.hi;
        }
    }
    return p;
}

static int refuse(rv_state_t *s, uint32_t pc, const char *why)
{
    return fc_jit_refuse(s->tr, FC_ERR_BAD_OPCODE, pc, why);
}

/* ---- ALU ---------------------------------------------------------------- */

#define CODE(id) (FC_OPC_##id & 0xf0u)

static void alu_mov(rv_state_t *s, const fc_insn_t *in, int x, int w64)
{
    rv_emit_t *e = &s->e;
    unsigned d = FC_INSN_DST(*in), r = FC_INSN_SRC(*in);
    pair_t D = dreg(s, d);
    if (!x && w64) {
        put(s, d, imm_pair(s, in->imm, D));
        return;
    }
    if (!x) { /* mov32 k: the immediate zero-extended */
        unsigned lo = RV_ZERO;
        if (in->imm) {
            rv_li(e, D.lo, (uint32_t)in->imm);
            lo = D.lo;
        }
        put32(s, d, lo);
        return;
    }
    if (w64 && in->offset == 0) {
        put(s, d, get(s, r, D));
        return;
    }
    unsigned S = get_lo(s, r, D.lo);
    switch (in->offset) {
    case 8:
    case 16:
        rv_shi(e, RV_SLLI, D.lo, S, 32u - (unsigned)in->offset);
        rv_shi(e, RV_SRAI, D.lo, D.lo, 32u - (unsigned)in->offset);
        break;
    default: /* 0 (mov32) and 32: the low half */
        mv(s, D.lo, S);
        break;
    }
    if (w64) { /* movsx: the high half is the sign */
        rv_shi(e, RV_SRAI, D.hi, D.lo, 31);
        put(s, d, D);
    } else {
        put32(s, d, D.lo);
    }
}

/* add/sub/or/and/xor with an immediate of 12 bits, in place on D */
static void alu_simple_k(rv_state_t *s, pair_t D, unsigned code, int32_t k, int w64)
{
    rv_emit_t *e = &s->e;
    if (code == CODE(ADD64_K) || code == CODE(SUB64_K)) {
        if (code == CODE(SUB64_K))
            k = -k; /* a - sext(k) = a + sext(-k): k is not INT32_MIN here */
        rv_opi(e, RV_ADDI, D.lo, D.lo, k);
        if (!w64)
            return;
        /* the carry: the new low half below sext(k) as unsigned */
        rv_opi(e, RV_SLTIU, T5, D.lo, k);
        rv_op(e, RV_ADD, D.hi, D.hi, T5);
        if (k < 0)
            rv_opi(e, RV_ADDI, D.hi, D.hi, -1);
        return;
    }
    enum rv_iop op = code == CODE(OR64_K) ? RV_ORI : code == CODE(AND64_K) ? RV_ANDI : RV_XORI;
    rv_opi(e, op, D.lo, D.lo, k);
    if (!w64)
        return;
    if (k >= 0) { /* high half of the immediate 0: and clears, or and xor keep */
        if (op == RV_ANDI)
            mv(s, D.hi, RV_ZERO);
    } else { /* all ones: or sets, and keeps, xor flips */
        if (op == RV_ORI)
            rv_opi(e, RV_ADDI, D.hi, RV_ZERO, -1);
        else if (op == RV_XORI)
            rv_opi(e, RV_XORI, D.hi, D.hi, -1);
    }
}

/* add/sub/or/and/xor/mul of D and B, in place on D */
static void alu_simple(rv_state_t *s, pair_t D, pair_t B, unsigned code, int w64)
{
    rv_emit_t *e = &s->e;
    switch (code) {
    case CODE(ADD64_K):
        if (!w64) {
            rv_op(e, RV_ADD, D.lo, D.lo, B.lo);
        } else if (D.lo == B.lo) { /* d + d: the carry from a copy */
            rv_op(e, RV_ADD, T4, D.lo, B.lo);
            rv_op(e, RV_SLTU, T5, T4, D.lo);
            rv_op(e, RV_ADD, D.hi, D.hi, B.hi);
            rv_op(e, RV_ADD, D.hi, D.hi, T5);
            mv(s, D.lo, T4);
        } else {
            rv_op(e, RV_ADD, D.lo, D.lo, B.lo);
            rv_op(e, RV_SLTU, T5, D.lo, B.lo);
            rv_op(e, RV_ADD, D.hi, D.hi, B.hi);
            rv_op(e, RV_ADD, D.hi, D.hi, T5);
        }
        break;
    case CODE(SUB64_K):
        if (w64) {
            rv_op(e, RV_SLTU, T5, D.lo, B.lo); /* the borrow */
            rv_op(e, RV_SUB, D.hi, D.hi, B.hi);
            rv_op(e, RV_SUB, D.hi, D.hi, T5);
        }
        rv_op(e, RV_SUB, D.lo, D.lo, B.lo);
        break;
    case CODE(MUL64_K):
        if (w64) { /* lo*lo, and the cross products into the high half */
            rv_op(e, RV_MULHU, T4, D.lo, B.lo);
            if (B.hi != RV_ZERO) {
                rv_op(e, RV_MUL, T5, D.lo, B.hi);
                rv_op(e, RV_ADD, T4, T4, T5);
            }
            rv_op(e, RV_MUL, T5, D.hi, B.lo);
            rv_op(e, RV_ADD, D.hi, T4, T5);
        }
        rv_op(e, RV_MUL, D.lo, D.lo, B.lo);
        break;
    default: {
        enum rv_rop op = code == CODE(OR64_K) ? RV_OR : code == CODE(AND64_K) ? RV_AND : RV_XOR;
        rv_op(e, op, D.lo, D.lo, B.lo);
        if (w64)
            rv_op(e, op, D.hi, D.hi, B.hi);
        break;
    }
    }
}

/* 64-bit shift of D by a constant k (1..63), in place */
static void shift64_k(rv_state_t *s, pair_t D, unsigned code, unsigned k)
{
    rv_emit_t *e = &s->e;
    if (code == CODE(LSH64_K)) {
        if (k < 32) {
            rv_shi(e, RV_SRLI, T4, D.lo, 32 - k);
            rv_shi(e, RV_SLLI, D.hi, D.hi, k);
            rv_op(e, RV_OR, D.hi, D.hi, T4);
            rv_shi(e, RV_SLLI, D.lo, D.lo, k);
        } else {
            rv_shi(e, RV_SLLI, D.hi, D.lo, k - 32);
            mv(s, D.lo, RV_ZERO);
        }
        return;
    }
    enum rv_shop sh = code == CODE(RSH64_K) ? RV_SRLI : RV_SRAI;
    if (k < 32) {
        rv_shi(e, RV_SLLI, T4, D.hi, 32 - k);
        rv_shi(e, RV_SRLI, D.lo, D.lo, k);
        rv_op(e, RV_OR, D.lo, D.lo, T4);
        rv_shi(e, sh, D.hi, D.hi, k);
    } else {
        rv_shi(e, sh, D.lo, D.hi, k - 32);
        if (sh == RV_SRAI)
            rv_shi(e, RV_SRAI, D.hi, D.hi, 31);
        else
            mv(s, D.hi, RV_ZERO);
    }
}

/* 64-bit shift of D by the register Bl (& 63), in place: two paths */
static void shift64_x(rv_state_t *s, pair_t D, unsigned Bl, unsigned code)
{
    rv_emit_t *e = &s->e;
    rv_opi(e, RV_ANDI, T4, Bl, 63);
    rv_opi(e, RV_ADDI, T5, T4, -32);
    uint32_t small = fwd(s); /* bltz T5: k < 32 */
    if (code == CODE(LSH64_K)) {
        rv_op(e, RV_SLL, D.hi, D.lo, T5);
        mv(s, D.lo, RV_ZERO);
    } else {
        rv_op(e, code == CODE(RSH64_K) ? RV_SRL : RV_SRA, D.lo, D.hi, T5);
        if (code == CODE(RSH64_K))
            mv(s, D.hi, RV_ZERO);
        else
            rv_shi(e, RV_SRAI, D.hi, D.hi, 31);
    }
    uint32_t done = fwd(s);
    patch_b(s, small, RV_BLT, T5, RV_ZERO);
    rv_opi(e, RV_XORI, T6, T4, 31); /* 31 - k: x >> 1 >> (31 - k) is x >> (32 - k), also for k 0 */
    if (code == CODE(LSH64_K)) {
        rv_shi(e, RV_SRLI, T5, D.lo, 1);
        rv_op(e, RV_SRL, T5, T5, T6);
        rv_op(e, RV_SLL, D.hi, D.hi, T4);
        rv_op(e, RV_OR, D.hi, D.hi, T5);
        rv_op(e, RV_SLL, D.lo, D.lo, T4);
    } else {
        rv_shi(e, RV_SLLI, T5, D.hi, 1);
        rv_op(e, RV_SLL, T5, T5, T6);
        rv_op(e, RV_SRL, D.lo, D.lo, T4);
        rv_op(e, RV_OR, D.lo, D.lo, T5);
        rv_op(e, code == CODE(RSH64_K) ? RV_SRL : RV_SRA, D.hi, D.hi, T4);
    }
    patch_j(s, done);
}

/* D = fn(D, B) out of line (64-bit division, byte swaps) */
static void alu_call(rv_state_t *s, pair_t D, pair_t B, const void *fn)
{
    mv(s, RV_A2, B.lo);
    mv(s, RV_A3, B.hi);
    mv(s, RV_A0, D.lo);
    mv(s, RV_A1, D.hi);
    call_fn(s, fn);
    mv(s, D.lo, RV_A0);
    mv(s, D.hi, RV_A1);
}

/* An ALU instruction; 1 if op is not one. */
static int alu(rv_state_t *s, const fc_insn_t *in)
{
    rv_emit_t *e = &s->e;
    unsigned op = in->opcode, d = FC_INSN_DST(*in), r = FC_INSN_SRC(*in), cls = op & 7u;
    if (cls != (FC_OPC_ADD64_K & 7u) && cls != (FC_OPC_ADD32_K & 7u))
        return 1;
    int x = (op & 8u) != 0, w64 = cls == (FC_OPC_ADD64_K & 7u);
    unsigned code = op & 0xf0u;
    int32_t k = in->imm;
    if (code == CODE(MOV64_K)) {
        alu_mov(s, in, x, w64);
        return 0;
    }
    pair_t D = dreg(s, d);
    if (w64 || code == CODE(BE16)) /* (the byte swaps read 64 bits) */
        D = get(s, d, D);
    else
        D.lo = get_lo(s, d, D.lo);
    int addsub = code == CODE(ADD64_K) || code == CODE(SUB64_K);
    int logic = code == CODE(OR64_K) || code == CODE(AND64_K) || code == CODE(XOR64_K);
    if (!x && (addsub || logic) && rv_fits12(k) && (code != CODE(SUB64_K) || k != -2048)) {
        if (k != 0 || !addsub)
            alu_simple_k(s, D, code, k, w64);
        w64 ? put(s, d, D) : put32(s, d, D.lo);
        return 0;
    }
    if (addsub || logic || code == CODE(MUL64_K)) {
        pair_t B =
            x ? (w64 ? get(s, r, SB) : (pair_t){get_lo(s, r, SB.lo), RV_ZERO}) : imm_pair(s, k, SB);
        alu_simple(s, D, B, code, w64);
        w64 ? put(s, d, D) : put32(s, d, D.lo);
        return 0;
    }
    switch (code) {
    case CODE(LSH64_K):
    case CODE(RSH64_K):
    case CODE(ARSH64_K):
        if (!x && w64) {
            if ((k & 63) != 0)
                shift64_k(s, D, code, (unsigned)k & 63u);
            put(s, d, D);
        } else if (!x) {
            enum rv_shop sh = code == CODE(LSH64_K)   ? RV_SLLI
                              : code == CODE(RSH64_K) ? RV_SRLI
                                                      : RV_SRAI;
            rv_shi(e, sh, D.lo, D.lo, (unsigned)k & 31u);
            put32(s, d, D.lo);
        } else if (w64) {
            shift64_x(s, D, get_lo(s, r, SB.lo), code);
            put(s, d, D);
        } else { /* the core masks the count to 5 bits: RFC 9669's & 31 */
            enum rv_rop sh = code == CODE(LSH64_K)   ? RV_SLL
                             : code == CODE(RSH64_K) ? RV_SRL
                                                     : RV_SRA;
            rv_op(e, sh, D.lo, D.lo, get_lo(s, r, SB.lo));
            put32(s, d, D.lo);
        }
        return 0;
    case CODE(DIV64_K):
    case CODE(MOD64_K): {
        int sgn = in->offset == 1, div = code == CODE(DIV64_K);
        if (w64) {
            pair_t B = x ? get(s, r, SB) : imm_pair(s, k, SB);
            alu_call(s, D, B,
                     div ? (sgn ? (const void *)fc_jit_sdiv64 : (const void *)fc_jit_div64)
                         : (sgn ? (const void *)fc_jit_smod64 : (const void *)fc_jit_mod64));
            put(s, d, D);
            return 0;
        }
        unsigned B = x ? get_lo(s, r, SB.lo) : (k ? (rv_li(e, SB.lo, (uint32_t)k), SB.lo) : 0u);
        /* RV32M: x / 0 is all ones (RFC 9669: 0), x % 0 is x (RFC 9669
         * too), INT_MIN / -1 is INT_MIN and INT_MIN % -1 is 0 (the same) */
        if (div) {
            rv_op(e, sgn ? RV_DIV : RV_DIVU, T4, D.lo, B);
            if (x || k == 0) { /* 0 where the divisor is 0 */
                rv_opi(e, RV_SLTIU, T5, B, 1);
                rv_opi(e, RV_ADDI, T5, T5, -1);
                rv_op(e, RV_AND, D.lo, T4, T5);
            } else {
                mv(s, D.lo, T4);
            }
        } else {
            rv_op(e, sgn ? RV_REM : RV_REMU, D.lo, D.lo, B);
        }
        put32(s, d, D.lo);
        return 0;
    }
    case CODE(NEG64):
        if (w64) {
            rv_op(e, RV_SLTU, T4, RV_ZERO, D.lo); /* the borrow: lo != 0 */
            rv_op(e, RV_SUB, D.hi, RV_ZERO, D.hi);
            rv_op(e, RV_SUB, D.hi, D.hi, T4);
            rv_op(e, RV_SUB, D.lo, RV_ZERO, D.lo);
            put(s, d, D);
        } else {
            rv_op(e, RV_SUB, D.lo, RV_ZERO, D.lo);
            put32(s, d, D.lo);
        }
        return 0;
    case CODE(LE16): /* le (0xd4), be (0xdc), bswap (0xd7): the width in imm */
        if (op == FC_OPC_LE16) {
            if (k == 16) {
                rv_shi(e, RV_SLLI, D.lo, D.lo, 16);
                rv_shi(e, RV_SRLI, D.lo, D.lo, 16);
            }
            if (k == 64)
                put(s, d, D);
            else
                put32(s, d, D.lo);
        } else if (k == 16) {
            rv_shi(e, RV_SRLI, T4, D.lo, 8);
            rv_opi(e, RV_ANDI, T4, T4, 0xff);
            rv_opi(e, RV_ANDI, D.lo, D.lo, 0xff);
            rv_shi(e, RV_SLLI, D.lo, D.lo, 8);
            rv_op(e, RV_OR, D.lo, D.lo, T4);
            put32(s, d, D.lo);
        } else {
            alu_call(s, D, imm_pair(s, k, SB), (const void *)fc_jit_be);
            put(s, d, D);
        }
        return 0;
    default:
        return 1;
    }
}

/* ---- memory ------------------------------------------------------------- */

/* The slow path of an access: rv_mem_slow with the address in a2:a3 (the
 * caller put it there), a store's value in a4:a5; a fault leaves at pc.
 * A load's result is in the file afterwards. */
static void mem_slow_call(rv_state_t *s, uint32_t pc, uint32_t word, pair_t V)
{
    rv_emit_t *e = &s->e;
    mv(s, RV_A4, V.lo);
    mv(s, RV_A5, V.hi);
    vm_to_a0(s);
    rv_li(e, RV_A1, word);
    call_fn(s, (const void *)rv_mem_slow);
    uint32_t ok = fwd(s);
    leave_at(s, K_FAULT, pc);
    patch_b(s, ok, RV_BNE, RV_A0, RV_ZERO);
}

/* a2:a3 = the 64-bit address B + off (off != 0): the carry out of the
 * low half goes into the high one, where the sign-extended offset adds
 * all ones when off < 0 */
static void addr_lo(rv_state_t *s, pair_t B, int32_t off)
{
    rv_emit_t *e = &s->e;
    if (rv_fits12(off)) {
        rv_opi(e, RV_ADDI, RV_A2, B.lo, off);
    } else { /* an eBPF offset has 16 bits */
        rv_li(e, T4, (uint32_t)off);
        rv_op(e, RV_ADD, RV_A2, B.lo, T4);
    }
}
/* a3 = the high half of B + off, a2 being its low half */
static void addr_hi(rv_state_t *s, pair_t B, int32_t off)
{
    rv_emit_t *e = &s->e;
    rv_op(e, RV_SLTU, T4, RV_A2, B.lo);
    rv_op(e, RV_ADD, RV_A3, B.hi, T4);
    if (off < 0)
        rv_opi(e, RV_ADDI, RV_A3, RV_A3, -1);
}
static void addr_off(rv_state_t *s, pair_t B, int32_t off)
{
    addr_lo(s, B, off);
    addr_hi(s, B, off);
}

static int is_load(unsigned op)
{
    return (op & 7u) == (FC_OPC_LDXW & 7u);
}

/* The access itself at 0(A) + off (the fast path) */
static void access(rv_state_t *s, unsigned op, pair_t D, pair_t V, unsigned A, int32_t off)
{
    rv_emit_t *e = &s->e;
    switch (op) {
    case FC_OPC_LDXDW: /* the high half first: A may be D's low register */
        rv_load(e, RV_LW, D.hi, A, off + 4);
        rv_load(e, RV_LW, D.lo, A, off);
        break;
    case FC_OPC_LDXW:
        rv_load(e, RV_LW, D.lo, A, off);
        break;
    case FC_OPC_LDXSW:
        rv_load(e, RV_LW, D.lo, A, off);
        rv_shi(e, RV_SRAI, D.hi, D.lo, 31);
        break;
    case FC_OPC_LDXH:
        rv_load(e, RV_LHU, D.lo, A, off);
        break;
    case FC_OPC_LDXB:
        rv_load(e, RV_LBU, D.lo, A, off);
        break;
    case FC_OPC_LDXSH:
        rv_load(e, RV_LH, D.lo, A, off);
        rv_shi(e, RV_SRAI, D.hi, D.lo, 31);
        break;
    case FC_OPC_LDXSB:
        rv_load(e, RV_LB, D.lo, A, off);
        rv_shi(e, RV_SRAI, D.hi, D.lo, 31);
        break;
    default: /* stores, by the size field */
        switch ((op >> 3) & 3u) {
        case 0:
            rv_store(e, RV_SW, V.lo, A, off);
            break;
        case 1:
            rv_store(e, RV_SH, V.lo, A, off);
            break;
        case 2:
            rv_store(e, RV_SB, V.lo, A, off);
            break;
        default:
            rv_store(e, RV_SW, V.lo, A, off);
            rv_store(e, RV_SW, V.hi, A, off + 4);
            break;
        }
    }
}

/* A load's result in D becomes dst (D is dst's pair or SA) */
static void load_result(rv_state_t *s, unsigned op, unsigned d, pair_t D)
{
    if (op == FC_OPC_LDXDW || op == FC_OPC_LDXSW || op == FC_OPC_LDXSH || op == FC_OPC_LDXSB)
        put(s, d, D);
    else
        put32(s, d, D.lo);
}

static int mem(rv_state_t *s, const fc_insn_t *in, uint32_t pc)
{
    rv_emit_t *e = &s->e;
    unsigned op = in->opcode, cls = op & 7u;
    if (cls != (FC_OPC_LDXW & 7u) && cls != (FC_OPC_STW & 7u) && cls != (FC_OPC_STXW & 7u))
        return 1;
    if ((op & 0xe0u) != (FC_OPC_LDXW & 0xe0u) && (op & 0xe0u) != 0x80u) /* MEM and MEMSX modes */
        return 1;
    int load = is_load(op);
    unsigned d = FC_INSN_DST(*in), r = FC_INSN_SRC(*in);
    unsigned base = load ? r : d, k = (op >> 3) & 3u, size = access_size_of((uint8_t)op);
    int32_t off = in->offset;
    pair_t D = load ? dreg(s, d) : SA, V = SA;
    if (!load) /* the value stored: src, or the immediate */
        V = (op & 1u) ? get(s, r, SB) : imm_pair(s, in->imm, SB);
    uint32_t word = op | d << 8;
    if (base == 10) { /* inside the frame (the verifier); aligned when off is */
        unsigned B = get_lo(s, 10, RV_A2);
        int direct = rv_fits12(off) && rv_fits12(off + 4);
        if (!direct) {
            rv_li(e, T4, (uint32_t)off);
            rv_op(e, RV_ADD, RV_A2, B, T4);
            B = RV_A2;
            off = 0;
        }
        if (s->frame_aligned && ((uint32_t)in->offset & (size - 1u)) == 0) {
            access(s, op, D, V, B, off);
            if (load)
                load_result(s, op, d, D);
            return 0;
        }
        /* possibly misaligned: byte by byte out of line */
        rv_opi(e, RV_ADDI, RV_A2, B, off);
        rv_opi(e, RV_ANDI, T5, RV_A2, (int32_t)size - 1);
        uint32_t slow = fwd(s);
        access(s, op, D, V, RV_A2, 0);
        if (load)
            load_result(s, op, d, D);
        uint32_t done = fwd(s);
        patch_b(s, slow, RV_BNE, T5, RV_ZERO);
        mv(s, RV_A3, RV_ZERO);
        mem_slow_call(s, pc, word | SLOW_NOCHECK, V);
        if (load && s->lo[d]) {
            rv_load(e, RV_LW, s->lo[d], R_REG, file_lo(d));
            rv_load(e, RV_LW, s->hi[d], R_REG, file_hi(d));
        }
        patch_j(s, done);
        return 0;
    }
    /* the 64-bit guest address: lo in A, hi in H */
    pair_t Bp = get(s, base, (pair_t){RV_A4, RV_A5}); /* (a4:a5 are free until the slow path) */
    unsigned A = Bp.lo, bad = Bp.hi, hit[2];
    if (off != 0) {
        /* the fast path takes base + off when the base's high half is 0 and
         * adding off does not carry out of (off < 0: borrow from) the low
         * half: then the address's high half is 0. Every other address,
         * also one whose high half comes out 0 the other way, goes to the
         * slow path, which computes all 64 bits. */
        addr_lo(s, Bp, off);
        if (off > 0)
            rv_op(e, RV_SLTU, T4, RV_A2, Bp.lo);
        else
            rv_op(e, RV_SLTU, T4, Bp.lo, RV_A2);
        rv_op(e, RV_OR, T4, T4, Bp.hi);
        A = RV_A2;
        bad = T4;
    }
    /* and the alignment: one test */
    if (size > 1) {
        rv_opi(e, RV_ANDI, T5, A, (int32_t)size - 1);
        rv_op(e, RV_OR, T5, T5, bad);
        bad = T5;
    }
    uint32_t slow = fwd(s); /* bnez bad */
    unsigned c = load ? 1u : 2u;
    for (unsigned i = 0; i < 2; i++) { /* the last region hit, then the stack */
        unsigned cc = i == 0 ? c : 0u;
        rv_load(e, RV_LW, T5, R_REG, CACHE_START(cc));
        rv_op(e, RV_SUB, T5, A, T5);
        rv_load(e, RV_LW, T6, R_REG, CACHE_END(cc, k));
        hit[i] = fwd(s); /* bltu T5, T6 */
    }
    /* the slow path */
    patch_b(s, slow, RV_BNE, bad, RV_ZERO);
    if (off != 0) {
        addr_hi(s, Bp, off);
    } else {
        mv(s, RV_A2, A);
        mv(s, RV_A3, Bp.hi);
    }
    mem_slow_call(s, pc, word, V);
    if (load && s->lo[d]) {
        rv_load(e, RV_LW, s->lo[d], R_REG, file_lo(d));
        rv_load(e, RV_LW, s->hi[d], R_REG, file_hi(d));
    }
    uint32_t done = fwd(s);
    patch_b(s, hit[0], RV_BLTU, T5, T6);
    patch_b(s, hit[1], RV_BLTU, T5, T6);
    access(s, op, D, V, A, 0);
    if (load)
        load_result(s, op, d, D);
    patch_j(s, done);
    return 0;
}

/* A 32-bit atomic at the checked, aligned address in a2 with the RV32A
 * instructions: add, or, and, xor (fetching or not) and xchg as one AMO,
 * cmpxchg as an lr/sc loop; a fetched value (src, or r0 for cmpxchg)
 * zero-extended. */
static void amo32(rv_state_t *s, const fc_insn_t *in)
{
    rv_emit_t *e = &s->e;
    unsigned r = FC_INSN_SRC(*in), sel = (unsigned)in->imm & 0xffu;
    unsigned V = get_lo(s, r, SB.lo);
    if (sel == (FC_SELVAL_ATOMIC32_CMPXCHG & 0xffu)) {
        unsigned R0 = get_lo(s, 0, SA.lo);
        uint32_t retry = e->pos;
        rv_amo(e, RV_LR, T4, RV_ZERO, RV_A2);
        uint32_t differ = fwd(s);
        rv_amo(e, RV_SC, T5, V, RV_A2);
        rv_branch(e, RV_BNE, T5, RV_ZERO, disp_to(s, retry));
        patch_b(s, differ, RV_BNE, T4, R0);
        put32(s, 0, T4);
        return;
    }
    enum rv_amo amo = sel == (FC_SELVAL_ATOMIC32_XCHG & 0xffu) ? RV_AMOSWAP
                      : (sel & ~1u) == FC_SELVAL_ATOMIC32_OR   ? RV_AMOOR
                      : (sel & ~1u) == FC_SELVAL_ATOMIC32_AND  ? RV_AMOAND
                      : (sel & ~1u) == FC_SELVAL_ATOMIC32_XOR  ? RV_AMOXOR
                                                               : RV_AMOADD;
    int fetch = (sel & 1u) != 0; /* fetch variants and xchg */
    rv_amo(e, amo, fetch ? T4 : RV_ZERO, V, RV_A2);
    if (fetch)
        put32(s, r, T4);
}

/* Atomics: 32-bit ones inline (amo32) when the base is r10 with an aligned
 * offset (the frame: no check), or when the address is aligned and on the
 * stack (its cache: the stack is read-write, so the interpreter's region
 * walk for read and write would match it); everything else, and every
 * 64-bit atomic (RV32A has no 64-bit AMO), calls fc_jit_atomic with the
 * mapped registers it reads and writes (src, r0) in the file. */
static int atomic_op(rv_state_t *s, const fc_insn_t *in, uint32_t pc)
{
    rv_emit_t *e = &s->e;
    unsigned op = in->opcode, d = FC_INSN_DST(*in), r = FC_INSN_SRC(*in);
    if (op != FC_OPC_ATOMIC32_ADD && op != FC_OPC_ATOMIC64_ADD)
        return 1;
    uint32_t done = 0, inline32 = op == FC_OPC_ATOMIC32_ADD;
    if (inline32) {
        pair_t B = get(s, d, (pair_t){RV_A4, RV_A5});
        unsigned A = B.lo, H = B.hi;
        if (in->offset != 0) {
            addr_off(s, B, in->offset);
            A = RV_A2;
            H = RV_A3;
        }
        if (d == 10 && s->frame_aligned && (in->offset & 3) == 0) {
            mv(s, RV_A2, A);
            amo32(s, in);
            return 0;
        }
        rv_opi(e, RV_ANDI, T5, A, 3);
        if (d != 10)
            rv_op(e, RV_OR, T5, T5, H);
        uint32_t slow = fwd(s);
        rv_load(e, RV_LW, T5, R_REG, CACHE_START(0));
        rv_op(e, RV_SUB, T5, A, T5);
        rv_load(e, RV_LW, T6, R_REG, CACHE_END(0, 0));
        uint32_t slow2 = fwd(s);
        mv(s, RV_A2, A);
        amo32(s, in);
        done = fwd(s);
        patch_b(s, slow, RV_BNE, T5, RV_ZERO);
        patch_b(s, slow2, RV_BGEU, T5, T6);
    }
    if (s->lo[r]) {
        rv_store(e, RV_SW, s->lo[r], R_REG, file_lo(r));
        rv_store(e, RV_SW, s->hi[r], R_REG, file_hi(r));
    }
    if (s->lo[0] && r != 0) {
        rv_store(e, RV_SW, s->lo[0], R_REG, file_lo(0));
        rv_store(e, RV_SW, s->hi[0], R_REG, file_hi(0));
    }
    pair_t B = get(s, d, SB);
    if (in->offset != 0) {
        addr_off(s, B, in->offset);
    } else {
        mv(s, RV_A2, B.lo);
        mv(s, RV_A3, B.hi);
    }
    vm_to_a0(s);
    rv_li(e, RV_A1,
          (d == 10 ? 1u << 31 : 0u) | r << 24 | ((uint32_t)in->imm & 0xffu) << 8 |
              (op == FC_OPC_ATOMIC64_ADD ? 8u : 4u));
    call_fn(s, (const void *)fc_jit_atomic);
    uint32_t ok = fwd(s);
    leave_at(s, K_FAULT, pc);
    patch_b(s, ok, RV_BEQ, RV_A0, RV_ZERO);
    if (s->lo[r]) {
        rv_load(e, RV_LW, s->lo[r], R_REG, file_lo(r));
        rv_load(e, RV_LW, s->hi[r], R_REG, file_hi(r));
    }
    if (s->lo[0] && r != 0) {
        rv_load(e, RV_LW, s->lo[0], R_REG, file_lo(0));
        rv_load(e, RV_LW, s->hi[0], R_REG, file_hi(0));
    }
    if (inline32)
        patch_j(s, done);
    return 0;
}

/* ---- jumps -------------------------------------------------------------- */

/* A conditional jump's compare and its branches to dest (shrt: every one
 * short); falls through when not taken. */
static void jcc(rv_state_t *s, const fc_insn_t *in, int shrt, uint32_t dest)
{
    rv_emit_t *e = &s->e;
    unsigned op = in->opcode, d = FC_INSN_DST(*in), r = FC_INSN_SRC(*in);
    unsigned code = op & 0xf0u;
    int w64 = (op & 7u) == (FC_OPC_JEQ_K & 7u), x = (op & 8u) != 0;
    pair_t A = w64 ? get(s, d, SA) : (pair_t){get_lo(s, d, SA.lo), RV_ZERO};
    pair_t B;
    if (x)
        B = w64 ? get(s, r, SB) : (pair_t){get_lo(s, r, SB.lo), RV_ZERO};
    else
        B = imm_pair(s, in->imm, SB);
    if (code == CODE(JSET_K)) {
        if (!x && rv_fits12(in->imm) && in->imm != 0)
            rv_opi(e, RV_ANDI, T4, A.lo, in->imm);
        else
            rv_op(e, RV_AND, T4, A.lo, B.lo);
        if (w64 && B.hi != RV_ZERO) {
            rv_op(e, RV_AND, T5, A.hi, B.hi);
            rv_op(e, RV_OR, T4, T4, T5);
        }
        br(s, shrt, RV_BNE, T4, RV_ZERO, dest);
        return;
    }
    if (!w64) { /* one compare of the low halves */
        switch (code) {
        case CODE(JEQ_K):
            br(s, shrt, RV_BEQ, A.lo, B.lo, dest);
            break;
        case CODE(JNE_K):
            br(s, shrt, RV_BNE, A.lo, B.lo, dest);
            break;
        case CODE(JGT_K):
            br(s, shrt, RV_BLTU, B.lo, A.lo, dest);
            break;
        case CODE(JGE_K):
            br(s, shrt, RV_BGEU, A.lo, B.lo, dest);
            break;
        case CODE(JLT_K):
            br(s, shrt, RV_BLTU, A.lo, B.lo, dest);
            break;
        case CODE(JLE_K):
            br(s, shrt, RV_BGEU, B.lo, A.lo, dest);
            break;
        case CODE(JSGT_K):
            br(s, shrt, RV_BLT, B.lo, A.lo, dest);
            break;
        case CODE(JSGE_K):
            br(s, shrt, RV_BGE, A.lo, B.lo, dest);
            break;
        case CODE(JSLT_K):
            br(s, shrt, RV_BLT, A.lo, B.lo, dest);
            break;
        default:
            br(s, shrt, RV_BGE, B.lo, A.lo, dest);
            break; /* JSLE */
        }
        return;
    }
    if (code == CODE(JEQ_K)) {
        uint32_t skip = fwd(s);
        br(s, shrt, RV_BEQ, A.hi, B.hi, dest);
        patch_b(s, skip, RV_BNE, A.lo, B.lo);
        return;
    }
    if (code == CODE(JNE_K)) {
        br(s, shrt, RV_BNE, A.lo, B.lo, dest);
        br(s, shrt, RV_BNE, A.hi, B.hi, dest);
        return;
    }
    /* ordered: the high halves decide unless equal, then the low halves
     * (unsigned) */
    int sgn = code == CODE(JSGT_K) || code == CODE(JSGE_K) || code == CODE(JSLT_K) ||
              code == CODE(JSLE_K);
    int greater =
        code == CODE(JGT_K) || code == CODE(JGE_K) || code == CODE(JSGT_K) || code == CODE(JSGE_K);
    int strict =
        code == CODE(JGT_K) || code == CODE(JLT_K) || code == CODE(JSGT_K) || code == CODE(JSLT_K);
    enum rv_bop lt = sgn ? RV_BLT : RV_BLTU;
    if (greater)
        br(s, shrt, lt, B.hi, A.hi, dest);
    else
        br(s, shrt, lt, A.hi, B.hi, dest);
    uint32_t skip = fwd(s);
    if (greater)
        br(s, shrt, strict ? RV_BLTU : RV_BGEU, strict ? B.lo : A.lo, strict ? A.lo : B.lo, dest);
    else
        br(s, shrt, strict ? RV_BLTU : RV_BGEU, strict ? A.lo : B.lo, strict ? B.lo : A.lo, dest);
    patch_b(s, skip, RV_BNE, A.hi, B.hi);
}

/* A backward transfer (a loop's back-edge): the budget is taken and
 * checked at the jump, so the jump goes to the target's body past its
 * check. With the budget spent, the slow path decides the jump again:
 * taken, a budget fault at the target; not taken, straight on. */
static void back_edge(rv_state_t *s, const fc_insn_t *in, uint32_t pc, uint32_t t, int cond_jump)
{
    rv_emit_t *e = &s->e;
    rv_opi(e, RV_ADDI, R_Q, R_Q, -(int32_t)(pc + 1u - s->qbase));
    s->qbase = pc + 1;
    uint32_t body = TAB_POS(s->tab[t]) + ENTRY_WORDS;
    uint32_t fast = fwd(s); /* bgtz Q */
    if (!cond_jump) {
        leave(s, K_BUDGET, t);
        patch_b(s, fast, RV_BLT, RV_ZERO, R_Q);
        rv_jal(e, RV_ZERO, disp_to(s, body));
        return;
    }
    uint32_t slow = fwd(s); /* j slow */
    uint32_t stub = s->e.pos;
    leave(s, K_BUDGET, t);
    patch_j(s, slow);
    jcc(s, in, 1, stub);
    uint32_t over = fwd(s);
    patch_b(s, fast, RV_BLT, RV_ZERO, R_Q);
    jcc(s, in, reaches(s, pc, t), body);
    patch_j(s, over);
}

static int jump(rv_state_t *s, const fc_insn_t *in, uint32_t pc)
{
    unsigned op = in->opcode, cls = op & 7u;
    if (op == FC_OPC_JA || op == FC_OPC_JA32) {
        uint32_t t = pc + 1u + (uint32_t)(op == FC_OPC_JA ? (int32_t)in->offset : in->imm);
        if (t <= pc && pc + 1u - s->qbase <= 2048u) {
            back_edge(s, in, pc, t, 0);
            return 0;
        }
        q_at(s, pc + 1);
        rv_jal(&s->e, RV_ZERO, disp_to(s, TAB_POS(s->tab[t])));
        return 0;
    }
    if (cls != (FC_OPC_JEQ_K & 7u) && cls != (FC_OPC_JEQ32_K & 7u))
        return 1;
    unsigned code = op & 0xf0u;
    if (code == CODE(CALL) || code == CODE(EXIT))
        return 1;
    uint32_t t = pc + 1u + (uint32_t)(int32_t)in->offset;
    if (t <= pc && pc + 1u - s->qbase <= 2048u) {
        back_edge(s, in, pc, t, 1);
        return 0;
    }
    q_at(s, pc + 1);
    jcc(s, in, reaches(s, pc, t), TAB_POS(s->tab[t]));
    return 0;
}

/* ---- calls and exit ------------------------------------------------------- */

static void helper_call(rv_state_t *s, const fc_insn_t *in, uint32_t pc)
{
    rv_emit_t *e = &s->e;
    q_at(s, pc);
    for (unsigned r = 1; r <= 5; r++) /* the helper reads r1..r5 from the file */
        if (s->lo[r]) {
            rv_store(e, RV_SW, s->lo[r], R_REG, file_lo(r));
            rv_store(e, RV_SW, s->hi[r], R_REG, file_hi(r));
        }
    if (in->opcode == FC_OPC_CALLX) {
        pair_t id = get(s, FC_INSN_DST(*in), (pair_t){RV_A2, RV_A3});
        mv(s, RV_A2, id.lo);
        mv(s, RV_A3, id.hi);
    } else {
        rv_li(e, RV_A2, (uint32_t)in->imm);
        mv(s, RV_A3, RV_ZERO);
    }
    vm_to_a0(s);
    mv(s, RV_A1, R_Q);
    call_fn(s, (const void *)fc_jit_helper);
    uint32_t ok = fwd(s);
    rv_li(e, T4, pc << 8);
    rv_op(e, RV_OR, RV_A0, RV_A0, T4);
    rv_jal(e, RV_ZERO, disp_to(s, s->epilogue));
    patch_b(s, ok, RV_BEQ, RV_A0, RV_ZERO);
    if (s->lo[0]) { /* the helper's result */
        rv_load(e, RV_LW, s->lo[0], R_REG, file_lo(0));
        rv_load(e, RV_LW, s->hi[0], R_REG, file_hi(0));
    }
    /* stop before the next instruction if the call spent the budget */
    rv_opi(e, RV_ADDI, R_Q, R_Q, -1);
    s->qbase = pc + 1;
    uint32_t more = fwd(s);
    leave(s, K_BUDGET, pc + 1);
    patch_b(s, more, RV_BLT, RV_ZERO, R_Q);
}

/* The host stack frame of a local call: r6..r9 (when a callee names
 * them) and the return point; 16-byte aligned (the ABI's sp). */
static int32_t call_frame(rv_state_t *s)
{
    return s->callee_r6_r9 ? 48 : 16;
}
enum { FRAME_RET = 32 };

/* r10 += delta (the frame pointer moved by a call or a return) */
static void move_r10(rv_state_t *s, int32_t delta)
{
    rv_emit_t *e = &s->e;
    unsigned R = get_lo(s, 10, T4);
    if (rv_fits12(delta)) {
        rv_opi(e, RV_ADDI, R, R, delta);
    } else {
        rv_li(e, T5, (uint32_t)delta);
        rv_op(e, RV_ADD, R, R, T5);
    }
    if (!s->lo[10])
        rv_store(e, RV_SW, R, R_REG, file_lo(10));
}

/* A local call: the interpreter's depth check (against the verified
 * depth, known here), eBPF r6..r9 and the return point on the host stack,
 * the frame pointer moved, then a transfer to the callee's checked entry. */
static void local_call(rv_state_t *s, const fc_insn_t *in, uint32_t pc)
{
    rv_emit_t *e = &s->e;
    uint32_t limit =
        s->prog->call_depth < FC_MAX_CALL_DEPTH ? s->prog->call_depth : FC_MAX_CALL_DEPTH;
    rv_load(e, RV_LW, T4, R_REG, FILE_DEPTH);
    rv_opi(e, RV_SLTIU, T5, T4, (int32_t)limit);
    uint32_t ok = fwd(s);
    leave_at(s, K_DEPTH, pc);
    patch_b(s, ok, RV_BNE, T5, RV_ZERO);
    rv_opi(e, RV_ADDI, T4, T4, 1);
    rv_store(e, RV_SW, T4, R_REG, FILE_DEPTH);
    rv_load(e, RV_LW, T5, R_REG, FILE_MAXDEPTH);
    uint32_t not_deeper = fwd(s);
    rv_store(e, RV_SW, T4, R_REG, FILE_MAXDEPTH);
    patch_b(s, not_deeper, RV_BGEU, T5, T4);
    int32_t fr = call_frame(s);
    rv_opi(e, RV_ADDI, RV_SP, RV_SP, -fr);
    if (s->callee_r6_r9) {
        for (unsigned r = 6; r <= 9; r++) {
            pair_t v = get(s, r, SA);
            rv_store(e, RV_SW, v.lo, RV_SP, (int32_t)(r - 6u) * 8);
            rv_store(e, RV_SW, v.hi, RV_SP, (int32_t)(r - 6u) * 8 + 4);
        }
    }
    if (s->callee_r10)
        move_r10(s, -(int32_t)s->prog->frame_size);
    /* the return point: the checked entry of pc + 1, right after this */
    uint32_t at = e->pos;
    rv_auipc(e, T4, 0);
    rv_opi(e, RV_ADDI, T4, T4, ((int32_t)TAB_POS(s->tab[pc + 1]) - (int32_t)at) * 4);
    rv_store(e, RV_SW, T4, RV_SP, s->callee_r6_r9 ? FRAME_RET : 0);
    q_at(s, pc + 1);
    rv_jal(e, RV_ZERO, disp_to(s, TAB_POS(s->tab[pc + 1u + (uint32_t)in->imm])));
}

/* exit: at depth 0 the run ends; deeper, the interpreter's return (r6..r9
 * and the frame pointer back, a transfer to the return point). */
static void exit_op(rv_state_t *s, uint32_t pc)
{
    rv_emit_t *e = &s->e;
    uint32_t deeper = 0;
    if (s->has_calls) {
        rv_load(e, RV_LW, T4, R_REG, FILE_DEPTH);
        deeper = fwd(s);
    }
    uint32_t save = s->qbase;
    if (s->lo[0]) {
        rv_store(e, RV_SW, s->lo[0], R_REG, file_lo(0));
        rv_store(e, RV_SW, s->hi[0], R_REG, file_hi(0));
    }
    q_at(s, pc);
    leave(s, K_EXIT, pc);
    if (!s->has_calls)
        return;
    s->qbase = save;
    patch_b(s, deeper, RV_BNE, T4, RV_ZERO);
    rv_opi(e, RV_ADDI, T4, T4, -1);
    rv_store(e, RV_SW, T4, R_REG, FILE_DEPTH);
    if (s->callee_r6_r9) {
        for (unsigned r = 6; r <= 9; r++) {
            int32_t o = (int32_t)(r - 6u) * 8;
            if (s->lo[r]) {
                rv_load(e, RV_LW, s->lo[r], RV_SP, o);
                rv_load(e, RV_LW, s->hi[r], RV_SP, o + 4);
            } else {
                rv_load(e, RV_LW, T5, RV_SP, o);
                rv_load(e, RV_LW, T6, RV_SP, o + 4);
                rv_store(e, RV_SW, T5, R_REG, file_lo(r));
                rv_store(e, RV_SW, T6, R_REG, file_hi(r));
            }
        }
    }
    rv_load(e, RV_LW, T4, RV_SP, s->callee_r6_r9 ? FRAME_RET : 0);
    rv_opi(e, RV_ADDI, RV_SP, RV_SP, call_frame(s));
    if (s->callee_r10) {
        mv(s, RV_A7, T4);
        move_r10(s, (int32_t)s->prog->frame_size);
        mv(s, T4, RV_A7);
    }
    q_at(s, pc + 1);
    rv_jalr(e, RV_ZERO, T4, 0);
}

/* lddw: dst = imm64 (+ the section base its src selects) */
static void lddw(rv_state_t *s, const fc_insn_t *in)
{
    rv_emit_t *e = &s->e;
    unsigned src = FC_INSN_SRC(*in) & 3u, d = FC_INSN_DST(*in);
    pair_t D = dreg(s, d);
    rv_li(e, D.lo, (uint32_t)in->imm);
    rv_li(e, D.hi, (uint32_t)in[1].imm);
    if (src) {
        rv_load(e, RV_LW, T4, R_REG, SECTION(src));
        rv_load(e, RV_LW, T5, R_REG, SECTION(src) + 4);
        rv_op(e, RV_ADD, D.lo, D.lo, T4);
        rv_op(e, RV_SLTU, T4, D.lo, T4);
        rv_op(e, RV_ADD, D.hi, D.hi, T5);
        rv_op(e, RV_ADD, D.hi, D.hi, T4);
    }
    put(s, d, D);
}

/* The prologue: save the callee-saved registers the code changes (ra,
 * s0, s1 and the pairs in use, in a 64-byte frame), a1 = the register file
 * into s0, a2 = Q into s1, the mapped registers loaded; then the common way
 * out, then the body. A run of a small program pays only for what it uses.
 * The mapped registers are loaded only where the program may read them
 * before writing: r1, r2 and r10 (set by every run), anything when the
 * verifier found a register read before written (undefined_reads), and
 * r3..r5 when a helper may read them (a call stores r1..r5 to the file). */
enum { PRO_FRAME = 64 };
static void prologue(rv_state_t *s)
{
    rv_emit_t *e = &s->e;
    const fc_program_t *p = s->prog;
    rv_opi(e, RV_ADDI, RV_SP, RV_SP, -PRO_FRAME);
    rv_store(e, RV_SW, RV_RA, RV_SP, 48);
    rv_store(e, RV_SW, RV_S0, RV_SP, 44);
    rv_store(e, RV_SW, RV_S1, RV_SP, 40);
    for (unsigned i = 0; i < s->n_pairs; i++)
        rv_store(e, RV_SW, R_PAIRS + i, RV_SP, (int32_t)i * 4);
    mv(s, R_REG, RV_A1);
    mv(s, R_Q, RV_A2);
    if (s->has_calls) /* a fault deep in calls leaves with the entry's sp */
        rv_store(e, RV_SW, RV_SP, R_REG, FILE_SP);
    for (unsigned r = 0; r < 11; r++)
        if (s->lo[r] &&
            (p->undefined_reads || r == 1 || r == 2 || r == 10 || (s->calls_helpers && r <= 5))) {
            rv_load(e, RV_LW, s->lo[r], R_REG, file_lo(r));
            if (r != 10)
                rv_load(e, RV_LW, s->hi[r], R_REG, file_hi(r));
        }
    uint32_t to_body = fwd(s);
    s->epilogue = e->pos;
    mv(s, RV_A1, R_Q);
    if (s->has_calls)
        rv_load(e, RV_LW, RV_SP, R_REG, FILE_SP);
    rv_load(e, RV_LW, RV_RA, RV_SP, 48);
    rv_load(e, RV_LW, RV_S0, RV_SP, 44);
    rv_load(e, RV_LW, RV_S1, RV_SP, 40);
    for (unsigned i = 0; i < s->n_pairs; i++)
        rv_load(e, RV_LW, R_PAIRS + i, RV_SP, (int32_t)i * 4);
    rv_opi(e, RV_ADDI, RV_SP, RV_SP, PRO_FRAME);
    rv_jalr(e, RV_ZERO, RV_RA, 0);
    patch_j(s, to_body);
}

/* lsh d, 32; rsh d, 32 (or arsh) at pc, the second no jump target:
 * clang's zero and sign extension of the low half. */
static int is_ext_pair(rv_state_t *s, uint32_t pc)
{
    const fc_insn_t *in = &s->prog->text[pc];
    if (in->opcode != FC_OPC_LSH64_K || in->imm != 32 || pc + 1 >= s->prog->len ||
        (s->tab[pc + 1] & TAB_TARGET))
        return 0;
    const fc_insn_t *nx = in + 1;
    return (nx->opcode == FC_OPC_RSH64_K || nx->opcode == FC_OPC_ARSH64_K) &&
           nx->regs == in->regs && nx->imm == 32;
}

/* Such a pair, with a mov d, s before it joining (no jump target in
 * between): one or two instructions. Returns the slots consumed (0: no
 * such group at pc). Straight-line code: the budget does not see it. */
static int fused_ext(rv_state_t *s, uint32_t pc)
{
    const fc_insn_t *in = &s->prog->text[pc];
    unsigned d = FC_INSN_DST(*in);
    int with_mov = in->opcode == FC_OPC_MOV64_X && in->offset == 0 && pc + 1 < s->prog->len &&
                   !(s->tab[pc + 1] & TAB_TARGET) && is_ext_pair(s, pc + 1) &&
                   FC_INSN_DST(in[1]) == d;
    if (!with_mov && !is_ext_pair(s, pc))
        return 0;
    const fc_insn_t *sh = &in[with_mov ? 2 : 1];
    pair_t D = dreg(s, d);
    mv(s, D.lo, get_lo(s, with_mov ? FC_INSN_SRC(*in) : d, D.lo));
    if (sh->opcode == FC_OPC_RSH64_K) {
        put32(s, d, D.lo);
    } else {
        rv_shi(&s->e, RV_SRAI, D.hi, D.lo, 31);
        put(s, d, D);
    }
    return with_mov ? 3 : 2;
}

/* One pass over the program. */
static int emit_program(rv_state_t *s)
{
    rv_emit_t *e = &s->e;
    const fc_program_t *p = s->prog;
    e->pos = 0;
    e->full = 0;
    prologue(s);
    s->qbase = 0;
    int falls = 1; /* can the previous instruction fall through? */
    for (uint32_t pc = 0; pc < p->len; pc++) {
        const fc_insn_t *in = &p->text[pc];
        if (s->pass == 1)
            s->start1[pc] = e->pos;
        if (s->tab[pc] & TAB_TARGET) {
            uint32_t skip = 0;
            if (falls) {
                q_at(s, pc);
                skip = fwd(s);
            }
            s->tab[pc] = TAB_TARGET | e->pos;
            s->qbase = pc;
            /* entered by a transfer: the interpreter's "pc >= limit" */
            rv_branch(e, RV_BLT, RV_ZERO, R_Q, ENTRY_WORDS * 4);
            rv_li2(e, RV_A0, K_BUDGET | pc << 8);
            rv_jal(e, RV_ZERO, disp_to(s, s->epilogue));
            if (falls)
                patch_j(s, skip);
        }
        falls = 1;
        unsigned op = in->opcode;
        if (op == FC_OPC_LDDW) {
            lddw(s, in);
            pc++;
            if (s->pass == 1)
                s->start1[pc] = e->pos;
            s->qbase++; /* the interpreter moves its limit with the second slot */
            continue;
        }
        if (op == FC_OPC_EXIT) {
            exit_op(s, pc);
            falls = 0;
            continue;
        }
        if (op == FC_OPC_CALL && FC_INSN_SRC(*in) == 1) {
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
            for (int k = 1; k < fused; k++)
                if (s->pass == 1)
                    s->start1[pc + (uint32_t)k] = e->pos;
            pc += (uint32_t)fused - 1u;
            continue;
        }
        if (alu(s, in) == 0 || mem(s, in, pc) == 0 || jump(s, in, pc) == 0 ||
            atomic_op(s, in, pc) == 0)
            continue;
        return refuse(s, pc, "instruction not translated");
    }
    if (s->pass == 1)
        s->start1[p->len] = e->pos;
    if (e->full)
        return fc_jit_refuse(s->tr, FC_ERR_TOO_LARGE, p->len, "JIT code buffer full");
    return 0;
}

/* The mapped registers: the ones of r0..r10 named most (fc_jit_analyse's
 * weights: a name inside a loop counts 16 times), a pair of host
 * registers each, r10 one (its high half is x0), until s2..s11 are used. */
static void choose_registers(rv_state_t *s)
{
    const uint32_t *weight = s->tr->weight;
    for (unsigned r = 0; r < 16; r++)
        s->lo[r] = s->hi[r] = 0;
    unsigned next = R_PAIRS, left = N_PAIR_REGS;
    for (;;) {
        unsigned best = 11;
        for (unsigned r = 0; r < 11; r++)
            if (!s->lo[r] && weight[r] > 0 && (r == 10 ? 1u : 2u) <= left &&
                (best == 11 || weight[r] > weight[best]))
                best = r;
        if (best == 11)
            break;
        s->lo[best] = (uint8_t)next;
        s->hi[best] = (uint8_t)(best == 10 ? RV_ZERO : next + 1);
        next += best == 10 ? 1u : 2u;
        left -= best == 10 ? 1u : 2u;
    }
    s->n_pairs = (uint8_t)(next - R_PAIRS);
}

/* Three passes (see the top of the file); start1 takes len + 1 words at
 * the end of the code buffer while translating. */
int fc_jit_arch_translate(fc_jit_tr_t *t, void *buf, size_t cap, uint32_t *size)
{
    const fc_program_t *prog = t->prog;
    rv_state_t s;
    s.tr = t;
    s.prog = prog;
    s.tab = t->tab;
    if (cap > ((size_t)1 << 20)) /* jal reaches +-1 MiB */
        cap = (size_t)1 << 20;
    size_t start1_bytes = ((size_t)prog->len + 1u) * sizeof(uint32_t);
    if (cap < start1_bytes + 64)
        return fc_jit_refuse(t, FC_ERR_TOO_LARGE, prog->len, "JIT code buffer full");
    s.start1 = (uint32_t *)(void *)((uint8_t *)buf + ((cap - start1_bytes) & ~(size_t)3));
    s.e.cap = (uint32_t)(((uint8_t *)s.start1 - (uint8_t *)buf) / 4);
    fc_jit_analyse(t, 10);
    s.callee_r6_r9 = t->callee_r6_r9;
    s.callee_r10 = t->callee_r10;
    s.has_calls = prog->call_depth > 0;
    /* fc_vm_init refuses a stack not 8-byte aligned, so r10 is aligned
     * at entry and, with such a frame size, in every frame */
    s.frame_aligned = (prog->frame_size & 7u) == 0;
    choose_registers(&s);
    s.calls_helpers = 0; /* (a lddw's second slot has opcode 0: never a call) */
    for (uint32_t pc = 0; pc < prog->len; pc++)
        s.calls_helpers |=
            prog->text[pc].opcode == FC_OPC_CALLX ||
            (prog->text[pc].opcode == FC_OPC_CALL && FC_INSN_SRC(prog->text[pc]) == 0);
    uint32_t measured = 0;
    for (s.pass = 1; s.pass <= 3; s.pass++) {
        s.e.buf = s.pass == 3 ? (uint32_t *)buf : NULL;
        if (emit_program(&s) != 0)
            return -1;
        if (s.pass == 2)
            measured = s.e.pos;
    }
    if (s.e.pos != measured) /* pass 3 must lay out what pass 2 measured */
        return fc_jit_refuse(t, FC_ERR_BAD_CONFIG, prog->len, "JIT layout changed between passes");
#if defined(__riscv)
    __asm__ volatile(".word 0x0000100f" ::: "memory"); /* fence.i: fetch what was written */
#endif
    *size = s.e.pos * 4u;
    return 0;
}

#endif /* FC_JIT_TARGET_RV32 */
