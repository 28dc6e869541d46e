/* memcpy and memset for the bare-metal boards, word at a time.
 *
 * Why: Debian's picolibc is built for size, and its memcpy/memset move one
 * byte per loop iteration (about 4 instructions per byte on Cortex-M). The
 * layers copy and clear small structs on every container run (the VM state,
 * the register file, region caches), so those byte loops were most of the
 * cost of firing a hook (bench/mcu). Linking these first replaces the C
 * library's versions, together with the ARM EABI aliases the compiler calls.
 *
 * Plain C: aligned 32-bit words when source and destination share their
 * alignment, bytes otherwise and at the ends. GCC must not turn these loops
 * back into calls to memcpy/memset (see the optimize attribute). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint32_t __attribute__((may_alias)) bm_word_t;

#define BM_NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))

BM_NO_LIBCALLS void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if ((((uintptr_t)d ^ (uintptr_t)s) & 3u) == 0) {
        while (n > 0 && ((uintptr_t)d & 3u) != 0) {
            *d++ = *s++;
            n--;
        }
        bm_word_t *dw = (bm_word_t *)(void *)d;
        const bm_word_t *sw = (const bm_word_t *)(const void *)s;
        for (; n >= 16; n -= 16) {
            dw[0] = sw[0];
            dw[1] = sw[1];
            dw[2] = sw[2];
            dw[3] = sw[3];
            dw += 4;
            sw += 4;
        }
        for (; n >= 4; n -= 4)
            *dw++ = *sw++;
        d = (uint8_t *)dw;
        s = (const uint8_t *)sw;
    }
    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

BM_NO_LIBCALLS void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    uint8_t byte = (uint8_t)c;
    while (n > 0 && ((uintptr_t)d & 3u) != 0) {
        *d++ = byte;
        n--;
    }
    uint32_t word = byte * 0x01010101u;
    bm_word_t *dw = (bm_word_t *)(void *)d;
    for (; n >= 16; n -= 16) {
        dw[0] = word;
        dw[1] = word;
        dw[2] = word;
        dw[3] = word;
        dw += 4;
    }
    for (; n >= 4; n -= 4)
        *dw++ = word;
    d = (uint8_t *)dw;
    while (n-- > 0)
        *d++ = byte;
    return dst;
}

#if defined(__arm__)
/* The run-time ABI for the ARM architecture: the compiler calls these for
 * struct copies and clears. memclr and memset take (dst, n[, c]). */
void __aeabi_memcpy(void *dst, const void *src, size_t n);
void __aeabi_memcpy4(void *dst, const void *src, size_t n);
void __aeabi_memcpy8(void *dst, const void *src, size_t n);
void __aeabi_memset(void *dst, size_t n, int c);
void __aeabi_memset4(void *dst, size_t n, int c);
void __aeabi_memset8(void *dst, size_t n, int c);
void __aeabi_memclr(void *dst, size_t n);
void __aeabi_memclr4(void *dst, size_t n);
void __aeabi_memclr8(void *dst, size_t n);

void __aeabi_memcpy(void *dst, const void *src, size_t n)
{
    memcpy(dst, src, n);
}
void __aeabi_memcpy4(void *dst, const void *src, size_t n)
{
    memcpy(dst, src, n);
}
void __aeabi_memcpy8(void *dst, const void *src, size_t n)
{
    memcpy(dst, src, n);
}
void __aeabi_memset(void *dst, size_t n, int c)
{
    memset(dst, c, n);
}
void __aeabi_memset4(void *dst, size_t n, int c)
{
    memset(dst, c, n);
}
void __aeabi_memset8(void *dst, size_t n, int c)
{
    memset(dst, c, n);
}
void __aeabi_memclr(void *dst, size_t n)
{
    memset(dst, 0, n);
}
void __aeabi_memclr4(void *dst, size_t n)
{
    memset(dst, 0, n);
}
void __aeabi_memclr8(void *dst, size_t n)
{
    memset(dst, 0, n);
}
#endif
