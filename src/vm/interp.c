/* The per-opcode interpreter: fc_vm_run(), fc_vm_run_traced() and, with
 * FC_VM_XLATE, run_xlate, which runs the pre-decoded form.
 *
 * All are the same body (interp_body.h) compiled once each. In place, the
 * body dispatches on the opcode byte, with computed goto where the compiler
 * has it (GCC, clang) and a switch otherwise; FC_VM_SWITCH forces the
 * switch (that is the build Frama-C analyses). run_xlate jumps through the
 * handler address in each slot: the translator (xlate.c) writes handler
 * indices, and run_xlate's first run of a translation links them to its
 * label table (xlate_link below). */
#include "vm_run.h"
#include "xlate.h"

#if !FC_VM_SMALL

/* Unsigned division per RFC 9669 (by zero: quotient 0, remainder the
 * dividend), the divisor tested where it divides, so Eva sees the test. */
static inline uint64_t udiv64(uint64_t a, uint64_t b)
{
    return b ? a / b : 0;
}
static inline uint64_t umod64(uint64_t a, uint64_t b)
{
    return b ? a % b : a;
}
static inline uint32_t udiv32(uint32_t a, uint32_t b)
{
    return b ? a / b : 0;
}
static inline uint32_t umod32(uint32_t a, uint32_t b)
{
    return b ? a % b : a;
}

/* Facts the verifier established and the interpreter relies on without a
 * run-time test, stated as preconditions where they are used: Eva checks
 * the access under them and reports each precondition it cannot prove
 * from the text alone (docs/assurance.md, section 5, says where each one is
 * proven). They compile to the plain access. */

/* An r10-relative access of size bytes at r10 + off: check_stack_access
 * accepted it only inside the frame (WP-proven, ensures in_frame). */
/*@ requires -frame <= off && off + size <= 0; */
static inline void *frame_slot(uint64_t r10, int64_t off, uint64_t frame, uint32_t size)
{
    (void)frame;
    (void)size;
    return (void *)(uintptr_t)(r10 + (uint64_t)off);
}

/* The second slot of an lddw: check_lddw accepted the lddw only when that
 * slot exists (WP-proven, ensures pair). */
/*@ requires \valid_read(pc + 1); */
static inline int32_t lddw_high(const fc_insn_t *pc)
{
    return pc[1].imm;
}

/* The slot at pc, which the verifier keeps inside the text: every jump and
 * call target lies inside its function and not on an lddw second slot, and
 * the last slot of every function is an exit or a jump (check_function). */
/*@ requires \valid_read(pc); */
static inline uint64_t fetch_verified(const fc_insn_t *pc)
{
    return fetch(pc);
}

#if FC_VM_XLATE
/* Link a translation for run_xlate: each slot's handler index (enum fc_xop,
 * written by xlate.c) becomes the address of that handler in labels,
 * run_xlate's label table. All or nothing: a buffer with any slot that is
 * not an index (another program's failed translation over this one's
 * linked form) is left as it is and refused (0). */
static FC_NOINLINE int xlate_link(const fc_xinsn_t *text, uint32_t n, const void *const *labels)
{
    /* the caller's writable buffer (fc_program_translate took it
     * non-const): prog->xlate only shows it read-only */
    fc_xinsn_t *x = (fc_xinsn_t *)(uintptr_t)text;
    for (uint32_t i = 0; i < n; i++)
        if (!fc_xlate_is_index(&x[i]))
            return 0;
    for (uint32_t i = 0; i < n; i++)
        x[i].handler = labels[(uintptr_t)x[i].handler];
    return 1;
}

#define FC_INTERP_NAME run_xlate
#define FC_INTERP_TRACE 0
#define FC_INTERP_XLATE 1
#define FC_INTERP_LINKAGE static
#include "interp_body.h"
#undef FC_INTERP_LINKAGE
#undef FC_INTERP_NAME
#undef FC_INTERP_TRACE
#undef FC_INTERP_XLATE
#endif

/* fc_vm_run is the in-place interpreter itself (a translated program is
 * handed to run_xlate at its first line): no wrapper between the caller
 * and the run, which is what a hook firing pays on every container. */
#define FC_INTERP_NAME fc_vm_run
#define FC_INTERP_TRACE 0
#define FC_INTERP_XLATE 0
#define FC_INTERP_LINKAGE
#include "interp_body.h"
#undef FC_INTERP_LINKAGE
#undef FC_INTERP_NAME
#undef FC_INTERP_TRACE
#undef FC_INTERP_XLATE

#if FC_VM_TRACE
#define FC_INTERP_NAME fc_vm_run_traced
#define FC_INTERP_TRACE 1
#define FC_INTERP_XLATE 0
#define FC_INTERP_LINKAGE
#include "interp_body.h"
#undef FC_INTERP_LINKAGE
#undef FC_INTERP_NAME
#undef FC_INTERP_TRACE
#undef FC_INTERP_XLATE
#endif

#endif /* !FC_VM_SMALL */
