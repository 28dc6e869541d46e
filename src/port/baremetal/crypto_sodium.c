/* Crypto entries of the bare-metal port, from libsodium's own sources
 * cross-built for the target (scripts/fetch-deb-src.sh libsodium; only the
 * Ed25519 verify and SHA-2 files are compiled, see firmware/sodium.mk).
 * Nothing cryptographic is written here: these are thin adapters from the
 * fc_port_t signatures to libsodium's. */
#include <stddef.h>
#include <stdint.h>

#include "crypto_hash_sha256.h"
#include "crypto_sign_ed25519.h"
#include "port.h"

static fc_status_t sodium_sha256(void *ctx, const void *data, size_t len, uint8_t out[32])
{
    (void)ctx;
    return crypto_hash_sha256(out, data, len) == 0 ? FC_OK : FC_ERR_CRYPTO;
}

static fc_status_t sodium_ed25519_verify(void *ctx, const uint8_t sig[64], const void *msg,
                                         size_t len, const uint8_t public_key[32])
{
    (void)ctx;
    return crypto_sign_ed25519_verify_detached(sig, msg, len, public_key) == 0 ? FC_OK
                                                                               : FC_ERR_SIGNATURE;
}

void bm_port_use_sodium(fc_port_t *port)
{
    port->sha256 = sodium_sha256;
    port->ed25519_verify = sodium_ed25519_verify;
    port->es256_verify = NULL; /* P-256 is not in libsodium: unsupported here */
}
