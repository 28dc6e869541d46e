/* The JIT's differential check, shared by its two harnesses: the Linux
 * build run under qemu-arm (tests/jit/jit_fuzz.c, the Thumb-2 backend) and
 * the board image (firmware/app/jitfuzz.c, the RV32 backend on riscv-virt).
 * One program runs on the interpreter and JIT-compiled from the same state
 * (registers, the 64-byte region, the stack); r0, status, the fault record
 * (code, index, address, size), the executed count, the deepest call depth,
 * the region and the whole stack must agree. Programs come from
 * jit_rand.h (seeded sequences) or from corpus lines (jd_command): one
 * definition of both, so a seed or a "prog" block names the same programs
 * and verdicts on every target.
 *
 * Header-only (each harness compiles it in): before including it, define
 * JD_PRINTF (printf-like) and JD_FLUSH() (after a finding); before the
 * first check, point jd_stack (JD_STACK_BYTES, 8-aligned), jd_region_words
 * (JD_REGION_WORDS words) and jd_code (jd_code_bytes, executable) at the
 * harness's memory. */
#ifndef FEMTO_TESTS_JIT_DIFF_H
#define FEMTO_TESTS_JIT_DIFF_H

#include "jit_rand.h"

#include "femto/vm.h"

#include <stdint.h>
#include <string.h>

enum {
    JD_STACK_BYTES = FC_DEFAULT_FRAME * (FC_MAX_CALL_DEPTH + 1),
    JD_REGION_WORDS = 10, /* 64 bytes at a misalignment of 0..7 */
    JD_MAX_TEXT = 4096    /* slots of a "prog" block */
};

static uint64_t *jd_stack;
static uint64_t *jd_region_words;
static uint32_t *jd_code;
static uint32_t jd_code_bytes;
static int jd_verbose; /* one line per verified program */

static fc_program_t jd_prog;
static fc_vm_t jd_vm;
static fc_jit_t jd_jit;
static uint8_t jd_after_region[2][64];
static uint8_t jd_after_stack[2][JD_STACK_BYTES];

/* Helper 5 as the conformance suite has it ("unwind": returns r1) */
static uint64_t jd_helper_unwind(fc_vm_t *v, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                                 uint64_t r5)
{
    (void)v, (void)r2, (void)r3, (void)r4, (void)r5;
    return r1;
}
static const fc_helper_fn jd_helper_fns[6] = {[5] = jd_helper_unwind};
static const fc_helper_table_t jd_helpers = {jd_helper_fns, 6};

static struct {
    unsigned long programs, verified, translated, called, faulted, differ;
} jd_stats;

static void jd_print_prog(const fc_insn_t *text, unsigned n, uint64_t budget, uint32_t memseed,
                          unsigned misalign)
{
    JD_PRINTF("prog %llu %lu %u\n", (unsigned long long)budget, (unsigned long)memseed, misalign);
    for (unsigned i = 0; i < n; i++)
        JD_PRINTF("insn %u %u %d %ld\n", text[i].opcode, text[i].regs, text[i].offset,
                  (long)text[i].imm);
    JD_PRINTF("end\n");
}

static void jd_setup_vm(uint8_t *m, uint64_t budget, uint32_t memseed)
{
    for (unsigned b = 0; b < 64; b++)
        m[b] = (uint8_t)(memseed >> (b % 24) ^ b);
    memset(jd_stack, 0, JD_STACK_BYTES);
    fc_vm_init(&jd_vm, &jd_prog, jd_stack, JD_STACK_BYTES);
    fc_helper_mask_t all;
    fc_helper_mask_all(&all);
    fc_vm_set_helpers(&jd_vm, &jd_helpers, &all);
    fc_vm_add_region(&jd_vm, m, 64, FC_PERM_RW);
    jd_vm.budget = budget;
}

static void jd_report(const char *what, fc_status_t st, uint64_t r0, const fc_error_t *f,
                      uint64_t executed, uint32_t depth)
{
    JD_PRINTF("%s %s r0 0x%llx at %lu exec %llu addr 0x%llx size %u depth %u", what,
              fc_status_name(st), (unsigned long long)r0, (unsigned long)f->where,
              (unsigned long long)executed, (unsigned long long)f->addr, (unsigned)f->size,
              (unsigned)depth);
}

