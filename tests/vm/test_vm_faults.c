/* Run-time faults: every kind, with the instruction index, address and
 * size it reports, in both execution modes; after each, the same vm runs
 * again and succeeds (a fault leaves nothing behind). Also the run-time
 * refusals of fc_vm_run (unverified program, small stack, bad entry) and
 * fc_vm_check_ptr's edge cases.
 *
 * Every faulting program starts with GUARD: with r2 == 0 it returns 77 at
 * once, otherwise it jumps to the body at slot 3. The first run passes
 * r2 = VMT_MEM (body runs and faults), the rerun r2 = 0. */
#include "vm_test_util.h"

#include <stddef.h>
#include <string.h>

#define GUARD JNE_IMM(2, 0, 2), MOV64_IMM(0, 77), EXIT()
#define B 3 /* index of the first body slot */

static uint64_t addr_of(const void *p, int64_t delta)
{
    return (uint64_t)(uintptr_t)p + (uint64_t)delta;
}

static void expect_fault_at(vmt_t *t, const fc_insn_t *text, uint32_t n, int code,
                            unsigned long where, uint64_t addr, unsigned size)
{
    vmt_out_t out;
    t->rerun = 1;
    t->rerun_r2 = 0;
    t->rerun_r0 = 77;
    vmt_expect_fault(t, text, n, code, where, &out);
    if (out.fault.addr != addr || out.fault.size != size)
        fail_msg("%s at %lu: addr %#llx size %u, expected addr %#llx size %u", fc_status_name(code),
                 where, out.fault.addr, out.fault.size, (unsigned long long)addr, size);
    assert_true(out.executed >= 1);
}
#define FAULT(t, code, where, addr, size, ...)                                                     \
    do {                                                                                           \
        const fc_insn_t p_[] = {GUARD, __VA_ARGS__};                                               \
        expect_fault_at(t, p_, NSLOTS(p_), code, where, addr, size);                               \
    } while (0)

/* ---- FC_FAULT_MEM ------------------------------------------------------ */
static void test_mem_context_edges(void **state)
{
    vmt_t *t = *state;
    const uint8_t *m = t->mem;
    FAULT(t, FC_FAULT_MEM, B, addr_of(m, -1), 1, LDXB(0, 1, -1), EXIT());
    FAULT(t, FC_FAULT_MEM, B, addr_of(m, VMT_MEM), 1, LDXB(0, 1, VMT_MEM), EXIT());
    FAULT(t, FC_FAULT_MEM, B, addr_of(m, VMT_MEM - 2), 4, LDXW(0, 1, VMT_MEM - 2), EXIT());
    FAULT(t, FC_FAULT_MEM, B, addr_of(m, VMT_MEM - 7), 8, LDXDW(0, 1, VMT_MEM - 7), EXIT());
    FAULT(t, FC_FAULT_MEM, B, addr_of(m, -8), 8, STXDW(1, -8, 1), EXIT());
    FAULT(t, FC_FAULT_MEM, B, addr_of(m, -1), 2, STXH(1, -1, 1), EXIT());
    FAULT(t, FC_FAULT_MEM, B + 1, addr_of(m, VMT_MEM - 1), 2, MOV64_IMM(0, 0),
          INSN(0x6b, 1, 0, VMT_MEM - 1, 0), EXIT());
    FAULT(t, FC_FAULT_MEM, B, addr_of(m, VMT_MEM), 8, INSN(0xdb, 1, 2, VMT_MEM, 0x00), EXIT());
    /* the last byte and the last 8 bytes are fine */
    const fc_insn_t ok[] = {LDXB(0, 1, VMT_MEM - 1), LDXDW(3, 1, VMT_MEM - 8), EXIT()};
    t->rerun = 0;
    vmt_expect_r0(t, ok, NSLOTS(ok), 0);
}

