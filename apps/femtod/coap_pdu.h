/* libcoap PDUs to and from server.h's requests and responses, the options
 * mapped by apps/device/coap_map.c (as on the board). No sockets: main.c
 * and fuzz/fuzz_coap.c both use it. */
#ifndef FEMTOD_COAP_PDU_H
#define FEMTOD_COAP_PDU_H

#include <coap3/coap.h>

#include "server.h"

/* Fill req from pdu (payload points into pdu). Malformed or duplicated
 * options we read, and unknown critical ones, set req->bad_option. */
void fd_request_from_pdu(const coap_pdu_t *pdu, const char *peer, uint64_t now_ms,
                         fd_request_t *req);

/* Set code, options and payload of out from resp. 0, or -1 when libcoap
 * refused an option or the payload (out is then unusable). */
int fd_response_to_pdu(const fd_response_t *resp, coap_pdu_t *out);

#endif
