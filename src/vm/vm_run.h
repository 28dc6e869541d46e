/* Helpers shared by the interpreters (interp.c, the fast one, and
 * interp_small.c, the small one): byte-safe memory access, arithmetic with
 * RFC 9669 edge cases, atomics, the region lookup, the budget, entry
 * checks. Static functions: each interpreter is one translation unit. */
#ifndef FEMTO_VM_RUN_H
#define FEMTO_VM_RUN_H

#include <string.h>

#include "femto/vm.h"
#include "vm_internal.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the interpreter assumes a little-endian host (all supported MCUs are)"
#endif

#if defined(__GNUC__)
#define FC_LIKELY(x) __builtin_expect(!!(x), 1)
#define FC_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define FC_NOINLINE __attribute__((noinline, unused))
#if !defined(__clang__)
/* Cold code that GCC would copy per path (jump threading duplicates the
 * tails after a test of a flag known on some paths): one copy of each
 * tail, fewer bytes, same behaviour. */
#define FC_COMPACT __attribute__((optimize("no-thread-jumps")))
#else
#define FC_COMPACT
#endif
#endif
#if defined(__GNUC__) && !defined(__FRAMAC__)
#define FC_UNREACHABLE() __builtin_unreachable()
#else
#define FC_UNREACHABLE() ((void)0)
#endif
#if !defined(__GNUC__)
#define FC_LIKELY(x) (x)
#define FC_UNLIKELY(x) (x)
#define FC_NOINLINE
#define FC_COMPACT
#endif

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
#if defined(FC_VM_ALIGNED_ACCESS) ||                                                               \
    (defined(__GNUC__) && !defined(__FRAMAC__) && !defined(__ARM_FEATURE_UNALIGNED) &&             \
     !defined(__x86_64__) && !defined(__i386__) && !defined(__aarch64__))
/* Cores without unaligned access (RV32, Cortex-M0+): an aligned access is
 * one load or store (a may_alias type: guest memory is any type), the rest
 * byte by byte. memcpy alone becomes a library call at -Os on RV32.
 * FC_VM_ALIGNED_ACCESS forces this form on any GCC host (to test it). */
typedef uint16_t __attribute__((may_alias)) fc_u16a_t;
typedef uint32_t __attribute__((may_alias)) fc_u32a_t;
#define FC_ALIGNED(p, n) (((uintptr_t)(p) & ((n)-1)) == 0)
#define FC_LD(T, A, p) (FC_ALIGNED(p, sizeof(T)) ? *(const A *)(p) : ld_bytes_##T(p))
static inline uint16_t ld_bytes_uint16_t(const void *p)
{
    const uint8_t *b = p;
    return (uint16_t)(b[0] | b[1] << 8);
}
static inline uint32_t ld_bytes_uint32_t(const void *p)
{
    const uint8_t *b = p;
    return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static inline uint64_t ld8(const void *p)
{
    return *(const uint8_t *)p;
}
static inline uint64_t ld16(const void *p)
{
    return FC_LD(uint16_t, fc_u16a_t, p);
}
static inline uint64_t ld32(const void *p)
{
    return FC_LD(uint32_t, fc_u32a_t, p);
}
static inline uint64_t ld64(const void *p)
{
    return ld32(p) | ld32((const uint8_t *)p + 4) << 32;
}
static inline void st8(void *p, uint64_t v)
{
    *(uint8_t *)p = (uint8_t)v;
}
static inline void st16(void *p, uint64_t v)
{
    uint8_t *b = p;
    if (FC_ALIGNED(p, 2)) {
        *(fc_u16a_t *)p = (uint16_t)v;
        return;
    }
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
}
static inline void st32(void *p, uint64_t v)
{
    uint8_t *b = p;
    if (FC_ALIGNED(p, 4)) {
        *(fc_u32a_t *)p = (uint32_t)v;
        return;
    }
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}
static inline void st64(void *p, uint64_t v)
{
    st32(p, v);
    st32((uint8_t *)p + 4, v >> 32);
}
#else
static inline uint64_t ld8(const void *p)
{
    return *(const uint8_t *)p;
}
static inline uint64_t ld16(const void *p)
{
    uint16_t v;
    FC_MEMCPY(&v, p, 2);
    return v;
}
static inline uint64_t ld32(const void *p)
{
    uint32_t v;
    FC_MEMCPY(&v, p, 4);
    return v;
}
static inline uint64_t ld64(const void *p)
{
    uint64_t v;
    FC_MEMCPY(&v, p, 8);
    return v;
}
static inline void st8(void *p, uint64_t v)
{
    *(uint8_t *)p = (uint8_t)v;
}
static inline void st16(void *p, uint64_t v)
{
    uint16_t x = (uint16_t)v;
    FC_MEMCPY(p, &x, 2);
}
static inline void st32(void *p, uint64_t v)
{
    uint32_t x = (uint32_t)v;
    FC_MEMCPY(p, &x, 4);
}
static inline void st64(void *p, uint64_t v)
{
    FC_MEMCPY(p, &v, 8);
}
#endif

static inline uint64_t fetch(const fc_insn_t *pc)
{
    uint64_t w;
    FC_MEMCPY(&w, pc, 8);
    return w;
}

static inline uint16_t swap16(uint64_t x)
{
    return (uint16_t)((x >> 8 & 0xff) | (x & 0xff) << 8);
}
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
    /*@ split b <= 9223372036854775807; */ /* Eva: apart, neither half holds 0 or -1 */
    return (uint64_t)((int64_t)a / (int64_t)b);
}
static inline uint64_t smod64(uint64_t a, uint64_t b)
{
    if (b == 0)
        return a;
    if (b == UINT64_MAX)
        return 0;
    /*@ split b <= 9223372036854775807; */ /* Eva: apart, neither half holds 0 or -1 */
    return (uint64_t)((int64_t)a % (int64_t)b);
}
static inline uint32_t sdiv32(uint32_t a, uint32_t b)
{
    if (b == 0)
        return 0;
    if (b == UINT32_MAX)
        return (uint32_t)0 - a;
    /*@ split b <= 2147483647; */ /* Eva: apart, neither half holds 0 or -1 */
    return (uint32_t)((int32_t)a / (int32_t)b);
}
static inline uint32_t smod32(uint32_t a, uint32_t b)
{
    if (b == 0)
        return a;
    if (b == UINT32_MAX)
        return 0;
    /*@ split b <= 2147483647; */ /* Eva: apart, neither half holds 0 or -1 */
    return (uint32_t)((int32_t)a % (int32_t)b);
}

