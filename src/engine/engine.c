/* Engine core: init, hooks, tenants, container slots, the RAM arena and
 * running a container on the one shared VM and stack. */
#include <string.h>

#include "../common/fc_error.h"
#include "engine_internal.h"

_Static_assert(FC_MAX_INSNS <= 65535, "slot fields and attachment entries are 16-bit");

/* ---- small utilities ---------------------------------------------------------- */

static int names_equal(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static uint32_t align8(uint32_t n)
{
    return (n + 7u) & ~7u;
}

/* ---- engine --------------------------------------------------------------------- */

fc_status_t fc_engine_init(fc_engine_t *engine, const fc_port_t *port, void *stack,
                           size_t stack_size)
{
    if (!engine || !port || !stack || stack_size < 8 || ((uintptr_t)stack & 7u) != 0)
        return FC_ERR_INVALID_ARG;
    memset(engine, 0, sizeof *engine);
    engine->port = port;
    engine->stack = stack;
    engine->stack_size = stack_size & ~(size_t)7; /* the VM wants 8-byte multiples */
    engine->current_hook = -1;
    /* The global store is needed by any container: load it now. On a
     * damaged record the engine still works with an empty global store. */
    fc_status_t st = fc_kv_load(engine, FC_KV_GLOBAL, 0, 0, UINT32_MAX);
    engine->kv_global_loaded = 1;
    return st;
}

/* ---- hooks ------------------------------------------------------------------------ */

const fc_hook_t *fc_hook_find(const fc_engine_t *engine, uint32_t id)
{
    if (id > 31 || engine->hook_slot[id] == 0)
        return NULL;
    return &engine->hooks[engine->hook_slot[id] - 1];
}

const fc_hook_t *fc_hook_find_name(const fc_engine_t *engine, const char *name)
{
    for (uint32_t i = 0; i < FC_MAX_HOOKS; i++)
        if (engine->hooks[i].used && names_equal(engine->hooks[i].name, name))
            return &engine->hooks[i];
    return NULL;
}

fc_status_t fc_hook_declare(fc_engine_t *engine, uint32_t id, const char *name, uint32_t ctx_size,
                            uint32_t ctx_perm, fc_hook_policy_t policy)
{
    if (id > 31 || !name || (ctx_perm != FC_PERM_READ && ctx_perm != FC_PERM_RW) ||
        (unsigned)policy > FC_POLICY_FIRST_ONLY)
        return FC_ERR_INVALID_ARG;
    /* a read-write context is given back to each tenant as the firmware
     * wrote it (fc_hook_fire): it needs a fixed size the engine can keep */
    if (ctx_perm == FC_PERM_RW && (ctx_size == 0 || ctx_size > FC_HOOK_RW_CTX_MAX))
        return FC_ERR_INVALID_ARG;
    if (fc_hook_find(engine, id) || fc_hook_find_name(engine, name))
        return FC_ERR_EXISTS;
    for (uint32_t i = 0; i < FC_MAX_HOOKS; i++) {
        fc_hook_t *h = &engine->hooks[i];
        if (!h->used) {
            h->name = name;
            h->ctx_size = ctx_size;
            h->id = (uint8_t)id;
            h->perm = (uint8_t)ctx_perm;
            h->policy = (uint8_t)policy;
            h->used = 1;
            h->first = 0;
            h->count = 0;
            engine->hook_slot[id] = (uint8_t)(i + 1);
            return FC_OK;
        }
    }
    return FC_ERR_NO_SLOT;
}

fc_status_t fc_engine_declare_standard_hooks(fc_engine_t *engine)
{
    static const struct {
        uint8_t id;
        uint8_t perm;
        uint8_t policy;
        uint16_t size;
        const char *name;
    } std_hooks[] = {
        {FC_HOOK_TIMER, FC_PERM_READ, FC_POLICY_CONTINUE, sizeof(fc_hook_timer_ctx_t), "timer"},
        {FC_HOOK_BOOT, FC_PERM_READ, FC_POLICY_CONTINUE, sizeof(fc_hook_boot_ctx_t), "boot"},
        {FC_HOOK_SENSOR, FC_PERM_RW, FC_POLICY_CONTINUE, sizeof(fc_hook_sensor_ctx_t), "sensor"},
        {FC_HOOK_COAP, FC_PERM_READ, FC_POLICY_FIRST_ONLY, sizeof(fc_hook_coap_ctx_t), "coap"},
        {FC_HOOK_PACKET, FC_PERM_READ, FC_POLICY_STOP_ON_NONZERO, 0, "packet"},
    };
    for (size_t i = 0; i < sizeof std_hooks / sizeof std_hooks[0]; i++) {
        fc_status_t st =
            fc_hook_declare(engine, std_hooks[i].id, std_hooks[i].name, std_hooks[i].size,
                            std_hooks[i].perm, (fc_hook_policy_t)std_hooks[i].policy);
        if (st != FC_OK)
            return st;
    }
    return FC_OK;
}

/* ---- tenants ------------------------------------------------------------------------ */

fc_tenant_t *fc_tenant_find(fc_engine_t *engine, uint32_t id)
{
    for (uint32_t i = 0; i < FC_MAX_TENANTS; i++)
        if (engine->tenants[i].used && engine->tenants[i].id == id)
            return &engine->tenants[i];
    return NULL;
}

fc_status_t fc_tenant_add(fc_engine_t *engine, const fc_tenant_config_t *cfg, fc_error_t *err)
{
    if (!cfg || cfg->id == 0)
        return fc_fail(err, FC_ERR_INVALID_ARG, 0, "tenant id must be non-zero");
    if (fc_tenant_find(engine, cfg->id))
        return fc_fail(err, FC_ERR_EXISTS, 0, "a tenant with this id exists");
    for (uint32_t i = 0; i < FC_MAX_TENANTS; i++) {
        fc_tenant_t *t = &engine->tenants[i];
        if (t->used)
            continue;
        fc_status_t st = fc_kv_load(engine, FC_KV_TENANT, cfg->id, 0, cfg->quota.max_kv_entries);
        if (st == FC_ERR_QUOTA)
            return fc_fail(err, st, 0, "tenant key-value record holds more than max_kv_entries");
        if (st != FC_OK)
            return fc_fail(err, st, 0, "tenant key-value record unreadable or damaged");
        memset(t, 0, sizeof *t);
        t->id = cfg->id;
        memcpy(t->public_key, cfg->public_key, sizeof t->public_key);
        t->helpers = cfg->helpers;
        t->hooks = cfg->hooks;
        t->quota = cfg->quota;
        t->flags = cfg->flags;
        if (t->quota.max_budget == 0)
            t->quota.max_budget = FC_DEFAULT_BUDGET;
        if (t->quota.max_global_entries == 0) /* a fair share of the one global namespace */
            t->quota.max_global_entries = FC_KV_NS_MAX_ENTRIES / FC_MAX_TENANTS;
        if (t->quota.max_attachments == 0) /* a fair share of the one attachment table */
            t->quota.max_attachments = FC_MAX_ATTACHMENTS / FC_MAX_TENANTS;
        t->used = 1;
        return fc_ok(err);
    }
    return fc_fail(err, FC_ERR_NO_SLOT, 0, "tenant table full (FC_MAX_TENANTS)");
}

static uint32_t tenant_index(const fc_engine_t *engine, const fc_tenant_t *t)
{
    return (uint32_t)(t - engine->tenants);
}

fc_status_t fc_tenant_remove(fc_engine_t *engine, uint32_t id)
{
    fc_tenant_t *t = fc_tenant_find(engine, id);
    if (!t)
        return FC_ERR_NOT_FOUND;
    for (uint32_t i = 0; i < FC_MAX_CONTAINERS; i++)
        if (engine->containers[i].state != FC_CONTAINER_FREE &&
            engine->containers[i].tenant == tenant_index(engine, t))
            return FC_ERR_BUSY;
    fc_kv_unload(engine, FC_KV_TENANT, id, 0);
    /* The shared stack's owner is kept by slot: a tenant added into this
     * slot later must not inherit what this one's runs left there. With
     * no owner, the next run (of any tenant) clears it when the VM is
     * prepared for it. */
    if (engine->stack_tenant == (uint8_t)(tenant_index(engine, t) + 1u)) {
        engine->stack_tenant = 0;
        engine->prepared = NULL;
    }
    memset(t, 0, sizeof *t);
    return FC_OK;
}

/* ---- container lookups ---------------------------------------------------------------- */

fc_container_t *fc_container_at(fc_engine_t *engine, uint32_t slot)
{
    if (slot >= FC_MAX_CONTAINERS || engine->containers[slot].state == FC_CONTAINER_FREE)
        return NULL;
    return &engine->containers[slot];
}

uint32_t fc_container_slot(const fc_engine_t *engine, const fc_container_t *c)
{
    return (uint32_t)(c - engine->containers);
}

const fc_tenant_t *fc_container_tenant(const fc_engine_t *engine, const fc_container_t *c)
{
    return &engine->tenants[c->tenant];
}

fc_container_t *fc_container_find(fc_engine_t *engine, uint32_t tenant_id, const char *name)
{
    for (uint32_t i = 0; i < FC_MAX_CONTAINERS; i++) {
        fc_container_t *c = &engine->containers[i];
        if (c->state != FC_CONTAINER_FREE && engine->tenants[c->tenant].id == tenant_id &&
            names_equal(c->name, name))
            return c;
    }
    return NULL;
}

/* A pointer the caller passed in is one of our installed slots. */
static int is_installed(const fc_engine_t *engine, const fc_container_t *c)
{
    if (!c || c < engine->containers || c >= engine->containers + FC_MAX_CONTAINERS)
        return 0;
    return c->state != FC_CONTAINER_FREE;
}

/* ---- RAM arena: first fit over the gaps between installed containers' blocks ---------- */
/* No free list to keep consistent: the blocks in use are the slots' own
 * (ram_off, ram_len), and a gap search over at most FC_MAX_CONTAINERS blocks
 * is cheap next to an install. */

static int ram_overlaps_any(const fc_engine_t *engine, uint32_t off, uint32_t len)
{
    for (uint32_t i = 0; i < FC_MAX_CONTAINERS; i++) {
        const fc_container_t *c = &engine->containers[i];
        if (c->state == FC_CONTAINER_FREE || c->ram_len == 0)
            continue;
        if (off < c->ram_off + c->ram_len && c->ram_off < off + len)
            return 1;
    }
    return 0;
}

/* Candidate starts are 0 and the end of every block; the lowest candidate
 * that fits wins. */
static fc_status_t ram_reserve(const fc_engine_t *engine, uint32_t len, uint32_t *off)
{
    if (len == 0) {
        *off = 0;
        return FC_OK;
    }
    if (len > FC_ENGINE_RAM)
        return FC_ERR_NO_RAM;
    uint32_t best = UINT32_MAX;
    for (int32_t i = -1; i < (int32_t)FC_MAX_CONTAINERS; i++) {
        uint32_t start = 0;
        if (i >= 0) {
            const fc_container_t *c = &engine->containers[i];
            if (c->state == FC_CONTAINER_FREE || c->ram_len == 0)
                continue;
            start = c->ram_off + c->ram_len;
        }
        if (start > FC_ENGINE_RAM - len || start >= best)
            continue;
        if (!ram_overlaps_any(engine, start, len))
            best = start;
    }
    if (best == UINT32_MAX)
        return FC_ERR_NO_RAM;
    *off = best;
    return FC_OK;
}

/* ---- install ------------------------------------------------------------------------------ */

static uint32_t tenant_container_count(const fc_engine_t *engine, uint32_t tenant_idx,
                                       uint32_t *ram_used)
{
    uint32_t n = 0;
    *ram_used = 0;
    for (uint32_t i = 0; i < FC_MAX_CONTAINERS; i++) {
        const fc_container_t *c = &engine->containers[i];
        if (c->state != FC_CONTAINER_FREE && c->tenant == tenant_idx) {
            n++;
            *ram_used += c->ram_len;
        }
    }
    return n;
}

static fc_status_t pick_slot(const fc_engine_t *engine, int slot_hint, uint32_t *slot,
                             fc_error_t *err)
{
    if (slot_hint >= 0) {
        if ((uint32_t)slot_hint >= FC_MAX_CONTAINERS)
            return fc_fail(err, FC_ERR_INVALID_ARG, 0, "slot hint beyond FC_MAX_CONTAINERS");
        if (engine->containers[slot_hint].state != FC_CONTAINER_FREE)
            return fc_fail(err, FC_ERR_BUSY, 0, "the requested slot is in use");
        *slot = (uint32_t)slot_hint;
        return FC_OK;
    }
    for (uint32_t i = 0; i < FC_MAX_CONTAINERS; i++) {
        if (engine->containers[i].state == FC_CONTAINER_FREE) {
            *slot = i;
            return FC_OK;
        }
    }
    return fc_fail(err, FC_ERR_NO_SLOT, 0, "every container slot is in use (FC_MAX_CONTAINERS)");
}

/* Another installed container of the tenant shares the local namespace
 * (the FNV-1a of its name, like fc_kv's). */
static int local_ns_in_use(const fc_engine_t *engine, const fc_container_t *except,
                           uint32_t tenant_idx, uint64_t ns)
{
    for (uint32_t i = 0; i < FC_MAX_CONTAINERS; i++) {
        const fc_container_t *c = &engine->containers[i];
        if (c != except && c->state != FC_CONTAINER_FREE && c->tenant == tenant_idx &&
            fc_engine_name_hash(c->name) == ns)
            return 1;
    }
    return 0;
}

/* Quotas that depend only on the tenant and the parsed image. */
static fc_status_t check_quotas(const fc_engine_t *engine, const fc_tenant_t *t,
                                const fc_image_t *img, uint32_t ram_len, fc_error_t *err)
{
    uint32_t ram_used;
    uint32_t n = tenant_container_count(engine, tenant_index(engine, t), &ram_used);
    if (n >= t->quota.max_containers)
        return fc_fail(err, FC_ERR_QUOTA, 0, "tenant has its maximum number of containers");
    if (ram_len > t->quota.max_ram || ram_used > t->quota.max_ram - ram_len)
        return fc_fail(err, FC_ERR_QUOTA, 0, "container data+bss exceeds the tenant's RAM quota");
    if (img->budget > t->quota.max_budget)
        return fc_fail(err, FC_ERR_QUOTA, 0, "image asks for a budget above the tenant's maximum");
    return FC_OK;
}

/* Verify the image's text and keep in the slot what running needs, the
 * verified entry points included (the slot is still FREE, so a refusal
 * leaves no trace: nothing reads the entries of a free slot). */
static fc_status_t verify_into(fc_engine_t *engine, const fc_tenant_t *t, const fc_image_t *img,
                               fc_container_t *c, uint32_t slot, fc_error_t *err)
{
    fc_verify_config_t cfg;
    fc_verify_config_default(&cfg);
    cfg.helpers = fc_engine_helpers();
    cfg.allowed = t->helpers;
    if (img->frame_size != 0)
        cfg.frame_size = img->frame_size;
    fc_program_t prog;
    uint32_t entries[FC_MAX_ENTRIES];
    fc_status_t st = fc_image_verify(img, &cfg, &prog, entries, FC_MAX_ENTRIES, err);
    if (st == FC_ERR_BUFFER)
        return fc_fail(err, FC_ERR_BUFFER, 0, "image has more functions than FC_MAX_ENTRIES");
    if (st != FC_OK)
        return st;
    if (prog.stack_needed > engine->stack_size || prog.frame_size > UINT16_MAX)
        return fc_fail(err, FC_ERR_NO_RAM, 0, "program needs more stack than the engine has");
    c->text = prog.text;
    c->text_slots = (uint16_t)prog.len; /* <= FC_MAX_INSNS <= 65535 */
    c->frame_size = (uint16_t)prog.frame_size;
    c->call_depth = (uint8_t)prog.call_depth; /* <= FC_MAX_CALL_DEPTH */
    c->uses_callx = prog.uses_callx != 0;
    c->reads_undefined = prog.undefined_reads != 0;
    c->fingerprint = prog.fingerprint;
    for (uint32_t i = 0; i < prog.n_entries; i++) /* <= FC_MAX_ENTRIES, each < len */
        engine->entries[slot][i] = (uint16_t)prog.entries[i];
    engine->n_entries[slot] = (uint8_t)prog.n_entries;
    return FC_OK;
}

/* The program fc_verify() made for c, rebuilt from the slot (the fields the
 * interpreter reads are the verifier's own; helpers_used is not kept).
 * entries: the slot's verified entry points (entries_of()), or NULL when
 * no run follows (entry 0 only). */
static void program_of(const fc_container_t *c, fc_program_t *prog, const uint32_t *entries,
                       uint32_t n_entries)
{
    prog->text = c->text;
    prog->len = c->text_slots;
    prog->frame_size = c->frame_size;
    prog->call_depth = c->call_depth;
    prog->stack_needed = (uint32_t)c->frame_size * ((uint32_t)c->call_depth + 1u);
    prog->fingerprint = c->fingerprint;
    prog->helpers_used = 0;
    prog->uses_callx = c->uses_callx;
    prog->verified = 1;
    /* all of them when the program may read any unwritten: what a run clears */
    prog->undefined_reads = c->reads_undefined ? FC_REGS_CLEARED : 0;
    prog->entries = entries;
    prog->n_entries = entries ? n_entries : 0;
    prog->xlate = NULL;
}

/* The verified entry points of the container in slot, as fc_program_t
 * holds them (into buf, FC_MAX_ENTRIES words); returns their number. */
static uint32_t entries_of(const fc_engine_t *engine, uint32_t slot, uint32_t *buf)
{
    uint32_t n = engine->n_entries[slot];
    for (uint32_t i = 0; i < n; i++)
        buf[i] = engine->entries[slot][i];
    return n;
}

/* ---- JIT ------------------------------------------------------------------------ */

#if FC_ENGINE_JIT
/* Bytes of the code buffer the tenant's containers hold (each rounded up
 * to the 4-byte alignment the next one starts at). */
static uint32_t jit_tenant_used(const fc_engine_t *engine, uint32_t tenant, uint32_t except)
{
    uint32_t used = 0;
    for (uint32_t i = 0; i < FC_MAX_CONTAINERS; i++)
        if (i != except && engine->jit_size[i] && engine->containers[i].tenant == tenant &&
            engine->containers[i].state != FC_CONTAINER_FREE)
            used += (engine->jit_size[i] + 3u) & ~3u;
    return used;
}

/* Translate the container of slot into the buffer after the code handed
 * out so far (the caller brackets it with the protect callback). Refused
 * (it runs on the interpreter, the reason kept for
 * fc_container_jit_status()): the buffer is full (FC_ERR_TOO_LARGE), the
 * code would take the tenant over its share (FC_ERR_QUOTA), or the
 * translator's own reason. A refused translation wrote only the free tail
 * of the buffer. */
static void jit_place(fc_engine_t *engine, uint32_t slot)
{
    const fc_engine_jit_config_t *cfg = &engine->jit_cfg;
    const fc_container_t *c = &engine->containers[slot];
    const fc_tenant_t *t = &engine->tenants[c->tenant];
    fc_program_t prog;
    uint32_t entries[FC_MAX_ENTRIES];
    memset(&prog, 0, sizeof prog);
    program_of(c, &prog, entries, entries_of(engine, slot, entries));
    uint32_t off = (engine->jit_used + 3u) & ~3u;
    if (off > cfg->cap)
        off = (uint32_t)cfg->cap;
    uint32_t share =
        t->quota.max_jit_code ? t->quota.max_jit_code : (uint32_t)(cfg->cap / FC_MAX_TENANTS);
    uint32_t used = jit_tenant_used(engine, c->tenant, slot);
    fc_jit_t jit;
    /* a tenant already at its share gets no translation work done for it */
    fc_status_t st = used >= share
                         ? FC_ERR_QUOTA
                         : fc_jit_translate(&jit, &prog, (uint8_t *)cfg->buf + off, cfg->cap - off);
    if (st == FC_OK && ((jit.code_size + 3u) & ~3u) > share - used)
        st = FC_ERR_QUOTA;
    engine->jit_status[slot] = st;
    engine->jit_size[slot] = 0;
    if (st == FC_OK) {
        engine->jit_off[slot] = off;
        engine->jit_size[slot] = jit.code_size;
        engine->jit_used = off + jit.code_size;
    }
}

/* The code buffer is writable only while code is placed in it (W^X: the
 * host's protect callback, the MPU or PMP on the boards). */
static void jit_writable(const fc_engine_t *engine, int writable)
{
    const fc_engine_jit_config_t *cfg = &engine->jit_cfg;
    if (cfg->protect)
        cfg->protect(cfg->protect_user, writable);
}

/* Lay out again, from the buffer's start, the code of every container that
 * has some (in buffer order, so each lands at or below where it was):
 * after a removal nothing is left between the code handed out (a tenant
 * that installs and removes cannot leak the buffer), and after
 * fc_engine_set_jit() the code is in the new buffer. The prepared
 * container's code may have moved: it is prepared again. */
static void jit_relayout(fc_engine_t *engine)
{
    uint32_t order[FC_MAX_CONTAINERS] = {0}, n = 0;
    for (uint32_t i = 0; i < FC_MAX_CONTAINERS; i++) {
        if (!engine->jit_size[i])
            continue;
        uint32_t k = n++;
        for (; k > 0 && engine->jit_off[order[k - 1]] > engine->jit_off[i]; k--)
            order[k] = order[k - 1];
        order[k] = i;
    }
    engine->jit_used = 0;
    engine->prepared = NULL;
    if (!engine->jit_cfg.buf) {
        for (uint32_t k = 0; k < n; k++) {
            engine->jit_size[order[k]] = 0;
            engine->jit_status[order[k]] = FC_ERR_BAD_CONFIG;
        }
        return;
    }
    for (uint32_t k = 0; k < n; k++)
        engine->jit_size[order[k]] = 0; /* the tenants' shares count what is placed again */
    jit_writable(engine, 1);
    for (uint32_t k = 0; k < n; k++)
        jit_place(engine, order[k]);
    jit_writable(engine, 0);
}
#endif

fc_status_t fc_engine_set_jit(fc_engine_t *engine, const fc_engine_jit_config_t *cfg)
{
#if FC_ENGINE_JIT
    if (engine->current)
        return FC_ERR_BUSY;
    if (cfg && (!cfg->buf || ((uintptr_t)cfg->buf & 3u) != 0 || cfg->cap > UINT32_MAX))
        return FC_ERR_BAD_CONFIG;
    if (cfg)
        engine->jit_cfg = *cfg;
    else
        memset(&engine->jit_cfg, 0, sizeof engine->jit_cfg);
    jit_relayout(engine); /* the containers that have code: into this buffer */
    return FC_OK;
#else
    (void)engine, (void)cfg;
    return FC_ERR_BAD_CONFIG;
#endif
}

fc_status_t fc_container_jit_status(const fc_engine_t *engine, const fc_container_t *c)
{
#if FC_ENGINE_JIT
    if (!is_installed(engine, c))
        return FC_ERR_NOT_FOUND;
    return engine->jit_status[fc_container_slot(engine, c)];
#else
    (void)engine, (void)c;
    return FC_ERR_BAD_CONFIG;
#endif
}

/* Translate the container just installed in slot (jit_place); without a
 * code buffer it runs on the interpreter (FC_ERR_BAD_CONFIG). */
static void jit_install(fc_engine_t *engine, uint32_t slot)
{
#if FC_ENGINE_JIT
    const fc_engine_jit_config_t *cfg = &engine->jit_cfg;
    engine->jit_size[slot] = 0;
    engine->jit_status[slot] = FC_ERR_BAD_CONFIG;
    if (!cfg->buf)
        return;
    jit_writable(engine, 1);
    jit_place(engine, slot);
    jit_writable(engine, 0);
#else
    (void)engine, (void)slot;
#endif
}

/* The code of a removed container: the code after it moves down over it */
static void jit_release(fc_engine_t *engine, uint32_t slot)
{
#if FC_ENGINE_JIT
    uint32_t size = engine->jit_size[slot];
    engine->jit_size[slot] = 0;
    engine->jit_status[slot] = FC_ERR_BAD_CONFIG;
    if (size && engine->jit_off[slot] + size != engine->jit_used)
        jit_relayout(engine);
    else if (size)
        engine->jit_used = engine->jit_off[slot];
#else
    (void)engine, (void)slot;
#endif
}

fc_status_t fc_container_image(const fc_container_t *c, fc_image_t *img)
{
    if (!c || !img || c->state == FC_CONTAINER_FREE)
        return FC_ERR_INVALID_ARG;
    return fc_image_parse(c->image, c->image_len, img, NULL);
}

fc_status_t fc_container_check(const fc_container_t *c)
{
    if (!c || c->state == FC_CONTAINER_FREE)
        return FC_ERR_INVALID_ARG;
    fc_program_t prog;
    program_of(c, &prog, NULL, 0);
    return fc_program_check(&prog);
}

fc_status_t fc_container_install(fc_engine_t *engine, uint32_t tenant_id, int slot_hint,
                                 const void *image, size_t len, const char *name,
                                 fc_container_t **out, fc_error_t *err)
{
    if (out)
        *out = NULL;
    if (engine->current)
        return fc_fail(err, FC_ERR_BUSY, 0, "install called while a container runs");
    fc_tenant_t *t = fc_tenant_find(engine, tenant_id);
    if (!t)
        return fc_fail(err, FC_ERR_NOT_FOUND, 0, "no tenant with this id");
    uint32_t slot;
    fc_status_t st = pick_slot(engine, slot_hint, &slot, err);
    if (st != FC_OK)
        return st;

    fc_container_t *c = &engine->containers[slot];
    uint16_t generation = c->generation;
    memset(c, 0, sizeof *c); /* state stays FREE until the very end */
    c->generation = generation;
    if (engine->prepared == c)
        engine->prepared = NULL;
#if SIZE_MAX > UINT32_MAX
    if (len > UINT32_MAX)
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, 0, "image larger than 4 GiB");
#endif
    fc_image_t img;
    st = fc_image_parse(image, len, &img, err);
    if (st != FC_OK)
        return st;
    c->name = name ? name : img.name;
    if (!c->name || !c->name[0] || strlen(c->name) > FC_IMAGE_NAME_MAX)
        return fc_fail(err, FC_ERR_IMAGE_NAME, 0, "container name empty or too long");
    if (fc_name_bad_char(c->name) >= 0)
        return fc_fail(err, FC_ERR_IMAGE_NAME, 0,
                       "container name has a character outside " FC_NAME_CHARS_TEXT);

    uint32_t ram_size = fc_image_ram_size(&img);
    if (ram_size > FC_ENGINE_RAM)
        return fc_fail(err, FC_ERR_NO_RAM, 0, "container data+bss larger than the engine's RAM");
    uint32_t ram_len = align8(ram_size);
    st = check_quotas(engine, t, &img, ram_len, err);
    if (st != FC_OK)
        return st;
    st = verify_into(engine, t, &img, c, slot, err);
    if (st != FC_OK)
        return st;
    uint32_t ram_off;
    if (ram_reserve(engine, ram_len, &ram_off) != FC_OK)
        return fc_fail(err, FC_ERR_NO_RAM, 0, "no free block of container RAM large enough");
    st = fc_image_init_ram(&img, ram_len ? engine->ram + ram_off : NULL, ram_len);
    if (st != FC_OK)
        return fc_fail(err, st, 0, "cannot initialise the container's data");

    uint32_t tidx = tenant_index(engine, t);
    uint64_t ns = fc_engine_name_hash(c->name);
    if (!local_ns_in_use(engine, c, tidx, ns)) {
        st = fc_kv_load(engine, FC_KV_LOCAL, t->id, ns, t->quota.max_kv_entries);
        if (st == FC_ERR_QUOTA)
            return fc_fail(err, st, 0,
                           "its stored local key-value entries would exceed the tenant's "
                           "max_kv_entries");
        if (st != FC_OK)
            return fc_fail(err, st, 0, "local key-value record unreadable, damaged or too large");
    }
    c->image = image;
    c->image_len = (uint32_t)len;
    c->rodata = img.rodata_size ? img.rodata : NULL;
    c->rodata_len = img.rodata_size;
    c->ram_off = (uint16_t)ram_off; /* < FC_ENGINE_RAM <= 65535 */
    c->ram_len = (uint16_t)ram_len;
    c->budget = img.budget ? img.budget : t->quota.max_budget;
    c->tenant = (uint8_t)tidx;
    engine->log_window[slot] = 0;
    engine->log_lines[slot] = 0;
    engine->log_drops[slot] = 0;
    c->generation++;
    jit_install(engine, slot);
    c->state = FC_CONTAINER_STOPPED;
    if (out)
        *out = c;
    return fc_ok(err);
}

