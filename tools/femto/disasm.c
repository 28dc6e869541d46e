/* The disassembler; see disasm.h.
 *
 * An instruction is printed from its row only if re-encoding the operands
 * the text shows gives back exactly the same slots; this is what makes the
 * round trip exact and catches every non-zero unused field. */
#include "disasm.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "insn.h"

#define LISTING_COLUMN 36

static size_t print_quad(fc_insn_t insn, char *buf, size_t size, const char *note)
{
    snprintf(buf, size, ".quad 0x%016" PRIx64 "  # %s", fc_insn_to_word(insn), note);
    return 1;
}

/* Small immediates in decimal, bit patterns in hex; both assemble back. */
static void format_imm(int64_t imm, char *buf, size_t size)
{
    if (imm > -65536 && imm < 65536)
        snprintf(buf, size, "%" PRId64, imm);
    else
        snprintf(buf, size, "0x%" PRIx32, (uint32_t)imm);
}

static void format_mem(unsigned reg, int32_t off, char *buf, size_t size)
{
    if (off == 0)
        snprintf(buf, size, "[%%r%u]", reg);
    else
        snprintf(buf, size, "[%%r%u%+d]", reg, (int)off);
}

/* Why slots do not match their re-encoding: the first differing field. */
static void describe_mismatch(fc_op_t op, fc_insn_t have, fc_insn_t want, char *note, size_t size)
{
    const char *mn = fc_isa[op].mnemonic;
    if (FC_INSN_DST(have) != FC_INSN_DST(want))
        snprintf(note, size, "%s: dst field is %u, must be %u", mn, FC_INSN_DST(have),
                 FC_INSN_DST(want));
    else if (FC_INSN_SRC(have) != FC_INSN_SRC(want))
        snprintf(note, size, "%s: src field is %u, must be %u", mn, FC_INSN_SRC(have),
                 FC_INSN_SRC(want));
    else if (have.offset != want.offset)
        snprintf(note, size, "%s: offset field is %d, must be %d", mn, have.offset, want.offset);
    else
        snprintf(note, size, "%s: imm field is %" PRId32 ", must be %" PRId32, mn, have.imm,
                 want.imm);
}

static void format_operands(fc_op_t op, const fc_operands_t *o, char *buf, size_t size)
{
    const char *mn = fc_isa[op].mnemonic;
    char a[32], b[32];
    switch (fc_isa[op].format) {
    case FC_FMT_ALU_K:
        format_imm(o->imm, a, sizeof a);
        snprintf(buf, size, "%s %%r%u, %s", mn, o->dst, a);
        break;
    case FC_FMT_ALU_X:
        snprintf(buf, size, "%s %%r%u, %%r%u", mn, o->dst, o->src);
        break;
    case FC_FMT_UNARY:
    case FC_FMT_END:
    case FC_FMT_CALLX:
        snprintf(buf, size, "%s %%r%u", mn, o->dst);
        break;
    case FC_FMT_LDDW: {
        const char *section = fc_lddw_source_name(o->src);
        if (section)
            snprintf(buf, size, "%s %%r%u, %s+0x%" PRIx64, mn, o->dst, section, (uint64_t)o->imm);
        else
            snprintf(buf, size, "%s %%r%u, 0x%" PRIx64, mn, o->dst, (uint64_t)o->imm);
        break;
    }
    case FC_FMT_LDX:
        format_mem(o->src, o->off, a, sizeof a);
        snprintf(buf, size, "%s %%r%u, %s", mn, o->dst, a);
        break;
    case FC_FMT_ST:
        format_mem(o->dst, o->off, a, sizeof a);
        format_imm(o->imm, b, sizeof b);
        snprintf(buf, size, "%s %s, %s", mn, a, b);
        break;
    case FC_FMT_STX:
        format_mem(o->dst, o->off, a, sizeof a);
        snprintf(buf, size, "%s %s, %%r%u", mn, a, o->src);
        break;
    case FC_FMT_ATOMIC:
        format_mem(o->dst, o->off, a, sizeof a);
        snprintf(buf, size, "lock %s %s, %%r%u", mn, a, o->src);
        break;
    case FC_FMT_JA:
        snprintf(buf, size, "%s %+d", mn, (int)o->off);
        break;
    case FC_FMT_JA32:
        snprintf(buf, size, "%s %+d", mn, (int)o->imm);
        break;
    case FC_FMT_JCC_K:
        format_imm(o->imm, a, sizeof a);
        snprintf(buf, size, "%s %%r%u, %s, %+d", mn, o->dst, a, (int)o->off);
        break;
    case FC_FMT_JCC_X:
        snprintf(buf, size, "%s %%r%u, %%r%u, %+d", mn, o->dst, o->src, (int)o->off);
        break;
    case FC_FMT_CALL:
        snprintf(buf, size, "%s %d", mn, (int)o->imm);
        break;
    case FC_FMT_CALL_LOCAL:
        snprintf(buf, size, "%s local %+d", mn, (int)o->imm);
        break;
    default:
        snprintf(buf, size, "%s", mn);
        break;
    }
}

