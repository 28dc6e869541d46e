/* femto-test: refuse "FC_ERR_HELPER_DENIED" */
/* Refused by the verifier: helper 60 is not in the SDK. */
#include <femto.h>

static long (*const fc_nonexistent)(void) = (void *)60;

FC_ENTRY(main)
{
    (void)ctx;
    (void)ctx_len;
    return (uint64_t)fc_nonexistent();
}
