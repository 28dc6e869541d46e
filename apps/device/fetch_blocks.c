/* Block-wise fetch (fetch_blocks.h). */
#include "fetch_blocks.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coap_map.h"
#include "femto/status.h"

int fd_fetch_fail(char *why, size_t cap, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
    return status;
}

static uint64_t uint_value(const uint8_t *v, size_t n)
{
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++)
        x = x << 8 | v[i];
    return x;
}

void fd_block_answer_option(fd_block_answer_t *x, uint32_t number, const uint8_t *v, size_t n)
{
    if (number == FD_OPT_BLOCK2 && n <= 3) {
        uint32_t b = (uint32_t)uint_value(v, n);
        x->has_block2 = 1;
        x->b2_num = b >> 4;
        x->b2_more = b >> 3 & 1;
        x->b2_szx = b & 7;
    } else if (number == FD_OPT_SIZE2 && n <= 4) {
        x->has_size2 = 1;
        x->size2 = uint_value(v, n);
    }
}

void fd_block_answer_payload(fd_block_answer_t *x, const uint8_t *data, size_t len)
{
    if (len > FD_FETCH_CHUNK_MAX) {
        x->too_long = 1;
    } else if (len) {
        memcpy(x->data, data, len);
        x->len = len;
    }
}

/* One answer checked against the bound and the blocks so far: FC_OK to go
 * on (*more set when another block follows), or the refusal. */
static int take(const fd_block_answer_t *x, uint8_t *buf, size_t max_len, uint32_t num,
                uint32_t *szx, size_t *got, int *more, uint32_t timeout_ms, char *why,
                size_t why_cap)
{
    *more = 0;
    if (!x->done)
        return fd_fetch_fail(why, why_cap, FC_ERR_NOT_FOUND,
                             "no answer within fetch_timeout_ms %" PRIu32 " (%zu of %zu bytes)",
                             timeout_ms, *got, max_len);
    if (x->failure)
        return fd_fetch_fail(why, why_cap, FC_ERR_NOT_FOUND, "%s", x->failure);
    if (x->code != FD_CODE(2, 5))
        return fd_fetch_fail(why, why_cap, FC_ERR_NOT_FOUND, "the URI answered %u.%02u %.60s",
                             (unsigned)(x->code >> 5), (unsigned)(x->code & 31),
                             (const char *)x->data);
    if (x->has_size2 && x->size2 > max_len)
        return fd_fetch_fail(why, why_cap, FC_ERR_SIZE,
                             "the URI announces %" PRIu64 " bytes (Size2), image-size is %zu",
                             x->size2, max_len);
    if (x->too_long || *got + x->len > max_len)
        return fd_fetch_fail(why, why_cap, FC_ERR_SIZE,
                             "the URI serves more than image-size %zu bytes (stopped at %zu)",
                             max_len, *got + x->len);
    if (!x->has_block2) { /* the whole representation in one message */
        if (num != 0)
            return fd_fetch_fail(why, why_cap, FC_ERR_STATE,
                                 "block %" PRIu32 " came without Block2", num);
        if (x->len)
            memcpy(buf, x->data, x->len);
        *got = x->len;
        return FC_OK;
    }
    size_t size = (size_t)16 << x->b2_szx;
    if (x->b2_szx > *szx || (uint64_t)x->b2_num * size != *got || (x->b2_more && x->len != size) ||
        x->len > size)
        return fd_fetch_fail(why, why_cap, FC_ERR_STATE,
                             "Block2 %" PRIu32
                             " (size %zu, %zu bytes) does not continue at byte %zu",
                             x->b2_num, size, x->len, *got);
    if (x->len) /* buf is non-NULL here: max_len >= got + x->len > 0 */
        memcpy(buf + *got, x->data, x->len);
    *got += x->len;
    *more = (int)x->b2_more;
    *szx = x->b2_szx;
    return FC_OK;
}

int fd_fetch_blocks(fd_get_block_fn get, void *ctx, uint64_t now_ms, size_t max_len,
                    uint32_t timeout_ms, uint8_t **out, size_t *out_len, char *why, size_t why_cap)
{
    *out = NULL;
    *out_len = 0;
    uint8_t *buf = max_len ? malloc(max_len) : NULL;
    fd_block_answer_t *x = malloc(sizeof *x);
    int status = FC_OK;
    if (!x || (max_len && !buf)) {
        status = fd_fetch_fail(why, why_cap, FC_ERR_NO_RAM, "out of memory");
        goto out;
    }
    uint64_t deadline = now_ms + timeout_ms;
    size_t got = 0, requests = 0, max_requests = max_len / 16 + 1;
    uint32_t num = 0, szx = 6;
    for (int more = 1; more;) {
        if (++requests > max_requests) {
            status = fd_fetch_fail(why, why_cap, FC_ERR_SIZE, "more than %zu blocks for %zu bytes",
                                   max_requests, max_len);
            break;
        }
        memset(x, 0, sizeof *x);
        if (get(ctx, num, szx, deadline, x) != 0) {
            status = fd_fetch_fail(why, why_cap, FC_ERR_NO_RAM, "cannot send the request");
            break;
        }
        x->data[x->len < FD_FETCH_CHUNK_MAX ? x->len : FD_FETCH_CHUNK_MAX] = '\0';
        status = take(x, buf, max_len, num, &szx, &got, &more, timeout_ms, why, why_cap);
        if (status != FC_OK)
            break;
        num = (uint32_t)(got / ((size_t)16 << szx));
    }
    if (status == FC_OK) {
        *out = buf ? buf : malloc(1);
        *out_len = got;
        buf = NULL;
        if (!*out)
            status = fd_fetch_fail(why, why_cap, FC_ERR_NO_RAM, "out of memory");
    }
out:
    free(buf);
    free(x);
    return status;
}
