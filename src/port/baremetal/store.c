/* The flash record store (store.h explains the layout and why it is
 * crash-safe). Every flash access goes through s->flash, so the same code
 * runs on the emulated part, the power-cut layer and the host test's RAM
 * part. */
#include "store.h"

#include <string.h>

#define AREA_MAGIC 0x31414346u /* "FCA1" */
#define REC_MAGIC 0x31524346u  /* "FCR1" */
#define KIND_PUT 1u
#define KIND_DEL 2u

typedef struct rec_hdr {
    uint32_t magic;
    uint8_t kind, name_len;
    uint16_t zero;
    uint32_t data_len;
    uint32_t data_crc; /* over name and data */
    uint32_t hdr_crc;  /* over the 16 bytes above */
    uint32_t pad;
} rec_hdr_t;

typedef struct area_hdr {
    uint32_t magic, gen, area_size, page_size, crc;
} area_hdr_t;

_Static_assert(sizeof(rec_hdr_t) == 24, "record header layout");

/* CRC-32 (IEEE 802.3, reflected): detects torn writes, not attacks. */
static uint32_t crc32_update(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static uint32_t page_size(const bm_store_t *s)
{
    return s->flash->page_size;
}

static uint32_t area_base(const bm_store_t *s, uint32_t area)
{
    return area * s->area_size;
}

static uint32_t rec_pages(const bm_store_t *s, uint32_t name_len, uint32_t data_len)
{
    uint64_t bytes = (uint64_t)sizeof(rec_hdr_t) + name_len + data_len;
    return (uint32_t)((bytes + page_size(s) - 1) / page_size(s));
}

static int is_erased(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != 0xff)
            return 0;
    return 1;
}

static int read_area_hdr(bm_store_t *s, uint32_t area, area_hdr_t *h)
{
    if (s->flash->read(s->flash, area_base(s, area), h, sizeof *h) != FC_OK)
        return 0;
    return h->magic == AREA_MAGIC && h->area_size == s->area_size && h->page_size == page_size(s) &&
           h->crc == crc32_update(0, h, offsetof(area_hdr_t, crc));
}

static int erase_area(bm_store_t *s, uint32_t area)
{
    for (uint32_t off = 0; off < s->area_size; off += s->flash->sector_size)
        if (s->flash->erase(s->flash, area_base(s, area) + off) != FC_OK)
            return FC_ERR_STORAGE;
    return FC_OK;
}

static int write_area_hdr(bm_store_t *s, uint32_t area, uint32_t gen)
{
    area_hdr_t h = {
        .magic = AREA_MAGIC, .gen = gen, .area_size = s->area_size, .page_size = page_size(s)};
    h.crc = crc32_update(0, &h, offsetof(area_hdr_t, crc));
    return s->flash->program(s->flash, area_base(s, area), &h, sizeof h);
}

/* ---- the RAM index ------------------------------------------------------------------ */

static int find(const bm_store_t *s, const char *name)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (strncmp(s->index[i].name, name, FC_PORT_NAME_MAX) == 0)
            return (int)i;
    return -1;
}

static void index_drop(bm_store_t *s, int i)
{
    if (i >= 0)
        s->index[i] = s->index[--s->n];
}

/* 0, or -1 when the index is full. */
static int index_set(bm_store_t *s, const char *name, size_t name_len, uint32_t off, uint32_t len)
{
    char key[FC_PORT_NAME_MAX];
    memcpy(key, name, name_len);
    key[name_len] = '\0';
    int i = find(s, key);
    if (i < 0) {
        if (s->n == BM_STORE_MAX_RECORDS)
            return -1;
        i = (int)s->n++;
        memcpy(s->index[i].name, key, name_len + 1);
    }
    s->index[i].off = off;
    s->index[i].len = len;
    return 0;
}

/* ---- mount: replay the log ---------------------------------------------------------- */

/* CRC of a record's name and data, read back from flash in page-sized pieces. */
static int stored_crc(bm_store_t *s, uint32_t off, uint32_t len, uint32_t *crc)
{
    *crc = 0;
    while (len) {
        uint32_t n = len < sizeof s->page ? len : (uint32_t)sizeof s->page;
        if (s->flash->read(s->flash, off, s->page, n) != FC_OK)
            return -1;
        *crc = crc32_update(*crc, s->page, n);
        off += n;
        len -= n;
    }
    return 0;
}

static int hdr_ok(const bm_store_t *s, const rec_hdr_t *h)
{
    return h->magic == REC_MAGIC && (h->kind == KIND_PUT || h->kind == KIND_DEL) &&
           h->name_len > 0 && h->name_len < FC_PORT_NAME_MAX && h->zero == 0 &&
           h->data_len <= s->area_size && h->hdr_crc == crc32_update(0, h, 16);
}

