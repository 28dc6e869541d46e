/* femto-test: run tick 0 -> 207 */
/* femto-test: run tick 0 -> 211 */
/* femto-test: run reset 0 -> 0 */
/* femto-test: run tick 0 -> 109 */
/* Initialised and zero globals (data and bss), a struct, static functions. */
#include <femto.h>

struct counter {
    uint32_t hits;
    uint32_t step;
    uint64_t total;
};

static struct counter counter = {0, 3, 100}; /* .data */
static uint64_t history[4];                  /* .bss */
uint32_t calls;                              /* .bss, global */

FC_LOCAL uint64_t bump(struct counter *c)
{
    c->hits++;
    c->total += c->step;
    return c->total;
}

FC_LOCAL void remember(uint64_t v)
{
    history[calls & 3] = v;
    calls++;
}

FC_ENTRY(tick)
{
    (void)ctx;
    (void)ctx_len;
    uint64_t t = bump(&counter);
    remember(t);
    return t + history[0] + calls;
}

FC_ENTRY(reset)
{
    (void)ctx;
    (void)ctx_len;
    counter.hits = 0;
    counter.total = 0;
    return 0;
}
