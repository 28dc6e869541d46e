/** @file
 * Femto-Containers image format: parse, validate and bind a container
 * image that executes in place.
 *
 * An image is one contiguous, little-endian byte buffer (docs/image-format.md
 * documents every byte):
 *
 *     header (64 bytes) | text (8-byte slots) | rodata | data initialiser
 *     | function table | string area | metadata
 *
 * The text and rodata are used where they lie (flash or RAM): nothing is
 * copied or patched. Writable globals live in a per-container RAM block that
 * the caller provides: the data initialiser copied, followed by zeroed bss.
 * Code reaches rodata and the RAM block through lddw pseudo sources
 * (FC_LDDW_RODATA, FC_LDDW_DATA) whose bases fc_image_bind() sets.
 *
 * Freestanding C11: no allocation, no global state. fc_image_parse() trusts
 * nothing in the buffer; the other functions take a parsed fc_image_t.
 *
 *     fc_image_t img;
 *     if (fc_image_parse(buf, len, &img, &err) != FC_OK) ...;
 *     uint32_t entries[64];
 *     fc_program_t prog;
 *     fc_image_verify(&img, &policy_cfg, &prog, entries, 64, &err);
 *     fc_image_init_ram(&img, ram, sizeof ram);     // ram 8-byte aligned
 *     fc_vm_init(&vm, &prog, stack, sizeof stack);
 *     fc_image_bind(&img, &vm, ram);
 *     fc_image_find_function(&img, "main", &slot);
 *     fc_vm_run(&vm, slot, r1, r2, &r0);
 */
#ifndef FEMTO_IMAGE_H
#define FEMTO_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "femto/status.h"
#include "femto/vm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- format constants (docs/image-format.md) ------------------------------ */
#define FC_IMAGE_MAGIC0 0x46u    /**< 'F' */
#define FC_IMAGE_MAGIC1 0x43u    /**< 'C' */
#define FC_IMAGE_MAGIC2 0x49u    /**< 'I' */
#define FC_IMAGE_MAGIC3 0x4du    /**< 'M' */
#define FC_IMAGE_VERSION 1u      /**< format version this parser reads */
#define FC_IMAGE_HEADER_SIZE 64u /**< version 1 header */
#define FC_IMAGE_FUNC_SIZE 12u   /**< one function table entry */
#define FC_IMAGE_META_SIZE 32u   /**< version 1 metadata (may be followed by more) */
#define FC_IMAGE_ALIGN 8u        /**< required alignment of the buffer and of text/rodata/data */
#define FC_IMAGE_NAME_MAX 63u    /**< longest function or container name, bytes */

/** Function table entry flags. */
#define FC_IMAGE_FUNC_EXPORTED 0x1u /**< an entry point callable by name */

/** Target cpu versions recorded in the metadata (clang -mcpu=vN). */
#define FC_IMAGE_CPU_V1 1u /**< -mcpu=v1 */
#define FC_IMAGE_CPU_V2 2u /**< -mcpu=v2 */
#define FC_IMAGE_CPU_V3 3u /**< -mcpu=v3 */
#define FC_IMAGE_CPU_V4 4u /**< -mcpu=v4 */

/* ---- a parsed image -------------------------------------------------------- */
/** Every pointer points into the caller's buffer; the buffer must stay valid
 * and unchanged while the image (or a program verified from it) is used. */
typedef struct fc_image {
    const uint8_t *base; /**< start of the image */
    uint32_t size;       /**< total size from the header (<= the buffer length) */
    uint16_t version;    /**< format version (FC_IMAGE_VERSION) */
    uint16_t flags;      /**< header flags (none defined in version 1) */

    const fc_insn_t *text; /**< 8-byte aligned, executes in place */
    uint32_t text_slots;   /**< > 0 */
    const uint8_t *rodata; /**< NULL when rodata_size == 0 */
    uint32_t rodata_size;  /**< bytes of rodata */
    const uint8_t *data;   /**< data initialiser, NULL when data_size == 0 */
    uint32_t data_size;    /**< bytes of the data initialiser */
    uint32_t bss_size;     /**< zero-filled after data in RAM; no bytes in the image */

    const uint8_t *functab; /**< func_count entries of FC_IMAGE_FUNC_SIZE bytes */
    uint32_t func_count;    /**< entries in the function table */
    const char *strings;    /**< string area (every name is NUL-terminated inside) */
    uint32_t strings_size;  /**< bytes of the string area */

    /** metadata */
    const char *name;     /**< container name, printable, NUL-terminated */
    uint32_t app_version; /**< the author's version number */
    uint64_t helpers;     /**< bit i: helper id i is called (ids 0..63) */
    uint32_t frame_size;  /**< wished stack bytes per frame, 0: no wish */
    uint32_t budget;      /**< wished instruction budget per run, 0: no wish */
    uint8_t cpu;          /**< FC_IMAGE_CPU_V* the code was compiled for */
} fc_image_t;

/** One function table entry, decoded. */
typedef struct fc_image_func {
    const char *name; /**< points into the image's string area */
    uint32_t slot;    /**< first instruction */
    uint32_t flags;   /**< FC_IMAGE_FUNC_* */
} fc_image_func_t;

/** Validate buf[0..len) as an image and describe it in img. Checks the
 * alignment of buf (FC_IMAGE_ALIGN), magic, version, every offset, size and
 * count against the real buffer (overflow-free), section order, names
 * (NUL-terminated inside the string area, printable ASCII, 1..63 bytes),
 * function slots (strictly ascending, inside text) and metadata. On refusal
 * err->code is an FC_ERR_IMAGE_* code, err->where the byte offset of the
 * offending field and err->reason says which check failed.
 * @param buf the image bytes; borrowed: img points into it, so it must stay
 *            valid and unchanged while img (or a program from it) is used
 * @param len bytes in buf
 * @param[out] img the parsed description
 * @param[out] err filled on refusal (may be NULL)
 * @return FC_OK or an FC_ERR_IMAGE_* code */
