/* VM set-up: regions, helpers, sections, and the pointer check helpers use. */
#include "femto/vm.h"

#include <stddef.h>
#include <string.h>

#include "vm_internal.h"

void fc_helper_mask_clear(fc_helper_mask_t *m)
{
    memset(m, 0, sizeof *m);
}

void fc_helper_mask_all(fc_helper_mask_t *m)
{
    memset(m, 0xff, sizeof *m);
}

/*@ // ACSL contracts: proven with Frama-C WP (proofs/run.sh, docs/assurance.md)
    predicate fc_mask_bit(fc_helper_mask_t m, integer id) =
        0 <= id < FC_MAX_HELPERS && ((m.bits[id / 32] >> (id % 32)) & 1) != 0;
*/

/*@ requires \valid(m);
    assigns m->bits[id / 32];
    ensures id < FC_MAX_HELPERS ==> fc_mask_bit(*m, id);
    ensures id >= FC_MAX_HELPERS ==> *m == \old(*m);
    ensures \forall integer k; 0 <= k < FC_MAX_HELPERS && k != id ==>
        (fc_mask_bit(*m, k) <==> fc_mask_bit(\old(*m), k));
*/
void fc_helper_mask_set(fc_helper_mask_t *m, uint32_t id)
{
    if (id < FC_MAX_HELPERS)
        m->bits[id / 32] |= 1u << (id % 32);
}

/*@ requires \valid_read(m);
    assigns \nothing;
    ensures \result != 0 <==> fc_mask_bit(*m, id);
*/
int fc_helper_mask_has(const fc_helper_mask_t *m, uint64_t id)
{
    return id < FC_MAX_HELPERS && ((m->bits[id / 32] >> (id % 32)) & 1u);
}

void fc_vm_cache_set(region_cache_t *c, const fc_region_t *r)
{
    static const uint8_t sizes[5] = {4, 2, 1, 8, 16}; /* by CACHE_SLOT */
    c->start = r->start;
    for (unsigned i = 0; i < 5; i++)
        c->end[i] = r->len >= sizes[i] ? r->len - sizes[i] + 1 : 0; /* <= len: fits */
}

void fc_vm_cache_reset(fc_vm_t *vm)
{
    VMP(vm)->cache[1] = VMP(vm)->cache[0];
    VMP(vm)->cache[2] = VMP(vm)->cache[0];
    VMP(vm)->run_work &= (uint8_t)~RUN_CACHES;
}

/* Zero the first n bytes of vm (n a multiple of 4) eight bytes at a time
 * (strd on Cortex-M4; the last word apart): the C library's memset is a
 * byte loop in small MCU builds (picolibc at -Os), eight times the
 * stores. */
#if defined(__GNUC__) && !defined(__FRAMAC__)
typedef uint32_t __attribute__((may_alias)) vm_word_t;
typedef uint64_t __attribute__((may_alias)) vm_dword_t;
typedef char fc_vm_words_[offsetof(fc_vm_t, allowed) % sizeof(vm_word_t) == 0 ? 1 : -1];
static inline void zero_words(fc_vm_t *vm, size_t n)
{
    vm_dword_t *d = (vm_dword_t *)(void *)vm;
    for (size_t i = 0; i < n / sizeof *d; i++)
        d[i] = 0;
    if (n % sizeof *d) /* the last word */
        ((vm_word_t *)(void *)vm)[n / sizeof(vm_word_t) - 1] = 0;
}
#else
static void zero_words(fc_vm_t *vm, size_t n)
{
    memset(vm, 0, n);
}
#endif

void fc_vm_run_bind(fc_vm_t *vm, uint32_t entry)
{
    const fc_program_t *prog = vm->prog;
    uintptr_t slots =
        clamp_budget(vm->budget, (uintptr_t)(prog->text + prog->len), sizeof *prog->text);
#if !FC_VM_SMALL
    /* the pre-decoded form's limit moves over its own, larger slots: the
     * clamp that fits both lets either run use the bound count */
    if (prog->xlate) {
        uintptr_t x =
            clamp_budget(vm->budget, (uintptr_t)(prog->xlate + prog->len), sizeof *prog->xlate);
        slots = x < slots ? x : slots;
    }
#endif
    VMP(vm)->budget_slots = slots;
    VMP(vm)->bound_budget = vm->budget;
    VMP(vm)->bound_gen = prog->generation;
    VMP(vm)->bound_entry = entry;
    VMP(vm)->run_work =
        (uint8_t)((VMP(vm)->run_work & RUN_CACHES) | (prog->undefined_reads ? RUN_CLEAR : 0u));
    VMP(vm)->reg[10] = (uint64_t)(uintptr_t)vm->stack + vm->stack_size; /* r10 at a run's start */
}

