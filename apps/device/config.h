/* The device configuration (femtod.conf, and the board's "config" record):
 * a small INI-style text parsed here (see
 * docs/deployment.md for every key). Errors name the line and the reason. */
#ifndef FEMTOD_CONFIG_H
#define FEMTOD_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "femto/engine.h"

#define FD_MAX_SENSORS 8
#define FD_NAME_MAX 32

typedef struct fd_tenant_config {
    char name[FD_NAME_MAX];
    fc_tenant_config_t engine; /* id, key, helpers, hooks, engine quotas (as configured),
                                * among them max_attachments: hook attachments over
                                * all its containers (the engine enforces it) */
    uint32_t slots;            /* bit i: may install into device slot i */
    uint32_t max_image;        /* bytes of one container image */
    uint32_t max_storage;      /* bytes on storage: envelopes, fetched images, key-value
                                * records, sequence records, name tombstones */
    uint32_t max_names;        /* names it holds: live containers + removed ones kept */
    int have_key, have_id, have_slots, have_attachments;
    int section_line;     /* line of its [tenant NAME] header */
    int attachments_line; /* line of its max_attachments key (0: the default share) */
} fd_tenant_config_t;

typedef struct fd_config {
    uint32_t timer_period_ms;  /* 0: no timer hook */
    uint32_t sensor_period_ms; /* 0: no sensor sampling */
    uint32_t sensors[FD_MAX_SENSORS];
    size_t n_sensors;
    uint32_t max_envelope;     /* largest SUIT envelope accepted, bytes */
    uint32_t fetch_timeout_ms; /* bound of one fetch of an image by URI */
    size_t n_tenants;
    fd_tenant_config_t tenants[FC_MAX_TENANTS];
} fd_config_t;

/* Per-tenant defaults that depend on the whole file (fd_config_load applies
 * them at the end): the slots of the tenants without a `slots` key are dealt
 * in turn (slot i to the (i mod n)-th such tenant, in file order; one tenant:
 * every slot); max_attachments without a key is FC_MAX_ATTACHMENTS /
 * (tenants + 1). The attachment shares must leave room for one update in
 * flight: sum + largest <= FC_MAX_ATTACHMENTS (a configuration error
 * otherwise), so no tenant can take another's. */
#define FD_DEFAULT_MAX_STORAGE 131072
#define FD_DEFAULT_MAX_NAMES 8

/* Defaults: timer 1000 ms, no sensors, max_envelope 65536, fetch_timeout_ms
 * 10000, no tenant. */
void fd_config_defaults(fd_config_t *cfg);

/* Reads the file at path (a public key file, femto keygen's NAME.pub) into
 * buf[0..cap): 0 with *len, or -1 with a reason in why. */
typedef int (*fd_read_file_fn)(void *ctx, const char *path, uint8_t *buf, size_t cap, size_t *len,
                               char *why, size_t why_cap);

/* Parse the configuration text[0..len) into cfg. name is how errors call it
 * ("NAME:LINE: reason") and locates relative key files (its folder).
 * read_file reads those; NULL (the board: no files) accepts keys as 64 hex
 * digits only. 0 on success; -1 with msg. femtod reads the file with
 * fd_config_load (apps/femtod/platform_posix.h); the board parses its
 * "config" record. */
int fd_config_parse(fd_config_t *cfg, const char *name, const char *text, size_t len,
                    fd_read_file_fn read_file, void *read_ctx, char *msg, size_t msg_cap);

/* Hook id of a standard hook name ("timer", "boot", ...), or -1. */
int fd_hook_id(const char *name);
/* The SDK name of helper id ("fc_log"), NULL if the SDK has none. */
const char *fd_helper_name(uint32_t id);

#endif
