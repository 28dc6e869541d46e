/** @file
 * Femto-Containers VM: eBPF (RFC 9669) verifier and interpreter.
 *
 * Freestanding C11: no allocation, no global mutable state. The caller owns
 * every struct. Typical use:
 *
 *     fc_program_t prog;
 *     fc_verify_config_t cfg;
 *     fc_verify_config_default(&cfg);
 *     if (fc_verify(&prog, text, n_slots, &cfg, &err) != FC_OK) ...;
 *
 *     fc_vm_t vm;
 *     fc_vm_init(&vm, &prog, stack, sizeof stack);
 *     fc_vm_add_region(&vm, ctx, ctx_len, FC_PERM_READ);
 *     fc_vm_run(&vm, 0, (uintptr_t)ctx, ctx_len, &r0);   // vm.fault on error
 *
 * Guest addresses are host addresses (no translation). Every load, store
 * and atomic is checked against the region list using the full 64-bit
 * guest address; only r10-relative accesses the verifier proved to be in
 * the frame skip the run-time check. */
#ifndef FEMTO_VM_H
#define FEMTO_VM_H

#include <stddef.h>
#include <stdint.h>

#include "femto/status.h"
#include "femto/vm_isa.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Inline accessors of the per-run path (fc_vm_grant_context() and the
 *  like): always inlined where the compiler allows it, also at -Os, where
 *  GCC would otherwise call an out-of-line copy. */
#if defined(__GNUC__)
#define FC_VM_INLINE static inline __attribute__((always_inline))
#else
#define FC_VM_INLINE static inline
#endif

/* ---- build-time limits (override with -D) ------------------------------ */
#ifndef FC_MAX_REGIONS
/** Memory regions per run, the stack included. */
#define FC_MAX_REGIONS 8
#endif
#ifndef FC_MAX_CALL_DEPTH
/** Nested local calls, the entry frame excluded. */
#define FC_MAX_CALL_DEPTH 8
#endif
#ifndef FC_MAX_HELPERS
/** Helper ids are 0 .. FC_MAX_HELPERS - 1. */
#define FC_MAX_HELPERS 64
#endif
#ifndef FC_MAX_INSNS
/** Largest program the verifier accepts, in slots. */
#define FC_MAX_INSNS 16384
#endif
#ifndef FC_DEFAULT_FRAME
/** Bytes of stack per call frame (the eBPF ABI's 512). */
#define FC_DEFAULT_FRAME 512
#endif
#ifndef FC_VM_TRACE
#if UINTPTR_MAX > 0xffffffffu
/** 1: build fc_vm_run_traced() too (default on 64-bit hosts, not on MCUs). */
#define FC_VM_TRACE 1
#else
/** 0: no fc_vm_run_traced() (the default where pointers are 32 bits). */
#define FC_VM_TRACE 0
#endif
#endif

/** Registers r0..r10. */
#define FC_NREGS 11
/** The registers a run zeroes when its program may read one before writing
 *  it: r0 and r3..r9 (r1, r2 are the arguments, r10 the frame pointer). */
#define FC_REGS_CLEARED 0x3f9u

/* ---- instructions ------------------------------------------------------ */
/** One 64-bit instruction slot, as stored (little-endian). */
typedef struct fc_insn {
    uint8_t opcode; /**< the opcode byte (FC_OPC_<ID>) */
    uint8_t regs;   /**< dst in bits 0-3, src in bits 4-7 */
    int16_t offset; /**< signed offset (jumps, memory) or a selector */
    int32_t imm;    /**< signed immediate */
} fc_insn_t;

/** The dst register number of slot i. */
#define FC_INSN_DST(i) ((unsigned)(i).regs & 0x0fu)
/** The src register number of slot i. */
#define FC_INSN_SRC(i) ((unsigned)(i).regs >> 4)

