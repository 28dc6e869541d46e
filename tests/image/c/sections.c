/* femto-test: cflags -ffunction-sections -fdata-sections -DSCALE=3 */
/* femto-test: run main 2 -> 31 */
/* femto-test: run main 5 -> 43 */
/* One section per function and per object: calls across sections need
 * R_BPF_64_32 relocations, data across .data.* / .bss.* / .rodata.* merge. */
#include <femto.h>

#ifndef SCALE
#error "femto build must pass -D through to clang"
#endif

static const char greeting[] = "sections";
static uint32_t offset = 7;
static uint32_t last;

FC_LOCAL uint32_t scaled(uint32_t x)
{
    return x * SCALE;
}

FC_LOCAL uint32_t length(const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    return n;
}

FC_ENTRY(main)
{
    (void)ctx;
    last = scaled((uint32_t)ctx_len) + offset;
    return last + length(greeting) * 2 + (uint32_t)ctx_len;
}
