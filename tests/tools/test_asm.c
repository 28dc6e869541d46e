/* The assembler and disassembler against the conformance suite: every
 * `-- asm` section must assemble to exactly its `-- raw` words, every raw
 * program must survive disasm -> asm unchanged, and the suite's invalid_*
 * programs must be refused with a line number and a reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "datafile.h"
#include "disasm.h"
#include "fixtures.h"
#include "insn.h"

/* Assemble one line (or a few) that must succeed. */
static size_t assemble_ok(const char *src, fc_insn_t **slots)
{
    fc_asm_error_t err;
    size_t n = 0;
    int rc = fc_asm_assemble(src, slots, &n, &err);
    if (rc != 0)
        fail_msg("'%s' refused: line %u: %s", src, err.line, err.message);
    return n;
}

static uint64_t word_of(const char *src)
{
    fc_insn_t *slots;
    size_t n = assemble_ok(src, &slots);
    assert_int_equal(n, 1);
    uint64_t w = fc_insn_to_word(slots[0]);
    free(slots);
    return w;
}

/* Assembly that must be refused on `line` with `reason` in the message. */
static void assert_refused(const char *src, unsigned line, const char *reason)
{
    fc_asm_error_t err;
    fc_insn_t *slots = NULL;
    size_t n = 0;
    if (fc_asm_assemble(src, &slots, &n, &err) == 0) {
        free(slots);
        fail_msg("'%s' was accepted", src);
    }
    assert_null(slots);
    assert_int_equal(err.line, line);
    if (!strstr(err.message, reason))
        fail_msg("'%s': message '%s' lacks '%s'", src, err.message, reason);
}

/* asm of a file's -- asm section == its -- raw words. Returns 1 if equal. */
static int asm_matches_raw(const char *path)
{
    fc_datafile_t df;
    char err[256];
    assert_int_equal(fc_datafile_load(path, &df, err, sizeof err), 0);
    assert_true(df.has_asm && df.has_raw && df.n_raw > 0);
    fc_datafile_t asm_only = df;
    asm_only.has_raw = 0;
    fc_insn_t *slots;
    size_t n;
    int same = fc_datafile_program(&asm_only, &slots, &n, err, sizeof err) == 0 && n == df.n_raw;
    for (size_t i = 0; same && i < n; i++)
        same = fc_insn_to_word(slots[i]) == df.raw[i];
    if (!same)
        print_error("%s: asm differs from raw (%s)\n", path, err);
    free(slots);
    fc_datafile_free(&df);
    return same;
}

static void test_every_conformance_asm_gives_its_raw(void **state)
{
    (void)state;
    char **paths;
    int n = fixtures_list("conformance/tests", &paths);
    assert_int_equal(n, 313);
    int mismatches = 0;
    for (int i = 0; i < n; i++)
        mismatches += !asm_matches_raw(paths[i]);
    fixtures_free(paths, n);
    assert_int_equal(mismatches, 0);

    /* The two runnable negative files were assembled the same way. */
    assert_true(asm_matches_raw(FC_SHARED_DIR "/conformance/misc/error.data"));
    assert_true(
        asm_matches_raw(FC_SHARED_DIR "/conformance/misc/incorrect_return_value_high_bits.data"));
}

/* disasm(program) assembles back to program; each single line does too. */
static int round_trips(const fc_insn_t *slots, size_t n)
{
    char *listing = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&listing, &len);
    fc_disasm_listing(f, slots, n);
    fclose(f);

    fc_insn_t *again = NULL;
    size_t n_again = 0;
    fc_asm_error_t err;
    int ok = fc_asm_assemble(listing, &again, &n_again, &err) == 0 && n_again == n;
    for (size_t i = 0; ok && i < n; i++)
        ok = fc_insn_to_word(again[i]) == fc_insn_to_word(slots[i]);
    if (!ok)
        print_error("round trip failed (line %u: %s):\n%s", err.line, err.message, listing);
    free(again);
    free(listing);
    return ok;
}

static int file_round_trips(const char *path)
{
    fc_datafile_t df;
    char err[256];
    fc_insn_t *slots;
    size_t n;
    assert_int_equal(fc_datafile_load(path, &df, err, sizeof err), 0);
    assert_int_equal(fc_datafile_program(&df, &slots, &n, err, sizeof err), 0);
    assert_true(n > 0);
    int ok = round_trips(slots, n);
    if (!ok)
        print_error("in %s\n", path);
    free(slots);
    fc_datafile_free(&df);
    return ok;
}

