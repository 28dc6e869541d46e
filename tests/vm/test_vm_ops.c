/* Every row of FC_ISA_TABLE executed with edge values, in place and
 * pre-decoded (vmt_run runs both and requires them to agree).
 *
 * The cases are data: one table per operand kind (ALU, jump, memory,
 * atomic), each row naming its fc_op_t; the instruction under test is
 * built from fc_isa[op] (opcode, selector), so a row cannot name one op and
 * test another. Ops whose effect is control flow (exit, calls, ja, lddw)
 * have dedicated tests listed in special_ops[]. test_every_row_is_tested
 * fails when a row of the ISA table has no case: a new row needs a test. */
#include "vm_test_util.h"

#include <string.h>

#define M64 UINT64_MAX
#define I64MIN 0x8000000000000000ull
#define I64MAX 0x7fffffffffffffffull
#define I32MIN INT32_MIN
#define I32MAX INT32_MAX

/* The instruction of row op, with dst, src, offset and imm; the selector
 * field takes the row's value. */
static fc_insn_t insn_of(fc_op_t op, unsigned dst, unsigned src, int16_t off, int32_t imm)
{
    const fc_isa_row_t *row = &fc_isa[op];
    fc_insn_t in = INSN(row->opcode, dst, src, off, imm);
    if (row->sel == FC_SEL_OFF)
        in.offset = row->selval;
    else if (row->sel == FC_SEL_IMM)
        in.imm = row->selval;
    else if (row->sel == FC_SEL_SRC)
        in.regs = (uint8_t)((row->selval << 4) | dst);
    return in;
}

/* ---- ALU: r0 = a; r1 = b; op r0, (r1 | imm); exit ---------------------- */
typedef struct alu_case {
    fc_op_t op;
    uint64_t a;
    uint64_t b; /* src register value (ALU_X), imm (ALU_K, as int32) */
    uint64_t expect;
} alu_case_t;

#define A(op, a, b, e)                                                                             \
    {                                                                                              \
        FC_OP_##op, (uint64_t)(a), (uint64_t)(b), (uint64_t)(e)                                    \
    }
