/* The microcontroller interpreter: fc_vm_run() where FC_VM_SMALL=1 (the
 * default where pointers are 32 bits).
 *
 * In place (no RAM per instruction), one dispatch per instruction: a switch
 * on the opcode byte, which GCC turns into one table jump (tbh on Thumb-2).
 * Its cases are named by FC_OPC_<ID> (vm_isa.h). Where two opcodes differ
 * only in their operand (register or immediate) or in their width (jmp32
 * compares the sign-extended low halves), one case loads the operand and
 * falls into the other's body: one body per operation, one short stub per
 * variant. Registers live in VMP(vm)->reg; pc, the instruction word and the
 * budget limit stay in locals. Same semantics, checks, budget and fault
 * reports as the per-opcode interpreter (interp.c): the unit tests, the
 * conformance vectors and fuzz_diff run against both. Only verified
 * programs run, so every instruction reaching here is a valid row of
 * FC_ISA_TABLE and every register number is at most 10.
 *
 * The budget (see interp_body.h): limit is the address pc may reach before
 * the budget is spent; straight-line code never looks at it, a transfer
 * moves it by the distance it skips and checks it. */
#include "vm_run.h"

#if FC_VM_SMALL

/* Fields of the instruction word: lo is the first 32 bits (opcode, regs,
 * offset), hi the immediate. */
#define DI ((lo >> 8) & 0xfu)
#define SI ((lo >> 12) & 0xfu)
#define DST (*dp)
#define SRC reg[SI]
#define OFF ((int32_t)(int16_t)(lo >> 16))
#define IMM64 ((uint64_t)(int64_t)(int32_t)hi)
#define SEXT32(x) ((uint64_t)(int64_t)(int32_t)(uint32_t)(x))

/* The first 32 bits of a slot (opcode, registers, offset) as one load: a
 * slot is 4-byte aligned (fc_insn_t has an int32_t). With GCC a may_alias
 * type says so; memcpy, the portable form, becomes a library call at -Os on
 * RV32. */
#if defined(__GNUC__) && !defined(__FRAMAC__)
typedef uint32_t __attribute__((may_alias)) word_alias_t;
static inline uint32_t first_word(const fc_insn_t *pc)
{
    return *(const word_alias_t *)(const void *)pc;
}
#else
static inline uint32_t first_word(const fc_insn_t *pc)
{
    uint32_t w;
    memcpy(&w, pc, sizeof w);
    return w;
}
#endif

/* div and mod per RFC 9669, both widths, for the instruction whose first
 * word is lo: the signed forms have off = 1, mod has bit 7 of the opcode
 * (code 9 against 3). A 32-bit form (class alu) divides its operands
 * extended to 64 bits (sign-extended for sdiv and smod) and keeps the low
 * half of the result, which is the 32-bit answer. The signed forms divide
 * the magnitudes and give the quotient the sign of a ^ b and the remainder
 * the sign of a (C's truncating division); that also makes INT_MIN / -1
 * INT_MIN and INT_MIN % -1 0. Division by zero gives 0, modulo by zero
 * leaves a. One unsigned division for every form; out of line: rare, and
 * 64-bit division is a library call on 32-bit cores anyway. */
static FC_NOINLINE FC_COMPACT uint64_t divmod(uint32_t lo, uint64_t a, uint64_t b)
{
    int mod = (lo & (FC_OPC_MOD64_K & ~FC_OPC_DIV64_K)) != 0, sign = (lo >> 16) != 0;
    int w32 = (lo & 7u) == (FC_OPC_DIV32_K & 7u);
    uint64_t r;
    if (w32) {
        a = sign ? SEXT32(a) : (uint32_t)a;
        b = sign ? SEXT32(b) : (uint32_t)b;
    }
    uint64_t neg_a = sign && (a >> 63) ? UINT64_MAX : 0, neg_b = sign && (b >> 63) ? UINT64_MAX : 0;
    uint64_t ua = (a ^ neg_a) - neg_a, ub = (b ^ neg_b) - neg_b; /* the magnitudes */
    if (ub == 0) {
        r = mod ? a : 0;
    } else {
        uint64_t q = ua / ub;
        r = mod ? ((ua - q * ub) ^ neg_a) - neg_a : (q ^ neg_a ^ neg_b) - (neg_a ^ neg_b);
    }
    return w32 ? (uint32_t)r : r;
}

