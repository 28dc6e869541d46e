/** @file
 * Femto-Containers engine: container slots, hooks, tenants, key-value
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
#define FC_MAX_CONTAINERS 8 /**< container slots */
#endif
#ifndef FC_MAX_HOOKS
#define FC_MAX_HOOKS 12 /**< declared hooks; hook ids are 0..31 */
#endif
#ifndef FC_MAX_TENANTS
#define FC_MAX_TENANTS 4 /**< tenants */
#endif
#ifndef FC_MAX_ATTACHMENTS
#define FC_MAX_ATTACHMENTS (2 * FC_MAX_CONTAINERS) /**< container-to-hook links */
#endif
#ifndef FC_MAX_ENTRIES
#define FC_MAX_ENTRIES 8 /**< functions (entry points) per container image */
#endif
#ifndef FC_ENGINE_RAM
#define FC_ENGINE_RAM 4096 /**< bytes shared by all containers' data + bss */
#endif
#ifndef FC_KV_MAX_ENTRIES
#define FC_KV_MAX_ENTRIES 64 /**< key-value entries in RAM, all scopes */
#endif
#ifndef FC_KV_NS_MAX_ENTRIES
#define FC_KV_NS_MAX_ENTRIES 16 /**< entries in one namespace (one storage record) */
#endif
#ifndef FC_LOG_LINE_MAX
#define FC_LOG_LINE_MAX 120 /**< longest line fc_log() emits (attribution prefix included) */
#endif
#ifndef FC_LOG_RATE
#define FC_LOG_RATE 10 /**< fc_log lines per container and second; more: counted, dropped */
#endif
#ifndef FC_HOOK_RW_CTX_MAX
#define FC_HOOK_RW_CTX_MAX 64 /**< largest read-write hook context (copied per tenant) */
#endif
/* FC_KV_KEY_MAX (16) and FC_KV_VALUE_MAX (32) come from femto_hooks.h. */

#if FC_MAX_CONTAINERS > 255 || FC_MAX_TENANTS > 255 || FC_MAX_HOOKS > 32
#error "engine limits: at most 255 containers and tenants, 32 hooks"
#endif

/* ---- hooks ------------------------------------------------------------------ */
/** What a firing does with the results of the containers it runs. */
typedef enum fc_hook_policy {
    FC_POLICY_CONTINUE,         /**< run all; result: r0 of the last run that exited */
    FC_POLICY_STOP_ON_NONZERO,  /**< stop at the first r0 != 0; result: that r0, else 0 */
    FC_POLICY_STOP_ON_NEGATIVE, /**< stop at the first r0 < 0; result: that r0, else last r0 */
    FC_POLICY_FIRST_ONLY        /**< stop after the first run that exits; result: its r0 */
} fc_hook_policy_t;             /**< see enum fc_hook_policy */

/** A declared hook (fc_hook_declare()): a firing point of the firmware. */
typedef struct fc_hook {
    const char *name;  /**< static string from the firmware */
    uint32_t ctx_size; /**< exact context length, 0: any length */
    uint8_t id;        /**< 0..31 */
    uint8_t perm;      /**< FC_PERM_READ or FC_PERM_RW for the context */
    uint8_t policy;    /**< fc_hook_policy_t */
    uint8_t used;      /**< 1: declared */
    uint8_t first;     /**< its attachments: engine->attachments[first .. first + count) */
    uint8_t count;     /**< attachments of this hook */
} fc_hook_t;

/* ---- tenants ------------------------------------------------------------------ */
/** What a tenant's containers may use together (fc_tenant_config_t). What
 *  the engine holds, it bounds per tenant. Storage bytes are not here: the
 *  engine writes only key-value records (images run in place from the
 *  embedder's memory), so a byte quota belongs to the layer that also writes
 *  the envelopes and images (apps/device: max_storage, checked on the port's
 *  storage_write for the engine's writes too). */
typedef struct fc_tenant_quota {
    uint32_t max_containers;     /**< slots */
    uint32_t max_ram;            /**< bytes of data + bss over all its containers */
    uint32_t max_budget;         /**< instructions per run, per container */
    uint32_t max_kv_entries;     /**< key-value entries it created, all scopes (counted over what
                                  * is loaded from storage as well as what is written) */
    uint32_t max_global_entries; /**< entries it may own in the global store; 0: the default
                                  * share FC_KV_NS_MAX_ENTRIES / FC_MAX_TENANTS */
    uint32_t max_attachments;    /**< hook attachments over all its containers; 0: the default
                                  * share FC_MAX_ATTACHMENTS / FC_MAX_TENANTS. Shares that sum
                                  * to at most FC_MAX_ATTACHMENTS cannot take each other's
                                  * room (fc_container_attach: FC_ERR_QUOTA over the share) */
} fc_tenant_quota_t;

