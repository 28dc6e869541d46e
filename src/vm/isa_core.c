/* The ISA table without names (one byte a row, the opcodes as a bitmap, the
 * selector values apart), and decoding of one instruction slot against it. Generated from
 * FC_ISA_TABLE like fc_isa[]. */
#include "femto/vm.h"

typedef char fc_formats_fit_[FC_FMT_COUNT <= 32 ? 1 : -1];

const fc_isa_core_t fc_isa_core[FC_OP_COUNT] = {
#define FC_ISA_CORE_ROW_(id, opc, sel, selval, mn, fmt)                                            \
    {(unsigned char)(FC_ISA_FIRST_ROW_(id, sel) << 7 | FC_SEL_##sel << 5 | FC_FMT_##fmt)},
    FC_ISA_TABLE(FC_ISA_CORE_ROW_)
#undef FC_ISA_CORE_ROW_
};

/* The opcodes that have rows, one bit each (| of the rows: an opcode with
 * several rows sets its bit several times). */
#define FC_ISA_OPCODE_BIT_(id, opc, sel, selval, mn, fmt)                                          \
    | (((opc) >> 5) == FC_ISA_WORD_ ? 1u << ((opc)&31) : 0u)
const unsigned int fc_isa_opcodes[256 / 32] = {
#define FC_ISA_WORD_ 0
    0u FC_ISA_TABLE(FC_ISA_OPCODE_BIT_),
#undef FC_ISA_WORD_
#define FC_ISA_WORD_ 1
    0u FC_ISA_TABLE(FC_ISA_OPCODE_BIT_),
#undef FC_ISA_WORD_
#define FC_ISA_WORD_ 2
    0u FC_ISA_TABLE(FC_ISA_OPCODE_BIT_),
#undef FC_ISA_WORD_
#define FC_ISA_WORD_ 3
    0u FC_ISA_TABLE(FC_ISA_OPCODE_BIT_),
#undef FC_ISA_WORD_
#define FC_ISA_WORD_ 4
    0u FC_ISA_TABLE(FC_ISA_OPCODE_BIT_),
#undef FC_ISA_WORD_
#define FC_ISA_WORD_ 5
    0u FC_ISA_TABLE(FC_ISA_OPCODE_BIT_),
#undef FC_ISA_WORD_
#define FC_ISA_WORD_ 6
    0u FC_ISA_TABLE(FC_ISA_OPCODE_BIT_),
#undef FC_ISA_WORD_
#define FC_ISA_WORD_ 7
    0u FC_ISA_TABLE(FC_ISA_OPCODE_BIT_),
#undef FC_ISA_WORD_
};
#undef FC_ISA_OPCODE_BIT_

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

/* Rows are sorted by opcode, and the opcodes that have rows are the bits
 * of fc_isa_opcodes: scanning the rows, each row that begins an opcode
 * moves to the next opcode of the bitmap. Among the rows of the wanted
 * opcode, prefer one whose selector matches; a row without selector
 * (FC_SEL_NONE) is the fallback, whose unused fields the verifier checks.
 * A linear scan: a few dozen bytes of flash less than a search, and
 * decoding happens once per slot at load time only. */
/*@ // proven with Frama-C WP (proofs/run.sh, docs/assurance.md)
    assigns \nothing;
    ensures \result == FC_OP_INVALID || 0 <= \result < FC_OP_COUNT;
*/
fc_op_t fc_isa_decode(fc_insn_t insn)
{
    fc_op_t fallback = FC_OP_INVALID;
    unsigned opcode = 0, k = 0; /* the opcode of row i; selector rows before row i */
    /*@ loop invariant 0 <= i <= FC_OP_COUNT;
        loop invariant fallback == FC_OP_INVALID || 0 <= fallback < FC_OP_COUNT;
        loop assigns i, k, opcode, fallback;
        loop variant FC_OP_COUNT - i; */
    for (unsigned i = 0; i < FC_OP_COUNT; i++) {
        unsigned sel = FC_ISA_SEL(i);
        if (FC_ISA_OPENS_OPCODE(i)) {
            opcode += i > 0;
            /*@ loop assigns opcode;
                loop variant 256 - opcode; */
            while (opcode < 256 && !(fc_isa_opcodes[opcode / 32] >> (opcode % 32) & 1u))
                opcode++;
        }
        if (opcode > insn.opcode)
            break;
        if (opcode == insn.opcode) {
            if (sel == FC_SEL_NONE)
                fallback = (fc_op_t)i;
            else if (k < FC_ISA_SELECTOR_ROWS && selector_matches(sel, fc_isa_selval[k], insn))
                return (fc_op_t)i;
        }
        k += sel != FC_SEL_NONE;
    }
    return fallback;
}
