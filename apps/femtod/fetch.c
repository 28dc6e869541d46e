/* Fetch by URI (fetch.h) over libcoap: the URI, the session and one GET
 * per block; the block-wise transfer and its bounds are the shared
 * fd_fetch_blocks (apps/device/fetch_blocks.c), as on the board. */
#define _GNU_SOURCE
#include "fetch.h"

#include <coap3/coap.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fetch_blocks.h"

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static coap_response_t on_response(coap_session_t *session, const coap_pdu_t *sent,
                                   const coap_pdu_t *received, const coap_mid_t mid)
{
    (void)sent;
    (void)mid;
    fd_block_answer_t *x = coap_session_get_app_data(session);
    if (!x || x->done)
        return COAP_RESPONSE_OK;
    x->code = (uint8_t)coap_pdu_get_code(received);
    coap_opt_iterator_t it;
    coap_opt_t *o;
    coap_option_iterator_init(received, &it, COAP_OPT_ALL);
    while ((o = coap_option_next(&it)))
        fd_block_answer_option(x, it.number, coap_opt_value(o), coap_opt_length(o));
    size_t len = 0;
    const uint8_t *data = NULL;
    if (coap_get_data(received, &len, &data))
        fd_block_answer_payload(x, data, len);
    x->done = 1;
    return COAP_RESPONSE_OK;
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

static void on_nack(coap_session_t *session, const coap_pdu_t *sent,
                    const coap_nack_reason_t reason, const coap_mid_t mid)
{
    (void)sent;
    (void)mid;
    fd_block_answer_t *x = coap_session_get_app_data(session);
    if (!x || x->done)
        return;
    x->failure = nack_text(reason);
    x->done = 1;
}

/* GET block num of size 16 << szx from path; waits until the answer or the deadline. */
typedef struct transfer {
    coap_context_t *ctx;
    coap_session_t *s;
    const coap_optlist_t *path;
} transfer_t;

static int get_block(void *arg, uint32_t num, uint32_t szx, uint64_t deadline, fd_block_answer_t *x)
{
    const transfer_t *t = arg;
    coap_context_t *ctx = t->ctx;
    coap_session_t *s = t->s;
    const coap_optlist_t *path = t->path;
    coap_session_set_app_data(s, x);
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
        return fd_fetch_fail(why, why_cap, FC_ERR_SUIT_UNSUPPORTED, "not a coap:// URI");
    char host[256], port[8];
    snprintf(host, sizeof host, "%.*s", (int)u.host.length, (const char *)u.host.s);
    snprintf(port, sizeof port, "%u", (unsigned)u.port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0 || !res)
        return fd_fetch_fail(why, why_cap, FC_ERR_NOT_FOUND, "host %s: %s", host,
                             gai_strerror(gai));
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
    if (!ctx) {
        status = fd_fetch_fail(why, why_cap, FC_ERR_NO_RAM, "out of memory");
        goto out;
    }
    coap_register_response_handler(ctx, on_response);
    coap_register_nack_handler(ctx, on_nack);
    s = coap_new_client_session(ctx, NULL, &dst, COAP_PROTO_UDP);
    if (!s) {
        status =
            fd_fetch_fail(why, why_cap, FC_ERR_NOT_FOUND, "cannot open a CoAP session to %s", host);
        goto out;
    }
    transfer_t t = {.ctx = ctx, .s = s, .path = path};
    status =
        fd_fetch_blocks(get_block, &t, now_ms(), max_len, timeout_ms, out, out_len, why, why_cap);
out:
    if (s) {
        coap_session_set_app_data(s, NULL);
        coap_session_release(s);
    }
    if (ctx)
        coap_free_context(ctx);
    coap_delete_optlist(path);
    return status;
}