fc_status_t fc_container_start(fc_engine_t *engine, fc_container_t *c)
{
    if (!is_installed(engine, c))
        return FC_ERR_NOT_FOUND;
    c->state = FC_CONTAINER_STARTED;
    return FC_OK;
}

fc_status_t fc_container_stop(fc_engine_t *engine, fc_container_t *c)
{
    if (!is_installed(engine, c))
        return FC_ERR_NOT_FOUND;
    c->state = FC_CONTAINER_STOPPED;
    return FC_OK;
}

fc_status_t fc_container_set_budget(fc_engine_t *engine, fc_container_t *c, uint32_t budget)
{
    if (!is_installed(engine, c))
        return FC_ERR_NOT_FOUND;
    if (budget == 0 || budget > fc_engine_tenant_of(engine, c)->quota.max_budget)
        return FC_ERR_QUOTA;
    c->budget = budget;
    if (engine->prepared == c)
        fc_vm_set_budget(&engine->vm, budget); /* prepare() set the old one */
    return FC_OK;
}

/* ---- attachments ----------------------------------------------------------------------- */

/* Each hook's range in the sorted attachment table, recomputed after every
 * change (rare) so that firing a hook finds its first attachment at once. */
static void attachments_index(fc_engine_t *engine)
{
    for (uint32_t k = 0; k < FC_MAX_HOOKS; k++) {
        fc_hook_t *h = &engine->hooks[k];
        h->first = 0;
        h->count = 0;
        for (uint32_t i = 0; h->used && i < engine->n_attachments; i++) {
            if (engine->attachments[i].hook != h->id)
                continue;
            if (h->count++ == 0)
                h->first = (uint8_t)i; /* < FC_MAX_ATTACHMENTS <= 255 */
        }
    }
}

