/* Hostile: look for another tenant's secret in every scope it can name.
 * Returns a bit mask of the scopes where a value was found (0 expected:
 * tenant and local scopes are per tenant; the global store has no
 * "secret" unless someone put it there on purpose). */
#include <femto.h>

FC_ENTRY(read_other_tenant)
{
    uint64_t v;
    uint64_t found = 0;
    if (fc_kv_local_get(FC_KEY("secret"), &v, sizeof v) >= 0)
        found |= 1;
    if (fc_kv_tenant_get(FC_KEY("secret"), &v, sizeof v) >= 0)
        found |= 2;
    if (fc_kv_global_get(FC_KEY("secret"), &v, sizeof v) >= 0)
        found |= 4;
    return found;
}
