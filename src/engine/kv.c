/* Key-value stores: local, tenant and global scopes in one bounded RAM pool,
 * persisted one namespace per storage record.
 *
 * A namespace is (scope, tenant id, name hash): the global store, one store
 * per tenant, one local store per (tenant, container name). Every change
 * rewrites its namespace's record as a whole through port->storage_write,
 * which the port makes atomic; the RAM copy changes only if the write
 * succeeded, so a failed write leaves both unchanged.
 *
 * Record layout (little-endian):
 *   0  "FKV1"  4  scope u8  5  count u8  6  reserved u16  8  tenant u32
 *   12 checksum u32 (FNV-1a over the entries)  16  ns u64
 *   24 count x { owner u32, key_len u8, value_len u8, reserved u16,
 *                key[FC_KV_KEY_MAX], value[FC_KV_VALUE_MAX] }  */
#include <string.h>

#include "../common/fc_bytes.h"
#include "engine_internal.h"

static const uint8_t kv_magic[4] = {'F', 'K', 'V', '1'}; /* bytes, not a string */

_Static_assert(FC_KV_KEY_MAX <= 255 && FC_KV_VALUE_MAX <= 255, "kv sizes fit a byte");
_Static_assert(FC_KV_NS_MAX_ENTRIES <= 255, "entry count fits a byte");
_Static_assert(FC_KV_RECORD_ENTRY == 8 + FC_KV_KEY_MAX + FC_KV_VALUE_MAX, "entry layout");

static char *put_hex(char *out, uint64_t v, int digits)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = digits - 1; i >= 0; i--)
        *out++ = hex[(v >> (4 * i)) & 0xf];
    return out;
}

/* "kv/g", "kv/t/<tenant>", "kv/l/<tenant>/<ns>" (at most 31 bytes). */
static void record_name(char out[FC_PORT_NAME_MAX], fc_kv_scope_t scope, uint32_t tenant,
                        uint64_t ns)
{
    static const char *const prefix[] = {"kv/l/", "kv/t/", "kv/g"};
    size_t n = strlen(prefix[scope]);
    memcpy(out, prefix[scope], n);
    char *p = out + n;
    if (scope != FC_KV_GLOBAL)
        p = put_hex(p, tenant, 8);
    if (scope == FC_KV_LOCAL) {
        *p++ = '/';
        p = put_hex(p, ns, 16);
    }
    *p = '\0';
}

/* ---- the pool ----------------------------------------------------------------------- */

static int in_ns(const fc_kv_entry_t *e, fc_kv_scope_t scope, uint32_t tenant, uint64_t ns)
{
    return e->used && e->scope == scope && e->tenant == tenant && e->ns == ns;
}

static uint32_t ns_count(const fc_engine_t *engine, fc_kv_scope_t scope, uint32_t tenant,
                         uint64_t ns)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < FC_KV_MAX_ENTRIES; i++)
        n += (uint32_t)in_ns(&engine->kv[i], scope, tenant, ns);
    return n;
}

static fc_kv_entry_t *kv_lookup(fc_engine_t *engine, fc_kv_scope_t scope, uint32_t tenant,
                                uint64_t ns, const void *key, size_t key_len)
{
    for (uint32_t i = 0; i < FC_KV_MAX_ENTRIES; i++) {
        fc_kv_entry_t *e = &engine->kv[i];
        if (in_ns(e, scope, tenant, ns) && e->key_len == key_len &&
            memcmp(e->key, key, key_len) == 0)
            return e;
    }
    return NULL;
}

static fc_kv_entry_t *kv_free_entry(fc_engine_t *engine)
{
    for (uint32_t i = 0; i < FC_KV_MAX_ENTRIES; i++)
        if (!engine->kv[i].used)
            return &engine->kv[i];
    return NULL;
}

uint32_t fc_kv_count(const fc_engine_t *engine, uint32_t tenant_id)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < FC_KV_MAX_ENTRIES; i++)
        n += (uint32_t)(engine->kv[i].used && engine->kv[i].owner == tenant_id);
    return n;
}

uint32_t fc_kv_global_count(const fc_engine_t *engine, uint32_t tenant_id)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < FC_KV_MAX_ENTRIES; i++)
        n += (uint32_t)(engine->kv[i].used && engine->kv[i].scope == FC_KV_GLOBAL &&
                        engine->kv[i].owner == tenant_id);
    return n;
}

