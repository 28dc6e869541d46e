/* A disassembler into the syntax of asm.h, driven by the opcode table.
 *
 * Round trip: assembling the text it prints gives back the same slots.
 * A slot that is not a valid instruction (unknown opcode, a field its
 * format does not use set, a register above r10, an lddw without a proper
 * second slot) is printed as `.quad 0x...` with a `# note` saying why. */
#ifndef FEMTO_TOOLS_DISASM_H
#define FEMTO_TOOLS_DISASM_H

#include <stddef.h>
#include <stdio.h>

#include "femto/vm.h"

/* Disassemble the instruction at slot pc of text[0..n) into buf (always
 * NUL-terminated, truncated if too small). Returns how many slots it covers:
 * 2 for a valid lddw, else 1 (0 if pc >= n). Branches show their relative
 * offset (`ja +3`). For `femto verify` and `--trace`. */
size_t fc_disasm_insn(const fc_insn_t *text, size_t n, size_t pc, char *buf, size_t size);

/* Print a listing: one instruction per line, its slot index (and the slot
 * a branch goes to) in a trailing comment:
 *     jne %r1, 5, +3                      # 2 -> 6
 * The listing assembles back to text. */
void fc_disasm_listing(FILE *out, const fc_insn_t *text, size_t n);

/* `femto disasm FILE.bin` for a raw bytecode file. Returns 0, or -1 with
 * a message in err. */
int fc_disasm_raw_file(const char *path, FILE *out, char *err, size_t err_size);

#endif
