/* sensor_coap: answer a CoAP GET with a sensor reading as text.
 *
 * Hook: coap. GET /.../N reads sensor N (0..9, default 0) and answers
 * 2.05 "21.300" (the port's unit is milli-degrees); another method gets
 * 4.05, a missing sensor 4.04. */
#include <femto.h>

/* "-12.345" from -12345: the decimal of a milli-unit value. A real
 * eBPF-to-eBPF call (noinline), no helper involved. */
static __attribute__((noinline)) uint32_t format_milli(char *out, int32_t v)
{
    char digits[12];
    uint32_t n = 0, len = 0;
    uint32_t u = v < 0 ? (uint32_t)(-(int64_t)v) : (uint32_t)v;
    uint32_t whole = u / 1000, frac = u % 1000;
    if (v < 0)
        out[len++] = '-';
    do {
        digits[n++] = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    while (n)
        out[len++] = digits[--n];
    out[len++] = '.';
    out[len++] = (char)('0' + frac / 100);
    out[len++] = (char)('0' + frac / 10 % 10);
    out[len++] = (char)('0' + frac % 10);
    return len;
}

FC_ENTRY(sensor_coap)
{
    const fc_hook_coap_ctx_t *req = ctx;
    if (ctx_len < sizeof *req)
        return 1;
    if (req->method != FC_COAP_GET) {
        fc_coap_respond(FC_COAP_CODE(4, 5), FC_COAP_FORMAT_TEXT, "GET only", 8);
        return 0;
    }
    uint32_t index = 0;
    if (req->path_len > 0 && req->path_len <= FC_COAP_PATH_MAX) {
        char last = req->path[req->path_len - 1];
        if (last >= '0' && last <= '9')
            index = (uint32_t)(last - '0');
    }
    int32_t value;
    if (fc_sensor_read(index, &value) < 0) {
        fc_coap_respond(FC_COAP_NOT_FOUND, FC_COAP_FORMAT_TEXT, "no such sensor", 14);
        return 0;
    }
    char text[16];
    uint32_t n = format_milli(text, value);
    fc_coap_respond(FC_COAP_CONTENT, FC_COAP_FORMAT_TEXT, text, n);
    return 0;
}
