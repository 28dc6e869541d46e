/* The device's platform on POSIX (platform_posix.h). */
#define _GNU_SOURCE
#include "platform_posix.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- listing: the files of a folder of the state directory ------------------------ */

static int posix_list(void *ctx, const char *dir, fd_list_fn fn, void *arg)
{
    fd_posix_t *p = ctx;
    char path[FC_POSIX_PATH_MAX + FC_PORT_NAME_MAX + 8];
    snprintf(path, sizeof path, "%s/%s", p->port.state_dir, dir);
    DIR *dp = opendir(path);
    if (!dp)
        return errno == ENOENT ? FC_OK : FC_ERR_STORAGE;
    struct dirent *e;
    while ((e = readdir(dp))) {
        char file[sizeof path + 300];
        struct stat st;
        snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        if (stat(file, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (strstr(e->d_name, "~tmp")) { /* a write the port did not finish: not a record */
            unlink(file);
            continue;
        }
        fn(arg, e->d_name, (size_t)st.st_size);
    }
    closedir(dp);
    return FC_OK;
}

/* ---- kill points (tests) ----------------------------------------------------------- */

static void posix_kill_point(void *ctx, int step, int write_no, const char *name, const void *data,
                             size_t len)
{
    fd_posix_t *p = ctx;
    if (step && step == p->crash_step)
        raise(SIGKILL);
    if (!write_no || write_no != p->crash_write)
        return;
    char path[FC_POSIX_PATH_MAX + FC_PORT_NAME_MAX + 16];
    snprintf(path, sizeof path, "%s/%s~tmp", p->port.state_dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        size_t n = (size_t)p->crash_bytes < len ? (size_t)p->crash_bytes : len;
        if (write(fd, data, n) < 0)
            n = 0;
        fsync(fd);
    }
    raise(SIGKILL);
}

int fd_posix_init(fd_posix_t *p, const char *state_dir, char *msg, size_t cap)
{
    memset(p, 0, sizeof *p);
    if (fc_port_posix_init(&p->port, state_dir) != FC_OK) {
        snprintf(msg, cap, "state directory %s: %s", state_dir, strerror(errno));
        return -1;
    }
    if (!p->port.port.sha256 || !p->port.port.ed25519_verify) {
        snprintf(msg, cap, "the POSIX port was built without crypto");
        return -1;
    }
    p->crash_step = p->crash_write = -1;
    const char *s = getenv("FEMTOD_CRASH_STEP");
    if (s)
        p->crash_step = atoi(s);
    s = getenv("FEMTOD_CRASH_WRITE");
    if (s && sscanf(s, "%d:%ld", &p->crash_write, &p->crash_bytes) != 2)
        p->crash_write = -1;
    p->plat = (fd_platform_t){
        .ctx = p, .port = &p->port.port, .list = posix_list, .kill_point = posix_kill_point};
    return 0;
}

/* ---- the configuration file -------------------------------------------------------- */

static int read_file(void *ctx, const char *path, uint8_t *buf, size_t cap, size_t *len, char *why,
                     size_t why_cap)
{
    (void)ctx;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, why_cap, "%s", strerror(errno));
        return -1;
    }
    *len = fread(buf, 1, cap, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(why, why_cap, "read error");
        return -1;
    }
    return 0;
}

int fd_config_load(fd_config_t *cfg, const char *path, char *msg, size_t msg_cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(msg, msg_cap, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (len == cap) {
            char *more = cap < (1u << 20) ? realloc(text, cap ? 2 * cap : 4096) : NULL;
            if (!more) {
                snprintf(msg, msg_cap, "%s: larger than 1 MiB, or out of memory", path);
                rc = -1;
                break;
            }
            text = more;
            cap = cap ? 2 * cap : 4096;
        }
        size_t n = fread(text + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    if (rc == 0 && ferror(f)) {
        snprintf(msg, msg_cap, "%s: read error", path);
        rc = -1;
    }
    fclose(f);
    if (rc == 0)
        rc = fd_config_parse(cfg, path, text, len, read_file, NULL, msg, msg_cap);
    free(text);
    return rc;
}
