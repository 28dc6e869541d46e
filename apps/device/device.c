/* The device (femtod and the board firmware): engine + the platform's port +
 * slots; the atomic install path.
 *
 * Storage records (docs/deployment.md):
 *   slot/N/env-G  the signed SUIT envelope of generation G of slot N
 *   slot/N/img-G  its image, when the manifest fetches it by URI (written
 *                 before env-G; checked against the manifest's digest at start)
 *   slot/N/cur    "femtod-slot 1 GEN SEQ TENANT INSTALLED EPOCH": which
 *                 envelope is live, the last accepted (epoch, sequence) and
 *                 the owner (a record without EPOCH, older femtod: epoch 0)
 *   slot/N/seq-T  "femtod-seq 1 SEQ EPOCH": tenant T's last (epoch, sequence)
 *                 in slot N (without EPOCH: 0)
 *   boot          boot counter
 * An install writes env-(G+1) (a NEW record), then cur (the switch, one
 * atomic record write), then drops env-G. A crash before the cur write
 * leaves cur naming env-G (old version); after it, env-(G+1) (new one).
 * At start every slot's envelope is re-authenticated and re-verified. */
#define _DEFAULT_SOURCE /* strtok_r */
#include "device.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "femto/suit.h"

/* ---- the port the engine uses: the platform's, with the device's checks -------------
 * Every entry forwards to the platform's port; storage writes first pass the
 * tenant's storage bound (kv_write_allowed) and, during an install, the
 * platform's kill point for power-cut tests (platform.h). ctx is the device. */

static const fc_port_t *inner(void *ctx)
{
    return ((const fd_device_t *)ctx)->plat->port;
}

static uint64_t dev_now_us(void *ctx)
{
    return inner(ctx)->now_us(inner(ctx)->ctx);
}

static void dev_log(void *ctx, int level, const char *text, size_t len)
{
    inner(ctx)->log(inner(ctx)->ctx, level, text, len);
}

static fc_status_t dev_read(void *ctx, const char *name, void *buf, size_t cap, size_t *len)
{
    return inner(ctx)->storage_read(inner(ctx)->ctx, name, buf, cap, len);
}

static int kv_write_allowed(fd_device_t *d, const char *name, size_t len);

static fc_status_t dev_write(void *ctx, const char *name, const void *data, size_t len)
{
    fd_device_t *d = ctx;
    if (!kv_write_allowed(d, name, len))
        return FC_ERR_STORAGE;
    if (d->install_writes >= 0 && d->plat->kill_point)
        d->plat->kill_point(d->plat->ctx, 0, ++d->install_writes, name, data, len);
    return inner(ctx)->storage_write(inner(ctx)->ctx, name, data, len);
}

static fc_status_t dev_remove(void *ctx, const char *name)
{
    return inner(ctx)->storage_remove(inner(ctx)->ctx, name);
}

static fc_status_t dev_sensor(void *ctx, uint32_t index, int32_t *value)
{
    return inner(ctx)->sensor_read(inner(ctx)->ctx, index, value);
}

static fc_status_t dev_random(void *ctx, void *buf, size_t len)
{
    return inner(ctx)->random(inner(ctx)->ctx, buf, len);
}

static fc_status_t dev_sha256(void *ctx, const void *data, size_t len, uint8_t out[32])
{
    return inner(ctx)->sha256(inner(ctx)->ctx, data, len, out);
}

static fc_status_t dev_ed25519(void *ctx, const uint8_t sig[64], const void *msg, size_t len,
                               const uint8_t key[32])
{
    return inner(ctx)->ed25519_verify(inner(ctx)->ctx, sig, msg, len, key);
}

static fc_status_t dev_es256(void *ctx, const uint8_t sig[64], const void *msg, size_t len,
                             const uint8_t key[65])
{
    return inner(ctx)->es256_verify(inner(ctx)->ctx, sig, msg, len, key);
}

static void wrap_port(fd_device_t *d)
{
    const fc_port_t *p = d->plat->port;
    d->port = (fc_port_t){.ctx = d,
                          .now_us = dev_now_us,
                          .log = dev_log,
                          .storage_read = dev_read,
                          .storage_write = dev_write,
                          .storage_remove = dev_remove,
                          .sensor_read = dev_sensor,
                          .random = p->random ? dev_random : NULL,
                          .sha256 = p->sha256 ? dev_sha256 : NULL,
                          .ed25519_verify = p->ed25519_verify ? dev_ed25519 : NULL,
                          .es256_verify = p->es256_verify ? dev_es256 : NULL};
}

/* An install's kill point `step` (1..5), for the power-cut tests. */
static void crash_point(fd_device_t *d, int step)
{
    if (d->plat->kill_point)
        d->plat->kill_point(d->plat->ctx, step, 0, NULL, NULL, 0);
}

/* ---- helpers -------------------------------------------------------------------------- */

