/* libFuzzer target: the verifier and the interpreter on arbitrary bytes.
 *
 * The input is a program (8-byte slots; a trailing partial slot, if any,
 * picks the frame size). What the verifier accepts runs three times on the
 * same fresh memory: in place, traced (in place with a trace callback) and
 * pre-decoded (fc_program_translate). All three must agree on status, r0,
 * fault code/where/addr/size, instructions executed and the final contents
 * of every writable region: the pre-decoded form's fusions and pairings
 * must never change what a program does.
 *
 * Then the same VM runs the program a second time after every region but
 * the stack was revoked (as the engine does after each run, or with
 * fc_vm_reset_regions) and their memory freed: the per-opcode interpreter
 * keeps the regions a run matched cached in fc_vm_t across runs, and the
 * second run must behave exactly like a fresh VM that only has the stack
 * (a stale cache would reach the freed memory: AddressSanitizer).
 *
 * Every buffer the guest may touch is its own malloc block of the exact
 * size, so AddressSanitizer reports any access the VM lets through outside
 * a granted region.
 *
 *   build-fuzz/fuzz/fuzz_vm -max_total_time=60 fuzz/corpus/vm */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "femto/vm.h"

#define RUN_BUDGET 1000
#define CTX_LEN 64
#define RODATA_LEN 32
#define DATA_LEN 48
#define MAX_DEPTH 3
/* Smallest stack the harness gives a run (the program's stack_needed
 * otherwise). -DFUZZ_MIN_STACK=16 stepped around the bug of stacks under
 * 16 bytes (fixed; tests/vm/test_vm_regress.c) while it was open. */
#ifndef FUZZ_MIN_STACK
#define FUZZ_MIN_STACK 8
#endif

static volatile uint64_t sink; /* keeps results alive under -O1 */

/* Helpers: 0 arithmetic, 1 checks r1 as an r2-byte read (faults the
 * container when refused), 2 writes r2 to the 8 bytes at r1 if writable.
 * Id 3 exists but is not allowed; ids >= 4 do not exist. */
static uint64_t helper_mix(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                           uint64_t r5)
{
    (void)vm;
    return (r1 ^ (r2 << 1)) + r3 - r4 + (r5 >> 3);
}

static uint64_t helper_read(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                            uint64_t r5)
{
    (void)r3, (void)r4, (void)r5;
    const uint8_t *p = fc_vm_check_ptr(vm, r1, r2 & 0xff, FC_PERM_READ);
    if (!p) {
        fc_vm_fault(vm, FC_FAULT_HELPER_ARG, "helper_read: pointer outside the regions");
        return 0;
    }
    uint64_t sum = 0;
    for (uint64_t i = 0; i < (r2 & 0xff); i++)
        sum += p[i];
    return sum;
}

static uint64_t helper_write(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                             uint64_t r5)
{
    (void)r3, (void)r4, (void)r5;
    uint8_t *p = fc_vm_check_ptr(vm, r1, 8, FC_PERM_WRITE);
    if (!p)
        return (uint64_t)-1;
    memcpy(p, &r2, 8);
    return 0;
}

static const fc_helper_fn helper_fns[4] = {helper_mix, helper_read, helper_write, helper_mix};
static const fc_helper_table_t helpers = {helper_fns, 4};

/* Memory one run sees. Each block is allocated at its exact size. */
typedef struct world {
    uint8_t *stack, *ctx, *rodata, *data;
    size_t stack_size;
} world_t;

typedef struct outcome {
    int status;
    uint64_t r0, executed;
    fc_error_t fault;
    uint8_t stack_end[64]; /* the top of the stack (the entry frame's locals) */
    uint8_t ctx[CTX_LEN], data[DATA_LEN];
} outcome_t;

static void world_fill(world_t *w)
{
    memset(w->stack, 0, w->stack_size);
    for (unsigned i = 0; i < CTX_LEN; i++)
        w->ctx[i] = (uint8_t)(i * 7 + 1);
    for (unsigned i = 0; i < RODATA_LEN; i++)
        w->rodata[i] = (uint8_t)(0xf0 - i);
    for (unsigned i = 0; i < DATA_LEN; i++)
        w->data[i] = (uint8_t)(i ^ 0x5a);
}

static void trace_count(const fc_vm_t *vm, const fc_trace_event_t *ev)
{
    (void)vm;
    sink += ev->pc + ev->after[0];
}