size_t fc_disasm_insn(const fc_insn_t *text, size_t n, size_t pc, char *buf, size_t size)
{
    char note[96];
    if (size)
        buf[0] = '\0';
    if (pc >= n)
        return 0;
    fc_insn_t insn = text[pc];
    fc_op_t op = fc_isa_decode(insn);
    if (op >= FC_OP_COUNT) {
        snprintf(note, sizeof note,
                 "not an instruction (opcode 0x%02x, src %u, off %d, imm %" PRId32 ")", insn.opcode,
                 FC_INSN_SRC(insn), insn.offset, insn.imm);
        return print_quad(insn, buf, size, note);
    }
    unsigned slots = fc_insn_slots(op);
    if (pc + slots > n)
        return print_quad(insn, buf, size, "lddw without its second slot");

    fc_operands_t ops;
    fc_insn_t encoded[2];
    fc_insn_operands(op, &text[pc], &ops);
    fc_insn_encode(op, &ops, encoded);
    for (unsigned i = 0; i < slots; i++) {
        if (fc_insn_to_word(encoded[i]) == fc_insn_to_word(text[pc + i]))
            continue;
        if (i == 0)
            describe_mismatch(op, insn, encoded[0], note, sizeof note);
        else
            snprintf(note, sizeof note, "lddw: second slot must hold only the upper imm");
        return print_quad(insn, buf, size, note);
    }
    if (FC_INSN_DST(insn) > 10 || FC_INSN_SRC(insn) > 10) {
        snprintf(note, sizeof note, "%s: register r%u does not exist", fc_isa[op].mnemonic,
                 FC_INSN_DST(insn) > 10 ? FC_INSN_DST(insn) : FC_INSN_SRC(insn));
        return print_quad(insn, buf, size, note);
    }
    format_operands(op, &ops, buf, size);
    return slots;
}

void fc_disasm_listing(FILE *out, const fc_insn_t *text, size_t n)
{
    char line[160];
    size_t pc = 0;
    while (pc < n) {
        size_t slots = fc_disasm_insn(text, n, pc, line, sizeof line);
        int64_t target;
        fc_op_t op = fc_isa_decode(text[pc]);
        int is_quad = line[0] == '.';
        if (is_quad)
            fprintf(out, "%s, slot %zu\n", line, pc);
        else if (fc_insn_target(op, text[pc], pc, &target))
            fprintf(out, "%-*s # %zu -> %" PRId64 "\n", LISTING_COLUMN, line, pc, target);
        else
            fprintf(out, "%-*s # %zu\n", LISTING_COLUMN, line, pc);
        pc += slots;
    }
}

int fc_disasm_raw_file(const char *path, FILE *out, char *err, size_t err_size)
{
    fc_insn_t *slots;
    size_t n;
    if (fc_raw_load(path, &slots, &n, err, err_size) != 0)
        return -1;
    fc_disasm_listing(out, slots, n);
    free(slots);
    return 0;
}
