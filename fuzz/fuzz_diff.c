/* libFuzzer target: differential testing of src/vm against tests/refvm.
 *
 * The input bytes drive a generator that builds a program which passes the
 * verifier by construction: every instruction is a row of the opcode table
 * (fc_isa[], FC_ISA_TABLE) with its unused fields zero, registers 0-10 and
 * never a write to r10, jumps (forward and backward: the budget bounds
 * loops) to instruction starts of their own function, complete lddw pairs,
 * local calls only to later functions (no recursion, depth <= 3), helper
 * calls to the allowed ids, r10-relative accesses inside the frame. Loads,
 * stores and atomics get a base near a granted region (stack via r10 or a
 * copy of it, context, rodata, data, a write-only region), mostly inside,
 * sometimes just outside, sometimes anywhere.
 *
 * The generated program must verify: a refusal aborts (a generator bug or a
 * verifier bug; the message says which rule). It then runs, on the same
 * fresh memory each time, on src/vm in place, traced and pre-decoded
 * (fc_program_translate), and on refvm, the simple reference evaluator in
 * tests/refvm. Status, r0, fault code/where/addr/size, instructions
 * executed, deepest call and the final contents of every region must agree;
 * any difference aborts with both outcomes and the program's listing.
 *
 * Build with -DFC_VM_SMALL=1 (VM sources and this file) to check the small
 * interpreter instead (in place and traced; it has no pre-decoded form).
 *
 *   build-fuzz/fuzz/fuzz_diff -max_total_time=60 /tmp/diff-work fuzz/corpus/diff */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/refvm/refvm.h"
#include "femto/vm.h"

#define CTX_LEN 64
#define RODATA_LEN 32
#define DATA_LEN 48
#define WO_LEN 16
#define MAX_DEPTH 3
#define MAX_FUNCS 4
#define MAX_GEN 400 /* abstract instructions per program */
#define MAX_SLOTS (MAX_GEN * 4 + 8)

static volatile uint64_t sink;

/* ---- the memory a run sees ------------------------------------------------ */

typedef struct world {
    uint8_t *stack, *ctx, *rodata, *data, *wo;
    size_t stack_size;
} world_t;

static void world_fill(world_t *w)
{
    for (size_t i = 0; i < w->stack_size; i++)
        w->stack[i] = (uint8_t)(i * 13 + 5);
    for (unsigned i = 0; i < CTX_LEN; i++)
        w->ctx[i] = (uint8_t)(i * 7 + 1);
    for (unsigned i = 0; i < RODATA_LEN; i++)
        w->rodata[i] = (uint8_t)(0xf0 - i);
    for (unsigned i = 0; i < DATA_LEN; i++)
        w->data[i] = (uint8_t)(i ^ 0x5a);
    memset(w->wo, 0xee, WO_LEN);
}

/* ---- helpers, written once for both VMs ------------------------------------ */
/* 0 arithmetic; 1 sums r2&0xff bytes at r1 (faults the program with
 * FC_FAULT_HELPER_ARG when refused); 2 writes r2 to the 8 bytes at r1 if
 * writable, else returns -1; 3 returns the write-only region's address plus
 * r1&7. Id 4 exists but is not allowed; ids >= 5 do not exist. */

typedef struct helper_env {
    fc_vm_t *vm; /* one of the two is set */
    refvm_t *ref;
    const world_t *w;
} helper_env_t;

static const world_t *current_world;

static void *env_check(helper_env_t *e, uint64_t addr, uint64_t len, int write)
{
    if (e->vm)
        return fc_vm_check_ptr(e->vm, addr, len, write ? FC_PERM_WRITE : FC_PERM_READ);
    return refvm_check_ptr(e->ref, addr, len, write ? REFVM_WRITE : REFVM_READ);
}

