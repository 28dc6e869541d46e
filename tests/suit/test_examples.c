/* The 13 example envelopes of draft-ietf-suit-manifest-37 (shared/suit/examples):
 * each is decoded with the structure its .txt states, the signed ones verify
 * with the published P-256 key, the unsigned ones are refused, and each gets
 * a precise verdict on our device (and on a device holding the examples'
 * vendor/class ids). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cbor.h" /* internal: src/suit is on this test's include path */
#include "femto/suit.h"
#include "suit_test_util.h"

#define VENDOR "fa6b4a53d5ad5fdfbe9de663e4d41ffe"
#define CLASS "1492af1425695e48bf429b2d51f2ab45"
#define DIGEST_A "00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210"
#define DIGEST_B "0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff"

/* ---- a survey of every command and parameter (all try-each branches) ---- */

#define MAX_VALUES 4
typedef struct survey {
    uint64_t commands; /* bit id: command or control directive seen */
    struct {
        size_t n;
        fc_suit_bytes_t v[MAX_VALUES];
    } param[FC_SUIT_MAX_COMPONENTS][32];
} survey_t;

static fc_status_t survey_step(void *ctx, const fc_suit_step_t *s, fc_error_t *err)
{
    survey_t *sv = ctx;
    (void)err;
    if (s->kind != FC_SUIT_STEP_PARAMETER) {
        if (s->id > 0 && s->id < 64)
            sv->commands |= 1ull << s->id;
        return FC_OK;
    }
    assert_true(s->id > 0 && s->id < 32);
    for (size_t c = 0; c < FC_SUIT_MAX_COMPONENTS; c++) {
        if (!(s->components & (1u << c)))
            continue;
        size_t *n = &sv->param[c][s->id].n;
        assert_true(*n < MAX_VALUES);
        /* a bstr value is recorded by content, other values as encoded */
        sv->param[c][s->id].v[(*n)++] = s->arg.type == FC_CBOR_BSTR ? s->arg.str : s->raw;
    }
    return FC_OK;
}

static void survey(const fc_suit_manifest_t *m, survey_t *sv)
{
    static const int seqs[] = {4, 7, 8, 9, 16, 20};
    fc_error_t err = {0};
    memset(sv, 0, sizeof *sv);
    for (size_t i = 0; i < 6; i++) {
        int rc = fc_suit_walk(m, seqs[i], 1, survey_step, sv, &err);
        if (rc == FC_ERR_SUIT_FORMAT && strstr(err.reason, "severed"))
            continue; /* a severed, absent sequence: nothing to survey */
        assert_int_equal(rc, FC_OK);
    }
}

static uint64_t bits(const int *ids, size_t n)
{
    uint64_t b = 0;
    for (size_t i = 0; i < n; i++)
        b |= 1ull << ids[i];
    return b;
}
#define BITS(...) bits((const int[]){__VA_ARGS__}, sizeof((const int[]){__VA_ARGS__}) / sizeof(int))

/* SUIT_Digest [-16, h'...'] encoded: check its bytes */
static void assert_digest_value(fc_suit_bytes_t v, const char *hex)
{
    fc_suit_digest_t d;
    fc_error_t err;
    assert_int_equal(fc_suit_decode_digest(&v, 0, &d, &err), FC_OK);
    assert_int_equal(d.alg, FC_COSE_ALG_SHA256);
    assert_true(tu_bytes_hex(d.bytes, hex));
}

static void assert_uint_value(fc_suit_bytes_t raw, uint64_t want)
{
    fc_cbor_t c;
    uint64_t v;
    fc_error_t err;
    fc_cbor_init(&c, raw.ptr, raw.len, 0);
    assert_int_equal(fc_cbor_uint(&c, &v, &err), FC_OK);
    assert_int_equal(v, want);
}

static void assert_tstr_value(fc_suit_bytes_t raw, const char *want)
{
    fc_cbor_t c;
    fc_suit_bytes_t s;
    fc_error_t err;
    fc_cbor_init(&c, raw.ptr, raw.len, 0);
    assert_int_equal(fc_cbor_tstr(&c, &s, &err), FC_OK);
    assert_true(tu_bytes_str(s, want));
}

