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
 *    budget, not what ran.
 *
 * 3. Region caches kept across runs: the per-opcode interpreter keeps the
 *    regions a run's reads and writes last matched in fc_vm_t, so that the
 *    next run does not pay for setting them up. A region granted for one
 *    run and revoked before the next (fc_vm_reset_regions(), or lowering
 *    n_regions as the engine does after every run) must not stay reachable
 *    through them. */
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

/* Registers are not cleared for programs the verifier proved write them
 * before reading them (they live in the VM across runs); a program that may
 * read one first must see zero in every run, whatever the last run left.
 * Each case runs twice on the same VM (rerun): the first run leaves r7 (or
 * r6) nonzero, the second must not see it. */
static void test_registers_read_before_written_start_at_zero(void **state)
{
    vmt_t *t = *state;
    /* r7 written only when r2 != 0: the rerun (r2 = 0) reads it unwritten */
    const fc_insn_t one_path[] = {JEQ_IMM(2, 0, 1), MOV64_IMM(7, 99), MOV64_REG(0, 7), EXIT()};
    t->rerun = 1;
    t->rerun_r2 = 0;
    t->rerun_r0 = 0;
    vmt_expect_r0(t, one_path, NSLOTS(one_path), 99);
    /* read first, written after, on one straight line */
    const fc_insn_t read_first[] = {MOV64_REG(0, 6), MOV64_IMM(6, 5), EXIT()};
    t->rerun_r2 = VMT_MEM;
    vmt_expect_r0(t, read_first, NSLOTS(read_first), 0);
    /* a helper gets r3..r5 as arguments: zero unless the program set them
     * (VMT_H_SUM returns r1 + ... + r5; r1 = 0 here) */
    const fc_insn_t leave[] = {MOV64_IMM(3, 1000), MOV64_IMM(1, 0), CALL_HELPER(VMT_H_SUM),
                               JNE_IMM(2, 0, 1),   EXIT(),          MOV64_IMM(4, 7),
                               MOV64_IMM(5, 9),    EXIT()};
    t->r1 = 0;
    t->rerun_r2 = 0;
    t->rerun_r0 = 1000 + 0; /* rerun: r2 = 0, r4, r5 were left 7 and 9 by the first run */
    vmt_expect_r0(t, leave, NSLOTS(leave), 1000 + VMT_MEM);
}
/* Bug class 3: jeq r2, 0, +3; stb [r1+0], 7; mov r0, 0; exit;
 * ldxb r0, [r1+0]; stxb [r1+1], r0; exit -- r2 != 0 writes first, r2 == 0
 * reads first (and then writes). */
static void revoked_region_stays_revoked(int translate, int engine_style)
{
    static _Alignas(8) uint8_t stack[512];
    static _Alignas(8) uint8_t mem[3][64]; /* a, a gap that is no region, b */
    uint8_t *a = mem[0], *b = mem[2];
    const fc_insn_t text[] = {JEQ_IMM(2, 0, 3), STB(1, 0, 7),  MOV64_IMM(0, 0), EXIT(),
                              LDXB(0, 1, 0),    STXB(1, 1, 0), EXIT()};
    static fc_xinsn_t xbuf[NSLOTS(text)];
    fc_program_t prog;
    fc_verify_config_t cfg;
    fc_error_t err;
    fc_verify_config_default(&cfg);
    cfg.frame_size = sizeof stack;
    cfg.max_call_depth = 0;
    assert_int_equal(fc_verify(&prog, text, NSLOTS(text), &cfg, &err), FC_OK);
    if (translate && fc_program_translate(&prog, xbuf, NSLOTS(text)) != FC_OK)
        return; /* a build without the pre-decoded form: the in-place runs cover it */
    fc_vm_t vm;
    uint64_t r0 = 0;
    memset(mem, 0, sizeof mem);
    a[0] = 5;
    assert_int_equal(fc_vm_init(&vm, &prog, stack, sizeof stack), FC_OK);
    assert_int_equal(fc_vm_add_region(&vm, a, 64, FC_PERM_RW), FC_OK);
    /* run 1 reads and writes a: both caches now hold it */
    assert_int_equal(fc_vm_run(&vm, 0, (uintptr_t)a, 0, &r0), FC_OK);
    assert_int_equal(r0, 5);
    assert_int_equal(a[1], 5);
    if (engine_style)
        vm.n_regions = 1;
    else
        fc_vm_reset_regions(&vm);
    assert_int_equal(fc_vm_add_region(&vm, b, 64, FC_PERM_RW), FC_OK);
    /* write first, to a: refused */
    assert_int_equal(fc_vm_run(&vm, 0, (uintptr_t)a, 1, &r0), FC_FAULT_MEM);
    assert_int_equal(vm.fault.where, 1);
    assert_int_equal(vm.fault.addr, (uintptr_t)a);
    /* read first, from a: refused */
    assert_int_equal(fc_vm_run(&vm, 0, (uintptr_t)a, 0, &r0), FC_FAULT_MEM);
    assert_int_equal(vm.fault.where, 4);
    assert_int_equal(a[0], 5); /* nothing was written */
    /* b, granted now, works */
    b[0] = 9;
    assert_int_equal(fc_vm_run(&vm, 0, (uintptr_t)b, 0, &r0), FC_OK);
    assert_int_equal(r0, 9);
    assert_int_equal(b[1], 9);
}

static void test_revoked_region_not_reachable_through_caches(void **state)
{
    (void)state;
    for (int translate = 0; translate < 2; translate++)
        for (int engine_style = 0; engine_style < 2; engine_style++)
            revoked_region_stays_revoked(translate, engine_style);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_eight_byte_stack_checks_every_access, vmt_setup,
                                        vmt_teardown),
        cmocka_unit_test_setup_teardown(test_budget_is_not_exceeded_at_a_jump, vmt_setup,
                                        vmt_teardown),
        cmocka_unit_test_setup_teardown(test_registers_read_before_written_start_at_zero, vmt_setup,
                                        vmt_teardown),
        cmocka_unit_test(test_revoked_region_not_reachable_through_caches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