static uint64_t do_helper(helper_env_t *e, unsigned id, uint64_t r1, uint64_t r2, uint64_t r3,
                          uint64_t r4, uint64_t r5)
{
    switch (id) {
    case 0:
        return (r1 ^ (r2 << 1)) + r3 - r4 + (r5 >> 3);
    case 1: {
        const uint8_t *p = env_check(e, r1, r2 & 0xff, 0);
        if (!p) {
            if (e->vm)
                fc_vm_fault(e->vm, FC_FAULT_HELPER_ARG, "helper_read: bad pointer");
            else
                refvm_fault(e->ref, FC_FAULT_HELPER_ARG);
            return 0;
        }
        uint64_t sum = 0;
        for (uint64_t i = 0; i < (r2 & 0xff); i++)
            sum += p[i];
        return sum;
    }
    case 2: {
        uint8_t *p = env_check(e, r1, 8, 1);
        if (!p)
            return (uint64_t)-1;
        memcpy(p, &r2, 8);
        return 0;
    }
    default:
        return (uint64_t)(uintptr_t)e->w->wo + (r1 & 7);
    }
}

#define VM_HELPER(id)                                                                              \
    static uint64_t vm_helper_##id(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3,             \
                                   uint64_t r4, uint64_t r5)                                       \
    {                                                                                              \
        helper_env_t e = {vm, NULL, current_world};                                                \
        return do_helper(&e, id, r1, r2, r3, r4, r5);                                              \
    }                                                                                              \
    static uint64_t ref_helper_##id(refvm_t *ref, uint64_t r1, uint64_t r2, uint64_t r3,           \
                                    uint64_t r4, uint64_t r5)                                      \
    {                                                                                              \
        helper_env_t e = {NULL, ref, current_world};                                               \
        return do_helper(&e, id, r1, r2, r3, r4, r5);                                              \
    }
VM_HELPER(0)
VM_HELPER(1)
VM_HELPER(2)
VM_HELPER(3)

#define N_ALLOWED 4 /* ids 0..3 */
static const fc_helper_fn helper_fns[5] = {vm_helper_0, vm_helper_1, vm_helper_2, vm_helper_3,
                                           vm_helper_0};
static const fc_helper_table_t helpers = {helper_fns, 5};

/* ---- input reader ----------------------------------------------------------- */

typedef struct reader {
    const uint8_t *p;
    size_t left;
} reader_t;

static uint8_t byte(reader_t *r)
{
    if (!r->left)
        return 0;
    r->left--;
    return *r->p++;
}

static uint32_t word(reader_t *r)
{
    uint32_t v = byte(r);
    v |= (uint32_t)byte(r) << 8;
    v |= (uint32_t)byte(r) << 16;
    return v | (uint32_t)byte(r) << 24;
}

static int32_t interesting_imm(reader_t *r)
{
    static const int32_t values[] = {0,
                                     1,
                                     -1,
                                     2,
                                     7,
                                     8,
                                     16,
                                     31,
                                     32,
                                     33,
                                     63,
                                     64,
                                     65,
                                     -32,
                                     0x7f,
                                     0x80,
                                     0xff,
                                     0x100,
                                     0xffff,
                                     0x10000,
                                     INT32_MIN,
                                     INT32_MAX,
                                     INT32_MIN + 1,
                                     -2,
                                     -8,
                                     3};
    uint8_t b = byte(r);
    if (b < 0xa0)
        return values[b % (sizeof values / sizeof values[0])];
    if (b < 0xd0)
        return (int32_t)(int8_t)byte(r);
    return (int32_t)word(r);
}

/* ---- the generator ---------------------------------------------------------- */

enum gen_kind { G_PLAIN, G_LDDW, G_JUMP, G_CALL };

typedef struct gen_insn {
    fc_insn_t insn;
    uint32_t hi_imm; /* G_LDDW: the second slot's imm */
    uint8_t kind;
    uint8_t ja32;    /* G_JUMP: target in imm, not offset */
    uint16_t target; /* G_JUMP: abstract index; G_CALL: function */
} gen_insn_t;

typedef struct gen {
    reader_t in;
    gen_insn_t code[MAX_GEN + 8];
    uint32_t n;
    uint32_t func_start[MAX_FUNCS + 1]; /* abstract index of each function's start */
    uint32_t n_funcs, cur_func;
    uint32_t frame;
    int reserve_r6; /* r6 holds the context pointer throughout */
} gen_t;

static fc_insn_t mk(uint8_t op, unsigned dst, unsigned src, int16_t off, int32_t imm)
{
    fc_insn_t i;
    i.opcode = op;
    i.regs = (uint8_t)(dst | src << 4);
    i.offset = off;
    i.imm = imm;
    return i;
}