/* Sign extension from 8/16/32 bits. GCC and clang define >> on a negative
 * value as arithmetic (documented implementation-defined behaviour), which
 * is two instructions; in 32 bits (bits is at most 32), so that a 32-bit
 * core needs no 64-bit shift by a variable. The portable form is for other
 * compilers. */
static inline uint64_t sext(uint64_t x, unsigned bits)
{
#if defined(__GNUC__) && !defined(__FRAMAC__)
    unsigned k = 32 - bits;
    return (uint64_t)(int64_t)((int32_t)((uint32_t)x << k) >> k);
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
static inline void atomic_rmw(void *p, int wide, int32_t op, uint64_t *src, uint64_t *r0)
{
    /* the high half read and written apart: one path for both widths */
    uint8_t *hi = (uint8_t *)p + 4;
    uint64_t old = ld32(p), val = *src, res = val;
    if (wide)
        old |= ld32(hi) << 32;
    switch (op & ~1) {
    case FC_SELVAL_ATOMIC64_ADD:
        res = old + val;
        break;
    case FC_SELVAL_ATOMIC64_OR:
        res = old | val;
        break;
    case FC_SELVAL_ATOMIC64_AND:
        res = old & val;
        break;
    case FC_SELVAL_ATOMIC64_XOR:
        res = old ^ val;
        break;
    case FC_SELVAL_ATOMIC64_XCHG & ~1:
        break;
    default: /* FC_SELVAL_ATOMIC64_CMPXCHG & ~1 */
        if ((wide ? *r0 : (uint32_t)*r0) != old)
            res = old;
        *r0 = old;
        break;
    }
    st32(p, res);
    if (wide)
        st32(hi, res >> 32);
    if ((op & 1) && op != FC_SELVAL_ATOMIC64_CMPXCHG) /* fetch, xchg */
        *src = old;
}

/* Bytes accessed by a load or store opcode (its size bits). */
static inline uint32_t access_size_of(uint8_t opcode)
{
    static const uint8_t sizes[4] = {4, 2, 1, 8}; /* BPF_W, BPF_H, BPF_B, BPF_DW */
    return sizes[(opcode >> 3) & 3];
}

/* Find a region holding [addr, addr+size) with perm. On success returns
 * its index; on failure records the fault (outside every region, or inside
 * one without the permission) and returns -1. */
/* Record a refused guest access of size bytes at addr: no region holds it
 * with perm; no_perm: one holds it, without that permission (the one
 * fault record of every interpreter's memory check). */
static inline void access_fault(fc_vm_t *vm, int no_perm, uint32_t perm, uint64_t addr,
                                uint32_t size)
{
    vm->fault.code = no_perm ? FC_FAULT_MEM_PERM : FC_FAULT_MEM;
    vm->fault.reason = no_perm ? (perm & FC_PERM_WRITE ? FC_WHY("write to a read-only region")
                                                       : FC_WHY("read from a write-only region"))
                               : FC_WHY("access outside every granted region");
    vm->fault.addr = addr;
    vm->fault.size = size;
}

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
    access_fault(vm, inside, perm, addr, size);
    return -1;
}

