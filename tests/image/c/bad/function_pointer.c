/* femto-test: refuse "address of function twice is taken" */
/* Refused: the address of a function is taken (no indirect calls). */
#include <femto.h>

FC_LOCAL uint64_t twice(uint64_t x)
{
    return 2 * x;
}

FC_ENTRY(main)
{
    (void)ctx;
    uint64_t (*volatile f)(uint64_t) = twice;
    return f(ctx_len);
}
