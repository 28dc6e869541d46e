/* refvm: the simple reference evaluator (see refvm.h). Written from RFC
 * 9669 and the project's documented fault and budget rules; shares no code
 * with src/vm. Clarity over speed everywhere. */
#include "refvm.h"

#include <string.h>

#include "femto/status.h" /* status numbers only */

/* ---- decoding: the RFC's field layout, from the raw bytes ---------------- */

typedef struct insn {
    uint8_t op;
    unsigned dst, src;
    int16_t off;
    int32_t imm;
} insn_t;

static insn_t decode(const uint8_t *slot)
{
    insn_t in;
    in.op = slot[0];
    in.dst = slot[1] & 0x0fu;
    in.src = slot[1] >> 4;
    in.off = (int16_t)(uint16_t)(slot[2] | slot[3] << 8);
    in.imm = (int32_t)((uint32_t)slot[4] | (uint32_t)slot[5] << 8 | (uint32_t)slot[6] << 16 |
                       (uint32_t)slot[7] << 24);
    return in;
}

/* ---- arithmetic ---------------------------------------------------------- */

static uint64_t sign_extend(uint64_t value, unsigned bits)
{
    uint64_t sign_bit = (uint64_t)1 << (bits - 1);
    uint64_t mask = bits == 64 ? ~(uint64_t)0 : (sign_bit << 1) - 1;
    value &= mask;
    if (value & sign_bit)
        value |= ~mask;
    return value;
}

static uint64_t arith_shift_right(uint64_t value, unsigned n, unsigned bits)
{
    uint64_t mask = bits == 64 ? ~(uint64_t)0 : ((uint64_t)1 << bits) - 1;
    value &= mask;
    int negative = (value >> (bits - 1)) & 1;
    uint64_t result = value >> n;
    if (negative && n > 0)
        result |= (mask >> (bits - n)) << (bits - n); /* the n top bits */
    return result & mask;
}

static uint64_t byte_swap(uint64_t value, unsigned bytes)
{
    uint64_t result = 0;
    for (unsigned i = 0; i < bytes; i++)
        result = result << 8 | ((value >> (8 * i)) & 0xff);
    return result;
}

/* Signed division of two `bits`-wide values, truncating toward zero, per
 * RFC 9669: by zero gives 0; the most negative value divided by -1 wraps
 * to itself. Computed on magnitudes, without C's signed division. */
static uint64_t signed_div(uint64_t a, uint64_t b, unsigned bits)
{
    uint64_t mask = bits == 64 ? ~(uint64_t)0 : ((uint64_t)1 << bits) - 1;
    a &= mask;
    b &= mask;
    if (b == 0)
        return 0;
    int neg_a = (a >> (bits - 1)) & 1, neg_b = (b >> (bits - 1)) & 1;
    uint64_t mag_a = neg_a ? (0 - a) & mask : a;
    uint64_t mag_b = neg_b ? (0 - b) & mask : b;
    uint64_t q = mag_a / mag_b; /* INT_MIN / -1: magnitude 2^(bits-1), wraps below */
    return (neg_a != neg_b ? 0 - q : q) & mask;
}

/* Signed modulo: the result takes the sign of the dividend; by zero leaves
 * the dividend. */
static uint64_t signed_mod(uint64_t a, uint64_t b, unsigned bits)
{
    uint64_t mask = bits == 64 ? ~(uint64_t)0 : ((uint64_t)1 << bits) - 1;
    a &= mask;
    b &= mask;
    if (b == 0)
        return a;
    int neg_a = (a >> (bits - 1)) & 1, neg_b = (b >> (bits - 1)) & 1;
    uint64_t mag_a = neg_a ? (0 - a) & mask : a;
    uint64_t mag_b = neg_b ? (0 - b) & mask : b;
    uint64_t r = mag_a % mag_b;
    return (neg_a ? 0 - r : r) & mask;
}

