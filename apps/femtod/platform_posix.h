/* The device's platform on POSIX (apps/device/platform.h) for femtod, the
 * tests and the fuzzer: the POSIX port's records in a state folder, a
 * listing of its folders, the kill points of femtod's crash tests, and the
 * configuration read from a file. */
#ifndef FEMTOD_PLATFORM_POSIX_H
#define FEMTOD_PLATFORM_POSIX_H

#include <stddef.h>

#include "config.h"
#include "femto/port_posix.h"
#include "platform.h"

typedef struct fd_posix {
    fc_port_posix_t port; /* the records: one file each under the state folder */
    fd_platform_t plat;   /* give &plat to fd_device_init */
    /* kill points, from the environment at init (tests only):
     * FEMTOD_CRASH_STEP=K     SIGKILL at install step K (1..5)
     * FEMTOD_CRASH_WRITE=W:B  at the W-th storage write of an install, write
     *                         the first B bytes of the temporary file (as the
     *                         port does), then SIGKILL: a kill in mid-write */
    int crash_step, crash_write;
    long crash_bytes;
} fd_posix_t;

/* Fill p for state_dir (created if missing). 0, or -1 with msg. */
int fd_posix_init(fd_posix_t *p, const char *state_dir, char *msg, size_t cap);

/* Read the configuration file at path and parse it (fd_config_parse), key
 * files relative to its folder. 0, or -1 with msg = "PATH:LINE: reason". */
int fd_config_load(fd_config_t *cfg, const char *path, char *msg, size_t msg_cap);

#endif
