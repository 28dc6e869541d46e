/* libFuzzer target: the engine's install path on arbitrary bytes, and what
 * a device then does with whatever installs: attach to every standard hook,
 * fire each hook with a context, call the default entry, remove. The
 * standard helpers run for real (kv stores persisted to an in-memory
 * storage, sensors, log, random, CoAP responses) on a small budget.
 *
 * The first input byte picks the tenant: even = every helper, odd = log
 * and local kv only (so refusals by the verifier's allow-list are fuzzed
 * too); the rest is the image.
 *
 * Tenant isolation (issue 13): a third tenant (VICTIM) has a container
 * attached to the timer and sensor hooks and entries in its local, tenant
 * and global stores before the fuzzed image is installed. Aborts when
 * anything the fuzzed tenant does changes the victim's container, its
 * attachments, its name or its key-value entries, or when a tenant's
 * usage exceeds its quota: containers, RAM, hook attachments (the
 * fuzzed container asks for all 5 hooks, its share is 4), key-value
 * entries in RAM and on storage (the records the in-memory port holds),
 * global entries (fuzz_tenants.c, shared with fuzz_coap).
 *
 *   build-fuzz/fuzz/fuzz_install -max_total_time=60 fuzz/corpus/install */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "femto/engine.h"
#include "fuzz_tenants.h"

#define MAX_IMAGE 65536
#define RUN_BUDGET 4000
#define N_RECORDS 8

static volatile uint64_t sink; /* keeps results alive under -O1 */

/* ---- an in-memory port --------------------------------------------------------- */

typedef struct record {
    char name[FC_PORT_NAME_MAX];
    uint8_t data[FC_KV_RECORD_MAX];
    size_t len;
    int used;
} record_t;

static record_t records[N_RECORDS];

static record_t *find_record(const char *name)
{
    for (int i = 0; i < N_RECORDS; i++)
        if (records[i].used && strcmp(records[i].name, name) == 0)
            return &records[i];
    return NULL;
}

static fc_status_t mem_read(void *ctx, const char *name, void *buf, size_t cap, size_t *len)
{
    (void)ctx;
    record_t *r = find_record(name);
    if (!r)
        return FC_ERR_NOT_FOUND;
    *len = r->len;
    if (r->len > cap)
        return FC_ERR_BUFFER;
    memcpy(buf, r->data, r->len);
    return FC_OK;
}

static fc_status_t mem_write(void *ctx, const char *name, const void *data, size_t len)
{
    (void)ctx;
    if (strlen(name) >= FC_PORT_NAME_MAX || len > FC_KV_RECORD_MAX)
        __builtin_trap(); /* the engine must never ask for this */
    record_t *r = find_record(name);
    for (int i = 0; !r && i < N_RECORDS; i++)
        if (!records[i].used)
            r = &records[i];
    if (!r)
        return FC_ERR_STORAGE;
    strcpy(r->name, name);
    memcpy(r->data, data, len);
    r->len = len;
    r->used = 1;
    return FC_OK;
}

static fc_status_t mem_remove(void *ctx, const char *name)
{
    (void)ctx;
    record_t *r = find_record(name);
    if (!r)
        return FC_ERR_NOT_FOUND;
    r->used = 0;
    return FC_OK;
}

static uint64_t fake_now(void *ctx)
{
    (void)ctx;
    return 123456789;
}

static void quiet_log(void *ctx, int level, const char *text, size_t len)
{
    (void)ctx, (void)level;
    if (len > FC_LOG_LINE_MAX)
        __builtin_trap();
    for (size_t i = 0; i < len; i++)
        sink += (uint8_t)text[i];
}

static fc_status_t fake_sensor(void *ctx, uint32_t index, int32_t *value)
{
    (void)ctx;
    if (index >= 4)
        return FC_ERR_NOT_FOUND;
    *value = 20000 + (int32_t)index;
    return FC_OK;
}

static fc_status_t fake_random(void *ctx, void *buf, size_t len)
{
    (void)ctx;
    memset(buf, 0x5a, len);
    return FC_OK;
}

static const fc_port_t port = {
    .now_us = fake_now,
    .log = quiet_log,
    .storage_read = mem_read,
    .storage_write = mem_write,
    .storage_remove = mem_remove,
    .sensor_read = fake_sensor,
    .random = fake_random,
};

/* ---- the target --------------------------------------------------------------------- */

#define VICTIM 3u
#define KV_QUOTA 6u

