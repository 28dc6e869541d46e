/* A minimal firmware for scripts/footprint.sh: main() calls the whole
 * public API of femto/vm.h once, so a --gc-sections link keeps exactly what
 * a firmware using the VM pays for. The program text comes through a
 * volatile pointer so nothing is folded at compile time. Never run. */
#include "femto/vm.h"

static uint64_t probe_helper(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                             uint64_t r5)
{
    (void)r3;
    (void)r4;
    (void)r5;
    return fc_vm_check_ptr(vm, r1, r2, FC_PERM_READ) != NULL;
}

static const fc_helper_fn probe_fns[1] = {probe_helper};
static const fc_helper_table_t probe_table = {probe_fns, 1};

extern const fc_insn_t *volatile fc_probe_text;
const fc_insn_t *volatile fc_probe_text;
extern volatile uint32_t fc_probe_len;
volatile uint32_t fc_probe_len;

int main(void)
{
    static uint64_t stack[64];
    static uint8_t ctx[32];
    fc_verify_config_t cfg;
    fc_program_t prog;
    fc_error_t err;
    fc_vm_t vm;
    fc_helper_mask_t mask;
    uint64_t r0 = 0;

    fc_helper_mask_clear(&mask);
    fc_helper_mask_set(&mask, 0);
    if (!fc_helper_mask_has(&mask, 0))
        fc_helper_mask_all(&mask);
    fc_verify_config_default(&cfg);
    cfg.helpers = &probe_table;
    cfg.allowed = mask;
    if (fc_verify(&prog, fc_probe_text, fc_probe_len, &cfg, &err) != FC_OK)
        return 1;
    if (fc_program_check(&prog) != FC_OK)
        return 2;
    if (fc_vm_init(&vm, &prog, stack, sizeof stack) != FC_OK)
        return 3;
    fc_vm_set_budget(&vm, 1000);
    fc_vm_set_helpers(&vm, &probe_table, &mask);
    if (fc_vm_add_region(&vm, ctx, sizeof ctx, FC_PERM_RW) != FC_OK)
        return 4;
    fc_vm_set_section(&vm, FC_LDDW_RODATA, ctx);
    if (fc_vm_check_ptr(&vm, (uintptr_t)ctx, sizeof ctx, FC_PERM_READ) == NULL)
        fc_vm_fault(&vm, FC_FAULT_MEM, "probe");
    int rc = (int)fc_vm_run(&vm, 0, (uintptr_t)ctx, sizeof ctx, &r0);
    fc_vm_reset_regions(&vm);
    return rc + (int)r0;
}
