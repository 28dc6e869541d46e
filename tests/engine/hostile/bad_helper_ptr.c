/* Hostile: hand a helper memory the container does not own (the engine
 * would copy from it with its own privileges). Entry copy_in reads from a
 * fixed address; entry big_len passes a length far beyond its buffer.
 * Expected: FC_FAULT_HELPER_ARG, nothing copied. */
#include <femto.h>

FC_ENTRY(copy_in)
{
    uint8_t buf[16];
    fc_memcpy(buf, (const void *)0x2000, sizeof buf);
    return buf[0];
}

FC_ENTRY(big_len)
{
    uint8_t buf[16] = {0};
    return (uint64_t)fc_kv_local_set(FC_KEY("k"), buf, 0x7fffffff);
}
