/* Bounded, allocation-free CBOR decoder (RFC 8949), internal to the SUIT
 * layer: src/suit, its tests and the fuzzers include it; callers of the
 * SUIT API see only the value types of femto/suit.h.
 *
 * Accepted: major types 0-7 with definite lengths up to 64 bits, tags of
 * any number, false/true/null. Refused, with FC_ERR_CBOR and a reason:
 * indefinite lengths and "break", reserved additional information 28-30,
 * simple values other than false/true/null (undefined, unassigned, floats),
 * and NON-MINIMAL heads (an argument that fits a shorter encoding): SUIT
 * requires deterministic encoding and refusing alternatives removes
 * malleability. Refused with FC_ERR_CBOR_LIMIT: a string or a count of
 * elements larger than the bytes left, nesting deeper than
 * FC_CBOR_MAX_DEPTH. Every function fills err on failure (see
 * src/common/fc_error.h) and leaves it untouched on success. */
#ifndef FEMTO_SUIT_CBOR_H
#define FEMTO_SUIT_CBOR_H

#include <stddef.h>
#include <stdint.h>

#include "femto/suit.h"

#ifndef FC_CBOR_MAX_DEPTH
#define FC_CBOR_MAX_DEPTH 16 /* nested arrays/maps/tags in one CBOR item */
#endif

/* A cursor over buf[0..len). base is added to every offset reported, so a
 * decoder over a bstr-wrapped element reports offsets in the outer input. */
typedef struct fc_cbor {
    const uint8_t *buf;
    size_t len;
    size_t pos;
    size_t base;
} fc_cbor_t;

void fc_cbor_init(fc_cbor_t *c, const uint8_t *buf, size_t len, size_t base);
/* Decode one head and, for strings, consume the content (RFC 8949 3). */
fc_status_t fc_cbor_next(fc_cbor_t *c, fc_cbor_item_t *item, fc_error_t *err);
/* Peek at the next head without consuming it. */
fc_status_t fc_cbor_peek(const fc_cbor_t *c, fc_cbor_item_t *item, fc_error_t *err);
/* Skip one complete item (nested arrays, maps and tags included). */
fc_status_t fc_cbor_skip(fc_cbor_t *c, fc_error_t *err);
/* Check that buf holds exactly one well-formed item (no trailing bytes). */
fc_status_t fc_cbor_check(const uint8_t *buf, size_t len, size_t base, fc_error_t *err);
/* Non-zero when the cursor has consumed all its bytes. */
static inline int fc_cbor_at_end(const fc_cbor_t *c)
{
    return c->pos >= c->len;
}

/* Typed reads: FC_ERR_SUIT_FORMAT with `what` in the reason when the item
 * has another type. fc_cbor_int reads a uint or nint that fits int64. */
fc_status_t fc_cbor_uint(fc_cbor_t *c, uint64_t *v, fc_error_t *err);
fc_status_t fc_cbor_int(fc_cbor_t *c, int64_t *v, fc_error_t *err);
fc_status_t fc_cbor_bstr(fc_cbor_t *c, fc_suit_bytes_t *s, fc_error_t *err);
fc_status_t fc_cbor_tstr(fc_cbor_t *c, fc_suit_bytes_t *s, fc_error_t *err);
fc_status_t fc_cbor_array(fc_cbor_t *c, uint64_t *count, fc_error_t *err);
fc_status_t fc_cbor_map(fc_cbor_t *c, uint64_t *count, fc_error_t *err);
fc_status_t fc_cbor_tag(fc_cbor_t *c, uint64_t *tag, fc_error_t *err);

#endif
