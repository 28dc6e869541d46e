/* Shared fixture of the VM unit tests and the hostile-program runner.
 *
 * A vmt_t holds everything one test program needs: the verifier config
 * (with the test helpers), the program, a stack, a read-write context
 * region ("mem", passed in r1 with its length in r2 unless the test says
 * otherwise) and a read-only region ("ro", also the lddw rodata section).
 * Every region is surrounded by padding that is no region, so an access
 * just outside one lands in memory the VM must refuse (and that a wrong
 * acceptance would not crash on).
 *
 * vmt_run() verifies a program and runs it in BOTH execution modes, in
 * place and pre-decoded (fc_program_translate), each time from the same
 * initial memory, and fails the test unless both modes agree on status,
 * r0, fault (code, where, addr, size), instructions executed and the final
 * memory. */
#ifndef VM_TEST_UTIL_H
#define VM_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>

/* VMT_NO_CMOCKA: only the encoding macros and constants, for the firmware's
 * run of the hostile table (firmware/app/hostiletest.c; no cmocka there). */
#ifndef VMT_NO_CMOCKA
#include <cmocka.h>
#endif

#include "femto/vm.h"

/* ---- instruction encoding --------------------------------------------- */
#define INSN(op, dst, src, off, imm)                                                               \
    ((fc_insn_t){(uint8_t)(op), (uint8_t)(((src) << 4) | (dst)), (int16_t)(off), (int32_t)(imm)})
/* lddw dst, v (pseudo source src): two slots */
#define LDDW_SRC(dst, src, v)                                                                      \
    INSN(0x18, dst, src, 0, (uint32_t)((uint64_t)(v))),                                            \
        INSN(0, 0, 0, 0, (uint32_t)((uint64_t)(v) >> 32))
#define LDDW(dst, v) LDDW_SRC(dst, 0, v)
#define MOV64_IMM(dst, imm) INSN(0xb7, dst, 0, 0, imm)
#define MOV64_REG(dst, src) INSN(0xbf, dst, src, 0, 0)
#define MOV32_REG(dst, src) INSN(0xbc, dst, src, 0, 0)
#define ADD64_IMM(dst, imm) INSN(0x07, dst, 0, 0, imm)
#define ADD64_REG(dst, src) INSN(0x0f, dst, src, 0, 0)
#define SUB64_REG(dst, src) INSN(0x1f, dst, src, 0, 0)
#define LSH64_IMM(dst, imm) INSN(0x67, dst, 0, 0, imm)
#define RSH64_IMM(dst, imm) INSN(0x77, dst, 0, 0, imm)
#define ARSH64_IMM(dst, imm) INSN(0xc7, dst, 0, 0, imm)
#define LDXB(dst, src, off) INSN(0x71, dst, src, off, 0)
#define LDXH(dst, src, off) INSN(0x69, dst, src, off, 0)
#define LDXW(dst, src, off) INSN(0x61, dst, src, off, 0)
#define LDXDW(dst, src, off) INSN(0x79, dst, src, off, 0)
#define STB(dst, off, imm) INSN(0x72, dst, 0, off, imm)
#define STW(dst, off, imm) INSN(0x62, dst, 0, off, imm)
#define STDW(dst, off, imm) INSN(0x7a, dst, 0, off, imm)
#define STXB(dst, off, src) INSN(0x73, dst, src, off, 0)
#define STXH(dst, off, src) INSN(0x6b, dst, src, off, 0)
#define STXW(dst, off, src) INSN(0x63, dst, src, off, 0)
#define STXDW(dst, off, src) INSN(0x7b, dst, src, off, 0)
#define JA(off) INSN(0x05, 0, 0, off, 0)
#define JA32(imm) INSN(0x06, 0, 0, 0, imm)
#define JEQ_IMM(dst, imm, off) INSN(0x15, dst, 0, off, imm)
#define JNE_IMM(dst, imm, off) INSN(0x55, dst, 0, off, imm)
#define CALL_HELPER(id) INSN(0x85, 0, 0, 0, id)
#define CALL_LOCAL(rel) INSN(0x85, 0, 1, 0, rel)
#define CALLX(reg) INSN(0x8d, reg, 0, 0, 0)
#define EXIT() INSN(0x95, 0, 0, 0, 0)

#define NSLOTS(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

