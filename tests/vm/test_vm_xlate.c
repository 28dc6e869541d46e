/* The pre-decoded mode's fused idioms and load/store pairs (each program
 * runs in both modes, which must agree), instruction counts against hand
 * counts, and the trace callback. */
#include "vm_test_util.h"

#include <string.h>

#if !VMT_IN_PLACE_ONLY
#include "xlate.h" /* fc_xlate_is_index: is a slot linked? */
#endif

/* ---- fused shift pairs ---------------------------------------------------- */
static void test_fused_extensions(void **state)
{
    vmt_t *t = *state;
    const fc_insn_t zext[] = {LDDW(0, 0xffffffff80000001), LSH64_IMM(0, 32), RSH64_IMM(0, 32),
                              EXIT()};
    vmt_expect_r0(t, zext, NSLOTS(zext), 0x80000001);
    const fc_insn_t sext32[] = {LDDW(0, 0x180000000), LSH64_IMM(0, 32), ARSH64_IMM(0, 32), EXIT()};
    vmt_expect_r0(t, sext32, NSLOTS(sext32), 0xffffffff80000000);
    const fc_insn_t sext32p[] = {LDDW(0, 0xffffffff7fffffff), LSH64_IMM(0, 32), ARSH64_IMM(0, 32),
                                 EXIT()};
    vmt_expect_r0(t, sext32p, NSLOTS(sext32p), 0x7fffffff);
    const fc_insn_t sext16[] = {LDDW(0, 0x12348000), LSH64_IMM(0, 48), ARSH64_IMM(0, 48), EXIT()};
    vmt_expect_r0(t, sext16, NSLOTS(sext16), 0xffffffffffff8000);
    const fc_insn_t sext8[] = {LDDW(0, 0x1280), LSH64_IMM(0, 56), ARSH64_IMM(0, 56), EXIT()};
    vmt_expect_r0(t, sext8, NSLOTS(sext8), 0xffffffffffffff80);
    const fc_insn_t sext8p[] = {LDDW(0, 0xff7f), LSH64_IMM(0, 56), ARSH64_IMM(0, 56), EXIT()};
    vmt_expect_r0(t, sext8p, NSLOTS(sext8p), 0x7f);
    /* not an idiom: different shift counts or registers */
    const fc_insn_t mixed[] = {LDDW(0, 0xffffffff80000001), LSH64_IMM(0, 32), RSH64_IMM(0, 31),
                               EXIT()};
    vmt_expect_r0(t, mixed, NSLOTS(mixed), 0x100000002);
    const fc_insn_t other[] = {LDDW(0, 0xffffffff80000001), LDDW(1, 7), LSH64_IMM(0, 32),
                               RSH64_IMM(1, 32), EXIT()};
    vmt_expect_r0(t, other, NSLOTS(other), 0x8000000100000000);
}

static void test_fused_with_mov(void **state)
{
    vmt_t *t = *state;
    const fc_insn_t zext[] = {LDDW(1, 0xffffffff80000001), MOV64_REG(0, 1), LSH64_IMM(0, 32),
                              RSH64_IMM(0, 32), EXIT()};
    vmt_expect_r0(t, zext, NSLOTS(zext), 0x80000001);
    const fc_insn_t sext32[] = {LDDW(1, 0x80000000), MOV64_REG(0, 1), LSH64_IMM(0, 32),
                                ARSH64_IMM(0, 32),   ADD64_REG(0, 1), EXIT()};
    /* the source keeps its value */
    vmt_expect_r0(t, sext32, NSLOTS(sext32), 0xffffffff80000000 + 0x80000000);
    const fc_insn_t sext16[] = {LDDW(1, 0xffff), MOV64_REG(0, 1), LSH64_IMM(0, 48),
                                ARSH64_IMM(0, 48), EXIT()};
    vmt_expect_r0(t, sext16, NSLOTS(sext16), UINT64_MAX);
    const fc_insn_t sext8[] = {LDDW(1, 0x17f), MOV64_REG(0, 1), LSH64_IMM(0, 56), ARSH64_IMM(0, 56),
                               EXIT()};
    vmt_expect_r0(t, sext8, NSLOTS(sext8), 0x7f);
    /* mov onto itself, then the shifts */
    const fc_insn_t self[] = {LDDW(0, 0x1ffffffff), MOV64_REG(0, 0), LSH64_IMM(0, 32),
                              RSH64_IMM(0, 32), EXIT()};
    vmt_expect_r0(t, self, NSLOTS(self), 0xffffffff);
}