/* fc_tenant_config_t.flags */
#define FC_TENANT_NO_GLOBAL_WRITE 1u /**< its containers may read the global store only */

/** A tenant: who may install containers, with its key, helpers, hooks and
 *  quota (engine->tenants, filled by fc_tenant_add()). */
typedef struct fc_tenant {
    uint32_t id;              /**< non-zero, unique */
    uint8_t public_key[32];   /**< Ed25519, for the SUIT layer */
    fc_helper_mask_t helpers; /**< helper ids its containers may call */
    uint32_t hooks;           /**< bit i: may attach to hook id i */
    fc_tenant_quota_t quota;  /**< its limits (defaults filled in at fc_tenant_add()) */
    uint32_t flags;           /**< FC_TENANT_* */
    uint8_t used;             /**< 1: this entry holds a tenant */
} fc_tenant_t;

/* ---- containers ---------------------------------------------------------------- */
/** The life of a container slot. */
typedef enum fc_container_state {
    FC_CONTAINER_FREE = 0, /**< no container */
    FC_CONTAINER_STOPPED,  /**< installed, not run by hooks */
    FC_CONTAINER_STARTED   /**< run by the hooks it is attached to */
} fc_container_state_t;    /**< see enum fc_container_state */

/* Limits that let the slot keep 16-bit fields (see fc_container_t). */
#if FC_ENGINE_RAM > 65535 || FC_MAX_INSNS > 65535 || FC_MAX_ATTACHMENTS > 255
#error "engine limits: FC_ENGINE_RAM and FC_MAX_INSNS at most 65535, 255 attachments"
#endif

/** Statistics of one container since its install. */
typedef struct fc_container_stats {
    /* what every run writes first, side by side (doubleword accesses) */
    uint64_t insns_total;  /**< instructions over all runs */
    uint32_t runs;         /**< runs started (hooks and direct calls) */
    uint32_t insns_last;   /**< instructions of the last run (<= its budget) */
    uint32_t faults;       /**< runs that faulted */
    uint8_t max_depth;     /**< deepest local-call nesting seen */
    fc_error_t last_fault; /**< code, instruction index, address, size, reason */
} fc_container_stats_t;

/** One container slot: what an idle container costs besides its data/bss.
 * Nothing is copied out of the image: the slot keeps pointers into the
 * caller's image bytes (flash, usually) and the few results of the
 * verifier that running needs (the engine rebuilds the fc_program_t of
 * the container it prepares the VM for from them). Hook entry points live
 * in the attachments, the local key-value namespace is derived from the
 * name when a key-value helper runs. fc_container_image() re-parses the
 * image for the rare operations that need the full view. */
typedef struct fc_container {
    fc_container_stats_t stats;  /**< runs, faults, instructions */
    const uint8_t *image;        /**< the caller's image bytes (see the lifetime rule) */
    const char *name;            /**< the image's name or the caller's (same lifetime rule) */
    const fc_insn_t *text;       /**< inside image: executes in place */
    const uint8_t *rodata;       /**< inside image; NULL when rodata_len is 0 */
    uint32_t image_len;          /**< bytes of the image */
    uint32_t rodata_len;         /**< bytes of rodata, 0: none */
    uint32_t budget;             /**< instructions per run */
    uint32_t fingerprint;        /**< the verifier's fingerprint of the text (fc_container_check) */
    uint16_t text_slots;         /**< instruction slots of the text */
    uint16_t frame_size;         /**< verified stack bytes per frame */
    uint16_t ram_off;            /**< RAM block (data + bss, 8-aligned) in the engine arena */
    uint16_t ram_len;            /**< bytes of its RAM block, 0: none */
    uint16_t generation;         /**< bumped at each install in this slot */
    uint8_t call_depth;          /**< verified deepest local-call nesting */
    uint8_t uses_callx : 1;      /**< as in fc_program_t */
    uint8_t reads_undefined : 1; /**< fc_program_t.undefined_reads != 0 */
    uint8_t state;               /**< fc_container_state_t */
    uint8_t tenant;              /**< index in engine->tenants */
} fc_container_t;

/** A container attached to a hook. engine->attachments is kept sorted by
 *  (hook, priority, order of attachment): firing walks it. */
typedef struct fc_attachment {
    uint8_t hook;      /**< hook id */
    uint8_t container; /**< slot index */
    uint16_t entry;    /**< instruction slot of the function the hook runs */
    int32_t priority;  /**< lower runs first; ties: earlier attachment first */
} fc_attachment_t;