/* le/be/bswap: width in imm; swap selects the byte swap (be on this
 * little-endian host, and bswap). */
static FC_NOINLINE FC_COMPACT uint64_t endian(uint64_t x, int32_t width, int swap)
{
    if (width == 16)
        return swap ? swap16(x) : (uint16_t)x;
    if (width == 32)
        return swap ? swap32(x) : (uint32_t)x;
    return swap ? swap64(x) : x;
}

/* The slow path of the memory check of the load, store or atomic whose
 * first instruction word is lo, at guest address a: the region walk, for
 * read (loads), write (stores) or both (atomics). On a match the region
 * becomes the cache of loads or of stores (see fc_vm_t: an atomic's
 * region, readable and writable, serves stores); 0 when the access is
 * refused, with vm->fault saying why. */
static FC_NOINLINE FC_COMPACT int mem_slow(fc_vm_t *vm, uint32_t lo, uint64_t a)
{
    int load = (lo & 7u) == (FC_OPC_LDXW & 7u);
    int atomic = (lo & 0xe0u) == (FC_OPC_ATOMIC64_ADD & 0xe0u) && !load;
    uint32_t size = access_size_of((uint8_t)lo);
    uint32_t perm = load ? FC_PERM_READ : atomic ? FC_PERM_RW : FC_PERM_WRITE;
    int i = fc_vm_region_find(vm, perm, a, size);
    if (i < 0) {
        access_fault(vm, i == FC_REGION_NO_PERM, perm, a, size);
        return 0;
    }
    cache_set(&VMP(vm)->cache[load ? 1 : 2], &vm->regions[i]);
    cache_mark(vm);
    return 1;
}

/* Atomic read-modify-write at a checked address: see atomic_rmw() (a
 * fetched 32-bit value is loaded zero-extended, as RFC 9669 wants). */
static FC_NOINLINE FC_COMPACT void atomic(void *p, uint32_t size, int32_t op, uint64_t *src,
                                          uint64_t *r0)
{
    atomic_rmw(p, size == 8, op, src, r0);
}

/* The run's start when the program, the budget or the entry is not the
 * bound one, or the last run faulted: the preflight, which clears the run
 * record, and the binding (vm_run.h). */
static FC_NOINLINE fc_status_t rebind(fc_vm_t *vm, uint32_t entry)
{
    return run_preflight_bind(vm, entry);
}

#if FC_VM_TRACE
static void trace_before(fc_trace_event_t *ev, const uint64_t *reg, const fc_insn_t *text,
                         const fc_insn_t *pc)
{
    ev->pc = (uint32_t)(pc - text);
    ev->insn = *pc;
    memcpy(ev->before, reg, sizeof ev->before);
}

static void trace_after(fc_vm_t *vm, fc_trace_event_t *ev, const uint64_t *reg)
{
    if (vm->trace) {
        memcpy(ev->after, reg, sizeof ev->after);
        vm->trace(vm, ev);
    }
}
#define TRACE_BEFORE(p) (tracing ? trace_before(&ev, reg, text, (p)) : (void)0)
#define TRACE_AFTER() (tracing ? trace_after(vm, &ev, reg) : (void)0)
#else
#define TRACE_BEFORE(p) ((void)0)
#define TRACE_AFTER() ((void)0)
#endif

/* Is guest address a inside cache c (see region_cache_t) for an access
 * whose size field (bits 3-4 of the opcode) is k? One compare; where
 * pointers are 32 bits, of the low half of a, the caller having checked
 * that the high half is 0 (HIGH_ZERO). */
