/* Container image writer: lays out the parts in the order the parser
 * demands (docs/image-format.md) into a caller buffer. Freestanding, so a
 * device could build an image too, but its users are the host tools. */
#include <string.h>

#include "femto/image.h"
#include "../common/fc_error.h"
#include "image_bytes.h"

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

/* Length of a valid name (1..FC_IMAGE_NAME_MAX printable bytes), else 0. */
static uint32_t name_length(const char *name)
{
    if (!name)
        return 0;
    for (uint32_t i = 0; i <= FC_IMAGE_NAME_MAX; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == 0)
            return i;
        if (c < 0x20 || c > 0x7e)
            return 0;
    }
    return 0;
}

/* Where each part goes, computed in 64 bits and refused above 4 GiB. */
typedef struct layout {
    uint64_t rodata_off, data_off, func_off, str_off, str_size, meta_off, total;
} layout_t;

static fc_status_t check_parts(const fc_image_parts_t *p, fc_error_t *err)
{
    if (p->text_slots == 0 || !p->text)
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, 0, "text is empty");
    if ((p->rodata_size && !p->rodata) || (p->data_size && !p->data))
        return fc_fail(err, FC_ERR_INVALID_ARG, 0, "section size given without its bytes");
    if (p->bss_size > UINT32_MAX - p->data_size)
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, 0, "data + bss size overflows 32 bits");
    if (p->func_count == 0 || !p->funcs) {
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, 0,
                       "function table is empty (slot 0 must be a function)");
    }
    if (name_length(p->name) == 0) {
        return fc_fail(err, FC_ERR_IMAGE_NAME, 0,
                       "container name empty, too long or not printable ASCII");
    }
    if (p->frame_size % 8u != 0)
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, 0, "wished frame size not a multiple of 8");
    if (p->cpu < FC_IMAGE_CPU_V1 || p->cpu > FC_IMAGE_CPU_V4)
        return fc_fail(err, FC_ERR_IMAGE_VERSION, 0, "target cpu version not 1..4");
    for (uint32_t i = 0; i < p->func_count; i++) {
        const fc_image_func_t *f = &p->funcs[i];
        if (name_length(f->name) == 0) {
            return fc_fail(err, FC_ERR_IMAGE_NAME, i,
                           "function name empty, too long or not printable ASCII");
        }
        if (f->slot >= p->text_slots)
            return fc_fail(err, FC_ERR_IMAGE_LAYOUT, i, "function starts outside the text");
        if (i == 0 ? f->slot != 0 : f->slot <= p->funcs[i - 1].slot) {
            return fc_fail(err, FC_ERR_IMAGE_LAYOUT, i,
                           "function slots must start at 0 and strictly ascend");
        }
        if (f->flags & ~(uint32_t)FC_IMAGE_FUNC_EXPORTED)
            return fc_fail(err, FC_ERR_IMAGE_LAYOUT, i, "unknown function flags");
    }
    return FC_OK;
}

static fc_status_t plan(const fc_image_parts_t *p, layout_t *l, fc_error_t *err)
{
    uint64_t str_size = (uint64_t)name_length(p->name) + 1;
    for (uint32_t i = 0; i < p->func_count; i++)
        str_size += (uint64_t)name_length(p->funcs[i].name) + 1;
    uint64_t text_end = FC_IMAGE_HEADER_SIZE + (uint64_t)p->text_slots * 8u;
    l->rodata_off = align_up(text_end, FC_IMAGE_ALIGN);
    l->data_off = align_up(l->rodata_off + p->rodata_size, FC_IMAGE_ALIGN);
    l->func_off = align_up(l->data_off + p->data_size, FC_IMAGE_ALIGN);
    l->str_off = l->func_off + (uint64_t)p->func_count * FC_IMAGE_FUNC_SIZE;
    l->str_size = str_size;
    l->meta_off = align_up(l->str_off + str_size, 4);
    l->total = align_up(l->meta_off + FC_IMAGE_META_SIZE, FC_IMAGE_ALIGN);
    if (l->total > UINT32_MAX)
        return fc_fail(err, FC_ERR_IMAGE_LAYOUT, 0, "image would be larger than 4 GiB");
    return FC_OK;
}

