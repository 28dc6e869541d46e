/* The JIT's code buffer shared by tenants (image jitwx, run before its W^X
 * fault): one tenant cannot starve another's translation.
 *   - share: a tenant whose containers' code would go over its share of the
 *     buffer (fc_tenant_quota_t.max_jit_code, by default the capacity /
 *     FC_MAX_TENANTS) gets FC_ERR_QUOTA for the container, which runs on the
 *     interpreter; another tenant's container installed after it is still
 *     translated;
 *   - churn: installing and removing leaks no room (the engine lays the code
 *     out again on a removal), so a tenant that does it many times leaves
 *     the buffer holding only what is installed; code that moved runs
 *     JIT-compiled with the same results.
 * Without the share check the hostile tenant's containers fill the buffer
 * and the victim's falls back; without the new layout the churn does
 * (both tried). */
#include <stdint.h>
#include <string.h>

#include "bm.h"
#include "femto/engine.h"
#include "femto/image.h"
#include "jitshare.h"

/* Checked loads in a container: BIG, the hostile tenant's, just under its
 * 1 KiB share of the 4 KiB buffer, so that four of them would fill the
 * buffer; MEDIUM, the victim's, more than that leaves (code and 8 bytes a
 * slot of scratch). A load is about 80 bytes of Thumb-2, 105 of RV32. */
#if defined(__riscv)
enum { BIG = 6, MEDIUM = 5 }; /* 1,016 and 892 bytes */
#else
enum { BIG = 10, MEDIUM = 4 }; /* 944 and 440 bytes */
#endif
enum {
    HOSTILE = 2,
    VICTIM = 3,
    SMALL = 8, /* adds, in every container: r0 = 36 */
    CYCLES = 40,
    IMAGE_WORDS = 160
};

static uint64_t images[8][IMAGE_WORDS]; /* installed images run in place */
static uint8_t ctx[64];                 /* what the loads read */

static int check(int ok, const char *what)
{
    bm_printf("%s %s\n", ok ? "PASS" : "FAIL", what);
    return ok;
}

/* A container of `loads` checked 4-byte loads through r1 (code the JIT
 * makes large: about 80 bytes each on the M4) and the adds of 1..SMALL to
 * r0: it returns SMALL * (SMALL + 1) / 2 */
static fc_status_t install(fc_engine_t *engine, uint32_t tenant, unsigned image, unsigned loads,
                           fc_container_t **out)
{
    static const char *names[] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"};
    static fc_insn_t text[BIG + SMALL + 2];
    unsigned n = 0;
    text[n++] = (fc_insn_t){0xb7, 0x00, 0, 0}; /* r0 = 0 */
    for (unsigned i = 0; i < loads; i++)
        text[n++] = (fc_insn_t){0x61, 0x1 << 4 | 2, (int16_t)(4 * (i % 16)), 0}; /* r2 = [r1+] */
    for (unsigned i = 1; i <= SMALL; i++)
        text[n++] = (fc_insn_t){0x07, 0x00, 0, (int32_t)i}; /* r0 += i */
    text[n++] = (fc_insn_t){0x95, 0x00, 0, 0};              /* exit */
    static const fc_image_func_t funcs[] = {{"main", 0, FC_IMAGE_FUNC_EXPORTED}};
    fc_image_parts_t parts;
    memset(&parts, 0, sizeof parts);
    parts.text = text;
    parts.text_slots = n;
    parts.funcs = funcs;
    parts.func_count = 1;
    parts.name = names[image];
    parts.frame_size = FC_DEFAULT_FRAME;
    parts.budget = 100;
    parts.cpu = FC_IMAGE_CPU_V2;
    size_t len = 0;
    fc_error_t err = {0};
    fc_status_t st = fc_image_write(&parts, images[image], sizeof images[image], &len, &err);
    if (st != FC_OK)
        return st;
    return fc_container_install(engine, tenant, -1, images[image], len, NULL, out, &err);
}

/* Bytes of the buffer the installed containers' code takes */
static uint32_t code_held(const fc_engine_t *engine)
{
    uint32_t sum = 0;
    for (unsigned i = 0; i < FC_MAX_CONTAINERS; i++)
        sum += (engine->jit_size[i] + 3u) & ~3u;
    return sum;
}

/* The code handed out is the code held: no hole (the last container's
 * size is not rounded up to 4 in jit_used) */
