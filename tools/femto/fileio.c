/* File helpers; see fileio.h. */
#include "fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "insn.h"

int fc_read_file(const char *path, char **data, size_t *len, char *err, size_t err_size)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, used = 0;
    char *buf = malloc(cap);
    while (buf) {
        used += fread(buf + used, 1, cap - used - 1, f);
        if (used < cap - 1)
            break;
        char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int failed = !buf || ferror(f);
    if (!is_stdin)
        fclose(f);
    if (failed) {
        snprintf(err, err_size, "%s: %s", path, buf ? "read error" : "out of memory");
        free(buf);
        return -1;
    }
    buf[used] = '\0';
    *data = buf;
    *len = used;
    return 0;
}

int fc_write_file(const char *path, const void *data, size_t len, char *err, size_t err_size)
{
    int is_stdout = strcmp(path, "-") == 0;
    FILE *f = is_stdout ? stdout : fopen(path, "wb");
    if (!f) {
        snprintf(err, err_size, "%s: %s", path, strerror(errno));
        return -1;
    }
    int failed = fwrite(data, 1, len, f) != len;
    failed |= is_stdout ? fflush(f) != 0 : fclose(f) != 0;
    if (failed) {
        snprintf(err, err_size, "%s: write failed", path);
        return -1;
    }
    return 0;
}

int fc_raw_load(const char *path, fc_insn_t **slots, size_t *n_slots, char *err, size_t err_size)
{
    char *bytes;
    size_t len;
    *slots = NULL;
    *n_slots = 0;
    if (fc_read_file(path, &bytes, &len, err, err_size) != 0)
        return -1;
    if (len % 8 != 0) {
        snprintf(err, err_size, "%s: %zu bytes is not a whole number of 8-byte slots", path, len);
        free(bytes);
        return -1;
    }
    if (len) {
        *slots = malloc(len);
        if (!*slots) {
            snprintf(err, err_size, "%s: out of memory", path);
            free(bytes);
            return -1;
        }
        fc_insn_from_bytes((const uint8_t *)bytes, len / 8, *slots);
    }
    *n_slots = len / 8;
    free(bytes);
    return 0;
}

int fc_raw_save(const char *path, const fc_insn_t *slots, size_t n_slots, char *err,
                size_t err_size)
{
    uint8_t *bytes = malloc(n_slots * 8 + 1);
    if (!bytes) {
        snprintf(err, err_size, "%s: out of memory", path);
        return -1;
    }
    fc_insn_to_bytes(slots, n_slots, bytes);
    int rc = fc_write_file(path, bytes, n_slots * 8, err, err_size);
    free(bytes);
    return rc;
}
