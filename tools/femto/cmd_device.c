/* femto ls / status / rm / call: talk to a running device (femtod or a
 * board) over CoAP. docs/deployment.md shows each in use. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#include "coap_client.h"
#include "commands.h"
#include "femto/suit.h"
#include "suit_write.h"

#define TIMEOUT_MS 30000

/* One request to uri + path; prints the payload; exit status. */
static int simple_get(const char *cmd, const char *uri, const char *path, int accept)
{
    char base[256], msg[256], code[8];
    fc_coap_client_t *c = fc_coap_open(uri, base, sizeof base, msg, sizeof msg);
    if (!c) {
        fprintf(stderr, "femto %s: %s\n", cmd, msg);
        return 1;
    }
    fc_coap_reply_t r;
    int rc = fc_coap_request(c, FC_COAP_METHOD_GET, path, accept, -1, NULL, 0, TIMEOUT_MS, &r);
    fc_coap_close(c);
    if (rc != 0) {
        fprintf(stderr, "femto %s: %s: %s\n", cmd, uri, r.error);
        return 1;
    }
    int ok = r.code / 100 == 2;
    if (ok)
        fwrite(r.data, 1, r.len, stdout);
    else
        fprintf(stderr, "femto %s: %s %s\n", cmd, fc_coap_code_text(r.code, code), r.data);
    if (ok && r.len && r.data[r.len - 1] != '\n')
        putchar('\n');
    fc_coap_reply_free(&r);
    return ok ? 0 : 1;
}

/* A live view: the device's text table every interval seconds, the screen
 * cleared first on a terminal; count 0 runs until interrupted. */
static int watch(const char *cmd, const char *uri, double interval, long count)
{
    int tty = isatty(STDOUT_FILENO);
    int rc = 0;
    for (long i = 0; count == 0 || i < count; i++) {
        if (i) {
            struct timespec ts = {(time_t)interval,
                                  (long)((interval - (double)(time_t)interval) * 1e9)};
            nanosleep(&ts, NULL);
        }
        time_t now = time(NULL);
        char stamp[32];
        strftime(stamp, sizeof stamp, "%H:%M:%S", localtime(&now));
        if (tty)
            fputs("\033[H\033[2J", stdout);
        printf("femto %s %s   %s   every %.1f s%s\n", cmd, uri, stamp, interval,
               tty ? " (Ctrl-C quits)" : "");
        rc = simple_get(cmd, uri, "c", 0);
        fflush(stdout);
    }
    return rc;
}

/* --interval S, --count N; 1 when argv[*i] was one of them, -1 on a bad value. */
static int watch_option(int argc, char **argv, int *i, double *interval, long *count)
{
    if (strcmp(argv[*i], "--interval") && strcmp(argv[*i], "--count"))
        return 0;
    if (*i + 1 >= argc)
        return -1;
    const char *v = argv[++*i];
    char *end;
    if (!strcmp(argv[*i - 1], "--interval")) {
        *interval = strtod(v, &end);
        return (*end || *interval < 0.1 || *interval > 3600) ? -1 : 1;
    }
    *count = fc_cli_count(v);
    return *count > 0 ? 1 : -1;
}

#define LS_USAGE                                                                                   \
    "usage: femto ls [--json] [--watch] [--interval S] [--count N] coap://HOST[:PORT]\n"

int fc_cmd_ls(int argc, char **argv)
{
    int accept = 0; /* text table */
    int watching = 0;
    double interval = 2;
    long count = 0;
    const char *uri = NULL;
    for (int i = 1; i < argc; i++) {
        int w = watch_option(argc, argv, &i, &interval, &count);
        if (w < 0) {
            fputs(LS_USAGE, stderr);
            return 2;
        } else if (w) {
            watching = 1;
        } else if (!strcmp(argv[i], "--json")) {
            accept = 50;
        } else if (!strcmp(argv[i], "--watch")) {
            watching = 1;
        } else if (argv[i][0] != '-' && !uri) {
            uri = argv[i];
        } else {
            fputs(LS_USAGE, stderr);
            return 2;
        }
    }
    if (!uri || (watching && accept)) {
        fputs(LS_USAGE, stderr);
        return 2;
    }
    if (watching)
        return watch("ls", uri, interval, count);
    return simple_get("ls", uri, "c", accept);
}

