/* POSIX port: crash-safe storage, record-name checks, simulated sensors,
 * log capture, entropy. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>

#include "femto/port_posix.h"

typedef struct port_state {
    fc_port_posix_t p;
    char dir[64];
} port_state_t;

static int setup(void **state)
{
    port_state_t *s = calloc(1, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "/tmp/fc-port-test-XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    assert_int_equal(fc_port_posix_init(&s->p, s->dir), FC_OK);
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    port_state_t *s = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
    assert_int_equal(system(cmd), 0);
    free(s);
    return 0;
}

static int st_write(port_state_t *s, const char *name, const char *text)
{
    return s->p.port.storage_write(s->p.port.ctx, name, text, strlen(text));
}

static int st_read(port_state_t *s, const char *name, char *buf, size_t cap, size_t *len)
{
    return s->p.port.storage_read(s->p.port.ctx, name, buf, cap, len);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_storage_round_trip(void **state)
{
    port_state_t *s = *state;
    char buf[32];
    size_t len = 0;
    assert_int_equal(st_read(s, "kv/t/1", buf, sizeof buf, &len), FC_ERR_NOT_FOUND);
    assert_int_equal(st_write(s, "kv/t/1", "first"), FC_OK);
    assert_int_equal(st_write(s, "kv/t/1", "second value"), FC_OK);
    assert_int_equal(st_read(s, "kv/t/1", buf, sizeof buf, &len), FC_OK);
    assert_int_equal(len, 12);
    assert_memory_equal(buf, "second value", 12);
    assert_int_equal(st_read(s, "kv/t/1", buf, 4, &len), FC_ERR_BUFFER);
    assert_int_equal(len, 12); /* the size needed */
    /* no temporary file is left behind */
    char sub[128];
    snprintf(sub, sizeof sub, "%s/kv/t", s->dir);
    assert_int_equal(count_entries(sub), 1);
    assert_int_equal(s->p.port.storage_remove(s->p.port.ctx, "kv/t/1"), FC_OK);
    assert_int_equal(s->p.port.storage_remove(s->p.port.ctx, "kv/t/1"), FC_ERR_NOT_FOUND);
    assert_int_equal(st_read(s, "kv/t/1", buf, sizeof buf, &len), FC_ERR_NOT_FOUND);
}

/* A crash between writing the temporary file and the rename leaves the
 * temporary behind: the record still reads as the old one, and the next
 * write succeeds over it. */
static void test_crash_leftover_is_harmless(void **state)
{
    port_state_t *s = *state;
    assert_int_equal(st_write(s, "seq/3", "old"), FC_OK);
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%s/seq/3~tmp", s->dir);
    FILE *f = fopen(tmp, "wb");
    assert_non_null(f);
    fputs("half-writ", f);
    fclose(f);
    char buf[16];
    size_t len;
    assert_int_equal(st_read(s, "seq/3", buf, sizeof buf, &len), FC_OK);
    assert_int_equal(len, 3);
    assert_memory_equal(buf, "old", 3);
    assert_int_equal(st_write(s, "seq/3", "new"), FC_OK);
    assert_int_equal(st_read(s, "seq/3", buf, sizeof buf, &len), FC_OK);
    assert_memory_equal(buf, "new", 3);
    assert_int_equal(access(tmp, F_OK), -1);
}

static void test_record_names_checked(void **state)
{
    port_state_t *s = *state;
    static const char *const bad[] = {"",
                                      "/etc/passwd",
                                      "../escape",
                                      "a/../../b",
                                      "a//b",
                                      "Upper",
                                      "sp ace",
                                      "a/./b",
                                      "tilde~tmp",
                                      "a/",
                                      "0123456789012345678901234567890123456789012345678"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(st_write(s, bad[i], "x"), FC_ERR_INVALID_ARG);
        char buf[4];
        size_t len;
        assert_int_equal(st_read(s, bad[i], buf, sizeof buf, &len), FC_ERR_INVALID_ARG);
    }
    assert_int_equal(st_write(s, "slot/7/image.v2_a-b", "x"), FC_OK);
}

static void test_injected_write_failure(void **state)
{
    port_state_t *s = *state;
    assert_int_equal(st_write(s, "r", "old"), FC_OK);
    s->p.fail_writes = 1;
    assert_int_equal(st_write(s, "r", "new"), FC_ERR_STORAGE);
    char buf[8];
    size_t len;
    assert_int_equal(st_read(s, "r", buf, sizeof buf, &len), FC_OK);
    assert_memory_equal(buf, "old", 3);
}

static void test_sensors_deterministic(void **state)
{
    port_state_t *s = *state;
    int32_t v;
    /* sensor 1, seed 0: phase 1 -> 21100, 21200, ... up to 22000 then down */
    int32_t expect[] = {21100, 21200, 21300, 21400, 21500, 21600,
                        21700, 21800, 21900, 22000, 21900, 21800};
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        assert_int_equal(s->p.port.sensor_read(s->p.port.ctx, 1, &v), FC_OK);
        assert_int_equal(v, expect[i]);
    }
    fc_port_posix_set_sensor(&s->p, 1, -5);
    assert_int_equal(s->p.port.sensor_read(s->p.port.ctx, 1, &v), FC_OK);
    assert_int_equal(v, -5);
    assert_int_equal(s->p.port.sensor_read(s->p.port.ctx, FC_POSIX_SENSORS, &v), FC_ERR_NOT_FOUND);
}

static void test_log_capture_and_random(void **state)
{
    port_state_t *s = *state;
    char cap[12];
    fc_port_posix_capture_log(&s->p, cap, sizeof cap);
    s->p.port.log(s->p.port.ctx, FC_LOG_INFO, "hello", 5);
    s->p.port.log(s->p.port.ctx, FC_LOG_INFO, "world!!", 7);
    assert_string_equal(cap, "hello\nworld"); /* bounded, NUL-terminated */
    uint8_t a[32] = {0}, b[32] = {0};
    assert_int_equal(s->p.port.random(s->p.port.ctx, a, sizeof a), FC_OK);
    assert_int_equal(s->p.port.random(s->p.port.ctx, b, sizeof b), FC_OK);
    assert_memory_not_equal(a, b, sizeof a);
    assert_true(s->p.port.now_us(s->p.port.ctx) <= s->p.port.now_us(s->p.port.ctx));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_storage_round_trip),    T(test_crash_leftover_is_harmless),
        T(test_record_names_checked),  T(test_injected_write_failure),
        T(test_sensors_deterministic), T(test_log_capture_and_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
