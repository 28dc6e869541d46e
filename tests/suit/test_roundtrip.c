/* Sign -> decode -> authenticate -> evaluate -> payload check with our own
 * envelopes (tools/femto/suit_write.c), then the hostile set: forged
 * signature, wrong key, tampered manifest/digest/payload, truncation at every
 * byte, every single-bit flip, oversize lengths, indefinite lengths, deep
 * nesting and malformed manifests, each refused with its reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "femto/suit.h"
#include "suit_test_util.h"
#include "suit_write.h"

static const fc_suit_device_t DEVICE = {FC_SUIT_FEMTO_VENDOR_ID, FC_SUIT_FEMTOD_CLASS_ID, NULL};

typedef struct fixture {
    uint8_t seed[32], pub[32];
    fc_suit_key_t keys[2]; /* [0]: another key, [1]: the signer's */
    uint8_t image[300];
    uint8_t *env;
    size_t len;
    fc_port_t port;
} fixture_t;

static const char *const HOOKS[] = {"timer", "coap"};

static void default_opts(fixture_t *f, fc_suit_write_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->sequence = 5;
    o->slot = 3;
    o->image = f->image;
    o->image_len = sizeof f->image;
    o->hooks = HOOKS;
    o->n_hooks = 2;
    o->priority = -2;
    o->budget = 100000;
    o->entry = "on_tick";
}

static void sign(fixture_t *f, const fc_suit_write_opts_t *o)
{
    fc_error_t err = {0};
    free(f->env);
    int rc = fc_suit_write_envelope(o, f->seed, &f->env, &f->len, &err);
    if (rc != FC_OK)
        fail_msg("write: %s", err.reason);
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    fc_error_t err;
    uint8_t other_seed[32];
    assert_int_equal(fc_suit_keygen(f->seed, f->pub, &err), FC_OK);
    assert_int_equal(fc_suit_keygen(other_seed, f->keys[0].public_key, &err), FC_OK);
    f->keys[0].type = FC_SUIT_KEY_ED25519;
    f->keys[1].type = FC_SUIT_KEY_ED25519;
    memcpy(f->keys[1].public_key, f->pub, 32);
    for (size_t i = 0; i < sizeof f->image; i++)
        f->image[i] = (uint8_t)(i * 7 + 1);
    tu_port(&f->port);
    fc_suit_write_opts_t o;
    default_opts(f, &o);
    sign(f, &o);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    free(f->env);
    free(f);
    return 0;
}

/* The whole device-side pipeline; FC_OK only if everything holds. */
static int pipeline(fixture_t *f, const uint8_t *env, size_t len, fc_error_t *err)
{
    fc_suit_manifest_t m;
    fc_suit_result_t r;
    size_t which;
    int rc = fc_suit_decode(env, len, &m, err);
    if (rc == FC_OK)
        rc = fc_suit_authenticate(&m, &f->port, f->keys, 2, &which, err);
    if (rc == FC_OK)
        rc = fc_suit_evaluate(&m, &f->port, &DEVICE, FC_SUIT_RUN_INSTALL, &r, err);
    if (rc == FC_OK && !(r.component[0].actions & FC_SUIT_IMAGE_MATCHED))
        rc = FC_ERR_STATE;
    return rc;
}

/* ---- round trips --------------------------------------------------------- */

