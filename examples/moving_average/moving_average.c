/* moving_average: smooth sensor samples with a 4-sample moving average.
 *
 * Hook: sensor (its context is writable): the sample's value is replaced
 * by the average of the last four, kept in the container's globals (bss).
 * The average is a local, helper-free, noinline function: a real
 * eBPF-to-eBPF call. Entry filter_series (direct call, ctx = int32 array)
 * filters a whole series in place and returns the last average. */
#include <femto.h>

#define WINDOW 4

static int32_t window[WINDOW];
static uint32_t filled, next;

static __attribute__((noinline)) int32_t average(const int32_t *w, uint32_t n)
{
    int64_t sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += w[i];
    /* unsigned division of the magnitude: signed division needs -mcpu=v4 */
    uint64_t mag = sum < 0 ? 0 - (uint64_t)sum : (uint64_t)sum;
    int32_t q = (int32_t)(mag / n);
    return sum < 0 ? -q : q;
}

static __attribute__((noinline)) int32_t push(int32_t sample)
{
    window[next] = sample;
    next = (next + 1) % WINDOW;
    if (filled < WINDOW)
        filled++;
    return average(window, filled);
}

FC_ENTRY(moving_average)
{
    fc_hook_sensor_ctx_t *s = ctx;
    if (ctx_len < sizeof *s)
        return 0;
    s->value = push(s->value);
    return (uint64_t)(int64_t)s->value;
}

FC_ENTRY(filter_series)
{
    int32_t *v = ctx;
    uint64_t n = ctx_len / sizeof(int32_t);
    int32_t last = 0;
    for (uint64_t i = 0; i < n && i < 256; i++) {
        last = push(v[i]);
        v[i] = last;
    }
    return (uint64_t)(int64_t)last;
}
