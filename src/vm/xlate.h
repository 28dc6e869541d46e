/* The pre-decoded form's handler tables and the translator's interface.
 *
 * The row macros below (FC_MEMOPS, FC_MEMPAIRS, FC_LOAD_SEXTS,
 * FC_FUSED_OPS) together with FC_ISA_TABLE name every handler of the
 * per-opcode interpreter. Two things are generated from them: the
 * interpreter's handlers and its label table (interp_body.h), and enum
 * fc_xop, the handler index the translator (xlate.c) writes into each
 * slot. The interpreter's first run of a translation swaps each index for
 * the address of its label (xlate_link, interp.c), so the run loop
 * dispatches with one indirect jump per slot. */
#ifndef FEMTO_VM_XLATE_H
#define FEMTO_VM_XLATE_H

#include "femto/vm.h"
#include "vm_internal.h"

/* Computed goto where the compiler has it (GCC, clang); FC_VM_SWITCH forces
 * the switch dispatch (the build Frama-C analyses). */
#if defined(__GNUC__) && !defined(FC_VM_SWITCH) && !defined(__FRAMAC__)
#define FC_COMPUTED_GOTO 1
#else
#define FC_COMPUTED_GOTO 0
#endif

/* The pre-decoded form needs computed goto, the per-opcode interpreter and
 * RAM per slot: on by default on 64-bit hosts, off on microcontrollers
 * (FC_VM_XLATE=1 enables it there). */
#ifndef FC_VM_XLATE
#if UINTPTR_MAX > 0xffffffffu
#define FC_VM_XLATE 1
#else
#define FC_VM_XLATE 0
#endif
#endif
#if !FC_COMPUTED_GOTO || FC_VM_SMALL
#undef FC_VM_XLATE
#define FC_VM_XLATE 0
#endif

/* The memory instructions, one row each: the handlers of every variant
 * are generated from these rows.
 * X(opcode, kind, size, access, conversion or value) */
#define FC_MEMOPS(X)                                                                               \
    X(LDXW, LOAD, 4, ld32, AS_IS)   /* ldxw */                                                     \
    X(LDXH, LOAD, 2, ld16, AS_IS)   /* ldxh */                                                     \
    X(LDXB, LOAD, 1, ld8, AS_IS)    /* ldxb */                                                     \
    X(LDXDW, LOAD, 8, ld64, AS_IS)  /* ldxdw */                                                    \
    X(LDXSW, LOAD, 4, ld32, SEXT32) /* ldxsw */                                                    \
    X(LDXSH, LOAD, 2, ld16, SEXT16) /* ldxsh */                                                    \
    X(LDXSB, LOAD, 1, ld8, SEXT8)   /* ldxsb */                                                    \
    X(STW, STORE, 4, st32, UIMM)    /* stw */                                                      \
    X(STH, STORE, 2, st16, UIMM)    /* sth */                                                      \
    X(STB, STORE, 1, st8, UIMM)     /* stb */                                                      \
    X(STDW, STORE, 8, st64, UIMM)   /* stdw */                                                     \
    X(STXW, STORE, 4, st32, SRC)    /* stxw */                                                     \
    X(STXH, STORE, 2, st16, SRC)    /* stxh */                                                     \
    X(STXB, STORE, 1, st8, SRC)     /* stxb */                                                     \
    X(STXDW, STORE, 8, st64, SRC)   /* stxdw */

/* Pre-decoded form only: two accesses of one size through one base at
 * adjacent offsets, one range check for both. X(opcode, kind, size, access) */
#define FC_MEMPAIRS(X)                                                                             \
    X(LDXW, LOAD, 4, ld32)                                                                         \
    X(LDXH, LOAD, 2, ld16)                                                                         \
    X(LDXB, LOAD, 1, ld8)                                                                          \
    X(LDXDW, LOAD, 8, ld64)                                                                        \
    X(STXW, STORE, 4, st32)                                                                        \
    X(STXH, STORE, 2, st16)                                                                        \
    X(STXB, STORE, 1, st8)                                                                         \
    X(STXDW, STORE, 8, st64)

