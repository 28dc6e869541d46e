/* Differential fuzzer of the JIT on the board (image jitfuzz, riscv-virt:
 * the RV32IMAC backend where no Linux toolchain for the core exists).
 * Random verified programs from the ISA table (tests/jit/jit_rand.h, the
 * generator of the M4 self-test and of the Linux harness
 * tests/jit/jit_fuzz.c) run on the interpreter and JIT-compiled from the
 * same state; r0, status, the fault record (code, index, address, size),
 * the executed count, the deepest call depth, the 64-byte region and the
 * whole stack must agree.
 *
 * Commands come over the UART, one per line, in the corpus format of
 * tests/jit/jit_fuzz.c:
 *   seeds SEED COUNT SLOTS [FLAGS]  COUNT programs from SEED, as `jit_fuzz run`
 *                               (FLAGS: 1 keeps r1 on the region and folds
 *                               every register into r0, jit_rand.h; 2 long
 *                               budgets)
 *   prog BUDGET MEMSEED MISALIGN, insn OP REGS OFFSET IMM lines, end
 *                               one program
 *   quit                        the summary and the verdict (exit status)
 * A disagreement prints the program as a "prog" block (ready for the
 * corpus) after a "# DIFFER" line. tests/jit/rv32_fuzz.sh drives it. */
#include <stdint.h>
#include <string.h>

#include "bm.h"
#include "femto/vm.h"
#include "jit_rand.h"

static fc_program_t prog;
static fc_vm_t vm;
static uint64_t vm_stack[(FC_DEFAULT_FRAME * (FC_MAX_CALL_DEPTH + 1)) / 8];
static uint64_t region_words[10];
static uint8_t after_region[2][64];
static uint8_t after_stack[2][sizeof vm_stack];
static fc_jit_t jit;
static uint32_t code[8192];

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
    bm_printf("prog %lu %lu %u\n", (unsigned long)budget, (unsigned long)memseed, misalign);
    for (unsigned i = 0; i < n; i++)
        bm_printf("insn %u %u %d %ld\n", text[i].opcode, text[i].regs, text[i].offset,
                  (long)text[i].imm);
    bm_printf("end\n");
}

static void setup_vm(uint8_t *m, uint64_t budget, uint32_t memseed)
{
    for (unsigned b = 0; b < 64; b++)
        m[b] = (uint8_t)(memseed >> (b % 24) ^ b);
    memset(vm_stack, 0, sizeof vm_stack);
    fc_vm_init(&vm, &prog, vm_stack, sizeof vm_stack);
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
    int translated = fc_jit_translate(&jit, &prog, code, sizeof code) == FC_OK;
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
        memcpy(after_stack[k], vm_stack, sizeof vm_stack);
        f[k] = vm.fault;
        executed[k] = vm.executed;
        depth[k] = vm.max_depth;
    }
    stats.faulted += st[0] != FC_OK;
    stats.called += depth[0] > 0;
    int same = translated && jit.fallback_runs == 0 && st[0] == st[1] &&
               (st[0] != FC_OK || r0[0] == r0[1]) && f[0].code == f[1].code &&
               f[0].where == f[1].where && f[0].addr == f[1].addr && f[0].size == f[1].size &&
               executed[0] == executed[1] && depth[0] == depth[1] &&
               memcmp(after_region[0], after_region[1], 64) == 0 &&
               memcmp(after_stack[0], after_stack[1], sizeof vm_stack) == 0;
    if (!same) {
        stats.differ++;
        bm_printf("# DIFFER: %s; interp %s r0 0x%llx at %lu exec %llu addr 0x%llx size %u depth "
                  "%u; jit %s r0 0x%llx at %lu exec %llu addr 0x%llx size %u depth %u; region %s, "
                  "stack %s\n",
                  translated ? "translated" : jit.refused.reason, fc_status_name(st[0]),
                  (unsigned long long)r0[0], (unsigned long)f[0].where,
                  (unsigned long long)executed[0], (unsigned long long)f[0].addr, f[0].size,
                  (unsigned)depth[0], fc_status_name(st[1]), (unsigned long long)r0[1],
                  (unsigned long)f[1].where, (unsigned long long)executed[1],
                  (unsigned long long)f[1].addr, f[1].size, (unsigned)depth[1],
                  memcmp(after_region[0], after_region[1], 64) ? "differs" : "same",
                  memcmp(after_stack[0], after_stack[1], sizeof vm_stack) ? "differs" : "same");
        print_prog(text, n, budget, memseed, misalign);
    }
    return same;
}

