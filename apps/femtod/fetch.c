/* Fetch by URI (fetch.h): a blocking CoAP GET with Block2 done here, one
 * block at a time, so the bound is enforced as the bytes arrive:
 *   - a Size2 over max_len, or a block that would go past max_len, stops
 *     the transfer (FC_ERR_SIZE) before it is buffered;
 *   - the whole fetch has one deadline (timeout_ms);
 *   - at most max_len / 16 + 1 requests are sent, each for the next block
 *     in order; any answer but 2.05 ends it (CoAP has no redirects and we
 *     follow no Location options, so there is nothing to loop on). */
#define _GNU_SOURCE
#include "fetch.h"

#include <coap3/coap.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FETCH_CHUNK_MAX 1024 /* largest block we accept (SZX 6) */

typedef struct exchange {
    int done, nack;
    coap_nack_reason_t reason;
    coap_pdu_code_t code;
    int has_block2, has_size2;
    uint32_t b2_num, b2_more, b2_szx;
    uint64_t size2;
    uint8_t data[FETCH_CHUNK_MAX + 1];
    size_t len;
    int too_long; /* the payload did not fit in data */
} exchange_t;

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int fail(char *why, size_t cap, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(char *why, size_t cap, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
    return status;
}

static coap_response_t on_response(coap_session_t *session, const coap_pdu_t *sent,
                                   const coap_pdu_t *received, const coap_mid_t mid)
{
    (void)sent;
    (void)mid;
    exchange_t *x = coap_session_get_app_data(session);
    if (!x || x->done)
        return COAP_RESPONSE_OK;
    x->code = coap_pdu_get_code(received);
    coap_opt_iterator_t it;
    coap_opt_t *o = coap_check_option(received, COAP_OPTION_BLOCK2, &it);
    if (o && coap_opt_length(o) <= 3) {
        uint32_t v = coap_decode_var_bytes(coap_opt_value(o), coap_opt_length(o));
        x->has_block2 = 1;
        x->b2_num = v >> 4;
        x->b2_more = v >> 3 & 1;
        x->b2_szx = v & 7;
    }
    o = coap_check_option(received, COAP_OPTION_SIZE2, &it);
    if (o && coap_opt_length(o) <= 4) {
        x->has_size2 = 1;
        x->size2 = coap_decode_var_bytes(coap_opt_value(o), coap_opt_length(o));
    }
    size_t len = 0;
    const uint8_t *data = NULL;
    if (coap_get_data(received, &len, &data) && len) {
        if (len > FETCH_CHUNK_MAX) {
            x->too_long = 1;
        } else {
            memcpy(x->data, data, len);
            x->len = len;
        }
    }
    x->done = 1;
    return COAP_RESPONSE_OK;
}

static void on_nack(coap_session_t *session, const coap_pdu_t *sent,
                    const coap_nack_reason_t reason, const coap_mid_t mid)
{
    (void)sent;
    (void)mid;
    exchange_t *x = coap_session_get_app_data(session);
    if (!x || x->done)
        return;
    x->nack = 1;
    x->reason = reason;
    x->done = 1;
}

static const char *nack_text(coap_nack_reason_t r)
{
    switch (r) {
    case COAP_NACK_TOO_MANY_RETRIES:
        return "no answer (nothing serves that URI?)";
    case COAP_NACK_RST:
        return "reset by the server";
    case COAP_NACK_ICMP_ISSUE:
        return "ICMP error (nothing listens there?)";
    default:
        return "not deliverable";
    }
}

/* GET block num of size 16 << szx from path; waits until the answer or the deadline. */
static int get_block(coap_context_t *ctx, coap_session_t *s, const coap_optlist_t *path,
                     uint32_t num, uint32_t szx, uint64_t deadline, exchange_t *x)
{
    memset(x, 0, sizeof *x);
    coap_pdu_t *pdu = coap_new_pdu(COAP_MESSAGE_CON, COAP_REQUEST_CODE_GET, s);
    if (!pdu)
        return -1;
    uint8_t token[8];
    size_t tlen = 0;
    coap_session_new_token(s, &tlen, token);
    coap_add_token(pdu, tlen, token);
    coap_optlist_t *opts = NULL;
    for (const coap_optlist_t *p = path; p; p = p->next)
        coap_insert_optlist(&opts, coap_new_optlist(p->number, p->length, p->data));
    uint8_t buf[4];
    unsigned n = coap_encode_var_safe(buf, sizeof buf, num << 4 | szx);
    coap_insert_optlist(&opts, coap_new_optlist(COAP_OPTION_BLOCK2, n, buf));
    int ok = coap_add_optlist_pdu(pdu, &opts);
    coap_delete_optlist(opts);
    if (!ok || coap_send(s, pdu) == COAP_INVALID_MID)
        return -1;
    while (!x->done) {
        uint64_t now = now_ms();
        if (now >= deadline)
            return 0;
        uint64_t wait = deadline - now < 100 ? deadline - now : 100;
        if (coap_io_process(ctx, (uint32_t)wait) < 0)
            return -1;
    }
    return 0;
}

int fd_coap_fetch(void *unused, const char *uri, size_t max_len, uint32_t timeout_ms, uint8_t **out,
                  size_t *out_len, char *why, size_t why_cap)
{
    (void)unused;
    *out = NULL;
    *out_len = 0;
    coap_uri_t u;
    if (coap_split_uri((const uint8_t *)uri, strlen(uri), &u) < 0 ||
        u.scheme != COAP_URI_SCHEME_COAP)
        return fail(why, why_cap, FC_ERR_SUIT_UNSUPPORTED, "not a coap:// URI");
    char host[256], port[8];
    snprintf(host, sizeof host, "%.*s", (int)u.host.length, (const char *)u.host.s);
    snprintf(port, sizeof port, "%u", (unsigned)u.port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0 || !res)
        return fail(why, why_cap, FC_ERR_NOT_FOUND, "host %s: %s", host, gai_strerror(gai));
    coap_address_t dst;
    coap_address_init(&dst);
    dst.size = (socklen_t)res->ai_addrlen;
    memcpy(&dst.addr, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);

    /* Uri-Path and Uri-Query options of the URI */
    coap_optlist_t *path = NULL;
    const char *p = (const char *)u.path.s, *end = p + u.path.length;
    while (p < end) {
        const char *slash = memchr(p, '/', (size_t)(end - p));
        size_t n = slash ? (size_t)(slash - p) : (size_t)(end - p);
        if (n)
            coap_insert_optlist(&path,
                                coap_new_optlist(COAP_OPTION_URI_PATH, n, (const uint8_t *)p));
        p += n + (slash != NULL);
    }
    p = (const char *)u.query.s;
    end = p + u.query.length;
    while (p && p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        size_t n = amp ? (size_t)(amp - p) : (size_t)(end - p);
        if (n)
            coap_insert_optlist(&path,
                                coap_new_optlist(COAP_OPTION_URI_QUERY, n, (const uint8_t *)p));
        p += n + (amp != NULL);
    }

    int status = FC_OK;
    coap_context_t *ctx = coap_new_context(NULL);
    coap_session_t *s = NULL;
    uint8_t *buf = max_len ? malloc(max_len) : NULL;
    exchange_t *x = calloc(1, sizeof *x);
    if (!ctx || !x || (max_len && !buf)) {
        status = fail(why, why_cap, FC_ERR_NO_RAM, "out of memory");
        goto out;
    }
    coap_register_response_handler(ctx, on_response);
    coap_register_nack_handler(ctx, on_nack);
    s = coap_new_client_session(ctx, NULL, &dst, COAP_PROTO_UDP);
    if (!s) {
        status = fail(why, why_cap, FC_ERR_NOT_FOUND, "cannot open a CoAP session to %s", host);
        goto out;
    }
    coap_session_set_app_data(s, x);
    uint64_t deadline = now_ms() + timeout_ms;
    size_t got = 0, requests = 0, max_requests = max_len / 16 + 1;
    uint32_t num = 0, szx = 6;
    for (;;) {
        if (++requests > max_requests) {
            status = fail(why, why_cap, FC_ERR_SIZE, "more than %zu blocks for %zu bytes",
                          max_requests, max_len);
            break;
        }
        if (get_block(ctx, s, path, num, szx, deadline, x) != 0) {
            status = fail(why, why_cap, FC_ERR_NO_RAM, "cannot send the request");
            break;
        }
        if (!x->done) {
            status = fail(why, why_cap, FC_ERR_NOT_FOUND,
                          "no answer within fetch_timeout_ms %" PRIu32 " (%zu of %zu bytes)",
                          timeout_ms, got, max_len);
            break;
        }
        if (x->nack) {
            status = fail(why, why_cap, FC_ERR_NOT_FOUND, "%s", nack_text(x->reason));
            break;
        }
        if (x->code != COAP_RESPONSE_CODE(205)) {
            x->data[x->len] = '\0';
            status = fail(why, why_cap, FC_ERR_NOT_FOUND, "the URI answered %u.%02u %.60s",
                          (unsigned)COAP_RESPONSE_CLASS(x->code), (unsigned)(x->code & 31),
                          (const char *)x->data);
            break;
        }
        if (x->has_size2 && x->size2 > max_len) {
            status = fail(why, why_cap, FC_ERR_SIZE,
                          "the URI announces %" PRIu64 " bytes (Size2), image-size is %zu",
                          x->size2, max_len);
            break;
        }
        if (x->too_long || got + x->len > max_len) {
            status = fail(why, why_cap, FC_ERR_SIZE,
                          "the URI serves more than image-size %zu bytes (stopped at %zu)", max_len,
                          got + x->len);
            break;
        }
        if (!x->has_block2) { /* the whole representation in one message */
            if (num != 0) {
                status =
                    fail(why, why_cap, FC_ERR_STATE, "block %" PRIu32 " came without Block2", num);
                break;
            }
            memcpy(buf, x->data, x->len);
            got = x->len;
            break;
        }
        size_t size = (size_t)16 << x->b2_szx;
        if (x->b2_szx > szx || (uint64_t)x->b2_num * size != got ||
            (x->b2_more && x->len != size) || x->len > size) {
            status = fail(why, why_cap, FC_ERR_STATE,
                          "Block2 %" PRIu32 " (size %zu, %zu bytes) does not continue at byte %zu",
                          x->b2_num, size, x->len, got);
            break;
        }
        if (x->len) /* buf is non-NULL here: max_len >= got + x->len > 0 */
            memcpy(buf + got, x->data, x->len);
        got += x->len;
        if (!x->b2_more)
            break;
        szx = x->b2_szx;
        num = (uint32_t)(got / size);
    }
    if (status == FC_OK) {
        *out = buf;
        *out_len = got;
        buf = NULL;
    }
out:
    if (s) {
        coap_session_set_app_data(s, NULL);
        coap_session_release(s);
    }
    if (ctx)
        coap_free_context(ctx);
    free(buf);
    free(x);
    coap_delete_optlist(path);
    return status;
}
