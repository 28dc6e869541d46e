/* Host test of the bare-metal console formatter (src/port/baremetal/print.c):
 * the boards print every verdict through it, so its output must be exact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bm.h"

static char out[256];
static size_t out_len;

/* The board hook print.c writes to: capture into a buffer. */
void bm_putc(char c)
{
    if (out_len + 1 < sizeof out) {
        out[out_len++] = c;
        out[out_len] = '\0';
    }
}

static int reset(void **state)
{
    (void)state;
    out_len = 0;
    out[0] = '\0';
    return 0;
}

static void test_integers(void **state)
{
    (void)state;
    bm_printf("%d %u %x %X %i", -42, 42u, 0xbeefu, 0xbeefu, 7);
    assert_string_equal(out, "-42 42 beef BEEF 7");
}

static void test_64_bit_and_widths(void **state)
{
    (void)state;
    bm_printf("%llx|%llu|%lld|%016llx|%5u|%05d|%-4s|%4s|", 0x0123456789abcdefull,
              18446744073709551615ull, -9223372036854775807ll - 1, 0x7dfab6a1ull, 12u, -12, "ab",
              "cd");
    assert_string_equal(out, "123456789abcdef|18446744073709551615|-9223372036854775808|"
                             "000000007dfab6a1|   12|-0012|ab  |  cd|");
}

static void test_newline_becomes_crlf(void **state)
{
    (void)state;
    bm_printf("a\nb");
    bm_puts("c\n");
    assert_string_equal(out, "a\r\nbc\r\n");
}

/* Malformed formats on purpose: the compiler's format check would refuse them. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"
static void test_odd_formats(void **state)
{
    (void)state;
    bm_printf("100%% %s %c %q", (const char *)NULL, 'z');
    assert_string_equal(out, "100% (null) z %q");
    reset(NULL);
    bm_printf("end%");
    assert_string_equal(out, "end");
}
#pragma GCC diagnostic pop

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_integers, reset),
        cmocka_unit_test_setup(test_64_bit_and_widths, reset),
        cmocka_unit_test_setup(test_newline_becomes_crlf, reset),
        cmocka_unit_test_setup(test_odd_formats, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
