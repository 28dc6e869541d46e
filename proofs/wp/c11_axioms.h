/* The one trusted axiom of the WP proofs (see docs/assurance.md).
 *
 * C11 6.3.1.3p2: converting an integer to an unsigned type adds or subtracts
 * 2^N until the value is in range. WP (Frama-C 25) translates the cast
 * (uint64_t)x as an uninterpreted to_uint64(x) that its Why3 theory only
 * specifies for x already in range, so no prover can show what an unsigned
 * subtraction that wraps yields. This axiom states the standard's rule for the
 * one case the proofs need (one wrap below zero); it is satisfied by the real
 * function x mod 2^64, so it cannot make the theory inconsistent. */
#ifndef FC_PROOFS_C11_AXIOMS_H
#define FC_PROOFS_C11_AXIOMS_H
#include <stdint.h>
/*@ axiomatic C11_unsigned_conversion {
      axiom fc_c11_uint64_wrap:
        \forall integer x; -18446744073709551616 <= x < 0 ==>
          (uint64_t)x == x + 18446744073709551616;
    }
*/
#endif
