/* Regression tests for VM bugs found by the fuzzer and the unit tests.
 * Each test states the behaviour the VM must have. Both bugs below were
 * fixed in commit 2d6b9dc (both interpreters); these tests failed before.
 *
 * 1. Stack under 16 bytes: the interpreter's stack region cache
 *    (region_cache_t stk in interp_body.h) is only filled by cache_set()
 *    for regions of at least 16 bytes, but fc_vm_init accepts an 8-byte
 *    stack (frame_size 8 verifies). stk then stays uninitialised and the
 *    fast memory check IN_CACHE(stk, ...) compares against stack garbage:
 *    an access outside every region can be let through. Found by
 *    fuzz/fuzz_vm.c (input tests/vm/regress/fuzz-crash-small-stack.bin:
 *    ldxb r0, [r1+0x5b02]; exit, frame 8: ASan heap-buffer-overflow read).
 *
 * 2. Budget off by one at taken jumps: JUMP_TO/JUMP_BY test
 *    `pc > limit`, but the instruction at pc == limit is number budget+1
 *    (executed_at(); the helper-call check uses >=). A run can execute one
 *    instruction more than its budget, and vm.executed then reports the
 *    budget, not what ran. */
#include "vm_test_util.h"

#include <string.h>

/* Fill the C stack below the caller with 0xff, so that any local of the
 * interpreter that is read before it is written holds all-ones: for the
 * region cache that is start = lim = UINT64_MAX, which accepts every
 * address. Makes bug 1 deterministic instead of depending on garbage. */
static __attribute__((noinline)) void paint_stack(void)
{
    volatile uint8_t buf[32768];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = 0xff;
}

static void test_eight_byte_stack_checks_every_access(void **state)
{
    vmt_t *t = *state;
    t->cfg.frame_size = 8;
    t->stack_size = 8;
    t->before_run = paint_stack;
    /* just past the context: pad2, which is no region */
    const fc_insn_t prog[] = {LDXB(0, 1, VMT_MEM), EXIT()};
    vmt_out_t out;
    vmt_expect_fault(t, prog, NSLOTS(prog), FC_FAULT_MEM, 0, &out);
    assert_int_equal(out.fault.addr, (uint64_t)(uintptr_t)(t->mem + VMT_MEM));
    /* and a store far away must not happen */
    const fc_insn_t st[] = {STB(1, -32, 1), EXIT()};
    vmt_expect_fault(t, st, NSLOTS(st), FC_FAULT_MEM, 0, &out);
}

static void test_budget_is_not_exceeded_at_a_jump(void **state)
{
    vmt_t *t = *state;
    vmt_out_t out;
    /* mov, then 5 x (add, jne), exit: 12 instructions. With a budget of 9
     * the 4th taken jump (instruction 9) would lead to instruction 10. */
    const fc_insn_t loop[] = {MOV64_IMM(0, 0), ADD64_IMM(0, 1), JNE_IMM(0, 5, -2), EXIT()};
    t->budget = 9;
    vmt_run(t, loop, NSLOTS(loop), &out);
    assert_int_equal(out.status, FC_FAULT_BUDGET);
    assert_int_equal(out.executed, 9);
    assert_int_equal(out.fault.where, 1);
    /* observable: a loop that counts its passes in memory, 3 instructions
     * a pass, budget 9 = 3 passes */
    const fc_insn_t count[] = {ADD64_IMM(3, 1), STXDW(1, 0, 3), JA(-3)};
    vmt_run(t, count, NSLOTS(count), &out);
    assert_int_equal(out.status, FC_FAULT_BUDGET);
    uint64_t passes;
    memcpy(&passes, out.mem, 8);
    assert_int_equal(passes, 3);
    /* budget 3: one pass */
    const fc_insn_t one[] = {ADD64_IMM(3, 1), STXDW(1, 0, 3), JA(-3)};
    t->budget = 3;
    vmt_run(t, one, NSLOTS(one), &out);
    memcpy(&passes, out.mem, 8);
    assert_int_equal(passes, 1);
}

static int setup(void **state)
{
    *state = vmt_new();
    return 0;
}

static int teardown(void **state)
{
    vmt_free(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_eight_byte_stack_checks_every_access, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_budget_is_not_exceeded_at_a_jump, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