#if UINTPTR_MAX > 0xffffffffu
#define HIGH_ZERO(a) 1
#define IN_CACHE(c, a, k) ((a)-VMP(vm)->cache[c].start < VMP(vm)->cache[c].end[k])
#else
#define HIGH_ZERO(a) ((uint32_t)((a) >> 32) == 0)
#define IN_CACHE(c, a, k) ((uint32_t)(a)-VMP(vm)->cache[c].start < VMP(vm)->cache[c].end[k])
#endif
/* Instructions executed up to and including the one at pc, where pc is
 * below limit (see executed_at() for the general case). */
#define EXECUTED_BELOW_LIMIT() (budget + 1 - (limit - (uintptr_t)pc) / sizeof *pc)
#define CHECKED(c, a, k) (HIGH_ZERO(a) && (IN_CACHE(0, a, k) || IN_CACHE(c, a, k)))
/* ALU operation NAME on dst and b, in 64 bits (expr64) and 32 bits (expr32,
 * on a32 = low half of dst and b32 = low half of b, result zero-extended).
 * The register stubs load b and join the immediate forms' bodies. */
#define ALU(NAME, expr64, expr32)                                                                  \
    case FC_OPC_##NAME##64_X:                                                                      \
        b = SRC;                                                                                   \
        goto alu64_##NAME;                                                                         \
    case FC_OPC_##NAME##64_K:                                                                      \
        b = IMM64;                                                                                 \
        alu64_##NAME : a = DST;                                                                    \
        DST = (expr64);                                                                            \
        goto next;                                                                                 \
    case FC_OPC_##NAME##32_X:                                                                      \
        b = SRC;                                                                                   \
        goto alu32_##NAME;                                                                         \
    case FC_OPC_##NAME##32_K:                                                                      \
        b = IMM64;                                                                                 \
        alu32_##NAME:                                                                              \
        {                                                                                          \
            uint32_t a32 = (uint32_t)DST, b32 = (uint32_t)b;                                       \
            (void)a32;                                                                             \
            DST = (uint32_t)(expr32);                                                              \
        }                                                                                          \
        goto next;
/* The conditional jumps: X(NAME, test on 64-bit a and b); the ones whose
 * immediate form has a case of its own (the ones compilers emit for loop
 * bounds), then the others. */
#define FC_JCCS_HOT(X)                                                                             \
    X(JEQ, a == b)                                                                                 \
    X(JNE, a != b)                                                                                 \
    X(JGT, a > b)                                                                                  \
    X(JLT, a < b)                                                                                  \
    X(JSGT, (int64_t)a > (int64_t)b)                                                               \
    X(JSLT, (int64_t)a < (int64_t)b)
#define FC_JCCS_COLD(X)                                                                            \
    X(JGE, a >= b)                                                                                 \
    X(JLE, a <= b)                                                                                 \
    X(JSET, (a & b) != 0)                                                                          \
    X(JSGE, (int64_t)a >= (int64_t)b)                                                              \
    X(JSLE, (int64_t)a <= (int64_t)b)
#define FC_JCCS(X) FC_JCCS_HOT(X) FC_JCCS_COLD(X)
/* A 64-bit jump with an immediate operand: a case of its own (the hot
 * form: loops count against constants). */
#define JCC64(NAME, test)                                                                          \
    case FC_OPC_##NAME##_K:                                                                        \
        b = IMM64;                                                                                 \
        a = DST;                                                                                   \
        jcc_ab_##NAME : if (test) goto taken;                                                      \
        goto next;
/* The test alone, for the jumps without a case of their own. */
#define JCC_AB(NAME, test)                                                                         \
    jcc_ab_##NAME : if (test) goto taken;                                                          \
    goto next;
#define JCC64K_CASE(NAME, test) case FC_OPC_##NAME##_K:
/* The other jumps (64-bit with a register operand, and jmp32) load their
 * operands in one place and pick the test by the operation code. jmp32
 * shares the 64-bit tests: with both operands sign-extended from their
 * low halves every test gives the 32-bit answer (equality, and the
 * unsigned and the signed orders, hold the same on sign-extended values;
 * so does "some common bit set"). */
