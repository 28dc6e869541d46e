/* Engine internals shared by engine.c, kv.c and helpers.c. Not installed. */
#ifndef FEMTO_ENGINE_INTERNAL_H
#define FEMTO_ENGINE_INTERNAL_H

#include "femto/engine.h"

/* Host-side helper ids, from the one table in sdk/femto_helpers.def. */
enum fc_helper_id {
#define FC_HELPER(id, en, name, ret, args) FC_HELPER_##en = id,
#include "femto_helpers.def"
#undef FC_HELPER
    FC_HELPER_END_
};
#define FC_HELPER_COUNT ((uint32_t)FC_HELPER_END_)

/* The local key-value namespace of a container name: 64-bit FNV-1a of the
 * name (names.c: a file of its own, so that kv.c need not call engine.c). */
uint64_t fc_engine_name_hash(const char *name);
/* Key-value namespaces: load from storage into the RAM pool, drop from it. */
/* Loading refuses (FC_ERR_QUOTA, nothing loaded) when the record's entries
 * owned by tenant would bring its count over quota (local and tenant
 * scopes; UINT32_MAX: no bound). */
fc_status_t fc_kv_load(fc_engine_t *e, fc_kv_scope_t scope, uint32_t tenant, uint64_t ns,
                       uint32_t quota);
void fc_kv_unload(fc_engine_t *e, fc_kv_scope_t scope, uint32_t tenant, uint64_t ns);

/* The tenant of a running or installed container. */
static inline fc_tenant_t *fc_engine_tenant_of(fc_engine_t *e, const fc_container_t *c)
{
    return &e->tenants[c->tenant];
}

#endif
