/* Firmware self-test: runs on every board, prints what it checks on the
 * console, and returns the verdict that becomes QEMU's exit status.
 *
 * What it proves on the target CPU (not on the host):
 *   - the board's console, timer interrupt and exit path work;
 *   - the VM verifies and runs the conformance vectors and the benchmark
 *     programs with the expected results (64-bit eBPF on a 32-bit core);
 *   - container data at any alignment is handled without a CPU fault, also
 *     with unaligned-access trapping on (the Cortex-M0+ rule);
 *   - hostile containers (out-of-region, read-only, high-half, budget
 *     overrun) end in a clean fault and the firmware carries on. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bm.h"
#include "femto/vm.h"
#include "fixtures.h"
#include "hostiletest.h"

extern const fw_fixture_t fw_conf[];
extern const unsigned fw_conf_count;
extern const fw_fixture_t fw_bench[];
extern const unsigned fw_bench_count;

/* ---- state of the test run ----------------------------------------------- */
static unsigned checks_run;
static unsigned checks_failed;

static void check(int ok, const char *what, const char *name)
{
    checks_run++;
    if (!ok) {
        checks_failed++;
        bm_printf("FAIL %s: %s\n", what, name);
    }
}

/* VM memory: one stack for every run (the engine shares it the same way),
 * and a scratch buffer for container input at a chosen misalignment. */
static uint64_t vm_stack[(FC_DEFAULT_FRAME * (FC_MAX_CALL_DEPTH + 1)) / 8];
static uint64_t input_words[4096 / 8 + 1];
static uint64_t secret_words[4] = {0x5ec7e75ec7e75ec7ull, 1, 2, 3};

static fc_program_t prog;
static fc_vm_t vm;

/* Helper 5 as the conformance suite expects ("unwind": returns r1). */
static uint64_t helper_unwind(fc_vm_t *v, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                              uint64_t r5)
{
    (void)v, (void)r2, (void)r3, (void)r4, (void)r5;
    return r1;
}
static const fc_helper_fn helper_fns[6] = {[5] = helper_unwind};
static const fc_helper_table_t helpers = {helper_fns, 6};

static fc_status_t load(const fc_insn_t *text, uint32_t n, fc_error_t *err)
{
    fc_verify_config_t cfg;
    fc_verify_config_default(&cfg);
    cfg.helpers = &helpers;
    fc_helper_mask_all(&cfg.allowed);
    fc_status_t st = fc_verify(&prog, text, n, &cfg, err);
    if (st != FC_OK)
        return st;
    st = fc_vm_init(&vm, &prog, vm_stack, sizeof vm_stack);
    if (st == FC_OK)
        fc_vm_set_helpers(&vm, &helpers, &cfg.allowed);
    return st;
}

/* Copy a fixture's input to `misalign` bytes past an 8-aligned address. */
static uint8_t *place_input(const fw_fixture_t *fx, unsigned misalign)
{
    uint8_t *buf = (uint8_t *)input_words + misalign;
    if (fx->mem_len > 0)
        memcpy(buf, fx->mem, fx->mem_len);
    return buf;
}

static void report_status(const char *name, const char *stage, int st, const fc_error_t *e)
{
    bm_printf("     %s: %s %s (%d) at %lu: %s\n", name, stage, fc_status_name(st), st,
              e ? e->where : 0ul, e && e->reason ? e->reason : "-");
}

static fc_xinsn_t xlate_buf[256];
static unsigned translated_runs;

#ifndef FW_JIT_RANDOM_PROGRAMS
#define FW_JIT_RANDOM_PROGRAMS 4000
#endif

#ifdef FW_JIT
int jit_long_test(void); /* firmware/app/jitlongtest.c */
int jit_edge_test(void);

/* The JIT image (selftest-jit): every program also runs JIT-compiled, and
 * the JIT's run is compared with the interpreter's (r0, status, fault
 * record, executed count, memory). A program the JIT refuses runs on the
 * interpreter through fc_jit_run; refusals are counted and printed. */
static uint32_t jit_code[8192];
static fc_jit_t jit;
static unsigned jit_runs, jit_fallbacks;
static uint8_t mem_after_interp[4096];