/** Decode one slot against the ISA table (a scan of its rows).
 *  @param insn the slot
 *  @return the row id, or FC_OP_INVALID when the opcode is unknown or a
 *          selector field matches no row (the second slot of an lddw
 *          decodes as FC_OP_INVALID: it has opcode 0) */
fc_op_t fc_isa_decode(fc_insn_t insn);

/* ---- memory regions ----------------------------------------------------- */
/** Access permissions of a memory region. */
enum fc_perm {
    FC_PERM_READ = 1u,  /**< loads */
    FC_PERM_WRITE = 2u, /**< stores */
    FC_PERM_RW = 3u     /**< both (atomics need both) */
};

/** A granted memory region: host memory a container may access. */
typedef struct fc_region {
    uintptr_t start; /**< first byte */
    size_t len;      /**< bytes; start + len does not wrap */
    uint32_t perm;   /**< enum fc_perm */
} fc_region_t;

/* ---- helpers ------------------------------------------------------------ */
struct fc_vm;
/** A helper: receives the VM (for fc_vm_check_ptr() and vm->user) and the
 *  guest's r1..r5; its result goes to r0. To stop the container, it calls
 *  fc_vm_fault(). Guest addresses in arguments are untrusted: check them
 *  with fc_vm_check_ptr() before any access. */
typedef uint64_t (*fc_helper_fn)(struct fc_vm *vm, uint64_t r1, uint64_t r2, uint64_t r3,
                                 uint64_t r4, uint64_t r5);

/** The helpers a host offers, by id. Caller-owned; must outlive the
 *  verifications and VMs that use it. */
typedef struct fc_helper_table {
    const fc_helper_fn *fns; /**< indexed by helper id; NULL: no such helper */
    uint32_t count;          /**< entries in fns, at most FC_MAX_HELPERS */
} fc_helper_table_t;

/** A set of helper ids (bit i: id i allowed). */
typedef struct fc_helper_mask {
    uint32_t bits[(FC_MAX_HELPERS + 31) / 32]; /**< bit i % 32 of word i / 32: id i */
} fc_helper_mask_t;

/** Empty the set.
 *  @param m the set (caller-owned) */
void fc_helper_mask_clear(fc_helper_mask_t *m);
/** Put every id in the set.
 *  @param m the set (caller-owned) */
void fc_helper_mask_all(fc_helper_mask_t *m);
/** Add one id; an id >= FC_MAX_HELPERS is ignored.
 *  @param m the set (caller-owned)
 *  @param id the helper id */
void fc_helper_mask_set(fc_helper_mask_t *m, uint32_t id);
/** Whether an id is in the set.
 *  @param m the set
 *  @param id any value (a guest's callx operand): ids >= FC_MAX_HELPERS are not
 *  @return nonzero when id is in the set, 0 otherwise */
int fc_helper_mask_has(const fc_helper_mask_t *m, uint64_t id);

/* ---- verifier ------------------------------------------------------------- */
/** What the verifier accepts. Caller-owned; fc_verify_config_default()
 *  fills the defaults. The pointers must stay valid while a program
 *  verified with it lives (entries is kept in fc_program_t). */
typedef struct fc_verify_config {
    const fc_helper_table_t *helpers; /**< NULL: no helper may be called */
    fc_helper_mask_t allowed;         /**< ids this program may call */
    uint32_t max_insns;               /**< at most FC_MAX_INSNS */
    uint32_t frame_size;              /**< stack bytes per frame, a multiple of 8, at most 32768 */
    uint32_t max_call_depth;          /**< at most FC_MAX_CALL_DEPTH */
    uint32_t rodata_len;              /**< size of the lddw src=1 section, 0: none */
    uint32_t data_len;                /**< size of the lddw src=2 section, 0: none */
    const uint32_t *entries;          /**< extra entry points (function starts), or NULL */
    uint32_t n_entries;               /**< entries in entries */
} fc_verify_config_t;