static void attachment_delete(fc_engine_t *engine, uint32_t i)
{
    memmove(&engine->attachments[i], &engine->attachments[i + 1],
            (engine->n_attachments - i - 1) * sizeof engine->attachments[0]);
    engine->n_attachments--;
    attachments_index(engine);
}

static int32_t attachment_find(const fc_engine_t *engine, uint32_t slot, uint32_t hook_id)
{
    for (uint32_t i = 0; i < engine->n_attachments; i++)
        if (engine->attachments[i].container == slot && engine->attachments[i].hook == hook_id)
            return (int32_t)i;
    return -1;
}

/* The instruction a hook or a direct call starts at: an exported function
 * of the image's function table (every one a verified entry), or 0. */
static fc_status_t resolve_entry_in(const fc_image_t *img, const char *entry_name, uint32_t *slot)
{
    if (entry_name)
        return fc_image_find_function(img, entry_name, slot);
    for (uint32_t i = 0; i < img->func_count; i++) {
        fc_image_func_t f;
        if (fc_image_function(img, i, &f) == FC_OK && (f.flags & FC_IMAGE_FUNC_EXPORTED)) {
            *slot = f.slot;
            return FC_OK;
        }
    }
    *slot = 0;
    return FC_OK;
}

static fc_status_t resolve_entry(const fc_container_t *c, const char *entry_name, uint32_t *slot)
{
    fc_image_t img;
    fc_status_t st = fc_container_image(c, &img);
    if (st != FC_OK)
        return FC_ERR_NOT_VERIFIED; /* the image bytes changed since the install */
    return resolve_entry_in(&img, entry_name, slot);
}