static void test_mem_rodata_edges(void **state)
{
    vmt_t *t = *state;
    const uint8_t *ro = t->ro;
    FAULT(t, FC_FAULT_MEM, B + 2, addr_of(ro, -1), 1, LDDW_SRC(3, 1, 0), LDXB(0, 3, -1), EXIT());
    FAULT(t, FC_FAULT_MEM, B + 2, addr_of(ro, VMT_RO), 1, LDDW_SRC(3, 1, 0), LDXB(0, 3, VMT_RO),
          EXIT());
    FAULT(t, FC_FAULT_MEM, B + 2, addr_of(ro, VMT_RO - 2), 4, LDDW_SRC(3, 1, 0),
          LDXW(0, 3, VMT_RO - 2), EXIT());
    /* the end pointer lddw may form is not readable */
    FAULT(t, FC_FAULT_MEM, B + 2, addr_of(ro, VMT_RO), 1, LDDW_SRC(3, 1, VMT_RO), LDXB(0, 3, 0),
          EXIT());
}

static void test_mem_stack_edges(void **state)
{
    vmt_t *t = *state;
    const uint8_t *s = t->stack;
    /* through a copy of r10 the access is checked at run time */
    FAULT(t, FC_FAULT_MEM, B + 1, addr_of(s, VMT_STACK), 1, MOV64_REG(3, 10), LDXB(0, 3, 0),
          EXIT());
    FAULT(t, FC_FAULT_MEM, B + 1, addr_of(s, VMT_STACK - 4), 8, MOV64_REG(3, 10), STXDW(3, -4, 1),
          EXIT());
    FAULT(t, FC_FAULT_MEM, B + 2, addr_of(s, -1), 1, MOV64_REG(3, 10), ADD64_IMM(3, -VMT_STACK),
          LDXB(0, 3, -1), EXIT());
    FAULT(t, FC_FAULT_MEM, B + 2, addr_of(s, -4), 8, MOV64_REG(3, 10), ADD64_IMM(3, -VMT_STACK),
          LDXDW(0, 3, -4), EXIT());
    const fc_insn_t ok[] = {MOV64_REG(3, 10), ADD64_IMM(3, -VMT_STACK), LDXB(0, 3, 0),
                            MOV64_REG(3, 10), STXDW(3, -8, 3),          EXIT()};
    t->rerun = 0;
    vmt_expect_r0(t, ok, NSLOTS(ok), t->stack[0]);
}

static void test_mem_wraparound(void **state)
{
    vmt_t *t = *state;
    const uint64_t m = addr_of(t->mem, 0);
    /* the last byte of the address space, and an access straddling 2^64 */
    FAULT(t, FC_FAULT_MEM, B + 2, UINT64_MAX, 1, LDDW(3, UINT64_MAX), LDXB(0, 3, 0), EXIT());
    FAULT(t, FC_FAULT_MEM, B + 2, UINT64_MAX - 3, 8, LDDW(3, UINT64_MAX), LDXDW(0, 3, -3), EXIT());
    /* base + offset wrapping past 2^64 to a small address */
    FAULT(t, FC_FAULT_MEM, B + 2, 0x7eff, 1, LDDW(3, 0xffffffffffffff00), LDXB(0, 3, 0x7fff),
          EXIT());
    /* -mem: an address that is mem's distance below 2^64 */
    FAULT(t, FC_FAULT_MEM, B + 2, 0 - m, 1, MOV64_REG(3, 1), INSN(0x87, 3, 0, 0, 0), LDXB(0, 3, 0),
          EXIT());
    /* the low half points into mem, the high half is different */
    FAULT(t, FC_FAULT_MEM, B + 4, m + (1ull << 32), 1, MOV64_REG(3, 1), LDDW(4, 1ull << 32),
          ADD64_REG(3, 4), LDXB(0, 3, 0), EXIT());
    FAULT(t, FC_FAULT_MEM, B + 4, m ^ (1ull << 63), 4, MOV64_REG(3, 1), LDDW(4, 1ull << 63),
          INSN(0xaf, 3, 4, 0, 0), STXW(3, 0, 1), EXIT());
    FAULT(t, FC_FAULT_MEM, B + 4, m - (1ull << 32), 1, MOV64_REG(3, 1), LDDW(4, 1ull << 32),
          SUB64_REG(3, 4), LDXB(0, 3, 0), EXIT());
    /* a pointer truncated to 32 bits (mov32) is another address on a 64-bit host */
    if ((m >> 32) != 0)
        FAULT(t, FC_FAULT_MEM, B + 1, m & 0xffffffffu, 1, MOV32_REG(3, 1), LDXB(0, 3, 0), EXIT());
    /* null */
    FAULT(t, FC_FAULT_MEM, B + 1, 0, 8, MOV64_IMM(3, 0), LDXDW(0, 3, 0), EXIT());
}