static const alu_case_t alu_cases[] = {
    A(ADD32_K, 0xffffffff, 1, 0),
    A(ADD32_K, 0x100000005, -1, 4),
    A(ADD32_K, I32MAX, 1, 0x80000000),
    A(ADD64_K, 1, -1, 0),
    A(ADD64_K, 0xffffffff, 1, 0x100000000),
    A(ADD64_K, I64MAX, 1, I64MIN),
    A(ADD64_K, 0, I32MIN, 0xffffffff80000000),
    A(ADD32_X, M64, 2, 1),
    A(ADD32_X, 0x180000000, 0x180000000, 0),
    A(ADD64_X, M64, 1, 0),
    A(ADD64_X, I64MAX, I64MAX, 0xfffffffffffffffe),
    A(SUB32_K, 0, 1, 0xffffffff),
    A(SUB32_K, 0x100000000, -1, 1),
    A(SUB64_K, 0, 1, M64),
    A(SUB64_K, 0, I32MIN, 0x80000000),
    A(SUB64_K, I64MIN, 1, I64MAX),
    A(SUB32_X, 5, 0xffffffff00000006, 0xffffffff),
    A(SUB32_X, 0x80000000, 0x80000000, 0),
    A(SUB64_X, 0, M64, 1),
    A(SUB64_X, I64MIN, 1, I64MAX),
    A(MUL32_K, 0xffffffff, 2, 0xfffffffe),
    A(MUL32_K, 0x100000003, -1, 0xfffffffd),
    A(MUL32_K, 0x10000, 0x10000, 0),
    A(MUL64_K, 3, -1, 0xfffffffffffffffd),
    A(MUL64_K, 0x100000000, 0x10, 0x1000000000),
    A(MUL64_K, I64MIN, -1, I64MIN),
    A(MUL32_X, 0x80000000, 2, 0),
    A(MUL32_X, M64, M64, 1),
    A(MUL64_X, 0xffffffff, 0xffffffff, 0xfffffffe00000001),
    A(MUL64_X, I64MAX, 2, 0xfffffffffffffffe),
    A(DIV32_K, 10, 3, 3),
    A(DIV32_K, 0xffffffff00000010, 2, 8),
    A(DIV32_K, 7, 0, 0),
    A(DIV32_K, 0xffffffff, -1, 1),
    A(DIV32_K, 0xfffffffe, -1, 0),
    A(SDIV32_K, 0xfffffff9, 2, 0xfffffffd),
    A(SDIV32_K, 0x80000000, -1, 0x80000000),
    A(SDIV32_K, 5, 0, 0),
    A(SDIV32_K, 0x100000006, -3, 0xfffffffe),
    A(DIV64_K, M64, 2, I64MAX),
    A(DIV64_K, 5, 0, 0),
    A(DIV64_K, M64, -1, 1),
    A(SDIV64_K, I64MIN, -1, I64MIN),
    A(SDIV64_K, -9, 2, -4),
    A(SDIV64_K, 1, 0, 0),
    A(SDIV64_K, I64MAX, I32MIN, 0xffffffff00000001),
    A(DIV32_X, 0xffffffff, 0x100000000, 0),
    A(DIV32_X, 100, 0xffffffff00000007, 14),
    A(SDIV32_X, 0x80000000, 0xffffffff, 0x80000000),
    A(SDIV32_X, -100, 7, 0xfffffff2),
    A(SDIV32_X, 3, 0, 0),
    A(DIV64_X, M64, 0, 0),
    A(DIV64_X, M64, 0x100000000, 0xffffffff),
    A(SDIV64_X, I64MIN, M64, I64MIN),
    A(SDIV64_X, -1, 0, 0),
    A(SDIV64_X, 100, -7, -14),
    A(OR32_K, 0xffffffff00000000, 1, 1),
    A(OR32_K, 0, -1, 0xffffffff),
    A(OR64_K, 0, -1, M64),
    A(OR64_K, 0x100000000, I32MIN, 0xffffffff80000000),
    A(OR32_X, 0x100000001, 0x200000002, 3),
    A(OR64_X, I64MIN, 1, 0x8000000000000001),
    A(AND32_K, M64, -1, 0xffffffff),
    A(AND32_K, 0xff, 0x0f, 0x0f),
    A(AND64_K, M64, -1, M64),
    A(AND64_K, M64, I32MAX, 0x7fffffff),
    A(AND64_K, M64, I32MIN, 0xffffffff80000000),
    A(AND32_X, M64, M64, 0xffffffff),
    A(AND64_X, M64, 0xf0, 0xf0),
    A(LSH32_K, 1, 31, 0x80000000),
    A(LSH32_K, 1, 32, 1),
    A(LSH32_K, 0xffffffff00000001, 0, 1),
    A(LSH32_K, 3, -1, 0x80000000),
    A(LSH64_K, 1, 63, I64MIN),
    A(LSH64_K, 1, 64, 1),
    A(LSH64_K, 1, 32, 0x100000000),
    A(LSH64_K, 1, -1, I64MIN),
    A(LSH64_K, 5, 0, 5),
    A(LSH32_X, 1, 33, 2),
    A(LSH32_X, 1, M64, 0x80000000),
    A(LSH32_X, 1, 31, 0x80000000),
    A(LSH64_X, 1, 64, 1),
    A(LSH64_X, 1, 65, 2),
    A(LSH64_X, 3, 63, I64MIN),
    A(LSH64_X, 7, 0, 7),
    A(RSH32_K, 0x80000000, 31, 1),
    A(RSH32_K, 0xffffffff80000000, 32, 0x80000000),
    A(RSH32_K, M64, -1, 1),
    A(RSH32_K, M64, 0, 0xffffffff),
    A(RSH64_K, M64, 63, 1),
    A(RSH64_K, M64, 64, M64),
    A(RSH64_K, I64MIN, 32, 0x80000000),
    A(RSH64_K, M64, -2, 3),
    A(RSH32_X, 0x80000000, 63, 1),
    A(RSH32_X, M64, 0, 0xffffffff),
    A(RSH32_X, M64, 32, 0xffffffff),
    A(RSH64_X, M64, 65, I64MAX),
    A(RSH64_X, M64, 64, M64),
    A(NEG32, 0, 0, 0),
    A(NEG32, 1, 0, 0xffffffff),
    A(NEG32, 0x80000000, 0, 0x80000000),
    A(NEG32, 0xffffffff00000000, 0, 0),
    A(NEG64, 1, 0, M64),
    A(NEG64, I64MIN, 0, I64MIN),
    A(NEG64, 0, 0, 0),
    A(MOD32_K, 10, 3, 1),
    A(MOD32_K, 7, 0, 7),
    A(MOD32_K, 0xffffffff00000007, 0, 7),
    A(SMOD32_K, -7, 2, 0xffffffff),
    A(SMOD32_K, 0x80000000, -1, 0),
    A(SMOD32_K, 7, -3, 1),
    A(SMOD32_K, -7, 0, 0xfffffff9),
    A(MOD64_K, M64, 0, M64),
    A(MOD64_K, 100, 7, 2),
    A(MOD64_K, M64, -1, 0),
    A(SMOD64_K, I64MIN, -1, 0),
    A(SMOD64_K, -7, 2, M64),
    A(SMOD64_K, -7, 0, -7),
    A(MOD32_X, 0xffffffff00000009, 0x100000000, 9),
    A(MOD32_X, 10, 4, 2),
    A(SMOD32_X, 0x80000000, 0xffffffff, 0),
    A(SMOD32_X, -10, 3, 0xffffffff),
    A(MOD64_X, 5, 0, 5),
    A(MOD64_X, M64, 0x100000000, 0xffffffff),
    A(SMOD64_X, I64MIN, M64, 0),
    A(SMOD64_X, -10, 3, M64),
    A(SMOD64_X, 10, -3, 1),
    A(XOR32_K, M64, 1, 0xfffffffe),
    A(XOR32_K, 0, -1, 0xffffffff),
    A(XOR64_K, 0, -1, M64),
    A(XOR64_K, M64, I32MIN, 0x7fffffff),
    A(XOR32_X, M64, 0xf, 0xfffffff0),
    A(XOR64_X, M64, M64, 0),
    A(MOV32_K, M64, -1, 0xffffffff),
    A(MOV32_K, M64, 0, 0),
    A(MOV64_K, 0, -1, M64),
    A(MOV64_K, 0, I32MIN, 0xffffffff80000000),
    A(MOV64_K, 0, I32MAX, 0x7fffffff),
    A(MOV32_X, M64, 0xffffffff80000000, 0x80000000),
    A(MOV32_X, 1, 0, 0),
    A(MOVSX832, 0, 0x80, 0xffffff80),
    A(MOVSX832, 0, 0x17f, 0x7f),
    A(MOVSX832, 0, 0xff, 0xffffffff),
    A(MOVSX1632, 0, 0x8000, 0xffff8000),
    A(MOVSX1632, 0, 0xffff7fff, 0x7fff),
    A(MOV64_X, 0, M64, M64),
    A(MOVSX864, 0, 0x80, 0xffffffffffffff80),
    A(MOVSX864, 0, 0x7f, 0x7f),
    A(MOVSX1664, 0, 0xffff, M64),
    A(MOVSX1664, 0, 0x18000, 0xffffffffffff8000),
    A(MOVSX3264, 0, 0x80000000, 0xffffffff80000000),
    A(MOVSX3264, 0, 0xffffffff7fffffff, 0x7fffffff),
    A(ARSH32_K, 0x80000000, 31, 0xffffffff),
    A(ARSH32_K, 0x80000000, 32, 0x80000000),
    A(ARSH32_K, 0xffffffff7fffffff, 1, 0x3fffffff),
    A(ARSH32_K, 0x80000000, -1, 0xffffffff),
    A(ARSH64_K, I64MIN, 63, M64),
    A(ARSH64_K, I64MIN, 64, I64MIN),
    A(ARSH64_K, I64MIN, 32, 0xffffffff80000000),
    A(ARSH64_K, I64MAX, 63, 0),
    A(ARSH32_X, 0x80000000, 33, 0xc0000000),
    A(ARSH32_X, 0xfffffff0, 0, 0xfffffff0),
    A(ARSH64_X, M64, 5, M64),
    A(ARSH64_X, I64MIN, 65, 0xc000000000000000),
    A(LE16, 0x1122334455667788, 0, 0x7788),
    A(LE32, 0x1122334455667788, 0, 0x55667788),
    A(LE64, 0x1122334455667788, 0, 0x1122334455667788),
    A(BSWAP16, 0x1122334455667788, 0, 0x8877),
    A(BSWAP32, 0x1122334455667788, 0, 0x88776655),
    A(BSWAP64, 0x1122334455667788, 0, 0x8877665544332211),
    A(BE16, 0x1122334455667788, 0, 0x8877),
    A(BE32, 0x1122334455667788, 0, 0x88776655),
    A(BE64, 0x1122334455667788, 0, 0x8877665544332211),
};
#undef A

