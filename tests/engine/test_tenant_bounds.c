/* Engine side of issue 13 (tenants cannot starve each other): key-value
 * entries counted at load and reclaimed, the global store's owners and
 * shares, fc_kv_local_set with an empty value, fc_log escaping, attribution
 * and rate limit, a read-write hook context given back per tenant, the
 * per-tenant attachment share, and the container name character set. Each test fails without its fix. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine_fixture.h"

#define TENANT_C 3u


static fc_container_t *install_named(fixture_t *fx, uint32_t tenant, const char *name)
{
    size_t len;
    const uint8_t *img = fx_image(fx, "mov %r0, 0\n exit\n", NULL, 0, NULL, 0, 0, name, &len);
    return fx_install(fx, tenant, img, len);
}

static void fill_local(fixture_t *fx, fc_container_t *c, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        char key[4] = {'k', (char)('a' + i), 0, 0};
        assert_int_equal(fc_kv_set(fx->engine, c, FC_KV_LOCAL, key, 2, "v", 1), FC_OK);
    }
}

/* The attack of the issue: cycle names through a slot, each leaving its
 * stored entries, then install them together. What storage holds counts. */
static void test_kv_counted_at_load(void **state)
{
    fixture_t *fx = *state;
    uint32_t quota = fx_quota().max_kv_entries; /* 8 */
    fc_container_t *c = install_named(fx, TENANT_A, "n0");
    fill_local(fx, c, quota);
    assert_int_equal(fc_container_remove(fx->engine, c), FC_OK);
    assert_int_equal(fc_kv_count(fx->engine, TENANT_A), 0); /* unloaded, still stored */
    c = install_named(fx, TENANT_A, "n1");
    fill_local(fx, c, quota);
    assert_int_equal(fc_container_remove(fx->engine, c), FC_OK);
    (void)install_named(fx, TENANT_A, "n0"); /* loads 8 */
    assert_int_equal(fc_kv_count(fx->engine, TENANT_A), quota);
    size_t len;
    const uint8_t *img = fx_image(fx, "mov %r0, 0\n exit\n", NULL, 0, NULL, 0, 0, "n1", &len);
    fc_container_t *c2 = NULL;
    fc_error_t err;
    assert_int_equal(fc_container_install(fx->engine, TENANT_A, -1, img, len, NULL, &c2, &err),
                     FC_ERR_QUOTA);
    assert_non_null(strstr(err.reason, "max_kv_entries"));
    assert_null(c2);
    assert_int_equal(fc_kv_count(fx->engine, TENANT_A), quota);
    /* the other tenant's first key still goes in */
    fc_container_t *b = install_named(fx, TENANT_B, "b0");
    assert_int_equal(fc_kv_set(fx->engine, b, FC_KV_LOCAL, "x", 1, "1", 1), FC_OK);
}

static void test_kv_local_reclaim(void **state)
{
    fixture_t *fx = *state;
    fc_container_t *c = install_named(fx, TENANT_A, "gone");
    fill_local(fx, c, 3);
    assert_int_equal(fc_kv_local_reclaim(fx->engine, TENANT_A, "gone"), FC_ERR_BUSY);
    char path[512];
    snprintf(path, sizeof path, "%s/kv/l/%08x", fx->dir, TENANT_A);
    assert_int_equal(fc_container_remove(fx->engine, c), FC_OK);
    assert_int_equal(fc_kv_local_reclaim(fx->engine, TENANT_A, "gone"), FC_OK);
    assert_int_equal(fc_kv_local_reclaim(fx->engine, TENANT_A, "gone"), FC_OK); /* idempotent */
    c = install_named(fx, TENANT_A, "gone");
    char v[8];
    size_t n;
    assert_int_equal(fc_kv_get(fx->engine, c, FC_KV_LOCAL, "ka", 2, v, sizeof v, &n),
                     FC_ERR_NOT_FOUND);
    fx_reboot(fx);
    fx_default_tenants(fx);
    c = install_named(fx, TENANT_A, "gone");
    assert_int_equal(fc_kv_count(fx->engine, TENANT_A), 0);
}

