/* What femtod's device and configuration code (apps/device/device.c,
 * config.c, compiled unchanged) needs from an OS, on the bare-metal board:
 *   - fc_port_posix_init(): the bare-metal port with its records in the
 *     flash store (the "state directory" is the store);
 *   - opendir/readdir/stat/unlink over the store's record names (device.c
 *     lists a slot's records at restart to drop leftovers of a cut install,
 *     and sums a tenant's records);
 *   - open/read/close for "flash:NAME": the configuration is parsed from
 *     the store's "config" record, provisioned at first boot;
 *   - raise(SIGKILL) (femtod's FEMTOD_CRASH_STEP kill points): the board
 *     prints a power-cut line and stops, and the test SIGKILLs QEMU;
 *   - the stdio streams picolibc wants defined (the console).
 * See glue/femto/port_posix.h and glue/dirent.h. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "bm.h"
#include "femto/port_posix.h"
#include "femtod_glue.h"
#include "dirent.h"
#include "store.h"

static bm_store_t *glue_store;

void fc_glue_set_store(bm_store_t *store)
{
    glue_store = store;
}

/* ---- the port: ctx is the fc_port_posix_t, as device.c expects -------------------- */

static fc_port_t *inner(void *ctx)
{
    return &((fc_port_posix_t *)ctx)->inner;
}

static uint64_t g_now_us(void *ctx)
{
    return inner(ctx)->now_us(inner(ctx)->ctx);
}

static void g_log(void *ctx, int level, const char *text, size_t len)
{
    inner(ctx)->log(inner(ctx)->ctx, level, text, len);
}

static int g_read(void *ctx, const char *name, void *buf, size_t cap, size_t *len)
{
    return inner(ctx)->storage_read(inner(ctx)->ctx, name, buf, cap, len);
}

static int g_write(void *ctx, const char *name, const void *data, size_t len)
{
    return inner(ctx)->storage_write(inner(ctx)->ctx, name, data, len);
}

static int g_remove(void *ctx, const char *name)
{
    return inner(ctx)->storage_remove(inner(ctx)->ctx, name);
}

/* QEMU's AN386 has no sensors: FC_GLUE_SENSORS simulated ones, the POSIX
 * port's waveform (include/femto/port_posix.h): the n-th read of sensor i
 * is 20000 + 1000 i + 100 tri((n + i) mod 20), milli-degrees. */
static int g_sensor(void *ctx, uint32_t index, int32_t *value)
{
    fc_port_posix_t *p = ctx;
    if (index >= FC_GLUE_SENSORS) {
        return FC_ERR_NOT_FOUND;
    }
    uint32_t k = (p->sensor_reads[index]++ + index % 20u) % 20u;
    int32_t tri = (int32_t)(k <= 10 ? k : 20 - k);
    *value = 20000 + 1000 * (int32_t)index + 100 * tri;
    return FC_OK;
}

static int g_random(void *ctx, void *buf, size_t len)
{
    return inner(ctx)->random(inner(ctx)->ctx, buf, len);
}

static int g_sha256(void *ctx, const void *data, size_t len, uint8_t out[32])
{
    return inner(ctx)->sha256(inner(ctx)->ctx, data, len, out);
}

static int g_ed25519(void *ctx, const uint8_t sig[64], const void *msg, size_t len,
                     const uint8_t key[32])
{
    return inner(ctx)->ed25519_verify(inner(ctx)->ctx, sig, msg, len, key);
}

int fc_port_posix_init(fc_port_posix_t *p, const char *state_dir)
{
    memset(p, 0, sizeof *p);
    if (!glue_store || strlen(state_dir) >= sizeof p->state_dir) {
        errno = ENODEV;
        return -1;
    }
    strcpy(p->state_dir, state_dir);
    bm_port_init(&p->inner, &p->bm, 1000u); /* the boards tick at 1 kHz */
    bm_port_use_store(&p->inner, glue_store);
    bm_port_use_sodium(&p->inner);
    p->port = (fc_port_t){.ctx = p,
                          .now_us = g_now_us,
                          .log = g_log,
                          .storage_read = g_read,
                          .storage_write = g_write,
                          .storage_remove = g_remove,
                          .sensor_read = g_sensor,
                          .random = g_random,
                          .sha256 = p->inner.sha256 ? g_sha256 : NULL,
                          .ed25519_verify = p->inner.ed25519_verify ? g_ed25519 : NULL};
    return 0;
}

/* ---- records as files: "STATE_DIR/NAME" -> record NAME ------------------------------ */

