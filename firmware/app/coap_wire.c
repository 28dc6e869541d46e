/* CoAP message parsing and encoding (coap_wire.h). The option handling
 * follows femtod's libcoap version (apps/femtod/coap_pdu.c) option by
 * option, so the resources see the same requests on both devices. */
#include "coap_wire.h"

#include <stdio.h>
#include <string.h>

#define OPT_URI_HOST 3
#define OPT_URI_PORT 7
#define OPT_URI_PATH 11
#define OPT_CONTENT_FORMAT 12
#define OPT_MAX_AGE 14
#define OPT_URI_QUERY 15
#define OPT_ACCEPT 17
#define OPT_BLOCK2 23
#define OPT_BLOCK1 27
#define OPT_SIZE2 28
#define OPT_SIZE1 60

/* An unsigned option value of at most max_len bytes; -1 if longer. */
static int64_t uint_value(const uint8_t *v, size_t n, size_t max_len)
{
    if (n > max_len) {
        return -1;
    }
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        x = x << 8 | v[i];
    }
    return (int64_t)x;
}

static void block_value(const uint8_t *v, size_t n, fd_block_t *b, fd_request_t *req,
                        const char *name)
{
    int64_t x = uint_value(v, n, 3);
    if (x < 0) {
        req->bad_option = name;
        return;
    }
    b->present = 1;
    b->num = (uint32_t)(x >> 4);
    b->more = (int)(x >> 3 & 1);
    b->szx = (uint8_t)(x & 7);
}

/* Option delta or length nibble with its extension (RFC 7252 3.1). */
static int ext_value(uint32_t nibble, const uint8_t **p, const uint8_t *end, uint32_t *out)
{
    if (nibble < 13) {
        *out = nibble;
    } else if (nibble == 13) {
        if (end - *p < 1) {
            return -1;
        }
        *out = 13u + **p;
        *p += 1;
    } else if (nibble == 14) {
        if (end - *p < 2) {
            return -1;
        }
        *out = 269u + ((uint32_t)(*p)[0] << 8 | (*p)[1]);
        *p += 2;
    } else {
        return -1; /* 15: reserved (the payload marker is handled by the caller) */
    }
    return 0;
}

static void one_option(uint32_t number, const uint8_t *v, size_t n, fd_request_t *req,
                       int *seen_accept, int *seen_cf, int *seen_size1)
{
    switch (number) {
    case OPT_URI_PATH:
        /* segments joined by '/', as the resources name them */
        if (req->path_len && req->path_len < FD_PATH_MAX) {
            req->path[req->path_len++] = '/';
        } else if (req->path_len) {
            req->path_too_long = 1;
        }
        if (n > FD_PATH_MAX - req->path_len) {
            req->path_too_long = 1;
        } else {
            memcpy(req->path + req->path_len, v, n);
            req->path_len += n;
        }
        break;
    case OPT_ACCEPT:
        req->accept = (int)uint_value(v, n, 2);
        if (req->accept < 0 || (*seen_accept)++) {
            req->bad_option = "Accept (longer than 2 bytes or repeated)";
        }
        break;
    case OPT_CONTENT_FORMAT:
        req->content_format = (int)uint_value(v, n, 2);
        if (req->content_format < 0 || (*seen_cf)++) {
            req->bad_option = "Content-Format (longer than 2 bytes or repeated)";
        }
        break;
    case OPT_BLOCK1:
        if (req->block1.present) {
            req->bad_option = "Block1 repeated";
        } else {
            block_value(v, n, &req->block1, req, "Block1 (longer than 3 bytes)");
        }
        break;
    case OPT_BLOCK2:
        if (req->block2.present) {
            req->bad_option = "Block2 repeated";
        } else {
            block_value(v, n, &req->block2, req, "Block2 (longer than 3 bytes)");
        }
        break;
    case OPT_SIZE1: {
        int64_t s = uint_value(v, n, 4);
        if (s < 0 || (*seen_size1)++) {
            req->bad_option = "Size1 (longer than 4 bytes or repeated)";
        } else {
            req->has_size1 = 1;
            req->size1 = (uint64_t)s;
        }
        break;
    }
    case OPT_URI_HOST:
    case OPT_URI_PORT:
    case OPT_URI_QUERY:
    case OPT_SIZE2:
        break; /* understood and not needed */
    default:
        if (number & 1) { /* RFC 7252 5.4.1: an unrecognised critical option */
            req->bad_option = "unrecognised critical option";
        }
    }
}