/* ---- per example ----------------------------------------------------------- */

typedef struct example {
    const char *file;
    size_t size;
    int is_signed;
    uint64_t sequence;
    uint32_t manifest_keys;
    uint32_t envelope_keys;
    const char *auth_digest;
    const char *components[3]; /* hex of the single bstr of each identifier */
    uint64_t commands;
} example_t;

static uint32_t keys(const int *k, size_t n)
{
    return (uint32_t)bits(k, n);
}
#define KEYS(...) keys((const int[]){__VA_ARGS__}, sizeof((const int[]){__VA_ARGS__}) / sizeof(int))

static fc_suit_manifest_t M;
static uint8_t *BUF;
static size_t LEN;

static void load(const example_t *ex)
{
    fc_error_t err = {0};
    free(BUF);
    BUF = tf_read_file(tu_example(ex->file), &LEN);
    assert_int_equal(LEN, ex->size);
    int rc = fc_suit_decode(BUF, LEN, &M, &err);
    if (rc != FC_OK)
        fail_msg("%s: decode: %d at %lu: %s", ex->file, rc, err.where, err.reason);
}

static void check_structure(const example_t *ex)
{
    load(ex);
    assert_int_equal(M.version, 1);
    assert_int_equal(M.sequence_number, ex->sequence);
    assert_int_equal(M.manifest_keys, ex->manifest_keys);
    assert_int_equal(M.envelope_keys, ex->envelope_keys);
    assert_int_equal(M.digest.alg, FC_COSE_ALG_SHA256);
    assert_true(tu_bytes_hex(M.digest.bytes, ex->auth_digest));
    assert_int_equal(M.n_signatures, ex->is_signed ? 1 : 0);
    if (ex->is_signed) {
        assert_int_equal(M.signature[0].alg, FC_COSE_ALG_ES256);
        assert_int_equal(M.signature[0].signature.len, 64);
    }
    size_t n = 0;
    while (n < 3 && ex->components[n])
        n++;
    assert_int_equal(M.n_components, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(M.component[i].n_parts, 1);
        assert_true(tu_bytes_hex(M.component[i].part[0], ex->components[i]));
    }
    survey_t sv;
    survey(&M, &sv);
    assert_int_equal(sv.commands, ex->commands);
}

static const fc_suit_device_t OUR_DEVICE = {FC_SUIT_FEMTO_VENDOR_ID, FC_SUIT_FEMTOD_CLASS_ID, NULL};
static const fc_suit_device_t EXAMPLE_DEVICE = {{0xfa, 0x6b, 0x4a, 0x53, 0xd5, 0xad, 0x5f, 0xdf,
                                                 0xbe, 0x9d, 0xe6, 0x63, 0xe4, 0xd4, 0x1f, 0xfe},
                                                {0x14, 0x92, 0xaf, 0x14, 0x25, 0x69, 0x5e, 0x48,
                                                 0xbf, 0x42, 0x9b, 0x2d, 0x51, 0xf2, 0xab, 0x45},
                                                NULL};

/* Signed: verifies with the example key, not with another one; unsigned:
 * refused for lack of an authentication block. On our device, the shared
 * sequence's vendor condition fails. */
