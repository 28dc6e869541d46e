/* counter: count runs in the container's local key-value store.
 *
 * Each run reads "count", adds one, stores it back and logs it; the value
 * survives restarts (femto run --kv DIR twice prints 1 then 2). */
#include <femto.h>

FC_ENTRY(counter)
{
    uint64_t n = 0;
    if (fc_kv_local_get(FC_KEY("count"), &n, sizeof n) != sizeof n)
        n = 0; /* first run: no value yet */
    n++;
    long st = fc_kv_local_set(FC_KEY("count"), &n, sizeof n);
    if (st < 0) {
        fc_printf("counter: store failed (%d)", st);
        return (uint64_t)st;
    }
    fc_printf("count %u", n);
    return n;
}
