/* Eva harness: an arbitrary program of FC_EVA_SLOTS slots (every byte
 * nondeterministic) goes through fc_verify; only if it is accepted does it
 * run, with a stack and a read-write context region of arbitrary contents,
 * arbitrary r2, a budget in [0, 64], and one helper that checks a pointer
 * with fc_vm_check_ptr. Eva then reports every possible run-time error in
 * src/vm; docs/assurance.md (section 5) justifies each one it reports
 * (proofs/eva/<job>.expected). */
#include <stdint.h>

#include "__fc_builtin.h"
#include "femto/vm.h"

#ifndef FC_EVA_SLOTS
#define FC_EVA_SLOTS 3
#endif
#define EVA_FRAME 64
#define EVA_CTX 32

#define EVA_STACK (EVA_FRAME * (FC_MAX_CALL_DEPTH + 1))
/* The guest's memory at fixed addresses (run.sh passes -absolute-valid-range
 * for exactly [EVA_BASE, EVA_BASE + EVA_STACK + EVA_CTX)): the stack, then
 * the context. Registers then hold plain integers, never a pointer's bits,
 * which Eva tracks precisely, and every host access the VM makes there is
 * checked against that range and nothing else. */
#define EVA_BASE 0x10000u
static fc_insn_t text[FC_EVA_SLOTS];
#define stack_mem ((uint8_t *)(uintptr_t)EVA_BASE)
#define ctx ((uint8_t *)(uintptr_t)(EVA_BASE + EVA_STACK))

/* A helper as the host writes them: it checks the guest pointer r1 and
 * length r2 with fc_vm_check_ptr (WP-proven sound: a non-NULL result lies
 * in one granted region with the permission) and would only then use it.
 * It does not write: the guest memory is already arbitrary, and the write
 * through the returned pointer is the host's code, not the VM's. */
static uint64_t helper_fill(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                            uint64_t r5)
{
    (void)r3;
    (void)r4;
    (void)r5;
    return (uintptr_t)fc_vm_check_ptr(vm, r1, r2 & 7, FC_PERM_WRITE) != 0 ? 0 : (uint64_t)-1;
}

static const fc_helper_fn helper_fns[1] = {helper_fill};
static const fc_helper_table_t helpers = {helper_fns, 1};

int main(void)
{
    Frama_C_make_unknown((char *)text, sizeof text);
    Frama_C_make_unknown((char *)stack_mem, EVA_STACK);
    Frama_C_make_unknown((char *)ctx, EVA_CTX);

    fc_verify_config_t cfg;
    fc_verify_config_default(&cfg);
    cfg.helpers = &helpers;
    cfg.frame_size = EVA_FRAME;
    cfg.rodata_len = 0;
    cfg.data_len = EVA_CTX;

    /* The program object as a host may hand it over: whatever an earlier
     * program left in it (fc_verify reads the old generation to bump it),
     * not uninitialised (docs/assurance.md, 5.1: a host must not pass one
     * it never wrote, which engine.c does today). */
    fc_program_t prog;
    Frama_C_make_unknown((char *)&prog, sizeof prog);
    fc_error_t err;
    if (fc_verify(&prog, text, FC_EVA_SLOTS, &cfg, &err) != FC_OK)
        return 0;

    /* The VM as a host may hand it over: arbitrary earlier contents (a
     * reused or static object). Eva then checks every access for any
     * contents fc_vm_init leaves alone; what it no longer reports is a read
     * of a field nobody wrote (reg[11..15] are never read: check_slot
     * refuses register numbers above 10, docs/assurance.md 5.1). */
    fc_vm_t vm;
    Frama_C_make_unknown((char *)&vm, sizeof vm);
    if (fc_vm_init(&vm, &prog, stack_mem, EVA_STACK) != FC_OK)
        return 0;
    fc_vm_set_helpers(&vm, &helpers, NULL);
    if (fc_vm_add_region(&vm, ctx, EVA_CTX, FC_PERM_RW) != FC_OK)
        return 0;
    fc_vm_set_section(&vm, FC_LDDW_DATA, ctx);
    /* fc_vm_init leaves the VM unbound: the run below does the preflight
     * and binds (clamping the budget), and continues from exactly the state
     * a later bound run starts from (that start only skips the preflight). */
    uint64_t budget = Frama_C_unsigned_int_interval(0, 64);
    fc_vm_set_budget(&vm, budget);

    uint64_t r2 = (uint64_t)Frama_C_unsigned_int_interval(0, 0xffffffffu);
    uint64_t r0 = 0;
    fc_status_t st = fc_vm_run(&vm, 0, (uint64_t)(uintptr_t)ctx, r2, &r0);
    /* proofs/run.sh checks that Eva reaches this line with a run that
     * finished (FC_OK) and one that faulted: an analysis that dies early
     * (an alarm that stops every path) cannot pass for a clean one */
    Frama_C_show_each_run_returned(st);
    return 0;
}