static void test_roundtrip_integrated(void **state)
{
    fixture_t *f = *state;
    fc_suit_manifest_t m;
    fc_suit_result_t r;
    fc_error_t err = {0};
    size_t which = 99;
    assert_int_equal(fc_suit_decode(f->env, f->len, &m, &err), FC_OK);
    assert_int_equal(m.sequence_number, 5);
    assert_int_equal(m.n_signatures, 1);
    assert_int_equal(m.signature[0].alg, FC_COSE_ALG_ED25519);
    assert_int_equal(m.n_payloads, 1);
    assert_true(tu_bytes_str(m.payload[0].key, "#app"));
    assert_int_equal(m.payload[0].data.len, sizeof f->image);
    assert_ptr_equal(m.payload[0].data.ptr, f->env + m.payload[0].offset); /* no copy */
    assert_int_equal(m.install.state, FC_SUIT_INLINE);
    assert_int_equal(m.n_components, 1);
    assert_true(tu_bytes_str(m.component[0].part[0], "femto"));
    assert_true(tu_bytes_str(m.component[0].part[1], "3"));

    assert_int_equal(fc_suit_authenticate(&m, &f->port, f->keys, 2, &which, &err), FC_OK);
    assert_int_equal(which, 1);
    assert_int_equal(fc_suit_check_sequence(&m, 4, &err), FC_OK);
    assert_int_equal(fc_suit_check_sequence(&m, 5, &err), FC_ERR_ROLLBACK);
    assert_int_equal(fc_suit_check_sequence(&m, 9, &err), FC_ERR_ROLLBACK);

    assert_int_equal(fc_suit_evaluate(&m, &f->port, &DEVICE, FC_SUIT_RUN_INSTALL, &r, &err), FC_OK);
    size_t idx = 99;
    assert_int_equal(fc_suit_femto_component(&r, &idx, &err), FC_OK);
    assert_int_equal(idx, 0);
    fc_suit_component_result_t *c = &r.component[0];
    assert_true(c->has_femto_slot);
    assert_int_equal(c->femto_slot, 3);
    assert_int_equal(c->actions, FC_SUIT_DID_FETCH | FC_SUIT_IMAGE_MATCHED);
    assert_ptr_equal(c->payload, &m.payload[0]);
    assert_int_equal(c->params.image_size, sizeof f->image);
    assert_true(c->params.has & FC_SUIT_HAS_FEMTO);
    assert_int_equal(c->params.femto.n_hooks, 2);
    assert_true(tu_bytes_str(c->params.femto.hook[0], "timer"));
    assert_true(tu_bytes_str(c->params.femto.hook[1], "coap"));
    assert_int_equal(c->params.femto.priority, -2);
    assert_int_equal(c->params.femto.budget, 100000);
    assert_true(tu_bytes_str(c->params.femto.entry, "on_tick"));
}

/* The epoch (femto parameter key 5): absent reads as 0; signed, it comes
 * back; (epoch, sequence) anti-rollback refuses older and equal versions
 * and an epoch more than one above the last. */
static void test_epoch(void **state)
{
    fixture_t *f = *state;
    fc_suit_write_opts_t o;
    fc_suit_manifest_t m;
    fc_suit_result_t r;
    fc_error_t err = {0};
    assert_int_equal(fc_suit_decode(f->env, f->len, &m, &err), FC_OK);
    assert_int_equal(fc_suit_evaluate(&m, &f->port, &DEVICE, FC_SUIT_RUN_INSTALL, &r, &err), FC_OK);
    assert_int_equal(r.component[0].params.femto.epoch, 0);
    default_opts(f, &o);
    o.epoch = UINT64_MAX;
    o.sequence = 0;
    sign(f, &o);
    assert_int_equal(fc_suit_decode(f->env, f->len, &m, &err), FC_OK);
    assert_int_equal(fc_suit_evaluate(&m, &f->port, &DEVICE, FC_SUIT_RUN_INSTALL, &r, &err), FC_OK);
    assert_true(r.component[0].params.femto.epoch == UINT64_MAX);

    typedef fc_suit_version_t V;
    const uint64_t top = UINT64_MAX;
    assert_int_equal(fc_suit_check_version((V){0, 1}, (V){0, 0}, 0, &err), FC_OK);
    assert_int_equal(fc_suit_check_version((V){1, 0}, (V){0, top}, 0, &err), FC_OK);
    assert_int_equal(fc_suit_check_version((V){1, top}, (V){0, 3}, 0, &err), FC_OK);
    assert_int_equal(fc_suit_check_version((V){0, top}, (V){0, top}, 0, &err), FC_ERR_ROLLBACK);
    assert_int_equal(fc_suit_check_version((V){0, top}, (V){0, top}, 1, &err), FC_OK);
    assert_int_equal(fc_suit_check_version((V){0, top}, (V){1, 0}, 0, &err), FC_ERR_ROLLBACK);
    assert_int_equal(fc_suit_check_version((V){0, top}, (V){1, 0}, 1, &err), FC_ERR_ROLLBACK);
    assert_int_equal(fc_suit_check_version((V){2, 0}, (V){0, top}, 0, &err), FC_ERR_ROLLBACK);
    assert_non_null(strstr(err.reason, "epoch"));
    assert_int_equal(fc_suit_check_version((V){top, 0}, (V){0, 0}, 0, &err), FC_ERR_ROLLBACK);
    assert_int_equal(fc_suit_check_version((V){top, 0}, (V){top - 1, top}, 0, &err), FC_OK);
    assert_int_equal(fc_suit_check_version((V){top, 1}, (V){top, 0}, 0, &err), FC_OK);
    assert_int_equal(fc_suit_check_version((V){top - 1, 1}, (V){top, 0}, 0, &err), FC_ERR_ROLLBACK);
}

