/* RV32IMAC encoders for the JIT (src/vm/jit/jit_rv32.c).
 *
 * Each function appends one 32-bit instruction to an emitter (no
 * compressed forms: every instruction is 4 bytes, so positions are easy
 * to reason about). Only the forms the JIT uses are here, and every one of
 * them is checked against the GNU assembler by tests/jit/enc_check.sh
 * (tests/jit/rv32_enc_table.c prints each encoding next to its assembly
 * text; the script assembles the text with riscv64-unknown-elf-as
 * -march=rv32imac and compares word for word). Plain C, no target
 * dependency: the host test compiles this file as it is. */
#ifndef FEMTO_RV32_ENC_H
#define FEMTO_RV32_ENC_H

#include <stdint.h>

typedef struct rv_emit {
    uint32_t *buf; /* NULL: measure only */
    uint32_t pos;  /* instructions emitted */
    uint32_t cap;  /* instructions available */
    int full;      /* set when an instruction did not fit */
} rv_emit_t;

/* ABI register numbers the JIT names */
enum {
    RV_ZERO = 0,
    RV_RA = 1,
    RV_SP = 2,
    RV_T0 = 5,
    RV_T1 = 6,
    RV_T2 = 7,
    RV_S0 = 8,
    RV_S1 = 9,
    RV_A0 = 10,
    RV_A1 = 11,
    RV_A2 = 12,
    RV_A3 = 13,
    RV_A4 = 14,
    RV_A5 = 15,
    RV_A6 = 16,
    RV_A7 = 17,
    RV_S2 = 18,
    RV_T3 = 28,
    RV_T4 = 29,
    RV_T5 = 30,
    RV_T6 = 31
};

static inline void rv_w(rv_emit_t *e, uint32_t w)
{
    if (e->pos >= e->cap) {
        e->full = 1;
        return;
    }
    if (e->buf)
        e->buf[e->pos] = w;
    e->pos++;
}
/* Rewrite the instruction at a position (a fixup of a branch emitted
 * before its target was known). */
static inline void rv_put(rv_emit_t *e, uint32_t at, uint32_t w)
{
    if (e->buf && at < e->cap)
        e->buf[at] = w;
}

/* ---- formats ------------------------------------------------------------ */

static inline uint32_t rv_r(uint32_t f7, unsigned rs2, unsigned rs1, uint32_t f3, unsigned rd,
                            uint32_t opc)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static inline uint32_t rv_i(int32_t imm, unsigned rs1, uint32_t f3, unsigned rd, uint32_t opc)
{
    return ((uint32_t)imm & 0xfffu) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static inline uint32_t rv_s(int32_t imm, unsigned rs2, unsigned rs1, uint32_t f3, uint32_t opc)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 5) & 0x7fu) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1fu) << 7 | opc;
}
/* B-type: imm is the byte displacement from the branch (even, +-4 KiB) */
static inline uint32_t rv_b(int32_t imm, unsigned rs2, unsigned rs1, uint32_t f3)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 12) & 1u) << 31 | ((u >> 5) & 0x3fu) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           ((u >> 1) & 0xfu) << 8 | ((u >> 11) & 1u) << 7 | 0x63u;
}
/* J-type (jal): imm is the byte displacement (even, +-1 MiB) */
static inline uint32_t rv_j(int32_t imm, unsigned rd)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 20) & 1u) << 31 | ((u >> 1) & 0x3ffu) << 21 | ((u >> 11) & 1u) << 20 |
           ((u >> 12) & 0xffu) << 12 | rd << 7 | 0x6fu;
}

/* ---- register-register: op rd, rs1, rs2 ------------------------------- */

enum rv_rop { /* funct7 << 3 | funct3 */
              RV_ADD = 0x000,
              RV_SUB = 0x100,
              RV_SLL = 0x001,
              RV_SLT = 0x002,
              RV_SLTU = 0x003,
              RV_XOR = 0x004,
              RV_SRL = 0x005,
              RV_SRA = 0x105,
              RV_OR = 0x006,
              RV_AND = 0x007,
              /* M extension (funct7 1) */
              RV_MUL = 0x008,
              RV_MULH = 0x009,
              RV_MULHSU = 0x00a,
              RV_MULHU = 0x00b,
              RV_DIV = 0x00c,
              RV_DIVU = 0x00d,
              RV_REM = 0x00e,
              RV_REMU = 0x00f
};
static inline void rv_op(rv_emit_t *e, enum rv_rop op, unsigned rd, unsigned rs1, unsigned rs2)
{
    rv_w(e, rv_r(((unsigned)op >> 3) & 0x7fu, rs2, rs1, (unsigned)op & 7u, rd, 0x33u));
}

/* ---- register-immediate: op rd, rs1, imm (12-bit signed) --------------- */

