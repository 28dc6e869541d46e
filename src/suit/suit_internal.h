/* Shared between the SUIT sources; not a public header. */
#ifndef FEMTO_SUIT_INTERNAL_H
#define FEMTO_SUIT_INTERNAL_H

#include "femto/suit.h"

int fc_suit_fail_(fc_error_t *err, int code, size_t where, const char *reason);
int fc_suit_bytes_eq_(fc_suit_bytes_t a, const void *b, size_t len);
/* Absolute offset (in the envelope) of a pointer into it. */
size_t fc_suit_offset_(const fc_suit_manifest_t *m, const uint8_t *p);
/* Validate every command sequence of m (structure and argument types). */
int fc_suit_validate_sequences_(const fc_suit_manifest_t *m, fc_error_t *err);

#endif
