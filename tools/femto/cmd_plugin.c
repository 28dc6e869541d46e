/* femto plugin [MEMHEX] [--translate]: the bpf_conformance plugin contract.
 *
 * The suite's runner starts the plugin with the arguments
 *   [MEMHEX] [PLUGIN_OPTIONS...] [--elf]
 * where MEMHEX (the input memory as hex bytes, "11  22  ..") is present
 * only when the test has memory: for a test without memory the options
 * come first. So any argument starting with "--" is an option, wherever
 * it is, and the one other argument is the memory. The runner writes the
 * program as hex bytes on stdin and reads r0 in hex from stdout. Hex may be space-separated bytes
 * or one continuous string. On refusal or fault: a message on stdout, exit status 1. The program
 * runs in place; the plugin option --translate runs the pre-decoded form (fc_program_translate)
 * instead. Installed (symlinked) as `femto-plugin`, femto runs this directly. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fileio.h"
#include "insn.h"
#include "runner.h"

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* Whitespace-separated tokens, each an even number of hex digits (one
 * digit alone is one byte). *out is malloc'd. */
static int decode_hex(const char *text, uint8_t **out, size_t *len)
{
    size_t cap = strlen(text) / 2 + 1, n = 0;
    uint8_t *bytes = malloc(cap);
    if (!bytes)
        return -1;
    const char *p = text;
    while (*p) {
        while (isspace((unsigned char)*p))
            p++;
        const char *start = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        size_t digits = (size_t)(p - start);
        if (digits == 0)
            break;
        if (digits == 1) {
            if (hex_value(start[0]) < 0)
                goto bad;
            bytes[n++] = (uint8_t)hex_value(start[0]);
            continue;
        }
        if (digits % 2)
            goto bad;
        for (size_t i = 0; i < digits; i += 2) {
            int hi = hex_value(start[i]), lo = hex_value(start[i + 1]);
            if (hi < 0 || lo < 0)
                goto bad;
            bytes[n++] = (uint8_t)(hi << 4 | lo);
        }
    }
    *out = bytes;
    *len = n;
    return 0;
bad:
    free(bytes);
    return -1;
}

static int run_plugin(const uint8_t *code, size_t code_len, const uint8_t *mem, size_t mem_len,
                      int translate)
{
    if (code_len == 0 || code_len % 8) {
        printf("program of %zu bytes is not a whole number of 8-byte slots\n", code_len);
        return 1;
    }
    size_t n = code_len / 8;
    fc_insn_t *slots = malloc(code_len);
    if (!slots) {
        printf("out of memory\n");
        return 1;
    }
    fc_insn_from_bytes(code, n, slots);

    fc_runner_t runner;
    fc_error_t err;
    char desc[200];
    uint64_t r0 = 0;
    int rc = 1;
    /* The suite passes r1 = 0 when there is no memory. */
    if (fc_runner_load(&runner, slots, n, mem, mem_len, mem_len > 0, translate, &err) != FC_OK)
        printf("refused at load: %s\n", fc_runner_describe(&err, desc, sizeof desc));
    else if (fc_runner_run(&runner, &r0) != FC_OK)
        printf("faulted: %s\n", fc_runner_describe(&runner.vm.fault, desc, sizeof desc));
    else {
        printf("%" PRIx64 "\n", r0);
        rc = 0;
    }
    fc_runner_free(&runner);
    free(slots);
    return rc;
}

int fc_cmd_plugin(int argc, char **argv)
{
    uint8_t *mem = NULL, *code = NULL;
    size_t mem_len = 0, code_len = 0;
    char *input;
    size_t input_len;
    char err[256];
    int translate = 0;
    const char *mem_arg = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--translate")) {
            translate = 1;
        } else if (!strncmp(argv[i], "--", 2)) {
            printf("unknown plugin option '%s' (femto plugin [MEMHEX] [--translate]; ELF input "
                   "is not supported)\n",
                   argv[i]);
            return 2;
        } else if (!mem_arg) {
            mem_arg = argv[i];
        } else {
            printf("two memory arguments: '%s' and '%s'\n", mem_arg, argv[i]);
            return 2;
        }
    }
    if (mem_arg && decode_hex(mem_arg, &mem, &mem_len) != 0) {
        printf("memory argument is not hex bytes\n");
        return 1;
    }
    if (fc_read_file("-", &input, &input_len, err, sizeof err) != 0) {
        printf("%s\n", err);
        free(mem);
        return 1;
    }
    int rc;
    if (decode_hex(input, &code, &code_len) != 0) {
        printf("program on stdin is not hex bytes\n");
        rc = 1;
    } else {
        rc = run_plugin(code, code_len, mem, mem_len, translate);
    }
    free(input);
    free(code);
    free(mem);
    return rc;
}