enum rv_iop { RV_ADDI = 0, RV_SLTI = 2, RV_SLTIU = 3, RV_XORI = 4, RV_ORI = 6, RV_ANDI = 7 };
static inline void rv_opi(rv_emit_t *e, enum rv_iop op, unsigned rd, unsigned rs1, int32_t imm)
{
    rv_w(e, rv_i(imm, rs1, (unsigned)op, rd, 0x13u));
}
static inline int rv_fits12(int32_t v)
{
    return v >= -2048 && v <= 2047;
}
/* slli / srli / srai rd, rs1, shamt (0..31) */
enum rv_shop { RV_SLLI = 0x001, RV_SRLI = 0x005, RV_SRAI = 0x405 };
static inline void rv_shi(rv_emit_t *e, enum rv_shop op, unsigned rd, unsigned rs1, unsigned sh)
{
    rv_w(e,
         rv_i((int32_t)(((unsigned)op >> 4) << 4 | (sh & 31u)), rs1, (unsigned)op & 7u, rd, 0x13u));
}
/* mv rd, rs (addi rd, rs, 0) */
static inline void rv_mv(rv_emit_t *e, unsigned rd, unsigned rs)
{
    rv_opi(e, RV_ADDI, rd, rs, 0);
}
/* lui rd, imm20 (the upper 20 bits); auipc rd, imm20 */
static inline void rv_lui(rv_emit_t *e, unsigned rd, uint32_t imm20)
{
    rv_w(e, (imm20 & 0xfffffu) << 12 | rd << 7 | 0x37u);
}
static inline void rv_auipc(rv_emit_t *e, unsigned rd, uint32_t imm20)
{
    rv_w(e, (imm20 & 0xfffffu) << 12 | rd << 7 | 0x17u);
}
/* The lui value and the addi value whose sum is v (addi sign-extends) */
static inline uint32_t rv_hi20(uint32_t v)
{
    return ((v + 0x800u) >> 12) & 0xfffffu;
}
static inline int32_t rv_lo12(uint32_t v)
{
    return (int32_t)(v << 20) >> 20;
}
/* rd = v: addi when v fits 12 bits, lui when its low 12 bits are 0, else
 * lui + addi (the assembler's li) */
static inline void rv_li(rv_emit_t *e, unsigned rd, uint32_t v)
{
    int32_t lo = rv_lo12(v);
    if ((uint32_t)lo == v) {
        rv_opi(e, RV_ADDI, rd, RV_ZERO, lo);
        return;
    }
    rv_lui(e, rd, rv_hi20(v));
    if (lo)
        rv_opi(e, RV_ADDI, rd, rd, lo);
}
/* rd = v in exactly two instructions (lui + addi), for code whose size
 * must not depend on the value */
static inline void rv_li2(rv_emit_t *e, unsigned rd, uint32_t v)
{
    rv_lui(e, rd, rv_hi20(v));
    rv_opi(e, RV_ADDI, rd, rd, rv_lo12(v));
}

/* ---- loads and stores: rd, imm(rs1) ------------------------------------- */

enum rv_ld { RV_LB = 0, RV_LH = 1, RV_LW = 2, RV_LBU = 4, RV_LHU = 5 };
static inline void rv_load(rv_emit_t *e, enum rv_ld op, unsigned rd, unsigned rs1, int32_t imm)
{
    rv_w(e, rv_i(imm, rs1, (unsigned)op, rd, 0x03u));
}
enum rv_st { RV_SB = 0, RV_SH = 1, RV_SW = 2 };
static inline void rv_store(rv_emit_t *e, enum rv_st op, unsigned rs2, unsigned rs1, int32_t imm)
{
    rv_w(e, rv_s(imm, rs2, rs1, (unsigned)op, 0x23u));
}

/* ---- control transfer --------------------------------------------------- */

enum rv_bop { RV_BEQ = 0, RV_BNE = 1, RV_BLT = 4, RV_BGE = 5, RV_BLTU = 6, RV_BGEU = 7 };
/* The branch taken exactly when op is not */
static inline enum rv_bop rv_binv(enum rv_bop op)
{
    return (enum rv_bop)((unsigned)op ^ 1u);
}
static inline void rv_branch_at(rv_emit_t *e, uint32_t at, enum rv_bop op, unsigned rs1,
                                unsigned rs2, int32_t disp)
{
    rv_put(e, at, rv_b(disp, rs2, rs1, (unsigned)op));
}
static inline void rv_branch(rv_emit_t *e, enum rv_bop op, unsigned rs1, unsigned rs2, int32_t disp)
{
    rv_w(e, rv_b(disp, rs2, rs1, (unsigned)op));
}
/* jal rd, disp (bytes from this instruction) */
static inline void rv_jal_at(rv_emit_t *e, uint32_t at, unsigned rd, int32_t disp)
{
    rv_put(e, at, rv_j(disp, rd));
}
static inline void rv_jal(rv_emit_t *e, unsigned rd, int32_t disp)
{
    rv_w(e, rv_j(disp, rd));
}
/* jalr rd, imm(rs1) */
static inline void rv_jalr(rv_emit_t *e, unsigned rd, unsigned rs1, int32_t imm)
{
    rv_w(e, rv_i(imm, rs1, 0, rd, 0x67u));
}

/* ---- A extension (32-bit AMOs, aq = rl = 0): rd, rs2, (rs1) ------------ */

enum rv_amo {
    RV_AMOADD = 0x00,
    RV_AMOSWAP = 0x01,
    RV_LR = 0x02,
    RV_SC = 0x03,
    RV_AMOXOR = 0x04,
    RV_AMOOR = 0x08,
    RV_AMOAND = 0x0c
};
static inline void rv_amo(rv_emit_t *e, enum rv_amo op, unsigned rd, unsigned rs2, unsigned rs1)
{
    rv_w(e, rv_r((uint32_t)op << 2, rs2, rs1, 2, rd, 0x2fu));
}

/* fence.i: the instruction fetch sees the code just written */
static inline void rv_fence_i(rv_emit_t *e)
{
    rv_w(e, 0x0000100fu);
}

#endif
