/* The interpreter: fc_vm_run() and fc_vm_run_traced().
 *
 * Both are the same body (interp_body.h) compiled twice, once with tracing.
 * The body dispatches on the opcode byte, with computed goto where the
 * compiler has it (GCC, clang) and a switch otherwise; FC_VM_SWITCH forces
 * the switch (that is the build Frama-C analyses). */
#include "vm_run.h"

#if !FC_VM_SMALL

#if defined(__GNUC__) && !defined(FC_VM_SWITCH) && !defined(__FRAMAC__)
#define FC_COMPUTED_GOTO 1
#else
#define FC_COMPUTED_GOTO 0
#endif

/* The pre-decoded form needs computed goto and RAM per slot: on by
 * default on 64-bit hosts, off on microcontrollers (FC_VM_XLATE=1 to
 * enable). */
#ifndef FC_VM_XLATE
#if UINTPTR_MAX > 0xffffffffu
#define FC_VM_XLATE 1
#else
#define FC_VM_XLATE 0
#endif
#endif
#if !FC_COMPUTED_GOTO
#undef FC_VM_XLATE
#define FC_VM_XLATE 0
#endif

#if FC_VM_XLATE
static int is_insn(const fc_insn_t *t, uint32_t n, uint32_t i, uint8_t opcode, unsigned dst,
                   int32_t imm)
{
    return i < n && t[i].opcode == opcode && FC_INSN_DST(t[i]) == dst && t[i].imm == imm &&
           t[i].offset == 0;
}

/* Which fused handler, if any, can stand for the slots starting at i. Each
 * slot is considered on its own: a jump into the middle of a fused group
 * lands on that slot's own handler, so fusion never changes what a jump
 * sees. Fused groups contain no jump and nothing that can fault. */
static int extension_at(const fc_insn_t *t, uint32_t n, uint32_t i, unsigned d, int with_mov)
{
    static const int8_t sext_ops[3][2] = {
        {32, FUSED_SEXT32}, {48, FUSED_SEXT16}, {56, FUSED_SEXT8}};
    if (is_insn(t, n, i, FC_OPC_LSH64_K, d, 32) && is_insn(t, n, i + 1, FC_OPC_RSH64_K, d, 32))
        return with_mov ? FUSED_ZEXT_MOV : FUSED_ZEXT;
    for (unsigned k = 0; k < 3; k++)
        if (is_insn(t, n, i, FC_OPC_LSH64_K, d, sext_ops[k][0]) &&
            is_insn(t, n, i + 1, FC_OPC_ARSH64_K, d, sext_ops[k][0]))
            return sext_ops[k][1] + (with_mov ? FUSED_SEXT32_MOV - FUSED_SEXT32 : 0);
    return -1;
}

static int fusion_at(const fc_insn_t *t, uint32_t n, uint32_t i, fc_xinsn_t *x)
{
    fc_insn_t a = t[i];
    unsigned d = FC_INSN_DST(a);
    int is_mov = a.opcode == FC_OPC_MOV64_X && a.offset == 0 && a.imm == 0;
    int k = extension_at(t, n, is_mov ? i + 1 : i, d, is_mov);
    if (k >= 0)
        return k;
    if (is_mov && i + 1 < n && t[i + 1].opcode == FC_OPC_ADD64_X && FC_INSN_DST(t[i + 1]) == d &&
        FC_INSN_SRC(t[i + 1]) != d && t[i + 1].offset == 0 && t[i + 1].imm == 0) {
        x->offset = (int16_t)(FC_INSN_SRC(t[i + 1]) * 8);
        return FUSED_ADD3;
    }
    if (is_mov && i + 1 < n && t[i + 1].opcode == FC_OPC_ADD64_K && FC_INSN_DST(t[i + 1]) == d &&
        t[i + 1].offset == 0) {
        x->imm = t[i + 1].imm;
        return FUSED_ADDK3;
    }
    if (is_mov)
        return FUSED_MOV64;
    if (a.opcode == FC_OPC_MOV32_X && a.offset == 0)
        return FUSED_MOV32;
    return -1;
}

/* Jumps of the pre-decoded form carry their displacement in bytes: for ja
 * and conditional jumps in the 16-bit offset field, which bounds them to
 * +-2047 slots (a larger program runs in place instead). */
static int scale_jump(fc_insn_t in, fc_xinsn_t *x)
{
    unsigned fmt = fc_isa_format_of(in.opcode); /* jumps have no selector */
    if (fmt == FC_FMT_JA32) {
        x->imm = (int32_t)(((int64_t)in.imm + 1) * (int64_t)sizeof *x);
        return 1;
    }
    if (fmt != FC_FMT_JA && fmt != FC_FMT_JCC_K && fmt != FC_FMT_JCC_X)
        return 1;
    int32_t bytes = ((int32_t)in.offset + 1) * (int32_t)sizeof *x;
    if (bytes < INT16_MIN || bytes > INT16_MAX)
        return 0;
    x->offset = (int16_t)bytes;
    return 1;
}

