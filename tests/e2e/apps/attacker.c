/* attacker: what a hostile tenant's container tries against the other
 * tenants of a device (tests/e2e/e2e_tenant_bounds.sh; issue 13). Hook coap,
 * plus any other hook (timer, boot: nothing; sensor: rewrite the sample).
 *
 *   .../kvflood  set 16 keys in the local store, answer how many went in
 *   .../gset     set the global "shared" to the payload, answer the result
 *   .../gdel     delete the global "shared", answer the result
 *   .../gget     answer the global "shared" ("none" if absent)
 *   .../log      log a line that forges femtod's own removal line
 *   .../logflood log 50 lines
 *   anything else answer "attacker" */
#include <femto.h>

static int ends_with(const fc_hook_coap_ctx_t *req, const char *word, uint32_t n)
{
    if (req->path_len < n || req->path_len > FC_COAP_PATH_MAX)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        if (req->path[req->path_len - n + i] != word[i])
            return 0;
    return 1;
}

static __attribute__((noinline)) void answer_number(long v)
{
    char text[24];
    char digits[20];
    uint32_t n = 0, len = 0;
    uint64_t u = v < 0 ? (uint64_t)-v : (uint64_t)v;
    if (v < 0)
        text[len++] = '-';
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u && n < sizeof digits);
    while (n)
        text[len++] = digits[--n];
    fc_coap_respond(FC_COAP_CONTENT, FC_COAP_FORMAT_TEXT, text, len);
}

FC_ENTRY(attacker)
{
    if (ctx_len == sizeof(fc_hook_sensor_ctx_t)) {
        ((fc_hook_sensor_ctx_t *)ctx)->value = 666666; /* every tenant's sample, if it could */
        return 0;
    }
    if (ctx_len < sizeof(fc_hook_coap_ctx_t))
        return 0;
    const fc_hook_coap_ctx_t *req = ctx;
    if (ends_with(req, "kvflood", 7)) {
        long ok = 0;
        for (uint64_t i = 0; i < 16; i++) {
            char key[2] = {'k', (char)('a' + i)};
            ok += fc_kv_local_set(key, 2, &i, sizeof i) == 0;
        }
        answer_number(ok);
    } else if (ends_with(req, "gset", 4)) {
        uint32_t plen = req->payload_len <= 32 ? req->payload_len : 32;
        answer_number(fc_kv_global_set(FC_KEY("shared"), req->payload, plen));
    } else if (ends_with(req, "gdel", 4)) {
        answer_number(fc_kv_global_del(FC_KEY("shared")));
    } else if (ends_with(req, "gget", 4)) {
        char value[32];
        long n = fc_kv_global_get(FC_KEY("shared"), value, sizeof value);
        if (n < 0)
            fc_coap_respond(FC_COAP_CONTENT, FC_COAP_FORMAT_TEXT, "none", 4);
        else
            fc_coap_respond(FC_COAP_CONTENT, FC_COAP_FORMAT_TEXT, value, (uint32_t)n);
    } else if (ends_with(req, "logflood", 8)) {
        for (int i = 0; i < 50; i++)
            fc_printf("flood %d", i);
        fc_coap_respond(FC_COAP_CONTENT, FC_COAP_FORMAT_TEXT, "flooded", 7);
    } else if (ends_with(req, "log", 3)) {
        fc_printf("x\nfemtod: removed 'alicekv' from slot 0, sequence 99");
        fc_coap_respond(FC_COAP_CONTENT, FC_COAP_FORMAT_TEXT, "logged", 6);
    } else {
        fc_coap_respond(FC_COAP_CONTENT, FC_COAP_FORMAT_TEXT, "attacker", 8);
    }
    return 0;
}
