/* The tables the VM decodes with, derived from FC_ISA_TABLE at compile
 * time (vm_isa.h): the format of every opcode byte, packed, and the
 * selector rows as sorted keys. */
#include "femto/vm.h"

/* Every format an opcode's first row has fits the table's 4 bits: only
 * CALL_LOCAL (CALL's selector row) is 16. */
typedef char fc_formats_fit_nibble_[FC_FMT_CALL_LOCAL == 16 && FC_FMT_COUNT == 17 ? 1 : -1];
typedef char fc_opcode_table_packed_[sizeof(fc_isa_opcode_table_t) == 128 ? 1 : -1];
/* A byte of no row reads as format 0: it must be one whose rows all have a
 * selector, so that decoding refuses the byte (a selector field, not among
 * the fields that must be zero). */
#define FC_FMT0_(name, zero, sel, regs) +(FC_FMT_##name == 0 && (sel) != 0 && ((zero) & (sel)) == 0)
typedef char fc_format0_selects_[(0 FC_FMT_TABLE(FC_FMT0_)) == 1 ? 1 : -1];
#undef FC_FMT0_

/* From the row that opens each opcode (one per opcode: a second
 * initializer of a field does not compile), by the field's name; the
 * other bytes' fields are 0. */
const fc_isa_opcode_table_t fc_isa_opcodes = {.by_name = {
#define FC_ISA_OPCODE_ROW_(id, opc, sel, selval, mn, fmt)                                          \
    FC_ISA_IF_FIRST_##sel(id)(.format_##opc = FC_FMT_##fmt, )
                                                  FC_ISA_TABLE(FC_ISA_OPCODE_ROW_)
#undef FC_ISA_OPCODE_ROW_
                                              }};

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