static const char *record_of(const char *path)
{
    const char *slash = strchr(path, '/');
    return slash ? slash + 1 : NULL;
}

DIR *opendir(const char *path)
{
    static DIR dir; /* device.c opens one directory at a time */
    const char *prefix = record_of(path);
    if (!glue_store || !prefix) {
        return NULL;
    }
    size_t pl = strlen(prefix);
    memset(&dir, 0, sizeof dir);
    /* a snapshot: device.c removes records while it iterates */
    for (uint32_t i = 0; i < glue_store->n && dir.n < FC_GLUE_DIR_MAX; i++) {
        const char *name = bm_store_name(glue_store, i);
        if (strncmp(name, prefix, pl) == 0 && name[pl] == '/' && !strchr(name + pl + 1, '/')) {
            strcpy(dir.entries[dir.n++].d_name, name + pl + 1);
        }
    }
    return &dir;
}

struct dirent *readdir(DIR *dir)
{
    return dir->next < dir->n ? &dir->entries[dir->next++] : NULL;
}

int closedir(DIR *dir)
{
    (void)dir;
    return 0;
}

/* A record is a regular file of its length; a name prefix of records a
 * directory (femtod sums what a tenant's records take). */
int stat(const char *path, struct stat *st)
{
    const char *name = record_of(path);
    size_t len = 0;
    uint8_t probe[1];
    memset(st, 0, sizeof *st);
    if (!glue_store || !name) {
        errno = ENOENT;
        return -1;
    }
    int r = bm_store_read(glue_store, name, probe, 0, &len);
    if (r == FC_OK || r == FC_ERR_BUFFER) {
        st->st_mode = S_IFREG | 0644;
        st->st_size = (off_t)len;
        return 0;
    }
    size_t nl = strlen(name);
    for (uint32_t i = 0; i < glue_store->n; i++) {
        const char *rec = bm_store_name(glue_store, i);
        if (strncmp(rec, name, nl) == 0 && rec[nl] == '/') {
            st->st_mode = S_IFDIR | 0755;
            return 0;
        }
    }
    errno = ENOENT;
    return -1;
}

int unlink(const char *path)
{
    const char *name = record_of(path);
    if (!glue_store || !name || bm_store_remove(glue_store, name) != FC_OK) {
        errno = ENOENT;
        return -1;
    }
    return 0;
}

/* ---- "flash:NAME": one record opened for reading ------------------------------------ */

static struct {
    int open;
    size_t len, pos;
    char data[FC_GLUE_FILE_MAX];
} rfile;

char *fc_glue_file_buffer(void)
{
    return rfile.open ? NULL : rfile.data;
}

int open(const char *path, int flags, ...)
{
    size_t len = 0;
    if (strncmp(path, "flash:", 6) != 0 || (flags & 3) != 0 || rfile.open || !glue_store ||
        bm_store_read(glue_store, path + 6, rfile.data, sizeof rfile.data, &len) != FC_OK) {
        errno = ENOENT;
        return -1;
    }
    rfile.open = 1;
    rfile.len = len;
    rfile.pos = 0;
    return 3;
}

ssize_t read(int fd, void *buf, size_t n)
{
    if (fd != 3 || !rfile.open) {
        errno = EBADF;
        return -1;
    }
    size_t left = rfile.len - rfile.pos;
    n = n < left ? n : left;
    memcpy(buf, rfile.data + rfile.pos, n);
    rfile.pos += n;
    return (ssize_t)n;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    (void)fd, (void)buf, (void)n;
    errno = EBADF;
    return -1;
}

off_t lseek(int fd, off_t off, int whence)
{
    (void)fd, (void)off, (void)whence;
    errno = ESPIPE;
    return -1;
}

int close(int fd)
{
    if (fd == 3) {
        rfile.open = 0;
    }
    return 0;
}

int fsync(int fd)
{
    (void)fd;
    return 0;
}

/* ---- kill points and exit ----------------------------------------------------------- */

int raise(int sig)
{
    bm_printf("femto device: power cut (signal %d at a kill point)\n", sig);
    fc_glue_power_cut_halt();
}

void _exit(int status)
{
    bm_exit(status);
}

/* ---- stdio on the console --------------------------------------------------------- */

static int console_put(char c, FILE *f)
{
    (void)f;
    bm_putc(c);
    return (unsigned char)c;
}

static FILE console = FDEV_SETUP_STREAM(console_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdin = &console;
FILE *const stdout = &console;
FILE *const stderr = &console;
