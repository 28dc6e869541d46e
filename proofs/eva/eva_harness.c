/* Eva harness: an arbitrary program of FC_EVA_SLOTS slots (every byte
 * nondeterministic) goes through fc_verify; only if it is accepted does it
 * run, with a stack, a read-write context region of arbitrary contents,
 * arbitrary r2, and one helper that checks its pointer with
 * fc_vm_check_ptr before writing through it. Eva must then find no
 * run-time error in src/vm (docs/assurance.md lists what it reported). */
#include <stdint.h>

#include "__fc_builtin.h"
#include "femto/vm.h"

#ifndef FC_EVA_SLOTS
#define FC_EVA_SLOTS 3
#endif
#define EVA_FRAME 64
#define EVA_CTX 32

static fc_insn_t text[FC_EVA_SLOTS];
static uint64_t stack_mem[EVA_FRAME * (FC_MAX_CALL_DEPTH + 1) / 8];
static uint8_t ctx[EVA_CTX];

/* A helper as the host writes them: the guest pointer r1 and length r2 are
 * only used after fc_vm_check_ptr accepted the whole range. */
static uint64_t helper_fill(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                            uint64_t r5)
{
    (void)r4;
    (void)r5;
    uint64_t len = r2 & 7; /* a short write keeps the analysis fast */
    uint8_t *p = fc_vm_check_ptr(vm, r1, len, FC_PERM_WRITE);
    if (!p)
        return (uint64_t)-1;
    for (uint64_t i = 0; i < len; i++)
        p[i] = (uint8_t)r3;
    return 0;
}

static const fc_helper_fn helper_fns[1] = {helper_fill};
static const fc_helper_table_t helpers = {helper_fns, 1};

int main(void)
{
    Frama_C_make_unknown((char *)text, sizeof text);
    Frama_C_make_unknown((char *)ctx, sizeof ctx);

    fc_verify_config_t cfg;
    fc_verify_config_default(&cfg);
    cfg.helpers = &helpers;
    cfg.frame_size = EVA_FRAME;
    cfg.rodata_len = 0;
    cfg.data_len = EVA_CTX;

    fc_program_t prog;
    fc_error_t err;
    if (fc_verify(&prog, text, FC_EVA_SLOTS, &cfg, &err) != FC_OK)
        return 0;

    fc_vm_t vm;
    if (fc_vm_init(&vm, &prog, stack_mem, sizeof stack_mem) != FC_OK)
        return 0;
    fc_vm_set_helpers(&vm, &helpers, NULL);
    if (fc_vm_add_region(&vm, ctx, sizeof ctx, FC_PERM_RW) != FC_OK)
        return 0;
    fc_vm_set_section(&vm, FC_LDDW_DATA, ctx);
    vm.budget = Frama_C_unsigned_int_interval(0, 64);

    uint64_t r2 = (uint64_t)Frama_C_unsigned_int_interval(0, 0xffffffffu);
    uint64_t r0 = 0;
    (void)fc_vm_run(&vm, 0, (uint64_t)(uintptr_t)ctx, r2, &r0);
    return 0;
}
