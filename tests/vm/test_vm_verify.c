/* The verifier: every refusal code with the instruction index it names and
 * a reason, the unused-field rule of every format (independently of the
 * conformance reject vectors), and the fields of a verified program. */
#include "vm_test_util.h"

#include <stdlib.h>
#include <string.h>

/* Expect fc_verify(text) to refuse with code at where (and a reason). */
static void expect_refusal(vmt_t *t, const fc_insn_t *text, uint32_t n, int code,
                           unsigned long where)
{
    fc_status_t st = vmt_verify(t, text, n);
    if ((int)st != code || t->err.where != where)
        fail_msg("expected %s at %lu, got %s at %lu (%s)", fc_status_name(code), where,
                 fc_status_name(st), t->err.where, t->err.reason ? t->err.reason : "-");
    assert_int_equal(t->err.code, code);
    assert_non_null(t->err.reason);
    assert_true(strlen(t->err.reason) > 0);
    assert_int_equal(t->prog.verified, 0);
    assert_int_equal(fc_program_check(&t->prog), FC_ERR_NOT_VERIFIED);
}
#define REFUSE(t, code, where, ...)                                                                \
    do {                                                                                           \
        const fc_insn_t p_[] = {__VA_ARGS__};                                                      \
        expect_refusal(t, p_, NSLOTS(p_), code, where);                                            \
    } while (0)
#define ACCEPT(t, ...)                                                                             \
    do {                                                                                           \
        const fc_insn_t p_[] = {__VA_ARGS__};                                                      \
        fc_status_t st_ = vmt_verify(t, p_, NSLOTS(p_));                                           \
        if (st_ != FC_OK)                                                                          \
            fail_msg("refused: %s at %lu (%s)", fc_status_name(st_), t->err.where, t->err.reason); \
    } while (0)

static void test_empty(void **state)
{
    vmt_t *t = *state;
    const fc_insn_t one[] = {EXIT()};
    expect_refusal(t, one, 0, FC_ERR_EMPTY, 0);
    expect_refusal(t, NULL, 0, FC_ERR_EMPTY, 0);
    expect_refusal(t, NULL, 5, FC_ERR_EMPTY, 0);
}

static void test_too_large(void **state)
{
    vmt_t *t = *state;
    t->cfg.max_insns = 2;
    REFUSE(t, FC_ERR_TOO_LARGE, 0, MOV64_IMM(0, 0), MOV64_IMM(0, 0), EXIT());
    ACCEPT(t, MOV64_IMM(0, 0), EXIT());
    vmt_init(t);
    /* FC_MAX_INSNS + 1 slots with the default limit */
    uint32_t n = FC_MAX_INSNS + 1;
    fc_insn_t *big = calloc(n, sizeof *big);
    assert_non_null(big);
    for (uint32_t i = 0; i < n; i++)
        big[i] = EXIT();
    expect_refusal(t, big, n, FC_ERR_TOO_LARGE, 0);
    assert_int_equal(vmt_verify(t, big, n - 1), FC_OK); /* exactly the limit */
    free(big);
}

static void test_bad_opcode(void **state)
{
    vmt_t *t = *state;
    REFUSE(t, FC_ERR_BAD_OPCODE, 0, INSN(0x00, 0, 0, 0, 0), EXIT()); /* lone lddw second slot */
    REFUSE(t, FC_ERR_BAD_OPCODE, 1, MOV64_IMM(0, 0), INSN(0xff, 0, 0, 0, 0), EXIT());
    REFUSE(t, FC_ERR_BAD_OPCODE, 0, INSN(0x20, 0, 0, 0, 0), EXIT());    /* legacy ld abs w */
    REFUSE(t, FC_ERR_BAD_OPCODE, 0, INSN(0x40, 0, 0, 0, 0), EXIT());    /* legacy ld ind w */
    REFUSE(t, FC_ERR_BAD_OPCODE, 0, INSN(0x30, 0, 0, 0, 0), EXIT());    /* legacy ld abs b */
    REFUSE(t, FC_ERR_BAD_OPCODE, 0, INSN(0x8e, 0, 0, 0, 0), EXIT());    /* no such jmp32 op */
    REFUSE(t, FC_ERR_BAD_OPCODE, 0, INSN(0xe5, 0, 0, 0, 0), EXIT());    /* no such jump op */
    REFUSE(t, FC_ERR_BAD_OPCODE, 0, INSN(0xdb, 1, 2, 0, 0x02), EXIT()); /* no atomic 0x02 */
    REFUSE(t, FC_ERR_BAD_OPCODE, 0, INSN(0xc3, 1, 2, 0, 0xe0), EXIT()); /* xchg without fetch */
    REFUSE(t, FC_ERR_BAD_OPCODE, 0, INSN(0xdb, 1, 2, 0, 0xf0), EXIT()); /* cmpxchg w/o fetch */
    REFUSE(t, FC_ERR_BAD_OPCODE, 0, INSN(0xd4, 0, 0, 0, 8), EXIT());    /* le8 */
    REFUSE(t, FC_ERR_BAD_OPCODE, 0, INSN(0xd7, 0, 0, 0, 0), EXIT());    /* bswap0 */
    REFUSE(t, FC_ERR_BAD_OPCODE, 0, INSN(0xdc, 0, 0, 0, 128), EXIT());  /* be128 */
}

