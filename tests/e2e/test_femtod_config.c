/* femtod's configuration parser (apps/device/config.c): a full valid file,
 * and each kind of error named with its file, line and reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"         /* apps/device, on the include path */
#include "platform_posix.h" /* apps/femtod */

static char path[64];

/* Write text to a fresh file in the working directory and parse it. */
static int parse(const char *text, fd_config_t *cfg, char *msg, size_t cap)
{
    snprintf(path, sizeof path, "femtod-test-%d.conf", (int)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    fd_config_defaults(cfg);
    msg[0] = '\0';
    int rc = fd_config_load(cfg, path, msg, cap);
    unlink(path);
    return rc;
}

static void expect_error(const char *text, int line, const char *reason)
{
    fd_config_t cfg;
    char msg[600], want[128];
    assert_int_equal(parse(text, &cfg, msg, sizeof msg), -1);
    snprintf(want, sizeof want, "%s:%d: ", path, line);
    if (strncmp(msg, want, strlen(want)) != 0 || !strstr(msg, reason))
        fail_msg("got \"%s\", expected \"%s...%s\"", msg, want, reason);
}

#define KEY_HEX "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static void test_full_config(void **state)
{
    (void)state;
    fd_config_t cfg;
    char msg[600];
    const char *text = "# comment\n"
                       "timer_period_ms = 250\n"
                       "sensor_period_ms = 100  # trailing comment\n"
                       "sensors = 0, 3\n"
                       "max_envelope = 4096\n"
                       "\n"
                       "[tenant acme]\n"
                       "id = 7\n"
                       "public_key = " KEY_HEX "\n"
                       "helpers = fc_log, coap_respond, 9\n"
                       "hooks = coap, timer\n"
                       "slots = 0-2, 5\n"
                       "max_containers = 2\n"
                       "max_ram = 512\n"
                       "max_budget = 5000\n"
                       "max_kv_entries = 3\n"
                       "max_image = 2048\n"
                       "max_attachments = 4\n"
                       "max_storage = 9000\n"
                       "max_names = 3\n"
                       "max_global_entries = 2\n"
                       "global_write = no\n"
                       "[tenant other]\n"
                       "id = 8\n"
                       "public_key = " KEY_HEX "\n";
    assert_int_equal(parse(text, &cfg, msg, sizeof msg), 0);
    assert_int_equal(cfg.timer_period_ms, 250);
    assert_int_equal(cfg.sensor_period_ms, 100);
    assert_int_equal(cfg.n_sensors, 2);
    assert_int_equal(cfg.sensors[1], 3);
    assert_int_equal(cfg.max_envelope, 4096);
    assert_int_equal(cfg.n_tenants, 2);
    const fd_tenant_config_t *t = &cfg.tenants[0];
    assert_string_equal(t->name, "acme");
    assert_int_equal(t->engine.id, 7);
    assert_int_equal(t->engine.public_key[0], 0x00);
    assert_int_equal(t->engine.public_key[31], 0xff);
    assert_true(fc_helper_mask_has(&t->engine.helpers, 1)); /* fc_log */
    assert_true(fc_helper_mask_has(&t->engine.helpers, 7)); /* fc_coap_respond */
    assert_true(fc_helper_mask_has(&t->engine.helpers, 9));
    assert_false(fc_helper_mask_has(&t->engine.helpers, 8));
    assert_int_equal(t->engine.hooks, (1u << FC_HOOK_COAP) | (1u << FC_HOOK_TIMER));
    assert_int_equal(t->slots, 0x27u);
    assert_int_equal(t->engine.quota.max_containers, 2);
    assert_int_equal(t->engine.quota.max_ram, 512);
    assert_int_equal(t->engine.quota.max_budget, 5000);
    assert_int_equal(t->engine.quota.max_kv_entries, 3);
    assert_int_equal(t->max_image, 2048);
    assert_int_equal(t->engine.quota.max_attachments, 4);
    assert_int_equal(t->max_storage, 9000);
    assert_int_equal(t->max_names, 3);
    assert_int_equal(t->engine.quota.max_global_entries, 2);
    assert_true(t->engine.flags & FC_TENANT_NO_GLOBAL_WRITE);
    /* defaults of the second tenant */
    assert_int_equal(cfg.tenants[1].engine.quota.max_attachments, FC_MAX_ATTACHMENTS / 3);
    assert_int_equal(cfg.tenants[1].max_storage, FD_DEFAULT_MAX_STORAGE);
    assert_int_equal(cfg.tenants[1].max_names, FD_DEFAULT_MAX_NAMES);
    assert_int_equal(cfg.tenants[1].engine.quota.max_global_entries,
                     FC_KV_NS_MAX_ENTRIES / FC_MAX_TENANTS);
    assert_false(cfg.tenants[1].engine.flags & FC_TENANT_NO_GLOBAL_WRITE);
    assert_int_equal(cfg.tenants[1].engine.quota.max_containers, 4);
    assert_int_equal(cfg.tenants[1].slots, (1u << (FC_MAX_CONTAINERS - 1)) - 1);
}

/* A one-tenant file ("[tenant a]", id, public_key: lines 1-3) followed by
 * tail, whose error is on line `line`. */
static void expect_error_after_tenant(const char *tail, int line, const char *reason)
{
    char buf[400];
    snprintf(buf, sizeof buf, "[tenant a]\nid = 1\npublic_key = " KEY_HEX "\n%s", tail);
    expect_error(buf, line, reason);
}

static void test_errors_name_line_and_reason(void **state)
{
    (void)state;
    expect_error("bogus = 1\n", 1, "unknown key 'bogus'");
    expect_error("timer_period_ms = ten\n", 1, "not a number");
    expect_error("timer_period_ms\n", 1, "expected 'key = value'");
    expect_error("[pool x]\n", 1, "unknown section");
    expect_error("[tenant]\n", 1, "needs a name");
    expect_error("[tenant a]\nid = 0\n", 2, "non-zero");
    expect_error("[tenant a]\npublic_key = " KEY_HEX "\n", 2, "has no id");
    expect_error("[tenant a]\nid = 1\n", 2, "has no public_key");
    expect_error("[tenant a]\nid = 1\npublic_key = missing.pub\n", 3, "public key");
    expect_error_after_tenant("[tenant b]\nid = 1\n", 5, "id 1 already used");
    expect_error_after_tenant("[tenant a]\n", 4, "defined twice");
    expect_error_after_tenant("helpers = fc_nothing\n", 4, "unknown helper 'fc_nothing'");
    expect_error_after_tenant("hooks = timer, nap\n", 4, "unknown hook 'nap'");
    expect_error_after_tenant("slots = 3-1\n", 4, "outside");
    char slots[32];
    snprintf(slots, sizeof slots, "slots = 0-%d\n", FC_MAX_CONTAINERS);
    expect_error_after_tenant(slots, 4, "outside");
    expect_error_after_tenant("slots = 1,,2\n", 4, "empty item");
    expect_error_after_tenant("max_ram = -5\n", 4, "not a number");
    expect_error_after_tenant("global_write = maybe\n", 4, "global_write: yes or no");
    expect_error_after_tenant("max_names = 17\n", 4, "max_names: 1..16");
    expect_error_after_tenant("max_global_entries = 0\n", 4, "max_global_entries: 1..16");
    /* the attachment shares: the line of the share that goes over (its
     * key, or the header of a tenant with the default share) */
    expect_error_after_tenant("max_attachments = 9\n", 4, "plus the largest (9");
    expect_error_after_tenant("max_attachments = 8\n[tenant b]\nid = 2\npublic_key = " KEY_HEX "\n",
                              5, "over all tenants (13) plus the largest (8");
    expect_error_after_tenant("max_attachments = 0\n", 4, "max_attachments 0 outside 1..16");
    expect_error("sensors = 9\n", 1, "bad sensor index");
    expect_error("max_envelope = 10\n", 1, "64..1048576");
    expect_error("timer_period_ms = 5\n", 0, "no [tenant NAME] section");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_config),
        cmocka_unit_test(test_errors_name_line_and_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