/* ---- FC_FAULT_MEM_PERM ---------------------------------------------------- */
static void grant_write_only(vmt_t *t, fc_vm_t *vm)
{
    assert_int_equal(fc_vm_add_region(vm, t->pad2, VMT_PAD, FC_PERM_WRITE), FC_OK);
}

static void test_mem_perm(void **state)
{
    vmt_t *t = *state;
    const uint64_t ro = addr_of(t->ro, 0);
    FAULT(t, FC_FAULT_MEM_PERM, B + 2, ro, 1, LDDW_SRC(3, 1, 0), STB(3, 0, 1), EXIT());
    FAULT(t, FC_FAULT_MEM_PERM, B + 2, ro + VMT_RO - 8, 8, LDDW_SRC(3, 1, 0),
          STXDW(3, VMT_RO - 8, 1), EXIT());
    FAULT(t, FC_FAULT_MEM_PERM, B + 2, ro + 8, 8, LDDW_SRC(3, 1, 0), INSN(0xdb, 3, 2, 8, 0x00),
          EXIT());
    FAULT(t, FC_FAULT_MEM_PERM, B + 2, ro, 4, LDDW_SRC(3, 1, 0), INSN(0xc3, 3, 2, 0, 0xf1), EXIT());
    /* reading a write-only region */
    t->setup = grant_write_only;
    const int64_t pad2 = (int64_t)(offsetof(vmt_t, pad2) - offsetof(vmt_t, mem));
    FAULT(t, FC_FAULT_MEM_PERM, B + 1, addr_of(t->pad2, 0), 1, MOV64_REG(3, 1), LDXB(0, 3, pad2),
          EXIT());
    const fc_insn_t ok[] = {STB(1, pad2, 1), MOV64_IMM(0, 5), EXIT()};
    t->rerun = 0;
    vmt_expect_r0(t, ok, NSLOTS(ok), 5);
    assert_int_equal(t->pad2[0], 1);
}

/* ---- FC_FAULT_BUDGET ------------------------------------------------------ */
static void test_budget(void **state)
{
    vmt_t *t = *state;
    vmt_out_t out;
    t->budget = 100;
    FAULT(t, FC_FAULT_BUDGET, B, 0, 0, JA(-1));
    vmt_run(t, (const fc_insn_t[]){GUARD, JA(-1)}, 4, &out);
    assert_int_equal(out.executed, 100);

    t->budget = 101; /* guard + 50 iterations of add, ja */
    vmt_run(t, (const fc_insn_t[]){GUARD, ADD64_IMM(0, 1), JA(-2)}, 5, &out);
    assert_int_equal(out.status, FC_FAULT_BUDGET);
    assert_int_equal(out.executed, 101);
    assert_int_equal(out.fault.where, B);

    t->budget = 10; /* a loop around a helper call */
    vmt_run(t, (const fc_insn_t[]){GUARD, CALL_HELPER(VMT_H_SUM), JA(-2)}, 5, &out);
    assert_int_equal(out.status, FC_FAULT_BUDGET);
    assert_int_equal(out.executed, 10);

    /* a counted loop of 12 instructions runs on a budget of 12 (a budget
     * of 9 must stop it: see test_vm_regress.c, the off-by-one there) */
    const fc_insn_t loop[] = {MOV64_IMM(0, 0), ADD64_IMM(0, 1), JNE_IMM(0, 5, -2), EXIT()};
    t->rerun = 0;
    t->budget = 12;
    vmt_run(t, loop, NSLOTS(loop), &out);
    assert_int_equal(out.status, FC_OK);
    assert_int_equal(out.executed, 12);
    t->budget = 7; /* the 3rd taken jump leads to instruction 8 */
    vmt_run(t, loop, NSLOTS(loop), &out);
    assert_int_equal(out.status, FC_FAULT_BUDGET);
    assert_int_equal(out.executed, 7);

    /* the default budget stops an endless loop too */
    t->budget = 0;
    vmt_run(t, (const fc_insn_t[]){JA(-1)}, 1, &out);
    assert_int_equal(out.status, FC_FAULT_BUDGET);
    assert_int_equal(out.executed, FC_DEFAULT_BUDGET);
}