/* Attachments of the containers of tenant index ti. */
static uint32_t attachments_of(const fc_engine_t *engine, uint32_t ti)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < engine->n_attachments; i++)
        n += engine->containers[engine->attachments[i].container].tenant == ti;
    return n;
}

uint32_t fc_tenant_attachments(const fc_engine_t *engine, uint32_t tenant_id)
{
    for (uint32_t i = 0; i < FC_MAX_TENANTS; i++)
        if (engine->tenants[i].used && engine->tenants[i].id == tenant_id)
            return attachments_of(engine, i);
    return 0;
}

fc_status_t fc_container_attach(fc_engine_t *engine, fc_container_t *c, uint32_t hook_id,
                                int32_t priority, const char *entry_name)
{
    if (!is_installed(engine, c) || !fc_hook_find(engine, hook_id))
        return FC_ERR_NOT_FOUND;
    if (engine->current)
        return FC_ERR_BUSY;
    if (!(fc_engine_tenant_of(engine, c)->hooks & (1u << hook_id)))
        return FC_ERR_PERMISSION;
    uint32_t slot = fc_container_slot(engine, c);
    if (attachment_find(engine, slot, hook_id) >= 0)
        return FC_ERR_EXISTS;
    /* the tenant's share first: a table filled by others is not its fault */
    if (attachments_of(engine, c->tenant) >= fc_engine_tenant_of(engine, c)->quota.max_attachments)
        return FC_ERR_QUOTA;
    if (engine->n_attachments >= FC_MAX_ATTACHMENTS)
        return FC_ERR_NO_SLOT;
    uint32_t entry;
    fc_status_t st = resolve_entry(c, entry_name, &entry);
    if (st != FC_OK)
        return st;
    /* insert after every attachment that sorts before or equal */
    uint32_t pos = 0;
    while (pos < engine->n_attachments) {
        const fc_attachment_t *a = &engine->attachments[pos];
        if (a->hook > hook_id || (a->hook == hook_id && a->priority > priority))
            break;
        pos++;
    }
    memmove(&engine->attachments[pos + 1], &engine->attachments[pos],
            (engine->n_attachments - pos) * sizeof engine->attachments[0]);
    engine->attachments[pos] = (fc_attachment_t){.hook = (uint8_t)hook_id,
                                                 .container = (uint8_t)slot,
                                                 .entry = (uint16_t)entry,
                                                 .priority = priority};
    engine->n_attachments++;
    attachments_index(engine);
    return FC_OK;
}

