/* Hostile: write into the image's read-only data (in place, possibly in
 * flash) through a cast. Expected: FC_FAULT_MEM_PERM, the image unchanged. */
#include <femto.h>

static const char greeting[16] = "hello, world";

FC_ENTRY(write_rodata)
{
    volatile char *p = (volatile char *)greeting;
    p[0] = 'J';
    return (uint64_t)p[0];
}
