/* refvm: a deliberately simple reference evaluator for RFC 9669 eBPF,
 * for tests only (never linked into the product).
 *
 * It exists to be compared against src/vm (fuzz/fuzz_diff.c): it shares
 * no code with it. It decodes the raw instruction bytes itself, runs one
 * plain switch on the full opcode byte, checks EVERY memory access against
 * a simple list of regions (r10-relative ones too: the product skips those
 * because its verifier proved them in the frame, here they are checked, so
 * a verifier that proves too much shows up as a disagreement), and counts
 * instructions one by one. Speed is irrelevant; obviousness is the point.
 *
 * It does not verify: it runs what it is given and reports an invalid
 * instruction as a fault. Its fault and budget semantics are the ones
 * documented in include/femto/vm.h and docs/vm.md:
 *   - a memory fault reports the faulting instruction's index, the guest
 *     address and the access size; FC_FAULT_MEM when no region holds the
 *     whole access, FC_FAULT_MEM_PERM when one does but without the
 *     permission;
 *   - the budget is checked after every control transfer (taken jump,
 *     local call, return): when the instruction the transfer leads to
 *     would be number budget + 1, the run stops there with FC_FAULT_BUDGET;
 *     it is checked before and after every helper call, and at the final
 *     exit (straight-line code may overrun by its own length); a budget
 *     fault reports executed = budget;
 *   - executed counts instructions (an lddw counts once), including the
 *     faulting one for every other fault.
 * Status numbers are those of include/femto/status.h (public constants). */
#ifndef REFVM_H
#define REFVM_H

#include <stddef.h>
#include <stdint.h>

#define REFVM_MAX_REGIONS 16
#define REFVM_MAX_HELPERS 64
#define REFVM_MAX_DEPTH 16

enum { REFVM_READ = 1, REFVM_WRITE = 2 };

typedef struct refvm_region {
    uint64_t start; /* guest address == host address */
    uint64_t len;
    unsigned perm; /* REFVM_READ | REFVM_WRITE */
} refvm_region_t;

struct refvm;
typedef uint64_t (*refvm_helper_fn)(struct refvm *vm, uint64_t r1, uint64_t r2, uint64_t r3,
                                    uint64_t r4, uint64_t r5);

typedef struct refvm {
    /* ---- set by the caller ---- */
    const uint8_t *code; /* raw program: 8 bytes per slot, little-endian */
    uint32_t n_slots;
    refvm_region_t regions[REFVM_MAX_REGIONS]; /* region 0: the stack */
    unsigned n_regions;
    uint64_t stack_top;                         /* r10 at entry (end of the stack region) */
    uint32_t frame_size;                        /* r10 moves down by this per local call */
    uint32_t max_depth;                         /* nested local calls allowed */
    uint64_t section[3];                        /* added to an lddw constant, by its src field */
    refvm_helper_fn helpers[REFVM_MAX_HELPERS]; /* NULL: unknown or not allowed */
    uint64_t budget;                            /* 0: 1000000 */
    void *user;                                 /* for helpers */
    /* ---- results of refvm_run ---- */
    int status;     /* 0, or the fault's status number */
    uint64_t where; /* instruction index of the fault */
    uint64_t addr;  /* memory fault: address; helper fault: helper id */
    unsigned size;  /* memory fault: access size */
    uint64_t executed;
    uint64_t r0;
    uint32_t max_depth_reached;
    int helper_fault; /* set by refvm_fault() from a helper */
} refvm_t;

/* Run from slot entry with r1, r2. Returns vm->status. */
int refvm_run(refvm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2);

/* For helpers: host pointer for [addr, addr+len) if one region with perm
 * holds all of it, else NULL. */
void *refvm_check_ptr(refvm_t *vm, uint64_t addr, uint64_t len, unsigned perm);

/* For helpers: stop the program after the helper returns (first fault wins). */
void refvm_fault(refvm_t *vm, int status);

#endif
