/* Blocking CoAP client on libcoap (see coap_client.h). */
#define _GNU_SOURCE
#include "coap_client.h"

#include <coap3/coap.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct fc_coap_client {
    int block1_seen; /* last response's Block1 option (upload) */
    unsigned block1_szx;
    coap_context_t *ctx;
    coap_session_t *session;
    fc_coap_reply_t *reply; /* the exchange in progress */
    coap_mid_t mid;
    int done;
};

#define FC_COAP_BLOCK 1024 /* Block1 size we send (SZX 6) */

static int started;

static coap_response_t on_response(coap_session_t *session, const coap_pdu_t *sent,
                                   const coap_pdu_t *received, const coap_mid_t mid)
{
    (void)sent;
    (void)mid;
    fc_coap_client_t *c = coap_session_get_app_data(session);
    if (!c || !c->reply || c->done)
        return COAP_RESPONSE_OK;
    coap_pdu_code_t code = coap_pdu_get_code(received);
    fc_coap_reply_t *r = c->reply;
    r->code = (int)COAP_RESPONSE_CLASS(code) * 100 + (int)(code & 0x1f);
    coap_opt_iterator_t it;
    coap_opt_t *cf = coap_check_option(received, COAP_OPTION_CONTENT_FORMAT, &it);
    r->format = cf ? (int)coap_decode_var_bytes(coap_opt_value(cf), coap_opt_length(cf)) : -1;
    coap_opt_t *ma = coap_check_option(received, COAP_OPTION_MAXAGE, &it);
    r->max_age = ma ? (int)coap_decode_var_bytes(coap_opt_value(ma), coap_opt_length(ma)) : -1;
    coap_opt_t *b1 = coap_check_option(received, COAP_OPTION_BLOCK1, &it);
    c->block1_seen = b1 != NULL;
    c->block1_szx = b1 ? coap_decode_var_bytes(coap_opt_value(b1), coap_opt_length(b1)) & 7u : 0;
    const uint8_t *data = NULL;
    size_t len = 0, offset = 0, total = 0;
    if (!coap_get_data_large(received, &len, &data, &offset, &total))
        len = 0;
    r->data = malloc(len + 1);
    if (r->data) {
        if (len)
            memcpy(r->data, data, len);
        r->data[len] = '\0';
        r->len = len;
    }
    c->done = 1;
    return COAP_RESPONSE_OK;
}

static void on_nack(coap_session_t *session, const coap_pdu_t *sent,
                    const coap_nack_reason_t reason, const coap_mid_t mid)
{
    (void)sent;
    (void)mid;
    fc_coap_client_t *c = coap_session_get_app_data(session);
    if (!c || !c->reply || c->done)
        return;
    const char *why = reason == COAP_NACK_TOO_MANY_RETRIES  ? "no answer (device unreachable?)"
                      : reason == COAP_NACK_NOT_DELIVERABLE ? "not deliverable"
                      : reason == COAP_NACK_RST             ? "reset by the device"
                      : reason == COAP_NACK_ICMP_ISSUE      ? "ICMP error (nothing listens there?)"
                                                            : "transport failure";
    snprintf(c->reply->error, sizeof c->reply->error, "%s", why);
    c->done = 1;
}

static fc_coap_client_t *open_session(const char *uri, char *path, size_t path_cap, char *msg,
                                      size_t msg_cap, int libcoap_blocks);

fc_coap_client_t *fc_coap_open(const char *uri, char *path, size_t path_cap, char *msg,
                               size_t msg_cap)
{
    return open_session(uri, path, path_cap, msg, msg_cap, 1);
}