/* Which fields each format leaves unused (must be zero), the selector field
 * excepted: the test's own statement of RFC 9669, independent of
 * FC_FMT_TABLE (which the verifier's rules come from). */
enum { F_DST = 1, F_SRC = 2, F_OFF = 4, F_IMM = 8 };
static unsigned unused_fields(const fc_isa_row_t *row)
{
    unsigned f = 0;
    switch ((fc_format_t)row->format) {
    case FC_FMT_ALU_K:
        f = F_SRC | F_OFF;
        break;
    case FC_FMT_ALU_X:
        f = F_IMM | F_OFF;
        break;
    case FC_FMT_UNARY:
        f = F_SRC | F_OFF | F_IMM;
        break;
    case FC_FMT_END:
        f = F_SRC | F_OFF;
        break;
    case FC_FMT_LDDW:
        f = F_OFF;
        break;
    case FC_FMT_LDX:
        f = F_IMM;
        break;
    case FC_FMT_ST:
        f = F_SRC;
        break;
    case FC_FMT_STX:
        f = F_IMM;
        break;
    case FC_FMT_ATOMIC:
        f = 0;
        break; /* every field is used */
    case FC_FMT_JA:
        f = F_DST | F_SRC | F_IMM;
        break;
    case FC_FMT_JA32:
        f = F_DST | F_SRC | F_OFF;
        break;
    case FC_FMT_JCC_K:
        f = F_SRC;
        break;
    case FC_FMT_JCC_X:
        f = F_IMM;
        break;
    case FC_FMT_CALL:
        f = F_DST | F_OFF;
        break;
    case FC_FMT_CALL_LOCAL:
        f = F_DST | F_OFF;
        break;
    case FC_FMT_CALLX:
        f = F_SRC | F_OFF | F_IMM;
        break;
    case FC_FMT_EXIT:
        f = F_DST | F_SRC | F_OFF | F_IMM;
        break;
    default:
        fail_msg("format %u has no unused-field rule in this test", row->format);
    }
    static const unsigned sel_field[] = {
        [FC_SEL_NONE] = 0, [FC_SEL_OFF] = F_OFF, [FC_SEL_IMM] = F_IMM, [FC_SEL_SRC] = F_SRC};
    return f & ~sel_field[row->sel];
}

/* A valid instance of row op at slot 0 of [insn, (lddw hi), exit, exit]:
 * registers r1/r2, in-frame offsets, jumps to the next slot, helper 1,
 * local call to the last exit. */
static uint32_t valid_program(fc_op_t op, fc_insn_t *p)
{
    const fc_isa_row_t *row = &fc_isa[op];
    fc_insn_t in = INSN(row->opcode, 1, 2, 0, 0);
    switch ((fc_format_t)row->format) {
    case FC_FMT_ALU_K:
        in = INSN(row->opcode, 1, 0, 0, 3);
        break;
    case FC_FMT_UNARY:
    case FC_FMT_END:
        in = INSN(row->opcode, 1, 0, 0, 0);
        break;
    case FC_FMT_LDDW:
        in = INSN(row->opcode, 1, 0, 0, 4);
        break;
    case FC_FMT_ST:
        in = INSN(row->opcode, 1, 0, 0, 5);
        break;
    case FC_FMT_JA:
    case FC_FMT_JA32:
    case FC_FMT_EXIT:
        in = INSN(row->opcode, 0, 0, 0, 0);
        break;
    case FC_FMT_JCC_K:
        in = INSN(row->opcode, 1, 0, 0, 7);
        break;
    case FC_FMT_CALL:
        in = INSN(row->opcode, 0, 0, 0, VMT_H_SUM);
        break;
    case FC_FMT_CALL_LOCAL:
        in = INSN(row->opcode, 0, 1, 0, 1);
        break;
    case FC_FMT_CALLX:
        in = INSN(row->opcode, 1, 0, 0, 0);
        break;
    default:
        break;
    }
    if (row->sel == FC_SEL_OFF)
        in.offset = row->selval;
    else if (row->sel == FC_SEL_IMM)
        in.imm = row->selval;
    else if (row->sel == FC_SEL_SRC)
        in.regs = (uint8_t)((row->selval << 4) | FC_INSN_DST(in));
    uint32_t n = 0;
    p[n++] = in;
    if (row->format == FC_FMT_LDDW)
        p[n++] = INSN(0, 0, 0, 0, 0);
    p[n++] = EXIT();
    p[n++] = EXIT();
    return n;
}

/* The rule of the 45 reject vectors, for every row and every unused field:
 * the valid instance verifies, the same with that field non-zero is refused
 * at slot 0 with FC_ERR_BAD_FIELD. */
