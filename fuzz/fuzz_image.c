/* libFuzzer target: the image parser on arbitrary bytes and, when they
 * parse, the rest of the load path a device runs on an image from the
 * network: accessors, fc_image_verify, RAM init, bind, and a short run of
 * every exported function on a small budget.
 *
 *   build-fuzz/fuzz/fuzz_image -max_total_time=60 fuzz/corpus/image */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "femto/image.h"

#define MAX_IMAGE 65536
#define MAX_RAM 16384
#define RUN_BUDGET 2000

static volatile uint64_t sink; /* keeps results alive under -O1 */

/* Every helper id exists and checks its first argument as a 1-byte read,
 * like the real helpers check their pointers. */
static uint64_t any_helper(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                           uint64_t r5)
{
    (void)r3, (void)r4, (void)r5;
    if (r2 & 1)
        return fc_vm_check_ptr(vm, r1, 1, FC_PERM_READ) != NULL;
    return r1 ^ r2;
}

static void exercise_accessors(const fc_image_t *img)
{
    for (uint32_t i = 0; i < img->func_count; i++) {
        fc_image_func_t f;
        if (fc_image_function(img, i, &f) != FC_OK)
            __builtin_trap(); /* i < func_count must always work */
        const char *at = fc_image_function_at(img, f.slot);
        uint32_t slot;
        sink += at ? (uint64_t)at[0] : 0;
        sink += fc_image_find_function(img, f.name, &slot) == FC_OK ? slot : 0;
        sink += strlen(f.name);
    }
    sink += strlen(img->name) + fc_image_ram_size(img);
}

static void verify_and_run(const fc_image_t *img)
{
    static fc_helper_fn fns[FC_MAX_HELPERS];
    static const fc_helper_table_t helpers = {fns, FC_MAX_HELPERS};
    for (uint32_t i = 0; i < FC_MAX_HELPERS; i++)
        fns[i] = any_helper;
    static uint32_t entries[4096];
    static _Alignas(8) uint8_t ram[MAX_RAM];
    static _Alignas(8) uint8_t stack[FC_DEFAULT_FRAME * (FC_MAX_CALL_DEPTH + 1)];

    fc_verify_config_t cfg;
    fc_verify_config_default(&cfg);
    cfg.helpers = &helpers;
    fc_program_t prog;
    fc_error_t err;
    if (fc_image_verify(img, &cfg, &prog, entries, 4096, &err) != FC_OK) {
        sink += (uint64_t)err.code + err.where;
        return;
    }
    if (fc_image_init_ram(img, ram, sizeof ram) != FC_OK)
        return; /* more RAM than this harness has: fine, refused */
    fc_vm_t vm;
    if (fc_vm_init(&vm, &prog, stack, sizeof stack) != FC_OK)
        return;
    fc_vm_set_helpers(&vm, &helpers, &cfg.allowed);
    if (fc_image_bind(img, &vm, ram) != FC_OK)
        return;
    vm.budget = RUN_BUDGET;
    for (uint32_t i = 0; i < img->func_count; i++) {
        fc_image_func_t f;
        fc_image_function(img, i, &f);
        if (!(f.flags & FC_IMAGE_FUNC_EXPORTED))
            continue;
        uint64_t r0 = 0;
        int st = fc_vm_run(&vm, f.slot, (uintptr_t)ram, 8, &r0);
        sink += r0 + (uint64_t)st;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the parser requires an 8-aligned buffer; libFuzzer's is not always */
    static _Alignas(8) uint8_t buf[MAX_IMAGE];
    if (size > sizeof buf)
        return 0;
    memcpy(buf, data, size);
    fc_image_t img;
    fc_error_t err;
    if (fc_image_parse(buf, size, &img, &err) != FC_OK) {
        if (err.reason == NULL)
            __builtin_trap(); /* every refusal carries a reason */
        sink += (uint64_t)err.code;
        return 0;
    }
    if (img.size > size || img.text_slots == 0)
        __builtin_trap();
    exercise_accessors(&img);
    verify_and_run(&img);
    return 0;
}