/* ---- key-value stores ---------------------------------------------------------- */
/** The three key-value scopes. */
typedef enum fc_kv_scope {
    FC_KV_LOCAL = 0,  /**< one container (by tenant and container name) */
    FC_KV_TENANT = 1, /**< all containers of one tenant */
    FC_KV_GLOBAL = 2  /**< every container allowed the global helpers */
} fc_kv_scope_t;      /**< see enum fc_kv_scope */

/** One key-value entry of the engine's RAM pool (any scope). */
typedef struct fc_kv_entry {
    uint64_t ns;                    /**< local: FNV-1a of the container name; else 0 */
    uint32_t tenant;                /**< local/tenant scope: tenant id; global: 0 */
    uint32_t owner;                 /**< tenant id charged for the entry (quota) */
    uint8_t used;                   /**< 1: holds an entry */
    uint8_t scope;                  /**< fc_kv_scope_t */
    uint8_t key_len;                /**< 1..FC_KV_KEY_MAX */
    uint8_t value_len;              /**< 0..FC_KV_VALUE_MAX */
    uint8_t key[FC_KV_KEY_MAX];     /**< key_len bytes used */
    uint8_t value[FC_KV_VALUE_MAX]; /**< value_len bytes used */
} fc_kv_entry_t;

/* Serialised namespace: a small header plus FC_KV_NS_MAX_ENTRIES records. */
#define FC_KV_RECORD_HEADER 24                                   /**< bytes of a record's header */
#define FC_KV_RECORD_ENTRY (8 + FC_KV_KEY_MAX + FC_KV_VALUE_MAX) /**< bytes per entry */
/** The largest record: one full namespace. */
#define FC_KV_RECORD_MAX (FC_KV_RECORD_HEADER + FC_KV_NS_MAX_ENTRIES * FC_KV_RECORD_ENTRY)

/* ---- JIT (builds with FC_ENGINE_JIT=1, linked with src/vm/jit) -------------------- */
#ifndef FC_ENGINE_JIT
/** 1: the engine can run containers JIT-compiled (fc_engine_set_jit()) */
#define FC_ENGINE_JIT 0
#endif
/** Called with writable 1 before the engine writes the code buffer and with
 *  0 after (W^X: the firmware keeps the buffer read-only otherwise, with the
 *  MPU on a Cortex-M4). */
typedef void (*fc_jit_protect_fn)(void *user, int writable);
/** The JIT's code buffer, given to fc_engine_set_jit(). */
typedef struct fc_engine_jit_config {
    void *buf;                 /**< code buffer: RAM the core executes from (4-byte aligned) */
    size_t cap;                /**< its bytes */
    fc_jit_protect_fn protect; /**< may be NULL */
    void *protect_user;        /**< passed to protect */
} fc_engine_jit_config_t;

/* ---- the engine ----------------------------------------------------------------- */
/** The engine: every table and buffer of the runtime in one struct the
 *  firmware provides (no allocation). Its fields are the engine's: read
 *  them for diagnostics, change them only through the functions below. */