static void dlog(fd_device_t *d, const char *fmt, ...)
{
    char line[300];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0)
        d->port.log(d->port.ctx, FC_LOG_INFO, line,
                    (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static int refuse(fd_verdict_t *v, int status, const fc_error_t *err, const char *fmt, ...)
{
    v->status = status;
    int n = snprintf(v->text, sizeof v->text, "refused: %s (%d): ", fc_status_name(status), status);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof v->text)
        n += vsnprintf(v->text + n, sizeof v->text - (size_t)n, fmt, ap);
    va_end(ap);
    /* a verifier's place is an instruction index; an image's, a byte */
    if (err && err->reason && n > 0 && (size_t)n < sizeof v->text)
        snprintf(v->text + n, sizeof v->text - (size_t)n, "%s%s (at %s %zu)", fmt[0] ? ": " : "",
                 err->reason, status < FC_ERR_IMAGE_TRUNCATED ? "instruction" : "byte",
                 (size_t)err->where);
    return status;
}

static const fd_tenant_config_t *tenant_cfg(const fd_device_t *d, uint32_t id)
{
    for (size_t i = 0; i < d->cfg->n_tenants; i++)
        if (d->cfg->tenants[i].engine.id == id)
            return &d->cfg->tenants[i];
    return NULL;
}

const char *fd_tenant_name(const fd_device_t *d, uint32_t tenant_id)
{
    const fd_tenant_config_t *t = tenant_cfg(d, tenant_id);
    return t ? t->name : "?";
}

static int cfg_index(const fd_device_t *d, uint32_t tenant_id)
{
    for (size_t i = 0; i < d->cfg->n_tenants; i++)
        if (d->cfg->tenants[i].engine.id == tenant_id)
            return (int)i;
    return -1;
}

/* ---- per-tenant storage: what the state folder holds for a tenant ----------------------- */

/* Bytes of record `name`, 0 when there is none. */
static uint64_t file_bytes(const fd_device_t *d, const char *name)
{
    size_t len = 0;
    uint8_t probe[1];
    int st = d->port.storage_read(d->port.ctx, name, probe, 0, &len);
    return st == FC_OK || st == FC_ERR_BUFFER ? (uint64_t)len : 0;
}

static void add_size(void *arg, const char *name, size_t size)
{
    (void)name;
    *(uint64_t *)arg += size;
}

/* Bytes of the records directly under the folder `dir`. */
static uint64_t dir_bytes(const fd_device_t *d, const char *dir)
{
    uint64_t sum = 0;
    d->plat->list(d->plat->ctx, dir, add_size, &sum);
    return sum;
}

static uint32_t tombstones(const fd_device_t *d, uint32_t tenant_id)
{
    uint32_t n = 0;
    for (size_t i = 0; i < FD_NAMES_MAX; i++)
        n += d->names[i].tenant_id == tenant_id;
    return n;
}

/* Bytes the state folder holds for the tenant: its live envelopes and
 * fetched images, its sequence records, its key-value records (local and
 * tenant scope; its global entries at their record size), its tombstones. */
static uint64_t tenant_storage(const fd_device_t *d, uint32_t tenant_id)
{
    uint64_t sum = 0;
    char rel[FC_PORT_NAME_MAX + 16];
    for (uint32_t i = 0; i < FD_SLOTS; i++) {
        const fd_slot_t *s = &d->slots[i];
        if (s->installed && s->tenant_id == tenant_id) {
            snprintf(rel, sizeof rel, "slot/%" PRIu32 "/env-%" PRIu32, i, s->gen);
            sum += file_bytes(d, rel);
            snprintf(rel, sizeof rel, "slot/%" PRIu32 "/img-%" PRIu32, i, s->gen);
            sum += file_bytes(d, rel);
        }
        snprintf(rel, sizeof rel, "slot/%" PRIu32 "/seq-%" PRIu32, i, tenant_id);
        sum += file_bytes(d, rel);
    }
    snprintf(rel, sizeof rel, "kv/t/%08" PRIx32, tenant_id);
    sum += file_bytes(d, rel);
    snprintf(rel, sizeof rel, "kv/l/%08" PRIx32, tenant_id);
    sum += dir_bytes(d, rel);
    sum += (uint64_t)fc_kv_global_count(&d->engine, tenant_id) * FC_KV_RECORD_ENTRY;
    sum += (uint64_t)tombstones(d, tenant_id) * (FC_IMAGE_NAME_MAX + 24);
    return sum;
}

/* The engine writes a tenant's key-value records through the port: a write
 * that would take the tenant over max_storage is refused (the container's
 * helper returns FC_E_STORAGE) and logged with the figures. */
static int kv_write_allowed(fd_device_t *d, const char *name, size_t len)
{
    if (!d->cfg || (strncmp(name, "kv/l/", 5) != 0 && strncmp(name, "kv/t/", 5) != 0))
        return 1;
    char *end = NULL;
    unsigned long tid = strtoul(name + 5, &end, 16);
    const fd_tenant_config_t *t = tenant_cfg(d, (uint32_t)tid);
    if (!t || end != name + 13)
        return 1;
    uint64_t used = tenant_storage(d, t->engine.id) - file_bytes(d, name);
    if (used + len <= t->max_storage)
        return 1;
    dlog(d,
         "femtod: key-value write of tenant '%s' refused: storage %" PRIu64 " + %zu bytes exceeds "
         "max_storage %" PRIu32,
         t->name, used, len, t->max_storage);
    return 0;
}

/* ---- names: each belongs to its tenant, also after a removal --------------------------- */

uint32_t fd_name_owner(const fd_device_t *d, const char *name)
{
    for (uint32_t i = 0; i < FD_SLOTS; i++)
        if (d->slots[i].c && !strcmp(d->slots[i].c->name, name))
            return d->slots[i].tenant_id;
    for (size_t i = 0; i < FD_NAMES_MAX; i++)
        if (d->names[i].tenant_id && !strcmp(d->names[i].name, name))
            return d->names[i].tenant_id;
    return 0;
}

static uint32_t live_names(const fd_device_t *d, uint32_t tenant_id)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < FD_SLOTS; i++)
        n += d->slots[i].c && d->slots[i].tenant_id == tenant_id;
    return n;
}

/* Write the names record when the tombstones changed since it was last
 * written (not at every install: most change nothing). */
static void names_save(fd_device_t *d)
{
    if (!d->names_dirty)
        return;
    char text[FD_NAMES_MAX * (FC_IMAGE_NAME_MAX + 24) + 32];
    size_t n = (size_t)snprintf(text, sizeof text, "femtod-names 1\n");
    for (size_t i = 0; i < FD_NAMES_MAX; i++)
        if (d->names[i].tenant_id)
            n += (size_t)snprintf(text + n, sizeof text - n, "%" PRIu32 " %" PRIu32 " %s\n",
                                  d->names[i].tenant_id, d->names[i].age, d->names[i].name);
    if (d->port.storage_write(d->port.ctx, "names", text, n) != FC_OK)
        dlog(d, "femtod: cannot write the names record (tombstones kept in memory)");
    else
        d->names_dirty = 0;
}

/* Tombstones of configured tenants only: a tenant removed from the
 * configuration releases its names. */
static void names_load(fd_device_t *d)
{
    char text[FD_NAMES_MAX * (FC_IMAGE_NAME_MAX + 24) + 32];
    size_t n = 0;
    if (d->port.storage_read(d->port.ctx, "names", text, sizeof text - 1, &n) != FC_OK)
        return;
    text[n] = '\0';
    char *save = NULL, *line = strtok_r(text, "\n", &save);
    if (!line || strcmp(line, "femtod-names 1") != 0)
        return;
    size_t k = 0;
    while ((line = strtok_r(NULL, "\n", &save)) && k < FD_NAMES_MAX) {
        fd_name_t *e = &d->names[k];
        char name[FC_IMAGE_NAME_MAX + 2];
        if (sscanf(line, "%" SCNu32 " %" SCNu32 " %64s", &e->tenant_id, &e->age, name) != 3 ||
            strlen(name) > FC_IMAGE_NAME_MAX || fc_name_bad_char(name) >= 0 ||
            !tenant_cfg(d, e->tenant_id)) {
            memset(e, 0, sizeof *e);
            d->names_dirty = 1; /* released: the next save drops it from the record */
            continue;
        }
        memcpy(e->name, name, strlen(name) + 1); /* <= FC_IMAGE_NAME_MAX, checked above */
        if (e->age >= d->names_age)
            d->names_age = e->age + 1;
        k++;
    }
}

static void name_unbury(fd_device_t *d, uint32_t tenant_id, const char *name)
{
    for (size_t i = 0; i < FD_NAMES_MAX; i++)
        if (d->names[i].tenant_id == tenant_id && !strcmp(d->names[i].name, name)) {
            memset(&d->names[i], 0, sizeof d->names[i]);
            d->names_dirty = 1;
        }
}

/* The tenant's oldest tombstones go while it holds more than max_names. */
static void names_trim(fd_device_t *d, uint32_t tenant_id)
{
    const fd_tenant_config_t *t = tenant_cfg(d, tenant_id);
    while (t && live_names(d, tenant_id) + tombstones(d, tenant_id) > t->max_names &&
           tombstones(d, tenant_id)) {
        size_t oldest = FD_NAMES_MAX;
        for (size_t i = 0; i < FD_NAMES_MAX; i++)
            if (d->names[i].tenant_id == tenant_id &&
                (oldest == FD_NAMES_MAX || d->names[i].age < d->names[oldest].age))
                oldest = i;
        memset(&d->names[oldest], 0, sizeof d->names[oldest]);
        d->names_dirty = 1;
    }
}

/* Keep a removed container's name for its tenant. */
static void name_bury(fd_device_t *d, uint32_t tenant_id, const char *name)
{
    if (!name[0] || !tenant_cfg(d, tenant_id) || fd_name_owner(d, name))
        return;
    for (size_t i = 0; i < FD_NAMES_MAX; i++) {
        if (!d->names[i].tenant_id) {
            d->names[i].tenant_id = tenant_id;
            d->names[i].age = d->names_age++;
            snprintf(d->names[i].name, sizeof d->names[i].name, "%s", name);
            d->names_dirty = 1;
            break;
        }
    }
    names_trim(d, tenant_id);
}