static void test_roundtrip_uri_and_eddsa(void **state)
{
    fixture_t *f = *state;
    fc_suit_write_opts_t o;
    fc_suit_manifest_t m;
    fc_suit_result_t r;
    fc_error_t err = {0};
    default_opts(f, &o);
    o.uri = "coap://[::1]/img/3";
    o.alg = FC_COSE_ALG_EDDSA;
    o.budget = 0;
    o.entry = NULL;
    o.n_hooks = 0;
    sign(f, &o);
    assert_int_equal(fc_suit_decode(f->env, f->len, &m, &err), FC_OK);
    assert_int_equal(m.n_payloads, 0);
    assert_int_equal(m.signature[0].alg, FC_COSE_ALG_EDDSA);
    assert_int_equal(fc_suit_authenticate(&m, &f->port, &f->keys[1], 1, NULL, &err), FC_OK);
    assert_int_equal(fc_suit_evaluate(&m, &f->port, &DEVICE, FC_SUIT_RUN_INSTALL, &r, &err), FC_OK);
    fc_suit_component_result_t *c = &r.component[0];
    assert_int_equal(c->actions, FC_SUIT_DID_FETCH | FC_SUIT_IMAGE_PENDING);
    assert_null(c->payload);
    assert_true(tu_bytes_str(c->params.uri, "coap://[::1]/img/3"));
    assert_int_equal(c->params.femto.n_hooks, 0);
    assert_int_equal(c->params.femto.budget, 0);
    /* the fetched image is checked against digest and size */
    assert_int_equal(fc_suit_check_payload(&c->params, &f->port, f->image, sizeof f->image, &err),
                     FC_OK);
    assert_int_equal(fc_suit_check_payload(&c->params, &f->port, f->image, 299, &err), FC_ERR_SIZE);
    uint8_t other[300];
    memcpy(other, f->image, sizeof other);
    other[150] ^= 0x80;
    assert_int_equal(fc_suit_check_payload(&c->params, &f->port, other, sizeof other, &err),
                     FC_ERR_DIGEST);
    assert_string_equal(err.reason, "payload SHA-256 differs from image-digest");
    fc_suit_params_t huge = c->params;
    huge.image_size = UINT64_MAX; /* oversize declared size */
    assert_int_equal(fc_suit_check_payload(&huge, &f->port, f->image, sizeof f->image, &err),
                     FC_ERR_SIZE);
}

/* ---- keys and signatures ------------------------------------------------- */

static void test_wrong_key_and_forged_signature(void **state)
{
    fixture_t *f = *state;
    fc_suit_manifest_t m;
    fc_error_t err = {0};
    assert_int_equal(fc_suit_decode(f->env, f->len, &m, &err), FC_OK);
    assert_int_equal(fc_suit_authenticate(&m, &f->port, &f->keys[0], 1, NULL, &err),
                     FC_ERR_SIGNATURE);
    assert_string_equal(err.reason, "signature does not verify with any trusted key");
    assert_int_equal(err.where, m.signature[0].offset);
    assert_int_equal(fc_suit_authenticate(&m, &f->port, NULL, 0, NULL, &err), FC_ERR_SIGNATURE);
    fc_suit_key_t p256 = {FC_SUIT_KEY_P256, {0x04}};
    assert_int_equal(fc_suit_authenticate(&m, &f->port, &p256, 1, NULL, &err), FC_ERR_SIGNATURE);
    assert_non_null(strstr(err.reason, "fits the signature algorithm"));

    /* forged: every bit of the signature, one at a time */
    uint8_t *copy = malloc(f->len);
    size_t sig_off = (size_t)(m.signature[0].signature.ptr - f->env);
    for (size_t bit = 0; bit < 64 * 8; bit++) {
        memcpy(copy, f->env, f->len);
        copy[sig_off + bit / 8] ^= (uint8_t)(1u << (bit % 8));
        assert_int_equal(fc_suit_decode(copy, f->len, &m, &err), FC_OK);
        assert_int_equal(fc_suit_authenticate(&m, &f->port, f->keys, 2, NULL, &err),
                         FC_ERR_SIGNATURE);
    }
    free(copy);
}

