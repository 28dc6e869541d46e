/* threshold_alarm: raise an alarm when a sensor sample exceeds a threshold.
 *
 * Hook: sensor. The threshold lives in the tenant store ("threshold", an
 * int32, default 25000) so every container of the tenant shares it; the
 * number of alarms is counted there too ("alarms"). Returns 1 on alarm.
 * Entry set_threshold (direct call, ctx = int32) changes the threshold. */
#include <femto.h>

#define DEFAULT_THRESHOLD 25000

static __attribute__((noinline)) int32_t threshold(void)
{
    int32_t t;
    if (fc_kv_tenant_get(FC_KEY("threshold"), &t, sizeof t) != sizeof t)
        return DEFAULT_THRESHOLD;
    return t;
}

FC_ENTRY(alarm)
{
    const fc_hook_sensor_ctx_t *s = ctx;
    if (ctx_len < sizeof *s)
        return 0;
    int32_t limit = threshold();
    if (s->value <= limit)
        return 0;
    uint32_t alarms = 0;
    if (fc_kv_tenant_get(FC_KEY("alarms"), &alarms, sizeof alarms) != sizeof alarms)
        alarms = 0;
    alarms++;
    fc_kv_tenant_set(FC_KEY("alarms"), &alarms, sizeof alarms);
    fc_printf("ALARM sensor %u value %d > %d (alarm %u)", s->sensor, s->value, limit, alarms);
    return 1;
}

FC_ENTRY(set_threshold)
{
    if (ctx_len != sizeof(int32_t))
        return (uint64_t)FC_E_INVALID_ARG;
    int32_t t = *(const int32_t *)ctx;
    long st = fc_kv_tenant_set(FC_KEY("threshold"), &t, sizeof t);
    if (st == 0)
        fc_printf("threshold set to %d", t);
    return (uint64_t)st;
}
