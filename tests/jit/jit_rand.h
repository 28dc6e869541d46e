/* Random eBPF programs for the JIT's differential tests, generated from
 * the ISA table (fc_isa[]) as fuzz_diff does: rows at random, operands at
 * random (memory offsets around a 64-byte region passed in r1 and the
 * frame, jumps both ways, helper ids in and out of the allow-list), and
 * one program in three made of two functions, main calling the callee.
 * Used by the M4 self-test (firmware/app/selftest.c, FW_JIT) and by the
 * Linux harness run under qemu-arm (tests/jit/jit_fuzz.c): one generator,
 * seeded, so a seed names a program sequence everywhere. Header-only:
 * the firmware and the harness each compile it in. */
#ifndef FEMTO_TESTS_JIT_RAND_H
#define FEMTO_TESTS_JIT_RAND_H

#include "femto/vm.h"

#include <stdint.h>

enum { JR_MAX_SLOTS = 64 };

typedef struct jit_rand {
    uint32_t rng; /* xorshift32 state, never 0 */
    unsigned n;   /* slots of the last program */
    fc_insn_t text[JR_MAX_SLOTS];
    /* JR_KEEP_R1: no ALU or load writes r1 (the region's address) and its
     * offsets stay near the region, so more accesses hit it and programs
     * run longer (the same draws) */
    unsigned flags;
} jit_rand_t;
enum { JR_KEEP_R1 = 1u };

static inline uint32_t jr_next(jit_rand_t *g)
{
    g->rng ^= g->rng << 13;
    g->rng ^= g->rng >> 17;
    g->rng ^= g->rng << 5;
    return g->rng;
}

static inline int32_t jr_imm(jit_rand_t *g)
{
    static const int32_t edge[] = {0,          1,         -1,  2,   31,    32,     63,   64,
                                   0x7fffffff, INT32_MIN, 255, 256, 0x168, 0xffff, -4096};
    uint32_t k = jr_next(g) % 4;
    return k == 0   ? edge[jr_next(g) % (sizeof edge / sizeof edge[0])]
           : k == 1 ? (int32_t)(jr_next(g) % 16)
                    : (int32_t)jr_next(g);
}

/* One program of n slots (8 <= n <= JR_MAX_SLOTS, even), or (one in
 * three) two functions: main in [0, split) and a callee in [split, n),
 * main calling it once or more; jumps stay inside their function, which
 * ends with exit. */