/* One program on both engines; 1 if they agree (or the verifier refused it). */
static int jd_check_one(const fc_insn_t *text, unsigned n, uint64_t budget, uint32_t memseed,
                        unsigned misalign)
{
    fc_verify_config_t cfg;
    fc_error_t err = {0};
    jd_stats.programs++;
    fc_verify_config_default(&cfg);
    cfg.helpers = &jd_helpers;
    fc_helper_mask_all(&cfg.allowed);
    if (fc_verify(&jd_prog, text, n, &cfg, &err) != FC_OK)
        return 1;
    jd_stats.verified++;
    int translated = fc_jit_translate(&jd_jit, &jd_prog, jd_code, jd_code_bytes) == FC_OK;
    jd_stats.translated += translated;
    uint8_t *m = (uint8_t *)jd_region_words + misalign;
    fc_status_t st[2];
    uint64_t r0[2] = {0, 0}, executed[2];
    uint32_t depth[2];
    fc_error_t f[2];
    for (unsigned k = 0; k < 2; k++) {
        jd_setup_vm(m, budget, memseed);
        st[k] = k == 0 ? fc_vm_run(&jd_vm, 0, (uintptr_t)m, 64, &r0[k])
                       : fc_jit_run(&jd_jit, &jd_vm, 0, (uintptr_t)m, 64, &r0[k]);
        memcpy(jd_after_region[k], m, 64);
        memcpy(jd_after_stack[k], jd_stack, JD_STACK_BYTES);
        f[k] = jd_vm.fault;
        executed[k] = jd_vm.executed;
        depth[k] = jd_vm.max_depth;
    }
    if (jd_verbose)
        JD_PRINTF("%lu %s %s %llx %llu\n", jd_stats.programs, fc_status_name(st[0]),
                  fc_status_name(st[1]), (unsigned long long)r0[0],
                  (unsigned long long)executed[0]);
    jd_stats.faulted += st[0] != FC_OK;
    jd_stats.called += depth[0] > 0;
    int region_same = memcmp(jd_after_region[0], jd_after_region[1], 64) == 0;
    int stack_same = memcmp(jd_after_stack[0], jd_after_stack[1], JD_STACK_BYTES) == 0;
    int same = translated && jd_jit.fallback_runs == 0 && st[0] == st[1] &&
               (st[0] != FC_OK || r0[0] == r0[1]) && f[0].code == f[1].code &&
               f[0].where == f[1].where && f[0].addr == f[1].addr && f[0].size == f[1].size &&
               executed[0] == executed[1] && depth[0] == depth[1] && region_same && stack_same;
    if (!same) {
        jd_stats.differ++;
        JD_PRINTF("# DIFFER: %s; ", translated ? "translated" : jd_jit.refused.reason);
        jd_report("interp", st[0], r0[0], &f[0], executed[0], depth[0]);
        jd_report("; jit", st[1], r0[1], &f[1], executed[1], depth[1]);
        JD_PRINTF("; region %s, stack %s\n", region_same ? "same" : "differs",
                  stack_same ? "same" : "differs");
        jd_print_prog(text, n, budget, memseed, misalign);
        JD_FLUSH();
    }
    return same;
}

/* COUNT programs from SEED, SLOTS slots each: the budget, the memory
 * contents and the region's misalignment drawn from the same generator.
 * FLAGS: jit_rand.h's (1: r1 kept on the region, registers folded into r0),
 * and bit 1: long budgets. */
static void jd_run_seeds(uint32_t seed, unsigned long count, unsigned slots, unsigned flags)
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
        jd_check_one(g.text, g.n, budget, memseed, misalign);
    }
}

/* ---- the corpus format, one line at a time ------------------------------------- */

static int jd_digit(char c, unsigned base)
{
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : 99;
    return d < (int)base ? d : -1;
}

/* The next whitespace-separated number (decimal, or hex after 0x; a sign
 * allowed) at *p */
static int jd_next_num(const char **p, long long *v)
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
    if (jd_digit(*s, base) < 0)
        return 0;
    unsigned long long x = 0;
    for (int d; (d = jd_digit(*s, base)) >= 0; s++)
        x = x * base + (unsigned)d;
    *v = neg ? -(long long)x : (long long)x;
    *p = s;
    return 1;
}

/* "word n1 n2 ..." with at least want numbers (at most 4); missing ones 0 */
static int jd_parse(const char *line, const char *word, long long *v, unsigned want)
{
    size_t len = strlen(word);
    if (strncmp(line, word, len) != 0 || (line[len] != ' ' && line[len] != '\0'))
        return 0;
    const char *p = line + len;
    for (unsigned i = 0; i < 4; i++) {
        v[i] = 0;
        if (!jd_next_num(&p, &v[i]) && i < want)
            return 0;
    }
    return 1;
}

typedef enum { JD_LINE_BAD = -1, JD_LINE_DONE = 0, JD_LINE_SEEDS = 1 } jd_line_t;

/* One corpus line (no line end; comments and blank lines skipped):
 *   seeds SEED COUNT SLOTS [FLAGS]   a generated sequence (jd_run_seeds)
 *   prog BUDGET MEMSEED MISALIGN, insn OP REGS OFFSET IMM lines, end
 *                                    one program */
static jd_line_t jd_command(const char *line)
{
    static fc_insn_t text[JD_MAX_TEXT];
    static unsigned n, in_prog, misalign;
    static uint64_t budget;
    static uint32_t memseed;
    long long v[4];
    if (line[0] == '#' || line[0] == '\0')
        return JD_LINE_DONE;
    if (jd_parse(line, "seeds", v, 3)) {
        jd_run_seeds((uint32_t)v[0], (unsigned long)v[1], (unsigned)v[2], (unsigned)v[3]);
        return JD_LINE_SEEDS;
    }
    if (jd_parse(line, "prog", v, 3)) {
        budget = (uint64_t)v[0];
        memseed = (uint32_t)v[1];
        misalign = (unsigned)v[2] % 8;
        n = 0;
        in_prog = 1;
        return JD_LINE_DONE;
    }
    if (in_prog && jd_parse(line, "insn", v, 4)) {
        if (n < JD_MAX_TEXT)
            text[n++] = (fc_insn_t){(uint8_t)v[0], (uint8_t)v[1], (int16_t)v[2], (int32_t)v[3]};
        return JD_LINE_DONE;
    }
    if (in_prog && strcmp(line, "end") == 0) {
        jd_check_one(text, n, budget, memseed, misalign);
        in_prog = 0;
        return JD_LINE_DONE;
    }
    return JD_LINE_BAD;
}

/* The summary line both harnesses end with (NAME: jit_fuzz or jitfuzz) */
static void jd_summary(const char *name)
{
    JD_PRINTF("%s: %lu programs, %lu verified, %lu JIT-compiled, %lu made local calls, %lu "
              "faulted on the interpreter, %lu differ",
              name, jd_stats.programs, jd_stats.verified, jd_stats.translated, jd_stats.called,
              jd_stats.faulted, jd_stats.differ);
}

#endif
