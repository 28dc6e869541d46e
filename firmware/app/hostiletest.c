/* The hostile corpus on the board: every program of the table in
 * tests/hostile/hostile_programs.c, with the same fixture as the host runner
 * (tests/hostile/test_vm_hostile.c, tests/vm/vm_test_util.h): a 256-byte
 * read-write context (r1, and the lddw data section), a 64-byte read-only
 * rodata region, the full stack, each surrounded by padding that is no
 * region and must stay 0xee, helpers 1..4, budget 1000.
 *
 * Each program must get exactly its expected refusal (code, instruction) or
 * fault (code, instruction, address and size, executed = budget where the
 * table says so), memory outside the regions must be untouched, and the
 * pre-decoded form, where the build has it, must end the same way. A CPU
 * fault on the board (a HardFault) never returns here: QEMU then exits with
 * the fault status and the run fails. Reasons are only required to be
 * non-NULL: a microcontroller build reports "" (FC_VM_REASONS=0). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bm.h"
#include "hostile.h"
#include "hostiletest.h"

#define BUDGET 1000

/* ---- the fixture (the layout of vmt_t) ------------------------------------ */
static struct {
    _Alignas(16) uint8_t pad0[VMT_PAD];
    _Alignas(16) uint8_t stack[VMT_STACK];
    _Alignas(16) uint8_t pad1[VMT_PAD];
    _Alignas(16) uint8_t mem[VMT_MEM];
    _Alignas(16) uint8_t pad2[VMT_PAD];
    _Alignas(16) uint8_t ro[VMT_RO];
    _Alignas(16) uint8_t pad3[VMT_PAD];
} fx;

static fc_insn_t text[HOSTILE_MAX_SLOTS];
static fc_program_t prog;
static fc_vm_t vm;
static fc_xinsn_t xbuf[HOSTILE_MAX_SLOTS];

/* The test helpers of vm_test_util.c, by the same ids. */
static uint64_t h_sum(fc_vm_t *v, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)v;
    return r1 + r2 + r3 + r4 + r5;
}

static uint64_t h_fault(fc_vm_t *v, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
    fc_vm_fault(v, FC_FAULT_HELPER_ARG, "test helper refuses its argument");
    return 0;
}

static uint64_t h_read8(fc_vm_t *v, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r2, (void)r3, (void)r4, (void)r5;
    const uint8_t *p = fc_vm_check_ptr(v, r1, 1, FC_PERM_READ);
    if (!p) {
        fc_vm_fault(v, FC_FAULT_HELPER_ARG, "pointer outside the regions");
        return 0;
    }
    return *p;
}

