/* Cost of firing a hook through the engine on the target: one hook with
 * one started container whose code is `mov r0, 0; exit` (the "empty
 * container" of the Femto-Containers paper: the smallest real container,
 * what clang makes of `int f(void *c) { return 0; }`), a hook with nothing
 * attached (the engine's own floor), and a hook with two such containers
 * (every run follows the other container's: the engine prepares the VM,
 * fc_vm_init included, before each). Also the cost of
 * installing (parse, quota, verify, RAM, key-value load) and removing each
 * fixture as a container image, and the RAM a container costs. Returns
 * set-up failures; measurement failures are counted by bench_expect(). */
#include <stdint.h>
#include <string.h>

#include "bench_mcu.h"
#include "bm.h"
#include "femto/engine.h"
#include "femto/image.h"
#include "port.h"

#define HOOK_ID 1u
#define HOOK_PAIR_ID 3u /* two containers attached */
#define TENANT_ID 1u

static fc_engine_t engine;
static fc_port_t port;
static bm_port_state_t port_state;
static uint64_t stack[(FC_DEFAULT_FRAME * (FC_MAX_CALL_DEPTH + 1)) / 8];
static uint64_t image[64];
static size_t image_len;
static fc_container_t *empty_container; /* the one set_up() attaches to HOOK_ID */
static uint64_t ctx[2] = {1, 2};

static const fc_insn_t empty_text[] = {
    {0xb7, 0x00, 0, 0}, /* mov r0, 0 */
    {0x95, 0x00, 0, 0}, /* exit */
};

static int step(const char *what, fc_status_t st, const fc_error_t *err)
{
    if (st != FC_OK) {
        bm_printf("FAIL hook set-up: %s: %s (%s)\n", what, fc_status_name(st),
                  err != NULL && err->reason != NULL ? err->reason : "-");
    }
    return st == FC_OK;
}

static int set_up(void)
{
    fc_error_t err = {0};
    bm_port_init(&port, &port_state, 1000u);
    if (!step("engine init", fc_engine_init(&engine, &port, stack, sizeof stack), NULL) ||
        !step("hook declare",
              fc_hook_declare(&engine, HOOK_ID, "bench", 0, FC_PERM_READ, FC_POLICY_CONTINUE),
              NULL))
        return 0;
    fc_tenant_config_t tenant;
    memset(&tenant, 0, sizeof tenant);
    tenant.id = TENANT_ID;
    tenant.hooks = 1u << HOOK_ID | 1u << HOOK_PAIR_ID;
    tenant.quota = (fc_tenant_quota_t){
        .max_containers = 3, .max_ram = 256, .max_budget = 1000000, .max_kv_entries = 0};
    if (!step("tenant add", fc_tenant_add(&engine, &tenant, &err), &err))
        return 0;
#ifdef BENCH_JIT
    /* the JIT image: containers run JIT-compiled (code in RAM) */
    static uint32_t jit_buf[1024];
    fc_engine_jit_config_t jit_cfg = {jit_buf, sizeof jit_buf, NULL, NULL};
    if (!step("jit", fc_engine_set_jit(&engine, &jit_cfg), NULL))
        return 0;
#endif
    fc_image_parts_t parts;
    memset(&parts, 0, sizeof parts);
    parts.text = empty_text;
    parts.text_slots = 2;
    static const fc_image_func_t funcs[] = {{"empty", 0, FC_IMAGE_FUNC_EXPORTED}};
    parts.funcs = funcs;
    parts.func_count = 1;
    parts.name = "empty";
    parts.frame_size = FC_DEFAULT_FRAME;
    parts.budget = 100;
    parts.cpu = FC_IMAGE_CPU_V2;
    fc_container_t *c = NULL;
    int ok =
        step("image write", fc_image_write(&parts, image, sizeof image, &image_len, &err), &err) &&
        step("install",
             fc_container_install(&engine, TENANT_ID, -1, image, image_len, NULL, &c, &err),
             &err) &&
        step("start", fc_container_start(&engine, c), NULL) &&
#ifdef BENCH_JIT
        step("jit status", fc_container_jit_status(&engine, c), NULL) &&
#endif
        step("attach", fc_container_attach(&engine, c, HOOK_ID, 0, NULL), NULL);
    empty_container = c;
    if (ok) {
        /* RAM: the slot of an idle container, and what a run adds (its
         * part of the shared stack; the VM state is the engine's, one for
         * all containers). */
        bm_printf("SIZEOF fc_container_t %u\n", (unsigned)sizeof(fc_container_t));
        bm_printf("SIZEOF fc_vm_t %u\n", (unsigned)sizeof(fc_vm_t));
        bm_printf("SIZEOF fc_program_t %u\n", (unsigned)sizeof(fc_program_t));
        bm_printf("SIZEOF fc_engine_t %u\n", (unsigned)sizeof(fc_engine_t));
        bm_printf("SIZEOF empty_stack %u\n",
                  (unsigned)c->frame_size * ((unsigned)c->call_depth + 1u));
        bm_printf("SIZEOF empty_data_bss %u\n", (unsigned)c->ram_len);
    }
    return ok;
}

static int engine_ready;