static void test_unused_fields_every_row(void **state)
{
    vmt_t *t = *state;
    unsigned checked = 0;
    for (unsigned op = 0; op < FC_OP_COUNT; op++) {
        fc_insn_t p[4];
        uint32_t n = valid_program((fc_op_t)op, p);
        fc_status_t st = vmt_verify(t, p, n);
        if (st != FC_OK)
            fail_msg("valid %s refused: %s (%s)", fc_isa[op].id_name, fc_status_name(st),
                     t->err.reason);
        unsigned fields = unused_fields(&fc_isa[op]);
        for (unsigned f = F_DST; f <= F_IMM; f <<= 1) {
            if (!(fields & f))
                continue;
            fc_insn_t q[4];
            memcpy(q, p, sizeof q);
            if (f == F_DST)
                q[0].regs = (uint8_t)((q[0].regs & 0xf0) | 1);
            if (f == F_SRC)
                q[0].regs = (uint8_t)((q[0].regs & 0x0f) | 3 << 4);
            if (f == F_OFF)
                q[0].offset = 3;
            if (f == F_IMM)
                q[0].imm = 1;
            st = vmt_verify(t, q, n);
            if (st != FC_ERR_BAD_FIELD || t->err.where != 0)
                fail_msg("%s with unused field %u set: %s at %lu, expected FC_ERR_BAD_FIELD at 0",
                         fc_isa[op].id_name, f, fc_status_name(st), t->err.where);
            assert_true(strlen(t->err.reason) > 0);
            checked++;
        }
    }
    assert_true(checked >= 45); /* at least as many cases as the reject vectors */
}

/* A few by hand, one per format, at a slot other than 0. */
static void test_bad_field_by_hand(void **state)
{
    vmt_t *t = *state;
    REFUSE(t, FC_ERR_BAD_FIELD, 1, MOV64_IMM(0, 0), INSN(0x07, 0, 1, 0, 1), EXIT()); /* ALU_K src */
    REFUSE(t, FC_ERR_BAD_FIELD, 1, MOV64_IMM(0, 0), INSN(0x0f, 0, 1, 0, 1), EXIT()); /* ALU_X imm */
    REFUSE(t, FC_ERR_BAD_FIELD, 1, MOV64_IMM(0, 0), INSN(0x87, 0, 0, 1, 0), EXIT()); /* UNARY off */
    REFUSE(t, FC_ERR_BAD_FIELD, 1, MOV64_IMM(0, 0), INSN(0xdc, 0, 1, 0, 16), EXIT()); /* END src */
    REFUSE(t, FC_ERR_BAD_FIELD, 1, MOV64_IMM(0, 0), INSN(0x18, 0, 0, 1, 0), INSN(0, 0, 0, 0, 0),
           EXIT()); /* LDDW off */
    REFUSE(t, FC_ERR_BAD_FIELD, 1, MOV64_IMM(0, 0), INSN(0x18, 0, 3, 0, 0), INSN(0, 0, 0, 0, 0),
           EXIT()); /* lddw pseudo source 3 does not exist */
    REFUSE(t, FC_ERR_BAD_FIELD, 1, MOV64_IMM(0, 0), INSN(0x79, 0, 10, -8, 1), EXIT()); /* LDX */
    REFUSE(t, FC_ERR_BAD_FIELD, 1, MOV64_IMM(0, 0), INSN(0x7a, 10, 1, -8, 1), EXIT()); /* ST */
    REFUSE(t, FC_ERR_BAD_FIELD, 1, MOV64_IMM(0, 0), INSN(0x7b, 10, 1, -8, 1), EXIT()); /* STX */
    REFUSE(t, FC_ERR_BAD_FIELD, 1, MOV64_IMM(0, 0), INSN(0x05, 0, 0, 0, 1), EXIT());   /* JA imm */
    REFUSE(t, FC_ERR_BAD_FIELD, 1, MOV64_IMM(0, 0), INSN(0x06, 0, 0, 1, 0), EXIT());   /* JA32 */
    REFUSE(t, FC_ERR_BAD_FIELD, 1, MOV64_IMM(0, 0), INSN(0x15, 0, 1, 0, 0), EXIT());   /* JCC_K */
    REFUSE(t, FC_ERR_BAD_FIELD, 1, MOV64_IMM(0, 0), INSN(0x1d, 0, 1, 0, 1), EXIT());   /* JCC_X */
    REFUSE(t, FC_ERR_BAD_FIELD, 1, MOV64_IMM(0, 0), INSN(0x85, 0, 2, 0, 1),
           EXIT()); /* call src 2 */
    REFUSE(t, FC_ERR_BAD_FIELD, 1, MOV64_IMM(0, 0), INSN(0x85, 0, 0, 1, 1), EXIT()); /* call off */
    REFUSE(t, FC_ERR_BAD_FIELD, 1, MOV64_IMM(0, 0), INSN(0x8d, 1, 0, 0, 1), EXIT()); /* callx imm */
    REFUSE(t, FC_ERR_BAD_FIELD, 1, MOV64_IMM(0, 0), INSN(0x95, 0, 0, 0, 1), EXIT()); /* exit imm */
    /* a selector value no row has, on an opcode that has a plain row */
    REFUSE(t, FC_ERR_BAD_FIELD, 0, INSN(0xbf, 0, 1, 24, 0), EXIT()); /* movsx24 */
    REFUSE(t, FC_ERR_BAD_FIELD, 0, INSN(0x3f, 0, 1, 2, 0), EXIT());  /* div, off 2 */
}