static void check_verdicts(const example_t *ex)
{
    fc_port_t port;
    fc_suit_key_t key, wrong;
    fc_error_t err = {0};
    size_t which = 99;
    tu_port(&port);
    tu_example_key(&key);
    wrong = key;
    wrong.public_key[64] ^= 1; /* off the curve or another key: either way refused */
    if (ex->is_signed) {
        int rc = fc_suit_authenticate(&M, &port, &key, 1, &which, &err);
        if (rc != FC_OK)
            fail_msg("%s: authenticate: %d at %lu: %s", ex->file, rc, err.where, err.reason);
        assert_int_equal(which, 0);
        assert_int_equal(fc_suit_authenticate(&M, &port, &wrong, 1, &which, &err),
                         FC_ERR_SIGNATURE);
        /* one flipped bit of the signature: refused */
        fc_suit_manifest_t forged = M;
        uint8_t sig[64];
        memcpy(sig, M.signature[0].signature.ptr, 64);
        sig[17] ^= 0x10;
        forged.signature[0].signature.ptr = sig;
        assert_int_equal(fc_suit_authenticate(&forged, &port, &key, 1, &which, &err),
                         FC_ERR_SIGNATURE);
        assert_string_equal(err.reason, "signature does not verify with any trusted key");
        /* ES256 needs the port's es256_verify */
        port.es256_verify = NULL;
        assert_int_equal(fc_suit_authenticate(&M, &port, &key, 1, &which, &err), FC_ERR_SIGNATURE);
        assert_non_null(strstr(err.reason, "algorithm"));
        tu_port(&port);
    } else {
        assert_int_equal(fc_suit_authenticate(&M, &port, &key, 1, &which, &err),
                         FC_ERR_SUIT_FORMAT);
        assert_non_null(strstr(err.reason, "no COSE_Sign1"));
    }
    fc_suit_result_t r;
    assert_int_equal(fc_suit_evaluate(&M, &port, &OUR_DEVICE, FC_SUIT_RUN_INSTALL, &r, &err),
                     FC_ERR_CONDITION);
    assert_string_equal(err.reason, "vendor identifier does not match this device");
    assert_true(err.where > M.manifest_offset && err.where < LEN);
    assert_int_equal(BUF[err.where], 0x0f); /* the condition's reporting policy, 15 */
}

static const example_t EX0 = {"draft37-example0-signed.cbor",
                              237,
                              1,
                              0,
                              0,
                              0,
                              "6658ea560262696dd1f13b782239a064da7c6c5cbaf52fded428a6fc83c7e5af",
                              {"00"},
                              0};

static void fill(example_t *ex, const example_t *base, const char *file, size_t size, int is_signed)
{
    *ex = *base;
    ex->file = file;
    ex->size = size;
    ex->is_signed = is_signed;
}

/* ---- example 0: secure boot -------------------------------------------- */

static void example0(const char *file, size_t size, int is_signed)
{
    example_t ex;
    fill(&ex, &EX0, file, size, is_signed);
    ex.manifest_keys = KEYS(1, 2, 3, 7, 9);
    ex.envelope_keys = KEYS(2, 3);
    ex.commands = BITS(1, 2, 3, 20, 23);
    check_structure(&ex);
    survey_t sv;
    survey(&M, &sv);
    assert_true(tu_bytes_hex(sv.param[0][1].v[0], VENDOR));
    assert_true(tu_bytes_hex(sv.param[0][2].v[0], CLASS));
    assert_digest_value(sv.param[0][3].v[0], DIGEST_A);
    assert_uint_value(sv.param[0][14].v[0], 34768);
    assert_int_equal(M.invoke.state, FC_SUIT_INLINE);
    check_verdicts(&ex);

    /* the device that holds these ids: boot runs validate (image-match:
     * pending, the caller checks its stored image) and invoke */
    fc_port_t port;
    fc_suit_result_t r;
    fc_error_t err;
    tu_port(&port);
    assert_int_equal(fc_suit_evaluate(&M, &port, &EXAMPLE_DEVICE, FC_SUIT_RUN_BOOT, &r, &err),
                     FC_OK);
    assert_int_equal(r.component[0].actions, FC_SUIT_IMAGE_PENDING | FC_SUIT_DID_INVOKE);
    assert_int_equal(r.component[0].params.image_size, 34768);
    assert_true(tu_bytes_hex(r.component[0].params.image_digest.bytes, DIGEST_A));
    assert_false(r.component[0].has_femto_slot);
    size_t idx;
    assert_int_equal(fc_suit_femto_component(&r, &idx, &err), FC_ERR_SUIT_UNSUPPORTED);
}

static void test_example0_signed(void **s)
{
    (void)s;
    example0("draft37-example0-signed.cbor", 237, 1);
}
static void test_example0_unsigned(void **s)
{
    (void)s;
    example0("draft37-example0-unsigned.cbor", 161, 0);
}

/* ---- example 1: download and install ------------------------------------ */

