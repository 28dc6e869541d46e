/* femto-test: run main 0 -> 42 */
/* The smallest container: one helper call with a string literal. */
#include <femto.h>

FC_ENTRY(main)
{
    (void)ctx;
    (void)ctx_len;
    fc_printf("hello from a femto container\n");
    return 42;
}