static void test_bad_register(void **state)
{
    vmt_t *t = *state;
    for (unsigned r = 11; r <= 15; r++) {
        REFUSE(t, FC_ERR_BAD_REGISTER, 0, INSN(0x0f, r, 1, 0, 0), EXIT()); /* alu dst */
        REFUSE(t, FC_ERR_BAD_REGISTER, 0, INSN(0x0f, 1, r, 0, 0), EXIT()); /* alu src */
        REFUSE(t, FC_ERR_BAD_REGISTER, 0, INSN(0xb7, r, 0, 0, 0), EXIT()); /* mov imm */
        REFUSE(t, FC_ERR_BAD_REGISTER, 0, INSN(0x79, 0, r, 0, 0), EXIT()); /* load base */
        REFUSE(t, FC_ERR_BAD_REGISTER, 0, INSN(0x79, r, 1, 0, 0), EXIT()); /* load dst */
        REFUSE(t, FC_ERR_BAD_REGISTER, 0, INSN(0x7b, r, 1, 0, 0), EXIT()); /* store base */
        REFUSE(t, FC_ERR_BAD_REGISTER, 0, INSN(0x7b, 1, r, 0, 0), EXIT()); /* store src */
        REFUSE(t, FC_ERR_BAD_REGISTER, 0, INSN(0x72, r, 0, 0, 0), EXIT()); /* store imm base */
        REFUSE(t, FC_ERR_BAD_REGISTER, 0, INSN(0xdb, 1, r, 0, 1), EXIT()); /* atomic src */
        REFUSE(t, FC_ERR_BAD_REGISTER, 0, INSN(0xdb, r, 1, 0, 1), EXIT()); /* atomic base */
        REFUSE(t, FC_ERR_BAD_REGISTER, 0, INSN(0x1d, r, 1, 0, 0), EXIT()); /* jcc dst */
        REFUSE(t, FC_ERR_BAD_REGISTER, 0, INSN(0x1d, 1, r, 0, 0), EXIT()); /* jcc src */
        REFUSE(t, FC_ERR_BAD_REGISTER, 0, INSN(0x8d, r, 0, 0, 0), EXIT()); /* callx */
        REFUSE(t, FC_ERR_BAD_REGISTER, 0, INSN(0x18, r, 0, 0, 0), INSN(0, 0, 0, 0, 0), EXIT());
        REFUSE(t, FC_ERR_BAD_REGISTER, 0, INSN(0x18, 1, r, 0, 0), INSN(0, 0, 0, 0, 0), EXIT());
        /* a register in the second slot of lddw: that slot must be all
         * zero but imm, refused as an incomplete lddw at the second slot */
        REFUSE(t, FC_ERR_LDDW_INCOMPLETE, 1, INSN(0x18, 1, 0, 0, 0), INSN(0, r, 0, 0, 0), EXIT());
        REFUSE(t, FC_ERR_LDDW_INCOMPLETE, 1, INSN(0x18, 1, 0, 0, 0), INSN(0, 0, r, 0, 0), EXIT());
    }
}

static void test_write_r10(void **state)
{
    vmt_t *t = *state;
    REFUSE(t, FC_ERR_WRITE_R10, 0, INSN(0x07, 10, 0, 0, 8), EXIT());    /* add r10, 8 */
    REFUSE(t, FC_ERR_WRITE_R10, 0, INSN(0xbf, 10, 1, 0, 0), EXIT());    /* mov r10, r1 */
    REFUSE(t, FC_ERR_WRITE_R10, 0, INSN(0xb4, 10, 0, 0, 0), EXIT());    /* mov32 r10, 0 */
    REFUSE(t, FC_ERR_WRITE_R10, 0, INSN(0x87, 10, 0, 0, 0), EXIT());    /* neg r10 */
    REFUSE(t, FC_ERR_WRITE_R10, 0, INSN(0xdc, 10, 0, 0, 64), EXIT());   /* be64 r10 */
    REFUSE(t, FC_ERR_WRITE_R10, 0, INSN(0xbf, 10, 1, 8, 0), EXIT());    /* movsx r10 */
    REFUSE(t, FC_ERR_WRITE_R10, 0, INSN(0x79, 10, 1, 0, 0), EXIT());    /* ldxdw r10 */
    REFUSE(t, FC_ERR_WRITE_R10, 0, INSN(0x91, 10, 1, 0, 0), EXIT());    /* ldxsb r10 */
    REFUSE(t, FC_ERR_WRITE_R10, 0, LDDW(10, 1), EXIT());                /* lddw r10 */
    REFUSE(t, FC_ERR_WRITE_R10, 0, INSN(0xdb, 1, 10, 0, 0x01), EXIT()); /* fetch add */
    REFUSE(t, FC_ERR_WRITE_R10, 0, INSN(0xc3, 1, 10, 0, 0xa1), EXIT()); /* fetch xor32 */
    REFUSE(t, FC_ERR_WRITE_R10, 0, INSN(0xdb, 1, 10, 0, 0xe1), EXIT()); /* xchg */
    /* reading r10 is fine, and so is a non-fetch atomic or cmpxchg with src r10
     * (cmpxchg writes r0, not src) */
    ACCEPT(t, INSN(0xbf, 1, 10, 0, 0), INSN(0xdb, 1, 10, 0, 0x00), INSN(0xdb, 1, 10, 0, 0xf1),
           EXIT());
}

