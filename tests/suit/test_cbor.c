/* Bounded CBOR decoder: what it accepts (values, offsets, no copies) and
 * what it refuses, each with its code and reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cbor.h" /* internal: src/suit is on this test's include path */
#include "femto/suit.h"

#define B(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

static fc_cbor_item_t next_ok(const uint8_t *buf, size_t len)
{
    fc_cbor_t c;
    fc_cbor_item_t it;
    fc_error_t err = {0};
    fc_cbor_init(&c, buf, len, 0);
    int rc = fc_cbor_next(&c, &it, &err);
    if (rc != FC_OK)
        fail_msg("unexpected %d: %s", rc, err.reason);
    assert_int_equal(c.pos, len);
    return it;
}

static void check_ok(const uint8_t *buf, size_t len)
{
    fc_error_t err = {0};
    int rc = fc_cbor_check(buf, len, 0, &err);
    if (rc != FC_OK)
        fail_msg("unexpected %d at %lu: %s", rc, err.where, err.reason);
}

/* refused with code, at offset where, with a reason containing `why` */
static void check_refused(const uint8_t *buf, size_t len, int code, size_t where, const char *why)
{
    fc_error_t err = {0};
    int rc = fc_cbor_check(buf, len, 0, &err);
    assert_int_equal(rc, code);
    assert_int_equal(err.code, code);
    assert_int_equal(err.where, where);
    assert_non_null(err.reason);
    if (!strstr(err.reason, why))
        fail_msg("reason '%s' lacks '%s'", err.reason, why);
}

