/* MCU benchmark firmware: native C vs the Femto-Containers VM on the target
 * CPU, measured in guest instructions by the QEMU plugin bench/qemu/insn_count.
 *
 * Every measurement is a pair of intervals between the marker functions
 * fc_bench_start() and fc_bench_stop(): the same work repeated N times and
 * 2N times, so that (count(2N) - count(N)) / N is the exact cost of one
 * repetition, with set-up and the markers themselves cancelled out. Before
 * each interval the firmware prints a label line
 *
 *     BENCH <interval index> <kind> <program> <reps> <slots>
 *
 * and run.sh pairs these with the plugin's "insn_count: interval i n" lines.
 * Results are checked after every interval; a wrong result fails the run.
 * No timer interrupt is enabled (BM_NO_TICK), so counts are deterministic. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bm.h"
#include "femto/vm.h"
#include "bench_mcu.h"
#include "fixtures.h"

extern const fw_fixture_t fw_bench[];
extern const unsigned fw_bench_count;

/* The native C of every fixture, renamed at compile time (-Dbench=...). */
typedef uint64_t (*native_fn)(uint8_t *mem, uint64_t len);
uint64_t native_fletcher32(uint8_t *mem, uint64_t len);
uint64_t native_crc32(uint8_t *mem, uint64_t len);
uint64_t native_bubblesort(uint8_t *mem, uint64_t len);
uint64_t native_murmur3(uint8_t *mem, uint64_t len);
uint64_t native_matmul(uint8_t *mem, uint64_t len);
uint64_t native_anomaly(uint8_t *mem, uint64_t len);
uint64_t native_localcall(uint8_t *mem, uint64_t len);

static const struct {
    const char *name;
    native_fn fn;
} natives[] = {
    {"fletcher32", native_fletcher32}, {"crc32", native_crc32},   {"bubblesort", native_bubblesort},
    {"murmur3", native_murmur3},       {"matmul", native_matmul}, {"anomaly", native_anomaly},
    {"localcall", native_localcall},
};

/* ---- markers: the plugin counts between the first instruction of each ---- */
__attribute__((noinline, used)) void fc_bench_start(void)
{
    __asm volatile("" ::: "memory");
}

__attribute__((noinline, used)) void fc_bench_stop(void)
{
    __asm volatile("" ::: "memory");
}

static unsigned interval;
static unsigned failures;

void bench_label(const char *kind, const char *name, unsigned reps, unsigned slots)
{
    bm_printf("BENCH %u %s %s %u %u\n", interval++, kind, name, reps, slots);
}

void bench_expect(const char *what, const char *name, uint64_t got, uint64_t want)
{
    if (got != want) {
        bm_printf("FAIL %s %s: r0=0x%llx expected 0x%llx\n", what, name, (unsigned long long)got,
                  (unsigned long long)want);
        failures++;
    }
}

static uint64_t stack[(FC_DEFAULT_FRAME * (FC_MAX_CALL_DEPTH + 1)) / 8];
static uint64_t input[4096 / 8];
static fc_program_t prog;
static fc_vm_t vm;

static const fw_fixture_t *find_fixture(const char *prog_name, const char *cpu)
{
    size_t n = strlen(prog_name);
    for (unsigned i = 0; i < fw_bench_count; i++) {
        const char *name = fw_bench[i].name;
        if (strncmp(name, prog_name, n) == 0 && name[n] == '-' && strcmp(name + n + 1, cpu) == 0)
            return &fw_bench[i];
    }
    return NULL;
}

static void bench_native(const char *name, native_fn fn, const fw_fixture_t *fx)
{
    memcpy(input, fx->mem, fx->mem_len);
    for (unsigned reps = BENCH_REPS; reps <= 2 * BENCH_REPS; reps += BENCH_REPS) {
        uint64_t r0 = 0;
        bench_label("native", name, reps, 0);
        fc_bench_start();
        for (unsigned i = 0; i < reps; i++)
            r0 = fn((uint8_t *)input, fx->mem_len);
        fc_bench_stop();
        bench_expect("native", name, r0, fx->result);
    }
}

