/* femto bench [--runs N] [--in-place] FILE.data...: load and verify each
 * program once, run it N times (default 1000), check r0 on every run, and
 * print per program: name, slots, eBPF instructions executed per run,
 * OK/FAIL and how it ran: pre-decoded (fc_program_translate, the default
 * when the VM supports it) or in place (--in-place).
 * Wrapped in `valgrind --tool=callgrind` by bench/callgrind.sh to count
 * host instructions per run. Exit status 1 if any program fails. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "datafile.h"
#include "runner.h"

#define DEFAULT_RUNS 1000

/* Load, verify and run one file `runs` times; 0 if every run was right. */
static int bench_file(const char *path, long runs, int translate)
{
    fc_datafile_t df;
    char err[256], name[128], desc[200];
    fc_insn_t *slots = NULL;
    size_t n = 0;
    fc_cli_stem(path, name, sizeof name);

    if (fc_datafile_load(path, &df, err, sizeof err) != 0 || df.unusable[0] ||
        fc_datafile_program(&df, &slots, &n, err, sizeof err) != 0) {
        printf("%-16s %6s %10s  FAIL (%s)\n", name, "-", "-", df.unusable[0] ? df.unusable : err);
        fc_datafile_free(&df);
        return -1;
    }

    fc_runner_t runner;
    fc_error_t verr;
    int ok = 1;
    const char *why = "";
    uint64_t r0 = 0;
    if (fc_runner_load(&runner, slots, n, df.mem, df.mem_len, df.has_mem, translate, &verr) !=
        FC_OK) {
        why = fc_runner_describe(&verr, desc, sizeof desc);
        ok = 0;
    }
    for (long i = 0; ok && i < runs; i++) {
        if (fc_runner_run(&runner, &r0) != FC_OK) {
            why = fc_runner_describe(&runner.vm.fault, desc, sizeof desc);
            ok = 0;
        } else if (df.has_result && r0 != df.result) {
            snprintf(desc, sizeof desc, "run %ld: r0 0x%" PRIx64 ", expected 0x%" PRIx64, i, r0,
                     df.result);
            why = desc;
            ok = 0;
        }
    }
    const char *mode = runner.translated ? "pre-decoded" : "in-place";
    if (ok)
        printf("%-16s %6zu %10" PRIu64 "  OK    %s\n", name, n, runner.vm.executed, mode);
    else
        printf("%-16s %6zu %10s  FAIL  %s (%s)\n", name, n, "-", mode, why);
    fc_runner_free(&runner);
    free(slots);
    fc_datafile_free(&df);
    return ok ? 0 : -1;
}

int fc_cmd_bench(int argc, char **argv)
{
    long runs = DEFAULT_RUNS;
    int translate = 1;
    int first_file = 1;
    while (first_file < argc && argv[first_file][0] == '-') {
        if (strcmp(argv[first_file], "--runs") == 0 && first_file + 1 < argc) {
            runs = fc_cli_count(argv[first_file + 1]);
            first_file += 2;
        } else if (strcmp(argv[first_file], "--in-place") == 0) {
            translate = 0;
            first_file++;
        } else {
            runs = -1;
            break;
        }
    }
    if (runs < 0 || first_file >= argc) {
        fprintf(stderr, "usage: femto bench [--runs N] [--in-place] FILE.data...\n");
        return 2;
    }
    int failed = 0;
    printf("%-16s %6s %10s  %-5s %s\n", "program", "slots", "insns/run", "result", "mode");
    for (int i = first_file; i < argc; i++)
        failed |= bench_file(argv[i], runs, translate) != 0;
    return failed ? 1 : 0;
}