typedef struct fc_engine {
    /* The one VM, prepared for one container at a time: a run of the
     * container it is prepared for only grants the context, runs (the VM
     * binds the run's entry when it changes, checking it against the
     * verified ones) and revokes the run's extra regions afterwards. First
     * in the struct: the engine and its VM share one address on the run
     * path. */
    fc_vm_t vm;                            /**< the one VM */
    fc_program_t prog;                     /**< the prepared container's program, from its slot */
    uint32_t prog_entries[FC_MAX_ENTRIES]; /**< prog.entries: its verified entry points */
    const fc_container_t *prepared;        /**< the VM is bound to it (NULL: to nothing) */
    uint8_t prepared_regions;              /**< vm.n_regions once prepared: stack, rodata, data */
    uint8_t stack_tenant;  /**< 1 + tenant index whose data may be on the stack, 0: none */
    uint32_t stack_dirty;  /**< bytes at the stack's top written since it was cleared */
    const fc_port_t *port; /**< the platform (borrowed, outlives the engine) */
    /* the run in progress (helpers read it through vm.user == engine;
     * before the tables: a firing reads and writes it, short offsets) */
    fc_container_t *current;       /**< non-NULL while a container runs */
    void *current_ctx;             /**< the context of the run in progress */
    size_t current_ctx_len;        /**< its length in bytes */
    int current_hook;              /**< hook id, -1 for a direct call */
    uint8_t hook_slot[32];         /**< hook id -> 1 + index in hooks[], 0: not declared */
    uint8_t *stack;                /**< the one execution stack (fc_engine_init()) */
    size_t stack_size;             /**< a multiple of 8 (the tail of a larger buffer is not used) */
    fc_hook_t hooks[FC_MAX_HOOKS]; /**< declared hooks */
    fc_tenant_t tenants[FC_MAX_TENANTS];             /**< tenants (used or free) */
    fc_container_t containers[FC_MAX_CONTAINERS];    /**< container slots */
    fc_attachment_t attachments[FC_MAX_ATTACHMENTS]; /**< sorted, see fc_attachment_t */
    uint32_t n_attachments;                          /**< entries used in attachments */
    fc_kv_entry_t kv[FC_KV_MAX_ENTRIES];             /**< the key-value pool, all scopes */
    uint8_t kv_global_loaded;                        /**< 1: the global store was loaded */
    /* The entry points the verifier accepted at each slot's install (the
     * image's function table then), kept for the program rebuilt at each
     * preparation: the VM checks a run's entry against them. Per slot, not
     * in fc_container_t (off the slot's 96 B). */
    uint16_t entries[FC_MAX_CONTAINERS][FC_MAX_ENTRIES]; /**< verified entries per slot */
    uint8_t n_entries[FC_MAX_CONTAINERS];                /**< entries used per slot */
    /* fc_log rate limit per slot (not in fc_container_t: off the slot's 96 B) */
    uint32_t log_window[FC_MAX_CONTAINERS]; /**< second (now_us / 1e6) of the current window */
    uint16_t log_lines[FC_MAX_CONTAINERS];  /**< lines emitted in that second */
    uint32_t log_drops[FC_MAX_CONTAINERS];  /**< lines dropped since the install (fc_log_drops) */
    _Alignas(8) uint8_t ctx_saved[FC_HOOK_RW_CTX_MAX]; /**< a read-write hook's context as the
                                                        * firmware gave it */
#if FC_ENGINE_JIT
    /* Containers installed after fc_engine_set_jit() are translated into
     * jit_cfg.buf at install (one after the other, jit_used bytes handed
     * out); the prepared container's code is in jit, which counts in
     * jit.fallback_runs the runs that went to the interpreter. */
    fc_jit_t jit;                              /**< the prepared container's translation */
    fc_engine_jit_config_t jit_cfg;            /**< fc_engine_set_jit()'s buffer */
    uint32_t jit_used;                         /**< bytes of jit_cfg.buf handed out */
    uint32_t jit_off[FC_MAX_CONTAINERS];       /**< each slot's code offset in the buffer */
    uint32_t jit_size[FC_MAX_CONTAINERS];      /**< 0: no code, runs on the interpreter */
    fc_status_t jit_status[FC_MAX_CONTAINERS]; /**< fc_container_jit_status() */
#endif
    fc_trace_fn trace; /**< fc_engine_set_trace() */
    void *trace_user;  /**< passed to trace */
    /** one storage record being read or written */
    _Alignas(8) uint8_t kv_scratch[FC_KV_RECORD_MAX];
    char log_line[FC_LOG_LINE_MAX]; /**< the fc_log line being built */
    /** the containers' data + bss blocks */
    _Alignas(8) uint8_t ram[FC_ENGINE_RAM];
} fc_engine_t;

/* ---- engine --------------------------------------------------------------------- */
/** Reset engine and bind it to port and the one execution stack, then load
 *  the global key-value store.
 *  @param[out] engine the engine to reset (caller-owned, outlives every use)
 *  @param port the platform (borrowed: must outlive the engine)
 *  @param stack the execution stack, 8-byte aligned (borrowed, outlives the
 *         engine); FC_DEFAULT_FRAME * (FC_MAX_CALL_DEPTH + 1) bytes run
 *         every program the default verifier accepts
 *  @param stack_size its bytes (a tail beyond a multiple of 8 is not used)
 *  @return FC_OK; FC_ERR_INVALID_ARG on a NULL or misaligned argument
 *          (engine untouched); FC_ERR_STORAGE or FC_ERR_KV_FULL when the
 *          stored global record is unreadable or damaged: the engine is
 *          initialised and usable with an empty global store (the next
 *          global write replaces the damaged record) */
fc_status_t fc_engine_init(fc_engine_t *engine, const fc_port_t *port, void *stack,
                           size_t stack_size);

/** Containers installed from now on run JIT-compiled (docs/jit.md): each is
 *  translated into cfg->buf at install; when the buffer is full, or the JIT
 *  refuses a program, the container runs on the interpreter and
 *  fc_container_jit_status() says why.
 *  @param engine the engine (borrowed)
 *  @param cfg the code buffer and its protect callback (copied; the buffer
 *         is borrowed and must outlive the engine), or NULL: containers
 *         installed from now on run on the interpreter
 *  @return FC_OK; FC_ERR_BAD_CONFIG: this build has no JIT (FC_ENGINE_JIT=0)
 *          or buf is misaligned; FC_ERR_BUSY: called from a helper */
