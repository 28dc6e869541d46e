/* Loading and running one test program the way the conformance contract
 * says (shared/conformance/README.md): verified with the default config,
 * helper 5 returns r1, 512-byte frames, r1 = a private writable copy of the
 * input memory (0 when there is none), r2 = its length. Used by
 * `femto conformance`, `femto plugin` and `femto bench`. */
#ifndef FEMTO_TOOLS_RUNNER_H
#define FEMTO_TOOLS_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "femto/vm.h"

#define FC_RUNNER_HELPER_ECHO 5 /* the suite's helper: returns r1 */

typedef struct fc_runner {
    fc_helper_fn helper_fns[FC_RUNNER_HELPER_ECHO + 1];
    fc_helper_table_t helpers;
    fc_helper_mask_t allowed;
    fc_verify_config_t config;
    fc_program_t prog;
    fc_vm_t vm;
    void *stack;
    size_t stack_size;
    uint8_t *mem; /* private copy of the input, NULL when there is none */
    size_t mem_len;
    fc_xinsn_t *xlate; /* pre-decoded form when translated */
    int translated;    /* 1: runs the pre-decoded form, 0: in place */
} fc_runner_t;

/* Verify text[0..n) and prepare a VM over a private copy of mem (pass
 * has_mem 0 for "no memory": r1 = r2 = 0). text must outlive the runner.
 * With translate set, the program is also pre-decoded
 * (fc_program_translate) when this build of the VM supports it; check
 * r->translated. Returns FC_OK, or the verifier's status with err filled. */
fc_status_t fc_runner_load(fc_runner_t *r, const fc_insn_t *text, size_t n, const uint8_t *mem,
                           size_t mem_len, int has_mem, int translate, fc_error_t *err);

/* Run once from slot 0. FC_OK: *r0 holds the result; otherwise r->vm.fault
 * says why. Instructions executed: r->vm.executed. */
fc_status_t fc_runner_run(fc_runner_t *r, uint64_t *r0);

void fc_runner_free(fc_runner_t *r);

/* "slot 3: reason (FC_ERR_NAME)", with the address and size of a memory
 * fault. Returns buf. */
const char *fc_runner_describe(const fc_error_t *err, char *buf, size_t size);

#endif