static void write_header(uint8_t *o, const fc_image_parts_t *p, const layout_t *l)
{
    o[0] = FC_IMAGE_MAGIC0;
    o[1] = FC_IMAGE_MAGIC1;
    o[2] = FC_IMAGE_MAGIC2;
    o[3] = FC_IMAGE_MAGIC3;
    fc_wr16(o + FC_IMG_H_VERSION, FC_IMAGE_VERSION);
    fc_wr16(o + FC_IMG_H_FLAGS, 0);
    fc_wr32(o + FC_IMG_H_HEADER_SIZE, FC_IMAGE_HEADER_SIZE);
    fc_wr32(o + FC_IMG_H_TOTAL_SIZE, (uint32_t)l->total);
    fc_wr32(o + FC_IMG_H_TEXT_SLOTS, p->text_slots);
    fc_wr32(o + FC_IMG_H_RODATA_OFF, (uint32_t)l->rodata_off);
    fc_wr32(o + FC_IMG_H_RODATA_SIZE, p->rodata_size);
    fc_wr32(o + FC_IMG_H_DATA_OFF, (uint32_t)l->data_off);
    fc_wr32(o + FC_IMG_H_DATA_SIZE, p->data_size);
    fc_wr32(o + FC_IMG_H_BSS_SIZE, p->bss_size);
    fc_wr32(o + FC_IMG_H_FUNC_OFF, (uint32_t)l->func_off);
    fc_wr32(o + FC_IMG_H_FUNC_COUNT, p->func_count);
    fc_wr32(o + FC_IMG_H_STR_OFF, (uint32_t)l->str_off);
    fc_wr32(o + FC_IMG_H_STR_SIZE, (uint32_t)l->str_size);
    fc_wr32(o + FC_IMG_H_META_OFF, (uint32_t)l->meta_off);
    fc_wr32(o + FC_IMG_H_META_SIZE, FC_IMAGE_META_SIZE);
}

/* Function table and string area: the container name first, then each
 * function's name in table order. Returns the name's string offset (0). */
static void write_names(uint8_t *o, const fc_image_parts_t *p, const layout_t *l)
{
    uint8_t *strings = o + l->str_off;
    uint32_t at = name_length(p->name) + 1;
    memcpy(strings, (const uint8_t *)p->name, at);
    for (uint32_t i = 0; i < p->func_count; i++) {
        const fc_image_func_t *f = &p->funcs[i];
        uint8_t *e = o + l->func_off + (size_t)i * FC_IMAGE_FUNC_SIZE;
        uint32_t n = name_length(f->name) + 1;
        fc_wr32(e + FC_IMG_F_NAME, at);
        fc_wr32(e + FC_IMG_F_SLOT, f->slot);
        fc_wr32(e + FC_IMG_F_FLAGS, f->flags);
        memcpy(strings + at, (const uint8_t *)f->name, n);
        at += n;
    }
}

static void write_metadata(uint8_t *meta, const fc_image_parts_t *p)
{
    fc_wr32(meta + FC_IMG_M_NAME, 0);
    fc_wr32(meta + FC_IMG_M_APP_VERSION, p->app_version);
    fc_wr64(meta + FC_IMG_M_HELPERS, p->helpers);
    fc_wr32(meta + FC_IMG_M_FRAME, p->frame_size);
    fc_wr32(meta + FC_IMG_M_BUDGET, p->budget);
    meta[FC_IMG_M_CPU] = p->cpu;
}

fc_status_t fc_image_write(const fc_image_parts_t *parts, void *out, size_t cap, size_t *out_len,
                           fc_error_t *err)
{
    if (!parts || !out_len || (!out && cap != 0))
        return fc_fail(err, FC_ERR_INVALID_ARG, 0, "NULL parts, output or length");
    *out_len = 0;
    fc_status_t st = check_parts(parts, err);
    layout_t l;
    if (st == FC_OK)
        st = plan(parts, &l, err);
    if (st != FC_OK)
        return st;
    *out_len = (size_t)l.total;
    if (!out || cap < l.total) {
        return fc_fail(err, FC_ERR_BUFFER, (unsigned long)l.total,
                       "output buffer smaller than the image");
    }
    uint8_t *o = out;
    memset(o, 0, (uint32_t)l.total); /* padding and reserved bytes are zero */
    write_header(o, parts, &l);
    memcpy(o + FC_IMAGE_HEADER_SIZE, (const uint8_t *)parts->text, (size_t)parts->text_slots * 8u);
    if (parts->rodata_size)
        memcpy(o + l.rodata_off, parts->rodata, parts->rodata_size);
    if (parts->data_size)
        memcpy(o + l.data_off, parts->data, parts->data_size);
    write_names(o, parts, &l);
    write_metadata(o + l.meta_off, parts);
    return fc_ok(err);
}
