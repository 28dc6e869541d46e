/* Hostile arguments to EVERY pointer-taking standard helper: a pointer
 * outside the granted regions, a read-only region where the helper writes,
 * a huge or negative length. Each must stop the container with
 * FC_FAULT_HELPER_ARG (the refused address recorded), and the next run, of
 * that container or another, must be unaffected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine_fixture.h"

/* rodata: "%s\0abc" (the "abc" at offset 3 is the last bytes of the region:
 * a format string with no NUL before the region ends). */
static const char ro[] = {'%', 's', 0, 'a', 'b', 'c'};

/* r6 = a writable 64-byte stack buffer; BAD = an address no region holds */
#define PRE "mov %r6, %r10\n add %r6, -64\n"
#define PRE_F "mov %%r6, %%r10\n add %%r6, -64\n" /* the same, as a printf format */
#define BAD "0x10"

typedef struct hostile_case {
    const char *what;
    char src[400];
    uint64_t bad_addr; /* expected fault address; UINT64_MAX: don't check */
} hostile_case_t;

static hostile_case_t cases[64];
static unsigned n_cases;

static void add_case(const char *what, uint64_t bad_addr, const char *fmt, ...)
{
    assert_true(n_cases < sizeof cases / sizeof cases[0]);
    hostile_case_t *c = &cases[n_cases++];
    c->what = what;
    c->bad_addr = bad_addr;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->src, sizeof c->src, fmt, ap);
    va_end(ap);
}

static void build_cases(void)
{
    n_cases = 0;
    /* fc_log (1) */
    add_case("log: NULL format", 0, PRE_F "mov %%r1, 0\n call 1\n exit\n");
    add_case("log: format outside regions", 0x10, PRE_F "mov %%r1, " BAD "\n call 1\n exit\n");
    add_case("log: format not terminated in its region", UINT64_MAX,
             PRE_F "lddw %%r1, rodata+3\n call 1\n exit\n");
    add_case("log: %%s argument outside regions", 0x10,
             PRE_F "lddw %%r1, rodata+0\n mov %%r2, " BAD "\n call 1\n exit\n");
    /* fc_sensor_read (4) */
    add_case("sensor: value pointer outside regions", 0x10,
             PRE_F "mov %%r1, 0\n mov %%r2, " BAD "\n call 4\n exit\n");
    add_case("sensor: value pointer read-only", UINT64_MAX,
             PRE_F "mov %%r1, 0\n lddw %%r2, rodata+0\n call 4\n exit\n");
    /* fc_random (5) */
    add_case("random: buffer outside regions", 0x10,
             PRE_F "mov %%r1, " BAD "\n mov %%r2, 8\n call 5\n exit\n");
    add_case("random: length beyond the buffer", UINT64_MAX,
             PRE_F "mov %%r1, %%r6\n mov %%r2, 4096\n call 5\n exit\n");
    add_case("random: negative length", UINT64_MAX,
             PRE_F "mov %%r1, %%r6\n mov %%r2, -1\n call 5\n exit\n");
    add_case("random: buffer read-only", UINT64_MAX,
             PRE_F "lddw %%r1, rodata+0\n mov %%r2, 2\n call 5\n exit\n");
    /* fc_memcpy (6) */
    add_case("memcpy: destination outside regions", 0x10,
             PRE_F "mov %%r1, " BAD "\n mov %%r2, %%r6\n mov %%r3, 8\n call 6\n exit\n");
    add_case("memcpy: source outside regions", 0x10,
             PRE_F "mov %%r1, %%r6\n mov %%r2, " BAD "\n mov %%r3, 8\n call 6\n exit\n");
    add_case("memcpy: destination read-only", UINT64_MAX,
             PRE_F "lddw %%r1, rodata+0\n mov %%r2, %%r6\n mov %%r3, 2\n call 6\n exit\n");
    add_case("memcpy: huge length", UINT64_MAX,
             PRE_F "mov %%r1, %%r6\n mov %%r2, %%r6\n lddw %%r3, 0x100000000\n call 6\n exit\n");
    add_case("memcpy: negative length", UINT64_MAX,
             PRE_F "mov %%r1, %%r6\n mov %%r2, %%r6\n mov %%r3, -8\n call 6\n exit\n");
    /* fc_coap_respond (7) */
    add_case("coap: payload outside regions", 0x10,
             PRE_F "mov %%r1, 69\n mov %%r2, 0\n mov %%r3, " BAD
                   "\n mov %%r4, 4\n call 7\n exit\n");
    add_case("coap: payload length beyond its region", UINT64_MAX,
             PRE_F "mov %%r1, 69\n mov %%r2, 0\n mov %%r3, %%r6\n mov %%r4, 65\n call 7\n exit\n");
    /* key-value, every scope: get (8, 11, 14), set (9, 12, 15), del (10, 13, 16) */
    for (int base = 8; base <= 14; base += 3) {
        add_case("kv get: key outside regions", 0x10,
                 PRE_F "mov %%r1, " BAD "\n mov %%r2, 1\n mov %%r3, %%r6\n mov %%r4, 8\n"
                       " call %d\n exit\n",
                 base);
        add_case("kv get: value buffer read-only", UINT64_MAX,
                 PRE_F "mov %%r1, %%r6\n mov %%r2, 1\n lddw %%r3, rodata+0\n mov %%r4, 4\n"
                       " call %d\n exit\n",
                 base);
        add_case("kv get: capacity beyond the buffer", UINT64_MAX,
                 PRE_F "mov %%r1, %%r6\n mov %%r2, 1\n mov %%r3, %%r6\n mov %%r4, -1\n"
                       " call %d\n exit\n",
                 base);
        add_case("kv set: key length beyond the region", UINT64_MAX,
                 PRE_F "mov %%r1, %%r6\n mov %%r2, 65\n mov %%r3, %%r6\n mov %%r4, 8\n"
                       " call %d\n exit\n",
                 base + 1);
        add_case("kv set: value outside regions", 0x10,
                 PRE_F "mov %%r1, %%r6\n mov %%r2, 1\n mov %%r3, " BAD "\n mov %%r4, 8\n"
                       " call %d\n exit\n",
                 base + 1);
        add_case("kv set: negative value length", UINT64_MAX,
                 PRE_F "mov %%r1, %%r6\n mov %%r2, 1\n mov %%r3, %%r6\n mov %%r4, -1\n"
                       " call %d\n exit\n",
                 base + 1);
        add_case("kv del: key outside regions", 0x10,
                 PRE_F "mov %%r1, " BAD "\n mov %%r2, 1\n call %d\n exit\n", base + 2);
        add_case("kv del: huge key length", UINT64_MAX,
                 PRE_F "mov %%r1, %%r6\n lddw %%r2, 0x7fffffffffffffff\n call %d\n exit\n",
                 base + 2);
    }
}