#define TOP_USAGE "usage: femto top [--interval S] [--count N] coap://HOST[:PORT]\n"

int fc_cmd_top(int argc, char **argv)
{
    double interval = 2;
    long count = 0;
    const char *uri = NULL;
    for (int i = 1; i < argc; i++) {
        int w = watch_option(argc, argv, &i, &interval, &count);
        if (w < 0 || (!w && (argv[i][0] == '-' || uri))) {
            fputs(TOP_USAGE, stderr);
            return 2;
        }
        if (!w)
            uri = argv[i];
    }
    if (!uri) {
        fputs(TOP_USAGE, stderr);
        return 2;
    }
    return watch("top", uri, interval, count);
}

int fc_cmd_status(int argc, char **argv)
{
    int json = argc == 4 && !strcmp(argv[1], "--json");
    if (argc != 3 && !json) {
        fprintf(stderr, "usage: femto status [--json] coap://HOST[:PORT] NAME\n");
        return 2;
    }
    char path[128];
    snprintf(path, sizeof path, "c/%s", argv[argc - 1]);
    return simple_get("status", argv[argc - 2], path, json ? 50 : 0);
}

/* The number after "key": in a flat JSON object (our own status document). */
static int json_u64(const char *doc, const char *key, uint64_t *v)
{
    char pat[40];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(doc, pat);
    if (!p)
        return 0;
    *v = strtoull(p + strlen(pat), NULL, 10);
    return 1;
}

/* Removal is authenticated like an install: a SUIT envelope for the slot,
 * signed by the owner, with the next version and an empty image. The next
 * version of (epoch, seq) is (epoch, seq + 1), or at the top of the sequence
 * space (epoch + 1, 0): it never wraps to an older one (docs/suit-profile.md,
 * "Epochs"). */
static fc_suit_version_t next_version(fc_suit_version_t v)
{
    if (v.seq == UINT64_MAX)
        return (fc_suit_version_t){.epoch = v.epoch + 1, .seq = 0};
    return (fc_suit_version_t){.epoch = v.epoch, .seq = v.seq + 1};
}