void fd_tenant_usage(fd_device_t *d, uint32_t tenant_id, fd_usage_t *u)
{
    memset(u, 0, sizeof *u);
    for (uint32_t i = 0; i < FD_SLOTS; i++) {
        const fc_container_t *c = d->slots[i].c;
        if (!c || d->slots[i].tenant_id != tenant_id)
            continue;
        u->containers++;
        u->ram += c->ram_len;
        uint32_t idx = fc_container_slot(&d->engine, c);
        for (uint32_t a = 0; a < d->engine.n_attachments; a++)
            u->attachments += d->engine.attachments[a].container == idx; /* fuzz_coap: = engine's */
    }
    u->kv_entries = fc_kv_count(&d->engine, tenant_id);
    u->global_entries = fc_kv_global_count(&d->engine, tenant_id);
    u->names = live_names(d, tenant_id) + tombstones(d, tenant_id);
    u->storage = tenant_storage(d, tenant_id);
}

/* ---- versions (epoch, sequence), per slot and tenant ----------------------------------- */

static int ver_less(fc_suit_version_t a, fc_suit_version_t b)
{
    return a.epoch < b.epoch || (a.epoch == b.epoch && a.seq < b.seq);
}

/* "S" in epoch 0 (as before epochs), "S of epoch E" after */
static const char *ver_text(char *buf, size_t cap, fc_suit_version_t v)
{
    if (v.epoch)
        snprintf(buf, cap, "%" PRIu64 " of epoch %" PRIu64, v.seq, v.epoch);
    else
        snprintf(buf, cap, "%" PRIu64, v.seq);
    return buf;
}

static void write_hist(fd_device_t *d, uint32_t slot, uint32_t tenant_id, fc_suit_version_t v)
{
    char name[FC_PORT_NAME_MAX], text[80];
    snprintf(name, sizeof name, "slot/%" PRIu32 "/seq-%" PRIu32, slot, tenant_id);
    int n = snprintf(text, sizeof text, "femtod-seq 1 %" PRIu64 " %" PRIu64 "\n", v.seq, v.epoch);
    /* slot/N/cur holds it too until another tenant writes that record */
    if (d->port.storage_write(d->port.ctx, name, text, (size_t)n) != FC_OK)
        dlog(d, "femtod: cannot write %s", name);
}

static void load_hist(fd_device_t *d, uint32_t slot)
{
    fd_slot_t *s = &d->slots[slot];
    for (size_t i = 0; i < d->cfg->n_tenants; i++) {
        char name[FC_PORT_NAME_MAX], text[80];
        size_t n = 0;
        fc_suit_version_t v = {0};
        snprintf(name, sizeof name, "slot/%" PRIu32 "/seq-%" PRIu32, slot,
                 d->cfg->tenants[i].engine.id);
        if (d->port.storage_read(d->port.ctx, name, text, sizeof text - 1, &n) != FC_OK)
            continue;
        text[n] = '\0';
        /* a record of an older femtod has no epoch: 0 */
        if (sscanf(text, "femtod-seq 1 %" SCNu64 " %" SCNu64, &v.seq, &v.epoch) >= 1 &&
            ver_less(s->hist[i], v))
            s->hist[i] = v;
    }
    /* the switch record is written before slot/N/seq-T: a crash between the
     * two leaves the newer version in cur only. Write it to slot/N/seq-T
     * now, before another tenant's install replaces cur and, with it, the
     * only record of that version. */
    int ti = s->has_record ? cfg_index(d, s->tenant_id) : -1;
    fc_suit_version_t cur = {.epoch = s->epoch, .seq = s->seq};
    if (ti >= 0 && ver_less(s->hist[ti], cur)) {
        s->hist[ti] = cur;
        write_hist(d, slot, s->tenant_id, cur);
    }
}

static void record_name(char *out, size_t cap, uint32_t slot, const char *what, long gen)
{
    if (gen >= 0)
        snprintf(out, cap, "slot/%" PRIu32 "/%s-%ld", slot, what, gen);
    else
        snprintf(out, cap, "slot/%" PRIu32 "/%s", slot, what);
}

static int write_cur(fd_device_t *d, uint32_t slot, uint32_t gen, fc_suit_version_t v,
                     uint32_t tenant, int installed)
{
    char name[FC_PORT_NAME_MAX], text[128];
    record_name(name, sizeof name, slot, "cur", -1);
    int n = snprintf(text, sizeof text,
                     "femtod-slot 1 %" PRIu32 " %" PRIu64 " %" PRIu32 " %d %" PRIu64 "\n", gen,
                     v.seq, tenant, installed, v.epoch);
    return d->port.storage_write(d->port.ctx, name, text, (size_t)n);
}

static int read_record(fd_device_t *d, const char *name, uint8_t **out, size_t *len)
{
    size_t need = 0;
    uint8_t probe[1];
    int st = d->port.storage_read(d->port.ctx, name, probe, 0, &need);
    if (st == FC_OK) {
        *out = malloc(1);
        *len = 0;
        return *out ? FC_OK : FC_ERR_NO_RAM;
    }
    if (st != FC_ERR_BUFFER)
        return st;
    *out = malloc(need);
    if (!*out)
        return FC_ERR_NO_RAM;
    st = d->port.storage_read(d->port.ctx, name, *out, need, len);
    if (st != FC_OK) {
        free(*out);
        *out = NULL;
    }
    return st;
}

/* ---- the checks every version goes through (install and restart) -------------------- */

typedef struct prepared {
    uint32_t slot;
    fc_suit_version_t ver;
    uint32_t tenant_id;
    fc_container_t *c; /* installed STOPPED and attached; NULL for a removal */
    uint8_t *image;
    size_t image_len;
    int fetched; /* the image came from a URI: stored as slot/N/img-GEN */
} prepared_t;

enum { MODE_INSTALL, MODE_RESTORE, MODE_REMOVE };

/* Decode, authenticate against every tenant key, evaluate; find the tenant
 * and the slot. */
static int authenticate(fd_device_t *d, const uint8_t *env, size_t len, fc_suit_manifest_t *m,
                        fc_suit_result_t *r, const fd_tenant_config_t **tenant, uint32_t *slot,
                        fd_verdict_t *v)
{
    fc_error_t err = {0};
    if (fc_suit_decode(env, len, m, &err) != FC_OK)
        return refuse(v, err.code, &err, "");
    fc_suit_key_t keys[FC_MAX_TENANTS];
    for (size_t i = 0; i < d->cfg->n_tenants; i++) {
        keys[i].type = FC_SUIT_KEY_ED25519;
        memcpy(keys[i].public_key, d->cfg->tenants[i].engine.public_key, 32);
    }
    size_t which = 0;
    if (fc_suit_authenticate(m, &d->port, keys, d->cfg->n_tenants, &which, &err) != FC_OK)
        return refuse(v, err.code, &err, "");
    *tenant = &d->cfg->tenants[which];
    fc_suit_device_t dev = {.vendor_id = FC_SUIT_FEMTO_VENDOR_ID,
                            .class_id = FC_SUIT_FEMTOD_CLASS_ID};
    if (fc_suit_evaluate(m, &d->port, &dev, FC_SUIT_RUN_INSTALL, r, &err) != FC_OK)
        return refuse(v, err.code, &err, "");
    if (r->n_components != 1 || !r->component[0].has_femto_slot)
        return refuse(v, FC_ERR_SUIT_UNSUPPORTED, NULL,
                      "femtod takes exactly one component ['femto', '<slot>']");
    *slot = r->component[0].femto_slot;
    v->slot = *slot;
    v->seq = m->sequence_number;
    v->epoch = r->component[0].params.femto.epoch;
    if (*slot >= FD_SLOTS)
        return refuse(v, FC_ERR_NO_SLOT, NULL, "slot %" PRIu32 " does not exist (0..%d)", *slot,
                      FD_SLOTS - 1);
    if (!((*tenant)->slots & (1u << *slot)))
        return refuse(v, FC_ERR_PERMISSION, NULL, "tenant '%s' may not use slot %" PRIu32,
                      (*tenant)->name, *slot);
    const fd_slot_t *s = &d->slots[*slot];
    if (s->installed && s->tenant_id != (*tenant)->engine.id)
        return refuse(v, FC_ERR_PERMISSION, NULL, "slot %" PRIu32 " belongs to tenant '%s'", *slot,
                      fd_tenant_name(d, s->tenant_id));
    return FC_OK;
}