static void emit(gen_t *g, fc_insn_t insn)
{
    if (g->n >= MAX_GEN + 8)
        return;
    gen_insn_t *c = &g->code[g->n++];
    memset(c, 0, sizeof *c);
    c->insn = insn;
    c->kind = G_PLAIN;
}

static void emit_lddw(gen_t *g, unsigned dst, unsigned src, uint64_t value)
{
    if (g->n >= MAX_GEN + 8)
        return;
    gen_insn_t *c = &g->code[g->n++];
    memset(c, 0, sizeof *c);
    c->insn = mk(0x18, dst, src, 0, (int32_t)(uint32_t)value);
    c->hi_imm = (uint32_t)(value >> 32);
    c->kind = G_LDDW;
}

/* A register the program may write: r0-r9, not r6 while it is reserved. */
static unsigned writable_reg(gen_t *g)
{
    unsigned r = byte(&g->in) % 10;
    if (g->reserve_r6 && r == 6)
        r = 7;
    return r;
}

static unsigned any_reg(gen_t *g)
{
    return byte(&g->in) % 11;
}

/* Offset so that region_offset + off lands near [0, len - size]: mostly
 * inside, sometimes just before or just after. region_offset is where the
 * base points, relative to the region start. */
static int16_t near_offset(gen_t *g, int32_t region_offset, int32_t len, int32_t size)
{
    uint8_t b = byte(&g->in);
    int32_t rel; /* wanted address, relative to the region start */
    if (b < 170 && len >= size)
        rel = (int32_t)(byte(&g->in) % (uint32_t)(len - size + 1));
    else if (b < 213)
        rel = -(int32_t)(1 + byte(&g->in) % (uint32_t)size); /* straddles or precedes the start */
    else
        rel =
            len - size + 1 + (int32_t)(byte(&g->in) % (uint32_t)(size + 4)); /* straddles the end */
    return (int16_t)(rel - region_offset);
}

/* A load, store or atomic (row op) with a base set up near some region. */
static void gen_memory(gen_t *g, fc_op_t op)
{
    const fc_isa_row_t *row = &fc_isa[op];
    fc_format_t fmt = (fc_format_t)row->format;
    int32_t size = (int32_t)(row->opcode & 0x18) == 0x00 ? 4
                   : (row->opcode & 0x18) == 0x08        ? 2
                   : (row->opcode & 0x18) == 0x10        ? 1
                                                         : 8;
    int32_t imm = 0;
    if (fmt == FC_FMT_ATOMIC)
        imm = row->selval;
    else if (fmt == FC_FMT_ST)
        imm = interesting_imm(&g->in);
    int fetches = fmt == FC_FMT_ATOMIC && (imm & 1) && imm != 0xf1;
    unsigned value = fmt == FC_FMT_LDX ? writable_reg(g) : any_reg(g); /* dst of ldx, src of stx */
    if (fetches) /* the fetched value goes to src: not r10, not a reserved r6 */
        value = writable_reg(g);
    unsigned base = writable_reg(g);
    int16_t off;
    uint8_t kind = byte(&g->in) % 9;
    switch (kind) {
    case 0:
    case 1: { /* r10 itself: the verifier wants [-frame, 0) */
        base = 10;
        off = (int16_t)(-(int32_t)g->frame +
                        (int32_t)(byte(&g->in) % (g->frame - (uint32_t)size + 1)));
        break;
    }
    case 2: { /* a copy of r10, anywhere around the current frame */
        int32_t shift = (int32_t)(int8_t)byte(&g->in);
        emit(g, mk(0xbf, base, 10, 0, 0));
        if (shift)
            emit(g, mk(0x07, base, 0, 0, shift));
        off = (int16_t)(-(int32_t)(byte(&g->in) % (g->frame + 16)) + 8 - shift);
        break;
    }
    case 3: /* the context, via r6 (or r1 in the entry frame of an unreserved program) */
        emit(g, mk(0xbf, base, g->reserve_r6 ? 6 : 1, 0, 0));
        off = near_offset(g, 0, CTX_LEN, size);
        break;
    case 4: { /* rodata (read-only) */
        uint32_t k = byte(&g->in) % (RODATA_LEN + 1);
        emit_lddw(g, base, FC_LDDW_RODATA, k);
        off = near_offset(g, (int32_t)k, RODATA_LEN, size);
        break;
    }
    case 5: { /* data */
        uint32_t k = byte(&g->in) % (DATA_LEN + 1);
        emit_lddw(g, base, FC_LDDW_DATA, k);
        off = near_offset(g, (int32_t)k, DATA_LEN, size);
        break;
    }
    case 6: { /* the write-only region, from helper 3 */
        uint32_t k = byte(&g->in) % 8;
        emit(g, mk(0xb7, 1, 0, 0, (int32_t)k));
        emit(g, mk(0x85, 0, 0, 0, 3));
        emit(g, mk(0xbf, base, 0, 0, 0));
        off = near_offset(g, (int32_t)k, WO_LEN, size);
        break;
    }
    case 7: { /* far away: wrap-around and high-half addresses */
        static const uint64_t far[] = {0,
                                       1,
                                       (uint64_t)1 << 32,
                                       (uint64_t)1 << 63,
                                       UINT64_MAX,
                                       UINT64_MAX - 3,
                                       0xffffffffu,
                                       0x100000000u - 2};
        uint64_t delta = far[byte(&g->in) % 8];
        unsigned scratch = writable_reg(g);
        emit(g, mk(0xbf, base, g->reserve_r6 ? 6 : 1, 0, 0));
        emit_lddw(g, scratch, 0, delta); /* base + delta (base doubles when scratch == base) */
        emit(g, mk(0x0f, base, scratch, 0, 0));
        off = (int16_t)(int8_t)byte(&g->in);
        break;
    }
    default: /* whatever the register holds */
        off = (int16_t)(int8_t)byte(&g->in);
        break;
    }
    if (fmt == FC_FMT_LDX)
        emit(g, mk(row->opcode, value, base, off, 0));
    else if (fmt == FC_FMT_ST)
        emit(g, mk(row->opcode, base, 0, off, imm));
    else
        emit(g, mk(row->opcode, base, value, off, imm));
}