/* ---- FC_FAULT_CALL_DEPTH --------------------------------------------------- */
/* Verified code cannot nest deeper than prog->call_depth; the run-time check
 * is defence in depth, reached here by lowering call_depth after verification
 * (as a corrupted program struct would). */
static void test_call_depth_fault(void **state)
{
    vmt_t *t = *state;
    const fc_insn_t prog[] = {CALL_LOCAL(1), EXIT(),          CALL_LOCAL(1),
                              EXIT(),        MOV64_IMM(0, 3), EXIT()};
    assert_int_equal(vmt_verify(t, prog, NSLOTS(prog)), FC_OK);
    assert_int_equal(t->prog.call_depth, 2);
    t->prog.call_depth = 1;
    for (int mode = VMT_IN_PLACE; mode <= VMT_PREDECODED; mode++) {
        vmt_out_t out;
        vmt_run_mode(t, (enum vmt_mode)mode, &out);
        assert_int_equal(out.status, FC_FAULT_CALL_DEPTH);
        assert_int_equal(out.fault.where, 2);
        assert_int_equal(out.fault.addr, 0);
        assert_int_equal(out.fault.size, 0);
        assert_int_equal(out.executed, 2);
        /* the same vm, once the program is sound again, runs */
        t->prog.call_depth = 2;
        uint64_t r0 = 0;
        assert_int_equal(fc_vm_run(&t->vm, 0, 0, 0, &r0), FC_OK);
        assert_int_equal(r0, 3);
        t->prog.call_depth = 1;
        t->prog.xlate = NULL;
    }
}

/* ---- FC_FAULT_HELPER / FC_FAULT_HELPER_ARG ------------------------------- */
static void test_helper_faults(void **state)
{
    vmt_t *t = *state;
    FAULT(t, FC_FAULT_HELPER, B + 1, 50, 0, MOV64_IMM(3, 50), CALLX(3), EXIT());
    FAULT(t, FC_FAULT_HELPER, B + 1, VMT_H_MISSING, 0, MOV64_IMM(3, VMT_H_MISSING), CALLX(3),
          EXIT());
    FAULT(t, FC_FAULT_HELPER, B + 2, 1ull << 40, 0, LDDW(3, 1ull << 40), CALLX(3), EXIT());
    FAULT(t, FC_FAULT_HELPER, B + 1, UINT64_MAX, 0, MOV64_IMM(3, -1), CALLX(3), EXIT());
    FAULT(t, FC_FAULT_HELPER, B + 1, VMT_H_COUNT, 0, MOV64_IMM(3, VMT_H_COUNT), CALLX(3), EXIT());
    /* known, but not in this run's allow-list */
    fc_helper_mask_clear(&t->run_allowed);
    fc_helper_mask_set(&t->run_allowed, VMT_H_SUM);
    FAULT(t, FC_FAULT_HELPER, B + 1, VMT_H_READ8, 0, MOV64_IMM(3, VMT_H_READ8), CALLX(3), EXIT());
    fc_helper_mask_all(&t->run_allowed);

    FAULT(t, FC_FAULT_HELPER_ARG, B + 1, 0, 0, MOV64_IMM(0, 0), CALL_HELPER(VMT_H_FAULT), EXIT());
    FAULT(t, FC_FAULT_HELPER_ARG, B + 1, 0, 0, ADD64_IMM(1, -1), CALL_HELPER(VMT_H_READ8), EXIT());
    vmt_out_t out;
    vmt_run(t, (const fc_insn_t[]){GUARD, MOV64_IMM(0, 0), CALL_HELPER(VMT_H_FAULT), EXIT()}, 6,
            &out);
    assert_int_equal(out.executed, 3); /* jne, mov, call */
    assert_string_equal(out.fault.reason, "test helper refuses its argument");
}

