/* The assembler; see asm.h for the syntax.
 *
 * Each line is split into tokens (a `[...]` memory operand is one token),
 * the mnemonic selects the candidate rows of the opcode table, and the
 * shape of the operands (register, memory, number, label) picks the row:
 * `add %r0, 1` is ADD64_K, `add %r0, %r1` ADD64_X. Labels are resolved once
 * the whole text is read. */
#include "asm.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "insn.h"

#define MAX_TOKENS 8

typedef struct label {
    char *name;
    size_t slot;
    unsigned line;
} label_t;

/* A branch whose target is a label, patched at the end. */
typedef struct fixup {
    char *name;
    size_t slot;
    unsigned line;
    unsigned bits; /* 16: the offset field holds the target, 32: imm */
} fixup_t;

typedef struct assembler {
    fc_insn_t *slots;
    size_t n_slots, cap_slots;
    label_t *labels;
    size_t n_labels, cap_labels;
    fixup_t *fixups;
    size_t n_fixups, cap_fixups;
    long long first_exit; /* slot of the first exit, -1 if none yet */
    unsigned line;
    fc_asm_error_t *err;
} assembler_t;

/* Spellings the suite accepts for rows whose table mnemonic differs. */
static const struct {
    const char *alias, *mnemonic;
} aliases[] = {
    {"swap16", "bswap16"},
    {"swap32", "bswap32"},
    {"swap64", "bswap64"},
    {"callx", "call"},
};

/* Operand shapes per format: R register, M memory, N number, T branch
 * target (label or signed offset), V lddw value (number or section+N),
 * l the word "local". And the same as a person reads it, for errors. */
static const char *const format_shape[FC_FMT_COUNT] = {
    [FC_FMT_ALU_K] = "RN",  [FC_FMT_ALU_X] = "RR", [FC_FMT_UNARY] = "R",
    [FC_FMT_END] = "R",     [FC_FMT_LDDW] = "RV",  [FC_FMT_LDX] = "RM",
    [FC_FMT_ST] = "MN",     [FC_FMT_STX] = "MR",   [FC_FMT_ATOMIC] = "MR",
    [FC_FMT_JA] = "T",      [FC_FMT_JA32] = "T",   [FC_FMT_JCC_K] = "RNT",
    [FC_FMT_JCC_X] = "RRT", [FC_FMT_CALL] = "N",   [FC_FMT_CALL_LOCAL] = "lT",
    [FC_FMT_CALLX] = "R",   [FC_FMT_EXIT] = "",
};

static const char *const format_syntax[FC_FMT_COUNT] = {
    [FC_FMT_ALU_K] = "%rD, imm",
    [FC_FMT_ALU_X] = "%rD, %rS",
    [FC_FMT_UNARY] = "%rD",
    [FC_FMT_END] = "%rD",
    [FC_FMT_LDDW] = "%rD, imm64|rodata+N|data+N",
    [FC_FMT_LDX] = "%rD, [%rS+off]",
    [FC_FMT_ST] = "[%rD+off], imm",
    [FC_FMT_STX] = "[%rD+off], %rS",
    [FC_FMT_ATOMIC] = "[%rD+off], %rS",
    [FC_FMT_JA] = "label|+off",
    [FC_FMT_JA32] = "label|+off",
    [FC_FMT_JCC_K] = "%rD, imm, label|+off",
    [FC_FMT_JCC_X] = "%rD, %rS, label|+off",
    [FC_FMT_CALL] = "helper-id",
    [FC_FMT_CALL_LOCAL] = "local label|+off",
    [FC_FMT_CALLX] = "%rD",
    [FC_FMT_EXIT] = "",
};

static const char *shape_name(char shape)
{
    switch (shape) {
    case 'R':
        return "a register like %r1";
    case 'M':
        return "a memory operand like [%r1+4]";
    case 'N':
        return "a number";
    case 'T':
        return "a label or a signed offset like +3";
    case 'V':
        return "a number, rodata+N or data+N";
    case 'l':
        return "the word 'local'";
    default:
        return "?";
    }
}

static int fail(assembler_t *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->err->message, sizeof a->err->message, fmt, ap);
    va_end(ap);
    a->err->line = a->line;
    return -1;
}