/* The image of a manifest: its integrated payload, or (fetch by URI) the
 * image the URI serves, bounded by image-size and the tenant's max_image
 * before a byte is fetched, and checked against image-digest before it is
 * used. At restart, the copy stored beside the envelope (slot/N/img-GEN).
 * *owned is a malloc'd buffer the caller frees (fetched or read). */
static int obtain_image(fd_device_t *d, const fd_tenant_config_t *t,
                        const fc_suit_component_result_t *cr, int mode, uint32_t slot, uint32_t gen,
                        const uint8_t **img, size_t *len, uint8_t **owned, fd_verdict_t *v)
{
    fc_error_t err = {0};
    *owned = NULL;
    if (cr->payload) {
        *img = cr->payload->data.ptr;
        *len = cr->payload->data.len;
        if (!(cr->actions & FC_SUIT_IMAGE_MATCHED) &&
            fc_suit_check_payload(&cr->params, &d->port, *img, *len, &err) != FC_OK)
            return refuse(v, err.code, &err, "");
        return FC_OK;
    }
    const fc_suit_params_t *pa = &cr->params;
    if (!(cr->actions & FC_SUIT_DID_FETCH) || !(pa->has & FC_SUIT_HAS_URI))
        return refuse(v, FC_ERR_SUIT_UNSUPPORTED, NULL,
                      "no payload: neither integrated nor fetched");
    if (mode == MODE_REMOVE)
        return refuse(v, FC_ERR_INVALID_ARG, NULL,
                      "a removal envelope carries an empty integrated image (femto rm builds one)");
    if (!(pa->has & FC_SUIT_HAS_SIZE) || !(pa->has & FC_SUIT_HAS_DIGEST))
        return refuse(v, FC_ERR_SUIT_FORMAT, NULL,
                      "a fetched image needs image-size and image-digest parameters (its bound)");
    if (pa->image_size == 0)
        return refuse(v, FC_ERR_INVALID_ARG, NULL, "image-size 0: removals go to DELETE /c/NAME");
    if (pa->image_size > t->max_image)
        return refuse(v, FC_ERR_SIZE, NULL,
                      "image-size %" PRIu64 " exceeds tenant '%s' max_image %" PRIu32
                      " (nothing fetched)",
                      pa->image_size, t->name, t->max_image);
    char uri[FD_URI_MAX + 1];
    if (pa->uri.len > FD_URI_MAX || memchr(pa->uri.ptr, '\0', pa->uri.len))
        return refuse(v, FC_ERR_SUIT_UNSUPPORTED, NULL, "uri longer than %d bytes or with a NUL",
                      FD_URI_MAX);
    memcpy(uri, pa->uri.ptr, pa->uri.len);
    uri[pa->uri.len] = '\0';
    uint8_t *buf = NULL;
    size_t n = 0;
    if (mode == MODE_RESTORE) {
        char name[FC_PORT_NAME_MAX];
        record_name(name, sizeof name, slot, "img", gen);
        int st = read_record(d, name, &buf, &n);
        if (st != FC_OK)
            return refuse(v, st, NULL, "cannot read the fetched image %s", name);
    } else {
        if (strncmp(uri, "coap://", 7) != 0) {
            return refuse(v, FC_ERR_SUIT_UNSUPPORTED, NULL,
                          "uri '%.80s': femtod fetches coap:// URIs only", uri);
        }
        if (!d->fetch)
            return refuse(v, FC_ERR_SUIT_UNSUPPORTED, NULL, "this device does not fetch by URI");
        char why[160] = "";
        d->fetches++;
        int st = d->fetch(d->fetch_ctx, uri, (size_t)pa->image_size, d->cfg->fetch_timeout_ms, &buf,
                          &n, why, sizeof why);
        if (st != FC_OK) {
            free(buf);
            v->fetch_failed = st != FC_ERR_SIZE; /* the source failed, not the bound */
            return refuse(v, st, NULL, "fetch %.80s: %s", uri, why);
        }
    }
    *owned = buf;
    *img = buf;
    *len = n;
    if (fc_suit_check_payload(pa, &d->port, buf, n, &err) != FC_OK)
        return refuse(v, err.code, &err, "image from %.80s", uri);
    return FC_OK;
}

static uint32_t tenant_ram(const fd_device_t *d, uint32_t tenant_id, uint32_t except_slot)
{
    uint32_t sum = 0;
    for (uint32_t i = 0; i < FD_SLOTS; i++)
        if (i != except_slot && d->slots[i].c && d->slots[i].tenant_id == tenant_id)
            sum += d->slots[i].c->ram_len;
    return sum;
}

static uint32_t tenant_slots(const fd_device_t *d, uint32_t tenant_id, uint32_t except_slot)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < FD_SLOTS; i++)
        if (i != except_slot && d->slots[i].c && d->slots[i].tenant_id == tenant_id)
            n++;
    return n;
}

static uint32_t container_attachments(const fd_device_t *d, const fc_container_t *c)
{
    uint32_t n = 0, idx = fc_container_slot(&d->engine, c);
    for (uint32_t a = 0; a < d->engine.n_attachments; a++)
        n += d->engine.attachments[a].container == idx;
    return n;
}

/* The tenant's attachments (the engine counts them) without those of the
 * version an update replaces. */
static uint32_t tenant_attachments(const fd_device_t *d, uint32_t tenant_id, uint32_t except_slot)
{
    uint32_t n = fc_tenant_attachments(&d->engine, tenant_id);
    const fd_slot_t *s = &d->slots[except_slot];
    if (s->c && s->tenant_id == tenant_id)
        n -= container_attachments(d, s->c);
    return n;
}

/* The image's name: the allowed characters (one definition, engine.h), and
 * it belongs to its tenant: another's (live or kept after a removal) is
 * refused; a new one needs room in max_names (the tenant's oldest removed
 * name is released for it at the switch). */
static int check_name(fd_device_t *d, const fd_tenant_config_t *t, uint32_t slot,
                      const uint8_t *img, size_t len, fd_verdict_t *v)
{
    fc_image_t im;
    if (fc_image_parse(img, len, &im, NULL) != FC_OK)
        return FC_OK; /* the engine's install says why */
    int bad = fc_name_bad_char(im.name);
    if (bad >= 0)
        return refuse(v, FC_ERR_IMAGE_NAME, NULL,
                      "name '%s': character 0x%02x ('%c') at %d is not allowed (%s; no leading .)",
                      im.name, (unsigned char)im.name[bad],
                      isprint((unsigned char)im.name[bad]) ? im.name[bad] : '?', bad,
                      FC_NAME_CHARS_TEXT);
    uint32_t owner = fd_name_owner(d, im.name);
    if (owner && owner != t->engine.id)
        return refuse(v, FC_ERR_EXISTS, NULL,
                      "name '%s' belongs to tenant '%s' (a name stays with its tenant after a "
                      "removal)",
                      im.name, fd_tenant_name(d, owner));
    const fd_slot_t *s = &d->slots[slot];
    int same = s->c && !strcmp(s->c->name, im.name);
    uint32_t held = live_names(d, t->engine.id) + tombstones(d, t->engine.id);
    if (!owner && !same && held >= t->max_names && tombstones(d, t->engine.id) == 0 && !s->c)
        return refuse(v, FC_ERR_QUOTA, NULL,
                      "names: tenant '%s' holds %" PRIu32 " of max_names %" PRIu32, t->name, held,
                      t->max_names);
    return FC_OK;
}

