/* femtod: a Femto-Containers device on Linux. The engine on the POSIX port,
 * a CoAP server (libcoap, block-wise transfer), and the hooks the daemon
 * fires itself (boot, timer, sensor samples). docs/deployment.md. */
#define _GNU_SOURCE
#include <coap3/coap.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "device.h"
#include "report.h"

#define USAGE                                                                                      \
    "usage: femtod --config FILE [--state DIR] [--listen ADDR] [--port N] [--verbose]\n"           \
    "  --config FILE   tenants, keys, quotas, timer and sensors (docs/deployment.md)\n"            \
    "  --state DIR     installed containers, key-value stores, sequence numbers\n"                 \
    "                  (default ./femtod-state)\n"                                                 \
    "  --listen ADDR   address to bind (default ::1)\n"                                            \
    "  --port N        UDP port (default 5683)\n"

static fd_device_t device; /* large (engine arena): static, one per process */
static fd_config_t config;
static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
    (void)sig;
    quit = 1;
}

/* ---- CoAP helpers -------------------------------------------------------------------- */

static void release_buffer(coap_session_t *session, void *app_ptr)
{
    (void)session;
    free(app_ptr);
}

static void respond(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
                    const coap_string_t *q, coap_pdu_t *resp, coap_pdu_code_t code, uint16_t format,
                    const void *data, size_t len)
{
    coap_pdu_set_code(resp, code);
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return;
    memcpy(copy, data, len);
    coap_add_data_large_response(r, s, req, resp, q, format, -1, 0, len, copy, release_buffer,
                                 copy);
}

static void respond_text(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
                         const coap_string_t *q, coap_pdu_t *resp, coap_pdu_code_t code,
                         const char *text)
{
    respond(r, s, req, q, resp, code, COAP_MEDIATYPE_TEXT_PLAIN, text, strlen(text));
}

/* CoAP response code for a refusal (docs/deployment.md lists them). */
static coap_pdu_code_t code_for(int status)
{
    switch (status) {
    case FC_OK:
        return COAP_RESPONSE_CODE(204);
    case FC_ERR_SIGNATURE:
        return COAP_RESPONSE_CODE(401);
    case FC_ERR_PERMISSION:
        return COAP_RESPONSE_CODE(403);
    case FC_ERR_ROLLBACK:
    case FC_ERR_CONDITION:
        return COAP_RESPONSE_CODE(412);
    case FC_ERR_SIZE:
    case FC_ERR_QUOTA:
    case FC_ERR_NO_RAM:
    case FC_ERR_NO_SLOT:
        return COAP_RESPONSE_CODE(413);
    case FC_ERR_NOT_FOUND:
        return COAP_RESPONSE_CODE(404);
    case FC_ERR_EXISTS:
        return COAP_RESPONSE_CODE(409);
    case FC_ERR_STORAGE:
        return COAP_RESPONSE_CODE(500);
    case FC_ERR_SUIT_UNSUPPORTED:
        return COAP_RESPONSE_CODE(501);
    default:
        /* verifier and image codes: the image itself is refused */
        if (status < 100 && status != FC_ERR_INVALID_ARG && status != FC_ERR_STATE)
            return COAP_RESPONSE_CODE(422);
        return COAP_RESPONSE_CODE(400);
    }
}

/* Whole request body (libcoap reassembles Block1 for us). */
static const uint8_t *body(const coap_pdu_t *req, size_t *len)
{
    const uint8_t *data = NULL;
    size_t offset = 0, total = 0;
    *len = 0;
    if (!coap_get_data_large(req, len, &data, &offset, &total))
        return NULL;
    return data;
}

static int accept_format(const coap_pdu_t *req)
{
    coap_opt_iterator_t it;
    coap_opt_t *opt = coap_check_option(req, COAP_OPTION_ACCEPT, &it);
    if (!opt)
        return FD_FMT_CBOR;
    return (int)coap_decode_var_bytes(coap_opt_value(opt), coap_opt_length(opt));
}