static int contiguous(const fc_engine_t *engine)
{
    uint32_t held = code_held(engine);
    return engine->jit_used <= held && engine->jit_used + 3u >= held;
}

/* c runs with the right result; *compiled: whether it ran JIT-compiled */
static int runs(fc_engine_t *engine, fc_container_t *c, int *compiled)
{
    uint64_t r0 = 0;
    uint32_t before = engine->jit.fallback_runs;
    int ok = fc_container_call(engine, c, NULL, ctx, sizeof ctx, &r0) == FC_OK &&
             r0 == SMALL * (SMALL + 1) / 2;
    *compiled = fc_container_jit_status(engine, c) == FC_OK && engine->jit.fallback_runs == before;
    return ok;
}

static int runs_compiled(fc_engine_t *engine, fc_container_t *c)
{
    int compiled = 0;
    return runs(engine, c, &compiled) && compiled;
}

static void show(const fc_engine_t *engine, const char *what, const fc_container_t *c)
{
    bm_printf("[jitshare] %s: %s, %u bytes of code held, %u handed out\n", what,
              c ? fc_status_name(fc_container_jit_status(engine, c)) : "not installed",
              (unsigned)code_held(engine), (unsigned)engine->jit_used);
}

int jitshare_test(fc_engine_t *engine)
{
    fc_error_t err = {0};
    fc_tenant_config_t t;
    int ok = 1;
    for (uint32_t id = HOSTILE; id <= VICTIM; id++) {
        memset(&t, 0, sizeof t);
        t.id = id;
        fc_helper_mask_all(&t.helpers);
        t.quota = (fc_tenant_quota_t){.max_containers = 4, .max_ram = 256, .max_budget = 1000};
        ok =
            ok && check(fc_tenant_add(engine, &t, &err) == FC_OK, "tenant add (default JIT share)");
    }
    if (!ok)
        return 0;
    /* share: the hostile tenant installs as many large containers as it
     * may; the first fits its quarter of the buffer, the others would not */
    fc_container_t *h[4] = {NULL, NULL, NULL, NULL}, *v = NULL, *v2 = NULL;
    unsigned placed = 0;
    for (unsigned i = 0; ok && i < 4; i++) {
        ok = install(engine, HOSTILE, i, BIG, &h[i]) == FC_OK;
        placed += ok && fc_container_jit_status(engine, h[i]) == FC_OK;
        show(engine, "hostile container", h[i]);
    }
    ok = check(ok && placed == 1 && fc_container_jit_status(engine, h[1]) == FC_ERR_QUOTA,
               "the hostile tenant's code stops at its share (FC_ERR_QUOTA)") &&
         ok;
    int compiled = 1;
    ok = check(h[1] && runs(engine, h[1], &compiled) && !compiled,
               "a container over the share runs on the interpreter, counted") &&
         ok;
    ok = check(install(engine, VICTIM, 4, MEDIUM, &v) == FC_OK && runs_compiled(engine, v),
               "the other tenant's container is JIT-compiled and runs so") &&
         ok;
    show(engine, "victim container", v);
    /* churn: the hostile tenant removes and installs again, over and over,
     * with code before the victim's in the buffer */
    int churn = 1;
    for (unsigned i = 1; i < 4; i++)
        if (h[i])
            churn = fc_container_remove(engine, h[i]) == FC_OK && churn, h[i] = NULL;
    unsigned cycles = 0, holes = 0;
    for (; churn && cycles < CYCLES; cycles++) {
        unsigned k = cycles % 3;
        if (h[k])
            churn = fc_container_remove(engine, h[k]) == FC_OK;
        churn = churn && install(engine, HOSTILE, k, 0, &h[k]) == FC_OK;
        holes += !contiguous(engine);
    }
    show(engine, "after the hostile tenant's install/remove cycles", v);
    ok = check(churn && cycles == CYCLES && holes == 0,
               "install/remove cycles leave only installed code in the buffer") &&
         ok;
    ok = check(v && runs_compiled(engine, v), "the victim's code, moved down, runs compiled") && ok;
    ok = check(v && fc_container_remove(engine, v) == FC_OK &&
                   install(engine, VICTIM, 5, MEDIUM, &v2) == FC_OK && runs_compiled(engine, v2),
               "after the churn the other tenant's next container is JIT-compiled") &&
         ok;
    show(engine, "the victim's second container", v2);
    return ok;
}
