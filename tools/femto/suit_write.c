/* Build and sign a SUIT envelope in our profile (docs/suit-profile.md).
 * A small CBOR encoder of our own (definite lengths, minimal heads, maps
 * written in canonical key order by construction); signing with Ed25519
 * through OpenSSL's EVP API. */
#include "suit_write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "femto/suit.h"

static int wfail(fc_error_t *err, int code, const char *reason)
{
    if (err) {
        memset(err, 0, sizeof *err);
        err->code = code;
        err->reason = reason;
    }
    return code;
}

/* ---- encoder ------------------------------------------------------------- */

typedef struct enc {
    uint8_t *p;
    size_t len, cap;
    int oom;
} enc_t;

static void put(enc_t *e, const void *data, size_t n)
{
    if (e->oom)
        return;
    if (n > e->cap - e->len) {
        size_t cap = e->cap ? e->cap : 256;
        while (n > cap - e->len)
            cap *= 2;
        uint8_t *p = realloc(e->p, cap);
        if (!p) {
            e->oom = 1;
            return;
        }
        e->p = p;
        e->cap = cap;
    }
    if (n)
        memcpy(e->p + e->len, data, n);
    e->len += n;
}

static void head(enc_t *e, unsigned major, uint64_t v)
{
    uint8_t b[9];
    size_t n;
    uint8_t m = (uint8_t)(major << 5);
    if (v < 24) {
        b[0] = (uint8_t)(m | v);
        n = 1;
    } else if (v <= 0xff) {
        b[0] = m | 24;
        b[1] = (uint8_t)v;
        n = 2;
    } else if (v <= 0xffff) {
        b[0] = m | 25;
        n = 3;
    } else if (v <= 0xffffffffu) {
        b[0] = m | 26;
        n = 5;
    } else {
        b[0] = m | 27;
        n = 9;
    }
    for (size_t i = 1; n > 2 && i < n; i++)
        b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    put(e, b, n);
}

static void enc_int(enc_t *e, int64_t v)
{
    if (v >= 0)
        head(e, 0, (uint64_t)v);
    else
        head(e, 1, (uint64_t)(-1 - v));
}
static void enc_bstr(enc_t *e, const void *d, size_t n)
{
    head(e, 2, n);
    put(e, d, n);
}
static void enc_tstr(enc_t *e, const char *s)
{
    head(e, 3, strlen(s));
    put(e, s, strlen(s));
}
static void enc_wrap(enc_t *e, const enc_t *inner)
{
    enc_bstr(e, inner->p, inner->len);
}
static void enc_free(enc_t *e)
{
    free(e->p);
    memset(e, 0, sizeof *e);
}

/* ---- manifest pieces ----------------------------------------------------- */

static void enc_digest(enc_t *e, const uint8_t h[32])
{
    head(e, 4, 2);
    enc_int(e, FC_COSE_ALG_SHA256);
    enc_bstr(e, h, 32);
}

static int sha256(const void *d, size_t n, uint8_t out[32])
{
    unsigned int len = 0;
    return EVP_Digest(d, n, out, &len, EVP_sha256(), NULL) == 1 && len == 32;
}

/* {1: [hooks], 2: priority, 3: budget, 4: entry, 5: epoch}, absent members
 * omitted (epoch 0 too: an envelope of epoch 0 is the one signed before
 * epochs existed) */
static void enc_femto_param(enc_t *e, const fc_suit_write_opts_t *o)
{
    uint64_t n = 2 + (o->budget ? 1 : 0) + (o->entry ? 1 : 0) + (o->epoch ? 1 : 0);
    head(e, 5, n);
    enc_int(e, FC_SUIT_FEMTO_HOOKS);
    head(e, 4, o->n_hooks);
    for (size_t i = 0; i < o->n_hooks; i++)
        enc_tstr(e, o->hooks[i]);
    enc_int(e, FC_SUIT_FEMTO_PRIORITY);
    enc_int(e, o->priority);
    if (o->budget) {
        enc_int(e, FC_SUIT_FEMTO_BUDGET);
        enc_int(e, (int64_t)o->budget);
    }
    if (o->entry) {
        enc_int(e, FC_SUIT_FEMTO_ENTRY);
        enc_tstr(e, o->entry);
    }
    if (o->epoch) {
        enc_int(e, FC_SUIT_FEMTO_EPOCH);
        head(e, 0, o->epoch);
    }
}

/* shared sequence: override {vendor, class, digest, size, femto}; check
 * vendor and class (rep policy 15, as the draft's examples). */