static void send_report(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
                        const coap_string_t *q, coap_pdu_t *resp, int slot)
{
    int fmt = accept_format(req);
    if (fmt != FD_FMT_CBOR && fmt != FD_FMT_JSON && fmt != FD_FMT_TEXT) {
        respond_text(r, s, req, q, resp, COAP_RESPONSE_CODE(406),
                     "Accept: 60 (CBOR, default), 50 (JSON) or 0 (text)");
        return;
    }
    size_t len = 0;
    uint8_t *doc = fd_report(&device, slot, fmt, &len);
    if (!doc) {
        respond_text(r, s, req, q, resp, COAP_RESPONSE_CODE(500), "out of memory");
        return;
    }
    coap_pdu_set_code(resp, COAP_RESPONSE_CODE(205));
    coap_add_data_large_response(r, s, req, resp, q, (uint16_t)fmt, -1, 0, len, doc, release_buffer,
                                 doc);
}

/* ---- resources -------------------------------------------------------------------------- */

static void post_suit(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
                      const coap_string_t *q, coap_pdu_t *resp)
{
    size_t len;
    const uint8_t *env = body(req, &len);
    fd_verdict_t v;
    if (!env || len == 0) {
        respond_text(r, s, req, q, resp, COAP_RESPONSE_CODE(400),
                     "refused: empty body (POST the SUIT envelope)");
        return;
    }
    fd_device_install(&device, env, len, &v);
    respond_text(r, s, req, q, resp, code_for(v.status), v.text);
}

static void get_list(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
                     const coap_string_t *q, coap_pdu_t *resp)
{
    send_report(r, s, req, q, resp, -1);
}

/* Split "c/NAME" or "app/NAME[/more]": 0 = other, 1 = c, 2 = app. */
static int route(const coap_pdu_t *req, char *name, size_t cap, char *path, size_t path_cap)
{
    coap_string_t *uri = coap_get_uri_path(req);
    if (!uri)
        return 0;
    int kind = 0;
    size_t n = uri->length < path_cap - 1 ? uri->length : path_cap - 1;
    memcpy(path, uri->s, n);
    path[n] = '\0';
    const char *rest = NULL;
    if (!strncmp(path, "c/", 2)) {
        kind = 1;
        rest = path + 2;
    } else if (!strncmp(path, "app/", 4)) {
        kind = 2;
        rest = path + 4;
    }
    if (kind) {
        size_t k = strcspn(rest, "/");
        if (k == 0 || k >= cap || (kind == 1 && rest[k]))
            kind = 0;
        else {
            memcpy(name, rest, k);
            name[k] = '\0';
        }
    }
    if (uri->length >= path_cap)
        kind = 0;
    coap_delete_string(uri);
    return kind;
}

static void app_request(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
                        const coap_string_t *q, coap_pdu_t *resp, const char *name,
                        const char *path)
{
    int slot = fd_device_find(&device, name);
    if (slot < 0) {
        respond_text(r, s, req, q, resp, COAP_RESPONSE_CODE(404), "no such container");
        return;
    }
    fc_hook_coap_ctx_t ctx;
    memset(&ctx, 0, sizeof ctx);
    size_t plen = strlen(path), len;
    const uint8_t *data = body(req, &len);
    if (plen > FC_COAP_PATH_MAX) {
        respond_text(r, s, req, q, resp, COAP_RESPONSE_CODE(414), "path longer than 64 bytes");
        return;
    }
    if (len > FC_COAP_PAYLOAD_MAX) {
        respond_text(r, s, req, q, resp, COAP_RESPONSE_CODE(413),
                     "payload longer than 128 bytes (FC_COAP_PAYLOAD_MAX)");
        return;
    }
    ctx.method = (uint8_t)coap_pdu_get_code(req);
    coap_opt_iterator_t it;
    coap_opt_t *cf = coap_check_option(req, COAP_OPTION_CONTENT_FORMAT, &it);
    ctx.content_format =
        cf ? (uint16_t)coap_decode_var_bytes(coap_opt_value(cf), coap_opt_length(cf)) : 0xffff;
    memcpy(ctx.path, path, plen);
    ctx.path_len = (uint16_t)plen;
    if (data && len)
        memcpy(ctx.payload, data, len);
    ctx.payload_len = (uint16_t)len;
    int st = fd_device_coap_call(&device, slot, &ctx);
    char msg[200];
    if (st == FC_ERR_NOT_FOUND) {
        respond_text(r, s, req, q, resp, COAP_RESPONSE_CODE(404),
                     "container is stopped or not attached to the coap hook");
    } else if (st != FC_OK) {
        const fc_error_t *f = &device.slots[slot].c->stats.last_fault;
        snprintf(msg, sizeof msg, "container faulted: %s (%d): %s", fc_status_name(st), st,
                 f->reason ? f->reason : fc_status_text(st));
        respond_text(r, s, req, q, resp, COAP_RESPONSE_CODE(500), msg);
    } else if (ctx.resp_code == 0) {
        respond_text(r, s, req, q, resp, COAP_RESPONSE_CODE(500),
                     "container gave no response (fc_coap_respond)");
    } else {
        size_t n = ctx.resp_len <= FC_COAP_PAYLOAD_MAX ? ctx.resp_len : FC_COAP_PAYLOAD_MAX;
        respond(r, s, req, q, resp, (coap_pdu_code_t)ctx.resp_code, ctx.resp_format,
                ctx.resp_payload, n);
    }
}

