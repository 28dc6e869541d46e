/* Host test of the board's CoAP message layer (firmware/app/coap_wire.c):
 * requests parsed into femtod's fd_request_t as femtod's libcoap glue
 * would, responses encoded byte for byte, and hostile bytes (every
 * truncation and bit flip of valid messages, 200,000 random messages)
 * answered with a verdict, never a read out of bounds (the _san twin runs
 * under ASan+UBSan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "coap_wire.h"

/* POST /suit, CON, MID 0x1234, token 0xab, Block1 2/M/1024 (0x2e), Size1
 * 2598, Content-Format 60, payload "xyz" */
static const uint8_t post_block[] = {0x41, 0x02, 0x12, 0x34, 0xab, /* header, token */
                                     0xb4, 's',  'u',  'i',  't',  /* Uri-Path (11) */
                                     0x11, 60,                     /* Content-Format */
                                     0xd1, 0x02, 0x2e,             /* Block1 (27) */
                                     0xd2, 0x14, 0x0a, 0x26,       /* Size1 (60) */
                                     0xff, 'x',  'y',  'z'};

static void test_parse_request(void **state)
{
    (void)state;
    cw_header_t h;
    fd_request_t req;
    assert_int_equal(cw_parse(post_block, sizeof post_block, "10.0.2.2:5000", 7, &h, &req),
                     CW_REQUEST);
    assert_int_equal(h.type, CW_CON);
    assert_int_equal(h.mid, 0x1234);
    assert_int_equal(h.tkl, 1);
    assert_int_equal(h.token[0], 0xab);
    assert_int_equal(req.method, FD_METHOD_POST);
    assert_int_equal(req.path_len, 4);
    assert_memory_equal(req.path, "suit", 4);
    assert_int_equal(req.content_format, 60);
    assert_int_equal(req.accept, -1);
    assert_true(req.block1.present);
    assert_int_equal(req.block1.num, 2);
    assert_int_equal(req.block1.more, 1);
    assert_int_equal(req.block1.szx, 6);
    assert_true(req.has_size1);
    assert_int_equal(req.size1, 2598);
    assert_int_equal(req.payload_len, 3);
    assert_memory_equal(req.payload, "xyz", 3);
    assert_null(req.bad_option);
    assert_true(req.has_mid);
    assert_string_equal(req.peer, "10.0.2.2:5000");
    assert_int_equal(req.now_ms, 7);
}

static void test_bad_options(void **state)
{
    (void)state;
    cw_header_t h;
    fd_request_t req;
    /* If-Match (1) is critical and unknown here: 4.02 through bad_option */
    const uint8_t critical[] = {0x40, 0x01, 0, 1, 0x11, 0x00};
    assert_int_equal(cw_parse(critical, sizeof critical, "p", 0, &h, &req), CW_REQUEST);
    assert_string_equal(req.bad_option, "unrecognised critical option");
    /* Accept repeated */
    const uint8_t accept2[] = {0x40, 0x01, 0, 1, 0xd1, 0x04, 50, 0x01, 60};
    assert_int_equal(cw_parse(accept2, sizeof accept2, "p", 0, &h, &req), CW_REQUEST);
    assert_non_null(req.bad_option);
    /* Block2 of 4 bytes */
    const uint8_t block4[] = {0x40, 0x01, 0, 1, 0xd4, 0x0a, 1, 2, 3, 4};
    assert_int_equal(cw_parse(block4, sizeof block4, "p", 0, &h, &req), CW_REQUEST);
    assert_non_null(req.bad_option);
    /* option delta 15 (reserved) in a CON: reset; in a NON: ignored */
    const uint8_t reserved[] = {0x40, 0x01, 0, 1, 0xf0};
    assert_int_equal(cw_parse(reserved, sizeof reserved, "p", 0, &h, &req), CW_REJECT);
    const uint8_t reserved_non[] = {0x50, 0x01, 0, 1, 0xf0};
    assert_int_equal(cw_parse(reserved_non, sizeof reserved_non, "p", 0, &h, &req), CW_IGNORE);
    /* a payload marker with no payload */
    const uint8_t marker[] = {0x40, 0x01, 0, 1, 0xff};
    assert_int_equal(cw_parse(marker, sizeof marker, "p", 0, &h, &req), CW_REJECT);
    /* option length past the end */
    const uint8_t past[] = {0x40, 0x01, 0, 1, 0xb5, 'a'};
    assert_int_equal(cw_parse(past, sizeof past, "p", 0, &h, &req), CW_REJECT);
    /* a Uri-Path longer than FD_PATH_MAX: path_too_long, not an overflow */
    uint8_t longpath[4 + 3 + 400];
    memcpy(longpath, (const uint8_t[]){0x40, 0x01, 0, 1, 0xbe, 0x00, 0x00}, 7);
    longpath[5] = (uint8_t)((400 - 269) >> 8);
    longpath[6] = (uint8_t)(400 - 269);
    memset(longpath + 7, 'a', 400);
    assert_int_equal(cw_parse(longpath, sizeof longpath, "p", 0, &h, &req), CW_REQUEST);
    assert_true(req.path_too_long);
    assert_true(req.path_len <= FD_PATH_MAX);
}

