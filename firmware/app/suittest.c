/* SUIT over the UART: the device receives a tenant key and signed SUIT
 * envelopes as length-prefixed frames on its console (docs/porting.md,
 * "Deploying over the UART"), authenticates each with Ed25519 (libsodium
 * built for the target), installs the container it carries into the engine,
 * and runs it through its hook. Each envelope frame says whether it must be
 * accepted (SUIT) or refused (BADS); the verdict is that every envelope was
 * handled as announced and the installed container ran.
 *
 * Frames: 4-byte ASCII tag, 4-byte little-endian length, payload.
 *   PKEY  32-byte Ed25519 public key of tenant 1
 *   SUIT  an envelope that must install
 *   BADS  an envelope that must be refused (tampered, replayed, ...)
 *   FIRE  4-byte LE count: fire the timer hook that many times; with 8 more
 *         bytes (LE), the r0 the first firing must return, each next one
 *         one more (the counter example: its key-value count)
 *   DONE  length 0: end of the session */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bm.h"
#include "femto/engine.h"
#include "femto/suit.h"
#include "femto/vm.h"
#include "port.h"

#define FRAME_MAX 4096u
#define TENANT_ID 1u

static uint64_t frame_words[FRAME_MAX / 8];
static uint8_t *const frame = (uint8_t *)frame_words;
/* An installed image executes in place, so it needs storage that outlives
 * the frame: a pool of buffers, one per engine container slot. */
static uint64_t image_pool[FC_MAX_CONTAINERS][FRAME_MAX / 8];
/* The container that holds each SUIT component slot, and its sequence. */
static fc_container_t *suit_slot[FC_MAX_CONTAINERS];
static uint64_t installed_sequence;

static fc_engine_t engine;
static fc_port_t port;
static bm_port_state_t port_state;
static uint64_t vm_stack[(FC_DEFAULT_FRAME * (FC_MAX_CALL_DEPTH + 1)) / 8];
static fc_suit_key_t tenant_key = {.type = FC_SUIT_KEY_ED25519};
static unsigned failures;

static uint32_t read_u32(void)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < 4; i++)
        v |= (uint32_t)bm_getc() << (8u * i);
    return v;
}

/* Read one frame into `frame`; 0 when its length is over FRAME_MAX (the
 * bytes are still consumed, so the stream stays in step). */
static int read_frame(char tag[5], uint32_t *len)
{
    for (unsigned i = 0; i < 4; i++)
        tag[i] = (char)bm_getc();
    tag[4] = '\0';
    *len = read_u32();
    for (uint32_t i = 0; i < *len; i++) {
        int c = bm_getc();
        if (i < FRAME_MAX)
            frame[i] = (uint8_t)c;
    }
    return *len <= FRAME_MAX;
}

/* A pool buffer that no installed container executes from. */
static uint8_t *free_image_buffer(void)
{
    for (unsigned b = 0; b < FC_MAX_CONTAINERS; b++) {
        const uint8_t *buf = (const uint8_t *)image_pool[b];
        int used = 0;
        for (unsigned i = 0; i < FC_MAX_CONTAINERS; i++) {
            const fc_container_t *c = &engine.containers[i];
            used |= c->state != FC_CONTAINER_FREE && c->image == buf;
        }
        if (!used)
            return (uint8_t *)image_pool[b];
    }
    return NULL;
}

static int fail_step(const char *step, int st, const fc_error_t *err)
{
    bm_printf("  refused at %s: %s (%d) at byte %lu: %s\n", step, fc_status_name(st), st,
              err->where, err->reason ? err->reason : "-");
    return st;
}