fc_status_t fc_image_parse(const void *buf, size_t len, fc_image_t *img, fc_error_t *err);

/** Function table entry i.
 * @param img a parsed image
 * @param i entry index, < img->func_count
 * @param[out] out the entry (its name points into the image)
 * @return FC_OK, or FC_ERR_INVALID_ARG if i is out of range */
fc_status_t fc_image_function(const fc_image_t *img, uint32_t i, fc_image_func_t *out);

/** The slot of the exported function called name.
 * @param img a parsed image
 * @param name NUL-terminated function name
 * @param[out] slot its first instruction
 * @return FC_OK, or FC_ERR_IMAGE_ENTRY when no exported function has that name */
fc_status_t fc_image_find_function(const fc_image_t *img, const char *name, uint32_t *slot);

/** The name of the function starting at slot (for disassemblers).
 * @param img a parsed image
 * @param slot an instruction index
 * @return the name (in the image's string area), or NULL if no function starts there */
const char *fc_image_function_at(const fc_image_t *img, uint32_t slot);

/** Bytes of RAM the container needs for its globals.
 * @param img a parsed image
 * @return data + bss bytes (the parser guarantees the sum fits in 32 bits) */
uint32_t fc_image_ram_size(const fc_image_t *img);

/** Copy the data initialiser into ram and zero the bss after it.
 * @param img a parsed image
 * @param ram the container's RAM block (caller-owned, FC_IMAGE_ALIGN-aligned)
 * @param cap bytes in ram
 * @return FC_OK, FC_ERR_BUFFER if cap < fc_image_ram_size(), FC_ERR_IMAGE_ALIGN
 *         if ram is not aligned */
fc_status_t fc_image_init_ram(const fc_image_t *img, void *ram, size_t cap);

/** Verify the image's text with fc_verify(). base_cfg is the caller's policy
 * (helpers, allow-list, frame size, limits); this function copies it and
 * sets rodata_len, data_len (data + bss) and the entry points (every
 * function start, written to entries_buf). prog keeps a pointer to
 * entries_buf: it must live as long as prog.
 * @param img a parsed image
 * @param base_cfg the caller's verifier policy (copied, not kept)
 * @param[out] prog the verified program (points into the image and entries_buf)
 * @param entries_buf caller-owned array for the entry points
 * @param entries_cap elements in entries_buf
 * @param[out] err filled on refusal (may be NULL)
 * @return FC_OK, a verifier refusal code, or FC_ERR_BUFFER if the table has
 *         more than entries_cap functions */
fc_status_t fc_image_verify(const fc_image_t *img, const fc_verify_config_t *base_cfg,
                            fc_program_t *prog, uint32_t *entries_buf, uint32_t entries_cap,
                            fc_error_t *err);

/** Point the VM's lddw section bases at the image's rodata and at ram, and
 * grant rodata read-only and ram read-write (only non-empty ones). ram may
 * be NULL when fc_image_ram_size() is 0. Call after fc_vm_init().
 * @param img a parsed image
 * @param vm an initialised VM (its regions and section bases are set)
 * @param ram the block fc_image_init_ram() filled; borrowed for the VM's life
 * @return FC_OK or a VM region error */
fc_status_t fc_image_bind(const fc_image_t *img, fc_vm_t *vm, void *ram);

/* ---- writing (host tools; freestanding too, into a caller buffer) --------- */
/** What fc_image_write() serialises: the fields of fc_image_t, from the
 *  caller's buffers (read only; not kept after the call). */
typedef struct fc_image_parts {
    const fc_insn_t *text;        /**< instructions (8-byte slots) */
    uint32_t text_slots;          /**< number of slots, > 0 */
    const void *rodata;           /**< read-only data, may be NULL when rodata_size is 0 */
    uint32_t rodata_size;         /**< bytes of rodata */
    const void *data;             /**< data initialiser, may be NULL when data_size is 0 */
    uint32_t data_size;           /**< bytes of data */
    uint32_t bss_size;            /**< zeroed bytes after data in RAM */
    const fc_image_func_t *funcs; /**< function table, strictly ascending slots */
    uint32_t func_count;          /**< entries in funcs */
    const char *name;             /**< container name (printable, 1..63 bytes) */
    uint32_t app_version;         /**< the author's version number */
    uint64_t helpers;             /**< bit i: helper id i is called */
    uint32_t frame_size;          /**< wished stack bytes per frame, 0: no wish */
    uint32_t budget;              /**< wished instruction budget per run, 0: no wish */
    uint8_t cpu;                  /**< FC_IMAGE_CPU_V* */
} fc_image_parts_t;

/** Serialise parts into out[0..cap). *out_len receives the image size, also
 * when FC_ERR_BUFFER says cap is too small (call with cap 0 to size). The
 * result always parses with fc_image_parse(); parts that would not (bad
 * names, slots, sizes) are refused with the same codes.
 * @param parts what to write (read only)
 * @param out caller-owned output buffer (may be NULL when cap is 0)
 * @param cap bytes in out
 * @param[out] out_len the image size
 * @param[out] err filled on refusal (may be NULL)
 * @return FC_OK, FC_ERR_BUFFER (cap too small), or an FC_ERR_IMAGE_* code */
fc_status_t fc_image_write(const fc_image_parts_t *parts, void *out, size_t cap, size_t *out_len,
                           fc_error_t *err);

#ifdef __cplusplus
}
#endif
#endif
