/* Decoding of one slot against the named ISA table (isa.c), for the tools
 * (assembler, disassembler, image tool). Apart from the table so that the
 * WP proof of its contract holds for any table content. */
#include "femto/vm.h"

/*@ assigns \nothing; */
static int selector_matches(unsigned sel, int selval, fc_insn_t insn)
{
    switch (sel) {
    case FC_SEL_OFF:
        return insn.offset == selval;
    case FC_SEL_IMM:
        return insn.imm == selval;
    default: /* FC_SEL_SRC */
        return (int)FC_INSN_SRC(insn) == selval;
    }
}

/* Among the rows of the slot's opcode, the one whose selector matches, else
 * the one without selector (FC_SEL_NONE), whose unused fields the verifier
 * checks; FC_OP_INVALID when neither exists. A scan of the rows: the tools
 * decode a program once. */
/*@ // proven with Frama-C WP (proofs/run.sh, docs/assurance.md)
    assigns \nothing;
    ensures \result == FC_OP_INVALID || 0 <= \result < FC_OP_COUNT;
    ensures same_opcode: \result != FC_OP_INVALID ==> fc_isa[\result].opcode == insn.opcode;
*/
fc_op_t fc_isa_decode(fc_insn_t insn)
{
    fc_op_t fallback = FC_OP_INVALID;
    /*@ loop invariant 0 <= i <= FC_OP_COUNT;
        loop invariant fallback == FC_OP_INVALID || 0 <= fallback < FC_OP_COUNT;
        loop invariant fallback != FC_OP_INVALID ==> fc_isa[fallback].opcode == insn.opcode;
        loop assigns i, fallback;
        loop variant FC_OP_COUNT - i; */
    for (unsigned i = 0; i < FC_OP_COUNT; i++) {
        if (fc_isa[i].opcode != insn.opcode)
            continue;
        if (fc_isa[i].sel == FC_SEL_NONE)
            fallback = (fc_op_t)i;
        else if (selector_matches(fc_isa[i].sel, fc_isa[i].selval, insn))
            return (fc_op_t)i;
    }
    return fallback;
}