int cw_parse(const uint8_t *msg, size_t len, const char *peer, uint64_t now_ms, cw_header_t *h,
             fd_request_t *req)
{
    memset(h, 0, sizeof *h);
    if (len < 4) {
        return CW_IGNORE;
    }
    h->type = (uint8_t)(msg[0] >> 4 & 3);
    h->tkl = (uint8_t)(msg[0] & 15);
    h->code = msg[1];
    h->mid = (uint16_t)(msg[2] << 8 | msg[3]);
    int con = h->type == CW_CON;
    if (msg[0] >> 6 != 1) {
        return CW_IGNORE; /* another version: silently ignored (RFC 7252 3) */
    }
    if (h->type == CW_ACK || h->type == CW_RST) {
        return CW_IGNORE;
    }
    if (h->code == 0) {
        return con && len == 4 && h->tkl == 0 ? CW_PING : (con ? CW_REJECT : CW_IGNORE);
    }
    if (h->tkl > 8 || len < 4u + h->tkl) {
        return con ? CW_REJECT : CW_IGNORE;
    }
    memcpy(h->token, msg + 4, h->tkl);
    if (h->code >> 5 != 0) {
        return CW_IGNORE; /* a response: we sent no request */
    }
    memset(req, 0, sizeof *req);
    req->accept = -1;
    req->content_format = -1;
    req->now_ms = now_ms;
    snprintf(req->peer, sizeof req->peer, "%s", peer);
    req->has_mid = 1;
    req->mid = h->mid;
    req->method = h->code;
    const uint8_t *p = msg + 4 + h->tkl, *end = msg + len;
    uint32_t number = 0;
    int seen_accept = 0, seen_cf = 0, seen_size1 = 0;
    while (p < end && *p != 0xff) {
        uint32_t delta, olen;
        uint8_t first = *p++;
        if (ext_value(first >> 4, &p, end, &delta) != 0 ||
            ext_value(first & 15u, &p, end, &olen) != 0 || olen > (size_t)(end - p)) {
            return con ? CW_REJECT : CW_IGNORE; /* message format error */
        }
        number += delta;
        if (number > 0xffffu) {
            return con ? CW_REJECT : CW_IGNORE;
        }
        one_option(number, p, olen, req, &seen_accept, &seen_cf, &seen_size1);
        p += olen;
    }
    if (p < end) { /* the payload marker */
        p++;
        if (p == end) {
            return con ? CW_REJECT : CW_IGNORE; /* a marker with no payload */
        }
        req->payload = p;
        req->payload_len = (size_t)(end - p);
    }
    return CW_REQUEST;
}

/* ---- encoding ----------------------------------------------------------------------- */

typedef struct writer {
    uint8_t *out;
    size_t cap, len;
    uint32_t last; /* last option number written */
    int overflow;
} writer_t;

static void put(writer_t *w, const void *data, size_t n)
{
    if (w->overflow || n > w->cap - w->len) {
        w->overflow = 1;
        return;
    }
    memcpy(w->out + w->len, data, n);
    w->len += n;
}

static uint8_t nibble(uint32_t v, uint8_t ext[2], size_t *ext_len)
{
    if (v < 13) {
        *ext_len = 0;
        return (uint8_t)v;
    }
    if (v < 269) {
        ext[0] = (uint8_t)(v - 13);
        *ext_len = 1;
        return 13;
    }
    ext[0] = (uint8_t)((v - 269) >> 8);
    ext[1] = (uint8_t)(v - 269);
    *ext_len = 2;
    return 14;
}

/* An unsigned option in its shortest form (options in increasing order). */
static void put_uint_option(writer_t *w, uint32_t number, uint32_t value)
{
    uint8_t v[4];
    size_t n = 0;
    for (int shift = 24; shift >= 0; shift -= 8) {
        if (n || (value >> shift & 0xffu)) {
            v[n++] = (uint8_t)(value >> shift);
        }
    }
    uint8_t dext[2], lext[2];
    size_t dn, ln;
    uint8_t first = (uint8_t)(nibble(number - w->last, dext, &dn) << 4);
    first |= nibble((uint32_t)n, lext, &ln);
    put(w, &first, 1);
    put(w, dext, dn);
    put(w, lext, ln);
    put(w, v, n);
    w->last = number;
}

static uint32_t block_option(const fd_block_t *b)
{
    return b->num << 4 | (uint32_t)(b->more ? 8 : 0) | b->szx;
}

size_t cw_encode_response(const cw_header_t *h, uint16_t mid, const fd_response_t *resp,
                          uint8_t *out, size_t cap)
{
    writer_t w = {.out = out, .cap = cap};
    uint8_t type = h->type == CW_CON ? CW_ACK : CW_NON;
    if (type == CW_ACK) {
        mid = h->mid; /* a piggybacked response carries the request's id */
    }
    uint8_t head[4] = {(uint8_t)(0x40 | type << 4 | h->tkl), resp->code, (uint8_t)(mid >> 8),
                       (uint8_t)mid};
    put(&w, head, 4);
    put(&w, h->token, h->tkl);
    if (resp->content_format >= 0 && resp->payload_len) {
        put_uint_option(&w, OPT_CONTENT_FORMAT, (uint32_t)resp->content_format);
    }
    if (resp->has_max_age) {
        put_uint_option(&w, OPT_MAX_AGE, resp->max_age);
    }
    if (resp->block2.present) {
        put_uint_option(&w, OPT_BLOCK2, block_option(&resp->block2));
    }
    if (resp->block1.present) {
        put_uint_option(&w, OPT_BLOCK1, block_option(&resp->block1));
    }
    if (resp->has_size2) {
        put_uint_option(&w, OPT_SIZE2, resp->size2);
    }
    if (resp->has_size1) {
        put_uint_option(&w, OPT_SIZE1, resp->size1);
    }
    if (resp->payload_len) {
        uint8_t marker = 0xff;
        put(&w, &marker, 1);
        put(&w, resp->payload, resp->payload_len);
    }
    return w.overflow ? 0 : w.len;
}

size_t cw_encode_rst(uint16_t mid, uint8_t *out)
{
    out[0] = 0x40 | CW_RST << 4;
    out[1] = 0;
    out[2] = (uint8_t)(mid >> 8);
    out[3] = (uint8_t)mid;
    return 4;
}