static fc_status_t jit_translate_prog(void)
{
    fc_status_t st = fc_jit_translate(&jit, &prog, jit_code, sizeof jit_code);
    if (st != FC_OK)
        jit_fallbacks++;
    return st;
}
#endif

/* Run the loaded program: JIT-compiled in the JIT image, else in place. */
static fc_status_t run_vm(uint64_t r1, uint64_t r2, uint64_t *r0)
{
#ifdef FW_JIT
    jit_translate_prog();
    return fc_jit_run(&jit, &vm, 0, r1, r2, r0);
#else
    return fc_vm_run(&vm, 0, r1, r2, r0);
#endif
}

static int run_and_compare(const fw_fixture_t *fx, uint8_t *mem, uint64_t r1, uint64_t r2,
                           const char *mode)
{
    uint64_t r0 = 0;
    (void)mem;
    fc_status_t st = fc_vm_run(&vm, 0, r1, r2, &r0);
    if (st != FC_OK) {
        report_status(fx->name, mode, st, &vm.fault);
        return 0;
    }
    if (r0 != fx->result) {
        bm_printf("     %s (%s): r0=0x%llx expected 0x%llx\n", fx->name, mode,
                  (unsigned long long)r0, (unsigned long long)fx->result);
        return 0;
    }
    return 1;
}

/* Verify and run one fixture; 1 when it behaved as the file says. */
static int run_fixture(const fw_fixture_t *fx, unsigned misalign)
{
    fc_error_t err = {0};
    fc_status_t st = load(fx->text, fx->n_slots, &err);
    if (fx->must_reject)
        return st != FC_OK;
    if (st != FC_OK) {
        report_status(fx->name, "load", st, &err);
        return 0;
    }
    uint8_t *mem = place_input(fx, misalign);
    uint64_t r1 = 0, r2 = 0;
    if (fx->mem_len > 0) {
        fc_vm_add_region(&vm, mem, fx->mem_len, FC_PERM_RW);
        r1 = (uintptr_t)mem;
        r2 = fx->mem_len;
    }
    int ok = run_and_compare(fx, mem, r1, r2, "in place");
#ifdef FW_JIT
    {
        uint64_t want_r0 = 0, got_r0 = 0;
        place_input(fx, misalign);
        fc_status_t want_st = fc_vm_run(&vm, 0, r1, r2, &want_r0); /* the same start */
        fc_error_t want = vm.fault;
        uint64_t want_exec = vm.executed;
        uint32_t want_depth = vm.max_depth;
        if (fx->mem_len > 0)
            memcpy(mem_after_interp, mem, fx->mem_len);
        place_input(fx, misalign);
        if (jit_translate_prog() != FC_OK) {
            bm_printf("     %s: JIT refused at %lu (%s): interpreter\n", fx->name,
                      jit.refused.where, jit.refused.reason ? jit.refused.reason : "-");
        }
        fc_status_t got_st = fc_jit_run(&jit, &vm, 0, r1, r2, &got_r0);
        jit_runs += jit.code != NULL;
        int same = got_st == want_st && got_r0 == want_r0 && vm.fault.code == want.code &&
                   vm.fault.where == want.where && vm.fault.addr == want.addr &&
                   vm.fault.size == want.size && vm.executed == want_exec &&
                   vm.max_depth == want_depth &&
                   (fx->mem_len == 0 || memcmp(mem_after_interp, mem, fx->mem_len) == 0);
        if (!same) {
            bm_printf("     %s (jit): %s r0=0x%llx at %lu executed %llu; interpreter %s r0=0x%llx "
                      "at %lu executed %llu\n",
                      fx->name, fc_status_name(got_st), (unsigned long long)got_r0, vm.fault.where,
                      (unsigned long long)vm.executed, fc_status_name(want_st),
                      (unsigned long long)want_r0, want.where, (unsigned long long)want_exec);
        }
        ok &= same;
    }
#endif
    /* Builds with the pre-decoded form run it too (FC_ERR_BAD_CONFIG: this
     * build has none). The input is restored first: some programs store. */
    if (fc_program_translate(&prog, xlate_buf, sizeof xlate_buf / sizeof xlate_buf[0]) == FC_OK) {
        place_input(fx, misalign);
        ok &= run_and_compare(fx, mem, r1, r2, "pre-decoded");
        translated_runs++;
    }
    return ok;
}