static void test_jump_out(void **state)
{
    vmt_t *t = *state;
    REFUSE(t, FC_ERR_JUMP_OUT, 1, MOV64_IMM(0, 0), JA(1), EXIT()); /* to n */
    REFUSE(t, FC_ERR_JUMP_OUT, 1, MOV64_IMM(0, 0), JA(100), EXIT());
    REFUSE(t, FC_ERR_JUMP_OUT, 0, JA(-2), EXIT()); /* to -1 */
    REFUSE(t, FC_ERR_JUMP_OUT, 0, JEQ_IMM(1, 0, INT16_MIN), EXIT());
    REFUSE(t, FC_ERR_JUMP_OUT, 0, JA32(INT32_MAX), EXIT());
    REFUSE(t, FC_ERR_JUMP_OUT, 0, JA32(INT32_MIN), EXIT());
    /* from main into the body of a function, and out of a function */
    REFUSE(t, FC_ERR_JUMP_OUT, 1, CALL_LOCAL(2), JA(2), EXIT(), MOV64_IMM(0, 1), EXIT());
    REFUSE(t, FC_ERR_JUMP_OUT, 3, CALL_LOCAL(1), EXIT(), MOV64_IMM(0, 1), JA(-3), EXIT());
}

static void test_jump_lddw(void **state)
{
    vmt_t *t = *state;
    REFUSE(t, FC_ERR_JUMP_LDDW, 0, JA(1), LDDW(0, 5), EXIT());
    REFUSE(t, FC_ERR_JUMP_LDDW, 3, LDDW(0, 5), EXIT(), JEQ_IMM(0, 0, -3), EXIT());
    REFUSE(t, FC_ERR_JUMP_LDDW, 0, JA32(1), LDDW(0, 5), EXIT());
}

static void test_lddw_incomplete(void **state)
{
    vmt_t *t = *state;
    REFUSE(t, FC_ERR_LDDW_INCOMPLETE, 1, EXIT(), INSN(0x18, 0, 0, 0, 0));         /* last slot */
    REFUSE(t, FC_ERR_LDDW_INCOMPLETE, 1, INSN(0x18, 0, 0, 0, 0), EXIT(), EXIT()); /* opcode */
    REFUSE(t, FC_ERR_LDDW_INCOMPLETE, 1, INSN(0x18, 0, 0, 0, 0), INSN(0, 0, 0, 1, 0), EXIT());
}

static void test_fall_off(void **state)
{
    vmt_t *t = *state;
    REFUSE(t, FC_ERR_FALL_OFF, 0, MOV64_IMM(0, 0));
    REFUSE(t, FC_ERR_FALL_OFF, 1, MOV64_IMM(0, 0), JEQ_IMM(0, 0, -2));
    REFUSE(t, FC_ERR_FALL_OFF, 2, MOV64_IMM(0, 0), LDDW(0, 1)); /* ends on an lddw */
    REFUSE(t, FC_ERR_FALL_OFF, 2, MOV64_IMM(0, 0), CALL_HELPER(VMT_H_SUM), CALL_HELPER(VMT_H_SUM));
    /* main (0..1) falls into the function at 2 */
    REFUSE(t, FC_ERR_FALL_OFF, 1, CALL_LOCAL(1), MOV64_IMM(0, 0), MOV64_IMM(0, 1), EXIT());
}

static void test_helper_denied(void **state)
{
    vmt_t *t = *state;
    REFUSE(t, FC_ERR_HELPER_DENIED, 0, CALL_HELPER(VMT_H_COUNT), EXIT());   /* past the table */
    REFUSE(t, FC_ERR_HELPER_DENIED, 0, CALL_HELPER(VMT_H_MISSING), EXIT()); /* NULL entry */
    REFUSE(t, FC_ERR_HELPER_DENIED, 0, CALL_HELPER(-1), EXIT());
    REFUSE(t, FC_ERR_HELPER_DENIED, 0, CALL_HELPER(FC_MAX_HELPERS), EXIT());
    fc_helper_mask_clear(&t->cfg.allowed);
    fc_helper_mask_set(&t->cfg.allowed, VMT_H_SUM);
    REFUSE(t, FC_ERR_HELPER_DENIED, 1, CALL_HELPER(VMT_H_SUM), CALL_HELPER(VMT_H_FAULT), EXIT());
    ACCEPT(t, CALL_HELPER(VMT_H_SUM), EXIT());
    t->cfg.helpers = NULL; /* no helper table: no helper */
    REFUSE(t, FC_ERR_HELPER_DENIED, 0, CALL_HELPER(VMT_H_SUM), EXIT());
}

