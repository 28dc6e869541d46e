/* The VM's binding (the first run binds a verified program; a later run
 * trusts the binding until the program's generation or the budget changes) and
 * the in-place interpreter's one-step zero and sign extension (lsh then
 * rsh/arsh by the same amount on the same register). */
#include "vm_test_util.h"

#include <string.h>

/* Verify again after binding, with a frame that no longer fits the bound
 * stack: the run must see the new generation and refuse, not trust the
 * old preflight (r10-relative accesses are unchecked at run time). */
static void test_reverify_after_bind_is_seen(void **state)
{
    vmt_t *t = *state;
    static uint64_t stack[64]; /* 512 bytes: one default frame */
    const fc_insn_t prog[] = {STDW(10, -8, 7), LDXDW(0, 10, -8), EXIT()};
    assert_int_equal(vmt_verify(t, prog, NSLOTS(prog)), FC_OK);
    t->prog.xlate = NULL;
    fc_vm_t vm;
    assert_int_equal(fc_vm_init(&vm, &t->prog, stack, sizeof stack), FC_OK);
    uint64_t r0 = 0;
    assert_int_equal(fc_vm_run(&vm, 0, 0, 0, &r0), FC_OK);
    assert_int_equal(r0, 7);
    uint32_t gen = t->prog.generation;
    t->cfg.frame_size = 1024; /* now the program needs 1024 bytes */
    assert_int_equal(vmt_verify(t, prog, NSLOTS(prog)), FC_OK);
    assert_int_not_equal(t->prog.generation, gen);
    assert_int_equal(fc_vm_run(&vm, 0, 0, 0, &r0), FC_ERR_BAD_CONFIG);
    assert_int_equal(vm.fault.code, FC_ERR_BAD_CONFIG);
    /* a refused verification changes the generation too */
    const fc_insn_t bad[] = {INSN(0xff, 0, 0, 0, 0), EXIT()};
    gen = t->prog.generation;
    assert_int_not_equal(vmt_verify(t, bad, NSLOTS(bad)), FC_OK);
    assert_int_not_equal(t->prog.generation, gen);
    assert_int_equal(fc_vm_run(&vm, 0, 0, 0, &r0), FC_ERR_NOT_VERIFIED);
}

/* A budget written after binding (directly or through fc_vm_set_budget)
 * is the one the next run obeys. */
static void test_budget_change_after_bind(void **state)
{
    vmt_t *t = *state;
    static uint64_t stack[64];
    /* r0 = 0; loop: r0 += 1; if r0 != 100 goto loop; exit: 202 instructions */
    const fc_insn_t prog[] = {MOV64_IMM(0, 0), ADD64_IMM(0, 1), JNE_IMM(0, 100, -2), EXIT()};
    assert_int_equal(vmt_verify(t, prog, NSLOTS(prog)), FC_OK);
    t->prog.xlate = NULL;
    fc_vm_t vm;
    assert_int_equal(fc_vm_init(&vm, &t->prog, stack, sizeof stack), FC_OK);
    uint64_t r0 = 0;
    assert_int_equal(fc_vm_run(&vm, 0, 0, 0, &r0), FC_OK);
    assert_int_equal(vm.executed, 202);
    vm.budget = 50;
    assert_int_equal(fc_vm_run(&vm, 0, 0, 0, &r0), FC_FAULT_BUDGET);
    assert_int_equal(vm.executed, 50);
    fc_vm_set_budget(&vm, 202);
    assert_int_equal(fc_vm_run(&vm, 0, 0, 0, &r0), FC_OK);
    assert_int_equal(vm.executed, 202);
    fc_vm_set_budget(&vm, 201);
    assert_int_equal(fc_vm_run(&vm, 0, 0, 0, &r0), FC_FAULT_BUDGET);
    /* and the record of a run after a faulted one is clean */
    fc_vm_set_budget(&vm, 0);
    assert_int_equal(fc_vm_run(&vm, 0, 0, 0, &r0), FC_OK);
    assert_int_equal(vm.fault.code, FC_OK);
    assert_int_equal(vm.fault.where, 0);
    assert_null(vm.fault.reason);
}

/* The entry is part of the binding: a run from another entry does the
 * preflight (entry among prog->entries) and binds to it; a run from an
 * entry that is not a verified entry point is refused even while the VM
 * is bound to another one, and a binding to an entry that a new
 * verification dropped is not trusted. */
