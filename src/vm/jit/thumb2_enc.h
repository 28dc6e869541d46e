/* Thumb-2 encoders for the JIT (ARMv7-M, Cortex-M3/M4/M7/M33).
 *
 * Each function appends one instruction to an emitter. Only the forms the
 * JIT uses are here, and every one of them is checked against the GNU
 * assembler by tests/jit/enc_check.sh (tests/jit/jit_enc_table.c prints
 * the halfwords next to the assembly text; the script assembles the text
 * with arm-none-eabi-as and compares byte for byte). Plain C, no target
 * dependency: the host test compiles this file as it is. */
#ifndef FEMTO_THUMB2_ENC_H
#define FEMTO_THUMB2_ENC_H

#include <stddef.h>
#include <stdint.h>

typedef struct t2_emit {
    uint16_t *buf; /* NULL: measure only */
    uint32_t pos;  /* halfwords emitted */
    uint32_t cap;  /* halfwords available */
    int full;      /* set when an instruction did not fit */
} t2_emit_t;

enum t2_cond {
    T2_EQ,
    T2_NE,
    T2_HS,
    T2_LO,
    T2_MI,
    T2_PL,
    T2_VS,
    T2_VC,
    T2_HI,
    T2_LS,
    T2_GE,
    T2_LT,
    T2_GT,
    T2_LE
};
enum t2_shift { T2_LSL, T2_LSR, T2_ASR, T2_ROR };

static inline void t2_h(t2_emit_t *e, uint32_t h)
{
    if (e->pos >= e->cap) {
        e->full = 1;
        return;
    }
    if (e->buf)
        e->buf[e->pos] = (uint16_t)h;
    e->pos++;
}
static inline void t2_w(t2_emit_t *e, uint32_t h1, uint32_t h2)
{
    t2_h(e, h1);
    t2_h(e, h2);
}

/* ldrd/strd rt, rt2, [rn, #imm] (imm a multiple of 4, 0..1020) */
static inline void t2_ldrd(t2_emit_t *e, unsigned rt, unsigned rt2, unsigned rn, unsigned imm)
{
    t2_w(e, 0xE9D0u | rn, rt << 12 | rt2 << 8 | (imm >> 2));
}
static inline void t2_strd(t2_emit_t *e, unsigned rt, unsigned rt2, unsigned rn, unsigned imm)
{
    t2_w(e, 0xE9C0u | rn, rt << 12 | rt2 << 8 | (imm >> 2));
}
/* Loads and stores with a 12-bit positive offset: op is one of these. */
enum t2_ldst {
    T2_STRB = 0xF880u,
    T2_STRH = 0xF8A0u,
    T2_STR = 0xF8C0u,
    T2_LDRB = 0xF890u,
    T2_LDRH = 0xF8B0u,
    T2_LDR = 0xF8D0u,
    T2_LDRSB = 0xF990u,
    T2_LDRSH = 0xF9B0u
};
static inline void t2_ldst(t2_emit_t *e, enum t2_ldst op, unsigned rt, unsigned rn, unsigned imm)
{
    t2_w(e, (unsigned)op | rn, rt << 12 | (imm & 0xfffu));
}