static int replay(bm_store_t *s)
{
    uint32_t ps = page_size(s), base = area_base(s, s->active), end = base + s->area_size;
    uint32_t pos = base + ps;
    s->n = 0;
    while (pos < end) {
        if (s->flash->read(s->flash, pos, s->page, ps) != FC_OK)
            return FC_ERR_STORAGE;
        if (is_erased(s->page, ps))
            break; /* the end of the log */
        rec_hdr_t h;
        memcpy(&h, s->page, sizeof h);
        uint32_t pages = hdr_ok(s, &h) ? rec_pages(s, h.name_len, h.data_len) : 0;
        if (pages == 0 || pages > (end - pos) / ps) {
            s->torn++; /* a header cut while being programmed: skip its page */
            pos += ps;
            continue;
        }
        char name[FC_PORT_NAME_MAX];
        memcpy(name, s->page + sizeof h, h.name_len);
        name[h.name_len] = '\0';
        uint32_t crc;
        if (stored_crc(s, pos + (uint32_t)sizeof h, h.name_len + h.data_len, &crc) != 0)
            return FC_ERR_STORAGE;
        if (crc != h.data_crc || memchr(name, '\0', h.name_len))
            s->torn++; /* cut before its last page: the previous record stays live */
        else if (h.kind == KIND_DEL)
            index_drop(s, find(s, name));
        else if (index_set(s, name, h.name_len, pos, h.data_len) != 0)
            return FC_ERR_STORAGE;
        pos += pages * ps;
    }
    s->append = pos;
    return FC_OK;
}

fc_status_t bm_store_mount(bm_store_t *s, bm_flash_t *flash)
{
    memset(s, 0, sizeof *s);
    s->flash = flash;
    if (flash->page_size > sizeof s->page || flash->page_size < sizeof(rec_hdr_t) ||
        flash->sector_size % flash->page_size || flash->size % (2 * flash->sector_size))
        return FC_ERR_STORAGE;
    s->area_size = flash->size / 2;
    area_hdr_t h[2];
    int ok0 = read_area_hdr(s, 0, &h[0]), ok1 = read_area_hdr(s, 1, &h[1]);
    if (!ok0 && !ok1) {
        /* a new (or unreadable) part: format area 0 */
        if (erase_area(s, 0) != FC_OK || write_area_hdr(s, 0, 1) != FC_OK)
            return FC_ERR_STORAGE;
        s->active = 0;
        s->gen = 1;
    } else if (ok0 && ok1) {
        /* both valid: the newer (a compaction finished, the old area was not
         * yet erased); generation numbers only grow by one */
        s->active = (h[1].gen - h[0].gen) < 0x80000000u ? 1 : 0;
        s->gen = h[s->active].gen;
    } else {
        s->active = ok1;
        s->gen = h[s->active].gen;
    }
    return replay(s);
}

/* ---- writing ------------------------------------------------------------------------ */

/* Program one record at s->append (which must have room for it). Pages are
 * programmed in order: the record is live only once the last one is. */
static int append_record(bm_store_t *s, uint8_t kind, const char *name, size_t name_len,
                         const void *data, size_t len)
{
    uint32_t ps = page_size(s);
    rec_hdr_t h = {
        .magic = REC_MAGIC, .kind = kind, .name_len = (uint8_t)name_len, .data_len = (uint32_t)len};
    h.data_crc = crc32_update(crc32_update(0, name, name_len), data, len);
    h.hdr_crc = crc32_update(0, &h, 16);
    /* the record as one stream: header, name, data */
    const uint8_t *parts[3] = {(const uint8_t *)&h, (const uint8_t *)name, data};
    size_t lens[3] = {sizeof h, name_len, len};
    size_t part = 0, at = 0;
    uint32_t pos = s->append;
    while (part < 3) {
        size_t fill = 0;
        while (fill < ps && part < 3) {
            size_t n = lens[part] - at < ps - fill ? lens[part] - at : ps - fill;
            if (n)
                memcpy(s->page + fill, parts[part] + at, n);
            fill += n;
            at += n;
            if (at == lens[part]) {
                part++;
                at = 0;
            }
        }
        if (s->flash->program(s->flash, pos, s->page, fill) != FC_OK) {
            s->append = pos + ps; /* never program that page again */
            return FC_ERR_STORAGE;
        }
        pos += ps;
    }
    s->append = pos;
    return FC_OK;
}

static uint32_t room(const bm_store_t *s)
{
    return area_base(s, s->active) + s->area_size - s->append;
}