/* ---- FC_FAULT_BAD_INSN ------------------------------------------------------ */
/* Not reachable in verified code: the verifier refuses every unknown opcode
 * and every path to an lddw's second slot. The interpreter still stops
 * cleanly on one if the text is changed after verification (which
 * fc_program_check detects). */
static void test_bad_insn_only_after_tamper(void **state)
{
    vmt_t *t = *state;
    fc_insn_t prog[] = {MOV64_IMM(0, 1), MOV64_IMM(0, 2), EXIT()};
    assert_int_equal(vmt_verify(t, prog, NSLOTS(prog)), FC_OK);
    prog[1].opcode = 0xff;
    assert_int_equal(fc_program_check(&t->prog), FC_ERR_NOT_VERIFIED);
#if VMT_IN_PLACE_ONLY
    /* The small interpreter decodes by instruction class and trusts the
     * verifier ("only verified programs run"): what a changed slot does is
     * not specified there; fc_program_check is the embedder's guard. */
    return;
#endif
    for (int mode = VMT_IN_PLACE; mode <= VMT_PREDECODED; mode++) {
        vmt_out_t out;
        vmt_run_mode(t, (enum vmt_mode)mode, &out);
        assert_int_equal(out.status, FC_FAULT_BAD_INSN);
        assert_int_equal(out.fault.where, 1);
        if (mode == VMT_IN_PLACE) { /* restored text: the same vm runs */
            prog[1].opcode = 0xb7;
            uint64_t r0 = 0;
            assert_int_equal(fc_vm_run(&t->vm, 0, 0, 0, &r0), FC_OK);
            assert_int_equal(r0, 2);
            prog[1].opcode = 0xff;
        }
        t->prog.xlate = NULL;
    }
}

