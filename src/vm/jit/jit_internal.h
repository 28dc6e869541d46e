/* What the JIT's backends (jit_thumb2.c, jit_rv32.c) share with its
 * target-independent part (jit_runtime.c): the contract of generated code,
 * the C functions it calls, the translation bookkeeping that does not
 * depend on the target, and the interface each backend implements.
 * docs/jit.md explains the design. */
#ifndef FEMTO_JIT_INTERNAL_H
#define FEMTO_JIT_INTERNAL_H

#include "../vm_run.h"

#include <stddef.h>

/* The backend of this build: one of them is compiled with jit_runtime.c.
 * Without one (hosts, Cortex-M0+), fc_jit_translate refuses and fc_jit_run
 * runs the interpreter. */
#if defined(__thumb2__)
#define FC_JIT_TARGET_THUMB2 1
#define FC_JIT_HAVE_TARGET 1
#elif defined(__riscv) && __riscv_xlen == 32
#define FC_JIT_TARGET_RV32 1
#define FC_JIT_HAVE_TARGET 1
#endif

/* ---- the contract of generated code ------------------------------------ */

/* Generated code is entered as fn(vm, VMP(vm)->reg, Q) with Q the budget
 * (L - entry, the interpreter's limit relative to the entry) and returns
 * kind | index << 8 in the low word and Q left in the high word. */
typedef uint64_t (*fc_jit_entry_fn)(fc_vm_t *vm, uint64_t *reg, int32_t q);
enum { FC_JIT_K_EXIT = 0, FC_JIT_K_BUDGET = 1, FC_JIT_K_FAULT = 2, FC_JIT_K_DEPTH = 3 };

/* Words of the register file past r10 (never named by a verified program)
 * that generated code with local calls keeps its state in: the call depth,
 * the deepest depth reached (fc_jit_run zeroes both before a run of a
 * program with local calls and reads the deepest depth after), and the
 * host sp at entry. */
enum { FC_JIT_FILE_DEPTH = 11 * 8, FC_JIT_FILE_MAXDEPTH = 12 * 8, FC_JIT_FILE_SP = 13 * 8 };

/* Offsets in fc_vm_t that generated code reaches from the register file's
 * address: the caches, the section bases, the VM itself (file - REG_OFF) */
#define FC_JIT_VM_PRIV_OFF offsetof(fc_vm_t, private_)
#define FC_JIT_CACHE_OFF(c)                                                                        \
    (FC_JIT_VM_PRIV_OFF + offsetof(struct fc_vm_private, cache) + (c) * sizeof(region_cache_t))
#define FC_JIT_CACHE_START_OFF(c) (FC_JIT_CACHE_OFF(c) + offsetof(region_cache_t, start))
#define FC_JIT_CACHE_END_OFF(c, k)                                                                 \
    (FC_JIT_CACHE_OFF(c) + offsetof(region_cache_t, end) + (k) * sizeof(uintptr_t))
#define FC_JIT_SECTION_OFF(s) (offsetof(fc_vm_t, section_base) + (s) * sizeof(uint64_t))
#define FC_JIT_REG_OFF (FC_JIT_VM_PRIV_OFF + offsetof(struct fc_vm_private, reg))

/* ---- run-time support called by generated code (jit_runtime.c) --------- */

/* The slow path of a memory check (the region walk, the cache moved):
 * the address in the low word and 1 in the high word, or 0 with vm->fault
 * recorded. opcode: the load's or store's. */
uint64_t fc_jit_mem(fc_vm_t *vm, uint32_t opcode, uint64_t a);
/* A helper call with id, q the budget left at the call (L - pc):
 * FC_JIT_K_FAULT, FC_JIT_K_BUDGET or 0, r0 in the file. */
uint32_t fc_jit_helper(fc_vm_t *vm, int32_t q, uint64_t id);
/* An atomic on the file: word = r10 base << 31 | src << 24 | imm << 8 |
 * size (the opcode's imm: op and fetch bits); FC_JIT_K_FAULT or 0. */
uint32_t fc_jit_atomic(fc_vm_t *vm, uint32_t word, uint64_t a);

