/* femto-test: refuse "call to undefined function not_here" */
/* Refused: a call to a function that is neither defined nor a helper. */
#include <femto.h>

extern uint64_t not_here(uint64_t x);

FC_ENTRY(main)
{
    (void)ctx;
    return not_here(ctx_len);
}