/* One instruction (or a short group) from table row op. */
static void gen_row(gen_t *g, fc_op_t op)
{
    const fc_isa_row_t *row = &fc_isa[op];
    fc_format_t fmt = (fc_format_t)row->format;
    int16_t off = row->sel == FC_SEL_OFF ? (int16_t)row->selval : 0;
    switch (fmt) {
    case FC_FMT_ALU_K: {
        int32_t imm = row->sel == FC_SEL_IMM ? row->selval : interesting_imm(&g->in);
        emit(g, mk(row->opcode, writable_reg(g), 0, off, imm));
        break;
    }
    case FC_FMT_ALU_X: {
        unsigned dst = writable_reg(g);
        emit(g, mk(row->opcode, dst, any_reg(g), off, 0));
        break;
    }
    case FC_FMT_UNARY:
        emit(g, mk(row->opcode, writable_reg(g), 0, 0, 0));
        break;
    case FC_FMT_END:
        emit(g, mk(row->opcode, writable_reg(g), 0, 0, row->selval));
        break;
    case FC_FMT_LDDW: {
        unsigned dst = writable_reg(g);
        uint64_t value;
        if (row->selval == FC_LDDW_RODATA)
            value = byte(&g->in) % (RODATA_LEN + 1);
        else if (row->selval == FC_LDDW_DATA)
            value = byte(&g->in) % (DATA_LEN + 1);
        else
            value = (uint64_t)word(&g->in) << 32 | (uint32_t)interesting_imm(&g->in);
        emit_lddw(g, dst, (unsigned)row->selval, value);
        break;
    }
    case FC_FMT_LDX:
    case FC_FMT_ST:
    case FC_FMT_STX:
    case FC_FMT_ATOMIC:
        gen_memory(g, op);
        break;
    case FC_FMT_JA:
    case FC_FMT_JA32:
    case FC_FMT_JCC_K:
    case FC_FMT_JCC_X: {
        if (g->n >= MAX_GEN + 8)
            break;
        fc_insn_t insn;
        if (fmt == FC_FMT_JCC_K)
            insn = mk(row->opcode, any_reg(g), 0, 0, interesting_imm(&g->in));
        else if (fmt == FC_FMT_JCC_X) {
            unsigned dst = any_reg(g);
            insn = mk(row->opcode, dst, any_reg(g), 0, 0);
        } else
            insn = mk(row->opcode, 0, 0, 0, 0);
        gen_insn_t *c = &g->code[g->n++];
        memset(c, 0, sizeof *c);
        c->insn = insn;
        c->kind = G_JUMP;
        c->ja32 = fmt == FC_FMT_JA32;
        /* a target among this function's instructions so far and a few
         * ahead; resolved (and clamped to the function) at layout */
        int32_t delta = (int32_t)(int8_t)byte(&g->in) % 24;
        if (delta < 0 && (byte(&g->in) & 7) != 0)
            delta = -delta; /* mostly forward: backward jumps mostly loop until the budget */
        int32_t t = (int32_t)(g->n - 1) + delta;
        c->target = (uint16_t)(t < 0 ? 0 : t);
        break;
    }
    case FC_FMT_CALL: {
        uint8_t b = byte(&g->in);
        if (b % 4 == 1) /* helper_read wants a pointer and a length */
            emit(g, mk(0xbf, 1, 10, 0, 0)), emit(g, mk(0x07, 1, 0, 0, -(int32_t)(b % 16)));
        emit(g, mk(0x85, 0, 0, 0, b % N_ALLOWED));
        break;
    }
    case FC_FMT_CALL_LOCAL:
        if (g->cur_func + 1 < g->n_funcs && g->n < MAX_GEN + 8) {
            gen_insn_t *c = &g->code[g->n++];
            memset(c, 0, sizeof *c);
            c->insn = mk(0x85, 0, 1, 0, 0);
            c->kind = G_CALL;
            c->target = (uint16_t)(g->cur_func + 1 + byte(&g->in) % (g->n_funcs - g->cur_func - 1));
        }
        break;
    case FC_FMT_CALLX: {
        static const int32_t ids[] = {0, 1, 2, 3, 4, 5, 63, 64, -1};
        unsigned dst = byte(&g->in) % 16 == 15 ? 10 : writable_reg(g); /* r10: an address */
        if (dst != 10)
            emit(g, mk(0xb7, dst, 0, 0, ids[byte(&g->in) % 9]));
        emit(g, mk(0x8d, dst, 0, 0, 0));
        break;
    }
    case FC_FMT_EXIT:
        emit(g, mk(0x95, 0, 0, 0, 0));
        break;
    default:
        break;
    }
}

