/* Differential fuzzer of the Thumb-2 JIT at host speed: a Linux (armhf,
 * static) build of the VM and the JIT, run under qemu-arm (Debian's
 * qemu-user). Random verified programs from the ISA table (jit_rand.h,
 * the generator of the M4 self-test) run on the interpreter and
 * JIT-compiled from the same state; r0, status, the fault record (code,
 * index, address, size), the executed count, the deepest call depth, the
 * 64-byte region and the whole stack must agree.
 *
 *   jit_fuzz run SEED COUNT [SLOTS [FLAGS]]  COUNT programs from SEED
 *                                     (SLOTS: 24; FLAGS: 1 keeps r1 (jit_rand.h), 2 long budgets)
 *   jit_fuzz replay FILE...           a corpus (tests/jit/corpus): lines
 *       "seeds SEED COUNT SLOTS [FLAGS]"  a generated sequence, as run does
 *       "prog BUDGET MEMSEED MISALIGN" then "insn OP REGS OFFSET IMM"
 *                                     lines and "end": one program
 *   jit_fuzz dump FIXTURE.data OUT    translate a bench fixture, write the
 *                                     code to OUT (objdump -b binary), run it
 * A disagreement prints the program in the corpus format ("prog" block),
 * ready to be added to the corpus, and the exit status is 1. */
#include "jit_rand.h"

#include "femto/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static fc_program_t prog;
static fc_vm_t vm;
/* The stack and the region at fixed addresses (one mapping, main), so a
 * seed gives the same programs, results and findings in every build */
enum { STACK_BYTES = FC_DEFAULT_FRAME * (FC_MAX_CALL_DEPTH + 1) };
#define DATA_AT ((void *)0x30000000)
static uint64_t *vm_stack;     /* STACK_BYTES */
static uint64_t *region_words; /* 10 words: 64 bytes at a misalignment of 0..7 */
static uint8_t after_region[2][64];
static uint8_t after_stack[2][STACK_BYTES];
static fc_jit_t jit;
static int verbose;    /* JIT_FUZZ_VERBOSE set: one line per verified program */
static uint32_t *code; /* executable (mmap), 32 KiB */
enum { CODE_BYTES = 32768 };

static uint64_t helper_unwind(fc_vm_t *v, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                              uint64_t r5)
{
    (void)v, (void)r2, (void)r3, (void)r4, (void)r5;
    return r1;
}
static const fc_helper_fn helper_fns[6] = {[5] = helper_unwind};
static const fc_helper_table_t helpers = {helper_fns, 6};

static struct {
    unsigned long programs, verified, translated, called, faulted, differ;
} stats;

static void print_prog(const fc_insn_t *text, unsigned n, uint64_t budget, uint32_t memseed,
                       unsigned misalign)
{
    printf("prog %llu %lu %u\n", (unsigned long long)budget, (unsigned long)memseed, misalign);
    for (unsigned i = 0; i < n; i++)
        printf("insn %u %u %d %ld\n", text[i].opcode, text[i].regs, text[i].offset,
               (long)text[i].imm);
    printf("end\n");
}

static void setup_vm(uint8_t *m, uint64_t budget, uint32_t memseed)
{
    for (unsigned b = 0; b < 64; b++)
        m[b] = (uint8_t)(memseed >> (b % 24) ^ b);
    memset(vm_stack, 0, STACK_BYTES);
    fc_vm_init(&vm, &prog, vm_stack, STACK_BYTES);
    fc_helper_mask_t all;
    fc_helper_mask_all(&all);
    fc_vm_set_helpers(&vm, &helpers, &all);
    fc_vm_add_region(&vm, m, 64, FC_PERM_RW);
    vm.budget = budget;
}

