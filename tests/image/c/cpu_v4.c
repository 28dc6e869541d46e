/* femto-test: cflags --mcpu v4 */
/* femto-test: run main 7 -> 994 */
/* -mcpu=v4 (clang-19): signed division and modulo, sign-extending loads
 * and moves, byte swaps. */
#include <femto.h>

static const int8_t small[4] = {-5, 3, -128, 127};

FC_ENTRY(main)
{
    (void)ctx;
    volatile int64_t a = -1000 - (int64_t)ctx_len; /* -1007 */
    volatile int64_t b = 7;
    int64_t q = a / b;                                      /* -143 */
    int64_t r = a % b;                                      /* -6 */
    int64_t s = small[ctx_len & 3];                         /* small[3] = 127 */
    uint16_t swapped = __builtin_bswap16((uint16_t)0x3412); /* 0x1234 = 4660 */
    return (uint64_t)(q * -7 + r + s - 127 + (swapped - 4660) - 1);
}
