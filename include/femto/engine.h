/* Femto-Containers engine: container slots, hooks, tenants, key-value
 * stores and the standard helpers.
 *
 * Freestanding C11: no allocation, no global mutable state. Everything
 * lives in one fc_engine_t the firmware provides, sized at build time by
 * the FC_MAX_* / FC_KV_* / FC_ENGINE_RAM macros below.
 *
 *     static fc_engine_t engine;
 *     static uint64_t stack[512 / 8];
 *     fc_engine_init(&engine, &port, stack, sizeof stack);
 *     fc_engine_declare_standard_hooks(&engine);
 *     fc_tenant_add(&engine, &tenant_cfg, &err);
 *     fc_container_install(&engine, tenant_id, -1, image, len, NULL, &c, &err);
 *     fc_container_attach(&engine, c, FC_HOOK_TIMER, 0);
 *     fc_container_start(&engine, c);
 *     fc_hook_fire(&engine, FC_HOOK_TIMER, &ctx, sizeof ctx, &result);
 *
 * Containers run to completion one at a time on ONE execution stack and
 * ONE fc_vm_t owned by the engine: an idle container costs its slot and
 * its RAM block (data + bss) only. The VM stays prepared for the container
 * that ran last, so firing a hook again for the same container costs no
 * VM set-up. Each run sees only the top of the stack its program needs,
 * and the stack is cleared whenever a container of another tenant runs
 * (also of a tenant added into the slot of a removed one): no tenant reads
 * what another left there.
 *
 * Image lifetime: the engine does not copy images. The bytes given to
 * fc_container_install() (and the name, if one is given) must stay valid
 * and unchanged until fc_container_remove() (for flash-resident images this
 * is free; a RAM copy must be kept by the caller). fc_container_check()
 * detects a change of the verified text (O(text); for boot and load paths). */
#ifndef FEMTO_ENGINE_H
#define FEMTO_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "femto/image.h"
#include "femto/port.h"
#include "femto/status.h"
#include "femto/vm.h"
#include "femto_hooks.h" /* sdk/: hook ids and context layouts, shared with containers */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- build-time sizes (override with -D) ---------------------------------- */
#ifndef FC_MAX_CONTAINERS
#define FC_MAX_CONTAINERS 8
#endif
#ifndef FC_MAX_HOOKS
#define FC_MAX_HOOKS 12 /* declared hooks; hook ids are 0..31 */
#endif
#ifndef FC_MAX_TENANTS
#define FC_MAX_TENANTS 4
#endif
#ifndef FC_MAX_ATTACHMENTS
#define FC_MAX_ATTACHMENTS (2 * FC_MAX_CONTAINERS) /* container-to-hook links */
#endif
#ifndef FC_MAX_ENTRIES
#define FC_MAX_ENTRIES 8 /* functions (entry points) per container image */
#endif
#ifndef FC_ENGINE_RAM
#define FC_ENGINE_RAM 4096 /* bytes shared by all containers' data + bss */
#endif
#ifndef FC_KV_MAX_ENTRIES
#define FC_KV_MAX_ENTRIES 64 /* key-value entries in RAM, all scopes */
#endif
#ifndef FC_KV_NS_MAX_ENTRIES
#define FC_KV_NS_MAX_ENTRIES 16 /* entries in one namespace (one storage record) */
#endif
#ifndef FC_LOG_LINE_MAX
#define FC_LOG_LINE_MAX 120 /* longest line fc_log() emits (attribution prefix included) */
#endif
#ifndef FC_LOG_RATE
#define FC_LOG_RATE 10 /* fc_log lines per container per second; the rest are counted, dropped */
#endif
#ifndef FC_HOOK_RW_CTX_MAX
#define FC_HOOK_RW_CTX_MAX 64 /* largest read-write hook context (copied per tenant) */
#endif
/* FC_KV_KEY_MAX (16) and FC_KV_VALUE_MAX (32) come from femto_hooks.h. */

#if FC_MAX_CONTAINERS > 255 || FC_MAX_TENANTS > 255 || FC_MAX_HOOKS > 32
#error "engine limits: at most 255 containers and tenants, 32 hooks"
#endif