/* Lay the abstract program out in slots; returns the slot count. */
static uint32_t layout(gen_t *g, fc_insn_t *text, uint32_t *slot_of)
{
    uint32_t s = 0;
    for (uint32_t i = 0; i < g->n; i++) {
        slot_of[i] = s;
        s += g->code[i].kind == G_LDDW ? 2 : 1;
    }
    slot_of[g->n] = s;
    uint32_t f = 0;
    for (uint32_t i = 0; i < g->n; i++) {
        while (f + 1 < g->n_funcs && i >= g->func_start[f + 1])
            f++;
        gen_insn_t *c = &g->code[i];
        fc_insn_t insn = c->insn;
        if (c->kind == G_JUMP) {
            uint32_t lo = g->func_start[f], hi = g->func_start[f + 1] - 1; /* inclusive */
            uint32_t t = c->target < lo ? lo : c->target > hi ? hi : c->target;
            int32_t rel = (int32_t)slot_of[t] - (int32_t)slot_of[i] - 1;
            if (c->ja32)
                insn.imm = rel;
            else
                insn.offset = (int16_t)rel;
        } else if (c->kind == G_CALL) {
            insn.imm = (int32_t)slot_of[g->func_start[c->target]] - (int32_t)slot_of[i] - 1;
        }
        text[slot_of[i]] = insn;
        if (c->kind == G_LDDW)
            text[slot_of[i] + 1] = mk(0, 0, 0, 0, (int32_t)c->hi_imm);
    }
    return s;
}

