/* Femto-Containers VM: eBPF (RFC 9669) verifier and interpreter.
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

/* ---- build-time limits (override with -D) ------------------------------ */
#ifndef FC_MAX_REGIONS
#define FC_MAX_REGIONS 8 /* memory regions per run, stack included */
#endif
#ifndef FC_MAX_CALL_DEPTH
#define FC_MAX_CALL_DEPTH 8 /* nested local calls, entry frame excluded */
#endif
#ifndef FC_MAX_HELPERS
#define FC_MAX_HELPERS 64 /* helper ids are 0 .. FC_MAX_HELPERS-1 */
#endif
#ifndef FC_MAX_INSNS
#define FC_MAX_INSNS 16384 /* largest program the verifier accepts (slots) */
#endif
#ifndef FC_DEFAULT_FRAME
#define FC_DEFAULT_FRAME 512 /* bytes of stack per call frame (eBPF ABI) */
#endif
#ifndef FC_VM_TRACE /* build fc_vm_run_traced() too: hosts yes, MCUs no */
#if UINTPTR_MAX > 0xffffffffu
#define FC_VM_TRACE 1
#else
#define FC_VM_TRACE 0
#endif
#endif

#define FC_NREGS 11 /* r0..r10 */
/* The registers a run zeroes when its program may read one before writing
 * it: r0 and r3..r9 (r1, r2 are the arguments, r10 the frame pointer). */
#define FC_REGS_CLEARED 0x3f9u

/* ---- instructions ------------------------------------------------------ */
/* One 64-bit instruction slot, as stored (little-endian). */
typedef struct fc_insn {
    uint8_t opcode;
    uint8_t regs; /* dst in bits 0-3, src in bits 4-7 */
    int16_t offset;
    int32_t imm;
} fc_insn_t;

#define FC_INSN_DST(i) ((unsigned)(i).regs & 0x0fu)
#define FC_INSN_SRC(i) ((unsigned)(i).regs >> 4)

/* Decode one slot against the ISA table: the row id, or FC_OP_INVALID when
 * the opcode is unknown or a selector field matches no row (the second
 * slot of an lddw decodes as FC_OP_INVALID: it has opcode 0). */
fc_op_t fc_isa_decode(fc_insn_t insn);

/* ---- memory regions ----------------------------------------------------- */
enum fc_perm { FC_PERM_READ = 1u, FC_PERM_WRITE = 2u, FC_PERM_RW = 3u };

typedef struct fc_region {
    uintptr_t start;
    size_t len;
    uint32_t perm; /* enum fc_perm */
} fc_region_t;

/* ---- helpers ------------------------------------------------------------ */
struct fc_vm;
/* A helper receives the VM (for fc_vm_check_ptr and vm->user) and r1..r5;
 * its result goes to r0. To stop the container, call fc_vm_fault(). */
typedef uint64_t (*fc_helper_fn)(struct fc_vm *vm, uint64_t r1, uint64_t r2, uint64_t r3,
                                 uint64_t r4, uint64_t r5);

typedef struct fc_helper_table {
    const fc_helper_fn *fns; /* indexed by helper id; NULL: no such helper */
    uint32_t count;          /* entries in fns, at most FC_MAX_HELPERS */
} fc_helper_table_t;

/* A set of helper ids (bit i = id i allowed). */
typedef struct fc_helper_mask {
    uint32_t bits[(FC_MAX_HELPERS + 31) / 32];
} fc_helper_mask_t;

void fc_helper_mask_clear(fc_helper_mask_t *m);
void fc_helper_mask_all(fc_helper_mask_t *m);
void fc_helper_mask_set(fc_helper_mask_t *m, uint32_t id);
int fc_helper_mask_has(const fc_helper_mask_t *m, uint64_t id);

/* ---- verifier ------------------------------------------------------------- */
typedef struct fc_verify_config {
    const fc_helper_table_t *helpers; /* NULL: no helper may be called */
    fc_helper_mask_t allowed;         /* ids this program may call */
    uint32_t max_insns;               /* <= FC_MAX_INSNS */
    uint32_t frame_size;              /* stack bytes per frame, multiple of 8 */
    uint32_t max_call_depth;          /* <= FC_MAX_CALL_DEPTH */
    uint32_t rodata_len;              /* size of lddw src=1 section, 0: none */
    uint32_t data_len;                /* size of lddw src=2 section, 0: none */
    const uint32_t *entries;          /* extra entry points (function starts) */
    uint32_t n_entries;
} fc_verify_config_t;

/* One pre-decoded instruction slot (see fc_program_translate). */
typedef struct fc_xinsn {
    const void *handler; /* interpreter handler for this slot */
    uint8_t dst8;        /* dst register * 8 (byte offset in the register file) */
    uint8_t src8;        /* src register * 8 */
    int16_t offset;      /* or, for fused instructions, a third register * 8 */
    int32_t imm;
} fc_xinsn_t;

