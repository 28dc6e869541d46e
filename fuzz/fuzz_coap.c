/* libFuzzer target: femtod's CoAP request handlers (apps/device/server.c,
 * coap_pdu.c, device.c, report.c) on arbitrary requests, without sockets.
 *
 * The device is real: the POSIX port in a temporary state directory (on
 * /dev/shm when there is one), one tenant with an Ed25519 key, and the
 * container given by FUZZ_COAP_IMAGE (a `femto build` image attached to
 * the coap hook, e.g. tests/e2e/apps/kvapp.c) installed in slot 0 with
 * sequence 1. Every input starts from that state (the directory is copied
 * back whenever a request wrote to it).
 *
 * Input: a sequence of records [ctl][len hi][len lo][len bytes of a CoAP
 * message]. ctl bits 0-2 pick one of 8 peers (Block1 uploads are per
 * peer and path), bits 3-7 advance the clock by that many times 2 s (an
 * upload idle for 30 s is dropped). In the FIRST record, where the clock
 * does not matter yet, bits 3-7 (v) pick max_envelope instead: 3072 for
 * v = 0, else 64 * v bytes (64..1984), so that uploads reach the limit
 * within a few blocks. Each message is parsed by libcoap
 * (coap_pdu_parse), converted by fd_request_from_pdu, answered by
 * fd_server_handle and turned back into a PDU by fd_response_to_pdu.
 *
 * Aborts on any of these (on top of ASan/UBSan):
 *   - a response code that is not 2.xx/4.xx/5.xx, a payload outside the
 *     body or over 1024 bytes, a response PDU libcoap cannot build;
 *   - 2.31 Continue to anything but a Block1 block with M=1;
 *   - more uploads than FD_MAX_UPLOADS, an upload holding more than its limit;
 *   - installed containers changing (slot, name, generation, sequence,
 *     tenant, image bytes) after a request that was not answered 2.04
 *     on POST /suit or 2.02 on DELETE /c/NAME;
 *   - an (epoch, sequence number) going down, or an epoch going up by more
 *     than one;
 *   - after a change, a second device opened on the same state directory
 *     that does not see exactly the same containers;
 *   - tenant isolation (issue 13): a second tenant (victim, slot 3, whose
 *     key the inputs never sign with) has a container attached to coap and
 *     timer and entries in its local, tenant and global stores; any change
 *     of its slot, container, attachments, name ownership, sequence history
 *     or key-value entries aborts, and so does any tenant's usage over one
 *     of its quotas (containers, RAM, attachments, key-value entries in RAM,
 *     global entries, names, storage bytes in the state folder).
 *
 * FUZZ_COAP_SEEDS=DIR writes the seed inputs (fuzz/corpus/coap) and exits.
 *
 *   FUZZ_COAP_IMAGE=build/kvapp.fc build-fuzz/fuzz/fuzz_coap -max_total_time=60 \
 *       /tmp/coap-work fuzz/corpus/coap */
#define _GNU_SOURCE
#include <coap3/coap.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coap_pdu.h"
#include "config.h"
#include "device.h"
#include "fuzz_tenants.h"
#include "platform_posix.h"
#include "server.h"
#include "suit_write.h"

#define MAX_REQUESTS 64
/* Small enough that an upload reaches it within one input (three 1024-byte
 * blocks), large enough for the container's envelope (about 2.6 KB). */
#define FUZZ_MAX_ENVELOPE 3072
#define FUZZ_MAX_ENVELOPE_TEXT "3072"
#define START_MS 1000000u

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fd_device_t dev, check_dev;
static fd_posix_t dev_posix, check_posix; /* each device's platform */
static fd_config_t cfg;
static fd_server_t srv;
static char root[256], state[300], pristine[300];
static uint8_t seed[FC_SUIT_SEED_LEN];
static uint8_t victim_seed[FC_SUIT_SEED_LEN];
#define VICTIM_ID 9u
#define VICTIM_SLOT 3u
static uint8_t *image;
static size_t image_len;
static int dirty;
static fc_port_t base_port;       /* the device's port before we count writes */
static void capture_victim(void); /* the victim tenant's state, after each (re)start */

static void die(const char *what)
{
    fprintf(stderr, "fuzz_coap: %s\n", what);
    abort();
}

/* ---- files --------------------------------------------------------------------------- */

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char sub[1024];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            remove_tree(sub);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void copy_tree(const char *from, const char *to)
{
    mkdir(to, 0700);
    DIR *d = opendir(from);
    if (!d)
        die("cannot open the pristine state");
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char a[1024], b[1024];
        snprintf(a, sizeof a, "%s/%s", from, e->d_name);
        snprintf(b, sizeof b, "%s/%s", to, e->d_name);
        struct stat st;
        if (stat(a, &st) != 0)
            die("stat in the pristine state");
        if (S_ISDIR(st.st_mode)) {
            copy_tree(a, b);
            continue;
        }
        int in = open(a, O_RDONLY), out = open(b, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0)
            die("copying the pristine state");
        char buf[8192];
        ssize_t n;
        while ((n = read(in, buf, sizeof buf)) > 0)
            if (write(out, buf, (size_t)n) != n)
                die("copying the pristine state");
        close(in);
        close(out);
    }
    closedir(d);
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = malloc(1 << 20);
    *len = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    return buf;
}

/* ---- the device ---------------------------------------------------------------------- */

static fc_status_t counting_write(void *ctx, const char *name, const void *data, size_t len)
{
    dirty = 1;
    return base_port.storage_write(ctx, name, data, len);
}

static fc_status_t counting_remove(void *ctx, const char *name)
{
    dirty = 1;
    return base_port.storage_remove(ctx, name);
}

static int verbose; /* FUZZ_COAP_VERBOSE: print every exchange */

