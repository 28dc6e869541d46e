/* The JIT's public entry points (vm.h): fc_jit_translate runs a backend
 * over a verified program, fc_jit_adopt takes code translated earlier,
 * fc_jit_run enters generated code and turns its exit into the
 * interpreter's status and fault record. The call order between the JIT's
 * files points one way: this file -> backend (jit_thumb2.c, jit_rv32.c)
 * -> run-time support (jit_runtime.c). */
#include "jit_internal.h"

fc_status_t fc_jit_translate(fc_jit_t *jit, const fc_program_t *prog, void *buf, size_t cap)
{
    jit->prog = NULL;
    jit->code = NULL;
    jit->code_size = 0;
    jit->fallback_runs = 0;
    jit->refused.code = FC_OK;
    jit->refused.where = 0;
    jit->refused.addr = 0;
    jit->refused.size = 0;
    jit->refused.reason = NULL;
#if !defined(FC_JIT_HAVE_TARGET)
    (void)prog, (void)buf, (void)cap;
    jit->refused.code = FC_ERR_BAD_CONFIG;
    jit->refused.reason = "no JIT backend for this build's core: the interpreter runs";
    return FC_ERR_BAD_CONFIG;
#else
    fc_jit_tr_t t;
    t.why = &jit->refused;
    if (!prog || !prog->verified || ((uintptr_t)buf & 3u) != 0) {
        jit->refused.code = FC_ERR_BAD_CONFIG;
        jit->refused.reason = "program not verified or buffer not 4-byte aligned";
        return FC_ERR_BAD_CONFIG;
    }
    /* the per-slot table lives at the end of the buffer while translating */
    size_t tab_bytes = (size_t)prog->len * 2u * sizeof(uint32_t); /* tab, then info */
    if (cap < tab_bytes + 64) {
        fc_jit_refuse(&t, FC_ERR_TOO_LARGE, prog->len, "JIT code buffer full");
        return FC_ERR_TOO_LARGE;
    }
    size_t code_cap = (cap - tab_bytes) & ~(size_t)3;
    t.tab = (uint32_t *)(void *)((uint8_t *)buf + code_cap);
    t.info = t.tab + prog->len;
    t.prog = prog;
    uint32_t size = 0;
    if (fc_jit_arch_translate(&t, buf, code_cap, &size) != 0)
        return (fc_status_t)jit->refused.code;
    jit->prog = prog;
    jit->generation = prog->generation;
    jit->code = buf;
    jit->code_size = size;
    return FC_OK;
#endif
}

void fc_jit_adopt(fc_jit_t *jit, const fc_program_t *prog, void *code, uint32_t code_size)
{
    jit->prog = code ? prog : NULL;
    jit->generation = prog ? prog->generation : 0;
    jit->code = code;
    jit->code_size = code ? code_size : 0;
}

#if defined(FC_JIT_HAVE_TARGET)
/* The end of a run of generated code that did not simply exit: ret is
 * kind | index << 8 with the Q left in the high word; the interpreter's
 * fault record and count. Out of line: the hot exit stays short. */
static FC_NOINLINE fc_status_t jit_stopped(fc_vm_t *vm, uint64_t ret, uint64_t *r0)
{
    uint32_t kind = (uint32_t)ret & 0xffu, where = ((uint32_t)ret >> 8) & 0xffffffu;
    int32_t q = (int32_t)(uint32_t)(ret >> 32);
    uintptr_t budget = VMP(vm)->budget_slots;
    uint64_t *reg = VMP(vm)->reg;
    if (kind == FC_JIT_K_EXIT) { /* exit reached over the budget */
        *r0 = reg[0];
        kind = FC_JIT_K_BUDGET;
    }
    reg[10] = (uint64_t)(uintptr_t)vm->stack + vm->stack_size;
    vm->fault.where = where;
    if (kind == FC_JIT_K_BUDGET) {
        vm->fault.code = FC_FAULT_BUDGET;
        vm->fault.reason = FC_WHY("instruction budget exhausted");
        vm->executed = budget;
        return FC_FAULT_BUDGET;
    }
    if (kind == FC_JIT_K_DEPTH) {
        vm->fault.code = FC_FAULT_CALL_DEPTH;
        vm->fault.reason = FC_WHY("local calls nested deeper than verified");
    }
    vm->executed = budget + 1u - (uintptr_t)(intptr_t)q;
    return (fc_status_t)vm->fault.code;
}

