/* femto-test: refuse "image has more functions than FC_MAX_ENTRIES (9 > 8" */
/* A device keeps at most FC_MAX_ENTRIES (8) functions per image; femto
 * build refuses a ninth with the device's own words (issue 15, item 4). */
#include <femto.h>

/* clang-format cannot see the functions these macros define (it would
 * indent FC_ENTRY as a continuation): keep it out. */
// clang-format off
#define F(n) __attribute__((noinline)) FC_LOCAL uint64_t f##n(uint64_t x) { return x * (n + 3) + n; }
F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8)

FC_ENTRY(main)
{
    (void)ctx;
    return f1(f2(f3(f4(f5(f6(f7(f8(ctx_len))))))));
}
// clang-format on