static void enc_shared(enc_t *e, const fc_suit_write_opts_t *o, const uint8_t vendor[16],
                       const uint8_t cls[16], const uint8_t h[32])
{
    enc_t digest = {0}, femto = {0};
    enc_digest(&digest, h);
    enc_femto_param(&femto, o);
    head(e, 4, 6);
    enc_int(e, FC_SUIT_DIR_OVERRIDE_PARAMETERS);
    head(e, 5, 5);
    enc_int(e, FC_SUIT_PARAM_VENDOR_ID);
    enc_bstr(e, vendor, 16);
    enc_int(e, FC_SUIT_PARAM_CLASS_ID);
    enc_bstr(e, cls, 16);
    enc_int(e, FC_SUIT_PARAM_IMAGE_DIGEST);
    enc_wrap(e, &digest);
    enc_int(e, FC_SUIT_PARAM_IMAGE_SIZE);
    enc_int(e, (int64_t)o->image_len);
    enc_int(e, FC_SUIT_PARAM_FEMTO);
    enc_wrap(e, &femto);
    enc_int(e, FC_SUIT_COND_VENDOR);
    enc_int(e, 15);
    enc_int(e, FC_SUIT_COND_CLASS);
    enc_int(e, 15);
    e->oom |= digest.oom | femto.oom;
    enc_free(&digest);
    enc_free(&femto);
}

/* install: override uri, fetch, image-match */
static void enc_install(enc_t *e, const char *uri)
{
    head(e, 4, 6);
    enc_int(e, FC_SUIT_DIR_OVERRIDE_PARAMETERS);
    head(e, 5, 1);
    enc_int(e, FC_SUIT_PARAM_URI);
    enc_tstr(e, uri);
    enc_int(e, FC_SUIT_DIR_FETCH);
    enc_int(e, 2);
    enc_int(e, FC_SUIT_COND_IMAGE_MATCH);
    enc_int(e, 15);
}

static void enc_manifest(enc_t *e, const fc_suit_write_opts_t *o, const char *uri,
                         const uint8_t h[32])
{
    static const uint8_t def_vendor[16] = FC_SUIT_FEMTO_VENDOR_ID;
    static const uint8_t def_class[16] = FC_SUIT_FEMTOD_CLASS_ID;
    enc_t shared = {0}, common = {0}, install = {0};
    char slot[16];
    snprintf(slot, sizeof slot, "%u", (unsigned)o->slot);

    enc_shared(&shared, o, o->vendor_id ? o->vendor_id : def_vendor,
               o->class_id ? o->class_id : def_class, h);
    head(&common, 5, 2);
    enc_int(&common, FC_SUIT_COMMON_COMPONENTS);
    head(&common, 4, 1);
    head(&common, 4, 2);
    enc_bstr(&common, FC_SUIT_FEMTO_ID, strlen(FC_SUIT_FEMTO_ID));
    enc_bstr(&common, slot, strlen(slot));
    enc_int(&common, FC_SUIT_COMMON_SHARED);
    enc_wrap(&common, &shared);
    enc_install(&install, uri);

    head(e, 5, 4);
    enc_int(e, FC_SUIT_MANIFEST_VERSION);
    enc_int(e, 1);
    enc_int(e, FC_SUIT_MANIFEST_SEQUENCE);
    head(e, 0, o->sequence);
    enc_int(e, FC_SUIT_COMMON);
    enc_wrap(e, &common);
    enc_int(e, FC_SUIT_INSTALL);
    enc_wrap(e, &install);
    e->oom |= shared.oom | common.oom | install.oom;
    enc_free(&shared);
    enc_free(&common);
    enc_free(&install);
}

/* ---- signing ------------------------------------------------------------- */

static int ed25519_sign(const uint8_t seed[32], const uint8_t *msg, size_t len, uint8_t sig[64])
{
    EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t sig_len = 64;
    int ok = key && ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) == 1 &&
             EVP_DigestSign(ctx, sig, &sig_len, msg, len) == 1 && sig_len == 64;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    return ok;
}

/* COSE_Sign1 over the detached payload (the encoded SUIT_Digest). */
static int enc_sign1(enc_t *e, const enc_t *digest, int64_t alg, const uint8_t seed[32])
{
    enc_t prot = {0}, tbs = {0};
    uint8_t sig[64];
    head(&prot, 5, 1);
    enc_int(&prot, 1);
    enc_int(&prot, alg);
    head(&tbs, 4, 4);
    enc_tstr(&tbs, "Signature1");
    enc_wrap(&tbs, &prot);
    enc_bstr(&tbs, NULL, 0);
    enc_wrap(&tbs, digest);
    int ok = !tbs.oom && !prot.oom && ed25519_sign(seed, tbs.p, tbs.len, sig);
    if (ok) {
        head(e, 6, FC_COSE_TAG_SIGN1);
        head(e, 4, 4);
        enc_wrap(e, &prot);
        head(e, 5, 0);
        head(e, 7, FC_CBOR_NULL);
        enc_bstr(e, sig, 64);
    }
    enc_free(&prot);
    enc_free(&tbs);
    return ok;
}