/* Global store: an owner per entry, a share per tenant, write permission. */
static void test_global_owner_and_share(void **state)
{
    fixture_t *fx = *state;
    fc_container_t *a = install_named(fx, TENANT_A, "a");
    fc_container_t *b = install_named(fx, TENANT_B, "b");
    assert_int_equal(fc_kv_set(fx->engine, a, FC_KV_GLOBAL, "k", 1, "A", 1), FC_OK);
    assert_int_equal(fc_kv_set(fx->engine, b, FC_KV_GLOBAL, "k", 1, "B", 1), FC_ERR_PERMISSION);
    assert_int_equal(fc_kv_delete(fx->engine, b, FC_KV_GLOBAL, "k", 1), FC_ERR_PERMISSION);
    char v[4];
    size_t n;
    assert_int_equal(fc_kv_get(fx->engine, b, FC_KV_GLOBAL, "k", 1, v, sizeof v, &n), FC_OK);
    assert_memory_equal(v, "A", 1);
    uint32_t share = FC_KV_NS_MAX_ENTRIES / FC_MAX_TENANTS;
    for (uint32_t i = 0; i < share; i++) {
        char key[2] = {(char)('0' + i), 0};
        assert_int_equal(fc_kv_set(fx->engine, b, FC_KV_GLOBAL, key, 1, "b", 1), FC_OK);
    }
    assert_int_equal(fc_kv_set(fx->engine, b, FC_KV_GLOBAL, "z", 1, "b", 1), FC_ERR_KV_FULL);
    assert_int_equal(fc_kv_global_count(fx->engine, TENANT_B), share);
    /* A still has room in the namespace B could not fill */
    assert_int_equal(fc_kv_set(fx->engine, a, FC_KV_GLOBAL, "a2", 2, "A", 1), FC_OK);
    assert_int_equal(fc_kv_delete(fx->engine, a, FC_KV_GLOBAL, "k", 1), FC_OK);

    fc_tenant_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.id = TENANT_C;
    fc_helper_mask_all(&cfg.helpers);
    cfg.hooks = 0xffffffffu;
    cfg.quota = fx_quota();
    cfg.flags = FC_TENANT_NO_GLOBAL_WRITE;
    fc_error_t err;
    assert_int_equal(fc_tenant_add(fx->engine, &cfg, &err), FC_OK);
    fc_container_t *cc = install_named(fx, TENANT_C, "c");
    assert_int_equal(fc_kv_set(fx->engine, cc, FC_KV_GLOBAL, "q", 1, "c", 1), FC_ERR_PERMISSION);
    assert_int_equal(fc_kv_get(fx->engine, cc, FC_KV_GLOBAL, "a2", 2, v, sizeof v, &n), FC_OK);
}