static int load(const fc_insn_t *text, uint32_t n)
{
    fc_verify_config_t cfg;
    fc_error_t err;
    fc_verify_config_default(&cfg);
    if (fc_verify(&prog, text, n, &cfg, &err) != FC_OK ||
        fc_vm_init(&vm, &prog, stack, sizeof stack) != FC_OK) {
        bm_printf("FAIL load: %s at %lu: %s\n", fc_status_name(err.code), err.where,
                  err.reason ? err.reason : "-");
        failures++;
        return 0;
    }
    return 1;
}

/* Room for the pre-decoded form of the largest fixture. */
static fc_xinsn_t xlate_buf[128];

#ifdef BENCH_JIT
/* The JIT image (run.sh's JIT variant, -DBENCH_JIT with src/vm/jit): the
 * "vm" runs go through fc_jit_run on the generated code; a program the JIT
 * refuses runs on the interpreter and says so (JITFALLBACK). */
static uint32_t jit_code[4096];
static fc_jit_t jit;

/* Translation cost (whole fc_jit_translate calls) and the code's size. */
static void bench_jit_translate(const fw_fixture_t *fx)
{
    for (unsigned reps = BENCH_REPS; reps <= 2 * BENCH_REPS; reps += BENCH_REPS) {
        fc_status_t st = FC_OK;
        bench_label("jit_translate", fx->name, reps, fx->n_slots);
        fc_bench_start();
        for (unsigned i = 0; i < reps; i++)
            st = fc_jit_translate(&jit, &prog, jit_code, sizeof jit_code);
        fc_bench_stop();
        bench_expect("jit_translate", fx->name, (uint64_t)st == FC_OK || jit.refused.code != FC_OK,
                     1);
    }
    if (jit.code) {
        bm_printf("JITSIZE %s %lu %lu\n", fx->name, (unsigned long)jit.code_size,
                  (unsigned long)fx->n_slots);
    } else {
        bm_printf("JITFALLBACK %s %s at %lu: %s\n", fx->name, fc_status_name(jit.refused.code),
                  jit.refused.where, jit.refused.reason ? jit.refused.reason : "-");
    }
}
#define RUN_VM(r0) fc_jit_run(&jit, &vm, 0, (uintptr_t)input, fx->mem_len, (r0))
#else
#define RUN_VM(r0) fc_vm_run(&vm, 0, (uintptr_t)input, fx->mem_len, (r0))
#endif

/* kind "vm": the interpreter on the text in place (the microcontroller
 * default); "vm_xlate": on the pre-decoded form (fc_program_translate). */
static void bench_vm(const fw_fixture_t *fx, int translated)
{
    const char *kind = translated ? "vm_xlate" : "vm";
    if (!load(fx->text, fx->n_slots))
        return;
    if (translated) {
        fc_status_t st =
            fc_program_translate(&prog, xlate_buf, sizeof xlate_buf / sizeof xlate_buf[0]);
        if (st == FC_ERR_BAD_CONFIG)
            return; /* this build's interpreter has no pre-decoded form */
        if (st != FC_OK) {
            bm_printf("FAIL translate %s: %s\n", fx->name, fc_status_name(st));
            failures++;
            return;
        }
    }
#ifdef BENCH_JIT
    if (!translated)
        bench_jit_translate(fx);
#endif
    memcpy(input, fx->mem, fx->mem_len);
    fc_vm_add_region(&vm, input, fx->mem_len, FC_PERM_RW);
    for (unsigned reps = BENCH_REPS; reps <= 2 * BENCH_REPS; reps += BENCH_REPS) {
        uint64_t r0 = 0;
        fc_status_t st = FC_OK;
        bench_label(kind, fx->name, reps, fx->n_slots);
        fc_bench_start();
        for (unsigned i = 0; i < reps && st == FC_OK; i++)
            st = RUN_VM(&r0);
        fc_bench_stop();
        bench_expect(kind, fx->name, st == FC_OK ? r0 : ~fx->result, fx->result);
    }
    if (!translated)
        bm_printf("EXECUTED %s %llu\n", fx->name, (unsigned long long)vm.executed);
}