int fc_cmd_rm(int argc, char **argv)
{
    const char *key = NULL, *uri = NULL, *name = NULL;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-k") && i + 1 < argc)
            key = argv[++i];
        else if (argv[i][0] != '-' && !uri)
            uri = argv[i];
        else if (argv[i][0] != '-' && !name)
            name = argv[i];
        else
            key = NULL, uri = NULL, i = argc;
    if (!key || !uri || !name) {
        fprintf(stderr, "usage: femto rm -k TENANT.key coap://HOST[:PORT] NAME\n");
        return 2;
    }
    uint8_t seed[FC_SUIT_SEED_LEN];
    fc_error_t err;
    if (fc_suit_key_load(key, seed, &err) != FC_OK) {
        fprintf(stderr, "femto rm: %s: %s\n", key, err.reason);
        return 1;
    }
    char base[256], msg[256], path[128], code[8];
    snprintf(path, sizeof path, "c/%s", name);
    fc_coap_client_t *c = fc_coap_open(uri, base, sizeof base, msg, sizeof msg);
    if (!c) {
        fprintf(stderr, "femto rm: %s\n", msg);
        return 1;
    }
    fc_coap_reply_t r;
    uint64_t slot = 0, seq = 0, epoch = 0;
    int rc = 1;
    if (fc_coap_request(c, FC_COAP_METHOD_GET, path, 50, -1, NULL, 0, TIMEOUT_MS, &r) != 0) {
        fprintf(stderr, "femto rm: %s: %s\n", uri, r.error);
    } else if (r.code != 205 || !json_u64((char *)r.data, "slot", &slot) ||
               !json_u64((char *)r.data, "seq", &seq)) {
        fprintf(stderr, "femto rm: %s: %s %s\n", name, fc_coap_code_text(r.code, code), r.data);
    } else {
        static const uint8_t nothing[1];
        json_u64((char *)r.data, "epoch", &epoch); /* absent (older device): 0 */
        fc_suit_version_t next = next_version((fc_suit_version_t){.epoch = epoch, .seq = seq});
        fc_suit_write_opts_t o = {.sequence = next.seq,
                                  .epoch = next.epoch,
                                  .slot = (uint32_t)slot,
                                  .image = nothing,
                                  .image_len = 0};
        uint8_t *env = NULL;
        size_t len = 0;
        fc_coap_reply_free(&r);
        if (fc_suit_write_envelope(&o, seed, &env, &len, &err) != FC_OK) {
            fprintf(stderr, "femto rm: cannot sign the removal: %s\n", err.reason);
        } else if (fc_coap_request(c, FC_COAP_METHOD_DELETE, path, -1, 60, env, len, TIMEOUT_MS,
                                   &r) != 0) {
            fprintf(stderr, "femto rm: %s: %s\n", uri, r.error);
        } else {
            rc = r.code / 100 == 2 ? 0 : 1;
            fprintf(rc ? stderr : stdout, "%s %s\n", fc_coap_code_text(r.code, code), r.data);
        }
        free(env);
    }
    fc_coap_reply_free(&r);
    memset(seed, 0, sizeof seed);
    fc_coap_close(c);
    return rc;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define CALL_USAGE                                                                                 \
    "usage: femto call [-m get|post|put|delete] [-d TEXT] [--repeat N] coap://HOST[:PORT] "        \
    "NAME[/PATH]\n"

int fc_cmd_call(int argc, char **argv)
{
    const char *uri = NULL, *name = NULL, *data = NULL;
    int method = FC_COAP_METHOD_GET;
    long repeat = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-m") && i + 1 < argc) {
            const char *m = argv[++i];
            method = !strcmp(m, "get")      ? 1
                     : !strcmp(m, "post")   ? 2
                     : !strcmp(m, "put")    ? 3
                     : !strcmp(m, "delete") ? 4
                                            : 0;
        } else if (!strcmp(a, "-d") && i + 1 < argc) {
            data = argv[++i];
        } else if (!strcmp(a, "--repeat") && i + 1 < argc) {
            repeat = strtol(argv[++i], NULL, 10);
        } else if (a[0] != '-' && !uri) {
            uri = a;
        } else if (a[0] != '-' && !name) {
            name = a;
        } else {
            method = 0;
        }
    }
    if (!uri || !name || !method || repeat < 1) {
        fputs(CALL_USAGE, stderr);
        return 2;
    }
    if (data && method == FC_COAP_METHOD_GET)
        method = FC_COAP_METHOD_POST;
    char base[256], msg[256], path[256], code[8];
    snprintf(path, sizeof path, "app/%s", name);
    fc_coap_client_t *c = fc_coap_open(uri, base, sizeof base, msg, sizeof msg);
    if (!c) {
        fprintf(stderr, "femto call: %s\n", msg);
        return 1;
    }
    long errors = 0;
    fc_coap_reply_t r = {0};
    double t0 = seconds();
    for (long i = 0; i < repeat; i++) {
        fc_coap_reply_free(&r);
        if (fc_coap_request(c, method, path, -1, data ? 0 : -1, (const uint8_t *)data,
                            data ? strlen(data) : 0, TIMEOUT_MS, &r) != 0 ||
            r.code / 100 != 2)
            errors++;
    }
    double dt = seconds() - t0;
    fc_coap_close(c);
    int rc = errors ? 1 : 0;
    if (!r.code)
        fprintf(stderr, "femto call: %s: %s\n", uri, r.error);
    else if (repeat == 1 || rc)
        fprintf(rc ? stderr : stdout, "%s%s%s\n", rc ? fc_coap_code_text(r.code, code) : "",
                rc ? " " : "", r.data ? (char *)r.data : "");
    if (repeat > 1)
        printf("%ld requests, %ld errors, %.3f s, %.0f requests/s\n", repeat, errors, dt,
               dt > 0 ? (double)repeat / dt : 0.0);
    fc_coap_reply_free(&r);
    return rc;
}