static void test_message_kinds(void **state)
{
    (void)state;
    cw_header_t h;
    fd_request_t req;
    const uint8_t ping[] = {0x40, 0x00, 0x55, 0x66};
    assert_int_equal(cw_parse(ping, sizeof ping, "p", 0, &h, &req), CW_PING);
    assert_int_equal(h.mid, 0x5566);
    const uint8_t ack[] = {0x60, 0x00, 0, 1};
    assert_int_equal(cw_parse(ack, sizeof ack, "p", 0, &h, &req), CW_IGNORE);
    const uint8_t response[] = {0x40, 0x45, 0, 1};
    assert_int_equal(cw_parse(response, sizeof response, "p", 0, &h, &req), CW_IGNORE);
    const uint8_t v2[] = {0x80, 0x01, 0, 1};
    assert_int_equal(cw_parse(v2, sizeof v2, "p", 0, &h, &req), CW_IGNORE);
    const uint8_t tkl9[] = {0x49, 0x01, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    assert_int_equal(cw_parse(tkl9, sizeof tkl9, "p", 0, &h, &req), CW_REJECT);
    assert_int_equal(cw_parse(ping, 3, "p", 0, &h, &req), CW_IGNORE);
}

static void test_encode_response(void **state)
{
    (void)state;
    cw_header_t h = {.type = CW_CON, .code = 2, .tkl = 2, .mid = 0x0102, .token = {7, 8}};
    static const uint8_t body[] = "ok";
    fd_response_t r = {.code = FD_CODE(2, 31), .content_format = 0};
    r.block1 = (fd_block_t){.present = 1, .num = 0, .more = 1, .szx = 6};
    uint8_t out[64];
    size_t n = cw_encode_response(&h, 0x9999, &r, out, sizeof out);
    /* ACK, TKL 2, 2.31, the request's MID, token, Block1 (delta 27: 13+14) 0x0e; no payload */
    const uint8_t want[] = {0x62, 0x5f, 0x01, 0x02, 7, 8, 0xd1, 0x0e, 0x0e};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(out, want, sizeof want);
    /* NON request: NON answer with the given MID; options in order; payload */
    h.type = CW_NON;
    r = (fd_response_t){.code = FD_CODE(2, 5),
                        .content_format = 60,
                        .payload = body,
                        .payload_len = 2,
                        .has_size2 = 1,
                        .size2 = 300};
    r.block2 = (fd_block_t){.present = 1, .num = 1, .more = 0, .szx = 6};
    n = cw_encode_response(&h, 0x9999, &r, out, sizeof out);
    const uint8_t want2[] = {0x52, 0x45, 0x99, 0x99, 7, 8, 0xc1, 60, /* CF 12 */
                             0xb1, 0x16,                             /* Block2 23 */
                             0x52, 0x01, 0x2c,                       /* Size2 28 */
                             0xff, 'o',  'k'};
    assert_int_equal(n, sizeof want2);
    assert_memory_equal(out, want2, sizeof want2);
    /* too small an output buffer: 0, not an overflow */
    assert_int_equal(cw_encode_response(&h, 1, &r, out, 10), 0);
    assert_int_equal(cw_encode_rst(0x0a0b, out), 4);
    assert_memory_equal(out, ((const uint8_t[]){0x70, 0, 0x0a, 0x0b}), 4);
}

/* Every verdict is one of the four, and a request's slices stay inside the
 * message. */
static void check_any(const uint8_t *msg, size_t len)
{
    cw_header_t h;
    fd_request_t req;
    int v = cw_parse(msg, len, "p", 0, &h, &req);
    assert_true(v == CW_REQUEST || v == CW_IGNORE || v == CW_PING || v == CW_REJECT);
    if (v == CW_REQUEST) {
        assert_true(req.path_len <= FD_PATH_MAX);
        if (req.payload_len)
            assert_true(req.payload >= msg && req.payload + req.payload_len <= msg + len);
    }
}

static void test_hostile_bytes(void **state)
{
    (void)state;
    /* every truncation and every single-bit flip of the valid request, each
     * in a buffer of exactly its length (ASan sees a read past it) */
    for (size_t n = 0; n <= sizeof post_block; n++) {
        uint8_t *m = test_malloc(n ? n : 1);
        memcpy(m, post_block, n);
        check_any(m, n);
        test_free(m);
    }
    for (size_t bit = 0; bit < sizeof post_block * 8; bit++) {
        uint8_t *m = test_malloc(sizeof post_block);
        memcpy(m, post_block, sizeof post_block);
        m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        check_any(m, sizeof post_block);
        test_free(m);
    }
    /* random messages with a valid header, lengths 4..64 */
    uint32_t x = 0x12345678u;
    for (int i = 0; i < 200000; i++) {
        uint8_t m[64];
        size_t n = 4 + (size_t)(i % 61);
        for (size_t k = 0; k < n; k++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            m[k] = (uint8_t)x;
        }
        m[0] = (uint8_t)(0x40 | (m[0] & 0x3f));
        m[1] = (uint8_t)(m[1] & 0x07); /* a method code */
        uint8_t *copy = test_malloc(n);
        memcpy(copy, m, n);
        check_any(copy, n);
        test_free(copy);
    }
}

/* The board as a client (fetch by URI): a GET it encodes is read back by
 * the request parser (path, query, Block2), and answers are parsed. */
static void test_client_get(void **state)
{
    (void)state;
    uint8_t msg[200], tok[4] = {1, 2, 3, 4};
    const char *path = "images/kvapp-v2.fc", *query = "a=1&b";
    size_t n = cw_encode_get(0x0102, tok, 4, path, strlen(path), query, strlen(query),
                             3u << 4 | 8 | 6, msg, sizeof msg);
    assert_true(n > 0);
    cw_header_t h;
    fd_request_t req;
    assert_int_equal(cw_parse(msg, n, "p", 0, &h, &req), CW_REQUEST);
    assert_int_equal(h.type, CW_CON);
    assert_int_equal(h.mid, 0x0102);
    assert_memory_equal(h.token, tok, 4);
    assert_int_equal(req.method, FD_METHOD_GET);
    assert_int_equal(req.path_len, strlen(path));
    assert_memory_equal(req.path, path, strlen(path));
    assert_true(req.block2.present);
    assert_int_equal(req.block2.num, 3);
    assert_int_equal(req.block2.more, 1);
    assert_int_equal(req.block2.szx, 6);
    assert_null(req.bad_option);
    assert_int_equal(cw_encode_get(1, tok, 4, path, strlen(path), "", 0, 0, msg, 10), 0);
}

static void test_client_answers(void **state)
{
    (void)state;
    /* ACK 2.05, MID 0x0102, token 01020304, Block2 1/M/64 (0x1a), Size2 300, "ab" */
    static const uint8_t ack[] = {0x64, 0x45, 0x01, 0x02, 1,    2,    3,   4,  0xd1,
                                  0x0a, 0x1a, 0x52, 0x01, 0x2c, 0xff, 'a', 'b'};
    static fd_block_answer_t x;
    cw_header_t h;
    assert_int_equal(cw_parse_answer(ack, sizeof ack, &h, &x), CW_ANSWER);
    assert_int_equal(h.type, CW_ACK);
    assert_int_equal(h.tkl, 4);
    assert_int_equal(x.code, 0x45);
    assert_true(x.has_block2);
    assert_int_equal(x.b2_num, 1);
    assert_int_equal(x.b2_more, 1);
    assert_int_equal(x.b2_szx, 2);
    assert_true(x.has_size2);
    assert_int_equal(x.size2, 300);
    assert_int_equal(x.len, 2);
    assert_memory_equal(x.data, "ab", 2);
    static const uint8_t rst[] = {0x70, 0x00, 0x01, 0x02};
    assert_int_equal(cw_parse_answer(rst, sizeof rst, &h, &x), CW_RESET);
    assert_int_equal(h.mid, 0x0102);
    static const uint8_t empty_ack[] = {0x60, 0x00, 0x01, 0x02};
    assert_int_equal(cw_parse_answer(empty_ack, sizeof empty_ack, &h, &x), CW_IGNORE);
    uint8_t cut[sizeof ack];
    for (size_t k = 0; k < sizeof ack; k++) { /* every truncation: a verdict, in bounds */
        memcpy(cut, ack, k);
        int v = cw_parse_answer(cut, k, &h, &x);
        assert_true(v == CW_ANSWER || v == CW_IGNORE);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_request),  cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_message_kinds),  cmocka_unit_test(test_encode_response),
        cmocka_unit_test(test_hostile_bytes),  cmocka_unit_test(test_client_get),
        cmocka_unit_test(test_client_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
