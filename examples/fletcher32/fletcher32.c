/* fletcher32: the Fletcher-32 checksum of the context bytes (16-bit
 * little-endian words, an odd last byte padded with zero). Helper-free.
 * "abcde" gives 0xf04fc729, "abcdef" 0x56502d2a. */
#include <femto.h>

FC_ENTRY(fletcher32)
{
    const uint8_t *p = ctx;
    uint64_t words = (ctx_len + 1) / 2;
    uint32_t sum1 = 0xffff, sum2 = 0xffff;
    uint64_t i = 0;
    while (words) {
        uint64_t block = words > 359 ? 359 : words; /* sums cannot overflow 32 bits */
        words -= block;
        do {
            uint32_t lo = p[i];
            uint32_t hi = i + 1 < ctx_len ? p[i + 1] : 0;
            sum1 += lo | hi << 8;
            sum2 += sum1;
            i += 2;
        } while (--block);
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    return (uint64_t)(sum2 << 16 | sum1);
}
