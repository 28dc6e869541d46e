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

/* Addresses at the edges of the memory check, the region already in the
 * caches (the inline test passes what the cache holds): a base whose high half is
 * set (by 1, 2^31, or all ones), whose low half is 0 or all ones, plus
 * offsets that carry into or borrow from the high half, at every access
 * size, loads and stores. The JIT's inline test takes only a base with a
 * high half of 0 whose low half does not carry or borrow, and leaves the
 * rest to the region walk: each must give the interpreter's status, r0,
 * fault address and size, and memory. */
static uint64_t ed_mem[2][8];

int jit_edge_test(void)
{
    static const uint32_t his[] = {0, 1, 0x80000000u, 0xffffffffu};
    static const int16_t offs[] = {0, 1, -1, 4, -4, 7, 63, 64, 2047, 2048, -2048, 0x7fff, -0x8000};
    static const uint8_t ops[] = {FC_OPC_LDXB, FC_OPC_LDXH, FC_OPC_LDXW, FC_OPC_LDXDW,
                                  FC_OPC_STXB, FC_OPC_STXH, FC_OPC_STXW, FC_OPC_STXDW};
    uint8_t *m = (uint8_t *)ed_mem[0];
    uint32_t los[] = {0,
                      4,
                      (uint32_t)-4,
                      60,
                      (uint32_t)0 - (uint32_t)(uintptr_t)m,
                      0xffffffffu - (uint32_t)(uintptr_t)m};
    unsigned programs = 0, differ = 0, faulted = 0;
    for (unsigned h = 0; h < sizeof his / sizeof his[0]; h++)
        for (unsigned l = 0; l < sizeof los / sizeof los[0]; l++)
            for (unsigned o = 0; o < sizeof offs / sizeof offs[0]; o++)
                for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
                    int load = (ops[k] & 7u) == (FC_OPC_LDXW & 7u);
                    fc_insn_t text[] = {{FC_OPC_LDDW, 3, 0, (int32_t)los[l]},
                                        {0, 0, 0, (int32_t)his[h]},
                                        {FC_OPC_ADD64_X, 3 | 1 << 4, 0, 0},
                                        {FC_OPC_MOV64_K, 0, 0, 7},
                                        /* the region into the caches of loads and stores */
                                        {FC_OPC_LDXB, 4 | 1 << 4, 0, 0},
                                        {FC_OPC_STXB, 1 | 4 << 4, 0, 0},
                                        load ? (fc_insn_t){ops[k], 0 | 3 << 4, offs[o], 0}
                                             : (fc_insn_t){ops[k], 3 | 1 << 4, offs[o], 0},
                                        {FC_OPC_EXIT, 0, 0, 0}};
                    fc_verify_config_t cfg;
                    fc_error_t err = {0};
                    fc_verify_config_default(&cfg);
                    if (fc_verify(&lt_prog, text, 8, &cfg, &err) != FC_OK ||
                        fc_jit_translate(&lt_jit, &lt_prog, lt_code, sizeof lt_code) != FC_OK) {
                        differ++;
                        continue;
                    }
                    programs++;
                    fc_status_t st[2];
                    uint64_t r0[2];
                    fc_error_t f[2];
                    for (unsigned e = 0; e < 2; e++) {
                        for (unsigned b = 0; b < 64; b++)
                            m[b] = (uint8_t)(b * 7u + 1u);
                        memset(lt_stack, 0, sizeof lt_stack);
                        fc_vm_init(&lt_vm, &lt_prog, lt_stack, sizeof lt_stack);
                        fc_vm_add_region(&lt_vm, m, 64, FC_PERM_RW);
                        r0[e] = 0;
                        st[e] = e ? fc_jit_run(&lt_jit, &lt_vm, 0, (uintptr_t)m, 64, &r0[e])
                                  : fc_vm_run(&lt_vm, 0, (uintptr_t)m, 64, &r0[e]);
                        f[e] = lt_vm.fault;
                        memcpy(ed_mem[1], m, 64);
                    }
                    faulted += st[0] != FC_OK;
                    /* the memory of the interpreter's run is gone: compare
                     * the JIT's with a second interpreter run */
                    uint64_t jit_mem_after[8];
                    memcpy(jit_mem_after, ed_mem[1], 64);
                    for (unsigned b = 0; b < 64; b++)
                        m[b] = (uint8_t)(b * 7u + 1u);
                    fc_vm_init(&lt_vm, &lt_prog, lt_stack, sizeof lt_stack);
                    fc_vm_add_region(&lt_vm, m, 64, FC_PERM_RW);
                    uint64_t r0i = 0;
                    fc_vm_run(&lt_vm, 0, (uintptr_t)m, 64, &r0i);
                    if (st[0] == st[1] && r0[0] == r0[1] && f[0].code == f[1].code &&
                        f[0].where == f[1].where && f[0].addr == f[1].addr &&
                        f[0].size == f[1].size && lt_jit.fallback_runs == 0 &&
                        memcmp(jit_mem_after, m, 64) == 0)
                        continue;
                    if (++differ <= 3)
                        bm_printf("     jit edge differs: base high 0x%lx low 0x%lx (+ region) off "
                                  "%d op 0x%02x: interp %s addr 0x%llx size %u; jit %s addr "
                                  "0x%llx size %u\n",
                                  (unsigned long)his[h], (unsigned long)los[l], offs[o], ops[k],
                                  fc_status_name(st[0]), (unsigned long long)f[0].addr, f[0].size,
                                  fc_status_name(st[1]), (unsigned long long)f[1].addr, f[1].size);
                }
    bm_printf("[jit address edges] %u programs (high halves 0, 1, 2^31, all ones; carries and "
              "borrows; every size), %u faulted on the interpreter, %u differ\n",
              programs, faulted, differ);
    return differ != 0 || programs == 0;
}
