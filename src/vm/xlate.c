/* The translator: pre-decodes a verified program into fc_xinsn_t slots for
 * the per-opcode interpreter (interp.c), each slot naming its handler by an
 * enum fc_xop index (xlate.h).
 *
 * Per slot it decides: the opcode's handler, or a variant of it (a memory
 * access whose base is r10 or probably derived from it, two adjacent
 * accesses through one base, a load followed by its sign extension, a
 * fused clang idiom); registers as byte offsets into the register file;
 * jump displacements in bytes. fc_program_translate then has the
 * interpreter turn the indices into its handlers' addresses (fc_xlate_link,
 * interp.c) before it installs the buffer. */
#include "vm_run.h"
#include "xlate.h"

#include <string.h>

#if FC_VM_XLATE

/* [opcode] of each memory instruction: its variant for an r10 base (proven
 * in the frame, no check) and for a base derived from r10 (stack checked
 * first); 0 for other opcodes. */
#define FC_XLATE_R10_ROW_(id, kind, size, acc, arg) [FC_OPC_##id] = FC_XOP_##id##_R10,
#define FC_XLATE_STK_ROW_(id, kind, size, acc, arg) [FC_OPC_##id] = FC_XOP_##id##_STK,
static const uint16_t xop_r10[256] = {FC_MEMOPS(FC_XLATE_R10_ROW_)};
static const uint16_t xop_stk[256] = {FC_MEMOPS(FC_XLATE_STK_ROW_)};
#undef FC_XLATE_R10_ROW_
#undef FC_XLATE_STK_ROW_

/* [opcode]: the pair handler (FC_MEMPAIRS), the load-and-extend handler
 * (FC_LOAD_SEXTS) and the fused extension its next two slots must be; 0
 * where the opcode has none. */
#define FC_XLATE_PAIR_ROW_(id, kind, size, acc) [FC_OPC_##id] = FC_XOP_PAIR_##id,
#define FC_XLATE_LDXS_ROW_(id, size, acc, bits) [FC_OPC_##id] = FC_XOP_LDXS_##id,
#define FC_XLATE_EXT_ROW_(id, size, acc, bits) [FC_OPC_##id] = FC_XOP_FUSED_SEXT##bits,
static const uint16_t xop_pair[256] = {FC_MEMPAIRS(FC_XLATE_PAIR_ROW_)};
static const uint16_t xop_ldxs[256] = {FC_LOAD_SEXTS(FC_XLATE_LDXS_ROW_)};
static const uint16_t ldxs_ext[256] = {FC_LOAD_SEXTS(FC_XLATE_EXT_ROW_)};
#undef FC_XLATE_PAIR_ROW_
#undef FC_XLATE_LDXS_ROW_
#undef FC_XLATE_EXT_ROW_

/* The slot's handler field, before linking: the index as a pointer-sized
 * integer (fc_xlate_link turns it into the handler's address). */
static inline const void *xop(unsigned op)
{
    return (const void *)(uintptr_t)op;
}

/* Loads take their base from src, stores and atomics from dst. */
static inline int is_load(uint8_t opcode)
{
    return fc_isa_format_of(opcode) == FC_FMT_LDX;
}

/* Is slot i (within n) opcode on register dst with imm and a zero offset? */
static int is_insn(const fc_insn_t *t, uint32_t n, uint32_t i, uint8_t opcode, unsigned dst,
                   int32_t imm)
{
    return i < n && t[i].opcode == opcode && FC_INSN_DST(t[i]) == dst && t[i].imm == imm &&
           t[i].offset == 0;
}

/* The fused extension (zero or sign) that the shift pair at i, on register
 * d, stands for, or -1. with_mov: the pair follows a mov into d (the
 * three-slot variants). */
static int extension_at(const fc_insn_t *t, uint32_t n, uint32_t i, unsigned d, int with_mov)
{
    static const struct {
        int32_t shift;
        int op;
    } sext_ops[3] = {
        {32, FC_XOP_FUSED_SEXT32}, {48, FC_XOP_FUSED_SEXT16}, {56, FC_XOP_FUSED_SEXT8}};
    if (is_insn(t, n, i, FC_OPC_LSH64_K, d, 32) && is_insn(t, n, i + 1, FC_OPC_RSH64_K, d, 32))
        return with_mov ? FC_XOP_FUSED_ZEXT_MOV : FC_XOP_FUSED_ZEXT;
    for (unsigned k = 0; k < 3; k++)
        if (is_insn(t, n, i, FC_OPC_LSH64_K, d, sext_ops[k].shift) &&
            is_insn(t, n, i + 1, FC_OPC_ARSH64_K, d, sext_ops[k].shift))
            return sext_ops[k].op + (with_mov ? FC_XOP_FUSED_SEXT32_MOV - FC_XOP_FUSED_SEXT32 : 0);
    return -1;
}

/* Which fused handler, if any, can stand for the slots starting at i (a
 * third register or an immediate goes into x). Each slot is considered on
 * its own: a jump into the middle of a fused group lands on that slot's
 * own handler, so fusion never changes what a jump sees. Fused groups
 * contain no jump and nothing that can fault. */
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
        return FC_XOP_FUSED_ADD3;
    }
    if (is_mov && i + 1 < n && t[i + 1].opcode == FC_OPC_ADD64_K && FC_INSN_DST(t[i + 1]) == d &&
        t[i + 1].offset == 0) {
        x->imm = t[i + 1].imm;
        return FC_XOP_FUSED_ADDK3;
    }
    if (is_mov)
        return FC_XOP_FUSED_MOV64;
    if (a.opcode == FC_OPC_MOV32_X && a.offset == 0)
        return FC_XOP_FUSED_MOV32;
    return -1;
}