fc_status_t fc_engine_set_jit(fc_engine_t *engine, const fc_engine_jit_config_t *cfg);

/** Whether c runs JIT-compiled. Runs from an entry other than 0 also go to
 *  the interpreter (engine->jit.fallback_runs counts all).
 *  @param engine the engine (borrowed)
 *  @param c an installed container (borrowed)
 *  @return FC_OK: it does; else why it runs on the interpreter
 *          (FC_ERR_TOO_LARGE: the code buffer was full at its install;
 *          FC_ERR_BAD_CONFIG: no JIT configured at its install, or none in
 *          this build; another code: the translator refused it) */
fc_status_t fc_container_jit_status(const fc_engine_t *engine, const fc_container_t *c);

/** The standard helper table (ids from sdk/femto_helpers.def).
 *  @return a static table, never NULL */
const fc_helper_table_t *fc_engine_helpers(void);

/* ---- hooks ----------------------------------------------------------------------- */
/** Declare a hook the firmware will fire.
 *  @param engine the engine
 *  @param id the hook id, 0..31
 *  @param name its name, a static string (borrowed for the engine's life)
 *  @param ctx_size the exact context length fc_hook_fire() must pass, 0 for
 *         any length (a read-write hook needs 1..FC_HOOK_RW_CTX_MAX)
 *  @param ctx_perm FC_PERM_READ or FC_PERM_RW: what containers may do to the context
 *  @param policy what a firing does with the results
 *  @return FC_OK, FC_ERR_EXISTS (id or name declared), FC_ERR_NO_SLOT
 *          (FC_MAX_HOOKS reached) or FC_ERR_INVALID_ARG */
fc_status_t fc_hook_declare(fc_engine_t *engine, uint32_t id, const char *name, uint32_t ctx_size,
                            uint32_t ctx_perm, fc_hook_policy_t policy);

/** Declare the standard host hooks of sdk/femto_hooks.h (timer, boot,
 *  sensor, coap, packet) with their context sizes, permissions, policies.
 *  @param engine the engine
 *  @return FC_OK, or the first failure of fc_hook_declare() */
fc_status_t fc_engine_declare_standard_hooks(fc_engine_t *engine);

/** The declared hook with this id.
 *  @param engine the engine
 *  @param id a hook id
 *  @return the hook (owned by the engine), or NULL when none is declared */
const fc_hook_t *fc_hook_find(const fc_engine_t *engine, uint32_t id);

/** The declared hook with this name.
 *  @param engine the engine
 *  @param name a NUL-terminated name (borrowed)
 *  @return the hook (owned by the engine), or NULL when none is declared */
const fc_hook_t *fc_hook_find_name(const fc_engine_t *engine, const char *name);

/** Run the started containers attached to hook_id in priority order with
 *  r1 = ctx, r2 = ctx_len; ctx is granted with the hook's permission for the
 *  run only. A faulting container is recorded in its statistics and the
 *  firing goes on with the next one. A firing of the container the VM is
 *  prepared for (the one that ran last) only grants the context, runs,
 *  revokes it and updates the statistics.
 *  @param engine the engine
 *  @param hook_id a declared hook
 *  @param ctx the context (borrowed for the firing; may be NULL when ctx_len is 0)
 *  @param ctx_len its bytes (the declared size, if the hook has one)
 *  @param[out] combined the result of the hook's policy, 0 when nothing ran (may be NULL)
 *  @return FC_OK (also when containers faulted), FC_ERR_NOT_FOUND (hook not
 *          declared), FC_ERR_INVALID_ARG (ctx_len differs from the declared
 *          size, ctx is NULL with a length, or ctx + ctx_len wraps around the
 *          address space), FC_ERR_BUSY (called from inside a helper) */
fc_status_t fc_hook_fire(fc_engine_t *engine, uint32_t hook_id, void *ctx, size_t ctx_len,
                         int64_t *combined);

/* ---- tenants --------------------------------------------------------------------- */
/** What fc_tenant_add() needs to know of a tenant. */
typedef struct fc_tenant_config {
    uint32_t id;              /**< non-zero, unique */
    uint8_t public_key[32];   /**< Ed25519, for the SUIT layer */
    fc_helper_mask_t helpers; /**< helper ids its containers may call */
    uint32_t hooks;           /**< bit i: may attach to hook id i */
    fc_tenant_quota_t quota;  /**< 0 fields take the defaults (see fc_tenant_quota_t) */
    uint32_t flags;           /**< FC_TENANT_* */
} fc_tenant_config_t;