/* One ALU operation of width bits (32 or 64) on a and b. Returns 0 and
 * leaves *out alone for an invalid variant. */
static int alu(unsigned code, uint64_t a, uint64_t b, int16_t off, unsigned bits, uint64_t *out)
{
    uint64_t mask = bits == 64 ? ~(uint64_t)0 : 0xffffffffu;
    unsigned shift = (unsigned)(b & (bits - 1));
    uint64_t r;
    a &= mask;
    b &= mask;
    switch (code) {
    case 0x00:
        r = a + b;
        break;
    case 0x10:
        r = a - b;
        break;
    case 0x20:
        r = a * b;
        break;
    case 0x30:
        if (off == 0)
            r = b == 0 ? 0 : a / b;
        else if (off == 1)
            r = signed_div(a, b, bits);
        else
            return 0;
        break;
    case 0x40:
        r = a | b;
        break;
    case 0x50:
        r = a & b;
        break;
    case 0x60:
        r = a << shift;
        break;
    case 0x70:
        r = a >> shift;
        break;
    case 0x80:
        r = 0 - a;
        break;
    case 0x90:
        if (off == 0)
            r = b == 0 ? a : a % b;
        else if (off == 1)
            r = signed_mod(a, b, bits);
        else
            return 0;
        break;
    case 0xa0:
        r = a ^ b;
        break;
    case 0xb0:
        if (off == 0)
            r = b;
        else if (off == 8 || off == 16 || (off == 32 && bits == 64))
            r = sign_extend(b, (unsigned)off);
        else
            return 0;
        break;
    case 0xc0:
        r = arith_shift_right(a, shift, bits);
        break;
    default:
        return 0;
    }
    *out = r & mask;
    return 1;
}

/* Does the jump's condition hold? code is the opcode's upper nibble. */
static int condition(unsigned code, uint64_t a, uint64_t b, unsigned bits, int *valid)
{
    uint64_t mask = bits == 64 ? ~(uint64_t)0 : 0xffffffffu;
    a &= mask;
    b &= mask;
    /* signed comparison: flip the sign bits, then compare unsigned */
    uint64_t sign = (uint64_t)1 << (bits - 1);
    uint64_t sa = a ^ sign, sb = b ^ sign;
    *valid = 1;
    switch (code) {
    case 0x10:
        return a == b;
    case 0x20:
        return a > b;
    case 0x30:
        return a >= b;
    case 0x40:
        return (a & b) != 0;
    case 0x50:
        return a != b;
    case 0x60:
        return sa > sb;
    case 0x70:
        return sa >= sb;
    case 0xa0:
        return a < b;
    case 0xb0:
        return a <= b;
    case 0xc0:
        return sa < sb;
    case 0xd0:
        return sa <= sb;
    default:
        *valid = 0;
        return 0;
    }
}

/* ---- memory -------------------------------------------------------------- */

static int region_holds(const refvm_region_t *r, uint64_t addr, uint64_t len)
{
    if (addr < r->start)
        return 0;
    uint64_t off = addr - r->start;
    return off <= r->len && len <= r->len - off;
}

void *refvm_check_ptr(refvm_t *vm, uint64_t addr, uint64_t len, unsigned perm)
{
    for (unsigned i = 0; i < vm->n_regions && i < REFVM_MAX_REGIONS; i++)
        if (region_holds(&vm->regions[i], addr, len) && (vm->regions[i].perm & perm) == perm)
            return (void *)(uintptr_t)addr;
    return NULL;
}

void refvm_fault(refvm_t *vm, int status)
{
    if (!vm->helper_fault)
        vm->helper_fault = status;
}

/* Check an access; on refusal fill the fault fields and return NULL. */
static uint8_t *access(refvm_t *vm, uint64_t addr, unsigned size, unsigned perm)
{
    uint8_t *p = refvm_check_ptr(vm, addr, size, perm);
    if (p)
        return p;
    vm->status = refvm_check_ptr(vm, addr, size, 0) ? FC_FAULT_MEM_PERM : FC_FAULT_MEM;
    vm->addr = addr;
    vm->size = size;
    return NULL;
}

