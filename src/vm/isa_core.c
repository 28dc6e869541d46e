/* The tables the VM decodes with, derived from FC_ISA_TABLE at compile
 * time (vm_isa.h): the format of every opcode byte, and the selector rows
 * as sorted keys. */
#include "femto/vm.h"

typedef char fc_formats_fit_byte_[FC_FMT_COUNT < 255 ? 1 : -1];

/* [opcode] = format + 1, from the row that opens each opcode (one per
 * opcode: a second initializer of a byte does not compile); the other
 * bytes are 0. */
const unsigned char fc_isa_opcode_format[256] = {
#define FC_ISA_OPCODE_ROW_(id, opc, sel, selval, mn, fmt)                                          \
    FC_ISA_IF_FIRST_##sel(id)([opc] = FC_FMT_##fmt + 1, )
    FC_ISA_TABLE(FC_ISA_OPCODE_ROW_)
#undef FC_ISA_OPCODE_ROW_
};

/* opcode << 8 | selector value of each row that has a selector. */
#define FC_ISA_KEY_NONE_(opc, v)
#define FC_ISA_KEY_OFF_(opc, v) (unsigned short)((opc) << 8 | (v)),
#define FC_ISA_KEY_IMM_(opc, v) (unsigned short)((opc) << 8 | (v)),
#define FC_ISA_KEY_SRC_(opc, v) (unsigned short)((opc) << 8 | (v)),
const unsigned short fc_isa_selector_keys[FC_ISA_SELECTOR_ROWS] = {
#define FC_ISA_KEY_ROW_(id, opc, sel, selval, mn, fmt) FC_ISA_KEY_##sel##_(opc, selval)
    FC_ISA_TABLE(FC_ISA_KEY_ROW_)
#undef FC_ISA_KEY_ROW_
};