fc_status_t fc_container_detach(fc_engine_t *engine, fc_container_t *c, uint32_t hook_id)
{
    if (!is_installed(engine, c))
        return FC_ERR_NOT_FOUND;
    if (engine->current)
        return FC_ERR_BUSY;
    int32_t i = attachment_find(engine, fc_container_slot(engine, c), hook_id);
    if (i < 0)
        return FC_ERR_NOT_FOUND;
    attachment_delete(engine, (uint32_t)i);
    return FC_OK;
}

fc_status_t fc_container_remove(fc_engine_t *engine, fc_container_t *c)
{
    if (!is_installed(engine, c))
        return FC_ERR_NOT_FOUND;
    if (engine->current)
        return FC_ERR_BUSY;
    uint32_t slot = fc_container_slot(engine, c);
    for (uint32_t i = engine->n_attachments; i-- > 0;)
        if (engine->attachments[i].container == slot)
            attachment_delete(engine, i);
    uint64_t ns = fc_engine_name_hash(c->name);
    if (!local_ns_in_use(engine, c, c->tenant, ns))
        fc_kv_unload(engine, FC_KV_LOCAL, engine->tenants[c->tenant].id, ns);
    if (engine->prepared == c)
        engine->prepared = NULL;
    jit_release(engine, slot);
    uint16_t generation = c->generation;
    memset(c, 0, sizeof *c);
    c->generation = generation;
    return FC_OK;
}