static void test_disasm_round_trips_every_raw_program(void **state)
{
    (void)state;
    static const struct {
        const char *dir;
        int count;
    } sets[] = {{"conformance/tests", 313}, {"conformance/reject", 45}, {"bench", 21}};
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
        char **paths;
        int n = fixtures_list(sets[s].dir, &paths);
        assert_int_equal(n, sets[s].count);
        int failures = 0;
        for (int i = 0; i < n; i++)
            failures += !file_round_trips(paths[i]);
        fixtures_free(paths, n);
        assert_int_equal(failures, 0);
    }
}

static void test_suite_invalid_programs_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        unsigned line;
        const char *reason;
    } cases[] = {
        {"invalid_imm32_dec_range", 6, "immediate out of 32-bit range: 2147483648"},
        {"invalid_imm32_hex_range", 6, "immediate out of 32-bit range: 0x100000000"},
        {"invalid_label", 5, "invalid label 'NOT_A_LABEL'"},
        {"invalid_lock", 5, "invalid number of operands for lock or"},
        {"invalid_lock2", 5, "invalid number of operands for lock"},
        {"invalid_mnemonic", 6, "invalid mnemonic 'ldxq'"},
        {"invalid_offset", 5, "must be a memory operand"},
        {"invalid_offset_range", 6, "offset out of 16-bit range: +0x10000"},
        {"invalid_operand_count", 5, "invalid number of operands for lddw"},
        {"invalid_register", 5, "invalid register '%r50'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512], err[256], expected[300];
        fc_datafile_t df;
        fc_insn_t *slots = NULL;
        size_t n = 0;
        snprintf(path, sizeof path, "%s/conformance/misc/%s.data", FC_SHARED_DIR, cases[i].file);
        assert_int_equal(fc_datafile_load(path, &df, err, sizeof err), 0);
        assert_int_equal(fc_datafile_program(&df, &slots, &n, err, sizeof err), -1);
        assert_null(slots);
        snprintf(expected, sizeof expected, "line %u: ", cases[i].line);
        if (strncmp(err, expected, strlen(expected)) != 0 || !strstr(err, cases[i].reason))
            fail_msg("%s: got '%s', expected line %u and '%s'", cases[i].file, err, cases[i].line,
                     cases[i].reason);
        fc_datafile_free(&df);
    }
}

static void test_encodings(void **state)
{
    (void)state;
    assert_int_equal(word_of("add32 %r0, 1"), 0x0000000100000004ull);
    assert_int_equal(word_of("add32 %r0, -3"), 0xfffffffd00000004ull);
    assert_int_equal(word_of("mov32 %r0, 0xffffffff"), 0xffffffff000000b4ull);
    assert_int_equal(word_of("ldxw %r0, [%r1+4]"), 0x0000000000041061ull);
    assert_int_equal(word_of("stxdw [%r10-8], %r1"), 0x00000000fff81a7bull);
    assert_int_equal(word_of("stb [%r1 + 2], 0x11"), 0x0000001100020172ull);
    assert_int_equal(word_of("lock fetch add [%r1], %r2"), 0x00000001000021dbull);
    assert_int_equal(word_of("lock cmpxchg32 [%r10-8], %r1"), 0x000000f1fff81ac3ull);
    assert_int_equal(word_of("swap16 %r0"), word_of("bswap16 %r0"));
    assert_int_equal(word_of("call 5"), 0x0000000500000085ull);
    assert_int_equal(word_of("call %r2"), 0x000000000000028dull);
    assert_int_equal(word_of("callx %r2"), 0x000000000000028dull);
    assert_int_equal(word_of("movsx832 %r0, %r1"), 0x00000000000810bcull);
    assert_int_equal(word_of("sdiv %r0, 3"), 0x0000000300010037ull);
    assert_int_equal(word_of(".quad 0x1234"), 0x1234ull);

    fc_insn_t *s;
    size_t n =
        assemble_ok("lddw %r1, rodata+8\nlddw %r2, data+0\nlddw %r0, 0x1122334455667788", &s);
    assert_int_equal(n, 6);
    assert_int_equal(fc_insn_to_word(s[0]), 0x0000000800001118ull); /* src 1 */
    assert_int_equal(fc_insn_to_word(s[1]), 0);
    assert_int_equal(fc_insn_to_word(s[2]), 0x0000000000002218ull); /* src 2 */
    assert_int_equal(fc_insn_to_word(s[4]), 0x5566778800000018ull);
    assert_int_equal(fc_insn_to_word(s[5]), 0x1122334400000000ull);
    free(s);
}

