/* Parser for the conformance `.data` files, exactly as
 * shared/conformance/README.md specifies (the suite's bpf_test_parser):
 *  - lines lose a trailing CR, then everything from the first `#`;
 *    empty (or blank) lines are ignored;
 *  - a line containing `--` starts a section; its keyword is found by
 *    substring, checked in the order asm, result, mem, raw,
 *    no register offset, " c", error; any other `--` line makes the file
 *    unusable (the suite's runner skips it);
 *  - `-- raw`: whitespace-separated tokens, one 64-bit slot each, hex with
 *    `0x`, else decimal; `-- asm` is used only when there is no raw section;
 *  - `-- mem`: whitespace-separated hex bytes over any number of lines;
 *  - `-- result`: the last line, hex if it contains `0x`, else decimal;
 *  - `-- error`: the last line; the section counts even when empty. */
#ifndef FEMTO_TOOLS_DATAFILE_H
#define FEMTO_TOOLS_DATAFILE_H

#include <stddef.h>
#include <stdint.h>

#include "femto/vm.h"

typedef struct fc_datafile {
    int has_asm, has_raw, has_mem, has_result, has_error;
    char *asm_text;      /* the asm lines (comments removed), '\n'-joined */
    unsigned *asm_lines; /* file line number of each asm_text line */
    size_t n_asm_lines;
    uint64_t *raw; /* slots of -- raw as words */
    size_t n_raw;
    uint8_t *mem;
    size_t mem_len;
    uint64_t result;
    char *error;        /* last line of -- error, "" when the section is empty */
    char unusable[120]; /* non-empty: the file has an unknown section */
} fc_datafile_t;

/* Parse text[0..len). Returns 0 (check df->unusable), or -1 when a token is
 * malformed, with "line N: reason" in err. Free with fc_datafile_free()
 * in both cases. */
int fc_datafile_parse(const char *text, size_t len, fc_datafile_t *df, char *err, size_t err_size);

/* Read and parse a file. */
int fc_datafile_load(const char *path, fc_datafile_t *df, char *err, size_t err_size);

void fc_datafile_free(fc_datafile_t *df);

/* The program: the raw slots, or the assembled asm section when there is no
 * raw section. *slots is malloc'd (NULL when there are none). Returns 0, or
 * -1 when the asm does not assemble ("line N: reason" with the file's line
 * number in err). */
int fc_datafile_program(const fc_datafile_t *df, fc_insn_t **slots, size_t *n_slots, char *err,
                        size_t err_size);

#endif