static void run_fixture_set(const char *set, const fw_fixture_t *fx, unsigned count,
                            unsigned misalign)
{
    unsigned failed_before = checks_failed;
    for (unsigned i = 0; i < count; i++)
        check(run_fixture(&fx[i], misalign), set, fx[i].name);
    bm_printf("[%s] %u programs, input at +%u: %u failed (%u also pre-decoded)\n", set, count,
              misalign, checks_failed - failed_before, translated_runs);
    translated_runs = 0;
#ifdef FW_JIT
    bm_printf("[%s jit] %u programs JIT-compiled and compared with the interpreter, %u refused "
              "(ran on the interpreter)\n",
              set, jit_runs, jit_fallbacks);
    jit_runs = 0;
    jit_fallbacks = 0;
#endif
}

/* ---- hand-written programs ------------------------------------------------- */
#define INSN(op, dst, src, off, imm)                                                               \
    {                                                                                              \
        (op), (uint8_t)((dst) | ((src) << 4)), (off), (imm)                                        \
    }
#define LDDW(dst, v)                                                                               \
    INSN(0x18, dst, 0, 0, (int32_t)(uint32_t)(v)),                                                 \
        INSN(0x00, 0, 0, 0, (int32_t)(uint32_t)((uint64_t)(v) >> 32))
#define MOV64_IMM(dst, imm) INSN(0xb7, dst, 0, 0, imm)
#define ADD64_REG(dst, src) INSN(0x0f, dst, src, 0, 0)
#define ADD64_IMM(dst, imm) INSN(0x07, dst, 0, 0, imm)
#define LDXB(dst, src, off) INSN(0x71, dst, src, off, 0)
#define LDXH(dst, src, off) INSN(0x69, dst, src, off, 0)
#define LDXW(dst, src, off) INSN(0x61, dst, src, off, 0)
#define LDXDW(dst, src, off) INSN(0x79, dst, src, off, 0)
#define STXH(dst, src, off) INSN(0x6b, dst, src, off, 0)
#define STXW(dst, src, off) INSN(0x63, dst, src, off, 0)
#define STXDW(dst, src, off) INSN(0x7b, dst, src, off, 0)
#define ATOMIC_ADD32(dst, src, off) INSN(0xc3, dst, src, off, 0x00)
#define ATOMIC_ADD64(dst, src, off) INSN(0xdb, dst, src, off, 0x00)
#define JA(off) INSN(0x05, 0, 0, off, 0)
#define EXIT() INSN(0x95, 0, 0, 0, 0)

/* Run a hand-written program with r1 = arg over a region (or none). */
static fc_status_t run_prog(const fc_insn_t *text, uint32_t n, const void *region, size_t len,
                            uint32_t perm, uint64_t arg, uint64_t *r0)
{
    fc_error_t err = {0};
    fc_status_t st = load(text, n, &err);
    if (st != FC_OK)
        return st;
    if (region != NULL)
        fc_vm_add_region(&vm, region, len, perm);
    return run_vm(arg, len, r0);
}

/* Unaligned loads and stores of every width inside the granted region. */
static const fc_insn_t prog_unaligned[] = {
    LDXH(2, 1, 1),   LDXW(3, 1, 3),   LDXDW(4, 1, 5), MOV64_IMM(0, 0), ADD64_REG(0, 2),
    ADD64_REG(0, 3), ADD64_REG(0, 4), STXH(1, 0, 17), STXW(1, 0, 19),  STXDW(1, 0, 25),
    LDXDW(5, 1, 25), ADD64_REG(0, 5), EXIT(),
};

static uint64_t read_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

