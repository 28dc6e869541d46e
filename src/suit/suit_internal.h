/* Shared between the SUIT sources; not a public header.
 *
 * Files and who calls whom (no cycles; arrows point down):
 *   suit.c        envelope, manifest, COSE authentication, anti-rollback
 *     |  \
 *     |   suit_eval.c   command-sequence walker, validation, evaluation
 *     |  /
 *   suit_params.c  SUIT_Digest, SUIT parameters, payload checks
 *     |
 *   cbor.c         bounded CBOR decoder (cbor.h) */
#ifndef FEMTO_SUIT_INTERNAL_H
#define FEMTO_SUIT_INTERNAL_H

#include <stddef.h>
#include <string.h>

#include "../common/fc_error.h"
#include "cbor.h"
#include "femto/suit.h"

/* Non-zero when a holds exactly the len bytes at b. */
static inline int fc_suit_bytes_eq(fc_suit_bytes_t a, const void *b, size_t len)
{
    return a.len == len && (len == 0 || memcmp(a.ptr, b, len) == 0);
}

/* Absolute offset (in the envelope) of a pointer into it. */
static inline size_t fc_suit_offset(const fc_suit_manifest_t *m, const uint8_t *p)
{
    return (size_t)(p - m->envelope.ptr);
}

/* suit_params.c: the section holding manifest member key (4 shared, 7, 8,
 * 9, 16, 20, 23), or NULL. */
fc_suit_section_t *fc_suit_section(const fc_suit_manifest_t *m, int64_t key);

/* suit_params.c: read a map key, refusing one (0..31) already in *seen. */
fc_status_t fc_suit_map_key(fc_cbor_t *c, uint32_t *seen, int64_t *key, const char *dup_reason,
                            fc_error_t *err);

/* suit_params.c: apply one parameter of override-parameters (draft-37
 * 8.4.8) to p, checking its type. Also used to validate at decode time. */
fc_status_t fc_suit_apply_parameter(fc_suit_params_t *p, const fc_suit_step_t *s, fc_error_t *err);

/* suit_params.c: FC_OK when SHA-256(data) equals d (which must name
 * SHA-256, 32 bytes); FC_ERR_DIGEST with `reason` otherwise. */
fc_status_t fc_suit_sha256_equals(const fc_port_t *port, fc_suit_bytes_t data,
                                  const fc_suit_digest_t *d, size_t where, const char *reason,
                                  fc_error_t *err);

/* suit_eval.c: validate every command sequence of m (structure and
 * argument types), at decode time. */
fc_status_t fc_suit_validate_sequences(const fc_suit_manifest_t *m, fc_error_t *err);

#endif
