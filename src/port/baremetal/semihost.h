/* Semihosting host-file operations (ARM semihosting, Cortex-M `bkpt 0xab`):
 * the emulated flash keeps its contents in a host file through these, and
 * the device reads its command line (QEMU -append) and first-boot
 * configuration with them. Only for boards that run under a debugger or
 * QEMU with -semihosting-config enable=on,target=native. */
#ifndef FEMTO_BM_SEMIHOST_H
#define FEMTO_BM_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* Open modes (the ARM semihosting specification's ISO C fopen modes). */
enum { BM_SH_READ = 1 /* "rb" */, BM_SH_UPDATE = 3 /* "r+b" */, BM_SH_CREATE = 7 /* "w+b" */ };

/* A handle (>= 0) or -1. */
int bm_sh_open(const char *path, int mode);
int bm_sh_close(int fh);
/* Bytes transferred (a short count at end of file or on error). */
size_t bm_sh_read(int fh, void *buf, size_t len);
size_t bm_sh_write(int fh, const void *buf, size_t len);
int bm_sh_seek(int fh, uint32_t pos);
/* Length of the file, or -1. */
long bm_sh_flen(int fh);
/* The command line (QEMU: the kernel path, then -append's text), NUL
 * terminated; 0, or -1 when there is none. */
int bm_sh_cmdline(char *buf, size_t cap);

#endif