static void run_alu_case(vmt_t *t, const alu_case_t *c)
{
    const fc_isa_row_t *row = &fc_isa[c->op];
    fc_insn_t in;
    switch ((fc_format_t)row->format) {
    case FC_FMT_ALU_K:
        in = insn_of(c->op, 0, 0, 0, (int32_t)c->b);
        break;
    case FC_FMT_ALU_X:
        in = insn_of(c->op, 0, 1, 0, 0);
        break;
    case FC_FMT_UNARY:
    case FC_FMT_END:
        in = insn_of(c->op, 0, 0, 0, 0);
        break;
    default:
        fail_msg("ALU case for %s, which is not an ALU row", row->id_name);
        return;
    }
    const fc_insn_t prog[] = {LDDW(0, c->a), LDDW(1, c->b), in, EXIT()};
    vmt_out_t out;
    vmt_run(t, prog, NSLOTS(prog), &out);
    assert_int_equal(out.status, FC_OK);
    if (out.r0 != c->expect)
        fail_msg("%s a=%#llx b=%#llx: got %#llx, expected %#llx", row->id_name,
                 (unsigned long long)c->a, (unsigned long long)c->b, (unsigned long long)out.r0,
                 (unsigned long long)c->expect);
    assert_int_equal(out.executed, 4); /* each lddw counts as one */
}

static void test_alu_table(void **state)
{
    vmt_t *t = *state;
    for (size_t i = 0; i < sizeof alu_cases / sizeof alu_cases[0]; i++)
        run_alu_case(t, &alu_cases[i]);
}

/* ---- conditional jumps: taken or not ----------------------------------- */
typedef struct jmp_case {
    fc_op_t op;
    uint64_t a, b; /* dst value; src value (JCC_X) or imm (JCC_K, int32) */
    int taken;
} jmp_case_t;

#define J(op, a, b, t)                                                                             \
    {                                                                                              \
        FC_OP_##op, (uint64_t)(a), (uint64_t)(b), t                                                \
    }
static const jmp_case_t jmp_cases[] = {
    J(JEQ_K, 5, 5, 1),
    J(JEQ_K, 5, 6, 0),
    J(JEQ_K, M64, -1, 1),
    J(JEQ_K, 0xffffffff, -1, 0),
    J(JEQ32_K, 0x100000005, 5, 1),
    J(JEQ32_K, 0xffffffff, -1, 1),
    J(JEQ32_K, 4, 5, 0),
    J(JEQ_X, M64, M64, 1),
    J(JEQ_X, 1, 2, 0),
    J(JEQ32_X, 0x100000001, 0x200000001, 1),
    J(JEQ32_X, 1, 2, 0),
    J(JGT_K, M64, -2, 1),
    J(JGT_K, 1, -1, 0),
    J(JGT_K, 2, 1, 1),
    J(JGT_K, 1, 1, 0),
    J(JGT32_K, 0x100000000, 0, 0),
    J(JGT32_K, 0xffffffff, -2, 1),
    J(JGT_X, I64MIN, 1, 1),
    J(JGT_X, 0, 0, 0),
    J(JGT32_X, 1, 0x200000000, 1),
    J(JGT32_X, 1, 1, 0),
    J(JGE_K, 5, 5, 1),
    J(JGE_K, 4, 5, 0),
    J(JGE_K, M64, -1, 1),
    J(JGE32_K, 0x100000000, 1, 0),
    J(JGE32_K, 0xffffffff, -1, 1),
    J(JGE_X, 3, 3, 1),
    J(JGE_X, 2, 3, 0),
    J(JGE32_X, 0x200000005, 0x100000006, 0),
    J(JGE32_X, 7, 7, 1),
    J(JSET_K, 6, 2, 1),
    J(JSET_K, 6, 1, 0),
    J(JSET_K, I64MIN, I32MIN, 1),
    J(JSET32_K, 0x100000000, -1, 0),
    J(JSET32_K, 0x80000000, I32MIN, 1),
    J(JSET_X, 0x100000000, 0x100000000, 1),
    J(JSET_X, 1, 2, 0),
    J(JSET32_X, 0x100000000, 0x100000000, 0),
    J(JSET32_X, 3, 1, 1),
    J(JNE_K, 5, 5, 0),
    J(JNE_K, 5, 6, 1),
    J(JNE_K, M64, -1, 0),
    J(JNE32_K, 0x100000005, 5, 0),
    J(JNE32_K, 6, 5, 1),
    J(JNE_X, 1, 1, 0),
    J(JNE_X, 1, 2, 1),
    J(JNE32_X, 0x100000001, 1, 0),
    J(JNE32_X, 2, 1, 1),
    J(JSGT_K, M64, -2, 1),
    J(JSGT_K, M64, 0, 0),
    J(JSGT_K, 1, -1, 1),
    J(JSGT32_K, 0xffffffff, 0, 0),
    J(JSGT32_K, 0x100000001, 0, 1),
    J(JSGT32_K, 0x80000000, I32MAX, 0),
    J(JSGT_X, I64MIN, I64MAX, 0),
    J(JSGT_X, I64MAX, I64MIN, 1),
    J(JSGT32_X, 0x7fffffff, 0x80000000, 1),
    J(JSGT32_X, 0x80000000, 0x7fffffff, 0),
    J(JSGE_K, M64, -1, 1),
    J(JSGE_K, -2, -1, 0),
    J(JSGE32_K, 0xffffffff80000000, I32MIN, 1),
    J(JSGE32_K, 0x80000000, 0, 0),
    J(JSGE_X, M64, 0, 0),
    J(JSGE_X, 0, M64, 1),
    J(JSGE32_X, 0x100000000, 0xffffffff, 1),
    J(JSGE32_X, 0xffffffff, 0, 0),
    J(JLT_K, 1, 2, 1),
    J(JLT_K, M64, -1, 0),
    J(JLT_K, 0, -1, 1),
    J(JLT32_K, 0x100000000, 1, 1),
    J(JLT32_K, 0xffffffff, 1, 0),
    J(JLT_X, 1, 1, 0),
    J(JLT_X, 0, M64, 1),
    J(JLT32_X, 0x100000001, 2, 1),
    J(JLT32_X, 2, 0x100000001, 0),
    J(JLE_K, 5, 5, 1),
    J(JLE_K, 6, 5, 0),
    J(JLE_K, M64, -1, 1),
    J(JLE32_K, 0x100000005, 5, 1),
    J(JLE32_K, 0xffffffff, 0, 0),
    J(JLE_X, M64, M64, 1),
    J(JLE_X, M64, 0, 0),
    J(JLE32_X, 0xffffffff00000000, 0, 1),
    J(JLE32_X, 1, 0, 0),
    J(JSLT_K, -2, -1, 1),
    J(JSLT_K, M64, -1, 0),
    J(JSLT_K, I64MIN, I32MIN, 1),
    J(JSLT32_K, 0x80000000, 0, 1),
    J(JSLT32_K, 0x100000000, -1, 0),
    J(JSLT_X, I64MIN, 0, 1),
    J(JSLT_X, 0, I64MIN, 0),
    J(JSLT32_X, 0xffffffff, 0, 1),
    J(JSLT32_X, 0, 0xffffffff, 0),
    J(JSLE_K, M64, -1, 1),
    J(JSLE_K, 0, -1, 0),
    J(JSLE32_K, 0x1ffffffff, -1, 1),
    J(JSLE32_K, 0x7fffffff, I32MIN, 0),
    J(JSLE_X, I64MIN, I64MIN, 1),
    J(JSLE_X, 1, 0, 0),
    J(JSLE32_X, 0x80000000, 0x7fffffff, 1),
    J(JSLE32_X, 0x7fffffff, 0x80000000, 0),
};
#undef J

