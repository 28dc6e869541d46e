/* Container image parser, lookup, verification and binding.
 *
 * The parser reads an image that arrived from the network: every field is
 * checked against the real buffer before anything points into it, and all
 * bounds use the overflow-free form `off <= len && size <= len - off`. */
#include <string.h>

#include "femto/image.h"
#include "../common/fc_error.h"
#include "image_bytes.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "images execute in place: the text is little-endian eBPF, so the host must be too"
#endif

/* A name at strings[off]: 1..FC_IMAGE_NAME_MAX printable ASCII bytes and a
 * NUL, all inside the string area. Returns NULL when the name is bad and
 * sets *why. */
static const char *checked_name(const char *strings, uint32_t strings_size, uint32_t off,
                                const char **why)
{
    if (off >= strings_size) {
        *why = "name offset outside the string area";
        return NULL;
    }
    uint32_t room = strings_size - off;
    for (uint32_t i = 0; i < room && i <= FC_IMAGE_NAME_MAX; i++) {
        unsigned char c = (unsigned char)strings[off + i];
        if (c == 0) {
            if (i == 0) {
                *why = "name is empty";
                return NULL;
            }
            return strings + off;
        }
        if (c < 0x20 || c > 0x7e) {
            *why = "name has a byte that is not printable ASCII";
            return NULL;
        }
    }
    *why = room <= FC_IMAGE_NAME_MAX ? "name not NUL-terminated inside the string area"
                                     : "name longer than 63 bytes";
    return NULL;
}

/* One section [off, off+size) that must start at or after *cursor, be
 * aligned to `align` and end inside total. Advances *cursor to its end. */
static fc_status_t check_section(uint32_t off, uint32_t size, uint32_t align, uint32_t total,
                                 uint32_t *cursor, unsigned long where, fc_error_t *err,
                                 const char *what_order, const char *what_range)
{
    if (off < *cursor)
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, where, what_order);
    if (off % align != 0)
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, where, "section offset not aligned");
    if (off > total || size > total - off)
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, where, what_range);
    *cursor = off + size;
    return FC_OK;
}