/* ---- hooks ------------------------------------------------------------------ */
typedef enum fc_hook_policy {
    FC_POLICY_CONTINUE,         /* run all; result: r0 of the last run that exited */
    FC_POLICY_STOP_ON_NONZERO,  /* stop at the first r0 != 0; result: that r0, else 0 */
    FC_POLICY_STOP_ON_NEGATIVE, /* stop at the first r0 < 0; result: that r0, else last r0 */
    FC_POLICY_FIRST_ONLY        /* stop after the first run that exits; result: its r0 */
} fc_hook_policy_t;

typedef struct fc_hook {
    const char *name;  /* static string from the firmware */
    uint32_t ctx_size; /* exact context length, 0: any length */
    uint8_t id;        /* 0..31 */
    uint8_t perm;      /* FC_PERM_READ or FC_PERM_RW for the context */
    uint8_t policy;    /* fc_hook_policy_t */
    uint8_t used;
    uint8_t first; /* its attachments: engine->attachments[first .. first + count) */
    uint8_t count;
} fc_hook_t;

/* ---- tenants ------------------------------------------------------------------ */
typedef struct fc_tenant_quota {
    uint32_t max_containers; /* slots */
    uint32_t max_ram;        /* bytes of data + bss over all its containers */
    uint32_t max_budget;     /* instructions per run, per container */
    uint32_t max_kv_entries; /* key-value entries it created, all scopes (counted over what
                              * is loaded from storage as well as what is written) */
    uint32_t max_global_entries; /* entries it may own in the global store; 0: the default
                                  * share FC_KV_NS_MAX_ENTRIES / FC_MAX_TENANTS */
} fc_tenant_quota_t;

/* fc_tenant_config_t.flags */
#define FC_TENANT_NO_GLOBAL_WRITE 1u /* its containers may read the global store only */

typedef struct fc_tenant {
    uint32_t id;              /* non-zero, unique */
    uint8_t public_key[32];   /* Ed25519, for the SUIT layer */
    fc_helper_mask_t helpers; /* helper ids its containers may call */
    uint32_t hooks;           /* bit i: may attach to hook id i */
    fc_tenant_quota_t quota;
    uint32_t flags; /* FC_TENANT_* */
    uint8_t used;
} fc_tenant_t;

/* ---- containers ---------------------------------------------------------------- */
typedef enum fc_container_state {
    FC_CONTAINER_FREE = 0,
    FC_CONTAINER_STOPPED, /* installed, not run by hooks */
    FC_CONTAINER_STARTED  /* run by the hooks it is attached to */
} fc_container_state_t;

/* Limits that let the slot keep 16-bit fields (see fc_container_t). */
#if FC_ENGINE_RAM > 65535 || FC_MAX_INSNS > 65535 || FC_MAX_ATTACHMENTS > 255
#error "engine limits: FC_ENGINE_RAM and FC_MAX_INSNS at most 65535, 255 attachments"
#endif

typedef struct fc_container_stats {
    uint64_t insns_total;  /* instructions over all runs */
    fc_error_t last_fault; /* code, instruction index, address, size, reason */
    uint32_t runs;         /* runs started (hooks and direct calls) */
    uint32_t faults;       /* runs that faulted */
    uint32_t insns_last;   /* instructions of the last run (<= its budget) */
    uint8_t max_depth;     /* deepest local-call nesting seen */
} fc_container_stats_t;

/* One container slot: what an idle container costs besides its data/bss.
 * Nothing is copied out of the image: the slot keeps pointers into the
 * caller's image bytes (flash, usually) and the few results of the
 * verifier that running needs (the engine rebuilds the fc_program_t of
 * the container it prepares the VM for from them). Hook entry points live
 * in the attachments, the local key-value namespace is derived from the
 * name when a key-value helper runs. fc_container_image() re-parses the
 * image for the rare operations that need the full view. */
