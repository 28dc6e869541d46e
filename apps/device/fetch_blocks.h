/* Fetch by URI, the transport-free part both devices share: a block-wise
 * (RFC 7959) GET driven one block at a time, so that the bound is enforced
 * as the bytes arrive:
 *   - a Size2 over max_len, or a block that would go past max_len, stops
 *     the transfer (FC_ERR_SIZE) before it is buffered;
 *   - the whole fetch has one deadline (timeout_ms);
 *   - at most max_len / 16 + 1 requests are sent, each for the next block
 *     in order; any answer but 2.05 ends it (CoAP has no redirects and we
 *     follow no Location options, so there is nothing to loop on).
 * A transport sends one GET and waits for its answer: femtod's over libcoap
 * (apps/femtod/fetch.c), the board's over lwIP (firmware/app/fetch_bm.c). */
#ifndef FEMTOD_FETCH_BLOCKS_H
#define FEMTOD_FETCH_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

#define FD_FETCH_CHUNK_MAX 1024 /* largest block accepted (SZX 6) */

/* The answer to one block request. */
typedef struct fd_block_answer {
    int done;            /* it came (or failure says why none will) */
    const char *failure; /* no answer will come: the transport's reason */
    uint8_t code;        /* CoAP response code */
    int has_block2, has_size2;
    uint32_t b2_num, b2_more, b2_szx;
    uint64_t size2;
    uint8_t data[FD_FETCH_CHUNK_MAX + 1];
    size_t len;
    int too_long; /* the payload did not fit in data */
} fd_block_answer_t;

/* Read one option of an answer into x (Block2 and Size2; others ignored). */
void fd_block_answer_option(fd_block_answer_t *x, uint32_t number, const uint8_t *v, size_t n);
/* The answer's payload into x. */
void fd_block_answer_payload(fd_block_answer_t *x, const uint8_t *data, size_t len);

/* Send a GET for block num (16 << szx bytes) and wait for its answer until
 * deadline_ms (the transport's clock); x is cleared by the caller. 0 (x->done
 * 0 when nothing came in time), or -1 when the request could not be sent. */
typedef int (*fd_get_block_fn)(void *ctx, uint32_t num, uint32_t szx, uint64_t deadline_ms,
                               fd_block_answer_t *x);

/* Fetch at most max_len bytes with get, now_ms being the transport's clock
 * now. FC_OK with *out (malloc'd) and *out_len, or FC_ERR_SIZE (more than
 * max_len announced or served), FC_ERR_NOT_FOUND (no answer, an answer other
 * than 2.05), FC_ERR_STATE (blocks out of order), FC_ERR_NO_RAM, with a
 * reason in why. */
/* Write the reason (printf format) into why (cap bytes) and return status:
 * a failure of a fetch is one line, `return fd_fetch_fail(why, cap, st, ...)`,
 * in the shared part and in each transport. */
int fd_fetch_fail(char *why, size_t cap, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

int fd_fetch_blocks(fd_get_block_fn get, void *ctx, uint64_t now_ms, size_t max_len,
                    uint32_t timeout_ms, uint8_t **out, size_t *out_len, char *why, size_t why_cap);

#endif
