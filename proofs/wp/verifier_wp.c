/* WP harness for the verifier's per-instruction checks (src/vm/verifier.c;
 * the contracts are in the source).
 *
 * add_start() shifts starts[] with memmove. Frama-C's libc states memmove's
 * effect byte-wise (memcmp over char), which WP's typed memory model cannot
 * relate to a uint32_t array, so here the call is routed to a function with
 * the same effect stated on uint32_t elements (a faithful abstraction of
 * memmove for an array of uint32_t, overlapping or not). Nothing else of the
 * source is changed. */
#include <stdint.h>
#include <string.h>

#include "c11_axioms.h"

/*@ requires \valid(dst + (0 .. count - 1)) && \valid_read(src + (0 .. count - 1));
    assigns dst[0 .. count - 1] \from src[0 .. count - 1];
    ensures \forall integer k; 0 <= k < count ==> dst[k] == \old(src[k]);
*/
void fc_proof_move_u32(uint32_t *dst, const uint32_t *src, size_t count);

#define memmove(d, s, n)                                                                           \
    fc_proof_move_u32((uint32_t *)(d), (const uint32_t *)(s), (n) / sizeof(uint32_t))

#include "../../src/vm/verifier.c"