/** One pre-decoded instruction slot (see fc_program_translate()). */
typedef struct fc_xinsn {
    const void *handler; /**< the interpreter's handler for this slot */
    uint8_t dst8;        /**< dst register * 8 (byte offset in the register file) */
    uint8_t src8;        /**< src register * 8 */
    int16_t offset;      /**< the offset or, for fused instructions, a third register * 8 */
    int32_t imm;         /**< the immediate */
} fc_xinsn_t;

/** A verified program. fc_verify() fills it; the caller owns it and the
 *  text it points to, which must stay unchanged while the program is used.
 *  A VM bound to it (by its first run, and by each run from a new entry)
 *  trusts what it checked at binding until the generation changes:
 *  fc_verify() and fc_program_translate() change it. A caller that edits
 *  other fields by hand (entries included) unbinds with fc_vm_init(). */
typedef struct fc_program {
    const fc_insn_t *text; /**< the verified slots (not copied) */
    uint32_t len;          /**< slots */
    uint32_t frame_size;   /**< bytes per frame */
    uint32_t call_depth;   /**< deepest local-call nesting (0: none) */
    uint32_t stack_needed; /**< frame_size * (call_depth + 1) */
    uint32_t fingerprint;  /**< FNV-1a of the text at verification */
    uint32_t helpers_used; /**< helper calls by immediate id (call sites) */
    uint8_t uses_callx;    /**< register-indirect helper calls present */
    uint8_t verified;      /**< 1 once fc_verify() accepted the text */
    /** Bit i: a run may read ri before writing it (r0, r3..r9 only: r1, r2
     *  and r10 are set by every run). When nonzero the run starts by zeroing
     *  all of FC_REGS_CLEARED; otherwise they keep what the last run left,
     *  which this program provably never reads. */
    uint16_t undefined_reads;
    const uint32_t *entries; /**< as in the config, kept for fc_vm_run() */
    uint32_t n_entries;      /**< entries in entries */
    const fc_xinsn_t *xlate; /**< pre-decoded form, or NULL: run in place */
    uint32_t generation;     /**< +1 at every fc_verify() and fc_program_translate() */
} fc_program_t;

/** Defaults: all helpers of the table allowed, FC_MAX_INSNS,
 *  FC_DEFAULT_FRAME, FC_MAX_CALL_DEPTH, no data sections, entry 0 only
 *  (helpers NULL: set cfg->helpers to allow calls).
 *  @param cfg the configuration to fill (caller-owned) */
void fc_verify_config_default(fc_verify_config_t *cfg);

/** Check text and, on success, describe it in prog.
 *
 *  Precondition: *prog is zero-initialised or was filled by an earlier
 *  fc_verify() (any outcome): fc_verify reads prog->generation before
 *  clearing *prog and stores it + 1, so that a VM bound to the old
 *  contents rebinds. Garbage there could happen to be a bound VM's
 *  generation minus one and leave that VM trusting a binding made for
 *  other contents.
 *  @param prog the program to fill (caller-owned; see the precondition)
 *  @param text the slots; not copied: prog->text points to them, so they
 *         must outlive prog and stay unchanged (fc_program_check())
 *  @param n number of slots
 *  @param cfg what to accept (kept only through cfg->entries)
 *  @param err NULL, or filled with the code, the instruction index and a
 *         reason on refusal (code FC_OK and reason "ok" on success)
 *  @return FC_OK, or the FC_ERR_ code of the first rule the text breaks */
fc_status_t fc_verify(fc_program_t *prog, const fc_insn_t *text, uint32_t n,
                      const fc_verify_config_t *cfg, fc_error_t *err);