/** Add a tenant and load its key-value store.
 *  @param engine the engine
 *  @param cfg the tenant (copied)
 *  @param[out] err on return: why it failed, or {FC_OK, "ok"} (may be NULL)
 *  @return FC_OK, FC_ERR_EXISTS, FC_ERR_NO_SLOT, FC_ERR_INVALID_ARG (id 0),
 *          FC_ERR_STORAGE or FC_ERR_QUOTA (stored data unreadable, or over
 *          max_kv_entries) */
fc_status_t fc_tenant_add(fc_engine_t *engine, const fc_tenant_config_t *cfg, fc_error_t *err);

/** The tenant with this id.
 *  @param engine the engine
 *  @param id a tenant id
 *  @return the tenant (owned by the engine), or NULL */
fc_tenant_t *fc_tenant_find(fc_engine_t *engine, uint32_t id);

/** Remove a tenant that has no containers. Its stored key-value data stays
 *  in storage.
 *  @param engine the engine
 *  @param id a tenant id
 *  @return FC_OK, FC_ERR_NOT_FOUND, or FC_ERR_BUSY while it has containers */
fc_status_t fc_tenant_remove(fc_engine_t *engine, uint32_t id);

/* ---- containers ------------------------------------------------------------------- */
/** Install an image for a tenant: parse it, check the tenant's quotas (slots,
 *  RAM, budget), verify the code with the tenant's allowed helpers, reserve
 *  and initialise its RAM block, load its local key-value store. The
 *  container is installed STOPPED and attached to no hook. On failure
 *  nothing changes.
 *  @param engine the engine
 *  @param tenant_id the owner
 *  @param slot_hint a free slot index to use, or -1 for any
 *  @param image the image bytes, 8-byte aligned (borrowed until
 *         fc_container_remove(): see the lifetime rule at the top of this file)
 *  @param len bytes of image
 *  @param name the container's name (same lifetime rule), NULL for the image's
 *  @param[out] out the installed container, NULL on failure (may be NULL)
 *  @param[out] err on return: why it failed, or {FC_OK, "ok"} (may be NULL)
 *  @return FC_OK, FC_ERR_IMAGE_*, a verifier code, FC_ERR_NO_SLOT, FC_ERR_QUOTA,
 *          FC_ERR_NO_RAM, FC_ERR_NOT_FOUND (tenant), FC_ERR_BUFFER,
 *          FC_ERR_BUSY (from inside a helper) */
fc_status_t fc_container_install(fc_engine_t *engine, uint32_t tenant_id, int slot_hint,
                                 const void *image, size_t len, const char *name,
                                 fc_container_t **out, fc_error_t *err);

/** Let the hooks the container is attached to run it.
 *  @param engine the engine
 *  @param c an installed container
 *  @return FC_OK, or FC_ERR_NOT_FOUND for a NULL or free slot */
fc_status_t fc_container_start(fc_engine_t *engine, fc_container_t *c);

/** Stop the hooks from running the container (it stays installed and attached).
 *  @param engine the engine
 *  @param c an installed container
 *  @return FC_OK, or FC_ERR_NOT_FOUND for a NULL or free slot */
fc_status_t fc_container_stop(fc_engine_t *engine, fc_container_t *c);

/** Detach from every hook, free slot and RAM. Its stored local key-value
 *  data stays (a later container with the same name and tenant sees it).
 *  @param engine the engine
 *  @param c an installed container (its slot is free afterwards)
 *  @return FC_OK, FC_ERR_NOT_FOUND (NULL or free slot), FC_ERR_BUSY (from
 *          inside a helper) */
fc_status_t fc_container_remove(fc_engine_t *engine, fc_container_t *c);

/** Attach to a declared hook the tenant may use; lower priority runs first.
 *  @param engine the engine
 *  @param c an installed container
 *  @param hook_id a declared hook
 *  @param priority lower runs first; ties: earlier attachment first
 *  @param entry_name the exported function the hook runs (borrowed for the
 *         call), NULL: the default entry (the first exported function, else
 *         instruction 0)
 *  @return FC_OK, FC_ERR_PERMISSION (hook not allowed to the tenant),
 *          FC_ERR_NOT_FOUND (hook or function), FC_ERR_EXISTS (attached
 *          already), FC_ERR_QUOTA (the tenant's containers hold
 *          max_attachments already), FC_ERR_NO_SLOT (attachment table full) */
fc_status_t fc_container_attach(fc_engine_t *engine, fc_container_t *c, uint32_t hook_id,
                                int32_t priority, const char *entry_name);

/** Detach from a hook.
 *  @param engine the engine
 *  @param c an installed container
 *  @param hook_id the hook
 *  @return FC_OK, FC_ERR_NOT_FOUND (not attached, or no container), FC_ERR_BUSY
 *          (from inside a helper) */