static void test_fused_mov_add(void **state)
{
    vmt_t *t = *state;
    const fc_insn_t add3[] = {LDDW(1, 40), LDDW(2, 2), MOV64_REG(0, 1), ADD64_REG(0, 2), EXIT()};
    vmt_expect_r0(t, add3, NSLOTS(add3), 42);
    const fc_insn_t addk[] = {LDDW(1, 40), MOV64_REG(0, 1), ADD64_IMM(0, -50), EXIT()};
    vmt_expect_r0(t, addk, NSLOTS(addk), (uint64_t)-10);
    /* mov d, a; add d, d doubles a (the add reads the new d) */
    const fc_insn_t dbl[] = {LDDW(1, 21), MOV64_REG(0, 1), ADD64_REG(0, 0), EXIT()};
    vmt_expect_r0(t, dbl, NSLOTS(dbl), 42);
    /* mov d, a; add d, a */
    const fc_insn_t same[] = {LDDW(1, 21), MOV64_REG(0, 1), ADD64_REG(0, 1), EXIT()};
    vmt_expect_r0(t, same, NSLOTS(same), 42);
    /* mov32 (zero-extends) then add */
    const fc_insn_t m32[] = {LDDW(1, 0xffffffff00000005), MOV32_REG(0, 1), ADD64_IMM(0, 1), EXIT()};
    vmt_expect_r0(t, m32, NSLOTS(m32), 6);
}

/* A jump into the middle of a fused group executes only what follows. */
static void test_jump_into_fused_group(void **state)
{
    vmt_t *t = *state;
    vmt_out_t out;
    /* r2 == 0: skip the lsh, run only rsh 32 */
    const fc_insn_t pair[] = {LDDW(0, 0xffffffff80000001), JEQ_IMM(2, 0, 1), LSH64_IMM(0, 32),
                              RSH64_IMM(0, 32), EXIT()};
    t->r2 = 1;
    vmt_expect_r0(t, pair, NSLOTS(pair), 0x80000001);
    t->r2 = 0;
    vmt_expect_r0(t, pair, NSLOTS(pair), 0xffffffff);
    vmt_run(t, pair, NSLOTS(pair), &out);
    assert_int_equal(out.executed, 4);

    /* three-slot group mov; lsh; arsh: enter at the lsh, and at the arsh */
    const fc_insn_t three[] = {LDDW(0, 0x80001234),
                               LDDW(1, 0x80000000),
                               JEQ_IMM(2, 0, 1),
                               MOV64_REG(0, 1),
                               LSH64_IMM(0, 32),
                               ARSH64_IMM(0, 32),
                               EXIT()};
    t->r2 = 1;
    vmt_expect_r0(t, three, NSLOTS(three), 0xffffffff80000000);
    t->r2 = 0;
    vmt_expect_r0(t, three, NSLOTS(three), 0xffffffff80001234);
    const fc_insn_t three2[] = {LDDW(0, 0x8000000000000000),
                                LDDW(1, 5),
                                JEQ_IMM(2, 0, 2),
                                MOV64_REG(0, 1),
                                LSH64_IMM(0, 32),
                                ARSH64_IMM(0, 32),
                                EXIT()};
    vmt_expect_r0(t, three2, NSLOTS(three2), 0xffffffff80000000);

    /* mov + add: enter at the add */
    const fc_insn_t movadd[] = {MOV64_IMM(0, 100), MOV64_IMM(1, 1), JEQ_IMM(2, 0, 1),
                                MOV64_REG(0, 1),   ADD64_IMM(0, 7), EXIT()};
    vmt_expect_r0(t, movadd, NSLOTS(movadd), 107);
    t->r2 = 1;
    vmt_expect_r0(t, movadd, NSLOTS(movadd), 8);
    /* a backward jump onto the second slot of a group */
    const fc_insn_t loop[] = {MOV64_IMM(0, 0), MOV64_IMM(1, 0),   MOV64_REG(3, 1), ADD64_IMM(3, 1),
                              ADD64_IMM(0, 1), JNE_IMM(0, 3, -3), MOV64_REG(0, 3), EXIT()};
    /* the add r3,1 runs 3 times on r3 = 0 + ... : mov once, then add each pass */
    vmt_expect_r0(t, loop, NSLOTS(loop), 3);
}

