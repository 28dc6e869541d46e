/* The interpreter: fc_vm_run() and fc_vm_run_traced().
 *
 * Both are the same body (interp_body.h) compiled twice, once with tracing.
 * The body dispatches on the opcode byte, with computed goto where the
 * compiler has it (GCC, clang) and a switch otherwise; FC_VM_SWITCH forces
 * the switch (that is the build Frama-C analyses). */
#include <string.h>

#include "femto/vm.h"
#include "vm_internal.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the interpreter assumes a little-endian host (all supported MCUs are)"
#endif

#if defined(__GNUC__) && !defined(FC_VM_SWITCH) && !defined(__FRAMAC__)
#define FC_COMPUTED_GOTO 1
#else
#define FC_COMPUTED_GOTO 0
#endif

#if defined(__GNUC__)
#define FC_LIKELY(x) __builtin_expect(!!(x), 1)
#define FC_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define FC_NOINLINE __attribute__((noinline))
#else
#define FC_LIKELY(x) (x)
#define FC_UNLIKELY(x) (x)
#define FC_NOINLINE
#endif

typedef struct call_frame {
    const fc_insn_t *ret;
    uint64_t saved[4]; /* r6..r9, callee-saved by the eBPF ABI */
} call_frame_t;

/* -ffreestanding turns memcpy into a real call; the builtin keeps the
 * fixed-size copies below single loads and stores. */
#if defined(__GNUC__)
#define FC_MEMCPY __builtin_memcpy
#else
#define FC_MEMCPY memcpy
#endif

/* Byte-safe memory access: memcpy with a constant size compiles to one
 * load or store where the target allows unaligned access (x86, Cortex-M4
 * for 16/32 bits) and to byte accesses where it does not (Cortex-M0+), so a
 * misaligned guest address never faults the host. */
static inline uint64_t ld8(const void *p) { return *(const uint8_t *)p; }
static inline uint64_t ld16(const void *p) { uint16_t v; FC_MEMCPY(&v, p, 2); return v; }
static inline uint64_t ld32(const void *p) { uint32_t v; FC_MEMCPY(&v, p, 4); return v; }
static inline uint64_t ld64(const void *p) { uint64_t v; FC_MEMCPY(&v, p, 8); return v; }
static inline void st8(void *p, uint64_t v) { *(uint8_t *)p = (uint8_t)v; }
static inline void st16(void *p, uint64_t v) { uint16_t x = (uint16_t)v; FC_MEMCPY(p, &x, 2); }
static inline void st32(void *p, uint64_t v) { uint32_t x = (uint32_t)v; FC_MEMCPY(p, &x, 4); }
static inline void st64(void *p, uint64_t v) { FC_MEMCPY(p, &v, 8); }

static inline uint64_t fetch(const fc_insn_t *pc) { uint64_t w; FC_MEMCPY(&w, pc, 8); return w; }

static inline uint16_t swap16(uint64_t x) { return (uint16_t)((x >> 8 & 0xff) | (x & 0xff) << 8); }
static inline uint32_t swap32(uint64_t x)
{
    uint32_t v = (uint32_t)x;
    return (v >> 24) | (v >> 8 & 0xff00u) | (v << 8 & 0xff0000u) | (v << 24);
}
static inline uint64_t swap64(uint64_t x)
{
    return (uint64_t)swap32(x) << 32 | swap32(x >> 32);
}

/* Arithmetic right shift without relying on implementation-defined
 * behaviour of >> on negative values. n is already masked. */
static inline uint64_t sar64(uint64_t x, unsigned n)
{
#if defined(__GNUC__) && !defined(__FRAMAC__)
    return (uint64_t)((int64_t)x >> n); /* arithmetic in GCC and clang (documented) */
#endif
    uint64_t sign = (uint64_t)0 - (x >> 63);
    return n ? (x >> n) | (sign << (63 - n) << 1) : x;
}
static inline uint32_t sar32(uint32_t x, unsigned n)
{
#if defined(__GNUC__) && !defined(__FRAMAC__)
    return (uint32_t)((int32_t)x >> n);
#endif
    uint32_t sign = (uint32_t)0 - (x >> 31);
    return n ? (x >> n) | (sign << (31 - n) << 1) : x;
}

/* Division per RFC 9669: by zero gives 0, modulo by zero leaves dst;
 * signed INT_MIN / -1 gives INT_MIN, INT_MIN % -1 gives 0 (no trap). */
