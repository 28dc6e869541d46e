/* femto info app.fc: metadata, section sizes, functions, helpers used and
 * the RAM the container needs (data + bss). */
#include <stdio.h>

#include "commands.h"
#include "image_tool.h"

int fc_cmd_info(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: femto info FILE.fc\n");
        return 2;
    }
    fc_image_file_t f;
    if (fc_image_file_load(argv[1], &f) != 0)
        return 1;
    fc_image_print_info(stdout, argv[1], &f.img);
    fc_image_file_free(&f);
    return 0;
}