/* A verified program. fc_verify() fills it. A VM bound to it (fc_vm_init)
 * trusts what it checked at binding until the generation changes:
 * fc_verify() and fc_program_translate() change it. A caller that edits
 * other fields by hand binds again with fc_vm_init(). */
typedef struct fc_program {
    const fc_insn_t *text;
    uint32_t len;           /* slots */
    uint32_t frame_size;    /* bytes per frame */
    uint32_t call_depth;    /* deepest local-call nesting (0: none) */
    uint32_t stack_needed;  /* frame_size * (call_depth + 1) */
    uint32_t fingerprint;   /* FNV-1a of the text at verification */
    uint32_t helpers_used;  /* distinct helper ids called directly */
    uint8_t uses_callx;     /* register-indirect helper calls present */
    uint8_t verified;
    /* Bit i: a run may read ri before writing it (r0, r3..r9 only: r1, r2
     * and r10 are set by every run). When nonzero the run starts by zeroing
     * all of FC_REGS_CLEARED; otherwise they keep what the last run left,
     * which this program provably never reads. */
    uint16_t undefined_reads;
    const uint32_t *entries; /* as in the config, kept for fc_vm_run */
    uint32_t n_entries;
    const fc_xinsn_t *xlate; /* pre-decoded form, or NULL: run in place */
    uint32_t generation;     /* +1 at every fc_verify() and fc_program_translate() */
} fc_program_t;

/* Defaults: all helpers of the table allowed, FC_MAX_INSNS,
 * FC_DEFAULT_FRAME, FC_MAX_CALL_DEPTH, no data sections, entry 0 only. */
void fc_verify_config_default(fc_verify_config_t *cfg);

/* Check text (n slots) and, on success, bind it to prog. On refusal err
 * holds the code, the instruction index and a human reason. */
fc_status_t fc_verify(fc_program_t *prog, const fc_insn_t *text, uint32_t n,
                      const fc_verify_config_t *cfg, fc_error_t *err);

/* Optional speed-up: pre-decode a verified program into buf (len slots of
 * fc_xinsn_t, caller-owned, must outlive the program). fc_vm_run then
 * dispatches on the pre-decoded form (about twice as fast on the host)
 * instead of decoding the text in place; common clang idioms (zero and
 * sign extension by shift pairs, mov-then-add) are fused. Costs
 * sizeof(fc_xinsn_t) bytes of RAM per slot, so microcontroller builds run
 * in place by default. FC_ERR_BAD_CONFIG when the build has no computed
 * goto (the switch interpreter runs in place only) or cap < prog->len. */
fc_status_t fc_program_translate(fc_program_t *prog, fc_xinsn_t *buf, size_t cap);

/* Recompute the text fingerprint: FC_OK while the verified bytes are
 * unchanged, FC_ERR_NOT_VERIFIED otherwise (O(n); for load/boot paths). */
fc_status_t fc_program_check(const fc_program_t *prog);

/* ---- interpreter ---------------------------------------------------------- */
struct fc_trace_event;
typedef void (*fc_trace_fn)(const struct fc_vm *vm, const struct fc_trace_event *ev);

/* Bytes of fc_vm_t private to the VM (src/vm/vm_internal.h: the binding,
 * the register file, the region caches). */
#define FC_VM_PRIVATE_SIZE (152 + 18 * sizeof(uintptr_t))

typedef struct fc_vm {
    const fc_program_t *prog;
    uint8_t *stack;                   /* stack memory (region 0) */
    size_t stack_size;
    fc_error_t fault;  /* why the last run stopped, FC_OK when it exited */
    uint64_t executed; /* instructions executed by the last run */
    /* Instructions allowed per run (0: FC_DEFAULT_BUDGET). Checked at every
     * control transfer (taken jump, call, return) and around every helper
     * call: the run stops with FC_FAULT_BUDGET before the first instruction
     * beyond the budget that follows one of those. Straight-line code has
     * no check (that is what keeps counting free), so the last stretch of
     * it may run past the budget by at most its own length before the run
     * stops with FC_FAULT_BUDGET (a run that reaches exit over budget stops
     * the same way). vm->executed is exact for runs within the budget and
     * equals the budget for a budget fault. */
    uint64_t budget;
    uint32_t max_depth; /* deepest local-call nesting reached in the last run */
    uint32_t n_regions;
    /* Private to the VM: opaque storage for the state a run keeps (see
     * struct fc_vm_private in src/vm/vm_internal.h). Early in the struct:
     * a run's entry reads it (short offsets, shorter code). */
    union {
        uint64_t align_;
        unsigned char bytes[FC_VM_PRIVATE_SIZE];
    } private_;
    const fc_helper_table_t *helpers; /* for call and callx */
    uint64_t section_base[4]; /* added to lddw imm per src (2 bits); [0], [3] stay 0 */
    fc_trace_fn trace; /* for fc_vm_run_traced() */
    void *trace_user;
    void *user;        /* for helpers: the embedding's per-run context */
    /* Last, and not written by fc_vm_init() (they are written before they
     * are read: fc_vm_set_helpers(), fc_vm_add_region()); the fields the
     * interpreter uses most come first (short offsets, shorter code). */
    fc_helper_mask_t allowed;         /* run-time allow-list for callx */
    fc_region_t regions[FC_MAX_REGIONS];
} fc_vm_t;