static inline uint64_t sdiv64(uint64_t a, uint64_t b)
{
    if (b == 0)
        return 0;
    if (b == UINT64_MAX)
        return (uint64_t)0 - a;
    return (uint64_t)((int64_t)a / (int64_t)b);
}
static inline uint64_t smod64(uint64_t a, uint64_t b)
{
    if (b == 0)
        return a;
    if (b == UINT64_MAX)
        return 0;
    return (uint64_t)((int64_t)a % (int64_t)b);
}
static inline uint32_t sdiv32(uint32_t a, uint32_t b)
{
    if (b == 0)
        return 0;
    if (b == UINT32_MAX)
        return (uint32_t)0 - a;
    return (uint32_t)((int32_t)a / (int32_t)b);
}
static inline uint32_t smod32(uint32_t a, uint32_t b)
{
    if (b == 0)
        return a;
    if (b == UINT32_MAX)
        return 0;
    return (uint32_t)((int32_t)a % (int32_t)b);
}

/* Sign extension from 8/16/32 bits. GCC and clang define >> on a negative
 * value as arithmetic (documented implementation-defined behaviour), which
 * is two instructions; the portable form is for other compilers. */
static inline uint64_t sext(uint64_t x, unsigned bits)
{
#if defined(__GNUC__) && !defined(__FRAMAC__)
    unsigned k = 64 - bits;
    return (uint64_t)((int64_t)(x << k) >> k);
#else
    uint64_t m = (uint64_t)1 << (bits - 1);
    x &= (m << 1) - 1;
    return (x ^ m) - m;
#endif
}

/* Atomic read-modify-write. A container runs to completion on one thread
 * and its memory is not shared with a concurrent writer, so a plain
 * read-modify-write is atomic with respect to everything that can observe
 * it. p is checked (RW) by the caller. */
static void atomic_rmw(void *p, int wide, int32_t op, uint64_t *src, uint64_t *r0)
{
    uint64_t old = wide ? ld64(p) : ld32(p);
    uint64_t val = *src, res;
    switch (op & ~1) {
    case 0x00: res = old + val; break;
    case 0x40: res = old | val; break;
    case 0x50: res = old & val; break;
    case 0xa0: res = old ^ val; break;
    case 0xe0: res = val; break; /* xchg */
    default:                     /* 0xf0: cmpxchg */
        res = ((wide ? *r0 : (uint32_t)*r0) == old) ? val : old;
        *r0 = old;
        break;
    }
    if (wide)
        st64(p, res);
    else
        st32(p, res);
    if ((op & 1) && (op & ~1) != 0xf0)
        *src = old;
}

/* A region as the fast memory check wants it: lim[size] = len - size, so
 * "addr - start <= lim[size]" is one compare that cannot wrap (an address
 * below start becomes a huge offset). Only regions of at least 16 bytes
 * are cached, so len - size never wraps either; shorter ones always take
 * the slow path. */
typedef struct region_cache {
    uint64_t start;
    uint64_t lim[17]; /* indexed by access size 1, 2, 4, 8 (16: a fused pair) */
} region_cache_t;

static void cache_set(region_cache_t *c, const fc_region_t *r)
{
    if (r->len < 16)
        return;
    c->start = r->start;
    for (unsigned size = 0; size <= 16; size++)
        c->lim[size] = (uint64_t)r->len - size;
}

/* Find a region holding [addr, addr+size) with perm. On success returns
 * its index; on failure records the fault (outside every region, or inside
 * one without the permission) and returns -1. */
static FC_NOINLINE int region_lookup(fc_vm_t *vm, uint64_t addr, uint32_t size, uint32_t perm)
{
    int inside = 0;
    for (uint32_t i = 0; i < vm->n_regions && i < FC_MAX_REGIONS; i++) {
        const fc_region_t *r = &vm->regions[i];
        if (!fc_region_contains(r, addr, size))
            continue;
        if ((r->perm & perm) == perm)
            return (int)i;
        inside = 1;
    }
    vm->fault.code = inside ? FC_FAULT_MEM_PERM : FC_FAULT_MEM;
    vm->fault.reason = inside ? (perm & FC_PERM_WRITE ? "write to a read-only region"
                                                      : "read from a write-only region")
                              : "access outside every granted region";
    vm->fault.addr = addr;
    vm->fault.size = size;
    return -1;
}

/* The budget as a number of slots that fits the address arithmetic of the
 * limit (a budget beyond ~2^28 instructions is meaningless on an MCU). */
static uint64_t clamp_budget(uint64_t budget, uintptr_t text_end, size_t slot)
{
    uint64_t room = (uint64_t)(UINTPTR_MAX - text_end) / slot;
    room = room > 0 ? room - 1 : 0;
    if (budget == 0)
        budget = FC_DEFAULT_BUDGET;
    return budget < room ? budget : room;
}

/* Instructions executed up to and including the one at pc. */
static uint64_t executed_at(uint64_t budget, uintptr_t limit, const void *pc, size_t slot)
{
    int64_t remaining = ((int64_t)limit - (int64_t)(uintptr_t)pc) / (int64_t)slot;
    return (uint64_t)((int64_t)budget + 1 - remaining);
}

