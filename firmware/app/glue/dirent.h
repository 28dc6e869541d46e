/* The firmware's <dirent.h> for femtod's device.c: a "directory" is the
 * set of flash-store records whose names start with its path below the
 * state directory ("slot/3" lists slot/3/cur, slot/3/env-4, ...).
 * femtod_glue.c implements it. */
#ifndef FC_GLUE_DIRENT_H
#define FC_GLUE_DIRENT_H

#include "femto/port.h"

#define FC_GLUE_DIR_MAX 16

struct dirent {
    char d_name[FC_PORT_NAME_MAX];
};

typedef struct fc_glue_dir {
    struct dirent entries[FC_GLUE_DIR_MAX];
    unsigned n, next;
} DIR;

DIR *opendir(const char *path);
struct dirent *readdir(DIR *dir);
int closedir(DIR *dir);

#endif
