/* What the device (device.c) needs from the system beneath it, besides the
 * engine's port: implemented once for POSIX (femtod, tests, the fuzzer:
 * apps/femtod/platform_posix.c) and once for bare metal (the board firmware:
 * firmware/app/platform_bm.c). Clock, log, records, sensors, entropy and
 * crypto are the port's (include/femto/port.h); the device adds a listing of
 * records and the kill points of the power-cut tests. */
#ifndef FEMTOD_PLATFORM_H
#define FEMTOD_PLATFORM_H

#include <stddef.h>

#include "femto/port.h"

/* One record of a listing: its name below the folder, and its size. */
typedef void (*fd_list_fn)(void *arg, const char *name, size_t size);

typedef struct fd_platform {
    void *ctx;             /* passed back to list and kill_point */
    const fc_port_t *port; /* the engine's port; must have sha256 and ed25519_verify */
    /* Call fn for each record directly below the folder `dir` (the records
     * "dir/NAME", NAME without '/'), with NAME and its size. fn may remove
     * the record it is given, and no other. What a cut write leaves behind
     * inside the storage (the POSIX port's NAME~tmp files) is not a record:
     * the platform drops it here. FC_OK or FC_ERR_STORAGE. */
    int (*list)(void *ctx, const char *dir, fd_list_fn fn, void *arg);
    /* Power-cut tests; NULL on a device in service. Called at an install's
     * kill point `step` (1..5, write 0, no record), and before its `write`-th
     * storage write (step 0) with the record about to be written. Returns
     * unless the test asked for a cut there, which it performs (the process
     * or the board stops for good). */
    void (*kill_point)(void *ctx, int step, int write, const char *name, const void *data,
                       size_t len);
} fd_platform_t;

#endif