/** Optional speed-up: pre-decode a verified program. fc_vm_run() then
 *  dispatches on the pre-decoded form (about twice as fast on the host)
 *  instead of decoding the text in place; common clang idioms (zero and
 *  sign extension by shift pairs, mov-then-add) are fused. Costs
 *  sizeof(fc_xinsn_t) bytes of RAM per slot, so microcontroller builds run
 *  in place by default. Changes prog->generation when it installs buf.
 *  A program refused for its arguments or its jumps leaves buf and prog
 *  unchanged.
 *  @param prog a verified program
 *  @param buf prog->len slots (caller-owned; must outlive the program and
 *         serve no other program)
 *  @param cap slots in buf
 *  @return FC_OK; FC_ERR_BAD_CONFIG when the build has no computed goto
 *          (the switch interpreters run in place only) or cap < prog->len;
 *          FC_ERR_TOO_LARGE when a jump spans more than the pre-decoded
 *          form encodes (the program still runs in place) */
fc_status_t fc_program_translate(fc_program_t *prog, fc_xinsn_t *buf, size_t cap);

/** Recompute the text fingerprint (O(n); for load and boot paths).
 *  @param prog a program fc_verify() filled
 *  @return FC_OK while the verified bytes are unchanged,
 *          FC_ERR_NOT_VERIFIED otherwise */
fc_status_t fc_program_check(const fc_program_t *prog);

/* ---- interpreter ---------------------------------------------------------- */
struct fc_trace_event;
/** A tracer: called by fc_vm_run_traced() after every instruction.
 *  @param vm the running VM
 *  @param ev the instruction and the registers before and after it */
typedef void (*fc_trace_fn)(const struct fc_vm *vm, const struct fc_trace_event *ev);

/** Bytes of fc_vm_t private to the VM (src/vm/vm_internal.h: the binding,
 *  the register file, the region caches). */
#define FC_VM_PRIVATE_SIZE (144 + 20 * sizeof(uintptr_t))

/** A VM: the state of runs of one program. Caller-owned (about 0.5 KiB);
 *  fc_vm_init() prepares it. */
typedef struct fc_vm {
    const fc_program_t *prog; /**< the program it runs (not owned) */
    uint8_t *stack;           /**< stack memory (region 0; not owned) */
    size_t stack_size;        /**< bytes of stack */
    fc_error_t fault;         /**< why the last run stopped, FC_OK when it exited */
    uint64_t executed;        /**< instructions executed by the last run */
    /** Instructions allowed per run (0: FC_DEFAULT_BUDGET). Checked at every
     * control transfer (taken jump, call, return) and around every helper
     * call: the run stops with FC_FAULT_BUDGET before the first instruction
     * beyond the budget that follows one of those. Straight-line code has
     * no check (that is what keeps counting free), so the last stretch of
     * it may run past the budget by at most its own length before the run
     * stops with FC_FAULT_BUDGET (a run that reaches exit over budget stops
     * the same way). vm->executed is exact for runs within the budget and
     * equals the budget for a budget fault. */
    uint64_t budget;
    uint32_t max_depth; /**< deepest local-call nesting reached in the last run */
    uint32_t n_regions; /**< regions granted, the stack included */
    /** Private to the VM: opaque storage for the state a run keeps (see
     *  struct fc_vm_private in src/vm/vm_internal.h). Early in the struct:
     *  a run's entry reads it (short offsets, shorter code). */
    union {
        uint64_t align_;                         /**< alignment only */
        unsigned char bytes[FC_VM_PRIVATE_SIZE]; /**< the storage */
    } private_;
    const fc_helper_table_t *helpers; /**< for call and callx (not owned) */
    uint64_t section_base[4];         /**< added to lddw imm per src (2 bits); [0], [3] stay 0 */
    fc_trace_fn trace;                /**< for fc_vm_run_traced() */
    void *trace_user;                 /**< for the tracer */
    void *user;                       /**< for helpers: the embedding's per-run context */
    /* Last, and not written by fc_vm_init() (they are written before they
     * are read: fc_vm_set_helpers(), fc_vm_add_region()); the fields the
     * interpreter uses most come first (short offsets, shorter code). */
    fc_helper_mask_t allowed;            /**< run-time allow-list for callx */
    fc_region_t regions[FC_MAX_REGIONS]; /**< granted memory, [0] the stack */
} fc_vm_t;