static void test_unaligned_container_access(unsigned misalign)
{
    uint8_t *buf = (uint8_t *)input_words + misalign;
    for (unsigned i = 0; i < 40; i++)
        buf[i] = (uint8_t)(0x11u * i + 7u);
    uint64_t sum = read_le(buf + 1, 2) + read_le(buf + 3, 4) + read_le(buf + 5, 8);
    uint64_t r0 = 0;
    fc_status_t st = run_prog(prog_unaligned, sizeof prog_unaligned / sizeof prog_unaligned[0], buf,
                              40, FC_PERM_RW, (uintptr_t)buf, &r0);
    int ok = st == FC_OK && r0 == sum + sum && read_le(buf + 17, 2) == (sum & 0xffffu) &&
             read_le(buf + 19, 4) == (sum & 0xffffffffu) && read_le(buf + 25, 8) == sum;
    check(ok, "unaligned ldx/stx of 2, 4, 8 bytes",
          misalign ? "input misaligned" : "input aligned");
}

/* Stack accesses the verifier proves in-frame skip the run-time check, so
 * the interpreter's own access must still be safe at an odd offset. */
static const fc_insn_t prog_unaligned_stack[] = {
    LDDW(1, 0x0123456789abcdefull),
    STXDW(10, 1, -21),
    STXW(10, 1, -7),
    LDXDW(0, 10, -21),
    LDXW(2, 10, -7),
    ADD64_REG(0, 2),
    EXIT(),
};

static void test_unaligned_stack_access(void)
{
    uint64_t r0 = 0;
    fc_status_t st =
        run_prog(prog_unaligned_stack, sizeof prog_unaligned_stack / sizeof prog_unaligned_stack[0],
                 NULL, 0, 0, 0, &r0);
    if (st != FC_OK)
        report_status("unaligned stack", "run", st, &vm.fault);
    check(st == FC_OK && r0 == 0x0123456789abcdefull + 0x89abcdefull,
          "unaligned r10-relative stx/ldx", "stack");
}

/* Atomics at a misaligned address: a correct result or a clean fault are
 * both acceptable; a CPU fault (the test never returns) is not. */
static const fc_insn_t prog_atomic_unaligned[] = {
    MOV64_IMM(2, 5), ATOMIC_ADD32(1, 2, 1), ATOMIC_ADD64(1, 2, 9), LDXW(0, 1, 1), EXIT(),
};

static void test_unaligned_atomics(void)
{
    uint8_t *buf = (uint8_t *)input_words;
    memset(buf, 0, 24);
    uint64_t r0 = 0;
    fc_status_t st = run_prog(prog_atomic_unaligned,
                              sizeof prog_atomic_unaligned / sizeof prog_atomic_unaligned[0], buf,
                              24, FC_PERM_RW, (uintptr_t)buf, &r0);
    int ok = (st == FC_OK && r0 == 5 && read_le(buf + 9, 8) == 5) || st == FC_FAULT_MEM ||
             st == FC_FAULT_BAD_INSN;
    bm_printf("     unaligned atomics: %s (r0=%llu)\n", fc_status_name(st), (unsigned long long)r0);
    check(ok, "unaligned atomic add 32/64", "atomics");
}

/* A short program that must keep working after every fault. */
static const fc_insn_t prog_alive[] = {MOV64_IMM(0, 40), ADD64_IMM(0, 2), EXIT()};

static void check_still_alive(const char *after)
{
    uint64_t r0 = 0;
    fc_status_t st = run_prog(prog_alive, 3, NULL, 0, 0, 0, &r0);
    check(st == FC_OK && r0 == 42, "VM runs again after a fault", after);
}

static const fc_insn_t prog_load_r1[] = {LDXB(0, 1, 0), EXIT()};
static const fc_insn_t prog_load_r1_dw[] = {LDXDW(0, 1, 0), EXIT()};
static const fc_insn_t prog_load_r1_minus1[] = {LDXB(0, 1, -1), EXIT()};
static const fc_insn_t prog_store_r1[] = {MOV64_IMM(0, 0), STXDW(1, 0, 0), EXIT()};
static const fc_insn_t prog_high_half[] = {
    MOV64_IMM(2, 1), INSN(0x67, 2, 0, 0, 32), /* r2 <<= 32 */
    ADD64_REG(1, 2), LDXB(0, 1, 0),           EXIT(),
};
static const fc_insn_t prog_forever[] = {MOV64_IMM(0, 0), ADD64_IMM(0, 1), JA(-2), EXIT()};

