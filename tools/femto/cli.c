/* Helpers shared by the commands; see cli.h. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datafile.h"

int fc_cli_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

void fc_cli_stem(const char *path, char *buf, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    snprintf(buf, size, "%.*s", (int)len, base);
}

int fc_cli_datafile_program(const char *path, fc_insn_t **slots, size_t *n_slots)
{
    fc_datafile_t df;
    char err[256];
    int rc = fc_datafile_load(path, &df, err, sizeof err);
    if (rc == 0 && df.unusable[0]) {
        snprintf(err, sizeof err, "%s", df.unusable);
        rc = -1;
    }
    if (rc == 0)
        rc = fc_datafile_program(&df, slots, n_slots, err, sizeof err);
    fc_datafile_free(&df);
    if (rc != 0)
        fprintf(stderr, "%s: %s\n", path, err);
    return rc;
}

long fc_cli_count(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    return (*s && !*end && v > 0) ? v : -1;
}