/* ---- load/store pairs ------------------------------------------------------ */
static void test_pairs(void **state)
{
    vmt_t *t = *state;
    vmt_out_t out;
    /* ascending store pair, descending load pair, every size */
    const fc_insn_t w[] = {MOV64_IMM(3, 0x11111111),
                           MOV64_IMM(4, 0x22222222),
                           STXW(1, 8, 3),
                           STXW(1, 12, 4),
                           LDXW(5, 1, 12),
                           LDXW(6, 1, 8),
                           MOV64_REG(0, 5),
                           LSH64_IMM(0, 32),
                           ADD64_REG(0, 6),
                           EXIT()};
    vmt_expect_r0(t, w, NSLOTS(w), 0x2222222211111111);
    const fc_insn_t dw[] = {LDDW(3, 0x0102030405060708),
                            MOV64_IMM(4, -1),
                            STXDW(1, 24, 3),
                            STXDW(1, 16, 4),
                            LDXDW(5, 1, 16),
                            LDXDW(6, 1, 24),
                            ADD64_REG(5, 6),
                            MOV64_REG(0, 5),
                            EXIT()};
    vmt_expect_r0(t, dw, NSLOTS(dw), 0x0102030405060707);
    const fc_insn_t b[] = {MOV64_IMM(3, 0x1ab), MOV64_IMM(4, 0xcd), STXB(1, 0, 3),
                           STXB(1, 1, 4),       LDXH(0, 1, 0),      EXIT()};
    vmt_expect_r0(t, b, NSLOTS(b), 0xcdab);
    const fc_insn_t h[] = {LDXH(3, 1, 0),   LDXH(4, 1, 2),   LSH64_IMM(4, 16),
                           ADD64_REG(3, 4), MOV64_REG(0, 3), EXIT()};
    vmt_expect_r0(t, h, NSLOTS(h), 0x83828180);
    /* both loads into one register: the second wins */
    const fc_insn_t same[] = {LDXW(3, 1, 0), LDXW(3, 1, 4), MOV64_REG(0, 3), EXIT()};
    vmt_expect_r0(t, same, NSLOTS(same), 0x87868584);
    /* the second load overwrites the base: its own address was already formed */
    const fc_insn_t base2[] = {MOV64_REG(3, 1), LDXW(4, 3, 0),   LDXW(3, 3, 4),
                               ADD64_REG(3, 4), MOV64_REG(0, 3), EXIT()};
    vmt_expect_r0(t, base2, NSLOTS(base2), 0x87868584ull + 0x83828180ull);
    /* the first load overwrites the base: the second uses the new base */
    uint64_t target = (uint64_t)(uintptr_t)(t->mem + 64);
    memcpy(t->mem_init + 128, &target, 8);
    const fc_insn_t chase[] = {LDXDW(1, 1, 128), LDXDW(2, 1, 8), MOV64_REG(0, 2), EXIT()};
    uint64_t expect;
    memcpy(&expect, t->mem_init + 72, 8);
    vmt_expect_r0(t, chase, NSLOTS(chase), expect);
    /* stores of a register into memory the pair covers */
    const fc_insn_t st[] = {MOV64_IMM(3, 7), STXDW(1, 32, 1), STXDW(1, 40, 3), LDXDW(0, 1, 40),
                            EXIT()};
    vmt_run(t, st, NSLOTS(st), &out);
    assert_int_equal(out.r0, 7);
    uint64_t stored;
    memcpy(&stored, out.mem + 32, 8);
    assert_int_equal(stored, (uint64_t)(uintptr_t)t->mem);
}

