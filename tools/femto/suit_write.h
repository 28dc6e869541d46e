/* Host side of SUIT: build and sign an envelope in our profile
 * (docs/suit-profile.md), generate and store Ed25519 keys. Host only
 * (malloc, files, OpenSSL libcrypto). */
#ifndef FEMTO_TOOLS_SUIT_WRITE_H
#define FEMTO_TOOLS_SUIT_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "femto/status.h"

#define FC_SUIT_SEED_LEN 32 /* Ed25519 private key (RFC 8032 seed) */
#define FC_SUIT_PUB_LEN 32

typedef struct fc_suit_write_opts {
    uint64_t sequence;    /* manifest sequence number (anti-rollback) */
    uint64_t epoch;       /* its epoch (femto parameter key 5); 0: omitted */
    uint32_t slot;        /* container slot: component ['femto', '<slot>'] */
    const uint8_t *image; /* the container image: digest and size come from it */
    size_t image_len;
    const char *uri;          /* NULL: integrated payload under "#app"; else fetched */
    const uint8_t *vendor_id; /* 16 bytes; NULL: FC_SUIT_FEMTO_VENDOR_ID */
    const uint8_t *class_id;  /* 16 bytes; NULL: FC_SUIT_FEMTOD_CLASS_ID */
    const char *const *hooks; /* install parameters (femto parameter -257) */
    size_t n_hooks;
    int64_t priority;
    uint64_t budget;   /* 0: omitted (tenant default) */
    const char *entry; /* NULL: omitted */
    int64_t alg;       /* 0: -19 (Ed25519); -8 (EdDSA) accepted too */
} fc_suit_write_opts_t;

/* Build the envelope and sign it with seed. *out is malloc'd (free it).
 * FC_OK, FC_ERR_INVALID_ARG, FC_ERR_CRYPTO, FC_ERR_NO_RAM. */
int fc_suit_write_envelope(const fc_suit_write_opts_t *o, const uint8_t seed[FC_SUIT_SEED_LEN],
                           uint8_t **out, size_t *out_len, fc_error_t *err);

/* New Ed25519 key pair from the OS entropy (OpenSSL). */
int fc_suit_keygen(uint8_t seed[FC_SUIT_SEED_LEN], uint8_t pub[FC_SUIT_PUB_LEN], fc_error_t *err);
/* Public key of a seed. */
int fc_suit_public_key(const uint8_t seed[FC_SUIT_SEED_LEN], uint8_t pub[FC_SUIT_PUB_LEN],
                       fc_error_t *err);
/* NAME.key (raw 32-byte seed, mode 0600) and NAME.pub (raw 32 bytes). */
int fc_suit_key_save(const char *name, const uint8_t seed[FC_SUIT_SEED_LEN],
                     const uint8_t pub[FC_SUIT_PUB_LEN], fc_error_t *err);
/* Read exactly 32 bytes from path (a .key or .pub file). */
int fc_suit_key_load(const char *path, uint8_t key[32], fc_error_t *err);

#endif
