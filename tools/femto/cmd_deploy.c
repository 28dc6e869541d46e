/* femto deploy: push a signed SUIT envelope to a device (POST /suit,
 * block-wise) and print its verdict. Exit 0 only when it was installed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coap_client.h"
#include "commands.h"
#include "fileio.h"

#define USAGE                                                                                      \
    "usage: femto deploy [-q] [--timeout SECONDS] [--retries N] coap://HOST[:PORT] FILE.suit\n"

/* RFC 7252 5.10.5: Max-Age defaults to 60 s. A device's 5.03 says how long
 * to wait; we wait that long (at most MAX_WAIT_S) before starting again. */
#define DEFAULT_MAX_AGE_S 60
#define MAX_WAIT_S 300

/* "\rapp.suit: 2048/3000 bytes [#########.....]" on the terminal. */
static void show_progress(void *user, size_t sent, size_t total)
{
    char bar[31];
    size_t fill = total ? sent * 30 / total : 30;
    for (size_t i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r%s: %zu/%zu bytes [%s]", (const char *)user, sent, total, bar);
}

int fc_cmd_deploy(int argc, char **argv)
{
    const char *uri = NULL, *file = NULL;
    int quiet = 0, timeout_s = 60;
    long retries = 5;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-q")) {
            quiet = 1;
        } else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
            timeout_s = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--retries") && i + 1 < argc) {
            char *end;
            retries = strtol(argv[++i], &end, 10);
            if (*end || retries < 0 || retries > 1000) {
                fprintf(stderr, "femto deploy: --retries wants 0..1000\n" USAGE);
                return 2;
            }
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "femto deploy: unknown option %s\n" USAGE, argv[i]);
            return 2;
        } else if (!uri) {
            uri = argv[i];
        } else if (!file) {
            file = argv[i];
        } else {
            fprintf(stderr, USAGE);
            return 2;
        }
    }
    if (!uri || !file || timeout_s <= 0) {
        fprintf(stderr, USAGE);
        return 2;
    }
    char *env = NULL, msg[256];
    size_t len = 0;
    if (fc_read_file(file, &env, &len, msg, sizeof msg) != 0) {
        fprintf(stderr, "femto deploy: %s\n", msg);
        return 1;
    }
    int tty = isatty(STDERR_FILENO) && !quiet;
    fc_coap_reply_t r;
    int rc;
    for (long attempt = 0;; attempt++) {
        rc = fc_coap_upload(uri, (const uint8_t *)env, len, timeout_s * 1000,
                            tty ? show_progress : NULL, (void *)file, &r);
        if (tty)
            fputc('\n', stderr);
        if (rc != 0 || r.code != 503 || attempt >= retries)
            break;
        /* 5.03: every upload slot of the device is taken; it says when to
         * come back (Max-Age). Show the wait, then start again at block 0. */
        int wait_s = r.max_age >= 0 ? r.max_age : DEFAULT_MAX_AGE_S;
        if (wait_s > MAX_WAIT_S)
            wait_s = MAX_WAIT_S;
        if (wait_s < 1)
            wait_s = 1;
        fprintf(stderr,
                "femto deploy: device busy (5.03 %s), waiting %d s (Max-Age) before retry %ld "
                "of %ld\n",
                r.data ? (char *)r.data : "", wait_s, attempt + 1, retries);
        fc_coap_reply_free(&r);
        sleep((unsigned)wait_s);
    }
    free(env);
    if (rc != 0) {
        fprintf(stderr, "femto deploy: %s: %s\n", uri, r.error);
        return 1;
    }
    char code[8];
    int ok = r.code / 100 == 2;
    fprintf(ok ? stdout : stderr, "%s %s\n", fc_coap_code_text(r.code, code),
            r.data ? (char *)r.data : "");
    fc_coap_reply_free(&r);
    return ok ? 0 : 1;
}
