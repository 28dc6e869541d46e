/* femto deploy: push a signed SUIT envelope to a device (POST /suit,
 * block-wise) and print its verdict. Exit 0 only when it was installed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coap_client.h"
#include "commands.h"
#include "fileio.h"

#define USAGE "usage: femto deploy [-q] [--timeout SECONDS] coap://HOST[:PORT] FILE.suit\n"

int fc_cmd_deploy(int argc, char **argv)
{
    const char *uri = NULL, *file = NULL;
    int quiet = 0, timeout_s = 60;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-q")) {
            quiet = 1;
        } else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
            timeout_s = atoi(argv[++i]);
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
    if (tty)
        fprintf(stderr, "uploading %s to %s: %zu bytes in %zu block(s) of 1024 ...", file, uri,
                len, (len + 1023) / 1024);
    fc_coap_reply_t r;
    int rc = fc_coap_deploy(uri, (const uint8_t *)env, len, timeout_s * 1000, &r);
    if (tty)
        fprintf(stderr, " %s\n", rc == 0 ? "sent" : "failed");
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
