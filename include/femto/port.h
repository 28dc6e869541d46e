/** @file
 * Femto-Containers port interface: what the engine and SUIT layers need
 * from the platform underneath (an OS, an RTOS or bare metal).
 *
 * A port is a table of functions plus an opaque context, passed to the
 * engine at init. Being a table (not link-time symbols) lets tests inject
 * failures (a storage write that fails half way, a clock that jumps) and
 * lets one process host several engines. Ports: src/port/posix (femtod,
 * the host tools and tests) and src/port/baremetal (the QEMU firmware).
 * docs/porting.md explains each entry. */
#ifndef FEMTO_PORT_H
#define FEMTO_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "femto/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Severity of a log line (fc_port_t.log's level). */
enum fc_log_level {
    FC_LOG_ERROR, /**< something failed */
    FC_LOG_WARN,  /**< refused input, degraded service */
    FC_LOG_INFO,  /**< what happened (installs, removals) */
    FC_LOG_DEBUG  /**< details for a developer */
};

/** Storage record names are short ASCII strings (at most FC_PORT_NAME_MAX-1
 * bytes, [a-z0-9._/-]), e.g. "slot/3/image", "kv/tenant/2", "seq/3". */
#define FC_PORT_NAME_MAX 48

/** The platform services, as a table of functions and an opaque context.
 *  The table and ctx are owned by the caller and must outlive every engine
 *  or SUIT call that uses them. Every function that can fail returns an
 *  fc_status_t (the clock and the log cannot fail). */
typedef struct fc_port {
    void *ctx; /**< passed back to every function */

    /** clock: monotonic, never goes back */
    uint64_t (*now_us)(void *ctx);

    /** log one line (no trailing newline); text is not NUL-terminated */
    void (*log)(void *ctx, int level, const char *text, size_t len);

    /** storage: whole records, written atomically (after a crash or power
     * loss at any point, a read returns either the old or the new record,
     * never a mix). Returns FC_OK, FC_ERR_NOT_FOUND, FC_ERR_BUFFER (cap too
     * small; *len set to the size needed) or FC_ERR_STORAGE. */
    fc_status_t (*storage_read)(void *ctx, const char *name, void *buf, size_t cap, size_t *len);
    /** write (replace) the whole record `name` atomically: FC_OK or FC_ERR_STORAGE */
    fc_status_t (*storage_write)(void *ctx, const char *name, const void *data, size_t len);
    /** remove record `name`: FC_OK, FC_ERR_NOT_FOUND or FC_ERR_STORAGE */
    fc_status_t (*storage_remove)(void *ctx, const char *name);

    /** sensors: value of sensor `index` (a port-defined fixed-point unit,
     * e.g. milli-degrees), FC_OK or FC_ERR_NOT_FOUND */
    fc_status_t (*sensor_read)(void *ctx, uint32_t index, int32_t *value);

    /** entropy: fill buf with unpredictable bytes, FC_OK or FC_ERR_CRYPTO */
    fc_status_t (*random)(void *ctx, void *buf, size_t len);

    /** crypto, from a well-kept library (never written by hand).
     * Return FC_OK, FC_ERR_SIGNATURE (does not verify), FC_ERR_CRYPTO, or
     * FC_ERR_SUIT_UNSUPPORTED (algorithm not on this port; may be NULL). */
    fc_status_t (*sha256)(void *ctx, const void *data, size_t len, uint8_t out[32]);
    /** Ed25519 (RFC 8032) check of sig over msg[0..len) with a 32-byte key:
     *  FC_OK, FC_ERR_SIGNATURE or FC_ERR_CRYPTO */
    fc_status_t (*ed25519_verify)(void *ctx, const uint8_t sig[64], const void *msg, size_t len,
                                  const uint8_t public_key[32]);
    /** ECDSA P-256 with SHA-256; sig is r||s (64 bytes); public_key is the
     * uncompressed SEC1 point (65 bytes, 0x04 || x || y). */
    fc_status_t (*es256_verify)(void *ctx, const uint8_t sig[64], const void *msg, size_t len,
                                const uint8_t public_key[65]);
} fc_port_t; /**< see struct fc_port */

#ifdef __cplusplus
}
#endif
#endif
