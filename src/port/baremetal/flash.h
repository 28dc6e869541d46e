/* NOR flash as the record store sees it (store.h): what a board's flash
 * driver must provide (docs/porting.md, "Persistent storage").
 *
 * Semantics the store relies on, and that the emulation enforces:
 *   - erase works on whole sectors and sets every byte to 0xff;
 *   - program writes within ONE page, and only bytes that are erased: a byte
 *     is programmed at most once between two erases (a driver that tries
 *     otherwise gets FC_ERR_STORAGE, which makes such a bug loud);
 *   - a power cut during a program or an erase leaves that page or sector
 *     in an unknown state; every other byte keeps its value.
 * Reads are byte-addressed. All offsets are from the start of the part. */
#ifndef FEMTO_BM_FLASH_H
#define FEMTO_BM_FLASH_H

#include <stddef.h>
#include <stdint.h>

#include "femto/status.h"

typedef struct bm_flash bm_flash_t;
struct bm_flash {
    uint32_t size;        /* bytes, a multiple of sector_size */
    uint32_t page_size;   /* program unit */
    uint32_t sector_size; /* erase unit, a multiple of page_size */
    fc_status_t (*read)(bm_flash_t *f, uint32_t off, void *buf, size_t len);
    fc_status_t (*program)(bm_flash_t *f, uint32_t off, const void *data, size_t len);
    fc_status_t (*erase)(bm_flash_t *f, uint32_t sector_off);
};

/* ---- the emulated part: a host file through semihosting ------------------------- */

#define BM_FLASH_PAGE 256u
#define BM_FLASH_SECTOR 4096u

typedef struct bm_flash_file {
    bm_flash_t flash;
    int fh;
} bm_flash_file_t;

/* Open the host file at path as a flash part of its own length (a multiple
 * of 2 sectors, 16 KiB .. 4 MiB; scripts/qemu-device.sh creates it erased).
 * FC_OK or FC_ERR_STORAGE with *why set. */
fc_status_t bm_flash_file_open(bm_flash_file_t *ff, const char *path, const char **why);

/* ---- fault injection: a power cut after N operations ------------------------------ */

/* Wraps the emulated part: programs and erases pass through and are counted; the
 * operation numbered cut_at (1-based; 0: never) is done only half (the
 * first half of the bytes of a program, the first half of an erased sector)
 * and then on_cut() runs, which does not return (the board prints a line
 * and stops; the test SIGKILLs QEMU: the power cut). */
typedef struct bm_flash_fault {
    bm_flash_t flash;
    bm_flash_file_t *under; /* the file part: a torn erase writes below the flash rules */
    uint32_t ops, cut_at;
    void (*on_cut)(uint32_t op, int erase);
} bm_flash_fault_t;

void bm_flash_fault_init(bm_flash_fault_t *ff, bm_flash_file_t *under, uint32_t cut_at,
                         void (*on_cut)(uint32_t op, int erase));

#endif
