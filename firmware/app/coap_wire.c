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
    uint32_t number = 0;
    while (p < end && *p != 0xff) {
        uint32_t delta, olen;
        uint8_t first = *p++;
        if (ext_value(first >> 4, &p, end, &delta) != 0 ||
            ext_value(first & 15u, &p, end, &olen) != 0 || olen > (size_t)(end - p))
            return con ? CW_REJECT : CW_IGNORE; /* message format error */
        number += delta;
        if (number > 0xffffu)
            return con ? CW_REJECT : CW_IGNORE;
        fd_request_option(req, number, p, olen);
        p += olen;
    }
    if (p < end) { /* the payload marker */
        p++;
        if (p == end)
            return con ? CW_REJECT : CW_IGNORE; /* a marker with no payload */
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
    for (int shift = 24; shift >= 0; shift -= 8)
        if (n || (value >> shift & 0xffu))
            v[n++] = (uint8_t)(value >> shift);
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

size_t cw_encode_rst(uint16_t mid, uint8_t *out)
{
    out[0] = 0x40 | CW_RST << 4;
    out[1] = 0;
    out[2] = (uint8_t)(mid >> 8);
    out[3] = (uint8_t)mid;
    return 4;
}