/* ---- refusals of fc_vm_run itself ------------------------------------------ */
static void test_run_refusals(void **state)
{
    vmt_t *t = *state;
    const fc_insn_t prog[] = {MOV64_IMM(0, 9), EXIT(), MOV64_IMM(0, 10), EXIT()};
    uint64_t r0 = 0;

    /* never verified */
    fc_program_t blank;
    memset(&blank, 0, sizeof blank);
    blank.text = prog;
    blank.len = NSLOTS(prog);
    assert_int_equal(fc_vm_init(&t->vm, &blank, t->stack, VMT_STACK), FC_OK);
    assert_int_equal(fc_vm_run(&t->vm, 0, 0, 0, &r0), FC_ERR_NOT_VERIFIED);
    assert_int_equal(t->vm.fault.code, FC_ERR_NOT_VERIFIED);
    assert_non_null(t->vm.fault.reason);
    fc_program_t *null_prog = NULL;
    assert_int_equal(fc_vm_init(&t->vm, null_prog, t->stack, VMT_STACK), FC_OK);
    assert_int_equal(fc_vm_run(&t->vm, 0, 0, 0, &r0), FC_ERR_NOT_VERIFIED);

    static const uint32_t entries[] = {2};
    t->cfg.entries = entries;
    t->cfg.n_entries = 1;
    assert_int_equal(vmt_verify(t, prog, NSLOTS(prog)), FC_OK);
    for (int mode = VMT_IN_PLACE; mode <= VMT_PREDECODED; mode++) {
        vmt_prepare(t, (enum vmt_mode)mode);
        /* a stack smaller than the program needs */
        assert_int_equal(fc_vm_init(&t->vm, &t->prog, t->stack, FC_DEFAULT_FRAME - 8), FC_OK);
        assert_int_equal(fc_vm_run(&t->vm, 0, 0, 0, &r0), FC_ERR_BAD_CONFIG);
        assert_int_equal(t->vm.fault.code, FC_ERR_BAD_CONFIG);
        assert_int_equal(t->vm.executed, 0);
        /* an entry that is not an entry point, or past the end */
        assert_int_equal(fc_vm_init(&t->vm, &t->prog, t->stack, VMT_STACK), FC_OK);
        assert_int_equal(fc_vm_run(&t->vm, 1, 0, 0, &r0), FC_ERR_BAD_CONFIG);
        assert_int_equal(t->vm.fault.where, 1);
        assert_int_equal(fc_vm_run(&t->vm, 4, 0, 0, &r0), FC_ERR_BAD_CONFIG);
        assert_int_equal(fc_vm_run(&t->vm, UINT32_MAX, 0, 0, &r0), FC_ERR_BAD_CONFIG);
        /* and the same vm then runs both verified entries */
        assert_int_equal(fc_vm_run(&t->vm, 2, 0, 0, &r0), FC_OK);
        assert_int_equal(r0, 10);
        assert_int_equal(fc_vm_run(&t->vm, 0, 0, 0, &r0), FC_OK);
        assert_int_equal(r0, 9);
        assert_int_equal(t->vm.fault.code, FC_OK);
        t->prog.xlate = NULL;
    }
}

static void test_vm_setup_refusals(void **state)
{
    vmt_t *t = *state;
    const fc_insn_t prog[] = {EXIT()};
    assert_int_equal(vmt_verify(t, prog, 1), FC_OK);
    assert_int_equal(fc_vm_init(&t->vm, &t->prog, NULL, 64), FC_ERR_BAD_CONFIG);
    assert_int_equal(fc_vm_init(&t->vm, &t->prog, t->stack, 0), FC_ERR_BAD_CONFIG);
    assert_int_equal(fc_vm_init(&t->vm, &t->prog, t->stack, 12), FC_ERR_BAD_CONFIG);
    assert_int_equal(fc_vm_init(&t->vm, &t->prog, t->stack + 4, 64), FC_ERR_BAD_CONFIG);
    assert_int_equal(fc_vm_init(&t->vm, &t->prog, t->stack, VMT_STACK), FC_OK);
    assert_int_equal(fc_vm_add_region(&t->vm, t->mem, 8, 0), FC_ERR_BAD_CONFIG);
    assert_int_equal(fc_vm_add_region(&t->vm, t->mem, 8, 4), FC_ERR_BAD_CONFIG);
    assert_int_equal(fc_vm_add_region(&t->vm, (void *)(UINTPTR_MAX - 7), 9, FC_PERM_READ),
                     FC_ERR_BAD_CONFIG); /* wraps around the address space */
    for (unsigned i = 1; i < FC_MAX_REGIONS; i++)
        assert_int_equal(fc_vm_add_region(&t->vm, t->mem, 8, FC_PERM_READ), FC_OK);
    assert_int_equal(fc_vm_add_region(&t->vm, t->mem, 8, FC_PERM_READ), FC_ERR_BAD_CONFIG);
    fc_vm_reset_regions(&t->vm);
    assert_int_equal(t->vm.n_regions, 1);
    assert_int_equal(fc_vm_add_region(&t->vm, t->mem, 8, FC_PERM_READ), FC_OK);
}