/* "Every pointer-taking helper" comes from the one helper table
 * (sdk/femto_helpers.def): a row whose container prototype has a pointer
 * argument must have at least one hostile case above. A new helper with a
 * pointer and no case fails here. */
static const struct {
    int id;
    const char *name, *args;
} helper_rows[] = {
#define FC_HELPER(ID, ENUM, NAME, RET, ARGS) {ID, #NAME, #ARGS},
#include "femto_helpers.def" /* sdk/, on the include path */
#undef FC_HELPER
};

static void test_cases_cover_every_pointer_helper_of_the_table(void **state)
{
    (void)state;
    build_cases();
    unsigned pointer_helpers = 0;
    for (size_t h = 0; h < sizeof helper_rows / sizeof helper_rows[0]; h++) {
        if (!strchr(helper_rows[h].args, '*'))
            continue;
        pointer_helpers++;
        char call[24];
        snprintf(call, sizeof call, "call %d\n", helper_rows[h].id);
        unsigned covered = 0;
        for (unsigned i = 0; i < n_cases; i++)
            covered += strstr(cases[i].src, call) != NULL;
        if (covered == 0)
            fail_msg("helper %d (%s%s) takes a pointer and has no hostile case", helper_rows[h].id,
                     helper_rows[h].name, helper_rows[h].args);
    }
    assert_true(pointer_helpers >= 14); /* ids 1 and 4..16 today */
}

