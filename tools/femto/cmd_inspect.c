/* femto inspect [--key NAME.pub] FILE.suit|FILE.fc: what an envelope would
 * do on a device, without one. Decodes the envelope with the device's own
 * SUIT code (src/suit), evaluates its install sequence for femtod's vendor
 * and class, and prints sequence number, slot, hooks, priority, budget,
 * entry, image size and digest, integrated or fetched (URI), signature
 * algorithm and key id; for an integrated image, the image summary too.
 * With --key it authenticates the envelope against that public key the
 * way a device does (manifest digest, COSE_Sign1, integrated payload
 * digest): exit 0 when it verifies, 1 with the reason otherwise. A .fc
 * image is shown as `femto info` shows it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "femto/port_posix.h"
#include "femto/suit.h"
#include "fileio.h"
#include "image_tool.h"
#include "suit_write.h"

#define USAGE "usage: femto inspect [--key NAME.pub] FILE.suit|FILE.fc\n"

static void print_bytes_text(const char *label, fc_suit_bytes_t b)
{
    printf("%-14s ", label);
    for (size_t i = 0; i < b.len; i++) {
        uint8_t c = b.ptr[i];
        if (c >= 32 && c < 127)
            putchar(c);
        else
            printf("\\x%02x", c);
    }
    putchar('\n');
}

static void print_hex(const char *label, fc_suit_bytes_t b)
{
    printf("%-14s ", label);
    for (size_t i = 0; i < b.len; i++)
        printf("%02x", b.ptr[i]);
    putchar('\n');
}

static void print_refusal(const char *path, const char *what, const fc_error_t *err)
{
    printf("%s: %s: %s (%d) at byte %lu: %s\n", path, what, fc_status_name(err->code), err->code,
           err->where, err->reason ? err->reason : fc_status_text(err->code));
}

/* The femto component's parameters, as a device would apply them. */
static void print_params(const fc_suit_component_result_t *c)
{
    const fc_suit_params_t *p = &c->params;
    if (c->has_femto_slot)
        printf("%-14s %" PRIu32 "\n", "slot", c->femto_slot);
    const fc_suit_femto_t *f = &p->femto;
    printf("%-14s ", "hooks");
    if (!(p->has & FC_SUIT_HAS_FEMTO) || f->n_hooks == 0)
        printf("(none: the container is installed but runs on no hook)");
    for (size_t i = 0; i < f->n_hooks; i++)
        printf("%s%.*s", i ? ", " : "", (int)f->hook[i].len, (const char *)f->hook[i].ptr);
    putchar('\n');
    printf("%-14s %" PRId64 "\n", "priority", f->priority);
    printf("%-14s %" PRIu64 "%s\n", "epoch", f->epoch,
           f->epoch ? " (anti-rollback: (epoch, sequence))" : "");
    if (f->budget)
        printf("%-14s %" PRIu64 " instructions per run\n", "budget", f->budget);
    else
        printf("%-14s (tenant default)\n", "budget");
    if (f->entry.len)
        print_bytes_text("entry", f->entry);
    else
        printf("%-14s (the image's entry)\n", "entry");
    if (p->has & FC_SUIT_HAS_SIZE)
        printf("%-14s %" PRIu64 " bytes\n", "image size", p->image_size);
    if (p->has & FC_SUIT_HAS_DIGEST)
        print_hex(p->image_digest.alg == FC_COSE_ALG_SHA256 ? "image sha256" : "image digest",
                  p->image_digest.bytes);
    if (c->payload)
        printf("%-14s integrated in the envelope (\"%.*s\", %zu bytes)\n", "image",
               (int)c->payload->key.len, (const char *)c->payload->key.ptr, c->payload->data.len);
    else if (p->has & FC_SUIT_HAS_URI)
        print_bytes_text("image uri", p->uri);
    else if (p->image_size == 0)
        printf("%-14s none: a signed removal of the slot's container\n", "image");
}

static int inspect_image(const char *path)
{
    fc_image_file_t f;
    if (fc_image_file_load(path, &f) != 0)
        return 1;
    fc_image_print_info(stdout, path, &f.img);
    fc_image_file_free(&f);
    return 0;
}