int fc_suit_write_envelope(const fc_suit_write_opts_t *o, const uint8_t seed[FC_SUIT_SEED_LEN],
                           uint8_t **out, size_t *out_len, fc_error_t *err)
{
    enc_t manifest = {0}, mwrap = {0}, digest = {0}, cose = {0}, auth = {0}, env = {0};
    uint8_t h_image[32], h_manifest[32];
    int rc = FC_OK;
    if (!o || !seed || !out || !out_len || (!o->image && o->image_len) || (o->n_hooks && !o->hooks))
        return wfail(err, FC_ERR_INVALID_ARG, "missing option, key or output");
    int64_t alg = o->alg ? o->alg : FC_COSE_ALG_ED25519;
    if (alg != FC_COSE_ALG_ED25519 && alg != FC_COSE_ALG_EDDSA)
        return wfail(err, FC_ERR_INVALID_ARG, "signing algorithm must be -19 or -8 (Ed25519)");
    const char *uri = o->uri ? o->uri : "#app";
    if (!sha256(o->image ? (const void *)o->image : "", o->image_len, h_image))
        return wfail(err, FC_ERR_CRYPTO, "SHA-256 of the image failed");

    enc_manifest(&manifest, o, uri, h_image);
    enc_wrap(&mwrap, &manifest); /* the digest covers the bstr with its head */
    if (!sha256(mwrap.p, mwrap.len, h_manifest)) {
        rc = wfail(err, FC_ERR_CRYPTO, "SHA-256 of the manifest failed");
        goto done;
    }
    enc_digest(&digest, h_manifest);
    if (!enc_sign1(&cose, &digest, alg, seed)) {
        rc = wfail(err, FC_ERR_CRYPTO, "Ed25519 signing failed (bad key?)");
        goto done;
    }
    head(&auth, 4, 2);
    enc_wrap(&auth, &digest);
    enc_wrap(&auth, &cose);

    head(&env, 6, FC_SUIT_TAG_ENVELOPE);
    head(&env, 5, o->uri ? 2 : 3);
    enc_int(&env, FC_SUIT_ENV_AUTH);
    enc_wrap(&env, &auth);
    enc_int(&env, FC_SUIT_ENV_MANIFEST);
    put(&env, mwrap.p, mwrap.len);
    if (!o->uri) {
        enc_tstr(&env, uri);
        enc_bstr(&env, o->image, o->image_len);
    }
    if (manifest.oom || mwrap.oom || digest.oom || cose.oom || auth.oom || env.oom) {
        rc = wfail(err, FC_ERR_NO_RAM, "out of memory building the envelope");
        goto done;
    }
    *out = env.p;
    *out_len = env.len;
    env.p = NULL;
done:
    enc_free(&manifest);
    enc_free(&mwrap);
    enc_free(&digest);
    enc_free(&cose);
    enc_free(&auth);
    enc_free(&env);
    return rc;
}

/* ---- keys ---------------------------------------------------------------- */

int fc_suit_public_key(const uint8_t seed[FC_SUIT_SEED_LEN], uint8_t pub[FC_SUIT_PUB_LEN],
                       fc_error_t *err)
{
    EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    size_t len = FC_SUIT_PUB_LEN;
    int ok = key && EVP_PKEY_get_raw_public_key(key, pub, &len) == 1 && len == FC_SUIT_PUB_LEN;
    EVP_PKEY_free(key);
    return ok ? FC_OK : wfail(err, FC_ERR_CRYPTO, "cannot derive the Ed25519 public key");
}

int fc_suit_keygen(uint8_t seed[FC_SUIT_SEED_LEN], uint8_t pub[FC_SUIT_PUB_LEN], fc_error_t *err)
{
    if (RAND_priv_bytes(seed, FC_SUIT_SEED_LEN) != 1)
        return wfail(err, FC_ERR_CRYPTO, "no entropy for the new key");
    return fc_suit_public_key(seed, pub, err);
}

static int write_file(const char *path, const uint8_t *d, size_t n, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0)
        return 0;
    ssize_t w = write(fd, d, n);
    int ok = w == (ssize_t)n;
    return close(fd) == 0 && ok;
}

int fc_suit_key_save(const char *name, const uint8_t seed[FC_SUIT_SEED_LEN],
                     const uint8_t pub[FC_SUIT_PUB_LEN], fc_error_t *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s.key", name) >= (int)sizeof path)
        return wfail(err, FC_ERR_INVALID_ARG, "key name too long");
    if (!write_file(path, seed, FC_SUIT_SEED_LEN, 0600))
        return wfail(err, FC_ERR_STORAGE,
                     errno == EEXIST ? "NAME.key exists: not overwritten"
                                     : "cannot write NAME.key");
    snprintf(path, sizeof path, "%s.pub", name);
    if (!write_file(path, pub, FC_SUIT_PUB_LEN, 0644))
        return wfail(err, FC_ERR_STORAGE,
                     errno == EEXIST ? "NAME.pub exists: not overwritten"
                                     : "cannot write NAME.pub");
    return FC_OK;
}

int fc_suit_key_load(const char *path, uint8_t key[32], fc_error_t *err)
{
    FILE *f = fopen(path, "rb");
    uint8_t extra;
    if (!f)
        return wfail(err, FC_ERR_NOT_FOUND, "cannot open the key file");
    size_t n = fread(key, 1, 32, f);
    size_t more = fread(&extra, 1, 1, f);
    fclose(f);
    if (n != 32 || more != 0)
        return wfail(err, FC_ERR_INVALID_ARG, "key file is not exactly 32 raw bytes");
    return FC_OK;
}