static fc_status_t parse_header(const uint8_t *b, size_t len, fc_image_t *img, fc_error_t *err)
{
    if (len < FC_IMAGE_HEADER_SIZE)
        return fc_fail(err, FC_ERR_IMAGE_TRUNCATED, len, "buffer shorter than the 64-byte header");
    if (b[0] != FC_IMAGE_MAGIC0 || b[1] != FC_IMAGE_MAGIC1 || b[2] != FC_IMAGE_MAGIC2 ||
        b[3] != FC_IMAGE_MAGIC3)
        return fc_fail(err, FC_ERR_IMAGE_MAGIC, FC_IMG_H_MAGIC, "magic is not \"FCIM\"");
    img->version = fc_rd16(b + FC_IMG_H_VERSION);
    if (img->version != FC_IMAGE_VERSION) {
        return fc_fail(err, FC_ERR_IMAGE_VERSION, FC_IMG_H_VERSION,
                       "format version is not 1 (the only one this parser reads)");
    }
    img->flags = fc_rd16(b + FC_IMG_H_FLAGS);
    if (img->flags != 0) {
        return fc_fail(err, FC_ERR_IMAGE_VERSION, FC_IMG_H_FLAGS,
                       "header flags set that version 1 does not define");
    }
    uint32_t hdr = fc_rd32(b + FC_IMG_H_HEADER_SIZE);
    uint32_t total = fc_rd32(b + FC_IMG_H_TOTAL_SIZE);
    if (hdr < FC_IMAGE_HEADER_SIZE || hdr % FC_IMAGE_ALIGN != 0) {
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, FC_IMG_H_HEADER_SIZE,
                       "header size below 64 or not a multiple of 8");
    }
    if (total > len) {
        return fc_fail(err, FC_ERR_IMAGE_TRUNCATED, FC_IMG_H_TOTAL_SIZE,
                       "total size larger than the buffer (image truncated)");
    }
    if (hdr > total) {
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, FC_IMG_H_HEADER_SIZE,
                       "header size larger than the total size");
    }
    img->base = b;
    img->size = total;

    /* text: right after the header, so it is 8-aligned with the buffer */
    uint32_t slots = fc_rd32(b + FC_IMG_H_TEXT_SLOTS);
    if (slots == 0)
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, FC_IMG_H_TEXT_SLOTS, "text is empty");
    if (slots > (total - hdr) / 8u) {
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, FC_IMG_H_TEXT_SLOTS,
                       "text runs past the end of the image");
    }
    img->text = (const fc_insn_t *)(const void *)(b + hdr);
    img->text_slots = slots;
    uint32_t cursor = hdr + slots * 8u;

    uint32_t ro_off = fc_rd32(b + FC_IMG_H_RODATA_OFF);
    img->rodata_size = fc_rd32(b + FC_IMG_H_RODATA_SIZE);
    fc_status_t st =
        check_section(ro_off, img->rodata_size, FC_IMAGE_ALIGN, total, &cursor, FC_IMG_H_RODATA_OFF,
                      err, "rodata overlaps the text", "rodata runs past the end of the image");
    if (st != FC_OK)
        return st;
    img->rodata = img->rodata_size ? b + ro_off : NULL;

    uint32_t data_off = fc_rd32(b + FC_IMG_H_DATA_OFF);
    img->data_size = fc_rd32(b + FC_IMG_H_DATA_SIZE);
    st = check_section(data_off, img->data_size, FC_IMAGE_ALIGN, total, &cursor, FC_IMG_H_DATA_OFF,
                       err, "data overlaps the rodata or text",
                       "data runs past the end of the image");
    if (st != FC_OK)
        return st;
    img->data = img->data_size ? b + data_off : NULL;

    img->bss_size = fc_rd32(b + FC_IMG_H_BSS_SIZE);
    if (img->bss_size > UINT32_MAX - img->data_size) {
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, FC_IMG_H_BSS_SIZE,
                       "data + bss size overflows 32 bits");
    }

    uint32_t func_off = fc_rd32(b + FC_IMG_H_FUNC_OFF);
    img->func_count = fc_rd32(b + FC_IMG_H_FUNC_COUNT);
    if (img->func_count == 0) {
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, FC_IMG_H_FUNC_COUNT,
                       "function table is empty (slot 0 must be a function)");
    }
    if (func_off >= cursor && func_off <= total &&
        img->func_count > (total - func_off) / FC_IMAGE_FUNC_SIZE) {
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, FC_IMG_H_FUNC_COUNT,
                       "function table runs past the end of the image");
    }
    st = check_section(func_off, img->func_count * FC_IMAGE_FUNC_SIZE, 4, total, &cursor,
                       FC_IMG_H_FUNC_OFF, err, "function table overlaps an earlier section",
                       "function table starts past the end of the image");
    if (st != FC_OK)
        return st;
    img->functab = b + func_off;

    uint32_t str_off = fc_rd32(b + FC_IMG_H_STR_OFF);
    img->strings_size = fc_rd32(b + FC_IMG_H_STR_SIZE);
    st = check_section(str_off, img->strings_size, 1, total, &cursor, FC_IMG_H_STR_OFF, err,
                       "string area overlaps an earlier section",
                       "string area runs past the end of the image");
    if (st != FC_OK)
        return st;
    img->strings = (const char *)(b + str_off);

    uint32_t meta_off = fc_rd32(b + FC_IMG_H_META_OFF);
    uint32_t meta_size = fc_rd32(b + FC_IMG_H_META_SIZE);
    if (meta_size < FC_IMAGE_META_SIZE) {
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, FC_IMG_H_META_SIZE,
                       "metadata shorter than 32 bytes");
    }
    return check_section(meta_off, meta_size, 4, total, &cursor, FC_IMG_H_META_OFF, err,
                         "metadata overlaps an earlier section",
                         "metadata runs past the end of the image");
}

