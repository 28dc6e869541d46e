/* femtod's device (apps/device/device.c) with two tenants, driven in
 * process with envelopes signed here: every per-tenant bound of issue 13
 * that lives in the device. Each test fails without its fix:
 *   - sequence numbers per slot and tenant; a removal at the top of the range;
 *     the owner goes on after 2^64-1 in the next epoch (no older envelope
 *     accepted again, no epoch jump, across restarts, old records as epoch 0);
 *     a tenant removed from the configuration frees its slots and names;
 *   - the names record is written only when the tombstones change;
 *   - a version left only in slot/N/cur by a crash is written to the
 *     tenant's record at the restart;
 *   - attachments: a per-tenant share another tenant cannot take;
 *   - slots: dealt among the tenants without a `slots` key;
 *   - storage bytes per tenant (envelopes and key-value records);
 *   - names: allowed characters, owned by their tenant after a removal;
 *   - priority and budget range checks;
 *   - local key-value records reclaimed on removal (cycling names is bounded);
 *   - the periodic hooks' schedule (fd_schedule_run/_wait), shared with the board.
 * Every refusal is checked for the limit's name and its figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h" /* apps/device, on the include path */
#include "device.h"
#include "platform_posix.h" /* apps/femtod */
#include "femto/image.h"
#include "suit_write.h"

#define A 1u
#define B 2u

typedef struct fx {
    fd_config_t cfg;
    fd_device_t *d;
    char dir[96];
    uint8_t seed[2][FC_SUIT_SEED_LEN];
    uint8_t pub[2][FC_SUIT_PUB_LEN];
    char extra[2][256]; /* extra config lines per tenant */
    int drop_b;         /* configure tenant a only */
} fx_t;

static fx_t fx;
static fd_posix_t posix; /* the device's platform: its state folder */