static void test_tampered_manifest_digest_payload(void **state)
{
    fixture_t *f = *state;
    fc_suit_manifest_t m;
    fc_error_t err = {0};
    uint8_t *copy = malloc(f->len);

    /* manifest: sequence number 5 -> 6 (the byte after key 2 in the manifest) */
    assert_int_equal(fc_suit_decode(f->env, f->len, &m, &err), FC_OK);
    size_t seq_off = (size_t)(m.manifest.ptr - f->env) + 4; /* a4 01 01 02 05 */
    assert_int_equal(f->env[seq_off], 0x05);
    memcpy(copy, f->env, f->len);
    copy[seq_off] = 0x06;
    assert_int_equal(fc_suit_decode(copy, f->len, &m, &err), FC_OK);
    assert_int_equal(m.sequence_number, 6);
    assert_int_equal(fc_suit_authenticate(&m, &f->port, f->keys, 2, NULL, &err), FC_ERR_DIGEST);
    assert_string_equal(err.reason,
                        "manifest does not match the digest in the authentication wrapper");

    /* digest in the wrapper changed to match a tampered manifest: signature fails */
    assert_int_equal(fc_suit_decode(f->env, f->len, &m, &err), FC_OK);
    size_t dig_off = (size_t)(m.digest.bytes.ptr - f->env);
    memcpy(copy, f->env, f->len);
    copy[seq_off] = 0x06;
    assert_int_equal(fc_suit_decode(copy, f->len, &m, &err), FC_OK);
    uint8_t h[32];
    assert_int_equal(f->port.sha256(NULL, m.manifest_wrapped.ptr, m.manifest_wrapped.len, h),
                     FC_OK);
    memcpy(copy + dig_off, h, 32);
    assert_int_equal(fc_suit_decode(copy, f->len, &m, &err), FC_OK);
    assert_int_equal(fc_suit_authenticate(&m, &f->port, f->keys, 2, NULL, &err), FC_ERR_SIGNATURE);

    /* integrated payload changed: authentic manifest, image-match fails */
    memcpy(copy, f->env, f->len);
    copy[f->len - 1] ^= 0x01;
    assert_int_equal(pipeline(f, copy, f->len, &err), FC_ERR_DIGEST);
    assert_string_equal(err.reason, "payload SHA-256 differs from image-digest");

    /* integrated payload one byte shorter than the signed image-size */
    memcpy(copy, f->env, f->len);
    size_t head_off = f->len - sizeof f->image - 3;
    assert_int_equal(copy[head_off], 0x59); /* bstr, 2-byte length 300 */
    copy[head_off + 2] = (uint8_t)(sizeof f->image - 1);
    assert_int_equal(pipeline(f, copy, f->len - 1, &err), FC_ERR_SIZE);
    assert_string_equal(err.reason, "payload size differs from image-size");
    free(copy);
}

/* ---- structural hostility ------------------------------------------------- */

static void test_truncated_at_every_byte(void **state)
{
    fixture_t *f = *state;
    fc_suit_manifest_t m;
    for (size_t len = 0; len < f->len; len++) {
        uint8_t *copy = malloc(len ? len : 1); /* exact size: ASan sees any overread */
        memcpy(copy, f->env, len);
        fc_error_t err = {0};
        int rc = fc_suit_decode(copy, len, &m, &err);
        assert_int_not_equal(rc, FC_OK);
        assert_int_equal(err.code, rc);
        assert_non_null(err.reason);
        assert_true(err.where <= len);
        free(copy);
    }
    fc_error_t err = {0};
    assert_int_equal(pipeline(f, f->env, f->len, &err), FC_OK);
}

static void test_every_bit_flip_is_refused(void **state)
{
    fixture_t *f = *state;
    uint8_t *copy = malloc(f->len);
    size_t decoded = 0;
    for (size_t bit = 0; bit < f->len * 8; bit++) {
        memcpy(copy, f->env, f->len);
        copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        fc_error_t err = {0};
        int rc = pipeline(f, copy, f->len, &err);
        if (rc == FC_OK)
            fail_msg("flip of bit %zu accepted", bit);
        assert_non_null(err.reason);
        decoded += rc != FC_ERR_CBOR && rc != FC_ERR_CBOR_LIMIT && rc != FC_ERR_SUIT_FORMAT;
    }
    assert_true(decoded > 0); /* some flips got past decoding to the crypto checks */
    free(copy);
}