/* One program on both engines; 1 if they agree (or it was refused). */
static int check_one(const fc_insn_t *text, unsigned n, uint64_t budget, uint32_t memseed,
                     unsigned misalign)
{
    fc_verify_config_t cfg;
    fc_error_t err = {0};
    stats.programs++;
    fc_verify_config_default(&cfg);
    cfg.helpers = &helpers;
    fc_helper_mask_all(&cfg.allowed);
    if (fc_verify(&prog, text, n, &cfg, &err) != FC_OK)
        return 1;
    stats.verified++;
    int translated = fc_jit_translate(&jit, &prog, code, CODE_BYTES) == FC_OK;
    stats.translated += translated;
    uint8_t *m = (uint8_t *)region_words + misalign;
    fc_status_t st[2];
    uint64_t r0[2] = {0, 0}, executed[2];
    uint32_t depth[2];
    fc_error_t f[2];
    for (unsigned k = 0; k < 2; k++) {
        setup_vm(m, budget, memseed);
        st[k] = k == 0 ? fc_vm_run(&vm, 0, (uintptr_t)m, 64, &r0[k])
                       : fc_jit_run(&jit, &vm, 0, (uintptr_t)m, 64, &r0[k]);
        memcpy(after_region[k], m, 64);
        memcpy(after_stack[k], vm_stack, STACK_BYTES);
        f[k] = vm.fault;
        executed[k] = vm.executed;
        depth[k] = vm.max_depth;
    }
    if (verbose)
        printf("%lu %s %s %llx %llu\n", stats.programs, fc_status_name(st[0]),
               fc_status_name(st[1]), (unsigned long long)r0[0], (unsigned long long)executed[0]);
    stats.faulted += st[0] != FC_OK;
    stats.called += depth[0] > 0;
    int same = translated && jit.fallback_runs == 0 && st[0] == st[1] &&
               (st[0] != FC_OK || r0[0] == r0[1]) && f[0].code == f[1].code &&
               f[0].where == f[1].where && f[0].addr == f[1].addr && f[0].size == f[1].size &&
               executed[0] == executed[1] && depth[0] == depth[1] &&
               memcmp(after_region[0], after_region[1], 64) == 0 &&
               memcmp(after_stack[0], after_stack[1], STACK_BYTES) == 0;
    if (!same) {
        stats.differ++;
        printf("# DIFFER: %s; interp %s r0 0x%llx at %lu exec %llu addr 0x%llx size %u depth %u; "
               "jit %s r0 0x%llx at %lu exec %llu addr 0x%llx size %u depth %u; region %s, "
               "stack %s\n",
               translated ? "translated" : jit.refused.reason, fc_status_name(st[0]),
               (unsigned long long)r0[0], (unsigned long)f[0].where,
               (unsigned long long)executed[0], (unsigned long long)f[0].addr, f[0].size, depth[0],
               fc_status_name(st[1]), (unsigned long long)r0[1], (unsigned long)f[1].where,
               (unsigned long long)executed[1], (unsigned long long)f[1].addr, f[1].size, depth[1],
               memcmp(after_region[0], after_region[1], 64) ? "differs" : "same",
               memcmp(after_stack[0], after_stack[1], STACK_BYTES) ? "differs" : "same");
        print_prog(text, n, budget, memseed, misalign);
        fflush(stdout);
    }
    return same;
}

/* COUNT programs from SEED, SLOTS slots each: the budget, the memory
 * contents and the region's misalignment drawn from the same generator. */
static void run_seeds(uint32_t seed, unsigned long count, unsigned slots, unsigned flags)
{
    static const uint64_t budgets[] = {0, 1, 2, 5, 13, 40, 200, 1000};
    jit_rand_t g = {seed ? seed : 1u, 0, {{0, 0, 0, 0}}, flags};
    slots = slots < 8 ? 8 : slots > JR_MAX_SLOTS ? JR_MAX_SLOTS : slots & ~1u;
    for (unsigned long p = 0; p < count; p++) {
        jr_generate(&g, slots);
        uint64_t budget = budgets[jr_next(&g) % (sizeof budgets / sizeof budgets[0])];
        if ((flags & 2u) && budget > 0 && budget < 200) /* FLAGS bit 1: long runs */
            budget = 0;
        uint32_t memseed = jr_next(&g);
        unsigned misalign = jr_next(&g) % 8;
        check_one(g.text, g.n, budget, memseed, misalign);
    }
}