/* A jump onto the second access of a pair runs only that access. */
static void test_jump_into_pair(void **state)
{
    vmt_t *t = *state;
    vmt_out_t out;
    const fc_insn_t prog[] = {MOV64_IMM(3, 0x33),
                              MOV64_IMM(4, 0x44),
                              JEQ_IMM(2, 0, 1),
                              STXW(1, 0, 3),
                              STXW(1, 4, 4),
                              MOV64_IMM(0, 0),
                              EXIT()};
    t->r2 = 0;
    vmt_run(t, prog, NSLOTS(prog), &out);
    assert_int_equal(out.status, FC_OK);
    uint32_t a, b;
    memcpy(&a, out.mem, 4);
    memcpy(&b, out.mem + 4, 4);
    assert_int_equal(a, 0x83828180); /* untouched */
    assert_int_equal(b, 0x44);
    assert_int_equal(out.executed, 6);
    t->r2 = 1;
    vmt_run(t, prog, NSLOTS(prog), &out);
    memcpy(&a, out.mem, 4);
    assert_int_equal(a, 0x33);
    assert_int_equal(out.executed, 7);
}

/* A pair whose second access faults: the first has executed, the fault
 * names the second's index, address and size. */
static void test_pair_second_faults(void **state)
{
    vmt_t *t = *state;
    vmt_out_t out;
    const fc_insn_t up[] = {MOV64_REG(2, 1),    ADD64_IMM(2, VMT_MEM - 4),
                            MOV64_IMM(3, 0x55), STXW(2, 0, 3),
                            STXW(2, 4, 3),      EXIT()};
    vmt_expect_fault(t, up, NSLOTS(up), FC_FAULT_MEM, 4, &out);
    assert_int_equal(out.fault.addr, (uint64_t)(uintptr_t)(t->mem + VMT_MEM));
    assert_int_equal(out.fault.size, 4);
    assert_int_equal(out.mem[VMT_MEM - 4], 0x55); /* the first store happened */
    assert_int_equal(out.executed, 5);
    /* descending: first at mem+0, second at mem-4 */
    const fc_insn_t down[] = {MOV64_IMM(3, 0x66), STXW(1, 0, 3), STXW(1, -4, 3), EXIT()};
    vmt_expect_fault(t, down, NSLOTS(down), FC_FAULT_MEM, 2, &out);
    assert_int_equal(out.fault.addr, (uint64_t)(uintptr_t)(t->mem - 4));
    assert_int_equal(out.mem[0], 0x66);
    /* a load pair: the second faults */
    const fc_insn_t ld[] = {MOV64_REG(2, 1), ADD64_IMM(2, VMT_MEM - 8), LDXDW(3, 2, 0),
                            LDXDW(4, 2, 8), EXIT()};
    vmt_expect_fault(t, ld, NSLOTS(ld), FC_FAULT_MEM, 3, &out);
    assert_int_equal(out.fault.size, 8);
    /* a store pair into a read-only region: the first faults */
    const fc_insn_t ro[] = {LDDW_SRC(2, FC_LDDW_RODATA, 0), STXW(2, 0, 1), STXW(2, 4, 1), EXIT()};
    vmt_expect_fault(t, ro, NSLOTS(ro), FC_FAULT_MEM_PERM, 2, &out);
}

/* Two adjacent regions: a pair straddling their border is two legal
 * accesses, one in each. */
static void split_mem(vmt_t *t, fc_vm_t *vm)
{
    fc_vm_reset_regions(vm);
    assert_int_equal(fc_vm_add_region(vm, t->mem, 128, FC_PERM_RW), FC_OK);
    assert_int_equal(fc_vm_add_region(vm, t->mem + 128, 128, FC_PERM_RW), FC_OK);
}

