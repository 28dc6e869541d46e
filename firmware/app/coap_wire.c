/* CoAP message parsing and encoding (coap_wire.h): the header, the option
 * encoding and the payload marker; what each option means is the shared
 * mapping's (apps/device/coap_map.c, femtod's too), so the resources see
 * the same requests on both devices. */
#include "coap_wire.h"

#include <string.h>

#include "coap_map.h"

/* Option delta or length nibble with its extension (RFC 7252 3.1). */
static int ext_value(uint32_t nibble, const uint8_t **p, const uint8_t *end, uint32_t *out)
{
    if (nibble < 13) {
        *out = nibble;
    } else if (nibble == 13) {
        if (end - *p < 1)
            return -1;
        *out = 13u + **p;
        *p += 1;
    } else if (nibble == 14) {
        if (end - *p < 2)
            return -1;
        *out = 269u + ((uint32_t)(*p)[0] << 8 | (*p)[1]);
        *p += 2;
    } else {
        return -1; /* 15: reserved (the payload marker is handled by the caller) */
    }
    return 0;
}

typedef void (*option_fn)(void *arg, uint32_t number, const uint8_t *v, size_t n);

/* Walk the options from *p to the payload marker or end; *p is left there.
 * 0, or -1 on a message format error. */
static int walk_options(const uint8_t **pp, const uint8_t *end, option_fn fn, void *arg)
{
    const uint8_t *p = *pp;
    uint32_t number = 0;
    while (p < end && *p != 0xff) {
        uint32_t delta, olen;
        uint8_t first = *p++;
        if (ext_value(first >> 4, &p, end, &delta) != 0 ||
            ext_value(first & 15u, &p, end, &olen) != 0 || olen > (size_t)(end - p))
            return -1;
        number += delta;
        if (number > 0xffffu)
            return -1;
        fn(arg, number, p, olen);
        p += olen;
    }
    *pp = p;
    return 0;
}

/* The payload after the marker at p (none at end); -1: a marker with no payload. */
static int payload_of(const uint8_t *p, const uint8_t *end, const uint8_t **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    if (p == end)
        return 0;
    if (++p == end)
        return -1;
    *data = p;
    *len = (size_t)(end - p);
    return 0;
}

static void request_option(void *arg, uint32_t number, const uint8_t *v, size_t n)
{
    fd_request_option(arg, number, v, n);
}

static void answer_option(void *arg, uint32_t number, const uint8_t *v, size_t n)
{
    fd_block_answer_option(arg, number, v, n);
}

int cw_parse(const uint8_t *msg, size_t len, const char *peer, uint64_t now_ms, cw_header_t *h,
             fd_request_t *req)
{
    memset(h, 0, sizeof *h);
    if (len < 4)
        return CW_IGNORE;
    h->type = (uint8_t)(msg[0] >> 4 & 3);
    h->tkl = (uint8_t)(msg[0] & 15);
    h->code = msg[1];
    h->mid = (uint16_t)(msg[2] << 8 | msg[3]);
    int con = h->type == CW_CON;
    if (msg[0] >> 6 != 1)
        return CW_IGNORE; /* another version: silently ignored (RFC 7252 3) */
    if (h->type == CW_ACK || h->type == CW_RST)
        return CW_IGNORE;
    if (h->code == 0)
        return con && len == 4 && h->tkl == 0 ? CW_PING : (con ? CW_REJECT : CW_IGNORE);
    if (h->tkl > 8 || len < 4u + h->tkl)
        return con ? CW_REJECT : CW_IGNORE;
    memcpy(h->token, msg + 4, h->tkl);
    if (h->code >> 5 != 0)
        return CW_IGNORE; /* a response: we sent no request */
    fd_request_start(req, h->code, h->mid, peer, now_ms);
    const uint8_t *p = msg + 4 + h->tkl, *end = msg + len;
    if (walk_options(&p, end, request_option, req) != 0 ||
        payload_of(p, end, &req->payload, &req->payload_len) != 0)
        return con ? CW_REJECT : CW_IGNORE; /* message format error */
    return CW_REQUEST;
}