#ifndef FC_DEFAULT_BUDGET
#define FC_DEFAULT_BUDGET 1000000u
#endif

/* One executed instruction, for tracing tools. */
typedef struct fc_trace_event {
    uint32_t pc;
    fc_insn_t insn;
    uint64_t before[FC_NREGS];
    uint64_t after[FC_NREGS];
} fc_trace_event_t;

/* Prepare a run of prog with the given stack (which becomes region 0,
 * read-write). Helpers: none until fc_vm_set_helpers(). */
fc_status_t fc_vm_init(fc_vm_t *vm, const fc_program_t *prog, void *stack, size_t stack_size);

/* Set vm->budget and keep the binding (a plain write of vm->budget works
 * too; the next run then binds again, which costs a preflight once). */
void fc_vm_set_budget(fc_vm_t *vm, uint64_t budget);

void fc_vm_set_helpers(fc_vm_t *vm, const fc_helper_table_t *helpers,
                       const fc_helper_mask_t *allowed);

/* Grant [start, start+len) with perm for the coming runs. */
fc_status_t fc_vm_add_region(fc_vm_t *vm, const void *start, size_t len, uint32_t perm);

/* Drop every region but the stack. */
void fc_vm_reset_regions(fc_vm_t *vm);

/** The number of regions granted now, the stack included: a mark to give
 *  fc_vm_revoke_regions() after granting regions for some runs only.
 *  @param vm an initialised VM (borrowed)
 *  @return the count of granted regions, 0..FC_MAX_REGIONS */
uint32_t fc_vm_region_count(const fc_vm_t *vm);

/** Revoke every region granted after the first keep (keep from
 *  fc_vm_region_count()): the regions of one run, a context for example.
 *  A keep at or above the count changes nothing. Not during a run.
 *  @param vm an initialised VM (borrowed)
 *  @param keep the regions to keep, in the order they were granted */
void fc_vm_revoke_regions(fc_vm_t *vm, uint32_t keep);

/* Base address added by lddw with pseudo source src (1 rodata, 2 data). */
void fc_vm_set_section(fc_vm_t *vm, enum fc_lddw_src src, const void *base);

/* Run from instruction `entry` (0 or a verified entry point) with r1, r2
 * as arguments. FC_OK: *r0 holds the result. Otherwise the run faulted and
 * vm->fault says why, where and (for memory) which access. */
fc_status_t fc_vm_run(fc_vm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2, uint64_t *r0);

/* The same, calling vm->trace before and after every instruction. */
fc_status_t fc_vm_run_traced(fc_vm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2,
                             uint64_t *r0);

/* For helpers: the host pointer for guest [addr, addr+len) if the whole
 * range lies inside one granted region with perm, else NULL. len 0 is
 * allowed (returns a non-NULL pointer only for an address inside a region
 * or at its end). Overflow-free on the full 64-bit address. */
void *fc_vm_check_ptr(fc_vm_t *vm, uint64_t addr, uint64_t len, uint32_t perm);

/* For helpers: stop the container after this helper returns. */
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

/* ---- JIT (opt-in: src/vm/jit/, Cortex-M3/M4/M7/M33 Thumb-2) ------------ */
/* A program translated to machine code in a host-supplied buffer (RAM the
 * core executes from, or a flash slot). Not part of the default build: the
 * firmware links src/vm/jit/jit_thumb2.c when it wants it (docs/jit.md). */
typedef struct fc_jit {
    const fc_program_t *prog; /* the program translated, NULL: none */
    uint32_t generation;      /* prog->generation at translation */
    void *code;               /* entry of the generated code (Thumb bit clear) */
    uint32_t code_size;       /* bytes of generated code */
    /* Why the last translation fell back to the interpreter (FC_OK: it
     * did not): the code, the instruction index and a reason. */
    fc_error_t refused;
    uint32_t fallback_runs; /* runs fc_jit_run handed to the interpreter */
} fc_jit_t;

/* Translate a verified program into buf (cap bytes, 4-byte aligned). FC_OK:
 * fc_jit_run runs the generated code. Otherwise (an instruction the JIT
 * does not cover yet, buffer full) jit->refused says which and why, and
 * fc_jit_run runs the interpreter: same results, reported, not hidden. */
fc_status_t fc_jit_translate(fc_jit_t *jit, const fc_program_t *prog, void *buf, size_t cap);

/* fc_vm_run through the generated code when jit holds a translation of
 * vm->prog at its current generation and entry is 0; else the interpreter
 * (jit->fallback_runs counts those). Same r0, status, fault record and
 * vm->executed as fc_vm_run. */
fc_status_t fc_jit_run(fc_jit_t *jit, fc_vm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2,
                       uint64_t *r0);

#ifdef __cplusplus
}
#endif
#endif