static void test_pair_across_regions(void **state)
{
    vmt_t *t = *state;
    vmt_out_t out;
    t->setup = split_mem;
    const fc_insn_t prog[] = {
        MOV64_IMM(3, 0x77), STXDW(1, 120, 3), STXDW(1, 128, 3), LDXDW(4, 1, 120),
        LDXDW(5, 1, 128),   ADD64_REG(4, 5),  MOV64_REG(0, 4),  EXIT()};
    vmt_run(t, prog, NSLOTS(prog), &out);
    assert_int_equal(out.status, FC_OK);
    assert_int_equal(out.r0, 0xee);
    /* while one access really straddling the border is refused */
    const fc_insn_t bad[] = {LDXDW(0, 1, 124), EXIT()};
    vmt_expect_fault(t, bad, NSLOTS(bad), FC_FAULT_MEM, 0, &out);
    assert_int_equal(out.fault.addr, (uint64_t)(uintptr_t)(t->mem + 124));
}

/* A load followed by the shift pair that sign-extends it (clang before
 * -mcpu=v4): fused into one handler in the pre-decoded form. */
static void test_fused_sign_extending_loads(void **state)
{
    vmt_t *t = *state;
    vmt_out_t out;
    /* mem[0..3] = 80 81 82 83 (negative), mem[64..67] = 00 01 02 03 */
    const fc_insn_t w[] = {LDXW(0, 1, 0), LSH64_IMM(0, 32), ARSH64_IMM(0, 32), EXIT()};
    vmt_expect_r0(t, w, NSLOTS(w), 0xffffffff83828180);
    const fc_insn_t wp[] = {LDXW(0, 1, 64), LSH64_IMM(0, 32), ARSH64_IMM(0, 32), EXIT()};
    vmt_expect_r0(t, wp, NSLOTS(wp), 0x03020100);
    const fc_insn_t h[] = {LDXH(0, 1, 0), LSH64_IMM(0, 48), ARSH64_IMM(0, 48), EXIT()};
    vmt_expect_r0(t, h, NSLOTS(h), 0xffffffffffff8180);
    const fc_insn_t b[] = {LDXB(0, 1, 1), LSH64_IMM(0, 56), ARSH64_IMM(0, 56), EXIT()};
    vmt_expect_r0(t, b, NSLOTS(b), 0xffffffffffffff81);
    const fc_insn_t bp[] = {LDXB(0, 1, 65), LSH64_IMM(0, 56), ARSH64_IMM(0, 56), EXIT()};
    vmt_expect_r0(t, bp, NSLOTS(bp), 1);
    /* the shift pair of another width is not a sign-extending load */
    const fc_insn_t mix[] = {LDXH(0, 1, 0), LSH64_IMM(0, 32), ARSH64_IMM(0, 32), EXIT()};
    vmt_expect_r0(t, mix, NSLOTS(mix), 0x8180);
    /* the loaded register is the base */
    const fc_insn_t self[] = {LDXW(1, 1, 0), LSH64_IMM(1, 32), ARSH64_IMM(1, 32), MOV64_REG(0, 1),
                              EXIT()};
    vmt_expect_r0(t, self, NSLOTS(self), 0xffffffff83828180);
    /* through a copy of r10 (stack hint) */
    const fc_insn_t stk[] = {STW(10, -4, -2),  MOV64_REG(3, 10),  LDXW(0, 3, -4),
                             LSH64_IMM(0, 32), ARSH64_IMM(0, 32), EXIT()};
    vmt_expect_r0(t, stk, NSLOTS(stk), (uint64_t)-2);
    /* a jump onto the lsh skips the load */
    const fc_insn_t jmp[] = {LDDW(0, 0x80000000), JEQ_IMM(2, 0, 1),  LDXW(0, 1, 64),
                             LSH64_IMM(0, 32),    ARSH64_IMM(0, 32), EXIT()};
    t->r2 = 0;
    vmt_expect_r0(t, jmp, NSLOTS(jmp), 0xffffffff80000000);
    t->r2 = 1;
    vmt_expect_r0(t, jmp, NSLOTS(jmp), 0x03020100);
    /* a faulting load is reported at its own index, and nothing after it ran */
    const fc_insn_t bad[] = {MOV64_IMM(0, 5), LDXW(0, 1, VMT_MEM - 2), LSH64_IMM(0, 32),
                             ARSH64_IMM(0, 32), EXIT()};
    vmt_expect_fault(t, bad, NSLOTS(bad), FC_FAULT_MEM, 1, &out);
    assert_int_equal(out.fault.addr, (uint64_t)(uintptr_t)(t->mem + VMT_MEM - 2));
    assert_int_equal(out.fault.size, 4);
    assert_int_equal(out.executed, 2);
}

