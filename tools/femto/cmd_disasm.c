/* femto disasm FILE.bin|FILE.data: one instruction per line, slot index in
 * a trailing comment; the output assembles back to the same bytes. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "disasm.h"
#include "image_tool.h"

int fc_cmd_disasm(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: femto disasm FILE.bin|FILE.data|FILE.fc\n");
        return 2;
    }
    const char *path = argv[1];
    if (fc_image_file_is_image(path)) { /* a container image: labels, sections */
        fc_image_file_t f;
        if (fc_image_file_load(path, &f) != 0)
            return 1;
        fc_image_print_listing(stdout, &f.img);
        fc_image_file_free(&f);
        return 0;
    }
    if (fc_cli_has_suffix(path, ".data")) {
        fc_insn_t *slots;
        size_t n;
        if (fc_cli_datafile_program(path, &slots, &n) != 0)
            return 1;
        fc_disasm_listing(stdout, slots, n);
        free(slots);
        return 0;
    }
    char err[256];
    if (fc_disasm_raw_file(path, stdout, err, sizeof err) != 0) {
        fprintf(stderr, "femto disasm: %s\n", err);
        return 1;
    }
    return 0;
}