/* The new container's entry for an attachment of the old one: the function
 * of the same name, else its default entry. */
static uint32_t carry_entry(const fc_image_t *old_img, const fc_image_t *new_img,
                            uint32_t old_entry)
{
    uint32_t slot = 0;
    const char *fname = fc_image_function_at(old_img, old_entry);
    if (fname && fc_image_find_function(new_img, fname, &slot) == FC_OK)
        return slot;
    resolve_entry_in(new_img, NULL, &slot);
    return slot;
}

fc_status_t fc_container_replace(fc_engine_t *engine, fc_container_t *old_c, fc_container_t *new_c)
{
    if (!is_installed(engine, old_c) || !is_installed(engine, new_c) || old_c == new_c)
        return FC_ERR_NOT_FOUND;
    if (engine->current)
        return FC_ERR_BUSY;
    if (old_c->tenant != new_c->tenant)
        return FC_ERR_PERMISSION;
    uint32_t old_slot = fc_container_slot(engine, old_c);
    uint32_t new_slot = fc_container_slot(engine, new_c);
    for (uint32_t i = 0; i < engine->n_attachments; i++)
        if (engine->attachments[i].container == new_slot)
            return FC_ERR_STATE; /* the new one must come unattached */
    fc_image_t old_img, new_img;
    if (fc_container_image(old_c, &old_img) != FC_OK ||
        fc_container_image(new_c, &new_img) != FC_OK)
        return FC_ERR_NOT_VERIFIED; /* image bytes changed since the install */
    /* Everything below is plain assignment: it cannot fail half way. */
    for (uint32_t i = 0; i < engine->n_attachments; i++) {
        fc_attachment_t *a = &engine->attachments[i];
        if (a->container == old_slot) {
            a->entry = (uint16_t)carry_entry(&old_img, &new_img, a->entry);
            a->container = (uint8_t)new_slot;
        }
    }
    new_c->state = old_c->state;
    return fc_container_remove(engine, old_c);
}

/* ---- running ------------------------------------------------------------------------------ */