static void test_jump_table(void **state)
{
    vmt_t *t = *state;
    for (size_t i = 0; i < sizeof jmp_cases / sizeof jmp_cases[0]; i++) {
        const jmp_case_t *c = &jmp_cases[i];
        const fc_isa_row_t *row = &fc_isa[c->op];
        fc_insn_t jcc;
        if (row->format == FC_FMT_JCC_K)
            jcc = insn_of(c->op, 1, 0, 2, (int32_t)c->b);
        else if (row->format == FC_FMT_JCC_X)
            jcc = insn_of(c->op, 1, 2, 2, 0);
        else
            fail_msg("jump case for %s, which is not a conditional jump", row->id_name);
        /* taken: skips "mov r0, 1; exit" and returns 2 */
        const fc_insn_t prog[] = {LDDW(1, c->a),   LDDW(2, c->b), MOV64_IMM(0, 0), jcc,
                                  MOV64_IMM(0, 1), EXIT(),        MOV64_IMM(0, 2), EXIT()};
        vmt_out_t out;
        vmt_run(t, prog, NSLOTS(prog), &out);
        assert_int_equal(out.status, FC_OK);
        if (out.r0 != (c->taken ? 2u : 1u))
            fail_msg("%s a=%#llx b=%#llx: %s, expected %s", row->id_name, (unsigned long long)c->a,
                     (unsigned long long)c->b, out.r0 == 2 ? "taken" : "not taken",
                     c->taken ? "taken" : "not taken");
        assert_int_equal(out.executed, 6);
    }
}

/* ---- loads and stores ------------------------------------------------- */
/* r3 = mem + 16; then the access at [r3 + off]. Loads return the value in
 * r0; stores are checked in memory (value is the imm or the src register). */
typedef struct mem_case {
    fc_op_t op;
    int16_t off;
    uint64_t value;  /* stores: imm (ST) or r2 (STX) */
    uint64_t expect; /* loads: r0; stores: the little-endian bytes written */
} mem_case_t;

#define MEMBASE 16
#define L(op, off, e)                                                                              \
    {                                                                                              \
        FC_OP_##op, off, 0, (uint64_t)(e)                                                          \
    }
#define S(op, off, v, e)                                                                           \
    {                                                                                              \
        FC_OP_##op, off, (uint64_t)(v), (uint64_t)(e)                                              \
    }
/* mem[i] = 0x80 + i for i < 64, i - 64 for 64 <= i < 128 */
static const mem_case_t mem_cases[] = {
    L(LDXB, -16, 0x80),
    L(LDXB, 7, 0x97),
    L(LDXB, 48 + 5, 5),
    L(LDXH, -16, 0x8180),
    L(LDXH, -15, 0x8281),
    L(LDXW, -16, 0x83828180),
    L(LDXW, -13, 0x86858483),
    L(LDXDW, -16, 0x8786858483828180),
    L(LDXDW, -15, 0x8887868584838281),
    L(LDXSB, -16, 0xffffffffffffff80),
    L(LDXSB, 48 + 5, 5),
    L(LDXSB, 48 + 0x7f - 64, 0x3f),
    L(LDXSH, -16, 0xffffffffffff8180),
    L(LDXSH, 48, 0x0100),
    L(LDXSW, -16, 0xffffffff83828180),
    L(LDXSW, 48, 0x03020100),
    S(STB, 0, 0x1ff, 0xff),
    S(STB, -16, -1, 0xff),
    S(STH, 1, -1, 0xffff),
    S(STH, 0, 0x12345678, 0x5678),
    S(STW, 0, -1, 0xffffffff),
    S(STW, 3, I32MIN, 0x80000000),
    S(STDW, 0, -1, M64),
    S(STDW, -8, I32MIN, 0xffffffff80000000),
    S(STDW, 5, I32MAX, 0x7fffffff),
    S(STXB, 0, 0x1234, 0x34),
    S(STXB, 100, M64, 0xff),
    S(STXH, -1, M64, 0xffff),
    S(STXH, 0, 0xabcd, 0xabcd),
    S(STXW, 0, 0x1122334455667788, 0x55667788),
    S(STXW, 2, M64, 0xffffffff),
    S(STXDW, 0, 0x0102030405060708, 0x0102030405060708),
    S(STXDW, 232, M64, M64),
};
#undef L
#undef S