static fc_status_t parse_metadata(const uint8_t *b, fc_image_t *img, fc_error_t *err)
{
    uint32_t m = fc_rd32(b + FC_IMG_H_META_OFF);
    const uint8_t *meta = b + m;
    const char *why = NULL;
    img->name = checked_name(img->strings, img->strings_size, fc_rd32(meta + FC_IMG_M_NAME), &why);
    if (!img->name)
        return fc_fail(err, FC_ERR_IMAGE_NAME, m + FC_IMG_M_NAME, why);
    img->app_version = fc_rd32(meta + FC_IMG_M_APP_VERSION);
    img->helpers = fc_rd64(meta + FC_IMG_M_HELPERS);
    img->frame_size = fc_rd32(meta + FC_IMG_M_FRAME);
    if (img->frame_size % 8u != 0) {
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, m + FC_IMG_M_FRAME,
                       "wished frame size not a multiple of 8");
    }
    img->budget = fc_rd32(meta + FC_IMG_M_BUDGET);
    img->cpu = meta[FC_IMG_M_CPU];
    if (img->cpu < FC_IMAGE_CPU_V1 || img->cpu > FC_IMAGE_CPU_V4)
        return fc_fail(err, FC_ERR_IMAGE_VERSION, m + FC_IMG_M_CPU, "target cpu version not 1..4");
    for (uint32_t i = FC_IMG_M_RESERVED; i < FC_IMAGE_META_SIZE; i++)
        if (meta[i] != 0)
            return fc_fail(err, FC_ERR_IMAGE_LAYOUT, m + i, "reserved metadata byte not zero");
    return FC_OK;
}

static fc_status_t parse_functions(const uint8_t *b, fc_image_t *img, fc_error_t *err)
{
    unsigned long table = (unsigned long)(img->functab - b);
    uint32_t prev_slot = 0;
    for (uint32_t i = 0; i < img->func_count; i++) {
        const uint8_t *e = img->functab + (size_t)i * FC_IMAGE_FUNC_SIZE;
        unsigned long at = table + (unsigned long)i * FC_IMAGE_FUNC_SIZE;
        const char *why = NULL;
        if (!checked_name(img->strings, img->strings_size, fc_rd32(e + FC_IMG_F_NAME), &why))
            return fc_fail(err, FC_ERR_IMAGE_NAME, at + FC_IMG_F_NAME, why);
        uint32_t slot = fc_rd32(e + FC_IMG_F_SLOT);
        if (slot >= img->text_slots) {
            return fc_fail(err, FC_ERR_IMAGE_LAYOUT, at + FC_IMG_F_SLOT,
                           "function starts outside the text");
        }
        if (i == 0 && slot != 0) {
            return fc_fail(err, FC_ERR_IMAGE_LAYOUT, at + FC_IMG_F_SLOT,
                           "first function does not start at slot 0");
        }
        if (i > 0 && slot <= prev_slot) {
            return fc_fail(err, FC_ERR_IMAGE_LAYOUT, at + FC_IMG_F_SLOT,
                           "function slots not strictly ascending");
        }
        prev_slot = slot;
        if ((fc_rd32(e + FC_IMG_F_FLAGS) & ~(uint32_t)FC_IMAGE_FUNC_EXPORTED) != 0) {
            return fc_fail(err, FC_ERR_IMAGE_LAYOUT, at + FC_IMG_F_FLAGS,
                           "function flags set that version 1 does not define");
        }
    }
    return FC_OK;
}

fc_status_t fc_image_parse(const void *buf, size_t len, fc_image_t *img, fc_error_t *err)
{
    if (!img || (!buf && len != 0))
        return fc_fail(err, FC_ERR_INVALID_ARG, 0, "NULL image or buffer");
    *img = (fc_image_t){0};
    if (!buf)
        return fc_fail(err, FC_ERR_IMAGE_TRUNCATED, 0, "buffer shorter than the 64-byte header");
    if ((uintptr_t)buf % FC_IMAGE_ALIGN != 0) {
        return fc_fail(err, FC_ERR_IMAGE_ALIGN, 0,
                       "image buffer not 8-byte aligned (text executes in place)");
    }
    const uint8_t *b = buf;
    fc_status_t st = parse_header(b, len, img, err);
    if (st == FC_OK)
        st = parse_metadata(b, img, err);
    if (st == FC_OK)
        st = parse_functions(b, img, err);
    if (st != FC_OK) {
        *img = (fc_image_t){0};
        return st;
    }
    return fc_ok(err);
}

/* Entry i of a parsed image's table (i < func_count: the caller checks). */
static fc_image_func_t func_entry(const fc_image_t *img, uint32_t i)
{
    const uint8_t *e = img->functab + (size_t)i * FC_IMAGE_FUNC_SIZE;
    fc_image_func_t f;
    f.name = img->strings + fc_rd32(e + FC_IMG_F_NAME);
    f.slot = fc_rd32(e + FC_IMG_F_SLOT);
    f.flags = fc_rd32(e + FC_IMG_F_FLAGS);
    return f;
}