typedef struct fc_container {
    fc_container_stats_t stats;
    const uint8_t *image;  /* the caller's image bytes (see the lifetime rule) */
    const char *name;      /* the image's name or the caller's (same lifetime rule) */
    const fc_insn_t *text; /* inside image: executes in place */
    const uint8_t *rodata; /* inside image; NULL when rodata_len is 0 */
    uint32_t image_len;
    uint32_t rodata_len;
    uint32_t budget;      /* instructions per run */
    uint32_t fingerprint; /* the verifier's fingerprint of the text (fc_container_check) */
    uint16_t text_slots;
    uint16_t frame_size; /* verified stack bytes per frame */
    uint16_t ram_off;    /* RAM block (data + bss, 8-aligned) in the engine arena */
    uint16_t ram_len;
    uint16_t generation; /* bumped at each install in this slot */
    uint8_t call_depth;  /* verified deepest local-call nesting */
    uint8_t uses_callx : 1;      /* as in fc_program_t */
    uint8_t reads_undefined : 1; /* fc_program_t.undefined_reads != 0 */
    uint8_t state;       /* fc_container_state_t */
    uint8_t tenant;      /* index in engine->tenants */
} fc_container_t;

/* Kept sorted by (hook, priority, order of attachment): firing walks it. */
typedef struct fc_attachment {
    uint8_t hook;      /* hook id */
    uint8_t container; /* slot index */
    uint16_t entry;    /* instruction slot of the function the hook runs */
    int32_t priority;  /* lower runs first; ties: earlier attachment first */
} fc_attachment_t;

/* ---- key-value stores ---------------------------------------------------------- */
typedef enum fc_kv_scope {
    FC_KV_LOCAL = 0,  /* one container (by tenant and container name) */
    FC_KV_TENANT = 1, /* all containers of one tenant */
    FC_KV_GLOBAL = 2  /* every container allowed the global helpers */
} fc_kv_scope_t;

typedef struct fc_kv_entry {
    uint64_t ns;     /* local: FNV-1a of the container name; else 0 */
    uint32_t tenant; /* local/tenant scope: tenant id; global: 0 */
    uint32_t owner;  /* tenant id charged for the entry (quota) */
    uint8_t used;
    uint8_t scope;     /* fc_kv_scope_t */
    uint8_t key_len;   /* 1..FC_KV_KEY_MAX */
    uint8_t value_len; /* 0..FC_KV_VALUE_MAX */
    uint8_t key[FC_KV_KEY_MAX];
    uint8_t value[FC_KV_VALUE_MAX];
} fc_kv_entry_t;

/* Serialised namespace: a small header plus FC_KV_NS_MAX_ENTRIES records. */
#define FC_KV_RECORD_HEADER 24
#define FC_KV_RECORD_ENTRY (8 + FC_KV_KEY_MAX + FC_KV_VALUE_MAX)
#define FC_KV_RECORD_MAX (FC_KV_RECORD_HEADER + FC_KV_NS_MAX_ENTRIES * FC_KV_RECORD_ENTRY)

