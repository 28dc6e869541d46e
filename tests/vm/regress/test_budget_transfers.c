/* Regression tests for two budget disagreements that fuzz/fuzz_diff.c
 * (src/vm against the reference evaluator tests/refvm) found. The rule,
 * include/femto/vm.h and docs/vm.md: the budget is checked at EVERY control
 * transfer (taken jump, call, return); when the instruction a transfer leads
 * to would be number budget + 1, the run stops there with FC_FAULT_BUDGET,
 * fault.where = that instruction, executed = budget.
 *
 * 1. Return not checked (fast interpreter, interp_body.h): `exit` in a
 *    callee restored the frame and dispatched to the return address without
 *    a budget check, so the run went on to the next transfer and reported
 *    that one's target. Input: tests/vm/regress/diff-return-budget.bin.
 *    Fixed in interp_body.h (the return uses JUMP_TO like every transfer).
 *
 * 2. Taken jump with offset 0 not checked (small interpreter,
 *    interp_small.c): it detects a transfer by `next != pc + 1`, which a
 *    taken `ja +0` (or jcc +0, ja32 +0) does not satisfy. Input:
 *    tests/vm/regress/diff-small-ja0-budget.bin. Fixed in 5469a0e
 *    (interp_small.c: every taken transfer is checked, a jump by 0 too).
 *
 * Built twice (tests/refvm/CMakeLists.txt): against femto_vm (fast) and
 * femto_vm_small_host (FC_VM_SMALL=1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "femto/vm.h"

static fc_insn_t insn(uint8_t op, unsigned dst, unsigned src, int16_t off, int32_t imm)
{
    fc_insn_t i = {op, (uint8_t)(dst | src << 4), off, imm};
    return i;
}

typedef struct result {
    fc_status_t status;
    fc_error_t fault;
    uint64_t executed;
} result_t;

static result_t run(const fc_insn_t *text, uint32_t n, uint64_t budget)
{
    static uint64_t stack[64 * 4];
    fc_verify_config_t cfg;
    fc_verify_config_default(&cfg);
    cfg.frame_size = 64;
    fc_program_t prog;
    fc_error_t err;
    assert_int_equal(fc_verify(&prog, text, n, &cfg, &err), FC_OK);
    fc_vm_t vm;
    assert_int_equal(fc_vm_init(&vm, &prog, stack, sizeof stack), FC_OK);
    vm.budget = budget;
    uint64_t r0 = 0;
    result_t r;
    r.status = fc_vm_run(&vm, 0, 0, 0, &r0);
    r.fault = vm.fault;
    r.executed = vm.executed;
    return r;
}

static void test_return_is_a_checked_transfer(void **state)
{
    (void)state;
    /* 0: call 3; 1: ja -2 (to 0); 2: exit; 3: mov r0, 1; 4: exit.
     * Budget 3: call, mov, exit; the return leads to instruction 4 of the
     * run (slot 1), which is over budget: stop at slot 1. Before the fix the
     * run went on to slot 1's ja and stopped at its target, slot 0. */
    const fc_insn_t text[] = {insn(0x85, 0, 1, 0, 2), insn(0x05, 0, 0, -2, 0),
                              insn(0x95, 0, 0, 0, 0), insn(0xb7, 0, 0, 0, 1),
                              insn(0x95, 0, 0, 0, 0)};
    result_t r = run(text, 5, 3);
    assert_int_equal(r.status, FC_FAULT_BUDGET);
    assert_int_equal(r.fault.where, 1);
    assert_int_equal(r.executed, 3);
    /* with one more instruction the return is fine and the ja is stopped */
    r = run(text, 5, 4);
    assert_int_equal(r.status, FC_FAULT_BUDGET);
    assert_int_equal(r.fault.where, 0);
    assert_int_equal(r.executed, 4);
}

static void test_jump_by_zero_is_a_checked_transfer(void **state)
{
    (void)state;
    /* 0: ja +0; 1: mov r0, 2; 2: exit. Budget 1: the taken ja leads to
     * instruction 2 of the run (slot 1): stop there. */
    const fc_insn_t text[] = {insn(0x05, 0, 0, 0, 0), insn(0xb7, 0, 0, 0, 2),
                              insn(0x95, 0, 0, 0, 0)};
    result_t r = run(text, 3, 1);
    assert_int_equal(r.status, FC_FAULT_BUDGET);
    assert_int_equal(r.fault.where, 1);
    assert_int_equal(r.executed, 1);
    /* the same with a taken conditional jump by 0 and with ja32 +0 */
    const fc_insn_t jcc[] = {insn(0x15, 0, 0, 0, 0), insn(0xb7, 0, 0, 0, 2),
                             insn(0x95, 0, 0, 0, 0)};
    r = run(jcc, 3, 1);
    assert_int_equal(r.status, FC_FAULT_BUDGET);
    assert_int_equal(r.fault.where, 1);
    const fc_insn_t ja32[] = {insn(0x06, 0, 0, 0, 0), insn(0xb7, 0, 0, 0, 2),
                              insn(0x95, 0, 0, 0, 0)};
    r = run(ja32, 3, 1);
    assert_int_equal(r.status, FC_FAULT_BUDGET);
    assert_int_equal(r.fault.where, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_return_is_a_checked_transfer),
        cmocka_unit_test(test_jump_by_zero_is_a_checked_transfer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