static void drop_prepared(fd_device_t *d, prepared_t *p)
{
    if (p->c)
        fc_container_remove(&d->engine, p->c);
    free(p->image);
    memset(p, 0, sizeof *p);
}

/* A refused image, named as precisely as the image allows: which helper
 * (id and SDK name) and which tenant for a denied call, the frame size
 * asked for a bad verifier configuration. */
static int refuse_image(fd_verdict_t *v, const fd_tenant_config_t *t, const uint8_t *image,
                        size_t len, const fc_error_t *err)
{
    fc_image_t img;
    fc_error_t perr;
    int parsed = fc_image_parse(image, len, &img, &perr) == FC_OK;
    if (err->code == FC_ERR_HELPER_DENIED && parsed && err->where < img.text_slots) {
        uint32_t id = (uint32_t)img.text[err->where].imm;
        const char *name = fd_helper_name(id);
        if (!name)
            return refuse(v, err->code, NULL,
                          "image refused: call to helper %" PRIu32
                          ", which this device does not have (at instruction %lu)",
                          id, err->where);
        return refuse(v, err->code, NULL,
                      "image refused: call to helper %" PRIu32 " (%s), not in tenant '%s''s "
                      "helpers (at instruction %lu)",
                      id, name, t->name, err->where);
    }
    if (err->code == FC_ERR_BAD_CONFIG && parsed && img.frame_size)
        return refuse(v, err->code, NULL,
                      "image refused: its frame size %" PRIu32
                      " bytes is not a multiple of 8 in 8..32768, or the engine's stack "
                      "cannot hold it",
                      img.frame_size);
    return refuse(v, err->code, err, "image refused");
}

/* Install the payload STOPPED into a spare engine slot and attach it to the
 * hooks it asks for, after every permission and quota check. */
static int load_container(fd_device_t *d, const fd_tenant_config_t *t, uint32_t slot,
                          const fc_suit_component_result_t *cr, const uint8_t *img, size_t len,
                          prepared_t *p, fd_verdict_t *v)
{
    const fc_suit_femto_t *fm = &cr->params.femto;
    uint32_t tid = t->engine.id;
    int st;
    int hooks[FC_SUIT_MAX_HOOKS];
    char hname[32];
    for (size_t i = 0; i < fm->n_hooks; i++) {
        size_t n = fm->hook[i].len < sizeof hname - 1 ? fm->hook[i].len : sizeof hname - 1;
        memcpy(hname, fm->hook[i].ptr, n);
        hname[n] = '\0';
        hooks[i] = fd_hook_id(hname);
        if (hooks[i] < 0 || n != fm->hook[i].len)
            return refuse(v, FC_ERR_NOT_FOUND, NULL, "no hook named '%s' on this device", hname);
        if (!(t->engine.hooks & (1u << hooks[i])))
            return refuse(v, FC_ERR_PERMISSION, NULL, "tenant '%s' may not attach to hook '%s'",
                          t->name, hname);
        for (size_t k = 0; k < i; k++)
            if (hooks[k] == hooks[i])
                return refuse(v, FC_ERR_INVALID_ARG, NULL,
                              "the manifest names hook '%s' twice (a container attaches to a "
                              "hook once)",
                              hname);
    }
    if (len > t->max_image)
        return refuse(v, FC_ERR_SIZE, NULL,
                      "image of %zu bytes exceeds tenant '%s' max_image %" PRIu32, len, t->name,
                      t->max_image);
    if (tenant_slots(d, tid, slot) >= t->engine.quota.max_containers)
        return refuse(v, FC_ERR_QUOTA, NULL,
                      "containers: tenant '%s' has %" PRIu32 " of max_containers %" PRIu32, t->name,
                      tenant_slots(d, tid, slot), t->engine.quota.max_containers);
    if (fm->priority < INT32_MIN || fm->priority > INT32_MAX)
        return refuse(v, FC_ERR_INVALID_ARG, NULL,
                      "priority %" PRId64 " outside %" PRId32 "..%" PRId32, fm->priority, INT32_MIN,
                      INT32_MAX);
    if (fm->budget > t->engine.quota.max_budget)
        return refuse(v, FC_ERR_QUOTA, NULL,
                      "budget %" PRIu64 " outside 1..%" PRIu32 " (tenant '%s' max_budget)",
                      fm->budget, t->engine.quota.max_budget, t->name);
    uint32_t att = tenant_attachments(d, tid, slot);
    uint32_t share = t->engine.quota.max_attachments;
    if (fm->n_hooks > share || att > share - fm->n_hooks)
        return refuse(v, FC_ERR_QUOTA, NULL,
                      "attachments: tenant '%s' has %" PRIu32 " of max_attachments %" PRIu32
                      ", this version asks for %zu",
                      t->name, att, share, fm->n_hooks);
    /* The engine runs the image in place: keep an aligned private copy. */
    p->image = malloc(len ? len : 1);
    if (!p->image)
        return refuse(v, FC_ERR_NO_RAM, NULL, "out of memory");
    memcpy(p->image, img, len);
    p->image_len = len;
    st = check_name(d, t, slot, p->image, len, v);
    if (st != FC_OK)
        return st;
    fc_error_t err = {0};
    if (fc_container_install(&d->engine, tid, -1, p->image, len, NULL, &p->c, &err) != FC_OK) {
        if (err.code == FC_ERR_QUOTA)
            return refuse(v, FC_ERR_QUOTA, NULL,
                          "kv entries: tenant '%s' has %" PRIu32 " of max_kv_entries %" PRIu32
                          " and the container's stored local entries do not fit",
                          t->name, fc_kv_count(&d->engine, tid), t->engine.quota.max_kv_entries);
        return refuse_image(v, t, p->image, len, &err);
    }
    if (p->c->ram_len + tenant_ram(d, tid, slot) > t->engine.quota.max_ram)
        return refuse(v, FC_ERR_QUOTA, NULL,
                      "ram: data+bss %" PRIu32 " bytes with the %" PRIu32
                      " bytes its other containers use exceeds tenant '%s' max_ram %" PRIu32,
                      p->c->ram_len, tenant_ram(d, tid, slot), t->name, t->engine.quota.max_ram);
    int other = fd_device_find(d, p->c->name);
    if (other >= 0 && (uint32_t)other != slot)
        return refuse(v, FC_ERR_EXISTS, NULL, "a container named '%s' runs in slot %d", p->c->name,
                      other);
    if (fm->budget && fc_container_set_budget(&d->engine, p->c, (uint32_t)fm->budget) != FC_OK)
        return refuse(v, FC_ERR_QUOTA, NULL,
                      "budget %" PRIu64 " outside 1..%" PRIu32 " (tenant '%s' max_budget)",
                      fm->budget, t->engine.quota.max_budget, t->name);
    char entry[FC_IMAGE_NAME_MAX + 1];
    size_t en = fm->entry.len;
    if (en >= sizeof entry)
        return refuse(v, FC_ERR_IMAGE_ENTRY, NULL, "entry name longer than %d bytes",
                      FC_IMAGE_NAME_MAX);
    if (en)
        memcpy(entry, fm->entry.ptr, en);
    entry[en] = '\0';
    for (size_t i = 0; i < fm->n_hooks; i++) {
        st = fc_container_attach(&d->engine, p->c, (uint32_t)hooks[i], (int32_t)fm->priority,
                                 en ? entry : NULL);
        if (st != FC_OK)
            return refuse(v, st, NULL,
                          "cannot attach to hook '%.*s' (device attachment table: %" PRIu32
                          " of %d in use; tenant '%s': %" PRIu32 " of max_attachments %" PRIu32 ")",
                          (int)fm->hook[i].len, (const char *)fm->hook[i].ptr,
                          d->engine.n_attachments, FC_MAX_ATTACHMENTS, t->name, att, share);
    }
    return FC_OK;
}

