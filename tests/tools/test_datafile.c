/* The .data parser against the rules of shared/conformance/README.md. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "datafile.h"
#include "fixtures.h"
#include "insn.h"

static void parse_ok(const char *text, fc_datafile_t *df)
{
    char err[256];
    if (fc_datafile_parse(text, strlen(text), df, err, sizeof err) != 0)
        fail_msg("parse failed: %s", err);
}

static void test_comments_crlf_and_blank_lines(void **state)
{
    (void)state;
    fc_datafile_t df;
    parse_ok("# header -- not a section\r\n"
             "-- asm\r\n"
             "mov %r0, 1 # -- not a section either\r\n"
             "   \r\n"
             "exit\r\n"
             "-- result\r\n"
             "0x1 # trailing comment\r\n",
             &df);
    assert_true(df.has_asm);
    assert_false(df.has_raw);
    assert_string_equal(df.asm_text, "mov %r0, 1\nexit\n");
    assert_int_equal(df.n_asm_lines, 2);
    assert_int_equal(df.asm_lines[0], 3);
    assert_int_equal(df.asm_lines[1], 5);
    assert_true(df.has_result);
    assert_int_equal(df.result, 1);
    assert_false(df.has_error);
    fc_datafile_free(&df);
}

static void test_section_keyword_order(void **state)
{
    (void)state;
    fc_datafile_t df;
    /* Substring search in the order asm, result, mem, raw, ...: a header
     * naming two keywords is the earlier one; decoration does not matter. */
    parse_ok("---- raw and asm ----\nexit\n== -- result: ==\n7\n", &df);
    assert_true(df.has_asm);
    assert_false(df.has_raw);
    assert_string_equal(df.asm_text, "exit\n");
    assert_int_equal(df.result, 7);
    fc_datafile_free(&df);

    /* Free-text sections are ignored. */
    parse_ok("-- c\nint f(void) { return 0; }\n-- no register offset\nwhatever\n-- raw\n"
             "0x95\n-- result\n0\n",
             &df);
    assert_int_equal(df.n_raw, 1);
    assert_int_equal(df.raw[0], 0x95);
    assert_false(df.has_asm);
    fc_datafile_free(&df);
}