static fc_engine_t engine;
static _Alignas(8) uint8_t victim_image[256];
static size_t victim_len;
static fc_container_t *victim;
static _Alignas(8) uint8_t stack[FC_DEFAULT_FRAME * (FC_MAX_CALL_DEPTH + 1)];
static _Alignas(8) uint8_t image[MAX_IMAGE];

static void add_tenant(uint32_t id, int all)
{
    fc_tenant_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.id = id;
    if (all) {
        fc_helper_mask_all(&cfg.helpers);
    } else {
        fc_helper_mask_clear(&cfg.helpers);
        fc_helper_mask_set(&cfg.helpers, 1);
        fc_helper_mask_set(&cfg.helpers, 8);
        fc_helper_mask_set(&cfg.helpers, 9);
    }
    cfg.hooks = 0xffffffffu;
    cfg.quota = (fc_tenant_quota_t){.max_containers = 4,
                                    .max_ram = FC_ENGINE_RAM / 2,
                                    .max_budget = RUN_BUDGET,
                                    .max_kv_entries = KV_QUOTA};
    fc_error_t err;
    if (fc_tenant_add(&engine, &cfg, &err) != FC_OK)
        __builtin_trap();
}

static void fire_all_hooks(const uint8_t *data, size_t len)
{
    fc_hook_timer_ctx_t timer = {.now_us = 1, .tick = 2, .period_ms = 100};
    fc_hook_boot_ctx_t boot = {.boot_count = 1};
    fc_hook_sensor_ctx_t sensor = {.sensor = 1, .value = 21000};
    static fc_hook_coap_ctx_t coap;
    memset(&coap, 0, sizeof coap);
    coap.method = FC_COAP_GET;
    coap.path_len = 3;
    memcpy(coap.path, "t/0", 3);
    int64_t r = 0;
    fc_hook_fire(&engine, FC_HOOK_TIMER, &timer, sizeof timer, &r);
    sink += (uint64_t)r;
    fc_hook_fire(&engine, FC_HOOK_BOOT, &boot, sizeof boot, &r);
    sink += (uint64_t)r;
    fc_hook_fire(&engine, FC_HOOK_SENSOR, &sensor, sizeof sensor, &r);
    sink += (uint64_t)r + (uint64_t)sensor.value;
    fc_hook_fire(&engine, FC_HOOK_COAP, &coap, sizeof coap, &r);
    if (coap.resp_len > FC_COAP_PAYLOAD_MAX)
        __builtin_trap();
    sink += (uint64_t)r + coap.resp_code;
    /* the input itself is the packet (read-only) */
    fc_hook_fire(&engine, FC_HOOK_PACKET, (void *)data, len > 256 ? 256 : len, &r);
    sink += (uint64_t)r;
}

/* ---- the victim tenant and the invariants ------------------------------------------- */

/* "mov r0, 0; exit" named "victim", written once. */
static void make_victim_image(void)
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
    fc_error_t err;
    if (fc_image_write(&parts, victim_image, sizeof victim_image, &victim_len, &err) != FC_OK)
        __builtin_trap();
}

static void add_victim(void)
{
    fc_tenant_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.id = VICTIM;
    fc_helper_mask_all(&cfg.helpers);
    cfg.hooks = 0xffffffffu;
    cfg.quota = (fc_tenant_quota_t){.max_containers = 2,
                                    .max_ram = FC_ENGINE_RAM / 4,
                                    .max_budget = RUN_BUDGET,
                                    .max_kv_entries = KV_QUOTA};
    fc_error_t err;
    if (fc_tenant_add(&engine, &cfg, &err) != FC_OK)
        __builtin_trap();
    if (!victim_len)
        make_victim_image();
    victim = NULL;
    if (fc_container_install(&engine, VICTIM, -1, victim_image, victim_len, NULL, &victim, &err) !=
            FC_OK ||
        fc_container_attach(&engine, victim, FC_HOOK_TIMER, 5, NULL) != FC_OK ||
        fc_container_attach(&engine, victim, FC_HOOK_SENSOR, -5, NULL) != FC_OK ||
        fc_container_start(&engine, victim) != FC_OK)
        __builtin_trap();
    static const char *const keys[] = {"v", "k", "g"};
    for (int s = FC_KV_LOCAL; s <= FC_KV_GLOBAL; s++)
        if (fc_kv_set(&engine, victim, (fc_kv_scope_t)s, keys[s], 1, "victim", 6) != FC_OK)
            __builtin_trap();
}

static fz_tenant_view_t victim_before;

static void view_victim(fz_tenant_view_t *v)
{
    fz_view_tenant(&engine, victim, VICTIM, v);
}