/* fc_kv_local_set(key, NULL, 0): a zero-length value is valid. */
static void test_kv_set_empty_value(void **state)
{
    fixture_t *fx = *state;
    static const char ro[] = "key";
    size_t len;
    const uint8_t *img = fx_image(fx,
                                  "lddw %r1, rodata+0\n mov %r2, 3\n mov %r3, 0\n mov %r4, 0\n"
                                  " call 9\n exit\n",
                                  ro, sizeof ro, NULL, 0, 0, "empty", &len);
    fc_container_t *c = fx_install(fx, TENANT_A, img, len);
    uint64_t r0 = 99;
    assert_int_equal(fc_container_call(fx->engine, c, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 0);
    assert_int_equal(c->stats.faults, 0);
    char v[4];
    size_t n = 7;
    assert_int_equal(fc_kv_get(fx->engine, c, FC_KV_LOCAL, "key", 3, v, sizeof v, &n), FC_OK);
    assert_int_equal(n, 0);
}

/* A container cannot start a new line or forge femtod's lines; each line
 * names tenant and container. */
static void test_log_escaped_and_attributed(void **state)
{
    fixture_t *fx = *state;
    static const char ro[] = "a\nfemtod: removed 'x'\x01\\%s\n\0b\rc";
    size_t len;
    const uint8_t *img = fx_image(fx, "lddw %r1, rodata+0\n lddw %r2, rodata+27\n call 1\n exit\n",
                                  ro, sizeof ro, NULL, 0, 0, "logger", &len);
    assert_int_equal(ro[26], 0);
    fc_container_t *c = fx_install(fx, TENANT_B, img, len);
    uint64_t r0;
    assert_int_equal(fc_container_call(fx->engine, c, NULL, NULL, 0, &r0), FC_OK);
    assert_string_equal(fx->log, "[2/logger] a\\x0afemtod: removed 'x'\\x01\\x5cb\\x0dc\n");
}

static uint64_t fake_clock_us;
static uint64_t fake_now(void *ctx)
{
    (void)ctx;
    return fake_clock_us;
}

static void test_log_rate_limited(void **state)
{
    fixture_t *fx = *state;
    fx->port.port.now_us = fake_now;
    fake_clock_us = 5000000;
    static const char ro[] = "line";
    size_t len;
    const uint8_t *img = fx_image(fx, "lddw %r1, rodata+0\n call 1\n exit\n", ro, sizeof ro, NULL,
                                  0, 0, "chatty", &len);
    fc_container_t *c = fx_install(fx, TENANT_A, img, len);
    uint64_t r0;
    for (int i = 0; i < FC_LOG_RATE + 5; i++)
        assert_int_equal(fc_container_call(fx->engine, c, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(fc_log_drops(fx->engine, c), 5);
    assert_int_equal(r0, 0); /* a dropped line logged nothing */
    size_t lines = 0;
    for (const char *p = fx->log; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, FC_LOG_RATE);
    fake_clock_us += 1000000; /* next second: lines again */
    assert_int_equal(fc_container_call(fx->engine, c, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 4);
    assert_int_equal(fc_log_drops(fx->engine, c), 5);
}

/* The sensor context is read-write: a tenant's filter may change it for
 * its own later containers, but another tenant's container sees the
 * firmware's sample. */
static void test_rw_context_per_tenant(void **state)
{
    fixture_t *fx = *state;
    const uint32_t none[] = {1};
    fx_tenant(fx, TENANT_C, none, 1, 1u << FC_HOOK_SENSOR, fx_quota());
    size_t len;
    const uint8_t *w = fx_image(fx, "mov %r3, 666666\n stxw [%r1+12], %r3\n mov %r0, 1\n exit\n",
                                NULL, 0, NULL, 0, 0, "filter", &len);
    fc_container_t *fa = fx_install(fx, TENANT_A, w, len);
    const uint8_t *rd =
        fx_image(fx, "ldxw %r0, [%r1+12]\n exit\n", NULL, 0, NULL, 0, 0, "reader", &len);
    fc_container_t *ra = fx_install(fx, TENANT_A, rd, len);
    const uint8_t *rd2 =
        fx_image(fx, "ldxw %r0, [%r1+12]\n exit\n", NULL, 0, NULL, 0, 0, "reader2", &len);
    fc_container_t *rc = fx_install(fx, TENANT_C, rd2, len);
    assert_int_equal(fc_container_attach(fx->engine, fa, FC_HOOK_SENSOR, 0, NULL), FC_OK);
    assert_int_equal(fc_container_attach(fx->engine, rc, FC_HOOK_SENSOR, 1, NULL), FC_OK);
    assert_int_equal(fc_container_start(fx->engine, fa), FC_OK);
    assert_int_equal(fc_container_start(fx->engine, rc), FC_OK);
    fc_hook_sensor_ctx_t s = {.sensor = 1, .value = 21500};
    int64_t r = 0;
    assert_int_equal(fc_hook_fire(fx->engine, FC_HOOK_SENSOR, &s, sizeof s, &r), FC_OK);
    assert_int_equal(r, 21500); /* tenant C's reader: the firmware's sample */
    /* tenant A's own reader after its filter sees the filtered value */
    assert_int_equal(fc_container_attach(fx->engine, ra, FC_HOOK_SENSOR, 2, NULL), FC_OK);
    assert_int_equal(fc_container_start(fx->engine, ra), FC_OK);
    s.value = 21500;
    assert_int_equal(fc_hook_fire(fx->engine, FC_HOOK_SENSOR, &s, sizeof s, &r), FC_OK);
    assert_int_equal(r, 21500); /* C's reader is unaffected ... */
    assert_int_equal(ra->stats.runs, 1);
    /* ... and A's reader ran after C's: it got the firmware's bytes back too */
    assert_int_equal((int64_t)(int32_t)s.value, 21500);
    assert_int_equal(fc_container_detach(fx->engine, rc, FC_HOOK_SENSOR), FC_OK);
    assert_int_equal(fc_hook_fire(fx->engine, FC_HOOK_SENSOR, &s, sizeof s, &r), FC_OK);
    assert_int_equal(r, 666666); /* same tenant: the filter's change carries */
}

/* Attachments: a share per tenant in the engine itself (every embedder
 * gets it, not only femtod): a tenant over its share gets FC_ERR_QUOTA, and
 * what it cannot take stays for the others. 0 means the default share. */
static void test_attachment_share(void **state)
{
    fixture_t *fx = *state;
    fc_tenant_quota_t q = fx_quota();
    q.max_attachments = 0; /* default: FC_MAX_ATTACHMENTS / FC_MAX_TENANTS */
    const uint32_t log_only[] = {1};
    fx_tenant(fx, TENANT_C, log_only, 1, 0xffffffffu, q);
    const uint32_t share = FC_MAX_ATTACHMENTS / FC_MAX_TENANTS;
    assert_int_equal(fc_tenant_find(fx->engine, TENANT_C)->quota.max_attachments, share);
    static const uint32_t hooks[] = {FC_HOOK_TIMER, FC_HOOK_BOOT, FC_HOOK_SENSOR, FC_HOOK_COAP,
                                     FC_HOOK_PACKET};
    fc_container_t *c1 = install_named(fx, TENANT_C, "c1");
    fc_container_t *c2 = install_named(fx, TENANT_C, "c2");
    uint32_t n = 0;
    for (size_t i = 0; i < 5 && n < share; i++, n++)
        assert_int_equal(fc_container_attach(fx->engine, c1, hooks[i], 0, NULL), FC_OK);
    assert_int_equal(fc_tenant_attachments(fx->engine, TENANT_C), share);
    /* over the share, on any of its containers */
    assert_int_equal(fc_container_attach(fx->engine, c2, FC_HOOK_TIMER, 0, NULL), FC_ERR_QUOTA);
    assert_int_equal(fc_container_attach(fx->engine, c1, hooks[share], 0, NULL), FC_ERR_QUOTA);
    assert_int_equal(fc_tenant_attachments(fx->engine, TENANT_C), share);
    /* the rest of the table is the others': A (its share is the whole table
     * in the fixture) fills it; C's refusal does not change */
    fc_container_t *a = NULL;
    for (uint32_t k = 0; k < FC_MAX_ATTACHMENTS - share; k++) {
        char name[8];
        snprintf(name, sizeof name, "a%u", (unsigned)k);
        if (k % 4 == 0)
            a = install_named(fx, TENANT_A, name);
        assert_int_equal(fc_container_attach(fx->engine, a, hooks[k % 4], 0, NULL), FC_OK);
    }
    assert_int_equal(fx->engine->n_attachments, FC_MAX_ATTACHMENTS);
    /* a detach gives the room back to C */
    assert_int_equal(fc_container_detach(fx->engine, c1, FC_HOOK_TIMER), FC_OK);
    assert_int_equal(fc_container_attach(fx->engine, c2, FC_HOOK_TIMER, 0, NULL), FC_OK);
    assert_int_equal(fc_container_attach(fx->engine, c2, FC_HOOK_BOOT, 0, NULL), FC_ERR_QUOTA);
    /* an explicit share */
    q.max_attachments = 1;
    fc_tenant_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.id = 4;
    cfg.hooks = 0xffffffffu;
    cfg.quota = q;
    fc_error_t err;
    assert_int_equal(fc_tenant_add(fx->engine, &cfg, &err), FC_OK);
    assert_int_equal(fc_tenant_find(fx->engine, 4)->quota.max_attachments, 1);
}

static void test_name_characters(void **state)
{
    fixture_t *fx = *state;
    assert_int_equal(fc_name_bad_char("sensor-v1.2_x"), -1);
    assert_int_equal(fc_name_bad_char("a/b"), 1);
    assert_int_equal(fc_name_bad_char(".."), 0);
    assert_int_equal(fc_name_bad_char("a b"), 1);
    size_t len;
    const uint8_t *img = fx_image(fx, "mov %r0, 0\n exit\n", NULL, 0, NULL, 0, 0, "a/b", &len);
    fc_container_t *c = NULL;
    fc_error_t err;
    assert_int_equal(fc_container_install(fx->engine, TENANT_A, -1, img, len, NULL, &c, &err),
                     FC_ERR_IMAGE_NAME);
    assert_non_null(strstr(err.reason, FC_NAME_CHARS_TEXT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kv_counted_at_load, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_kv_local_reclaim, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_global_owner_and_share, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_kv_set_empty_value, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_log_escaped_and_attributed, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_log_rate_limited, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_rw_context_per_tenant, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_attachment_share, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_name_characters, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
