/* The ISA table as data, and decoding of one instruction slot against it. */
#include "femto/vm.h"

const fc_isa_row_t fc_isa[FC_OP_COUNT] = {
#define FC_ISA_ROW_(id, opc, sel, selval, mn, fmt)                                                \
    {(opc), FC_SEL_##sel, FC_FMT_##fmt, (selval), (mn), #id},
    FC_ISA_TABLE(FC_ISA_ROW_)
#undef FC_ISA_ROW_
};

static int selector_matches(const fc_isa_row_t *row, fc_insn_t insn)
{
    switch (row->sel) {
    case FC_SEL_OFF:
        return insn.offset == row->selval;
    case FC_SEL_IMM:
        return insn.imm == row->selval;
    case FC_SEL_SRC:
        return (int)FC_INSN_SRC(insn) == row->selval;
    default:
        return 0;
    }
}

/* Rows are sorted by opcode: find the first row with this opcode by binary
 * search, then prefer a row whose selector matches; a row without selector
 * (FC_SEL_NONE) is the fallback, whose unused fields the verifier checks. */
fc_op_t fc_isa_decode(fc_insn_t insn)
{
    unsigned lo = 0, hi = FC_OP_COUNT;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (fc_isa[mid].opcode < insn.opcode)
            lo = mid + 1;
        else
            hi = mid;
    }
    fc_op_t fallback = FC_OP_INVALID;
    for (unsigned i = lo; i < FC_OP_COUNT && fc_isa[i].opcode == insn.opcode; i++) {
        if (fc_isa[i].sel == FC_SEL_NONE)
            fallback = (fc_op_t)i;
        else if (selector_matches(&fc_isa[i], insn))
            return (fc_op_t)i;
    }
    return fallback;
}