/* fd_device_init logs every container it re-verifies: not per input. */
static int quiet_init(fd_device_t *d, const char *dir, char *msg, size_t cap)
{
    int saved = verbose ? -1 : dup(2), null = verbose ? -1 : open("/dev/null", O_WRONLY);
    if (saved >= 0 && null >= 0)
        dup2(null, 2);
    fd_posix_t *px = d == &dev ? &dev_posix : &check_posix;
    int rc = fd_posix_init(px, dir, msg, cap);
    if (rc == 0 && !verbose && d == &dev)
        px->port.log_level_max = FC_LOG_ERROR; /* the refusals are the point: keep quiet */
    if (rc == 0)
        rc = fd_device_init(d, &cfg, &px->plat, msg, cap);
    if (saved >= 0) {
        dup2(saved, 2);
        close(saved);
    }
    if (null >= 0)
        close(null);
    return rc;
}

/* The device's fetcher: coap://fuzz/app.fc serves the image, .../wrong.fc
 * the image with one byte changed, .../big.fc more than asked; anything
 * else does not answer. */
static int fake_fetch(void *ctx, const char *uri, size_t max_len, uint32_t timeout_ms,
                      uint8_t **out, size_t *len, char *why, size_t why_cap)
{
    (void)ctx;
    (void)timeout_ms;
    *out = NULL;
    *len = 0;
    int wrong = !strcmp(uri, "coap://fuzz/wrong.fc");
    if (!strcmp(uri, "coap://fuzz/big.fc") ||
        ((wrong || !strcmp(uri, "coap://fuzz/app.fc")) && image_len > max_len)) {
        snprintf(why, why_cap, "the URI serves more than image-size %zu bytes", max_len);
        return FC_ERR_SIZE;
    }
    if (!wrong && strcmp(uri, "coap://fuzz/app.fc") != 0) {
        snprintf(why, why_cap, "no answer");
        return FC_ERR_NOT_FOUND;
    }
    *out = malloc(image_len);
    if (!*out)
        die("out of memory");
    memcpy(*out, image, image_len);
    if (wrong)
        (*out)[image_len / 2] ^= 1;
    *len = image_len;
    return FC_OK;
}

static void open_device(void)
{
    char msg[600];
    if (quiet_init(&dev, state, msg, sizeof msg) != 0)
        die(msg);
    base_port = dev.port;
    dev.port.storage_write = counting_write;
    dev.port.storage_remove = counting_remove;
    dev.fetch = fake_fetch;
    fd_server_init(&srv, &dev);
    dirty = 0;
    capture_victim();
}

static void reset_device(void)
{
    fd_server_close(&srv);
    fd_device_close(&dev);
    remove_tree(state);
    copy_tree(pristine, state);
    open_device();
}

/* What must not change without a 2.04 install or a 2.02 removal. */
typedef struct snapshot {
    struct {
        int installed, has_record;
        uint32_t gen, tenant;
        uint64_t seq, epoch;
        char name[FC_IMAGE_NAME_MAX + 1];
        size_t image_len;
        uint64_t image_hash;
    } slot[FD_SLOTS];
} snapshot_t;

static uint64_t fnv(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

static void take(const fd_device_t *d, snapshot_t *s)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < FD_SLOTS; i++) {
        const fd_slot_t *x = &d->slots[i];
        if ((x->c != NULL) != (x->installed != 0))
            die("a slot's container pointer disagrees with its installed flag");
        s->slot[i].installed = x->installed;
        s->slot[i].has_record = x->has_record;
        s->slot[i].seq = x->seq;
        s->slot[i].epoch = x->epoch;
        if (!x->installed)
            continue; /* gen/tenant of an empty slot are bookkeeping */
        s->slot[i].gen = x->gen;
        s->slot[i].tenant = x->tenant_id;
        snprintf(s->slot[i].name, sizeof s->slot[i].name, "%s", x->c->name);
        s->slot[i].image_len = x->image_len;
        s->slot[i].image_hash = fnv(x->image, x->image_len);
    }
}

/* A second device on the same state directory sees the same containers. */
static void check_persisted(const snapshot_t *now)
{
    char msg[600];
    if (quiet_init(&check_dev, state, msg, sizeof msg) != 0)
        die(msg);
    snapshot_t again;
    take(&check_dev, &again);
    fd_device_close(&check_dev);
    for (int i = 0; i < FD_SLOTS; i++) {
        if (again.slot[i].installed != now->slot[i].installed ||
            again.slot[i].seq != now->slot[i].seq || again.slot[i].epoch != now->slot[i].epoch)
            die("restart sees another slot state or sequence than the running device");
        if (now->slot[i].installed && memcmp(&again.slot[i], &now->slot[i], sizeof again.slot[i]))
            die("restart sees another container than the running device");
    }
}

/* ---- tenant isolation ----------------------------------------------------------------- */

typedef struct victim_view {
    int installed;
    uint32_t gen, tenant, owner;
    uint64_t seq, epoch;
    fc_suit_version_t hist[FC_MAX_TENANTS];
    fz_tenant_view_t engine; /* container, attachments, key-value entries */
} victim_view_t;

static victim_view_t victim_base;

static void view_victim(fd_device_t *d, victim_view_t *v)
{
    memset(v, 0, sizeof *v);
    const fd_slot_t *x = &d->slots[VICTIM_SLOT];
    v->installed = x->installed;
    v->gen = x->gen;
    v->tenant = x->tenant_id;
    v->seq = x->seq;
    v->epoch = x->epoch;
    memcpy(v->hist, x->hist, sizeof v->hist);
    v->owner = fd_name_owner(d, "victim");
    fz_view_tenant(&d->engine, x->c, VICTIM_ID, &v->engine);
}

static void capture_victim(void)
{
    view_victim(&dev, &victim_base);
    if (!victim_base.installed || victim_base.engine.n_kv != 3 || victim_base.engine.n_att != 2)
        die("the victim tenant's container did not come back from the pristine state");
}

