/* ARM semihosting host-file calls (semihost.h). Each call passes a block of
 * words in r1 and the operation in r0; the result comes back in r0. */
#include "semihost.h"

#include <string.h>

enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_SEEK = 0x0a,
    SYS_FLEN = 0x0c,
    SYS_GET_CMDLINE = 0x15,
};

static int32_t sh_call(uint32_t op, volatile uint32_t *block)
{
    register uint32_t r0 __asm("r0") = op;
    register volatile uint32_t *r1 __asm("r1") = block;
    __asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return (int32_t)r0;
}

int bm_sh_open(const char *path, int mode)
{
    volatile uint32_t b[3] = {(uint32_t)(uintptr_t)path, (uint32_t)mode, (uint32_t)strlen(path)};
    int32_t fh = sh_call(SYS_OPEN, b);
    return fh < 0 ? -1 : (int)fh;
}

int bm_sh_close(int fh)
{
    volatile uint32_t b[1] = {(uint32_t)fh};
    return sh_call(SYS_CLOSE, b) == 0 ? 0 : -1;
}

/* SYS_READ and SYS_WRITE return the number of bytes NOT transferred. */
size_t bm_sh_read(int fh, void *buf, size_t len)
{
    volatile uint32_t b[3] = {(uint32_t)fh, (uint32_t)(uintptr_t)buf, (uint32_t)len};
    int32_t left = sh_call(SYS_READ, b);
    return left < 0 || (size_t)left > len ? 0 : len - (size_t)left;
}

size_t bm_sh_write(int fh, const void *buf, size_t len)
{
    volatile uint32_t b[3] = {(uint32_t)fh, (uint32_t)(uintptr_t)buf, (uint32_t)len};
    int32_t left = sh_call(SYS_WRITE, b);
    return left < 0 || (size_t)left > len ? 0 : len - (size_t)left;
}

int bm_sh_seek(int fh, uint32_t pos)
{
    volatile uint32_t b[2] = {(uint32_t)fh, pos};
    return sh_call(SYS_SEEK, b) == 0 ? 0 : -1;
}

long bm_sh_flen(int fh)
{
    volatile uint32_t b[1] = {(uint32_t)fh};
    int32_t n = sh_call(SYS_FLEN, b);
    return n < 0 ? -1 : (long)n;
}

int bm_sh_cmdline(char *buf, size_t cap)
{
    if (cap < 2)
        return -1;
    volatile uint32_t b[2] = {(uint32_t)(uintptr_t)buf, (uint32_t)(cap - 1)};
    if (sh_call(SYS_GET_CMDLINE, b) != 0)
        return -1;
    size_t n = b[1] < cap ? b[1] : cap - 1;
    buf[n] = '\0';
    return 0;
}