/* Jumps farther than the pre-decoded form can encode: translation refuses,
 * and the program still runs in place. */
static void test_translate_far_jump(void **state)
{
    vmt_t *t = *state;
    enum { N = 3000 };
    static fc_insn_t far[N];
    far[0] = JA(N - 3);
    for (unsigned i = 1; i < N - 2; i++)
        far[i] = MOV64_IMM(0, 9);
    far[N - 2] = MOV64_IMM(0, 4);
    far[N - 1] = EXIT();
    assert_int_equal(vmt_verify(t, far, N), FC_OK);
    static fc_xinsn_t xbuf[N];
#if VMT_IN_PLACE_ONLY
    assert_int_equal(fc_program_translate(&t->prog, xbuf, N), FC_ERR_BAD_CONFIG);
#else
    assert_int_equal(fc_program_translate(&t->prog, xbuf, N), FC_ERR_TOO_LARGE);
#endif
    assert_null(t->prog.xlate);
    assert_int_equal(fc_program_translate(&t->prog, xbuf, N - 1), FC_ERR_BAD_CONFIG);
    vmt_prepare(t, VMT_IN_PLACE);
    uint64_t r0 = 0;
    assert_int_equal(fc_vm_run(&t->vm, 0, 0, 0, &r0), FC_OK);
    assert_int_equal(r0, 4);
    assert_int_equal(t->vm.executed, 3);
    /* an unverified program is not translated */
    fc_program_t blank;
    memset(&blank, 0, sizeof blank);
    assert_int_equal(fc_program_translate(&blank, xbuf, N), FC_ERR_BAD_CONFIG);
}

#if !VMT_IN_PLACE_ONLY
/* fc_program_translate installs handler indices (xlate.c); the first run
 * links the whole buffer and runs, later runs find it linked. A buffer that
 * another program's failed translation overwrote in part (its slot 0 an
 * index again, slot 2 still linked) is refused, never jumped through. */
static void test_link_on_first_run(void **state)
{
    vmt_t *t = *state;
    enum { N = 3000 };
    static fc_xinsn_t xbuf[N];
    const fc_insn_t p[] = {MOV64_IMM(0, 7), ADD64_IMM(0, 5), EXIT()};
    assert_int_equal(vmt_verify(t, p, NSLOTS(p)), FC_OK);
    vmt_prepare(t, VMT_IN_PLACE);
    assert_int_equal(fc_program_translate(&t->prog, xbuf, N), FC_OK);
    for (unsigned i = 0; i < NSLOTS(p); i++)
        assert_true(fc_xlate_is_index(&xbuf[i])); /* not linked yet */
    uint64_t r0 = 0;
    assert_int_equal(fc_vm_run(&t->vm, 0, 0, 0, &r0), FC_OK);
    assert_int_equal(r0, 12);
    for (unsigned i = 0; i < NSLOTS(p); i++)
        assert_false(fc_xlate_is_index(&xbuf[i])); /* linked, all of it */
    const void *linked = xbuf[1].handler;
    r0 = 0;
    assert_int_equal(fc_vm_run(&t->vm, 0, 0, 0, &r0), FC_OK);
    assert_int_equal(r0, 12);
    assert_ptr_equal(xbuf[1].handler, linked);

    /* another program whose second slot jumps too far for the encoding */
    static fc_insn_t far[N];
    far[0] = MOV64_IMM(0, 1);
    far[1] = JA(N - 4);
    for (unsigned i = 2; i < N - 1; i++)
        far[i] = MOV64_IMM(0, 2);
    far[N - 1] = EXIT();
    fc_program_t other;
    memset(&other, 0, sizeof other);
    assert_int_equal(fc_verify(&other, far, N, &t->cfg, NULL), FC_OK);
    assert_int_equal(fc_program_translate(&other, xbuf, N), FC_ERR_TOO_LARGE);
    assert_true(fc_xlate_is_index(&xbuf[0]));
    assert_false(fc_xlate_is_index(&xbuf[2]));
    r0 = 99;
    assert_int_equal(fc_vm_run(&t->vm, 0, 0, 0, &r0), FC_ERR_BAD_CONFIG);
    assert_int_equal(r0, 99);
    assert_int_equal(t->vm.fault.code, FC_ERR_BAD_CONFIG);
    assert_int_equal(t->vm.executed, 0);
    assert_true(fc_xlate_is_index(&xbuf[0])); /* left as it was */
    assert_int_equal(fc_vm_run(&t->vm, 0, 0, 0, &r0), FC_ERR_BAD_CONFIG);

    /* translated again, it runs */
    assert_int_equal(fc_program_translate(&t->prog, xbuf, N), FC_OK);
    r0 = 0;
    assert_int_equal(fc_vm_run(&t->vm, 0, 0, 0, &r0), FC_OK);
    assert_int_equal(r0, 12);
    assert_int_equal(t->vm.executed, 3);
}
#endif