void fc_kv_unload(fc_engine_t *engine, fc_kv_scope_t scope, uint32_t tenant, uint64_t ns)
{
    for (uint32_t i = 0; i < FC_KV_MAX_ENTRIES; i++)
        if (in_ns(&engine->kv[i], scope, tenant, ns))
            memset(&engine->kv[i], 0, sizeof engine->kv[i]);
}

/* ---- persistence ---------------------------------------------------------------------- */

/* Serialise the namespace into engine->kv_scratch; returns the length. */
static size_t serialise(fc_engine_t *engine, fc_kv_scope_t scope, uint32_t tenant, uint64_t ns)
{
    uint8_t *rec = engine->kv_scratch;
    uint8_t *p = rec + FC_KV_RECORD_HEADER;
    uint32_t count = 0;
    memset(rec, 0, FC_KV_RECORD_MAX);
    for (uint32_t i = 0; i < FC_KV_MAX_ENTRIES && count < FC_KV_NS_MAX_ENTRIES; i++) {
        const fc_kv_entry_t *e = &engine->kv[i];
        if (!in_ns(e, scope, tenant, ns))
            continue;
        fc_wr32(p, e->owner);
        p[4] = e->key_len;
        p[5] = e->value_len;
        memcpy(p + 8, e->key, FC_KV_KEY_MAX);
        memcpy(p + 8 + FC_KV_KEY_MAX, e->value, FC_KV_VALUE_MAX);
        p += FC_KV_RECORD_ENTRY;
        count++;
    }
    size_t body = (size_t)count * FC_KV_RECORD_ENTRY;
    memcpy(rec, kv_magic, sizeof kv_magic);
    rec[4] = (uint8_t)scope;
    rec[5] = (uint8_t)count;
    fc_wr32(rec + 8, tenant);
    fc_wr32(rec + 12, fc_fnv1a32(rec + FC_KV_RECORD_HEADER, body));
    fc_wr64(rec + 16, ns);
    return FC_KV_RECORD_HEADER + body;
}

static fc_status_t persist(fc_engine_t *engine, fc_kv_scope_t scope, uint32_t tenant, uint64_t ns)
{
    const fc_port_t *port = engine->port;
    if (!port->storage_write)
        return FC_OK; /* a port without storage keeps key-value data in RAM only */
    char name[FC_PORT_NAME_MAX];
    record_name(name, scope, tenant, ns);
    if (ns_count(engine, scope, tenant, ns) == 0 && port->storage_remove) {
        int st = port->storage_remove(port->ctx, name);
        return (st == FC_OK || st == FC_ERR_NOT_FOUND) ? FC_OK : FC_ERR_STORAGE;
    }
    size_t len = serialise(engine, scope, tenant, ns);
    return port->storage_write(port->ctx, name, engine->kv_scratch, len) == FC_OK ? FC_OK
                                                                                  : FC_ERR_STORAGE;
}

/* Check a record read from storage; everything in it is untrusted. */
static fc_status_t check_record(const uint8_t *rec, size_t len, fc_kv_scope_t scope,
                                uint32_t tenant, uint64_t ns)
{
    if (len < FC_KV_RECORD_HEADER || memcmp(rec, kv_magic, sizeof kv_magic) != 0 ||
        rec[4] != scope || fc_rd32(rec + 8) != tenant || fc_rd64(rec + 16) != ns)
        return FC_ERR_STORAGE;
    uint32_t count = rec[5];
    if (count > FC_KV_NS_MAX_ENTRIES ||
        len != FC_KV_RECORD_HEADER + (size_t)count * FC_KV_RECORD_ENTRY)
        return FC_ERR_STORAGE;
    if (fc_rd32(rec + 12) != fc_fnv1a32(rec + FC_KV_RECORD_HEADER, len - FC_KV_RECORD_HEADER))
        return FC_ERR_STORAGE;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *p = rec + FC_KV_RECORD_HEADER + (size_t)i * FC_KV_RECORD_ENTRY;
        if (p[4] == 0 || p[4] > FC_KV_KEY_MAX || p[5] > FC_KV_VALUE_MAX)
            return FC_ERR_STORAGE;
    }
    return FC_OK;
}

