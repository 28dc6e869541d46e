/* CoAP options <-> fd_request_t / fd_response_t (coap_map.h). */
#include "coap_map.h"

#include <stdio.h>
#include <string.h>

void fd_request_start(fd_request_t *req, uint8_t code, uint16_t mid, const char *peer,
                      uint64_t now_ms)
{
    memset(req, 0, sizeof *req);
    req->accept = -1;
    req->content_format = -1;
    req->now_ms = now_ms;
    snprintf(req->peer, sizeof req->peer, "%s", peer);
    req->has_mid = 1;
    req->mid = mid;
    req->method = code >> 5 == 0 ? code : 0;
}

/* An unsigned option value of at most max_len bytes; -1 if longer. */
static int64_t uint_value(const uint8_t *v, size_t n, size_t max_len)
{
    if (n > max_len)
        return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++)
        x = x << 8 | v[i];
    return (int64_t)x;
}

static void block_value(const uint8_t *v, size_t n, fd_block_t *b, fd_request_t *req,
                        const char *repeated, const char *too_long)
{
    if (b->present) {
        req->bad_option = repeated;
        return;
    }
    int64_t x = uint_value(v, n, 3);
    if (x < 0) {
        req->bad_option = too_long;
        return;
    }
    b->present = 1;
    b->num = (uint32_t)(x >> 4);
    b->more = (int)(x >> 3 & 1);
    b->szx = (uint8_t)(x & 7);
}

/* Uri-Path segments joined by '/', as the resources name them. */
static void path_segment(fd_request_t *req, const uint8_t *v, size_t n)
{
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
}

/* A once-only unsigned option of at most max_len bytes into *out (-1 when absent). */
static void once(fd_request_t *req, int *out, const uint8_t *v, size_t n, size_t max_len,
                 const char *bad)
{
    int64_t x = uint_value(v, n, max_len);
    if (x < 0 || *out >= 0)
        req->bad_option = bad;
    *out = (int)x;
}

void fd_request_option(fd_request_t *req, uint32_t number, const uint8_t *v, size_t n)
{
    switch (number) {
    case FD_OPT_URI_PATH:
        path_segment(req, v, n);
        break;
    case FD_OPT_ACCEPT:
        once(req, &req->accept, v, n, 2, "Accept (longer than 2 bytes or repeated)");
        break;
    case FD_OPT_CONTENT_FORMAT:
        once(req, &req->content_format, v, n, 2,
             "Content-Format (longer than 2 bytes or repeated)");
        break;
    case FD_OPT_BLOCK1:
        block_value(v, n, &req->block1, req, "Block1 repeated", "Block1 (longer than 3 bytes)");
        break;
    case FD_OPT_BLOCK2:
        block_value(v, n, &req->block2, req, "Block2 repeated", "Block2 (longer than 3 bytes)");
        break;
    case FD_OPT_SIZE1: {
        int64_t s = uint_value(v, n, 4);
        if (s < 0 || req->has_size1) {
            req->bad_option = "Size1 (longer than 4 bytes or repeated)";
        } else {
            req->has_size1 = 1;
            req->size1 = (uint64_t)s;
        }
        break;
    }
    case FD_OPT_URI_HOST:
    case FD_OPT_URI_PORT:
    case FD_OPT_URI_QUERY:
    case FD_OPT_SIZE2:
        break; /* understood and not needed */
    default:
        if (number & 1) /* RFC 7252 5.4.1: an unrecognised critical option */
            req->bad_option = "unrecognised critical option";
    }
}

static uint32_t block_option(const fd_block_t *b)
{
    return b->num << 4 | (uint32_t)(b->more ? 8 : 0) | b->szx;
}

size_t fd_response_options(const fd_response_t *resp, fd_option_t out[FD_RESPONSE_OPTIONS])
{
    size_t n = 0;
    if (resp->content_format >= 0 && resp->payload_len)
        out[n++] = (fd_option_t){FD_OPT_CONTENT_FORMAT, (uint32_t)resp->content_format};
    if (resp->has_max_age)
        out[n++] = (fd_option_t){FD_OPT_MAX_AGE, resp->max_age};
    if (resp->block2.present)
        out[n++] = (fd_option_t){FD_OPT_BLOCK2, block_option(&resp->block2)};
    if (resp->block1.present)
        out[n++] = (fd_option_t){FD_OPT_BLOCK1, block_option(&resp->block1)};
    if (resp->has_size2)
        out[n++] = (fd_option_t){FD_OPT_SIZE2, resp->size2};
    if (resp->has_size1)
        out[n++] = (fd_option_t){FD_OPT_SIZE1, resp->size1};
    return n;
}