static void expect_fault(const char *name, const fc_insn_t *text, uint32_t n, const void *region,
                         size_t len, uint32_t perm, uint64_t arg, fc_status_t want)
{
    uint64_t r0 = 0;
    fc_status_t st = run_prog(text, n, region, len, perm, arg, &r0);
    bm_printf("     %-34s -> %s (%d) at insn %lu\n", name, fc_status_name(st), st, vm.fault.where);
    check(st == want, "hostile program faults cleanly", name);
    check_still_alive(name);
}

static void test_hostile(void)
{
    uint8_t *buf = (uint8_t *)input_words;
    uintptr_t secret = (uintptr_t)secret_words;
#define N(p) (uint32_t)(sizeof(p) / sizeof((p)[0]))
    expect_fault("read of ungranted firmware RAM", prog_load_r1_dw, N(prog_load_r1_dw), buf, 16,
                 FC_PERM_RW, secret, FC_FAULT_MEM);
    expect_fault("write to address 0 (M: vectors)", prog_store_r1, N(prog_store_r1), buf, 16,
                 FC_PERM_RW, 0, FC_FAULT_MEM);
    expect_fault("write to a read-only region", prog_store_r1, N(prog_store_r1), buf, 16,
                 FC_PERM_READ, (uintptr_t)buf, FC_FAULT_MEM_PERM);
    expect_fault("8-byte read across region end", prog_load_r1_dw, N(prog_load_r1_dw), buf, 16,
                 FC_PERM_RW, (uintptr_t)buf + 12, FC_FAULT_MEM);
    expect_fault("read one byte before region", prog_load_r1_minus1, N(prog_load_r1_minus1), buf,
                 16, FC_PERM_RW, (uintptr_t)buf, FC_FAULT_MEM);
    expect_fault("address with high half set", prog_high_half, N(prog_high_half), buf, 16,
                 FC_PERM_RW, (uintptr_t)buf, FC_FAULT_MEM);
    expect_fault("read at address 0 (no region)", prog_load_r1, N(prog_load_r1), NULL, 0, 0, 0,
                 FC_FAULT_MEM);
    vm.budget = 0;
    fc_error_t err = {0};
    uint64_t r0 = 0;
    fc_status_t st = load(prog_forever, N(prog_forever), &err);
    if (st == FC_OK) {
        vm.budget = 5000;
        st = run_vm(0, 0, &r0);
    }
    bm_printf("     %-34s -> %s (%d) after %llu insns\n", "endless loop, budget 5000",
              fc_status_name(st), st, (unsigned long long)vm.executed);
    check(st == FC_FAULT_BUDGET && vm.executed <= 5001, "budget overrun faults cleanly",
          "endless loop");
    check_still_alive("budget overrun");
    check(secret_words[0] == 0x5ec7e75ec7e75ec7ull, "firmware memory untouched", "secret");
#undef N
}

/* ---- board checks ------------------------------------------------------ */
static void test_timer(void)
{
    /* The tick must advance: wait for a few timer interrupts. Bounded by a
     * count of wake-ups, not by time, so a missing interrupt is a failure
     * (or QEMU's timeout) rather than a hang. */
    uint64_t start = bm_ticks();
    unsigned wakeups = 0;
    while (bm_ticks() - start < 3 && wakeups < 1000000u) {
        bm_wait_for_interrupt();
        wakeups++;
    }
    bm_printf("[timer] %llu ticks after %u wake-ups\n", (unsigned long long)(bm_ticks() - start),
              wakeups);
    check(bm_ticks() - start >= 3, "timer interrupt advances the tick", "timer");
}

#ifdef FW_JIT
/* A code buffer too small for the program: the translation is refused
 * with a reason, and fc_jit_run runs the interpreter (same result) and
 * counts the fallback. Also: a program changed by a new verification is
 * not run from its stale translation. */