static void test_raw_preferred_over_asm(void **state)
{
    (void)state;
    fc_datafile_t df;
    char err[128];
    fc_insn_t *slots;
    size_t n;
    parse_ok("-- asm\nmov %r0, 2\nexit\n-- raw\n0x00000001000000b7 149\n-- result\n1\n", &df);
    assert_int_equal(fc_datafile_program(&df, &slots, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(fc_insn_to_word(slots[0]), 0x00000001000000b7ull);
    assert_int_equal(fc_insn_to_word(slots[1]), 149); /* decimal token */
    free(slots);
    fc_datafile_free(&df);

    /* An empty raw section still wins: the file has no instructions. */
    parse_ok("-- asm\nexit\n-- raw\n-- result\n0\n", &df);
    assert_int_equal(fc_datafile_program(&df, &slots, &n, err, sizeof err), 0);
    assert_int_equal(n, 0);
    assert_null(slots);
    fc_datafile_free(&df);
}

static void test_mem_joins_lines(void **state)
{
    (void)state;
    fc_datafile_t df;
    parse_ok("-- mem\n00 11\n  22\tff\n-- mem\n0a\n", &df);
    assert_true(df.has_mem);
    assert_int_equal(df.mem_len, 5);
    static const uint8_t want[] = {0x00, 0x11, 0x22, 0xff, 0x0a};
    assert_memory_equal(df.mem, want, sizeof want);
    fc_datafile_free(&df);

    parse_ok("-- mem\n-- result\n0\n", &df); /* present but empty */
    assert_true(df.has_mem);
    assert_int_equal(df.mem_len, 0);
    fc_datafile_free(&df);
}

static void test_result_last_line_counts(void **state)
{
    (void)state;
    fc_datafile_t df;
    parse_ok("-- result\n0x5\n12345678901234567890\n", &df);
    assert_int_equal(df.result, 12345678901234567890ull);
    fc_datafile_free(&df);
    parse_ok("-- result\n0xFFFFFFFFFFFFFFFF\n", &df);
    assert_int_equal(df.result, UINT64_MAX);
    fc_datafile_free(&df);
}

static void test_error_section(void **state)
{
    (void)state;
    fc_datafile_t df;
    parse_ok("-- raw\n0x95\n-- error\n", &df);
    assert_true(df.has_error);
    assert_string_equal(df.error, "");
    assert_false(df.has_result);
    fc_datafile_free(&df);

    parse_ok("-- error\nfirst\n  Invalid register  \n", &df);
    assert_string_equal(df.error, "Invalid register");
    fc_datafile_free(&df);
}

static void test_unknown_section_makes_file_unusable(void **state)
{
    (void)state;
    fc_datafile_t df;
    parse_ok("-- asm\nexit\n-- Unknown directive\n-- result\n0\n", &df);
    assert_non_null(strstr(df.unusable, "line 3: unknown section"));
    fc_datafile_free(&df);

    char err[256];
    assert_int_equal(fc_datafile_load(FC_SHARED_DIR
                                      "/conformance/misc/invalid_unknown_directive.data",
                                      &df, err, sizeof err),
                     0);
    assert_true(df.unusable[0] != '\0');
    fc_datafile_free(&df);
}

static void test_malformed_tokens(void **state)
{
    (void)state;
    fc_datafile_t df;
    char err[256];
    const char *bad_raw = "-- raw\n0x95\n0xzz\n";
    assert_int_equal(fc_datafile_parse(bad_raw, strlen(bad_raw), &df, err, sizeof err), -1);
    assert_non_null(strstr(err, "line 3: raw: invalid slot '0xzz'"));
    fc_datafile_free(&df);

    const char *bad_mem = "-- mem\n123\n";
    assert_int_equal(fc_datafile_parse(bad_mem, strlen(bad_mem), &df, err, sizeof err), -1);
    assert_non_null(strstr(err, "line 2: mem: '123' is not a hex byte"));
    fc_datafile_free(&df);

    const char *bad_result = "-- result\n0x12 34\n";
    assert_int_equal(fc_datafile_parse(bad_result, strlen(bad_result), &df, err, sizeof err), -1);
    assert_non_null(strstr(err, "line 2: result"));
    fc_datafile_free(&df);
}

static void test_asm_errors_carry_file_lines(void **state)
{
    (void)state;
    fc_datafile_t df;
    char err[256];
    fc_insn_t *slots;
    size_t n;
    parse_ok("# licence\n-- asm\nmov %r0, 1\n\n# comment\nfrob %r0\n-- result\n1\n", &df);
    assert_int_equal(fc_datafile_program(&df, &slots, &n, err, sizeof err), -1);
    assert_string_equal(err, "line 6: invalid mnemonic 'frob'");
    fc_datafile_free(&df);
}

static void test_every_shared_file_parses(void **state)
{
    (void)state;
    static const char *const dirs[] = {"conformance/tests", "conformance/reject",
                                       "conformance/misc", "bench"};
    int results = 0, errors = 0, mems = 0, unusable = 0;
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        char **paths;
        int n = fixtures_list(dirs[d], &paths);
        assert_true(n > 0);
        for (int i = 0; i < n; i++) {
            fc_datafile_t df;
            char err[256];
            if (fc_datafile_load(paths[i], &df, err, sizeof err) != 0)
                fail_msg("%s: %s", paths[i], err);
            results += df.has_result;
            errors += df.has_error;
            mems += df.has_mem && d == 0;
            unusable += df.unusable[0] != '\0';
            fc_datafile_free(&df);
        }
        fixtures_free(paths, n);
    }
    /* README: 40 tests have memory; reject/ has 45 empty error sections;
     * misc/ has 4 error sections that count (invalid_unknown_directive's
     * comes after its unknown section) and that one unusable file. */
    assert_int_equal(mems, 40);
    assert_int_equal(unusable, 1);
    assert_int_equal(errors, 45 + 4);
    assert_true(results >= 313 + 21);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comments_crlf_and_blank_lines),
        cmocka_unit_test(test_section_keyword_order),
        cmocka_unit_test(test_raw_preferred_over_asm),
        cmocka_unit_test(test_mem_joins_lines),
        cmocka_unit_test(test_result_last_line_counts),
        cmocka_unit_test(test_error_section),
        cmocka_unit_test(test_unknown_section_makes_file_unusable),
        cmocka_unit_test(test_malformed_tokens),
        cmocka_unit_test(test_asm_errors_carry_file_lines),
        cmocka_unit_test(test_every_shared_file_parses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