#if defined(__GNUC__)
#define FC_ENGINE_NOINLINE __attribute__((noinline))
#define FC_ENGINE_INLINE inline __attribute__((always_inline))
#else
#define FC_ENGINE_NOINLINE
#define FC_ENGINE_INLINE inline
#endif

_Static_assert(FC_MAX_REGIONS >= 4, "a run needs stack, rodata, data and the context");

/* A run that faulted (or could not start): off the hot path. */
static FC_ENGINE_NOINLINE void record_fault(fc_container_t *c, const fc_vm_t *vm, fc_status_t st)
{
    fc_container_stats_t *s = &c->stats;
    s->faults++;
    s->last_fault = vm->fault;
    s->last_fault.code = st;
    if (!s->last_fault.reason)
        s->last_fault.reason = fc_status_text(st);
}

/* The statistics of one run: the minimum a hook firing pays. */
static FC_ENGINE_INLINE void record_run(fc_container_t *c, const fc_vm_t *vm, fc_status_t st)
{
    fc_container_stats_t *s = &c->stats;
    uint32_t executed = (uint32_t)vm->executed; /* <= the budget, a uint32_t */
    s->runs++;
    s->insns_last = executed;
    s->insns_total += executed;
    if (vm->max_depth && vm->max_depth > s->max_depth) /* 0 without local calls */
        s->max_depth = (uint8_t)vm->max_depth;         /* <= FC_MAX_CALL_DEPTH */
    if (st != FC_OK)
        record_fault(c, vm, st);
}

/* The part of the stack runs since the last clear could reach; each run is
 * granted only the top stack_needed bytes of its program. */
static void stack_mark_dirty(fc_engine_t *engine, uint32_t needed)
{
    if (engine->stack_dirty < needed)
        engine->stack_dirty = needed;
}

/* A container of another tenant is about to run: clear what the last
 * tenant's runs may have left on the stack. */
static FC_ENGINE_NOINLINE void stack_hand_over(fc_engine_t *engine, const fc_container_t *c)
{
    memset(engine->stack + engine->stack_size - engine->stack_dirty, 0, engine->stack_dirty);
    engine->stack_dirty = 0;
    stack_mark_dirty(engine, engine->prog.stack_needed);
    engine->stack_tenant = (uint8_t)(c->tenant + 1u);
}

/* Bind the shared VM to c: its program (rebuilt from the slot), the top
 * stack_needed bytes of the shared stack as its stack, its tenant's
 * helpers, its rodata and data, its budget; and hand the stack over if the
 * last run was another tenant's. Only done when another container ran last
 * (or c was installed again, or the trace changed): a run of the prepared
 * container pays for none of it. */
static FC_ENGINE_NOINLINE fc_status_t prepare(fc_engine_t *engine, fc_container_t *c)
{
    fc_vm_t *vm = &engine->vm;
    engine->prepared = NULL;
    uint32_t slot = fc_container_slot(engine, c);
    program_of(c, &engine->prog, engine->prog_entries,
               entries_of(engine, slot, engine->prog_entries));
    uint32_t needed = engine->prog.stack_needed; /* <= stack_size (checked at install) */
    fc_status_t st =
        fc_vm_init(vm, &engine->prog, engine->stack + engine->stack_size - needed, needed);
    if (st != FC_OK)
        return st;
    fc_vm_set_helpers(vm, fc_engine_helpers(), &fc_engine_tenant_of(engine, c)->helpers);
    uint8_t *ram = c->ram_len ? engine->ram + c->ram_off : NULL;
    fc_vm_set_section(vm, FC_LDDW_RODATA, c->rodata);
    fc_vm_set_section(vm, FC_LDDW_DATA, ram);
    if (c->rodata_len)
        st = fc_vm_add_region(vm, c->rodata, c->rodata_len, FC_PERM_READ);
    if (st == FC_OK && ram)
        st = fc_vm_add_region(vm, ram, c->ram_len, FC_PERM_RW); /* its own 8-aligned block */
    if (st != FC_OK)
        return st;
    vm->user = engine;
    vm->trace = engine->trace;
    vm->trace_user = engine->trace_user;
    fc_vm_set_budget(vm, c->budget); /* fc_container_set_budget() keeps it current */
#if FC_ENGINE_JIT
    { /* the code translated at its install, for the program rebuilt above */
        uint32_t size = engine->jit_size[slot];
        fc_jit_adopt(&engine->jit, &engine->prog,
                     size ? (uint8_t *)engine->jit_cfg.buf + engine->jit_off[slot] : NULL, size);
    }
#endif
    engine->prepared_regions = (uint8_t)fc_vm_region_count(vm);
    engine->prepared = c;
    if (engine->stack_tenant != (uint8_t)(c->tenant + 1u))
        stack_hand_over(engine, c);
    else
        stack_mark_dirty(engine, needed);
    return FC_OK;
}

/* c did not run: not its doing, but make it visible in its statistics (a
 * run of no instruction that faulted with st). */
static FC_ENGINE_NOINLINE fc_status_t run_refused(fc_container_t *c, fc_status_t st)
{
    fc_container_stats_t *s = &c->stats;
    s->runs++;
    s->insns_last = 0;
    s->faults++;
    fc_error_fill(&s->last_fault, st, 0, "engine could not prepare the VM for this container");
    return st;
}

/* Run c once on the shared VM from entry with r1 = ctx, r2 = ctx_len; ctx
 * (which the caller checked does not wrap) granted with perm for this run
 * only. The caller set current_ctx, current_ctx_len and current_hook.
 * Inlined into fc_hook_fire: this is the hot path of every firing. */
static FC_ENGINE_INLINE fc_status_t run_container(fc_engine_t *engine, fc_container_t *c,
                                                  uint32_t entry, void *ctx, size_t ctx_len,
                                                  uint32_t perm, uint64_t *r0)
{
    fc_vm_t *vm = &engine->vm;
    if (engine->prepared != c) {
        fc_status_t st = prepare(engine, c);
        if (st != FC_OK)
            return run_refused(c, st);
    }
    /* <= 3 regions here: room for the context (asserted above); the caller
     * checked that the context does not wrap, so the grant cannot fail */
    if (ctx_len) {
        fc_status_t st = fc_vm_grant_context(vm, ctx, ctx_len, perm);
        if (st != FC_OK)
            return run_refused(c, st);
    }
    /* entry: the VM binds it at the first run from it (checked against
     * engine->prog_entries, the verified ones) */
    engine->current = c;
    uint64_t ctx_addr = (uint64_t)(uintptr_t)ctx;
    fc_status_t st;
#if FC_VM_TRACE
    if (engine->trace)
        st = fc_vm_run_traced(vm, entry, ctx_addr, ctx_len, r0);
    else
#endif
#if FC_ENGINE_JIT
        st = fc_jit_run(&engine->jit, vm, entry, ctx_addr, ctx_len, r0);
#else
    st = fc_vm_run(vm, entry, ctx_addr, ctx_len, r0);
#endif
    engine->current = NULL;
    /* revoke the context and any region a helper granted for this run */
    fc_vm_revoke_regions(vm, engine->prepared_regions);
    record_run(c, vm, st);
    return st;
}

