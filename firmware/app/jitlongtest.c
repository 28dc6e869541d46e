/* JIT self-test of long jumps (selftest-jit images): programs whose jumps
 * span more code than a short branch reaches (RV32: a conditional branch
 * reaches +-4 KiB, the JIT then uses the inverse branch over a jal; the
 * size of each is decided from a first layout, so block sizes around the
 * limit are tried). Every conditional jump of the ISA table, forward over
 * a block and as a loop's back-edge around it, with budgets that run out
 * inside the loop; each program runs on the interpreter and JIT-compiled
 * from the same state and must give the same status, r0, fault record and
 * executed count. */
#include <stdint.h>
#include <string.h>

#include "bm.h"
#include "femto/vm.h"

enum { LT_MAX = 720 };
static fc_insn_t lt_text[LT_MAX];
static fc_program_t lt_prog;
static fc_vm_t lt_vm;
static uint64_t lt_stack[FC_DEFAULT_FRAME / 8];
static uint32_t lt_code[16384];
static fc_jit_t lt_jit;

/* The program: r3 = init, r4 = 3; then, in a loop of block + 4 slots,
 * shape 0: "jcc r3, 3 (or r4), over the block"; block; r0 += 1; r3 -= 1;
 * "jne r3, 0, loop"; shape 1: block; r0 += 1; r3 -= 1; "jcc r3, 3 (or
 * r4), loop". The block: n times "add r0, 0x12345" (an immediate no
 * short form takes, so every slot is several instructions). */
static unsigned lt_build(uint8_t jcc, int x, unsigned shape, int32_t init, unsigned n)
{
    unsigned i = 0;
    lt_text[i++] = (fc_insn_t){FC_OPC_MOV64_K, 0, 0, 0};
    lt_text[i++] = (fc_insn_t){FC_OPC_MOV64_K, 3, 0, init};
    lt_text[i++] = (fc_insn_t){FC_OPC_MOV64_K, 4, 0, 3};
    unsigned loop = i;
    fc_insn_t cond = {jcc, (uint8_t)(3 | (x ? 4 << 4 : 0)), 0, x ? 0 : 3};
    if (shape == 0) {
        cond.offset = (int16_t)n;
        lt_text[i++] = cond;
    }
    for (unsigned k = 0; k < n; k++)
        lt_text[i++] = (fc_insn_t){FC_OPC_ADD64_K, 0, 0, 0x12345};
    lt_text[i++] = (fc_insn_t){FC_OPC_ADD64_K, 0, 0, 1};
    lt_text[i++] = (fc_insn_t){FC_OPC_ADD64_K, 3, 0, -1};
    if (shape == 0) {
        lt_text[i] = (fc_insn_t){FC_OPC_JNE_K, 3, 0, 0};
    } else {
        lt_text[i] = cond;
        lt_text[i].offset = 0;
    }
    lt_text[i].offset = (int16_t)((int)loop - (int)i - 1);
    i++;
    lt_text[i++] = (fc_insn_t){FC_OPC_EXIT, 0, 0, 0};
    return i;
}

/* Run the loaded program from a fresh VM: the interpreter (jit NULL) or
 * the JIT's code */
static fc_status_t lt_run(fc_jit_t *jit, uint64_t budget, uint64_t *r0, fc_error_t *f,
                          uint64_t *executed)
{
    memset(lt_stack, 0, sizeof lt_stack);
    fc_vm_init(&lt_vm, &lt_prog, lt_stack, sizeof lt_stack);
    lt_vm.budget = budget;
    *r0 = 0;
    fc_status_t st = jit ? fc_jit_run(jit, &lt_vm, 0, 0, 0, r0) : fc_vm_run(&lt_vm, 0, 0, 0, r0);
    *f = lt_vm.fault;
    *executed = lt_vm.executed;
    return st;
}

/* 0 when every program agreed */
int jit_long_test(void)
{
    static const unsigned sizes[] = {166, 172, 400};
    static const uint64_t budgets[] = {0, 50, 700, 1500};
    static const int32_t inits[] = {6, -2};
    unsigned programs = 0, runs = 0, differ = 0, refused = 0, faulted = 0;
    uint32_t largest = 0;
    for (unsigned row = 0; row < FC_OP_COUNT; row++) {
        const fc_isa_row_t *r = &fc_isa[row];
        if (r->format != FC_FMT_JCC_K && r->format != FC_FMT_JCC_X)
            continue;
        for (unsigned shape = 0; shape < 2; shape++)
            for (unsigned si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
                for (unsigned ii = 0; ii < 2; ii++) {
                    unsigned n =
                        lt_build(r->opcode, r->format == FC_FMT_JCC_X, shape, inits[ii], sizes[si]);
                    fc_verify_config_t cfg;
                    fc_error_t err = {0};
                    fc_verify_config_default(&cfg);
                    if (fc_verify(&lt_prog, lt_text, n, &cfg, &err) != FC_OK) {
                        bm_printf("     jit long: %s not verified: %s at %lu\n", r->mnemonic,
                                  fc_status_name(err.code), err.where);
                        differ++;
                        continue;
                    }
                    programs++;
                    if (fc_jit_translate(&lt_jit, &lt_prog, lt_code, sizeof lt_code) != FC_OK) {
                        refused++;
                        continue;
                    }
                    largest = lt_jit.code_size > largest ? lt_jit.code_size : largest;
                    for (unsigned b = 0; b < sizeof budgets / sizeof budgets[0]; b++) {
                        uint64_t r0[2], ex[2];
                        fc_error_t f[2];
                        fc_status_t st0 = lt_run(NULL, budgets[b], &r0[0], &f[0], &ex[0]);
                        fc_status_t st1 = lt_run(&lt_jit, budgets[b], &r0[1], &f[1], &ex[1]);
                        runs++;
                        faulted += st0 != FC_OK;
                        if (st0 == st1 && r0[0] == r0[1] && f[0].code == f[1].code &&
                            f[0].where == f[1].where && ex[0] == ex[1] && lt_jit.fallback_runs == 0)
                            continue;
                        if (++differ <= 3)
                            bm_printf("     jit long differs: %s%s shape %u size %u init %ld "
                                      "budget %lu: interp %s r0 0x%llx at %lu exec %llu; jit %s "
                                      "r0 0x%llx at %lu exec %llu\n",
                                      r->mnemonic, r->format == FC_FMT_JCC_X ? " (reg)" : "", shape,
                                      sizes[si], (long)inits[ii], (unsigned long)budgets[b],
                                      fc_status_name(st0), (unsigned long long)r0[0], f[0].where,
                                      (unsigned long long)ex[0], fc_status_name(st1),
                                      (unsigned long long)r0[1], f[1].where,
                                      (unsigned long long)ex[1]);
                    }
                }
    }
    bm_printf("[jit long jumps] %u programs (every conditional jump, blocks of 166 to 400 "
              "slots, code up to %lu bytes), %u runs, %u faulted on the interpreter, %u refused, "
              "%u differ\n",
              programs, (unsigned long)largest, runs, faulted, refused, differ);
    return differ != 0 || refused != 0 || programs == 0;
}