static void test_every_pointer_helper_contains_bad_arguments(void **state)
{
    (void)state;
    fixture_t *fx = fx_new(NULL);
    fx_default_tenants(fx);
    build_cases();
    size_t good_len;
    const uint8_t *good_img = fx_image(fx, PRE "stdw [%r6+0], 7\n ldxdw %r0, [%r6+0]\n exit\n",
                                       NULL, 0, NULL, 0, 0, "good", &good_len);
    fc_container_t *good = fx_install(fx, TENANT_A, good_img, good_len);
    for (unsigned i = 0; i < n_cases; i++) {
        size_t len;
        const uint8_t *img = fx_image(fx, cases[i].src, ro, sizeof ro, NULL, 0, 0, "bad", &len);
        fc_container_t *bad = fx_install(fx, TENANT_A, img, len);
        uint64_t r0 = 0;
        fc_status_t st = fc_container_call(fx->engine, bad, NULL, NULL, 0, &r0);
        if (st != FC_FAULT_HELPER_ARG)
            fail_msg("case '%s': got %s (r0 %lld)", cases[i].what, fc_status_name(st),
                     (long long)r0);
        assert_int_equal(bad->stats.faults, 1);
        assert_int_equal(bad->stats.last_fault.code, FC_FAULT_HELPER_ARG);
        assert_non_null(bad->stats.last_fault.reason);
        if (cases[i].bad_addr != UINT64_MAX)
            assert_int_equal(bad->stats.last_fault.addr, cases[i].bad_addr);
        /* the next run, of anyone, is unaffected */
        assert_int_equal(fc_container_call(fx->engine, good, NULL, NULL, 0, &r0), FC_OK);
        assert_int_equal(r0, 7);
        assert_int_equal(fc_container_remove(fx->engine, bad), FC_OK);
        free(fx->images[--fx->n_images]); /* keep the image table small */
    }
    assert_int_equal(good->stats.faults, 0);
    assert_int_equal(good->stats.runs, n_cases);
    fx_free(fx, 1);
}

/* The same helpers with in-range but refused values return errors and the
 * container goes on. */
static void test_range_errors_are_returned(void **state)
{
    (void)state;
    fixture_t *fx = fx_new(NULL);
    fx_default_tenants(fx);
    static const struct {
        const char *src;
        int64_t r0;
    } rows[] = {
        {"mov %r1, %r10\n add %r1, -400\n mov %r2, 300\n call 5\n exit\n", -FC_ERR_INVALID_ARG},
        {PRE "mov %r1, %r6\n mov %r2, 17\n mov %r3, %r6\n mov %r4, 8\n call 9\n exit\n",
         -FC_ERR_KV_KEY},
        {PRE "mov %r1, %r6\n mov %r2, 0\n mov %r3, %r6\n mov %r4, 8\n call 9\n exit\n",
         -FC_ERR_KV_KEY},
        {PRE "mov %r1, %r6\n mov %r2, 4\n mov %r3, %r6\n mov %r4, 33\n call 9\n exit\n",
         -FC_ERR_KV_KEY},
        {PRE "mov %r1, %r6\n mov %r2, 4\n mov %r3, %r6\n mov %r4, 8\n call 8\n exit\n",
         -FC_ERR_NOT_FOUND},
        {PRE "mov %r1, 8\n mov %r2, %r6\n call 4\n exit\n", -FC_ERR_NOT_FOUND},
        {PRE "mov %r1, 69\n mov %r2, 0\n mov %r3, %r6\n mov %r4, 4\n call 7\n exit\n",
         -FC_ERR_PERMISSION},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        fc_container_t *c = fx_install_asm(fx, TENANT_A, rows[i].src);
        uint64_t r0;
        assert_int_equal(fc_container_call(fx->engine, c, NULL, NULL, 0, &r0), FC_OK);
        assert_int_equal((int64_t)r0, rows[i].r0);
        assert_int_equal(c->stats.faults, 0);
        assert_int_equal(fc_container_remove(fx->engine, c), FC_OK);
        free(fx->images[--fx->n_images]);
    }
    fx_free(fx, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases_cover_every_pointer_helper_of_the_table),
        cmocka_unit_test(test_every_pointer_helper_contains_bad_arguments),
        cmocka_unit_test(test_range_errors_are_returned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