static void set_up_vm(fc_vm_t *vm, const world_t *w)
{
    fc_helper_mask_t allowed;
    fc_helper_mask_clear(&allowed);
    for (uint32_t id = 0; id < 3; id++)
        fc_helper_mask_set(&allowed, id);
    fc_vm_set_helpers(vm, &helpers, &allowed);
    if (w->ctx) {
        fc_vm_add_region(vm, w->ctx, CTX_LEN, FC_PERM_RW);
        fc_vm_add_region(vm, w->rodata, RODATA_LEN, FC_PERM_READ);
        fc_vm_add_region(vm, w->data, DATA_LEN, FC_PERM_RW);
    }
    fc_vm_set_section(vm, FC_LDDW_RODATA, w->rodata);
    fc_vm_set_section(vm, FC_LDDW_DATA, w->data);
    vm->budget = RUN_BUDGET;
    vm->trace = trace_count;
}

static void keep_outcome(const fc_vm_t *vm, fc_status_t st, uint64_t r0, const world_t *w,
                         outcome_t *out)
{
    memset(out, 0, sizeof *out);
    out->status = st;
    out->r0 = st == FC_OK ? r0 : 0;
    out->executed = vm->executed;
    out->fault = vm->fault;
    out->fault.reason = NULL;
    size_t top = w->stack_size < sizeof out->stack_end ? w->stack_size : sizeof out->stack_end;
    memcpy(out->stack_end, w->stack + w->stack_size - top, top);
}

static void run_once(const fc_program_t *prog, world_t *w, int traced, outcome_t *out)
{
    fc_vm_t vm;
    world_fill(w);
    memset(out, 0, sizeof *out);
    out->status = fc_vm_init(&vm, prog, w->stack, w->stack_size);
    if (out->status != FC_OK)
        return; /* a stack the VM does not take: every mode sees the same */
    set_up_vm(&vm, w);
    uint64_t r0 = 0;
    fc_status_t st = traced ? fc_vm_run_traced(&vm, 0, (uintptr_t)w->ctx, CTX_LEN, &r0)
                            : fc_vm_run(&vm, 0, (uintptr_t)w->ctx, CTX_LEN, &r0);
    keep_outcome(&vm, st, r0, w, out);
    memcpy(out->ctx, w->ctx, CTX_LEN);
    memcpy(out->data, w->data, DATA_LEN);
}

static void report_mismatch(const char *what, const outcome_t *a, const outcome_t *b);
static int same(const outcome_t *a, const outcome_t *b);

/* Run 1 with every region; revoke all but the stack and free their
 * memory; run 2 on the same VM must equal a run on a fresh VM with the
 * stack only (same r1, now pointing at freed memory). */
static void run_revoked(const fc_program_t *prog, size_t stack_size, int reset_api)
{
    world_t w = {malloc(stack_size), malloc(CTX_LEN), malloc(RODATA_LEN), malloc(DATA_LEN),
                 stack_size};
    if (!w.stack || !w.ctx || !w.rodata || !w.data)
        abort();
    world_fill(&w);
    fc_vm_t vm, fresh;
    if (fc_vm_init(&vm, prog, w.stack, w.stack_size) != FC_OK) {
        free(w.stack), free(w.ctx), free(w.rodata), free(w.data);
        return; /* a stack the VM does not take (run_once saw the same) */
    }
    set_up_vm(&vm, &w);
    uint64_t r0 = 0, ctx = (uintptr_t)w.ctx;
    (void)fc_vm_run(&vm, 0, ctx, CTX_LEN, &r0);
    if (reset_api)
        fc_vm_reset_regions(&vm);
    else
        vm.n_regions = 1; /* the engine's revocation */
    free(w.ctx);
    free(w.rodata);
    free(w.data);
    w.ctx = NULL; /* set_up_vm: no regions but the stack; sections stay (stale) */

    static outcome_t again, alone;
    memset(w.stack, 0, w.stack_size);
    fc_status_t st = fc_vm_run(&vm, 0, ctx, CTX_LEN, &r0);
    keep_outcome(&vm, st, r0, &w, &again);
    memset(w.stack, 0, w.stack_size);
    if (fc_vm_init(&fresh, prog, w.stack, w.stack_size) != FC_OK)
        abort();
    set_up_vm(&fresh, &w); /* the same (stale) section bases as vm */
    st = fc_vm_run(&fresh, 0, ctx, CTX_LEN, &r0);
    keep_outcome(&fresh, st, r0, &w, &alone);
    if (!same(&alone, &again))
        report_mismatch(reset_api ? "run after fc_vm_reset_regions" : "run after revocation",
                        &alone, &again);
    free(w.stack);
}

