/* Replays the SUIT fuzz corpus (fuzz/corpus/suit) through the fuzz entry
 * point, whole and truncated at every byte, so ordinary ctest runs (and the
 * ASan+UBSan twin) cover what the fuzzer found interesting. The corpus must
 * hold the draft's 13 examples and our own envelopes. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "suit_test_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void test_replay_corpus(void **s)
{
    (void)s;
    const char *dir = FC_SOURCE_DIR "/fuzz/corpus/suit";
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t files = 0, examples = 0, ours = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        size_t len;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        uint8_t *buf = tu_read_file(path, &len);
        for (size_t n = 0; n <= len; n++) {
            uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan sees any overread */
            memcpy(copy, buf, n);
            LLVMFuzzerTestOneInput(copy, n);
            free(copy);
        }
        free(buf);
        files++;
        examples += strncmp(e->d_name, "draft37-", 8) == 0;
        ours += strncmp(e->d_name, "femto-", 6) == 0;
    }
    closedir(d);
    assert_int_equal(examples, 13);
    assert_true(ours >= 2);
    assert_true(files >= 15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_replay_corpus)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