static void test_call_target(void **state)
{
    vmt_t *t = *state;
    REFUSE(t, FC_ERR_CALL_TARGET, 0, CALL_LOCAL(1), EXIT());  /* to n */
    REFUSE(t, FC_ERR_CALL_TARGET, 1, EXIT(), CALL_LOCAL(-3)); /* to -1 */
    REFUSE(t, FC_ERR_CALL_TARGET, 0, CALL_LOCAL(INT32_MAX), EXIT());
    /* into the second slot of an lddw: the function before it then ends on
     * the lddw's first slot, which pass 2 refuses first as a fall-off */
    REFUSE(t, FC_ERR_FALL_OFF, 2, CALL_LOCAL(2), EXIT(), LDDW(0, 1), EXIT());
    /* with a function table, a target must be in it */
    static const uint32_t entries[] = {2};
    t->cfg.entries = entries;
    t->cfg.n_entries = 1;
    REFUSE(t, FC_ERR_CALL_TARGET, 0, CALL_LOCAL(2), EXIT(), EXIT(), EXIT());
    ACCEPT(t, CALL_LOCAL(1), EXIT(), EXIT(), EXIT());
    static const uint32_t outside[] = {9};
    t->cfg.entries = outside;
    REFUSE(t, FC_ERR_CALL_TARGET, 9, EXIT(), EXIT());
}

static void test_recursion(void **state)
{
    vmt_t *t = *state;
    /* f at 2 calls itself */
    REFUSE(t, FC_ERR_RECURSION, 2, CALL_LOCAL(1), EXIT(), CALL_LOCAL(-1), EXIT());
    /* f at 2 and g at 4 call each other */
    REFUSE(t, FC_ERR_RECURSION, 4, CALL_LOCAL(1), EXIT(), CALL_LOCAL(1), EXIT(), CALL_LOCAL(-3),
           EXIT());
    /* main calls itself */
    REFUSE(t, FC_ERR_RECURSION, 0, CALL_LOCAL(-1), EXIT());
}

static void test_call_depth(void **state)
{
    vmt_t *t = *state;
    t->cfg.max_call_depth = 2;
    /* main -> f1 -> f2 -> f3: depth 3 */
    REFUSE(t, FC_ERR_CALL_DEPTH, 0, CALL_LOCAL(1), EXIT(), CALL_LOCAL(1), EXIT(), CALL_LOCAL(1),
           EXIT(), EXIT());
    ACCEPT(t, CALL_LOCAL(1), EXIT(), CALL_LOCAL(1), EXIT(), EXIT());
    assert_int_equal(t->prog.call_depth, 2);
    t->cfg.max_call_depth = 0;
    REFUSE(t, FC_ERR_CALL_DEPTH, 0, CALL_LOCAL(1), EXIT(), EXIT());
}

static void test_stack_offset(void **state)
{
    vmt_t *t = *state;
    REFUSE(t, FC_ERR_STACK_OFFSET, 0, LDXDW(0, 10, 0), EXIT()); /* at the top */
    REFUSE(t, FC_ERR_STACK_OFFSET, 0, LDXB(0, 10, 0), EXIT());
    REFUSE(t, FC_ERR_STACK_OFFSET, 0, LDXW(0, 10, -2), EXIT());    /* straddles the top */
    REFUSE(t, FC_ERR_STACK_OFFSET, 0, LDXDW(0, 10, -520), EXIT()); /* below the frame */
    REFUSE(t, FC_ERR_STACK_OFFSET, 0, STB(10, -513, 0), EXIT());
    REFUSE(t, FC_ERR_STACK_OFFSET, 0, STXDW(10, 8, 1), EXIT());
    REFUSE(t, FC_ERR_STACK_OFFSET, 0, STXW(10, INT16_MIN, 1), EXIT());
    REFUSE(t, FC_ERR_STACK_OFFSET, 0, INSN(0xdb, 10, 1, -4, 0), EXIT());      /* atomic straddles */
    ACCEPT(t, LDXDW(0, 10, -512), LDXB(0, 10, -1), STXDW(10, -8, 1), EXIT()); /* both ends */
    t->cfg.frame_size = 64;
    REFUSE(t, FC_ERR_STACK_OFFSET, 0, LDXDW(0, 10, -72), EXIT());
    ACCEPT(t, LDXDW(0, 10, -64), EXIT());
}

static void test_lddw_source(void **state)
{
    vmt_t *t = *state;
    REFUSE(t, FC_ERR_LDDW_SOURCE, 0, LDDW_SRC(0, 1, VMT_RO + 1), EXIT());
    REFUSE(t, FC_ERR_LDDW_SOURCE, 0, LDDW_SRC(0, 2, VMT_MEM + 1), EXIT());
    REFUSE(t, FC_ERR_LDDW_SOURCE, 0, LDDW_SRC(0, 1, 0x100000000), EXIT()); /* high word */
    ACCEPT(t, LDDW_SRC(0, 1, VMT_RO), LDDW_SRC(0, 2, 0), EXIT());
    t->cfg.rodata_len = 0;
    t->cfg.data_len = 0;
    REFUSE(t, FC_ERR_LDDW_SOURCE, 0, LDDW_SRC(0, 1, 0), EXIT());
    REFUSE(t, FC_ERR_LDDW_SOURCE, 0, LDDW_SRC(0, 2, 0), EXIT());
}

