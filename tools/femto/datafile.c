/* The .data parser; see datafile.h for the rules it follows. */
#include "datafile.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "fileio.h"
#include "insn.h"

enum section { SEC_NONE, SEC_ASM, SEC_RESULT, SEC_MEM, SEC_RAW, SEC_IGNORED, SEC_ERROR };

/* Keywords in the order the suite tests them (substring search). */
static const struct {
    const char *keyword;
    enum section section;
} section_keywords[] = {
    {"asm", SEC_ASM},
    {"result", SEC_RESULT},
    {"mem", SEC_MEM},
    {"raw", SEC_RAW},
    {"no register offset", SEC_IGNORED},
    {" c", SEC_IGNORED},
    {"error", SEC_ERROR},
};

typedef struct parser {
    fc_datafile_t *df;
    unsigned line;
    size_t cap_raw, cap_mem, asm_len, cap_asm, cap_asm_lines;
    char *err;
    size_t err_size;
} parser_t;

static int fail(parser_t *p, const char *fmt, ...)
{
    int used = snprintf(p->err, p->err_size, "line %u: ", p->line);
    va_list ap;
    va_start(ap, fmt);
    if (used >= 0 && (size_t)used < p->err_size)
        vsnprintf(p->err + used, p->err_size - (size_t)used, fmt, ap);
    va_end(ap);
    return -1;
}

static int grow(void **array, size_t *cap, size_t need, size_t elem_size)
{
    if (need <= *cap)
        return 0;
    size_t new_cap = *cap ? *cap : 64;
    while (new_cap < need)
        new_cap *= 2;
    void *q = realloc(*array, new_cap * elem_size);
    if (!q)
        return -1;
    *array = q;
    *cap = new_cap;
    return 0;
}

/* A number as the suite reads it: hex if it contains "0x", else decimal
 * (a leading '-' wraps around, as std::stoull does). */
static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    int hex = strstr(s, "0x") != NULL || strstr(s, "0X") != NULL;
    if (!*s || isspace((unsigned char)*s))
        return -1;
    unsigned long long v = strtoull(s, &end, hex ? 16 : 10);
    if (errno || *end)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        s[--len] = '\0';
    return s;
}

static int add_raw_tokens(parser_t *p, char *line)
{
    fc_datafile_t *df = p->df;
    for (char *tok = strtok(line, " \t\v\f"); tok; tok = strtok(NULL, " \t\v\f")) {
        uint64_t word;
        if (parse_u64(tok, &word) != 0)
            return fail(p, "raw: invalid slot '%s'", tok);
        if (grow((void **)&df->raw, &p->cap_raw, df->n_raw + 1, sizeof *df->raw) != 0)
            return fail(p, "out of memory");
        df->raw[df->n_raw++] = word;
    }
    return 0;
}

static int add_mem_tokens(parser_t *p, char *line)
{
    fc_datafile_t *df = p->df;
    for (char *tok = strtok(line, " \t\v\f"); tok; tok = strtok(NULL, " \t\v\f")) {
        char *end;
        size_t len = strlen(tok);
        unsigned long byte = strtoul(tok, &end, 16);
        if (len > 2 || *end || !isxdigit((unsigned char)tok[0]))
            return fail(p, "mem: '%s' is not a hex byte", tok);
        if (grow((void **)&df->mem, &p->cap_mem, df->mem_len + 1, 1) != 0)
            return fail(p, "out of memory");
        df->mem[df->mem_len++] = (uint8_t)byte;
    }
    return 0;
}

static int add_asm_line(parser_t *p, const char *line)
{
    fc_datafile_t *df = p->df;
    size_t len = strlen(line);
    if (grow((void **)&df->asm_text, &p->cap_asm, p->asm_len + len + 2, 1) != 0 ||
        grow((void **)&df->asm_lines, &p->cap_asm_lines, df->n_asm_lines + 1,
             sizeof *df->asm_lines) != 0)
        return fail(p, "out of memory");
    memcpy(df->asm_text + p->asm_len, line, len);
    p->asm_len += len;
    df->asm_text[p->asm_len++] = '\n';
    df->asm_text[p->asm_len] = '\0';
    df->asm_lines[df->n_asm_lines++] = p->line;
    return 0;
}

static int set_error_text(parser_t *p, const char *text)
{
    char *copy = strdup(text);
    if (!copy)
        return fail(p, "out of memory");
    free(p->df->error);
    p->df->error = copy;
    return 0;
}

