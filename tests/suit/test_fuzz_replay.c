/* Replays the SUIT fuzz corpus (fuzz/corpus/suit) through the fuzz entry
 * point, whole and truncated at every byte, so ordinary ctest runs (and the
 * ASan+UBSan twin) cover what the fuzzer found interesting. The corpus must
 * hold the draft's 13 examples and our own envelopes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../common/test_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct counts {
    size_t examples, ours;
} counts_t;

/* The envelope whole and truncated at every byte, each an exact-size copy
 * (ASan sees any overread). */
static void replay(const char *name, const uint8_t *data, size_t len, void *user)
{
    counts_t *c = user;
    for (size_t n = 0; n <= len; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, data, n);
        LLVMFuzzerTestOneInput(copy, n);
        free(copy);
    }
    c->examples += strncmp(name, "draft37-", 8) == 0;
    c->ours += strncmp(name, "femto-", 6) == 0;
}

static void test_replay_corpus(void **s)
{
    (void)s;
    counts_t c = {0, 0};
    size_t files = tf_for_each_file(FC_SOURCE_DIR "/fuzz/corpus/suit", replay, &c);
    /* the corpus as committed: the draft's 13 examples, our 2 manifests,
     * 358 files in all (campaigns only add; raise when one merges inputs) */
    assert_int_equal(c.examples, 13);
    assert_true(c.ours >= 2);
    assert_true(files >= 358);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_replay_corpus)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