static void test_oversize_and_indefinite_lengths(void **state)
{
    fixture_t *f = *state;
    fc_suit_manifest_t m;
    fc_error_t err = {0};
    uint8_t *copy = malloc(f->len + 1);
    /* envelope: d8 6b a3 02 58 LL ...: the auth wrapper bstr */
    assert_int_equal(f->env[2], 0xa3);
    assert_int_equal(f->env[4], 0x58); /* auth wrapper length is one byte */
    memcpy(copy, f->env, f->len);
    copy[4] = 0x5a; /* a 32-bit length, declared longer than the envelope */
    memset(copy + 5, 0xff, 4);
    assert_int_equal(fc_suit_decode(copy, f->len, &m, &err), FC_ERR_CBOR_LIMIT);
    assert_int_equal(err.where, 4);
    assert_string_equal(err.reason, "string longer than the bytes left");

    memcpy(copy, f->env, f->len);
    copy[2] = 0xbf;      /* indefinite-length map ... */
    copy[f->len] = 0xff; /* ... closed by a break */
    assert_int_equal(fc_suit_decode(copy, f->len + 1, &m, &err), FC_ERR_CBOR);
    assert_int_equal(err.where, 2);
    assert_non_null(strstr(err.reason, "indefinite"));

    memcpy(copy, f->env, f->len);
    copy[4] = 0x5f; /* indefinite-length byte string */
    assert_int_equal(fc_suit_decode(copy, f->len, &m, &err), FC_ERR_CBOR);
    free(copy);
}

/* ---- hand-built envelopes around a given manifest ----------------------- */

typedef struct buf {
    uint8_t b[2048];
    size_t n;
} buf_t;

static void put(buf_t *b, const void *d, size_t n)
{
    assert_true(n <= sizeof b->b - b->n);
    memcpy(b->b + b->n, d, n);
    b->n += n;
}
static void head(buf_t *b, unsigned major, uint64_t v)
{
    uint8_t h[9];
    size_t n = 1;
    if (v < 24) {
        h[0] = (uint8_t)(major << 5 | v);
    } else if (v < 256) {
        h[0] = (uint8_t)(major << 5 | 24);
        h[1] = (uint8_t)v;
        n = 2;
    } else {
        assert_true(v < 65536);
        h[0] = (uint8_t)(major << 5 | 25);
        h[1] = (uint8_t)(v >> 8);
        h[2] = (uint8_t)v;
        n = 3;
    }
    put(b, h, n);
}
static void wrap(buf_t *b, const buf_t *inner)
{
    head(b, 2, inner->n);
    put(b, inner->b, inner->n);
}
#define RAW(b, ...) put(b, (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

/* 107({2: << [ << [-16, h'00'*32] >> ] >>, 3: << manifest >>}) */
static void envelope_of(const buf_t *manifest, buf_t *env)
{
    buf_t digest = {0}, auth = {0};
    static const uint8_t zero[32];
    RAW(&digest, 0x82, 0x2f, 0x58, 0x20);
    put(&digest, zero, 32);
    head(&auth, 4, 1);
    wrap(&auth, &digest);
    env->n = 0;
    RAW(env, 0xd8, 0x6b, 0xa2, 0x02);
    wrap(env, &auth);
    RAW(env, 0x03);
    wrap(env, manifest);
}

/* manifest {1:1, 2:0, 3: << {2: [[h'00']], 4: << shared >>} >>} + extra */
static void manifest_with(buf_t *man, const buf_t *shared, const buf_t *extra, size_t n_extra)
{
    buf_t common = {0};
    RAW(&common, 0xa2, 0x02, 0x81, 0x81, 0x41, 0x00, 0x04);
    wrap(&common, shared);
    man->n = 0;
    head(man, 5, 3 + n_extra);
    RAW(man, 0x01, 0x01, 0x02, 0x00, 0x03);
    wrap(man, &common);
    if (extra)
        put(man, extra->b, extra->n);
}

static int decode_manifest(const buf_t *man, fc_error_t *err)
{
    static buf_t env;
    static fc_suit_manifest_t m;
    envelope_of(man, &env);
    return fc_suit_decode(env.b, env.n, &m, err);
}

static void expect(int rc, const fc_error_t *err, int code, const char *why)
{
    assert_int_equal(rc, code);
    const char *reason = err->reason ? err->reason : "(none)";
    if (!strstr(reason, why))
        fail_msg("reason '%s' lacks '%s'", reason, why);
}