static void example1(const char *file, size_t size, int is_signed)
{
    example_t ex;
    fill(&ex, &EX0, file, size, is_signed);
    ex.sequence = 1;
    ex.auth_digest = "1f2e7acca0dc2786f2fe4eb947f50873a6a3cfaa98866c5b02e621f42074daf2";
    ex.manifest_keys = KEYS(1, 2, 3, 7, 20);
    ex.envelope_keys = KEYS(2, 3);
    ex.commands = BITS(1, 2, 3, 20, 21);
    check_structure(&ex);
    survey_t sv;
    survey(&M, &sv);
    assert_tstr_value(sv.param[0][21].v[0], "http://example.com/file.bin");
    assert_uint_value(sv.param[0][14].v[0], 34768);
    check_verdicts(&ex);

    fc_port_t port;
    fc_suit_result_t r;
    fc_error_t err;
    tu_port(&port);
    assert_int_equal(fc_suit_evaluate(&M, &port, &EXAMPLE_DEVICE, FC_SUIT_RUN_INSTALL, &r, &err),
                     FC_OK);
    assert_int_equal(r.component[0].actions, FC_SUIT_DID_FETCH | FC_SUIT_IMAGE_PENDING);
    assert_null(r.component[0].payload); /* external: the caller fetches */
    assert_true(tu_bytes_str(r.component[0].params.uri, "http://example.com/file.bin"));
    /* the fetched image would be checked with fc_suit_check_payload */
    static const uint8_t wrong[16] = {0};
    assert_int_equal(
        fc_suit_check_payload(&r.component[0].params, &port, wrong, sizeof wrong, &err),
        FC_ERR_SIZE);
}

static void test_example1_signed(void **s)
{
    (void)s;
    example1("draft37-example1-signed.cbor", 272, 1);
}
static void test_example1_unsigned(void **s)
{
    (void)s;
    example1("draft37-example1-unsigned.cbor", 196, 0);
}

/* ---- example 2: severable members --------------------------------------- */

static void example2(const char *file, size_t size, int is_signed, int severed)
{
    example_t ex;
    fill(&ex, &EX0, file, size, is_signed);
    ex.sequence = 2;
    ex.auth_digest = "6a5197ed8f9dccf733d1c89a359441708e070b4c6dcb9a1c2c82c6165f609b90";
    ex.manifest_keys = KEYS(1, 2, 3, 4, 7, 9, 20, 23);
    ex.envelope_keys = severed ? KEYS(2, 3) : KEYS(2, 3, 20, 23);
    ex.commands = severed ? BITS(1, 2, 3, 20, 23) : BITS(1, 2, 3, 20, 21, 23);
    check_structure(&ex);
    assert_true(tu_bytes_str(M.reference_uri, "https://git.io/JJYoj"));
    int state = severed ? FC_SUIT_SEVERED_MISSING : FC_SUIT_SEVERED;
    assert_int_equal(M.install.state, state);
    assert_int_equal(M.text.state, state);
    assert_int_equal(M.install.digest.alg, FC_COSE_ALG_SHA256);
    if (!severed) {
        survey_t sv;
        survey(&M, &sv);
        assert_tstr_value(sv.param[0][21].v[0],
                          "http://example.com/very/long/path/to/file/file.bin");
    }
    check_verdicts(&ex);

    fc_port_t port;
    fc_suit_result_t r;
    fc_error_t err;
    tu_port(&port);
    int rc = fc_suit_evaluate(&M, &port, &EXAMPLE_DEVICE, FC_SUIT_RUN_INSTALL, &r, &err);
    if (severed) {
        assert_int_equal(rc, FC_ERR_SUIT_FORMAT);
        assert_non_null(strstr(err.reason, "severed"));
    } else {
        assert_int_equal(rc, FC_OK);
        assert_true(r.component[0].actions & FC_SUIT_DID_FETCH);
    }
    if (!severed && is_signed) {
        /* a severed member that does not match its digest is refused */
        fc_suit_key_t key;
        tu_example_key(&key);
        uint8_t *copy = malloc(LEN);
        memcpy(copy, BUF, LEN);
        fc_suit_manifest_t m2;
        assert_int_equal(fc_suit_decode(copy, LEN, &m2, &err), FC_OK);
        size_t off = (size_t)(m2.text.content.ptr - copy) + 5;
        copy[off] ^= 0x01; /* inside a text string: still well-formed */
        assert_int_equal(fc_suit_decode(copy, LEN, &m2, &err), FC_OK);
        assert_int_equal(fc_suit_authenticate(&m2, &port, &key, 1, NULL, &err), FC_ERR_DIGEST);
        assert_non_null(strstr(err.reason, "severed"));
        free(copy);
    }
}