/* Anti-rollback over (epoch, sequence), against the signing tenant's own
 * history in this slot (so no tenant's numbers bind another). A removal may
 * carry the version it removes (an older femto rm at 2^64-1 sends that). */
static int check_version(fd_device_t *d, const fd_tenant_config_t *t, uint32_t slot, int mode,
                         fc_suit_version_t next, fd_verdict_t *v)
{
    fc_suit_version_t last = d->slots[slot].hist[cfg_index(d, t->engine.id)];
    fc_error_t err = {0};
    if (fc_suit_check_version(next, last, mode == MODE_REMOVE, &err) == FC_OK)
        return FC_OK;
    char a[48], b[48];
    ver_text(a, sizeof a, next);
    ver_text(b, sizeof b, last);
    if (next.epoch > last.epoch)
        return refuse(v, FC_ERR_ROLLBACK, NULL,
                      "epoch %" PRIu64 " is more than one above %" PRIu64
                      ", the last epoch of tenant '%s' in slot %" PRIu32
                      " (an epoch grows by one at a time)",
                      next.epoch, last.epoch, t->name, slot);
    return refuse(v, FC_ERR_ROLLBACK, NULL,
                  "sequence %s is not newer than %s, the last of tenant '%s' in slot %" PRIu32 "%s",
                  a, b, t->name, slot,
                  last.seq == UINT64_MAX ? " (the sequence space of this epoch is used up: "
                                           "sign the next version with --epoch one higher)"
                                         : "");
}

static int prepare(fd_device_t *d, const uint8_t *env, size_t len, int mode,
                   fc_suit_version_t stored, uint32_t stored_gen, prepared_t *p, fd_verdict_t *v)
{
    fc_suit_manifest_t m;
    fc_suit_result_t r;
    const fd_tenant_config_t *t = NULL;
    uint32_t slot = 0;
    memset(p, 0, sizeof *p);
    /* What arrives is bounded; what was accepted before stays valid when
     * max_envelope is lowered later (a restart must not drop it). */
    if (mode != MODE_RESTORE && len > d->cfg->max_envelope)
        return refuse(v, FC_ERR_SIZE, NULL, "envelope of %zu bytes exceeds max_envelope %" PRIu32,
                      len, d->cfg->max_envelope);
    int st = authenticate(d, env, len, &m, &r, &t, &slot, v);
    if (st != FC_OK)
        return st;
    fc_suit_version_t ver = {.epoch = r.component[0].params.femto.epoch, .seq = m.sequence_number};
    if (mode == MODE_RESTORE) {
        if (ver.seq != stored.seq || ver.epoch != stored.epoch) {
            char a[48], b[48];
            return refuse(v, FC_ERR_STATE, NULL, "stored envelope has sequence %s, record says %s",
                          ver_text(a, sizeof a, ver), ver_text(b, sizeof b, stored));
        }
    } else {
        st = check_version(d, t, slot, mode, ver, v);
        if (st != FC_OK)
            return st;
    }
    p->slot = slot;
    p->ver = ver;
    p->tenant_id = t->engine.id;
    const uint8_t *img = NULL;
    size_t img_len = 0;
    uint8_t *owned = NULL;
    st = obtain_image(d, t, &r.component[0], mode, slot, stored_gen, &img, &img_len, &owned, v);
    if (st != FC_OK) {
        free(owned);
        return st;
    }
    p->fetched = r.component[0].payload == NULL;
    if (mode == MODE_REMOVE) {
        free(owned);
        if (img_len != 0)
            return refuse(v, FC_ERR_INVALID_ARG, NULL,
                          "a removal envelope carries an empty image (femto rm builds one)");
        return FC_OK;
    }
    if (img_len == 0) {
        free(owned);
        return refuse(v, FC_ERR_INVALID_ARG, NULL, "empty image: removals go to DELETE /c/NAME");
    }
    st = load_container(d, t, slot, &r.component[0], img, img_len, p, v);
    free(owned);
    if (st != FC_OK)
        drop_prepared(d, p);
    return st;
}

/* ---- install ---------------------------------------------------------------------------- */

static void remove_record(fd_device_t *d, uint32_t slot, long gen)
{
    char name[FC_PORT_NAME_MAX];
    record_name(name, sizeof name, slot, "env", gen);
    d->port.storage_remove(d->port.ctx, name);
    record_name(name, sizeof name, slot, "img", gen); /* a fetched image, if any */
    d->port.storage_remove(d->port.ctx, name);
}

void fd_device_install(fd_device_t *d, const uint8_t *env, size_t len, fd_verdict_t *v)
{
    memset(v, 0, sizeof *v);
    prepared_t p;
    if (prepare(d, env, len, MODE_INSTALL, (fc_suit_version_t){0}, 0, &p, v) != FC_OK) {
        d->refusals++;
        dlog(d, "femtod: install %s", v->text);
        return;
    }
    fd_slot_t *s = &d->slots[p.slot];
    const fd_tenant_config_t *t = tenant_cfg(d, p.tenant_id);
    /* storage: what the tenant holds, without the version this one replaces */
    uint64_t used = tenant_storage(d, p.tenant_id);
    if (s->installed && s->tenant_id == p.tenant_id) {
        char rel[FC_PORT_NAME_MAX];
        record_name(rel, sizeof rel, p.slot, "env", s->gen);
        used -= file_bytes(d, rel);
        record_name(rel, sizeof rel, p.slot, "img", s->gen);
        used -= file_bytes(d, rel);
    }
    uint64_t need = len + (p.fetched ? p.image_len : 0);
    if (used + need > t->max_storage) {
        refuse(v, FC_ERR_QUOTA, NULL,
               "storage: tenant '%s' uses %" PRIu64 " bytes, this version needs %" PRIu64
               ", max_storage %" PRIu32,
               t->name, used, need, t->max_storage);
        drop_prepared(d, &p);
        d->refusals++;
        dlog(d, "femtod: install %s", v->text);
        return;
    }
    uint32_t gen = s->gen + 1;
    char name[FC_PORT_NAME_MAX];
    record_name(name, sizeof name, p.slot, "env", gen);
    d->install_writes = 0;
    crash_point(d, 1);
    int st = FC_OK;
    char img_name[FC_PORT_NAME_MAX];
    record_name(img_name, sizeof img_name, p.slot, "img", gen);
    if (p.fetched) /* the envelope does not hold it: keep it for restarts */
        st = d->port.storage_write(d->port.ctx, img_name, p.image, p.image_len);
    if (st == FC_OK)
        st = d->port.storage_write(d->port.ctx, name, env, len);
    crash_point(d, 2);
    if (st == FC_OK) {
        st = write_cur(d, p.slot, gen, p.ver, p.tenant_id, 1); /* the switch */
        if (st != FC_OK)
            d->port.storage_remove(d->port.ctx, name);
    }
    if (st != FC_OK && p.fetched)
        d->port.storage_remove(d->port.ctx, img_name);
    d->install_writes = -1;
    if (st != FC_OK) {
        drop_prepared(d, &p);
        d->refusals++;
        refuse(v, FC_ERR_STORAGE, NULL, "cannot write the new version; the old one runs on");
        return;
    }
    crash_point(d, 3);
    /* In memory: nothing runs between these lines (one thread). */
    uint32_t old_gen = s->gen;
    int had_old = s->installed;
    char old_name[FC_IMAGE_NAME_MAX + 1] = "";
    if (s->c) {
        snprintf(old_name, sizeof old_name, "%s", s->c->name);
        fc_container_remove(&d->engine, s->c);
    }
    free(s->image);
    fc_container_start(&d->engine, p.c);
    fd_slot_t kept = *s;
    *s = (fd_slot_t){.has_record = 1,
                     .installed = 1,
                     .gen = gen,
                     .seq = p.ver.seq,
                     .epoch = p.ver.epoch,
                     .tenant_id = p.tenant_id,
                     .c = p.c,
                     .image = p.image,
                     .image_len = p.image_len};
    memcpy(s->hist, kept.hist, sizeof s->hist);
    s->hist[cfg_index(d, p.tenant_id)] = p.ver;
    crash_point(d, 4);
    write_hist(d, p.slot, p.tenant_id, p.ver);
    name_unbury(d, p.tenant_id, p.c->name);
    if (old_name[0] && strcmp(old_name, p.c->name) != 0) {
        /* an update under another name: the old name's local record goes as
         * on a removal (else renaming would leave records behind) */
        if (fc_kv_local_reclaim(&d->engine, kept.tenant_id, old_name) != FC_OK)
            dlog(d, "femtod: cannot delete the key-value record of '%s'", old_name);
        name_bury(d, kept.tenant_id, old_name);
    }
    names_trim(d, p.tenant_id);
    names_save(d);
    if (had_old || old_gen)
        remove_record(d, p.slot, old_gen);
    crash_point(d, 5);
    d->installs++;
    v->status = FC_OK;
    char vt[48];
    snprintf(v->text, sizeof v->text,
             "installed '%s' in slot %" PRIu32 ", sequence %s, tenant '%s', %zu bytes", p.c->name,
             p.slot, ver_text(vt, sizeof vt, p.ver), fd_tenant_name(d, p.tenant_id), p.image_len);
    dlog(d, "femtod: %s", v->text);
}

