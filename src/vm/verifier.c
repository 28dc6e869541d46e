/* Load-time verifier.
 *
 * Four passes, no allocation (the scratch lives in a struct on the C
 * stack, bounded by FC_MAX_FUNCTIONS):
 *   1. decode every slot with the tables derived from the ISA table
 *      (vm_isa.h: its class and format by opcode, a selector row by binary
 *      search of the sorted keys): known opcode, unused fields
 *      zero, registers <= 10, no write to r10, lddw pairs complete, helper
 *      ids allowed, r10-relative accesses inside the frame, lddw pseudo
 *      sources present; collect function starts (entry points and local
 *      call targets);
 *   2. per function: jump targets inside the same function and not on the
 *      second slot of an lddw, last slot an unconditional transfer (so no
 *      path can fall off the function), call edges;
 *   3. the call graph: no recursion, depth within the bound;
 *   4. the registers a run may read before writing them
 *      (fc_program_t.undefined_reads).
 * What passes lets the interpreter skip decoding checks and the run-time
 * bounds check of r10-relative accesses. */
#include "femto/vm.h"
#include "vm_internal.h"

#include <string.h>

#include "../common/fc_bytes.h"
#include "../common/fc_error.h"

#ifndef FC_MAX_FUNCTIONS
#define FC_MAX_FUNCTIONS 32 /* functions (entry + local-call targets) */
#endif

typedef struct verifier { /* scalars first: short offsets, shorter code */
    const fc_insn_t *text;
    uint32_t n;
    const fc_verify_config_t *cfg;
    fc_error_t *err;
    uint32_t n_funcs;
    uint32_t helpers_used;
    uint8_t uses_callx;
    uint32_t starts[FC_MAX_FUNCTIONS]; /* sorted function starts */
    uint32_t calls[FC_MAX_FUNCTIONS];  /* bit j of calls[i]: i calls j */
} verifier_t;

#if defined(__GNUC__)
#define FC_VERIFIER_NOINLINE __attribute__((noinline)) /* one copy where two would be inlined */
#else
#define FC_VERIFIER_NOINLINE
#endif

typedef char fc_functions_fit_mask_[FC_MAX_FUNCTIONS <= 32 ? 1 : -1];

/*@ // ACSL contracts: proven with Frama-C WP (proofs/run.sh, docs/assurance.md)
    predicate err_ok(verifier_t *v) =
        v->err == \null || (\valid(v->err) && \separated(v->err, v));
    // starts[] is strictly increasing, within its array and within the program
    predicate starts_ok(verifier_t *v) =
        v->n_funcs <= FC_MAX_FUNCTIONS &&
        (\forall integer i, j; 0 <= i < j < v->n_funcs ==> v->starts[i] < v->starts[j]) &&
        (\forall integer i; 0 <= i < v->n_funcs ==> v->starts[i] < v->n);
    logic integer fc_access_size(integer opcode) =
        ((opcode >> 3) & 3) == 0 ? 4 : ((opcode >> 3) & 3) == 1 ? 2 :
        ((opcode >> 3) & 3) == 2 ? 1 : 8;
*/

/*@ requires \valid(v) && err_ok(v);
    assigns *v->err;
    ensures \result == code; */
static fc_status_t refuse(verifier_t *v, fc_status_t code, uint32_t pc, const char *reason)
{
    return fc_fail(v->err, code, pc, reason); /* the one filler of every layer */
}

#if !FC_VM_REASONS
/* A build without reasons passes none: one argument less at each of the
 * thirty call sites below. (Same contract as refuse: WP needs it to prove
 * the callers on 32-bit machdeps, where this is the path compiled.) */
/*@ requires \valid(v) && err_ok(v);
    assigns *v->err;
    ensures \result == code; */
static fc_status_t refuse_code(verifier_t *v, fc_status_t code, uint32_t pc)
{
    return refuse(v, code, pc, "");
}
#define refuse(v, code, pc, why) refuse_code(v, code, pc)
#endif

/* ---- function starts -------------------------------------------------- */

