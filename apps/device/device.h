/* The device both femtod and the board firmware run: the engine on the
 * platform's port (platform.h), the device slots and the atomic install /
 * remove / restore of signed SUIT envelopes. No CoAP here: server.c turns
 * requests into these calls and verdicts into responses. */
#ifndef FEMTOD_DEVICE_H
#define FEMTOD_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "femto/engine.h"
#include "femto/suit.h"
#include "platform.h"

/* Device slots 0..FD_SLOTS-1; one engine slot stays free so that an update
 * can install the new version beside the running one before switching. */
#define FD_SLOTS (FC_MAX_CONTAINERS - 1)
#define FD_URI_MAX 255 /* longest image URI femtod fetches */

typedef struct fd_slot {
    int has_record;     /* slot/N/cur exists */
    int installed;      /* the record names a live version */
    uint32_t gen;       /* generation of the envelope record slot/N/env-GEN */
    uint64_t seq;       /* sequence number of the last envelope accepted (any tenant) */
    uint64_t epoch;     /* and its epoch (docs/suit-profile.md, "Epochs") */
    uint32_t tenant_id; /* owner of the record */
    /* Anti-rollback per tenant (index in cfg->tenants): the highest (epoch,
     * sequence) that tenant had accepted in this slot (slot/N/seq-TENANT). A
     * tenant's numbers never bind another tenant, so no value of one tenant
     * makes the slot unusable for the others; and the owner goes on after
     * sequence 2^64-1 in the next epoch, so no value of its own does either. */
    fc_suit_version_t hist[FC_MAX_TENANTS];
    fc_container_t *c; /* running container, NULL if none */
    uint8_t *image;    /* the container's image bytes (the engine runs them in place) */
    size_t image_len;
} fd_slot_t;

typedef struct fd_hook_stats {
    uint64_t timer, boot, sensor, coap;
} fd_hook_stats_t;

/* Pull an image from a URI (a coap:// URI of a SUIT uri parameter): at most
 * max_len bytes (a longer image is refused, not truncated) within
 * timeout_ms. FC_OK with *out (malloc'd) and *len, or a status with a
 * reason in why. femtod's is fd_coap_fetch (fetch.c); the fuzzer's is fake. */
typedef int (*fd_fetch_fn)(void *ctx, const char *uri, size_t max_len, uint32_t timeout_ms,
                           uint8_t **out, size_t *len, char *why, size_t why_cap);

/* A removed container's name, kept for its tenant (a tombstone): another
 * tenant cannot take it while the owner is configured. Record "names". */
#define FD_NAMES_MAX (FC_MAX_TENANTS * 16)
typedef struct fd_name {
    uint32_t tenant_id; /* 0: unused */
    uint32_t age;       /* higher: more recent */
    char name[FC_IMAGE_NAME_MAX + 1];
} fd_name_t;

typedef struct fd_device {
    const fd_platform_t *plat; /* the system beneath: records, listing, kill points */
    fc_port_t port;            /* the engine's: plat->port with the device's checks (ctx: d) */
    int install_writes;        /* storage writes of the install in progress, -1: none */
    fc_engine_t engine;
    _Alignas(8) uint8_t stack[FC_DEFAULT_FRAME * (FC_MAX_CALL_DEPTH + 1)];
    const fd_config_t *cfg;
    fd_slot_t slots[FD_SLOTS];
    fd_hook_stats_t hooks;
    uint32_t boot_count;
    uint64_t installs, refusals, removals;
    fd_name_t names[FD_NAMES_MAX];
    uint32_t names_age;
    int names_dirty;   /* names differ from the stored record: write it (once) */
    fd_fetch_fn fetch; /* NULL: manifests with a URI are refused (5.01) */
    void *fetch_ctx;
    uint64_t fetches;
} fd_device_t;

/* A verdict: status, where (byte offset) and a reason a person can act on. */
typedef struct fd_verdict {
    int status; /* FC_OK or a code from status.h */
    uint32_t slot;
    uint64_t seq, epoch;
    int fetch_failed; /* the image URI did not deliver it (CoAP 5.02 Bad Gateway) */
    char text[256];
} fd_verdict_t;

/* Init the engine on the platform (which must outlive the device), add the
 * tenants, reload and re-verify every installed container (a failure is
 * logged and leaves the slot empty). Set d->fetch afterwards to accept
 * manifests whose image is fetched by URI. */
int fd_device_init(fd_device_t *d, const fd_config_t *cfg, const fd_platform_t *plat, char *msg,
                   size_t cap);

/* Install (or update) from a signed envelope; atomic. */
void fd_device_install(fd_device_t *d, const uint8_t *env, size_t len, fd_verdict_t *v);

/* Remove container `name`; env must be a signed envelope for its slot by
 * its tenant with a newer (or the same) (epoch, sequence) and an EMPTY image. */
void fd_device_remove(fd_device_t *d, const char *name, const uint8_t *env, size_t len,
                      fd_verdict_t *v);

/* Slot of the container named name, or -1. */
int fd_device_find(const fd_device_t *d, const char *name);

/* Fire the CoAP hook for one container only; ctx holds the request and
 * receives the response. FC_ERR_NOT_FOUND when it is not attached to coap
 * or not started; the fault code when it faulted. */
int fd_device_coap_call(fd_device_t *d, int slot, fc_hook_coap_ctx_t *ctx);

void fd_device_fire_timer(fd_device_t *d, uint32_t tick, uint32_t period_ms);

/* The periodic hooks of a device (timer every cfg->timer_period_ms, one
 * sensor round every cfg->sensor_period_ms; 0 turns either off), on the
 * caller's millisecond clock. femtod's and the board's main loops share it,
 * so both keep the same phase and the same catch-up rule. */
typedef struct fd_schedule {
    uint64_t next_timer, next_sensor; /* when each is due (ms) */
    uint32_t tick;                    /* timer rounds fired */
} fd_schedule_t;

/* Start at now_ms: the first timer and sensor rounds are due one period later. */
void fd_schedule_start(fd_schedule_t *s, const fd_config_t *cfg, uint64_t now_ms);

/* Fire the hooks due at now_ms. A timer that fell behind by more than a
 * period fires once, not in a burst, and takes its period up from now_ms. */
void fd_schedule_run(fd_schedule_t *s, fd_device_t *d, uint64_t now_ms);

/* How long a caller that sleeps between rounds may wait at now_ms for the
 * next hook (ms, at most max_wait_ms; 0: one is due). Apart from
 * fd_schedule_run: a board woken by its tick does not need it (and does not
 * link it). */
uint64_t fd_schedule_wait(const fd_schedule_t *s, const fd_config_t *cfg, uint64_t now_ms,
                          uint64_t max_wait_ms);
void fd_device_fire_sensors(fd_device_t *d);
void fd_device_fire_boot(fd_device_t *d);
void fd_device_close(fd_device_t *d);

const char *fd_tenant_name(const fd_device_t *d, uint32_t tenant_id);

/* What a tenant uses of each bounded resource (docs/deployment.md, "Per-tenant
 * bounds"); storage in bytes as the state folder holds it. */
typedef struct fd_usage {
    uint32_t containers, ram, attachments, kv_entries, global_entries, names;
    uint64_t storage;
} fd_usage_t;
void fd_tenant_usage(fd_device_t *d, uint32_t tenant_id, fd_usage_t *u);
/* The tenant holding name (live or tombstone), 0 if none. */
uint32_t fd_name_owner(const fd_device_t *d, const char *name);

#endif
