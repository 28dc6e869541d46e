/* POSIX port: clock, log, crash-safe file storage, simulated sensors,
 * entropy (see include/femto/port_posix.h). */
#define _GNU_SOURCE
#include "femto/port_posix.h"
#ifdef FC_PORT_POSIX_HAVE_CRYPTO
#include "femto/port_posix_crypto.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../common/fc_sensor_sim.h"

/* ---- clock and log --------------------------------------------------------------- */

static uint64_t posix_now_us(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void posix_log(void *ctx, int level, const char *text, size_t len)
{
    fc_port_posix_t *p = ctx;
    if (level > p->log_level_max)
        return;
    if (!p->log_buf) {
        fprintf(stderr, "%.*s\n", (int)len, text);
        return;
    }
    /* keep one byte for the NUL; drop what does not fit */
    size_t room = p->log_cap - 1 - p->log_len;
    size_t n = len < room ? len : room;
    memcpy(p->log_buf + p->log_len, text, n);
    p->log_len += n;
    if (p->log_len < p->log_cap - 1)
        p->log_buf[p->log_len++] = '\n';
    p->log_buf[p->log_len] = '\0';
}

void fc_port_posix_capture_log(fc_port_posix_t *p, char *buf, size_t cap)
{
    p->log_buf = (buf && cap) ? buf : NULL;
    p->log_cap = p->log_buf ? cap : 0;
    p->log_len = 0;
    if (p->log_buf)
        p->log_buf[0] = '\0';
}

/* ---- storage ----------------------------------------------------------------------------- */

/* Record names: [a-z0-9._/-], no empty, "." or ".." component, no leading '/'. */
static int record_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= FC_PORT_NAME_MAX)
        return 0;
    const char *comp = name;
    for (size_t i = 0; i <= n; i++) {
        char ch = name[i];
        if (ch == '/' || ch == '\0') {
            size_t clen = (size_t)(name + i - comp);
            if (clen == 0 || (clen == 1 && comp[0] == '.') ||
                (clen == 2 && comp[0] == '.' && comp[1] == '.'))
                return 0;
            comp = name + i + 1;
            continue;
        }
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
              ch == '-'))
            return 0;
    }
    return 1;
}

static int record_path(const fc_port_posix_t *p, const char *name, char *out, size_t cap)
{
    if (!record_name_ok(name))
        return -1;
    int n = snprintf(out, cap, "%s/%s", p->state_dir, name);
    return (n < 0 || (size_t)n >= cap) ? -1 : 0;
}

/* mkdir -p of every directory above path (path itself excluded). */
static int make_parents(char *path)
{
    for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        int rc = mkdir(path, 0755);
        *s = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    return 0;
}

