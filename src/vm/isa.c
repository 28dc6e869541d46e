/* The ISA table with names, for the tools (assembler, disassembler, error
 * messages; fc_isa_decode in isa_decode.c). The VM decodes with the derived
 * tables of isa_core.c instead; a firmware that never names instructions
 * links none of this. */
#include "femto/vm.h"

const fc_isa_row_t fc_isa[FC_OP_COUNT] = {
#define FC_ISA_ROW_(id, opc, sel, selval, mn, fmt)                                                 \
    {(opc), FC_SEL_##sel, FC_FMT_##fmt, (selval), (mn), #id},
    FC_ISA_TABLE(FC_ISA_ROW_)
#undef FC_ISA_ROW_
};