void fd_device_remove(fd_device_t *d, const char *cname, const uint8_t *env, size_t len,
                      fd_verdict_t *v)
{
    memset(v, 0, sizeof *v);
    int slot = fd_device_find(d, cname);
    if (slot < 0) {
        refuse(v, FC_ERR_NOT_FOUND, NULL, "no container named '%s'", cname);
        return;
    }
    prepared_t p;
    if (prepare(d, env, len, MODE_REMOVE, (fc_suit_version_t){0}, 0, &p, v) != FC_OK) {
        d->refusals++;
        return;
    }
    if (p.slot != (uint32_t)slot) {
        d->refusals++;
        refuse(v, FC_ERR_INVALID_ARG, NULL, "envelope is for slot %" PRIu32 ", '%s' is in slot %d",
               p.slot, cname, slot);
        return;
    }
    fd_slot_t *s = &d->slots[slot];
    if (write_cur(d, (uint32_t)slot, s->gen, p.ver, p.tenant_id, 0) != FC_OK) {
        refuse(v, FC_ERR_STORAGE, NULL, "cannot write the removal; the container runs on");
        return;
    }
    char cname_kept[FC_IMAGE_NAME_MAX + 1];
    snprintf(cname_kept, sizeof cname_kept, "%s", s->c->name);
    fc_container_remove(&d->engine, s->c);
    free(s->image);
    remove_record(d, (uint32_t)slot, s->gen);
    fd_slot_t kept = *s;
    *s = (fd_slot_t){.has_record = 1,
                     .gen = s->gen,
                     .seq = p.ver.seq,
                     .epoch = p.ver.epoch,
                     .tenant_id = p.tenant_id};
    memcpy(s->hist, kept.hist, sizeof s->hist);
    s->hist[cfg_index(d, p.tenant_id)] = p.ver;
    write_hist(d, (uint32_t)slot, p.tenant_id, p.ver);
    /* its local key-value record goes with it (storage stays bounded); its
     * name stays with the tenant */
    if (fc_kv_local_reclaim(&d->engine, p.tenant_id, cname_kept) != FC_OK)
        dlog(d, "femtod: cannot delete the key-value record of '%s'", cname_kept);
    name_bury(d, p.tenant_id, cname_kept);
    names_save(d);
    d->removals++;
    v->status = FC_OK;
    char vt[48];
    snprintf(v->text, sizeof v->text, "removed '%s' from slot %d, sequence %s", cname, slot,
             ver_text(vt, sizeof vt, p.ver));
    dlog(d, "femtod: %s", v->text);
}

int fd_device_find(const fd_device_t *d, const char *name)
{
    for (int i = 0; i < FD_SLOTS; i++)
        if (d->slots[i].c && !strcmp(d->slots[i].c->name, name))
            return i;
    return -1;
}

/* ---- restart ----------------------------------------------------------------------------- */

typedef struct cleaning {
    fd_device_t *d;
    uint32_t slot;
    long keep_gen;
} cleaning_t;

static void clean_one(void *arg, const char *name, size_t size)
{
    (void)size;
    cleaning_t *c = arg;
    long gen;
    char tail;
    if ((sscanf(name, "env-%ld%c", &gen, &tail) == 1 ||
         sscanf(name, "img-%ld%c", &gen, &tail) == 1) &&
        gen != c->keep_gen) {
        char rec[FC_PORT_NAME_MAX + 16];
        snprintf(rec, sizeof rec, "slot/%" PRIu32 "/%s", c->slot, name);
        c->d->port.storage_remove(c->d->port.ctx, rec);
        dlog(c->d, "femtod: slot %" PRIu32 ": removed leftover %s", c->slot, name);
    }
}

/* Remove envelope (and fetched image) records of slot other than keep_gen
 * (left by a crash between writing a new version and the switch). */
static void clean_slot_dir(fd_device_t *d, uint32_t slot, long keep_gen)
{
    char dir[32];
    snprintf(dir, sizeof dir, "slot/%" PRIu32, slot);
    cleaning_t c = {.d = d, .slot = slot, .keep_gen = keep_gen};
    d->plat->list(d->plat->ctx, dir, clean_one, &c);
}

static void restore_slot(fd_device_t *d, uint32_t slot)
{
    char name[FC_PORT_NAME_MAX];
    char text[128];
    size_t n = 0;
    record_name(name, sizeof name, slot, "cur", -1);
    int st = d->port.storage_read(d->port.ctx, name, text, sizeof text - 1, &n);
    if (st != FC_OK) {
        load_hist(d, slot);
        clean_slot_dir(d, slot, -1);
        return;
    }
    text[n] = '\0';
    fd_slot_t *s = &d->slots[slot];
    int installed = 0;
    s->epoch = 0; /* a record of an older femtod has no epoch */
    if (sscanf(text, "femtod-slot 1 %" SCNu32 " %" SCNu64 " %" SCNu32 " %d %" SCNu64, &s->gen,
               &s->seq, &s->tenant_id, &installed, &s->epoch) < 4) {
        dlog(d, "femtod: slot %" PRIu32 ": damaged record %s, slot left empty", slot, name);
        memset(s, 0, sizeof *s);
        load_hist(d, slot);
        return;
    }
    s->has_record = 1;
    load_hist(d, slot);
    clean_slot_dir(d, slot, installed ? (long)s->gen : -1);
    if (!installed)
        return;
    uint8_t *env = NULL;
    size_t len = 0;
    record_name(name, sizeof name, slot, "env", s->gen);
    st = read_record(d, name, &env, &len);
    fd_verdict_t v = {0};
    prepared_t p;
    if (st != FC_OK) {
        dlog(d, "femtod: slot %" PRIu32 ": cannot read %s (%s)", slot, name, fc_status_name(st));
    } else if (prepare(d, env, len, MODE_RESTORE,
                       (fc_suit_version_t){.epoch = s->epoch, .seq = s->seq}, s->gen, &p,
                       &v) != FC_OK) {
        dlog(d, "femtod: slot %" PRIu32 ": stored version %s", slot, v.text);
    } else if (p.slot != slot || p.tenant_id != s->tenant_id) {
        dlog(d, "femtod: slot %" PRIu32 ": stored envelope is for another slot or tenant", slot);
        drop_prepared(d, &p);
    } else {
        fc_container_start(&d->engine, p.c);
        s->installed = 1;
        s->c = p.c;
        s->image = p.image;
        s->image_len = p.image_len;
        char vt[48];
        dlog(d, "femtod: slot %" PRIu32 ": '%s' sequence %s re-verified and started", slot,
             p.c->name, ver_text(vt, sizeof vt, p.ver));
    }
    free(env);
}