/* Jumps of the pre-decoded form carry their displacement in bytes: for ja
 * and conditional jumps in the 16-bit offset field, which bounds them to
 * +-2047 slots (0: too far; a larger program runs in place instead), for
 * ja32 in imm. */
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

/* The handler of a slot: for a memory access by its base, r10 (no check),
 * a stackish base (stack checked first), or the opcode's own (last region
 * first); for any other slot the opcode's own, whose index is the opcode
 * byte. */
static unsigned handler_of(const uint8_t *stackish, fc_insn_t in)
{
    unsigned base = is_load(in.opcode) ? FC_INSN_SRC(in) : FC_INSN_DST(in);
    if (!xop_r10[in.opcode])
        return in.opcode;
    if (base == 10)
        return xop_r10[in.opcode];
    return stackish[base] ? xop_stk[in.opcode] : in.opcode;
}

/* Two accesses of the same kind and size through the same base register
 * at adjacent offsets; a load pair must not overwrite its base first. The
 * operands the pair handler reads go into x (interp_body.h, PAIR_HANDLER). */
static int pair_at(const fc_insn_t *t, uint32_t n, uint32_t i, fc_xinsn_t *x)
{
    fc_insn_t a = t[i];
    if (i + 1 >= n || t[i + 1].opcode != a.opcode)
        return 0;
    fc_insn_t b = t[i + 1];
    int load = is_load(a.opcode);
    unsigned base = load ? FC_INSN_SRC(a) : FC_INSN_DST(a);
    unsigned base_b = load ? FC_INSN_SRC(b) : FC_INSN_DST(b);
    int32_t size = (int32_t)access_size_of(a.opcode);
    if (base != base_b || base == 10 || (load && FC_INSN_DST(a) == base))
        return 0;
    int32_t delta = (int32_t)b.offset - (int32_t)a.offset;
    if (delta != size && delta != -size)
        return 0;
    unsigned reg2 = load ? FC_INSN_DST(b) : FC_INSN_SRC(b);
    uint32_t k1 = delta > 0 ? 0u : (uint32_t)size; /* where the first sits */
    x->imm = (int32_t)(reg2 * 8u | k1 << 8);
    x->offset = b.offset; /* the lower of the two */
    if (delta > 0)
        x->offset = a.offset;
    return 1;
}

/* Does every jump of the n slots of t fit the pre-decoded encoding?
 * Checked before anything is written, so that a refused translation leaves
 * the buffer as it was (it may be another translation, installed and
 * linked). */
static int jumps_fit(const fc_insn_t *t, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        fc_xinsn_t scratch;
        if (t[i].opcode == FC_OPC_LDDW)
            i++; /* its second slot is no instruction */
        else if (!scale_jump(t[i], &scratch))
            return 0;
    }
    return 1;
}

/* Pre-decode the verified prog into x (prog->len slots), each slot's
 * handler field holding an enum fc_xop index; every jump fits (jumps_fit). */
static void translate(const fc_program_t *prog, fc_xinsn_t *x)
{
    const fc_insn_t *t = prog->text;
    uint32_t n = prog->len;
    uint8_t stackish[16];
    find_stack_pointers(t, n, stackish);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t opc = t[i].opcode;
        x[i].handler = xop(handler_of(stackish, t[i]));
        x[i].dst8 = (uint8_t)(FC_INSN_DST(t[i]) * 8);
        x[i].src8 = (uint8_t)(FC_INSN_SRC(t[i]) * 8);
        x[i].offset = t[i].offset;
        x[i].imm = t[i].imm;
        if (opc == FC_OPC_LDDW) { /* keep lddw's second slot intact */
            if (i + 1 < n) {
                x[i + 1].handler = xop(FC_XOP_INVALID);
                x[i + 1].dst8 = x[i + 1].src8 = 0;
                x[i + 1].offset = 0;
                x[i + 1].imm = t[i + 1].imm;
            }
            i++;
            continue;
        }
        (void)scale_jump(t[i], &x[i]); /* fits: jumps_fit said so */
        if (xop_ldxs[opc] && FC_INSN_SRC(t[i]) != 10 &&
            extension_at(t, n, i + 1, FC_INSN_DST(t[i]), 0) == (int)ldxs_ext[opc]) {
            x[i].handler = xop(xop_ldxs[opc]);
            continue;
        }
        if (xop_pair[opc] && pair_at(t, n, i, &x[i])) {
            x[i].handler = xop(xop_pair[opc]);
            continue;
        }
        fc_xinsn_t f = x[i];
        int k = fusion_at(t, n, i, &f);
        if (k >= 0) {
            f.handler = xop((unsigned)k);
            x[i] = f;
        }
    }
}

#endif /* FC_VM_XLATE */

#if !FC_VM_SMALL
/* Translate, then link (interp.c): prog->xlate only ever points to a
 * buffer whose every slot holds a handler address of the interpreter. */
fc_status_t fc_program_translate(fc_program_t *prog, fc_xinsn_t *buf, size_t cap)
{
#if FC_VM_XLATE
    if (!prog->verified || !buf || cap < prog->len)
        return FC_ERR_BAD_CONFIG;
    if (!jumps_fit(prog->text, prog->len))
        return FC_ERR_TOO_LARGE; /* buf untouched */
    translate(prog, buf);
    fc_status_t st = fc_xlate_link(buf, prog->len);
    if (st == FC_OK || prog->xlate == buf) {
        /* installed, or the installed form was overwritten by a translation
         * that could not be linked: it runs in place from now on */
        prog->xlate = st == FC_OK ? buf : NULL;
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
#endif
