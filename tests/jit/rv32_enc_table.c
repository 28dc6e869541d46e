/* Prints every RV32IMAC encoder of the JIT (src/vm/jit/rv32_enc.h) as
 * "word<TAB>assembly" lines, over a spread of registers, immediates and
 * displacements; enc_check.sh rv32 assembles the text with GNU as and
 * compares word for word. Host program: the encoders are plain C. */
#include <stdio.h>

#include "../../src/vm/jit/rv32_enc.h"

static uint32_t buf[4];
static rv_emit_t e;

static void begin(void)
{
    e.buf = buf;
    e.pos = 0;
    e.cap = 4;
    e.full = 0;
}
static void end(const char *text)
{
    for (uint32_t i = 0; i < e.pos; i++)
        printf("%08x", buf[i]);
    printf("\t%s\n", text);
}

int main(void)
{
    char s[160];
    static const unsigned regs[] = {0, 1, 2, 5, 8, 9, 10, 15, 18, 27, 28, 31};
    enum { NREGS = sizeof regs / sizeof regs[0] };
    static const struct {
        enum rv_rop op;
        const char *name;
    } rops[] = {{RV_ADD, "add"},       {RV_SUB, "sub"},     {RV_SLL, "sll"}, {RV_SLT, "slt"},
                {RV_SLTU, "sltu"},     {RV_XOR, "xor"},     {RV_SRL, "srl"}, {RV_SRA, "sra"},
                {RV_OR, "or"},         {RV_AND, "and"},     {RV_MUL, "mul"}, {RV_MULH, "mulh"},
                {RV_MULHSU, "mulhsu"}, {RV_MULHU, "mulhu"}, {RV_DIV, "div"}, {RV_DIVU, "divu"},
                {RV_REM, "rem"},       {RV_REMU, "remu"}};
    static const struct {
        enum rv_iop op;
        const char *name;
    } iops[] = {{RV_ADDI, "addi"}, {RV_SLTI, "slti"}, {RV_SLTIU, "sltiu"},
                {RV_XORI, "xori"}, {RV_ORI, "ori"},   {RV_ANDI, "andi"}};
    static const struct {
        enum rv_shop op;
        const char *name;
    } shops[] = {{RV_SLLI, "slli"}, {RV_SRLI, "srli"}, {RV_SRAI, "srai"}};
    static const struct {
        enum rv_ld op;
        const char *name;
    } lds[] = {{RV_LB, "lb"}, {RV_LH, "lh"}, {RV_LW, "lw"}, {RV_LBU, "lbu"}, {RV_LHU, "lhu"}};
    static const struct {
        enum rv_st op;
        const char *name;
    } sts[] = {{RV_SB, "sb"}, {RV_SH, "sh"}, {RV_SW, "sw"}};
    static const struct {
        enum rv_bop op;
        const char *name;
    } bops[] = {{RV_BEQ, "beq"}, {RV_BNE, "bne"},   {RV_BLT, "blt"},
                {RV_BGE, "bge"}, {RV_BLTU, "bltu"}, {RV_BGEU, "bgeu"}};
    static const struct {
        enum rv_amo op;
        const char *name;
    } amos[] = {{RV_AMOADD, "amoadd.w"}, {RV_AMOSWAP, "amoswap.w"}, {RV_AMOXOR, "amoxor.w"},
                {RV_AMOOR, "amoor.w"},   {RV_AMOAND, "amoand.w"},   {RV_SC, "sc.w"}};
    static const int32_t imm12[] = {0, 1, -1, 2047, -2048, 80, -8, 0x555, -0x2aa, 4, 1000, -1000};
    static const int32_t bdisp[] = {0, 4, -4, 8, 4092, -4092, 2048, -2048, 16, -20, 1000, -1004};
    static const int32_t jdisp[] = {0,        4,      -4,     0x7fffc, -0x80000, 0xffffe,
                                    -0xffffe, 0x1234, -0x864, 4096,    -4096,    0x40000};
    for (unsigned a = 0; a < NREGS; a++) {
        unsigned rd = regs[a], r1 = regs[(a + 4) % NREGS], r2 = regs[(a + 7) % NREGS];
        for (unsigned i = 0; i < sizeof rops / sizeof rops[0]; i++) {
            begin();
            rv_op(&e, rops[i].op, rd, r1, r2);
            snprintf(s, sizeof s, "%s x%u, x%u, x%u", rops[i].name, rd, r1, r2);
            end(s);
        }
        for (unsigned i = 0; i < sizeof iops / sizeof iops[0]; i++) {
            int32_t k = imm12[(a + i) % NREGS];
            begin();
            rv_opi(&e, iops[i].op, rd, r1, k);
            snprintf(s, sizeof s, "%s x%u, x%u, %d", iops[i].name, rd, r1, (int)k);
            end(s);
        }
        for (unsigned i = 0; i < 3; i++) {
            unsigned sh = (a * 7u + i * 11u) % 32u;
            begin();
            rv_shi(&e, shops[i].op, rd, r1, sh);
            snprintf(s, sizeof s, "%s x%u, x%u, %u", shops[i].name, rd, r1, sh);
            end(s);
        }
        begin();
        rv_mv(&e, rd, r1);
        snprintf(s, sizeof s, "addi x%u, x%u, 0", rd, r1);
        end(s);
        static const uint32_t u20[] = {0,       1,     0xfffff, 0x80000, 0x12345, 0x7ffff,
                                       0xabcde, 0x800, 0x1000,  3,       0xffff0, 0x40000};
        begin();
        rv_lui(&e, rd, u20[a]);
        snprintf(s, sizeof s, "lui x%u, 0x%x", rd, (unsigned)u20[a]);
        end(s);
        begin();
        rv_auipc(&e, rd, u20[a]);
        snprintf(s, sizeof s, "auipc x%u, 0x%x", rd, (unsigned)u20[a]);
        end(s);
        for (unsigned i = 0; i < 5; i++) {
            int32_t k = imm12[(a + 2 * i) % NREGS];
            begin();
            rv_load(&e, lds[i].op, rd, r1, k);
            snprintf(s, sizeof s, "%s x%u, %d(x%u)", lds[i].name, rd, (int)k, r1);
            end(s);
        }
        for (unsigned i = 0; i < 3; i++) {
            int32_t k = imm12[(a + 3 * i + 1) % NREGS];
            begin();
            rv_store(&e, sts[i].op, r2, r1, k);
            snprintf(s, sizeof s, "%s x%u, %d(x%u)", sts[i].name, r2, (int)k, r1);
            end(s);
        }
        for (unsigned i = 0; i < 6; i++) {
            int32_t d = bdisp[(a + i) % NREGS];
            begin();
            rv_branch(&e, bops[i].op, r1, r2, d);
            snprintf(s, sizeof s, "%s x%u, x%u, .%+d", bops[i].name, r1, r2, (int)d);
            end(s);
            /* the inverse of each branch, and the fixup form */
            begin();
            rv_w(&e, 0);
            rv_branch_at(&e, 0, rv_binv(bops[i].op), r2, r1, -d);
            snprintf(s, sizeof s, "%s x%u, x%u, .%+d", bops[i ^ 1].name, r2, r1, (int)-d);
            end(s);
        }
        begin();
        rv_jal(&e, rd, jdisp[a]);
        snprintf(s, sizeof s, "jal x%u, .%+d", rd, (int)jdisp[a]);
        end(s);
        begin();
        rv_w(&e, 0);
        rv_jal_at(&e, 0, rd, -jdisp[a]);
        snprintf(s, sizeof s, "jal x%u, .%+d", rd, (int)-jdisp[a]);
        end(s);
        begin();
        rv_jalr(&e, rd, r1, imm12[a]);
        snprintf(s, sizeof s, "jalr x%u, %d(x%u)", rd, (int)imm12[a], r1);
        end(s);
        for (unsigned i = 0; i < sizeof amos / sizeof amos[0]; i++) {
            begin();
            rv_amo(&e, amos[i].op, rd, r2, r1);
            snprintf(s, sizeof s, "%s x%u, x%u, (x%u)", amos[i].name, rd, r2, r1);
            end(s);
        }
        begin();
        rv_amo(&e, RV_LR, rd, 0, r1);
        snprintf(s, sizeof s, "lr.w x%u, (x%u)", rd, r1);
        end(s);
    }
    /* constants: li as the assembler expands it (addi, lui, lui + addi), and
     * the fixed two-instruction form */
    static const uint32_t ks[] = {0,          1,          0x7ff,      0x800,      0xfffff800u,
                                  0xffffffff, 0x12345678, 0x80000000, 0x7fffffff, 0x1000,
                                  0xfffff000, 0xdeadbeef, 0x00012fff, 0x00000fff, 0x7ffff800};
    for (unsigned i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        for (unsigned r = 0; r < 3; r++) {
            unsigned rd = regs[3 + r * 3];
            begin();
            rv_li(&e, rd, ks[i]);
            snprintf(s, sizeof s, "li x%u, %d", rd, (int)ks[i]);
            end(s);
            begin();
            rv_li2(&e, rd, ks[i]);
            snprintf(s, sizeof s, "lui x%u, %%hi(%d); addi x%u, x%u, %%lo(%d)", rd, (int)ks[i], rd,
                     rd, (int)ks[i]);
            end(s);
        }
    }
    begin();
    rv_fence_i(&e);
    end("fence.i");
    return 0;
}
