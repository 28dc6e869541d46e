/* femto sign: wrap a container image in a signed SUIT envelope (our
 * profile, docs/suit-profile.md): Ed25519 (COSE -19), sequence number, one
 * component ['femto', '<slot>'], image digest and size, install parameters,
 * the image as integrated payload "#app" (or --uri for a fetched one). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fileio.h"
#include "femto/engine.h"
#include "femto/image.h"
#include "femto/suit.h"
#include "suit_write.h"

#define USAGE                                                                                      \
    "usage: femto sign -k NAME.key -s SLOT -n SEQUENCE [--epoch E] [-u URI] [--hook NAME]...\n"    \
    "                  [--priority N] [--budget N] [--entry FUNC] [--class HEX16] -o OUT.suit\n"   \
    "                  IMAGE.fc\n"

static int parse_u64(const char *s, uint64_t *v)
{
    char *end;
    if (!s || !*s || *s == '-')
        return 0;
    *v = strtoull(s, &end, 0);
    return *end == '\0';
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* 32 hex digits (a UUID without dashes) */
static int parse_uuid(const char *s, uint8_t out[16])
{
    if (!s || strlen(s) != 32)
        return 0;
    for (size_t i = 0; i < 16; i++) {
        int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return 0;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 1;
}

typedef struct sign_args {
    fc_suit_write_opts_t o;
    const char *key, *out, *image;
    const char *hooks[FC_SUIT_MAX_HOOKS];
    uint8_t class_id[16];
    int have_slot, have_seq;
} sign_args_t;

/* A numeric field out of its range: named, with the range (-1: reported). */
static int range_error(const char *field, const char *val, const char *range)
{
    fprintf(stderr, "femto sign: %s %s is out of range: %s\n", field, val, range);
    return -1;
}

/* One option with its value at argv[*i + 1]; 0 on a bad option or value,
 * -1 when a numeric value is out of range (already reported). */
static int parse_option(sign_args_t *a, int argc, char **argv, int *i)
{
    const char *opt = argv[*i];
    const char *val = *i + 1 < argc ? argv[*i + 1] : NULL;
    uint64_t n;
    if (!val)
        return 0;
    (*i)++;
    if (!strcmp(opt, "-k") || !strcmp(opt, "--key")) {
        a->key = val;
    } else if (!strcmp(opt, "-o")) {
        a->out = val;
    } else if (!strcmp(opt, "-u") || !strcmp(opt, "--uri")) {
        a->o.uri = val;
    } else if (!strcmp(opt, "--entry")) {
        a->o.entry = val;
    } else if ((!strcmp(opt, "-s") || !strcmp(opt, "--slot")) && parse_u64(val, &n) &&
               n <= 999999) {
        a->o.slot = (uint32_t)n;
        a->have_slot = 1;
    } else if ((!strcmp(opt, "-n") || !strcmp(opt, "--sequence")) && parse_u64(val, &n)) {
        a->o.sequence = n;
        a->have_seq = 1;
    } else if (!strcmp(opt, "--epoch")) {
        if (!parse_u64(val, &n))
            return range_error("--epoch", val,
                               "0..18446744073709551615 (at most one above the "
                               "slot's last epoch)");
        a->o.epoch = n;
    } else if (!strcmp(opt, "--budget")) {
        if (!parse_u64(val, &n) || n == 0 || n > UINT32_MAX)
            return range_error("--budget", val, "1..4294967295 (instructions per run)");
        a->o.budget = n;
    } else if (!strcmp(opt, "--priority")) {
        char *end = NULL;
        errno = 0;
        long long p = strtoll(val, &end, 0);
        if (errno || !*val || *end || p < INT32_MIN || p > INT32_MAX)
            return range_error("--priority", val, "-2147483648..2147483647");
        a->o.priority = p;
    } else if (!strcmp(opt, "--hook") && a->o.n_hooks < FC_SUIT_MAX_HOOKS) {
        a->hooks[a->o.n_hooks++] = val;
    } else if (!strcmp(opt, "--class") && parse_uuid(val, a->class_id)) {
        a->o.class_id = a->class_id;
    } else {
        return 0;
    }
    return 1;
}

/* The container name in the image: the device's character set (engine.h). */
static int image_name_ok(const char *path, const char *image, size_t len)
{
    fc_image_t img;
    fc_error_t err;
    if (fc_image_parse(image, len, &img, &err) != FC_OK)
        return 1; /* not an image femto sign judges: the device will say why */
    int bad = fc_name_bad_char(img.name);
    if (bad < 0)
        return 1;
    fprintf(stderr,
            "femto sign: %s: container name '%s': character '%c' at %d is not allowed (%s; no "
            "leading .)\n",
            path, img.name, img.name[bad], bad, FC_NAME_CHARS_TEXT);
    return 0;
}

int fc_cmd_sign(int argc, char **argv)
{
    sign_args_t a;
    memset(&a, 0, sizeof a);
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] != '-' || !argv[i][1]) {
            a.image = argv[i];
        } else {
            int ok = parse_option(&a, argc, argv, &i);
            if (ok < 0)
                return 2;
            if (!ok) {
                fprintf(stderr, "femto sign: bad option or value near '%s'\n" USAGE, argv[i]);
                return 2;
            }
        }
    }
    if (!a.key || !a.out || !a.image || !a.have_slot || !a.have_seq) {
        fprintf(stderr, USAGE);
        return 2;
    }
    a.o.hooks = a.hooks;
    for (size_t i = 0; i < a.o.n_hooks; i++)
        for (size_t k = 0; k < i; k++)
            if (!strcmp(a.hooks[i], a.hooks[k])) {
                fprintf(stderr,
                        "femto sign: --hook %s given twice (a container attaches to a "
                        "hook once)\n",
                        a.hooks[i]);
                return 2;
            }
    if (a.o.n_hooks == 0)
        fprintf(stderr, "femto sign: warning: no --hook: the device installs the container, but "
                        "no hook runs it (femto call would answer 4.04); add --hook "
                        "coap|timer|boot|sensor|packet\n");

    uint8_t seed[FC_SUIT_SEED_LEN];
    fc_error_t err;
    char msg[256];
    char *image = NULL;
    uint8_t *env = NULL;
    size_t image_len = 0, env_len = 0;
    int rc = 1;
    if (fc_suit_key_load(a.key, seed, &err) != FC_OK) {
        fprintf(stderr, "femto sign: %s: %s\n", a.key, err.reason);
    } else if (fc_read_file(a.image, &image, &image_len, msg, sizeof msg) != 0) {
        fprintf(stderr, "femto sign: %s\n", msg);
    } else {
        a.o.image = (const uint8_t *)image;
        a.o.image_len = image_len;
        if (!image_name_ok(a.image, image, image_len))
            ; /* reported */
        else if (fc_suit_write_envelope(&a.o, seed, &env, &env_len, &err) != FC_OK)
            fprintf(stderr, "femto sign: %s\n", err.reason);
        else if (fc_write_file(a.out, env, env_len, msg, sizeof msg) != 0)
            fprintf(stderr, "femto sign: %s\n", msg);
        else {
            char epoch[40] = "";
            if (a.o.epoch)
                snprintf(epoch, sizeof epoch, " of epoch %" PRIu64, a.o.epoch);
            printf("%s: SUIT envelope, %zu bytes: slot %" PRIu32 ", sequence %" PRIu64
                   "%s, image %zu bytes%s%s, hooks ",
                   a.out, env_len, a.o.slot, a.o.sequence, epoch, image_len,
                   a.o.uri ? ", fetched from " : " (integrated)", a.o.uri ? a.o.uri : "");
            for (size_t i = 0; i < a.o.n_hooks; i++)
                printf("%s%s", i ? "," : "", a.hooks[i]);
            printf("%s, priority %" PRId64 ", budget ", a.o.n_hooks ? "" : "(none)", a.o.priority);
            if (a.o.budget)
                printf("%" PRIu64 "\n", a.o.budget);
            else
                printf("(tenant default)\n");
            rc = 0;
        }
    }
    memset(seed, 0, sizeof seed);
    free(image);
    free(env);
    return rc;
}