static void check_tenants(fd_device_t *d)
{
    victim_view_t now;
    view_victim(d, &now);
    if (memcmp(&now, &victim_base, sizeof now) != 0)
        die("a request signed by another tenant (or none) changed the victim tenant's container, "
            "attachments, name, sequence history or key-value entries");
    for (size_t i = 0; i < cfg.n_tenants; i++) {
        const fd_tenant_config_t *t = &cfg.tenants[i];
        fd_usage_t u;
        fd_tenant_usage(d, t->engine.id, &u);
        /* between requests no update is in flight: the configured quotas
         * hold exactly (the engine's room for one is not used) */
        const char *over = fz_engine_over_quota(&d->engine, t->engine.id, &t->engine.quota);
        if (over) {
            fprintf(stderr, "fuzz_coap: tenant '%s' over %s\n", t->name, over);
            die("a tenant's use of the engine exceeds one of its quotas");
        }
        if (u.attachments != fc_tenant_attachments(&d->engine, t->engine.id) ||
            u.names > t->max_names || u.storage > t->max_storage)
            die("a tenant's usage exceeds one of its quotas (names, storage)");
    }
}

/* ---- init ---------------------------------------------------------------------------- */

static uint8_t *envelope_hooks(uint64_t seq, const uint8_t *img, size_t len, const uint8_t *key,
                               const char *uri, const char *hook, size_t *out_len)
{
    const char *hooks[] = {hook};
    fc_suit_write_opts_t o = {.sequence = seq,
                              .slot = 0,
                              .image = img,
                              .image_len = len,
                              .uri = uri,
                              .hooks = len ? hooks : NULL,
                              .n_hooks = len ? 1 : 0};
    uint8_t *env = NULL;
    fc_error_t err = {0};
    if (fc_suit_write_envelope(&o, key, &env, out_len, &err) != FC_OK)
        die("cannot sign an envelope");
    return env;
}

static uint8_t *envelope_uri(uint64_t seq, const uint8_t *img, size_t len, const uint8_t *key,
                             const char *uri, size_t *out_len)
{
    return envelope_hooks(seq, img, len, key, uri, "coap", out_len);
}

static uint8_t *envelope(uint64_t seq, const uint8_t *img, size_t len, const uint8_t *key,
                         size_t *out_len)
{
    return envelope_uri(seq, img, len, key, NULL, out_len);
}

static void write_seeds(const char *dir);

/* The victim tenant's container ("mov r0, 0; exit" named victim) in slot 3,
 * attached to coap and timer, with one entry in each of its stores. */
static void install_victim(void)
{
    static const fc_insn_t text[] = {{.opcode = 0xb7}, {.opcode = 0x95}};
    fc_image_func_t fn = {.name = "main", .slot = 0, .flags = FC_IMAGE_FUNC_EXPORTED};
    fc_image_parts_t parts = {.text = text,
                              .text_slots = 2,
                              .funcs = &fn,
                              .func_count = 1,
                              .name = "victim",
                              .app_version = 1,
                              .cpu = FC_IMAGE_CPU_V4};
    static _Alignas(8) uint8_t img[256];
    size_t ilen = 0;
    fc_error_t err = {0};
    if (fc_image_write(&parts, img, sizeof img, &ilen, &err) != FC_OK)
        die("victim image");
    const char *hooks[] = {"coap", "timer"};
    fc_suit_write_opts_t o = {.sequence = 1,
                              .slot = VICTIM_SLOT,
                              .image = img,
                              .image_len = ilen,
                              .hooks = hooks,
                              .n_hooks = 2};
    uint8_t *env = NULL;
    size_t len = 0;
    if (fc_suit_write_envelope(&o, victim_seed, &env, &len, &err) != FC_OK)
        die("cannot sign the victim's envelope");
    fd_verdict_t v;
    fd_device_install(&dev, env, len, &v);
    free(env);
    if (v.status != FC_OK)
        die(v.text);
    fc_container_t *c = dev.slots[VICTIM_SLOT].c;
    static const char *const keys[] = {"v", "k", "g"};
    for (int sc = FC_KV_LOCAL; sc <= FC_KV_GLOBAL; sc++)
        if (fc_kv_set(&dev.engine, c, (fc_kv_scope_t)sc, keys[sc], 1, "victim", 6) != FC_OK)
            die("victim key-value entries");
}