static void report_mismatch(const char *what, const outcome_t *a, const outcome_t *b)
{
    fprintf(stderr,
            "fuzz_vm: %s differs from in place\n"
            "  in place: status %d r0 %#llx executed %llu fault %d where %lu addr %#llx size %u\n"
            "  other:    status %d r0 %#llx executed %llu fault %d where %lu addr %#llx size %u\n",
            what, a->status, (unsigned long long)a->r0, (unsigned long long)a->executed,
            a->fault.code, a->fault.where, a->fault.addr, a->fault.size, b->status,
            (unsigned long long)b->r0, (unsigned long long)b->executed, b->fault.code,
            b->fault.where, b->fault.addr, b->fault.size);
    abort();
}

static int same(const outcome_t *a, const outcome_t *b)
{
    return a->status == b->status && a->r0 == b->r0 && a->executed == b->executed &&
           a->fault.code == b->fault.code && a->fault.where == b->fault.where &&
           a->fault.addr == b->fault.addr && a->fault.size == b->fault.size &&
           memcmp(a->stack_end, b->stack_end, sizeof a->stack_end) == 0 &&
           memcmp(a->ctx, b->ctx, CTX_LEN) == 0 && memcmp(a->data, b->data, DATA_LEN) == 0;
}

static void run_all_modes(fc_program_t *prog, uint32_t n)
{
    world_t w;
    w.stack_size = prog->stack_needed < FUZZ_MIN_STACK ? FUZZ_MIN_STACK : prog->stack_needed;
    w.stack = malloc(w.stack_size);
    w.ctx = malloc(CTX_LEN);
    w.rodata = malloc(RODATA_LEN);
    w.data = malloc(DATA_LEN);
    fc_xinsn_t *xbuf = malloc(sizeof *xbuf * n);
    static outcome_t in_place, traced, xlated;
    if (!w.stack || !w.ctx || !w.rodata || !w.data || !xbuf)
        abort();

    run_once(prog, &w, 0, &in_place);
    run_revoked(prog, w.stack_size, 0);
    run_once(prog, &w, 1, &traced);
    if (!same(&in_place, &traced))
        report_mismatch("traced run", &in_place, &traced);
    fc_status_t st = fc_program_translate(prog, xbuf, n);
    if (st == FC_OK) {
        run_once(prog, &w, 0, &xlated);
        if (!same(&in_place, &xlated))
            report_mismatch("pre-decoded run", &in_place, &xlated);
        run_revoked(prog, w.stack_size, 1);
    } else if (st != FC_ERR_TOO_LARGE && st != FC_ERR_BAD_CONFIG) {
        abort(); /* translated, or jumps too far for it, or (BAD_CONFIG) the
                    build has no pre-decoded form (FC_VM_SMALL) */
    }
    sink += in_place.r0 + in_place.executed + (uint64_t)in_place.status;
    free(xbuf);
    free(w.stack);
    free(w.ctx);
    free(w.rodata);
    free(w.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    uint32_t n = (uint32_t)(size / sizeof(fc_insn_t));
    if (n > 4096)
        return 0;
    /* an exact-size copy: the verifier must not read past slot n-1 */
    fc_insn_t *text = malloc(n ? n * sizeof *text : 1);
    if (!text)
        abort();
    memcpy(text, bytes, n * sizeof *text);

    fc_verify_config_t cfg;
    fc_verify_config_default(&cfg);
    cfg.helpers = &helpers;
    fc_helper_mask_clear(&cfg.allowed);
    for (uint32_t id = 0; id < 3; id++)
        fc_helper_mask_set(&cfg.allowed, id);
    cfg.max_call_depth = MAX_DEPTH;
    cfg.rodata_len = RODATA_LEN;
    cfg.data_len = DATA_LEN;
    /* a trailing partial slot picks a small frame (8..64 bytes) */
    cfg.frame_size = size % 8 ? 8u * (1u + (bytes[size - 1] & 7u)) : 64u;

    fc_program_t prog;
    fc_error_t err;
    fc_status_t st = fc_verify(&prog, text, n, &cfg, &err);
    if (st == FC_OK) {
        if (fc_program_check(&prog) != FC_OK || prog.stack_needed == 0)
            abort();
        run_all_modes(&prog, n);
    } else {
        if (err.code != (int)st || !err.reason || !err.reason[0] || (n && err.where >= n))
            abort(); /* every refusal says what, where and why */
        sink += (uint64_t)err.code + err.where;
    }
    free(text);
    return 0;
}
