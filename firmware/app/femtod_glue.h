/* The firmware side of femtod_glue.c. */
#ifndef FC_FEMTOD_GLUE_H
#define FC_FEMTOD_GLUE_H

#include "store.h"

/* The store fc_port_posix_init() and the "files" use (set before
 * fd_device_init and fd_config_load). */
void fc_glue_set_store(bm_store_t *store);

/* The largest "file" (the configuration): FC_GLUE_FILE_MAX bytes. */
#define FC_GLUE_FILE_MAX 4096

/* The file buffer, to provision the configuration before it is opened
 * (FC_GLUE_FILE_MAX bytes; NULL while a file is open). */
char *fc_glue_file_buffer(void);

/* A power cut: stop here for good (the test SIGKILLs QEMU when it sees the
 * line printed before). Provided by the device application. */
_Noreturn void fc_glue_power_cut_halt(void);

#endif