static unsigned access_size(uint8_t opcode)
{
    static const unsigned sizes[4] = {4, 2, 1, 8};
    return sizes[(opcode >> 3) & 3];
}

static void test_memory_table(void **state)
{
    vmt_t *t = *state;
    for (size_t i = 0; i < sizeof mem_cases / sizeof mem_cases[0]; i++) {
        const mem_case_t *c = &mem_cases[i];
        const fc_isa_row_t *row = &fc_isa[c->op];
        fc_insn_t access;
        int is_load = row->format == FC_FMT_LDX;
        if (is_load)
            access = insn_of(c->op, 0, 3, c->off, 0);
        else if (row->format == FC_FMT_ST)
            access = insn_of(c->op, 3, 0, c->off, (int32_t)c->value);
        else if (row->format == FC_FMT_STX)
            access = insn_of(c->op, 3, 2, c->off, 0);
        else
            fail_msg("memory case for %s, which is not a load or store", row->id_name);
        const fc_insn_t prog[] = {LDDW(2, c->value), MOV64_REG(3, 1), ADD64_IMM(3, MEMBASE),
                                  MOV64_IMM(0, 0),   access,          EXIT()};
        vmt_out_t out;
        vmt_run(t, prog, NSLOTS(prog), &out);
        assert_int_equal(out.status, FC_OK);
        if (is_load) {
            if (out.r0 != c->expect)
                fail_msg("%s off %d: got %#llx, expected %#llx", row->id_name, c->off,
                         (unsigned long long)out.r0, (unsigned long long)c->expect);
            assert_memory_equal(out.mem, t->mem_init, VMT_MEM);
        } else {
            uint8_t model[VMT_MEM];
            memcpy(model, t->mem_init, VMT_MEM);
            memcpy(model + MEMBASE + c->off, &c->expect, access_size(row->opcode));
            assert_memory_equal(out.mem, model, VMT_MEM); /* and nothing else changed */
        }
    }
}

/* ---- atomics ------------------------------------------------------------ */
/* [mem+16] = old; r2 = src; r0 = r0_in; atomic op [r3+0], r2; then r2 and
 * r0 are stored to mem+0 and mem+8 (an adjacent store pair). */
typedef struct atomic_case {
    fc_op_t op;
    uint64_t old, src, r0_in;
    uint64_t mem_after, src_after, r0_after;
} atomic_case_t;

#define AT(op, old, src, r0, m, s, r)                                                              \
    {                                                                                              \
        FC_OP_##op, old, src, r0, m, s, r                                                          \
    }
#define K 0x5555 /* r0 of an atomic that does not touch r0 */
static const atomic_case_t atomic_cases[] = {
    AT(ATOMIC32_ADD, 0xaaaaaaaaffffffff, 1, K, 0xaaaaaaaa00000000, 1, K),
    AT(ATOMIC32_FETCH_ADD, 0xaaaaaaaa80000000, 0xffffffff00000001, K, 0xaaaaaaaa80000001,
       0x80000000, K),
    AT(ATOMIC32_OR, 1, 0xffffffff00000002, K, 3, 0xffffffff00000002, K),
    AT(ATOMIC32_FETCH_OR, 0x11111111f0000000, 0x0f, K, 0x11111111f000000f, 0xf0000000, K),
    AT(ATOMIC32_AND, 0x11111111ffffffff, 0xff00, K, 0x111111110000ff00, 0xff00, K),
    AT(ATOMIC32_FETCH_AND, 0x22222222fffffff0, 0x0f, K, 0x2222222200000000, 0xfffffff0, K),
    AT(ATOMIC32_XOR, 0x33333333ffffffff, M64, K, 0x3333333300000000, M64, K),
    AT(ATOMIC32_FETCH_XOR, 0x4444444400000001, 3, K, 0x4444444400000002, 1, K),
    AT(ATOMIC32_XCHG, 0x5555555587654321, 0xdeadbeef12345678, K, 0x5555555512345678, 0x87654321, K),
    /* cmpxchg32: compares the low 32 bits of r0, r0 gets the old value zero-extended */
    AT(ATOMIC32_CMPXCHG, 0x6666666600000007, 0x99, 0xffffffff00000007, 0x6666666600000099, 0x99, 7),
    AT(ATOMIC32_CMPXCHG, 0x6666666680000008, 0x99, 7, 0x6666666680000008, 0x99, 0x80000008),
    AT(ATOMIC64_ADD, M64, 1, K, 0, 1, K),
    AT(ATOMIC64_FETCH_ADD, 5, M64, K, 4, 5, K),
    AT(ATOMIC64_OR, I64MIN, 1, K, 0x8000000000000001, 1, K),
    AT(ATOMIC64_FETCH_OR, 0xf0, 0x0f00000000000000, K, 0x0f000000000000f0, 0xf0, K),
    AT(ATOMIC64_AND, M64, 0x00ff00ff00ff00ff, K, 0x00ff00ff00ff00ff, 0x00ff00ff00ff00ff, K),
    AT(ATOMIC64_FETCH_AND, 0x1234, 0, K, 0, 0x1234, K),
    AT(ATOMIC64_XOR, 0xaaaa, 0xffff, K, 0x5555, 0xffff, K),
    AT(ATOMIC64_FETCH_XOR, M64, M64, K, 0, M64, K),
    AT(ATOMIC64_XCHG, 0x1111111122222222, 0x3333333344444444, K, 0x3333333344444444,
       0x1111111122222222, K),
    AT(ATOMIC64_CMPXCHG, 0x100000007, 0xabc, 0x100000007, 0xabc, 0xabc, 0x100000007),
    AT(ATOMIC64_CMPXCHG, 0x100000007, 0xabc, 7, 0x100000007, 0xabc, 0x100000007),
};
#undef AT
#undef K

