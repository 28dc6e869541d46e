/* A crash-safe record store on NOR flash (flash.h): the port's storage_*
 * entries (include/femto/port.h: whole records, a read after a power cut
 * returns the old record or the new one, never a mix) on a part that can
 * only erase sectors and program erased bytes.
 *
 * Layout: the part is two equal AREAS; one is active. An area starts with a
 * one-page header {magic, generation} and then holds a log of records, each
 * starting on a page boundary: a 24-byte header {magic, kind (put or
 * delete), name length, data length, CRC-32 of name and data, CRC-32 of the
 * header}, the name, the data. A write appends a record; the record is live
 * once its last page is programmed (its CRC matches), so a cut in the
 * middle leaves the previous record of that name live. A removal appends a
 * delete record. When the active area is full, every live record is copied
 * page by page into the other area (erased first), and only then is that
 * area's header programmed with generation + 1: a cut during compaction
 * leaves the old area active. At mount the valid header with the higher
 * generation wins, and the log is replayed into a RAM index (name -> offset).
 *
 * Costs: RAM = the index (BM_STORE_MAX_RECORDS entries) + one page buffer;
 * flash = twice the live data; a small record takes a whole page. */
#ifndef FEMTO_BM_STORE_H
#define FEMTO_BM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "femto/port.h"
#include "flash.h"

#ifndef BM_STORE_MAX_RECORDS
#define BM_STORE_MAX_RECORDS 64
#endif

typedef struct bm_store_entry {
    char name[FC_PORT_NAME_MAX];
    uint32_t off; /* record start, from the start of the part */
    uint32_t len; /* data bytes */
} bm_store_entry_t;

typedef struct bm_store {
    bm_flash_t *flash;
    uint32_t area_size;
    uint32_t active;            /* 0 or 1 */
    uint32_t gen;               /* generation of the active area */
    uint32_t append;            /* next free page of the active area (offset in the part) */
    uint32_t n;                 /* entries used */
    uint32_t compactions, torn; /* counters: compactions done, torn records seen at mount */
    bm_store_entry_t index[BM_STORE_MAX_RECORDS];
    uint8_t page[BM_FLASH_PAGE];
} bm_store_t;

/* Mount the store on flash (formatting an erased or unreadable part).
 * FC_OK, or FC_ERR_STORAGE. */
fc_status_t bm_store_mount(bm_store_t *s, bm_flash_t *flash);

fc_status_t bm_store_read(bm_store_t *s, const char *name, void *buf, size_t cap, size_t *len);
fc_status_t bm_store_write(bm_store_t *s, const char *name, const void *data, size_t len);
fc_status_t bm_store_remove(bm_store_t *s, const char *name);

/* The i-th live record's name (0 <= i < s->n), for listings. */
const char *bm_store_name(const bm_store_t *s, uint32_t i);

/* Largest record the store can hold (an empty area's room). */
uint32_t bm_store_max_record(const bm_store_t *s);

#endif
