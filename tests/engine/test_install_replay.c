/* Replays the engine's install fuzz corpus (fuzz/corpus/install) through
 * the fuzz entry point (fuzz/fuzz_install.c: install, attach to every
 * standard hook, fire each, call, replace, remove, reboot), so ordinary
 * ctest runs and the ASan+UBSan twin cover every input the campaigns kept.
 * The entry point traps on a broken invariant (a refusal that leaves
 * something behind, a run over budget, a failed replace or remove). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    uint8_t *buf = malloc(n ? (size_t)n : 1); /* exact size: ASan sees any overread */
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void test_replay_corpus(void **s)
{
    (void)s;
    const char *dir = FC_SOURCE_DIR "/fuzz/corpus/install";
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        size_t len;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        uint8_t *buf = read_file(path, &len);
        LLVMFuzzerTestOneInput(buf, len);
        free(buf);
        files++;
    }
    closedir(d);
    assert_true(files >= 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_replay_corpus)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