/* Make room for one more element in a growing array. */
static int grow(void **array, size_t *cap, size_t count, size_t elem_size)
{
    if (count < *cap)
        return 0;
    size_t new_cap = *cap ? *cap * 2 : 64;
    void *p = realloc(*array, new_cap * elem_size);
    if (!p)
        return -1;
    *array = p;
    *cap = new_cap;
    return 0;
}

/* ---- numbers ----------------------------------------------------------- */

typedef struct number {
    uint64_t magnitude;
    int negative;
    int hex;
    int has_sign;
} number_t;

static int looks_numeric(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    return isdigit((unsigned char)*s);
}

static int parse_number(const char *s, number_t *num)
{
    num->negative = *s == '-';
    num->has_sign = *s == '-' || *s == '+';
    if (num->has_sign)
        s++;
    num->hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    if (num->hex)
        s += 2;
    unsigned base = num->hex ? 16 : 10;
    if (!*s)
        return -1;
    uint64_t value = 0;
    for (; *s; s++) {
        unsigned digit;
        if (isdigit((unsigned char)*s))
            digit = (unsigned)(*s - '0');
        else if (isxdigit((unsigned char)*s))
            digit = (unsigned)(tolower((unsigned char)*s) - 'a' + 10);
        else
            return -1;
        if (digit >= base || value > (UINT64_MAX - digit) / base)
            return -1;
        value = value * base + digit;
    }
    num->magnitude = value;
    return 0;
}

/* A field of `bits` bits (32 or 16): hex is an unsigned bit pattern,
 * decimal must fit the signed range, as in the suite's assembler. */
static int number_to_field(const number_t *num, unsigned bits, int64_t *out)
{
    uint64_t max_pattern = (1ull << bits) - 1;
    uint64_t max_signed = (1ull << (bits - 1)) - 1;
    if (num->negative) {
        if (num->magnitude > max_signed + 1)
            return -1;
        *out = -(int64_t)num->magnitude;
    } else if (num->hex) {
        if (num->magnitude > max_pattern)
            return -1;
        uint64_t v = num->magnitude;
        *out = (v > max_signed) ? (int64_t)v - (int64_t)(max_pattern + 1) : (int64_t)v;
    } else {
        if (num->magnitude > max_signed)
            return -1;
        *out = (int64_t)num->magnitude;
    }
    return 0;
}

static int parse_field(assembler_t *a, const char *tok, unsigned bits, const char *what,
                       int64_t *out)
{
    number_t num;
    if (parse_number(tok, &num) != 0)
        return fail(a, "invalid number '%s'", tok);
    if (number_to_field(&num, bits, out) != 0)
        return fail(a, "%s out of %u-bit range: %s", what, bits, tok);
    return 0;
}

static int parse_imm64(assembler_t *a, const char *tok, int64_t *out)
{
    number_t num;
    if (parse_number(tok, &num) != 0)
        return fail(a, "invalid number '%s'", tok);
    if (num.negative && num.magnitude > (1ull << 63))
        return fail(a, "immediate out of 64-bit range: %s", tok);
    *out = (int64_t)(num.negative ? 0 - num.magnitude : num.magnitude);
    return 0;
}

/* ---- operands ---------------------------------------------------------- */

static int parse_register(assembler_t *a, const char *tok, unsigned *reg)
{
    const char *p = tok;
    unsigned value = 0;
    if (p[0] != '%' || p[1] != 'r' || !isdigit((unsigned char)p[2]))
        return fail(a, "invalid register '%s' (registers are %%r0 to %%r10)", tok);
    for (p += 2; isdigit((unsigned char)*p) && value <= 10; p++)
        value = value * 10 + (unsigned)(*p - '0');
    if (*p || value > 10)
        return fail(a, "invalid register '%s' (registers are %%r0 to %%r10)", tok);
    *reg = value;
    return 0;
}

