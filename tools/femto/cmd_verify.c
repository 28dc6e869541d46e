/* femto verify app.fc: parse the image and run the verifier on it as a
 * device would (every SDK helper allowed, default limits). Prints the
 * verdict; for a refusal, the instructions around the offending one with
 * the reason next to it. Exit status 0 accepted, 1 refused. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "image_tool.h"

int fc_cmd_verify(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: femto verify FILE.fc\n");
        return 2;
    }
    const char *path = argv[1];
    fc_image_file_t f;
    if (fc_image_file_load(path, &f) != 0)
        return 1;
    fc_program_t prog;
    uint32_t *entries = NULL;
    fc_error_t err;
    int rc = 0;
    if (fc_image_tool_verify(&f.img, &prog, &entries, &err) != FC_OK) {
        fc_image_print_refusal(stdout, path, &f.img, &err);
        rc = 1;
    } else {
        printf("%s: OK: %" PRIu32 " instructions, %" PRIu32 " functions, call depth %" PRIu32
               ", stack %" PRIu32 " bytes (%" PRIu32 " per frame), %" PRIu32
               " helper calls, RAM %" PRIu32 " bytes\n",
               path, prog.len, f.img.func_count, prog.call_depth, prog.stack_needed,
               prog.frame_size, prog.helpers_used, fc_image_ram_size(&f.img));
    }
    free(entries);
    fc_image_file_free(&f);
    return rc;
}