/* Data processing, register with an optional shift: op rd, rn, rm {, sh #n} */
enum t2_dp {
    T2_AND = 0xEA00u,
    T2_ORR = 0xEA40u,
    T2_EOR = 0xEA80u,
    T2_ADD = 0xEB00u,
    T2_ADC = 0xEB40u,
    T2_SBC = 0xEB60u,
    T2_SUB = 0xEBA0u,
    T2_RSB = 0xEBC0u
};
static inline void t2_dp(t2_emit_t *e, enum t2_dp op, int s, unsigned rd, unsigned rn, unsigned rm,
                         enum t2_shift sh, unsigned n)
{
    n &= 31u;
    t2_w(e, (unsigned)op | (s ? 0x10u : 0u) | rn,
         (n >> 2) << 12 | rd << 8 | (n & 3u) << 6 | (unsigned)sh << 4 | rm);
}
/* mov.w rd, rm, sh #n (n 1..31; lsr/asr #32 are not expressible this way) */
static inline void t2_movsh(t2_emit_t *e, unsigned rd, unsigned rm, enum t2_shift sh, unsigned n)
{
    t2_dp(e, T2_ORR, 0, rd, 15u, rm, sh, n);
}
/* cmp.w rn, rm */
static inline void t2_cmp(t2_emit_t *e, unsigned rn, unsigned rm)
{
    t2_dp(e, T2_SUB, 1, 15u, rn, rm, T2_LSL, 0);
}
/* tst.w rn, rm */
static inline void t2_tst(t2_emit_t *e, unsigned rn, unsigned rm)
{
    t2_dp(e, T2_AND, 1, 15u, rn, rm, T2_LSL, 0);
}
/* mov rd, rm (16-bit, any registers) */
static inline void t2_mov(t2_emit_t *e, unsigned rd, unsigned rm)
{
    t2_h(e, 0x4600u | (rd & 8u) << 4 | rm << 3 | (rd & 7u));
}
/* Shift by register: lsl.w/lsr.w/asr.w rd, rn, rm */
static inline void t2_shreg(t2_emit_t *e, enum t2_shift sh, unsigned rd, unsigned rn, unsigned rm)
{
    t2_w(e, 0xFA00u | (unsigned)sh << 5 | rn, 0xF000u | rd << 8 | rm);
}
/* movw / movt rd, #imm16 */
static inline void t2_movwt(t2_emit_t *e, int top, unsigned rd, uint32_t imm)
{
    imm &= 0xffffu;
    t2_w(e, (top ? 0xF2C0u : 0xF240u) | ((imm >> 11) & 1u) << 10 | imm >> 12,
         ((imm >> 8) & 7u) << 12 | rd << 8 | (imm & 0xffu));
}
/* rd = 32-bit constant: movw, and movt when the top half is not 0 */
static inline void t2_const(t2_emit_t *e, unsigned rd, uint32_t v)
{
    t2_movwt(e, 0, rd, v);
    if (v >> 16)
        t2_movwt(e, 1, rd, v >> 16);
}
/* addw / subw rd, rn, #imm12 (no flags) */
static inline void t2_addw(t2_emit_t *e, int sub, unsigned rd, unsigned rn, unsigned imm)
{
    t2_w(e, (sub ? 0xF2A0u : 0xF200u) | ((imm >> 11) & 1u) << 10 | rn,
         ((imm >> 8) & 7u) << 12 | rd << 8 | (imm & 0xffu));
}
/* subs.w rd, rn, #imm8 and cmp.w rn, #imm8 (imm 0..255: plain modified immediate) */
static inline void t2_subs_imm8(t2_emit_t *e, unsigned rd, unsigned rn, unsigned imm)
{
    t2_w(e, 0xF1B0u | rn, rd << 8 | (imm & 0xffu));
}
static inline void t2_cmp_imm8(t2_emit_t *e, unsigned rn, unsigned imm)
{
    t2_subs_imm8(e, 15u, rn, imm);
}
/* The modified immediate of a data-processing instruction for v (the
 * 12 bits i:imm3:imm8), or -1 when v has none. */
static inline int32_t t2_modimm(uint32_t v)
{
    uint32_t b = v & 0xffu;
    if (v < 256u)
        return (int32_t)v;
    if (v == (b | b << 16))
        return (int32_t)(0x100u | b);
    uint32_t c = (v >> 8) & 0xffu;
    if (v == (c << 8 | c << 24))
        return (int32_t)(0x200u | c);
    if (v == b * 0x01010101u)
        return (int32_t)(0x300u | b);
    for (uint32_t rot = 8; rot < 32; rot++) {
        uint32_t x = (v << rot) | (v >> (32u - rot)); /* v = x ror rot */
        if (x >= 128u && x < 256u)
            return (int32_t)(rot << 7 | (x & 0x7fu));
    }
    return -1;
}
/* op{s}.w rd, rn, #v with a modified immediate (t2_modimm(v) >= 0); op is
 * the register form's code (T2_ADD, ...); mov.w is T2_ORR with rn = 15,
 * cmp.w is T2_SUB with s and rd = 15. */
static inline void t2_dpimm(t2_emit_t *e, enum t2_dp op, int s, unsigned rd, unsigned rn,
                            uint32_t v)
{
    uint32_t m = (uint32_t)t2_modimm(v);
    t2_w(e, ((unsigned)op + 0x0600u) | (s ? 0x10u : 0u) | ((m >> 11) & 1u) << 10 | rn,
         ((m >> 8) & 7u) << 12 | rd << 8 | (m & 0xffu));
}
/* cbnz rn, forward (rn r0..r7, disp 0..126 bytes from the instruction + 4):
 * encoded at a position, as the branches below */