static int replay(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    char line[256];
    static fc_insn_t text[4096];
    unsigned n = 0, misalign = 0, in_prog = 0;
    unsigned long long budget = 0;
    unsigned long memseed = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long b, c;
        unsigned op, regs;
        int off;
        long imm;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        unsigned long fl = 0;
        long sd;
        if (sscanf(line, "seeds %li %lu %lu %lu", &sd, &b, &c, &fl) >= 3) {
            run_seeds((uint32_t)sd, b, (unsigned)c, (unsigned)fl);
        } else if (sscanf(line, "prog %llu %lu %u", &budget, &memseed, &misalign) == 3) {
            n = 0;
            in_prog = 1;
        } else if (in_prog && sscanf(line, "insn %u %u %d %ld", &op, &regs, &off, &imm) == 4) {
            if (n < sizeof text / sizeof text[0])
                text[n++] = (fc_insn_t){(uint8_t)op, (uint8_t)regs, (int16_t)off, (int32_t)imm};
        } else if (in_prog && strncmp(line, "end", 3) == 0) {
            check_one(text, n, budget, (uint32_t)memseed, misalign % 8);
            in_prog = 0;
        } else {
            fprintf(stderr, "%s: bad line: %s", path, line);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    return 0;
}

/* A bench fixture (shared/bench/NAME.data): "-- raw" slots, "-- mem" bytes */
static int dump(const char *path, const char *out)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 1;
    }
    static fc_insn_t text[4096];
    static uint8_t mem[8192];
    unsigned n = 0, len = 0, section = 0;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "-- ", 3) == 0) {
            section = strncmp(line, "-- raw", 6) == 0 ? 1 : strncmp(line, "-- mem", 6) == 0 ? 2 : 0;
            continue;
        }
        if (line[0] == '#')
            continue;
        if (section == 1 && n < 4096) {
            uint64_t w = strtoull(line, NULL, 16);
            memcpy(&text[n++], &w, 8);
        } else if (section == 2) {
            char *p = line, *e;
            for (unsigned long v = strtoul(p, &e, 16); e != p && len < sizeof mem;
                 v = strtoul(p, &e, 16)) {
                mem[len++] = (uint8_t)v;
                p = e;
            }
        }
    }
    fclose(f);
    fc_verify_config_t cfg;
    fc_error_t err = {0};
    fc_verify_config_default(&cfg);
    cfg.helpers = &helpers;
    if (fc_verify(&prog, text, n, &cfg, &err) != FC_OK) {
        fprintf(stderr, "%s: refused at %lu: %s\n", path, (unsigned long)err.where,
                err.reason ? err.reason : "");
        return 1;
    }
    if (fc_jit_translate(&jit, &prog, code, CODE_BYTES) != FC_OK) {
        fprintf(stderr, "%s: not translated: %s\n", path, jit.refused.reason);
        return 1;
    }
    FILE *o = fopen(out, "wb");
    if (!o || fwrite(jit.code, 1, jit.code_size, o) != jit.code_size) {
        perror(out);
        return 1;
    }
    fclose(o);
    fc_vm_init(&vm, &prog, vm_stack, STACK_BYTES);
    fc_vm_add_region(&vm, mem, len, FC_PERM_RW);
    uint64_t r0 = 0;
    fc_status_t st = fc_jit_run(&jit, &vm, 0, (uintptr_t)mem, len, &r0);
    printf("%s: %u slots, %lu code bytes (%.1f per slot); run %s r0 0x%llx executed %llu\n", path,
           n, (unsigned long)jit.code_size, (double)jit.code_size / n, fc_status_name(st),
           (unsigned long long)r0, (unsigned long long)vm.executed);
    return st != FC_OK;
}

int main(int argc, char **argv)
{
    code = mmap(NULL, CODE_BYTES, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                -1, 0);
    verbose = getenv("JIT_FUZZ_VERBOSE") != NULL;
    vm_stack =
        mmap(DATA_AT, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (vm_stack != DATA_AT) {
        perror("mmap");
        return 2;
    }
    region_words = vm_stack + STACK_BYTES / 8 + 64; /* a gap: the stack's end is not the region */
    if (code == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    if (argc >= 4 && strcmp(argv[1], "run") == 0) {
        run_seeds((uint32_t)strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0),
                  argc > 4 ? (unsigned)strtoul(argv[4], NULL, 0) : 24u,
                  argc > 5 ? (unsigned)strtoul(argv[5], NULL, 0) : 0u);
    } else if (argc >= 3 && strcmp(argv[1], "replay") == 0) {
        for (int i = 2; i < argc; i++)
            if (replay(argv[i]) != 0)
                return 2;
    } else if (argc == 4 && strcmp(argv[1], "dump") == 0) {
        return dump(argv[2], argv[3]);
    } else {
        fprintf(stderr, "usage: jit_fuzz run SEED COUNT [SLOTS] | replay FILE... | dump "
                        "FIXTURE.data OUT\n");
        return 2;
    }
    printf("jit_fuzz: %lu programs, %lu verified, %lu JIT-compiled, %lu made local calls, %lu "
           "faulted on the interpreter, %lu differ\n",
           stats.programs, stats.verified, stats.translated, stats.called, stats.faulted,
           stats.differ);
    return stats.differ != 0 || stats.verified == 0;
}