static fc_helper_fn helper_lookup(const fc_vm_t *vm, uint64_t id)
{
    const fc_helper_table_t *h = vm->helpers;
    if (!h || id >= h->count || !fc_helper_mask_has(&vm->allowed, id))
        return NULL;
    return h->fns[id];
}

static int entry_is_valid(const fc_program_t *prog, uint32_t entry)
{
    if (entry == 0)
        return 1;
    for (uint32_t i = 0; i < prog->n_entries; i++)
        if (prog->entries[i] == entry)
            return 1;
    return 0;
}

static fc_status_t run_preflight(fc_vm_t *vm, uint32_t entry)
{
    const fc_program_t *prog = vm->prog;
    memset(&vm->fault, 0, sizeof vm->fault);
    vm->executed = 0;
    vm->max_depth = 0;
    const char *why = NULL;
    fc_status_t code = FC_ERR_BAD_CONFIG;
    if (!prog || !prog->verified || !prog->text) {
        code = FC_ERR_NOT_VERIFIED;
        why = "program was not verified";
    } else if (!vm->stack || vm->n_regions == 0 || vm->regions[0].start != (uintptr_t)vm->stack ||
               vm->regions[0].len != vm->stack_size) {
        why = "region 0 must be the stack";
    } else if (vm->stack_size < prog->stack_needed) {
        why = "stack smaller than the program needs (frame size x call depth)";
    } else if (entry >= prog->len || !entry_is_valid(prog, entry)) {
        why = "entry is not a verified entry point";
    }
    if (why) {
        vm->fault.code = code;
        vm->fault.reason = why;
        vm->fault.where = entry;
    }
    return why ? code : FC_OK;
}

/* Fused instructions of the pre-decoded form: clang idioms that are two or
 * three slots in eBPF and one handler here. */
/* X(name, slots it stands for, effect) -- handlers and ids come from here */
#define FC_FUSED_OPS(X)                                                                            \
    X(MOV64, 1, DST = SRC)                  /* mov d, s (no movsx test) */                         \
    X(MOV32, 1, DST = SRC32)                /* mov32 d, s */                                       \
    X(ZEXT, 2, DST = DST32)                 /* lsh d, 32; rsh d, 32 */                             \
    X(SEXT32, 2, DST = sext(DST, 32))       /* lsh d, 32; arsh d, 32 */                            \
    X(SEXT16, 2, DST = sext(DST, 16))       /* lsh d, 48; arsh d, 48 */                            \
    X(SEXT8, 2, DST = sext(DST, 8))         /* lsh d, 56; arsh d, 56 */                            \
    X(ZEXT_MOV, 3, DST = SRC32)             /* mov d, s; lsh d, 32; rsh d, 32 */                   \
    X(SEXT32_MOV, 3, DST = sext(SRC, 32))   /* mov d, s; lsh d, 32; arsh d, 32 */                  \
    X(SEXT16_MOV, 3, DST = sext(SRC, 16))   /* mov d, s; lsh d, 48; arsh d, 48 */                  \
    X(SEXT8_MOV, 3, DST = sext(SRC, 8))     /* mov d, s; lsh d, 56; arsh d, 56 */                  \
    X(ADD3, 2, DST = SRC + REG3)            /* mov d, a; add d, b */                               \
    X(ADDK3, 2, DST = SRC + UIMM)           /* mov d, a; add d, k */

enum fused_op {
#define FC_FUSED_ENUM_(name, slots, effect) FUSED_##name,
    FC_FUSED_OPS(FC_FUSED_ENUM_)
#undef FC_FUSED_ENUM_
        FUSED_COUNT
};

#if FC_COMPUTED_GOTO
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
    static const int8_t sext_ops[3][2] = {{32, FUSED_SEXT32}, {48, FUSED_SEXT16},
                                          {56, FUSED_SEXT8}};
    if (is_insn(t, n, i, 0x67, d, 32) && is_insn(t, n, i + 1, 0x77, d, 32))
        return with_mov ? FUSED_ZEXT_MOV : FUSED_ZEXT;
    for (unsigned k = 0; k < 3; k++)
        if (is_insn(t, n, i, 0x67, d, sext_ops[k][0]) &&
            is_insn(t, n, i + 1, 0xc7, d, sext_ops[k][0]))
            return sext_ops[k][1] + (with_mov ? FUSED_SEXT32_MOV - FUSED_SEXT32 : 0);
    return -1;
}