/*@ requires \valid_read(v) && \valid(index) && \separated(index, v);
    requires starts_ok(v);
    assigns *index;
    ensures 0 <= *index <= v->n_funcs;
    ensures below: \forall integer k; 0 <= k < *index ==> v->starts[k] < pc;
    ensures above: \forall integer k; *index <= k < v->n_funcs ==> v->starts[k] >= pc;
    ensures found: \result != 0 <==> (*index < v->n_funcs && v->starts[*index] == pc);
*/
static int find_start(const verifier_t *v, uint32_t pc, uint32_t *index)
{
    uint32_t lo = 0, hi = v->n_funcs;
    /*@ loop invariant 0 <= lo <= hi <= v->n_funcs;
        loop invariant \forall integer k; 0 <= k < lo ==> v->starts[k] < pc;
        loop invariant \forall integer k; hi <= k < v->n_funcs ==> v->starts[k] >= pc;
        loop assigns lo, hi;
        loop variant hi - lo; */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v->starts[mid] < pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    *index = lo;
    return lo < v->n_funcs && v->starts[lo] == pc;
}

/*@ requires \valid(v) && err_ok(v) && starts_ok(v) && pc < v->n;
    assigns v->starts[0 .. FC_MAX_FUNCTIONS - 1], v->n_funcs, *v->err;
    ensures starts_ok(v);
    ensures \result == FC_OK || \result == FC_ERR_TOO_LARGE;
    ensures added: \result == FC_OK ==>
        \exists integer k; 0 <= k < v->n_funcs && v->starts[k] == pc;
    ensures kept: \forall integer k; 0 <= k < \old(v->n_funcs) ==>
        \exists integer j; 0 <= j < v->n_funcs && v->starts[j] == \old(v->starts[k]);
*/
static fc_status_t add_start(verifier_t *v, uint32_t pc, uint32_t at)
{
    uint32_t i;
    if (find_start(v, pc, &i))
        return FC_OK;
    if (v->n_funcs == FC_MAX_FUNCTIONS)
        return refuse(v, FC_ERR_TOO_LARGE, at, FC_WHY("too many functions (FC_MAX_FUNCTIONS)"));
    memmove(&v->starts[i + 1], &v->starts[i], (v->n_funcs - i) * sizeof v->starts[0]);
    /*@ assert moved_up: \forall integer j; i <= j < \at(v->n_funcs, Pre) ==>
            v->starts[j + 1] == \at(v->starts[j], Pre); */
    /*@ assert shifted: \forall integer k; i < k <= \at(v->n_funcs, Pre) ==>
            v->starts[k] == \at(v->starts[k - 1], Pre); */
    /*@ assert above: \forall integer k; i < k <= \at(v->n_funcs, Pre) ==> v->starts[k] > pc; */
    /*@ assert prefix: \forall integer k; 0 <= k < i ==>
            v->starts[k] == \at(v->starts[k], Pre) && v->starts[k] < pc; */
    v->starts[i] = pc;
    /*@ assert moved: \forall integer k; 0 <= k < \at(v->n_funcs, Pre) ==>
            (k < i ? v->starts[k] : v->starts[k + 1]) == \at(v->starts[k], Pre); */
    v->n_funcs++;
    return FC_OK;
}

static uint32_t function_end(const verifier_t *v, uint32_t f)
{
    return f + 1 < v->n_funcs ? v->starts[f + 1] : v->n;
}

/* ---- pass 1: one slot at a time --------------------------------------- */

/* Per format, from FC_FMT_TABLE (vm_isa.h, the one place of the field
 * rules): the fields that must be zero (bits 0-3, enum fc_field) and the
 * field that picks a selector row among the rows of an opcode whose first
 * row has this format (bits 4-7); and apart, the registers it reads and
 * writes (enum fc_regs). */
enum { F_DST = FC_FIELD_DST, F_SRC = FC_FIELD_SRC, F_OFF = FC_FIELD_OFF, F_IMM = FC_FIELD_IMM };
typedef char fc_regs_bits_[FC_REGS_READ_DST == 1 && FC_REGS_READ_SRC == 2 && FC_REGS_READ_R0 == 4 &&
                                   FC_REGS_READ_ARGS == 8 && FC_REGS_WRITE_DST == 16 &&
                                   FC_REGS_WRITE_R0 == 32
                               ? 1
                               : -1]; /* reads_writes() reads the bits by position */
