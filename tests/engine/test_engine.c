/* Engine tests: hooks and policies, quotas, the RAM arena, tenants and
 * their isolation, key-value stores (persistence, quota, failed writes),
 * the standard helpers, replace. Containers here are written in assembly
 * (exact control over every argument); tests/engine/test_hostile.c runs
 * hostile containers written in C. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine_fixture.h"

/* A container that appends digit K to the u64 at ctx (trail = trail*10+K)
 * and returns RET. */
static const char *trail_src(char *buf, size_t cap, int k, int ret)
{
    snprintf(buf, cap,
             "ldxdw %%r3, [%%r1+0]\n mul %%r3, 10\n add %%r3, %d\n stxdw [%%r1+0], %%r3\n"
             "mov %%r0, %d\n exit\n",
             k, ret);
    return buf;
}

static fc_container_t *trail_container(fixture_t *fx, int k, int ret)
{
    char src[256];
    fc_container_t *c = fx_install_asm(fx, TENANT_A, trail_src(src, sizeof src, k, ret));
    assert_int_equal(fc_container_start(fx->engine, c), FC_OK);
    return c;
}

/* ---- hooks ------------------------------------------------------------------------------ */

static void fire_trail(fixture_t *fx, uint32_t hook, uint64_t *trail, int64_t *result)
{
    *trail = 0;
    assert_int_equal(fc_hook_fire(fx->engine, hook, trail, sizeof *trail, result), FC_OK);
}

static void test_policies_and_priority(void **state)
{
    fixture_t *fx = *state;
    fc_engine_t *e = fx->engine;
    for (uint32_t p = 0; p < 4; p++) {
        static const char *names[] = {"continue", "nonzero", "negative", "first"};
        assert_int_equal(fc_hook_declare(e, 10 + p, names[p], 8, FC_PERM_RW, (fc_hook_policy_t)p),
                         FC_OK);
    }
    fc_container_t *c1 = trail_container(fx, 1, 0);
    fc_container_t *c2 = trail_container(fx, 2, 7);
    fc_container_t *c3 = trail_container(fx, 3, -2);
    for (uint32_t h = 10; h < 14; h++) {
        assert_int_equal(fc_container_attach(e, c1, h, 5, NULL), FC_OK);
        assert_int_equal(fc_container_attach(e, c2, h, 1, NULL), FC_OK);
        assert_int_equal(fc_container_attach(e, c3, h, 3, NULL), FC_OK);
    }
    uint64_t trail;
    int64_t r;
    fire_trail(fx, 10, &trail, &r); /* continue: all, in priority order */
    assert_int_equal(trail, 231);
    assert_int_equal(r, 0);
    fire_trail(fx, 11, &trail, &r); /* stop on non-zero: c2 returns 7 */
    assert_int_equal(trail, 2);
    assert_int_equal(r, 7);
    fire_trail(fx, 12, &trail, &r); /* stop on negative: c3 returns -2 */
    assert_int_equal(trail, 23);
    assert_int_equal(r, -2);
    fire_trail(fx, 13, &trail, &r); /* first only */
    assert_int_equal(trail, 2);
    assert_int_equal(r, 7);

    /* equal priority: earlier attachment first */
    assert_int_equal(fc_container_detach(e, c1, 10), FC_OK);
    assert_int_equal(fc_container_attach(e, c1, 10, 3, NULL), FC_OK);
    fire_trail(fx, 10, &trail, &r);
    assert_int_equal(trail, 231);

    /* a stopped container is skipped */
    assert_int_equal(fc_container_stop(e, c2), FC_OK);
    fire_trail(fx, 10, &trail, &r);
    assert_int_equal(trail, 31);
    assert_int_equal(c2->stats.runs, 5); /* 5 firings before it stopped */

    /* wrong context size, unknown hook, duplicate attach */
    assert_int_equal(fc_hook_fire(e, 10, &trail, 4, &r), FC_ERR_INVALID_ARG);
    assert_int_equal(fc_hook_fire(e, 20, &trail, 8, &r), FC_ERR_NOT_FOUND);
    assert_int_equal(fc_container_attach(e, c3, 10, 0, NULL), FC_ERR_EXISTS);
    assert_int_equal(fc_hook_declare(e, 10, "again", 8, FC_PERM_RW, FC_POLICY_CONTINUE),
                     FC_ERR_EXISTS);
}

