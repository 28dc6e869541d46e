/* Needs fc_kv_global_set: a tenant without it cannot even install this
 * (the verifier refuses the call at load time). */
#include <femto.h>

FC_ENTRY(global_writer)
{
    uint64_t v = 1;
    return (uint64_t)fc_kv_global_set(FC_KEY("flag"), &v, sizeof v);
}
