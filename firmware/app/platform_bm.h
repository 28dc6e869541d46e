/* The device's platform on bare metal (apps/device/platform.h) for the
 * board firmware: the bare-metal port (src/port/baremetal/port.h) with its
 * records in the flash record store (store.h), libsodium's crypto, the
 * simulated sensors, a listing of the store's records, and the install
 * kill points of the power-cut tests. */
#ifndef FC_PLATFORM_BM_H
#define FC_PLATFORM_BM_H

#include "platform.h"
#include "port.h"
#include "store.h"

#define FC_BM_SENSORS 8 /* simulated, with the POSIX port's waveform */

typedef struct fd_bm {
    fc_port_t port;     /* the bare-metal port on the store, with the sensors below */
    bm_port_state_t bm; /* its state */
    bm_store_t *store;  /* the records */
    fd_platform_t plat; /* give &plat to fd_device_init */
    uint32_t sensor_reads[FC_BM_SENSORS];
    int crash_step;     /* install kill point (1..5) that cuts the power; 0: none */
    void (*halt)(void); /* the power cut: stops the board for good (never returns) */
} fd_bm_t;

/* Fill p for the mounted store. crash_step: the kill point of the tests
 * (0: none); halt stops the board when it is reached. */
void fd_bm_init(fd_bm_t *p, bm_store_t *store, int crash_step, void (*halt)(void));

#endif