static int inspect_envelope(const char *path, const uint8_t *env, size_t len, const char *key_path,
                            const fc_port_t *port)
{
    fc_suit_manifest_t m;
    fc_error_t err = {0};
    if (fc_suit_decode(env, len, &m, &err) != FC_OK) {
        print_refusal(path, "not a valid SUIT envelope", &err);
        return 1;
    }
    printf("%s: SUIT envelope, %zu bytes\n", path, len);
    printf("%-14s %" PRIu64 "\n", "sequence", m.sequence_number);
    for (size_t i = 0; i < m.n_signatures; i++) {
        const fc_suit_signature_t *s = &m.signature[i];
        printf("%-14s COSE_Sign1, alg %" PRId64 "%s", "signature", s->alg,
               s->alg == FC_COSE_ALG_ED25519 || s->alg == FC_COSE_ALG_EDDSA ? " (Ed25519)" : "");
        if (s->kid.len) {
            printf(", key id ");
            for (size_t k = 0; k < s->kid.len; k++)
                printf("%02x", s->kid.ptr[k]);
        } else {
            printf(", no key id (a device tries every tenant key)");
        }
        putchar('\n');
    }
    /* As a device: authenticate (manifest digest, signature), then run the
     * install sequence (vendor, class, integrated payload digest). */
    int rc = 0;
    char key_hex[17] = "";
    if (key_path) {
        fc_suit_key_t key = {.type = FC_SUIT_KEY_ED25519};
        size_t which = 0;
        if (fc_suit_key_load(key_path, key.public_key, &err) != FC_OK) {
            printf("%s: %s\n", key_path, err.reason);
            return 2;
        }
        /* the key as femto keygen prints it (first 8 bytes), to tell tenants apart */
        for (int i = 0; i < 8; i++)
            snprintf(key_hex + 2 * i, 3, "%02x", key.public_key[i]);
        if (fc_suit_authenticate(&m, port, &key, 1, &which, &err) != FC_OK) {
            print_refusal(path, "signature NOT valid for this key", &err);
            rc = 1;
        }
    }
    fc_suit_device_t dev = {.vendor_id = FC_SUIT_FEMTO_VENDOR_ID,
                            .class_id = FC_SUIT_FEMTOD_CLASS_ID};
    fc_suit_result_t r;
    if (fc_suit_evaluate(&m, port, &dev, FC_SUIT_RUN_INSTALL, &r, &err) != FC_OK) {
        print_refusal(path, "a femtod device would refuse its install sequence", &err);
        return 1;
    }
    if (!key_path)
        printf("%-14s not checked (give --key NAME.pub)\n", "verified");
    else if (rc == 0)
        printf("%-14s signature and digests valid for %s (key %s)\n", "verified", key_path,
               key_hex);
    printf("%-14s femtod's (vendor and class conditions hold)\n", "device class");
    for (size_t i = 0; i < r.n_components; i++)
        print_params(&r.component[i]);
    for (size_t i = 0; i < r.n_components; i++) {
        const fc_suit_payload_t *p = r.component[i].payload;
        if (!p || !p->data.len)
            continue;
        fc_image_file_t f;
        if (fc_image_file_from_bytes("image", p->data.ptr, p->data.len, &f) == 0) {
            fc_image_print_summary(stdout, "image", &f.img);
            fc_image_file_free(&f);
        } else {
            rc = 1;
        }
    }
    return rc;
}

int fc_cmd_inspect(int argc, char **argv)
{
    const char *key = NULL, *path = NULL;
    for (int i = 1; i < argc; i++) {
        if ((!strcmp(argv[i], "--key") || !strcmp(argv[i], "-k")) && i + 1 < argc) {
            key = argv[++i];
        } else if (argv[i][0] != '-' && !path) {
            path = argv[i];
        } else {
            fputs(USAGE, stderr);
            return 2;
        }
    }
    if (!path) {
        fputs(USAGE, stderr);
        return 2;
    }
    if (fc_image_file_is_image(path)) {
        if (key)
            fprintf(stderr, "femto inspect: %s is an image, not an envelope: --key ignored\n",
                    path);
        return inspect_image(path);
    }
    char *data = NULL, msg[256];
    size_t len = 0;
    if (fc_read_file(path, &data, &len, msg, sizeof msg) != 0) {
        fprintf(stderr, "femto inspect: %s\n", msg);
        return 1;
    }
    /* The POSIX port gives SHA-256 and Ed25519 (the device's own code);
     * nothing is written to its state folder. */
    fc_port_posix_t *port = calloc(1, sizeof *port);
    int rc = 1;
    if (!port || fc_port_posix_init(port, "/tmp") != FC_OK)
        fprintf(stderr, "femto inspect: cannot set up the crypto port\n");
    else
        rc = inspect_envelope(path, (const uint8_t *)data, len, key, &port->port);
    free(port);
    free(data);
    return rc;
}