static uint32_t generate(gen_t *g, const uint8_t *data, size_t size, fc_insn_t *text,
                         uint32_t *slot_of, uint64_t *budget)
{
    memset(g, 0, sizeof *g);
    g->in.p = data;
    g->in.left = size;
    uint8_t h0 = byte(&g->in), h1 = byte(&g->in);
    static const uint32_t frames[8] = {8, 16, 24, 32, 64, 128, 256, 512};
    g->n_funcs = 1 + h0 % MAX_FUNCS;
    g->frame = frames[(h0 >> 2) & 7];
    g->reserve_r6 = (h0 & 0x20) == 0;
    *budget = 1 + ((uint64_t)(h1 | byte(&g->in) << 8) + 999) % 3000; /* zeros: 1000 */

    uint32_t per_func = (uint32_t)(size / 3 / g->n_funcs) + 1;
    for (g->cur_func = 0; g->cur_func < g->n_funcs; g->cur_func++) {
        g->func_start[g->cur_func] = g->n;
        if (g->cur_func == 0 && g->reserve_r6)
            emit(g, mk(0xbf, 6, 1, 0, 0));
        uint32_t limit = g->n + per_func;
        while (g->in.left && g->n < limit && g->n < MAX_GEN - 8) {
            uint8_t b = byte(&g->in);
            gen_row(g, (fc_op_t)(b % FC_OP_COUNT));
        }
        emit(g, mk(0x95, 0, 0, 0, 0)); /* every function ends with exit */
    }
    g->func_start[g->n_funcs] = g->n;
    return layout(g, text, slot_of);
}

/* ---- running ------------------------------------------------------------------- */

typedef struct outcome {
    int status;
    uint64_t r0, executed, where, addr;
    unsigned size;
    uint32_t max_depth;
    uint8_t *mem; /* every region, concatenated */
} outcome_t;

static size_t mem_total(const world_t *w)
{
    return w->stack_size + CTX_LEN + RODATA_LEN + DATA_LEN + WO_LEN;
}

static void snapshot(const world_t *w, uint8_t *out)
{
    memcpy(out, w->stack, w->stack_size);
    out += w->stack_size;
    memcpy(out, w->ctx, CTX_LEN);
    memcpy(out + CTX_LEN, w->rodata, RODATA_LEN);
    memcpy(out + CTX_LEN + RODATA_LEN, w->data, DATA_LEN);
    memcpy(out + CTX_LEN + RODATA_LEN + DATA_LEN, w->wo, WO_LEN);
}

static void trace_count(const fc_vm_t *vm, const fc_trace_event_t *ev)
{
    (void)vm;
    sink += ev->pc + ev->after[0];
}

static void run_ours(const fc_program_t *prog, world_t *w, uint64_t budget, int traced,
                     outcome_t *out)
{
    fc_vm_t vm;
    fc_helper_mask_t allowed;
    fc_helper_mask_clear(&allowed);
    for (uint32_t id = 0; id < N_ALLOWED; id++)
        fc_helper_mask_set(&allowed, id);
    world_fill(w);
    if (fc_vm_init(&vm, prog, w->stack, w->stack_size) != FC_OK)
        abort();
    fc_vm_set_helpers(&vm, &helpers, &allowed);
    if (fc_vm_add_region(&vm, w->ctx, CTX_LEN, FC_PERM_RW) != FC_OK ||
        fc_vm_add_region(&vm, w->rodata, RODATA_LEN, FC_PERM_READ) != FC_OK ||
        fc_vm_add_region(&vm, w->data, DATA_LEN, FC_PERM_RW) != FC_OK ||
        fc_vm_add_region(&vm, w->wo, WO_LEN, FC_PERM_WRITE) != FC_OK)
        abort();
    fc_vm_set_section(&vm, FC_LDDW_RODATA, w->rodata);
    fc_vm_set_section(&vm, FC_LDDW_DATA, w->data);
    vm.budget = budget;
    vm.trace = trace_count;
    uint64_t r0 = 0;
    out->status = traced ? fc_vm_run_traced(&vm, 0, (uintptr_t)w->ctx, CTX_LEN, &r0)
                         : fc_vm_run(&vm, 0, (uintptr_t)w->ctx, CTX_LEN, &r0);
    out->r0 = out->status == FC_OK ? r0 : 0;
    out->executed = vm.executed;
    out->where = out->status == FC_OK ? 0 : vm.fault.where;
    out->addr = out->status == FC_OK ? 0 : vm.fault.addr;
    out->size = out->status == FC_OK ? 0 : vm.fault.size;
    out->max_depth = vm.max_depth;
    if (out->status != vm.fault.code)
        abort(); /* the returned status and the recorded fault must agree */
    snapshot(w, out->mem);
}