/* The start of a run that fc_jit_run() cannot begin at once: not bound
 * (the interpreter's preflight, then the binding), or no code for this
 * program at its generation, an entry other than 0 or a budget the code
 * cannot count (the interpreter runs it, counted in fallback_runs).
 * Returns 1 when the code may run now, 0 when *st is the run's status.
 * The arguments are in the register file already. */
static FC_NOINLINE int jit_start_slow(fc_jit_t *jit, fc_vm_t *vm, uint32_t entry, uint64_t *r0,
                                      fc_status_t *st)
{
    const fc_program_t *prog = vm->prog;
    if (jit->code && prog == jit->prog && prog->generation == jit->generation && entry == 0) {
        if (!run_is_bound(vm, entry) && (*st = run_preflight_bind(vm, entry)) != FC_OK)
            return 0;
        if (VMP(vm)->budget_slots <= 0x7fffffffu)
            return 1;
    }
    jit->fallback_runs++;
    *st = fc_vm_run(vm, entry, VMP(vm)->reg[1], VMP(vm)->reg[2], r0);
    return 0;
}
#endif

/* The arguments go to the register file first and the slow start is out
 * of line, so that only vm and r0 stay live across the call into the
 * generated code (what follows it reads the rest from vm again): the fewer
 * registers this entry saves, the less a run of a small program costs. */
fc_status_t fc_jit_run(fc_jit_t *jit, fc_vm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2,
                       uint64_t *r0)
{
#if defined(FC_JIT_HAVE_TARGET)
    uint64_t *reg = VMP(vm)->reg;
    reg[1] = r1;
    reg[2] = r2;
    const fc_program_t *prog = vm->prog;
    /* the code has one entry, 0: a binding to another entry runs nothing */
    if (FC_UNLIKELY(!(jit->code && prog == jit->prog && prog->generation == jit->generation &&
                      entry == 0 && run_is_bound(vm, entry) &&
                      VMP(vm)->budget_slots <= 0x7fffffffu))) {
        fc_status_t st;
        if (!jit_start_slow(jit, vm, entry, r0, &st))
            return st;
    }
    if (FC_UNLIKELY(VMP(vm)->run_work != 0)) { /* as interp_small.c's run entry */
        if (VMP(vm)->run_work & RUN_CACHES)
            cache_reset(vm); /* the only call before the code's: then from vm again */
        if (VMP(vm)->run_work & RUN_CLEAR) {
            reg = VMP(vm)->reg;
            reg[0] = 0;
            reg[3] = reg[4] = reg[5] = reg[6] = reg[7] = reg[8] = reg[9] = 0;
        }
    }
    prog = vm->prog;
    reg = VMP(vm)->reg;
    /* the interpreter's run entry (interp_small.c): a clean record */
    if (FC_UNLIKELY(vm->fault.code != FC_OK))
        clear_run_record(vm);
    vm->max_depth = 0;
    if (prog->call_depth) { /* call depth and deepest depth (local calls) */
        reg[FC_JIT_FILE_DEPTH / 8] = 0;
        reg[FC_JIT_FILE_MAXDEPTH / 8] = 0;
    }
    uint64_t ret = fc_jit_arch_entry(jit->code)(vm, reg, (int32_t)VMP(vm)->budget_slots);
    /* after the call, from vm again (see above) */
    reg = VMP(vm)->reg;
    if (vm->prog->call_depth) /* the code kept it there */
        vm->max_depth = (uint32_t)(reg[FC_JIT_FILE_MAXDEPTH / 8] & 0xffffffffu);
    int32_t q = (int32_t)(uint32_t)(ret >> 32);
    if (FC_LIKELY(((uint32_t)ret & 0xffu) == FC_JIT_K_EXIT && q > 0)) {
        *r0 = reg[0];
        vm->executed = VMP(vm)->budget_slots + 1u - (uintptr_t)(intptr_t)q;
        return FC_OK;
    }
    return jit_stopped(vm, ret, r0);
#else
    jit->fallback_runs++;
    return fc_vm_run(vm, entry, r1, r2, r0);
#endif
}