static fc_coap_client_t *open_session(const char *uri, char *path, size_t path_cap, char *msg,
                                      size_t msg_cap, int libcoap_blocks)
{
    coap_uri_t u;
    if (coap_split_uri((const uint8_t *)uri, strlen(uri), &u) < 0 ||
        u.scheme != COAP_URI_SCHEME_COAP) {
        snprintf(msg, msg_cap, "'%s' is not a coap:// URI", uri);
        return NULL;
    }
    char host[256], port[8];
    snprintf(host, sizeof host, "%.*s", (int)u.host.length, (const char *)u.host.s);
    snprintf(port, sizeof port, "%u", (unsigned)u.port);
    snprintf(path, path_cap, "%.*s", (int)u.path.length, (const char *)u.path.s);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0 || !res) {
        snprintf(msg, msg_cap, "%s: %s", host, gai_strerror(gai));
        return NULL;
    }
    coap_address_t dst;
    coap_address_init(&dst);
    dst.size = (socklen_t)res->ai_addrlen;
    memcpy(&dst.addr, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);

    if (!started) {
        coap_startup();
        coap_set_log_level(LOG_EMERG);
        started = 1;
    }
    fc_coap_client_t *c = calloc(1, sizeof *c);
    if (!c || !(c->ctx = coap_new_context(NULL))) {
        free(c);
        snprintf(msg, msg_cap, "out of memory");
        return NULL;
    }
    if (libcoap_blocks)
        coap_context_set_block_mode(c->ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
    coap_register_response_handler(c->ctx, on_response);
    coap_register_nack_handler(c->ctx, on_nack);
    c->session = coap_new_client_session(c->ctx, NULL, &dst, COAP_PROTO_UDP);
    if (!c->session) {
        coap_free_context(c->ctx);
        free(c);
        snprintf(msg, msg_cap, "cannot open a CoAP session to %s", uri);
        return NULL;
    }
    coap_session_set_app_data(c->session, c);
    return c;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int send_and_wait(fc_coap_client_t *c, coap_pdu_t *pdu, int timeout_ms,
                         fc_coap_reply_t *reply);

static void add_uint_option(coap_optlist_t **list, uint16_t number, unsigned value)
{
    uint8_t buf[4];
    size_t n = coap_encode_var_safe(buf, sizeof buf, value);
    coap_insert_optlist(list, coap_new_optlist(number, n, buf));
}

/* A confirmable request with a fresh token; *opts gets one Uri-Path option
 * per segment of path (the caller adds its own options, then the list). */
static coap_pdu_t *new_request(fc_coap_client_t *c, coap_pdu_code_t code, const char *path,
                               coap_optlist_t **opts)
{
    coap_pdu_t *pdu = coap_new_pdu(COAP_MESSAGE_CON, code, c->session);
    if (!pdu)
        return NULL;
    uint8_t token[8];
    size_t tlen = 0;
    coap_session_new_token(c->session, &tlen, token);
    coap_add_token(pdu, tlen, token);
    *opts = NULL;
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, "/");
        if (n)
            coap_insert_optlist(opts,
                                coap_new_optlist(COAP_OPTION_URI_PATH, n, (const uint8_t *)p));
        p += n;
        if (*p == '/')
            p++;
    }
    return pdu;
}

int fc_coap_request(fc_coap_client_t *c, int method, const char *path, int accept,
                    int content_format, const uint8_t *body, size_t len, int timeout_ms,
                    fc_coap_reply_t *reply)
{
    memset(reply, 0, sizeof *reply);
    reply->format = -1;
    reply->max_age = -1;
    coap_optlist_t *opts;
    coap_pdu_t *pdu = new_request(c, (coap_pdu_code_t)method, path, &opts);
    if (!pdu) {
        snprintf(reply->error, sizeof reply->error, "cannot build the request");
        return -1;
    }
    if (content_format >= 0)
        add_uint_option(&opts, COAP_OPTION_CONTENT_FORMAT, (unsigned)content_format);
    if (accept >= 0)
        add_uint_option(&opts, COAP_OPTION_ACCEPT, (unsigned)accept);
    if (opts && !coap_add_optlist_pdu(pdu, &opts)) {
        coap_delete_optlist(opts);
        coap_delete_pdu(pdu);
        snprintf(reply->error, sizeof reply->error, "cannot add options");
        return -1;
    }
    coap_delete_optlist(opts);
    if (body && len && !coap_add_data_large_request(c->session, pdu, len, body, NULL, NULL)) {
        coap_delete_pdu(pdu);
        snprintf(reply->error, sizeof reply->error, "cannot attach %zu bytes", len);
        return -1;
    }
    return send_and_wait(c, pdu, timeout_ms, reply);
}

static int send_and_wait(fc_coap_client_t *c, coap_pdu_t *pdu, int timeout_ms,
                         fc_coap_reply_t *reply)
{
    /* This exchange's answer only: an upload reuses reply for every block,
     * and a block that gets no answer must not look like the previous
     * block's 2.31 Continue (a device that died mid-upload). */
    reply->code = 0;
    reply->format = -1;
    reply->max_age = -1;
    reply->error[0] = '\0';
    c->reply = reply;
    c->done = 0;
    if (coap_send(c->session, pdu) == COAP_INVALID_MID) {
        c->reply = NULL;
        snprintf(reply->error, sizeof reply->error, "cannot send the request");
        return -1;
    }
    uint64_t deadline = now_ms() + (uint64_t)timeout_ms;
    while (!c->done && now_ms() < deadline)
        coap_io_process(c->ctx, 50);
    c->reply = NULL;
    if (!c->done)
        snprintf(reply->error, sizeof reply->error, "no response within %d ms", timeout_ms);
    return reply->code ? 0 : -1;
}