static uint64_t h_executed(fc_vm_t *v, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                           uint64_t r5)
{
    (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
    return v->executed;
}

static const fc_helper_fn helper_fns[VMT_H_COUNT] = {NULL, h_sum, h_fault, h_read8, h_executed};
static const fc_helper_table_t helpers = {helper_fns, VMT_H_COUNT};

static void fixture_reset(void)
{
    memset(fx.pad0, 0xee, VMT_PAD);
    memset(fx.pad1, 0xee, VMT_PAD);
    memset(fx.pad2, 0xee, VMT_PAD);
    memset(fx.pad3, 0xee, VMT_PAD);
    memset(fx.stack, 0, VMT_STACK);
    for (unsigned i = 0; i < VMT_MEM; i++)
        fx.mem[i] = (uint8_t)(i < 64 ? 0x80 + i : i < 128 ? i - 64 : 0);
    for (unsigned i = 0; i < VMT_RO; i++)
        fx.ro[i] = (uint8_t)(0xa0 + i);
}

static int pads_intact(void)
{
    const uint8_t *pads[] = {fx.pad0, fx.pad1, fx.pad2, fx.pad3};
    for (unsigned p = 0; p < 4; p++) {
        for (unsigned i = 0; i < VMT_PAD; i++)
            if (pads[p][i] != 0xee)
                return 0;
    }
    for (unsigned i = 0; i < VMT_RO; i++)
        if (fx.ro[i] != (uint8_t)(0xa0 + i))
            return 0;
    return 1;
}

static uint64_t expected_addr(const hostile_t *h)
{
    const uint64_t mem = (uintptr_t)fx.mem, d = (uint64_t)h->addr_delta;
    switch (h->addr_base) {
    case ADDR_ABS:
        return d;
    case ADDR_MEM:
        return mem + d;
    case ADDR_RO:
        return (uintptr_t)fx.ro + d;
    case ADDR_STACK:
        return (uintptr_t)fx.stack + d;
    case ADDR_STACK_END:
        return (uintptr_t)fx.stack + VMT_STACK + d;
    case ADDR_MEM_LOW32:
        return mem & 0xffffffffu;
    case ADDR_NEG_MEM:
        return 0 - mem;
    default:
        return 0;
    }
}

#ifdef FW_JIT
/* The JIT image: every runnable program also runs JIT-compiled (or, when
 * the JIT refuses it, on the interpreter through fc_jit_run). */
static uint32_t jit_code[4096];
static fc_jit_t jit;
static fc_jit_t *run_jit; /* set for the JIT's run */
static unsigned jit_translated, jit_refused;
#endif

/* One run of the verified prog (in place, or pre-decoded when xlate is
 * set) on fresh memory; 0 when it ended as h expects, else prints why. */
static int run_once(const hostile_t *h, const char *mode)
{
    fixture_reset();
    size_t stack_size = h->stack_size ? h->stack_size : VMT_STACK;
    fc_helper_mask_t allowed;
    fc_helper_mask_all(&allowed);
    if (h->only_sum_allowed) {
        fc_helper_mask_clear(&allowed);
        fc_helper_mask_set(&allowed, VMT_H_SUM);
    }
    if (fc_vm_init(&vm, &prog, fx.stack, stack_size) != FC_OK ||
        fc_vm_add_region(&vm, fx.mem, VMT_MEM, FC_PERM_RW) != FC_OK ||
        fc_vm_add_region(&vm, fx.ro, VMT_RO, FC_PERM_READ) != FC_OK) {
        bm_printf("FAIL hostile %s (%s): fixture set-up refused\n", h->name, mode);
        return 0;
    }
    fc_vm_set_helpers(&vm, &helpers, &allowed);
    fc_vm_set_section(&vm, FC_LDDW_RODATA, fx.ro);
    fc_vm_set_section(&vm, FC_LDDW_DATA, fx.mem);
    vm.budget = BUDGET;
    uint64_t r0 = 0;
#ifdef FW_JIT
    fc_status_t st = run_jit ? fc_jit_run(run_jit, &vm, 0, (uintptr_t)fx.mem, VMT_MEM, &r0)
                             : fc_vm_run(&vm, 0, (uintptr_t)fx.mem, VMT_MEM, &r0);
#else
    fc_status_t st = fc_vm_run(&vm, 0, (uintptr_t)fx.mem, VMT_MEM, &r0);
#endif
    const char *why = NULL;
    if (hostile_moot_at(h, (uintptr_t)fx.mem)) {
        if (st != FC_OK)
            why = "expected FC_OK (the context address fits in 32 bits)";
    } else if ((int)st != h->code || vm.fault.where != h->where) {
        why = "wrong status or instruction";
    } else if ((int)vm.fault.code != (int)st || !vm.fault.reason) {
        why = "fault record disagrees with the status or has no reason";
    } else if (h->addr_base != ADDR_UNCHECKED &&
               (vm.fault.addr != expected_addr(h) || vm.fault.size != h->size)) {
        why = "wrong fault address or size";
    } else if (h->budget_exact && vm.executed != BUDGET) {
        why = "executed count is not the budget";
    }
    if (!why && !pads_intact())
        why = "memory outside the granted regions changed";
    if (why) {
        bm_printf(
            "FAIL hostile %s (%s): %s: got %s at %lu addr 0x%llx size %u, expected %s at %lu\n",
            h->name, mode, why, fc_status_name(st), vm.fault.where,
            (unsigned long long)vm.fault.addr, (unsigned)vm.fault.size, fc_status_name(h->code),
            h->where);
        return 0;
    }
    return 1;
}

/* 1 when h behaved as expected in every mode this build has. */
static int check_one(const hostile_t *h, unsigned *predecoded)
{
    fc_verify_config_t cfg;
    fc_verify_config_default(&cfg);
    cfg.helpers = &helpers;
    cfg.rodata_len = VMT_RO;
    cfg.data_len = VMT_MEM;
    memcpy(text, h->text, sizeof text);
    fc_error_t err = {0};
    fc_status_t st = fc_verify(&prog, h->n ? text : NULL, h->n, &cfg, &err);
    if (h->stage == STAGE_VERIFY) {
        if ((int)st == h->code && err.where == h->where && err.reason)
            return 1;
        bm_printf("FAIL hostile %s: verify %s at %lu, expected %s at %lu\n", h->name,
                  fc_status_name(st), err.where, fc_status_name(h->code), h->where);
        return 0;
    }
    if (st != FC_OK) {
        bm_printf("FAIL hostile %s: refused by the verifier: %s at %lu (%s)\n", h->name,
                  fc_status_name(st), err.where, err.reason ? err.reason : "-");
        return 0;
    }
    if (h->stage == STAGE_TAMPER) {
        text[h->swap_slot] = h->swap;
        if (fc_program_check(&prog) == FC_ERR_NOT_VERIFIED)
            return 1;
        bm_printf("FAIL hostile %s: fc_program_check did not notice the swapped slot\n", h->name);
        return 0;
    }
    prog.xlate = NULL;
    int ok = run_once(h, "in place");
#ifdef FW_JIT
    if (fc_jit_translate(&jit, &prog, jit_code, sizeof jit_code) == FC_OK) {
        jit_translated++;
    } else {
        jit_refused++;
        bm_printf("     hostile %s: JIT refused at %lu (%s): interpreter\n", h->name,
                  jit.refused.where, jit.refused.reason ? jit.refused.reason : "-");
    }
    run_jit = &jit;
    ok &= run_once(h, "jit");
    run_jit = NULL;
#endif
    /* FC_ERR_BAD_CONFIG: this build has no pre-decoded form */
    if (fc_program_translate(&prog, xbuf, HOSTILE_MAX_SLOTS) == FC_OK) {
        ok &= run_once(h, "pre-decoded");
        prog.xlate = NULL;
        (*predecoded)++;
    }
    return ok;
}

unsigned hostile_table_run(void)
{
    unsigned failed = 0, predecoded = 0;
    for (unsigned i = 0; i < hostile_count; i++)
        if (!check_one(&hostile_programs[i], &predecoded))
            failed++;
    bm_printf("[hostile corpus] %u programs of tests/hostile: %u as expected, %u failed "
              "(%u runs also pre-decoded)\n",
              hostile_count, hostile_count - failed, failed, predecoded);
#ifdef FW_JIT
    bm_printf(
        "[hostile jit] %u runnable programs JIT-compiled, %u refused (ran on the interpreter)\n",
        jit_translated, jit_refused);
#endif
    return failed;
}