/* The verifier's cost: whole fc_verify() calls on the fixture. */
static void bench_verify(const fw_fixture_t *fx)
{
    fc_verify_config_t cfg;
    fc_error_t err;
    fc_verify_config_default(&cfg);
    for (unsigned reps = BENCH_REPS; reps <= 2 * BENCH_REPS; reps += BENCH_REPS) {
        fc_status_t st = FC_OK;
        bench_label("verify", fx->name, reps, fx->n_slots);
        fc_bench_start();
        for (unsigned i = 0; i < reps && st == FC_OK; i++)
            st = fc_verify(&prog, fx->text, fx->n_slots, &cfg, &err);
        fc_bench_stop();
        bench_expect("verify", fx->name, (uint64_t)st, FC_OK);
    }
}

/* The smallest run: `mov r0, 0; exit` through fc_vm_run (entry, argument
 * set-up, budget, exit): the fixed cost of starting a container. */
static const fc_insn_t prog_empty[] = {
    {0xb7, 0x00, 0, 0}, /* mov r0, 0 */
    {0x95, 0x00, 0, 0}, /* exit */
};

static void bench_empty_run(void)
{
    if (!load(prog_empty, 2))
        return;
#ifdef BENCH_JIT
    fc_jit_translate(&jit, &prog, jit_code, sizeof jit_code);
#endif
    for (unsigned reps = 8 * BENCH_REPS; reps <= 16 * BENCH_REPS; reps += 8 * BENCH_REPS) {
        uint64_t r0 = 1;
        bench_label("vm_run_empty", "mov-exit", reps, 2);
        fc_bench_start();
        for (unsigned i = 0; i < reps; i++) {
#ifdef BENCH_JIT
            fc_jit_run(&jit, &vm, 0, 0, 0, &r0);
#else
            fc_vm_run(&vm, 0, 0, 0, &r0);
#endif
        }
        fc_bench_stop();
        bench_expect("vm_run_empty", "mov-exit", r0, 0);
    }
}

int main(void)
{
    static const char *const cpus[] = {"v2", "v3", "v4"};
    bm_printf("femto-containers MCU benchmark on %s, N=%u\n", bm_board_name, BENCH_REPS);
    for (unsigned p = 0;
         (BENCH_SECTIONS & BENCH_FIXTURES) && p < sizeof natives / sizeof natives[0]; p++) {
#ifdef BENCH_ONLY
        if (strcmp(natives[p].name, BENCH_ONLY) != 0)
            continue; /* -DBENCH_ONLY='"fletcher32"': profile one program */
#endif
        const fw_fixture_t *fx = find_fixture(natives[p].name, "v2");
        if (fx != NULL)
            bench_native(natives[p].name, natives[p].fn, fx);
        for (unsigned c = 0; c < sizeof cpus / sizeof cpus[0]; c++) {
            fx = find_fixture(natives[p].name, cpus[c]);
            if (fx != NULL) {
                bench_vm(fx, 0);
                bench_vm(fx, 1);
                bench_verify(fx);
#ifdef BENCH_WITH_ENGINE
                failures += bench_install(fx->name, fx->text, fx->n_slots);
#endif
            }
        }
    }
    if (BENCH_SECTIONS & BENCH_EMPTY_RUN)
        bench_empty_run();
#ifdef BENCH_WITH_ENGINE
    if (BENCH_SECTIONS & BENCH_HOOK)
        failures += bench_hook_fire();
#endif
    if (BENCH_SECTIONS & BENCH_CRYPTO)
        failures += bench_crypto();
    bm_printf("BENCH-END %u intervals, %u failures\n", interval, failures);
    return failures ? BM_EXIT_FAIL : BM_EXIT_PASS;
}