static void test_bad_config(void **state)
{
    vmt_t *t = *state;
    const fc_insn_t ok[] = {EXIT()};
    t->cfg.max_insns = FC_MAX_INSNS + 1;
    expect_refusal(t, ok, 1, FC_ERR_BAD_CONFIG, 0);
    vmt_init(t);
    t->cfg.frame_size = 0;
    expect_refusal(t, ok, 1, FC_ERR_BAD_CONFIG, 0);
    t->cfg.frame_size = 12;
    expect_refusal(t, ok, 1, FC_ERR_BAD_CONFIG, 0);
    t->cfg.frame_size = 32768 + 8;
    expect_refusal(t, ok, 1, FC_ERR_BAD_CONFIG, 0);
    vmt_init(t);
    t->cfg.max_call_depth = FC_MAX_CALL_DEPTH + 1;
    expect_refusal(t, ok, 1, FC_ERR_BAD_CONFIG, 0);
    vmt_init(t);
    t->cfg.n_entries = 1; /* entries NULL */
    expect_refusal(t, ok, 1, FC_ERR_BAD_CONFIG, 0);
    vmt_init(t);
    static const fc_helper_table_t no_fns = {NULL, 3};
    t->cfg.helpers = &no_fns;
    expect_refusal(t, ok, 1, FC_ERR_BAD_CONFIG, 0);
    /* an empty program with a bad config: the config is named first */
    expect_refusal(t, ok, 0, FC_ERR_BAD_CONFIG, 0);
}

static void test_verified_fields(void **state)
{
    vmt_t *t = *state;
    const fc_insn_t prog[] = {
        CALL_LOCAL(3), CALL_HELPER(VMT_H_SUM),   CALLX(1), EXIT(), CALL_LOCAL(1),
        EXIT(),        CALL_HELPER(VMT_H_READ8), EXIT()};
    t->cfg.frame_size = 128;
    assert_int_equal(vmt_verify(t, prog, NSLOTS(prog)), FC_OK);
    assert_int_equal(t->err.code, FC_OK);
    assert_int_equal(t->prog.verified, 1);
    assert_ptr_equal(t->prog.text, prog);
    assert_int_equal(t->prog.len, NSLOTS(prog));
    assert_int_equal(t->prog.frame_size, 128);
    assert_int_equal(t->prog.call_depth, 2);
    assert_int_equal(t->prog.stack_needed, 128 * 3);
    assert_int_equal(t->prog.helpers_used, 2);
    assert_int_equal(t->prog.uses_callx, 1);
    assert_null(t->prog.xlate);
    assert_int_equal(fc_program_check(&t->prog), FC_OK);

    const fc_insn_t flat[] = {MOV64_IMM(0, 1), EXIT()};
    vmt_init(t);
    assert_int_equal(vmt_verify(t, flat, 2), FC_OK);
    assert_int_equal(t->prog.call_depth, 0);
    assert_int_equal(t->prog.stack_needed, FC_DEFAULT_FRAME);
    assert_int_equal(t->prog.helpers_used, 0);
    assert_int_equal(t->prog.uses_callx, 0);
}

/* The registers a run may read before writing them, as the verifier
 * computes them (both builds: both interpreters skip zeroing when none). */
static uint16_t undefined_of(vmt_t *t, const fc_insn_t *text, uint32_t n)
{
    assert_int_equal(vmt_verify(t, text, n), FC_OK);
    return t->prog.undefined_reads;
}
#define R(n) (1u << (n))
#define EXPECT_UNDEFINED(t, mask, ...)                                                             \
    do {                                                                                           \
        const fc_insn_t p_[] = {__VA_ARGS__};                                                      \
        uint16_t got_ = undefined_of(t, p_, NSLOTS(p_));                                           \
        if (got_ != 0xffff)                                                                        \
            assert_int_equal(got_, (mask));                                                        \
    } while (0)

