/* Runs every hostile program of hostile_programs.c in both execution modes
 * and checks it gets exactly its expected refusal or fault, that the fault
 * names the right instruction and access, and that no byte outside the
 * granted regions changed (the padding around each region stays 0xee).
 *
 *   test_vm_hostile          run them all (cmocka)
 *   test_vm_hostile --list   print the table of tests/hostile/README.md */
#include <stdio.h>
#include <string.h>

#include "hostile.h"

#define BUDGET 1000

static uint64_t expected_addr(const vmt_t *t, const hostile_t *h)
{
    const uint64_t mem = (uintptr_t)t->mem, d = (uint64_t)h->addr_delta;
    switch (h->addr_base) {
    case ADDR_ABS:
        return d;
    case ADDR_MEM:
        return mem + d;
    case ADDR_RO:
        return (uintptr_t)t->ro + d;
    case ADDR_STACK:
        return (uintptr_t)t->stack + d;
    case ADDR_STACK_END:
        return (uintptr_t)t->stack + VMT_STACK + d;
    case ADDR_MEM_LOW32:
        return mem & 0xffffffffu;
    case ADDR_NEG_MEM:
        return 0 - mem;
    default:
        return 0;
    }
}

static int pads_intact(const vmt_t *t)
{
    const uint8_t *pads[] = {t->pad0, t->pad1, t->pad2, t->pad3};
    for (unsigned p = 0; p < 4; p++)
        for (unsigned i = 0; i < VMT_PAD; i++)
            if (pads[p][i] != 0xee)
                return 0;
    for (unsigned i = 0; i < VMT_RO; i++)
        if (t->ro[i] != (uint8_t)(0xa0 + i))
            return 0;
    return 1;
}

/* Returns NULL when h behaved as expected, else why not (in buf). */
static const char *check_one(vmt_t *t, const hostile_t *h, char *buf, size_t len)
{
    vmt_init(t);
    t->budget = BUDGET;
    if (h->stack_size)
        t->stack_size = h->stack_size;
    if (h->only_sum_allowed) {
        fc_helper_mask_clear(&t->run_allowed);
        fc_helper_mask_set(&t->run_allowed, VMT_H_SUM);
    }
    fc_insn_t text[HOSTILE_MAX_SLOTS];
    memcpy(text, h->text, sizeof text);
    fc_status_t st = vmt_verify(t, h->n ? text : NULL, h->n);
    if (h->stage == STAGE_VERIFY) {
        if ((int)st != h->code || t->err.where != h->where)
            snprintf(buf, len, "verify: %s at %lu, expected %s at %lu", fc_status_name(st),
                     t->err.where, fc_status_name(h->code), h->where);
        else if (!t->err.reason || !t->err.reason[0])
            snprintf(buf, len, "refusal without a reason");
        else
            return NULL;
        return buf;
    }
    if (st != FC_OK) {
        snprintf(buf, len, "refused by the verifier: %s at %lu (%s)", fc_status_name(st),
                 t->err.where, t->err.reason);
        return buf;
    }
    if (h->stage == STAGE_TAMPER) {
        text[h->swap_slot] = h->swap;
        if (fc_program_check(&t->prog) != FC_ERR_NOT_VERIFIED) {
            snprintf(buf, len, "fc_program_check did not notice the swapped slot");
            return buf;
        }
        return NULL;
    }
    vmt_out_t out;
    vmt_run(t, text, h->n, &out); /* both modes; they must agree */
    if (hostile_moot_at(h, (uintptr_t)t->mem)) {
        if (out.status != FC_OK)
            snprintf(buf, len, "run: %s, expected FC_OK (32-bit context address)",
                     fc_status_name(out.status));
        return out.status == FC_OK ? NULL : buf;
    }
    if (out.status != h->code || out.fault.where != h->where) {
        snprintf(buf, len, "run: %s at %lu, expected %s at %lu", fc_status_name(out.status),
                 out.fault.where, fc_status_name(h->code), h->where);
        return buf;
    }
    if (h->addr_base != ADDR_UNCHECKED &&
        (out.fault.addr != expected_addr(t, h) || out.fault.size != h->size)) {
        snprintf(buf, len, "fault addr %#llx size %u, expected %#llx size %u", out.fault.addr,
                 out.fault.size, (unsigned long long)expected_addr(t, h), h->size);
        return buf;
    }
    if (h->budget_exact && out.executed != BUDGET) {
        snprintf(buf, len, "executed %llu, expected the budget %u",
                 (unsigned long long)out.executed, BUDGET);
        return buf;
    }
    if (!pads_intact(t)) {
        snprintf(buf, len, "memory outside the granted regions changed");
        return buf;
    }
    return NULL;
}

static void test_all_hostile(void **state)
{
    vmt_t *t = *state;
    unsigned failed = 0;
    char buf[256];
    for (unsigned i = 0; i < hostile_count; i++) {
        const char *why = check_one(t, &hostile_programs[i], buf, sizeof buf);
        if (why) {
            print_error("%s (%s): %s\n", hostile_programs[i].name, hostile_programs[i].comment,
                        why);
            failed++;
        }
    }
    print_message("%u hostile programs, %u as expected\n", hostile_count, hostile_count - failed);
    assert_true(hostile_count >= 40);
    assert_int_equal(failed, 0);
}

static void list_markdown(void)
{
    static const char *stages[] = {"verify", "run", "swap"};
    printf("| # | program | what it tries | stage | expected | at |\n");
    printf("|---|---|---|---|---|---|\n");
    for (unsigned i = 0; i < hostile_count; i++) {
        const hostile_t *h = &hostile_programs[i];
        printf("| %u | `%s` | %s | %s | `%s` | ", i + 1, h->name, h->comment, stages[h->stage],
               fc_status_name(h->code));
        if (h->stage == STAGE_TAMPER)
            printf("fc_program_check |\n");
        else
            printf("insn %lu%s |\n", h->where, h->budget_exact ? ", executed = budget" : "");
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        list_markdown();
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_all_hostile, vmt_setup, vmt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
