/* Hostile containers written in C (tests/engine/hostile/, built by
 * `femto build` at build time): each escape attempt is contained, reported
 * with a clear fault, and the next run (of a benign container) is
 * unaffected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine_fixture.h"

typedef struct hostile_state {
    fixture_t *fx;
    fc_container_t *benign;
} hostile_state_t;

static int setup(void **state)
{
    hostile_state_t *s = calloc(1, sizeof *s);
    s->fx = fx_new(NULL);
    fx_default_tenants(s->fx);
    s->benign = fx_install_asm(s->fx, TENANT_A, "mov %r0, 7\n exit\n");
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    hostile_state_t *s = *state;
    fx_free(s->fx, 1);
    free(s);
    return 0;
}

static fc_container_t *install_file(fixture_t *fx, uint32_t tenant, const char *file)
{
    size_t len;
    const uint8_t *img = fx_image_file(fx, file, &len);
    return fx_install(fx, tenant, img, len);
}

/* The benign container still runs, with a clean fault record. */
static void assert_next_run_unaffected(hostile_state_t *s)
{
    uint64_t r0 = 0;
    assert_int_equal(fc_container_call(s->fx->engine, s->benign, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 7);
    assert_int_equal(s->benign->stats.faults, 0);
}

static void assert_fault(const fc_container_t *c, fc_status_t code)
{
    assert_int_equal(c->stats.last_fault.code, code);
    assert_non_null(c->stats.last_fault.reason);
    assert_true(c->stats.faults >= 1);
}

static void test_read_outside(void **state)
{
    hostile_state_t *s = *state;
    fc_container_t *c = install_file(s->fx, TENANT_A, "read_outside.fc");
    uint8_t ctx[8] = {0};
    uint64_t r0;
    assert_int_equal(fc_container_call(s->fx->engine, c, NULL, ctx, sizeof ctx, &r0), FC_FAULT_MEM);
    assert_fault(c, FC_FAULT_MEM);
    assert_int_equal(c->stats.last_fault.addr, (uintptr_t)ctx + sizeof ctx);
    assert_int_equal(c->stats.last_fault.size, 1);
    assert_int_equal(fc_container_call(s->fx->engine, c, NULL, NULL, 0, &r0), FC_FAULT_MEM);
    assert_int_equal(c->stats.last_fault.addr, 0x1000);
    assert_int_equal(c->stats.faults, 2);
    assert_next_run_unaffected(s);
}

static void test_write_rodata(void **state)
{
    hostile_state_t *s = *state;
    size_t len;
    const uint8_t *img = fx_image_file(s->fx, "write_rodata.fc", &len);
    fc_container_t *c = fx_install(s->fx, TENANT_A, img, len);
    uint64_t r0;
    assert_int_equal(fc_container_call(s->fx->engine, c, NULL, NULL, 0, &r0), FC_FAULT_MEM_PERM);
    assert_fault(c, FC_FAULT_MEM_PERM);
    assert_int_equal(c->stats.last_fault.addr, (uintptr_t)c->rodata);
    assert_int_equal(c->rodata[0], 'h'); /* the image is untouched */
    assert_int_equal(fc_container_check(c), FC_OK);
    assert_next_run_unaffected(s);
}

static void test_write_readonly_hook_context(void **state)
{
    hostile_state_t *s = *state;
    fc_container_t *c = install_file(s->fx, TENANT_A, "write_ro_ctx.fc");
    assert_int_equal(fc_container_attach(s->fx->engine, c, FC_HOOK_TIMER, 0, NULL), FC_OK);
    assert_int_equal(fc_container_start(s->fx->engine, c), FC_OK);
    fc_hook_timer_ctx_t t = {.now_us = 1, .tick = 2, .period_ms = 3};
    int64_t r;
    assert_int_equal(fc_hook_fire(s->fx->engine, FC_HOOK_TIMER, &t, sizeof t, &r), FC_OK);
    assert_fault(c, FC_FAULT_MEM_PERM);
    assert_int_equal(c->stats.last_fault.addr, (uintptr_t)&t.tick);
    assert_int_equal(c->stats.last_fault.size, 4);
    assert_int_equal(t.tick, 2);
    assert_next_run_unaffected(s);
}

static void test_budget_exhausted(void **state)
{
    hostile_state_t *s = *state;
    fc_container_t *c = install_file(s->fx, TENANT_A, "budget_loop.fc");
    assert_int_equal(fc_container_set_budget(s->fx->engine, c, 5000), FC_OK);
    uint64_t r0;
    assert_int_equal(fc_container_call(s->fx->engine, c, NULL, NULL, 0, &r0), FC_FAULT_BUDGET);
    assert_fault(c, FC_FAULT_BUDGET);
    assert_true(c->stats.insns_last <= 5000);
    assert_true(c->stats.insns_last > 4000);
    assert_next_run_unaffected(s);
}

static void test_kv_quota_exhausted(void **state)
{
    hostile_state_t *s = *state;
    fc_container_t *c = install_file(s->fx, TENANT_A, "kv_exhaust.fc");
    uint64_t r0;
    assert_int_equal(fc_container_call(s->fx->engine, c, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal((uint32_t)r0, fx_quota().max_kv_entries);
    assert_int_equal((int32_t)(r0 >> 32), FC_E_KV_FULL);
    assert_int_equal(c->stats.faults, 0);
    /* the other tenant's store is untouched and still has room */
    fc_container_t *b = install_file(s->fx, TENANT_B, "read_outside.fc");
    assert_int_equal(fc_kv_set(s->fx->engine, b, FC_KV_LOCAL, "mine", 4, "x", 1), FC_OK);
    /* what was stored is intact after a reboot */
    fx_reboot(s->fx);
    fx_default_tenants(s->fx);
    assert_int_equal(fc_kv_count(s->fx->engine, TENANT_A), fx_quota().max_kv_entries);
    s->benign = fx_install_asm(s->fx, TENANT_A, "mov %r0, 7\n exit\n");
    assert_next_run_unaffected(s);
}

static void test_read_other_tenants_store(void **state)
{
    hostile_state_t *s = *state;
    fc_engine_t *e = s->fx->engine;
    /* tenant A keeps a secret in its tenant scope and in a local scope of a
     * container with the same name as the hostile one */
    fc_container_t *a = install_file(s->fx, TENANT_A, "read_other_tenant.fc");
    assert_int_equal(fc_kv_set(e, a, FC_KV_TENANT, "secret", 6, "12345678", 8), FC_OK);
    assert_int_equal(fc_kv_set(e, a, FC_KV_LOCAL, "secret", 6, "12345678", 8), FC_OK);
    uint64_t r0;
    assert_int_equal(fc_container_call(e, a, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 3); /* A sees its own */
    /* tenant 3 may call every kv helper but sees nothing of A's */
    const uint32_t kv_all[] = {8, 9, 10, 11, 12, 13, 14, 15, 16};
    fx_tenant(s->fx, 3, kv_all, 9, 0, fx_quota());
    fc_container_t *h = install_file(s->fx, 3, "read_other_tenant.fc");
    assert_int_equal(fc_container_call(e, h, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 0);
    assert_next_run_unaffected(s);
}

static void test_bad_helper_pointers(void **state)
{
    hostile_state_t *s = *state;
    fc_container_t *c = install_file(s->fx, TENANT_A, "bad_helper_ptr.fc");
    uint64_t r0;
    assert_int_equal(fc_container_call(s->fx->engine, c, "copy_in", NULL, 0, &r0),
                     FC_FAULT_HELPER_ARG);
    assert_fault(c, FC_FAULT_HELPER_ARG);
    assert_int_equal(c->stats.last_fault.addr, 0x2000);
    assert_int_equal(c->stats.last_fault.size, 16);
    assert_int_equal(fc_container_call(s->fx->engine, c, "big_len", NULL, 0, &r0),
                     FC_FAULT_HELPER_ARG);
    assert_int_equal(c->stats.last_fault.size, 0x7fffffff);
    size_t len;
    char v[8];
    assert_int_equal(fc_kv_get(s->fx->engine, c, FC_KV_LOCAL, "k", 1, v, sizeof v, &len),
                     FC_ERR_NOT_FOUND);
    assert_next_run_unaffected(s);
}

static void test_helper_not_allowed_refused_at_install(void **state)
{
    hostile_state_t *s = *state;
    size_t len;
    const uint8_t *img = fx_image_file(s->fx, "global_writer.fc", &len);
    fc_container_t *c = NULL;
    fc_error_t err;
    assert_int_equal(fc_container_install(s->fx->engine, TENANT_B, -1, img, len, NULL, &c, &err),
                     FC_ERR_HELPER_DENIED);
    assert_null(c);
    assert_non_null(err.reason);
    assert_int_equal(fc_container_install(s->fx->engine, TENANT_A, -1, img, len, NULL, &c, &err),
                     FC_OK);
    assert_next_run_unaffected(s);
}

/* The execution stack is shared by every container. A container of tenant
 * A leaves a secret on it (in its own frame and deep in a larger frame);
 * tenant B's containers must read zeros in their frame and cannot reach
 * below it: the engine clears the stack when the tenant changes and grants
 * each run only the top of the stack its program needs. */
static void test_stack_leftovers_of_other_tenant(void **state)
{
    hostile_state_t *s = *state;
    fixture_t *fx = s->fx;
    fc_engine_t *e = fx->engine;
    const uint64_t secret = 0x5ec2e75ec2e7ull;
    fx->image_frame = 1024; /* A's frame: the top 1 KiB of the stack */
    fc_container_t *a = fx_install_asm(fx, TENANT_A,
                                       "lddw %r1, 0x5ec2e75ec2e7\n stxdw [%r10-8], %r1\n"
                                       " stxdw [%r10-1000], %r1\n mov %r0, 0\n exit\n");
    fx->image_frame = 0;
    /* B reads the top of its frame, where A's secret was */
    fc_container_t *b_top = fx_install_asm(fx, TENANT_B, "ldxdw %r0, [%r10-8]\n exit\n");
    /* B reads 1000 bytes below the top through a pointer: below its frame */
    fc_container_t *b_deep = fx_install_asm(
        fx, TENANT_B, "mov %r1, %r10\n add %r1, -1000\n ldxdw %r0, [%r1+0]\n exit\n");
    uint64_t r0 = 1;
    const uint8_t *top = e->stack + e->stack_size;

    /* direct calls: A, then B */
    assert_int_equal(fc_container_call(e, a, NULL, NULL, 0, &r0), FC_OK);
    uint64_t left;
    memcpy(&left, top - 8, sizeof left);
    assert_int_equal(left, secret); /* A did write it: the test is live */
    assert_int_equal(fc_container_call(e, b_top, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 0);
    for (size_t i = 0; i < 1024; i++)
        assert_int_equal(top[-1 - (ptrdiff_t)i], 0); /* all of A's part is clear */

    assert_int_equal(fc_container_call(e, a, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(fc_container_call(e, b_deep, NULL, NULL, 0, &r0), FC_FAULT_MEM);
    assert_int_equal(b_deep->stats.last_fault.addr, (uintptr_t)(top - 1000));

    /* the same through a hook: A (priority 0) then B (priority 1) on the timer */
    fc_hook_timer_ctx_t t = {.now_us = 1, .tick = 2, .period_ms = 3};
    assert_int_equal(fc_container_start(e, a), FC_OK);
    assert_int_equal(fc_container_start(e, b_top), FC_OK);
    assert_int_equal(fc_container_attach(e, a, FC_HOOK_TIMER, 0, NULL), FC_OK);
    assert_int_equal(fc_container_attach(e, b_top, FC_HOOK_TIMER, 1, NULL), FC_OK);
    for (int i = 0; i < 3; i++) {
        int64_t combined = 1;
        assert_int_equal(fc_hook_fire(e, FC_HOOK_TIMER, &t, sizeof t, &combined), FC_OK);
        assert_int_equal(combined, 0); /* B's r0: the last run of a CONTINUE hook */
        assert_int_equal(a->stats.faults + b_top->stats.faults, 0);
    }
    assert_next_run_unaffected(s);
}

/* A removed tenant's slot is reused by the next tenant added: what the old
 * tenant's containers left on the shared stack must not reach the new one
 * (the engine keys the stack's last owner by tenant slot). */
static void test_stack_leftovers_of_removed_tenant(void **state)
{
    hostile_state_t *s = *state;
    fixture_t *fx = s->fx;
    fc_engine_t *e = fx->engine;
    fc_container_t *b = fx_install_asm(fx, TENANT_B,
                                       "lddw %r1, 0x5ec2e75ec2e7\n stxdw [%r10-8], %r1\n"
                                       " mov %r0, 0\n exit\n");
    uint64_t r0 = 1;
    assert_int_equal(fc_container_call(e, b, NULL, NULL, 0, &r0), FC_OK);
    const uint8_t *top = e->stack + e->stack_size;
    uint64_t left;
    memcpy(&left, top - 8, sizeof left);
    assert_int_equal(left, 0x5ec2e75ec2e7ull); /* B did write it: the test is live */
    const fc_tenant_t *slot = fc_tenant_find(e, TENANT_B);
    assert_int_equal(fc_container_remove(e, b), FC_OK);
    assert_int_equal(fc_tenant_remove(e, TENANT_B), FC_OK);
    const uint32_t log_only[] = {1};
    fx_tenant(fx, 3, log_only, 1, 0xffffffffu, fx_quota());
    assert_ptr_equal(fc_tenant_find(e, 3), slot); /* the same slot: the case under test */
    fc_container_t *c = fx_install_asm(fx, 3, "ldxdw %r0, [%r10-8]\n exit\n");
    assert_int_equal(fc_container_call(e, c, NULL, NULL, 0, &r0), FC_OK);
    assert_int_equal(r0, 0);
    assert_next_run_unaffected(s);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_read_outside),
        T(test_write_rodata),
        T(test_write_readonly_hook_context),
        T(test_budget_exhausted),
        T(test_kv_quota_exhausted),
        T(test_read_other_tenants_store),
        T(test_bad_helper_pointers),
        T(test_helper_not_allowed_refused_at_install),
        T(test_stack_leftovers_of_other_tenant),
        T(test_stack_leftovers_of_removed_tenant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