/* ---- instruction counts ----------------------------------------------------- */
static void expect_count(vmt_t *t, const fc_insn_t *p, uint32_t n, uint64_t executed)
{
    vmt_out_t out;
    vmt_run(t, p, n, &out); /* both modes, same count */
    assert_int_equal(out.status, FC_OK);
    assert_int_equal(out.executed, executed);
}

static void test_counts(void **state)
{
    vmt_t *t = *state;
    expect_count(t, (const fc_insn_t[]){EXIT()}, 1, 1);
    expect_count(t, (const fc_insn_t[]){MOV64_IMM(0, 1), EXIT()}, 2, 2);
    expect_count(t, (const fc_insn_t[]){LDDW(0, 1), EXIT()}, 3, 2);
    expect_count(t, (const fc_insn_t[]){LDDW(0, 1), LDDW(1, 2), LDDW(2, 3), EXIT()}, 7, 4);
    /* mov, then 5 x (add, jne), exit */
    expect_count(
        t, (const fc_insn_t[]){MOV64_IMM(0, 0), ADD64_IMM(0, 1), JNE_IMM(0, 5, -2), EXIT()}, 4, 12);
    /* fused groups count as the slots they stand for */
    expect_count(t,
                 (const fc_insn_t[]){MOV64_REG(1, 2), LSH64_IMM(1, 32), RSH64_IMM(1, 32),
                                     MOV64_REG(0, 1), ADD64_IMM(0, 1), EXIT()},
                 6, 6);
    expect_count(t, (const fc_insn_t[]){LDXW(3, 1, 0), LDXW(4, 1, 4), MOV64_IMM(0, 0), EXIT()}, 4,
                 4);
    /* call, callee mov + exit, exit */
    expect_count(t, (const fc_insn_t[]){CALL_LOCAL(1), EXIT(), MOV64_IMM(0, 3), EXIT()}, 4, 4);
    /* helper call */
    expect_count(t, (const fc_insn_t[]){MOV64_IMM(1, 1), CALL_HELPER(VMT_H_SUM), EXIT()}, 3, 3);
    /* ja over 100 slots counts once */
    fc_insn_t far[104];
    far[0] = JA(101);
    for (int i = 1; i <= 101; i++)
        far[i] = MOV64_IMM(0, i);
    far[102] = MOV64_IMM(0, 1);
    far[103] = EXIT();
    expect_count(t, far, 104, 3);
    /* a helper sees the count up to and including its call */
    vmt_expect_r0(
        t, (const fc_insn_t[]){LDDW(0, 1), MOV64_IMM(1, 1), CALL_HELPER(VMT_H_EXECUTED), EXIT()}, 5,
        3);
}

/* ---- trace ------------------------------------------------------------------ */
#define MAX_EVENTS 32
typedef struct trace_log {
    unsigned n;
    fc_trace_event_t ev[MAX_EVENTS];
} trace_log_t;

static void record(const fc_vm_t *vm, const fc_trace_event_t *ev)
{
    trace_log_t *log = vm->trace_user;
    if (log->n < MAX_EVENTS)
        log->ev[log->n] = *ev;
    log->n++;
}