static void test_labels(void **state)
{
    (void)state;
    fc_insn_t *s;
    /* Backward and forward labels, `exit` as the first exit, local calls,
     * ja32 (imm target), a label on the same line as an instruction. */
    const char *src = "top: mov %r0, 0\n"
                      "jne %r0, 1, exit\n"
                      "ja32 end\n"
                      "call local f\n"
                      "exit\n"
                      "end: ja top\n"
                      "f:\n"
                      "exit # second exit\n";
    size_t n = assemble_ok(src, &s);
    assert_int_equal(n, 7);
    assert_int_equal(s[1].offset, 2); /* slot 1 -> 4 (first exit) */
    assert_int_equal(s[2].imm, 2);    /* slot 2 -> 5 */
    assert_int_equal(s[3].imm, 2);    /* slot 3 -> 6, src 1 */
    assert_int_equal(FC_INSN_SRC(s[3]), 1);
    assert_int_equal(s[5].offset, -6); /* slot 5 -> 0 */
    free(s);

    /* Relative targets need a sign; lddw counts two slots. */
    n = assemble_ok("lddw %r0, 1\nja +1\nja -3\nexit", &s);
    assert_int_equal(s[2].offset, 1);
    assert_int_equal(s[3].offset, -3);
    free(s);
}

static void test_assembler_errors(void **state)
{
    (void)state;
    assert_refused("a:\na:\nexit", 2, "duplicate label 'a' (first defined on line 1)");
    assert_refused("exit\nja nowhere", 2, "invalid label 'nowhere'");
    assert_refused("ja 5\nexit", 1, "needs a sign");
    assert_refused("mov %r11, 1", 1, "invalid register '%r11'");
    assert_refused("mov %r0, -2147483649", 1, "immediate out of 32-bit range");
    assert_refused("mov %r0, 12abc", 1, "invalid number '12abc'");
    assert_refused("ldxw %r0, [%r1+4", 1, "missing ']'");
    assert_refused("ldxw %r0, [%r1*4]", 1, "invalid register");
    assert_refused("lddw %r0, stack+4", 1, "unknown lddw operand 'stack+4'");
    assert_refused("exit\nlock frob [%r1], %r2", 2, "invalid atomic operation 'lock frob'");
    assert_refused("mov %r0", 1, "invalid number of operands for mov");
    assert_refused("add [%r1], 1", 1, "operand 1 of 'add' ('[%r1]') must be a register");
    assert_refused("exit %r0", 1, "invalid number of operands for exit");
    assert_refused(".quad", 1, "invalid number of operands for .quad");
}

static void test_disasm_notes(void **state)
{
    (void)state;
    char buf[160];
    fc_insn_t s[2];
    s[0] = fc_insn_from_word(0x00000000000000ffull); /* no such opcode */
    assert_int_equal(fc_disasm_insn(s, 1, 0, buf, sizeof buf), 1);
    assert_string_equal(buf, ".quad 0x00000000000000ff  # not an instruction (opcode 0xff, src 0, "
                             "off 0, imm 0)");

    s[0] = fc_insn_from_word(0x0000000100010007ull); /* add with offset 1 */
    fc_disasm_insn(s, 1, 0, buf, sizeof buf);
    assert_non_null(strstr(buf, ".quad 0x0000000100010007"));
    assert_non_null(strstr(buf, "offset field is 1, must be 0"));

    s[0] = fc_insn_from_word(0x0000000100000018ull); /* lddw cut short */
    assert_int_equal(fc_disasm_insn(s, 1, 0, buf, sizeof buf), 1);
    assert_non_null(strstr(buf, "lddw without its second slot"));

    s[0] = fc_insn_from_word(0x00000001000000b7ull | 0xb00); /* mov %r11, 1 */
    fc_disasm_insn(s, 1, 0, buf, sizeof buf);
    assert_non_null(strstr(buf, "register r11 does not exist"));

    s[0] = fc_insn_from_word(0x0000000800001118ull); /* lddw %r1, rodata+8 */
    s[1] = fc_insn_from_word(0);
    assert_int_equal(fc_disasm_insn(s, 2, 0, buf, sizeof buf), 2);
    assert_string_equal(buf, "lddw %r1, rodata+0x8");

    s[0] = fc_insn_from_word(0x00000000fff81a7bull);
    fc_disasm_insn(s, 1, 0, buf, sizeof buf);
    assert_string_equal(buf, "stxdw [%r10-8], %r1");

    /* Truncation keeps the buffer terminated. */
    char tiny[6];
    fc_disasm_insn(s, 1, 0, tiny, sizeof tiny);
    assert_string_equal(tiny, "stxdw");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_conformance_asm_gives_its_raw),
        cmocka_unit_test(test_disasm_round_trips_every_raw_program),
        cmocka_unit_test(test_suite_invalid_programs_are_refused),
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_assembler_errors),
        cmocka_unit_test(test_disasm_notes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