/* ---- test helpers (ids) ------------------------------------------------- */
enum {
    VMT_H_MISSING = 0,  /* NULL entry of the table */
    VMT_H_SUM = 1,      /* r1+r2+r3+r4+r5 */
    VMT_H_FAULT = 2,    /* calls fc_vm_fault(FC_FAULT_HELPER_ARG) */
    VMT_H_READ8 = 3,    /* the byte at r1 if readable, else faults HELPER_ARG */
    VMT_H_EXECUTED = 4, /* vm->executed as the helper sees it */
    VMT_H_COUNT = 5
};
extern const fc_helper_table_t vmt_helpers;

/* ---- the fixture ------------------------------------------------------- */
#define VMT_MEM 256
#define VMT_RO 64
#define VMT_STACK (FC_DEFAULT_FRAME * (FC_MAX_CALL_DEPTH + 1))
#define VMT_PAD 64
#define VMT_MAX_SLOTS 512

typedef struct vmt {
    fc_verify_config_t cfg;
    fc_program_t prog;
    fc_vm_t vm;
    fc_error_t err;
    fc_helper_mask_t run_allowed; /* vm->allowed (default: every helper) */
    uint64_t budget;              /* 0: the VM's default */
    size_t stack_size;            /* bytes of stack given to fc_vm_init */
    uint32_t entry;
    uint64_t r1, r2; /* arguments (default: mem, VMT_MEM) */
    /* optional: grant more or other regions after the defaults */
    void (*setup)(struct vmt *t, fc_vm_t *vm);
    int no_default_regions;   /* 1: only the stack (setup adds the rest) */
    void (*before_run)(void); /* optional: called right before fc_vm_run */
    /* optional second run on the same vm after the first (any outcome) */
    int rerun;
    uint64_t rerun_r2, rerun_r0;
    /* memory: each region sits between two pads that are no region */
    _Alignas(16) uint8_t pad0[VMT_PAD];
    _Alignas(16) uint8_t stack[VMT_STACK];
    _Alignas(16) uint8_t pad1[VMT_PAD];
    _Alignas(16) uint8_t mem[VMT_MEM];
    _Alignas(16) uint8_t pad2[VMT_PAD];
    _Alignas(16) uint8_t ro[VMT_RO];
    _Alignas(16) uint8_t pad3[VMT_PAD];
    uint8_t mem_init[VMT_MEM];
    fc_xinsn_t xbuf[VMT_MAX_SLOTS];
} vmt_t;

/* The outcome of one run. */
typedef struct vmt_out {
    int status;
    uint64_t r0;
    uint64_t executed;
    fc_error_t fault;
    uint8_t mem[VMT_MEM];
} vmt_out_t;

enum vmt_mode { VMT_IN_PLACE = 0, VMT_PREDECODED = 1 };

/* Defaults: config with the test helpers (all allowed), rodata = ro
 * (VMT_RO bytes), data = mem (VMT_MEM bytes), a full stack, mem_init a
 * pattern (mem[i] = 0x80 + i for i < 64, i - 64 for 64 <= i < 128, 0
 * above), ro[i] = 0xa0 + i. */
vmt_t *vmt_new(void); /* calloc + vmt_init; free with vmt_free */
void vmt_free(vmt_t *t);
void vmt_init(vmt_t *t);
/* cmocka setup/teardown of every VM test: a fresh vmt_new() in *state, freed after. */
int vmt_setup(void **state);
int vmt_teardown(void **state);

/* Verify text with t->cfg; t->err holds the refusal. */
fc_status_t vmt_verify(vmt_t *t, const fc_insn_t *text, uint32_t n);

/* Set up t->vm for the verified t->prog (in place or pre-decoded) and
 * restore mem from mem_init. */
void vmt_prepare(vmt_t *t, enum vmt_mode mode);

/* One run in one mode on a prepared vm. */
void vmt_run_mode(vmt_t *t, enum vmt_mode mode, vmt_out_t *out);

/* Verify (must pass), run in both modes, assert they agree, return the
 * outcome in out. */
void vmt_run(vmt_t *t, const fc_insn_t *text, uint32_t n, vmt_out_t *out);

/* Shorthands: expect FC_OK and r0 / expect a fault code at where. */
void vmt_expect_r0(vmt_t *t, const fc_insn_t *text, uint32_t n, uint64_t r0);
void vmt_expect_fault(vmt_t *t, const fc_insn_t *text, uint32_t n, int code, unsigned long where,
                      vmt_out_t *out);

#endif
