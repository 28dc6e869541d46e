/* Internal helpers shared by the VM's source files. */
#ifndef FEMTO_VM_INTERNAL_H
#define FEMTO_VM_INTERNAL_H

#include "femto/vm.h"

/* Which interpreter this build has. FC_VM_SMALL=1: interp_small.c, a
 * compact class-by-class decoder sized for microcontrollers (the default
 * where pointers are 32 bits); FC_VM_SMALL=0: interp.c, one handler per
 * opcode with computed goto, and the pre-decoded form on 64-bit hosts. */
#ifndef FC_VM_SMALL
#if UINTPTR_MAX > 0xffffffffu
#define FC_VM_SMALL 0
#else
#define FC_VM_SMALL 1
#endif
#endif

/* Human reasons in verifier refusals and faults: on by default on hosts;
 * a microcontroller build reports code and instruction index only (the
 * host tools re-verify to explain), which saves about 1.5 KiB of flash. */
#ifndef FC_VM_REASONS
#if UINTPTR_MAX > 0xffffffffu
#define FC_VM_REASONS 1
#else
#define FC_VM_REASONS 0
#endif
#endif
#if FC_VM_REASONS
#define FC_WHY(text) (text)
#else
#define FC_WHY(text) ("")
#endif

/* Does region r hold all of [addr, addr+len)? Overflow-free on the full
 * 64-bit guest address, also when uintptr_t and size_t are 32 bits: an
 * address below start wraps to a huge offset and fails the first test, an
 * address with its high half set can never be within len of start. */
/*@ // ACSL (proofs/, docs/assurance.md): a region is [start, start+len) on the
    // mathematical integers; "well-formed" means it does not wrap around.
    predicate fc_region_wf(fc_region_t r) = r.start + r.len <= UINTPTR_MAX;
    predicate fc_in_region(fc_region_t r, integer addr, integer len) =
        r.start <= addr && addr + len <= r.start + r.len;
*/

/*@ requires \valid_read(r);
    requires fc_region_wf(*r);
    assigns \nothing;
    ensures \result != 0 <==> fc_in_region(*r, addr, len);
*/
static inline int fc_region_contains(const fc_region_t *r, uint64_t addr, uint64_t len)
{
    uint64_t off = addr - (uint64_t)r->start;
    /*@ assert off_wraps: addr < r->start ==> off == addr - r->start + 18446744073709551616; */
    /*@ assert off_exact: addr >= r->start ==> off == addr - r->start; */
    return off <= (uint64_t)r->len && len <= (uint64_t)r->len - off;
}

/* The region walk every memory check ends in (vm.c, WP-proven): the index
 * of the first region that holds all of [addr, addr+len) with every bit of
 * perm, else FC_REGION_NO_PERM when one holds it without the permission,
 * FC_REGION_OUTSIDE when none holds it. */
enum { FC_REGION_NO_PERM = -1, FC_REGION_OUTSIDE = -2 };
int fc_vm_region_find(const fc_vm_t *vm, uint32_t perm, uint64_t addr, uint64_t len);

/* A region as the fast memory check wants it: for each access size 1, 2,
 * 4, 8 and 16 (a fused pair), end = len - size + 1, so "addr - start < end"
 * is one compare that holds exactly when [addr, addr+size) is inside (an
 * address below start becomes a huge offset). A region shorter than the
 * size gets end = 0, which nothing is below: such accesses always take the
 * slow path, which refuses them. (A region of 2^64-1 bytes also gets 0 and
 * is simply never cached.) Five entries, not one per byte count. */
typedef struct fc_region_cache {
    uintptr_t start;
    uintptr_t end[5]; /* by CACHE_SLOT(size) */
} region_cache_t;

#if defined(__GNUC__)
#define FC_VM_MAY_ALIAS __attribute__((may_alias)) /* lives in fc_vm_t's opaque bytes */
#else
#define FC_VM_MAY_ALIAS
#endif

