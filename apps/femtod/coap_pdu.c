/* libcoap PDU <-> fd_request_t / fd_response_t (coap_pdu.h): libcoap parses
 * and builds the messages; what the options mean is coap_map.c's. */
#include "coap_pdu.h"

#include <string.h>

#include "coap_map.h"

/* The header and payload from libcoap; each option through the shared
 * mapping (apps/device/coap_map.c). */
void fd_request_from_pdu(const coap_pdu_t *pdu, const char *peer, uint64_t now_ms,
                         fd_request_t *req)
{
    fd_request_start(req, (uint8_t)coap_pdu_get_code(pdu), (uint16_t)coap_pdu_get_mid(pdu), peer,
                     now_ms);
    coap_opt_iterator_t it;
    coap_opt_t *opt;
    coap_option_iterator_init(pdu, &it, COAP_OPT_ALL);
    while ((opt = coap_option_next(&it)))
        fd_request_option(req, it.number, coap_opt_value(opt), coap_opt_length(opt));
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

int fd_response_to_pdu(const fd_response_t *resp, coap_pdu_t *out)
{
    coap_pdu_set_code(out, (coap_pdu_code_t)resp->code);
    coap_optlist_t *opts = NULL;
    int ok = 1;
    fd_option_t o[FD_RESPONSE_OPTIONS];
    size_t n = fd_response_options(resp, o);
    for (size_t i = 0; i < n; i++)
        ok &= add_uint(&opts, o[i].number, o[i].value);
    if (ok && opts)
        ok = coap_add_optlist_pdu(out, &opts);
    coap_delete_optlist(opts);
    if (ok && resp->payload_len)
        ok = coap_add_data(out, resp->payload_len, resp->payload);
    return ok ? 0 : -1;
}
