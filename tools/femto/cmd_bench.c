/* femto bench [--runs N] FILE.data...: load and verify each program once,
 * run it N times (default 1000), check r0 on every run, and print per
 * program: name, slots, eBPF instructions executed per run, OK/FAIL.
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
static int bench_file(const char *path, long runs)
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
    if (fc_runner_load(&runner, slots, n, df.mem, df.mem_len, df.has_mem, &verr) != FC_OK) {
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
    if (ok)
        printf("%-16s %6zu %10" PRIu64 "  OK\n", name, n, runner.vm.executed);
    else
        printf("%-16s %6zu %10s  FAIL (%s)\n", name, n, "-", why);
    fc_runner_free(&runner);
    free(slots);
    fc_datafile_free(&df);
    return ok ? 0 : -1;
}

int fc_cmd_bench(int argc, char **argv)
{
    long runs = DEFAULT_RUNS;
    int first_file = 1;
    if (argc > 2 && strcmp(argv[1], "--runs") == 0) {
        runs = fc_cli_count(argv[2]);
        first_file = 3;
    }
    if (runs < 0 || first_file >= argc) {
        fprintf(stderr, "usage: femto bench [--runs N] FILE.data...\n");
        return 2;
    }
    int failed = 0;
    printf("%-16s %6s %10s  %s\n", "program", "slots", "insns/run", "result");
    for (int i = first_file; i < argc; i++)
        failed |= bench_file(argv[i], runs) != 0;
    return failed ? 1 : 0;
}
