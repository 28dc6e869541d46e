/* Instruction slots as the tools see them: 64-bit words, operands per
 * format, and the encoder shared by the assembler and the disassembler.
 *
 * Everything here is driven by the opcode table in femto/vm_isa.h: the
 * format of a row says which operands an instruction has, its selector says
 * which field holds a fixed value. There is no second list of opcodes. */
#ifndef FEMTO_TOOLS_INSN_H
#define FEMTO_TOOLS_INSN_H

#include <stddef.h>
#include <stdint.h>

#include "femto/vm.h"

/* A slot as the little-endian 64-bit word of the conformance files:
 * opcode in bits 0-7, dst 8-11, src 12-15, offset 16-31, imm 32-63. */
uint64_t fc_insn_to_word(fc_insn_t insn);
fc_insn_t fc_insn_from_word(uint64_t word);

/* Bytes <-> slots, little-endian whatever the host. */
void fc_insn_to_bytes(const fc_insn_t *slots, size_t n, uint8_t *bytes);
void fc_insn_from_bytes(const uint8_t *bytes, size_t n_slots, fc_insn_t *slots);

/* The operands an instruction shows in assembly. imm is 64-bit so that it
 * can carry the constant of lddw; for other formats it is an int32. */
typedef struct fc_operands {
    unsigned dst;
    unsigned src;
    int32_t off;
    int64_t imm;
} fc_operands_t;

/* Number of slots of a row (2 for lddw, else 1). */
unsigned fc_insn_slots(fc_op_t op);

/* Build the slot(s) of row op from operands. Fields the format does not use
 * are zero; the selector field gets the row's value. out must hold 2 slots. */
unsigned fc_insn_encode(fc_op_t op, const fc_operands_t *ops, fc_insn_t out[2]);

/* The operands of an encoded instruction, as fc_insn_encode() takes them.
 * For lddw, slots[1] must exist. */
void fc_insn_operands(fc_op_t op, const fc_insn_t *slots, fc_operands_t *ops);

/* Name of a lddw pseudo source in assembly ("rodata", "data"), NULL for
 * the plain constant or an unknown source. */
const char *fc_lddw_source_name(unsigned src);

/* Does format fmt use a branch offset (ja, jcc) or a branch imm (ja32,
 * call local)? Used to print and resolve targets. */
int fc_format_has_target(unsigned fmt);

/* The slot a branch or local call at pc goes to (pc + 1 + off or imm).
 * Returns 0 if the instruction has no target. May be out of range. */
int fc_insn_target(fc_op_t op, fc_insn_t insn, size_t pc, int64_t *target);

#endif
