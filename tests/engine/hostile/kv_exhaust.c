/* Hostile: fill the tenant store until it refuses. Returns the number of
 * entries stored in the low 32 bits and the (negative) error in the high
 * 32 bits. Expected: stops at the tenant's quota with FC_E_KV_FULL. */
#include <femto.h>

FC_ENTRY(kv_exhaust)
{
    char key[8] = "junk00";
    uint64_t value = 0;
    uint32_t stored = 0;
    long st = 0;
    for (uint32_t i = 0; i < 100; i++) {
        key[4] = (char)('0' + i / 10);
        key[5] = (char)('0' + i % 10);
        value = i;
        st = fc_kv_tenant_set(key, 6, &value, sizeof value);
        if (st < 0)
            break;
        stored++;
    }
    return (uint64_t)(uint32_t)st << 32 | stored;
}