/* Entries on storage charged to a tenant: its local and tenant records
 * (every entry in them) and its global entries. */
static uint32_t stored_entries(uint32_t tenant)
{
    char local[32], mine[32];
    snprintf(local, sizeof local, "kv/l/%08x/", tenant);
    snprintf(mine, sizeof mine, "kv/t/%08x", tenant);
    uint32_t n = 0;
    for (int i = 0; i < N_RECORDS; i++) {
        const record_t *r = &records[i];
        if (!r->used || r->len < FC_KV_RECORD_HEADER)
            continue;
        if (!strncmp(r->name, local, strlen(local)) || !strcmp(r->name, mine)) {
            n += r->data[5];
        } else if (!strcmp(r->name, "kv/g")) {
            for (uint32_t k = 0; k < r->data[5]; k++) {
                const uint8_t *p = r->data + FC_KV_RECORD_HEADER + k * FC_KV_RECORD_ENTRY;
                n += ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                      (uint32_t)p[3] << 24) == tenant;
            }
        }
    }
    return n;
}

static void check_invariants(void)
{
    fz_tenant_view_t now;
    view_victim(&now);
    if (memcmp(&now, &victim_before, sizeof now) != 0)
        __builtin_trap(); /* another tenant changed the victim's container, hooks or entries */
    for (uint32_t t = 1; t <= VICTIM; t++) {
        const fc_tenant_t *ten = fc_tenant_find(&engine, t);
        if (!ten)
            continue;
        if (fz_engine_over_quota(&engine, t, &ten->quota) ||
            stored_entries(t) > ten->quota.max_kv_entries)
            __builtin_trap(); /* a quota exceeded in RAM or on storage */
    }
}

/* A reboot: the engine again, the tenants, the victim's container (its
 * stores are reloaded from storage). */
static void boot(void)
{
    if (fc_engine_init(&engine, &port, stack, sizeof stack) != FC_OK ||
        fc_engine_declare_standard_hooks(&engine) != FC_OK)
        __builtin_trap();
    add_tenant(1, 1);
    add_tenant(2, 0);
    add_victim();
    view_victim(&victim_before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size - 1 > MAX_IMAGE)
        return 0;
    memset(records, 0, sizeof records);
    boot();
    uint32_t tenant = (data[0] & 1) ? 2 : 1;
    size_t len = size - 1;
    memcpy(image, data + 1, len);

    fc_container_t *c = NULL;
    fc_error_t err;
    fc_status_t st = fc_container_install(&engine, tenant, -1, image, len, NULL, &c, &err);
    if (st != FC_OK) {
        if (c || !err.reason || fc_container_at(&engine, 1))
            __builtin_trap(); /* a refusal leaves nothing behind and says why */
        check_invariants();
        return 0;
    }
    for (uint32_t h = FC_HOOK_TIMER; h <= FC_HOOK_PACKET; h++)
        fc_container_attach(&engine, c, h, (int32_t)h, NULL);
    fc_container_start(&engine, c);
    fire_all_hooks(image, len);
    check_invariants();

    uint8_t ctx[64];
    memset(ctx, 0xa5, sizeof ctx);
    uint64_t r0 = 0;
    fc_container_call(&engine, c, NULL, ctx, sizeof ctx, &r0);
    sink += r0 + c->stats.runs + c->stats.faults + c->stats.insns_total;
    if (c->stats.insns_last > RUN_BUDGET)
        __builtin_trap(); /* the budget holds */

    /* a second install of the same image, then the atomic switch */
    fc_container_t *c2 = NULL;
    if (fc_container_install(&engine, tenant, -1, image, len, NULL, &c2, &err) == FC_OK) {
        if (fc_container_replace(&engine, c, c2) != FC_OK)
            __builtin_trap();
        fire_all_hooks(image, len);
        c = c2;
    }
    check_invariants();
    /* a reboot reloads whatever the container stored */
    boot();
    fc_container_t *again = NULL;
    if (fc_container_install(&engine, tenant, -1, image, len, NULL, &again, &err) == FC_OK) {
        fire_all_hooks(image, len);
        check_invariants();
        c = again;
    } else {
        c = NULL;
    }
    /* the removal as femtod does it: the local record is reclaimed */
    if (c) {
        const char *name = c->name;
        if (fc_container_remove(&engine, c) != FC_OK ||
            fc_kv_local_reclaim(&engine, tenant, name) != FC_OK)
            __builtin_trap();
    }
    check_invariants();
    return 0;
}
