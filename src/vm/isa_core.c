/* The ISA table without names (two bytes a row, and the selector values apart), and decoding of one
 * instruction slot against it. Generated from FC_ISA_TABLE like fc_isa[]. */
#include "femto/vm.h"

typedef char fc_formats_fit_[FC_FMT_COUNT <= 32 ? 1 : -1];

const fc_isa_core_t fc_isa_core[FC_OP_COUNT] = {
#define FC_ISA_CORE_ROW_(id, opc, sel, selval, mn, fmt)                                           \
    {(opc), (unsigned char)(FC_SEL_##sel << 5 | FC_FMT_##fmt)},
    FC_ISA_TABLE(FC_ISA_CORE_ROW_)
#undef FC_ISA_CORE_ROW_
};

/* Selector values of the rows with a selector, in row order. */
#define FC_ISA_SELVAL_NONE_(v)
#define FC_ISA_SELVAL_OFF_(v) (unsigned char)(v),
#define FC_ISA_SELVAL_IMM_(v) (unsigned char)(v),
#define FC_ISA_SELVAL_SRC_(v) (unsigned char)(v),
const unsigned char fc_isa_selval[FC_ISA_SELECTOR_ROWS] = {
#define FC_ISA_SELVAL_ROW_(id, opc, sel, selval, mn, fmt) FC_ISA_SELVAL_##sel##_(selval)
    FC_ISA_TABLE(FC_ISA_SELVAL_ROW_)
#undef FC_ISA_SELVAL_ROW_
};

/*@ assigns \nothing; */
static int selector_matches(unsigned sel, unsigned selval, fc_insn_t insn)
{
    switch (sel) {
    case FC_SEL_OFF:
        return insn.offset == (int)selval;
    case FC_SEL_IMM:
        return insn.imm == (int32_t)selval;
    default: /* FC_SEL_SRC */
        return FC_INSN_SRC(insn) == selval;
    }
}

/* Rows are sorted by opcode: scan the rows up to this opcode and prefer a
 * row whose selector matches; a row without selector (FC_SEL_NONE) is the
 * fallback, whose unused fields the verifier checks. A linear scan, not a
 * binary search: a few dozen bytes less of flash, and decoding happens
 * once per slot at load time only. */
/*@ // proven with Frama-C WP (proofs/run.sh, docs/assurance.md)
    assigns \nothing;
    ensures \result == FC_OP_INVALID ||
        (0 <= \result < FC_OP_COUNT && fc_isa_core[\result].opcode == insn.opcode);
*/
fc_op_t fc_isa_decode(fc_insn_t insn)
{
    fc_op_t fallback = FC_OP_INVALID;
    unsigned k = 0; /* selector rows before row i: index into fc_isa_selval */
    /*@ loop invariant 0 <= i <= FC_OP_COUNT;
        loop invariant fallback == FC_OP_INVALID ||
            (0 <= fallback < FC_OP_COUNT && fc_isa_core[fallback].opcode == insn.opcode);
        loop assigns i, k, fallback;
        loop variant FC_OP_COUNT - i; */
    for (unsigned i = 0; i < FC_OP_COUNT && fc_isa_core[i].opcode <= insn.opcode; i++) {
        unsigned sel = FC_ISA_SEL(i);
        if (fc_isa_core[i].opcode == insn.opcode) {
            if (sel == FC_SEL_NONE)
                fallback = (fc_op_t)i;
            else if (k < FC_ISA_SELECTOR_ROWS && selector_matches(sel, fc_isa_selval[k], insn))
                return (fc_op_t)i;
        }
        k += sel != FC_SEL_NONE;
    }
    return fallback;
}