/* Every other path: /c/NAME (GET, DELETE) and /app/NAME[/...] (GET, POST, PUT, DELETE). */
static void dynamic(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
                    const coap_string_t *q, coap_pdu_t *resp)
{
    char name[FC_IMAGE_NAME_MAX + 1], path[256];
    int kind = route(req, name, sizeof name, path, sizeof path);
    coap_pdu_code_t method = coap_pdu_get_code(req);
    if (kind == 2) {
        app_request(r, s, req, q, resp, name, path);
        return;
    }
    if (kind != 1) {
        respond_text(r, s, req, q, resp, COAP_RESPONSE_CODE(404),
                     "no such resource (/suit, /c, /c/NAME, /app/NAME)");
        return;
    }
    int slot = fd_device_find(&device, name);
    if (slot < 0) {
        respond_text(r, s, req, q, resp, COAP_RESPONSE_CODE(404), "no such container");
    } else if (method == COAP_REQUEST_CODE_GET) {
        send_report(r, s, req, q, resp, slot);
    } else if (method == COAP_REQUEST_CODE_DELETE) {
        size_t len;
        const uint8_t *env = body(req, &len);
        fd_verdict_t v;
        if (!env || !len) {
            respond_text(r, s, req, q, resp, COAP_RESPONSE_CODE(401),
                         "refused: DELETE needs a signed removal envelope in the body "
                         "(femto rm -k KEY)");
            return;
        }
        fd_device_remove(&device, name, env, len, &v);
        respond_text(r, s, req, q, resp,
                     v.status == FC_OK ? COAP_RESPONSE_CODE(202) : code_for(v.status), v.text);
    } else {
        respond_text(r, s, req, q, resp, COAP_RESPONSE_CODE(405), "GET or DELETE");
    }
}

