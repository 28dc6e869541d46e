/* Replays the engine's install fuzz corpus (fuzz/corpus/install) through
 * the fuzz entry point (fuzz/fuzz_install.c: install, attach to every
 * standard hook, fire each, call, replace, remove, reboot), so ordinary
 * ctest runs and the ASan+UBSan twin cover every input the campaigns kept.
 * The entry point traps on a broken invariant (a refusal that leaves
 * something behind, a run over budget, a failed replace or remove). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../common/test_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void replay(const char *name, const uint8_t *data, size_t len, void *user)
{
    (void)name;
    (void)user;
    LLVMFuzzerTestOneInput(data, len); /* data is an exact-size buffer */
}

/* The corpus as committed (fuzz/corpus/install): campaigns only add inputs,
 * so fewer files replayed means the walk or the checkout lost some. Raise
 * it when a campaign merges new inputs. */
#define INSTALL_CORPUS_FILES 2023

static void test_replay_corpus(void **s)
{
    (void)s;
    size_t files = tf_for_each_file(FC_SOURCE_DIR "/fuzz/corpus/install", replay, NULL);
    assert_true(files >= INSTALL_CORPUS_FILES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_replay_corpus)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