static void remove_root(void)
{
    remove_tree(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    coap_startup();
    coap_set_log_level(LOG_EMERG);
    verbose = getenv("FUZZ_COAP_VERBOSE") != NULL;
    const char *img_path = getenv("FUZZ_COAP_IMAGE");
    if (!img_path || !(image = read_file(img_path, &image_len)) || image_len == 0)
        die("set FUZZ_COAP_IMAGE to a container image attached to the coap hook "
            "(femto build tests/e2e/apps/kvapp.c -o kvapp.fc); fuzz/README.md");
    snprintf(root, sizeof root, "%s/fuzz-coap.XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(root))
        die("cannot create the temporary directory");
    atexit(remove_root); /* libFuzzer exits normally at the end of a run */
    snprintf(state, sizeof state, "%s/state", root);
    snprintf(pristine, sizeof pristine, "%s/pristine", root);
    for (size_t i = 0; i < sizeof seed; i++)
        seed[i] = (uint8_t)(0xc0 + i); /* fixed: the seed corpus holds envelopes it signed */
    uint8_t pub[FC_SUIT_PUB_LEN];
    fc_error_t err = {0};
    char path[400], text[800];
    snprintf(path, sizeof path, "%s/tenant.pub", root);
    if (fc_suit_public_key(seed, pub, &err) != FC_OK)
        die("public key");
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(pub, 1, sizeof pub, f) != sizeof pub || fclose(f) != 0)
        die("cannot write the public key");
    char vpath[400];
    for (size_t i = 0; i < sizeof victim_seed; i++)
        victim_seed[i] = (uint8_t)(0xa0 + i);
    snprintf(vpath, sizeof vpath, "%s/victim.pub", root);
    if (fc_suit_public_key(victim_seed, pub, &err) != FC_OK)
        die("public key");
    f = fopen(vpath, "wb");
    if (!f || fwrite(pub, 1, sizeof pub, f) != sizeof pub || fclose(f) != 0)
        die("cannot write the public key");
    snprintf(text, sizeof text,
             "timer_period_ms = 0\nmax_envelope = " FUZZ_MAX_ENVELOPE_TEXT "\n"
             "[tenant fuzz]\nid = 7\npublic_key = %s\nmax_kv_entries = 8\nmax_storage = 16384\n"
             "[tenant victim]\nid = 9\npublic_key = %s\nslots = 3\n",
             path, vpath);
    snprintf(path, sizeof path, "%s/femtod.conf", root);
    f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        die("cannot write the configuration");
    char msg[600];
    fd_config_defaults(&cfg);
    if (fd_config_load(&cfg, path, msg, sizeof msg) != 0)
        die(msg);
    /* The base state: the image installed in slot 0 with sequence 1. */
    if (fd_posix_init(&dev_posix, pristine, msg, sizeof msg) != 0 ||
        fd_device_init(&dev, &cfg, &dev_posix.plat, msg, sizeof msg) != 0)
        die(msg);
    size_t len;
    uint8_t *env = envelope(1, image, image_len, seed, &len);
    fd_verdict_t v;
    fd_device_install(&dev, env, len, &v);
    free(env);
    if (v.status != FC_OK) {
        fprintf(stderr, "fuzz_coap: FUZZ_COAP_IMAGE does not install: %s\n", v.text);
        abort();
    }
    install_victim();
    fd_device_close(&dev);
    copy_tree(pristine, state);
    open_device();
    const char *seeds = getenv("FUZZ_COAP_SEEDS");
    if (seeds) {
        write_seeds(seeds);
        exit(0);
    }
    return 0;
}

/* ---- one input ----------------------------------------------------------------------- */

static void check_response(const fd_request_t *req, const fd_response_t *r, int duplicate)
{
    unsigned cls = r->code >> 5;
    if (cls != 2 && cls != 4 && cls != 5)
        die("response code is not 2.xx, 4.xx or 5.xx");
    if (r->payload_len > 1024)
        die("response payload over 1024 bytes (Block2 not applied)");
    if (r->payload_len && (!r->body || r->payload < r->body || r->payload_len > r->body_len ||
                           (size_t)(r->payload - r->body) > r->body_len - r->payload_len))
        die("response payload outside its body");
    if (r->code == FD_CODE(2, 31) && !(req->block1.present && req->block1.more) && !duplicate)
        die("2.31 Continue to a request that is not a Block1 block with M=1");
    size_t bytes = 0, n = fd_server_uploads(&srv, &bytes);
    if (n > FD_MAX_UPLOADS)
        die("more uploads than FD_MAX_UPLOADS");
    for (size_t i = 0; i < FD_MAX_UPLOADS; i++) {
        const fd_upload_t *u = &srv.uploads[i];
        if (u->active && (u->len > u->limit || u->len > u->cap || u->limit > cfg.max_envelope))
            die("an upload holds more than its limit");
    }
    coap_pdu_t *out = coap_pdu_init(COAP_MESSAGE_ACK, 0, 1, 1152);
    if (!out)
        die("coap_pdu_init");
    if (fd_response_to_pdu(r, out) != 0)
        die("fd_response_to_pdu failed on our own response");
    coap_delete_pdu(out);
}

static int is_route(const fd_request_t *req, const char *prefix)
{
    size_t n = strlen(prefix);
    return req->path_len >= n && !memcmp(req->path, prefix, n);
}

/* (epoch, seq) of slot i in a against b: -1, 0, 1 */
static int ver_cmp(const snapshot_t *a, const snapshot_t *b, int i)
{
    uint64_t ea = a->slot[i].epoch, eb = b->slot[i].epoch, sa = a->slot[i].seq, sb = b->slot[i].seq;
    if (ea != eb)
        return ea < eb ? -1 : 1;
    return sa < sb ? -1 : sa > sb;
}

static void one_request(const uint8_t *msg, size_t len, unsigned peer, uint64_t now)
{
    coap_pdu_t *pdu = coap_pdu_init(0, 0, 0, len ? len : 1);
    if (!pdu)
        die("coap_pdu_init");
    if (!coap_pdu_parse(COAP_PROTO_UDP, msg, len, pdu)) {
        coap_delete_pdu(pdu);
        return; /* libcoap drops what it cannot parse before any handler runs */
    }
    static const char *const peers[8] = {"[::1]:40000",        "[::1]:40001", "[::1]:40002",
                                         "[::1]:40003",        "[::1]:40004", "[::1]:40005",
                                         "[2001:db8::1]:5683", "127.0.0.1:9"};
    static fd_request_t req;
    snapshot_t before, after;
    take(&dev, &before);
    fd_request_from_pdu(pdu, peers[peer & 7], now, &req);
    fd_response_t resp;
    uint64_t dups = srv.duplicates;
    fd_server_handle(&srv, &req, &resp);
    check_response(&req, &resp, srv.duplicates != dups);
    if (verbose)
        fprintf(stderr, "%s %u %.*s%s -> %u.%02u %.*s\n", req.peer, req.method, (int)req.path_len,
                req.path, req.block1.present ? " [Block1]" : "", resp.code >> 5, resp.code & 31,
                resp.content_format == 0 ? (int)resp.payload_len : 0,
                resp.payload ? (const char *)resp.payload : "");
    take(&dev, &after);
    int changed = memcmp(&before, &after, sizeof before) != 0;
    for (int i = 0; i < FD_SLOTS; i++)
        if (ver_cmp(&after, &before, i) < 0)
            die("an (epoch, sequence number) went down");
    check_tenants(&dev);
    if (changed) {
        int installed = resp.code == FD_CODE(2, 4) && req.method == FD_METHOD_POST &&
                        req.path_len == 4 && !memcmp(req.path, "suit", 4);
        int removed =
            resp.code == FD_CODE(2, 2) && req.method == FD_METHOD_DELETE && is_route(&req, "c/");
        if (!installed && !removed)
            die("installed containers changed without a 2.04 install or a 2.02 removal");
        for (int i = 0; i < FD_SLOTS; i++)
            if (memcmp(&before.slot[i], &after.slot[i], sizeof before.slot[i]) &&
                (ver_cmp(&after, &before, i) < 0 ||
                 (ver_cmp(&after, &before, i) == 0 &&
                  !(removed && before.slot[i].installed && !after.slot[i].installed))))
                die("a slot changed without a newer (epoch, sequence number) (or, for a "
                    "removal, the removed one's)");
            else if (after.slot[i].epoch > before.slot[i].epoch + 1)
                die("a slot's epoch went up by more than one");
        check_persisted(&after);
    }
    fd_response_free(&resp);
    coap_delete_pdu(pdu);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (dirty || fd_server_uploads(&srv, NULL))
        reset_device();
    for (size_t i = 0; i < FD_RECENT; i++) { /* no answers remembered from the last input */
        free(srv.recent[i].resp.body);
        memset(&srv.recent[i], 0, sizeof srv.recent[i]);
    }
    uint64_t now = START_MS;
    cfg.max_envelope = size && data[0] >> 3 ? 64u * (data[0] >> 3) : FUZZ_MAX_ENVELOPE;
    for (int n = 0; n < MAX_REQUESTS && size >= 3; n++) {
        unsigned ctl = data[0];
        size_t len = (size_t)data[1] << 8 | data[2];
        data += 3;
        size -= 3;
        if (len > size)
            len = size;
        if (n > 0)
            now += (uint64_t)(ctl >> 3) * 2000u;
        one_request(data, len, ctl & 7, now);
        data += len;
        size -= len;
    }
    return 0;
}

/* ---- seeds ----------------------------------------------------------------------------- */

typedef struct msg {
    uint8_t buf[4096];
    size_t len;
    uint16_t last_opt;
} msg_t;

static void m_start(msg_t *m, uint8_t code, uint16_t mid)
{
    m->buf[0] = 0x40 | 2; /* version 1, CON, token length 2 */
    m->buf[1] = code;
    m->buf[2] = (uint8_t)(mid >> 8);
    m->buf[3] = (uint8_t)mid;
    m->buf[4] = 0xfe;
    m->buf[5] = (uint8_t)mid;
    m->len = 6;
    m->last_opt = 0;
}

static void m_nibble(msg_t *m, uint32_t v, uint8_t *nib, uint8_t ext[2], size_t *n_ext)
{
    if (v < 13) {
        *nib = (uint8_t)v;
        *n_ext = 0;
    } else if (v < 269) {
        *nib = 13;
        ext[0] = (uint8_t)(v - 13);
        *n_ext = 1;
    } else {
        *nib = 14;
        ext[0] = (uint8_t)((v - 269) >> 8);
        ext[1] = (uint8_t)(v - 269);
        *n_ext = 2;
    }
    (void)m;
}

static void m_opt(msg_t *m, uint16_t number, const void *val, size_t len)
{
    uint8_t dn, ln, de[2], le[2];
    size_t dx, lx;
    m_nibble(m, (uint32_t)(number - m->last_opt), &dn, de, &dx);
    m_nibble(m, (uint32_t)len, &ln, le, &lx);
    m->buf[m->len++] = (uint8_t)(dn << 4 | ln);
    memcpy(m->buf + m->len, de, dx);
    m->len += dx;
    memcpy(m->buf + m->len, le, lx);
    m->len += lx;
    memcpy(m->buf + m->len, val, len);
    m->len += len;
    m->last_opt = number;
}

static void m_uint(msg_t *m, uint16_t number, uint32_t v)
{
    uint8_t b[4];
    size_t n = 0;
    for (int shift = 24; shift >= 0; shift -= 8)
        if (n || (v >> shift) & 0xff)
            b[n++] = (uint8_t)(v >> shift);
    m_opt(m, number, b, n);
}

static void m_path(msg_t *m, const char *path)
{
    while (*path) {
        size_t n = strcspn(path, "/");
        m_opt(m, COAP_OPTION_URI_PATH, path, n);
        path += n;
        if (*path == '/')
            path++;
    }
}

static void m_payload(msg_t *m, const void *p, size_t n)
{
    if (!n)
        return;
    m->buf[m->len++] = 0xff;
    memcpy(m->buf + m->len, p, n);
    m->len += n;
}

typedef struct seedfile {
    uint8_t buf[65536];
    size_t len;
} seedfile_t;

static void s_add(seedfile_t *s, unsigned ctl, const msg_t *m)
{
    if (s->len + 3 + m->len > sizeof s->buf)
        die("seed too large");
    s->buf[s->len++] = (uint8_t)ctl;
    s->buf[s->len++] = (uint8_t)(m->len >> 8);
    s->buf[s->len++] = (uint8_t)m->len;
    memcpy(s->buf + s->len, m->buf, m->len);
    s->len += m->len;
}

static void s_write(const char *dir, const char *name, const seedfile_t *s)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(s->buf, 1, s->len, f) != s->len || fclose(f) != 0)
        die("cannot write a seed");
    /* every seed must run clean */
    LLVMFuzzerTestOneInput(s->buf, s->len);
}

