/* femto fleet deploy FLEET.txt FILE.suit: push one envelope to many devices
 * at once (one child process per device, at most -j at a time) and print a
 * result table. FLEET.txt: one coap:// URI per line, '#' comments. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "coap_client.h"
#include "commands.h"
#include "fileio.h"

#define USAGE "usage: femto fleet deploy [-j PARALLEL] FLEET.txt FILE.suit\n"
#define MAX_DEVICES 1024

typedef struct device {
    char uri[256];
    pid_t pid;
    int fd; /* read end of the child's result pipe */
    char result[300];
    int code;
} device_t;

static size_t read_fleet(const char *path, device_t *devs, size_t max)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "femto fleet: %s: %s\n", path, strerror(errno));
        return 0;
    }
    char line[512];
    size_t n = 0;
    while (n < max && fgets(line, sizeof line, f)) {
        char *s = line + strspn(line, " \t");
        s[strcspn(s, " \t\r\n#")] = '\0';
        if (*s)
            snprintf(devs[n++].uri, sizeof devs[0].uri, "%s", s);
    }
    fclose(f);
    return n;
}

/* Child: deploy, write "CODE TEXT" to fd, exit. */
static void child(const device_t *d, const char *env, size_t len, int fd)
{
    fc_coap_reply_t r;
    char out[300];
    int n;
    int rc;
    /* a busy device (5.03) is retried after its Max-Age, as femto deploy does */
    for (int attempt = 0;; attempt++) {
        rc = fc_coap_deploy(d->uri, (const uint8_t *)env, len, 60000, &r);
        if (rc != 0 || r.code != 503 || attempt >= 5)
            break;
        int wait_s = r.max_age < 0 ? 60 : r.max_age < 1 ? 1 : r.max_age > 300 ? 300 : r.max_age;
        fc_coap_reply_free(&r);
        sleep((unsigned)wait_s);
    }
    if (rc != 0)
        n = snprintf(out, sizeof out, "0 %s", r.error);
    else
        n = snprintf(out, sizeof out, "%d %s", r.code, r.data ? (char *)r.data : "");
    if (write(fd, out, (size_t)(n < (int)sizeof out ? n : (int)sizeof out - 1)) < 0)
        _exit(3);
    _exit(r.code / 100 == 2 ? 0 : 1);
}

static void collect(device_t *d)
{
    size_t got = 0;
    ssize_t k;
    while (got < sizeof d->result - 1 &&
           (k = read(d->fd, d->result + got, sizeof d->result - 1 - got)) > 0)
        got += (size_t)k;
    d->result[got] = '\0';
    close(d->fd);
    waitpid(d->pid, NULL, 0);
    d->code = atoi(d->result);
}

int fc_cmd_fleet(int argc, char **argv)
{
    int parallel = 32;
    const char *files[2] = {0};
    int nf = 0;
    if (argc < 2 || strcmp(argv[1], "deploy") != 0) {
        fputs(USAGE, stderr);
        return 2;
    }
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "-j") && i + 1 < argc)
            parallel = atoi(argv[++i]);
        else if (nf < 2 && argv[i][0] != '-')
            files[nf++] = argv[i];
        else
            nf = 3;
    if (nf != 2 || parallel < 1) {
        fputs(USAGE, stderr);
        return 2;
    }
    static device_t devs[MAX_DEVICES];
    size_t n = read_fleet(files[0], devs, MAX_DEVICES);
    if (n == 0) {
        fprintf(stderr, "femto fleet: no device URI in %s\n", files[0]);
        return 1;
    }
    char *env = NULL, msg[256];
    size_t len = 0;
    if (fc_read_file(files[1], &env, &len, msg, sizeof msg) != 0) {
        fprintf(stderr, "femto fleet: %s\n", msg);
        return 1;
    }
    fflush(NULL);
    size_t next = 0, done = 0;
    while (done < n) {
        while (next < n && next - done < (size_t)parallel) {
            int p[2];
            device_t *d = &devs[next];
            if (pipe(p) != 0 || (d->pid = fork()) < 0) {
                snprintf(d->result, sizeof d->result, "0 cannot start: %s", strerror(errno));
                d->fd = -1;
            } else if (d->pid == 0) {
                close(p[0]);
                child(d, env, len, p[1]);
            } else {
                close(p[1]);
                d->fd = p[0];
            }
            next++;
        }
        if (devs[done].fd >= 0)
            collect(&devs[done]);
        done++;
    }
    free(env);
    size_t ok = 0;
    printf("%-32s %-6s %s\n", "device", "result", "verdict");
    for (size_t i = 0; i < n; i++) {
        char code[8];
        const char *text = strchr(devs[i].result, ' ');
        int good = devs[i].code / 100 == 2;
        ok += good;
        printf("%-32s %-6s %s\n", devs[i].uri,
               devs[i].code ? fc_coap_code_text(devs[i].code, code) : "error",
               text ? text + 1 : "");
    }
    printf("%zu/%zu devices installed %s\n", ok, n, files[1]);
    return ok == n ? 0 : 1;
}