/* ---- fc_vm_check_ptr -------------------------------------------------------- */
static void test_check_ptr(void **state)
{
    vmt_t *t = *state;
    const fc_insn_t prog[] = {EXIT()};
    assert_int_equal(vmt_verify(t, prog, 1), FC_OK);
    vmt_prepare(t, VMT_IN_PLACE);
    fc_vm_t *vm = &t->vm;
    const uint64_t m = addr_of(t->mem, 0), ro = addr_of(t->ro, 0);
    const uint64_t s = addr_of(t->stack, 0);

    assert_ptr_equal(fc_vm_check_ptr(vm, m, VMT_MEM, FC_PERM_RW), t->mem); /* the whole region */
    assert_null(fc_vm_check_ptr(vm, m, VMT_MEM + 1, FC_PERM_READ));
    assert_null(fc_vm_check_ptr(vm, m + 1, VMT_MEM, FC_PERM_READ));
    assert_null(fc_vm_check_ptr(vm, m - 1, 1, FC_PERM_READ));
    assert_non_null(fc_vm_check_ptr(vm, m + VMT_MEM - 1, 1, FC_PERM_READ));
    /* len 0: inside or at the end of a region, not beyond */
    assert_non_null(fc_vm_check_ptr(vm, m, 0, FC_PERM_READ));
    assert_non_null(fc_vm_check_ptr(vm, m + VMT_MEM, 0, FC_PERM_READ));
    assert_null(fc_vm_check_ptr(vm, m + VMT_MEM + 1, 0, FC_PERM_READ));
    assert_null(fc_vm_check_ptr(vm, m - 1, 0, FC_PERM_READ));
    /* huge lengths and wrapping sums */
    assert_null(fc_vm_check_ptr(vm, m, UINT64_MAX, FC_PERM_READ));
    assert_null(fc_vm_check_ptr(vm, m + 8, UINT64_MAX - 7, FC_PERM_READ)); /* end wraps to m */
    assert_null(fc_vm_check_ptr(vm, m, 0 - m, FC_PERM_READ));              /* end wraps to 0 */
    assert_null(fc_vm_check_ptr(vm, UINT64_MAX, 2, FC_PERM_READ));
    assert_null(fc_vm_check_ptr(vm, UINT64_MAX, 1, FC_PERM_READ));
    assert_null(fc_vm_check_ptr(vm, 0, 1, FC_PERM_READ));
    /* high half different, low half inside */
    assert_null(fc_vm_check_ptr(vm, m + (1ull << 32), 1, FC_PERM_READ));
    assert_null(fc_vm_check_ptr(vm, m ^ (1ull << 63), 1, FC_PERM_READ));
    /* spanning two regions is not inside one */
    assert_null(fc_vm_check_ptr(vm, m, (ro + VMT_RO) - m, FC_PERM_READ));
    /* permissions */
    assert_non_null(fc_vm_check_ptr(vm, ro, VMT_RO, FC_PERM_READ));
    assert_null(fc_vm_check_ptr(vm, ro, 1, FC_PERM_WRITE));
    assert_null(fc_vm_check_ptr(vm, ro, 1, FC_PERM_RW));
    assert_non_null(fc_vm_check_ptr(vm, s, VMT_STACK, FC_PERM_RW));
    assert_null(fc_vm_check_ptr(vm, s - 1, 2, FC_PERM_READ));
    /* padding between regions is no region */
    assert_null(fc_vm_check_ptr(vm, addr_of(t->pad1, 0), 1, FC_PERM_READ));
}

#define T(f) cmocka_unit_test_setup_teardown(f, vmt_setup, vmt_teardown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_mem_context_edges), T(test_mem_rodata_edges),  T(test_mem_stack_edges),
        T(test_mem_wraparound),    T(test_mem_perm),          T(test_budget),
        T(test_call_depth_fault),  T(test_helper_faults),     T(test_bad_insn_only_after_tamper),
        T(test_run_refusals),      T(test_vm_setup_refusals), T(test_check_ptr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
