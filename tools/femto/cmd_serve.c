/* femto serve: a small CoAP server that hands out the files of one folder
 * by GET, block-wise (RFC 7959, done by libcoap), so that a device can
 * fetch an image named by a manifest's URI (femto sign -u URI):
 *
 *   femto serve --port 5700 images/ &
 *   femto sign -k alice.key -s 0 -n 3 -u coap://[::1]:5700/app.fc -o app.suit app.fc
 *   femto deploy coap://[::1]:5683 app.suit
 *
 * Only plain files directly under the folder or its subfolders are served;
 * "..", "." and empty segments are refused. Runs until SIGINT/SIGTERM. */
#define _GNU_SOURCE
#include <coap3/coap.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "fileio.h"

#define SERVE_USAGE                                                                                \
    "usage: femto serve [--listen ADDR] [--port N] [-v] DIR\n"                                     \
    "  serves DIR's files by CoAP GET (block-wise) on coap://[ADDR]:N/NAME\n"                      \
    "  (default ::1 and 5683); -v logs each request to stderr\n"

#define SERVE_FILE_MAX (1u << 20)

static volatile sig_atomic_t serve_quit;
static const char *serve_dir;
static int serve_verbose;

static void serve_on_signal(int sig)
{
    (void)sig;
    serve_quit = 1;
}

static void release(coap_session_t *s, void *p)
{
    (void)s;
    free(p);
}

static void answer_text(coap_pdu_t *resp, coap_pdu_code_t code, const char *text)
{
    coap_pdu_set_code(resp, code);
    coap_add_data(resp, strlen(text), (const uint8_t *)text);
}

static void serve_get(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
                      const coap_string_t *q, coap_pdu_t *resp)
{
    coap_string_t *uri = coap_get_uri_path(req);
    char rel[512];
    size_t n = uri ? uri->length : 0;
    int ok = uri && n > 0 && n < sizeof rel;
    if (ok) {
        memcpy(rel, uri->s, n);
        rel[n] = '\0';
        ok = !memchr(rel, '\0', n);
        for (const char *p = rel; ok && *p;) { /* no "..", "." or empty segment */
            size_t k = strcspn(p, "/");
            if (k == 0 || (k == 1 && p[0] == '.') || (k == 2 && p[0] == '.' && p[1] == '.'))
                ok = 0;
            p += k + (p[k] == '/');
        }
    }
    coap_delete_string(uri);
    if (!ok) {
        answer_text(resp, COAP_RESPONSE_CODE(400), "bad path");
        return;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", serve_dir, rel);
    struct stat st;
    char *data = NULL, err[160];
    size_t len = 0;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > SERVE_FILE_MAX ||
        fc_read_file(path, &data, &len, err, sizeof err) != 0) {
        if (serve_verbose)
            fprintf(stderr, "femto serve: GET /%s -> 4.04\n", rel);
        answer_text(resp, COAP_RESPONSE_CODE(404), "no such file");
        return;
    }
    if (serve_verbose)
        fprintf(stderr, "femto serve: GET /%s -> 2.05 (%zu bytes)\n", rel, len);
    coap_pdu_set_code(resp, COAP_RESPONSE_CODE(205));
    coap_add_data_large_response(r, s, req, resp, q, COAP_MEDIATYPE_APPLICATION_OCTET_STREAM, -1, 0,
                                 len, (const uint8_t *)data, release, data);
}

int fc_cmd_serve(int argc, char **argv)
{
    const char *listen = "::1", *port = "5683";
    serve_dir = NULL;
    serve_verbose = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v")) {
            serve_verbose = 1;
        } else if ((!strcmp(argv[i], "--listen") || !strcmp(argv[i], "--port")) && i + 1 < argc) {
            if (argv[i][2] == 'l')
                listen = argv[++i];
            else
                port = argv[++i];
        } else if (argv[i][0] != '-' && !serve_dir) {
            serve_dir = argv[i];
        } else {
            fputs(SERVE_USAGE, stderr);
            return 2;
        }
    }
    struct stat st;
    if (!serve_dir || stat(serve_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "femto serve: %s is not a folder\n%s", serve_dir ? serve_dir : "(none)",
                SERVE_USAGE);
        return 2;
    }
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST};
    struct addrinfo *res = NULL;
    if (getaddrinfo(listen, port, &hints, &res) != 0 || !res) {
        fprintf(stderr, "femto serve: bad --listen '%s' or --port '%s'\n", listen, port);
        return 2;
    }
    coap_address_t addr;
    coap_address_init(&addr);
    addr.size = (socklen_t)res->ai_addrlen;
    memcpy(&addr.addr, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    coap_startup();
    coap_set_log_level(LOG_EMERG);
    coap_context_t *ctx = coap_new_context(NULL);
    if (!ctx || !coap_new_endpoint(ctx, &addr, COAP_PROTO_UDP)) {
        fprintf(stderr, "femto serve: cannot listen on [%s]:%s\n", listen, port);
        if (ctx)
            coap_free_context(ctx);
        return 1;
    }
    coap_context_set_block_mode(ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
    coap_resource_t *r = coap_resource_unknown_init2(NULL, 0);
    coap_register_handler(r, COAP_REQUEST_GET, serve_get);
    coap_add_resource(ctx, r);
    signal(SIGINT, serve_on_signal);
    signal(SIGTERM, serve_on_signal);
    fprintf(stderr, "femto serve: serving %s on coap://[%s]:%s/\n", serve_dir, listen, port);
    while (!serve_quit)
        if (coap_io_process(ctx, 500) < 0)
            break;
    coap_free_context(ctx);
    coap_cleanup();
    return 0;
}