#define FORMAT_FIELDS_(name, zero, sel, regs) [FC_FMT_##name] = (uint8_t)((zero) | (sel) << 4),
static const uint8_t format_fields[FC_FMT_COUNT] = {FC_FMT_TABLE(FORMAT_FIELDS_)};
#undef FORMAT_FIELDS_
#define FORMAT_REGS_(name, zero, sel, regs) [FC_FMT_##name] = (uint8_t)(regs),
static const uint8_t format_regs[FC_FMT_COUNT] = {FC_FMT_TABLE(FORMAT_REGS_)};
#undef FORMAT_REGS_

/* Is key (opcode << 8 | selector value) a selector row? Binary search of
 * the sorted keys. */
/*@ requires \valid_read(fc_isa_selector_keys + (0 .. FC_ISA_SELECTOR_ROWS - 1));
    assigns \nothing; */
static int is_selector_key(uint32_t key)
{
    uint32_t lo = 0, hi = FC_ISA_SELECTOR_ROWS;
    /*@ loop invariant 0 <= lo <= hi <= FC_ISA_SELECTOR_ROWS;
        loop assigns lo, hi;
        loop variant hi - lo; */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (fc_isa_selector_keys[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < FC_ISA_SELECTOR_ROWS && fc_isa_selector_keys[lo] == key;
}

/* The format of slot in (fc_format_t; FC_FMT_COUNT: no row has its
 * opcode, or its selector field matches no row of an opcode that has no
 * row without selector), plus SELECTED when a selector row matched: that
 * row's selector field is exempt from the zero rule. Otherwise the field,
 * when the format has one, falls under the rule (the row without
 * selector). */
enum { SELECTED = 0x100 };
/*@ requires \valid_read(in);
    requires \valid_read(fc_isa_selector_keys + (0 .. FC_ISA_SELECTOR_ROWS - 1));
    assigns \nothing;
    ensures first_row: \result == FC_FMT_COUNT || \result == fc_isa_format_at(in->opcode) ||
        \result == (fc_isa_format_at(in->opcode) | SELECTED);
*/
static FC_VERIFIER_NOINLINE unsigned decode(const fc_insn_t *in)
{
    /* a byte of no row reads as a format whose rows all have a selector:
     * it finds none below (fc_isa_opcodes) */
    unsigned fmt = FC_ISA_FORMAT_AT_(in->opcode);
    unsigned sel = (unsigned)format_fields[fmt] >> 4;
    if (sel == 0)
        return fmt;
    uint32_t v = sel == F_OFF   ? (uint32_t)(int32_t)in->offset
                 : sel == F_IMM ? (uint32_t)in->imm
                                : FC_INSN_SRC(*in);
    if (v <= 0xffu && is_selector_key((uint32_t)in->opcode << 8 | v))
        return fmt | SELECTED;
    /* the row without selector, when the opcode has one (its zero rule
     * then refuses the field unless it is 0) */
    return (format_fields[fmt] & sel) ? fmt : FC_FMT_COUNT;
}

/*@ assigns \nothing;
    ensures \result == fc_access_size(opcode); */
static uint32_t access_size(uint8_t opcode)
{
    static const uint8_t sizes[4] = {4, 2, 1, 8}; /* BPF_W, BPF_H, BPF_B, BPF_DW */
    return sizes[(opcode >> 3) & 3];
}

/* The fields RFC 9669 leaves unused by format fmt must be zero (the
 * selector field of a selector row excepted). */
/*@ requires fmt < FC_FMT_COUNT;
    assigns \nothing;
    ensures alu_k: fmt == FC_FMT_ALU_K && \result == \null ==> FC_INSN_SRC(in) == 0;
    ensures alu_x: fmt == FC_FMT_ALU_X && \result == \null ==> in.imm == 0;
    ensures unary: fmt == FC_FMT_UNARY && \result == \null ==>
        FC_INSN_SRC(in) == 0 && in.offset == 0 && in.imm == 0;
    ensures end: fmt == FC_FMT_END && \result == \null ==>
        FC_INSN_SRC(in) == 0 && in.offset == 0;
    ensures lddw: fmt == FC_FMT_LDDW && \result == \null ==>
        in.offset == 0 && (selected == 0 ==> FC_INSN_SRC(in) == 0);
    ensures ldx: fmt == FC_FMT_LDX && \result == \null ==> in.imm == 0;
    ensures stx: fmt == FC_FMT_STX && \result == \null ==> in.imm == 0;
    ensures st: fmt == FC_FMT_ST && \result == \null ==> FC_INSN_SRC(in) == 0;
    ensures ja: fmt == FC_FMT_JA && \result == \null ==>
        FC_INSN_DST(in) == 0 && FC_INSN_SRC(in) == 0 && in.imm == 0;
    ensures ja32: fmt == FC_FMT_JA32 && \result == \null ==>
        FC_INSN_DST(in) == 0 && FC_INSN_SRC(in) == 0 && in.offset == 0;
    ensures jcc_k: fmt == FC_FMT_JCC_K && \result == \null ==> FC_INSN_SRC(in) == 0;
    ensures jcc_x: fmt == FC_FMT_JCC_X && \result == \null ==> in.imm == 0;
    ensures call: fmt == FC_FMT_CALL && \result == \null ==>
        FC_INSN_DST(in) == 0 && in.offset == 0 && (selected == 0 ==> FC_INSN_SRC(in) == 0);
    ensures call_local: fmt == FC_FMT_CALL_LOCAL && \result == \null ==>
        FC_INSN_DST(in) == 0 && in.offset == 0;
    ensures callx: fmt == FC_FMT_CALLX && \result == \null ==>
        FC_INSN_SRC(in) == 0 && in.offset == 0 && in.imm == 0;
    ensures exit: fmt == FC_FMT_EXIT && \result == \null ==>
        FC_INSN_DST(in) == 0 && FC_INSN_SRC(in) == 0 && in.offset == 0 && in.imm == 0;
*/
static const char *unused_field(unsigned fmt, int selected, fc_insn_t in)
{
    unsigned rule = format_fields[fmt], zero = rule & 0xfu;
    if (selected)
        zero &= ~(rule >> 4);
    if ((zero & F_DST) && FC_INSN_DST(in))
        return FC_WHY("dst must be 0 (this instruction has no destination register)");
    if ((zero & F_SRC) && FC_INSN_SRC(in))
        return FC_WHY("src must be 0 (no source register, or an unknown variant)");
    if ((zero & F_OFF) && in.offset)
        return FC_WHY("offset must be 0 (or 8/16/32 for movsx, 1 for sdiv/smod)");
    if ((zero & F_IMM) && in.imm)
        return FC_WHY("imm must be 0 (this instruction has no immediate)");
    return NULL;
}

/* r10-relative accesses are proven inside the current frame here, so the
 * interpreter may skip their run-time check. */
/*@ requires \valid(v) && err_ok(v) && \valid_read(v->cfg);
    requires 0 < v->cfg->frame_size <= 32768;
    assigns *v->err;
    ensures \result == FC_OK || \result == FC_ERR_STACK_OFFSET;
    ensures not_r10: base != 10 ==> \result == FC_OK;
    ensures in_frame: base == 10 && \result == FC_OK ==>
        -v->cfg->frame_size <= in.offset && in.offset + fc_access_size(in.opcode) <= 0;
*/
static fc_status_t check_stack_access(verifier_t *v, uint32_t pc, fc_insn_t in, unsigned base)
{
    if (base != 10)
        return FC_OK;
    int32_t off = in.offset;
    int32_t size = (int32_t)access_size(in.opcode);
    if (off + size > 0 || off < -(int32_t)v->cfg->frame_size)
        return refuse(v, FC_ERR_STACK_OFFSET, pc,
                      FC_WHY("r10-relative access outside the stack frame"));
    return FC_OK;
}

/*@ requires \valid(v) && err_ok(v) && \valid_read(v->cfg);
    requires pc < v->n && \valid_read(v->text + (0 .. v->n - 1));
    assigns *v->err;
    ensures pair: \result == FC_OK ==> pc + 1 < v->n && v->text[pc + 1].opcode == 0 &&
        v->text[pc + 1].regs == 0 && v->text[pc + 1].offset == 0;
    ensures section: \result == FC_OK && selected != 0 ==>
        \let limit = (FC_INSN_SRC(v->text[pc]) == FC_LDDW_RODATA ? v->cfg->rodata_len
                                                               : v->cfg->data_len);
        limit != 0 &&
        ((uint64_t)(uint32_t)v->text[pc].imm |
         (uint64_t)((uint64_t)(uint32_t)v->text[(uint32_t)(pc + 1)].imm << 32)) <= limit;
*/
static fc_status_t check_lddw(verifier_t *v, uint32_t pc, int selected)
{
    if (pc + 1 >= v->n)
        return refuse(v, FC_ERR_LDDW_INCOMPLETE, pc, FC_WHY("lddw is missing its second slot"));
    fc_insn_t hi = v->text[pc + 1];
    if (hi.opcode != 0 || hi.regs != 0 || hi.offset != 0)
        return refuse(v, FC_ERR_LDDW_INCOMPLETE, pc + 1,
                      FC_WHY("second slot of lddw must have opcode, registers and offset 0"));
    if (!selected) /* a plain constant */
        return FC_OK;
    uint64_t value = (uint64_t)(uint32_t)v->text[pc].imm | (uint64_t)(uint32_t)hi.imm << 32;
    uint64_t limit =
        FC_INSN_SRC(v->text[pc]) == FC_LDDW_RODATA ? v->cfg->rodata_len : v->cfg->data_len;
    if (limit == 0 || value > limit)
        return refuse(
            v, FC_ERR_LDDW_SOURCE, pc,
            FC_WHY("lddw refers to a data section this program lacks, or beyond its end"));
    return FC_OK;
}

/* call (helper or, when its selector row matched, local) and callx. */
static fc_status_t check_call(verifier_t *v, uint32_t pc, fc_insn_t in, unsigned fmt, int selected)
{
    if (fmt == FC_FMT_CALLX) {
        v->uses_callx = 1;
        return FC_OK;
    }
    if (!selected) { /* a helper call */
        uint32_t id = (uint32_t)in.imm;
        const fc_helper_table_t *h = v->cfg->helpers;
        if (!h || id >= h->count || !fc_helper_mask_has(&v->cfg->allowed, id) || !h->fns[id])
            return refuse(
                v, FC_ERR_HELPER_DENIED, pc,
                FC_WHY("call to a helper that does not exist or is not in the allow-list"));
        v->helpers_used++;
        return FC_OK;
    }
    /* local call: the target becomes a function start */
    uint32_t target = pc + 1 + (uint32_t)in.imm; /* modulo 2^32, as for jumps */
    if (target >= v->n)
        return refuse(v, FC_ERR_CALL_TARGET, pc, FC_WHY("local call target outside the program"));
    if (v->cfg->entries) {
        uint32_t i;
        if (!find_start(v, target, &i))
            return refuse(v, FC_ERR_CALL_TARGET, pc,
                          FC_WHY("local call target is not a function of the function table"));
        return FC_OK;
    }
    return add_start(v, target, pc);
}

static fc_status_t check_slot(verifier_t *v, uint32_t pc, int *is_lddw)
{
    fc_insn_t in = v->text[pc];
    unsigned decoded = decode(&in), fmt = decoded & 0xffu;
    int selected = (decoded & SELECTED) != 0;
    *is_lddw = 0;
    if (fmt >= FC_FMT_COUNT)
        return refuse(v, FC_ERR_BAD_OPCODE, pc,
                      in.opcode == 0 ? FC_WHY("opcode 0 outside an lddw pair")
                                     : FC_WHY("unknown opcode (or unknown variant of it)"));
    if (FC_INSN_DST(in) > 10 || FC_INSN_SRC(in) > 10)
        return refuse(v, FC_ERR_BAD_REGISTER, pc, FC_WHY("register number greater than 10"));
    const char *why = unused_field(fmt, selected, in);
    if (why)
        return refuse(v, FC_ERR_BAD_FIELD, pc, why);
    if ((format_regs[fmt] & FC_REGS_WRITE_DST) && FC_INSN_DST(in) == 10)
        return refuse(v, FC_ERR_WRITE_R10, pc,
                      FC_WHY("instruction writes r10, the read-only frame pointer"));
    switch (fmt) {
    case FC_FMT_LDDW:
        *is_lddw = 1;
        return check_lddw(v, pc, selected);
    case FC_FMT_LDX:
        return check_stack_access(v, pc, in, FC_INSN_SRC(in));
    case FC_FMT_ST:
    case FC_FMT_STX:
        return check_stack_access(v, pc, in, FC_INSN_DST(in));
    case FC_FMT_ATOMIC:
        /* fetch, xchg and cmpxchg write back into src (cmpxchg into r0) */
        if ((in.imm & 1) && in.imm != FC_SELVAL_ATOMIC64_CMPXCHG && FC_INSN_SRC(in) == 10)
            return refuse(v, FC_ERR_WRITE_R10, pc, FC_WHY("atomic fetch would write r10"));
        return check_stack_access(v, pc, in, FC_INSN_DST(in));
    case FC_FMT_CALL: /* local calls too: decode gives the first row's format */
    case FC_FMT_CALLX:
        return check_call(v, pc, in, fmt, selected);
    default:
        return FC_OK;
    }
}

static fc_status_t pass_slots(verifier_t *v)
{
    for (uint32_t pc = 0; pc < v->n; pc++) {
        int is_lddw;
        fc_status_t st = check_slot(v, pc, &is_lddw);
        if (st != FC_OK)
            return st;
        pc += (uint32_t)is_lddw; /* skip the checked second slot */
    }
    return FC_OK;
}

/* ---- pass 2: control flow inside each function ------------------------- */

/* Pass 2 tells transfers apart by class: pass 1 left only rows of the ISA
 * table, where in the two jump classes every code but call (8) and exit
 * (9) is a jump. */
enum {
    CLASS_JMP = FC_OPC_JA & 7u,
    CLASS_JMP32 = FC_OPC_JA32 & 7u,
    CODE_CALL = FC_OPC_CALL >> 4,
    CODE_EXIT = FC_OPC_EXIT >> 4,
};

static fc_status_t check_function(verifier_t *v, uint32_t f)
{
    uint32_t start = v->starts[f], end = function_end(v, f);
    if (v->text[start].opcode == 0)
        return refuse(v, FC_ERR_CALL_TARGET, start,
                      FC_WHY("function starts on the second slot of an lddw"));
    for (uint32_t pc = start; pc < end; pc++) {
        fc_insn_t in = v->text[pc];
        unsigned cls = in.opcode & 7u, code = in.opcode >> 4;
        if ((cls != CLASS_JMP && cls != CLASS_JMP32) || code == CODE_EXIT)
            continue; /* not a transfer, or exit (also: the second slot of an lddw) */
        if (code == CODE_CALL) {
            if (in.opcode == FC_OPC_CALL_LOCAL && FC_INSN_SRC(in) == FC_SELVAL_CALL_LOCAL) {
                uint32_t callee; /* a function start: pass 1 made it one */
                (void)find_start(v, pc + 1 + (uint32_t)in.imm, &callee);
                v->calls[f] |= 1u << callee;
            }
            continue; /* helper calls were checked in pass 1 */
        }
        /* modulo 2^32: a target before 0 wraps far beyond any program */
        uint32_t target = pc + 1 + (uint32_t)(in.opcode == FC_OPC_JA32 ? in.imm : in.offset);
        if (target < start || target >= end)
            return refuse(v, FC_ERR_JUMP_OUT, pc,
                          FC_WHY("jump target outside the current function (or the program)"));
        if (v->text[target].opcode == 0)
            return refuse(v, FC_ERR_JUMP_LDDW, pc, FC_WHY("jump into the second slot of an lddw"));
    }
    /* Only the last slot can fall through to the next function or off the
     * end; it must be an unconditional transfer. */
    fc_insn_t last = v->text[end - 1];
    if (last.opcode != FC_OPC_EXIT && last.opcode != FC_OPC_JA && last.opcode != FC_OPC_JA32)
        return refuse(v, FC_ERR_FALL_OFF, end - 1,
                      end == v->n ? FC_WHY("execution can run past the last instruction")
                                  : FC_WHY("execution can fall into the next function"));
    return FC_OK;
}

/* ---- pass 3: the call graph -------------------------------------------- */

/* The deepest chain of local calls, level by level: bit f of level k is
 * set when a chain of k calls starts in function f, so level k + 1 holds
 * the functions that call one of level k, and the deepest chain is the last
 * level that is not empty. A chain of n_funcs calls visits some function
 * twice: recursion (reported at the last function of that level). */
static fc_status_t call_depth(verifier_t *v, uint32_t *depth_out)
{
    uint32_t level = UINT32_MAX; /* level 0: every function */
    for (uint32_t k = 0;; k++) {
        uint32_t next = 0, last = 0;
        for (uint32_t f = 0; f < v->n_funcs; f++)
            if (v->calls[f] & level) {
                next |= 1u << f;
                last = f;
            }
        if (next == 0) {
            if (k > v->cfg->max_call_depth)
                return refuse(v, FC_ERR_CALL_DEPTH, 0,
                              FC_WHY("local calls nest deeper than the configured bound"));
            *depth_out = k;
            return FC_OK;
        }
        if (k + 1 >= v->n_funcs)
            return refuse(v, FC_ERR_RECURSION, v->starts[last],
                          FC_WHY("local calls are recursive"));
        level = next;
    }
}

/* ---- pass 4: registers a run may read before writing them --------------- */

#define REG_BIT(r) (1u << (r))
#define HELPER_ARGS (REG_BIT(1) | REG_BIT(2) | REG_BIT(3) | REG_BIT(4) | REG_BIT(5))

static int is_local_call(fc_insn_t in)
{
    return in.opcode == FC_OPC_CALL_LOCAL && FC_INSN_SRC(in) == FC_SELVAL_CALL_LOCAL;
}

/* A helper call returns to the next slot (or ends the run): for this
 * analysis it is straight-line code, unlike jumps, local calls and exit. */
static int is_transfer(fc_insn_t in)
{
    unsigned cls = in.opcode & 7u;
    int helper = (in.opcode == FC_OPC_CALL && !is_local_call(in)) || in.opcode == FC_OPC_CALLX;
    return (cls == CLASS_JMP || cls == CLASS_JMP32) && !helper;
}

/* The registers `in` reads (over-approximated: a helper call reads all
 * five arguments, every atomic r0) and the ones it always writes (never
 * over-approximated: that is what makes the analysis safe), from its
 * format's REGS (FC_FMT_TABLE) and the three refinements the table names.
 * Pass 1 accepted `in`. */
static void reads_writes(fc_insn_t in, uint32_t *reads, uint32_t *writes)
{
    unsigned decoded = decode(&in), fmt = decoded & 0xffu;
    uint32_t dst = REG_BIT(FC_INSN_DST(in)), src = REG_BIT(FC_INSN_SRC(in));
    unsigned regs = fmt < FC_FMT_COUNT ? format_regs[fmt] : 0; /* the second slot of an lddw */
    if ((fmt == FC_FMT_ALU_K || fmt == FC_FMT_ALU_X) &&
        (in.opcode & 0xf0u) == (FC_OPC_MOV64_K & 0xf0u))
        regs &= ~(unsigned)FC_REGS_READ_DST; /* mov, movsx */
    if (fmt == FC_FMT_CALL && (decoded & SELECTED))
        regs = 0; /* a local call */
    /* each bit of regs selects a whole register set (0 - 1 is all ones) */
    *reads = (dst & (0u - (regs & 1u))) | (src & (0u - (regs >> 1 & 1u))) | (regs >> 2 & 1u) |
             (HELPER_ARGS & (0u - (regs >> 3 & 1u)));
    *writes = (dst & (0u - (regs >> 4 & 1u))) | (regs >> 5 & 1u);
    if (fmt == FC_FMT_ATOMIC && (in.imm & 1)) /* fetch, xchg: into src; cmpxchg: into r0 */
        *writes = in.imm == FC_SELVAL_ATOMIC64_CMPXCHG ? REG_BIT(0) : src;
}

/* A run from entry starts with r1, r2 (its arguments) and r10 defined.
 * Until the first transfer of control (a helper call is not one) the code
 * is one straight line, so a read there before any write is caught
 * exactly, and everything the line writes stays written for the rest of
 * the run: a jump back into the line comes after all of it ran once, and
 * a return restores r6..r9 to what they held at the call. After the line,
 * any read of a register the line did not write counts. */
static uint32_t undefined_from(const verifier_t *v, uint32_t entry, uint32_t read_anywhere)
{
    uint32_t defined = REG_BIT(1) | REG_BIT(2) | REG_BIT(10), early = 0;
    for (uint32_t pc = entry; pc < v->n; pc++) {
        fc_insn_t in = v->text[pc];
        if (is_transfer(in))
            break;
        uint32_t reads, writes;
        reads_writes(in, &reads, &writes);
        early |= reads & ~defined;
        defined |= writes;
        pc += in.opcode == FC_OPC_LDDW; /* lddw: skip its second slot */
    }
    return early | (read_anywhere & ~defined);
}

/* Which registers a run from entry 0 or any configured entry may read
 * before writing them: those the interpreter must zero at the start of a
 * run (the others it may leave as the last run left them). */
static uint16_t undefined_reads(const verifier_t *v)
{
    uint32_t anywhere = 0;
    for (uint32_t pc = 0; pc < v->n; pc++) {
        uint32_t reads, writes;
        reads_writes(v->text[pc], &reads, &writes);
        anywhere |= reads;
        pc += v->text[pc].opcode == FC_OPC_LDDW;
    }
    uint32_t undefined = undefined_from(v, 0, anywhere);
    for (uint32_t i = 0; i < v->cfg->n_entries; i++)
        undefined |= undefined_from(v, v->cfg->entries[i], anywhere);
    return (uint16_t)(undefined & FC_REGS_CLEARED);
}

/* ---- entry points -------------------------------------------------------- */

/* FNV-1a of the text (the one copy in fc_bytes.h): detects accidental
 * change, not attacks. */
static FC_VERIFIER_NOINLINE uint32_t fingerprint(const fc_insn_t *text, uint32_t n)
{
    return fc_fnv1a32(text, (size_t)n * sizeof *text);
}

void fc_verify_config_default(fc_verify_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    fc_helper_mask_all(&cfg->allowed);
    cfg->max_insns = FC_MAX_INSNS;
    cfg->frame_size = FC_DEFAULT_FRAME;
    cfg->max_call_depth = FC_MAX_CALL_DEPTH;
}

static fc_status_t check_config(verifier_t *v)
{
    const fc_verify_config_t *c = v->cfg;
    if (c->max_insns > FC_MAX_INSNS || c->max_call_depth > FC_MAX_CALL_DEPTH ||
        c->frame_size == 0 || c->frame_size % 8 != 0 || c->frame_size > 32768 ||
        (c->n_entries && !c->entries) || (c->helpers && c->helpers->count && !c->helpers->fns))
        return refuse(v, FC_ERR_BAD_CONFIG, 0, FC_WHY("invalid verifier configuration"));
    if (v->n == 0 || !v->text)
        return refuse(v, FC_ERR_EMPTY, 0, FC_WHY("program is empty"));
    if (v->n > c->max_insns)
        return refuse(v, FC_ERR_TOO_LARGE, 0, FC_WHY("program has more instructions than allowed"));
    return FC_OK;
}

fc_status_t fc_verify(fc_program_t *prog, const fc_insn_t *text, uint32_t n,
                      const fc_verify_config_t *cfg, fc_error_t *err)
{
    verifier_t v;
    memset(&v, 0, sizeof v);
    v.text = text;
    v.n = n;
    v.cfg = cfg;
    v.err = err;
    fc_ok(err);                             /* a refusal below overwrites it */
    uint32_t generation = prog->generation; /* a bound VM must see the change */
    memset(prog, 0, sizeof *prog);
    prog->generation = generation + 1u;

    fc_status_t st = check_config(&v);
    if (st != FC_OK)
        return st;
    v.n_funcs = 1; /* function 0 starts at 0 (starts[] is cleared) */
    for (uint32_t i = 0; i < cfg->n_entries; i++) {
        if (cfg->entries[i] >= n)
            return refuse(&v, FC_ERR_CALL_TARGET, cfg->entries[i],
                          FC_WHY("entry point outside the program"));
        if ((st = add_start(&v, cfg->entries[i], cfg->entries[i])) != FC_OK)
            return st;
    }
    if ((st = pass_slots(&v)) != FC_OK)
        return st;
    for (uint32_t f = 0; f < v.n_funcs; f++)
        if ((st = check_function(&v, f)) != FC_OK)
            return st;
    uint32_t depth = 0;
    if ((st = call_depth(&v, &depth)) != FC_OK)
        return st;

    prog->text = text;
    prog->len = n;
    prog->frame_size = cfg->frame_size;
    prog->call_depth = depth;
    prog->stack_needed = cfg->frame_size * (depth + 1);
    prog->fingerprint = fingerprint(text, n);
    prog->helpers_used = v.helpers_used;
    prog->uses_callx = v.uses_callx;
    prog->undefined_reads = undefined_reads(&v);
    prog->entries = cfg->entries;
    prog->n_entries = cfg->n_entries;
    prog->verified = 1;
    return FC_OK;
}

fc_status_t fc_program_check(const fc_program_t *prog)
{
    if (!prog->verified || prog->fingerprint != fingerprint(prog->text, prog->len))
        return FC_ERR_NOT_VERIFIED;
    return FC_OK;
}
