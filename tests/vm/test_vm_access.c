/* The byte-safe guest memory accessors of src/vm/vm_run.h in the form that
 * cores without unaligned access compile (RV32, Cortex-M0+: an aligned
 * access in one load or store, the rest byte by byte), forced on the host
 * with FC_VM_ALIGNED_ACCESS: at every alignment they must read and write
 * exactly what memcpy of the little-endian value does. */
#define FC_VM_ALIGNED_ACCESS 1
#include "vm_run.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

static void test_loads_and_stores_at_every_alignment(void **state)
{
    (void)state;
    uint64_t store[5]; /* 8-aligned */
    uint8_t *buf = (uint8_t *)store;
    for (unsigned i = 0; i < sizeof store; i++)
        buf[i] = (uint8_t)(i * 37 + 1);
    for (unsigned o = 0; o < 8; o++) {
        uint64_t w;
        memcpy(&w, buf + o, 8);
        assert_int_equal(ld8(buf + o), w & 0xff);
        assert_int_equal(ld16(buf + o), w & 0xffff);
        assert_int_equal(ld32(buf + o), w & 0xffffffff);
        assert_int_equal(ld64(buf + o), w);
        uint64_t got[5], want[5];
        memcpy(got, store, sizeof got);
        memcpy(want, store, sizeof want);
        st16((uint8_t *)got + o, 0x1234);
        st32((uint8_t *)got + o + 2, 0x89abcdef);
        st64((uint8_t *)got + o + 6 + (o & 1), 0x0123456789abcdefull);
        uint16_t x = 0x1234;
        uint32_t y = 0x89abcdef;
        uint64_t z = 0x0123456789abcdefull;
        memcpy((uint8_t *)want + o, &x, 2);
        memcpy((uint8_t *)want + o + 2, &y, 4);
        memcpy((uint8_t *)want + o + 6 + (o & 1), &z, 8);
        assert_memory_equal(got, want, sizeof got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loads_and_stores_at_every_alignment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