/* Copy every live record into the other area, then make it the active one. */
static int compact(bm_store_t *s)
{
    uint32_t ps = page_size(s), to = 1 - s->active;
    if (erase_area(s, to) != FC_OK)
        return FC_ERR_STORAGE;
    uint32_t pos = area_base(s, to) + ps;
    uint32_t new_off[BM_STORE_MAX_RECORDS];
    for (uint32_t i = 0; i < s->n; i++) {
        uint32_t name_len = (uint32_t)strlen(s->index[i].name);
        uint32_t pages = rec_pages(s, name_len, s->index[i].len);
        new_off[i] = pos;
        for (uint32_t p = 0; p < pages; p++) {
            if (s->flash->read(s->flash, s->index[i].off + p * ps, s->page, ps) != FC_OK ||
                s->flash->program(s->flash, pos, s->page, ps) != FC_OK)
                return FC_ERR_STORAGE;
            pos += ps;
        }
    }
    if (write_area_hdr(s, to, s->gen + 1) != FC_OK)
        return FC_ERR_STORAGE;
    /* the switch is done: the other area is now the older one */
    for (uint32_t i = 0; i < s->n; i++)
        s->index[i].off = new_off[i];
    s->active = to;
    s->gen++;
    s->append = pos;
    s->compactions++;
    return FC_OK;
}

static int valid_name(const char *name, size_t *len)
{
    const char *end = name ? memchr(name, '\0', FC_PORT_NAME_MAX) : NULL;
    if (!end || end == name)
        return 0;
    *len = (size_t)(end - name);
    return 1;
}

/* Make room for a record of `pages` pages, compacting once if needed. */
static int ensure_room(bm_store_t *s, uint32_t pages)
{
    uint32_t need = pages * page_size(s);
    if (room(s) >= need)
        return FC_OK;
    if (compact(s) != FC_OK)
        return FC_ERR_STORAGE;
    return room(s) >= need ? FC_OK : FC_ERR_STORAGE;
}

fc_status_t bm_store_write(bm_store_t *s, const char *name, const void *data, size_t len)
{
    size_t nl;
    if (!valid_name(name, &nl) || len > s->area_size)
        return FC_ERR_STORAGE;
    if (find(s, name) < 0 && s->n == BM_STORE_MAX_RECORDS)
        return FC_ERR_STORAGE; /* no index entry for a new name */
#ifdef BM_STORE_MUTATE_IN_PLACE
    /* MUTATION (tests only): replace a record by removing it first, as a
     * port that truncates the live file and rewrites it would. The
     * power-cut tests must catch this. */
    if (find(s, name) >= 0 && bm_store_remove(s, name) != FC_OK)
        return FC_ERR_STORAGE;
#endif
    if (ensure_room(s, rec_pages(s, (uint32_t)nl, (uint32_t)len)) != FC_OK)
        return FC_ERR_STORAGE;
    uint32_t at = s->append;
    if (append_record(s, KIND_PUT, name, nl, data, len) != FC_OK)
        return FC_ERR_STORAGE;
    return index_set(s, name, nl, at, (uint32_t)len) == 0 ? FC_OK : FC_ERR_STORAGE;
}

fc_status_t bm_store_remove(bm_store_t *s, const char *name)
{
    size_t nl;
    if (!valid_name(name, &nl))
        return FC_ERR_STORAGE;
    int i = find(s, name);
    if (i < 0)
        return FC_ERR_NOT_FOUND;
    if (ensure_room(s, 1) != FC_OK)
        return FC_ERR_STORAGE;
    i = find(s, name); /* compaction kept the index order; look again anyway */
    if (append_record(s, KIND_DEL, name, nl, NULL, 0) != FC_OK)
        return FC_ERR_STORAGE;
    index_drop(s, i);
    return FC_OK;
}

fc_status_t bm_store_read(bm_store_t *s, const char *name, void *buf, size_t cap, size_t *len)
{
    size_t nl;
    if (!valid_name(name, &nl))
        return FC_ERR_STORAGE;
    int i = find(s, name);
    if (i < 0)
        return FC_ERR_NOT_FOUND;
    *len = s->index[i].len;
    if (cap < s->index[i].len)
        return FC_ERR_BUFFER;
    uint32_t off = s->index[i].off + (uint32_t)sizeof(rec_hdr_t) + (uint32_t)nl;
    return s->flash->read(s->flash, off, buf, s->index[i].len) == FC_OK ? FC_OK : FC_ERR_STORAGE;
}

const char *bm_store_name(const bm_store_t *s, uint32_t i)
{
    return i < s->n ? s->index[i].name : NULL;
}

uint32_t bm_store_max_record(const bm_store_t *s)
{
    uint32_t ps = page_size(s);
    uint32_t pages = s->area_size / ps - 1;
    return pages * ps - (uint32_t)sizeof(rec_hdr_t) - (FC_PORT_NAME_MAX - 1);
}