/* What fc_vm_t keeps for the interpreters, in its opaque private_ bytes. */
struct FC_VM_MAY_ALIAS fc_vm_private {
    /* The register file r0..r10 (11..15: never named, the verifier refuses
     * them; they pad the file to a power of two for the decoder). A run
     * sets r1, r2 and r10 and zeroes r0, r3..r9 unless the verifier proved
     * the program writes each before reading it (fc_program_t.
     * undefined_reads). fc_vm_init zeroes all sixteen, so a program never
     * sees what another one left. */
    uint64_t reg[16];
    /* The binding: the budget, the program generation and the entry that
     * the run preflight and the budget clamp were done for, and the clamped
     * budget in slots. A run whose program generation, budget and entry
     * match skips both. bound_gen and bound_entry side by side: one
     * doubleword load where the core has one. */
    uint64_t bound_budget;
    uintptr_t budget_slots;
    uint32_t bound_gen;
    uint32_t bound_entry;
    /* What the start of a run has to do besides the fast path, one byte to
     * test (RUN_CACHES, RUN_CLEAR below). Invariant: without RUN_CACHES,
     * cache[1] and cache[2] hold the stack's; only a run's slow path moves
     * them, and it sets the bit (cache_mark), so the next run starts by
     * resetting both to the stack and a region revoked between runs (by
     * any means) is never used from a cache. RUN_CLEAR: the bound program
     * may read one of r0, r3..r9 before writing it (its undefined_reads,
     * taken at binding), so a run zeroes them. */
    uint8_t run_work;
    /* The access limits of the stack (set by fc_vm_init) and of the last
     * regions a read and a write matched, kept across runs so that a run
     * does not pay for setting them up. */
    region_cache_t cache[3]; /* stack, read, write */
};
typedef char fc_vm_private_fits_[sizeof(struct fc_vm_private) <= FC_VM_PRIVATE_SIZE ? 1 : -1];

/* The private part of vm. */
#define VMP(vm) ((struct fc_vm_private *)(void *)(vm)->private_.bytes)

/* Entry of end[] for an access size: in the order of the size field of
 * load and store opcodes (BPF_W 4, BPF_H 2, BPF_B 1, BPF_DW 8: bits 3-4 of
 * the opcode index end[] directly), then 16 (a fused pair). Sizes are
 * constants where this is used, so it folds away. */
#define CACHE_SLOT(size) ((size) == 4 ? 0 : (size) == 2 ? 1 : (size) == 1 ? 2 : (size) == 8 ? 3 : 4)

/* The bits of fc_vm_private.run_work */
#define RUN_CACHES 1u /* the read or write cache moved off the stack */
#define RUN_CLEAR 2u  /* the bound program's runs zero r0, r3..r9 */

/* A run's slow path moved a cache: the next run resets them. */
static inline void cache_mark(fc_vm_t *vm)
{
    VMP(vm)->run_work |= RUN_CACHES;
}

/* Set c from region r (vm.c: one copy for every user). */
void fc_vm_cache_set(region_cache_t *c, const fc_region_t *r);
#define cache_set fc_vm_cache_set

/* The read and write caches back on the stack's (see fc_vm_t): what
 * fc_vm_init leaves, and what a run starts from after one that moved them
 * (vm.c: one copy for every user). */
void fc_vm_cache_reset(fc_vm_t *vm);
#define cache_reset fc_vm_cache_reset

/* The budget as a number of slots that fits the address arithmetic of the
 * limit (a budget beyond ~2^28 instructions is meaningless on an MCU). */
static inline uintptr_t clamp_budget(uint64_t budget, uintptr_t text_end, size_t slot)
{
    uintptr_t room = (UINTPTR_MAX - text_end) / slot;
    room = room > 0 ? room - 1 : 0;
    if (budget == 0)
        budget = FC_DEFAULT_BUDGET;
    return budget < room ? (uintptr_t)budget : room;
}

/* Bind vm to its program and entry: the run preflight passed for entry
 * (vm_run.h), so runs with the same program generation, budget and entry
 * may skip it and the budget clamp (vm.c). Sets r10 to the stack top,
 * where a run starts it, and RUN_CLEAR from the program. */
void fc_vm_run_bind(fc_vm_t *vm, uint32_t entry);
#define run_bind fc_vm_run_bind

/* No binding: the next run does the whole preflight (which refuses what
 * fc_vm_init refused). */
static inline void run_unbind(fc_vm_t *vm)
{
    VMP(vm)->bound_gen = vm->prog ? vm->prog->generation + 1u : 0;
}

#endif
