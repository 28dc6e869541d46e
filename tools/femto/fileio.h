/* Whole-file reads and writes for the CLI, and raw bytecode files
 * (little-endian 64-bit slots, no header). */
#ifndef FEMTO_TOOLS_FILEIO_H
#define FEMTO_TOOLS_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#include "femto/vm.h"

/* Read all of path ("-" is stdin) into a malloc'd buffer with a NUL after
 * the last byte. Returns 0, or -1 with a message in err. */
int fc_read_file(const char *path, char **data, size_t *len, char *err, size_t err_size);

/* Write len bytes to path ("-" is stdout), replacing it. */
int fc_write_file(const char *path, const void *data, size_t len, char *err, size_t err_size);

/* A raw bytecode file: its length must be a multiple of 8. *slots is
 * malloc'd (NULL for an empty file). */
int fc_raw_load(const char *path, fc_insn_t **slots, size_t *n_slots, char *err, size_t err_size);
int fc_raw_save(const char *path, const fc_insn_t *slots, size_t n_slots, char *err,
                size_t err_size);

#endif