fc_status_t fc_kv_load(fc_engine_t *engine, fc_kv_scope_t scope, uint32_t tenant, uint64_t ns,
                       uint32_t quota)
{
    const fc_port_t *port = engine->port;
    fc_kv_unload(engine, scope, tenant, ns);
    if (!port->storage_read)
        return FC_OK;
    char name[FC_PORT_NAME_MAX];
    record_name(name, scope, tenant, ns);
    size_t len = 0;
    int rd = port->storage_read(port->ctx, name, engine->kv_scratch, FC_KV_RECORD_MAX, &len);
    if (rd == FC_ERR_NOT_FOUND)
        return FC_OK;
    if (rd != FC_OK || len > FC_KV_RECORD_MAX)
        return FC_ERR_STORAGE;
    fc_status_t st = check_record(engine->kv_scratch, len, scope, tenant, ns);
    if (st != FC_OK)
        return st;
    uint32_t count = engine->kv_scratch[5];
    /* What storage holds counts like what is written: the tenant's entries
     * already in RAM plus those of this record must fit its quota. */
    if (scope != FC_KV_GLOBAL) {
        uint32_t owned = 0;
        for (uint32_t i = 0; i < count; i++)
            owned += fc_rd32(engine->kv_scratch + FC_KV_RECORD_HEADER +
                             (size_t)i * FC_KV_RECORD_ENTRY) == tenant;
        if (owned > quota || fc_kv_count(engine, tenant) > quota - owned)
            return FC_ERR_QUOTA;
    }
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *p =
            engine->kv_scratch + FC_KV_RECORD_HEADER + (size_t)i * FC_KV_RECORD_ENTRY;
        fc_kv_entry_t *e = kv_free_entry(engine);
        if (!e) {
            fc_kv_unload(engine, scope, tenant, ns);
            return FC_ERR_KV_FULL;
        }
        memset(e, 0, sizeof *e);
        e->ns = ns;
        e->tenant = tenant;
        e->owner = fc_rd32(p);
        e->scope = (uint8_t)scope;
        e->key_len = p[4];
        e->value_len = p[5];
        memcpy(e->key, p + 8, FC_KV_KEY_MAX);
        memcpy(e->value, p + 8 + FC_KV_KEY_MAX, FC_KV_VALUE_MAX);
        e->used = 1;
    }
    return FC_OK;
}

/* ---- the API ------------------------------------------------------------------------------- */

/* The namespace a container sees in a scope. */
static fc_status_t namespace_of(const fc_engine_t *engine, const fc_container_t *c,
                                fc_kv_scope_t scope, uint32_t *tenant, uint64_t *ns)
{
    *tenant = 0;
    *ns = 0;
    if (scope == FC_KV_GLOBAL)
        return FC_OK;
    if (!c || (scope != FC_KV_LOCAL && scope != FC_KV_TENANT))
        return FC_ERR_INVALID_ARG;
    *tenant = engine->tenants[c->tenant].id;
    if (scope == FC_KV_LOCAL)
        *ns = fc_engine_name_hash(c->name);
    return FC_OK;
}

/* What every operation on the store checks first: the namespace of the
 * caller's scope (namespace_of) and a key of 1..FC_KV_KEY_MAX bytes. */
static fc_status_t kv_where(const fc_engine_t *engine, const fc_container_t *c, fc_kv_scope_t scope,
                            const void *key, size_t key_len, uint32_t *tenant, uint64_t *ns)
{
    fc_status_t st = namespace_of(engine, c, scope, tenant, ns);
    if (st != FC_OK)
        return st;
    if (!key || key_len < 1 || key_len > FC_KV_KEY_MAX)
        return FC_ERR_KV_KEY;
    return FC_OK;
}

fc_status_t fc_kv_get(fc_engine_t *engine, const fc_container_t *c, fc_kv_scope_t scope,
                      const void *key, size_t key_len, void *value, size_t cap, size_t *len)
{
    uint32_t tenant;
    uint64_t ns;
    fc_status_t st = kv_where(engine, c, scope, key, key_len, &tenant, &ns);
    if (st != FC_OK)
        return st;
    const fc_kv_entry_t *e = kv_lookup(engine, scope, tenant, ns, key, key_len);
    if (!e)
        return FC_ERR_NOT_FOUND;
    if (len)
        *len = e->value_len;
    if (e->value_len > cap)
        return FC_ERR_BUFFER;
    if (e->value_len)
        memcpy(value, e->value, e->value_len);
    return FC_OK;
}

/* The global store is shared: a container writes it only when its tenant
 * may (no FC_TENANT_NO_GLOBAL_WRITE), and changes or deletes only the
 * entries its tenant owns (created). The host (c == NULL) may do anything. */
static fc_status_t global_write_ok(const fc_engine_t *engine, const fc_container_t *c,
                                   fc_kv_scope_t scope, const fc_kv_entry_t *e)
{
    if (scope != FC_KV_GLOBAL || !c)
        return FC_OK;
    const fc_tenant_t *t = &engine->tenants[c->tenant];
    if ((t->flags & FC_TENANT_NO_GLOBAL_WRITE) || (e && e->owner != t->id))
        return FC_ERR_PERMISSION;
    return FC_OK;
}

