/* The small interpreter: fc_vm_run() for microcontroller builds.
 *
 * Where interp.c has one handler per opcode (fast, about 9 KiB of Thumb-2),
 * this one decodes by instruction class and shares one ALU, one comparison
 * and one memory path between the 32- and 64-bit, register and immediate
 * forms: about 2 KiB. Same semantics, same checks, same budget and fault
 * reports; the unit tests and the conformance vectors run against both
 * (FC_VM_SMALL=1 on the host builds this one). Only verified programs run,
 * so every instruction reaching here is a valid row of FC_ISA_TABLE. */
#include "vm_run.h"

#if FC_VM_SMALL

enum { CLS_LD, CLS_LDX, CLS_ST, CLS_STX, CLS_ALU, CLS_JMP, CLS_JMP32, CLS_ALU64 };

/* size bytes at p as a little-endian number (big-endian when swap),
 * sign-extended when sign. Byte by byte: any alignment, any core. The one
 * routine serves loads, ldxs, movsx (on the register's bytes: the host is
 * little-endian) and le/be/bswap, which saves flash over separate paths. */
static uint64_t get(const uint8_t *p, unsigned size, int sign, int swap)
{
    uint64_t v = sign && (p[size - 1] & 0x80u) ? UINT64_MAX : 0;
    for (unsigned i = 0; i < size; i++)
        v = v << 8 | p[swap ? i : size - 1 - i];
    return v;
}