/* Instructions executed up to and including the one at pc. limit - pc is
 * a multiple of the slot size, and pc is past limit by at most a stretch
 * of straight-line code: pointer-sized arithmetic, no 64-bit division. */
static inline uintptr_t executed_at(uintptr_t budget, uintptr_t limit, const void *pc, size_t slot)
{
    uintptr_t at = (uintptr_t)pc;
    return at <= limit ? budget + 1 - (limit - at) / slot : budget + 1 + (at - limit) / slot;
}

static inline fc_helper_fn helper_lookup(const fc_vm_t *vm, uint64_t id)
{
    const fc_helper_table_t *h = vm->helpers;
    if (!h || id >= h->count || !fc_helper_mask_has(&vm->allowed, id))
        return NULL;
    return h->fns[id];
}

static inline int entry_is_valid(const fc_program_t *prog, uint32_t entry)
{
    if (entry == 0)
        return 1;
    for (uint32_t i = 0; i < prog->n_entries; i++)
        if (prog->entries[i] == entry)
            return 1;
    return 0;
}

/* Is the VM bound (fc_vm_run_bind) to its program's current generation,
 * its budget and this entry? Then a run skips the preflight: the fast
 * entry of the interpreters and of the JIT (fc_jit_run). A run from
 * another entry, or after fc_verify() or fc_program_translate() changed
 * the generation, or after a plain write of vm->budget, binds again. */
static inline int run_is_bound(const fc_vm_t *vm, uint32_t entry)
{
    const fc_program_t *prog = vm->prog;
    return prog &&
           ((prog->generation ^ VMP(vm)->bound_gen) | (entry ^ VMP(vm)->bound_entry)) == 0 &&
           vm->budget == VMP(vm)->bound_budget;
}

/* A run starts with a clean record: no fault, nothing executed. */
static inline void clear_run_record(fc_vm_t *vm)
{
    vm->fault.code = FC_OK; /* field by field: cheaper than a memset call on an MCU */
    vm->fault.where = 0;
    vm->fault.addr = 0;
    vm->fault.size = 0;
    vm->fault.reason = NULL;
    vm->executed = 0;
    vm->max_depth = 0;
}

/* The start of a run that is not bound: a clean record, the checks the
 * binding stands for (program verified, stack granted and large enough,
 * entry verified) and, when they pass, the binding (fc_vm_run_bind, which
 * also sets r10). Every interpreter and the JIT start through it. */
static inline fc_status_t run_preflight_bind(fc_vm_t *vm, uint32_t entry)
{
    const fc_program_t *prog = vm->prog;
    clear_run_record(vm);
    const char *why = NULL;
    fc_status_t code = FC_ERR_BAD_CONFIG;
    if (!prog || !prog->verified || !prog->text) {
        code = FC_ERR_NOT_VERIFIED;
        why = FC_WHY("program was not verified");
    } else if (vm->n_regions == 0) { /* fc_vm_init grants the stack as region 0, or nothing */
        why = FC_WHY("no valid stack (fc_vm_init refused it)");
    } else if (vm->stack_size < prog->stack_needed) {
        why = FC_WHY("stack smaller than the program needs (frame size x call depth)");
    } else if (entry >= prog->len || !entry_is_valid(prog, entry)) {
        why = FC_WHY("entry is not a verified entry point");
    }
    if (why) {
        vm->fault.code = code;
        vm->fault.reason = why;
        vm->fault.where = entry;
        return code;
    }
    run_bind(vm, entry);
    return FC_OK;
}

#endif