/* ---- the engine ----------------------------------------------------------------- */
typedef struct fc_engine {
    const fc_port_t *port;
    /* The one VM, prepared for one container at a time: a run of the
     * container it is prepared for only grants the context, sets the
     * budget and entry, and revokes the run's extra regions afterwards. */
    fc_vm_t vm;
    fc_program_t prog;              /* the prepared container's program, rebuilt from its slot */
    uint32_t run_entry;             /* prog.entries: the entry of the coming run */
    const fc_container_t *prepared; /* the VM is bound to it (NULL: to nothing) */
    uint8_t prepared_regions;       /* vm.n_regions once prepared: stack, rodata, data */
    uint8_t stack_tenant;           /* 1 + tenant index whose data may be on the stack, 0: none */
    uint32_t stack_dirty;           /* bytes at the stack's top written since it was cleared */
    /* the run in progress (helpers read it through vm.user == engine;
     * before the tables: a firing reads and writes it, short offsets) */
    fc_container_t *current; /* non-NULL while a container runs */
    void *current_ctx;
    size_t current_ctx_len;
    int current_hook; /* hook id, -1 for a direct call */
    uint8_t hook_slot[32];          /* hook id -> 1 + index in hooks[], 0: not declared */
    uint8_t *stack;
    size_t stack_size; /* a multiple of 8 (the tail of a larger buffer is not used) */
    fc_hook_t hooks[FC_MAX_HOOKS];
    fc_tenant_t tenants[FC_MAX_TENANTS];
    fc_container_t containers[FC_MAX_CONTAINERS];
    fc_attachment_t attachments[FC_MAX_ATTACHMENTS];
    uint32_t n_attachments;
    fc_kv_entry_t kv[FC_KV_MAX_ENTRIES];
    uint8_t kv_global_loaded;
    /* fc_log rate limit per slot (not in fc_container_t: off the slot's 96 B) */
    uint32_t log_window[FC_MAX_CONTAINERS]; /* second (now_us / 1e6) of the current window */
    uint16_t log_lines[FC_MAX_CONTAINERS];  /* lines emitted in that second */
    uint32_t log_drops[FC_MAX_CONTAINERS];  /* lines dropped since the install (fc_log_drops) */
    _Alignas(8) uint8_t ctx_saved[FC_HOOK_RW_CTX_MAX]; /* a read-write hook's context as the
                                                        * firmware gave it */
    fc_trace_fn trace; /* fc_engine_set_trace() */
    void *trace_user;
    _Alignas(8) uint8_t kv_scratch[FC_KV_RECORD_MAX];
    char log_line[FC_LOG_LINE_MAX];
    _Alignas(8) uint8_t ram[FC_ENGINE_RAM];
} fc_engine_t;

/* ---- engine --------------------------------------------------------------------- */
/* Reset engine and bind it to port and the one execution stack (8-byte
 * aligned; FC_DEFAULT_FRAME * (FC_MAX_CALL_DEPTH + 1) bytes runs every
 * program the default verifier accepts). Loads the global key-value store.
 * FC_ERR_INVALID_ARG on a NULL/misaligned argument (engine untouched).
 * FC_ERR_STORAGE or FC_ERR_KV_FULL: the stored global record is unreadable
 * or damaged; the engine is initialised and usable with an empty global
 * store (the next global write replaces the damaged record). */
fc_status_t fc_engine_init(fc_engine_t *engine, const fc_port_t *port, void *stack,
                           size_t stack_size);

/* The standard helper table (ids from sdk/femto_helpers.def). */
const fc_helper_table_t *fc_engine_helpers(void);

/* ---- hooks ----------------------------------------------------------------------- */
/* Declare hook id (0..31). ctx_perm is FC_PERM_READ or FC_PERM_RW; ctx_size
 * is the exact context length fc_hook_fire() must pass, 0 for any length.
 * name must be a static string. FC_ERR_EXISTS, FC_ERR_NO_SLOT,
 * FC_ERR_INVALID_ARG. */
fc_status_t fc_hook_declare(fc_engine_t *engine, uint32_t id, const char *name, uint32_t ctx_size,
                            uint32_t ctx_perm, fc_hook_policy_t policy);

/* Declare the standard host hooks of sdk/femto_hooks.h (timer, boot,
 * sensor, coap, packet) with their context sizes, permissions, policies. */
fc_status_t fc_engine_declare_standard_hooks(fc_engine_t *engine);

/* The declared hook with this id or name, or NULL. */
const fc_hook_t *fc_hook_find(const fc_engine_t *engine, uint32_t id);
const fc_hook_t *fc_hook_find_name(const fc_engine_t *engine, const char *name);

/* Run the started containers attached to hook_id in priority order with
 * r1 = ctx, r2 = ctx_len; ctx is granted with the hook's permission for the
 * run. A faulting container is recorded in its statistics and the firing
 * goes on with the next one. *combined (may be NULL) receives the result of
 * the hook's policy (0 when nothing ran). Returns FC_OK (also when
 * containers faulted), FC_ERR_NOT_FOUND (hook not declared),
 * FC_ERR_INVALID_ARG (ctx_len differs from the declared size, ctx is NULL
 * with a length, or ctx + ctx_len wraps around the address space),
 * FC_ERR_BUSY (called from inside a helper). A firing of a container the
 * VM is prepared for (the one that ran last) only grants the context,
 * runs, revokes it and updates the statistics. */