static int ensure_set_up(void)
{
    if (!engine_ready)
        engine_ready = set_up() ? 1 : -1;
    return engine_ready == 1;
}

/* Install + remove of a fixture as a container image, N and 2N times. */
static uint64_t fixture_image[4096 / 8];

unsigned bench_install(const char *name, const fc_insn_t *text, uint32_t slots)
{
    if (!ensure_set_up())
        return 1;
    fc_image_parts_t parts;
    memset(&parts, 0, sizeof parts);
    parts.text = text;
    parts.text_slots = slots;
    /* The function table: the entry, and every local call target (an image
     * declares its functions; clang's object file would). Ascending. */
    static const char *const names[FC_MAX_ENTRIES] = {"bench", "f1", "f2", "f3",
                                                      "f4",    "f5", "f6", "f7"};
    fc_image_func_t funcs[FC_MAX_ENTRIES] = {{names[0], 0, FC_IMAGE_FUNC_EXPORTED}};
    uint32_t n_funcs = 1;
    for (uint32_t at = 1; at < slots; at++) {
        for (uint32_t i = 0; i < slots; i++) {
            int local_call = text[i].opcode == 0x85 && FC_INSN_SRC(text[i]) == 1;
            if (local_call && (int64_t)i + 1 + text[i].imm == (int64_t)at &&
                n_funcs < FC_MAX_ENTRIES) {
                funcs[n_funcs] = (fc_image_func_t){names[n_funcs], at, 0};
                n_funcs++;
                break;
            }
        }
    }
    parts.funcs = funcs;
    parts.func_count = n_funcs;
    parts.name = "fixture";
    parts.cpu = FC_IMAGE_CPU_V2;
    size_t len = 0;
    fc_error_t err = {0};
    if (!step("fixture image write",
              fc_image_write(&parts, fixture_image, sizeof fixture_image, &len, &err), &err))
        return 1;
    for (unsigned reps = BENCH_REPS; reps <= 2 * BENCH_REPS; reps += BENCH_REPS) {
        fc_status_t st = FC_OK;
        bench_label("install", name, reps, slots);
        fc_bench_start();
        for (unsigned i = 0; i < reps && st == FC_OK; i++) {
            fc_container_t *c = NULL;
            st = fc_container_install(&engine, TENANT_ID, -1, fixture_image, len, NULL, &c, &err);
            if (st == FC_OK)
                st = fc_container_remove(&engine, c);
        }
        fc_bench_stop();
        bench_expect("install", name, (uint64_t)st, FC_OK);
    }
    return 0;
}

/* Results are checked through bench_expect(), which counts failures. One
 * firing before the first interval: the engine prepares the VM for a
 * container at its first run after another one ran (or after an install),
 * and that one-off cost would otherwise sit in the N interval only and be
 * subtracted from the per-firing figure. */
static void measure(const char *kind, uint32_t hook)
{
    int64_t warm = -1;
    bench_expect(kind, "warm-up", (uint64_t)fc_hook_fire(&engine, hook, ctx, sizeof ctx, &warm),
                 FC_OK);
    for (unsigned reps = 8 * BENCH_REPS; reps <= 16 * BENCH_REPS; reps += 8 * BENCH_REPS) {
        fc_status_t st = FC_OK;
        int64_t combined = -1;
        bench_label(kind, "mov-exit", reps, 2);
        fc_bench_start();
        for (unsigned i = 0; i < reps; i++)
            st = fc_hook_fire(&engine, hook, ctx, sizeof ctx, &combined);
        fc_bench_stop();
        bench_expect(kind, "status", (uint64_t)st, FC_OK);
        bench_expect(kind, "combined r0", (uint64_t)combined, 0);
    }
}

unsigned bench_hook_fire(void)
{
    if (!ensure_set_up())
        return 1;
    measure("hook_fire_1_empty", HOOK_ID);
    /* A second hook with nothing attached: the engine's floor. */
    if (!step("hook declare (idle)",
              fc_hook_declare(&engine, HOOK_ID + 1, "idle", 0, FC_PERM_READ, FC_POLICY_CONTINUE),
              NULL))
        return 1;
    measure("hook_fire_0_containers", HOOK_ID + 1);
    /* Two containers on one hook: the first installed one (also on HOOK_ID)
     * and a second copy of it; each run is another container's than the
     * last, so each pays the engine's prepare(). */
    fc_error_t err = {0};
    fc_container_t *first = empty_container, *second = NULL;
    if (!step("hook declare (pair)",
              fc_hook_declare(&engine, HOOK_PAIR_ID, "pair", 0, FC_PERM_READ, FC_POLICY_CONTINUE),
              NULL) ||
        !step("install (second)",
              fc_container_install(&engine, TENANT_ID, -1, image, image_len, NULL, &second, &err),
              &err) ||
        !step("start (second)", fc_container_start(&engine, second), NULL) ||
        !step("attach (pair, first)", fc_container_attach(&engine, first, HOOK_PAIR_ID, 0, NULL),
              NULL) ||
        !step("attach (pair, second)", fc_container_attach(&engine, second, HOOK_PAIR_ID, 0, NULL),
              NULL))
        return 1;
    measure("hook_fire_2_empty", HOOK_PAIR_ID);
    return 0;
}
