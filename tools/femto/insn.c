/* Slots, words and operands; see insn.h. */
#include "insn.h"

enum { USES_DST = 1, USES_SRC = 2, USES_OFF = 4, USES_IMM = 8 };

/* Which fields each operand format shows as operands. Every other field is
 * zero, except the one the row's selector fixes. */
static const unsigned char format_fields[FC_FMT_COUNT] = {
    [FC_FMT_ALU_K] = USES_DST | USES_IMM,
    [FC_FMT_ALU_X] = USES_DST | USES_SRC,
    [FC_FMT_UNARY] = USES_DST,
    [FC_FMT_END] = USES_DST,
    [FC_FMT_LDDW] = USES_DST | USES_IMM,
    [FC_FMT_LDX] = USES_DST | USES_SRC | USES_OFF,
    [FC_FMT_ST] = USES_DST | USES_OFF | USES_IMM,
    [FC_FMT_STX] = USES_DST | USES_SRC | USES_OFF,
    [FC_FMT_ATOMIC] = USES_DST | USES_SRC | USES_OFF,
    [FC_FMT_JA] = USES_OFF,
    [FC_FMT_JA32] = USES_IMM,
    [FC_FMT_JCC_K] = USES_DST | USES_IMM | USES_OFF,
    [FC_FMT_JCC_X] = USES_DST | USES_SRC | USES_OFF,
    [FC_FMT_CALL] = USES_IMM,
    [FC_FMT_CALL_LOCAL] = USES_IMM,
    [FC_FMT_CALLX] = USES_DST,
    [FC_FMT_EXIT] = 0,
};

uint64_t fc_insn_to_word(fc_insn_t insn)
{
    return (uint64_t)insn.opcode | (uint64_t)insn.regs << 8 |
           (uint64_t)(uint16_t)insn.offset << 16 | (uint64_t)(uint32_t)insn.imm << 32;
}

fc_insn_t fc_insn_from_word(uint64_t word)
{
    fc_insn_t insn;
    insn.opcode = (uint8_t)word;
    insn.regs = (uint8_t)(word >> 8);
    insn.offset = (int16_t)(uint16_t)(word >> 16);
    insn.imm = (int32_t)(uint32_t)(word >> 32);
    return insn;
}

void fc_insn_to_bytes(const fc_insn_t *slots, size_t n, uint8_t *bytes)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t word = fc_insn_to_word(slots[i]);
        for (unsigned b = 0; b < 8; b++)
            bytes[i * 8 + b] = (uint8_t)(word >> (8 * b));
    }
}

void fc_insn_from_bytes(const uint8_t *bytes, size_t n_slots, fc_insn_t *slots)
{
    for (size_t i = 0; i < n_slots; i++) {
        uint64_t word = 0;
        for (unsigned b = 0; b < 8; b++)
            word |= (uint64_t)bytes[i * 8 + b] << (8 * b);
        slots[i] = fc_insn_from_word(word);
    }
}

unsigned fc_insn_slots(fc_op_t op)
{
    return op < FC_OP_COUNT && fc_isa[op].format == FC_FMT_LDDW ? 2u : 1u;
}

unsigned fc_insn_encode(fc_op_t op, const fc_operands_t *ops, fc_insn_t out[2])
{
    const fc_isa_row_t *row = &fc_isa[op];
    unsigned uses = format_fields[row->format];
    unsigned dst = (uses & USES_DST) ? ops->dst : 0;
    unsigned src = (uses & USES_SRC) ? ops->src : 0;
    int32_t off = (uses & USES_OFF) ? ops->off : 0;
    int64_t imm = (uses & USES_IMM) ? ops->imm : 0;

    switch (row->sel) {
    case FC_SEL_OFF:
        off = row->selval;
        break;
    case FC_SEL_IMM:
        imm = row->selval;
        break;
    case FC_SEL_SRC:
        src = (unsigned)row->selval;
        break;
    default:
        break;
    }

    out[0].opcode = row->opcode;
    out[0].regs = (uint8_t)((dst & 0x0fu) | (src & 0x0fu) << 4);
    out[0].offset = (int16_t)off;
    out[0].imm = (int32_t)(uint32_t)(uint64_t)imm;
    if (row->format != FC_FMT_LDDW)
        return 1;
    out[1].opcode = 0;
    out[1].regs = 0;
    out[1].offset = 0;
    out[1].imm = (int32_t)(uint32_t)((uint64_t)imm >> 32);
    return 2;
}

void fc_insn_operands(fc_op_t op, const fc_insn_t *slots, fc_operands_t *ops)
{
    fc_insn_t insn = slots[0];
    ops->dst = FC_INSN_DST(insn);
    ops->src = FC_INSN_SRC(insn);
    ops->off = insn.offset;
    ops->imm = insn.imm;
    if (fc_isa[op].format == FC_FMT_LDDW)
        ops->imm = (int64_t)((uint64_t)(uint32_t)insn.imm | (uint64_t)(uint32_t)slots[1].imm << 32);
}

const char *fc_lddw_source_name(unsigned src)
{
    switch (src) {
    case FC_LDDW_RODATA:
        return "rodata";
    case FC_LDDW_DATA:
        return "data";
    default:
        return NULL;
    }
}

int fc_format_has_target(unsigned fmt)
{
    return fmt == FC_FMT_JA || fmt == FC_FMT_JA32 || fmt == FC_FMT_JCC_K || fmt == FC_FMT_JCC_X ||
           fmt == FC_FMT_CALL_LOCAL;
}

int fc_insn_target(fc_op_t op, fc_insn_t insn, size_t pc, int64_t *target)
{
    if (op >= FC_OP_COUNT || !fc_format_has_target(fc_isa[op].format))
        return 0;
    unsigned fmt = fc_isa[op].format;
    int64_t delta = (fmt == FC_FMT_JA32 || fmt == FC_FMT_CALL_LOCAL) ? insn.imm : insn.offset;
    *target = (int64_t)pc + 1 + delta;
    return 1;
}