#ifndef FC_DEFAULT_BUDGET
/** Instructions per run when vm->budget is 0. */
#define FC_DEFAULT_BUDGET 1000000u
#endif

/** One executed instruction, for tracing tools. */
typedef struct fc_trace_event {
    uint32_t pc;               /**< slot index */
    fc_insn_t insn;            /**< the slot */
    uint64_t before[FC_NREGS]; /**< r0..r10 before it */
    uint64_t after[FC_NREGS];  /**< r0..r10 after it */
} fc_trace_event_t;

/** Prepare runs of prog with the given stack, which becomes region 0
 *  (read-write). The VM is left unbound: its first run does the preflight
 *  and binds it (see fc_vm_run()). Helpers: none until fc_vm_set_helpers().
 *  Zeroes the registers and everything else of fc_vm_t before the helper
 *  mask.
 *  @param vm the VM (caller-owned)
 *  @param prog the program (caller-owned, not copied; must outlive the runs)
 *  @param stack 8-aligned stack memory (caller-owned; must outlive the runs)
 *  @param stack_size bytes, a nonzero multiple of 8
 *  @return FC_OK, or FC_ERR_BAD_CONFIG for a bad stack (the VM then refuses
 *          to run) */
fc_status_t fc_vm_init(fc_vm_t *vm, const fc_program_t *prog, void *stack, size_t stack_size);

/** Set vm->budget (a plain write works the same): the next run sees a
 *  budget other than the bound one and binds again, which costs one
 *  preflight.
 *  @param vm the VM
 *  @param budget instructions per run (0: FC_DEFAULT_BUDGET) */
void fc_vm_set_budget(fc_vm_t *vm, uint64_t budget);

/** Set the helpers runs may call.
 *  @param vm the VM
 *  @param helpers the table (not copied; must outlive the runs), or NULL
 *  @param allowed the ids a run may call (copied), or NULL: all */
void fc_vm_set_helpers(fc_vm_t *vm, const fc_helper_table_t *helpers,
                       const fc_helper_mask_t *allowed);

/** Grant [start, start+len) with perm for the coming runs.
 *  @param vm the VM
 *  @param start host memory (not owned; must stay valid while granted)
 *  @param len bytes; start + len must not wrap
 *  @param perm FC_PERM_READ, FC_PERM_WRITE or FC_PERM_RW
 *  @return FC_OK, or FC_ERR_BAD_CONFIG (no room, bad perm, wrapping range) */
fc_status_t fc_vm_add_region(fc_vm_t *vm, const void *start, size_t len, uint32_t perm);

/** Drop every region but the stack.
 *  @param vm the VM */
void fc_vm_reset_regions(fc_vm_t *vm);

/** The number of regions granted now, the stack included: a mark to give
 *  fc_vm_revoke_regions() after granting regions for some runs only.
 *  Inline: a host that grants a context per run calls it around each.
 *  @param vm an initialised VM (borrowed)
 *  @return the count of granted regions, 0..FC_MAX_REGIONS */
FC_VM_INLINE uint32_t fc_vm_region_count(const fc_vm_t *vm)
{
    return vm->n_regions;
}

/** Grant [start, start+len) with perm for the coming run: the context of
 *  one run, in the next region slot. fc_vm_add_region() with the same
 *  checks and result, inline for the per-run path (no slot left, a perm
 *  other than read, write or both, a range that wraps: FC_ERR_BAD_CONFIG,
 *  nothing granted). Take it back after the run with
 *  fc_vm_revoke_regions() and the fc_vm_region_count() from before.
 *  @param vm an initialised VM (borrowed), not running
 *  @param start host memory (not owned; must stay valid while granted)
 *  @param len bytes; start + len must not wrap
 *  @param perm FC_PERM_READ, FC_PERM_WRITE or FC_PERM_RW
 *  @return FC_OK, or FC_ERR_BAD_CONFIG */