static void test_example2_signed(void **s)
{
    (void)s;
    example2("draft37-example2-signed.cbor", 923, 1, 0);
}
static void test_example2_severed_signed(void **s)
{
    (void)s;
    example2("draft37-example2-severed-signed.cbor", 333, 1, 1);
}
static void test_example2_severed_unsigned(void **s)
{
    (void)s;
    example2("draft37-example2-severed-unsigned.cbor", 257, 0, 1);
}

/* ---- example 3: A/B images with try-each -------------------------------- */

static void example3(const char *file, size_t size, int is_signed)
{
    example_t ex;
    fill(&ex, &EX0, file, size, is_signed);
    ex.sequence = 3;
    ex.auth_digest = "f6d44a62ec906b392500c242e78e908e9cc5057f3f04104a06a8566200da2ee0";
    ex.manifest_keys = KEYS(1, 2, 3, 7, 20);
    ex.envelope_keys = KEYS(2, 3);
    ex.commands = BITS(1, 2, 3, 5, 15, 20, 21);
    check_structure(&ex);
    survey_t sv;
    survey(&M, &sv);
    assert_int_equal(sv.param[0][5].n, 4); /* slot 0, 1 in common and in install */
    assert_uint_value(sv.param[0][5].v[0], 0);
    assert_uint_value(sv.param[0][5].v[1], 1);
    assert_digest_value(sv.param[0][3].v[0], DIGEST_A);
    assert_digest_value(sv.param[0][3].v[1], DIGEST_B);
    assert_uint_value(sv.param[0][14].v[0], 34768);
    assert_uint_value(sv.param[0][14].v[1], 76834);
    assert_tstr_value(sv.param[0][21].v[0], "http://example.com/file1.bin");
    assert_tstr_value(sv.param[0][21].v[1], "http://example.com/file2.bin");
    check_verdicts(&ex);

    /* the example device has slot 0 only: the first alternative wins */
    fc_port_t port;
    fc_suit_result_t r;
    fc_error_t err;
    tu_port(&port);
    assert_int_equal(fc_suit_evaluate(&M, &port, &EXAMPLE_DEVICE, FC_SUIT_RUN_INSTALL, &r, &err),
                     FC_OK);
    assert_true(tu_bytes_str(r.component[0].params.uri, "http://example.com/file1.bin"));
    assert_int_equal(r.component[0].params.image_size, 34768);
}

static void test_example3_signed(void **s)
{
    (void)s;
    example3("draft37-example3-signed.cbor", 396, 1);
}
static void test_example3_unsigned(void **s)
{
    (void)s;
    example3("draft37-example3-unsigned.cbor", 320, 0);
}

/* ---- example 4: load from external storage (3 components) ---------------- */

static void example4(const char *file, size_t size, int is_signed)
{
    example_t ex;
    fill(&ex, &EX0, file, size, is_signed);
    ex.sequence = 4;
    ex.auth_digest = "5b5f6586b1e6cdf19ee479a5adabf206581000bd584b0832a9bdaf4f72cdbdd6";
    ex.manifest_keys = KEYS(1, 2, 3, 7, 8, 9, 16, 20);
    ex.envelope_keys = KEYS(2, 3);
    ex.components[0] = "00";
    ex.components[1] = "02";
    ex.components[2] = "01";
    ex.commands = BITS(1, 2, 3, 12, 20, 21, 22, 23);
    check_structure(&ex);
    survey_t sv;
    survey(&M, &sv);
    assert_digest_value(sv.param[0][3].v[0], DIGEST_A);
    assert_uint_value(sv.param[0][14].v[0], 34768);
    assert_uint_value(sv.param[0][22].v[0], 1);
    assert_digest_value(sv.param[1][3].v[0], DIGEST_A);
    assert_tstr_value(sv.param[1][21].v[0], "http://example.com/file.bin");
    assert_digest_value(sv.param[2][3].v[0], DIGEST_B);
    assert_uint_value(sv.param[2][14].v[0], 76834);
    assert_uint_value(sv.param[2][22].v[0], 0);
    check_verdicts(&ex);

    fc_port_t port;
    fc_suit_result_t r;
    fc_error_t err;
    tu_port(&port);
    assert_int_equal(fc_suit_evaluate(&M, &port, &EXAMPLE_DEVICE, FC_SUIT_RUN_BOOT, &r, &err),
                     FC_OK);
    assert_int_equal(r.n_components, 3);
    assert_true(r.component[2].actions & FC_SUIT_DID_COPY);
    assert_true(r.component[2].actions & FC_SUIT_DID_INVOKE);
}

