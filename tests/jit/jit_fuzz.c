/* Differential fuzzer of the Thumb-2 JIT at host speed: a Linux (armhf,
 * static) build of the VM and the JIT, run under qemu-arm (Debian's
 * qemu-user). The check is jit_diff.h, shared with the board's harness
 * (firmware/app/jitfuzz.c, the RV32 backend): random verified programs
 * from the ISA table (jit_rand.h, the generator of the M4 self-test) run
 * on the interpreter and JIT-compiled from the same state; r0, status, the
 * fault record (code, index, address, size), the executed count, the
 * deepest call depth, the 64-byte region and the whole stack must agree.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define JD_PRINTF printf
#define JD_FLUSH() fflush(stdout)
#include "jit_diff.h"

/* The stack and the region at fixed addresses (one mapping, main), so a
 * seed gives the same programs, results and findings in every build */
#define DATA_AT ((void *)0x30000000)
enum { CODE_BYTES = 32768 }; /* executable (mmap) */

static int replay(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    char line[256];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (jd_command(line) == JD_LINE_BAD) {
            fprintf(stderr, "%s: bad line: %s\n", path, line);
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
    cfg.helpers = &jd_helpers;
    if (fc_verify(&jd_prog, text, n, &cfg, &err) != FC_OK) {
        fprintf(stderr, "%s: refused at %lu: %s\n", path, (unsigned long)err.where,
                err.reason ? err.reason : "");
        return 1;
    }
    if (fc_jit_translate(&jd_jit, &jd_prog, jd_code, CODE_BYTES) != FC_OK) {
        fprintf(stderr, "%s: not translated: %s\n", path, jd_jit.refused.reason);
        return 1;
    }
    FILE *o = fopen(out, "wb");
    if (!o || fwrite(jd_jit.code, 1, jd_jit.code_size, o) != jd_jit.code_size) {
        perror(out);
        return 1;
    }
    fclose(o);
    fc_vm_init(&jd_vm, &jd_prog, jd_stack, JD_STACK_BYTES);
    fc_vm_add_region(&jd_vm, mem, len, FC_PERM_RW);
    uint64_t r0 = 0;
    fc_status_t st = fc_jit_run(&jd_jit, &jd_vm, 0, (uintptr_t)mem, len, &r0);
    printf("%s: %u slots, %lu code bytes (%.1f per slot); run %s r0 0x%llx executed %llu\n", path,
           n, (unsigned long)jd_jit.code_size, (double)jd_jit.code_size / n, fc_status_name(st),
           (unsigned long long)r0, (unsigned long long)jd_vm.executed);
    return st != FC_OK;
}

int main(int argc, char **argv)
{
    void *code = mmap(NULL, CODE_BYTES, PROT_READ | PROT_WRITE | PROT_EXEC,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    void *data =
        mmap(DATA_AT, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (code == MAP_FAILED || data != DATA_AT) {
        perror("mmap");
        return 2;
    }
    jd_code = code;
    jd_code_bytes = CODE_BYTES;
    jd_stack = data;
    jd_region_words = jd_stack + JD_STACK_BYTES / 8 + 64; /* a gap: the stack's end is not it */
    jd_verbose = getenv("JIT_FUZZ_VERBOSE") != NULL;
    if (argc >= 4 && strcmp(argv[1], "run") == 0) {
        jd_run_seeds((uint32_t)strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0),
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
    jd_summary("jit_fuzz");
    printf("\n");
    return jd_stats.differ != 0 || jd_stats.verified == 0;
}
