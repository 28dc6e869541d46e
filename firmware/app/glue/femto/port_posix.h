/* The firmware's stand-in for include/femto/port_posix.h: femtod's device
 * (apps/device/device.c, compiled unchanged for the board) holds an
 * fc_port_posix_t and calls fc_port_posix_init(); on the board that port is
 * the bare-metal one (src/port/baremetal/port.h) with its records in the
 * flash store (store.h) mounted by the device application. Only the
 * members device.c uses exist. This include directory comes before
 * include/ in the firmware build only. */
#ifndef FEMTO_PORT_POSIX_H
#define FEMTO_PORT_POSIX_H

#include <stddef.h>
#include <stdint.h>

#include "femto/port.h"
#include "port.h"

#define FC_POSIX_PATH_MAX 16 /* the "state directory" is a fixed name: the flash store */
#define FC_GLUE_SENSORS 8    /* simulated, as on POSIX (femtod_glue.c) */

typedef struct fc_port_posix {
    fc_port_t port;  /* port.ctx == this struct, as on POSIX */
    fc_port_t inner; /* the bare-metal port it forwards to */
    char state_dir[FC_POSIX_PATH_MAX];
    bm_port_state_t bm;
    uint32_t sensor_reads[FC_GLUE_SENSORS];
} fc_port_posix_t;

int fc_port_posix_init(fc_port_posix_t *p, const char *state_dir);

#endif