static void hex(char *out, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

static void device_up(void)
{
    char conf[160], text[1500], ka[65], kb[65];
    snprintf(conf, sizeof conf, "%s.conf", fx.dir);
    hex(ka, fx.pub[0], 32);
    hex(kb, fx.pub[1], 32);
    snprintf(text, sizeof text, "timer_period_ms = 0\n[tenant a]\nid = 1\npublic_key = %s\n%s\n",
             ka, fx.extra[0]);
    if (!fx.drop_b)
        snprintf(text + strlen(text), sizeof text - strlen(text),
                 "[tenant b]\nid = 2\npublic_key = %s\n%s\n", kb, fx.extra[1]);
    FILE *f = fopen(conf, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    char msg[300] = "";
    fd_config_defaults(&fx.cfg);
    if (fd_config_load(&fx.cfg, conf, msg, sizeof msg) != 0)
        fail_msg("config: %s", msg);
    unlink(conf);
    fx.d = calloc(1, sizeof *fx.d);
    assert_non_null(fx.d);
    if (fd_posix_init(&posix, fx.dir, msg, sizeof msg) != 0 ||
        fd_device_init(fx.d, &fx.cfg, &posix.plat, msg, sizeof msg) != 0)
        fail_msg("device: %s", msg);
}

static void device_down(void)
{
    fd_device_close(fx.d);
    free(fx.d);
    fx.d = NULL;
}

static void restart(void)
{
    device_down();
    device_up();
}

static int setup_with(const char *extra_a, const char *extra_b)
{
    memset(&fx, 0, sizeof fx);
    snprintf(fx.dir, sizeof fx.dir, "/tmp/femtod-tenants-%d", (int)getpid());
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx.dir);
    if (system(cmd) != 0)
        return -1;
    fc_error_t err;
    for (int i = 0; i < 2; i++)
        if (fc_suit_keygen(fx.seed[i], fx.pub[i], &err) != FC_OK)
            return -1;
    snprintf(fx.extra[0], sizeof fx.extra[0], "%s", extra_a);
    snprintf(fx.extra[1], sizeof fx.extra[1], "%s", extra_b);
    device_up();
    return 0;
}

static int setup(void **state)
{
    (void)state;
    return setup_with("slots = 0-6", "slots = 0-6");
}

static int setup_defaults(void **state)
{
    (void)state;
    return setup_with("", "");
}

static int teardown(void **state)
{
    (void)state;
    device_down();
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx.dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* An image "mov r0, 0; exit" named name (the bytes are malloc'd). */
static uint8_t *image(const char *name, size_t *len)
{
    static const fc_insn_t text[] = {{.opcode = 0xb7}, {.opcode = 0x95}};
    fc_image_func_t fn = {.name = "main", .slot = 0, .flags = FC_IMAGE_FUNC_EXPORTED};
    fc_image_parts_t parts = {.text = text,
                              .text_slots = 2,
                              .funcs = &fn,
                              .func_count = 1,
                              .name = name,
                              .app_version = 1,
                              .cpu = FC_IMAGE_CPU_V4};
    fc_error_t err;
    size_t n = 0;
    fc_image_write(&parts, NULL, 0, &n, &err);
    uint8_t *buf = aligned_alloc(8, (n + 7) & ~(size_t)7);
    assert_non_null(buf);
    assert_int_equal(fc_image_write(&parts, buf, n, len, &err), FC_OK);
    return buf;
}

typedef struct opts {
    const char *const *hooks;
    size_t n_hooks;
    int64_t priority;
    uint64_t budget;
} opts_t;

static const char *const coap_hook[] = {"coap"};
static const char *const four_hooks[] = {"timer", "boot", "sensor", "coap"};

/* A signed envelope: an install of an image named name, or (name == NULL)
 * a removal (an empty image), at version ver. *len its bytes (malloc'd). */
static uint8_t *sign_env(int tenant, uint32_t slot, fc_suit_version_t ver, const char *name,
                         const opts_t *o, size_t *len)
{
    static const uint8_t nothing[1];
    size_t ilen = 0;
    uint8_t *img = name ? image(name, &ilen) : NULL;
    fc_suit_write_opts_t w = {.sequence = ver.seq,
                              .epoch = ver.epoch,
                              .slot = slot,
                              .image = img ? img : nothing,
                              .image_len = ilen};
    if (o) {
        w.hooks = o->hooks;
        w.n_hooks = o->n_hooks;
        w.priority = o->priority;
        w.budget = o->budget;
    } else if (name) {
        w.hooks = coap_hook;
        w.n_hooks = 1;
    }
    uint8_t *env = NULL;
    fc_error_t err;
    assert_int_equal(fc_suit_write_envelope(&w, fx.seed[tenant - 1], &env, len, &err), FC_OK);
    free(img);
    return env;
}

/* Sign and send: an install (name != NULL) or a removal (name == NULL, of
 * rm_name), at version ver. Returns the verdict's status; v->text says why. */
static int send_v(int tenant, uint32_t slot, fc_suit_version_t ver, const char *name,
                  const opts_t *o, const char *rm_name, fd_verdict_t *v)
{
    size_t len = 0;
    uint8_t *env = sign_env(tenant, slot, ver, name, o, &len);
    if (name)
        fd_device_install(fx.d, env, len, v);
    else
        fd_device_remove(fx.d, rm_name, env, len, v);
    free(env);
    return v->status;
}

/* The same at sequence seq of epoch 0 (as before epochs existed). */
static int send(int tenant, uint32_t slot, uint64_t seq, const char *name, const opts_t *o,
                const char *rm_name, fd_verdict_t *v)
{
    return send_v(tenant, slot, (fc_suit_version_t){.seq = seq}, name, o, rm_name, v);
}

static void install_ok(int tenant, uint32_t slot, uint64_t seq, const char *name, const opts_t *o)
{
    fd_verdict_t v;
    if (send(tenant, slot, seq, name, o, NULL, &v) != FC_OK)
        fail_msg("install '%s' slot %u seq %llu: %s", name, (unsigned)slot, (unsigned long long)seq,
                 v.text);
}

static void remove_ok(int tenant, uint32_t slot, uint64_t seq, const char *name)
{
    fd_verdict_t v;
    if (send(tenant, slot, seq, NULL, NULL, name, &v) != FC_OK)
        fail_msg("remove '%s': %s", name, v.text);
}

static void expect_refusal(int st, const fd_verdict_t *v, int code, const char *const *words)
{
    if (st != code)
        fail_msg("expected %s, got %s: %s", fc_status_name(code), fc_status_name(st), v->text);
    for (; *words; words++)
        if (!strstr(v->text, *words))
            fail_msg("refusal \"%s\" does not say \"%s\"", v->text, *words);
}

/* ---- sequence numbers ------------------------------------------------------------------ */

static void test_sequence_space_per_tenant(void **state)
{
    (void)state;
    /* the attack: install at 2^64-2, remove at 2^64-1 */
    install_ok(A, 0, UINT64_MAX - 1, "top", NULL);
    remove_ok(A, 0, UINT64_MAX, "top");
    /* another tenant can use the slot, also after a restart */
    install_ok(B, 0, 1, "bee", NULL);
    restart();
    assert_non_null(fx.d->slots[0].c);
    assert_string_equal(fx.d->slots[0].c->name, "bee");
    fd_verdict_t v;
    remove_ok(B, 0, 2, "bee");
    /* the owner's own history still binds it (anti-rollback) */
    int st = send(A, 0, 5, "again", NULL, NULL, &v);
    expect_refusal(st, &v, FC_ERR_ROLLBACK,
                   (const char *const[]){"sequence 5", "18446744073709551615", "tenant 'a'", NULL});
    /* a container installed at 2^64-1 can be removed at that same number
     * (an older femto rm's way; today's moves to the next epoch) */
    install_ok(A, 1, UINT64_MAX, "max", NULL);
    remove_ok(A, 1, UINT64_MAX, "max");
    /* the owner reuses its slot; a replay of an older envelope is refused */
    install_ok(A, 2, 5, "own", NULL);
    remove_ok(A, 2, 6, "own");
    install_ok(A, 2, 7, "own", NULL);
    st = send(A, 2, 5, "own", NULL, NULL, &v);
    expect_refusal(st, &v, FC_ERR_ROLLBACK, (const char *const[]){"not newer than 7", NULL});
    /* a removal cannot go below the live version */
    st = send(A, 2, 6, NULL, NULL, "own", &v);
    expect_refusal(st, &v, FC_ERR_ROLLBACK, (const char *const[]){"sequence 6", NULL});
}

/* The owner reuses its slot after sequence 2^64-1: the next epoch. No
 * envelope older than what was accepted is accepted again, an epoch cannot
 * jump, and all of it survives a restart. Without epochs, the tenant could
 * never install in slot 0 again after (0, 2^64-1). */
static fc_suit_version_t ver(uint64_t epoch, uint64_t seq)
{
    return (fc_suit_version_t){.epoch = epoch, .seq = seq};
}

static void install_v_ok(int tenant, uint32_t slot, fc_suit_version_t vr, const char *name)
{
    fd_verdict_t v;
    if (send_v(tenant, slot, vr, name, NULL, NULL, &v) != FC_OK)
        fail_msg("install '%s' slot %u (%llu, %llu): %s", name, (unsigned)slot,
                 (unsigned long long)vr.epoch, (unsigned long long)vr.seq, v.text);
}

static void refused_v(int tenant, uint32_t slot, fc_suit_version_t vr, const char *name,
                      const char *rm_name, const char *const *words)
{
    fd_verdict_t v;
    int st = send_v(tenant, slot, vr, name, NULL, rm_name, &v);
    expect_refusal(st, &v, FC_ERR_ROLLBACK, words);
}

static void test_epoch_after_top(void **state)
{
    (void)state;
    size_t top_len = 0, rm_len = 0;
    uint8_t *top = sign_env(A, 0, ver(0, UINT64_MAX), "top", NULL, &top_len);
    uint8_t *rm = sign_env(A, 0, ver(0, UINT64_MAX), NULL, NULL, &rm_len);
    fd_verdict_t v;
    fd_device_install(fx.d, top, top_len, &v);
    assert_int_equal(v.status, FC_OK);
    fd_device_remove(fx.d, "top", rm, rm_len, &v); /* a removal at the same number */
    assert_int_equal(v.status, FC_OK);
    /* the old envelope comes back: refused, with the way out named */
    fd_device_install(fx.d, top, top_len, &v);
    expect_refusal(v.status, &v, FC_ERR_ROLLBACK,
                   (const char *const[]){"not newer than 18446744073709551615", "--epoch", NULL});
    /* a forged jump of the epoch: refused */
    refused_v(A, 0, ver(2, 0), "top", NULL,
              (const char *const[]){"epoch 2 is more than one above 0", "tenant 'a'", NULL});
    /* the owner goes on in epoch 1 */
    install_v_ok(A, 0, ver(1, 0), "top");
    assert_int_equal(fx.d->slots[0].epoch, 1);
    restart();
    assert_non_null(fx.d->slots[0].c);
    assert_string_equal(fx.d->slots[0].c->name, "top");
    assert_int_equal(fx.d->slots[0].epoch, 1);
    assert_int_equal(fx.d->slots[0].seq, 0);
    /* after the restart every older envelope is still refused */
    fd_device_install(fx.d, top, top_len, &v);
    expect_refusal(v.status, &v, FC_ERR_ROLLBACK, (const char *const[]){"0 of epoch 1", NULL});
    fd_device_remove(fx.d, "top", rm, rm_len, &v);
    expect_refusal(v.status, &v, FC_ERR_ROLLBACK, (const char *const[]){"0 of epoch 1", NULL});
    refused_v(A, 0, ver(1, 0), "top", NULL, (const char *const[]){"sequence 0 of epoch 1", NULL});
    refused_v(A, 0, ver(3, 0), "top", NULL, (const char *const[]){"epoch 3", NULL});
    assert_non_null(fx.d->slots[0].c); /* it runs on */
    /* femto rm's way at the top of epoch 1: the removal moves to (2, 0) */
    install_v_ok(A, 0, ver(1, UINT64_MAX), "top");
    fd_verdict_t rv;
    assert_int_equal(send_v(A, 0, ver(2, 0), NULL, NULL, "top", &rv), FC_OK);
    refused_v(A, 0, ver(1, UINT64_MAX), "top", NULL, (const char *const[]){"of epoch 2", NULL});
    install_v_ok(A, 0, ver(2, 1), "top");
    restart();
    assert_non_null(fx.d->slots[0].c);
    refused_v(A, 0, ver(2, 0), NULL, "top", (const char *const[]){"1 of epoch 2", NULL});
    refused_v(A, 0, ver(4, 0), "top", NULL, (const char *const[]){"epoch 4", NULL});
    /* the epochs are the tenant's own: B starts from (0, 0) in slot 1 */
    install_ok(B, 1, 1, "bee", NULL);
    free(top);
    free(rm);
}

/* Records written before epochs (no EPOCH field) read as epoch 0. */
static void write_text(const char *rel, const char *text)
{
    char path[200];
    snprintf(path, sizeof path, "%s/%s", fx.dir, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_epoch_old_records(void **state)
{
    (void)state;
    install_ok(A, 3, 7, "old", NULL);
    char text[120];
    snprintf(text, sizeof text, "femtod-slot 1 %u 7 %u 1\n", (unsigned)fx.d->slots[3].gen, A);
    device_down();
    write_text("slot/3/cur", text);
    snprintf(text, sizeof text, "slot/3/seq-%u", A);
    write_text(text, "femtod-seq 1 7\n");
    device_up();
    assert_non_null(fx.d->slots[3].c); /* restored from the old records */
    assert_int_equal(fx.d->slots[3].epoch, 0);
    fd_verdict_t v;
    int st = send(A, 3, 7, "old", NULL, NULL, &v);
    expect_refusal(st, &v, FC_ERR_ROLLBACK, (const char *const[]){"sequence 7", NULL});
    install_v_ok(A, 3, ver(1, 1), "old");
}

/* A crash between the switch record (slot/N/cur) and the tenant's own
 * record (slot/N/seq-T) leaves the newer version in cur only: the restart
 * writes it to seq-T, so another tenant's install (which replaces cur)
 * cannot take the only copy with it and reopen old envelopes. */
static void test_crash_before_seq_record(void **state)
{
    (void)state;
    size_t old_len = 0;
    uint8_t *old = sign_env(A, 2, ver(0, 5), "crash", NULL, &old_len);
    fd_verdict_t v;
    fd_device_install(fx.d, old, old_len, &v);
    assert_int_equal(v.status, FC_OK);
    remove_ok(A, 2, 6, "crash");
    device_down();
    char rel[64];
    snprintf(rel, sizeof rel, "slot/2/seq-%u", A);
    write_text(rel, "femtod-seq 1 4 0\n"); /* as if the crash came before its write */
    device_up();
    install_ok(B, 2, 1, "bee", NULL); /* cur is b's now */
    remove_ok(B, 2, 2, "bee");
    restart();
    fd_device_install(fx.d, old, old_len, &v);
    expect_refusal(v.status, &v, FC_ERR_ROLLBACK, (const char *const[]){"not newer than 6", NULL});
    free(old);
}

/* A tenant removed from the configuration frees its slots and names for
 * the others, whatever sequence numbers it used. */
static void test_removed_tenant_frees_slot(void **state)
{
    (void)state;
    install_ok(B, 5, UINT64_MAX, "bname", NULL);
    install_ok(B, 4, UINT64_MAX - 1, "bgone", NULL);
    remove_ok(B, 4, UINT64_MAX, "bgone");
    fd_verdict_t v;
    int st = send(A, 5, 1, "mine", NULL, NULL, &v);
    expect_refusal(st, &v, FC_ERR_PERMISSION, (const char *const[]){"belongs to tenant 'b'", NULL});
    device_down();
    fx.drop_b = 1;
    device_up();
    assert_null(fx.d->slots[5].c);      /* b's container is not restored */
    install_ok(A, 5, 1, "bname", NULL); /* its slot and its name */
    install_ok(A, 4, 1, "bgone", NULL);
    restart();
    assert_non_null(fx.d->slots[5].c);
    assert_string_equal(fx.d->slots[5].c->name, "bname");
    assert_int_equal(fx.d->slots[5].tenant_id, A);
    assert_non_null(fx.d->slots[4].c);
}

/* The names record is written when the tombstones change, not at every
 * install (each write is a temporary file, an fsync and a rename: a new
 * inode). */
static ino_t names_inode(void)
{
    char path[200];
    struct stat st;
    snprintf(path, sizeof path, "%s/names", fx.dir);
    return stat(path, &st) == 0 ? st.st_ino : 0;
}

static void test_names_written_when_changed(void **state)
{
    (void)state;
    install_ok(A, 0, 1, "n1", NULL);
    assert_true(names_inode() == 0); /* nothing to keep yet: no record */
    remove_ok(A, 0, 2, "n1");        /* a tombstone: written */
    ino_t ino = names_inode();
    assert_true(ino != 0);
    install_ok(A, 1, 1, "other", NULL);
    install_ok(A, 1, 2, "other", NULL);
    install_ok(B, 2, 1, "bee", NULL);
    remove_ok(B, 2, 2, "bee"); /* b's tombstone: written */
    ino_t ino2 = names_inode();
    assert_true(ino2 != ino);
    install_ok(A, 1, 3, "other", NULL);
    restart(); /* nothing released at start: no write */
    install_ok(A, 1, 4, "other", NULL);
    assert_true(names_inode() == ino2);
    install_ok(A, 0, 3, "n1", NULL); /* n1 is live again: its tombstone goes */
    assert_true(names_inode() != ino2);
    restart();
    assert_int_equal(fd_name_owner(fx.d, "bee"), B);
    assert_int_equal(fd_name_owner(fx.d, "n1"), A);
}

/* ---- attachments --------------------------------------------------------------------------- */

static void test_attachment_share(void **state)
{
    (void)state;
    /* 2 tenants: each max_attachments 16 / 3 = 5 by default */
    assert_int_equal(fx.cfg.tenants[0].engine.quota.max_attachments, FC_MAX_ATTACHMENTS / 3);
    opts_t four = {.hooks = four_hooks, .n_hooks = 4};
    install_ok(A, 0, 1, "a0", &four);
    fd_verdict_t v;
    int st = send(A, 1, 1, "a1", &four, NULL, &v);
    expect_refusal(
        st, &v, FC_ERR_QUOTA,
        (const char *const[]){"attachments", "has 4 of max_attachments 5", "asks for 4", NULL});
    opts_t one = {.hooks = coap_hook, .n_hooks = 1};
    install_ok(A, 1, 1, "a1", &one);
    /* B: its whole share, an update of it, and a call */
    install_ok(B, 2, 1, "b0", &four);
    install_ok(B, 2, 2, "b0", &four); /* the update attaches beside the running version */
    install_ok(B, 3, 1, "b1", &one);
    fd_usage_t u;
    fd_tenant_usage(fx.d, B, &u);
    assert_int_equal(u.attachments, 5);
    fc_hook_coap_ctx_t ctx;
    memset(&ctx, 0, sizeof ctx);
    assert_int_equal(fd_device_coap_call(fx.d, 3, &ctx), FC_OK);
}

static void test_attachment_config_check(void **state)
{
    (void)state;
    char conf[160], msg[300];
    snprintf(conf, sizeof conf, "%s-bad.conf", fx.dir);
    FILE *f = fopen(conf, "w");
    assert_non_null(f);
    fputs("[tenant a]\nid = 1\npublic_key = "
          "00000000000000000000000000000000000000000000000000000000000000aa\n"
          "max_attachments = 12\n[tenant b]\nid = 2\npublic_key = "
          "00000000000000000000000000000000000000000000000000000000000000bb\n",
          f);
    fclose(f);
    fd_config_t cfg;
    fd_config_defaults(&cfg);
    assert_int_equal(fd_config_load(&cfg, conf, msg, sizeof msg), -1);
    unlink(conf);
    assert_non_null(strstr(msg, "max_attachments over all tenants (17) plus the largest (12"));
    assert_non_null(strstr(msg, "-bad.conf:4: ")); /* the line of the share that went over */
}

/* ---- slots ----------------------------------------------------------------------------------- */

static void test_default_slots_dealt(void **state)
{
    (void)state;
    assert_int_equal(fx.cfg.tenants[0].slots, 0x55u); /* 0, 2, 4, 6 */
    assert_int_equal(fx.cfg.tenants[1].slots, 0x2au); /* 1, 3, 5 */
    fd_verdict_t v;
    int st = send(A, 1, 1, "x", NULL, NULL, &v);
    expect_refusal(st, &v, FC_ERR_PERMISSION, (const char *const[]){"may not use slot 1", NULL});
    install_ok(B, 1, 1, "x", NULL);
}

/* ---- storage --------------------------------------------------------------------------------- */

static int setup_storage(void **state)
{
    (void)state;
    return setup_with("slots = 0-6\nmax_storage = 1200\nmax_kv_entries = 64", "slots = 0-6");
}

static void test_storage_quota(void **state)
{
    (void)state;
    install_ok(A, 0, 1, "s0", NULL);
    fd_usage_t u;
    fd_tenant_usage(fx.d, A, &u);
    assert_true(u.storage > 300 && u.storage < 600); /* one envelope and its sequence record */
    install_ok(A, 1, 1, "s1", NULL);
    fd_verdict_t v;
    int st = send(A, 2, 1, "s2", NULL, NULL, &v);
    expect_refusal(st, &v, FC_ERR_QUOTA,
                   (const char *const[]){"storage: tenant 'a' uses", "max_storage 1200", NULL});
    /* an update of a running container replaces its envelope: it fits */
    install_ok(A, 0, 2, "s0", NULL);
    /* key-value records count too: writes stop at the quota */
    fc_container_t *c = fx.d->slots[0].c;
    int refused = 0;
    for (int i = 0; i < 16 && !refused; i++) {
        char key[4] = {'k', (char)('a' + i), 0, 0};
        refused = fc_kv_set(&fx.d->engine, c, FC_KV_LOCAL, key, 2, "v", 1) == FC_ERR_STORAGE;
    }
    assert_true(refused);
    fd_tenant_usage(fx.d, A, &u);
    assert_true(u.storage <= 1200);
    /* B is untouched by A's use */
    install_ok(B, 3, 1, "b", NULL);
    assert_int_equal(fc_kv_set(&fx.d->engine, fx.d->slots[3].c, FC_KV_LOCAL, "k", 1, "v", 1),
                     FC_OK);
}

/* ---- names ---------------------------------------------------------------------------------- */

static void test_names(void **state)
{
    (void)state;
    fd_verdict_t v;
    int st = send(A, 0, 1, "a/b", NULL, NULL, &v);
    expect_refusal(
        st, &v, FC_ERR_IMAGE_NAME,
        (const char *const[]){"name 'a/b'", "0x2f ('/') at 1", FC_NAME_CHARS_TEXT, NULL});
    install_ok(A, 0, 2, "shared", NULL);
    remove_ok(A, 0, 3, "shared");
    st = send(B, 1, 1, "shared", NULL, NULL, &v);
    expect_refusal(st, &v, FC_ERR_EXISTS,
                   (const char *const[]){"name 'shared' belongs to tenant 'a'", NULL});
    restart();
    st = send(B, 1, 1, "shared", NULL, NULL, &v);
    assert_int_equal(st, FC_ERR_EXISTS);
    install_ok(A, 2, 1, "shared", NULL); /* the owner takes it back, in any slot */
    assert_int_equal(fd_name_owner(fx.d, "shared"), A);
    /* max_names (8): a tenant cycling names releases its own oldest ones */
    for (int i = 0; i < 12; i++) {
        char name[16];
        snprintf(name, sizeof name, "cyc%d", i);
        install_ok(A, 3, (uint64_t)(2 * i + 1), name, NULL);
        remove_ok(A, 3, (uint64_t)(2 * i + 2), name);
    }
    fd_usage_t u;
    fd_tenant_usage(fx.d, A, &u);
    assert_int_equal(u.names, 8);
    assert_int_equal(fd_name_owner(fx.d, "cyc0"), 0); /* released */
    assert_int_equal(fd_name_owner(fx.d, "cyc11"), A);
}

/* ---- numeric manifest fields ---------------------------------------------------------------- */

static void test_priority_and_budget_ranges(void **state)
{
    (void)state;
    fd_verdict_t v;
    opts_t o = {.hooks = coap_hook, .n_hooks = 1, .priority = 4294967295ll};
    int st = send(A, 0, 1, "p", &o, NULL, &v);
    expect_refusal(
        st, &v, FC_ERR_INVALID_ARG,
        (const char *const[]){"priority 4294967295 outside -2147483648..2147483647", NULL});
    o.priority = 0;
    o.budget = 4294967296ull;
    st = send(A, 0, 2, "p", &o, NULL, &v);
    expect_refusal(
        st, &v, FC_ERR_QUOTA,
        (const char *const[]){"budget 4294967296 outside 1..100000", "max_budget", NULL});
    o.budget = 5000;
    o.priority = INT32_MIN;
    install_ok(A, 0, 3, "p", &o);
    assert_int_equal(fx.d->slots[0].c->budget, 5000);
}

/* ---- key-value: the quota holds over names cycled through a slot ---------------------------- */

static void test_kv_cycling_bounded(void **state)
{
    (void)state;
    for (int i = 0; i < 6; i++) {
        char name[16];
        snprintf(name, sizeof name, "kv%d", i);
        install_ok(A, 0, (uint64_t)(2 * i + 1), name, NULL);
        fc_container_t *c = fx.d->slots[0].c;
        for (int k = 0; k < 16; k++) {
            char key[4] = {'k', (char)('a' + k), 0, 0};
            assert_int_equal(fc_kv_set(&fx.d->engine, c, FC_KV_LOCAL, key, 2, "v", 1), FC_OK);
        }
        remove_ok(A, 0, (uint64_t)(2 * i + 2), name);
    }
    char path[200];
    struct stat st;
    snprintf(path, sizeof path, "%s/kv/l/%08x", fx.dir, A);
    size_t records = 0;
    FILE *ls = NULL;
    char cmd[260];
    snprintf(cmd, sizeof cmd, "ls '%s' 2>/dev/null | wc -l", path);
    ls = popen(cmd, "r");
    assert_non_null(ls);
    assert_int_equal(fscanf(ls, "%zu", &records), 1);
    pclose(ls);
    assert_int_equal(records, 0); /* every removed container's record reclaimed */
    /* renaming by updates reclaims too */
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "ren%d", i);
        install_ok(A, 6, (uint64_t)(i + 1), name, NULL);
        assert_int_equal(fc_kv_set(&fx.d->engine, fx.d->slots[6].c, FC_KV_LOCAL, "r", 1, "v", 1),
                         FC_OK);
    }
    ls = popen(cmd, "r");
    assert_non_null(ls);
    assert_int_equal(fscanf(ls, "%zu", &records), 1);
    pclose(ls);
    assert_int_equal(records, 1); /* only the live ren2's */
    remove_ok(A, 6, 4, "ren2");
    (void)st;
    for (int i = 0; i < 4; i++) {
        char name[16];
        snprintf(name, sizeof name, "kv%d", i);
        install_ok(A, (uint32_t)(1 + i), 1, name, NULL);
    }
    assert_int_equal(fc_kv_count(&fx.d->engine, A), 0);
    install_ok(B, 5, 1, "bkv", NULL);
    assert_int_equal(fc_kv_set(&fx.d->engine, fx.d->slots[5].c, FC_KV_LOCAL, "first", 5, "1", 1),
                     FC_OK);
}

/* One round of femtod's loop: fire what is due, then the wait. */
static uint64_t step(fd_schedule_t *s, fd_device_t *d, uint64_t now_ms, uint64_t max_wait_ms)
{
    fd_schedule_run(s, d, now_ms);
    return fd_schedule_wait(s, d->cfg, now_ms, max_wait_ms);
}

/* The periodic hooks' schedule femtod and the board share (fd_schedule_run,
 * fd_schedule_wait): phase kept, no burst after falling behind, the wait
 * until the next one, and a period of 0 turning a hook off. */
static void test_schedule(void **state)
{
    (void)state;
    fd_device_t *d = fx.d;
    fx.cfg.timer_period_ms = 10;
    fx.cfg.sensor_period_ms = 25;
    fx.cfg.sensors[0] = 0;
    fx.cfg.n_sensors = 1;
    fd_schedule_t s;
    fd_schedule_start(&s, &fx.cfg, 1000);
    assert_int_equal(step(&s, d, 1004, 1000), 6); /* timer due at 1010 */
    assert_int_equal(d->hooks.timer, 0);
    assert_int_equal(step(&s, d, 1010, 1000), 10);
    assert_int_equal(d->hooks.timer, 1);
    assert_int_equal(step(&s, d, 1013, 1000), 7); /* phase kept: 1020 */
    assert_int_equal(step(&s, d, 1013, 3), 3);    /* capped */
    assert_int_equal(step(&s, d, 1021, 1000), 4); /* 1030; sensor at 1025 */
    assert_int_equal(d->hooks.timer, 2);
    assert_int_equal(d->hooks.sensor, 0);
    assert_int_equal(step(&s, d, 1025, 1000), 5);
    assert_int_equal(d->hooks.sensor, 1);
    assert_int_equal(s.next_sensor, 1050);
    /* 95 ms late: one timer round, not nine, and the period restarts */
    assert_int_equal(step(&s, d, 1125, 1000), 10); /* the sensor was due too */
    assert_int_equal(d->hooks.timer, 3);
    assert_int_equal(d->hooks.sensor, 2);
    assert_int_equal(s.tick, 3);
    assert_int_equal(s.next_timer, 1135);
    assert_int_equal(s.next_sensor, 1150);
    assert_int_equal(step(&s, d, 1125, 1000), 10); /* nothing fires twice */
    assert_int_equal(d->hooks.timer, 3);
    assert_int_equal(d->hooks.sensor, 2);
    /* period 0: the timer is off, whatever the clock says */
    fx.cfg.timer_period_ms = 0;
    fx.cfg.n_sensors = 0;
    assert_int_equal(step(&s, d, 5000, 1000), 1000);
    assert_int_equal(d->hooks.timer, 3);
    assert_int_equal(d->hooks.sensor, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sequence_space_per_tenant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_epoch_after_top, setup, teardown),
        cmocka_unit_test_setup_teardown(test_epoch_old_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_removed_tenant_frees_slot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crash_before_seq_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_names_written_when_changed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attachment_share, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attachment_config_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_slots_dealt, setup_defaults, teardown),
        cmocka_unit_test_setup_teardown(test_storage_quota, setup_storage, teardown),
        cmocka_unit_test_setup_teardown(test_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_priority_and_budget_ranges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kv_cycling_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schedule, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
