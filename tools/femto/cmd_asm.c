/* femto asm FILE.s [-o FILE.bin]: assemble into raw little-endian slots.
 * A .data file's program (raw, or its asm section) works too. Without -o
 * the output is FILE with its extension replaced by .bin. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "cli.h"
#include "commands.h"
#include "fileio.h"

static int assemble_file(const char *path, fc_insn_t **slots, size_t *n)
{
    if (fc_cli_has_suffix(path, ".data"))
        return fc_cli_datafile_program(path, slots, n);

    char *source;
    size_t len;
    char err[256];
    if (fc_read_file(path, &source, &len, err, sizeof err) != 0) {
        fprintf(stderr, "femto asm: %s\n", err);
        return -1;
    }
    fc_asm_error_t aerr;
    int rc = fc_asm_assemble(source, slots, n, &aerr);
    if (rc != 0)
        fprintf(stderr, "%s:%u: error: %s\n", path, aerr.line, aerr.message);
    free(source);
    return rc;
}

static void default_output(const char *input, char *buf, size_t size)
{
    const char *slash = strrchr(input, '/');
    const char *dot = strrchr(input, '.');
    size_t len = dot && (!slash || dot > slash) ? (size_t)(dot - input) : strlen(input);
    snprintf(buf, size, "%.*s.bin", (int)len, input);
}

int fc_cmd_asm(int argc, char **argv)
{
    const char *input = NULL, *output = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            output = argv[++i];
        else if (!input && argv[i][0] != '-')
            input = argv[i];
        else {
            fprintf(stderr, "usage: femto asm FILE.s|FILE.data [-o FILE.bin]\n");
            return 2;
        }
    }
    if (!input) {
        fprintf(stderr, "usage: femto asm FILE.s|FILE.data [-o FILE.bin]\n");
        return 2;
    }
    char derived[4096];
    if (!output) {
        default_output(input, derived, sizeof derived);
        output = derived;
    }

    fc_insn_t *slots;
    size_t n;
    if (assemble_file(input, &slots, &n) != 0)
        return 1;
    char err[256];
    int rc = fc_raw_save(output, slots, n, err, sizeof err);
    free(slots);
    if (rc != 0) {
        fprintf(stderr, "femto asm: %s\n", err);
        return 1;
    }
    return 0;
}