static int fusion_at(const fc_insn_t *t, uint32_t n, uint32_t i, fc_xinsn_t *x)
{
    fc_insn_t a = t[i];
    unsigned d = FC_INSN_DST(a);
    int is_mov = a.opcode == 0xbf && a.offset == 0 && a.imm == 0;
    int k = extension_at(t, n, is_mov ? i + 1 : i, d, is_mov);
    if (k >= 0)
        return k;
    if (is_mov && i + 1 < n && t[i + 1].opcode == 0x0f && FC_INSN_DST(t[i + 1]) == d &&
        FC_INSN_SRC(t[i + 1]) != d && t[i + 1].offset == 0 && t[i + 1].imm == 0) {
        x->offset = (int16_t)(FC_INSN_SRC(t[i + 1]) * 8);
        return FUSED_ADD3;
    }
    if (is_mov && i + 1 < n && t[i + 1].opcode == 0x07 && FC_INSN_DST(t[i + 1]) == d &&
        t[i + 1].offset == 0) {
        x->imm = t[i + 1].imm;
        return FUSED_ADDK3;
    }
    if (is_mov)
        return FUSED_MOV64;
    if (a.opcode == 0xbc && a.offset == 0)
        return FUSED_MOV32;
    return -1;
}

/* Jumps of the pre-decoded form carry their displacement in bytes: for ja
 * and conditional jumps in the 16-bit offset field, which bounds them to
 * +-2047 slots (a larger program runs in place instead). */
static int scale_jump(fc_insn_t in, fc_xinsn_t *x)
{
    fc_op_t op = fc_isa_decode(in);
    fc_format_t fmt = op == FC_OP_INVALID ? FC_FMT_COUNT : (fc_format_t)fc_isa[op].format;
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
    const void *const *dispatch; /* by opcode */
    const void *const *mem_r10;  /* by opcode: r10-based access, proven in frame */
    const void *const *mem_stk;  /* by opcode: base probably on the stack */
    const void *const *mem_pair; /* by opcode: two adjacent accesses, same base */
    const void *const *load_sext; /* by opcode: load, then lsh/arsh sign extension */
    const void *const *fused;    /* by enum fused_op */
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
            int derived = (t[i].opcode == 0xbf && t[i].offset == 0) || t[i].opcode == 0x0f;
            if (derived && stackish[s] && !stackish[d]) {
                stackish[d] = 1;
                changed = 1;
            }
        }
    }
}

static const void *memory_handler(const xlate_tables_t *tb, const uint8_t *stackish,
                                  fc_insn_t in)
{
    unsigned base = (in.opcode & 7) == 1 ? FC_INSN_SRC(in) : FC_INSN_DST(in); /* LDX: src */
    if (!tb->mem_r10[in.opcode])
        return NULL;
    if (base == 10)
        return tb->mem_r10[in.opcode];
    return stackish[base] ? tb->mem_stk[in.opcode] : NULL;
}

static uint32_t access_size_of(uint8_t opcode)
{
    static const uint8_t sizes[4] = {4, 2, 1, 8}; /* BPF_W, BPF_H, BPF_B, BPF_DW */
    return sizes[(opcode >> 3) & 3];
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
    x->offset = delta > 0 ? a.offset : b.offset;
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
        if (t[i].opcode == 0x18) { /* keep lddw's second slot intact */
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
                (t[i].opcode == 0x61 ? FUSED_SEXT32 : t[i].opcode == 0x69 ? FUSED_SEXT16 : FUSED_SEXT8)) {
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

#define FC_INTERP_NAME run_in_place
#define FC_INTERP_TRACE 0
#define FC_INTERP_XLATE 0
#define FC_INTERP_LINKAGE static
#include "interp_body.h"
#undef FC_INTERP_LINKAGE
#undef FC_INTERP_NAME
#undef FC_INTERP_TRACE
#undef FC_INTERP_XLATE

#if FC_COMPUTED_GOTO
#define FC_INTERP_NAME run_xlate
#define FC_INTERP_TRACE 0
#define FC_INTERP_XLATE 1
#include "interp_body.h"
#undef FC_INTERP_NAME
#undef FC_INTERP_TRACE
#undef FC_INTERP_XLATE
#endif

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

fc_status_t fc_vm_run(fc_vm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2, uint64_t *r0)
{
#if FC_COMPUTED_GOTO
    if (vm->prog && vm->prog->xlate)
        return run_xlate(vm, entry, r1, r2, r0, NULL, NULL);
#endif
    return run_in_place(vm, entry, r1, r2, r0);
}

fc_status_t fc_program_translate(fc_program_t *prog, fc_xinsn_t *buf, size_t cap)
{
#if FC_COMPUTED_GOTO
    if (!prog->verified || !buf || cap < prog->len)
        return FC_ERR_BAD_CONFIG;
    uint64_t unused;
    fc_status_t st = run_xlate(NULL, 0, 0, 0, &unused, prog, buf);
    if (st == FC_OK)
        prog->xlate = buf;
    return st;
#else
    (void)prog;
    (void)buf;
    (void)cap;
    return FC_ERR_BAD_CONFIG;
#endif
}