static void test_fault_does_not_stop_the_hook(void **state)
{
    fixture_t *fx = *state;
    fc_engine_t *e = fx->engine;
    assert_int_equal(fc_hook_declare(e, 10, "h", 8, FC_PERM_RW, FC_POLICY_CONTINUE), FC_OK);
    fc_container_t *c1 = trail_container(fx, 1, 0);
    fc_container_t *bad =
        fx_install_asm(fx, TENANT_A, "mov %r2, 0x100\n ldxw %r0, [%r2+4]\n exit\n");
    fc_container_t *c2 = trail_container(fx, 2, 5);
    assert_int_equal(fc_container_start(e, bad), FC_OK);
    assert_int_equal(fc_container_attach(e, c1, 10, 1, NULL), FC_OK);
    assert_int_equal(fc_container_attach(e, bad, 10, 2, NULL), FC_OK);
    assert_int_equal(fc_container_attach(e, c2, 10, 3, NULL), FC_OK);
    uint64_t trail;
    int64_t r;
    fire_trail(fx, 10, &trail, &r);
    assert_int_equal(trail, 12);
    assert_int_equal(r, 5);
    assert_int_equal(bad->stats.runs, 1);
    assert_int_equal(bad->stats.faults, 1);
    assert_int_equal(bad->stats.last_fault.code, FC_FAULT_MEM);
    assert_int_equal(bad->stats.last_fault.where, 1);
    assert_int_equal(bad->stats.last_fault.addr, 0x104);
    assert_int_equal(bad->stats.last_fault.size, 4);
    assert_int_equal(c2->stats.faults, 0);
    fire_trail(fx, 10, &trail, &r); /* and again: nothing left over */
    assert_int_equal(trail, 12);
    assert_int_equal(bad->stats.faults, 2);
}

static void test_readonly_context(void **state)
{
    fixture_t *fx = *state;
    fc_container_t *c = fx_install_asm(fx, TENANT_A, "stw [%r1+0], 1\n mov %r0, 0\n exit\n");
    assert_int_equal(fc_container_start(fx->engine, c), FC_OK);
    assert_int_equal(fc_container_attach(fx->engine, c, FC_HOOK_TIMER, 0, NULL), FC_OK);
    fc_hook_timer_ctx_t t = {.now_us = 5, .tick = 9, .period_ms = 100};
    int64_t r = 1;
    assert_int_equal(fc_hook_fire(fx->engine, FC_HOOK_TIMER, &t, sizeof t, &r), FC_OK);
    assert_int_equal(r, 0);
    assert_int_equal(c->stats.last_fault.code, FC_FAULT_MEM_PERM);
    assert_int_equal(c->stats.last_fault.addr, (uintptr_t)&t);
    assert_int_equal(t.now_us, 5); /* untouched */
    /* the sensor hook is read-write: the same code may write there */
    fc_hook_sensor_ctx_t s = {.sensor = 1, .value = 7};
    assert_int_equal(fc_container_attach(fx->engine, c, FC_HOOK_SENSOR, 0, NULL), FC_OK);
    assert_int_equal(fc_hook_fire(fx->engine, FC_HOOK_SENSOR, &s, sizeof s, &r), FC_OK);
    assert_int_equal(s.timestamp_us & 0xffffffffu, 1);
    assert_int_equal(c->stats.faults, 1);
}

/* The context is granted for one run only: a container that keeps the
 * pointer (in its data) cannot use it in the next firing, although the VM
 * keeps the regions its last run matched cached across runs. */
static void test_context_revoked_after_the_run(void **state)
{
    fixture_t *fx = *state;
    const uint64_t zero = 0;
    size_t len;
    /* first run (saved pointer 0): save r1, read ctx[0], write ctx[1];
     * later runs: write and read through the saved pointer (the write
     * first: this run's data access refilled the read cache, not the
     * write cache) */
    const uint8_t *img =
        fx_image(fx,
                 "lddw %r2, data+0\n ldxdw %r3, [%r2+0]\n jne %r3, 0, old\n"
                 " stxdw [%r2+0], %r1\n ldxb %r0, [%r1+0]\n stxb [%r1+1], %r0\n"
                 " exit\nold:\n mov %r0, 1\n stxb [%r3+1], %r0\n ldxb %r0, [%r3+0]\n exit\n",
                 NULL, 0, &zero, 8, 0, "keep", &len);
    fc_container_t *c = fx_install(fx, TENANT_A, img, len);
    assert_int_equal(fc_container_start(fx->engine, c), FC_OK);
    assert_int_equal(fc_container_attach(fx->engine, c, FC_HOOK_SENSOR, 0, NULL), FC_OK);
    fc_hook_sensor_ctx_t first = {.timestamp_us = 3, .sensor = 4}, second = {.timestamp_us = 6};
    int64_t r = -1;
    assert_int_equal(fc_hook_fire(fx->engine, FC_HOOK_SENSOR, &first, sizeof first, &r), FC_OK);
    assert_int_equal(r, 3);
    assert_int_equal(c->stats.faults, 0);
    uint8_t *raw = (uint8_t *)&first;
    raw[0] = 9;
    assert_int_equal(fc_hook_fire(fx->engine, FC_HOOK_SENSOR, &second, sizeof second, &r), FC_OK);
    assert_int_equal(c->stats.faults, 1);
    assert_int_equal(c->stats.last_fault.code, FC_FAULT_MEM);
    assert_int_equal(c->stats.last_fault.addr, (uintptr_t)&first + 1);
    assert_int_equal(raw[1], 3); /* the old context was not written again */
    assert_int_equal(second.timestamp_us, 6);
}

/* A run's entry is checked by the VM against the entry points the
 * verifier accepted at install (the image's function table then), not
 * taken on the engine's word: an attachment whose entry is not one of them
 * (as after image bytes changed behind the engine's back) runs nothing and
 * is recorded as refused. Runs from two verified entries alternate (the
 * VM binds each in turn). */
