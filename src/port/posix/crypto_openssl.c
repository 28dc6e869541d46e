/* POSIX port crypto primitives on OpenSSL 3 libcrypto (EVP APIs only).
 * Nothing cryptographic is implemented here: this file adapts formats
 * (raw keys, r||s signatures) to what OpenSSL expects. */
#include <stddef.h>
#include <stdint.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "femto/port_posix_crypto.h"
#include "femto/status.h"

static fc_status_t posix_sha256(void *ctx, const void *data, size_t len, uint8_t out[32])
{
    unsigned int out_len = 0;
    (void)ctx;
    if (EVP_Digest(data, len, out, &out_len, EVP_sha256(), NULL) != 1 || out_len != 32)
        return FC_ERR_CRYPTO;
    return FC_OK;
}

/* One-shot EVP_DigestVerify with the key; 1 verifies, 0 does not. */
static int digest_verify(EVP_PKEY *key, const EVP_MD *md, const uint8_t *sig, size_t sig_len,
                         const void *msg, size_t len)
{
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    int rc = FC_ERR_CRYPTO;
    if (!mctx)
        return FC_ERR_CRYPTO;
    if (EVP_DigestVerifyInit(mctx, NULL, md, NULL, key) == 1) {
        int v = EVP_DigestVerify(mctx, sig, sig_len, msg, len);
        rc = v == 1 ? FC_OK : FC_ERR_SIGNATURE; /* 0: bad signature, <0: malformed: refuse */
    }
    EVP_MD_CTX_free(mctx);
    return rc;
}

static fc_status_t posix_ed25519_verify(void *ctx, const uint8_t sig[64], const void *msg,
                                        size_t len, const uint8_t public_key[32])
{
    (void)ctx;
    EVP_PKEY *key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, public_key, 32);
    if (!key)
        return FC_ERR_SIGNATURE; /* not a valid Ed25519 public key */
    int rc = digest_verify(key, NULL, sig, 64, msg, len);
    EVP_PKEY_free(key);
    return rc;
}

/* P-256 public key from the uncompressed SEC1 point (0x04 || x || y). */
static EVP_PKEY *p256_public_key(const uint8_t point[65])
{
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    OSSL_PARAM params[3];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"P-256", 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)point, 65);
    params[2] = OSSL_PARAM_construct_end();
    if (pctx && EVP_PKEY_fromdata_init(pctx) == 1)
        if (EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
            key = NULL;
    EVP_PKEY_CTX_free(pctx);
    return key;
}

/* COSE carries ECDSA signatures as r||s; OpenSSL wants DER. */
static int ecdsa_raw_to_der(const uint8_t sig[64], unsigned char **der, int *der_len)
{
    ECDSA_SIG *s = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, 32, NULL);
    BIGNUM *sv = BN_bin2bn(sig + 32, 32, NULL);
    *der = NULL;
    if (!s || !r || !sv || ECDSA_SIG_set0(s, r, sv) != 1) {
        BN_free(r);
        BN_free(sv);
        ECDSA_SIG_free(s);
        return FC_ERR_CRYPTO;
    }
    *der_len = i2d_ECDSA_SIG(s, der); /* s owns r and sv now */
    ECDSA_SIG_free(s);
    return *der_len > 0 ? FC_OK : FC_ERR_CRYPTO;
}

static fc_status_t posix_es256_verify(void *ctx, const uint8_t sig[64], const void *msg, size_t len,
                                      const uint8_t public_key[65])
{
    unsigned char *der = NULL;
    int der_len = 0;
    (void)ctx;
    if (public_key[0] != 0x04)
        return FC_ERR_SIGNATURE;
    EVP_PKEY *key = p256_public_key(public_key);
    if (!key)
        return FC_ERR_SIGNATURE; /* not a point on P-256 */
    int rc = ecdsa_raw_to_der(sig, &der, &der_len);
    if (rc == FC_OK)
        rc = digest_verify(key, EVP_sha256(), der, (size_t)der_len, msg, len);
    OPENSSL_free(der);
    EVP_PKEY_free(key);
    return rc;
}

void fc_port_posix_crypto(fc_port_t *port)
{
    port->sha256 = posix_sha256;
    port->ed25519_verify = posix_ed25519_verify;
    port->es256_verify = posix_es256_verify;
}
