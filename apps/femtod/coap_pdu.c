/* libcoap PDU <-> fd_request_t / fd_response_t (coap_pdu.h). */
#include "coap_pdu.h"

#include <stdio.h>
#include <string.h>

/* An unsigned option of at most max_len bytes; -1 if longer. */
static int64_t uint_option(const coap_opt_t *opt, size_t max_len)
{
    size_t n = coap_opt_length(opt);
    const uint8_t *v = coap_opt_value(opt);
    if (n > max_len)
        return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++)
        x = x << 8 | v[i];
    return (int64_t)x;
}

static void block_option(const coap_opt_t *opt, fd_block_t *b, fd_request_t *req, const char *name)
{
    int64_t v = uint_option(opt, 3);
    if (v < 0) {
        req->bad_option = name;
        return;
    }
    b->present = 1;
    b->num = (uint32_t)(v >> 4);
    b->more = (int)(v >> 3 & 1);
    b->szx = (uint8_t)(v & 7);
}

void fd_request_from_pdu(const coap_pdu_t *pdu, const char *peer, uint64_t now_ms,
                         fd_request_t *req)
{
    memset(req, 0, sizeof *req);
    req->accept = -1;
    req->content_format = -1;
    req->now_ms = now_ms;
    snprintf(req->peer, sizeof req->peer, "%s", peer);
    req->has_mid = 1;
    req->mid = (uint16_t)coap_pdu_get_mid(pdu);
    coap_pdu_code_t code = coap_pdu_get_code(pdu);
    req->method = COAP_RESPONSE_CLASS(code) == 0 ? (uint8_t)code : 0;
    coap_opt_iterator_t it;
    coap_opt_t *opt;
    int seen_accept = 0, seen_cf = 0, seen_size1 = 0;
    coap_option_iterator_init(pdu, &it, COAP_OPT_ALL);
    while ((opt = coap_option_next(&it))) {
        const uint8_t *v = coap_opt_value(opt);
        size_t n = coap_opt_length(opt);
        switch (it.number) {
        case COAP_OPTION_URI_PATH:
            /* segments joined by '/', as the resources name them */
            if (req->path_len && req->path_len < FD_PATH_MAX)
                req->path[req->path_len++] = '/';
            else if (req->path_len)
                req->path_too_long = 1;
            if (n > FD_PATH_MAX - req->path_len) {
                req->path_too_long = 1;
            } else {
                memcpy(req->path + req->path_len, v, n);
                req->path_len += n;
            }
            break;
        case COAP_OPTION_ACCEPT:
            req->accept = (int)uint_option(opt, 2);
            if (req->accept < 0 || seen_accept++)
                req->bad_option = "Accept (longer than 2 bytes or repeated)";
            break;
        case COAP_OPTION_CONTENT_FORMAT:
            req->content_format = (int)uint_option(opt, 2);
            if (req->content_format < 0 || seen_cf++)
                req->bad_option = "Content-Format (longer than 2 bytes or repeated)";
            break;
        case COAP_OPTION_BLOCK1:
            if (req->block1.present)
                req->bad_option = "Block1 repeated";
            else
                block_option(opt, &req->block1, req, "Block1 (longer than 3 bytes)");
            break;
        case COAP_OPTION_BLOCK2:
            if (req->block2.present)
                req->bad_option = "Block2 repeated";
            else
                block_option(opt, &req->block2, req, "Block2 (longer than 3 bytes)");
            break;
        case COAP_OPTION_SIZE1: {
            int64_t s = uint_option(opt, 4);
            if (s < 0 || seen_size1++)
                req->bad_option = "Size1 (longer than 4 bytes or repeated)";
            else {
                req->has_size1 = 1;
                req->size1 = (uint64_t)s;
            }
            break;
        }
        case COAP_OPTION_URI_HOST:
        case COAP_OPTION_URI_PORT:
        case COAP_OPTION_URI_QUERY:
        case COAP_OPTION_SIZE2:
            break; /* understood and not needed */
        default:
            if (it.number & 1) /* RFC 7252 5.4.1: an unrecognised critical option */
                req->bad_option = "unrecognised critical option";
        }
    }
    size_t len = 0;
    const uint8_t *data = NULL;
    if (coap_get_data(pdu, &len, &data)) {
        req->payload = data;
        req->payload_len = len;
    }
}

static int add_uint(coap_optlist_t **list, uint16_t number, uint32_t value)
{
    uint8_t buf[4];
    unsigned n = coap_encode_var_safe(buf, sizeof buf, value);
    coap_optlist_t *o = coap_new_optlist(number, n, buf);
    return o && coap_insert_optlist(list, o);
}

static uint32_t block_value(const fd_block_t *b)
{
    return b->num << 4 | (uint32_t)(b->more ? 8 : 0) | b->szx;
}

int fd_response_to_pdu(const fd_response_t *resp, coap_pdu_t *out)
{
    coap_pdu_set_code(out, (coap_pdu_code_t)resp->code);
    coap_optlist_t *opts = NULL;
    int ok = 1;
    if (resp->content_format >= 0 && resp->payload_len)
        ok &= add_uint(&opts, COAP_OPTION_CONTENT_FORMAT, (uint32_t)resp->content_format);
    if (resp->has_max_age)
        ok &= add_uint(&opts, COAP_OPTION_MAXAGE, resp->max_age);
    if (resp->block2.present)
        ok &= add_uint(&opts, COAP_OPTION_BLOCK2, block_value(&resp->block2));
    if (resp->block1.present)
        ok &= add_uint(&opts, COAP_OPTION_BLOCK1, block_value(&resp->block1));
    if (resp->has_size2)
        ok &= add_uint(&opts, COAP_OPTION_SIZE2, resp->size2);
    if (resp->has_size1)
        ok &= add_uint(&opts, COAP_OPTION_SIZE1, resp->size1);
    if (ok && opts)
        ok = coap_add_optlist_pdu(out, &opts);
    coap_delete_optlist(opts);
    if (ok && resp->payload_len)
        ok = coap_add_data(out, resp->payload_len, resp->payload);
    return ok ? 0 : -1;
}