typedef struct xlate_tables {
    const void *const *dispatch;  /* by opcode */
    const void *const *mem_r10;   /* by opcode: r10-based access, proven in frame */
    const void *const *mem_stk;   /* by opcode: base probably on the stack */
    const void *const *mem_pair;  /* by opcode: two adjacent accesses, same base */
    const void *const *load_sext; /* by opcode: load, then lsh/arsh sign extension */
    const void *const *fused;     /* by enum fused_op */
} xlate_tables_t;

/* Which registers ever hold a pointer derived from r10: a register is
 * "stackish" if any instruction of the program makes it one (mov from a
 * stackish register, or pointer + index with one). Flow-insensitive on
 * purpose: it only picks which check runs first (stack or last region),
 * every access stays fully checked, so a wrong guess costs time, never
 * safety. */
static void find_stack_pointers(const fc_insn_t *t, uint32_t n, uint8_t *stackish)
{
    memset(stackish, 0, 16);
    stackish[10] = 1;
    for (int changed = 1, rounds = 0; changed && rounds < 11; rounds++) {
        changed = 0;
        for (uint32_t i = 0; i < n; i++) {
            unsigned d = FC_INSN_DST(t[i]), s = FC_INSN_SRC(t[i]);
            int derived = (t[i].opcode == FC_OPC_MOV64_X && t[i].offset == 0) ||
                          t[i].opcode == FC_OPC_ADD64_X;
            if (derived && stackish[s] && !stackish[d]) {
                stackish[d] = 1;
                changed = 1;
            }
        }
    }
}

static const void *memory_handler(const xlate_tables_t *tb, const uint8_t *stackish, fc_insn_t in)
{
    unsigned base = (in.opcode & 7) == 1 ? FC_INSN_SRC(in) : FC_INSN_DST(in); /* LDX: src */
    if (!tb->mem_r10[in.opcode])
        return NULL;
    if (base == 10)
        return tb->mem_r10[in.opcode];
    return stackish[base] ? tb->mem_stk[in.opcode] : NULL;
}

/* Two accesses of the same kind and size through the same base register
 * at adjacent offsets; a load pair must not overwrite its base first. */
static int pair_at(const fc_insn_t *t, uint32_t n, uint32_t i, fc_xinsn_t *x)
{
    fc_insn_t a = t[i];
    if (i + 1 >= n || t[i + 1].opcode != a.opcode)
        return 0;
    fc_insn_t b = t[i + 1];
    int is_load = (a.opcode & 7) == 1;
    unsigned base = is_load ? FC_INSN_SRC(a) : FC_INSN_DST(a);
    unsigned base_b = is_load ? FC_INSN_SRC(b) : FC_INSN_DST(b);
    int32_t size = (int32_t)access_size_of(a.opcode);
    if (base != base_b || base == 10 || (is_load && FC_INSN_DST(a) == base))
        return 0;
    int32_t delta = (int32_t)b.offset - (int32_t)a.offset;
    if (delta != size && delta != -size)
        return 0;
    unsigned reg2 = is_load ? FC_INSN_DST(b) : FC_INSN_SRC(b);
    uint32_t k1 = delta > 0 ? 0u : (uint32_t)size; /* where the first sits */
    x->imm = (int32_t)(reg2 * 8u | k1 << 8);
    x->offset = b.offset; /* the lower of the two */
    if (delta > 0)
        x->offset = a.offset;
    return 1;
}

static fc_status_t translate(const fc_program_t *prog, fc_xinsn_t *x, const xlate_tables_t *tb)
{
    const fc_insn_t *t = prog->text;
    uint8_t stackish[16];
    find_stack_pointers(t, prog->len, stackish);
    for (uint32_t i = 0; i < prog->len; i++) {
        const void *mem = memory_handler(tb, stackish, t[i]);
        x[i].handler = mem ? mem : tb->dispatch[t[i].opcode];
        x[i].dst8 = (uint8_t)(FC_INSN_DST(t[i]) * 8);
        x[i].src8 = (uint8_t)(FC_INSN_SRC(t[i]) * 8);
        x[i].offset = t[i].offset;
        x[i].imm = t[i].imm;
        if (t[i].opcode == FC_OPC_LDDW) { /* keep lddw's second slot intact */
            if (i + 1 < prog->len) {
                x[i + 1].handler = tb->dispatch[0];
                x[i + 1].dst8 = x[i + 1].src8 = 0;
                x[i + 1].offset = 0;
                x[i + 1].imm = t[i + 1].imm;
            }
            i++;
            continue;
        }
        if (!scale_jump(t[i], &x[i]))
            return FC_ERR_TOO_LARGE;
        if (tb->load_sext[t[i].opcode] && FC_INSN_SRC(t[i]) != 10 &&
            extension_at(t, prog->len, i + 1, FC_INSN_DST(t[i]), 0) ==
                (t[i].opcode == FC_OPC_LDXW   ? FUSED_SEXT32
                 : t[i].opcode == FC_OPC_LDXH ? FUSED_SEXT16
                                              : FUSED_SEXT8)) {
            x[i].handler = tb->load_sext[t[i].opcode];
            continue;
        }
        if (tb->mem_pair[t[i].opcode] && pair_at(t, prog->len, i, &x[i])) {
            x[i].handler = tb->mem_pair[t[i].opcode];
            continue;
        }
        fc_xinsn_t f = x[i];
        int k = fusion_at(t, prog->len, i, &f);
        if (k >= 0) {
            f.handler = tb->fused[k];
            x[i] = f;
        }
    }
    return FC_OK;
}
#endif

