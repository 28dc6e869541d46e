/* Femto-Containers SDK: what container code includes.
 *
 *     #include <femto.h>
 *
 *     FC_ENTRY(main)
 *     {
 *         fc_printf("hello %d\n", 42);
 *         return 0;
 *     }
 *
 * Build with `femto build app.c -o app.fc` (clang -target bpf underneath).
 * Helpers are called through constant function pointers whose value is the
 * helper id: clang turns `fc_time_ms()` into `call 2`. The ids come from
 * femto_helpers.def, the one table the engine uses too. docs/helpers.md
 * describes every helper; a helper your tenant is not allowed to call makes
 * the install fail (the verifier refuses the image).
 *
 * Limits a container meets (tools/femto/README.md, "Limits", has the table):
 * at most 8 functions per image (FC_MAX_ENTRIES: entry points plus every
 * FC_LOCAL / non-inlined static function), 512-byte stack frames (femto
 * build --frame N for more, if the device's stack holds it), 8 nested local
 * calls, the tenant's instruction budget per run, keys of 16 and values of
 * 32 bytes (femto_hooks.h), CoAP path 64 and payloads 128 bytes; the CoAP
 * context's path has no leading '/' ("app/NAME/rest"). femto build refuses
 * an image a device would refuse, with the device's reason. Signed
 * division and the other eBPF v4 instructions are fine: -mcpu=v4 is the
 * default. */
#ifndef FEMTO_H
#define FEMTO_H

#include <stddef.h>
#include <stdint.h>

#include "femto_hooks.h"

/* ---- helpers ---------------------------------------------------------------- */
#define FC_HELPER(id, en, name, ret, args) static ret(*const name) args = (void *)(id);
#include "femto_helpers.def"
#undef FC_HELPER

/* ---- entry points ------------------------------------------------------------- */
/* An exported entry point: r1 = context address, r2 = context length. The
 * return value is the container's result (r0), combined per hook policy. */
#define FC_ENTRY(name)                                                                             \
    __attribute__((used, noinline)) uint64_t name(void *ctx, uint64_t ctx_len);                    \
    __attribute__((used, noinline)) uint64_t name(void *ctx __attribute__((unused)),               \
                                                  uint64_t ctx_len __attribute__((unused)))

/* ---- convenience -------------------------------------------------------------- */
/* printf-like log with up to 4 arguments: %d %u %x %s %% (and %ld %lu %lx,
 * same meaning: every argument is 64-bit). The line is truncated to 120
 * bytes; %s reads a NUL-terminated string the container may read. */
#define fc_printf(...) FC_PRINTF_(__VA_ARGS__, 0, 0, 0, 0, 0)
#define FC_PRINTF_(fmt, a, b, c, d, ...)                                                           \
    fc_log((fmt), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d))

/* Key-value with a string-literal key: fc_kv_local_get_s("count", &v, sizeof v). */
#define FC_KEY(lit) (lit), (uint32_t)(sizeof(lit) - 1)

/* A local function kept as a real eBPF-to-eBPF call (not inlined). */
#define FC_LOCAL static __attribute__((noinline))

#endif