fc_status_t fc_image_function(const fc_image_t *img, uint32_t i, fc_image_func_t *out)
{
    if (!img || !out || i >= img->func_count)
        return FC_ERR_INVALID_ARG;
    *out = func_entry(img, i);
    return FC_OK;
}

/* Names in a parsed image are NUL-terminated within FC_IMAGE_NAME_MAX + 1
 * bytes; `wanted` is the caller's string, compared up to the same bound. */
static int same_name(const char *stored, const char *wanted)
{
    for (uint32_t i = 0; i <= FC_IMAGE_NAME_MAX; i++) {
        if (stored[i] != wanted[i])
            return 0;
        if (stored[i] == 0)
            return 1;
    }
    return 0;
}

fc_status_t fc_image_find_function(const fc_image_t *img, const char *name, uint32_t *slot)
{
    if (!img || !name || !slot)
        return FC_ERR_INVALID_ARG;
    for (uint32_t i = 0; i < img->func_count; i++) {
        fc_image_func_t f = func_entry(img, i);
        if ((f.flags & FC_IMAGE_FUNC_EXPORTED) && same_name(f.name, name)) {
            *slot = f.slot;
            return FC_OK;
        }
    }
    return FC_ERR_IMAGE_ENTRY;
}

const char *fc_image_function_at(const fc_image_t *img, uint32_t slot)
{
    if (!img)
        return NULL;
    /* slots are strictly ascending: binary search */
    uint32_t lo = 0, hi = img->func_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        fc_image_func_t f = func_entry(img, mid);
        if (f.slot == slot)
            return f.name;
        if (f.slot < slot)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

uint32_t fc_image_ram_size(const fc_image_t *img)
{
    return img ? img->data_size + img->bss_size : 0;
}

fc_status_t fc_image_init_ram(const fc_image_t *img, void *ram, size_t cap)
{
    if (!img)
        return FC_ERR_INVALID_ARG;
    uint32_t need = fc_image_ram_size(img);
    if (need == 0)
        return FC_OK;
    if (!ram || cap < need)
        return FC_ERR_BUFFER;
    if ((uintptr_t)ram % FC_IMAGE_ALIGN != 0)
        return FC_ERR_IMAGE_ALIGN;
    uint8_t *r = ram;
    if (img->data_size)
        memcpy(r, img->data, img->data_size);
    memset(r + img->data_size, 0, img->bss_size);
    return FC_OK;
}

fc_status_t fc_image_verify(const fc_image_t *img, const fc_verify_config_t *base_cfg,
                            fc_program_t *prog, uint32_t *entries_buf, uint32_t entries_cap,
                            fc_error_t *err)
{
    if (!img || !base_cfg || !prog || (!entries_buf && img->func_count != 0))
        return fc_fail(err, FC_ERR_INVALID_ARG, 0, "NULL image, config, program or entries");
    if (img->func_count > entries_cap) {
        return fc_fail(err, FC_ERR_BUFFER, img->func_count,
                       "more functions in the image than room for entry points");
    }
    for (uint32_t i = 0; i < img->func_count; i++)
        entries_buf[i] = func_entry(img, i).slot;
    fc_verify_config_t cfg = *base_cfg;
    cfg.rodata_len = img->rodata_size;
    cfg.data_len = fc_image_ram_size(img);
    cfg.entries = entries_buf;
    cfg.n_entries = img->func_count;
    return fc_verify(prog, img->text, img->text_slots, &cfg, err);
}

fc_status_t fc_image_bind(const fc_image_t *img, fc_vm_t *vm, void *ram)
{
    if (!img || !vm)
        return FC_ERR_INVALID_ARG;
    uint32_t ram_size = fc_image_ram_size(img);
    if (ram_size != 0 && !ram)
        return FC_ERR_INVALID_ARG;
    if (ram && (uintptr_t)ram % FC_IMAGE_ALIGN != 0)
        return FC_ERR_IMAGE_ALIGN;
    fc_vm_set_section(vm, FC_LDDW_RODATA, img->rodata);
    fc_vm_set_section(vm, FC_LDDW_DATA, ram);
    if (img->rodata_size) {
        fc_status_t st = fc_vm_add_region(vm, img->rodata, img->rodata_size, FC_PERM_READ);
        if (st != FC_OK)
            return st;
    }
    if (ram_size)
        return fc_vm_add_region(vm, ram, ram_size, FC_PERM_RW);
    return FC_OK;
}
