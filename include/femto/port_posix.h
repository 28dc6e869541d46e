/** @file
 * Femto-Containers POSIX port: fc_port_t for Linux (femtod, the femto tool,
 * tests). Ordinary C with libc.
 *
 *     fc_port_posix_t p;
 *     if (fc_port_posix_init(&p, "/var/lib/femto") != FC_OK) ...;
 *     fc_engine_init(&engine, &p.port, stack, sizeof stack);
 *
 * - clock: CLOCK_MONOTONIC;
 * - log: one line per call to stderr, or appended to a capture buffer;
 * - storage: one file per record under state_dir (record "kv/t/1" is the
 *   file state_dir/kv/t/1); a write goes to a temporary file in the same
 *   directory, is fsync'ed, renamed over the record and the directory is
 *   fsync'ed, so after a crash a reader sees the old or the new record;
 * - sensors: FC_POSIX_SENSORS simulated, deterministic sensors (below);
 * - entropy: getrandom();
 * - crypto: OpenSSL's libcrypto, in src/port/posix/crypto*.c, which
 *   provides fc_port_posix_crypto() (femto/port_posix_crypto.h); the build
 *   defines FC_PORT_POSIX_HAVE_CRYPTO when such a file exists and init then
 *   fills the crypto entries, else they stay NULL. */
#ifndef FEMTO_PORT_POSIX_H
#define FEMTO_PORT_POSIX_H

#include <stddef.h>
#include <stdint.h>

#include "femto/port.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FC_POSIX_SENSORS 8    /**< simulated sensors, indexes 0..7 */
#define FC_POSIX_PATH_MAX 512 /**< longest state_dir, NUL included */

/** Simulated sensor i: the n-th read (n = 0, 1, ...) returns
 *     base + step * tri((n + phase) mod 20)
 * where tri(k) = k for k <= 10 and 20 - k after (a triangle wave 0..10..0),
 * base = 20000 + 1000 * i, step = 100, phase = (seed + i) mod 20;
 * i.e. milli-degrees around 20-21 C. fc_port_posix_set_sensor() pins a
 * sensor to a fixed value instead. */
typedef struct fc_posix_sensor {
    uint32_t reads;      /**< reads so far (n above) */
    int32_t fixed_value; /**< the value when fixed */
    uint8_t fixed;       /**< 1: fc_port_posix_set_sensor() pinned it */
} fc_posix_sensor_t;

/** The POSIX port: a port table and the state behind it (caller-owned,
 *  filled by fc_port_posix_init(), must outlive the engine using it). */
typedef struct fc_port_posix {
    fc_port_t port;                    /**< give &p->port to the engine; port.ctx == p */
    char state_dir[FC_POSIX_PATH_MAX]; /**< the folder of the storage records */
    char *log_buf;        /**< capture: lines appended here (NUL-terminated), NULL: stderr */
    size_t log_cap;       /**< bytes of log_buf */
    size_t log_len;       /**< bytes used in log_buf */
    int log_level_max;    /**< lines above this level are dropped (default FC_LOG_DEBUG) */
    uint32_t sensor_seed; /**< the phase of the simulated sensors */
    fc_posix_sensor_t sensors[FC_POSIX_SENSORS]; /**< the simulated sensors */
    /** test hook: fail the next N storage writes with FC_ERR_STORAGE */
    uint32_t fail_writes;
    /** test hook: power cuts inside the port's own write path, set from the
     *  environment at init (FC_POSIX_CRASH, port_posix.c) */
    struct fc_posix_crash {
        char prefix[FC_PORT_NAME_MAX]; /**< only writes of records with this prefix count */
        long bytes;                    /**< >= 0: SIGKILL once this many bytes are written */
        int write;                     /**< > 0: SIGKILL in write number `write` (with step) */
        int step;                      /**< > 0: ... after step `step` of that write */
        int writes;                    /**< counted writes so far */
    } crash;                           /**< see struct fc_posix_crash */
} fc_port_posix_t;

/** Fill p for state_dir (created if missing, with parents): storage, clock,
 *  log to stderr, sensors, entropy and, when built with it, crypto.
 *  @param[out] p the port (caller-owned; must outlive every user of p->port)
 *  @param state_dir the folder of the records (copied)
 *  @return FC_OK; FC_ERR_INVALID_ARG (NULL, empty or longer than
 *          FC_POSIX_PATH_MAX - 1, errno ENAMETOOLONG) or FC_ERR_STORAGE (the
 *          folder cannot be created; errno says why) */
fc_status_t fc_port_posix_init(fc_port_posix_t *p, const char *state_dir);

/** Send log lines to buf[0..cap) (each line followed by '\n', always
 *  NUL-terminated, excess dropped) instead of stderr. Cannot fail.
 *  @param p the port
 *  @param buf the capture buffer (borrowed until the next call), NULL: stderr
 *  @param cap its bytes */
void fc_port_posix_capture_log(fc_port_posix_t *p, char *buf, size_t cap);

/** Pin a simulated sensor to a fixed value.
 *  @param p the port
 *  @param index the sensor, 0..FC_POSIX_SENSORS-1
 *  @param value what every later read returns
 *  @return FC_OK, or FC_ERR_NOT_FOUND for an index out of range */
fc_status_t fc_port_posix_set_sensor(fc_port_posix_t *p, uint32_t index, int32_t value);

/** Set the phase of the simulated sensors (see fc_posix_sensor_t). Cannot fail.
 *  @param p the port
 *  @param seed any value */
void fc_port_posix_set_sensor_seed(fc_port_posix_t *p, uint32_t seed);

#ifdef __cplusplus
}
#endif
#endif