fc_status_t fc_container_detach(fc_engine_t *engine, fc_container_t *c, uint32_t hook_id);

/** Atomic switch for updates: give new_c the hook attachments (same hooks,
 *  same priorities) and the started state of old_c, then remove old_c.
 *  @param engine the engine
 *  @param old_c the installed container to replace (removed on success)
 *  @param new_c an installed container of the same tenant
 *  @return FC_OK, FC_ERR_NOT_FOUND (a NULL or free slot), FC_ERR_STATE,
 *          FC_ERR_PERMISSION (other tenant),
 *          FC_ERR_NOT_VERIFIED (an image changed since its install),
 *          FC_ERR_BUSY (from inside a helper) */
fc_status_t fc_container_replace(fc_engine_t *engine, fc_container_t *old_c, fc_container_t *new_c);

/** Set the per-run instruction budget.
 *  @param engine the engine
 *  @param c an installed container
 *  @param budget instructions per run, 1..the tenant's max_budget
 *  @return FC_OK, FC_ERR_NOT_FOUND (no container) or FC_ERR_QUOTA */
fc_status_t fc_container_set_budget(fc_engine_t *engine, fc_container_t *c, uint32_t budget);

/** Run an exported function directly, whatever the state, with ctx granted
 *  read-write for the run.
 *  @param engine the engine
 *  @param c an installed container
 *  @param entry_name the exported function (borrowed), NULL: the first function
 *  @param ctx the context (borrowed for the run; may be NULL when len is 0)
 *  @param len its bytes
 *  @param[out] r0 the result on FC_OK (may be NULL)
 *  @return FC_OK, the fault code (also in the statistics), FC_ERR_NOT_FOUND
 *          (no such function), FC_ERR_INVALID_ARG (a context that wraps),
 *          FC_ERR_BUSY (from inside a helper) */
fc_status_t fc_container_call(fc_engine_t *engine, fc_container_t *c, const char *entry_name,
                              void *ctx, size_t len, uint64_t *r0);

/** Call trace (see vm.h) on every instruction of every later run, hook
 *  firings and direct calls alike (needs FC_VM_TRACE).
 *  @param engine the engine
 *  @param trace the callback, NULL: off
 *  @param trace_user passed back to trace (borrowed) */
void fc_engine_set_trace(fc_engine_t *engine, fc_trace_fn trace, void *trace_user);

/** The container in a slot.
 *  @param engine the engine
 *  @param slot a slot index
 *  @return the container (owned by the engine), NULL if the slot is free or out of range */
fc_container_t *fc_container_at(fc_engine_t *engine, uint32_t slot);

/** A tenant's container by name.
 *  @param engine the engine
 *  @param tenant_id its tenant
 *  @param name its name (borrowed)
 *  @return the container (owned by the engine), or NULL */
fc_container_t *fc_container_find(fc_engine_t *engine, uint32_t tenant_id, const char *name);

/** The slot index of a container.
 *  @param engine the engine
 *  @param c a container of engine
 *  @return its index in engine->containers */
uint32_t fc_container_slot(const fc_engine_t *engine, const fc_container_t *c);

/** The tenant of a container.
 *  @param engine the engine
 *  @param c an installed container of engine
 *  @return its tenant (owned by the engine) */
const fc_tenant_t *fc_container_tenant(const fc_engine_t *engine, const fc_container_t *c);

/** The parsed view of an installed container's image, parsed again from the
 *  bytes the slot points to (O(image): for rare operations and tools).
 *  @param c an installed container
 *  @param[out] img the view (points into the image bytes)
 *  @return FC_OK, FC_ERR_INVALID_ARG, FC_ERR_IMAGE_* if the bytes changed */
fc_status_t fc_container_image(const fc_container_t *c, fc_image_t *img);

/** Check that the container's text is the one verified at install
 *  (fc_program_check() on its program, O(text)).
 *  @param c an installed container
 *  @return FC_OK, FC_ERR_NOT_VERIFIED (changed) or FC_ERR_INVALID_ARG */
fc_status_t fc_container_check(const fc_container_t *c);

/* ---- key-value stores (host side; containers use the helpers) ----------------------- */
/** Read a value. The namespace: for FC_KV_LOCAL, c gives tenant and name;
 *  for FC_KV_TENANT, c's tenant; for FC_KV_GLOBAL, c is ignored (may be NULL).
 *  @param engine the engine
 *  @param c the container whose namespace is meant
 *  @param scope the scope
 *  @param key the key bytes (borrowed)
 *  @param key_len 1..FC_KV_KEY_MAX
 *  @param[out] value receives the value (caller-owned, cap bytes)
 *  @param cap bytes of value
 *  @param[out] len the value's length
 *  @return FC_OK, FC_ERR_NOT_FOUND, FC_ERR_BUFFER (cap too small), FC_ERR_KV_KEY */