FC_VM_INLINE fc_status_t fc_vm_grant_context(fc_vm_t *vm, const void *start, size_t len,
                                             uint32_t perm)
{
    uintptr_t s = (uintptr_t)start;
    uint32_t n = vm->n_regions;
    /* perm - 1 above 2: 0, or a bit beyond FC_PERM_RW */
    if (n >= FC_MAX_REGIONS || perm - 1u > (uint32_t)FC_PERM_RW - 1u || len > UINTPTR_MAX - s)
        return FC_ERR_BAD_CONFIG;
    vm->regions[n].start = s;
    vm->regions[n].len = len;
    vm->regions[n].perm = perm;
    vm->n_regions = n + 1u;
    return FC_OK;
}

/** Revoke every region granted after the first keep (keep from
 *  fc_vm_region_count()): the regions of one run, a context for example.
 *  A keep at or above the count changes nothing. Not during a run. No
 *  cache to clear: a run that matched a region against the interpreters'
 *  caches marks them, and the next run resets them to the stack before its
 *  first access, so a revoked region is never used again. Inline, as
 *  fc_vm_grant_context().
 *  @param vm an initialised VM (borrowed)
 *  @param keep the regions to keep, in the order they were granted */
FC_VM_INLINE void fc_vm_revoke_regions(fc_vm_t *vm, uint32_t keep)
{
    if (keep < vm->n_regions)
        vm->n_regions = keep;
}

/** Set the base address lddw adds for a pseudo source.
 *  @param vm the VM
 *  @param src FC_LDDW_RODATA or FC_LDDW_DATA (others are ignored)
 *  @param base the section's host address (grant it as a region too) */
void fc_vm_set_section(fc_vm_t *vm, enum fc_lddw_src src, const void *base);

/** Run the bound program from entry. The VM is bound to a program
 *  generation, a budget and an entry (by the run that did the preflight):
 *  a run that matches all three, after a run that did not fault, trusts the
 *  binding and skips the preflight; any other run (the first after
 *  fc_vm_init(), which leaves the VM unbound) does the preflight (program
 *  verified, stack large enough, entry among prog->entries) and, when it
 *  passes, binds the VM to what it checked. fc_verify() and
 *  fc_program_translate() change the generation, so a changed program is
 *  always checked again.
 *  @param vm the VM (fc_vm_init())
 *  @param entry 0 or a verified entry point
 *  @param r1 first argument
 *  @param r2 second argument
 *  @param r0 receives the result when the run exits
 *  @return FC_OK: *r0 holds the result; otherwise the run faulted and
 *          vm->fault says why, where and (for memory) which access, or the
 *          run was refused (not verified, no stack, bad entry, a
 *          pre-decoded form that is neither linked nor a translation:
 *          FC_ERR_BAD_CONFIG) */
fc_status_t fc_vm_run(fc_vm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2, uint64_t *r0);

/** fc_vm_run(), calling vm->trace after every instruction (builds with
 *  FC_VM_TRACE).
 *  @param vm the VM
 *  @param entry 0 or a verified entry point
 *  @param r1 first argument
 *  @param r2 second argument
 *  @param r0 receives the result when the run exits
 *  @return as fc_vm_run() */
fc_status_t fc_vm_run_traced(fc_vm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2, uint64_t *r0);

/** For helpers: check a guest range. Overflow-free on the full 64-bit
 *  address.
 *  @param vm the running VM
 *  @param addr guest address (untrusted)
 *  @param len bytes; 0 is allowed (an address inside a region or at its end)
 *  @param perm the access wanted (enum fc_perm)
 *  @return the host pointer for [addr, addr+len) if the whole range lies
 *          inside one granted region with perm, else NULL */
void *fc_vm_check_ptr(fc_vm_t *vm, uint64_t addr, uint64_t len, uint32_t perm);

