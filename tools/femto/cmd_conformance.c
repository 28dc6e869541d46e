/* femto conformance [-v] PATH...: run conformance vectors.
 *
 * Each PATH is a .data file or a directory of them (sorted by name). A file
 * passes when its program verifies and runs to exit with r0 equal to its
 * result (all 64 bits); a file with an `-- error` section (even empty)
 * passes only when the verifier refuses it or the run faults. Each program
 * runs twice, in place and pre-decoded (fc_program_translate), and both
 * runs must pass. Files with
 * neither result nor error, with no instructions, with an unknown section
 * or whose asm does not assemble are skipped (and counted as such).
 * Output: one line per failure ("file: reason"), one per skip, and last
 * "N passed, N failed[, N skipped]". Exit status 1 on any failure. */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "datafile.h"
#include "runner.h"

enum outcome { PASS, FAIL, SKIP };

typedef struct tally {
    unsigned passed, failed, skipped;
    int verbose;
} tally_t;

/* Run the program once, in place or pre-decoded, and judge it against the
 * file's expectation. *available is 0 when the VM cannot translate. */
static enum outcome judge_mode(const fc_datafile_t *df, const fc_insn_t *slots, size_t n,
                               int translate, int *available, char *why, size_t size)
{
    fc_runner_t runner;
    fc_error_t err;
    char desc[200];
    enum outcome result;
    const char *mode = translate ? "pre-decoded: " : "";
    fc_status_t st =
        fc_runner_load(&runner, slots, n, df->mem, df->mem_len, df->has_mem, translate, &err);
    *available = !translate || runner.translated;
    if (st != FC_OK) {
        fc_runner_describe(&err, desc, sizeof desc);
        snprintf(why, size, "%srefused at load: %s", mode, desc);
        result = df->has_error ? PASS : FAIL;
    } else if (!*available) {
        result = PASS;
    } else {
        uint64_t r0 = 0;
        st = fc_runner_run(&runner, &r0);
        if (st != FC_OK) {
            fc_runner_describe(&runner.vm.fault, desc, sizeof desc);
            snprintf(why, size, "%sfaulted: %s", mode, desc);
            result = df->has_error ? PASS : FAIL;
        } else if (df->has_error) {
            snprintf(why, size,
                     "%sexpected a load refusal or a fault, but it ran and returned 0x%" PRIx64,
                     mode, r0);
            result = FAIL;
        } else if (r0 != df->result) {
            snprintf(why, size, "%sr0 is 0x%" PRIx64 ", expected 0x%" PRIx64, mode, r0, df->result);
            result = FAIL;
        } else {
            snprintf(why, size, "%sr0 = 0x%" PRIx64 ", %" PRIu64 " instructions", mode, r0,
                     runner.vm.executed);
            result = PASS;
        }
    }
    fc_runner_free(&runner);
    return result;
}

/* Both ways the VM can run a program must pass: in place, then
 * pre-decoded (when this build of the VM can translate). */
static enum outcome judge_run(const fc_datafile_t *df, const fc_insn_t *slots, size_t n, char *why,
                              size_t size)
{
    int available;
    enum outcome result = judge_mode(df, slots, n, 0, &available, why, size);
    if (result != PASS)
        return result;
    char why_translated[400];
    enum outcome translated =
        judge_mode(df, slots, n, 1, &available, why_translated, sizeof why_translated);
    if (translated != PASS)
        snprintf(why, size, "%s", why_translated);
    return translated;
}

static enum outcome judge_file(const char *path, char *why, size_t size)
{
    fc_datafile_t df;
    char err[256];
    enum outcome result;
    fc_insn_t *slots = NULL;
    size_t n = 0;
    if (fc_datafile_load(path, &df, err, sizeof err) != 0) {
        snprintf(why, size, "cannot parse: %s", err);
        result = FAIL;
    } else if (df.unusable[0]) {
        snprintf(why, size, "skipped: %s", df.unusable);
        result = SKIP;
    } else if (!df.has_result && !df.has_error) {
        snprintf(why, size, "skipped: neither a result nor an error section");
        result = SKIP;
    } else if (fc_datafile_program(&df, &slots, &n, err, sizeof err) != 0) {
        snprintf(why, size, "skipped: no program, the asm does not assemble: %s", err);
        result = SKIP;
    } else if (n == 0) {
        snprintf(why, size, "skipped: no instructions");
        result = SKIP;
    } else {
        result = judge_run(&df, slots, n, why, size);
    }
    free(slots);
    fc_datafile_free(&df);
    return result;
}

static void run_file(const char *path, tally_t *t)
{
    char why[400];
    enum outcome result = judge_file(path, why, sizeof why);
    if (result == PASS) {
        t->passed++;
        if (t->verbose)
            printf("%s: pass: %s\n", path, why);
    } else if (result == FAIL) {
        t->failed++;
        printf("%s: %s\n", path, why);
    } else {
        t->skipped++;
        printf("%s: %s\n", path, why);
    }
}

static int is_data_file(const struct dirent *e)
{
    return fc_cli_has_suffix(e->d_name, ".data");
}

static int run_path(const char *path, tally_t *t)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        printf("%s: cannot open\n", path);
        t->failed++;
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        run_file(path, t);
        return 0;
    }
    struct dirent **entries;
    int n = scandir(path, &entries, is_data_file, alphasort);
    if (n < 0) {
        printf("%s: cannot read directory\n", path);
        t->failed++;
        return -1;
    }
    for (int i = 0; i < n; i++) {
        char file[4096];
        snprintf(file, sizeof file, "%s/%s", path, entries[i]->d_name);
        run_file(file, t);
        free(entries[i]);
    }
    free(entries);
    return 0;
}

int fc_cmd_conformance(int argc, char **argv)
{
    tally_t t = {0, 0, 0, 0};
    int n_paths = 0;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-v") == 0)
            t.verbose = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            continue;
        run_path(argv[i], &t);
        n_paths++;
    }
    if (n_paths == 0) {
        fprintf(stderr, "usage: femto conformance [-v] PATH...\n");
        return 2;
    }
    if (t.skipped)
        printf("%u passed, %u failed, %u skipped\n", t.passed, t.failed, t.skipped);
    else
        printf("%u passed, %u failed\n", t.passed, t.failed);
    /* Running nothing is not a pass: a wrong path must not look green. */
    if (t.passed + t.failed == 0) {
        fprintf(stderr, "femto conformance: no test ran\n");
        return 1;
    }
    return t.failed ? 1 : 0;
}