static void test_undefined_reads(void **state)
{
    vmt_t *t = *state;
    /* the empty container: r0 written before exit reads it */
    EXPECT_UNDEFINED(t, 0, MOV64_IMM(0, 0), EXIT());
    EXPECT_UNDEFINED(t, 0, LDDW(0, 5), EXIT());
    EXPECT_UNDEFINED(t, R(0), EXIT());
    /* read before the write on the straight line */
    EXPECT_UNDEFINED(t, R(6), MOV64_REG(0, 6), MOV64_IMM(6, 5), EXIT());
    EXPECT_UNDEFINED(t, R(0), ADD64_IMM(0, 1), EXIT()); /* add reads its destination */
    /* r1, r2 (arguments) and r10 are always defined; a load writes dst */
    EXPECT_UNDEFINED(t, 0, LDXB(0, 1, 0), ADD64_REG(0, 2), STXDW(10, -8, 0), EXIT());
    /* written on one path only: after the first jump nothing new counts */
    EXPECT_UNDEFINED(t, R(0) | R(7), JEQ_IMM(2, 0, 1), MOV64_IMM(7, 99), MOV64_REG(0, 7), EXIT());
    /* a jump reads its operands (jle shares its opcode nibble with mov) */
    EXPECT_UNDEFINED(t, R(0) | R(7), INSN(0xb5, 7, 0, 1, 5), MOV64_IMM(0, 1), EXIT());
    EXPECT_UNDEFINED(t, R(0) | R(6) | R(7), INSN(0xbd, 7, 6, 1, 0), MOV64_IMM(0, 1), EXIT());
    /* mov32 too reads only its source */
    EXPECT_UNDEFINED(t, R(6), INSN(0xbc, 0, 6, 0, 0), EXIT());
    /* a helper call reads r1..r5 and writes r0; the line goes on after it */
    EXPECT_UNDEFINED(t, R(3) | R(4) | R(5), CALL_HELPER(VMT_H_SUM), EXIT());
    EXPECT_UNDEFINED(t, 0, MOV64_IMM(3, 0), MOV64_IMM(4, 0), MOV64_IMM(5, 0),
                     CALL_HELPER(VMT_H_SUM), MOV64_IMM(6, 1), JA(0), MOV64_REG(0, 6), EXIT());
    EXPECT_UNDEFINED(t, 0, MOV64_IMM(3, 0), MOV64_IMM(4, 0), MOV64_IMM(5, 0),
                     CALL_HELPER(VMT_H_SUM), EXIT());
    /* callx reads its register too */
    EXPECT_UNDEFINED(t, R(3) | R(4) | R(5) | R(6), CALLX(6), EXIT());
    /* a local call ends the line: r0 written by the callee counts as unwritten */
    EXPECT_UNDEFINED(t, R(0), CALL_LOCAL(1), EXIT(), MOV64_IMM(0, 3), EXIT());
    /* a callee's reads count wherever it is */
    EXPECT_UNDEFINED(t, R(6), MOV64_IMM(0, 0), CALL_LOCAL(1), EXIT(), MOV64_REG(0, 6), EXIT());
    /* end/bswap read only dst (bit 3 of end is the byte order) */
    EXPECT_UNDEFINED(t, 0, MOV64_IMM(0, 1), INSN(0xdc, 0, 0, 0, 16), EXIT());
    /* cmpxchg compares with r0 and writes it back */
    EXPECT_UNDEFINED(t, R(0), STDW(10, -8, 0), INSN(0xdb, 10, 1, -8, 0xf1), EXIT());
    EXPECT_UNDEFINED(t, 0, MOV64_IMM(0, 0), STDW(10, -8, 0), INSN(0xdb, 10, 1, -8, 0xf1), EXIT());
    /* every configured entry counts */
    static const uint32_t second[] = {2};
    const fc_insn_t two[] = {MOV64_IMM(0, 1), EXIT(), EXIT()};
    vmt_init(t);
    EXPECT_UNDEFINED(t, 0, MOV64_IMM(0, 1), EXIT(), EXIT());
    t->cfg.entries = second;
    t->cfg.n_entries = 1;
    uint16_t got = undefined_of(t, two, NSLOTS(two));
    if (got != 0xffff)
        assert_int_equal(got, R(0));
}
#undef R

/* fc_program_check notices text changed after verification. */
static void test_program_check_tamper(void **state)
{
    vmt_t *t = *state;
    fc_insn_t prog[] = {MOV64_IMM(0, 1), EXIT()};
    assert_int_equal(vmt_verify(t, prog, 2), FC_OK);
    assert_int_equal(fc_program_check(&t->prog), FC_OK);
    prog[0].imm = 2;
    assert_int_equal(fc_program_check(&t->prog), FC_ERR_NOT_VERIFIED);
    prog[0].imm = 1;
    assert_int_equal(fc_program_check(&t->prog), FC_OK);
    prog[0].regs = 0x0b; /* r11 */
    assert_int_equal(fc_program_check(&t->prog), FC_ERR_NOT_VERIFIED);
}

#define T(f) cmocka_unit_test_setup_teardown(f, vmt_setup, vmt_teardown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_empty),
        T(test_too_large),
        T(test_bad_opcode),
        T(test_unused_fields_every_row),
        T(test_bad_field_by_hand),
        T(test_bad_register),
        T(test_write_r10),
        T(test_jump_out),
        T(test_jump_lddw),
        T(test_lddw_incomplete),
        T(test_fall_off),
        T(test_helper_denied),
        T(test_call_target),
        T(test_recursion),
        T(test_call_depth),
        T(test_stack_offset),
        T(test_lddw_source),
        T(test_bad_config),
        T(test_verified_fields),
        T(test_undefined_reads),
        T(test_program_check_tamper),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
