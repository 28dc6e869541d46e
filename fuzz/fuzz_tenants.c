/* Tenant-isolation invariants shared by the fuzzers (fuzz_tenants.h). */
#include "fuzz_tenants.h"

#include <string.h>

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

void fz_view_tenant(const fc_engine_t *e, const fc_container_t *c, uint32_t tenant_id,
                    fz_tenant_view_t *v)
{
    memset(v, 0, sizeof *v);
    if (c) {
        v->c = *c;
        memset(&v->c.stats, 0, sizeof v->c.stats); /* runs are not changes */
        /* the device may re-read the image into another buffer: compare bytes */
        v->c.image = NULL;
        v->c.name = NULL;
        v->c.text = NULL;
        v->c.rodata = NULL;
        strncpy(v->name, c->name, FC_IMAGE_NAME_MAX);
        v->image_hash = fnv1a(c->image, c->image_len);
        v->engine_slot = fc_container_slot(e, c);
        for (uint32_t i = 0; i < e->n_attachments; i++)
            if (e->attachments[i].container == v->engine_slot)
                v->att[v->n_att++] = e->attachments[i];
    }
    for (uint32_t i = 0; i < FC_KV_MAX_ENTRIES; i++) {
        const fc_kv_entry_t *k = &e->kv[i];
        if (k->used && (k->owner == tenant_id || k->tenant == tenant_id))
            v->kv[v->n_kv++] = *k;
    }
}

const char *fz_engine_over_quota(const fc_engine_t *e, uint32_t tenant_id,
                                 const fc_tenant_quota_t *q)
{
    uint32_t containers = 0, ram = 0, attachments = 0;
    for (uint32_t i = 0; i < FC_MAX_CONTAINERS; i++) {
        const fc_container_t *c = &e->containers[i];
        if (c->state == FC_CONTAINER_FREE || e->tenants[c->tenant].id != tenant_id)
            continue;
        containers++;
        ram += c->ram_len;
        for (uint32_t a = 0; a < e->n_attachments; a++)
            attachments += e->attachments[a].container == i;
    }
    if (containers > q->max_containers)
        return "max_containers";
    if (ram > q->max_ram)
        return "max_ram";
    if (attachments != fc_tenant_attachments(e, tenant_id))
        return "fc_tenant_attachments (miscounted)";
    if (attachments > q->max_attachments)
        return "max_attachments";
    if (fc_kv_count(e, tenant_id) > q->max_kv_entries)
        return "max_kv_entries";
    if (fc_kv_global_count(e, tenant_id) > q->max_global_entries)
        return "max_global_entries";
    return NULL;
}