static void put(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

/* Division per RFC 9669: by zero gives 0, modulo by zero leaves a;
 * signed INT_MIN / -1 wraps to INT_MIN and INT_MIN % -1 is 0 (no trap).
 * 32-bit operands arrive zero-extended, or sign-extended for sdiv32 and
 * smod32, so the 64-bit operation gives the 32-bit result. */
static uint64_t divide(uint64_t a, uint64_t b, int sign, int mod)
{
    if (b == 0)
        return mod ? a : 0;
    if (!sign)
        return mod ? a % b : a / b;
    if (b == UINT64_MAX) /* -1: the one signed case C leaves undefined */
        return mod ? 0 : (uint64_t)0 - a;
    return mod ? (uint64_t)((int64_t)a % (int64_t)b) : (uint64_t)((int64_t)a / (int64_t)b);
}

/* One ALU operation; code is the opcode's upper nibble (also the atomic
 * operation's: add 0x0, or 0x4, and 0x5, xor 0xa). ALU32 operands arrive
 * zero-extended, or sign-extended for arsh32 and sdiv32/smod32, and the
 * caller truncates the result. */
static uint64_t alu(unsigned code, uint64_t a, uint64_t b, int32_t off, unsigned mask)
{
    unsigned n = (unsigned)b & mask;
    switch (code) {
    case 0x0: return a + b;
    case 0x1: return a - b;
    case 0x2: return a * b;
    case 0x3: /* div, sdiv (off 1) */
    case 0x9: return divide(a, b, off, code == 0x9); /* mod, smod */
    case 0x4: return a | b;
    case 0x5: return a & b;
    case 0x6: return a << n;
    case 0x8: return (uint64_t)0 - a;
    case 0xa: return a ^ b;
    case 0xb: return off ? get((const uint8_t *)&b, (unsigned)off / 8, 1, 0) : b; /* movsx */
    default: { /* 0x7 rsh, 0xc arsh: arsh is rsh on the complement of a negative a */
        uint64_t s = code == 0xc ? (uint64_t)0 - (a >> 63) : 0;
        return ((a ^ s) >> n) ^ s;
    }
    }
}

/* A conditional jump's test, from one 64-bit comparison. code is the
 * opcode's upper nibble; a and b are sign-extended for jmp32 (unsigned,
 * signed and equality tests all hold on sign-extended values too). Each
 * test is a nibble of JCC_TESTS: which of "a < b" (1), "a == b" (2) and
 * "a > b" (4) make it true, and 8 for a signed test, which becomes an
 * unsigned one by flipping both sign bits. jset is apart. */
#define JCC_TEST(code, bits) ((uint64_t)(bits) << (4 * (code)))
#define JCC_TESTS                                                                                  \
    (JCC_TEST(0x1, 2) | JCC_TEST(0x2, 4) | JCC_TEST(0x3, 6) | JCC_TEST(0x5, 5) |                  \
     JCC_TEST(0x6, 8 | 4) | JCC_TEST(0x7, 8 | 6) | JCC_TEST(0xa, 1) | JCC_TEST(0xb, 3) |          \
     JCC_TEST(0xc, 8 | 1) | JCC_TEST(0xd, 8 | 3))

static int taken(unsigned code, uint64_t a, uint64_t b)
{
    if (code == 0x4) /* jset */
        return (a & b) != 0;
    /* two 32-bit halves of the table: no 64-bit shift on 32-bit cores */
    uint32_t half = code & 8 ? (uint32_t)(JCC_TESTS >> 32) : (uint32_t)JCC_TESTS;
    unsigned test = half >> (4 * (code & 7)) & 0xf;
    if (test & 8) {
        a ^= (uint64_t)1 << 63;
        b ^= (uint64_t)1 << 63;
    }
    return (test & (a < b ? 1u : a == b ? 2u : 4u)) != 0;
}

/* The run-time check of one access: the region walk is fc_vm_check_ptr's;
 * only a refused access walks again (any permission) to tell "outside
 * every region" from "without the permission". */
static int access_ok(fc_vm_t *vm, uint64_t addr, uint32_t size, uint32_t perm)
{
    if (fc_vm_check_ptr(vm, addr, size, perm))
        return 1;
    int inside = fc_vm_check_ptr(vm, addr, size, 0) != NULL;
    vm->fault.code = inside ? FC_FAULT_MEM_PERM : FC_FAULT_MEM;
    vm->fault.reason = inside ? (perm & FC_PERM_WRITE ? FC_WHY("write to a read-only region")
                                                      : FC_WHY("read from a write-only region"))
                              : FC_WHY("access outside every granted region");
    vm->fault.addr = addr;
    vm->fault.size = size;
    return 0;
}

/* Loads, stores and atomics (classes LDX, ST, STX). 0: the access was
 * refused and vm->fault says why. */
static FC_NOINLINE int memory(fc_vm_t *vm, uint64_t *reg, fc_insn_t in)
{
    unsigned op = in.opcode, cls = op & 7;
    unsigned d = FC_INSN_DST(in), s = FC_INSN_SRC(in);
    unsigned size = access_size_of((uint8_t)op), base = cls == CLS_LDX ? s : d;
    unsigned mode = op & 0xe0;
    uint32_t perm = cls == CLS_LDX ? FC_PERM_READ : mode == 0xc0 ? FC_PERM_RW : FC_PERM_WRITE;
    uint64_t addr = reg[base] + (uint64_t)(int64_t)in.offset;
    /* r10-relative: proven inside the frame by the verifier */
    if (base != 10 && !access_ok(vm, addr, size, perm))
        return 0;
    uint8_t *p = (uint8_t *)(uintptr_t)addr;
    if (cls == CLS_LDX) {
        reg[d] = get(p, size, mode == 0x80, 0);
        return 1;
    }
    uint64_t val = cls == CLS_ST ? (uint64_t)(int64_t)in.imm : reg[s];
    if (mode == 0xc0) { /* atomics: see atomic_rmw() in vm_run.h */
        uint64_t old = get(p, size, 0, 0);
        if (in.imm == 0xf1) /* cmpxchg */
            val = (size == 8 ? reg[0] : (uint32_t)reg[0]) == old ? val : old;
        else if (in.imm != 0xe1) /* not xchg: add, or, and, xor */
            val = alu((unsigned)in.imm >> 4, old, val, 0, 63);
        if (in.imm & 1) /* fetch: old value to src, or to r0 for cmpxchg */
            reg[in.imm == 0xf1 ? 0 : s] = old;
    }
    put(p, size, val);
    return 1;
}

/* vm->executed: instructions up to and including the one at pc (one call
 * site for executed_at, which inlined at three would cost flash). */
static FC_NOINLINE void count(fc_vm_t *vm, uintptr_t budget, uintptr_t limit, const fc_insn_t *pc)
{
    vm->executed = executed_at(budget, limit, pc, sizeof *pc);
}

static fc_status_t run(fc_vm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2, uint64_t *r0,
                       int tracing)
{
    fc_status_t st = run_preflight(vm, entry);
    if (st != FC_OK)
        return st;
    const fc_program_t *prog = vm->prog;
    const fc_insn_t *const text = prog->text;
    const fc_insn_t *pc = text + entry;
    const uintptr_t budget = clamp_budget(vm->budget, (uintptr_t)(text + prog->len), sizeof *pc);
    uintptr_t limit = (uintptr_t)pc + budget * sizeof *pc;
    uint32_t depth = 0;
    struct {
        uint64_t saved[4]; /* r6..r9 */
        const fc_insn_t *ret;
    } frames[FC_MAX_CALL_DEPTH];
    /* r0..r10 (the verifier refuses register numbers above 10), in the VM:
     * no C stack for them; this interpreter zeroes them at every run */
    uint64_t *const reg = vm->reg;
    fc_trace_event_t ev;

    reg[0] = 0;
    reg[1] = r1;
    reg[2] = r2;
    for (unsigned i = 3; i < 10; i++)
        reg[i] = 0;
    reg[10] = (uint64_t)(uintptr_t)vm->stack + vm->stack_size;

    for (;;) {
        fc_insn_t in = *pc;
        unsigned op = in.opcode, cls = op & 7, code = op >> 4;
        unsigned d = FC_INSN_DST(in), s = FC_INSN_SRC(in);
        uint64_t imm = (uint64_t)(int64_t)in.imm;
        uint64_t src = (op & 8) ? reg[s] : imm;
        const fc_insn_t *next = pc + 1;
        uint64_t a = reg[d];
        if (cls == CLS_ALU || cls == CLS_JMP32) {
            /* 32-bit forms: operands zero-extended, or sign-extended where
             * the sign matters (arsh32, sdiv32, smod32) and for jmp32 (see
             * taken()). */
            int sign = cls == CLS_JMP32 || code == 0xc || in.offset == 1;
            a = sign ? (uint64_t)(int64_t)(int32_t)a : (uint32_t)a;
            src = sign ? (uint64_t)(int64_t)(int32_t)src : (uint32_t)src;
        }
        if (tracing) {
            ev.pc = (uint32_t)(pc - text);
            ev.insn = in;
            memcpy(ev.before, reg, sizeof ev.before);
        }

        switch (cls) {
        case CLS_ALU:
        case CLS_ALU64: {
            int wide = cls == CLS_ALU64;
            uint64_t v;
            if (code == 0xd) /* end: the width is in imm, the source bit selects be */
                v = get((const uint8_t *)&reg[d], (unsigned)in.imm / 8, 0, wide || (op & 8));
            else
                v = alu(code, a, src, in.offset, wide ? 63u : 31u);
            reg[d] = wide || code == 0xd ? v : (uint32_t)v; /* end sets all 64 bits */
            break;
        }
        case CLS_LD: /* lddw: the verifier allows nothing else in this class */
            reg[d] = ((uint64_t)(uint32_t)in.imm | (uint64_t)(uint32_t)pc[1].imm << 32) +
                     vm->section_base[s & 3]; /* src is 2 bits; [0] and [3] stay 0 */
            next = pc + 2;
            limit += sizeof *pc; /* two slots, one instruction */
            break;
        case CLS_LDX:
        case CLS_ST:
        case CLS_STX:
            if (!memory(vm, reg, in))
                goto fault;
            break;
        default: { /* CLS_JMP, CLS_JMP32 */
            if (code == 0x9) { /* exit */
                if (depth == 0)
                    goto done;
                depth--;
                FC_MEMCPY(&reg[6], frames[depth].saved, sizeof frames[depth].saved);
                reg[10] += prog->frame_size;
                next = frames[depth].ret;
            } else if (code == 0x8 && s == 1 && !(op & 8)) { /* local call */
                if (depth >= prog->call_depth || depth >= FC_MAX_CALL_DEPTH) {
                    vm->fault.code = FC_FAULT_CALL_DEPTH;
                    vm->fault.reason = FC_WHY("local calls nested deeper than verified");
                    goto fault;
                }
                frames[depth].ret = next;
                FC_MEMCPY(frames[depth].saved, &reg[6], sizeof frames[depth].saved);
                depth++;
                if (depth > vm->max_depth)
                    vm->max_depth = depth;
                reg[10] -= prog->frame_size;
                next += in.imm;
            } else if (code == 0x8) { /* helper: call imm, or callx (id in dst) */
                uint64_t id = (op & 8) ? a : (uint64_t)(uint32_t)in.imm;
                fc_helper_fn fn = helper_lookup(vm, id);
                if (!fn) {
                    vm->fault.code = FC_FAULT_HELPER;
                    vm->fault.reason = FC_WHY("call to a helper that is unknown or not allowed");
                    vm->fault.addr = id;
                    goto fault;
                }
                if ((uintptr_t)pc >= limit)
                    goto fault_budget;
                count(vm, budget, limit, pc);
                reg[0] = fn(vm, reg[1], reg[2], reg[3], reg[4], reg[5]);
                if (vm->fault.code != FC_OK)
                    goto fault;
                /* the check below stops before the next instruction */
            } else if (code == 0x0) { /* ja, ja32 (gotol) */
                next += cls == CLS_JMP ? in.offset : in.imm;
            } else if (taken(code, a, src)) {
                next += in.offset;
            } else {
                break; /* not taken: straight-line code */
            }
            /* every transfer (also a jump by 0) and every helper call: move
             * the limit, check the budget */
            limit += (uintptr_t)next - (uintptr_t)pc - sizeof *pc;
            if ((uintptr_t)next >= limit) { /* next would be instruction budget + 1 */
                pc = next;
                goto fault_budget;
            }
            break;
        }
        }
        if (tracing && vm->trace) {
            memcpy(ev.after, reg, sizeof ev.after);
            vm->trace(vm, &ev);
        }
        pc = next;
    }

done:
    if (tracing && vm->trace) {
        memcpy(ev.after, reg, sizeof ev.after);
        vm->trace(vm, &ev);
    }
    *r0 = reg[0];
    /* pc >= limit: straight-line code after the last check ran past the
     * budget, the run did not finish within it (the exit itself counts) */
    if ((uintptr_t)pc >= limit)
        goto fault_budget;
    count(vm, budget, limit, pc);
    return FC_OK;
fault_budget: /* pc would have been (or was) over budget: executed = budget */
    vm->fault.code = FC_FAULT_BUDGET;
    vm->fault.reason = FC_WHY("instruction budget exhausted");
    limit = (uintptr_t)(pc + 1); /* count() then gives exactly the budget */
fault:
    vm->fault.where = (uint32_t)(pc - text);
    count(vm, budget, limit, pc);
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