static void test_malformed_manifests(void **state)
{
    (void)state;
    buf_t shared = {0}, man = {0}, extra = {0};
    fc_error_t err = {0};
    RAW(&shared, 0x82, 0x01, 0x0f); /* [vendor-identifier, 15] */
    manifest_with(&man, &shared, NULL, 0);
    assert_int_equal(decode_manifest(&man, &err), FC_OK);

    man.b[2] = 0x02; /* version 2 */
    expect(decode_manifest(&man, &err), &err, FC_ERR_SUIT_UNSUPPORTED, "version");

    manifest_with(&man, &shared, NULL, 0);
    man.b[0] = 0xa2; /* common no longer inside the map: trailing bytes */
    expect(decode_manifest(&man, &err), &err, FC_ERR_CBOR, "trailing");

    RAW(&extra, 0x01, 0x01); /* version again */
    manifest_with(&man, &shared, &extra, 1);
    expect(decode_manifest(&man, &err), &err, FC_ERR_SUIT_FORMAT, "duplicate");

    extra.n = 0;
    RAW(&extra, 0x05, 0x00); /* unknown member 5 */
    manifest_with(&man, &shared, &extra, 1);
    expect(decode_manifest(&man, &err), &err, FC_ERR_SUIT_UNSUPPORTED, "unknown manifest member");

    extra.n = 0;
    RAW(&extra, 0x20, 0x00); /* private member -1: ignored */
    manifest_with(&man, &shared, &extra, 1);
    assert_int_equal(decode_manifest(&man, &err), FC_OK);

    shared.n = 0;
    RAW(&shared, 0x82, 0x0c, 0x07); /* set-component-index 7: only one component */
    manifest_with(&man, &shared, NULL, 0);
    expect(decode_manifest(&man, &err), &err, FC_ERR_SUIT_FORMAT, "component index");

    shared.n = 0;
    RAW(&shared, 0x82, 0x15, 0x02); /* fetch in the shared sequence */
    manifest_with(&man, &shared, NULL, 0);
    expect(decode_manifest(&man, &err), &err, FC_ERR_SUIT_FORMAT, "shared sequence");

    shared.n = 0;
    RAW(&shared, 0x82, 0x20, 0x00); /* custom command -1 in the shared sequence */
    manifest_with(&man, &shared, NULL, 0);
    expect(decode_manifest(&man, &err), &err, FC_ERR_SUIT_FORMAT, "custom command");

    shared.n = 0;
    RAW(&shared, 0x83, 0x01, 0x0f, 0x02); /* odd number of items */
    manifest_with(&man, &shared, NULL, 0);
    expect(decode_manifest(&man, &err), &err, FC_ERR_SUIT_FORMAT, "pairs");

    shared.n = 0;
    RAW(&shared, 0x82, 0x14, 0xa1, 0x0e, 0x41, 0x00); /* image-size as a bstr */
    manifest_with(&man, &shared, NULL, 0);
    expect(decode_manifest(&man, &err), &err, FC_ERR_SUIT_FORMAT, "unsigned integer");

    shared.n = 0;
    RAW(&shared, 0x82, 0x14, 0xa1, 0x01, 0x43, 1, 2, 3); /* 3-byte vendor id */
    manifest_with(&man, &shared, NULL, 0);
    expect(decode_manifest(&man, &err), &err, FC_ERR_SUIT_FORMAT, "UUID");
}

/* try-each inside try-each ... deeper than FC_SUIT_MAX_NESTING */
static void test_nested_try_each(void **state)
{
    (void)state;
    buf_t seq = {0}, man = {0};
    fc_error_t err = {0};
    RAW(&seq, 0x82, 0x01, 0x0f);
    for (int level = 0; level <= FC_SUIT_MAX_NESTING; level++) {
        buf_t outer = {0};
        RAW(&outer, 0x82, 0x0f, 0x82); /* [try-each, [<<seq>>, <<seq>>]] */
        wrap(&outer, &seq);
        wrap(&outer, &seq);
        seq = outer;
        manifest_with(&man, &seq, NULL, 0);
        int rc = decode_manifest(&man, &err);
        if (level < FC_SUIT_MAX_NESTING)
            assert_int_equal(rc, FC_OK);
        else
            expect(rc, &err, FC_ERR_SUIT_UNSUPPORTED, "nested deeper");
    }
}

static void test_deep_cbor_nesting_in_manifest(void **state)
{
    (void)state;
    buf_t shared = {0}, man = {0}, extra = {0};
    fc_error_t err = {0};
    RAW(&shared, 0x82, 0x01, 0x0f);
    RAW(&extra, 0x20); /* private member -1 = [[[[...0...]]]] */
    for (int i = 0; i < 40; i++)
        RAW(&extra, 0x81);
    RAW(&extra, 0x00);
    manifest_with(&man, &shared, &extra, 1);
    expect(decode_manifest(&man, &err), &err, FC_ERR_CBOR_LIMIT, "nesting");
}

