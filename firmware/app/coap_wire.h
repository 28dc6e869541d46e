/* CoAP over UDP messages (RFC 7252) to and from femtod's socket-free
 * requests and responses (apps/device/server.h) on the board: the small
 * PDU layer the device firmware uses instead of libcoap (docs/porting.md
 * says why). Only this file reads CoAP bytes from the network. */
#ifndef FC_COAP_WIRE_H
#define FC_COAP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "fetch_blocks.h"
#include "server.h"

enum { CW_CON = 0, CW_NON = 1, CW_ACK = 2, CW_RST = 3 };

typedef struct cw_header {
    uint8_t type, code, tkl;
    uint16_t mid;
    uint8_t token[8];
} cw_header_t;

enum cw_verdict {
    CW_REQUEST, /* req is filled: answer it */
    CW_IGNORE,  /* an ACK, a RST, a response, or too short to answer */
    CW_PING,    /* an empty CON: answer with RST */
    CW_REJECT,  /* a malformed CON: answer with RST (RFC 7252 4.2) */
    CW_ANSWER,  /* cw_parse_answer: x is filled */
    CW_RESET,   /* cw_parse_answer: an RST (the peer refuses the exchange h->mid) */
};

/* Parse msg[0..len) from peer at now_ms. req->payload points into msg. */
int cw_parse(const uint8_t *msg, size_t len, const char *peer, uint64_t now_ms, cw_header_t *h,
             fd_request_t *req);

/* Encode the answer to h (piggybacked ACK for a CON, with h->mid; NON
 * with mid for a NON) carrying resp into out[0..cap). Returns its length, 0 if it does not
 * fit. */
size_t cw_encode_response(const cw_header_t *h, uint16_t mid, const fd_response_t *resp,
                          uint8_t *out, size_t cap);

/* The board as a client (fetch by URI): an answer to a request we sent
 * (piggybacked in an ACK, or separate), its options and payload into x;
 * CW_ANSWER, CW_RESET, or CW_IGNORE (an empty ACK, a request, malformed). */
int cw_parse_answer(const uint8_t *msg, size_t len, cw_header_t *h, fd_block_answer_t *x);

/* A CON GET with message id mid and token[0..tkl), the Uri-Path options of
 * path[0..path_len) ('/'-separated), the Uri-Query ones of query ('&'), and
 * Block2 block2. Returns its length, 0 if it does not fit in cap. */
size_t cw_encode_get(uint16_t mid, const uint8_t *token, uint8_t tkl, const char *path,
                     size_t path_len, const char *query, size_t query_len, uint32_t block2,
                     uint8_t *out, size_t cap);

/* An empty ACK for message id mid (of a separate answer). Returns 4. */
size_t cw_encode_ack(uint16_t mid, uint8_t *out);

/* An empty RST for message id mid. Returns 4. */
size_t cw_encode_rst(uint16_t mid, uint8_t *out);

#endif