static void test_trace(void **state)
{
    vmt_t *t = *state;
    const fc_insn_t prog[] = {MOV64_IMM(0, 1), LDDW(3, 0x1122334455667788), ADD64_IMM(0, 2),
                              JA(1),           MOV64_IMM(0, 100),           MOV64_REG(4, 3),
                              EXIT()};
    static trace_log_t log;
    memset(&log, 0, sizeof log);
    assert_int_equal(vmt_verify(t, prog, NSLOTS(prog)), FC_OK);
    vmt_prepare(t, VMT_IN_PLACE);
    t->vm.trace = record;
    t->vm.trace_user = &log;
    uint64_t r0 = 0;
    assert_int_equal(fc_vm_run_traced(&t->vm, 0, 5, 6, &r0), FC_OK);
    assert_int_equal(r0, 3);
    static const uint32_t pcs[] = {0, 1, 3, 4, 6, 7};
    assert_int_equal(log.n, 6);
    assert_int_equal(t->vm.executed, 6);
    for (unsigned i = 0; i < 6; i++) {
        assert_int_equal(log.ev[i].pc, pcs[i]);
        assert_memory_equal(&log.ev[i].insn, &prog[pcs[i]], sizeof(fc_insn_t));
        if (i > 0) /* each event starts where the previous one ended */
            assert_memory_equal(log.ev[i].before, log.ev[i - 1].after, sizeof log.ev[i].before);
    }
    assert_int_equal(log.ev[0].before[1], 5);
    assert_int_equal(log.ev[0].before[2], 6);
    assert_int_equal(log.ev[0].before[0], 0);
    assert_int_equal(log.ev[0].after[0], 1);
    assert_int_equal(log.ev[1].after[3], 0x1122334455667788);
    assert_int_equal(log.ev[2].before[0], 1);
    assert_int_equal(log.ev[2].after[0], 3);
    assert_int_equal(log.ev[4].after[4], 0x1122334455667788);
    assert_int_equal(log.ev[5].insn.opcode, 0x95);
    assert_int_equal(log.ev[0].before[10], (uint64_t)(uintptr_t)(t->stack + VMT_STACK));

    /* a faulting run reports the faulting instruction last */
    const fc_insn_t bad[] = {MOV64_IMM(0, 1), LDXB(0, 1, -1), EXIT()};
    memset(&log, 0, sizeof log);
    assert_int_equal(vmt_verify(t, bad, NSLOTS(bad)), FC_OK);
    vmt_prepare(t, VMT_IN_PLACE);
    t->vm.trace = record;
    t->vm.trace_user = &log;
    assert_int_equal(fc_vm_run_traced(&t->vm, 0, t->r1, 0, &r0), FC_FAULT_MEM);
#if VMT_IN_PLACE_ONLY
    /* the small interpreter reports the instructions that completed */
    assert_int_equal(log.n, 1);
    assert_int_equal(log.ev[0].pc, 0);
#else
    assert_int_equal(log.n, 2);
    assert_int_equal(log.ev[1].pc, 1);
#endif
    assert_int_equal(t->vm.fault.where, 1);

    /* no callback: runs like fc_vm_run */
    t->vm.trace = NULL;
    assert_int_equal(vmt_verify(t, prog, NSLOTS(prog)), FC_OK);
    vmt_prepare(t, VMT_IN_PLACE);
    assert_int_equal(fc_vm_run_traced(&t->vm, 0, 5, 6, &r0), FC_OK);
    assert_int_equal(r0, 3);
}

#define T(f) cmocka_unit_test_setup_teardown(f, vmt_setup, vmt_teardown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_fused_extensions),
        T(test_fused_with_mov),
        T(test_fused_mov_add),
        T(test_jump_into_fused_group),
        T(test_pairs),
        T(test_jump_into_pair),
        T(test_pair_second_faults),
        T(test_pair_across_regions),
        T(test_counts),
        T(test_trace),
        T(test_fused_sign_extending_loads),
        T(test_translate_far_jump),
#if !VMT_IN_PLACE_ONLY
        T(test_link_on_first_run),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