/* Little-endian load and store of size bytes, one byte at a time. */
static uint64_t load(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void store(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- the evaluator ---------------------------------------------------------- */

typedef struct frame {
    uint64_t return_pc;
    uint64_t saved[4]; /* r6..r9 */
} frame_t;

int refvm_run(refvm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2)
{
    uint64_t reg[16] = {0};
    frame_t frames[REFVM_MAX_DEPTH];
    unsigned depth = 0;
    uint64_t budget = vm->budget ? vm->budget : 1000000u;
    uint64_t count = 0; /* instructions started so far */
    uint64_t pc = entry;

    vm->status = 0;
    vm->where = vm->addr = 0;
    vm->size = 0;
    vm->executed = 0;
    vm->r0 = 0;
    vm->max_depth_reached = 0;
    vm->helper_fault = 0;
    reg[1] = r1;
    reg[2] = r2;
    reg[10] = vm->stack_top;

    for (;;) {
        if (pc >= vm->n_slots) {
            vm->status = FC_FAULT_BAD_INSN; /* ran off the program */
            goto fault;
        }
        insn_t in = decode(vm->code + 8 * pc);
        count++;
        if (in.dst > 10 || in.src > 10) {
            vm->status = FC_FAULT_BAD_INSN;
            goto fault;
        }
        uint64_t *dst = &reg[in.dst];
        uint64_t src_reg = reg[in.src];
        uint64_t imm64 = (uint64_t)(int64_t)in.imm; /* sign-extended */
        uint64_t next = pc + 1;
        int transfer = 0; /* a control transfer: check the budget */
        int valid = 1;

        switch (in.op) {
        /* ALU64, immediate and register forms */
        case 0x07:
        case 0x17:
        case 0x27:
        case 0x37:
        case 0x47:
        case 0x57:
        case 0x67:
        case 0x77:
        case 0x87:
        case 0x97:
        case 0xa7:
        case 0xb7:
        case 0xc7:
            valid = alu(in.op & 0xf0u, *dst, imm64, in.off, 64, dst);
            break;
        case 0x0f:
        case 0x1f:
        case 0x2f:
        case 0x3f:
        case 0x4f:
        case 0x5f:
        case 0x6f:
        case 0x7f:
        case 0x9f:
        case 0xaf:
        case 0xbf:
        case 0xcf:
            valid = alu(in.op & 0xf0u, *dst, src_reg, in.off, 64, dst);
            break;
        /* ALU32: operands are the low 32 bits, the result is zero-extended */
        case 0x04:
        case 0x14:
        case 0x24:
        case 0x34:
        case 0x44:
        case 0x54:
        case 0x64:
        case 0x74:
        case 0x84:
        case 0x94:
        case 0xa4:
        case 0xb4:
        case 0xc4:
            valid = alu(in.op & 0xf0u, *dst, (uint32_t)in.imm, in.off, 32, dst);
            break;
        case 0x0c:
        case 0x1c:
        case 0x2c:
        case 0x3c:
        case 0x4c:
        case 0x5c:
        case 0x6c:
        case 0x7c:
        case 0x9c:
        case 0xac:
        case 0xbc:
        case 0xcc:
            valid = alu(in.op & 0xf0u, *dst, src_reg, in.off, 32, dst);
            break;
        /* byte order: le (to little-endian: truncate), be (swap), bswap (swap) */
        case 0xd4:
        case 0xdc:
        case 0xd7:
            if (in.imm != 16 && in.imm != 32 && in.imm != 64) {
                valid = 0;
                break;
            }
            if (in.op == 0xd4)
                *dst = in.imm == 64 ? *dst : *dst & (((uint64_t)1 << in.imm) - 1);
            else
                *dst = byte_swap(*dst, (unsigned)in.imm / 8);
            break;

        /* lddw: two slots, one instruction */
        case 0x18: {
            if (pc + 1 >= vm->n_slots || in.src > 2) {
                valid = 0;
                break;
            }
            insn_t hi = decode(vm->code + 8 * (pc + 1));
            uint64_t value = (uint64_t)(uint32_t)in.imm | (uint64_t)(uint32_t)hi.imm << 32;
            *dst = value + (in.src ? vm->section[in.src] : 0);
            next = pc + 2;
            break;
        }

        /* loads: ldx (zero-extending) and ldxs (sign-extending) */
        case 0x61:
        case 0x69:
        case 0x71:
        case 0x79:
        case 0x81:
        case 0x89:
        case 0x91: {
            unsigned size = in.op == 0x61 || in.op == 0x81   ? 4
                            : in.op == 0x69 || in.op == 0x89 ? 2
                            : in.op == 0x71 || in.op == 0x91 ? 1
                                                             : 8;
            uint8_t *p = access(vm, src_reg + (uint64_t)(int64_t)in.off, size, REFVM_READ);
            if (!p)
                goto fault;
            uint64_t v = load(p, size);
            *dst = in.op >= 0x81 ? sign_extend(v, 8 * size) : v;
            break;
        }
        /* stores: st (immediate) and stx (register) */
        case 0x62:
        case 0x6a:
        case 0x72:
        case 0x7a:
        case 0x63:
        case 0x6b:
        case 0x73:
        case 0x7b: {
            unsigned mode_size = in.op & 0x18u; /* W 0x00, H 0x08, B 0x10, DW 0x18 */
            unsigned size = mode_size == 0x00   ? 4
                            : mode_size == 0x08 ? 2
                            : mode_size == 0x10 ? 1
                                                : 8;
            uint8_t *p = access(vm, *dst + (uint64_t)(int64_t)in.off, size, REFVM_WRITE);
            if (!p)
                goto fault;
            store(p, size, (in.op & 7) == 2 ? imm64 : src_reg);
            break;
        }
        /* atomics: 32-bit (0xc3) and 64-bit (0xdb) */
        case 0xc3:
        case 0xdb: {
            unsigned size = in.op == 0xc3 ? 4 : 8;
            uint64_t mask = size == 4 ? 0xffffffffu : ~(uint64_t)0;
            int32_t aop = in.imm;
            if (aop != 0x00 && aop != 0x01 && aop != 0x40 && aop != 0x41 && aop != 0x50 &&
                aop != 0x51 && aop != 0xa0 && aop != 0xa1 && aop != 0xe1 && aop != 0xf1) {
                valid = 0;
                break;
            }
            uint8_t *p =
                access(vm, *dst + (uint64_t)(int64_t)in.off, size, REFVM_READ | REFVM_WRITE);
            if (!p)
                goto fault;
            uint64_t old = load(p, size), val = src_reg & mask, res;
            if (aop == 0xe1) {
                res = val;
            } else if (aop == 0xf1) {
                res = (reg[0] & mask) == old ? val : old;
            } else {
                uint64_t r = 0;
                alu((unsigned)aop & 0xf0u, old, val, 0, 64, &r);
                res = r & mask;
            }
            store(p, size, res);
            if (aop == 0xf1)
                reg[0] = old;
            else if (aop & 1)
                reg[in.src] = old;
            break;
        }

        /* jumps */
        case 0x05: /* ja */
            next = pc + 1 + (uint64_t)(int64_t)in.off;
            transfer = 1;
            break;
        case 0x06: /* ja32 (gotol): the offset is in imm */
            next = pc + 1 + imm64;
            transfer = 1;
            break;
        case 0x15:
        case 0x25:
        case 0x35:
        case 0x45:
        case 0x55:
        case 0x65:
        case 0x75:
        case 0xa5:
        case 0xb5:
        case 0xc5:
        case 0xd5:
        case 0x1d:
        case 0x2d:
        case 0x3d:
        case 0x4d:
        case 0x5d:
        case 0x6d:
        case 0x7d:
        case 0xad:
        case 0xbd:
        case 0xcd:
        case 0xdd:
        case 0x16:
        case 0x26:
        case 0x36:
        case 0x46:
        case 0x56:
        case 0x66:
        case 0x76:
        case 0xa6:
        case 0xb6:
        case 0xc6:
        case 0xd6:
        case 0x1e:
        case 0x2e:
        case 0x3e:
        case 0x4e:
        case 0x5e:
        case 0x6e:
        case 0x7e:
        case 0xae:
        case 0xbe:
        case 0xce:
        case 0xde: {
            unsigned bits = (in.op & 7) == 5 ? 64 : 32;
            uint64_t b = (in.op & 8) ? src_reg : imm64;
            if (condition(in.op & 0xf0u, *dst, b, bits, &valid)) {
                next = pc + 1 + (uint64_t)(int64_t)in.off;
                transfer = 1;
            }
            break;
        }

        /* calls and exit */
        case 0x85:
        case 0x8d:
            if (in.op == 0x85 && in.src == 1) { /* local call */
                if (depth >= vm->max_depth || depth >= REFVM_MAX_DEPTH) {
                    vm->status = FC_FAULT_CALL_DEPTH;
                    goto fault;
                }
                frames[depth].return_pc = pc + 1;
                memcpy(frames[depth].saved, &reg[6], sizeof frames[depth].saved);
                depth++;
                if (depth > vm->max_depth_reached)
                    vm->max_depth_reached = depth;
                reg[10] -= vm->frame_size;
                next = pc + 1 + imm64;
                transfer = 1;
                break;
            }
            if (in.op == 0x85 && in.src != 0) {
                valid = 0;
                break;
            }
            {
                uint64_t id = in.op == 0x8d ? *dst : (uint64_t)(uint32_t)in.imm;
                refvm_helper_fn fn = id < REFVM_MAX_HELPERS ? vm->helpers[id] : NULL;
                if (!fn) {
                    vm->status = FC_FAULT_HELPER;
                    vm->addr = id;
                    goto fault;
                }
                if (count > budget) { /* the call itself is over budget */
                    vm->status = FC_FAULT_BUDGET;
                    goto fault_budget;
                }
                vm->executed = count;
                reg[0] = fn(vm, reg[1], reg[2], reg[3], reg[4], reg[5]);
                if (vm->helper_fault) {
                    vm->status = vm->helper_fault;
                    goto fault;
                }
                if (count >= budget) { /* stop before the next instruction */
                    pc = next;
                    vm->status = FC_FAULT_BUDGET;
                    goto fault_budget;
                }
            }
            break;
        case 0x95: /* exit */
            if (depth == 0) {
                vm->r0 = reg[0];
                if (count > budget) { /* straight-line code overran the budget */
                    vm->status = FC_FAULT_BUDGET;
                    goto fault_budget;
                }
                vm->executed = count;
                return 0;
            }
            depth--;
            memcpy(&reg[6], frames[depth].saved, sizeof frames[depth].saved);
            reg[10] += vm->frame_size;
            next = frames[depth].return_pc;
            transfer = 1;
            break;

        default:
            valid = 0;
            break;
        }
        if (!valid) {
            vm->status = FC_FAULT_BAD_INSN;
            goto fault;
        }
        pc = next;
        if (transfer && count >= budget) { /* pc would be instruction budget + 1 */
            vm->status = FC_FAULT_BUDGET;
            goto fault_budget;
        }
    }

fault_budget:
    vm->where = pc;
    vm->executed = budget;
    return vm->status;
fault:
    vm->where = pc;
    vm->executed = count;
    return vm->status;
}
