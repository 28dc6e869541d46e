/* Small helpers shared by the femto commands. */
#ifndef FEMTO_TOOLS_CLI_H
#define FEMTO_TOOLS_CLI_H

#include <stddef.h>

#include "femto/vm.h"

int fc_cli_has_suffix(const char *s, const char *suffix);

/* The name of a file without directory and extension ("crc32-v2"). */
void fc_cli_stem(const char *path, char *buf, size_t size);

/* The program of a .data file (raw, or assembled asm). Prints the error
 * as "path: reason" on stderr and returns -1 on failure. */
int fc_cli_datafile_program(const char *path, fc_insn_t **slots, size_t *n_slots);

/* Parse a positive count ("1000"); -1 if it is not one. */
long fc_cli_count(const char *s);

#endif