static void run_ref(const fc_insn_t *text, uint32_t n_slots, const fc_program_t *prog, world_t *w,
                    uint64_t budget, outcome_t *out)
{
    static refvm_t ref;
    memset(&ref, 0, sizeof ref);
    world_fill(w);
    ref.code = (const uint8_t *)text;
    ref.n_slots = n_slots;
    ref.regions[0] = (refvm_region_t){(uintptr_t)w->stack, w->stack_size, REFVM_READ | REFVM_WRITE};
    ref.regions[1] = (refvm_region_t){(uintptr_t)w->ctx, CTX_LEN, REFVM_READ | REFVM_WRITE};
    ref.regions[2] = (refvm_region_t){(uintptr_t)w->rodata, RODATA_LEN, REFVM_READ};
    ref.regions[3] = (refvm_region_t){(uintptr_t)w->data, DATA_LEN, REFVM_READ | REFVM_WRITE};
    ref.regions[4] = (refvm_region_t){(uintptr_t)w->wo, WO_LEN, REFVM_WRITE};
    ref.n_regions = 5;
    ref.stack_top = (uintptr_t)w->stack + w->stack_size;
    ref.frame_size = prog->frame_size;
    ref.max_depth = MAX_DEPTH;
    ref.section[1] = (uintptr_t)w->rodata;
    ref.section[2] = (uintptr_t)w->data;
    ref.helpers[0] = ref_helper_0;
    ref.helpers[1] = ref_helper_1;
    ref.helpers[2] = ref_helper_2;
    ref.helpers[3] = ref_helper_3;
    ref.budget = budget;
    out->status = refvm_run(&ref, 0, (uintptr_t)w->ctx, CTX_LEN);
    out->r0 = out->status == 0 ? ref.r0 : 0;
    out->executed = ref.executed;
    out->where = out->status == 0 ? 0 : ref.where;
    out->addr = out->status == 0 ? 0 : ref.addr;
    out->size = out->status == 0 ? 0 : ref.size;
    out->max_depth = ref.max_depth_reached;
    snapshot(w, out->mem);
}

static void print_outcome(const char *name, const outcome_t *o)
{
    fprintf(stderr,
            "  %-12s status %d r0 %#llx executed %llu where %llu addr %#llx size %u depth %u\n",
            name, o->status, (unsigned long long)o->r0, (unsigned long long)o->executed,
            (unsigned long long)o->where, (unsigned long long)o->addr, o->size, o->max_depth);
}