static inline void t2_cbnz_at(t2_emit_t *e, uint32_t at, unsigned rn, uint32_t disp)
{
    if (e->buf && at < e->cap)
        e->buf[at] =
            (uint16_t)(0xB900u | ((disp >> 6) & 1u) << 9 | ((disp >> 1) & 0x1fu) << 3 | rn);
}
/* and.w rd, rn, #imm8 */
static inline void t2_and_imm8(t2_emit_t *e, unsigned rd, unsigned rn, unsigned imm)
{
    t2_w(e, 0xF000u | rn, rd << 8 | (imm & 0xffu));
}
/* mov.w rd, #imm8 */
static inline void t2_mov_imm8(t2_emit_t *e, unsigned rd, unsigned imm)
{
    t2_w(e, 0xF04Fu, rd << 8 | (imm & 0xffu));
}
/* mul rd, rn, rm; mla rd, rn, rm, ra; umull lo, hi, rn, rm */
static inline void t2_mul(t2_emit_t *e, unsigned rd, unsigned rn, unsigned rm)
{
    t2_w(e, 0xFB00u | rn, 0xF000u | rd << 8 | rm);
}
static inline void t2_mla(t2_emit_t *e, unsigned rd, unsigned rn, unsigned rm, unsigned ra)
{
    t2_w(e, 0xFB00u | rn, ra << 12 | rd << 8 | rm);
}
static inline void t2_umull(t2_emit_t *e, unsigned lo, unsigned hi, unsigned rn, unsigned rm)
{
    t2_w(e, 0xFBA0u | rn, lo << 12 | hi << 8 | rm);
}
/* udiv rd, rn, rm; mls rd, rn, rm, ra (rd = ra - rn * rm) */
static inline void t2_udiv(t2_emit_t *e, unsigned rd, unsigned rn, unsigned rm)
{
    t2_w(e, 0xFBB0u | rn, 0xF0F0u | rd << 8 | rm);
}
static inline void t2_mls(t2_emit_t *e, unsigned rd, unsigned rn, unsigned rm, unsigned ra)
{
    t2_w(e, 0xFB00u | rn, ra << 12 | rd << 8 | 0x10u | rm);
}
/* blx rm; push.w / pop.w {list} */
static inline void t2_blx(t2_emit_t *e, unsigned rm)
{
    t2_h(e, 0x4780u | rm << 3);
}
/* bx rm */
static inline void t2_bx(t2_emit_t *e, unsigned rm)
{
    t2_h(e, 0x4700u | rm << 3);
}
static inline void t2_push(t2_emit_t *e, unsigned list)
{
    t2_w(e, 0xE92Du, list);
}
static inline void t2_pop(t2_emit_t *e, unsigned list)
{
    t2_w(e, 0xE8BDu, list);
}

/* Branches. Displacements are in bytes from the branch's own address; the
 * encoders take the displacement as the instruction sees it (target minus
 * the branch address minus 4). Encoded at a given halfword position so a
 * fixup can rewrite a branch emitted earlier. */
static inline void t2_put(t2_emit_t *e, uint32_t at, uint32_t h1, uint32_t h2)
{
    if (e->buf && at + 1 < e->cap) {
        e->buf[at] = (uint16_t)h1;
        e->buf[at + 1] = (uint16_t)h2;
    }
}
/* b<cond>.w: +-1 MiB */
static inline void t2_bcond_at(t2_emit_t *e, uint32_t at, enum t2_cond c, int32_t disp)
{
    uint32_t v = (uint32_t)disp >> 1;
    uint32_t s = (uint32_t)(disp < 0), j1 = (v >> 17) & 1u, j2 = (v >> 18) & 1u;
    t2_put(e, at, 0xF000u | s << 10 | (unsigned)c << 6 | ((v >> 11) & 0x3fu),
           0x8000u | j1 << 13 | j2 << 11 | (v & 0x7ffu));
}
/* b.w (link 0) and bl (link 1): +-16 MiB */
static inline void t2_b_at(t2_emit_t *e, uint32_t at, int link, int32_t disp)
{
    uint32_t v = (uint32_t)disp >> 1;
    uint32_t s = (uint32_t)(disp < 0);
    uint32_t i1 = (v >> 22) & 1u, i2 = (v >> 21) & 1u;
    uint32_t j1 = (~(i1 ^ s)) & 1u, j2 = (~(i2 ^ s)) & 1u;
    t2_put(e, at, 0xF000u | s << 10 | ((v >> 11) & 0x3ffu),
           (link ? 0xD000u : 0x9000u) | j1 << 13 | j2 << 11 | (v & 0x7ffu));
}

#endif
