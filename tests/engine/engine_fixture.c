#define _GNU_SOURCE
#include "engine_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "asm.h"
#include "femto/image.h"

fc_tenant_quota_t fx_quota(void)
{
    /* the whole attachment table: only test_tenant_bounds tests the shares */
    return (fc_tenant_quota_t){.max_containers = 8,
                               .max_ram = 2048,
                               .max_budget = 100000,
                               .max_kv_entries = 8,
                               .max_attachments = FC_MAX_ATTACHMENTS};
}

static void engine_up(fixture_t *fx)
{
    assert_int_equal(fc_engine_init(fx->engine, &fx->port.port, fx->stack, sizeof fx->stack),
                     FC_OK);
    assert_int_equal(fc_engine_declare_standard_hooks(fx->engine), FC_OK);
}

int fx_setup(void **state)
{
    fixture_t *fx = fx_new(NULL);
    fx_default_tenants(fx);
    *state = fx;
    return 0;
}

int fx_teardown(void **state)
{
    fx_free(*state, 1);
    return 0;
}

fixture_t *fx_new(const char *dir)
{
    fixture_t *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fx->engine = calloc(1, sizeof *fx->engine);
    assert_non_null(fx->engine);
    if (dir) {
        snprintf(fx->dir, sizeof fx->dir, "%s", dir);
    } else {
        snprintf(fx->dir, sizeof fx->dir, "/tmp/fc-engine-test-XXXXXX");
        assert_non_null(mkdtemp(fx->dir));
    }
    assert_int_equal(fc_port_posix_init(&fx->port, fx->dir), FC_OK);
    fc_port_posix_capture_log(&fx->port, fx->log, sizeof fx->log);
    engine_up(fx);
    return fx;
}

void fx_reboot(fixture_t *fx)
{
    memset(fx->engine, 0xa5, sizeof *fx->engine); /* nothing may survive in RAM */
    fc_port_posix_capture_log(&fx->port, fx->log, sizeof fx->log);
    engine_up(fx);
}

void fx_free(fixture_t *fx, int remove_dir)
{
    for (unsigned i = 0; i < fx->n_images; i++)
        free(fx->images[i]);
    if (remove_dir) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
        assert_int_equal(system(cmd), 0);
    }
    free(fx->engine);
    free(fx);
}

void fx_tenant(fixture_t *fx, uint32_t id, const uint32_t *helpers, unsigned n, uint32_t hooks,
               fc_tenant_quota_t quota)
{
    fc_tenant_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.id = id;
    fc_helper_mask_clear(&cfg.helpers);
    for (unsigned i = 0; i < n; i++)
        fc_helper_mask_set(&cfg.helpers, helpers[i]);
    cfg.hooks = hooks;
    cfg.quota = quota;
    fc_error_t err;
    assert_int_equal(fc_tenant_add(fx->engine, &cfg, &err), FC_OK);
}

void fx_default_tenants(fixture_t *fx)
{
    uint32_t all[16];
    for (unsigned i = 0; i < 16; i++)
        all[i] = i + 1;
    fx_tenant(fx, TENANT_A, all, 16, 0xffffffffu, fx_quota());
    /* B: log, time, local kv only; timer hook only */
    const uint32_t b_helpers[] = {1, 2, 3, 8, 9, 10};
    fx_tenant(fx, TENANT_B, b_helpers, 6, 1u << FC_HOOK_TIMER, fx_quota());
}

static uint8_t *keep(fixture_t *fx, size_t len)
{
    assert_true(fx->n_images < FX_MAX_IMAGES);
    uint8_t *buf = aligned_alloc(8, (len + 7) & ~(size_t)7);
    assert_non_null(buf);
    fx->images[fx->n_images++] = buf;
    return buf;
}

const uint8_t *fx_image(fixture_t *fx, const char *asm_src, const void *rodata, uint32_t ro_len,
                        const void *data, uint32_t data_len, uint32_t bss, const char *name,
                        size_t *len)
{
    fc_insn_t *text = NULL;
    size_t n = 0;
    fc_asm_error_t aerr;
    if (fc_asm_assemble(asm_src, &text, &n, &aerr) != 0)
        fail_msg("assembly failed at line %u: %s", aerr.line, aerr.message);
    fc_image_func_t fn = {.name = "main", .slot = 0, .flags = FC_IMAGE_FUNC_EXPORTED};
    fc_image_parts_t parts = {.text = text,
                              .text_slots = (uint32_t)n,
                              .rodata = rodata,
                              .rodata_size = ro_len,
                              .data = data,
                              .data_size = data_len,
                              .bss_size = bss,
                              .funcs = &fn,
                              .func_count = 1,
                              .name = name ? name : "test",
                              .cpu = FC_IMAGE_CPU_V4,
                              .budget = fx->image_budget,
                              .frame_size = fx->image_frame};
    fc_error_t err;
    size_t need = 0;
    assert_int_equal(fc_image_write(&parts, NULL, 0, &need, &err), FC_ERR_BUFFER);
    uint8_t *buf = keep(fx, need);
    assert_int_equal(fc_image_write(&parts, buf, need, len, &err), FC_OK);
    free(text);
    return buf;
}

const uint8_t *fx_image_file(fixture_t *fx, const char *file, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", FC_ENGINE_IMAGES, file);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (built by femto build)", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    assert_true(size > 0);
    uint8_t *buf = keep(fx, (size_t)size);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *len = (size_t)size;
    return buf;
}

fc_container_t *fx_install(fixture_t *fx, uint32_t tenant, const uint8_t *img, size_t len)
{
    fc_container_t *c = NULL;
    fc_error_t err;
    fc_status_t st = fc_container_install(fx->engine, tenant, -1, img, len, NULL, &c, &err);
    if (st != FC_OK)
        fail_msg("install failed: %s (%s) at %lu", fc_status_name(st), err.reason ? err.reason : "",
                 err.where);
    return c;
}

fc_container_t *fx_install_asm(fixture_t *fx, uint32_t tenant, const char *asm_src)
{
    size_t len;
    const uint8_t *img = fx_image(fx, asm_src, NULL, 0, NULL, 0, 0, NULL, &len);
    return fx_install(fx, tenant, img, len);
}
