/* Femto-Containers, internal to src/: the one way a layer reports an error.
 *
 * Not a public header (callers see fc_error_t and fc_status_t in
 * femto/status.h). Every layer that fills an fc_error_t includes this file
 * with a path relative to its own folder ("../common/fc_error.h"), so the
 * freestanding builds (footprint, firmware) need no extra include path.
 *
 * Usage, inside a function that has an `fc_error_t *err` parameter:
 *
 *     FC_TRY(fc_cbor_uint(c, &v, err));              // propagate a failure
 *     if (v > limit)
 *         return fc_fail(err, FC_ERR_SIZE, at, "value over the limit");
 *     ...
 *     return fc_ok(err);                             // success: reason "ok"
 *
 * The macros capture nothing: the error pointer is always an explicit
 * argument of fc_fail(). */
#ifndef FEMTO_COMMON_FC_ERROR_H
#define FEMTO_COMMON_FC_ERROR_H

#include <stddef.h>

#include "femto/status.h"

/* Fill *err (if err is not NULL) with a code, a place and a static reason a
 * person can act on. addr/size are the memory fault fields, cleared here.
 * noinline: failures are rare and there are ~100 call sites in the SUIT
 * layer alone; inlined, these five stores cost 1.1 KiB of flash there
 * (M4, -Os). unused: a file that includes this header need not fail.
 * The ACSL contracts here and below are proven with Frama-C WP as part of
 * the verifier's job (proofs/run.sh): the verifier refuses through them. */
/*@ requires err == \null || \valid(err);
    assigns *err;
    ensures err != \null ==> err->code == (int)code && err->where == where && err->addr == 0 &&
                             err->size == 0 && err->reason == reason; */
__attribute__((noinline, unused)) static void fc_error_fill(fc_error_t *err, fc_status_t code,
                                                            size_t where, const char *reason)
{
    if (err) {
        err->code = code;
        err->where = (unsigned long)where;
        err->addr = 0;
        err->size = 0;
        err->reason = reason;
    }
}

/* Report a failure and return its code, so that a failure is one line:
 * `return fc_fail(err, code, where, reason);`. Inline, so the compiler sees
 * the (constant) code returned and knows the caller's outputs are unused on
 * that path (no -Wmaybe-uninitialized at -O3). */
/*@ requires err == \null || \valid(err);
    assigns *err;
    ensures \result == code;
    ensures err != \null ==> err->code == (int)code && err->where == where && err->addr == 0 &&
                             err->size == 0 && err->reason == reason; */
static inline fc_status_t fc_fail(fc_error_t *err, fc_status_t code, size_t where,
                                  const char *reason)
{
    fc_error_fill(err, code, where, reason);
    return code;
}

/* Success, the same record in every layer: code FC_OK, where, addr and
 * size 0, reason "ok" (never NULL, so a caller may print err->reason
 * whatever the outcome). A public function taking an fc_error_t returns
 * through this on success: `return fc_ok(err);`. */
/*@ requires err == \null || \valid(err);
    assigns *err;
    ensures \result == FC_OK;
    ensures err != \null ==> err->code == FC_OK && err->where == 0 && err->addr == 0 &&
                             err->size == 0; */
static inline fc_status_t fc_ok(fc_error_t *err)
{
    fc_error_fill(err, FC_OK, 0, "ok");
    return FC_OK;
}

/* Evaluate expr (an fc_status_t); return it from the calling function unless
 * it is FC_OK. The only early-return macro of the code base. */
#define FC_TRY(expr)                                                                               \
    do {                                                                                           \
        fc_status_t fc_try_rc_ = (expr);                                                           \
        if (fc_try_rc_ != FC_OK)                                                                   \
            return fc_try_rc_;                                                                     \
    } while (0)

#endif