/* [%rN], [%rN+off], [%rN-off] */
static int parse_memory(assembler_t *a, const char *tok, unsigned *reg, int32_t *off)
{
    size_t len = strlen(tok);
    char inner[64];
    if (len < 3 || tok[0] != '[' || tok[len - 1] != ']' || len - 2 >= sizeof inner)
        return fail(a, "invalid memory operand '%s' (expected [%%rN+offset])", tok);
    memcpy(inner, tok + 1, len - 2);
    inner[len - 2] = '\0';

    char *sign = strpbrk(inner, "+-");
    int64_t value = 0;
    if (sign) {
        if (parse_field(a, sign, 16, "offset", &value) != 0)
            return -1;
        *sign = '\0';
    }
    if (parse_register(a, inner, reg) != 0)
        return -1;
    *off = (int32_t)value;
    return 0;
}

static int valid_label_name(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_' || *s == '.'))
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '.'))
            return 0;
    return 1;
}

/* A branch target: +N / -N (bits wide) now, or a label patched later. */
static int parse_target(assembler_t *a, const char *tok, unsigned bits, int64_t *out)
{
    *out = 0;
    if (looks_numeric(tok)) {
        if (tok[0] != '+' && tok[0] != '-')
            return fail(a, "branch target '%s' needs a sign (+%s) or must be a label", tok, tok);
        return parse_field(a, tok, bits, "branch offset", out);
    }
    if (!valid_label_name(tok))
        return fail(a, "invalid label '%s'", tok);
    if (grow((void **)&a->fixups, &a->cap_fixups, a->n_fixups, sizeof *a->fixups) != 0)
        return fail(a, "out of memory");
    fixup_t *f = &a->fixups[a->n_fixups];
    f->name = strdup(tok);
    if (!f->name)
        return fail(a, "out of memory");
    f->slot = a->n_slots;
    f->line = a->line;
    f->bits = bits;
    a->n_fixups++;
    return 0;
}

/* lddw operand `rodata+8` / `data`: the pseudo source and its offset. */
static int parse_section_ref(assembler_t *a, const char *tok, unsigned *src, int64_t *offset)
{
    const char *plus = strchr(tok, '+');
    size_t name_len = plus ? (size_t)(plus - tok) : strlen(tok);
    *offset = 0;
    for (unsigned s = 0; s < FC_LDDW_SRC_COUNT; s++) {
        const char *name = fc_lddw_source_name(s);
        if (name && strlen(name) == name_len && strncmp(tok, name, name_len) == 0) {
            *src = s;
            return plus ? parse_imm64(a, plus + 1, offset) : 0;
        }
    }
    return fail(a, "unknown lddw operand '%s' (use a number, rodata+N or data+N)", tok);
}

/* ---- instruction selection ------------------------------------------------ */

static char token_kind(const char *tok)
{
    if (tok[0] == '%')
        return 'R';
    if (tok[0] == '[')
        return 'M';
    if (looks_numeric(tok))
        return 'N';
    return 'W'; /* a word: label, keyword or section reference */
}

static int kind_fits(char shape, const char *tok)
{
    char kind = token_kind(tok);
    switch (shape) {
    case 'T':
        return kind == 'N' || kind == 'W';
    case 'V':
        return kind == 'N' || kind == 'W';
    case 'l':
        return strcmp(tok, "local") == 0;
    default:
        return kind == shape;
    }
}

/* -1: operand count differs; 0: fits; i+1: operand i has the wrong kind. */
static int shape_mismatch(fc_op_t op, char **ops, int n_ops)
{
    const char *shape = format_shape[fc_isa[op].format];
    if ((int)strlen(shape) != n_ops)
        return -1;
    for (int i = 0; i < n_ops; i++)
        if (!kind_fits(shape[i], ops[i]))
            return i + 1;
    return 0;
}

/* Among rows sharing a format (lddw), the selector must agree with the
 * operands: a plain number is source 0, rodata+N source 1, data+N 2. */
static int lddw_source_fits(fc_op_t op, unsigned src)
{
    const fc_isa_row_t *row = &fc_isa[op];
    unsigned row_src = row->sel == FC_SEL_SRC ? (unsigned)row->selval : 0;
    return row_src == src;
}

