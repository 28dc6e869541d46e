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
#include "coap_pdu.h"
#include "fetch.h"
#include "platform_posix.h"
#include "server.h"

#define USAGE                                                                                      \
    "usage: femtod --config FILE [--state DIR] [--listen ADDR] [--port N] [--verbose]\n"           \
    "  --config FILE   tenants, keys, quotas, timer and sensors (docs/deployment.md)\n"            \
    "  --state DIR     installed containers, key-value stores, sequence numbers\n"                 \
    "                  (default ./femtod-state)\n"                                                 \
    "  --listen ADDR   address to bind (default ::1)\n"                                            \
    "  --port N        UDP port (default 5683)\n"

static fd_device_t device; /* large (engine arena): static, one per process */
static fd_posix_t posix;
static fd_config_t config;
static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
    (void)sig;
    quit = 1;
}

/* ---- CoAP glue: every resource goes through server.c ------------------------------- */

static fd_server_t server;

static uint64_t now_ms(void);

static void handle(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
                   const coap_string_t *q, coap_pdu_t *resp)
{
    (void)r;
    (void)q;
    char peer[FD_PEER_MAX + 1] = "?";
    const coap_address_t *remote = coap_session_get_addr_remote(s);
    if (remote) {
        size_t n = coap_print_addr(remote, (unsigned char *)peer, sizeof peer - 1);
        peer[n < sizeof peer ? n : sizeof peer - 1] = '\0';
    }
    static fd_request_t in; /* large (path buffer); one request at a time */
    fd_response_t out;
    fd_request_from_pdu(req, peer, now_ms(), &in);
    fd_server_handle(&server, &in, &out);
    if (fd_response_to_pdu(&out, resp) != 0) {
        coap_pdu_set_code(resp, COAP_RESPONSE_CODE(500));
        fprintf(stderr, "femtod: cannot build the response PDU\n");
    }
    fd_response_free(&out);
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
    /* No libcoap block mode: server.c does RFC 7959 itself, so that an
     * oversize upload is refused at its first block (docs/deployment.md). */
    coap_context_set_max_idle_sessions(ctx, 64);
    if (!coap_new_endpoint(ctx, &addr, COAP_PROTO_UDP)) {
        fprintf(stderr, "femtod: cannot listen on [%s]:%s\n", listen, port);
        coap_free_context(ctx);
        return NULL;
    }
    /* Every path goes to server.c, /.well-known/core included (its links
     * are server.c's, the same on the board), so libcoap's own answer for
     * it is replaced by a resource of that name. */
    coap_resource_t *r = coap_resource_init(coap_make_str_const(".well-known/core"), 0);
    coap_register_handler(r, COAP_REQUEST_GET, handle);
    coap_add_resource(ctx, r);
    r = coap_resource_unknown_init2(handle, 0);
    coap_register_handler(r, COAP_REQUEST_GET, handle);
    coap_register_handler(r, COAP_REQUEST_POST, handle);
    coap_register_handler(r, COAP_REQUEST_PUT, handle);
    coap_register_handler(r, COAP_REQUEST_DELETE, handle);
    /* so that server.c answers them (4.05 on /c/NAME and /app/NAME) */
    coap_register_handler(r, COAP_REQUEST_FETCH, handle);
    coap_register_handler(r, COAP_REQUEST_PATCH, handle);
    coap_register_handler(r, COAP_REQUEST_IPATCH, handle);
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
    if (fd_posix_init(&posix, state, msg, sizeof msg) != 0 ||
        fd_device_init(&device, &config, &posix.plat, msg, sizeof msg) != 0) {
        fprintf(stderr, "femtod: %s\n", msg);
        return 1;
    }
    if (!verbose)
        posix.port.log_level_max = FC_LOG_INFO;
    fd_server_init(&server, &device);
    device.fetch = fd_coap_fetch;

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
    fd_schedule_t schedule;
    fd_schedule_start(&schedule, &config, now_ms());
    while (!quit) {
        uint64_t now = now_ms();
        fd_schedule_run(&schedule, &device, now);
        uint64_t wait = fd_schedule_wait(&schedule, &config, now, 1000);
        if (coap_io_process(ctx, (uint32_t)(wait ? wait : 1)) < 0)
            break;
    }
    fprintf(stderr, "femtod: stopping\n");
    coap_free_context(ctx);
    coap_cleanup();
    fd_server_close(&server);
    fd_device_close(&device);
    return 0;
}