/* One request: method, path, accept (-1), payload. */
static void s_simple(seedfile_t *s, unsigned ctl, uint8_t code, const char *path, int accept,
                     const void *payload, size_t n)
{
    msg_t m;
    m_start(&m, code, (uint16_t)(s->len + 1));
    m_path(&m, path);
    if (n)
        m_uint(&m, COAP_OPTION_CONTENT_FORMAT, 60);
    if (accept >= 0)
        m_uint(&m, COAP_OPTION_ACCEPT, (uint32_t)accept);
    m_payload(&m, payload, n);
    s_add(s, ctl, &m);
}

/* A Block1 upload of body in blocks of 16 << szx bytes; only the first
 * `stop` blocks when stop is not 0 (an upload left in progress). */
static void s_partial(seedfile_t *s, unsigned ctl, uint8_t code, const char *path,
                      const uint8_t *body, size_t len, uint8_t szx, int with_size1, size_t stop)
{
    size_t size = (size_t)16 << szx, blocks = len ? (len + size - 1) / size : 1;
    if (stop && stop < blocks)
        blocks = stop;
    for (size_t num = 0; num < blocks; num++) {
        msg_t m;
        size_t off = num * size, n = len - off < size ? len - off : size;
        m_start(&m, code, (uint16_t)(s->len + num));
        m_path(&m, path);
        m_uint(&m, COAP_OPTION_CONTENT_FORMAT, 60);
        m_uint(&m, COAP_OPTION_BLOCK1, (uint32_t)(num << 4 | (off + n < len ? 8u : 0u) | szx));
        if (with_size1 && num == 0)
            m_uint(&m, COAP_OPTION_SIZE1, (uint32_t)len);
        m_payload(&m, body + off, n);
        s_add(s, ctl, &m);
    }
}