fc_status_t fc_vm_init(fc_vm_t *vm, const fc_program_t *prog, void *stack, size_t stack_size)
{
    /* Everything up to the helper mask is zeroed: no fault (a run relies
     * on every fault field being zero to skip clearing them), no helpers,
     * no sections, no tracer, and the registers (a newly bound program never
     * sees what another program left in them, whatever the analysis behind
     * undefined_reads says). The helper mask and the regions (more than a
     * third of the struct) are only read after fc_vm_set_helpers() and
     * fc_vm_add_region() wrote them (with no helper table, no helper id is
     * looked up). */
    zero_words(vm, offsetof(fc_vm_t, allowed));
    vm->prog = prog;
    vm->stack = (uint8_t *)stack;
    vm->stack_size = stack_size;
    vm->budget = FC_DEFAULT_BUDGET;
    run_unbind(vm);
    if (!stack || stack_size == 0 || stack_size % 8 != 0 || ((uintptr_t)stack % 8) != 0 ||
        stack_size > UINTPTR_MAX - (uintptr_t)stack) /* like any region: must not wrap */
        return FC_ERR_BAD_CONFIG;
    vm->regions[0].start = (uintptr_t)stack;
    vm->regions[0].len = stack_size;
    vm->regions[0].perm = FC_PERM_RW;
    vm->n_regions = 1;
    /* the interpreters' region caches start on the stack */
    cache_set(&VMP(vm)->cache[0], &vm->regions[0]);
    cache_reset(vm);
    /* unbound (run_unbind above): the first run does the preflight and
     * binds, with the budget and entry it runs with */
    return FC_OK;
}

void fc_vm_set_budget(fc_vm_t *vm, uint64_t budget)
{
    vm->budget = budget; /* the next run sees it differ from the bound one and binds again */
}

void fc_vm_set_helpers(fc_vm_t *vm, const fc_helper_table_t *helpers,
                       const fc_helper_mask_t *allowed)
{
    vm->helpers = helpers;
    if (allowed)
        vm->allowed = *allowed;
    else
        fc_helper_mask_all(&vm->allowed);
}

/*@ requires \valid(vm) && vm->n_regions <= FC_MAX_REGIONS;
    behavior granted:
      assumes vm->n_regions < FC_MAX_REGIONS && perm != 0 && (perm & ~(uint32_t)FC_PERM_RW) == 0;
      assumes (uintptr_t)start + len <= UINTPTR_MAX;
      assigns vm->n_regions, vm->regions[vm->n_regions];
      ensures \result == FC_OK && vm->n_regions == \old(vm->n_regions) + 1;
      ensures vm->regions[\old(vm->n_regions)].start == (uintptr_t)start;
      ensures vm->regions[\old(vm->n_regions)].len == len;
      ensures vm->regions[\old(vm->n_regions)].perm == perm;
      ensures fc_region_wf(vm->regions[\old(vm->n_regions)]);
    behavior refused:
      assumes vm->n_regions >= FC_MAX_REGIONS || perm == 0 || (perm & ~(uint32_t)FC_PERM_RW) != 0 ||
              (uintptr_t)start + len > UINTPTR_MAX;
      assigns \nothing;
      ensures \result == FC_ERR_BAD_CONFIG;
    complete behaviors;
    disjoint behaviors;
*/
fc_status_t fc_vm_add_region(fc_vm_t *vm, const void *start, size_t len, uint32_t perm)
{
    uintptr_t s = (uintptr_t)start;
    if (vm->n_regions >= FC_MAX_REGIONS || (perm & ~(uint32_t)FC_PERM_RW) || perm == 0)
        return FC_ERR_BAD_CONFIG;
    if (len > UINTPTR_MAX - s) /* region must not wrap around the address space */
        return FC_ERR_BAD_CONFIG;
    fc_region_t *r = &vm->regions[vm->n_regions++];
    r->start = s;
    r->len = len;
    r->perm = perm;
    return FC_OK;
}

