/* Little-endian field access and layout constants shared by the image
 * parser and writer (private to src/image). Byte-wise, so no field needs
 * any alignment and the host's byte order does not matter for headers. */
#ifndef FEMTO_IMAGE_BYTES_H
#define FEMTO_IMAGE_BYTES_H

#include <stdint.h>

/* Header field offsets (docs/image-format.md, "Header"). */
enum {
    FC_IMG_H_MAGIC = 0,
    FC_IMG_H_VERSION = 4,
    FC_IMG_H_FLAGS = 6,
    FC_IMG_H_HEADER_SIZE = 8,
    FC_IMG_H_TOTAL_SIZE = 12,
    FC_IMG_H_TEXT_SLOTS = 16,
    FC_IMG_H_RODATA_OFF = 20,
    FC_IMG_H_RODATA_SIZE = 24,
    FC_IMG_H_DATA_OFF = 28,
    FC_IMG_H_DATA_SIZE = 32,
    FC_IMG_H_BSS_SIZE = 36,
    FC_IMG_H_FUNC_OFF = 40,
    FC_IMG_H_FUNC_COUNT = 44,
    FC_IMG_H_STR_OFF = 48,
    FC_IMG_H_STR_SIZE = 52,
    FC_IMG_H_META_OFF = 56,
    FC_IMG_H_META_SIZE = 60,
};

/* Function table entry field offsets. */
enum { FC_IMG_F_NAME = 0, FC_IMG_F_SLOT = 4, FC_IMG_F_FLAGS = 8 };

/* Metadata field offsets. */
enum {
    FC_IMG_M_NAME = 0,
    FC_IMG_M_APP_VERSION = 4,
    FC_IMG_M_HELPERS = 8,
    FC_IMG_M_FRAME = 16,
    FC_IMG_M_BUDGET = 20,
    FC_IMG_M_CPU = 24,
    FC_IMG_M_RESERVED = 25, /* 7 bytes, must be zero */
};

static inline uint16_t fc_img_rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t fc_img_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t fc_img_rd64(const uint8_t *p)
{
    return (uint64_t)fc_img_rd32(p) | ((uint64_t)fc_img_rd32(p + 4) << 32);
}

/* Byte copy and fill: the layer avoids <string.h>, which bare cross
 * toolchains (riscv64-unknown-elf without a libc) do not ship. */
static inline void fc_img_copy(uint8_t *dst, const uint8_t *src, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        dst[i] = src[i];
    }
}

static inline void fc_img_fill0(uint8_t *dst, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        dst[i] = 0;
    }
}

static inline void fc_img_wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void fc_img_wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void fc_img_wr64(uint8_t *p, uint64_t v)
{
    fc_img_wr32(p, (uint32_t)v);
    fc_img_wr32(p + 4, (uint32_t)(v >> 32));
}

#endif
