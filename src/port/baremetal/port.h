/* The bare-metal port (fc_port_t, include/femto/port.h) for the QEMU boards.
 *
 * Storage is a RAM record store (lost at reset: QEMU's boards have no
 * persistent flash we can write here); records are replaced whole, so the
 * engine's "old or new, never a mix" rule holds trivially. There is no
 * entropy source on these boards: random() reports FC_ERR_CRYPTO rather than
 * pretend. Crypto entries are NULL unless bm_port_use_sodium() sets them. */
#ifndef FEMTO_BM_PORT_H
#define FEMTO_BM_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "femto/port.h"

#ifndef BM_STORE_RECORDS
#define BM_STORE_RECORDS 8
#endif
#ifndef BM_STORE_RECORD_MAX
#define BM_STORE_RECORD_MAX 1024 /* >= the engine's FC_KV_RECORD_MAX (920) */
#endif

typedef struct bm_record {
    char name[FC_PORT_NAME_MAX];
    uint32_t len;
    uint8_t used;
    _Alignas(8) uint8_t data[BM_STORE_RECORD_MAX];
} bm_record_t;

struct bm_store;

typedef struct bm_port_state {
    struct bm_store *store; /* NULL: the RAM records below; else the flash store (store.h) */
    bm_record_t records[BM_STORE_RECORDS];
    uint32_t us_per_tick; /* the board's timer tick, for now_us */
} bm_port_state_t;

/* Fill port with the bare-metal functions, state as their context. */
void bm_port_init(fc_port_t *port, bm_port_state_t *state, uint32_t us_per_tick);

/* Keep records in a flash record store (store.h) instead of RAM: they
 * survive a reset and a power cut. */
void bm_port_use_store(fc_port_t *port, struct bm_store *store);

/* Set the sha256 and ed25519_verify entries from libsodium (crypto_sodium.c,
 * linked only into images built with libsodium's sources). */
void bm_port_use_sodium(fc_port_t *port);

#endif