static coap_context_t *start_server(const char *listen, const char *port)
{
    coap_address_t addr;
    coap_address_init(&addr);
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST};
    struct addrinfo *res = NULL;
    if (getaddrinfo(listen, port, &hints, &res) != 0 || !res) {
        fprintf(stderr, "femtod: bad --listen address '%s' or --port '%s'\n", listen, port);
        return NULL;
    }
    addr.size = (socklen_t)res->ai_addrlen;
    memcpy(&addr.addr, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);

    coap_context_t *ctx = coap_new_context(NULL);
    if (!ctx)
        return NULL;
    coap_context_set_block_mode(ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
    coap_context_set_max_idle_sessions(ctx, 64);
    if (!coap_new_endpoint(ctx, &addr, COAP_PROTO_UDP)) {
        fprintf(stderr, "femtod: cannot listen on [%s]:%s\n", listen, port);
        coap_free_context(ctx);
        return NULL;
    }
    coap_resource_t *r = coap_resource_init(coap_make_str_const("suit"), 0);
    coap_register_handler(r, COAP_REQUEST_POST, post_suit);
    coap_add_attr(r, coap_make_str_const("title"), coap_make_str_const("\"SUIT push\""), 0);
    coap_add_resource(ctx, r);
    r = coap_resource_init(coap_make_str_const("c"), 0);
    coap_register_handler(r, COAP_REQUEST_GET, get_list);
    coap_add_attr(r, coap_make_str_const("title"), coap_make_str_const("\"containers\""), 0);
    coap_add_attr(r, coap_make_str_const("ct"), coap_make_str_const("60"), 0);
    coap_add_resource(ctx, r);
    r = coap_resource_unknown_init2(dynamic, 0);
    coap_register_handler(r, COAP_REQUEST_GET, dynamic);
    coap_register_handler(r, COAP_REQUEST_POST, dynamic);
    coap_register_handler(r, COAP_REQUEST_DELETE, dynamic);
    coap_add_resource(ctx, r);
    return ctx;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int main(int argc, char **argv)
{
    const char *cfg_path = NULL, *state = "femtod-state", *listen = "::1", *port = "5683";
    int verbose = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            verbose = 1;
            continue;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(USAGE, stdout);
            return 0;
        }
        if (!val) {
            fprintf(stderr, "femtod: unknown option or missing value: %s\n" USAGE, a);
            return 2;
        }
        if (!strcmp(a, "--config") || !strcmp(a, "-c"))
            cfg_path = val;
        else if (!strcmp(a, "--state") || !strcmp(a, "-s"))
            state = val;
        else if (!strcmp(a, "--listen") || !strcmp(a, "-l"))
            listen = val;
        else if (!strcmp(a, "--port") || !strcmp(a, "-p"))
            port = val;
        else {
            fprintf(stderr, "femtod: unknown option: %s\n" USAGE, a);
            return 2;
        }
        i++;
    }
    if (!cfg_path) {
        fputs("femtod: --config FILE is required\n" USAGE, stderr);
        return 2;
    }
    char msg[600];
    fd_config_defaults(&config);
    if (fd_config_load(&config, cfg_path, msg, sizeof msg) != 0) {
        fprintf(stderr, "femtod: configuration error: %s\n", msg);
        return 2;
    }
    if (fd_device_init(&device, &config, state, msg, sizeof msg) != 0) {
        fprintf(stderr, "femtod: %s\n", msg);
        return 1;
    }
    if (!verbose)
        device.posix.log_level_max = FC_LOG_INFO;

    coap_startup();
    coap_set_log_level(verbose ? LOG_INFO : LOG_ERR);
    coap_context_t *ctx = start_server(listen, port);
    if (!ctx)
        return 1;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);

    fd_device_fire_boot(&device);
    fprintf(stderr,
            "femtod: listening on coap://[%s]:%s, state in %s, %zu tenant(s), boot %" PRIu32 "\n",
            listen, port, state, config.n_tenants, device.boot_count);
    uint64_t start = now_ms();
    uint64_t next_timer = start + config.timer_period_ms;
    uint64_t next_sensor = start + config.sensor_period_ms;
    uint32_t tick = 0;
    while (!quit) {
        uint64_t now = now_ms();
        if (config.timer_period_ms && now >= next_timer) {
            fd_device_fire_timer(&device, tick++, config.timer_period_ms);
            next_timer += config.timer_period_ms;
            if (next_timer <= now) /* fell behind: do not fire a burst */
                next_timer = now + config.timer_period_ms;
        }
        if (config.sensor_period_ms && config.n_sensors && now >= next_sensor) {
            fd_device_fire_sensors(&device);
            next_sensor = now + config.sensor_period_ms;
        }
        uint64_t wait = 1000;
        if (config.timer_period_ms && next_timer - now < wait)
            wait = next_timer > now ? next_timer - now : 0;
        if (config.sensor_period_ms && config.n_sensors && next_sensor > now &&
            next_sensor - now < wait)
            wait = next_sensor - now;
        if (coap_io_process(ctx, (uint32_t)(wait ? wait : 1)) < 0)
            break;
    }
    fprintf(stderr, "femtod: stopping\n");
    coap_free_context(ctx);
    coap_cleanup();
    fd_device_close(&device);
    return 0;
}