static void test_atomic_table(void **state)
{
    vmt_t *t = *state;
    for (size_t i = 0; i < sizeof atomic_cases / sizeof atomic_cases[0]; i++) {
        const atomic_case_t *c = &atomic_cases[i];
        const fc_isa_row_t *row = &fc_isa[c->op];
        if (row->format != FC_FMT_ATOMIC)
            fail_msg("atomic case for %s, which is not an atomic", row->id_name);
        const fc_insn_t prog[] = {LDDW(2, c->src),
                                  LDDW(0, c->r0_in),
                                  MOV64_REG(3, 1),
                                  ADD64_IMM(3, 16),
                                  insn_of(c->op, 3, 2, 0, 0),
                                  STXDW(1, 0, 2),
                                  STXDW(1, 8, 0),
                                  MOV64_IMM(0, 0),
                                  EXIT()};
        vmt_init(t);
        memcpy(t->mem_init + 16, &c->old, 8);
        vmt_out_t out;
        vmt_run(t, prog, NSLOTS(prog), &out);
        assert_int_equal(out.status, FC_OK);
        uint64_t src_after, r0_after, mem_after;
        memcpy(&src_after, out.mem, 8);
        memcpy(&r0_after, out.mem + 8, 8);
        memcpy(&mem_after, out.mem + 16, 8);
        if (src_after != c->src_after || r0_after != c->r0_after || mem_after != c->mem_after)
            fail_msg("%s: mem %#llx src %#llx r0 %#llx; expected %#llx %#llx %#llx", row->id_name,
                     (unsigned long long)mem_after, (unsigned long long)src_after,
                     (unsigned long long)r0_after, (unsigned long long)c->mem_after,
                     (unsigned long long)c->src_after, (unsigned long long)c->r0_after);
    }
    vmt_init(t);
}

/* Atomics through r10 (proven in the frame, no run-time check). */
static void test_atomic_on_stack(void **state)
{
    vmt_t *t = *state;
    const fc_insn_t prog[] = {
        STDW(10, -8, 40), MOV64_IMM(2, 2),   insn_of(FC_OP_ATOMIC64_FETCH_ADD, 10, 2, -8, 0),
        MOV64_IMM(0, 0),  MOV64_IMM(3, 100), insn_of(FC_OP_ATOMIC32_CMPXCHG, 10, 3, -8, 0),
        LDXDW(4, 10, -8), LSH64_IMM(0, 16),  ADD64_REG(0, 4),
        LSH64_IMM(0, 16), ADD64_REG(0, 2),   EXIT()};
    /* after fetch add: [fp-8] = 42, r2 = 40; cmpxchg32 with r0 = 0 fails, r0 = 42 */
    vmt_expect_r0(t, prog, NSLOTS(prog), (42ull << 32) | (42ull << 16) | 40);
}

/* ---- the ops with their own tests --------------------------------------- */
static void test_exit(void **state)
{
    const fc_insn_t prog[] = {MOV64_IMM(0, 7), EXIT(), MOV64_IMM(0, 8), EXIT()};
    vmt_expect_r0(*state, prog, NSLOTS(prog), 7);
}

static void test_ja(void **state)
{
    const fc_insn_t prog[] = {MOV64_IMM(0, 1), JA(1), MOV64_IMM(0, 2), JA(0), EXIT()};
    vmt_expect_r0(*state, prog, NSLOTS(prog), 1);
}

static void test_ja32(void **state)
{
    /* 0 mov; 1 ja32 +2 -> 4; 2 add 100; 3 exit; 4 add 10; 5 ja32 -4 -> 2 */
    const fc_insn_t prog[] = {MOV64_IMM(0, 1), JA32(2),          ADD64_IMM(0, 100),
                              EXIT(),          ADD64_IMM(0, 10), JA32(-4)};
    vmt_out_t out;
    vmt_run(*state, prog, NSLOTS(prog), &out);
    assert_int_equal(out.status, FC_OK);
    assert_int_equal(out.r0, 111);
    assert_int_equal(out.executed, 6);
}

static void test_lddw(void **state)
{
    vmt_t *t = *state;
    /* the low word is not sign-extended, the high word is taken as is */
    const fc_insn_t a[] = {LDDW(0, 0x0000000080000000), EXIT()};
    vmt_expect_r0(t, a, NSLOTS(a), 0x80000000);
    const fc_insn_t b[] = {LDDW(0, 0xffffffff00000001), EXIT()};
    vmt_expect_r0(t, b, NSLOTS(b), 0xffffffff00000001);
    const fc_insn_t c[] = {LDDW(0, 0x123456789abcdef0), EXIT()};
    vmt_expect_r0(t, c, NSLOTS(c), 0x123456789abcdef0);
    const fc_insn_t d[] = {LDDW(0, 0), EXIT()};
    vmt_expect_r0(t, d, NSLOTS(d), 0);
}

static void test_lddw_rodata(void **state)
{
    vmt_t *t = *state;
    const fc_insn_t a[] = {LDDW_SRC(1, FC_LDDW_RODATA, 8), LDXDW(0, 1, 0), EXIT()};
    uint64_t v;
    memcpy(&v, t->ro + 8, 8);
    vmt_expect_r0(t, a, NSLOTS(a), v);
    /* an offset equal to the section size is the end pointer, accepted */
    const fc_insn_t b[] = {LDDW_SRC(0, FC_LDDW_RODATA, VMT_RO), EXIT()};
    vmt_expect_r0(t, b, NSLOTS(b), (uintptr_t)t->ro + VMT_RO);
}

static void test_lddw_data(void **state)
{
    vmt_t *t = *state;
    const fc_insn_t a[] = {LDDW_SRC(1, FC_LDDW_DATA, 200), STW(1, 0, 0x1234), LDXW(0, 1, 0),
                           EXIT()};
    vmt_out_t out;
    vmt_run(t, a, NSLOTS(a), &out);
    assert_int_equal(out.status, FC_OK);
    assert_int_equal(out.r0, 0x1234);
    assert_int_equal(out.mem[200], 0x34);
}

static void test_call_helper(void **state)
{
    const fc_insn_t prog[] = {MOV64_IMM(1, 1),
                              MOV64_IMM(2, 20),
                              MOV64_IMM(3, 300),
                              MOV64_IMM(4, 4000),
                              MOV64_IMM(5, 50000),
                              CALL_HELPER(VMT_H_SUM),
                              EXIT()};
    vmt_expect_r0(*state, prog, NSLOTS(prog), 54321);
}