static void test_jit_fallback(void)
{
    const fw_fixture_t *fx = &fw_bench[0];
    fc_error_t err = {0};
    static uint32_t tiny[96];
    int ok = load(fx->text, fx->n_slots, &err) == FC_OK;
    uint8_t *mem = place_input(fx, 0);
    fc_vm_add_region(&vm, mem, fx->mem_len, FC_PERM_RW);
    fc_status_t st = fc_jit_translate(&jit, &prog, tiny, sizeof tiny);
    uint64_t r0 = 0;
    fc_status_t run = fc_jit_run(&jit, &vm, 0, (uintptr_t)mem, fx->mem_len, &r0);
    bm_printf("[jit fallback] %s in %u bytes: %s at %lu (%s); run %s, r0 %s, fallback runs %u\n",
              fx->name, (unsigned)sizeof tiny, fc_status_name(st), jit.refused.where,
              jit.refused.reason ? jit.refused.reason : "-", fc_status_name(run),
              r0 == fx->result ? "right" : "WRONG", (unsigned)jit.fallback_runs);
    ok &= st == FC_ERR_TOO_LARGE && jit.refused.code == FC_ERR_TOO_LARGE && jit.code == NULL &&
          run == FC_OK && r0 == fx->result && jit.fallback_runs == 1;
    /* translated, then verified again: the generation moved, the stale code must not run */
    ok &= fc_jit_translate(&jit, &prog, jit_code, sizeof jit_code) == FC_OK;
    fc_verify_config_t cfg;
    fc_verify_config_default(&cfg);
    ok &= fc_verify(&prog, fx->text, fx->n_slots, &cfg, &err) == FC_OK;
    place_input(fx, 0);
    run = fc_jit_run(&jit, &vm, 0, (uintptr_t)mem, fx->mem_len, &r0);
    ok &= run == FC_OK && r0 == fx->result && jit.fallback_runs == 1;
    check(ok, "JIT refusal and stale translation fall back to the interpreter", fx->name);
}
#endif

#ifdef FW_JIT
#include "jit_rand.h"

/* Differential check on random programs: rows drawn from the ISA table
 * (fc_isa[]), operands at random (memory offsets around a 64-byte region
 * and the frame, jumps both ways, budgets from tiny to the default); every
 * program the verifier accepts runs on the interpreter and JIT-compiled
 * from the same state, and everything observable must agree. */
static jit_rand_t fz = {0x2545f491u, 0, {{0, 0, 0, 0}}, 0};
enum { FZ_SLOTS = 24 };
#define fz_text fz.text
static uint64_t fz_mem_words[8]; /* the same region for both runs */
static uint8_t fz_after[2][64];
static uint32_t fz_rand(void)
{
    return jr_next(&fz);
}