int cw_parse_answer(const uint8_t *msg, size_t len, cw_header_t *h, fd_block_answer_t *x)
{
    memset(h, 0, sizeof *h);
    if (len < 4 || msg[0] >> 6 != 1)
        return CW_IGNORE;
    h->type = (uint8_t)(msg[0] >> 4 & 3);
    h->tkl = (uint8_t)(msg[0] & 15);
    h->code = msg[1];
    h->mid = (uint16_t)(msg[2] << 8 | msg[3]);
    if (h->type == CW_RST)
        return len == 4 ? CW_RESET : CW_IGNORE;
    if (h->code >> 5 < 2 || h->tkl > 8 || len < 4u + h->tkl)
        return CW_IGNORE; /* an empty ACK (a separate answer follows), a request, malformed */
    memcpy(h->token, msg + 4, h->tkl);
    const uint8_t *p = msg + 4 + h->tkl, *end = msg + len, *data;
    size_t n;
    memset(x, 0, sizeof *x);
    if (walk_options(&p, end, answer_option, x) != 0 || payload_of(p, end, &data, &n) != 0)
        return CW_IGNORE;
    x->code = h->code;
    fd_block_answer_payload(x, data, n);
    return CW_ANSWER;
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

/* An option (options in increasing order). */
static void put_option(writer_t *w, uint32_t number, const void *v, size_t n)
{
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

/* An unsigned option in its shortest form. */
static void put_uint_option(writer_t *w, uint32_t number, uint32_t value)
{
    uint8_t v[4];
    size_t n = 0;
    for (int shift = 24; shift >= 0; shift -= 8)
        if (n || (value >> shift & 0xffu))
            v[n++] = (uint8_t)(value >> shift);
    put_option(w, number, v, n);
}

/* Each sep-separated part of s[0..len) as option number (empty parts skipped). */
static void put_parts(writer_t *w, uint32_t number, const char *s, size_t len, char sep)
{
    for (size_t i = 0; i < len;) {
        const char *at = memchr(s + i, sep, len - i);
        size_t n = at ? (size_t)(at - (s + i)) : len - i;
        if (n)
            put_option(w, number, s + i, n);
        i += n + 1;
    }
}

size_t cw_encode_response(const cw_header_t *h, uint16_t mid, const fd_response_t *resp,
                          uint8_t *out, size_t cap)
{
    writer_t w = {.out = out, .cap = cap};
    uint8_t type = h->type == CW_CON ? CW_ACK : CW_NON;
    if (type == CW_ACK)
        mid = h->mid; /* a piggybacked response carries the request's id */
    uint8_t head[4] = {(uint8_t)(0x40 | type << 4 | h->tkl), resp->code, (uint8_t)(mid >> 8),
                       (uint8_t)mid};
    put(&w, head, 4);
    put(&w, h->token, h->tkl);
    fd_option_t opts[FD_RESPONSE_OPTIONS];
    size_t n = fd_response_options(resp, opts);
    for (size_t i = 0; i < n; i++)
        put_uint_option(&w, opts[i].number, opts[i].value);
    if (resp->payload_len) {
        uint8_t marker = 0xff;
        put(&w, &marker, 1);
        put(&w, resp->payload, resp->payload_len);
    }
    return w.overflow ? 0 : w.len;
}

size_t cw_encode_get(uint16_t mid, const uint8_t *token, uint8_t tkl, const char *path,
                     size_t path_len, const char *query, size_t query_len, uint32_t block2,
                     uint8_t *out, size_t cap)
{
    writer_t w = {.out = out, .cap = cap};
    uint8_t head[4] = {(uint8_t)(0x40 | CW_CON << 4 | tkl), FD_METHOD_GET, (uint8_t)(mid >> 8),
                       (uint8_t)mid};
    put(&w, head, 4);
    put(&w, token, tkl);
    put_parts(&w, FD_OPT_URI_PATH, path, path_len, '/');
    put_parts(&w, FD_OPT_URI_QUERY, query, query_len, '&');
    put_uint_option(&w, FD_OPT_BLOCK2, block2);
    return w.overflow ? 0 : w.len;
}

size_t cw_encode_ack(uint16_t mid, uint8_t *out)
{
    out[0] = 0x40 | CW_ACK << 4;
    out[1] = 0;
    out[2] = (uint8_t)(mid >> 8);
    out[3] = (uint8_t)mid;
    return 4;
}

size_t cw_encode_rst(uint16_t mid, uint8_t *out)
{
    out[0] = 0x40 | CW_RST << 4;
    out[1] = 0;
    out[2] = (uint8_t)(mid >> 8);
    out[3] = (uint8_t)mid;
    return 4;
}
