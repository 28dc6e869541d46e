/* The tenant-isolation invariants of issue 13, shared by fuzz_install (the
 * engine alone) and fuzz_coap (femtod's device around the engine):
 *   - one tenant's action never changes another tenant's container, its
 *     hook attachments or its key-value entries (fz_view_tenant before and
 *     after, compared with memcmp);
 *   - a tenant's use of the engine never exceeds its quota
 *     (fz_engine_over_quota: containers, RAM, attachments, key-value
 *     entries in RAM, global entries).
 * Each fuzzer adds what only it sees (stored records, femtod's slots,
 * names and storage bytes). */
#ifndef FUZZ_TENANTS_H
#define FUZZ_TENANTS_H

#include <stdint.h>

#include "femto/engine.h"

typedef struct fz_tenant_view {
    fc_container_t c; /* the container without statistics and pointers (zero: none) */
    char name[FC_IMAGE_NAME_MAX + 1];
    uint64_t image_hash; /* FNV-1a of its image bytes */
    uint32_t engine_slot;
    fc_attachment_t att[FC_MAX_ATTACHMENTS]; /* its attachments, in table order */
    uint32_t n_att;
    fc_kv_entry_t kv[FC_KV_MAX_ENTRIES]; /* entries charged to or scoped to the tenant */
    uint32_t n_kv;
} fz_tenant_view_t;

/* What the engine holds of tenant_id and its container c (NULL: none). */
void fz_view_tenant(const fc_engine_t *e, const fc_container_t *c, uint32_t tenant_id,
                    fz_tenant_view_t *v);

/* NULL when tenant_id's use of the engine is within q, else the name of the
 * quota it exceeds. Also checks fc_tenant_attachments against a count of
 * its own. */
const char *fz_engine_over_quota(const fc_engine_t *e, uint32_t tenant_id,
                                 const fc_tenant_quota_t *q);

#endif
