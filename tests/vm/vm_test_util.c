/* Fixture of the VM unit tests: see vm_test_util.h. */
#include "vm_test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t h_sum(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)vm;
    return r1 + r2 + r3 + r4 + r5;
}

static uint64_t h_fault(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                        uint64_t r5)
{
    (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
    fc_vm_fault(vm, FC_FAULT_HELPER_ARG, "test helper refuses its argument");
    return 0;
}

static uint64_t h_read8(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                        uint64_t r5)
{
    (void)r2, (void)r3, (void)r4, (void)r5;
    const uint8_t *p = fc_vm_check_ptr(vm, r1, 1, FC_PERM_READ);
    if (!p) {
        fc_vm_fault(vm, FC_FAULT_HELPER_ARG, "pointer outside the regions");
        return 0;
    }
    return *p;
}

static uint64_t h_executed(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                           uint64_t r5)
{
    (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
    return vm->executed;
}

static const fc_helper_fn vmt_helper_fns[VMT_H_COUNT] = {NULL, h_sum, h_fault, h_read8, h_executed};
const fc_helper_table_t vmt_helpers = {vmt_helper_fns, VMT_H_COUNT};

void vmt_init(vmt_t *t)
{
    fc_verify_config_default(&t->cfg);
    t->cfg.helpers = &vmt_helpers;
    t->cfg.rodata_len = VMT_RO;
    t->cfg.data_len = VMT_MEM;
    fc_helper_mask_all(&t->run_allowed);
    t->budget = 0;
    t->stack_size = VMT_STACK;
    t->entry = 0;
    t->r1 = (uintptr_t)t->mem;
    t->r2 = VMT_MEM;
    t->setup = NULL;
    t->no_default_regions = 0;
    t->before_run = NULL;
    t->rerun = 0;
    for (unsigned i = 0; i < VMT_MEM; i++)
        t->mem_init[i] = (uint8_t)(i < 64 ? 0x80 + i : i < 128 ? i - 64 : 0);
    for (unsigned i = 0; i < VMT_RO; i++)
        t->ro[i] = (uint8_t)(0xa0 + i);
    memset(t->pad0, 0xee, VMT_PAD);
    memset(t->pad1, 0xee, VMT_PAD);
    memset(t->pad2, 0xee, VMT_PAD);
    memset(t->pad3, 0xee, VMT_PAD);
}

vmt_t *vmt_new(void)
{
    vmt_t *t = calloc(1, sizeof *t);
    assert_non_null(t);
    vmt_init(t);
    return t;
}

void vmt_free(vmt_t *t)
{
    free(t);
}

int vmt_setup(void **state)
{
    *state = vmt_new();
    return 0;
}

int vmt_teardown(void **state)
{
    vmt_free(*state);
    return 0;
}

fc_status_t vmt_verify(vmt_t *t, const fc_insn_t *text, uint32_t n)
{
    return fc_verify(&t->prog, text, n, &t->cfg, &t->err);
}

void vmt_prepare(vmt_t *t, enum vmt_mode mode)
{
#if VMT_IN_PLACE_ONLY
    /* the small interpreter (FC_VM_SMALL) has no pre-decoded form: the
     * second mode runs in place again, after checking translate refuses */
    if (mode == VMT_PREDECODED)
        assert_int_equal(fc_program_translate(&t->prog, t->xbuf, VMT_MAX_SLOTS), FC_ERR_BAD_CONFIG);
    t->prog.xlate = NULL;
#else
    if (mode == VMT_PREDECODED)
        assert_int_equal(fc_program_translate(&t->prog, t->xbuf, VMT_MAX_SLOTS), FC_OK);
    else
        t->prog.xlate = NULL;
#endif
    memcpy(t->mem, t->mem_init, VMT_MEM);
    assert_int_equal(fc_vm_init(&t->vm, &t->prog, t->stack, t->stack_size), FC_OK);
    fc_vm_set_helpers(&t->vm, &vmt_helpers, &t->run_allowed);
    if (!t->no_default_regions) {
        assert_int_equal(fc_vm_add_region(&t->vm, t->mem, VMT_MEM, FC_PERM_RW), FC_OK);
        assert_int_equal(fc_vm_add_region(&t->vm, t->ro, VMT_RO, FC_PERM_READ), FC_OK);
    }
    fc_vm_set_section(&t->vm, FC_LDDW_RODATA, t->ro);
    fc_vm_set_section(&t->vm, FC_LDDW_DATA, t->mem);
    if (t->budget)
        t->vm.budget = t->budget;
    if (t->setup)
        t->setup(t, &t->vm);
}

void vmt_run_mode(vmt_t *t, enum vmt_mode mode, vmt_out_t *out)
{
    uint64_t r0 = 0xdeadbeefdeadbeefull;
    vmt_prepare(t, mode);
    memset(out, 0, sizeof *out);
    if (t->before_run)
        t->before_run();
    out->status = fc_vm_run(&t->vm, t->entry, t->r1, t->r2, &r0);
    out->r0 = out->status == FC_OK ? r0 : 0;
    out->executed = t->vm.executed;
    out->fault = t->vm.fault;
    memcpy(out->mem, t->mem, VMT_MEM);
    /* the status and the recorded fault always agree, with a reason */
    assert_int_equal(out->fault.code, out->status);
    if (out->status != FC_OK) {
        assert_non_null(out->fault.reason);
        assert_true(out->fault.reason[0] != '\0');
    }
    if (t->rerun) { /* the same vm runs again: the last run left nothing behind */
        uint64_t r0b = 0;
        assert_int_equal(fc_vm_run(&t->vm, t->entry, t->r1, t->rerun_r2, &r0b), FC_OK);
        assert_int_equal(t->vm.fault.code, FC_OK);
        assert_int_equal(r0b, t->rerun_r0);
    }
}

static void expect_same(const vmt_out_t *a, const vmt_out_t *b)
{
    if (a->status != b->status || a->r0 != b->r0 || a->executed != b->executed ||
        a->fault.where != b->fault.where || a->fault.addr != b->fault.addr ||
        a->fault.size != b->fault.size) {
        fprintf(stderr,
                "modes differ: in place status %d r0 %#llx executed %llu where %lu addr %#llx "
                "size %u; pre-decoded status %d r0 %#llx executed %llu where %lu addr %#llx "
                "size %u\n",
                a->status, (unsigned long long)a->r0, (unsigned long long)a->executed,
                a->fault.where, a->fault.addr, a->fault.size, b->status, (unsigned long long)b->r0,
                (unsigned long long)b->executed, b->fault.where, b->fault.addr, b->fault.size);
        fail_msg("in-place and pre-decoded runs disagree");
    }
    assert_memory_equal(a->mem, b->mem, VMT_MEM);
}

void vmt_run(vmt_t *t, const fc_insn_t *text, uint32_t n, vmt_out_t *out)
{
    vmt_out_t other;
    fc_status_t st = vmt_verify(t, text, n);
    if (st != FC_OK)
        fail_msg("verifier refused a test program: %s at %lu: %s", fc_status_name(st), t->err.where,
                 t->err.reason);
    vmt_run_mode(t, VMT_IN_PLACE, out);
    vmt_run_mode(t, VMT_PREDECODED, &other);
    expect_same(out, &other);
    t->prog.xlate = NULL;
}

void vmt_expect_r0(vmt_t *t, const fc_insn_t *text, uint32_t n, uint64_t r0)
{
    vmt_out_t out;
    vmt_run(t, text, n, &out);
    if (out.status != FC_OK)
        fail_msg("run faulted: %s at %lu (%s)", fc_status_name(out.status), out.fault.where,
                 out.fault.reason);
    assert_int_equal(out.r0, r0);
}

void vmt_expect_fault(vmt_t *t, const fc_insn_t *text, uint32_t n, int code, unsigned long where,
                      vmt_out_t *out)
{
    vmt_out_t local;
    vmt_out_t *o = out ? out : &local;
    vmt_run(t, text, n, o);
    if (o->status != code)
        fail_msg("expected %s, got %s at %lu (%s)", fc_status_name(code), fc_status_name(o->status),
                 o->fault.where, o->fault.reason ? o->fault.reason : "-");
    assert_int_equal(o->fault.where, where);
}