/* Attach c to the hooks the manifest's femto parameter names. */
static int attach_hooks(fc_container_t *c, const fc_suit_femto_t *f, fc_error_t *err)
{
    for (size_t i = 0; i < f->n_hooks; i++) {
        char name[24];
        size_t n = f->hook[i].len < sizeof name - 1 ? f->hook[i].len : sizeof name - 1;
        memcpy(name, f->hook[i].ptr, n);
        name[n] = '\0';
        const fc_hook_t *h = fc_hook_find_name(&engine, name);
        int st = h ? fc_container_attach(&engine, c, h->id, (int32_t)f->priority, NULL)
                   : FC_ERR_NOT_FOUND;
        if (st != FC_OK) {
            err->reason = "hook named by the manifest cannot be attached";
            return st;
        }
        bm_printf("  attached to hook '%s'\n", name);
    }
    return FC_OK;
}

/* The engine-side install flow of include/femto/suit.h. */
static int install_envelope(const uint8_t *env, size_t len)
{
    static fc_suit_manifest_t m;
    static fc_suit_result_t r;
    fc_error_t err = {0};
    size_t which = 0;
    const fc_suit_device_t device = {FC_SUIT_FEMTO_VENDOR_ID, FC_SUIT_FEMTOD_CLASS_ID, NULL};
    int st;
    if ((st = fc_suit_decode(env, len, &m, &err)) != FC_OK)
        return fail_step("decode", st, &err);
    if ((st = fc_suit_authenticate(&m, &port, &tenant_key, 1, &which, &err)) != FC_OK)
        return fail_step("authenticate", st, &err);
    if ((st = fc_suit_check_sequence(&m, installed_sequence, &err)) != FC_OK)
        return fail_step("sequence", st, &err);
    if ((st = fc_suit_evaluate(&m, &port, &device, FC_SUIT_RUN_INSTALL, &r, &err)) != FC_OK)
        return fail_step("evaluate", st, &err);
    const fc_suit_component_result_t *comp = &r.component[0];
    if (r.n_components < 1 || !comp->has_femto_slot || comp->femto_slot >= FC_MAX_CONTAINERS ||
        comp->payload == NULL || comp->payload->data.len > FRAME_MAX) {
        err.reason = "no integrated container payload for a valid slot";
        return fail_step("payload", FC_ERR_SUIT_UNSUPPORTED, &err);
    }
    const fc_suit_bytes_t *img = &comp->payload->data;
    if ((comp->actions & FC_SUIT_IMAGE_PENDING) &&
        (st = fc_suit_check_payload(&comp->params, &port, img->ptr, img->len, &err)) != FC_OK)
        return fail_step("payload digest", st, &err);
    /* Copy to aligned storage that outlives the frame. */
    uint8_t *dst = free_image_buffer();
    if (dst == NULL) {
        err.reason = "no free image buffer";
        return fail_step("install", FC_ERR_NO_SLOT, &err);
    }
    memcpy(dst, img->ptr, img->len);
    fc_container_t *c = NULL;
    st = fc_container_install(&engine, TENANT_ID, -1, dst, img->len, NULL, &c, &err);
    if (st != FC_OK)
        return fail_step("install", st, &err);
    /* The running version stays until the new one is complete: attach and
     * start a fresh install, or switch an update over atomically. */
    fc_container_t *old = suit_slot[comp->femto_slot];
    if (old != NULL)
        st = fc_container_replace(&engine, old, c);
    else if ((st = attach_hooks(c, &comp->params.femto, &err)) == FC_OK)
        st = fc_container_start(&engine, c);
    if (st != FC_OK) {
        fc_container_remove(&engine, c);
        return fail_step(old ? "replace" : "attach/start", st, &err);
    }
    suit_slot[comp->femto_slot] = c;
    installed_sequence = m.sequence_number;
    bm_printf("  %s '%s' in slot %u, sequence %llu, %u bytes\n", old ? "updated" : "installed",
              c->name, (unsigned)comp->femto_slot, (unsigned long long)installed_sequence,
              (unsigned)img->len);
    return FC_OK;
}

/* Fire the timer hook count times; when check is set, the i-th firing's r0
 * must be want + i (the counter's key-value count: it shows the store, not
 * only the code, survived an update). */