static void s_upload(seedfile_t *s, unsigned ctl, uint8_t code, const char *path,
                     const uint8_t *body, size_t len, uint8_t szx, int with_size1)
{
    s_partial(s, ctl, code, path, body, len, szx, with_size1, 0);
}

static void write_seeds(const char *dir)
{
    static seedfile_t s;
    size_t v2_len, rm_len, v1_len, forged_len;
    uint8_t *v2 = envelope(2, image, image_len, seed, &v2_len);
    uint8_t *v1 = envelope(1, image, image_len, seed, &v1_len);
    static const uint8_t nothing[1];
    uint8_t *rm = envelope(3, nothing, 0, seed, &rm_len);
    uint8_t other[FC_SUIT_SEED_LEN];
    memset(other, 0x55, sizeof other);
    uint8_t *forged = envelope(5, image, image_len, other, &forged_len);
    const int get = COAP_REQUEST_CODE_GET, post = COAP_REQUEST_CODE_POST,
              del = COAP_REQUEST_CODE_DELETE, put = COAP_REQUEST_CODE_PUT;

    s.len = 0; /* listing in every format, status */
    s_simple(&s, 0, get, "c", -1, NULL, 0);
    s_simple(&s, 0, get, "c", 50, NULL, 0);
    s_simple(&s, 0, get, "c", 0, NULL, 0);
    s_simple(&s, 0, get, "c", 99, NULL, 0);
    s_simple(&s, 0, get, "c/kvapp", 50, NULL, 0);
    s_simple(&s, 0, get, "c/kvapp", -1, NULL, 0);
    s_simple(&s, 0, get, "c/nosuch", -1, NULL, 0);
    s_write(dir, "list-status", &s);

    s.len = 0; /* the container's CoAP hook */
    s_simple(&s, 0, get, "app/kvapp", -1, NULL, 0);
    s_simple(&s, 0, get, "app/kvapp/count", -1, NULL, 0);
    s_simple(&s, 0, post, "app/kvapp/secret", -1, "s3cret", 6);
    s_simple(&s, 0, get, "app/kvapp/secret", -1, NULL, 0);
    s_simple(&s, 0, get, "app/kvapp/loop", -1, NULL, 0);
    s_simple(&s, 0, get, "app/kvapp", -1, NULL, 0);
    s_simple(&s, 0, put, "app/nosuch/x", -1, "x", 1);
    s_write(dir, "app", &s);

    s.len = 0; /* update to sequence 2 in 256-byte blocks, then call it */
    s_upload(&s, 1, post, "suit", v2, v2_len, 4, 1);
    s_simple(&s, 0, get, "app/kvapp/count", -1, NULL, 0);
    s_write(dir, "update-blocks", &s);

    s.len = 0; /* the same in 1024-byte blocks without Size1, then a replay */
    s_upload(&s, 2, post, "suit", v2, v2_len, 6, 0);
    s_upload(&s, 2, post, "suit", v2, v2_len, 6, 0);
    s_upload(&s, 2, post, "suit", v1, v1_len, 6, 1);
    s_write(dir, "update-replay", &s);

    s.len = 0; /* a forged update, then a removal and a listing */
    s_upload(&s, 3, post, "suit", forged, forged_len, 6, 1);
    s_simple(&s, 0, del, "c/kvapp", -1, NULL, 0);
    s_simple(&s, 0, del, "c/kvapp", -1, rm, rm_len);
    s_simple(&s, 0, get, "c", 50, NULL, 0);
    s_simple(&s, 0, get, "app/kvapp", -1, NULL, 0);
    s_write(dir, "forged-remove", &s);

    s.len = 0; /* fetch by URI: refused ones, then the good one; a retransmission */
    const char *const uris[] = {"coap://fuzz/wrong.fc", "coap://fuzz/big.fc", "coap://fuzz/none.fc",
                                "http://fuzz/app.fc", "coap://fuzz/app.fc"};
    for (size_t i = 0; i < sizeof uris / sizeof uris[0]; i++) {
        size_t n, at = s.len;
        uint8_t *e = envelope_uri(2, image, image_len, seed, uris[i], &n);
        s_simple(&s, 5, post, "suit", -1, e, n);
        free(e);
        if (i + 1 == sizeof uris / sizeof uris[0]) { /* the same message again */
            size_t rec = s.len - at;
            memcpy(s.buf + s.len, s.buf + at, rec);
            s.len += rec;
        }
    }
    s_simple(&s, 0, get, "app/kvapp", -1, NULL, 0);
    s_write(dir, "fetch-uri", &s);

    s.len = 0; /* block-wise trouble */
    msg_t m;
    m_start(&m, (uint8_t)post, 1); /* Size1 over max_envelope at the first block */
    m_path(&m, "suit");
    m_uint(&m, COAP_OPTION_BLOCK1, 0 << 4 | 8 | 6);
    m_uint(&m, COAP_OPTION_SIZE1, 100000);
    m_payload(&m, v2, 1024);
    s_add(&s, 0, &m);
    m_start(&m, (uint8_t)post, 2); /* a block number far past max_envelope */
    m_path(&m, "suit");
    m_uint(&m, COAP_OPTION_BLOCK1, 900u << 4 | 8 | 6);
    m_payload(&m, v2, 1024);
    s_add(&s, 0, &m);
    m_start(&m, (uint8_t)post, 3); /* block 2 without block 0 */
    m_path(&m, "suit");
    m_uint(&m, COAP_OPTION_BLOCK1, 2u << 4 | 8 | 4);
    m_payload(&m, v2, 256);
    s_add(&s, 0, &m);
    m_start(&m, (uint8_t)post, 4); /* BERT size */
    m_path(&m, "suit");
    m_uint(&m, COAP_OPTION_BLOCK1, 0u << 4 | 8 | 7);
    m_payload(&m, v2, 1024);
    s_add(&s, 0, &m);
    m_start(&m, (uint8_t)post, 5); /* M=1 with a short block */
    m_path(&m, "suit");
    m_uint(&m, COAP_OPTION_BLOCK1, 0u << 4 | 8 | 6);
    m_payload(&m, v2, 100);
    s_add(&s, 0, &m);
    s_partial(&s, 4, post, "suit", v2, v2_len, 4, 0, 2); /* started, then skipped ahead */
    m_start(&m, (uint8_t)post, 6);
    m_path(&m, "suit");
    m_uint(&m, COAP_OPTION_BLOCK1, 5u << 4 | 8 | 4);
    m_payload(&m, v2, 256);
    s_add(&s, 4, &m);
    m_start(&m, (uint8_t)post, 7); /* a payload over FC_COAP_PAYLOAD_MAX to /app */
    m_path(&m, "app/kvapp/secret");
    m_uint(&m, COAP_OPTION_BLOCK1, 0u << 4 | 8 | 3);
    m_uint(&m, COAP_OPTION_SIZE1, 500);
    m_payload(&m, v2, 128);
    s_add(&s, 0, &m);
    s_write(dir, "blocks-refused", &s);

    s.len = 0; /* five peers upload at once: the fifth is told to wait; one goes idle */
    for (unsigned p = 0; p < 5; p++)
        s_partial(&s, p, post, "suit", v2, v2_len, 4, 1, 2);
    s_partial(&s, 16u << 3 | 4, post, "suit", v2, v2_len, 4, 1, 2);
    m_start(&m, (uint8_t)post, 9);
    m_path(&m, "suit");
    m_uint(&m, COAP_OPTION_BLOCK1, 2u << 4 | 8 | 4);
    m_payload(&m, v2 + 512, 256);
    s_add(&s, 1, &m);
    s_write(dir, "blocks-concurrent", &s);

    s.len = 0; /* Block2: the listing in 16-byte blocks, a block past the end */
    for (uint32_t num = 0; num < 6; num++) {
        m_start(&m, (uint8_t)get, (uint16_t)(20 + num));
        m_path(&m, "c");
        m_uint(&m, COAP_OPTION_ACCEPT, 50);
        m_uint(&m, COAP_OPTION_BLOCK2, num << 4 | 0);
        s_add(&s, 0, &m);
    }
    m_start(&m, (uint8_t)get, 30);
    m_path(&m, "c");
    m_uint(&m, COAP_OPTION_BLOCK2, 4000u << 4 | 6);
    s_add(&s, 0, &m);
    m_start(&m, (uint8_t)get, 31);
    m_path(&m, "c");
    m_uint(&m, COAP_OPTION_BLOCK2, 1u << 4 | 7);
    s_add(&s, 0, &m);
    s_write(dir, "block2", &s);

    s.len = 0; /* odd requests */
    s_simple(&s, 0, put, "suit", -1, v2, 10);
    s_simple(&s, 0, get, ".well-known/core", -1, NULL, 0);
    s_simple(&s, 0, get, "", -1, NULL, 0);
    s_simple(&s, 0, 5 /* FETCH */, "c", -1, NULL, 0);
    s_simple(&s, 0, get, "c/kvapp/more", -1, NULL, 0);
    m_start(&m, (uint8_t)get, 40); /* unknown critical option */
    m_path(&m, "c");
    m_uint(&m, 2001, 1);
    s_add(&s, 0, &m);
    m_start(&m, (uint8_t)get, 41); /* repeated Accept */
    m_path(&m, "c");
    m_uint(&m, COAP_OPTION_ACCEPT, 50);
    m_uint(&m, COAP_OPTION_ACCEPT, 60);
    s_add(&s, 0, &m);
    m_start(&m, (uint8_t)get, 42); /* a NUL inside a path segment */
    m_opt(&m, COAP_OPTION_URI_PATH, "app", 3);
    m_opt(&m, COAP_OPTION_URI_PATH, "kv\0app", 6);
    s_add(&s, 0, &m);
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    memcpy(longname, "app/kvapp/", 10);
    s_simple(&s, 0, get, longname, -1, NULL, 0);
    longname[80] = '\0';
    s_simple(&s, 0, get, longname, -1, NULL, 0);
    s_write(dir, "odd", &s);

    s.len = 0; /* the limits exactly: bodies of limit and limit + 1 bytes */
    static uint8_t zeros[FUZZ_MAX_ENVELOPE + 1];
    s_partial(&s, 0, post, "suit", zeros, FUZZ_MAX_ENVELOPE, 6, 1, 0);
    s_partial(&s, 1, post, "suit", zeros, FUZZ_MAX_ENVELOPE + 1, 6, 0, 0);
    static uint8_t more_zeros[FUZZ_MAX_ENVELOPE + 1025]; /* block 3 full, with M=1 */
    s_partial(&s, 4, post, "suit", more_zeros, sizeof more_zeros, 6, 0, 4);
    s_partial(&s, 2, post, "suit", zeros, FUZZ_MAX_ENVELOPE + 1, 4, 1, 0);
    s_partial(&s, 3, post, "app/kvapp/secret", zeros, FC_COAP_PAYLOAD_MAX, 2, 1, 0);
    s_partial(&s, 3, post, "app/kvapp/secret", zeros, FC_COAP_PAYLOAD_MAX + 1, 2, 0, 0);
    s_simple(&s, 3, post, "app/kvapp/secret", -1, zeros, FC_COAP_PAYLOAD_MAX + 1);
    s_simple(&s, 3, post, "suit", -1, zeros, FUZZ_MAX_ENVELOPE + 1);
    s_write(dir, "limits", &s);

    s.len = 0; /* max_envelope 64 (first ctl: 1 << 3): 16-byte blocks up to it and past it */
    s_partial(&s, 1u << 3, post, "suit", more_zeros, 64, 0, 1, 0);
    s_partial(&s, 1, post, "suit", more_zeros, 100, 0, 0, 6);
    s_simple(&s, 2, post, "suit", -1, more_zeros, 65);
    s_write(dir, "limits-small", &s);

    s.len = 0; /* signed but refused by the device, or installed without the coap hook */
    size_t n;
    uint8_t *e = envelope_hooks(2, image, image_len, seed, NULL, "nosuchhook", &n);
    s_simple(&s, 0, post, "suit", -1, e, n);
    free(e);
    uint8_t *broken = malloc(image_len);
    if (!broken)
        die("out of memory");
    memcpy(broken, image, image_len);
    broken[0] ^= 0xff; /* image magic */
    e = envelope(2, broken, image_len, seed, &n);
    s_simple(&s, 0, post, "suit", -1, e, n);
    free(e);
    free(broken);
    e = envelope_hooks(2, image, image_len, seed, NULL, "timer", &n);
    s_simple(&s, 0, post, "suit", -1, e, n);
    free(e);
    s_simple(&s, 0, get, "app/kvapp", -1, NULL, 0);
    m_start(&m, (uint8_t)post, 50); /* Size1 over the limit without Block1 */
    m_path(&m, "suit");
    m_uint(&m, COAP_OPTION_SIZE1, 100000);
    m_payload(&m, v2, 100);
    s_add(&s, 0, &m);
    m_start(&m, (uint8_t)get, 51); /* a Uri-Path of 20 segments: over 255 bytes */
    for (int i = 0; i < 20; i++)
        m_opt(&m, COAP_OPTION_URI_PATH, "segment-segment", 15);
    s_add(&s, 0, &m);
    s_write(dir, "device-refusals", &s);

    /* another tenant's slot and container (issue 13): the fuzzed tenant's
     * envelopes for slot 3, a removal of 'victim', a call and a listing */
    {
        const char *hooks[] = {"coap", "timer", "sensor", "boot"};
        static const uint8_t none[1];
        fc_suit_write_opts_t o = {.sequence = 2,
                                  .slot = VICTIM_SLOT,
                                  .image = image,
                                  .image_len = image_len,
                                  .hooks = hooks,
                                  .n_hooks = 4};
        uint8_t *over = NULL, *rm3 = NULL;
        size_t over_len = 0, rm3_len = 0;
        fc_error_t err = {0};
        if (fc_suit_write_envelope(&o, seed, &over, &over_len, &err) != FC_OK)
            die("cannot sign an envelope");
        o.image = none;
        o.image_len = 0;
        o.n_hooks = 0;
        o.sequence = UINT64_MAX;
        if (fc_suit_write_envelope(&o, seed, &rm3, &rm3_len, &err) != FC_OK)
            die("cannot sign an envelope");
        s.len = 0;
        s_upload(&s, 3, post, "suit", over, over_len, 6, 1);
        s_upload(&s, 3, del, "c/victim", rm3, rm3_len, 6, 1);
        s_upload(&s, 3, del, "c/kvapp", rm3, rm3_len, 6, 1);
        s_simple(&s, 0, get, "app/victim", -1, NULL, 0);
        s_simple(&s, 0, get, "c/victim", 50, NULL, 0);
        s_write(dir, "other-tenant", &s);
        free(over);
        free(rm3);
    }

    /* epochs: the fuzzed tenant's slot 0 at the top of the sequence space,
     * removed there, the old envelope again, a jump of two epochs, the next
     * epoch, femto rm's (epoch + 1, 0) removal, and an install after it */
    {
        static const uint8_t none[1];
        const char *hooks[] = {"coap"};
        static const struct {
            uint64_t epoch, seq;
            int removal;
        } steps[] = {{0, UINT64_MAX, 0}, {0, UINT64_MAX, 1}, {0, UINT64_MAX, 0}, {2, 0, 0},
                     {1, 0, 0},          {2, 0, 1},          {2, 1, 0},          {1, 5, 0}};
        s.len = 0;
        for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
            fc_suit_write_opts_t o = {.sequence = steps[i].seq,
                                      .epoch = steps[i].epoch,
                                      .slot = 0,
                                      .image = steps[i].removal ? none : image,
                                      .image_len = steps[i].removal ? 0 : image_len,
                                      .hooks = hooks,
                                      .n_hooks = steps[i].removal ? 0 : 1};
            uint8_t *env = NULL;
            size_t env_len = 0;
            fc_error_t err = {0};
            if (fc_suit_write_envelope(&o, seed, &env, &env_len, &err) != FC_OK)
                die("cannot sign an envelope");
            s_upload(&s, (unsigned)i & 7, steps[i].removal ? del : post,
                     steps[i].removal ? "c/kvapp" : "suit", env, env_len, 6, 1);
            free(env);
        }
        s_simple(&s, 0, get, "c/kvapp", 50, NULL, 0);
        s_write(dir, "epochs", &s);
    }

    free(v1);
    free(v2);
    free(rm);
    free(forged);
}
