/* Prints every Thumb-2 encoder of the JIT (src/vm/jit/thumb2_enc.h) as
 * "halfwords<TAB>assembly" lines, over a spread of registers, immediates
 * and displacements; enc_check.sh thumb2 assembles the text with GNU as and
 * compares byte for byte. Host program: the encoders are plain C. */
#include <stdio.h>

#include "../../src/vm/jit/thumb2_enc.h"

static uint16_t buf[8];
static t2_emit_t e;

static void begin(void)
{
    e.buf = buf;
    e.pos = 0;
    e.cap = 8;
    e.full = 0;
}
static void end(const char *fmt_asm)
{
    for (uint32_t i = 0; i < e.pos; i++)
        printf("%04x", buf[i]);
    printf("\t%s\n", fmt_asm);
}

static const char *sh_name[] = {"lsl", "lsr", "asr", "ror"};
static const char *cond_name[] = {"eq", "ne", "hs", "lo", "mi", "pl", "vs",
                                  "vc", "hi", "ls", "ge", "lt", "gt", "le"};

int main(void)
{
    char s[128];
    static const unsigned regs[] = {0, 1, 2, 3, 7, 9, 10, 11, 12};
    static const struct {
        enum t2_dp op;
        const char *name;
    } dps[] = {{T2_AND, "and"}, {T2_ORR, "orr"}, {T2_EOR, "eor"}, {T2_ADD, "add"},
               {T2_ADC, "adc"}, {T2_SBC, "sbc"}, {T2_SUB, "sub"}, {T2_RSB, "rsb"}};
    static const struct {
        enum t2_ldst op;
        const char *name;
    } ldsts[] = {{T2_STRB, "strb"}, {T2_STRH, "strh"}, {T2_STR, "str"},     {T2_LDRB, "ldrb"},
                 {T2_LDRH, "ldrh"}, {T2_LDR, "ldr"},   {T2_LDRSB, "ldrsb"}, {T2_LDRSH, "ldrsh"}};
    for (unsigned a = 0; a < 9; a++) {
        unsigned ra = regs[a], rb = regs[(a + 3) % 9], rc = regs[(a + 5) % 9];
        static const unsigned offs[] = {0, 8, 80, 1020};
        for (unsigned i = 0; i < 4; i++) {
            if (ra != 12 && ra + 1 != 13) {
                begin();
                t2_ldrd(&e, ra, ra + 1, rb, offs[i]);
                snprintf(s, sizeof s, "ldrd r%u, r%u, [r%u, #%u]", ra, ra + 1, rb, offs[i]);
                end(s);
                begin();
                t2_strd(&e, ra, ra + 1, rb, offs[i]);
                snprintf(s, sizeof s, "strd r%u, r%u, [r%u, #%u]", ra, ra + 1, rb, offs[i]);
                end(s);
            }
        }
        for (unsigned i = 0; i < 8; i++) {
            static const unsigned imms[] = {0, 4, 255, 4095};
            begin();
            t2_ldst(&e, ldsts[i].op, ra, rb, imms[a % 4]);
            snprintf(s, sizeof s, "%s.w r%u, [r%u, #%u]", ldsts[i].name, ra, rb, imms[a % 4]);
            end(s);
        }
        for (unsigned i = 0; i < 8; i++) {
            static const unsigned ns[] = {1, 7, 31, 16};
            for (int fl = 0; fl < 2; fl++) {
                begin();
                t2_dp(&e, dps[i].op, fl, ra, rb, rc, T2_LSL, 0);
                snprintf(s, sizeof s, "%s%s.w r%u, r%u, r%u", dps[i].name, fl ? "s" : "", ra, rb,
                         rc);
                end(s);
                begin();
                t2_dp(&e, dps[i].op, fl, ra, rb, rc, (enum t2_shift)(i % 3), ns[a % 4]);
                snprintf(s, sizeof s, "%s%s.w r%u, r%u, r%u, %s #%u", dps[i].name, fl ? "s" : "",
                         ra, rb, rc, sh_name[i % 3], ns[a % 4]);
                end(s);
            }
        }
        for (unsigned t = 0; t < 3; t++) {
            begin();
            t2_movsh(&e, ra, rb, (enum t2_shift)t, 1 + a * 3);
            snprintf(s, sizeof s, "mov.w r%u, r%u, %s #%u", ra, rb, sh_name[t], 1 + a * 3);
            end(s);
            begin();
            t2_shreg(&e, (enum t2_shift)t, ra, rb, rc);
            snprintf(s, sizeof s, "%s.w r%u, r%u, r%u", sh_name[t], ra, rb, rc);
            end(s);
        }
        begin();
        t2_cmp(&e, ra, rb);
        snprintf(s, sizeof s, "cmp.w r%u, r%u", ra, rb);
        end(s);
        begin();
        t2_tst(&e, ra, rb);
        snprintf(s, sizeof s, "tst.w r%u, r%u", ra, rb);
        end(s);
        begin();
        t2_mov(&e, ra, rb);
        snprintf(s, sizeof s, "mov r%u, r%u", ra, rb);
        end(s);
        static const uint32_t k16[] = {0, 1, 0x1234, 0xffff, 0x8000, 0x0800, 0x7ff, 0xabcd, 0x4000};
        begin();
        t2_movwt(&e, 0, ra, k16[a]);
        snprintf(s, sizeof s, "movw r%u, #%u", ra, k16[a]);
        end(s);
        begin();
        t2_movwt(&e, 1, ra, k16[a]);
        snprintf(s, sizeof s, "movt r%u, #%u", ra, k16[a]);
        end(s);
        static const unsigned k12[] = {0, 1, 255, 256, 2048, 4095, 80, 1000, 3};
        begin();
        t2_addw(&e, 0, ra, rb, k12[a]);
        snprintf(s, sizeof s, "addw r%u, r%u, #%u", ra, rb, k12[a]);
        end(s);
        begin();
        t2_addw(&e, 1, ra, rb, k12[a]);
        snprintf(s, sizeof s, "subw r%u, r%u, #%u", ra, rb, k12[a]);
        end(s);
        static const unsigned k8[] = {0, 1, 31, 255, 128, 7, 64, 200, 2};
        begin();
        t2_subs_imm8(&e, ra, rb, k8[a]);
        snprintf(s, sizeof s, "subs.w r%u, r%u, #%u", ra, rb, k8[a]);
        end(s);
        begin();
        t2_cmp_imm8(&e, ra, k8[a]);
        snprintf(s, sizeof s, "cmp.w r%u, #%u", ra, k8[a]);
        end(s);
        begin();
        t2_and_imm8(&e, ra, rb, k8[a]);
        snprintf(s, sizeof s, "and.w r%u, r%u, #%u", ra, rb, k8[a]);
        end(s);
        static const uint32_t mods[] = {0,          255,        0x168, 0x00ab00ab, 0xcd00cd00,
                                        0xffffffff, 0x80000000, 0x3fc, 0xff000000};
        for (unsigned i = 0; i < 8; i++) {
            uint32_t v = mods[(a + i) % 9];
            begin();
            t2_dpimm(&e, dps[i].op, (int)(i & 1), ra, rb, v);
            snprintf(s, sizeof s, "%s%s.w r%u, r%u, #%u", dps[i].name, (i & 1) ? "s" : "", ra, rb,
                     (unsigned)v);
            end(s);
        }
        begin();
        t2_dpimm(&e, T2_ORR, 0, ra, 15, mods[a]);
        snprintf(s, sizeof s, "mov.w r%u, #%u", ra, (unsigned)mods[a]);
        end(s);
        begin();
        t2_dpimm(&e, T2_SUB, 1, 15, ra, mods[a]);
        snprintf(s, sizeof s, "cmp.w r%u, #%u", ra, (unsigned)mods[a]);
        end(s);
        if (ra < 8) {
            static const unsigned cbd[] = {0, 2, 64, 126, 30, 100, 4, 8, 12};
            begin();
            t2_h(&e, 0);
            t2_cbnz_at(&e, 0, ra, cbd[a]);
            snprintf(s, sizeof s, "cbnz r%u, .+%u", ra, cbd[a] + 4);
            end(s);
        }
        begin();
        t2_mov_imm8(&e, ra, k8[a]);
        snprintf(s, sizeof s, "mov.w r%u, #%u", ra, k8[a]);
        end(s);
        begin();
        t2_mul(&e, ra, rb, rc);
        snprintf(s, sizeof s, "mul.w r%u, r%u, r%u", ra, rb, rc);
        end(s);
        begin();
        t2_udiv(&e, ra, rb, rc);
        snprintf(s, sizeof s, "udiv r%u, r%u, r%u", ra, rb, rc);
        end(s);
        begin();
        t2_mls(&e, ra, rb, rc, regs[(a + 7) % 9]);
        snprintf(s, sizeof s, "mls r%u, r%u, r%u, r%u", ra, rb, rc, regs[(a + 7) % 9]);
        end(s);
        begin();
        t2_mla(&e, ra, rb, rc, regs[(a + 7) % 9]);
        snprintf(s, sizeof s, "mla r%u, r%u, r%u, r%u", ra, rb, rc, regs[(a + 7) % 9]);
        end(s);
        if (ra != rb) {
            begin();
            t2_umull(&e, ra, rb, rc, regs[(a + 7) % 9]);
            snprintf(s, sizeof s, "umull r%u, r%u, r%u, r%u", ra, rb, rc, regs[(a + 7) % 9]);
            end(s);
        }
        begin();
        t2_blx(&e, ra);
        snprintf(s, sizeof s, "blx r%u", ra);
        end(s);
        begin();
        t2_bx(&e, ra);
        snprintf(s, sizeof s, "bx r%u", ra);
        end(s);
        begin();
        t2_addw(&e, 0, ra, 15, k12[a]);
        snprintf(s, sizeof s, "addw r%u, pc, #%u", ra, k12[a]);
        end(s);
        begin();
        t2_mov(&e, 13, ra);
        snprintf(s, sizeof s, "mov sp, r%u", ra);
        end(s);
        begin();
        t2_mov(&e, ra, 13);
        snprintf(s, sizeof s, "mov r%u, sp", ra);
        end(s);
    }
    /* every value that has a modified immediate is encoded as GNU as does */
    {
        unsigned found = 0;
        for (uint32_t v = 1; v != 0 && found < 40; v = v * 3u + 7u) {
            if (t2_modimm(v) >= 0) {
                begin();
                t2_dpimm(&e, T2_ADD, 0, 1, 2, v);
                snprintf(s, sizeof s, "add.w r1, r2, #%u", (unsigned)v);
                end(s);
                found++;
            }
        }
    }
    begin();
    t2_push(&e, 0x4ff8u);
    end("push.w {r3-r11, lr}");
    begin();
    t2_push(&e, 0x000fu);
    end("push.w {r0-r3}");
    begin();
    t2_pop(&e, 0x000fu);
    end("pop.w {r0-r3}");
    begin();
    t2_push(&e, 0x0003u);
    end("push.w {r0, r1}");
    begin();
    t2_pop(&e, 0x0003u);
    end("pop.w {r0, r1}");
    begin();
    t2_pop(&e, 0x8ff8u);
    end("pop.w {r3-r11, pc}");
    /* branches: displacement as the instruction sees it (target - (here + 4)) */
    static const int32_t disps[] = {0,    2,     -2,      -4,       100,     -100,
                                    4094, -4096, 0x3fffe, -0x40000, 0xffffe, -0x100000};
    for (unsigned i = 0; i < sizeof disps / sizeof disps[0]; i++) {
        for (unsigned c = 0; c < 14; c++) {
            begin();
            t2_w(&e, 0, 0);
            t2_bcond_at(&e, 0, (enum t2_cond)c, disps[i]);
            snprintf(s, sizeof s, "b%s.w .%+d", cond_name[c], (int)disps[i] + 4);
            end(s);
        }
        begin();
        t2_w(&e, 0, 0);
        t2_b_at(&e, 0, 0, disps[i] * 9);
        snprintf(s, sizeof s, "b.w .%+d", (int)disps[i] * 9 + 4);
        end(s);
        begin();
        t2_w(&e, 0, 0);
        t2_b_at(&e, 0, 1, disps[i] * 9);
        snprintf(s, sizeof s, "bl .%+d", (int)disps[i] * 9 + 4);
        end(s);
    }
    return 0;
}