/** For helpers: stop the container after this helper returns (the first
 *  fault of a run is kept).
 *  @param vm the running VM
 *  @param code an FC_FAULT_ code
 *  @param reason a static string, or NULL */
void fc_vm_fault(fc_vm_t *vm, fc_status_t code, const char *reason);

/** For helpers: fc_vm_fault() for a refused memory argument, recording the
 *  guest range in vm->fault.addr and vm->fault.size too. Like fc_vm_fault(),
 *  keeps the first fault of a run (and its address) if there was one.
 *  @param vm the VM running the helper (borrowed)
 *  @param code the fault, usually FC_FAULT_HELPER_ARG
 *  @param reason static text saying which argument was refused (borrowed)
 *  @param addr the guest address of the refused range
 *  @param len its length in bytes (recorded saturated to 32 bits) */
void fc_vm_fault_access(fc_vm_t *vm, fc_status_t code, const char *reason, uint64_t addr,
                        uint64_t len);

/* ---- JIT (opt-in: src/vm/jit/, Thumb-2 for Cortex-M3/M4/M7/M33, RV32IMAC) */
/* A program translated to machine code in a host-supplied buffer (RAM the
 * core executes from, or a flash slot). Not part of the default build: the
 * firmware links src/vm/jit/jit.c, jit_runtime.c and its core's backend
 * (jit_thumb2.c or jit_rv32.c) when it wants it (docs/jit.md). */
/** A program translated to machine code (caller-owned). */
typedef struct fc_jit {
    const fc_program_t *prog; /**< the program translated, NULL: none */
    uint32_t generation;      /**< prog->generation at translation */
    void *code;               /**< entry of the generated code (Thumb bit clear) */
    uint32_t code_size;       /**< bytes of generated code */
    /** Why the last translation fell back to the interpreter (FC_OK: it
     *  did not): the code, the instruction index and a reason. */
    fc_error_t refused;
    uint32_t fallback_runs; /**< runs fc_jit_run() handed to the interpreter */
} fc_jit_t;

/** Translate a verified program. Otherwise (an instruction the JIT does
 *  not cover yet, buffer full) jit->refused says which and why, and
 *  fc_jit_run() runs the interpreter: same results, reported, not hidden.
 *  @param jit the translation record (caller-owned)
 *  @param prog a verified program (must outlive the translation)
 *  @param buf executable memory, 4-byte aligned (caller-owned)
 *  @param cap bytes in buf
 *  @return FC_OK: fc_jit_run() runs the generated code; else why not */
fc_status_t fc_jit_translate(fc_jit_t *jit, const fc_program_t *prog, void *buf, size_t cap);

/** fc_vm_run() through the generated code when jit holds a translation of
 *  vm->prog at its current generation and entry is 0; else the interpreter
 *  (jit->fallback_runs counts those). Same r0, status, fault record and
 *  vm->executed as fc_vm_run().
 *  @param jit the translation
 *  @param vm the VM
 *  @param entry 0 or a verified entry point
 *  @param r1 first argument
 *  @param r2 second argument
 *  @param r0 receives the result when the run exits
 *  @return as fc_vm_run() */
fc_status_t fc_jit_run(fc_jit_t *jit, fc_vm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2,
                       uint64_t *r0);

/** Let jit run code that fc_jit_translate() made for prog, a program
 *  rebuilt with the same text, frame size and call depth as the one
 *  translated: the engine rebuilds a container's program from its slot at
 *  each preparation and keeps the code it translated at install. The caller
 *  vouches for that sameness.
 *  @param jit the translation record (caller-owned; fallback_runs is kept)
 *  @param prog the rebuilt program (borrowed, must outlive its runs)
 *  @param code the generated code (borrowed), or NULL: runs go to the
 *         interpreter (counted in fallback_runs)
 *  @param code_size bytes of generated code at code */
void fc_jit_adopt(fc_jit_t *jit, const fc_program_t *prog, void *code, uint32_t code_size);

#ifdef __cplusplus
}
#endif
#endif