static void fire_timer(uint32_t count, int check, int64_t want)
{
    for (uint32_t i = 0; i < count; i++) {
        fc_hook_timer_ctx_t ctx = {.now_us = port.now_us(port.ctx), .tick = i, .period_ms = 1};
        int64_t r0 = 0;
        int st = fc_hook_fire(&engine, FC_HOOK_TIMER, &ctx, sizeof ctx, &r0);
        bm_printf("  timer hook fired: %s, r0=%lld\n", fc_status_name(st), (long long)r0);
        if (st != FC_OK) {
            failures++;
        } else if (check && r0 != want + (int64_t)i) {
            bm_printf("FAIL r0=%lld, expected %lld\n", (long long)r0, (long long)(want + i));
            failures++;
        }
    }
}

static int set_up(void)
{
    fc_error_t err = {0};
    bm_port_init(&port, &port_state, 1000u);
    bm_port_use_sodium(&port);
    fc_tenant_config_t t;
    memset(&t, 0, sizeof t);
    t.id = TENANT_ID;
    fc_helper_mask_all(&t.helpers);
    t.hooks = 0xffffffffu;
    t.quota = (fc_tenant_quota_t){
        .max_containers = 2, .max_ram = 1024, .max_budget = 100000, .max_kv_entries = 8};
    int st = fc_engine_init(&engine, &port, vm_stack, sizeof vm_stack);
    if (st == FC_OK)
        st = fc_engine_declare_standard_hooks(&engine);
    if (st == FC_OK) {
        memcpy(t.public_key, tenant_key.public_key, 32);
        st = fc_tenant_add(&engine, &t, &err);
    }
    if (st != FC_OK)
        bm_printf("engine set-up failed: %s\n", fc_status_name(st));
    return st == FC_OK;
}

int main(void)
{
    bm_printf("femto-containers SUIT-over-UART test on %s\n", bm_board_name);
    int engine_ready = 0;
    unsigned envelopes = 0;
    for (;;) {
        char tag[5];
        uint32_t len = 0;
        int fits = read_frame(tag, &len);
        if (strcmp(tag, "DONE") == 0)
            break;
        if (strcmp(tag, "PKEY") == 0 && len == 32) {
            memcpy(tenant_key.public_key, frame, 32);
            engine_ready = set_up();
            bm_puts("tenant key received\n");
        } else if ((strcmp(tag, "SUIT") == 0 || strcmp(tag, "BADS") == 0) && engine_ready) {
            int want_ok = tag[0] == 'S';
            bm_printf("envelope %u (%u bytes, must be %s)\n", envelopes++, (unsigned)len,
                      want_ok ? "accepted" : "refused");
            int st = fits ? install_envelope(frame, len) : FC_ERR_SIZE;
            if ((st == FC_OK) != want_ok) {
                bm_printf("FAIL envelope %u: %s\n", envelopes - 1, fc_status_name(st));
                failures++;
            }
        } else if (strcmp(tag, "FIRE") == 0 && (len == 4 || len == 12) && engine_ready) {
            int64_t want = 0;
            for (unsigned i = 0; len == 12 && i < 8; i++)
                want |= (int64_t)((uint64_t)frame[4 + i] << (8 * i));
            fire_timer((uint32_t)frame[0] | (uint32_t)frame[1] << 8, len == 12, want);
        } else {
            bm_printf("FAIL unexpected frame '%s' of %u bytes\n", tag, (unsigned)len);
            failures++;
        }
    }
    if (envelopes == 0) {
        bm_puts("FAIL no envelope received\n");
        failures++;
    }
    bm_printf("VERDICT: %s (%u envelopes, %u failures)\n", failures ? "FAIL" : "PASS", envelopes,
              failures);
    return failures ? BM_EXIT_FAIL : BM_EXIT_PASS;
}
