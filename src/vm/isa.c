/* The ISA table with names, for the tools (assembler, disassembler, error
 * messages). The VM itself uses fc_isa_core (isa_core.c); a firmware that
 * never names instructions links none of this. */
#include "femto/vm.h"

const fc_isa_row_t fc_isa[FC_OP_COUNT] = {
#define FC_ISA_ROW_(id, opc, sel, selval, mn, fmt)                                                 \
    {(opc), FC_SEL_##sel, FC_FMT_##fmt, (selval), (mn), #id},
    FC_ISA_TABLE(FC_ISA_ROW_)
#undef FC_ISA_ROW_
};