static void test_integers(void **s)
{
    (void)s;
    fc_cbor_item_t it = next_ok(B(0x00));
    assert_int_equal(it.type, FC_CBOR_UINT);
    assert_int_equal(it.val, 0);
    assert_int_equal(next_ok(B(0x17)).val, 23);
    assert_int_equal(next_ok(B(0x18, 0x18)).val, 24);
    assert_int_equal(next_ok(B(0x18, 0xff)).val, 255);
    assert_int_equal(next_ok(B(0x19, 0x01, 0x00)).val, 256);
    assert_int_equal(next_ok(B(0x1a, 0x00, 0x01, 0x00, 0x00)).val, 65536);
    assert_true(next_ok(B(0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)).val == UINT64_MAX);
    it = next_ok(B(0x38, 0x18)); /* -25 */
    assert_int_equal(it.type, FC_CBOR_NINT);
    assert_int_equal(it.val, 24);

    fc_cbor_t c;
    int64_t v;
    fc_error_t err;
    fc_cbor_init(&c, B(0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 0);
    assert_int_equal(fc_cbor_int(&c, &v, &err), FC_OK);
    assert_true(v == INT64_MIN);
    fc_cbor_init(&c, B(0x39, 0x01, 0x00), 0);
    assert_int_equal(fc_cbor_int(&c, &v, &err), FC_OK);
    assert_int_equal(v, -257);
    fc_cbor_init(&c, B(0x3b, 0x80, 0, 0, 0, 0, 0, 0, 0), 0);
    assert_int_equal(fc_cbor_int(&c, &v, &err), FC_ERR_SUIT_FORMAT);
    assert_string_equal(err.reason, "integer out of int64 range");
    assert_int_equal(c.pos, 0); /* not consumed */
    fc_cbor_init(&c, B(0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 0);
    assert_int_equal(fc_cbor_int(&c, &v, &err), FC_ERR_SUIT_FORMAT);
}

static void test_strings_point_into_input(void **s)
{
    (void)s;
    static const uint8_t buf[] = {0x43, 'a', 'b', 'c', 0x62, 'h', 'i'};
    fc_cbor_t c;
    fc_suit_bytes_t b, t;
    fc_error_t err;
    fc_cbor_init(&c, buf, sizeof buf, 100);
    assert_int_equal(fc_cbor_bstr(&c, &b, &err), FC_OK);
    assert_ptr_equal(b.ptr, buf + 1);
    assert_int_equal(b.len, 3);
    fc_cbor_item_t it;
    assert_int_equal(fc_cbor_peek(&c, &it, &err), FC_OK);
    assert_int_equal(it.offset, 104); /* base + position */
    assert_int_equal(fc_cbor_tstr(&c, &t, &err), FC_OK);
    assert_ptr_equal(t.ptr, buf + 5);
    assert_true(fc_cbor_at_end(&c));
    /* a bstr where a tstr is expected: format error, cursor unchanged */
    fc_cbor_init(&c, buf, sizeof buf, 0);
    assert_int_equal(fc_cbor_tstr(&c, &t, &err), FC_ERR_SUIT_FORMAT);
    assert_string_equal(err.reason, "text string expected");
    assert_int_equal(c.pos, 0);
}

static void test_tags_and_simple(void **s)
{
    (void)s;
    fc_cbor_item_t it = next_ok(B(0xd2)); /* one-byte tag 18: COSE_Sign1 */
    assert_int_equal(it.type, FC_CBOR_TAG);
    assert_int_equal(it.val, 18);
    for (uint8_t tag = 6; tag <= 20; tag++) {
        uint8_t buf[2] = {(uint8_t)(0xc0 | tag), 0x00};
        check_ok(buf, 2);
    }
    assert_int_equal(next_ok(B(0xd8, 0x6b)).val, 107);
    assert_int_equal(next_ok(B(0xd9, 0x04, 0x2e)).val, 1070);
    assert_int_equal(next_ok(B(0xf4)).val, FC_CBOR_FALSE);
    assert_int_equal(next_ok(B(0xf5)).val, FC_CBOR_TRUE);
    assert_int_equal(next_ok(B(0xf6)).val, FC_CBOR_NULL);
}

static void test_skip_nested(void **s)
{
    (void)s;
    /* {1: [h'00', {"a": 18([1, -2])}], 2: true} then 0x07 */
    static const uint8_t buf[] = {0xa2, 0x01, 0x82, 0x41, 0x00, 0xa1, 0x61, 'a',
                                  0xd2, 0x82, 0x01, 0x21, 0x02, 0xf5, 0x07};
    fc_cbor_t c;
    fc_error_t err;
    fc_cbor_init(&c, buf, sizeof buf, 0);
    assert_int_equal(fc_cbor_skip(&c, &err), FC_OK);
    assert_int_equal(c.pos, sizeof buf - 1);
    check_refused(buf, sizeof buf, FC_ERR_CBOR, sizeof buf - 1, "trailing bytes");
    check_ok(buf, sizeof buf - 1);
}

static void test_refuses_indefinite(void **s)
{
    (void)s;
    check_refused(B(0x5f, 0x41, 0x00, 0xff), FC_ERR_CBOR, 0, "indefinite");
    check_refused(B(0x7f, 0xff), FC_ERR_CBOR, 0, "indefinite");
    check_refused(B(0x9f, 0xff), FC_ERR_CBOR, 0, "indefinite");
    check_refused(B(0xbf, 0xff), FC_ERR_CBOR, 0, "indefinite");
    check_refused(B(0x82, 0x00, 0xff), FC_ERR_CBOR, 2, "break");
}

static void test_refuses_reserved_and_simple(void **s)
{
    (void)s;
    for (uint8_t ai = 28; ai <= 30; ai++)
        for (uint8_t major = 0; major < 8; major++) {
            uint8_t b = (uint8_t)(major << 5 | ai);
            check_refused(&b, 1, FC_ERR_CBOR, 0, "reserved");
        }
    check_refused(B(0xf7), FC_ERR_CBOR, 0, "simple"); /* undefined */
    check_refused(B(0xe0), FC_ERR_CBOR, 0, "simple"); /* simple(0) */
    check_refused(B(0xf8, 0x20), FC_ERR_CBOR, 0, "simple");
    check_refused(B(0xf9, 0x3c, 0x00), FC_ERR_CBOR, 0, "float");
    check_refused(B(0xfa, 0x3f, 0x80, 0x00, 0x00), FC_ERR_CBOR, 0, "float");
    check_refused(B(0xfb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0), FC_ERR_CBOR, 0, "float");
}

static void test_refuses_non_minimal(void **s)
{
    (void)s;
    check_refused(B(0x18, 0x17), FC_ERR_CBOR, 0, "non-minimal");
    check_refused(B(0x19, 0x00, 0xff), FC_ERR_CBOR, 0, "non-minimal");
    check_refused(B(0x1a, 0x00, 0x00, 0xff, 0xff), FC_ERR_CBOR, 0, "non-minimal");
    check_refused(B(0x1b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff), FC_ERR_CBOR, 0, "non-minimal");
    check_refused(B(0x58, 0x01, 0xaa), FC_ERR_CBOR, 0, "non-minimal");
    check_refused(B(0xd8, 0x12, 0x00), FC_ERR_CBOR, 0, "non-minimal"); /* tag 18 in 2 bytes */
    check_refused(B(0x81, 0x98, 0x00), FC_ERR_CBOR, 1, "non-minimal");
}

static void test_refuses_oversize(void **s)
{
    (void)s;
    check_refused(B(0x5a, 0xff, 0xff, 0xff, 0xff), FC_ERR_CBOR_LIMIT, 0, "string longer");
    check_refused(B(0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), FC_ERR_CBOR_LIMIT, 0,
                  "string longer");
    check_refused(B(0x7b, 0x80, 0, 0, 0, 0, 0, 0, 0), FC_ERR_CBOR_LIMIT, 0, "string longer");
    check_refused(B(0x43, 0x00, 0x01), FC_ERR_CBOR_LIMIT, 0, "string longer");
    check_refused(B(0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), FC_ERR_CBOR_LIMIT, 0,
                  "array count");
    check_refused(B(0xbb, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x00), FC_ERR_CBOR_LIMIT, 0, "map count");
    check_refused(B(0x83, 0x00, 0x00), FC_ERR_CBOR_LIMIT, 0, "array count");
    /* counts that fit the bytes but the items do not */
    check_refused(B(0x82, 0x00, 0x19), FC_ERR_CBOR, 2, "truncated");
    check_refused(B(0xa1, 0x00), FC_ERR_CBOR_LIMIT, 0, "map count");
    check_refused(B(0x19, 0x01), FC_ERR_CBOR, 0, "truncated");
    check_refused((const uint8_t *)"", 0, FC_ERR_CBOR, 0, "truncated");
}

static void test_depth_limit(void **s)
{
    (void)s;
    uint8_t buf[FC_CBOR_MAX_DEPTH + 2];
    memset(buf, 0x81, sizeof buf);
    buf[FC_CBOR_MAX_DEPTH] = 0x00; /* FC_CBOR_MAX_DEPTH nested arrays: accepted */
    check_ok(buf, FC_CBOR_MAX_DEPTH + 1);
    buf[FC_CBOR_MAX_DEPTH] = 0x81; /* one more level: refused at that array */
    buf[FC_CBOR_MAX_DEPTH + 1] = 0x00;
    check_refused(buf, sizeof buf, FC_ERR_CBOR_LIMIT, FC_CBOR_MAX_DEPTH, "nesting");
    /* tags count as nesting too */
    uint8_t tags[FC_CBOR_MAX_DEPTH + 2];
    memset(tags, 0xc6, sizeof tags);
    tags[FC_CBOR_MAX_DEPTH + 1] = 0x00;
    check_refused(tags, sizeof tags, FC_ERR_CBOR_LIMIT, FC_CBOR_MAX_DEPTH, "nesting");
}

/* 4096 nested arrays: refused quickly, without recursion (no stack blowup) */
static void test_deep_input_is_not_recursive(void **s)
{
    (void)s;
    static uint8_t buf[4097];
    memset(buf, 0x81, sizeof buf - 1);
    buf[4096] = 0x00;
    check_refused(buf, sizeof buf, FC_ERR_CBOR_LIMIT, FC_CBOR_MAX_DEPTH, "nesting");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_strings_point_into_input),
        cmocka_unit_test(test_tags_and_simple),
        cmocka_unit_test(test_skip_nested),
        cmocka_unit_test(test_refuses_indefinite),
        cmocka_unit_test(test_refuses_reserved_and_simple),
        cmocka_unit_test(test_refuses_non_minimal),
        cmocka_unit_test(test_refuses_oversize),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_deep_input_is_not_recursive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
