/* Femto-Containers, internal to src/: little-endian field access and the
 * FNV-1a hash, one copy for every layer (image headers, key-value records,
 * the verifier's text fingerprint, name hashes). Byte-wise, so no field
 * needs any alignment and the host's byte order does not matter.
 * Included as "../common/fc_bytes.h" (no include path needed). */
#ifndef FEMTO_COMMON_FC_BYTES_H
#define FEMTO_COMMON_FC_BYTES_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t fc_rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t fc_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t fc_rd64(const uint8_t *p)
{
    return (uint64_t)fc_rd32(p) | ((uint64_t)fc_rd32(p + 4) << 32);
}

static inline void fc_wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void fc_wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void fc_wr64(uint8_t *p, uint64_t v)
{
    fc_wr32(p, (uint32_t)v);
    fc_wr32(p + 4, (uint32_t)(v >> 32));
}

/* FNV-1a, 32 bits, over p[0..n): detects accidental change, not attacks. */
static inline uint32_t fc_fnv1a32(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint32_t h = 0x811c9dc5u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x01000193u;
    return h;
}

/* FNV-1a, 64 bits, over a NUL-terminated string (names). */
static inline uint64_t fc_fnv1a64_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
    return h;
}

#endif