/* Unsigned division per RFC 9669 (by zero: quotient 0, remainder the
 * dividend), the divisor tested where it divides, so Eva sees the test. */
static inline uint64_t udiv64(uint64_t a, uint64_t b)
{
    return b ? a / b : 0;
}
static inline uint64_t umod64(uint64_t a, uint64_t b)
{
    return b ? a % b : a;
}
static inline uint32_t udiv32(uint32_t a, uint32_t b)
{
    return b ? a / b : 0;
}
static inline uint32_t umod32(uint32_t a, uint32_t b)
{
    return b ? a % b : a;
}

/* Facts the verifier established and the interpreter relies on without a
 * run-time test, stated as preconditions where they are used: Eva checks
 * the access under them and reports each precondition it cannot prove
 * from the text alone (docs/assurance.md, section 5, says where each one is
 * proven). They compile to the plain access. */

/* An r10-relative access of size bytes at r10 + off: check_stack_access
 * accepted it only inside the frame (WP-proven, ensures in_frame). */
/*@ requires -frame <= off && off + size <= 0; */
static inline void *frame_slot(uint64_t r10, int64_t off, uint64_t frame, uint32_t size)
{
    (void)frame;
    (void)size;
    return (void *)(uintptr_t)(r10 + (uint64_t)off);
}

/* The second slot of an lddw: check_lddw accepted the lddw only when that
 * slot exists (WP-proven, ensures pair). */
/*@ requires \valid_read(pc + 1); */
static inline int32_t lddw_high(const fc_insn_t *pc)
{
    return pc[1].imm;
}

/* The slot at pc, which the verifier keeps inside the text: every jump and
 * call target lies inside its function and not on an lddw second slot, and
 * the last slot of every function is an exit or a jump (check_function). */
/*@ requires \valid_read(pc); */
static inline uint64_t fetch_verified(const fc_insn_t *pc)
{
    return fetch(pc);
}

#if FC_VM_XLATE
#define FC_INTERP_NAME run_xlate
#define FC_INTERP_TRACE 0
#define FC_INTERP_XLATE 1
#include "interp_body.h"
#undef FC_INTERP_NAME
#undef FC_INTERP_TRACE
#undef FC_INTERP_XLATE
#endif

/* fc_vm_run is the in-place interpreter itself (a translated program is
 * handed to run_xlate at its first line): no wrapper between the caller
 * and the run, which is what a hook firing pays on every container. */
#define FC_INTERP_NAME fc_vm_run
#define FC_INTERP_TRACE 0
#define FC_INTERP_XLATE 0
#define FC_INTERP_LINKAGE
#include "interp_body.h"
#undef FC_INTERP_LINKAGE
#undef FC_INTERP_NAME
#undef FC_INTERP_TRACE
#undef FC_INTERP_XLATE

#if FC_VM_TRACE
#define FC_INTERP_NAME fc_vm_run_traced
#define FC_INTERP_TRACE 1
#define FC_INTERP_XLATE 0
#define FC_INTERP_LINKAGE
#include "interp_body.h"
#undef FC_INTERP_LINKAGE
#undef FC_INTERP_NAME
#undef FC_INTERP_TRACE
#undef FC_INTERP_XLATE
#endif

fc_status_t fc_program_translate(fc_program_t *prog, fc_xinsn_t *buf, size_t cap)
{
#if FC_VM_XLATE
    if (!prog->verified || !buf || cap < prog->len)
        return FC_ERR_BAD_CONFIG;
    uint64_t unused;
    fc_status_t st = run_xlate(NULL, 0, 0, 0, &unused, prog, buf);
    if (st == FC_OK) {
        prog->xlate = buf;
        prog->generation++; /* a bound VM must see the change */
    }
    return st;
#else
    (void)prog;
    (void)buf;
    (void)cap;
    return FC_ERR_BAD_CONFIG;
#endif
}

#endif /* !FC_VM_SMALL */
