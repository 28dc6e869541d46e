/* The conformance execution contract; see runner.h. */
#include "runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t helper_echo_r1(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                               uint64_t r5)
{
    (void)vm, (void)r2, (void)r3, (void)r4, (void)r5;
    return r1;
}

static void set_error(fc_error_t *err, fc_status_t code, const char *reason)
{
    memset(err, 0, sizeof *err);
    err->code = code;
    err->reason = reason;
}

/* Pre-decode the verified program; a VM built without computed goto
 * cannot (FC_ERR_BAD_CONFIG) and then runs in place. */
static fc_status_t translate_program(fc_runner_t *r, fc_error_t *err)
{
    r->xlate = calloc(r->prog.len ? r->prog.len : 1, sizeof *r->xlate);
    if (!r->xlate) {
        set_error(err, FC_ERR_NO_RAM, "out of host memory");
        return FC_ERR_NO_RAM;
    }
    fc_status_t st = fc_program_translate(&r->prog, r->xlate, r->prog.len);
    if (st == FC_OK)
        r->translated = 1;
    else if (st != FC_ERR_BAD_CONFIG) {
        set_error(err, st, "fc_program_translate refused a verified program");
        return st;
    }
    return FC_OK;
}

fc_status_t fc_runner_load(fc_runner_t *r, const fc_insn_t *text, size_t n, const uint8_t *mem,
                           size_t mem_len, int has_mem, int translate, fc_error_t *err)
{
    memset(r, 0, sizeof *r);
    r->helper_fns[FC_RUNNER_HELPER_ECHO] = helper_echo_r1;
    r->helpers.fns = r->helper_fns;
    r->helpers.count = FC_RUNNER_HELPER_ECHO + 1;
    fc_helper_mask_clear(&r->allowed);
    fc_helper_mask_set(&r->allowed, FC_RUNNER_HELPER_ECHO);

    fc_verify_config_default(&r->config);
    r->config.helpers = &r->helpers;
    r->config.allowed = r->allowed;
    r->config.frame_size = FC_DEFAULT_FRAME;
    if (n > UINT32_MAX) {
        set_error(err, FC_ERR_TOO_LARGE, "program has more than 2^32 slots");
        return FC_ERR_TOO_LARGE;
    }
    fc_status_t st = fc_verify(&r->prog, text, (uint32_t)n, &r->config, err);
    if (st == FC_OK && translate)
        st = translate_program(r, err);
    if (st != FC_OK)
        return st;

    /* The stack the verifier asks for, at least one frame; 16-aligned. */
    size_t need = r->prog.stack_needed > FC_DEFAULT_FRAME ? r->prog.stack_needed : FC_DEFAULT_FRAME;
    r->stack_size = (need + 15) & ~(size_t)15;
    r->stack = aligned_alloc(16, r->stack_size);
    if (has_mem) {
        r->mem = malloc(mem_len ? mem_len : 1);
        r->mem_len = mem_len;
    }
    if (!r->stack || (has_mem && !r->mem)) {
        set_error(err, FC_ERR_NO_RAM, "out of host memory");
        return FC_ERR_NO_RAM;
    }
    memset(r->stack, 0, r->stack_size);
    if (has_mem && mem_len)
        memcpy(r->mem, mem, mem_len);

    st = fc_vm_init(&r->vm, &r->prog, r->stack, r->stack_size);
    if (st == FC_OK) {
        fc_vm_set_helpers(&r->vm, &r->helpers, &r->allowed);
        if (has_mem && mem_len)
            st = fc_vm_add_region(&r->vm, r->mem, mem_len, FC_PERM_RW);
    }
    if (st != FC_OK)
        set_error(err, st, "fc_vm_init or fc_vm_add_region refused the runner's setup");
    return st;
}

fc_status_t fc_runner_run(fc_runner_t *r, uint64_t *r0)
{
    uint64_t r1 = r->mem ? (uint64_t)(uintptr_t)r->mem : 0;
    uint64_t r2 = r->mem ? r->mem_len : 0;
    return fc_vm_run(&r->vm, 0, r1, r2, r0);
}

void fc_runner_free(fc_runner_t *r)
{
    free(r->stack);
    free(r->mem);
    free(r->xlate);
    r->stack = NULL;
    r->mem = NULL;
    r->xlate = NULL;
}

const char *fc_runner_describe(const fc_error_t *err, char *buf, size_t size)
{
    const char *reason = err->reason ? err->reason : fc_status_text(err->code);
    int used =
        snprintf(buf, size, "slot %lu: %s (%s)", err->where, reason, fc_status_name(err->code));
    if (err->size && used >= 0 && (size_t)used < size)
        snprintf(buf + used, size - (size_t)used, ", access of %u bytes at 0x%llx", err->size,
                 err->addr);
    return buf;
}
