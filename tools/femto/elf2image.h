/* ELF object (clang -target bpf -c) to container image, read with libelf.
 *
 * Host-only (allocates). Collects every executable section into the text,
 * every read-only data section into rodata, .data* into the data
 * initialiser and .bss* into bss; resolves R_BPF_64_64 on lddw into lddw
 * pseudo sources (1 rodata, 2 data/bss) and R_BPF_64_32 on local calls into
 * pc-relative immediates; lists every function (global = exported); records
 * the helper ids the code calls. What the image format cannot express is
 * refused with the symbol and the reason. */
#ifndef FEMTO_TOOLS_ELF2IMAGE_H
#define FEMTO_TOOLS_ELF2IMAGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct fc_elf_options {
    const char *name;     /* container name (1..63 printable bytes) */
    uint32_t app_version; /* stored in the metadata */
    uint8_t cpu;          /* FC_IMAGE_CPU_V* the object was compiled for */
    uint32_t frame_size;  /* wished frame size, 0: none */
    uint32_t budget;      /* wished budget, 0: none */
} fc_elf_options_t;

typedef struct fc_elf_result {
    uint8_t *image; /* malloc'd, 8-aligned; free with fc_elf_result_free() */
    size_t image_len;
    uint32_t text_slots;
    uint32_t rodata_size;
    uint32_t data_size;
    uint32_t bss_size;
    uint32_t func_count;
    uint64_t helpers;
} fc_elf_result_t;

/* Convert the object at path. 0 on success; otherwise -1 and why holds a
 * sentence naming the section or symbol at fault. */
int fc_elf_to_image(const char *path, const fc_elf_options_t *opt, fc_elf_result_t *out, char *why,
                    size_t why_len);

void fc_elf_result_free(fc_elf_result_t *r);

#endif
