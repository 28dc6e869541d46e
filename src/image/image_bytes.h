/* Layout constants shared by the image parser and writer (private to
 * src/image); the little-endian accessors are src/common/fc_bytes.h. */
#ifndef FEMTO_IMAGE_BYTES_H
#define FEMTO_IMAGE_BYTES_H

#include <stdint.h>

#include "../common/fc_bytes.h"

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

#endif