/* 107({2: << [ << digest >>, << block >>... ] >>, 3: << manifest >>}) with a
 * correct digest of the manifest and the given authentication blocks */
static void envelope_with_blocks(fixture_t *f, const buf_t *man, const buf_t *blocks, size_t n,
                                 buf_t *env)
{
    buf_t mwrap = {0}, digest = {0}, auth = {0};
    uint8_t h[32];
    wrap(&mwrap, man);
    assert_int_equal(f->port.sha256(NULL, mwrap.b, mwrap.n, h), FC_OK);
    RAW(&digest, 0x82, 0x2f, 0x58, 0x20);
    put(&digest, h, 32);
    head(&auth, 4, 1 + n);
    wrap(&auth, &digest);
    for (size_t i = 0; i < n; i++)
        wrap(&auth, &blocks[i]);
    env->n = 0;
    RAW(env, 0xd8, 0x6b, 0xa2, 0x02);
    wrap(env, &auth);
    RAW(env, 0x03);
    put(env, mwrap.b, mwrap.n);
}

/* COSE_Sign1: 18([ << protected >>, unprotected, payload, signature ]) */
static void sign1(buf_t *b, const buf_t *prot, const uint8_t *unprot, size_t unprot_len,
                  const uint8_t *payload, size_t payload_len, size_t sig_len)
{
    static const uint8_t zero[64];
    b->n = 0;
    RAW(b, 0xd2, 0x84);
    wrap(b, prot);
    put(b, unprot, unprot_len);
    put(b, payload, payload_len);
    head(b, 2, sig_len);
    put(b, zero, sig_len);
}

static int cose_case(fixture_t *f, const buf_t *blocks, size_t n, int authenticate, fc_error_t *err)
{
    static buf_t shared, man, env;
    static fc_suit_manifest_t m;
    shared.n = 0;
    RAW(&shared, 0x82, 0x01, 0x0f);
    manifest_with(&man, &shared, NULL, 0);
    envelope_with_blocks(f, &man, blocks, n, &env);
    int rc = fc_suit_decode(env.b, env.n, &m, err);
    if (rc == FC_OK && authenticate)
        rc = fc_suit_authenticate(&m, &f->port, f->keys, 2, NULL, err);
    return rc;
}

static void test_cose_blocks(void **state)
{
    fixture_t *f = *state;
    fc_error_t err = {0};
    buf_t prot = {0}, blocks[3];
    static const uint8_t empty_map[] = {0xa0}, nil[] = {0xf6};
    RAW(&prot, 0xa1, 0x01, 0x27); /* {alg: EdDSA} */

    sign1(&blocks[0], &prot, empty_map, 1, nil, 1, 64); /* well-formed, bad signature */
    assert_int_equal(cose_case(f, blocks, 1, 0, &err), FC_OK);
    expect(cose_case(f, blocks, 1, 1, &err), &err, FC_ERR_SIGNATURE, "does not verify");
    sign1(&blocks[0], &prot, empty_map, 1, nil, 1, 32); /* short signature */
    expect(cose_case(f, blocks, 1, 1, &err), &err, FC_ERR_SIGNATURE, "does not verify");

    static const uint8_t bstr_payload[] = {0x41, 0x00};
    sign1(&blocks[0], &prot, empty_map, 1, bstr_payload, 2, 64);
    expect(cose_case(f, blocks, 1, 0, &err), &err, FC_ERR_SUIT_FORMAT, "payload must be nil");

    static const uint8_t unprot_alg[] = {0xa1, 0x01, 0x27};
    sign1(&blocks[0], &prot, unprot_alg, 3, nil, 1, 64);
    expect(cose_case(f, blocks, 1, 0, &err), &err, FC_ERR_SUIT_FORMAT, "protected header");

    buf_t bad = {0};
    RAW(&bad, 0xa2, 0x01, 0x27, 0x01, 0x26); /* alg twice */
    sign1(&blocks[0], &bad, empty_map, 1, nil, 1, 64);
    expect(cose_case(f, blocks, 1, 0, &err), &err, FC_ERR_SUIT_FORMAT, "duplicate label");

    bad.n = 0;
    RAW(&bad, 0xa2, 0x01, 0x27, 0x02, 0x81, 0x01); /* crit */
    sign1(&blocks[0], &bad, empty_map, 1, nil, 1, 64);
    expect(cose_case(f, blocks, 1, 0, &err), &err, FC_ERR_SUIT_UNSUPPORTED, "crit");

    bad.n = 0;
    RAW(&bad, 0xa1, 0x04, 0x41, 0x07); /* kid but no alg */
    sign1(&blocks[0], &bad, empty_map, 1, nil, 1, 64);
    expect(cose_case(f, blocks, 1, 0, &err), &err, FC_ERR_SUIT_FORMAT, "no alg");

    bad.n = 0;
    RAW(&bad, 0xa1, 0x01, 0x3a, 0x00, 0x01, 0x00, 0x00); /* alg -65537: unknown */
    sign1(&blocks[0], &bad, empty_map, 1, nil, 1, 64);
    expect(cose_case(f, blocks, 1, 1, &err), &err, FC_ERR_SIGNATURE,
           "fits the signature algorithm");

    /* COSE_Mac0 (tag 17) only: decoded, but no signature to check */
    sign1(&blocks[0], &prot, empty_map, 1, nil, 1, 64);
    blocks[0].b[0] = 0xd1;
    assert_int_equal(cose_case(f, blocks, 1, 0, &err), FC_OK);
    expect(cose_case(f, blocks, 1, 1, &err), &err, FC_ERR_SUIT_FORMAT, "no COSE_Sign1");
    blocks[0].b[0] = 0xd3; /* tag 19: not COSE */
    expect(cose_case(f, blocks, 1, 0, &err), &err, FC_ERR_SUIT_FORMAT, "not a COSE tag");

    for (size_t i = 0; i < 3; i++)
        sign1(&blocks[i], &prot, empty_map, 1, nil, 1, 64);
    expect(cose_case(f, blocks, 3, 0, &err), &err, FC_ERR_SUIT_UNSUPPORTED,
           "FC_SUIT_MAX_SIGNATURES");
}

