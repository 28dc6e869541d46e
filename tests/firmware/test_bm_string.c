/* Host test of the bare-metal memcpy/memset (src/port/baremetal/string.c),
 * compiled here under other names so they do not replace the host's: every
 * length 0..80 at every source/destination alignment 0..7, against a
 * byte-by-byte reference, with guard bytes around the destination. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

void *bm_test_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *bm_test_memset(void *dst, int c, size_t n);

#define AREA 128
#define GUARD 0xa5

static void test_memcpy_all_alignments(void **state)
{
    (void)state;
    uint8_t src[AREA], dst[AREA], want[AREA];
    for (unsigned i = 0; i < AREA; i++)
        src[i] = (uint8_t)(i * 37u + 11u);
    for (unsigned so = 0; so < 8; so++) {
        for (unsigned d_off = 0; d_off < 8; d_off++) {
            for (unsigned n = 0; n <= 80; n++) {
                memset(dst, GUARD, sizeof dst);
                memset(want, GUARD, sizeof want);
                for (unsigned i = 0; i < n; i++)
                    want[d_off + i] = src[so + i];
                void *r = bm_test_memcpy(dst + d_off, src + so, n);
                assert_ptr_equal(r, dst + d_off);
                assert_memory_equal(dst, want, sizeof dst);
            }
        }
    }
}

static void test_memset_all_alignments(void **state)
{
    (void)state;
    uint8_t dst[AREA], want[AREA];
    for (unsigned d_off = 0; d_off < 8; d_off++) {
        for (unsigned n = 0; n <= 80; n++) {
            memset(dst, GUARD, sizeof dst);
            memset(want, GUARD, sizeof want);
            for (unsigned i = 0; i < n; i++)
                want[d_off + i] = 0x3c;
            void *r = bm_test_memset(dst + d_off, 0x13c, n); /* only the low byte counts */
            assert_ptr_equal(r, dst + d_off);
            assert_memory_equal(dst, want, sizeof dst);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memcpy_all_alignments),
        cmocka_unit_test(test_memset_all_alignments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