fc_status_t fc_kv_get(fc_engine_t *engine, const fc_container_t *c, fc_kv_scope_t scope,
                      const void *key, size_t key_len, void *value, size_t cap, size_t *len);

/** Write a value and persist its namespace (the record is rewritten as a
 *  whole; on a failed write the store is unchanged).
 *  @param engine the engine
 *  @param c the container whose namespace is meant (see fc_kv_get())
 *  @param scope the scope
 *  @param key the key bytes (copied)
 *  @param key_len 1..FC_KV_KEY_MAX
 *  @param value the value bytes (copied)
 *  @param len 0..FC_KV_VALUE_MAX
 *  @return FC_OK, FC_ERR_KV_KEY, FC_ERR_KV_FULL (pool, namespace or tenant
 *          quota), FC_ERR_PERMISSION (global store read-only to the tenant),
 *          FC_ERR_STORAGE (write failed) */
fc_status_t fc_kv_set(fc_engine_t *engine, const fc_container_t *c, fc_kv_scope_t scope,
                      const void *key, size_t key_len, const void *value, size_t len);

/** Delete a key and persist its namespace.
 *  @param engine the engine
 *  @param c the container whose namespace is meant (see fc_kv_get())
 *  @param scope the scope
 *  @param key the key bytes (borrowed)
 *  @param key_len 1..FC_KV_KEY_MAX
 *  @return FC_OK, FC_ERR_NOT_FOUND, FC_ERR_KV_KEY, FC_ERR_PERMISSION, FC_ERR_STORAGE */
fc_status_t fc_kv_delete(fc_engine_t *engine, const fc_container_t *c, fc_kv_scope_t scope,
                         const void *key, size_t key_len);

/** Hook attachments of a tenant's installed containers (its max_attachments
 *  share counts these).
 *  @param engine the engine
 *  @param tenant_id the tenant
 *  @return the count */
uint32_t fc_tenant_attachments(const fc_engine_t *engine, uint32_t tenant_id);

/** Entries charged to a tenant, all scopes.
 *  @param engine the engine
 *  @param tenant_id the tenant
 *  @return the count */
uint32_t fc_kv_count(const fc_engine_t *engine, uint32_t tenant_id);

/** Entries of the global store a tenant owns.
 *  @param engine the engine
 *  @param tenant_id the tenant
 *  @return the count */
uint32_t fc_kv_global_count(const fc_engine_t *engine, uint32_t tenant_id);

/** Reclaim the stored local key-value namespace of (tenant, name): delete its
 *  storage record and drop it from RAM. femtod calls it on a signed removal,
 *  so the entries of removed containers do not stay on storage (nor count
 *  against the tenant) for ever.
 *  @param engine the engine
 *  @param tenant_id the tenant
 *  @param name the container name (borrowed)
 *  @return FC_OK (also when there was none), FC_ERR_BUSY while an installed
 *          container of that tenant uses the namespace, FC_ERR_INVALID_ARG (bad
 *          name), FC_ERR_STORAGE */
fc_status_t fc_kv_local_reclaim(fc_engine_t *engine, uint32_t tenant_id, const char *name);

/* ---- names --------------------------------------------------------------------------- */
/** The characters a container name may hold: one definition for femto build,
 *  femto sign and the device (names appear in CoAP paths and storage). */
#define FC_NAME_CHARS_TEXT "A-Z a-z 0-9 . _ -"

/** Whether a character may appear in a container name.
 *  @param ch the character
 *  @return 1 if ch is in FC_NAME_CHARS_TEXT, else 0 */
static inline int fc_name_char_ok(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '.' || ch == '_' || ch == '-';
}

/** The first bad character of a name; a leading '.' counts as bad (no "."
 *  or ".." path segments). An empty name is refused by the callers as such.
 *  @param name a NUL-terminated name (borrowed)
 *  @return the index of the first character outside FC_NAME_CHARS_TEXT, or -1 */
static inline int fc_name_bad_char(const char *name)
{
    for (int i = 0; name[i]; i++)
        if (!fc_name_char_ok(name[i]) || (i == 0 && name[0] == '.'))
            return i;
    return -1;
}

/* ---- log --------------------------------------------------------------------------------- */
/** fc_log lines a container's runs dropped since its install (over FC_LOG_RATE).
 *  @param engine the engine
 *  @param c an installed container
 *  @return the count, 0 for a NULL or foreign container */
uint32_t fc_log_drops(const fc_engine_t *engine, const fc_container_t *c);

#ifdef __cplusplus
}
#endif
#endif