/* A `--` line: start a section, or mark the file unusable. */
static int start_section(parser_t *p, const char *line, enum section *section)
{
    fc_datafile_t *df = p->df;
    for (size_t i = 0; i < sizeof section_keywords / sizeof section_keywords[0]; i++) {
        if (!strstr(line, section_keywords[i].keyword))
            continue;
        *section = section_keywords[i].section;
        switch (*section) {
        case SEC_ASM:
            df->has_asm = 1;
            break;
        case SEC_RAW:
            df->has_raw = 1;
            break;
        case SEC_MEM:
            df->has_mem = 1;
            break;
        case SEC_ERROR:
            df->has_error = 1;
            return set_error_text(p, "");
        default:
            break;
        }
        return 0;
    }
    snprintf(df->unusable, sizeof df->unusable, "line %u: unknown section '%.60s'", p->line, line);
    return 1;
}

static int parse_line(parser_t *p, char *line, enum section *section)
{
    char *trimmed = trim(line);
    if (!*trimmed)
        return 0;
    if (strstr(trimmed, "--"))
        return start_section(p, trimmed, section);
    switch (*section) {
    case SEC_ASM:
        return add_asm_line(p, trimmed);
    case SEC_RAW:
        return add_raw_tokens(p, trimmed);
    case SEC_MEM:
        return add_mem_tokens(p, trimmed);
    case SEC_RESULT:
        if (parse_u64(trimmed, &p->df->result) != 0)
            return fail(p, "result: invalid number '%s'", trimmed);
        p->df->has_result = 1;
        return 0;
    case SEC_ERROR:
        return set_error_text(p, trimmed);
    default:
        return 0; /* before any section, or free text */
    }
}

int fc_datafile_parse(const char *text, size_t len, fc_datafile_t *df, char *err, size_t err_size)
{
    parser_t p;
    memset(df, 0, sizeof *df);
    memset(&p, 0, sizeof p);
    p.df = df;
    p.err = err;
    p.err_size = err_size;
    enum section section = SEC_NONE;

    size_t pos = 0;
    while (pos < len) {
        size_t line_len = 0;
        while (pos + line_len < len && text[pos + line_len] != '\n')
            line_len++;
        p.line++;
        char *line = malloc(line_len + 1);
        if (!line)
            return fail(&p, "out of memory");
        memcpy(line, text + pos, line_len);
        line[line_len] = '\0';
        if (line_len && line[line_len - 1] == '\r')
            line[line_len - 1] = '\0';
        char *comment = strchr(line, '#');
        if (comment)
            *comment = '\0';
        int rc = parse_line(&p, line, &section);
        free(line);
        if (rc < 0)
            return -1;
        if (rc > 0)
            return 0; /* unusable: the suite stops reading here */
        pos += line_len + 1;
    }
    return 0;
}

int fc_datafile_load(const char *path, fc_datafile_t *df, char *err, size_t err_size)
{
    char *text;
    size_t len;
    memset(df, 0, sizeof *df);
    if (fc_read_file(path, &text, &len, err, err_size) != 0)
        return -1;
    int rc = fc_datafile_parse(text, len, df, err, err_size);
    free(text);
    return rc;
}

void fc_datafile_free(fc_datafile_t *df)
{
    free(df->asm_text);
    free(df->asm_lines);
    free(df->raw);
    free(df->mem);
    free(df->error);
    memset(df, 0, sizeof *df);
}

int fc_datafile_program(const fc_datafile_t *df, fc_insn_t **slots, size_t *n_slots, char *err,
                        size_t err_size)
{
    *slots = NULL;
    *n_slots = 0;
    if (df->has_raw) {
        if (df->n_raw == 0)
            return 0;
        *slots = malloc(df->n_raw * sizeof **slots);
        if (!*slots) {
            snprintf(err, err_size, "out of memory");
            return -1;
        }
        for (size_t i = 0; i < df->n_raw; i++)
            (*slots)[i] = fc_insn_from_word(df->raw[i]);
        *n_slots = df->n_raw;
        return 0;
    }
    if (!df->has_asm || !df->asm_text)
        return 0;
    fc_asm_error_t aerr;
    if (fc_asm_assemble(df->asm_text, slots, n_slots, &aerr) != 0) {
        unsigned line =
            aerr.line && aerr.line <= df->n_asm_lines ? df->asm_lines[aerr.line - 1] : 0;
        snprintf(err, err_size, "line %u: %s", line, aerr.message);
        return -1;
    }
    return 0;
}