/* Pre-decoded form only: a load followed by the shift pair that
 * sign-extends it (how clang before -mcpu=v4 writes ldxs), three slots in
 * one handler. X(opcode, size, access, bits) */
#define FC_LOAD_SEXTS(X)                                                                           \
    X(LDXW, 4, ld32, 32)                                                                           \
    X(LDXH, 2, ld16, 16)                                                                           \
    X(LDXB, 1, ld8, 8)

/* Pre-decoded form only: clang idioms that are two or three slots in eBPF
 * and one handler here; none of them jumps or can fault.
 * X(name, slots it stands for, effect) */
#define FC_FUSED_OPS(X)                                                                            \
    X(MOV64, 1, DST = SRC)                /* mov d, s (no movsx test) */                           \
    X(MOV32, 1, DST = SRC32)              /* mov32 d, s */                                         \
    X(ZEXT, 2, DST = DST32)               /* lsh d, 32; rsh d, 32 */                               \
    X(SEXT32, 2, DST = sext(DST, 32))     /* lsh d, 32; arsh d, 32 */                              \
    X(SEXT16, 2, DST = sext(DST, 16))     /* lsh d, 48; arsh d, 48 */                              \
    X(SEXT8, 2, DST = sext(DST, 8))       /* lsh d, 56; arsh d, 56 */                              \
    X(ZEXT_MOV, 3, DST = SRC32)           /* mov d, s; lsh d, 32; rsh d, 32 */                     \
    X(SEXT32_MOV, 3, DST = sext(SRC, 32)) /* mov d, s; lsh d, 32; arsh d, 32 */                    \
    X(SEXT16_MOV, 3, DST = sext(SRC, 16)) /* mov d, s; lsh d, 48; arsh d, 48 */                    \
    X(SEXT8_MOV, 3, DST = sext(SRC, 8))   /* mov d, s; lsh d, 56; arsh d, 56 */                    \
    X(ADD3, 2, DST = SRC + REG3)          /* mov d, a; add d, b */                                 \
    X(ADDK3, 2, DST = SRC + UIMM)         /* mov d, a; add d, k */

/* Every handler of the pre-decoded interpreter, by index: what the
 * translator writes into fc_xinsn_t.handler before linking. Indices 0-255
 * are opcode bytes, each standing for the handler of its opcode's first row
 * in FC_ISA_TABLE (the invalid-instruction handler for a byte of no row:
 * 0, an lddw's second slot, among them); the variants follow. The
 * interpreter's label table (interp_body.h) is generated from the same
 * rows. */
enum fc_xop {
    FC_XOP_INVALID = FC_OPC_LDDW_HIGH, /* a byte of no row */
    FC_XOP_LAST_OPCODE = 255,
#define FC_XOP_MEM_(id, kind, size, acc, arg) FC_XOP_##id##_R10, FC_XOP_##id##_STK,
    FC_MEMOPS(FC_XOP_MEM_)
#undef FC_XOP_MEM_
#define FC_XOP_PAIR_(id, kind, size, acc) FC_XOP_PAIR_##id,
        FC_MEMPAIRS(FC_XOP_PAIR_)
#undef FC_XOP_PAIR_
#define FC_XOP_LDXS_(id, size, acc, bits) FC_XOP_LDXS_##id,
            FC_LOAD_SEXTS(FC_XOP_LDXS_)
#undef FC_XOP_LDXS_
#define FC_XOP_FUSED_(name, slots, effect) FC_XOP_FUSED_##name,
                FC_FUSED_OPS(FC_XOP_FUSED_)
#undef FC_XOP_FUSED_
                    FC_XOP_COUNT
};

#if FC_VM_XLATE
/* Does slot x hold a handler index, i.e. is its buffer not linked yet?
 * fc_program_translate writes indices into every slot, slot 0 first; the
 * interpreter links the whole buffer at once on its first run, so slot 0
 * tells whether the buffer is linked (interp_body.h). */
static inline int fc_xlate_is_index(const fc_xinsn_t *x)
{
    return (uintptr_t)x->handler < (uintptr_t)FC_XOP_COUNT;
}
#endif

#endif