/* The arguments of a run: a context that does not wrap around the address
 * space (what fc_vm_add_region would refuse), and no run in progress. */
static fc_status_t run_args_ok(const fc_engine_t *engine, const void *ctx, size_t ctx_len)
{
    if (engine->current)
        return FC_ERR_BUSY;
    if ((!ctx && ctx_len != 0) || ctx_len > UINTPTR_MAX - (uintptr_t)ctx)
        return FC_ERR_INVALID_ARG;
    return FC_OK;
}

static void set_run_context(fc_engine_t *engine, void *ctx, size_t ctx_len, int hook)
{
    engine->current_ctx = ctx;
    engine->current_ctx_len = ctx_len;
    engine->current_hook = hook;
}

/* Before the first run of another tenant on a read-write context: the
 * firmware's bytes again (off the hot path: read-only hooks never call it). */
static FC_ENGINE_NOINLINE uint32_t ctx_restore(fc_engine_t *engine, void *ctx, size_t ctx_len,
                                               uint32_t ctx_tenant, uint32_t tenant)
{
    if (ctx_tenant != 0)
        memcpy(ctx, engine->ctx_saved, ctx_len);
    return tenant + 1u;
}

/* Does r0 v of a run end the firing under policy? (CONTINUE never.) The
 * combined result is the r0 of the last run that exited in every policy:
 * under STOP_ON_NONZERO the runs before that one all gave 0. */
static int policy_stops(uint32_t policy, int64_t v)
{
    return policy == FC_POLICY_FIRST_ONLY || (policy == FC_POLICY_STOP_ON_NONZERO && v != 0) ||
           (policy == FC_POLICY_STOP_ON_NEGATIVE && v < 0);
}

/* Run the containers attached to h, in priority order (h->count > 0;
 * nothing a container can do changes them while the hook fires), on a
 * context of h->perm; returns the combined result. Inlined with perm and
 * one constants, so that the common read-only firing pays nothing for the
 * read-write case (a read-write context is given back to each tenant as
 * the firmware wrote it: containers of one tenant see each other's
 * changes, a container of another tenant sees what the firmware put there,
 * kept in ctx_saved), and the most common hook, one container, nothing for
 * the loop and the policy (one run: its r0, whatever the policy). */
static FC_ENGINE_INLINE int64_t fire_attachments(fc_engine_t *engine, const fc_hook_t *h, void *ctx,
                                                 size_t ctx_len, const uint32_t perm, const int one)
{
    int64_t result = 0;
    uint32_t ctx_tenant = 0; /* 1 + tenant index whose changes ctx holds, 0: the firmware's */
    if (perm == FC_PERM_RW)
        memcpy(engine->ctx_saved, ctx, ctx_len); /* ctx_len == h->ctx_size <= the buffer */
    const fc_attachment_t *a = &engine->attachments[h->first], *end = a + h->count;
    do {
        fc_container_t *c = &engine->containers[a->container];
        if (c->state != FC_CONTAINER_STARTED)
            continue;
        if (perm == FC_PERM_RW && ctx_tenant != c->tenant + 1u)
            ctx_tenant = ctx_restore(engine, ctx, ctx_len, ctx_tenant, c->tenant);
        uint64_t r0; /* written by every run that returns FC_OK */
        if (run_container(engine, c, a->entry, ctx, ctx_len, perm, &r0) != FC_OK)
            continue; /* recorded in c->stats; the next container runs */
        result = (int64_t)r0;
        if (!one && h->policy != FC_POLICY_CONTINUE && policy_stops(h->policy, result))
            break;
    } while (!one && ++a < end);
    return result;
}

fc_status_t fc_hook_fire(fc_engine_t *engine, uint32_t hook_id, void *ctx, size_t ctx_len,
                         int64_t *combined)
{
    int64_t result = 0;
    fc_status_t st = FC_ERR_NOT_FOUND;
    if (hook_id > 31 || engine->hook_slot[hook_id] == 0)
        goto out;
    const fc_hook_t *h = &engine->hooks[engine->hook_slot[hook_id] - 1];
    st = run_args_ok(engine, ctx, ctx_len);
    if (st == FC_OK && h->ctx_size != 0 && ctx_len != h->ctx_size)
        st = FC_ERR_INVALID_ARG;
    if (st != FC_OK || h->count == 0)
        goto out;
    set_run_context(engine, ctx, ctx_len, (int)hook_id);
    /* h->perm is one of the two (fc_hook_declare) */
    if (h->perm == FC_PERM_RW)
        result = fire_attachments(engine, h, ctx, ctx_len, FC_PERM_RW, 0);
    else if (h->count == 1)
        result = fire_attachments(engine, h, ctx, ctx_len, FC_PERM_READ, 1);
    else
        result = fire_attachments(engine, h, ctx, ctx_len, FC_PERM_READ, 0);
out:
    if (combined)
        *combined = result;
    return st;
}

void fc_engine_set_trace(fc_engine_t *engine, fc_trace_fn trace, void *trace_user)
{
    engine->trace = trace;
    engine->trace_user = trace_user;
    engine->prepared = NULL; /* the VM takes the trace at preparation */
}

fc_status_t fc_container_call(fc_engine_t *engine, fc_container_t *c, const char *entry_name,
                              void *ctx, size_t len, uint64_t *r0)
{
    if (!is_installed(engine, c))
        return FC_ERR_NOT_FOUND;
    fc_status_t st = run_args_ok(engine, ctx, len);
    if (st != FC_OK)
        return st;
    uint32_t entry;
    st = resolve_entry(c, entry_name, &entry);
    if (st != FC_OK)
        return st;
    set_run_context(engine, ctx, len, -1);
    uint64_t scratch;
    return run_container(engine, c, entry, ctx, len, FC_PERM_RW, r0 ? r0 : &scratch);
}