/* COUNT programs from SEED, SLOTS slots each, exactly as jit_fuzz run */
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

/* ---- the command reader: lines from the UART ----------------------------- */

static unsigned read_line(char *buf, unsigned cap)
{
    unsigned n = 0;
    for (;;) {
        int c = bm_getc();
        if (c == '\n' || c < 0)
            break;
        if (c != '\r' && n + 1 < cap)
            buf[n++] = (char)c;
    }
    buf[n] = '\0';
    return n;
}

static int digit(char c, unsigned base)
{
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : 99;
    return d < (int)base ? d : -1;
}

/* The next whitespace-separated number (decimal, or hex after 0x; a sign
 * allowed) at *p */
static int next_num(const char **p, long long *v)
{
    const char *s = *p;
    unsigned base = 10;
    while (*s == ' ' || *s == '\t')
        s++;
    int neg = *s == '-';
    if (neg)
        s++;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (digit(*s, base) < 0)
        return 0;
    unsigned long long x = 0;
    for (int d; (d = digit(*s, base)) >= 0; s++)
        x = x * base + (unsigned)d;
    *v = neg ? -(long long)x : (long long)x;
    *p = s;
    return 1;
}

/* "word n1 n2 ..." with at least want numbers (at most 4); missing ones 0 */
static int parse(const char *line, const char *word, long long *v, unsigned want)
{
    size_t len = strlen(word);
    if (strncmp(line, word, len) != 0 || (line[len] != ' ' && line[len] != '\0'))
        return 0;
    const char *p = line + len;
    for (unsigned i = 0; i < 4; i++) {
        v[i] = 0;
        if (!next_num(&p, &v[i]) && i < want)
            return 0;
    }
    return 1;
}

int main(void)
{
    static char line[160];
    static fc_insn_t text[4096];
    unsigned n = 0, in_prog = 0, misalign = 0, bad = 0;
    uint64_t budget = 0;
    uint32_t memseed = 0;
    long long v[4];
    bm_printf("jitfuzz on %s: commands from the UART (seeds, prog, quit)\n", bm_board_name);
    for (;;) {
        read_line(line, sizeof line);
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (strcmp(line, "quit") == 0)
            break;
        if (parse(line, "seeds", v, 3)) {
            run_seeds((uint32_t)v[0], (unsigned long)v[1], (unsigned)v[2], (unsigned)v[3]);
            bm_printf("# seeds %lu %lu %lu %lu done: %lu programs, %lu differ\n",
                      (unsigned long)(uint32_t)v[0], (unsigned long)v[1], (unsigned long)v[2],
                      (unsigned long)v[3], stats.programs, stats.differ);
        } else if (parse(line, "prog", v, 3)) {
            budget = (uint64_t)v[0];
            memseed = (uint32_t)v[1];
            misalign = (unsigned)v[2] % 8;
            n = 0;
            in_prog = 1;
        } else if (in_prog && parse(line, "insn", v, 4)) {
            if (n < sizeof text / sizeof text[0])
                text[n++] = (fc_insn_t){(uint8_t)v[0], (uint8_t)v[1], (int16_t)v[2], (int32_t)v[3]};
        } else if (in_prog && strcmp(line, "end") == 0) {
            check_one(text, n, budget, memseed, misalign);
            in_prog = 0;
        } else {
            bm_printf("# bad line: %s\n", line);
            bad++;
        }
    }
    bm_printf("jitfuzz: %lu programs, %lu verified, %lu JIT-compiled, %lu made local calls, %lu "
              "faulted on the interpreter, %lu differ, %u bad lines\n",
              stats.programs, stats.verified, stats.translated, stats.called, stats.faulted,
              stats.differ, bad);
    int ok =
        stats.differ == 0 && bad == 0 && stats.verified > 0 && stats.translated == stats.verified;
    bm_printf("VERDICT: %s\n", ok ? "PASS" : "FAIL");
    return ok ? BM_EXIT_PASS : BM_EXIT_FAIL;
}