/* ALU operations generated code calls out of line: a op b, RFC 9669 */
typedef uint64_t (*fc_jit_alu_fn)(uint64_t a, uint64_t b);
uint64_t fc_jit_lsh64(uint64_t a, uint64_t b);
uint64_t fc_jit_rsh64(uint64_t a, uint64_t b);
uint64_t fc_jit_arsh64(uint64_t a, uint64_t b);
uint64_t fc_jit_arsh32(uint64_t a, uint64_t b);
uint64_t fc_jit_div64(uint64_t a, uint64_t b);
uint64_t fc_jit_mod64(uint64_t a, uint64_t b);
uint64_t fc_jit_sdiv64(uint64_t a, uint64_t b);
uint64_t fc_jit_smod64(uint64_t a, uint64_t b);
uint64_t fc_jit_div32(uint64_t a, uint64_t b);
uint64_t fc_jit_mod32(uint64_t a, uint64_t b);
uint64_t fc_jit_sdiv32(uint64_t a, uint64_t b);
uint64_t fc_jit_smod32(uint64_t a, uint64_t b);
uint64_t fc_jit_neg64(uint64_t a, uint64_t b);
uint64_t fc_jit_neg32(uint64_t a, uint64_t b);
uint64_t fc_jit_sext64(uint64_t a, uint64_t b); /* b: the width */
uint64_t fc_jit_sext32(uint64_t a, uint64_t b);
uint64_t fc_jit_le(uint64_t a, uint64_t b); /* b: 16, 32 or 64 */
uint64_t fc_jit_be(uint64_t a, uint64_t b);

/* ---- translation bookkeeping shared by the backends -------------------- */

/* What fc_jit_translate hands a backend. tab: one word per slot (at the
 * end of the caller's buffer): bit 31 = a jump target (fc_jit_analyse),
 * the low bits free for the backend (a position). */
typedef struct fc_jit_tr {
    const fc_program_t *prog;
    uint32_t *tab;
    /* eBPF register -> its rank among the hot registers (1 = named most,
     * a name inside a loop counting 16 times), 0: kept in the file */
    uint8_t rank[16];
    /* Weights by loop depth, for r0..r10, for a backend with registers to
     * spare (RV32, which may also keep the frame pointer r10 in one): a
     * name counts 16^d, d the number of loops around it (at most 3), so
     * an inner loop's registers come first. */
    uint32_t weight[11];
    /* Does code a local call can reach (from the lowest call target to the
     * end: every callee lies there) name r6..r9, or r10? If not, a call
     * need not save r6..r9, or move the frame pointer. */
    uint8_t callee_r6_r9, callee_r10;
    fc_error_t *why; /* the refusal: code, instruction index, reason */
    /* Per slot (fc_jit_analyse): FC_JIT_HI_OUT, the registers whose high
     * half some later instruction may read (a backward dataflow over the
     * control flow: a result's high half nobody reads is not computed),
     * and FC_JIT_HZ_IN, the registers whose high half is known to be 0
     * before the slot (forward, inside straight-line code: jump targets
     * forget). A lddw's second slot repeats the first's. */
    uint32_t *info;
} fc_jit_tr_t;

#define FC_JIT_HI_OUT(v) ((v)&0xffffu)
#define FC_JIT_HZ_IN(v) ((v) >> 16)

/* A 64-bit conditional jump whose operands both have a zero high half:
 * unsigned 32-bit compare of the low halves gives its answer (the signed
 * orders too: both values are non-negative). */
static inline int fc_jit_cmp_low(const fc_insn_t *in, uint32_t hz)
{
    unsigned d = FC_INSN_DST(*in), s = FC_INSN_SRC(*in);
    return ((hz >> d) & 1u) && ((in->opcode & 8u) ? ((hz >> s) & 1u) : in->imm >= 0);
}
/* A 64-bit div or mod (signed or not) on operands with a zero high half:
 * the unsigned 32-bit operation on the low halves, high half 0 */
#define fc_jit_div_low fc_jit_cmp_low

#define FC_JIT_TAB_TARGET 0x80000000u
#define FC_JIT_TAB_POS(v) ((v)&0x7fffffffu)

/* Mark the jump targets, rank the n_hot registers named most (n_hot <= 10),
 * fill the callee flags and info; the positions in tab are left 0. */
void fc_jit_analyse(fc_jit_tr_t *t, unsigned n_hot);

/* Record a refusal; returns -1 for the backend to pass on */
int fc_jit_refuse(fc_jit_tr_t *t, fc_status_t code, uint32_t where, const char *reason);

/* ---- what each backend implements -------------------------------------- */

/* Translate t->prog into buf (cap bytes, 4-byte aligned, tab lies past it),
 * make it executable (caches), and set *size; 0, or -1 with t->why set. */
int fc_jit_arch_translate(fc_jit_tr_t *t, void *buf, size_t cap, uint32_t *size);
/* The address to call for the code at code (Thumb: bit 0 set) */
#if defined(FC_JIT_TARGET_THUMB2)
static inline fc_jit_entry_fn fc_jit_arch_entry(const void *code)
{
    return (fc_jit_entry_fn)((uintptr_t)code | 1u); /* Thumb state */
}
#elif defined(FC_JIT_TARGET_RV32)
static inline fc_jit_entry_fn fc_jit_arch_entry(const void *code)
{
    return (fc_jit_entry_fn)(uintptr_t)code; /* inline: every run calls it */
}
#else
fc_jit_entry_fn fc_jit_arch_entry(const void *code);
#endif

#endif