static int report_no_row(assembler_t *a, const char *mnemonic, int is_lock, char **ops, int n_ops)
{
    char expected[160] = "";
    size_t used = 0;
    for (unsigned op = 0; op < FC_OP_COUNT; op++) {
        if (strcmp(fc_isa[op].mnemonic, mnemonic) != 0 ||
            (fc_isa[op].format == FC_FMT_ATOMIC) != is_lock)
            continue;
        int mismatch = shape_mismatch((fc_op_t)op, ops, n_ops);
        if (mismatch > 0)
            return fail(a, "operand %d of '%s' ('%s') must be %s", mismatch, mnemonic,
                        ops[mismatch - 1],
                        shape_name(format_shape[fc_isa[op].format][mismatch - 1]));
        const char *syntax = format_syntax[fc_isa[op].format];
        if (used < sizeof expected && !strstr(expected, syntax))
            used += (size_t)snprintf(expected + used, sizeof expected - used, "%s'%s%s %s'",
                                     used ? " or " : "", is_lock ? "lock " : "", mnemonic, syntax);
    }
    return fail(a, "invalid number of operands for %s%s: expected %s", is_lock ? "lock " : "",
                mnemonic, expected);
}

static int find_row(assembler_t *a, const char *mnemonic, int is_lock, char **ops, int n_ops,
                    fc_op_t *found)
{
    int known = 0;
    unsigned lddw_src = 0;
    int64_t ignored;
    for (unsigned op = 0; op < FC_OP_COUNT; op++) {
        if (strcmp(fc_isa[op].mnemonic, mnemonic) != 0 ||
            (fc_isa[op].format == FC_FMT_ATOMIC) != is_lock)
            continue;
        known = 1;
        if (shape_mismatch((fc_op_t)op, ops, n_ops) != 0)
            continue;
        if (fc_isa[op].format == FC_FMT_LDDW) {
            if (token_kind(ops[1]) == 'W' && parse_section_ref(a, ops[1], &lddw_src, &ignored))
                return -1;
            if (!lddw_source_fits((fc_op_t)op, lddw_src))
                continue;
        }
        *found = (fc_op_t)op;
        return 0;
    }
    if (!known)
        return is_lock ? fail(a, "invalid atomic operation 'lock %s'", mnemonic)
                       : fail(a, "invalid mnemonic '%s'", mnemonic);
    return report_no_row(a, mnemonic, is_lock, ops, n_ops);
}

/* Turn the textual operands of row op into field values. */
static int convert_operands(assembler_t *a, fc_op_t op, char **ops, fc_operands_t *out)
{
    int64_t value = 0;
    memset(out, 0, sizeof *out);
    switch (fc_isa[op].format) {
    case FC_FMT_ALU_K:
        if (parse_register(a, ops[0], &out->dst) || parse_field(a, ops[1], 32, "immediate", &value))
            return -1;
        break;
    case FC_FMT_ALU_X:
    case FC_FMT_JCC_X:
        if (parse_register(a, ops[0], &out->dst) || parse_register(a, ops[1], &out->src))
            return -1;
        if (fc_isa[op].format == FC_FMT_JCC_X && parse_target(a, ops[2], 16, &value))
            return -1;
        out->off = (int32_t)value;
        return 0;
    case FC_FMT_UNARY:
    case FC_FMT_END:
    case FC_FMT_CALLX:
        return parse_register(a, ops[0], &out->dst);
    case FC_FMT_LDDW:
        if (parse_register(a, ops[0], &out->dst))
            return -1;
        if (token_kind(ops[1]) == 'W') {
            unsigned src;
            return parse_section_ref(a, ops[1], &src, &out->imm);
        }
        return parse_imm64(a, ops[1], &out->imm);
    case FC_FMT_LDX:
        if (parse_register(a, ops[0], &out->dst))
            return -1;
        return parse_memory(a, ops[1], &out->src, &out->off);
    case FC_FMT_ST:
        if (parse_memory(a, ops[0], &out->dst, &out->off) ||
            parse_field(a, ops[1], 32, "immediate", &value))
            return -1;
        break;
    case FC_FMT_STX:
    case FC_FMT_ATOMIC:
        if (parse_memory(a, ops[0], &out->dst, &out->off))
            return -1;
        return parse_register(a, ops[1], &out->src);
    case FC_FMT_JA:
        if (parse_target(a, ops[0], 16, &value))
            return -1;
        out->off = (int32_t)value;
        return 0;
    case FC_FMT_JA32:
        if (parse_target(a, ops[0], 32, &value))
            return -1;
        break;
    case FC_FMT_JCC_K:
        if (parse_register(a, ops[0], &out->dst) ||
            parse_field(a, ops[1], 32, "immediate", &out->imm) ||
            parse_target(a, ops[2], 16, &value))
            return -1;
        out->off = (int32_t)value;
        return 0;
    case FC_FMT_CALL:
        if (parse_field(a, ops[0], 32, "helper id", &value))
            return -1;
        break;
    case FC_FMT_CALL_LOCAL:
        if (parse_target(a, ops[1], 32, &value))
            return -1;
        break;
    default:
        break;
    }
    out->imm = value;
    return 0;
}