static void test_envelope_shape(void **state)
{
    fixture_t *f = *state;
    fc_suit_manifest_t m;
    fc_error_t err = {0};
    uint8_t *copy = malloc(f->len);
    memcpy(copy, f->env, f->len);
    copy[1] = 0x6c; /* tag 108 */
    expect(fc_suit_decode(copy, f->len, &m, &err), &err, FC_ERR_SUIT_FORMAT, "tag 107");
    /* untagged */
    expect(fc_suit_decode(f->env + 2, f->len - 2, &m, &err), &err, FC_ERR_SUIT_FORMAT,
           "tag expected");
    /* manifest before authentication wrapper: swap keys 2 and 3 */
    memcpy(copy, f->env, f->len);
    copy[3] = 0x03;
    expect(fc_suit_decode(copy, f->len, &m, &err), &err, FC_ERR_SUIT_FORMAT,
           "authentication wrapper must come before the manifest");
    free(copy);
    /* trailing garbage after the envelope */
    uint8_t *longer = malloc(f->len + 1);
    memcpy(longer, f->env, f->len);
    longer[f->len] = 0x00;
    expect(fc_suit_decode(longer, f->len + 1, &m, &err), &err, FC_ERR_CBOR, "trailing");
    free(longer);
}

static void test_keys_files(void **state)
{
    fixture_t *f = *state;
    fc_error_t err = {0};
    uint8_t seed[32], pub[32];
    /* the test runs in its own scratch folder (fc_test) */
    remove("k1.key");
    remove("k1.pub");
    assert_int_equal(fc_suit_key_save("k1", f->seed, f->pub, &err), FC_OK);
    assert_int_equal(fc_suit_key_save("k1", f->seed, f->pub, &err), FC_ERR_STORAGE);
    assert_int_equal(fc_suit_key_load("k1.key", seed, &err), FC_OK);
    assert_int_equal(fc_suit_key_load("k1.pub", pub, &err), FC_OK);
    assert_memory_equal(seed, f->seed, 32);
    assert_memory_equal(pub, f->pub, 32);
    assert_int_equal(fc_suit_public_key(seed, pub, &err), FC_OK);
    assert_memory_equal(pub, f->pub, 32);
    remove("k1.key");
    remove("k1.pub");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_roundtrip_integrated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roundtrip_uri_and_eddsa, setup, teardown),
        cmocka_unit_test_setup_teardown(test_epoch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_key_and_forged_signature, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tampered_manifest_digest_payload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_at_every_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_bit_flip_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversize_and_indefinite_lengths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_manifests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_try_each, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_cbor_nesting_in_manifest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cose_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_envelope_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