#define JCC64X_CASE(NAME, test) case FC_OPC_##NAME##_X:
#define JCC32_CASE(NAME, test)                                                                     \
    case FC_OPC_##NAME##32_K:                                                                      \
    case FC_OPC_##NAME##32_X:
#define JCC_TEST(NAME, test)                                                                       \
    case FC_OPC_##NAME##_K >> 4:                                                                   \
        goto jcc_ab_##NAME;

typedef struct FC_VM_MAY_ALIAS {
    uint64_t r[4];
} callee_saved_t;

static fc_status_t run(fc_vm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2, uint64_t *r0,
                       int tracing)
{
    const fc_program_t *prog = vm->prog;
    /* bound, and the last run left a clean record: the fault fields are
     * all zero while the code is FC_OK (fc_vm_init clears them, every fault
     * sets the code) and vm->executed is written by every way out; a run
     * after a fault binds again, which clears the record */
    if (FC_LIKELY(run_is_bound(vm, entry) && vm->fault.code == FC_OK && !tracing)) {
        vm->max_depth = 0;
    } else {
        fc_status_t st = rebind(vm, entry);
        if (st != FC_OK)
            return st;
    }
    const fc_insn_t *const text = prog->text;
    const fc_insn_t *pc = text + entry;
    const uintptr_t budget = VMP(vm)->budget_slots;
    uintptr_t limit = (uintptr_t)pc + budget * sizeof *pc;
    uint32_t depth = 0;
    struct {
        callee_saved_t saved; /* r6..r9 */
        const fc_insn_t *ret;
    } frames[FC_MAX_CALL_DEPTH];
    uint64_t *const reg = VMP(vm)->reg; /* r0..r10 */
    uint64_t a, b, *dp;
    uint32_t lo, hi;
    intptr_t disp; /* a taken transfer's distance, in slots */
    uint64_t helper_id;
#if FC_VM_TRACE
    fc_trace_event_t ev;
#endif

    /* r0, r3..r9 are zeroed when the program may read one before writing
     * it (fc_program_t.undefined_reads, the verifier's pass 4: RUN_CLEAR,
     * set at binding); otherwise they keep what this program's last run
     * left, which it provably never reads (fc_vm_init zeroes all: never
     * another program's). One test when there is nothing to do. */
    if (FC_UNLIKELY(VMP(vm)->run_work != 0 || tracing)) {
        if (VMP(vm)->run_work & RUN_CACHES)
            cache_reset(vm);
        if ((VMP(vm)->run_work & RUN_CLEAR) || tracing) /* a trace shows them all */
            for (unsigned i = 0; i < 10; i++)           /* r1 and r2 are set below */
                reg[i] = 0;
    }
    reg[1] = r1;
    reg[2] = r2;
    /* r10 (the frame pointer) is the stack top at every run's start and
     * end: fc_vm_init and rebind() set it, every return restores it, and a
     * run that faulted sets it back */

    for (;;) {
        /*@ split depth; */ /* Eva: one state per call depth (frames[] below depth are set) */
        /*@ assert in_text: \valid_read(pc); */ /* the verifier's jump checks (assurance.md V1) */
        TRACE_BEFORE(pc);
        lo = first_word(pc);
        hi = (uint32_t)pc->imm;
        dp = &reg[DI];
        switch ((uint8_t)lo) {
            /* ---- ALU ------------------------------------------------------ */
            ALU(ADD, a + b, a32 + b32)
            ALU(SUB, a - b, a32 - b32)
            ALU(MUL, a * b, a32 * b32)
            ALU(OR, a | b, a32 | b32)
            ALU(AND, a & b, a32 & b32)
            ALU(XOR, a ^ b, a32 ^ b32)
        case FC_OPC_LSH64_K: {
            /* lsh d, k; rsh d, k (or arsh) with k >= 32: clang's zero and
             * sign extension from 64 - k bits, done in one step in the low
             * half. Straight-line code, so the budget is the same; the
             * verifier ends every function with a transfer, so pc[1] is in
             * the text. */
            unsigned k = hi - 32u;
            /*@ assert pair_in_text: \valid_read(pc + 1); */
            if (k < 32 && (uint32_t)pc[1].imm == hi && !tracing) {
                uint32_t pair = first_word(pc + 1) & 0xffffu, regs = lo & 0xff00u;
                uint32_t low = (uint32_t)DST << k;
                if (pair == (regs | FC_OPC_RSH64_K) || pair == (regs | FC_OPC_ARSH64_K)) {
                    DST = pair == (regs | FC_OPC_RSH64_K) ? (uint64_t)(low >> k)
                                                          : SEXT32(sar32(low, k));
                    pc++; /* the second of the pair */
                    goto next;
                }
            }
        }
            b = IMM64;
            goto alu64_LSH;
        case FC_OPC_LSH64_X:
            b = SRC;
        alu64_LSH:
            DST <<= b & 63;
            goto next;
        case FC_OPC_LSH32_X:
            b = SRC;
            goto alu32_LSH;
        case FC_OPC_LSH32_K:
            b = IMM64;
        alu32_LSH:
            DST = (uint32_t)((uint32_t)DST << (b & 31));
            goto next;
            ALU(RSH, a >> (b & 63), a32 >> (b32 & 31))
            ALU(ARSH, sar64(a, (unsigned)(b & 63)), sar32(a32, b32 & 31))
        case FC_OPC_DIV64_X: /* div, mod, sdiv, smod, both widths: one body */
        case FC_OPC_DIV32_X:
        case FC_OPC_MOD64_X:
        case FC_OPC_MOD32_X:
            b = SRC;
            goto divmod;
        case FC_OPC_DIV64_K:
        case FC_OPC_DIV32_K:
        case FC_OPC_MOD64_K:
        case FC_OPC_MOD32_K:
            b = IMM64;
        divmod:
            DST = divmod(lo, DST, b);
            goto next;
        case FC_OPC_MOV64_K:
            DST = IMM64;
            goto next;
        case FC_OPC_MOV64_X: /* mov, movsx (off 8, 16, 32) */
            DST = OFF ? sext(SRC, (unsigned)OFF) : SRC;
            goto next;
        case FC_OPC_MOV32_K:
            DST = hi;
            goto next;
        case FC_OPC_MOV32_X:
            DST = (uint32_t)(OFF ? sext(SRC, (unsigned)OFF) : SRC);
            goto next;
        case FC_OPC_NEG64:
            DST = (uint64_t)0 - DST;
            goto next;
        case FC_OPC_NEG32:
            DST = (uint32_t)((uint32_t)0 - (uint32_t)DST);
            goto next;
        case FC_OPC_LE16: /* le, be, bswap: the width in imm */
        case FC_OPC_BE16:
        case FC_OPC_BSWAP16:
            DST = endian(DST, (int32_t)hi, (uint8_t)lo != FC_OPC_LE16);
            goto next;

            /* ---- jumps ---------------------------------------------------- */
            FC_JCCS_HOT(JCC64)
            FC_JCCS_COLD(JCC_AB)
            FC_JCCS_COLD(JCC64K_CASE)
            a = DST;
            b = IMM64;
            goto jcc_test;
            FC_JCCS(JCC64X_CASE)
            a = DST;
            b = SRC;
            goto jcc_test;
            FC_JCCS(JCC32_CASE)
            a = SEXT32(DST);
            b = (lo & 8u) ? SEXT32(SRC) : IMM64; /* the source bit */
        jcc_test:
            switch ((lo >> 4) & 0xfu) {
                FC_JCCS(JCC_TEST)
            default: /* the cases above are every jump but ja */
                FC_UNREACHABLE();
            }
        case FC_OPC_JA:
            goto taken;
        case FC_OPC_JA32: /* gotol: the distance is in imm */
            disp = (int32_t)hi;
            goto transfer;

            /* ---- memory: one check for every load, one for every store -- */
        case FC_OPC_LDXW:
        case FC_OPC_LDXH:
        case FC_OPC_LDXB:
        case FC_OPC_LDXDW:
        case FC_OPC_LDXSW:
        case FC_OPC_LDXSH:
        case FC_OPC_LDXSB: {
            unsigned k = (lo >> 3) & 3u; /* size field: W, H, B, DW */
            a = SRC + (uint64_t)(int64_t)OFF;
            /* r10-relative: the verifier proved it inside the frame; else
             * the last region a load matched, the stack, all regions */
            if (SI != 10 && !CHECKED(1, a, k) && !mem_slow(vm, lo, a))
                goto fault;
            const void *p = (const void *)(uintptr_t)a;
            switch ((lo >> 3) & 0x1fu) { /* size field and the sign-extending mode */
            case FC_OPC_LDXW >> 3:
                DST = ld32(p);
                break;
            case FC_OPC_LDXH >> 3:
                DST = ld16(p);
                break;
            case FC_OPC_LDXB >> 3:
                DST = ld8(p);
                break;
            case FC_OPC_LDXDW >> 3:
                DST = ld64(p);
                break;
            case FC_OPC_LDXSW >> 3:
                DST = (uint64_t)(int64_t)(int32_t)ld32(p);
                break;
            case FC_OPC_LDXSH >> 3:
                DST = (uint64_t)(int64_t)(int16_t)ld16(p);
                break;
            case FC_OPC_LDXSB >> 3:
                DST = (uint64_t)(int64_t)(int8_t)ld8(p);
                break;
            default:
                FC_UNREACHABLE(); /* the cases above are every load */
            }
            goto next;
        }
        case FC_OPC_STW:
        case FC_OPC_STH:
        case FC_OPC_STB:
        case FC_OPC_STDW:
            b = IMM64;
            goto store;
        case FC_OPC_STXW:
        case FC_OPC_STXH:
        case FC_OPC_STXB:
        case FC_OPC_STXDW:
            b = SRC;
        store : {
            unsigned k = (lo >> 3) & 3u;
            a = DST + (uint64_t)(int64_t)OFF;
            if (DI != 10 && !CHECKED(2, a, k) && !mem_slow(vm, lo, a))
                goto fault;
            void *p = (void *)(uintptr_t)a;
            switch (k) {
            case 0:
                st32(p, b);
                break;
            case 1:
                st16(p, b);
                break;
            case 2:
                st8(p, b);
                break;
            default:
                st64(p, b);
                break; /* 3 */
            }
            goto next;
        }
        case FC_OPC_ATOMIC32_ADD:
            b = 4;
            goto atomic_op;
        case FC_OPC_ATOMIC64_ADD:
            b = 8;
        atomic_op: /* b holds the size; always the region walk: a cache is for reads or writes */
            a = DST + (uint64_t)(int64_t)OFF;
            if (DI != 10 && !mem_slow(vm, lo, a))
                goto fault;
            atomic((void *)(uintptr_t)a, (uint32_t)b, (int32_t)hi, &SRC, &reg[0]);
            goto next;
        case FC_OPC_LDDW: /* two slots, one instruction; src picks a section */
            DST = ((uint64_t)hi | (uint64_t)(uint32_t)pc[1].imm << 32) + vm->section_base[SI & 3];
            pc++;
            limit += sizeof *pc;
            goto next;

            /* ---- calls and exit ------------------------------------------- */
        case FC_OPC_CALL:
            if (SI == 1) { /* local call */
                if (FC_UNLIKELY(depth >= prog->call_depth || depth >= FC_MAX_CALL_DEPTH)) {
                    vm->fault.code = FC_FAULT_CALL_DEPTH;
                    vm->fault.reason = FC_WHY("local calls nested deeper than verified");
                    goto fault;
                }
                frames[depth].ret = pc + 1;
                frames[depth].saved = *(callee_saved_t *)(void *)&reg[6];
                depth++;
                if (depth > vm->max_depth)
                    vm->max_depth = depth;
                reg[10] -= prog->frame_size;
                disp = (int32_t)hi;
                goto transfer;
            }
            helper_id = hi;
            goto helper;
        case FC_OPC_CALLX: /* the helper id in dst */
            helper_id = DST;
        helper : {
            fc_helper_fn fn = helper_lookup(vm, helper_id);
            if (FC_UNLIKELY(!fn)) {
                vm->fault.code = FC_FAULT_HELPER;
                vm->fault.reason = FC_WHY("call to a helper that is unknown or not allowed");
                vm->fault.addr = helper_id;
                goto fault;
            }
            if (FC_UNLIKELY((uintptr_t)pc >= limit)) /* this call is over budget */
                goto fault_budget;
            vm->executed = EXECUTED_BELOW_LIMIT();
            reg[0] = fn(vm, reg[1], reg[2], reg[3], reg[4], reg[5]);
            if (FC_UNLIKELY(vm->fault.code != FC_OK))
                goto fault;
            if (FC_UNLIKELY((uintptr_t)++pc >= limit)) /* stop before the next one */
                goto fault_budget;
            goto again;
        }
        case FC_OPC_EXIT:
            if (depth == 0)
                goto done;
            depth--;
            *(callee_saved_t *)(void *)&reg[6] = frames[depth].saved;
            reg[10] += prog->frame_size;
            disp = frames[depth].ret - (pc + 1);
            goto transfer;
        case FC_OPC_LDDW_HIGH: /* the second slot of an lddw; a case of its own so that the
                                * table starts at 0 (one instruction less per dispatch) */
        bad_insn:
            vm->fault.code = FC_FAULT_BAD_INSN;
            vm->fault.reason = FC_WHY("invalid instruction reached at run time");
            goto fault;
        default:                /* the verifier lets no other opcode through */
            vm->fault.addr = 0; /* (a block of its own, apart from the ends') */
            goto bad_insn;
        }
    taken: /* a conditional jump or ja: the distance is in off */
        disp = OFF;
    transfer: /* every transfer (also by 0) moves the limit and checks it */
        pc += disp + 1;
        limit += (uintptr_t)disp * sizeof *pc;
        if (FC_UNLIKELY((uintptr_t)pc >= limit)) /* pc would be instruction budget + 1 */
            goto fault_budget;
        TRACE_AFTER();
        continue;
    next:
        TRACE_AFTER();
        pc++;
        continue;
    again: /* pc already moved on (helper calls) */
        TRACE_AFTER();
    }

done:
    TRACE_AFTER();
    *r0 = reg[0];
    if (FC_LIKELY((uintptr_t)pc < limit)) { /* the exit itself was within the budget */
        vm->executed = EXECUTED_BELOW_LIMIT();
        return FC_OK;
    }
    /* straight-line code after the last check ran past the budget */
fault_budget: /* pc (not executed) would be over budget: executed = budget */
    vm->fault.code = FC_FAULT_BUDGET;
    vm->fault.reason = FC_WHY("instruction budget exhausted");
    limit = (uintptr_t)(pc + 1); /* so that the count below is the budget */
fault:                           /* the instruction at pc faulted; vm->fault says why */
    reg[10] = (uint64_t)(uintptr_t)vm->stack + vm->stack_size;
    vm->fault.where = (uint32_t)(pc - text);
    vm->executed = executed_at(budget, limit, pc, sizeof *pc);
    return (fc_status_t)vm->fault.code;
}

fc_status_t fc_vm_run(fc_vm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2, uint64_t *r0)
{
    return run(vm, entry, r1, r2, r0, 0);
}

#if FC_VM_TRACE
fc_status_t fc_vm_run_traced(fc_vm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2, uint64_t *r0)
{
    return run(vm, entry, r1, r2, r0, 1);
}
#endif

/* The small build has no pre-decoded form: programs run in place. */
fc_status_t fc_program_translate(fc_program_t *prog, fc_xinsn_t *buf, size_t cap)
{
    (void)prog;
    (void)buf;
    (void)cap;
    return FC_ERR_BAD_CONFIG;
}

#endif /* FC_VM_SMALL */