static int emit(assembler_t *a, const fc_insn_t *slots, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (grow((void **)&a->slots, &a->cap_slots, a->n_slots, sizeof *a->slots) != 0)
            return fail(a, "out of memory");
        a->slots[a->n_slots++] = slots[i];
    }
    return 0;
}

/* ---- lines ------------------------------------------------------------- */

/* Split a line (modified in place) into tokens. Commas separate like
 * spaces; a [...] operand is one token with its inner spaces removed. */
static int tokenize(assembler_t *a, char *line, char **tokens)
{
    int n = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            return n;
        if (n == MAX_TOKENS)
            return fail(a, "too many operands");
        tokens[n++] = p;
        if (*p == '[') {
            char *out = p;
            while (*p && *p != ']') {
                if (*p != ' ' && *p != '\t')
                    *out++ = *p;
                p++;
            }
            if (!*p)
                return fail(a, "missing ']' in '%s'", tokens[n - 1]);
            *out++ = ']';
            p++;
            if (*p && *p != ' ' && *p != '\t' && *p != ',')
                return fail(a, "unexpected text after ']'");
            char *end = p;
            if (*p)
                p++;
            *end = '\0';
            *out = '\0';
            continue;
        }
        while (*p && *p != ' ' && *p != '\t' && *p != ',')
            p++;
        if (*p)
            *p++ = '\0';
    }
}

static int define_label(assembler_t *a, char *name)
{
    if (!valid_label_name(name))
        return fail(a, "invalid label name '%s'", name);
    for (size_t i = 0; i < a->n_labels; i++)
        if (strcmp(a->labels[i].name, name) == 0)
            return fail(a, "duplicate label '%s' (first defined on line %u)", name,
                        a->labels[i].line);
    if (grow((void **)&a->labels, &a->cap_labels, a->n_labels, sizeof *a->labels) != 0)
        return fail(a, "out of memory");
    label_t *l = &a->labels[a->n_labels];
    l->name = strdup(name);
    if (!l->name)
        return fail(a, "out of memory");
    l->slot = a->n_slots;
    l->line = a->line;
    a->n_labels++;
    return 0;
}

static int assemble_quad(assembler_t *a, char **ops, int n_ops)
{
    int64_t word = 0; /* set by parse_imm64 on success; gcc -O3 cannot see it */
    if (n_ops != 1)
        return fail(a, "invalid number of operands for .quad: expected '.quad value'");
    if (parse_imm64(a, ops[0], &word) != 0)
        return -1;
    fc_insn_t slot = fc_insn_from_word((uint64_t)word);
    return emit(a, &slot, 1);
}

static int assemble_tokens(assembler_t *a, char **tok, int n)
{
    if (strcmp(tok[0], ".quad") == 0)
        return assemble_quad(a, tok + 1, n - 1);

    char mnemonic[40];
    int is_lock = strcmp(tok[0], "lock") == 0;
    int first_op = 1;
    if (is_lock) {
        int fetch = n > 1 && strcmp(tok[1], "fetch") == 0;
        if (n < 2 + fetch)
            return fail(a, "invalid number of operands for lock: expected 'lock [fetch] OP "
                           "[%%rD+off], %%rS'");
        snprintf(mnemonic, sizeof mnemonic, "%s%s", fetch ? "fetch " : "", tok[1 + fetch]);
        first_op = 2 + fetch;
    } else {
        snprintf(mnemonic, sizeof mnemonic, "%s", tok[0]);
        for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
            if (strcmp(tok[0], aliases[i].alias) == 0)
                snprintf(mnemonic, sizeof mnemonic, "%s", aliases[i].mnemonic);
        /* `call helper 5` is the suite's long form of `call 5`. */
        if (strcmp(mnemonic, "call") == 0 && n == 3 && strcmp(tok[1], "helper") == 0)
            first_op = 2;
    }

    fc_op_t op = FC_OP_INVALID;
    char **ops = tok + first_op;
    int n_ops = n - first_op;
    fc_operands_t operands;
    if (find_row(a, mnemonic, is_lock, ops, n_ops, &op) != 0 ||
        convert_operands(a, op, ops, &operands) != 0)
        return -1;

    fc_insn_t slots[2];
    unsigned n_slots = fc_insn_encode(op, &operands, slots);
    if (fc_isa[op].format == FC_FMT_EXIT && a->first_exit < 0)
        a->first_exit = (long long)a->n_slots;
    return emit(a, slots, n_slots);
}