int fd_device_init(fd_device_t *d, const fd_config_t *cfg, const fd_platform_t *plat, char *msg,
                   size_t cap)
{
    memset(d, 0, sizeof *d);
    d->cfg = cfg;
    d->plat = plat;
    d->install_writes = -1;
    if (!plat->port->sha256 || !plat->port->ed25519_verify) {
        snprintf(msg, cap, "the platform's port has no SHA-256 or Ed25519");
        return -1;
    }
    wrap_port(d);
    int st = fc_engine_init(&d->engine, &d->port, d->stack, sizeof d->stack);
    if (st != FC_OK && st != FC_ERR_STORAGE && st != FC_ERR_KV_FULL) {
        snprintf(msg, cap, "engine init: %s", fc_status_text(st));
        return -1;
    }
    fc_engine_declare_standard_hooks(&d->engine);
    for (size_t i = 0; i < cfg->n_tenants; i++) {
        /* The engine counts the new version beside the old during an
         * update (the new one is attached before the old one goes); the
         * device enforces the configured quotas exactly itself, the engine
         * bounds them with that room. */
        fc_tenant_config_t tc = cfg->tenants[i].engine;
        tc.quota.max_containers += 1;
        tc.quota.max_ram = tc.quota.max_ram > UINT32_MAX / 2 ? UINT32_MAX : tc.quota.max_ram * 2;
        tc.quota.max_attachments += FC_SUIT_MAX_HOOKS;
        fc_error_t err = {0};
        st = fc_tenant_add(&d->engine, &tc, &err);
        if (st != FC_OK) {
            snprintf(msg, cap, "tenant '%s': %s", cfg->tenants[i].name,
                     err.reason ? err.reason : fc_status_text(st));
            return -1;
        }
    }
    char text[32];
    size_t n = 0;
    if (d->port.storage_read(d->port.ctx, "boot", text, sizeof text - 1, &n) == FC_OK) {
        text[n] = '\0';
        d->boot_count = (uint32_t)strtoul(text, NULL, 10);
    }
    d->boot_count++;
    n = (size_t)snprintf(text, sizeof text, "%" PRIu32 "\n", d->boot_count);
    d->port.storage_write(d->port.ctx, "boot", text, n);
    names_load(d);
    for (uint32_t slot = 0; slot < FD_SLOTS; slot++)
        restore_slot(d, slot);
    return 0;
}

void fd_device_close(fd_device_t *d)
{
    for (uint32_t i = 0; i < FD_SLOTS; i++)
        free(d->slots[i].image);
}

/* ---- hooks ------------------------------------------------------------------------------- */

static int attached_to(const fd_device_t *d, const fc_container_t *c, uint32_t hook)
{
    uint32_t idx = fc_container_slot(&d->engine, c);
    for (uint32_t i = 0; i < d->engine.n_attachments; i++)
        if (d->engine.attachments[i].hook == hook && d->engine.attachments[i].container == idx)
            return 1;
    return 0;
}

int fd_device_coap_call(fd_device_t *d, int slot, fc_hook_coap_ctx_t *ctx)
{
    fc_container_t *target = d->slots[slot].c;
    if (!target || target->state != FC_CONTAINER_STARTED || !attached_to(d, target, FC_HOOK_COAP))
        return FC_ERR_NOT_FOUND;
    /* The coap hook runs the first container that answers: stop the others
     * for this one firing so that exactly the named container runs. */
    uint8_t stopped[FD_SLOTS] = {0};
    for (int i = 0; i < FD_SLOTS; i++) {
        fc_container_t *c = d->slots[i].c;
        if (i != slot && c && c->state == FC_CONTAINER_STARTED) {
            fc_container_stop(&d->engine, c);
            stopped[i] = 1;
        }
    }
    uint32_t faults = target->stats.faults;
    d->hooks.coap++;
    int st = fc_hook_fire(&d->engine, FC_HOOK_COAP, ctx, sizeof *ctx, NULL);
    for (int i = 0; i < FD_SLOTS; i++)
        if (stopped[i])
            fc_container_start(&d->engine, d->slots[i].c);
    if (st == FC_OK && target->stats.faults != faults)
        st = target->stats.last_fault.code ? target->stats.last_fault.code : FC_FAULT_ABORT;
    return st;
}

void fd_device_fire_timer(fd_device_t *d, uint32_t tick, uint32_t period_ms)
{
    fc_hook_timer_ctx_t ctx = {
        .now_us = d->port.now_us(d->port.ctx), .tick = tick, .period_ms = period_ms};
    d->hooks.timer++;
    fc_hook_fire(&d->engine, FC_HOOK_TIMER, &ctx, sizeof ctx, NULL);
}

void fd_device_fire_sensors(fd_device_t *d)
{
    for (size_t i = 0; i < d->cfg->n_sensors; i++) {
        fc_hook_sensor_ctx_t ctx = {.timestamp_us = d->port.now_us(d->port.ctx),
                                    .sensor = d->cfg->sensors[i]};
        if (d->port.sensor_read(d->port.ctx, ctx.sensor, &ctx.value) != FC_OK)
            continue;
        d->hooks.sensor++;
        fc_hook_fire(&d->engine, FC_HOOK_SENSOR, &ctx, sizeof ctx, NULL);
    }
}

void fd_schedule_start(fd_schedule_t *s, const fd_config_t *cfg, uint64_t now_ms)
{
    s->next_timer = now_ms + cfg->timer_period_ms;
    s->next_sensor = now_ms + cfg->sensor_period_ms;
    s->tick = 0;
}

/* How long from now_ms until `next` (0 if due), if shorter than wait. */
static uint64_t sooner(uint64_t wait, uint64_t next, uint64_t now_ms)
{
    uint64_t left = next > now_ms ? next - now_ms : 0;
    return left < wait ? left : wait;
}

void fd_schedule_run(fd_schedule_t *s, fd_device_t *d, uint64_t now_ms)
{
    const fd_config_t *cfg = d->cfg;
    if (cfg->timer_period_ms && now_ms >= s->next_timer) {
        fd_device_fire_timer(d, s->tick++, cfg->timer_period_ms);
        s->next_timer += cfg->timer_period_ms; /* keep the phase */
        if (s->next_timer <= now_ms)           /* fell behind: no burst */
            s->next_timer = now_ms + cfg->timer_period_ms;
    }
    if (cfg->sensor_period_ms && cfg->n_sensors && now_ms >= s->next_sensor) {
        fd_device_fire_sensors(d);
        s->next_sensor = now_ms + cfg->sensor_period_ms;
    }
}

uint64_t fd_schedule_wait(const fd_schedule_t *s, const fd_config_t *cfg, uint64_t now_ms,
                          uint64_t max_wait_ms)
{
    uint64_t wait = max_wait_ms;
    if (cfg->timer_period_ms)
        wait = sooner(wait, s->next_timer, now_ms);
    if (cfg->sensor_period_ms && cfg->n_sensors)
        wait = sooner(wait, s->next_sensor, now_ms);
    return wait;
}

void fd_device_fire_boot(fd_device_t *d)
{
    fc_hook_boot_ctx_t ctx = {.boot_count = d->boot_count, .reason = 0};
    d->hooks.boot++;
    fc_hook_fire(&d->engine, FC_HOOK_BOOT, &ctx, sizeof ctx, NULL);
}
