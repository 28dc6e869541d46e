/** @file
 * POSIX port crypto (OpenSSL libcrypto 3): fills the sha256,
 * ed25519_verify and es256_verify entries of a port table. Host only. */
#ifndef FEMTO_PORT_POSIX_CRYPTO_H
#define FEMTO_PORT_POSIX_CRYPTO_H

#include "femto/port.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Set port->sha256, port->ed25519_verify and port->es256_verify (OpenSSL's
 *  implementations, which ignore ctx); the other entries of *port are left
 *  as they are. Cannot fail.
 *  @param port the table to fill (caller-owned) */
void fc_port_posix_crypto(fc_port_t *port);

#ifdef __cplusplus
}
#endif
#endif