static int assemble_line(assembler_t *a, char *line)
{
    char *tokens[MAX_TOKENS];
    char *comment = strchr(line, '#');
    if (comment)
        *comment = '\0';
    int n = tokenize(a, line, tokens);
    if (n <= 0)
        return n;

    size_t len = strlen(tokens[0]);
    if (tokens[0][len - 1] == ':') {
        tokens[0][len - 1] = '\0';
        if (define_label(a, tokens[0]) != 0)
            return -1;
        if (n == 1)
            return 0;
        return assemble_tokens(a, tokens + 1, n - 1);
    }
    return assemble_tokens(a, tokens, n);
}

/* ---- labels ------------------------------------------------------------ */

static int label_slot(const assembler_t *a, const char *name, size_t *slot)
{
    for (size_t i = 0; i < a->n_labels; i++)
        if (strcmp(a->labels[i].name, name) == 0) {
            *slot = a->labels[i].slot;
            return 1;
        }
    if (strcmp(name, "exit") == 0 && a->first_exit >= 0) {
        *slot = (size_t)a->first_exit;
        return 1;
    }
    return 0;
}

static int resolve_fixups(assembler_t *a)
{
    for (size_t i = 0; i < a->n_fixups; i++) {
        const fixup_t *f = &a->fixups[i];
        size_t target;
        a->line = f->line;
        if (!label_slot(a, f->name, &target))
            return fail(a, "invalid label '%s' (not defined)", f->name);
        int64_t delta = (int64_t)target - (int64_t)f->slot - 1;
        fc_insn_t *insn = &a->slots[f->slot];
        if (f->bits == 32) {
            insn->imm = (int32_t)delta; /* |delta| < slot count, fits */
        } else {
            if (delta < INT16_MIN || delta > INT16_MAX)
                return fail(a, "label '%s' is %lld slots away, beyond a 16-bit offset", f->name,
                            (long long)delta);
            insn->offset = (int16_t)delta;
        }
    }
    return 0;
}

static void release(assembler_t *a)
{
    for (size_t i = 0; i < a->n_labels; i++)
        free(a->labels[i].name);
    for (size_t i = 0; i < a->n_fixups; i++)
        free(a->fixups[i].name);
    free(a->labels);
    free(a->fixups);
}

int fc_asm_assemble(const char *source, fc_insn_t **slots, size_t *n_slots, fc_asm_error_t *err)
{
    assembler_t a;
    memset(&a, 0, sizeof a);
    a.first_exit = -1;
    a.err = err;
    err->line = 0;
    err->message[0] = '\0';
    *slots = NULL;
    *n_slots = 0;

    int rc = 0;
    const char *p = source;
    while (*p && rc == 0) {
        size_t len = strcspn(p, "\n");
        a.line++;
        char *line = malloc(len + 1);
        if (!line) {
            rc = fail(&a, "out of memory");
            break;
        }
        memcpy(line, p, len);
        line[len] = '\0';
        if (len && line[len - 1] == '\r')
            line[len - 1] = '\0';
        rc = assemble_line(&a, line);
        free(line);
        p += len;
        if (*p == '\n')
            p++;
    }
    if (rc == 0)
        rc = resolve_fixups(&a);
    release(&a);
    if (rc != 0) {
        free(a.slots);
        return -1;
    }
    *slots = a.slots;
    *n_slots = a.n_slots;
    return 0;
}
