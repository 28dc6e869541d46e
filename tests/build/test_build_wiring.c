/* The build gives every test the paths of its fixtures (FC_SHARED_DIR, the
 * read-only shared/ folder beside the checkout, and FC_SOURCE_DIR). When
 * shared/ is missing, this test says so plainly instead of leaving dozens of
 * conformance tests to fail on "file not found". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

/* Number of lines of a text file, or -1 if it cannot be opened. */
static long count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    long lines = 0;
    int c;
    while ((c = fgetc(f)) != EOF)
        lines += (c == '\n');
    fclose(f);
    return lines;
}

static void test_shared_conformance_index_is_complete(void **state)
{
    (void)state;
    /* index.tsv: a header, then 313 tests, 45 reject and 15 misc files. */
    long lines = count_lines(FC_SHARED_DIR "/conformance/index.tsv");
    if (lines < 0) {
        fail_msg("cannot read %s: the shared/ folder must sit beside the checkout "
                 "(or configure with -DFC_SHARED=<path>)",
                 FC_SHARED_DIR "/conformance/index.tsv");
    }
    assert_int_equal(lines, 1 + 313 + 45 + 15);
}

static void test_source_dir_holds_the_headers(void **state)
{
    (void)state;
    assert_true(count_lines(FC_SOURCE_DIR "/include/femto/status.h") > 0);
    assert_true(count_lines(FC_SOURCE_DIR "/include/femto/vm.h") > 0);
}

static void test_paths_are_absolute(void **state)
{
    (void)state;
    /* ctest runs tests from their own folder: relative paths would break. */
    assert_int_equal(FC_SHARED_DIR[0], '/');
    assert_int_equal(FC_SOURCE_DIR[0], '/');
    assert_null(strstr(FC_SHARED_DIR, "/../"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_conformance_index_is_complete),
        cmocka_unit_test(test_source_dir_holds_the_headers),
        cmocka_unit_test(test_paths_are_absolute),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