fc_status_t fc_hook_fire(fc_engine_t *engine, uint32_t hook_id, void *ctx, size_t ctx_len,
                         int64_t *combined);

/* ---- tenants --------------------------------------------------------------------- */
typedef struct fc_tenant_config {
    uint32_t id;
    uint8_t public_key[32];
    fc_helper_mask_t helpers;
    uint32_t hooks;
    fc_tenant_quota_t quota;
    uint32_t flags; /* FC_TENANT_* */
} fc_tenant_config_t;

/* Add a tenant and load its key-value store. FC_ERR_EXISTS, FC_ERR_NO_SLOT,
 * FC_ERR_INVALID_ARG (id 0), FC_ERR_STORAGE (stored data unreadable). */
fc_status_t fc_tenant_add(fc_engine_t *engine, const fc_tenant_config_t *cfg, fc_error_t *err);
fc_tenant_t *fc_tenant_find(fc_engine_t *engine, uint32_t id);
/* Remove a tenant that has no containers (FC_ERR_BUSY otherwise). Its stored
 * key-value data stays in storage. */
fc_status_t fc_tenant_remove(fc_engine_t *engine, uint32_t id);

/* ---- containers ------------------------------------------------------------------- */
/* Install image[0..len) for tenant_id: parse it, check the tenant's quotas
 * (slots, RAM, budget), verify the code with the tenant's allowed helpers,
 * reserve and initialise its RAM block, load its local key-value store.
 * slot_hint: a free slot index to use, or -1 for any. name: NULL for the
 * image's name. The container is installed STOPPED and attached to no hook.
 * See the lifetime rule at the top of this file. On failure nothing
 * changes and err says why (FC_ERR_IMAGE_*, verifier codes, FC_ERR_NO_SLOT,
 * FC_ERR_QUOTA, FC_ERR_NO_RAM, FC_ERR_NOT_FOUND, FC_ERR_BUFFER). */
fc_status_t fc_container_install(fc_engine_t *engine, uint32_t tenant_id, int slot_hint,
                                 const void *image, size_t len, const char *name,
                                 fc_container_t **out, fc_error_t *err);

fc_status_t fc_container_start(fc_engine_t *engine, fc_container_t *c);
fc_status_t fc_container_stop(fc_engine_t *engine, fc_container_t *c);
/* Detach from every hook, free slot and RAM. Its stored local key-value data
 * stays (a later container with the same name and tenant sees it). */
fc_status_t fc_container_remove(fc_engine_t *engine, fc_container_t *c);

/* Attach to a declared hook the tenant may use (FC_ERR_PERMISSION
 * otherwise); lower priority runs first. The hook runs the exported function
 * entry_name, or with NULL the container's default entry (its first
 * exported function, else instruction 0). FC_ERR_EXISTS if already
 * attached, FC_ERR_NO_SLOT if the attachment table is full. */
fc_status_t fc_container_attach(fc_engine_t *engine, fc_container_t *c, uint32_t hook_id,
                                int32_t priority, const char *entry_name);
fc_status_t fc_container_detach(fc_engine_t *engine, fc_container_t *c, uint32_t hook_id);

/* Atomic switch for updates: give new_c the hook attachments (same hooks,
 * same priorities) and the started state of old_c, then remove old_c.
 * Both must belong to the same tenant. */
fc_status_t fc_container_replace(fc_engine_t *engine, fc_container_t *old_c, fc_container_t *new_c);

/* Set the per-run instruction budget (<= the tenant's max_budget). */
fc_status_t fc_container_set_budget(fc_engine_t *engine, fc_container_t *c, uint32_t budget);

/* Run the exported function entry_name (NULL: the first function) directly,
 * whatever the state, with ctx granted read-write (ctx may be NULL when
 * len is 0). FC_OK and *r0, or the fault code (also in the statistics);
 * FC_ERR_INVALID_ARG for a context that wraps, FC_ERR_BUSY from a helper. */
fc_status_t fc_container_call(fc_engine_t *engine, fc_container_t *c, const char *entry_name,
                              void *ctx, size_t len, uint64_t *r0);