static inline void jr_generate(jit_rand_t *g, unsigned n)
{
    unsigned split = jr_next(g) % 3 == 0 ? n / 2 : 0;
    g->n = n;
    for (unsigned i = 0; i < n - 1; i++) {
        const fc_isa_row_t *row = &fc_isa[jr_next(g) % FC_OP_COUNT];
        fc_insn_t in = {row->opcode, 0, 0, 0};
        unsigned dst = jr_next(g) % 10, src = jr_next(g) % 11;
        if ((g->flags & JR_KEEP_R1) && dst == 1)
            dst = 0;
        unsigned start = split && i >= split ? split : 0,
                 end = split && i < split ? split - 1 : n - 1;
        if (i == end) {
            g->text[i] = (fc_insn_t){FC_OPC_EXIT, 0, 0, 0};
            continue;
        }
        if (split && i < split && jr_next(g) % 4 == 0) { /* call the callee */
            g->text[i] = (fc_insn_t){FC_OPC_CALL_LOCAL, 1u << 4, 0, (int32_t)(split - i - 1)};
            continue;
        }
        int32_t fwd = (int32_t)(jr_next(g) % (end - i));
        int32_t jmp =
            (jr_next(g) % 8 == 0 && i > start) ? -(int32_t)(1 + jr_next(g) % (i - start)) : fwd;
        unsigned base = jr_next(g) % 4 ? 1u : 10u;
        int16_t moff;
        if (base == 10) { /* two draws, in a fixed order (not one expression) */
            int slot = -8 * (int)(1 + jr_next(g) % 8);
            moff = (int16_t)(slot + (int)(jr_next(g) % 8));
        } else {
            moff = (int16_t)((int)(jr_next(g) % 80) - 8);
            if (g->flags & JR_KEEP_R1) /* inside the 64 bytes, mostly */
                moff = (int16_t)((moff + 8) % 60);
        }
        if (row->sel == FC_SEL_SRC) {
            in = (fc_insn_t){FC_OPC_MOV64_K, (uint8_t)dst, 0, jr_imm(g)};
            g->text[i] = in;
            continue;
        }
        int16_t seloff = row->sel == FC_SEL_OFF ? (int16_t)row->selval : 0;
        switch ((fc_format_t)row->format) {
        case FC_FMT_ALU_K:
            in.regs = (uint8_t)dst, in.offset = seloff, in.imm = jr_imm(g);
            break;
        case FC_FMT_ALU_X:
            in.regs = (uint8_t)(dst | src << 4), in.offset = seloff;
            break;
        case FC_FMT_UNARY:
            in.regs = (uint8_t)dst;
            break;
        case FC_FMT_END:
            in.regs = (uint8_t)dst, in.imm = row->selval;
            break;
        case FC_FMT_LDDW:
            if (i + 2 < end + 1) {
                g->text[i] = (fc_insn_t){row->opcode, (uint8_t)dst, 0, jr_imm(g)};
                g->text[++i] = (fc_insn_t){0, 0, 0, jr_imm(g)};
                continue;
            }
            in = (fc_insn_t){FC_OPC_MOV64_K, (uint8_t)dst, 0, jr_imm(g)};
            break;
        case FC_FMT_LDX:
            in.regs = (uint8_t)(dst | base << 4), in.offset = moff;
            break;
        case FC_FMT_ST:
            in.regs = (uint8_t)base, in.offset = moff, in.imm = jr_imm(g);
            break;
        case FC_FMT_STX:
            in.regs = (uint8_t)(base | src << 4), in.offset = moff;
            break;
        case FC_FMT_ATOMIC:
            in.regs = (uint8_t)(base | (jr_next(g) % 10) << 4), in.offset = moff;
            in.imm = row->selval;
            break;
        case FC_FMT_JA:
            in.offset = (int16_t)jmp;
            break;
        case FC_FMT_JA32:
            in.imm = jmp;
            break;
        case FC_FMT_JCC_K:
            in.regs = (uint8_t)dst, in.offset = (int16_t)jmp, in.imm = jr_imm(g);
            break;
        case FC_FMT_JCC_X:
            in.regs = (uint8_t)(dst | src << 4), in.offset = (int16_t)jmp;
            break;
        case FC_FMT_CALL:
            in.imm = jr_next(g) % 2 ? 5 : (int32_t)(jr_next(g) % 8);
            break;
        case FC_FMT_CALLX:
            in.regs = (uint8_t)dst;
            break;
        default:
            break; /* EXIT, CALL_LOCAL (a SRC row, above) */
        }
        g->text[i] = in;
    }
    g->text[n - 1] = (fc_insn_t){FC_OPC_EXIT, 0, 0, 0};
    if ((g->flags & JR_KEEP_R1) && !split && n >= 20) {
        /* fold r1..r9 into r0 before the exit: every register's whole
         * value (high half included) becomes observable in r0; the slot
         * before the fold may be the second of a lddw: keep it whole */
        unsigned at = n - 10;
        if (g->text[at - 1].opcode == FC_OPC_LDDW)
            g->text[at - 1] = (fc_insn_t){FC_OPC_MOV64_K, g->text[at - 1].regs, 0, 0};
        for (unsigned r = 1; r <= 9; r++)
            g->text[at + r - 1] = (fc_insn_t){FC_OPC_XOR64_X, (uint8_t)(r << 4), 0, 0};
    }
}

#endif