static void test_callx(void **state)
{
    const fc_insn_t prog[] = {MOV64_IMM(1, 1), MOV64_IMM(2, 2),         MOV64_IMM(3, 3),
                              MOV64_IMM(4, 4), MOV64_IMM(5, VMT_H_SUM), CALLX(5),
                              EXIT()};
    vmt_expect_r0(*state, prog, NSLOTS(prog), 11);
    const fc_insn_t viaR0[] = {MOV64_IMM(0, VMT_H_EXECUTED), CALLX(0), EXIT()};
    vmt_expect_r0(*state, viaR0, NSLOTS(viaR0), 2); /* mov and callx counted */
}

/* A local call preserves r6-r9 and r10 for the caller; the callee runs in
 * its own frame, frame_size bytes below. */
static void test_call_local(void **state)
{
    vmt_t *t = *state;
    const fc_insn_t prog[] = {
        /* 0 */ MOV64_IMM(6, 6),
        /* 1 */ MOV64_IMM(7, 7),
        /* 2 */ MOV64_IMM(8, 8),
        /* 3 */ MOV64_IMM(9, 9),
        /* 4 */ STXDW(10, -8, 6),
        /* 5 */ MOV64_REG(1, 10),
        /* 6 */ CALL_LOCAL(10), /* -> 17 */
        /* 7 */ MOV64_REG(2, 6),
        /* 8 */ ADD64_REG(2, 7),
        /* 9 */ ADD64_REG(2, 8),
        /* 10 */ ADD64_REG(2, 9),
        /* 11 */ LSH64_IMM(0, 32),
        /* 12 */ LSH64_IMM(2, 8),
        /* 13 */ ADD64_REG(0, 2),
        /* 14 */ LDXDW(3, 10, -8),
        /* 15 */ ADD64_REG(0, 3),
        /* 16 */ EXIT(),
        /* 17: callee clobbers r6-r9 and its own frame, returns caller fp - its fp */
        /* 17 */ MOV64_IMM(6, 100),
        /* 18 */ MOV64_IMM(7, 100),
        /* 19 */ MOV64_IMM(8, 100),
        /* 20 */ MOV64_IMM(9, 100),
        /* 21 */ STDW(10, -8, 99),
        /* 22 */ MOV64_REG(0, 1),
        /* 23 */ SUB64_REG(0, 10),
        /* 24 */ EXIT(),
    };
    vmt_out_t out;
    vmt_run(t, prog, NSLOTS(prog), &out);
    assert_int_equal(out.status, FC_OK);
    assert_int_equal(out.r0, ((uint64_t)FC_DEFAULT_FRAME << 32) | (30u << 8) | 6u);
    assert_int_equal(out.executed, 25);
    assert_int_equal(t->prog.call_depth, 1);
    assert_int_equal(t->vm.max_depth, 1);
}

/* Rows covered by the dedicated tests above. */
static const fc_op_t special_ops[] = {
    FC_OP_EXIT,      FC_OP_JA,   FC_OP_JA32,  FC_OP_LDDW,       FC_OP_LDDW_RODATA,
    FC_OP_LDDW_DATA, FC_OP_CALL, FC_OP_CALLX, FC_OP_CALL_LOCAL,
};

static void test_every_row_is_tested(void **state)
{
    (void)state;
    unsigned missing = 0;
    for (unsigned op = 0; op < FC_OP_COUNT; op++) {
        int covered = 0;
        for (size_t i = 0; i < sizeof alu_cases / sizeof alu_cases[0]; i++)
            covered |= alu_cases[i].op == op;
        for (size_t i = 0; i < sizeof jmp_cases / sizeof jmp_cases[0]; i++)
            covered |= jmp_cases[i].op == op;
        for (size_t i = 0; i < sizeof mem_cases / sizeof mem_cases[0]; i++)
            covered |= mem_cases[i].op == op;
        for (size_t i = 0; i < sizeof atomic_cases / sizeof atomic_cases[0]; i++)
            covered |= atomic_cases[i].op == op;
        for (size_t i = 0; i < sizeof special_ops / sizeof special_ops[0]; i++)
            covered |= special_ops[i] == op;
        if (!covered) {
            print_error("ISA row %s (opcode %#x) has no test case\n", fc_isa[op].id_name,
                        fc_isa[op].opcode);
            missing++;
        }
    }
    assert_int_equal(missing, 0);
}

/* The table is sorted by opcode (decode relies on it) and every row
 * decodes to itself. */
static void test_isa_table_sorted_and_decodes(void **state)
{
    (void)state;
    for (unsigned op = 1; op < FC_OP_COUNT; op++)
        assert_true(fc_isa[op - 1].opcode <= fc_isa[op].opcode);
    for (unsigned op = 0; op < FC_OP_COUNT; op++) {
        fc_insn_t in = insn_of((fc_op_t)op, 0, 0, 0, 0);
        assert_int_equal(fc_isa_decode(in), op);
    }
}

/* The derived tables (src/vm/isa_core.c) say the same as the named table:
 * each opcode byte's format is its first row's (0 for a byte of no row),
 * and the selector keys are the selector rows in row order, ascending (the
 * verifier's binary search needs it). Decoding against the named table
 * agrees with a plain search for every opcode and a spread of selector
 * fields. */
static fc_op_t reference_decode(fc_insn_t in)
{
    fc_op_t fallback = FC_OP_INVALID;
    for (unsigned op = 0; op < FC_OP_COUNT; op++) {
        const fc_isa_row_t *r = &fc_isa[op];
        if (r->opcode != in.opcode)
            continue;
        if (r->sel == FC_SEL_NONE)
            fallback = (fc_op_t)op;
        else if ((r->sel == FC_SEL_OFF && in.offset == r->selval) ||
                 (r->sel == FC_SEL_IMM && in.imm == r->selval) ||
                 (r->sel == FC_SEL_SRC && FC_INSN_SRC(in) == (unsigned)r->selval))
            return (fc_op_t)op;
    }
    return fallback;
}