static void compare(const char *what, const outcome_t *ref, const outcome_t *ours, size_t mem_len,
                    const fc_insn_t *text, uint32_t n, const world_t *w, uint64_t budget)
{
    int same = ref->status == ours->status && ref->r0 == ours->r0 &&
               ref->executed == ours->executed && ref->where == ours->where &&
               ref->addr == ours->addr && ref->size == ours->size &&
               ref->max_depth == ours->max_depth && memcmp(ref->mem, ours->mem, mem_len) == 0;
    if (same)
        return;
    fprintf(stderr, "fuzz_diff: %s disagrees with refvm (budget %llu, frame %u)\n", what,
            (unsigned long long)budget, (unsigned)(w->stack_size));
    print_outcome("refvm", ref);
    print_outcome(what, ours);
    for (size_t i = 0; i < mem_len; i++)
        if (ref->mem[i] != ours->mem[i]) {
            fprintf(stderr, "  memory differs first at byte %zu of %zu (stack is %zu bytes)\n", i,
                    mem_len, w->stack_size);
            break;
        }
    fprintf(stderr, "  regions: stack %p+%zu ctx %p rodata %p data %p wo %p\n", (void *)w->stack,
            w->stack_size, (void *)w->ctx, (void *)w->rodata, (void *)w->data, (void *)w->wo);
    for (uint32_t i = 0; i < n; i++)
        fprintf(stderr, "  %4u: %02x %x %x %6d %d\n", i, text[i].opcode, FC_INSN_DST(text[i]),
                FC_INSN_SRC(text[i]), text[i].offset, text[i].imm);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static gen_t g;
    static fc_insn_t text_buf[MAX_SLOTS];
    static uint32_t slot_of[MAX_GEN + 9];
    if (size > 4096)
        return 0;
    uint64_t budget;
    uint32_t n = generate(&g, data, size, text_buf, slot_of, &budget);
    /* an exact-size copy: neither VM may read past slot n-1 */
    fc_insn_t *text = malloc(n * sizeof *text);
    if (!text)
        abort();
    memcpy(text, text_buf, n * sizeof *text);

    fc_verify_config_t cfg;
    fc_verify_config_default(&cfg);
    cfg.helpers = &helpers;
    fc_helper_mask_clear(&cfg.allowed);
    for (uint32_t id = 0; id < N_ALLOWED; id++)
        fc_helper_mask_set(&cfg.allowed, id);
    cfg.max_call_depth = MAX_DEPTH;
    cfg.rodata_len = RODATA_LEN;
    cfg.data_len = DATA_LEN;
    cfg.frame_size = g.frame;

    fc_program_t prog;
    fc_error_t err;
    if (fc_verify(&prog, text, n, &cfg, &err) != FC_OK) {
        fprintf(stderr,
                "fuzz_diff: the verifier refused a generated program: %s (%d) at %lu: %s\n"
                "  (a generator bug if the program breaks that rule, else a verifier bug)\n",
                fc_status_name(err.code), err.code, err.where, err.reason);
        for (uint32_t i = 0; i < n; i++)
            fprintf(stderr, "  %4u: %02x %x %x %6d %d\n", i, text[i].opcode, FC_INSN_DST(text[i]),
                    FC_INSN_SRC(text[i]), text[i].offset, text[i].imm);
        abort();
    }

    world_t w;
    w.stack_size = prog.stack_needed;
    w.stack = malloc(w.stack_size);
    w.ctx = malloc(CTX_LEN);
    w.rodata = malloc(RODATA_LEN);
    w.data = malloc(DATA_LEN);
    w.wo = malloc(WO_LEN);
    fc_xinsn_t *xbuf = malloc(sizeof *xbuf * n);
    size_t mem_len = mem_total(&w);
    outcome_t ref = {0}, ours = {0};
    ref.mem = malloc(mem_len);
    ours.mem = malloc(mem_len);
    if (!w.stack || !w.ctx || !w.rodata || !w.data || !w.wo || !xbuf || !ref.mem || !ours.mem)
        abort();
    current_world = &w;

    run_ref(text, n, &prog, &w, budget, &ref);
    run_ours(&prog, &w, budget, 0, &ours);
    compare("in place", &ref, &ours, mem_len, text, n, &w, budget);
    run_ours(&prog, &w, budget, 1, &ours);
    compare("traced", &ref, &ours, mem_len, text, n, &w, budget);
    fc_status_t st = fc_program_translate(&prog, xbuf, n);
    if (st == FC_OK) {
        run_ours(&prog, &w, budget, 0, &ours);
        compare("pre-decoded", &ref, &ours, mem_len, text, n, &w, budget);
    } else if (st != FC_ERR_BAD_CONFIG && st != FC_ERR_TOO_LARGE) {
        /* BAD_CONFIG: no pre-decoded form (small build); TOO_LARGE: a jump
         * beyond what the pre-decoded form encodes */
        abort();
    }
    sink += ref.r0 + ref.executed + (uint64_t)ref.status;
#ifdef FUZZ_DIFF_STATS /* -DFUZZ_DIFF_STATS: how the generated programs end */
    static unsigned long outcomes[64], total_runs, total_slots, total_executed;
    outcomes[ref.status < 64 ? ref.status : 63]++;
    total_slots += n;
    total_executed += ref.executed;
    if (++total_runs % 1000 == 0) {
        fprintf(stderr,
                "fuzz_diff stats: %lu programs, %lu slots and %lu executed on average:", total_runs,
                total_slots / total_runs, total_executed / total_runs);
        for (int i = 0; i < 64; i++)
            if (outcomes[i])
                fprintf(stderr, " %s %lu", fc_status_name(i), outcomes[i]);
        fprintf(stderr, "\n");
    }
#endif

    free(ref.mem);
    free(ours.mem);
    free(xbuf);
    free(w.stack);
    free(w.ctx);
    free(w.rodata);
    free(w.data);
    free(w.wo);
    free(text);
    return 0;
}
