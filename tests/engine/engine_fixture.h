/* Shared fixture for the engine tests: a POSIX port on a fresh temporary
 * state directory, an engine with the standard hooks, tenants, and images
 * built from assembly text (tools/femto/asm.h) or loaded from .fc files
 * that `femto build` produced. */
#ifndef FC_TEST_ENGINE_FIXTURE_H
#define FC_TEST_ENGINE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "femto/engine.h"
#include "femto/port_posix.h"

#define FX_MAX_IMAGES 16
#define FX_STACK (FC_DEFAULT_FRAME * (FC_MAX_CALL_DEPTH + 1))

typedef struct fixture {
    fc_port_posix_t port;
    fc_engine_t *engine;
    char dir[128];
    char log[8192];
    uint64_t stack[FX_STACK / 8];
    uint8_t *images[FX_MAX_IMAGES];
    unsigned n_images;
    uint32_t image_budget; /* budget wish written by fx_image() */
    uint32_t image_frame;  /* stack frame wish written by fx_image() (0: default) */
} fixture_t;

/* Tenant ids used by the tests: A may do everything; B has no kv helpers
 * except local ones and may attach to the timer hook only. */
#define TENANT_A 1u
#define TENANT_B 2u

/* New fixture on dir (NULL: a fresh temporary directory). */
fixture_t *fx_new(const char *dir);
/* Re-create the engine (as after a reboot) on the same state directory. */
void fx_reboot(fixture_t *fx);
/* Free the fixture; remove the temporary directory when remove_dir. */
void fx_free(fixture_t *fx, int remove_dir);
/* cmocka setup/teardown: a fresh fixture with the default tenants in
 * *state; freed with its directory. */
int fx_setup(void **state);
int fx_teardown(void **state);

/* Add a tenant with the given helper ids (array, n) and hook mask. */
void fx_tenant(fixture_t *fx, uint32_t id, const uint32_t *helpers, unsigned n, uint32_t hooks,
               fc_tenant_quota_t quota);
fc_tenant_quota_t fx_quota(void);
void fx_default_tenants(fixture_t *fx);

/* Image from assembly text with optional rodata / data / bss; one exported
 * function "main" at slot 0. The fixture owns the bytes. */
const uint8_t *fx_image(fixture_t *fx, const char *asm_src, const void *rodata, uint32_t ro_len,
                        const void *data, uint32_t data_len, uint32_t bss, const char *name,
                        size_t *len);
/* Image from a .fc file (path relative to FC_ENGINE_IMAGES). */
const uint8_t *fx_image_file(fixture_t *fx, const char *file, size_t *len);

/* Install (asserting success) and return the container. */
fc_container_t *fx_install(fixture_t *fx, uint32_t tenant, const uint8_t *img, size_t len);
fc_container_t *fx_install_asm(fixture_t *fx, uint32_t tenant, const char *asm_src);

#endif