void fc_vm_reset_regions(fc_vm_t *vm)
{
    vm->n_regions = vm->stack ? 1 : 0;
}

void fc_vm_set_section(fc_vm_t *vm, enum fc_lddw_src src, const void *base)
{
    if ((unsigned)src < FC_LDDW_SRC_COUNT && src != FC_LDDW_IMM)
        vm->section_base[src] = (uint64_t)(uintptr_t)base;
}

/*@ predicate fc_granted{L}(fc_vm_t *vm, integer i, integer addr, integer len, integer perm) =
        0 <= i < vm->n_regions && i < FC_MAX_REGIONS &&
        fc_in_region(vm->regions[i], addr, len) && (vm->regions[i].perm & perm) == perm;
    predicate fc_inside_some{L}(fc_vm_t *vm, integer addr, integer len) =
        \exists integer i; 0 <= i < vm->n_regions && i < FC_MAX_REGIONS &&
            fc_in_region(vm->regions[i], addr, len);
*/

/*@ requires \valid_read(vm);
    requires \forall integer i; 0 <= i < vm->n_regions && i < FC_MAX_REGIONS ==>
        fc_region_wf(vm->regions[i]);
    assigns \nothing;
    ensures found: \result >= 0 ==> fc_granted(vm, \result, addr, len, perm);
    ensures none: \result < 0 ==> !(\exists integer i; fc_granted(vm, i, addr, len, perm));
    ensures why: \result == FC_REGION_NO_PERM || \result == FC_REGION_OUTSIDE || \result >= 0;
    ensures outside: \result == FC_REGION_OUTSIDE ==> !fc_inside_some(vm, addr, len);
*/
int fc_vm_region_find(const fc_vm_t *vm, uint32_t perm, uint64_t addr, uint64_t len)
{
    int inside = 0;
    /*@ loop invariant 0 <= i <= FC_MAX_REGIONS && (i <= vm->n_regions);
        loop invariant \forall integer k; 0 <= k < i ==> !fc_granted(vm, k, addr, len, perm);
        loop invariant inside == 0 ==> \forall integer k; 0 <= k < i ==>
            !fc_in_region(vm->regions[k], addr, len);
        loop assigns i, inside;
        loop variant FC_MAX_REGIONS - i;
    */
    for (uint32_t i = 0; i < vm->n_regions && i < FC_MAX_REGIONS; i++) {
        const fc_region_t *r = &vm->regions[i];
        if (!fc_region_contains(r, addr, len))
            continue;
        if ((r->perm & perm) == perm)
            return (int)i;
        inside = 1;
    }
    return inside ? FC_REGION_NO_PERM : FC_REGION_OUTSIDE;
}

/*@ requires \valid_read(vm);
    requires \forall integer i; 0 <= i < vm->n_regions && i < FC_MAX_REGIONS ==>
        fc_region_wf(vm->regions[i]);
    assigns \nothing;
    ensures sound: \result != \null ==>
        \exists integer i; fc_granted(vm, i, addr, len, perm);
    ensures exact: \result == \null || \result == (void *)(uintptr_t)addr;
    ensures complete: (\exists integer i; fc_granted(vm, i, addr, len, perm)) ==>
        \result == (void *)(uintptr_t)addr;
*/
void *fc_vm_check_ptr(fc_vm_t *vm, uint64_t addr, uint64_t len, uint32_t perm)
{
    return fc_vm_region_find(vm, perm, addr, len) >= 0 ? (void *)(uintptr_t)addr : NULL;
}

void fc_vm_fault(fc_vm_t *vm, fc_status_t code, const char *reason)
{
    if (vm->fault.code != FC_OK)
        return; /* keep the first fault */
    vm->fault.code = code;
    vm->fault.reason = reason ? reason : "";
}

void fc_vm_fault_access(fc_vm_t *vm, fc_status_t code, const char *reason, uint64_t addr,
                        uint64_t len)
{
    if (vm->fault.code != FC_OK)
        return; /* keep the first fault, with its own address */
    fc_vm_fault(vm, code, reason);
    vm->fault.addr = addr;
    vm->fault.size = len > UINT32_MAX ? UINT32_MAX : (unsigned)len;
}
