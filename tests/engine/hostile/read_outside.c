/* Hostile: read memory no region grants (here: just past the context, then
 * a fixed low address). Expected: FC_FAULT_MEM, nothing read. */
#include <femto.h>

FC_ENTRY(read_outside)
{
    const volatile uint8_t *p = ctx;
    if (ctx_len)
        return p[ctx_len]; /* one byte past the granted context */
    return *(const volatile uint32_t *)0x1000;
}