static int fsync_parent(const char *path)
{
    char dir[FC_POSIX_PATH_MAX + FC_PORT_NAME_MAX + 8];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static fc_status_t posix_storage_read(void *ctx, const char *name, void *buf, size_t cap,
                                      size_t *len)
{
    char path[FC_POSIX_PATH_MAX + FC_PORT_NAME_MAX + 8];
    if (record_path(ctx, name, path, sizeof path) != 0)
        return FC_ERR_INVALID_ARG;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return errno == ENOENT ? FC_ERR_NOT_FOUND : FC_ERR_STORAGE;
    struct stat st;
    int status = FC_OK;
    if (fstat(fd, &st) != 0) {
        status = FC_ERR_STORAGE;
    } else if ((size_t)st.st_size > cap) {
        *len = (size_t)st.st_size;
        status = FC_ERR_BUFFER;
    } else {
        size_t got = 0;
        while (got < (size_t)st.st_size) {
            ssize_t r = read(fd, (char *)buf + got, (size_t)st.st_size - got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                status = FC_ERR_STORAGE;
                break;
            }
            got += (size_t)r;
        }
        *len = got;
    }
    close(fd);
    return status;
}

/* ---- power cuts in the write path (tests) ----------------------------------------------
 * FC_POSIX_CRASH=bytes:PREFIX:N   SIGKILL as soon as N bytes of records whose
 *                                 name starts with PREFIX have been written
 *                                 (write(2) of the temporary file, here)
 * FC_POSIX_CRASH=step:PREFIX:W:K  SIGKILL after step K of the W-th write of
 *                                 such a record: 1 temporary created, 2 data
 *                                 written, 3 fsync'ed and closed, 4 renamed
 *                                 over the record, 5 directory fsync'ed
 * The kill happens in this code, in the middle of the real sequence. */
/* A decimal number that ends at *end (':' or NUL); -1 if none. */
static long crash_number(const char *s, const char **end)
{
    char *e;
    errno = 0;
    long v = strtol(s, &e, 10);
    if (e == s || errno || v < 0 || (*e != ':' && *e != '\0'))
        return -1;
    *end = e;
    return v;
}

static void crash_config(fc_port_posix_t *p)
{
    const char *s = getenv("FC_POSIX_CRASH");
    p->crash.bytes = -1;
    int bytes = s && !strncmp(s, "bytes:", 6), step = s && !strncmp(s, "step:", 5);
    if (!bytes && !step)
        return;
    const char *prefix = s + (bytes ? 6 : 5), *colon = strchr(prefix, ':'), *end = NULL;
    if (!colon || colon == prefix || (size_t)(colon - prefix) >= sizeof p->crash.prefix)
        return;
    long a = crash_number(colon + 1, &end), b = 0;
    if (a < 0 || (bytes && *end) || (step && *end != ':'))
        return;
    if (step &&
        ((b = crash_number(end + 1, &end)) <= 0 || *end || a == 0 || a > INT32_MAX || b > 5))
        return;
    if (bytes) {
        p->crash.bytes = a;
    } else {
        p->crash.write = (int)a;
        p->crash.step = (int)b;
    }
    memcpy(p->crash.prefix, prefix, (size_t)(colon - prefix));
    p->crash.prefix[colon - prefix] = '\0';
}

static int crash_counts(const fc_port_posix_t *p, const char *name)
{
    return p->crash.prefix[0] && !strncmp(name, p->crash.prefix, strlen(p->crash.prefix));
}

static void crash_step(const fc_port_posix_t *p, const char *name, int step)
{
    if (crash_counts(p, name) && p->crash.writes == p->crash.write && step == p->crash.step)
        raise(SIGKILL);
}

static int write_all(fc_port_posix_t *p, const char *name, int fd, const void *data, size_t len)
{
    size_t done = 0;
    if (crash_counts(p, name) && p->crash.bytes >= 0 && (size_t)p->crash.bytes < len) {
        /* the cut falls inside this record: write up to it, then die */
        len = (size_t)p->crash.bytes;
        p->crash.bytes = 0;
        while (done < len) {
            ssize_t w = write(fd, (const char *)data + done, len - done);
            if (w <= 0)
                break;
            done += (size_t)w;
        }
        raise(SIGKILL);
    }
    if (crash_counts(p, name) && p->crash.bytes >= 0)
        p->crash.bytes -= (long)len;
    while (done < len) {
        ssize_t w = write(fd, (const char *)data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        done += (size_t)w;
    }
    return 0;
}

/* Write temp, fsync, rename over the record, fsync the directory: a crash
 * at any point leaves the old record or the new one. '~' never occurs in
 * record names, so the temporary cannot clash with a record. */
static fc_status_t posix_storage_write(void *ctx, const char *name, const void *data, size_t len)
{
    fc_port_posix_t *p = ctx;
    char path[FC_POSIX_PATH_MAX + FC_PORT_NAME_MAX + 8];
    char tmp[sizeof path + 8];
    if (record_path(p, name, path, sizeof path) != 0)
        return FC_ERR_INVALID_ARG;
    if (p->fail_writes) {
        p->fail_writes--;
        return FC_ERR_STORAGE;
    }
    if (crash_counts(p, name))
        p->crash.writes++;
#ifdef FC_PORT_POSIX_MUTATE_IN_PLACE
    /* MUTATION (tests only): truncate the live record and write it in
     * place. The power-cut tests must catch this (tests/e2e/e2e_crash.sh). */
    snprintf(tmp, sizeof tmp, "%s", path);
#else
    snprintf(tmp, sizeof tmp, "%s~tmp", path);
#endif
    if (make_parents(path) != 0)
        return FC_ERR_STORAGE;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return FC_ERR_STORAGE;
    crash_step(p, name, 1);
    int ok = write_all(p, name, fd, data, len) == 0;
    crash_step(p, name, 2);
    ok = ok && fsync(fd) == 0;
    ok = (close(fd) == 0) && ok;
    crash_step(p, name, 3);
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return FC_ERR_STORAGE;
    }
    crash_step(p, name, 4);
    int st = fsync_parent(path) == 0 ? FC_OK : FC_ERR_STORAGE;
    crash_step(p, name, 5);
    return st;
}

static fc_status_t posix_storage_remove(void *ctx, const char *name)
{
    char path[FC_POSIX_PATH_MAX + FC_PORT_NAME_MAX + 8];
    if (record_path(ctx, name, path, sizeof path) != 0)
        return FC_ERR_INVALID_ARG;
    if (unlink(path) != 0)
        return errno == ENOENT ? FC_ERR_NOT_FOUND : FC_ERR_STORAGE;
    return fsync_parent(path) == 0 ? FC_OK : FC_ERR_STORAGE;
}

/* ---- sensors and entropy ----------------------------------------------------------------------
 */

static fc_status_t posix_sensor_read(void *ctx, uint32_t index, int32_t *value)
{
    fc_port_posix_t *p = ctx;
    if (index >= FC_POSIX_SENSORS)
        return FC_ERR_NOT_FOUND;
    fc_posix_sensor_t *s = &p->sensors[index];
    if (s->fixed) {
        *value = s->fixed_value;
        return FC_OK;
    }
    *value = fc_sensor_sim(index, s->reads++, p->sensor_seed + index);
    return FC_OK;
}

fc_status_t fc_port_posix_set_sensor(fc_port_posix_t *p, uint32_t index, int32_t value)
{
    if (index >= FC_POSIX_SENSORS)
        return FC_ERR_NOT_FOUND;
    p->sensors[index].fixed = 1;
    p->sensors[index].fixed_value = value;
    return FC_OK;
}

void fc_port_posix_set_sensor_seed(fc_port_posix_t *p, uint32_t seed)
{
    p->sensor_seed = seed;
}

static fc_status_t posix_random(void *ctx, void *buf, size_t len)
{
    (void)ctx;
    size_t done = 0;
    while (done < len) {
        ssize_t r = getrandom((char *)buf + done, len - done, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return FC_ERR_CRYPTO;
        done += (size_t)r;
    }
    return FC_OK;
}

/* ---- init -------------------------------------------------------------------------------------
 */

static int mkdir_p(const char *dir)
{
    char path[FC_POSIX_PATH_MAX + 2];
    int n = snprintf(path, sizeof path, "%s/", dir);
    if (n < 0 || (size_t)n >= sizeof path)
        return -1;
    return make_parents(path);
}

fc_status_t fc_port_posix_init(fc_port_posix_t *p, const char *state_dir)
{
    if (!p || !state_dir)
        return FC_ERR_INVALID_ARG;
    memset(p, 0, sizeof *p);
    size_t n = strlen(state_dir);
    if (n == 0 || n >= sizeof p->state_dir) {
        errno = ENAMETOOLONG;
        return FC_ERR_INVALID_ARG;
    }
    memcpy(p->state_dir, state_dir, n + 1);
    if (mkdir_p(p->state_dir) != 0)
        return FC_ERR_STORAGE;
    crash_config(p);
    p->log_level_max = FC_LOG_DEBUG;
    p->port = (fc_port_t){
        .ctx = p,
        .now_us = posix_now_us,
        .log = posix_log,
        .storage_read = posix_storage_read,
        .storage_write = posix_storage_write,
        .storage_remove = posix_storage_remove,
        .sensor_read = posix_sensor_read,
        .random = posix_random,
    };
#ifdef FC_PORT_POSIX_HAVE_CRYPTO
    fc_port_posix_crypto(&p->port);
#endif
    return FC_OK;
}
