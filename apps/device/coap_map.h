/* CoAP options to and from the socket-free requests and responses of
 * server.h: the one mapping both PDU backends use (femtod's libcoap one,
 * apps/femtod/coap_pdu.c, and the board's own, firmware/app/coap_wire.c).
 * A backend reads the message's header, options and payload; this file
 * decides what each option means to the resources. */
#ifndef FEMTOD_COAP_MAP_H
#define FEMTOD_COAP_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "server.h"

/* The option numbers the device reads or writes (RFC 7252, 7959). */
enum {
    FD_OPT_URI_HOST = 3,
    FD_OPT_URI_PORT = 7,
    FD_OPT_URI_PATH = 11,
    FD_OPT_CONTENT_FORMAT = 12,
    FD_OPT_MAX_AGE = 14,
    FD_OPT_URI_QUERY = 15,
    FD_OPT_ACCEPT = 17,
    FD_OPT_BLOCK2 = 23,
    FD_OPT_BLOCK1 = 27,
    FD_OPT_SIZE2 = 28,
    FD_OPT_SIZE1 = 60,
};

/* Start req for a request with code (0.01..0.31: the method), message id
 * mid, from peer ("[address]:port" or "address:port"), at now_ms. */
void fd_request_start(fd_request_t *req, uint8_t code, uint16_t mid, const char *peer,
                      uint64_t now_ms);

/* Add the option `number` with value[0..len), in the message's order.
 * Malformed or repeated options the device reads, and unknown critical
 * ones, set req->bad_option (the server answers 4.02). */
void fd_request_option(fd_request_t *req, uint32_t number, const uint8_t *value, size_t len);

/* The options of resp, in increasing number order, each an unsigned
 * integer; returns how many (at most FD_RESPONSE_OPTIONS). */
#define FD_RESPONSE_OPTIONS 6
typedef struct fd_option {
    uint16_t number;
    uint32_t value;
} fd_option_t;
size_t fd_response_options(const fd_response_t *resp, fd_option_t out[FD_RESPONSE_OPTIONS]);

#endif