/* Call trace (see vm.h) on every instruction of every later run, hook
 * firings and direct calls alike (needs FC_VM_TRACE); NULL turns it off. */
void fc_engine_set_trace(fc_engine_t *engine, fc_trace_fn trace, void *trace_user);

/* Slot lookups. */
fc_container_t *fc_container_at(fc_engine_t *engine, uint32_t slot); /* NULL if free */
fc_container_t *fc_container_find(fc_engine_t *engine, uint32_t tenant_id, const char *name);
uint32_t fc_container_slot(const fc_engine_t *engine, const fc_container_t *c);
const fc_tenant_t *fc_container_tenant(const fc_engine_t *engine, const fc_container_t *c);

/* The parsed view of an installed container's image (parsed again from the
 * bytes the slot points to: O(image), for rare operations and tools).
 * FC_ERR_IMAGE_* if the bytes changed since the install. */
fc_status_t fc_container_image(const fc_container_t *c, fc_image_t *img);
/* FC_OK while the container's text is the one verified at install,
 * FC_ERR_NOT_VERIFIED otherwise (fc_program_check on its program). */
fc_status_t fc_container_check(const fc_container_t *c);

/* ---- key-value stores (host side; containers use the helpers) ----------------------- */
/* Scope namespace: for FC_KV_LOCAL, c gives tenant and name; for
 * FC_KV_TENANT, c's tenant; for FC_KV_GLOBAL, c is ignored (may be NULL).
 * get: *len receives the value length; FC_ERR_NOT_FOUND, FC_ERR_BUFFER.
 * set: FC_ERR_KV_KEY, FC_ERR_KV_FULL (pool, namespace or tenant quota),
 * FC_ERR_STORAGE (write failed; the store is unchanged). */
fc_status_t fc_kv_get(fc_engine_t *engine, const fc_container_t *c, fc_kv_scope_t scope,
                      const void *key, size_t key_len, void *value, size_t cap, size_t *len);
fc_status_t fc_kv_set(fc_engine_t *engine, const fc_container_t *c, fc_kv_scope_t scope,
                      const void *key, size_t key_len, const void *value, size_t len);
fc_status_t fc_kv_delete(fc_engine_t *engine, const fc_container_t *c, fc_kv_scope_t scope,
                         const void *key, size_t key_len);
/* Entries charged to a tenant (all scopes). */
uint32_t fc_kv_count(const fc_engine_t *engine, uint32_t tenant_id);
/* Entries of the global store a tenant owns. */
uint32_t fc_kv_global_count(const fc_engine_t *engine, uint32_t tenant_id);

/* Reclaim the stored local key-value namespace of (tenant, name): delete its
 * storage record and drop it from RAM. FC_ERR_BUSY while an installed
 * container of that tenant uses the namespace; FC_OK when there was none.
 * femtod calls it on a signed removal, so the entries of removed containers
 * do not stay on storage (nor count against the tenant) for ever. */
fc_status_t fc_kv_local_reclaim(fc_engine_t *engine, uint32_t tenant_id, const char *name);

/* ---- names --------------------------------------------------------------------------- */
/* The characters a container name may hold: one definition for femto build,
 * femto sign and the device (names appear in CoAP paths and storage). */
#define FC_NAME_CHARS_TEXT "A-Z a-z 0-9 . _ -"
static inline int fc_name_char_ok(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '.' || ch == '_' || ch == '-';
}
/* Index of the first character of name outside FC_NAME_CHARS_TEXT, or -1;
 * a leading '.' counts as bad (no "." or ".." path segments). An empty name
 * is refused by the callers as such. */
static inline int fc_name_bad_char(const char *name)
{
    for (int i = 0; name[i]; i++)
        if (!fc_name_char_ok(name[i]) || (i == 0 && name[0] == '.'))
            return i;
    return -1;
}

/* ---- log --------------------------------------------------------------------------------- */
/* fc_log lines a container's runs dropped since its install (over FC_LOG_RATE). */
uint32_t fc_log_drops(const fc_engine_t *engine, const fc_container_t *c);

#ifdef __cplusplus
}
#endif
#endif
