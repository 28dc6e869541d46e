/* An assembler for the bpf_conformance syntax, driven by the opcode table.
 *
 * Syntax (one instruction per line, `#` starts a comment):
 *   mov %r0, 1            mov32 %r0, %r1        add32 %r0, -3
 *   ldxw %r0, [%r1+4]     stb [%r10-8], 0x11    stxdw [%r10-8], %r1
 *   lddw %r0, 0x1122334455667788
 *   lock fetch add [%r1], %r2                   lock cmpxchg32 [%r10-8], %r1
 *   be16 %r0   le32 %r0   bswap64 %r0 (swap64 too)   neg %r0   movsx832 %r0, %r1
 *   jne %r1, 5, label     jeq32 %r0, %r1, +3    ja label   ja32 label
 *   call 5 (helper)       call local f          call %r2 / callx %r2
 *   exit
 *   name:                 a label; `exit` also names the first exit
 *   .quad 0x...           one raw 64-bit slot (what the disassembler prints
 *                         for a slot that is not a valid instruction)
 * Numbers: decimal, 0x hex, with an optional sign. Like the suite's own
 * assembler, a hex immediate is read as an unsigned 32-bit pattern
 * (0xffffffff is -1) while a decimal one must fit int32.
 *
 * Femto extension: `lddw %r1, rodata+8` and `lddw %r1, data+0` emit lddw
 * with pseudo source 1 (rodata) and 2 (data); the VM adds the section base
 * at run time (see FC_LDDW_RODATA / FC_LDDW_DATA in vm_isa.h). */
#ifndef FEMTO_TOOLS_ASM_H
#define FEMTO_TOOLS_ASM_H

#include <stddef.h>

#include "femto/vm.h"

typedef struct fc_asm_error {
    unsigned line;     /* 1-based line of the source text, 0: none */
    char message[200]; /* what is wrong, naming the offending token */
} fc_asm_error_t;

/* Assemble NUL-terminated source. On success returns 0 and *slots is a
 * malloc'd array of *n_slots instructions (free() it; NULL when empty).
 * On failure returns -1 and err says which line and why. */
int fc_asm_assemble(const char *source, fc_insn_t **slots, size_t *n_slots, fc_asm_error_t *err);

#endif