static void test_entry_checked_against_verified(void **state)
{
    fixture_t *fx = *state;
    static const fc_insn_t text[] = {
        {0xb7, 0x00, 0, 1}, /* 0: mov r0, 1 ("main") */
        {0x95, 0x00, 0, 0}, /* 1: exit */
        {0xb7, 0x00, 0, 2}, /* 2: mov r0, 2 ("second") */
        {0x95, 0x00, 0, 0}, /* 3: exit */
    };
    const fc_image_func_t funcs[] = {{"main", 0, FC_IMAGE_FUNC_EXPORTED},
                                     {"second", 2, FC_IMAGE_FUNC_EXPORTED}};
    fc_image_parts_t parts = {.text = text,
                              .text_slots = 4,
                              .funcs = funcs,
                              .func_count = 2,
                              .name = "two",
                              .cpu = FC_IMAGE_CPU_V2};
    static uint64_t image[64];
    size_t len = 0;
    fc_error_t err;
    assert_int_equal(fc_image_write(&parts, image, sizeof image, &len, &err), FC_OK);
    fc_container_t *c = fx_install(fx, TENANT_A, (const uint8_t *)image, len);
    assert_int_equal(fc_container_start(fx->engine, c), FC_OK);
    assert_int_equal(fc_container_attach(fx->engine, c, FC_HOOK_TIMER, 0, "second"), FC_OK);
    fc_hook_timer_ctx_t tick = {0};
    int64_t r = -1;
    uint64_t r0 = 0;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(fc_hook_fire(fx->engine, FC_HOOK_TIMER, &tick, sizeof tick, &r), FC_OK);
        assert_int_equal(r, 2);
        assert_int_equal(fc_container_call(fx->engine, c, "main", NULL, 0, &r0), FC_OK);
        assert_int_equal(r0, 1);
    }
    assert_int_equal(c->stats.runs, 4);
    assert_int_equal(c->stats.faults, 0);
    /* forge the attachment: slot 3 (the exit) was never an entry point */
    fc_attachment_t *a = NULL;
    for (uint32_t i = 0; i < fx->engine->n_attachments; i++)
        if (fx->engine->attachments[i].hook == FC_HOOK_TIMER)
            a = &fx->engine->attachments[i];
    assert_non_null(a);
    assert_int_equal(a->entry, 2);
    a->entry = 3;
    r = -1;
    assert_int_equal(fc_hook_fire(fx->engine, FC_HOOK_TIMER, &tick, sizeof tick, &r), FC_OK);
    assert_int_equal(r, 0); /* no run exited */
    assert_int_equal(c->stats.runs, 5);
    assert_int_equal(c->stats.faults, 1);
    assert_int_equal(c->stats.insns_last, 0);
    assert_int_equal(c->stats.last_fault.code, FC_ERR_BAD_CONFIG);
    assert_int_equal(c->stats.last_fault.where, 3);
    a->entry = 2; /* and the verified entry runs again */
    assert_int_equal(fc_hook_fire(fx->engine, FC_HOOK_TIMER, &tick, sizeof tick, &r), FC_OK);
    assert_int_equal(r, 2);
    assert_int_equal(c->stats.faults, 1);
}

