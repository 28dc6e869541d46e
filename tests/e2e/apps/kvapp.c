/* kvapp: the container the end-to-end tests deploy (hook: coap).
 *
 *   GET  .../count   add one to "n" in the local store, answer "vVERSION n=N"
 *   GET  .../secret  answer the tenant store's "secret" ("none" if absent)
 *   POST .../secret  store the payload as the tenant's "secret"
 *   GET  .../loop    spin forever (the budget stops it: a clean fault)
 *   anything else    answer "vVERSION"
 * VERSION comes from femto build -D VERSION=N, so an update is visible. */
#include <femto.h>

#ifndef VERSION
#define VERSION 1
#endif

static int ends_with(const fc_hook_coap_ctx_t *req, const char *word, uint32_t n)
{
    if (req->path_len < n || req->path_len > FC_COAP_PATH_MAX)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        if (req->path[req->path_len - n + i] != word[i])
            return 0;
    return 1;
}

static __attribute__((noinline)) uint32_t put_uint(char *out, uint64_t v)
{
    char digits[20];
    uint32_t n = 0, len = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < sizeof digits);
    while (n)
        out[len++] = digits[--n];
    return len;
}

FC_ENTRY(kvapp)
{
    const fc_hook_coap_ctx_t *req = ctx;
    char text[48];
    uint32_t len = 0;
    if (ctx_len < sizeof *req)
        return 1;
    text[len++] = 'v';
    len += put_uint(text + len, VERSION);
    if (ends_with(req, "count", 5)) {
        uint64_t n = 0;
        if (fc_kv_local_get(FC_KEY("n"), &n, sizeof n) != sizeof n)
            n = 0;
        n++;
        if (fc_kv_local_set(FC_KEY("n"), &n, sizeof n) < 0)
            return 2;
        text[len++] = ' ';
        text[len++] = 'n';
        text[len++] = '=';
        len += put_uint(text + len, n);
    } else if (ends_with(req, "secret", 6) && req->method == FC_COAP_POST) {
        uint32_t plen = req->payload_len <= 32 ? req->payload_len : 32;
        if (fc_kv_tenant_set(FC_KEY("secret"), req->payload, plen) < 0)
            return 3;
        fc_coap_respond(FC_COAP_CHANGED, FC_COAP_FORMAT_TEXT, "stored", 6);
        return 0;
    } else if (ends_with(req, "secret", 6)) {
        char value[32];
        long n = fc_kv_tenant_get(FC_KEY("secret"), value, sizeof value);
        if (n < 0) {
            fc_coap_respond(FC_COAP_CONTENT, FC_COAP_FORMAT_TEXT, "none", 4);
            return 0;
        }
        fc_coap_respond(FC_COAP_CONTENT, FC_COAP_FORMAT_TEXT, value, (uint32_t)n);
        return 0;
    } else if (ends_with(req, "loop", 4)) {
        volatile uint64_t spin = 0;
        for (;;)
            spin++;
    }
    fc_coap_respond(FC_COAP_CONTENT, FC_COAP_FORMAT_TEXT, text, len);
    return 0;
}
