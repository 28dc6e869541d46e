/* lwIP's compiler and platform glue for the bare-metal boards (picolibc,
 * GCC, little-endian 32-bit cores). */
#ifndef FC_LWIP_ARCH_CC_H
#define FC_LWIP_ARCH_CC_H

#include <stdint.h>
#include <stdlib.h>

#define BYTE_ORDER LITTLE_ENDIAN
#define LWIP_TIMEVAL_PRIVATE 0
#define LWIP_ERRNO_STDINCLUDE 1

void bm_lwip_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void bm_lwip_assert(const char *msg, const char *file, int line);
uint32_t bm_lwip_rand(void);

#define LWIP_PLATFORM_DIAG(x) bm_lwip_diag x
#define LWIP_PLATFORM_ASSERT(x) bm_lwip_assert((x), __FILE__, __LINE__)
/* Used for IPv6 neighbour-discovery and MLD delays and the like: not for
 * anything secret (these boards have no entropy source). */
#define LWIP_RAND() bm_lwip_rand()

#endif