static void test_budget(void **state)
{
    fixture_t *fx = *state;
    fc_container_t *c =
        fx_install_asm(fx, TENANT_A, "mov %r0, 1\nloop:\n add %r0, 1\n jne %r0, 0, loop\n exit\n");
    assert_int_equal(fc_container_set_budget(fx->engine, c, 1000), FC_OK);
    assert_int_equal(fc_container_set_budget(fx->engine, c, 100001), FC_ERR_QUOTA);
    uint64_t r0;
    assert_int_equal(fc_container_call(fx->engine, c, NULL, NULL, 0, &r0), FC_FAULT_BUDGET);
    assert_int_equal(c->stats.last_fault.code, FC_FAULT_BUDGET);
    assert_true(c->stats.insns_last <= 1000);
    fc_container_t *ok = fx_install_asm(fx, TENANT_A, "mov %r0, 42\n exit\n");
    assert_int_equal(fc_container_call(fx->engine, ok, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 42);
    assert_int_equal(ok->stats.insns_last, 2);
}

/* ---- quotas, slots and RAM ------------------------------------------------------------------ */

static void test_quotas(void **state)
{
    fixture_t *fx = *state;
    fc_engine_t *e = fx->engine;
    fc_tenant_quota_t q = {
        .max_containers = 2, .max_ram = 64, .max_budget = 500, .max_kv_entries = 1};
    const uint32_t helpers[] = {1};
    fx_tenant(fx, 3, helpers, 1, 0, q);
    size_t len;
    const uint8_t *small = fx_image(fx, "mov %r0, 0\n exit\n", NULL, 0, NULL, 0, 32, "s", &len);
    fc_error_t err;
    fc_container_t *c;
    assert_int_equal(fc_container_install(e, 3, -1, small, len, NULL, &c, &err), FC_OK);
    assert_int_equal(c->budget, 500);
    /* RAM: 32 used, 40 more would exceed 64 */
    size_t blen;
    const uint8_t *big = fx_image(fx, "mov %r0, 0\n exit\n", NULL, 0, NULL, 0, 40, "b", &blen);
    assert_int_equal(fc_container_install(e, 3, -1, big, blen, NULL, &c, &err), FC_ERR_QUOTA);
    assert_non_null(err.reason);
    assert_null(c);
    assert_int_equal(fc_container_install(e, 3, -1, small, len, NULL, &c, &err), FC_OK);
    /* slots */
    assert_int_equal(fc_container_install(e, 3, -1, small, len, NULL, &c, &err), FC_ERR_QUOTA);
    /* no hooks allowed for tenant 3 */
    c = fc_container_find(e, 3, "s");
    assert_non_null(c);
    assert_int_equal(fc_container_attach(e, c, FC_HOOK_TIMER, 0, NULL), FC_ERR_PERMISSION);
    /* unknown tenant, bad slot hint */
    assert_int_equal(fc_container_install(e, 99, -1, small, len, NULL, &c, &err), FC_ERR_NOT_FOUND);
    assert_int_equal(
        fc_container_install(e, TENANT_A, FC_MAX_CONTAINERS, small, len, NULL, &c, &err),
        FC_ERR_INVALID_ARG);
    assert_int_equal(fc_container_install(e, TENANT_A, 0, small, len, NULL, &c, &err), FC_ERR_BUSY);
    assert_int_equal(fc_tenant_remove(e, 3), FC_ERR_BUSY);
}

static void test_budget_wish_over_quota(void **state)
{
    fixture_t *fx = *state;
    fx->image_budget = 100001; /* tenant A's max is 100000 */
    size_t len;
    const uint8_t *img = fx_image(fx, "mov %r0, 0\n exit\n", NULL, 0, NULL, 0, 0, NULL, &len);
    fx->image_budget = 0;
    fc_container_t *c;
    fc_error_t err;
    assert_int_equal(fc_container_install(fx->engine, TENANT_A, -1, img, len, NULL, &c, &err),
                     FC_ERR_QUOTA);
}

static void test_ram_arena_first_fit(void **state)
{
    fixture_t *fx = *state;
    fc_engine_t *e = fx->engine;
    fc_tenant_quota_t q = fx_quota();
    q.max_ram = 2 * FC_ENGINE_RAM; /* the arena, not the quota, is the limit here */
    const uint32_t helpers[] = {1};
    fx_tenant(fx, 3, helpers, 1, 0, q);
    uint32_t third = FC_ENGINE_RAM / 3 + 8;
    size_t len;
    const uint8_t *img = fx_image(fx, "mov %r0, 0\n exit\n", NULL, 0, NULL, 0, third, "r", &len);
    fc_container_t *a, *b, *c;
    fc_error_t err;
    assert_int_equal(fc_container_install(e, 3, -1, img, len, NULL, &a, &err), FC_OK);
    assert_int_equal(fc_container_install(e, 3, -1, img, len, NULL, &b, &err), FC_OK);
    assert_int_equal(fc_container_install(e, 3, -1, img, len, NULL, &c, &err), FC_ERR_NO_RAM);
    assert_int_equal(a->ram_off, 0);
    assert_int_equal(b->ram_off, a->ram_len);
    assert_int_equal(fc_container_remove(e, a), FC_OK);
    assert_int_equal(fc_container_install(e, 3, -1, img, len, NULL, &c, &err), FC_OK);
    assert_int_equal(c->ram_off, 0); /* the freed gap is reused */
}

static void test_data_initialised_per_install(void **state)
{
    fixture_t *fx = *state;
    /* increments a data word and returns it */
    const uint32_t init = 41;
    size_t len;
    const uint8_t *img = fx_image(fx,
                                  "lddw %r1, data+0\n ldxw %r0, [%r1+0]\n add %r0, 1\n"
                                  " stxw [%r1+0], %r0\n exit\n",
                                  NULL, 0, &init, 4, 0, "d", &len);
    fc_container_t *c = fx_install(fx, TENANT_A, img, len);
    uint64_t r0;
    assert_int_equal(fc_container_call(fx->engine, c, "main", NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 42);
    assert_int_equal(fc_container_call(fx->engine, c, "main", NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 43);
    assert_int_equal(fc_container_call(fx->engine, c, "nope", NULL, 0, &r0), FC_ERR_IMAGE_ENTRY);
    fc_container_t *c2 = fx_install(fx, TENANT_A, img, len); /* its own RAM block */
    assert_int_equal(fc_container_call(fx->engine, c2, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 42);
    /* the image itself was not written */
    assert_int_equal(fc_container_check(c), FC_OK);
}

/* ---- tenants ----------------------------------------------------------------------------------
 */

static void test_tenant_helper_denied_at_install(void **state)
{
    fixture_t *fx = *state;
    size_t len;
    /* tenant-scope get (11): B lacks it */
    const uint8_t *img = fx_image(fx,
                                  "mov %r1, %r10\n add %r1, -8\n mov %r2, 1\n mov %r3, %r10\n"
                                  " add %r3, -16\n mov %r4, 8\n call 11\n exit\n",
                                  NULL, 0, NULL, 0, 0, NULL, &len);
    fc_container_t *c;
    fc_error_t err;
    assert_int_equal(fc_container_install(fx->engine, TENANT_B, -1, img, len, NULL, &c, &err),
                     FC_ERR_HELPER_DENIED);
    assert_int_equal(err.where, 6);
    assert_null(c);
    assert_null(fc_container_at(fx->engine, 0)); /* nothing left behind */
    assert_int_equal(fc_container_install(fx->engine, TENANT_A, -1, img, len, NULL, &c, &err),
                     FC_OK);
    /* callx is checked at run time against the tenant's mask */
    fc_container_t *cx = fx_install_asm(fx, TENANT_B, "mov %r6, 11\n callx %r6\n exit\n");
    uint64_t r0;
    assert_int_equal(fc_container_call(fx->engine, cx, NULL, NULL, 0, &r0), FC_FAULT_HELPER);
}

static void test_tenant_isolation_kv(void **state)
{
    fixture_t *fx = *state;
    fc_engine_t *e = fx->engine;
    const uint32_t kv_all[] = {8, 9, 10, 11, 12, 13, 14, 15, 16};
    fx_tenant(fx, 3, kv_all, 9, 0, fx_quota());
    /* set: key "k" (1 byte on stack), value 42 (8 bytes) in scope helper H */
    const char *set_fmt = "stb [%%r10-1], 0x6b\n stdw [%%r10-16], 42\n mov %%r1, %%r10\n"
                          " add %%r1, -1\n mov %%r2, 1\n mov %%r3, %%r10\n add %%r3, -16\n"
                          " mov %%r4, 8\n call %d\n exit\n";
    const char *get_fmt = "stb [%%r10-1], 0x6b\n stdw [%%r10-16], 0\n mov %%r1, %%r10\n"
                          " add %%r1, -1\n mov %%r2, 1\n mov %%r3, %%r10\n add %%r3, -16\n"
                          " mov %%r4, 8\n call %d\n jslt %%r0, 0, out\n ldxdw %%r0, [%%r10-16]\n"
                          "out:\n exit\n";
    char src[512];
    snprintf(src, sizeof src, set_fmt, 12);
    fc_container_t *a = fx_install_asm(fx, TENANT_A, src);
    uint64_t r0;
    assert_int_equal(fc_container_call(e, a, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 0);
    snprintf(src, sizeof src, get_fmt, 11);
    fc_container_t *a_reader = fx_install_asm(fx, TENANT_A, src);
    fc_container_t *other = fx_install_asm(fx, 3, src);
    assert_int_equal(fc_container_call(e, a_reader, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 42);
    assert_int_equal(fc_container_call(e, other, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal((int64_t)r0, -FC_ERR_NOT_FOUND);
    /* local scope: the same key in another container (other name) is invisible */
    snprintf(src, sizeof src, set_fmt, 9);
    size_t len;
    const uint8_t *img = fx_image(fx, src, NULL, 0, NULL, 0, 0, "writer", &len);
    fc_container_t *w = fx_install(fx, TENANT_A, img, len);
    assert_int_equal(fc_container_call(e, w, NULL, NULL, 0, &r0), FC_OK);
    snprintf(src, sizeof src, get_fmt, 8);
    img = fx_image(fx, src, NULL, 0, NULL, 0, 0, "reader", &len);
    fc_container_t *rd = fx_install(fx, TENANT_A, img, len);
    assert_int_equal(fc_container_call(e, rd, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal((int64_t)r0, -FC_ERR_NOT_FOUND);
    /* the same name in another tenant is another namespace too */
    const uint8_t *img3 = fx_image(fx, src, NULL, 0, NULL, 0, 0, "writer", &len);
    fc_container_t *w3 = fx_install(fx, 3, img3, len);
    assert_int_equal(fc_container_call(e, w3, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal((int64_t)r0, -FC_ERR_NOT_FOUND);
    /* global scope is shared */
    snprintf(src, sizeof src, set_fmt, 15);
    fc_container_t *g = fx_install_asm(fx, TENANT_A, src);
    assert_int_equal(fc_container_call(e, g, NULL, NULL, 0, &r0), FC_OK);
    snprintf(src, sizeof src, get_fmt, 14);
    fc_container_t *g3 = fx_install_asm(fx, 3, src);
    assert_int_equal(fc_container_call(e, g3, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 42);
}

/* ---- key-value: persistence, quota, failures
 * ------------------------------------------------------ */

static const char *counter_src =
    "stb [%r10-1], 0x6e\n stdw [%r10-16], 0\n"
    " mov %r1, %r10\n add %r1, -1\n mov %r2, 1\n mov %r3, %r10\n add %r3, -16\n mov %r4, 8\n"
    " call 8\n" /* local get "n" */
    " ldxdw %r6, [%r10-16]\n add %r6, 1\n stxdw [%r10-16], %r6\n"
    " mov %r1, %r10\n add %r1, -1\n mov %r2, 1\n mov %r3, %r10\n add %r3, -16\n mov %r4, 8\n"
    " call 9\n" /* local set "n" */
    " jslt %r0, 0, out\n mov %r0, %r6\nout:\n exit\n";

static void test_kv_survives_restart(void **state)
{
    fixture_t *fx = *state;
    size_t len;
    const uint8_t *img = fx_image(fx, counter_src, NULL, 0, NULL, 0, 0, "counter", &len);
    fc_container_t *c = fx_install(fx, TENANT_A, img, len);
    uint64_t r0;
    for (uint64_t i = 1; i <= 3; i++) {
        assert_int_equal(fc_container_call(fx->engine, c, NULL, NULL, 0, &r0), FC_OK);
        assert_int_equal(r0, i);
    }
    /* tenant scope, through the host API */
    assert_int_equal(fc_kv_set(fx->engine, c, FC_KV_TENANT, "t", 1, "xyz", 3), FC_OK);
    fx_reboot(fx);
    fx_default_tenants(fx);
    c = fx_install(fx, TENANT_A, img, len);
    assert_int_equal(fc_container_call(fx->engine, c, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 4);
    char v[8];
    size_t vlen;
    assert_int_equal(fc_kv_get(fx->engine, c, FC_KV_TENANT, "t", 1, v, sizeof v, &vlen), FC_OK);
    assert_int_equal(vlen, 3);
    assert_memory_equal(v, "xyz", 3);
    /* removing the container keeps its stored data for its successor */
    assert_int_equal(fc_container_remove(fx->engine, c), FC_OK);
    c = fx_install(fx, TENANT_A, img, len);
    assert_int_equal(fc_container_call(fx->engine, c, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 5);
}

static void test_kv_failed_write_changes_nothing(void **state)
{
    fixture_t *fx = *state;
    size_t len;
    const uint8_t *img = fx_image(fx, counter_src, NULL, 0, NULL, 0, 0, "counter", &len);
    fc_container_t *c = fx_install(fx, TENANT_A, img, len);
    uint64_t r0;
    assert_int_equal(fc_container_call(fx->engine, c, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 1);
    fx->port.fail_writes = 1;
    assert_int_equal(fc_container_call(fx->engine, c, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal((int64_t)r0, -FC_ERR_STORAGE);
    assert_int_equal(fc_container_call(fx->engine, c, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 2); /* the failed write left 1 in place */
    fx_reboot(fx);
    fx_default_tenants(fx);
    c = fx_install(fx, TENANT_A, img, len);
    assert_int_equal(fc_container_call(fx->engine, c, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 3);
}

static void test_kv_quota_and_bounds(void **state)
{
    fixture_t *fx = *state;
    fc_engine_t *e = fx->engine;
    /* sets tenant keys "k0", "k1", ... until an error; returns the error */
    fc_container_t *c = fx_install_asm(fx, TENANT_A,
                                       "mov %r6, 0\nloop:\n stb [%r10-16], 0x6b\n mov %r2, %r6\n"
                                       " add %r2, 0x30\n stxb [%r10-15], %r2\n stdw [%r10-8], 7\n"
                                       " mov %r1, %r10\n add %r1, -16\n mov %r2, 2\n"
                                       " mov %r3, %r10\n add %r3, -8\n mov %r4, 8\n call 12\n"
                                       " jslt %r0, 0, out\n add %r6, 1\n jlt %r6, 40, loop\n"
                                       "out:\n exit\n");
    uint64_t r0;
    assert_int_equal(fc_container_call(e, c, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal((int64_t)r0, -FC_ERR_KV_FULL);
    assert_int_equal(fc_kv_count(e, TENANT_A), fx_quota().max_kv_entries);
    /* updating an existing key still works at the quota */
    assert_int_equal(fc_kv_set(e, c, FC_KV_TENANT, "k0", 2, "v", 1), FC_OK);
    assert_int_equal(fc_kv_set(e, c, FC_KV_TENANT, "new", 3, "v", 1), FC_ERR_KV_FULL);
    /* tenant B is not affected by A's quota */
    fc_container_t *b = fx_install_asm(fx, TENANT_B, "mov %r0, 0\n exit\n");
    assert_int_equal(fc_kv_set(e, b, FC_KV_LOCAL, "x", 1, "v", 1), FC_OK);
    /* bounds */
    uint8_t big[FC_KV_VALUE_MAX + 1] = {0};
    assert_int_equal(fc_kv_set(e, b, FC_KV_LOCAL, "x", 1, big, sizeof big), FC_ERR_KV_KEY);
    assert_int_equal(fc_kv_set(e, b, FC_KV_LOCAL, "0123456789abcdefg", 17, "v", 1), FC_ERR_KV_KEY);
    assert_int_equal(fc_kv_set(e, b, FC_KV_LOCAL, "", 0, "v", 1), FC_ERR_KV_KEY);
    assert_int_equal(fc_kv_set(e, b, FC_KV_LOCAL, "0123456789abcdef", 16, big, FC_KV_VALUE_MAX),
                     FC_OK);
    char v[4];
    size_t vlen;
    assert_int_equal(fc_kv_get(e, b, FC_KV_LOCAL, "0123456789abcdef", 16, v, sizeof v, &vlen),
                     FC_ERR_BUFFER);
    assert_int_equal(vlen, FC_KV_VALUE_MAX);
    assert_int_equal(fc_kv_delete(e, b, FC_KV_LOCAL, "x", 1), FC_OK);
    assert_int_equal(fc_kv_delete(e, b, FC_KV_LOCAL, "x", 1), FC_ERR_NOT_FOUND);
}

static void write_file(const char *dir, const char *rel, const void *data, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* Damaged records are refused when loaded, never half-used. */
static void test_kv_damaged_records_refused(void **state)
{
    fixture_t *fx = *state;
    fc_engine_t *e = fx->engine;
    fc_container_t *c = fx_install_asm(fx, TENANT_A, "mov %r0, 0\n exit\n");
    assert_int_equal(fc_kv_set(e, NULL, FC_KV_GLOBAL, "g", 1, "1", 1), FC_OK);
    assert_int_equal(fc_kv_set(e, c, FC_KV_LOCAL, "l", 1, "2", 1), FC_OK);
    /* flip one value byte of the global record: the checksum catches it */
    char path[256];
    snprintf(path, sizeof path, "%s/kv/g", fx->dir);
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, FC_KV_RECORD_HEADER + 8 + FC_KV_KEY_MAX, SEEK_SET);
    fputc('X', f);
    fclose(f);
    memset(e, 0, sizeof *e);
    assert_int_equal(fc_engine_init(e, &fx->port.port, fx->stack, sizeof fx->stack),
                     FC_ERR_STORAGE);
    char v[4];
    size_t len;
    assert_int_equal(fc_kv_get(e, NULL, FC_KV_GLOBAL, "g", 1, v, sizeof v, &len), FC_ERR_NOT_FOUND);
    assert_int_equal(fc_kv_set(e, NULL, FC_KV_GLOBAL, "g", 1, "3", 1), FC_OK); /* usable */
    /* a truncated local record (of the container named "test" above): a new
     * container of that name is refused rather than given half a store */
    fx_default_tenants(fx);
    assert_int_equal(fc_engine_declare_standard_hooks(e), FC_OK);
    size_t ilen;
    const uint8_t *img = fx_image(fx, "mov %r0, 0\n exit\n", NULL, 0, NULL, 0, 0, "test", &ilen);
    char rel[64];
    uint64_t ns = 0xcbf29ce484222325ull; /* FNV-1a of "test" */
    for (const char *p = "test"; *p; p++)
        ns = (ns ^ (uint8_t)*p) * 0x100000001b3ull;
    snprintf(rel, sizeof rel, "kv/l/00000001/%016llx", (unsigned long long)ns);
    write_file(fx->dir, rel, "FKV1\0\1", 6);
    fc_error_t err;
    fc_container_t *c2;
    assert_int_equal(fc_container_install(e, TENANT_A, -1, img, ilen, NULL, &c2, &err),
                     FC_ERR_STORAGE);
    assert_null(fc_container_at(e, 0));
}

/* ---- helpers
 * ---------------------------------------------------------------------------------------- */

static void test_log_formatting(void **state)
{
    fixture_t *fx = *state;
    static const char ro[] = "v=%d u=%u x=%lx s=%s %% q=%q%d\n\0hi";
    size_t len;
    const uint8_t *img = fx_image(fx,
                                  "lddw %r1, rodata+0\n mov %r2, -5\n mov %r3, 7\n mov %r4, 255\n"
                                  " lddw %r5, rodata+32\n call 1\n exit\n",
                                  ro, sizeof ro, NULL, 0, 0, NULL, &len);
    fc_container_t *c = fx_install(fx, TENANT_A, img, len);
    uint64_t r0;
    assert_int_equal(fc_container_call(fx->engine, c, NULL, NULL, 0, &r0), FC_OK);
    assert_string_equal(fx->log, "[1/test] v=-5 u=7 x=ff s=hi % q=%q?\n");
    assert_int_equal(r0, strlen("v=-5 u=7 x=ff s=hi % q=%q?"));
}

static void test_log_truncates_long_lines(void **state)
{
    fixture_t *fx = *state;
    char ro[200];
    memset(ro, 'a', sizeof ro - 1);
    ro[sizeof ro - 1] = 0;
    size_t len;
    const uint8_t *img =
        fx_image(fx, "lddw %r1, rodata+0\n call 1\n exit\n", ro, sizeof ro, NULL, 0, 0, NULL, &len);
    fc_container_t *c = fx_install(fx, TENANT_A, img, len);
    uint64_t r0;
    assert_int_equal(fc_container_call(fx->engine, c, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, FC_LOG_LINE_MAX - strlen("[1/test] "));
    assert_int_equal(strlen(fx->log), FC_LOG_LINE_MAX + 1);
}

static void test_coap_respond(void **state)
{
    fixture_t *fx = *state;
    static const char ro[] = "hello";
    size_t len;
    const uint8_t *img = fx_image(fx,
                                  "mov %r1, 69\n mov %r2, 0\n lddw %r3, rodata+0\n mov %r4, 5\n"
                                  " call 7\n exit\n",
                                  ro, sizeof ro, NULL, 0, 0, NULL, &len);
    fc_container_t *c = fx_install(fx, TENANT_A, img, len);
    assert_int_equal(fc_container_start(fx->engine, c), FC_OK);
    assert_int_equal(fc_container_attach(fx->engine, c, FC_HOOK_COAP, 0, NULL), FC_OK);
    fc_hook_coap_ctx_t req;
    memset(&req, 0, sizeof req);
    req.method = FC_COAP_GET;
    int64_t r = -1;
    assert_int_equal(fc_hook_fire(fx->engine, FC_HOOK_COAP, &req, sizeof req, &r), FC_OK);
    assert_int_equal(r, 0);
    assert_int_equal(req.resp_code, FC_COAP_CONTENT);
    assert_int_equal(req.resp_len, 5);
    assert_memory_equal(req.resp_payload, "hello", 5);
    /* outside the CoAP hook the helper refuses, without faulting */
    uint64_t r0;
    assert_int_equal(fc_container_call(fx->engine, c, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal((int64_t)r0, -FC_ERR_PERMISSION);
}

static void test_memcpy_overlap_and_sensor_random(void **state)
{
    fixture_t *fx = *state;
    static const char init[16] = "abcdefghijklmnop";
    size_t len;
    const uint8_t *img = fx_image(fx,
                                  "lddw %r1, data+2\n lddw %r2, data+0\n mov %r3, 8\n call 6\n"
                                  " mov %r1, 2\n mov %r2, %r10\n add %r2, -4\n call 4\n"
                                  " ldxw %r6, [%r10-4]\n"
                                  " mov %r1, %r10\n add %r1, -40\n mov %r2, 32\n call 5\n"
                                  " mov %r1, 99\n mov %r2, %r10\n add %r2, -4\n call 4\n"
                                  " lsh %r0, 32\n or %r0, %r6\n exit\n",
                                  NULL, 0, init, sizeof init, 0, NULL, &len);
    fc_container_t *c = fx_install(fx, TENANT_A, img, len);
    fc_port_posix_set_sensor(&fx->port, 2, 12345);
    uint64_t r0;
    assert_int_equal(fc_container_call(fx->engine, c, NULL, NULL, 0, &r0), FC_OK);
    assert_memory_equal(fx->engine->ram + c->ram_off, "ababcdefghklmnop", 16);
    assert_int_equal((uint32_t)r0, 12345);
    assert_int_equal((int32_t)(r0 >> 32), -FC_ERR_NOT_FOUND); /* sensor 99 */
}

/* ---- replace
 * --------------------------------------------------------------------------------------------- */

static void test_replace_keeps_attachments(void **state)
{
    fixture_t *fx = *state;
    fc_engine_t *e = fx->engine;
    assert_int_equal(fc_hook_declare(e, 10, "h", 8, FC_PERM_RW, FC_POLICY_CONTINUE), FC_OK);
    fc_container_t *first = trail_container(fx, 1, 0);
    fc_container_t *old_c = trail_container(fx, 2, 0);
    assert_int_equal(fc_container_attach(e, first, 10, 1, NULL), FC_OK);
    assert_int_equal(fc_container_attach(e, old_c, 10, 5, NULL), FC_OK);
    char src[256];
    fc_container_t *new_c = fx_install_asm(fx, TENANT_A, trail_src(src, sizeof src, 7, 0));
    assert_int_equal(new_c->state, FC_CONTAINER_STOPPED);
    uint32_t old_slot = fc_container_slot(e, old_c);
    assert_int_equal(fc_container_replace(e, old_c, new_c), FC_OK);
    assert_null(fc_container_at(e, old_slot));
    assert_int_equal(new_c->state, FC_CONTAINER_STARTED);
    uint64_t trail;
    int64_t r;
    fire_trail(fx, 10, &trail, &r);
    assert_int_equal(trail, 17);
    /* another tenant's container cannot take over */
    fc_container_t *b = fx_install_asm(fx, TENANT_B, "mov %r0, 0\n exit\n");
    assert_int_equal(fc_container_replace(e, new_c, b), FC_ERR_PERMISSION);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_policies_and_priority, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_fault_does_not_stop_the_hook, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_readonly_context, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_context_revoked_after_the_run, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_entry_checked_against_verified, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_budget, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_quotas, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_budget_wish_over_quota, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_ram_arena_first_fit, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_data_initialised_per_install, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_tenant_helper_denied_at_install, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_tenant_isolation_kv, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_kv_survives_restart, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_kv_failed_write_changes_nothing, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_kv_quota_and_bounds, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_kv_damaged_records_refused, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_log_formatting, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_log_truncates_long_lines, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_coap_respond, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_memcpy_overlap_and_sensor_random, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_replace_keeps_attachments, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
