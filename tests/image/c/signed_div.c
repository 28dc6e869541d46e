/* femto-test: run main 7 -> 1 */
/* Plain C with signed division and modulo, built with femto build's
 * DEFAULT options (no cflags line): the default --mcpu is v4, so clang
 * emits sdiv/smod instead of failing with "unsupported signed division"
 * (issue 15, item 2). */
#include <femto.h>

FC_ENTRY(main)
{
    (void)ctx;
    volatile int32_t a = -100 - (int32_t)ctx_len; /* -107 */
    volatile int64_t b = -7 * (int64_t)ctx_len;   /* -49 */
    int32_t q = a / 7;                            /* -15 */
    int32_t r = a % 7;                            /* -2 */
    int64_t q64 = b / -3;                         /* 16 */
    int64_t r64 = b % 5;                          /* -4 */
    return (uint64_t)(q == -15 && r == -2 && q64 == 16 && r64 == -4);
}
