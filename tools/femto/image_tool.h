/* Container images in the CLI: load a .fc file, verify it the way
 * `femto build` and `femto verify` do, and print listings and summaries.
 * Shared by cmd_build.c, cmd_verify.c, cmd_info.c and cmd_disasm.c. */
#ifndef FEMTO_TOOLS_IMAGE_TOOL_H
#define FEMTO_TOOLS_IMAGE_TOOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "femto/image.h"

/* An image file in an 8-aligned malloc'd buffer, parsed. */
typedef struct fc_image_file {
    uint8_t *buf;
    size_t len;
    fc_image_t img;
} fc_image_file_t;

/* Does the file start with the image magic "FCIM"? */
int fc_image_file_is_image(const char *path);

/* Read and parse path. On failure prints "path: reason" to stderr (with the
 * status name and the byte offset of the bad field) and returns -1. */
int fc_image_file_load(const char *path, fc_image_file_t *f);
/* The same for bytes already in memory (copied). */
int fc_image_file_from_bytes(const char *label, const void *bytes, size_t len, fc_image_file_t *f);
void fc_image_file_free(fc_image_file_t *f);

/* The SDK's name of helper id ("fc_log"), or NULL if the SDK has none. */
const char *fc_sdk_helper_name(uint32_t id);

/* Verify img as a device would with every SDK helper allowed and the
 * default limits. prog and entries (func_count slots, malloc'd, freed by
 * the caller) are filled on success; err says why on refusal. */
fc_status_t fc_image_tool_verify(const fc_image_t *img, fc_program_t *prog, uint32_t **entries,
                                 fc_error_t *err);

/* Print the verifier's refusal: verdict line, then the instructions around
 * err->where with the reason next to the offending one. */
void fc_image_print_refusal(FILE *out, const char *label, const fc_image_t *img,
                            const fc_error_t *err);

/* Full listing: sections, then the text with function names as labels,
 * call targets and helper names in comments. */
void fc_image_print_listing(FILE *out, const fc_image_t *img);

/* Metadata, sizes, functions, helpers and RAM needed. */
void fc_image_print_info(FILE *out, const char *label, const fc_image_t *img);

/* "412 bytes (text 34 insns, rodata 27, data 8, bss 16), 3 functions,
 * helpers: 1 2 5" */
void fc_image_print_summary(FILE *out, const char *label, const fc_image_t *img);

#endif