static void test_jit_differential(unsigned programs)
{
    unsigned accepted = 0, differ = 0, faulted = 0, translated = 0, called = 0;
    for (unsigned p = 0; p < programs; p++) {
        jr_generate(&fz, FZ_SLOTS);
        fc_error_t err = {0};
        if (load(fz_text, FZ_SLOTS, &err) != FC_OK)
            continue;
        accepted++;
        static const uint64_t budgets[] = {0, 1, 2, 5, 13, 40, 200};
        uint64_t budget = budgets[fz_rand() % (sizeof budgets / sizeof budgets[0])];
        uint8_t *m = (uint8_t *)fz_mem_words;
        fc_status_t st[2];
        uint64_t r0[2] = {0, 0}, executed[2];
        uint32_t depth[2];
        fc_error_t f[2];
        uint32_t seed = fz_rand();
        translated += fc_jit_translate(&jit, &prog, jit_code, sizeof jit_code) == FC_OK;
        for (unsigned k = 0; k < 2; k++) {
            for (unsigned b = 0; b < 64; b++)
                m[b] = (uint8_t)(seed >> (b % 24) ^ b);
            memset(vm_stack, 0, sizeof vm_stack); /* both runs start from the same stack */
            fc_vm_init(&vm, &prog, vm_stack, sizeof vm_stack);
            fc_vm_set_helpers(&vm, &helpers, NULL);
            fc_helper_mask_t all;
            fc_helper_mask_all(&all);
            fc_vm_set_helpers(&vm, &helpers, &all);
            fc_vm_add_region(&vm, m, 64, FC_PERM_RW);
            vm.budget = budget;
            st[k] = k == 0 ? fc_vm_run(&vm, 0, (uintptr_t)m, 64, &r0[k])
                           : fc_jit_run(&jit, &vm, 0, (uintptr_t)m, 64, &r0[k]);
            memcpy(fz_after[k], m, 64);
            f[k] = vm.fault;
            executed[k] = vm.executed;
            depth[k] = vm.max_depth;
        }
        faulted += st[0] != FC_OK;
        called += depth[0] > 0;
        int same = st[0] == st[1] && (st[0] != FC_OK || r0[0] == r0[1]) && f[0].code == f[1].code &&
                   f[0].where == f[1].where && f[0].addr == f[1].addr && f[0].size == f[1].size &&
                   executed[0] == executed[1] && depth[0] == depth[1] &&
                   memcmp(fz_after[0], fz_after[1], 64) == 0;
        if (!same) {
            differ++;
            if (differ <= 3) {
                bm_printf(
                    "     jit differs on random program %u (budget %u): interp %s r0 0x%llx at %lu "
                    "exec %llu addr 0x%llx size %u depth %u; jit %s r0 0x%llx at %lu exec %llu "
                    "addr 0x%llx size %u depth %u; memory %s\n",
                    p, (unsigned)budget, fc_status_name(st[0]), (unsigned long long)r0[0],
                    f[0].where, (unsigned long long)executed[0], (unsigned long long)f[0].addr,
                    f[0].size, (unsigned)depth[0], fc_status_name(st[1]), (unsigned long long)r0[1],
                    f[1].where, (unsigned long long)executed[1], (unsigned long long)f[1].addr,
                    f[1].size, (unsigned)depth[1],
                    memcmp(fz_after[0], fz_after[1], 64) ? "differs" : "same");
                for (unsigned i = 0; i < FZ_SLOTS; i++) {
                    bm_printf("       %2u: %02x %02x %d %ld\n", i, fz_text[i].opcode,
                              fz_text[i].regs, fz_text[i].offset, (long)fz_text[i].imm);
                }
            }
        }
    }
    bm_printf("[jit differential] %u random programs, %u verified, %u JIT-compiled, %u made local "
              "calls, %u faulted on the interpreter, %u differ\n",
              programs, accepted, translated, called, faulted, differ);
    check(differ == 0 && accepted > programs / 20 && translated == accepted,
          "random programs: JIT and interpreter agree", "differential");
}
#endif

static void run_vm_suite(const char *phase)
{
    bm_printf("== %s\n", phase);
    run_fixture_set("conformance", fw_conf, fw_conf_count, 0);
    run_fixture_set("conformance", fw_conf, fw_conf_count, 1);
    run_fixture_set("bench", fw_bench, fw_bench_count, 0);
    run_fixture_set("bench", fw_bench, fw_bench_count, 3);
    test_unaligned_container_access(0);
    test_unaligned_container_access(1);
    test_unaligned_stack_access();
    test_unaligned_atomics();
    bm_puts("[hostile]\n");
    test_hostile();
    check(hostile_table_run() == 0, "hostile corpus of tests/hostile", "table");
#ifdef FW_JIT
    check(jit_long_test() == 0, "long jumps: JIT and interpreter agree", "jit long");
    check(jit_edge_test() == 0, "address edges: JIT and interpreter agree", "jit edges");
    test_jit_fallback();
    test_jit_differential(FW_JIT_RANDOM_PROGRAMS);
#endif
}

int main(void)
{
    bm_printf("femto-containers firmware self-test on %s\n", bm_board_name);
    test_timer();
#ifdef FW_STRICT_ALIGNMENT
    /* This image is compiled with -mno-unaligned-access, as for a
     * Cortex-M0+; trapping every unaligned access on the M4 then finds any
     * place where the VM dereferences a container address as a wider type. */
    if (!bm_strict_alignment(1)) {
        bm_puts("this core cannot trap unaligned accesses\n");
        return BM_EXIT_FAIL;
    }
    run_vm_suite("unaligned accesses trap (Cortex-M0+ rule)");
#else
    run_vm_suite("default alignment rules");
#endif
    bm_printf("VERDICT: %s (%u checks, %u failed)\n", checks_failed ? "FAIL" : "PASS", checks_run,
              checks_failed);
    return checks_failed ? BM_EXIT_FAIL : BM_EXIT_PASS;
}