static void test_example4_signed(void **s)
{
    (void)s;
    example4("draft37-example4-signed.cbor", 403, 1);
}
static void test_example4_unsigned(void **s)
{
    (void)s;
    example4("draft37-example4-unsigned.cbor", 327, 0);
}

/* ---- example 5: two images ---------------------------------------------- */

static void example5(const char *file, size_t size, int is_signed)
{
    example_t ex;
    fill(&ex, &EX0, file, size, is_signed);
    ex.sequence = 5;
    ex.auth_digest = "15ce60f77657e4531dc329155f8b0ed78f94bdc6d165b2665473693dcc34f470";
    ex.manifest_keys = KEYS(1, 2, 3, 7, 9, 20);
    ex.envelope_keys = KEYS(2, 3);
    ex.components[0] = "00";
    ex.components[1] = "01";
    ex.commands = BITS(1, 2, 3, 12, 20, 21, 23);
    check_structure(&ex);
    survey_t sv;
    survey(&M, &sv);
    assert_uint_value(sv.param[0][14].v[0], 34768);
    assert_digest_value(sv.param[1][3].v[0], DIGEST_B);
    assert_uint_value(sv.param[1][14].v[0], 76834);
    assert_tstr_value(sv.param[0][21].v[0], "http://example.com/file1.bin");
    assert_tstr_value(sv.param[1][21].v[0], "http://example.com/file2.bin");
    check_verdicts(&ex);

    fc_port_t port;
    fc_suit_result_t r;
    fc_error_t err;
    tu_port(&port);
    assert_int_equal(fc_suit_evaluate(&M, &port, &EXAMPLE_DEVICE, FC_SUIT_RUN_INSTALL, &r, &err),
                     FC_OK);
    assert_true(r.component[0].actions & FC_SUIT_DID_FETCH);
    assert_true(r.component[1].actions & FC_SUIT_DID_FETCH);
    assert_true(tu_bytes_str(r.component[1].params.uri, "http://example.com/file2.bin"));
}

static void test_example5_signed(void **s)
{
    (void)s;
    example5("draft37-example5-signed.cbor", 382, 1);
}
static void test_example5_unsigned(void **s)
{
    (void)s;
    example5("draft37-example5-unsigned.cbor", 306, 0);
}

static int teardown(void **s)
{
    (void)s;
    free(BUF);
    BUF = NULL;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_example0_signed, teardown),
        cmocka_unit_test_teardown(test_example0_unsigned, teardown),
        cmocka_unit_test_teardown(test_example1_signed, teardown),
        cmocka_unit_test_teardown(test_example1_unsigned, teardown),
        cmocka_unit_test_teardown(test_example2_signed, teardown),
        cmocka_unit_test_teardown(test_example2_severed_signed, teardown),
        cmocka_unit_test_teardown(test_example2_severed_unsigned, teardown),
        cmocka_unit_test_teardown(test_example3_signed, teardown),
        cmocka_unit_test_teardown(test_example3_unsigned, teardown),
        cmocka_unit_test_teardown(test_example4_signed, teardown),
        cmocka_unit_test_teardown(test_example4_unsigned, teardown),
        cmocka_unit_test_teardown(test_example5_signed, teardown),
        cmocka_unit_test_teardown(test_example5_unsigned, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
