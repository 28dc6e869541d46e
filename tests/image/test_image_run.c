/* Runs the images `femto build` made from tests/image/c/ (every .c file,
 * at -O0 and -O2, by the image_build_* tests) through parse, verify, RAM init, bind
 * and the interpreter, and checks each "femto-test: run ENTRY CTX_LEN ->
 * RESULT" line of the source, in order, on one RAM block (so globals carry
 * over from run to run). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "femto/image.h"

#ifndef FC_IMAGE_BUILT_DIR
#error "FC_IMAGE_BUILT_DIR: where the image_build tests write the images"
#endif

#define IMAGE_CAP 65536

static unsigned log_calls;

/* fc_log stand-in: the format string must be readable by the container
 * (it lives in the image's rodata), like the engine's helper checks. */
static uint64_t fake_log(fc_vm_t *vm, uint64_t fmt, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    if (!fc_vm_check_ptr(vm, fmt, 1, FC_PERM_READ)) {
        fc_vm_fault(vm, FC_FAULT_HELPER_ARG, "format string not readable");
        return 0;
    }
    log_calls++;
    return 0;
}

static size_t read_image(const char *path, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("%s: missing (did the image_build tests run?)", path);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

/* Run every spec line of source against the image at path. */
static void run_specs(const char *source, const char *path)
{
    static _Alignas(8) uint8_t image[IMAGE_CAP];
    static _Alignas(8) uint8_t ram[4096];
    static _Alignas(8) uint8_t stack[16384];
    size_t len = read_image(path, image, sizeof image);
    fc_image_t img;
    fc_error_t err;
    if (fc_image_parse(image, len, &img, &err) != FC_OK)
        fail_msg("%s: %s", path, err.reason);
    fc_verify_config_t cfg;
    fc_verify_config_default(&cfg);
    static fc_helper_fn fns[2] = {NULL, fake_log};
    static const fc_helper_table_t helpers = {fns, 2};
    cfg.helpers = &helpers;
    if (img.frame_size) /* the image's wish, as femto verify and the engine honour it */
        cfg.frame_size = img.frame_size;
    fc_program_t prog;
    uint32_t entries[64];
    if (fc_image_verify(&img, &cfg, &prog, entries, 64, &err) != FC_OK)
        fail_msg("%s: verifier: %s at %lu", path, err.reason, err.where);
    assert_int_equal(fc_image_init_ram(&img, ram, sizeof ram), FC_OK);
    fc_vm_t vm;
    assert_int_equal(fc_vm_init(&vm, &prog, stack, sizeof stack), FC_OK);
    fc_vm_set_helpers(&vm, &helpers, &cfg.allowed);
    assert_int_equal(fc_image_bind(&img, &vm, ram), FC_OK);

    FILE *src = fopen(source, "r");
    assert_non_null(src);
    char line[256];
    int runs = 0;
    while (fgets(line, sizeof line, src)) {
        char entry[64];
        unsigned long long ctx_len, want;
        if (sscanf(line, "/* femto-test: run %63s %llu -> %llu */", entry, &ctx_len, &want) != 3)
            continue;
        uint32_t slot;
        if (fc_image_find_function(&img, entry, &slot) != FC_OK)
            fail_msg("%s: no exported function %s", path, entry);
        uint64_t r0 = 0;
        if (fc_vm_run(&vm, slot, 0, ctx_len, &r0) != FC_OK)
            fail_msg("%s: %s faulted: %s at %lu", path, entry, vm.fault.reason, vm.fault.where);
        if (r0 != want) {
            fail_msg("%s: %s(%llu) returned %llu, want %llu", path, entry, ctx_len,
                     (unsigned long long)r0, want);
        }
        runs++;
    }
    fclose(src);
    assert_true(runs > 0);
    printf("ok: %s (%d runs)\n", path, runs);
}

static void test_built_images_run(void **state)
{
    (void)state;
    const char *dir = FC_SOURCE_DIR "/tests/image/c";
    DIR *d = opendir(dir);
    assert_non_null(d);
    int images = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 3 || strcmp(e->d_name + n - 2, ".c") != 0)
            continue;
        static const char *const levels[] = {"-O0", "-O2"};
        for (int i = 0; i < 2; i++) {
            char source[512], path[512];
            snprintf(source, sizeof source, "%s/%s", dir, e->d_name);
            snprintf(path, sizeof path, "%s/%.*s%s.fc", FC_IMAGE_BUILT_DIR, (int)(n - 2), e->d_name,
                     levels[i]);
            run_specs(source, path);
            images++;
        }
    }
    closedir(d);
    assert_true(images >= 8);
    assert_true(log_calls > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_built_images_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