static void test_entry_binding(void **state)
{
    vmt_t *t = *state;
    static uint64_t stack[64];
    const fc_insn_t prog[] = {MOV64_IMM(0, 1), EXIT(),  /* 0: entry 0 */
                              MOV64_IMM(0, 2), EXIT(),  /* 2 */
                              LDDW(0, 5),      EXIT(),  /* 4, 5 (second slot), 6 */
                              MOV64_IMM(0, 7), EXIT()}; /* 7 */
    static const uint32_t entries[] = {2, 4};
    t->cfg.entries = entries;
    t->cfg.n_entries = 2;
    assert_int_equal(vmt_verify(t, prog, NSLOTS(prog)), FC_OK);
    t->prog.xlate = NULL;
    fc_vm_t vm;
    assert_int_equal(fc_vm_init(&vm, &t->prog, stack, sizeof stack), FC_OK);
    uint64_t r0 = 0;
    static const struct {
        uint32_t entry;
        fc_status_t st;
        uint64_t r0;
    } runs[] = {{0, FC_OK, 1},
                {2, FC_OK, 2},
                {2, FC_OK, 2},
                {0, FC_OK, 1},
                {3, FC_ERR_BAD_CONFIG, 0},
                {4, FC_OK, 5},
                {5, FC_ERR_BAD_CONFIG, 0},
                {4, FC_OK, 5},
                {7, FC_ERR_BAD_CONFIG, 0},
                {8, FC_ERR_BAD_CONFIG, 0},
                {2, FC_OK, 2}};
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        r0 = 0;
        assert_int_equal(fc_vm_run(&vm, runs[i].entry, 0, 0, &r0), runs[i].st);
        assert_int_equal(r0, runs[i].r0);
        if (runs[i].st != FC_OK) {
            assert_int_equal(vm.fault.code, runs[i].st);
            assert_int_equal(vm.fault.where, runs[i].entry);
            assert_int_equal(vm.executed, 0);
        }
    }
    /* bound to entry 2; verified again without it: the binding is stale */
    t->cfg.n_entries = 1; /* {2, 4} -> {2} */
    t->cfg.entries = &entries[1];
    assert_int_equal(vmt_verify(t, prog, NSLOTS(prog)), FC_OK);
    assert_int_equal(fc_vm_run(&vm, 2, 0, 0, &r0), FC_ERR_BAD_CONFIG);
    r0 = 0;
    assert_int_equal(fc_vm_run(&vm, 4, 0, 0, &r0), FC_OK);
    assert_int_equal(r0, 5);
    t->cfg.entries = NULL;
    t->cfg.n_entries = 0;
}

/* lsh then rsh/arsh by k on one register (clang's zero and sign
 * extension): every k, both shifts, and pairs that must not be taken as
 * one (other register, other amount, a jump into the second). */
static void test_shift_pairs(void **state)
{
    vmt_t *t = *state;
    const uint64_t v = 0x80c0e0f0f8fcfeffull;
    for (int k = 0; k < 64; k++) {
        for (int arith = 0; arith < 2; arith++) {
            const fc_insn_t prog[] = {LDDW(0, v), LSH64_IMM(0, k),
                                      arith ? ARSH64_IMM(0, k) : RSH64_IMM(0, k), EXIT()};
            uint64_t want = v << k;
            want = arith ? (uint64_t)((int64_t)want >> k) : want >> k;
            vmt_out_t out;
            vmt_run(t, prog, NSLOTS(prog), &out);
            assert_int_equal(out.status, FC_OK);
            assert_int_equal(out.r0, want);
            assert_int_equal(out.executed, 4);
        }
    }
    /* not a pair: other register, other amount */
    const fc_insn_t other_reg[] = {LDDW(0, v), MOV64_IMM(1, 5), LSH64_IMM(0, 32), RSH64_IMM(1, 32),
                                   EXIT()};
    vmt_out_t out;
    vmt_expect_r0(t, other_reg, NSLOTS(other_reg), v << 32);
    const fc_insn_t other_k[] = {LDDW(0, v), LSH64_IMM(0, 32), ARSH64_IMM(0, 16), EXIT()};
    vmt_expect_r0(t, other_k, NSLOTS(other_k), 0xfffff8fcfeff0000ull); /* (v << 32) arsh 16 */
    /* a jump to the rsh runs it alone: r0 = 3, shifted right by 1 */
    const fc_insn_t into[] = {MOV64_IMM(0, 3), JA(1), LSH64_IMM(0, 1), RSH64_IMM(0, 1), EXIT()};
    vmt_run(t, into, NSLOTS(into), &out);
    assert_int_equal(out.r0, 1);
    assert_int_equal(out.executed, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reverify_after_bind_is_seen, vmt_setup, vmt_teardown),
        cmocka_unit_test_setup_teardown(test_budget_change_after_bind, vmt_setup, vmt_teardown),
        cmocka_unit_test_setup_teardown(test_entry_binding, vmt_setup, vmt_teardown),
        cmocka_unit_test_setup_teardown(test_shift_pairs, vmt_setup, vmt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