/* Room for one more entry in this namespace, for this tenant, in the pool. */
static fc_kv_entry_t *claim_entry(fc_engine_t *engine, const fc_container_t *c, fc_kv_scope_t scope,
                                  uint32_t tenant, uint64_t ns)
{
    if (ns_count(engine, scope, tenant, ns) >= FC_KV_NS_MAX_ENTRIES)
        return NULL;
    if (c) {
        const fc_tenant_t *t = &engine->tenants[c->tenant];
        if (fc_kv_count(engine, t->id) >= t->quota.max_kv_entries)
            return NULL;
        if (scope == FC_KV_GLOBAL &&
            fc_kv_global_count(engine, t->id) >= t->quota.max_global_entries)
            return NULL;
    }
    return kv_free_entry(engine);
}

fc_status_t fc_kv_set(fc_engine_t *engine, const fc_container_t *c, fc_kv_scope_t scope,
                      const void *key, size_t key_len, const void *value, size_t len)
{
    uint32_t tenant;
    uint64_t ns;
    fc_status_t st = kv_where(engine, c, scope, key, key_len, &tenant, &ns);
    if (st != FC_OK)
        return st;
    if (len > FC_KV_VALUE_MAX || (!value && len))
        return FC_ERR_KV_KEY;
    fc_kv_entry_t *e = kv_lookup(engine, scope, tenant, ns, key, key_len);
    st = global_write_ok(engine, c, scope, e);
    if (st != FC_OK)
        return st;
    fc_kv_entry_t before;
    if (e) {
        before = *e;
    } else {
        e = claim_entry(engine, c, scope, tenant, ns);
        if (!e)
            return FC_ERR_KV_FULL;
        memset(&before, 0, sizeof before); /* "before" is: unused */
        memset(e, 0, sizeof *e);
        e->ns = ns;
        e->tenant = tenant;
        e->owner = c ? engine->tenants[c->tenant].id : 0;
        e->scope = (uint8_t)scope;
        e->key_len = (uint8_t)key_len;
        memcpy(e->key, key, key_len);
        e->used = 1;
    }
    memset(e->value, 0, sizeof e->value);
    if (len)
        memcpy(e->value, value, len);
    e->value_len = (uint8_t)len;
    st = persist(engine, scope, tenant, ns);
    if (st != FC_OK)
        *e = before; /* storage keeps the old record: so does RAM */
    return st;
}

fc_status_t fc_kv_delete(fc_engine_t *engine, const fc_container_t *c, fc_kv_scope_t scope,
                         const void *key, size_t key_len)
{
    uint32_t tenant;
    uint64_t ns;
    fc_status_t st = kv_where(engine, c, scope, key, key_len, &tenant, &ns);
    if (st != FC_OK)
        return st;
    fc_kv_entry_t *e = kv_lookup(engine, scope, tenant, ns, key, key_len);
    if (!e)
        return FC_ERR_NOT_FOUND;
    st = global_write_ok(engine, c, scope, e);
    if (st != FC_OK)
        return st;
    fc_kv_entry_t before = *e;
    memset(e, 0, sizeof *e);
    st = persist(engine, scope, tenant, ns);
    if (st != FC_OK)
        *e = before;
    return st;
}

fc_status_t fc_kv_local_reclaim(fc_engine_t *engine, uint32_t tenant_id, const char *name)
{
    if (!engine || !name)
        return FC_ERR_INVALID_ARG;
    uint64_t ns = fc_engine_name_hash(name);
    for (uint32_t i = 0; i < FC_MAX_CONTAINERS; i++) {
        const fc_container_t *c = &engine->containers[i];
        if (c->state != FC_CONTAINER_FREE && engine->tenants[c->tenant].id == tenant_id &&
            fc_engine_name_hash(c->name) == ns)
            return FC_ERR_BUSY;
    }
    fc_kv_unload(engine, FC_KV_LOCAL, tenant_id, ns);
    const fc_port_t *port = engine->port;
    if (!port->storage_remove)
        return FC_OK;
    char rec[FC_PORT_NAME_MAX];
    record_name(rec, FC_KV_LOCAL, tenant_id, ns);
    int st = port->storage_remove(port->ctx, rec);
    return (st == FC_OK || st == FC_ERR_NOT_FOUND) ? FC_OK : FC_ERR_STORAGE;
}