static void test_isa_derived_tables_match_named_table(void **state)
{
    (void)state;
    unsigned k = 0;
#define FIRST_ROW_(id, opc, sel, selval, mn, fmt) FC_ISA_FIRST_ROW_(id, sel),
    static const int first_row[FC_OP_COUNT] = {FC_ISA_TABLE(FIRST_ROW_)};
#undef FIRST_ROW_
    for (unsigned op = 0; op < FC_OP_COUNT; op++) {
        const fc_isa_row_t *r = &fc_isa[op];
        int first = op == 0 || fc_isa[op - 1].opcode != r->opcode;
        if (first_row[op] != first)
            fail_msg("row %s: first-of-opcode mark %d, expected %d (an opcode whose rows all "
                     "have a selector names its first row with FC_ISA_OPENS_<ID>)",
                     r->id_name, first_row[op], first);
        if (first)
            assert_int_equal(fc_isa_format_of(r->opcode), r->format);
        if (r->sel != FC_SEL_NONE) {
            assert_true(k < FC_ISA_SELECTOR_ROWS);
            assert_true(r->selval >= 0 && r->selval <= 0xff);
            assert_int_equal(fc_isa_selector_keys[k], r->opcode << 8 | r->selval);
            if (k > 0)
                assert_true(fc_isa_selector_keys[k - 1] < fc_isa_selector_keys[k]);
            /* the format of an opcode's first row names the field its
             * selector rows use (FC_FMT_TABLE's SEL) */
            k++;
        }
    }
    assert_int_equal(k, FC_ISA_SELECTOR_ROWS);
    for (unsigned opc = 0; opc < 256; opc++) {
        int has = 0;
        for (unsigned op = 0; op < FC_OP_COUNT; op++)
            has |= fc_isa[op].opcode == opc;
        if (!has) /* reads as END, whose rows all have a selector: refused below */
            assert_int_equal(fc_isa_format_of((uint8_t)opc), FC_FMT_END);
    }
    static const int16_t offs[] = {0, 1, 2, 3, 8, 16, 32, -1};
    static const int32_t imms[] = {0,    1,    2,    16,   32,   64,   0x40, 0x41, 0x50,
                                   0x51, 0xa0, 0xa1, 0xe0, 0xe1, 0xf0, 0xf1, -1,   128};
    unsigned checked = 0;
    for (unsigned opc = 0; opc < 256; opc++)
        for (unsigned src = 0; src < 16; src++)
            for (size_t o = 0; o < sizeof offs / sizeof offs[0]; o++)
                for (size_t i = 0; i < sizeof imms / sizeof imms[0]; i++) {
                    fc_insn_t in = {(uint8_t)opc, (uint8_t)(src << 4 | 1), offs[o], imms[i]};
                    fc_op_t got = fc_isa_decode(in), want = reference_decode(in);
                    if (got != want)
                        fail_msg("opcode %#x src %u off %d imm %d: decoded %d, expected %d", opc,
                                 src, offs[o], imms[i], (int)got, (int)want);
                    /* the verifier's decoding (derived tables, binary search of
                     * the keys) refuses the opcode exactly when no row matches */
                    fc_insn_t text[2] = {in, {FC_OPC_EXIT, 0, 0, 0}};
                    fc_program_t prog;
                    fc_verify_config_t cfg;
                    fc_error_t err;
                    memset(&prog, 0, sizeof prog);
                    fc_verify_config_default(&cfg);
                    fc_status_t st = fc_verify(&prog, text, 2, &cfg, &err);
                    if ((st == FC_ERR_BAD_OPCODE) != (want == FC_OP_INVALID))
                        fail_msg("opcode %#x src %u off %d imm %d: verifier %s, row %d", opc, src,
                                 offs[o], imms[i], fc_status_name(st), (int)want);
                    /* a selector row's own field is not refused as unused: when
                     * every other field its format's zero rule names is 0, the
                     * verifier must not answer FC_ERR_BAD_FIELD */
                    if (want != FC_OP_INVALID && fc_isa[want].sel != FC_SEL_NONE) {
#define ZERO_(name, zero, sel, writes) [FC_FMT_##name] = (zero),
                        static const unsigned zero_rule[FC_FMT_COUNT] = {FC_FMT_TABLE(ZERO_)};
#undef ZERO_
                        static const unsigned sel_field[] = {[FC_SEL_OFF] = FC_FIELD_OFF,
                                                             [FC_SEL_IMM] = FC_FIELD_IMM,
                                                             [FC_SEL_SRC] = FC_FIELD_SRC};
                        unsigned zero =
                            zero_rule[fc_isa[want].format] & ~sel_field[fc_isa[want].sel];
                        int others_zero =
                            !((zero & FC_FIELD_DST) || ((zero & FC_FIELD_SRC) && src) ||
                              ((zero & FC_FIELD_OFF) && offs[o]) ||
                              ((zero & FC_FIELD_IMM) && imms[i]));
                        if (others_zero && st == FC_ERR_BAD_FIELD && err.where == 0)
                            fail_msg("opcode %#x src %u off %d imm %d: selector row %s refused "
                                     "for an unused field",
                                     opc, src, offs[o], imms[i], fc_isa[want].id_name);
                    }
                    checked++;
                }
    assert_true(checked == 256u * 16u * 8u * 18u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_is_tested),
        cmocka_unit_test(test_isa_table_sorted_and_decodes),
        cmocka_unit_test_setup_teardown(test_alu_table, vmt_setup, vmt_teardown),
        cmocka_unit_test_setup_teardown(test_jump_table, vmt_setup, vmt_teardown),
        cmocka_unit_test_setup_teardown(test_memory_table, vmt_setup, vmt_teardown),
        cmocka_unit_test_setup_teardown(test_atomic_table, vmt_setup, vmt_teardown),
        cmocka_unit_test_setup_teardown(test_atomic_on_stack, vmt_setup, vmt_teardown),
        cmocka_unit_test_setup_teardown(test_exit, vmt_setup, vmt_teardown),
        cmocka_unit_test_setup_teardown(test_ja, vmt_setup, vmt_teardown),
        cmocka_unit_test_setup_teardown(test_ja32, vmt_setup, vmt_teardown),
        cmocka_unit_test_setup_teardown(test_lddw, vmt_setup, vmt_teardown),
        cmocka_unit_test(test_isa_derived_tables_match_named_table),
        cmocka_unit_test_setup_teardown(test_lddw_rodata, vmt_setup, vmt_teardown),
        cmocka_unit_test_setup_teardown(test_lddw_data, vmt_setup, vmt_teardown),
        cmocka_unit_test_setup_teardown(test_call_helper, vmt_setup, vmt_teardown),
        cmocka_unit_test_setup_teardown(test_callx, vmt_setup, vmt_teardown),
        cmocka_unit_test_setup_teardown(test_call_local, vmt_setup, vmt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
