/* The block-wise fetch both devices share (apps/device/fetch_blocks.c)
 * over a scripted transport: whole and block-wise answers are assembled,
 * and every bound and order rule refuses with its status before a byte
 * past image-size is buffered or another request is sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "coap_map.h"
#include "femto/status.h"
#include "fetch_blocks.h"

/* One scripted answer: code, Block2 (num, more, szx; num < 0: none), Size2
 * (< 0: none), payload length (filled with the byte pattern of its offset),
 * or no answer at all, or a transport failure. */
typedef struct step {
    uint8_t code;
    int b2_num, b2_more, b2_szx;
    long size2;
    size_t len;
    int silent;
    const char *failure;
} step_t;

typedef struct script {
    const step_t *steps;
    size_t n, next;
    uint32_t asked_num[16], asked_szx[16];
} script_t;

static int scripted(void *ctx, uint32_t num, uint32_t szx, uint64_t deadline, fd_block_answer_t *x)
{
    (void)deadline;
    script_t *s = ctx;
    assert_true(s->next < s->n); /* never asks more than the script holds */
    s->asked_num[s->next] = num;
    s->asked_szx[s->next] = szx;
    const step_t *st = &s->steps[s->next++];
    if (st->silent)
        return 0;
    x->done = 1;
    x->failure = st->failure;
    x->code = st->code;
    if (st->b2_num >= 0) {
        uint8_t v[3] = {(uint8_t)(st->b2_num >> 4),
                        (uint8_t)(st->b2_num << 4 | st->b2_more << 3 | st->b2_szx)};
        fd_block_answer_option(x, FD_OPT_BLOCK2, v, 2);
    }
    if (st->size2 >= 0) {
        uint8_t v[2] = {(uint8_t)(st->size2 >> 8), (uint8_t)st->size2};
        fd_block_answer_option(x, FD_OPT_SIZE2, v, 2);
    }
    uint8_t data[FD_FETCH_CHUNK_MAX + 16];
    size_t base = st->b2_num >= 0 ? (size_t)st->b2_num << (4 + st->b2_szx) : 0;
    for (size_t i = 0; i < st->len && i < sizeof data; i++)
        data[i] = (uint8_t)(base + i);
    fd_block_answer_payload(x, data, st->len);
    return 0;
}

static int run(const step_t *steps, size_t n, size_t max_len, script_t *s, uint8_t **out,
               size_t *len, char *why)
{
    memset(s, 0, sizeof *s);
    s->steps = steps;
    s->n = n;
    return fd_fetch_blocks(scripted, s, 0, max_len, 1000, out, len, why, 200);
}

#define OK205 FD_CODE(2, 5)

static void test_assembled(void **state)
{
    (void)state;
    script_t s;
    uint8_t *out;
    size_t len;
    char why[200];
    /* three 64-byte blocks asked for at 1024 and answered at 64: 64 + 64 + 10 */
    const step_t blocks[] = {{OK205, 0, 1, 2, 138, 64, 0, NULL},
                             {OK205, 1, 1, 2, -1, 64, 0, NULL},
                             {OK205, 2, 0, 2, -1, 10, 0, NULL}};
    assert_int_equal(run(blocks, 3, 200, &s, &out, &len, why), FC_OK);
    assert_int_equal(len, 138);
    for (size_t i = 0; i < len; i++)
        assert_int_equal(out[i], (uint8_t)i);
    assert_int_equal(s.asked_szx[0], 6);
    assert_int_equal(s.asked_num[1], 1);
    assert_int_equal(s.asked_szx[1], 2);
    assert_int_equal(s.asked_num[2], 2);
    free(out);
    const step_t whole[] = {{OK205, -1, 0, 0, -1, 300, 0, NULL}};
    assert_int_equal(run(whole, 1, 300, &s, &out, &len, why), FC_OK);
    assert_int_equal(len, 300);
    free(out);
}

static void expect(const step_t *steps, size_t n, size_t max_len, int status, const char *text)
{
    script_t s;
    uint8_t *out = (uint8_t *)1;
    size_t len = 1;
    char why[200] = "";
    assert_int_equal(run(steps, n, max_len, &s, &out, &len, why), status);
    assert_null(out);
    assert_int_equal(len, 0);
    if (!strstr(why, text))
        fail_msg("expected '%s' in '%s'", text, why);
    assert_int_equal(s.next, n); /* nothing asked after the refusal */
}

static void test_refusals(void **state)
{
    (void)state;
    const step_t announced[] = {{OK205, 0, 1, 6, 5000, 1024, 0, NULL}};
    expect(announced, 1, 2000, FC_ERR_SIZE, "announces 5000 bytes (Size2)");
    const step_t served[] = {{OK205, 0, 1, 6, -1, 1024, 0, NULL},
                             {OK205, 1, 1, 6, -1, 1024, 0, NULL}};
    expect(served, 2, 1500, FC_ERR_SIZE, "serves more than image-size 1500 bytes");
    const step_t whole_over[] = {{OK205, -1, 0, 0, -1, 600, 0, NULL}};
    expect(whole_over, 1, 500, FC_ERR_SIZE, "serves more than image-size 500");
    const step_t too_long[] = {{OK205, -1, 0, 0, -1, FD_FETCH_CHUNK_MAX + 1, 0, NULL}};
    expect(too_long, 1, 5000, FC_ERR_SIZE, "serves more than image-size");
    const step_t skipped[] = {{OK205, 0, 1, 6, -1, 1024, 0, NULL},
                              {OK205, 2, 0, 6, -1, 10, 0, NULL}};
    expect(skipped, 2, 5000, FC_ERR_STATE, "does not continue at byte 1024");
    const step_t larger[] = {{OK205, 0, 1, 2, -1, 64, 0, NULL}, {OK205, 1, 0, 3, -1, 10, 0, NULL}};
    expect(larger, 2, 5000, FC_ERR_STATE, "does not continue");
    const step_t short_more[] = {{OK205, 0, 1, 6, -1, 100, 0, NULL}};
    expect(short_more, 1, 5000, FC_ERR_STATE, "does not continue");
    const step_t lost_block2[] = {{OK205, 0, 1, 6, -1, 1024, 0, NULL},
                                  {OK205, -1, 0, 0, -1, 10, 0, NULL}};
    expect(lost_block2, 2, 5000, FC_ERR_STATE, "block 1 came without Block2");
    const step_t not_found[] = {{FD_CODE(4, 4), -1, 0, 0, -1, 0, 0, NULL}};
    expect(not_found, 1, 5000, FC_ERR_NOT_FOUND, "the URI answered 4.04");
    const step_t silent[] = {{0, -1, 0, 0, -1, 0, 1, NULL}};
    expect(silent, 1, 5000, FC_ERR_NOT_FOUND, "no answer within fetch_timeout_ms 1000");
    const step_t reset[] = {{0, -1, 0, 0, -1, 0, 0, "reset by the server"}};
    expect(reset, 1, 5000, FC_ERR_NOT_FOUND, "reset by the server");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_assembled),
                                       cmocka_unit_test(test_refusals)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