void fc_coap_reply_free(fc_coap_reply_t *reply)
{
    free(reply->data);
    reply->data = NULL;
}

void fc_coap_close(fc_coap_client_t *c)
{
    if (!c)
        return;
    coap_session_release(c->session);
    coap_free_context(c->ctx);
    free(c);
}

const char *fc_coap_code_text(int code, char buf[8])
{
    unsigned c = (unsigned)code % 1000u;
    buf[0] = (char)('0' + c / 100);
    buf[1] = '.';
    buf[2] = (char)('0' + c / 10 % 10);
    buf[3] = (char)('0' + c % 10);
    buf[4] = '\0';
    return buf;
}

/* One Block1 request (RFC 7959 section 2.5): block num of body. */
static coap_pdu_t *block_pdu(fc_coap_client_t *c, const char *path, const uint8_t *body, size_t len,
                             size_t num)
{
    coap_optlist_t *opts;
    coap_pdu_t *pdu = new_request(c, COAP_REQUEST_CODE_POST, path, &opts);
    if (!pdu)
        return NULL;
    size_t off = num * FC_COAP_BLOCK, n = len - off < FC_COAP_BLOCK ? len - off : FC_COAP_BLOCK;
    unsigned more = off + n < len;
    add_uint_option(&opts, COAP_OPTION_CONTENT_FORMAT, 60 /* application/cbor */);
    add_uint_option(&opts, COAP_OPTION_BLOCK1, (unsigned)(num << 4 | more << 3 | 6 /* 1024 */));
    if (num == 0)
        add_uint_option(&opts, COAP_OPTION_SIZE1, (unsigned)len);
    int ok = coap_add_optlist_pdu(pdu, &opts) && coap_add_data(pdu, n, body + off);
    coap_delete_optlist(opts);
    if (!ok) {
        coap_delete_pdu(pdu);
        return NULL;
    }
    return pdu;
}

int fc_coap_upload(const char *uri, const uint8_t *body, size_t len, int timeout_ms,
                   fc_coap_progress_fn progress, void *user, fc_coap_reply_t *reply)
{
    char path[256];
    memset(reply, 0, sizeof *reply);
    fc_coap_client_t *c =
        open_session(uri, path, sizeof path, reply->error, sizeof reply->error, 0);
    if (!c)
        return -1;
    size_t blocks = len ? (len + FC_COAP_BLOCK - 1) / FC_COAP_BLOCK : 1;
    int rc = -1;
    for (size_t num = 0; num < blocks; num++) {
        coap_pdu_t *pdu = block_pdu(c, path[0] ? path : "suit", body, len, num);
        fc_coap_reply_free(reply);
        if (!pdu) {
            snprintf(reply->error, sizeof reply->error, "cannot build block %zu", num);
            break;
        }
        rc = send_and_wait(c, pdu, timeout_ms, reply);
        if (rc != 0) {
            if (num > 0) { /* say where the upload stopped, not the last 2.31 */
                char why[sizeof reply->error];
                snprintf(why, sizeof why, "%s", reply->error);
                snprintf(reply->error, sizeof reply->error,
                         "block %zu of %zu: %.100s (the device stopped answering mid-upload)",
                         num + 1, blocks, why);
            }
            break;
        }
        if (progress)
            progress(user, num + 1 < blocks ? (num + 1) * FC_COAP_BLOCK : len, len);
        if (reply->code != 231)
            break; /* the final verdict (or an early refusal) */
        if (num + 1 == blocks || (c->block1_seen && c->block1_szx != 6)) {
            snprintf(reply->error, sizeof reply->error, "device answered 2.31 Continue %s",
                     num + 1 == blocks ? "after the last block" : "and asked for smaller blocks");
            reply->code = 0;
            rc = -1;
            break;
        }
    }
    fc_coap_close(c);
    return rc;
}

int fc_coap_deploy(const char *uri, const uint8_t *env, size_t len, int timeout_ms,
                   fc_coap_reply_t *reply)
{
    return fc_coap_upload(uri, env, len, timeout_ms, NULL, NULL, reply);
}
