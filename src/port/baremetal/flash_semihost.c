/* The emulated NOR flash of the QEMU boards: a host file reached through
 * semihosting (flash.h states the semantics), and the power-cut layer. */
#include <string.h>

#include "femto/status.h"
#include "flash.h"
#include "semihost.h"

static fc_status_t file_read(bm_flash_t *f, uint32_t off, void *buf, size_t len)
{
    bm_flash_file_t *ff = (bm_flash_file_t *)f;
    if (off > f->size || len > f->size - off)
        return FC_ERR_STORAGE;
    if (bm_sh_seek(ff->fh, off) != 0 || bm_sh_read(ff->fh, buf, len) != len)
        return FC_ERR_STORAGE;
    return FC_OK;
}

static fc_status_t file_program(bm_flash_t *f, uint32_t off, const void *data, size_t len)
{
    bm_flash_file_t *ff = (bm_flash_file_t *)f;
    uint8_t cur[BM_FLASH_PAGE];
    if (len == 0 || len > f->page_size || off % f->page_size + len > f->page_size)
        return FC_ERR_STORAGE; /* one page at a time */
    if (file_read(f, off, cur, len) != FC_OK)
        return FC_ERR_STORAGE;
    for (size_t i = 0; i < len; i++)
        if (cur[i] != 0xff)
            return FC_ERR_STORAGE; /* programming a byte twice without an erase */
    if (bm_sh_seek(ff->fh, off) != 0 || bm_sh_write(ff->fh, data, len) != len)
        return FC_ERR_STORAGE;
    return FC_OK;
}

static fc_status_t file_erase(bm_flash_t *f, uint32_t sector_off)
{
    bm_flash_file_t *ff = (bm_flash_file_t *)f;
    uint8_t ones[BM_FLASH_PAGE];
    if (sector_off % f->sector_size || sector_off >= f->size)
        return FC_ERR_STORAGE;
    memset(ones, 0xff, sizeof ones);
    for (uint32_t p = 0; p < f->sector_size; p += sizeof ones)
        if (bm_sh_seek(ff->fh, sector_off + p) != 0 ||
            bm_sh_write(ff->fh, ones, sizeof ones) != sizeof ones)
            return FC_ERR_STORAGE;
    return FC_OK;
}

fc_status_t bm_flash_file_open(bm_flash_file_t *ff, const char *path, const char **why)
{
    memset(ff, 0, sizeof *ff);
    ff->fh = bm_sh_open(path, BM_SH_UPDATE);
    if (ff->fh < 0) {
        *why = "cannot open the flash file (semihosting)";
        return FC_ERR_STORAGE;
    }
    long len = bm_sh_flen(ff->fh);
    if (len < (long)(4 * BM_FLASH_SECTOR) || len > (4L << 20) || len % (2 * BM_FLASH_SECTOR)) {
        bm_sh_close(ff->fh);
        *why = "flash file size must be a multiple of 8 KiB, 16 KiB .. 4 MiB";
        return FC_ERR_STORAGE;
    }
    ff->flash = (bm_flash_t){.size = (uint32_t)len,
                             .page_size = BM_FLASH_PAGE,
                             .sector_size = BM_FLASH_SECTOR,
                             .read = file_read,
                             .program = file_program,
                             .erase = file_erase};
    return FC_OK;
}

/* ---- power cuts -------------------------------------------------------------------- */

static fc_status_t fault_read(bm_flash_t *f, uint32_t off, void *buf, size_t len)
{
    bm_flash_fault_t *ff = (bm_flash_fault_t *)f;
    return file_read(&ff->under->flash, off, buf, len);
}

static fc_status_t fault_program(bm_flash_t *f, uint32_t off, const void *data, size_t len)
{
    bm_flash_fault_t *ff = (bm_flash_fault_t *)f;
    if (++ff->ops == ff->cut_at) {
        if (len / 2)
            file_program(&ff->under->flash, off, data, len / 2);
        ff->on_cut(ff->ops, 0);
    }
    return file_program(&ff->under->flash, off, data, len);
}

static fc_status_t fault_erase(bm_flash_t *f, uint32_t sector_off)
{
    bm_flash_fault_t *ff = (bm_flash_fault_t *)f;
    if (++ff->ops == ff->cut_at) {
        /* half an erase: the first half of the sector is erased, the rest
         * keeps its old bytes (programming 0xff changes nothing) */
        bm_flash_file_t *file = ff->under;
        uint8_t ones[BM_FLASH_PAGE];
        memset(ones, 0xff, sizeof ones);
        for (uint32_t p = 0; p < f->sector_size / 2; p += sizeof ones)
            if (bm_sh_seek(file->fh, sector_off + p) == 0)
                bm_sh_write(file->fh, ones, sizeof ones);
        ff->on_cut(ff->ops, 1);
    }
    return file_erase(&ff->under->flash, sector_off);
}

void bm_flash_fault_init(bm_flash_fault_t *ff, bm_flash_file_t *under, uint32_t cut_at,
                         void (*on_cut)(uint32_t op, int erase))
{
    memset(ff, 0, sizeof *ff);
    ff->flash = under->flash;
    ff->flash.read = fault_read;
    ff->flash.program = fault_program;
    ff->flash.erase = fault_erase;
    ff->under = under;
    ff->cut_at = cut_at;
    ff->on_cut = on_cut;
}
