/* femto-test: run main 3 -> 10 */
/* femto-test: run main 7 -> 50 */
/* String literals and a const table in rodata; helper calls. */
#include <femto.h>

static const uint32_t squares[8] = {0, 1, 4, 9, 16, 25, 36, 49};

FC_ENTRY(main)
{
    (void)ctx;
    uint32_t i = (uint32_t)ctx_len & 7;
    fc_printf("square of %u is %u\n", i, squares[i]);
    fc_printf("%s\n", "a second literal");
    return squares[i] + 1;
}
