/* femto run app.fc [--entry NAME] [--hook NAME] [--ctx-hex HEX | --ctx FILE]
 *                  [--coap 'METHOD /app/NAME/PATH[?QUERY]' [--payload TEXT|@FILE]]
 *                  [--budget N] [--kv DIR] [--sensor I=V] [--seed N] [--trace]
 *
 * --coap builds the coap hook's context from a request line as femtod
 * does (apps/device/server.c): method, path as the Uri-Path options joined
 * by '/' without the leading '/' ("app/x/temp"; the query is not part of
 * it), payload, content format none (0xffff) or 0 with a payload; and
 * prints the answer as femtod sends it. With --hook sensor, the first
 * --sensor I=V is the sample (sensor I, value V).
 *
 * Run a container in the host engine (POSIX port, the standard helpers),
 * as a device would: one tenant allowed every helper and hook, the
 * container installed, then either called directly (default; the context
 * is granted read-write) or run by firing a standard hook (--hook timer,
 * boot, sensor, coap, packet; the context gets the hook's permission and a
 * short context is zero-padded to the hook's size). Key-value data lives in
 * --kv DIR (kept) or in a temporary directory (removed).
 *
 * Prints every logged line as "log: ...", then r0 (or the hook's combined
 * result and a CoAP response), the instructions executed and any fault
 * (kind, instruction index, address, size, reason). --trace prints each
 * executed instruction, disassembled, with the registers it changed.
 * Exit status: 0 ran, 1 faulted or refused, 2 usage. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "disasm.h"
#include "femto/engine.h"
#include "femto/port_posix.h"
#include "fileio.h"
#include "image_tool.h"

#define RUN_TENANT 1u
#define RUN_CTX_MAX 4096

typedef struct run_opts {
    const char *image;
    const char *entry;
    const char *hook;
    const char *ctx_hex;
    const char *ctx_file;
    const char *kv_dir;
    const char *coap;    /* "GET /app/x/temp?unit=c" */
    const char *payload; /* TEXT or @FILE */
    uint32_t budget;
    int trace;
    uint32_t seed;
    uint32_t tick, boot_count; /* timer and boot contexts (--tick, --boot-count) */
    int n_sensors;
    uint32_t sensor_index[FC_POSIX_SENSORS];
    int32_t sensor_value[FC_POSIX_SENSORS];
} run_opts_t;

static int usage(void)
{
    fprintf(stderr, "usage: femto run app.fc [--entry NAME] [--hook NAME] "
                    "[--coap 'METHOD /app/NAME/PATH[?QUERY]'] [--payload TEXT|@FILE] "
                    "[--ctx-hex HEX | --ctx FILE] [--budget N] [--kv DIR] [--sensor I=V] "
                    "[--tick N] [--boot-count N] [--seed N] [--trace]\n"
                    "hooks: timer boot sensor coap packet (femto run --help)\n");
    return 2;
}

static int parse_u32(const char *s, uint32_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (!*s || *end || errno || x > UINT32_MAX)
        return -1;
    *v = (uint32_t)x;
    return 0;
}

static int parse_sensor(run_opts_t *o, const char *s)
{
    char *end;
    errno = 0;
    unsigned long i = strtoul(s, &end, 0);
    if (end == s || *end != '=' || i >= FC_POSIX_SENSORS || o->n_sensors >= FC_POSIX_SENSORS)
        return -1;
    const char *v = end + 1;
    long val = strtol(v, &end, 0);
    if (!*v || *end || errno || val < INT32_MIN || val > INT32_MAX)
        return -1;
    o->sensor_index[o->n_sensors] = (uint32_t)i;
    o->sensor_value[o->n_sensors++] = (int32_t)val;
    return 0;
}

static int parse_args(int argc, char **argv, run_opts_t *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        if (strcmp(a, "--trace") == 0) {
            o->trace = 1;
            takes = 0;
        } else if (!next && a[0] == '-' && a[1]) {
            fprintf(stderr, "femto run: %s needs a value\n", a);
            return -1;
        } else if (strcmp(a, "--entry") == 0) {
            o->entry = next;
        } else if (strcmp(a, "--hook") == 0) {
            o->hook = next;
        } else if (strcmp(a, "--ctx-hex") == 0) {
            o->ctx_hex = next;
        } else if (strcmp(a, "--ctx") == 0) {
            o->ctx_file = next;
        } else if (strcmp(a, "--kv") == 0) {
            o->kv_dir = next;
        } else if (strcmp(a, "--coap") == 0) {
            o->coap = next;
        } else if (strcmp(a, "--payload") == 0) {
            o->payload = next;
        } else if (strcmp(a, "--budget") == 0) {
            if (parse_u32(next, &o->budget) != 0 || o->budget == 0) {
                fprintf(stderr, "femto run: --budget wants a positive 32-bit count\n");
                return -1;
            }
        } else if (strcmp(a, "--tick") == 0) {
            if (parse_u32(next, &o->tick) != 0) {
                fprintf(stderr, "femto run: --tick wants a 32-bit count\n");
                return -1;
            }
        } else if (strcmp(a, "--boot-count") == 0) {
            if (parse_u32(next, &o->boot_count) != 0) {
                fprintf(stderr, "femto run: --boot-count wants a 32-bit count\n");
                return -1;
            }
        } else if (strcmp(a, "--seed") == 0) {
            if (parse_u32(next, &o->seed) != 0) {
                fprintf(stderr, "femto run: --seed wants a 32-bit number\n");
                return -1;
            }
        } else if (strcmp(a, "--sensor") == 0) {
            if (parse_sensor(o, next) != 0) {
                fprintf(stderr, "femto run: --sensor wants I=V with I < %d\n", FC_POSIX_SENSORS);
                return -1;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "femto run: unknown option %s\n", a);
            return -1;
        } else if (!o->image) {
            o->image = a;
            takes = 0;
        } else {
            fprintf(stderr, "femto run: one image only\n");
            return -1;
        }
        i += takes;
    }
    if (!o->image || (o->ctx_hex && o->ctx_file))
        return -1;
    if (o->coap && (o->ctx_hex || o->ctx_file || (o->hook && strcmp(o->hook, "coap")))) {
        fprintf(stderr, "femto run: --coap builds the coap hook's context: no --ctx, --ctx-hex "
                        "or other --hook with it\n");
        return -1;
    }
    if (o->payload && !o->coap) {
        fprintf(stderr, "femto run: --payload goes with --coap\n");
        return -1;
    }
    if (o->coap)
        o->hook = "coap";
    return 0;
}

/* ---- contexts from plain options ----------------------------------------------------- */

static const char *const coap_methods[] = {"", "GET", "POST", "PUT", "DELETE"};

/* "GET /app/x/temp?unit=c" into the context femtod would build. */
static int coap_ctx(const run_opts_t *o, fc_hook_coap_ctx_t *c)
{
    memset(c, 0, sizeof *c);
    const char *sp = strchr(o->coap, ' ');
    for (unsigned m = 1; sp && m <= 4; m++)
        if ((size_t)(sp - o->coap) == strlen(coap_methods[m]) &&
            strncasecmp(o->coap, coap_methods[m], strlen(coap_methods[m])) == 0)
            c->method = (uint8_t)m;
    if (!c->method) {
        fprintf(stderr, "femto run: --coap wants 'METHOD /PATH', METHOD one of GET POST PUT "
                        "DELETE, e.g. 'GET /app/sensor/temp?unit=c'\n");
        return -1;
    }
    const char *path = sp + 1;
    while (*path == '/') /* Uri-Path options carry no leading '/' */
        path++;
    size_t n = strcspn(path, "?");
    if (n > FC_COAP_PATH_MAX) {
        fprintf(stderr,
                "femto run: path of %zu bytes; femtod answers 4.14 over %d "
                "(FC_COAP_PATH_MAX)\n",
                n, FC_COAP_PATH_MAX);
        return -1;
    }
    memcpy(c->path, path, n);
    c->path_len = (uint16_t)n;
    c->content_format = 0xffff;
    if (!o->payload)
        return 0;
    char *data = NULL, err[256];
    size_t len = strlen(o->payload);
    if (o->payload[0] == '@') {
        if (fc_read_file(o->payload + 1, &data, &len, err, sizeof err) != 0) {
            fprintf(stderr, "femto run: --payload %s\n", err);
            return -1;
        }
    }
    if (len > FC_COAP_PAYLOAD_MAX) {
        fprintf(stderr,
                "femto run: payload of %zu bytes; femtod answers 4.13 over %d "
                "(FC_COAP_PAYLOAD_MAX)\n",
                len, FC_COAP_PAYLOAD_MAX);
        free(data);
        return -1;
    }
    memcpy(c->payload, data ? data : o->payload, len);
    c->payload_len = (uint16_t)len;
    c->content_format = 0; /* text/plain, as femto call -d sends it */
    free(data);
    return 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The context bytes from --coap, --hook sensor with --sensor, --ctx-hex or
 * --ctx (none: empty). */
static int load_ctx(const run_opts_t *o, uint8_t *ctx, size_t *len)
{
    *len = 0;
    if (o->coap) {
        if (coap_ctx(o, (fc_hook_coap_ctx_t *)ctx) != 0)
            return -1;
        *len = sizeof(fc_hook_coap_ctx_t);
    } else if (o->hook && !strcmp(o->hook, "sensor") && o->n_sensors && !o->ctx_file &&
               !o->ctx_hex) {
        fc_hook_sensor_ctx_t sc = {.sensor = o->sensor_index[0], .value = o->sensor_value[0]};
        memcpy(ctx, &sc, sizeof sc);
        *len = sizeof sc;
    } else if (o->hook && !strcmp(o->hook, "timer") && !o->ctx_file && !o->ctx_hex) {
        /* as femtod fires it: tick counts from 0, period 1000 ms */
        fc_hook_timer_ctx_t tc = {
            .now_us = (uint64_t)o->tick * 1000000u, .tick = o->tick, .period_ms = 1000};
        memcpy(ctx, &tc, sizeof tc);
        *len = sizeof tc;
    } else if (o->hook && !strcmp(o->hook, "boot") && !o->ctx_file && !o->ctx_hex) {
        fc_hook_boot_ctx_t bc = {.boot_count = o->boot_count ? o->boot_count : 1};
        memcpy(ctx, &bc, sizeof bc);
        *len = sizeof bc;
    } else if (o->ctx_hex) {
        size_t n = strlen(o->ctx_hex);
        if (n % 2 || n / 2 > RUN_CTX_MAX) {
            fprintf(stderr,
                    "femto run: --ctx-hex wants an even number of hex digits (at most "
                    "%d bytes)\n",
                    RUN_CTX_MAX);
            return -1;
        }
        for (size_t i = 0; i < n / 2; i++) {
            int hi = hex_digit(o->ctx_hex[2 * i]), lo = hex_digit(o->ctx_hex[2 * i + 1]);
            if (hi < 0 || lo < 0) {
                fprintf(stderr, "femto run: --ctx-hex: '%.2s' is not a hex byte\n",
                        o->ctx_hex + 2 * i);
                return -1;
            }
            ctx[i] = (uint8_t)(hi << 4 | lo);
        }
        *len = n / 2;
    } else if (o->ctx_file) {
        char *data;
        size_t n;
        char err[256];
        if (fc_read_file(o->ctx_file, &data, &n, err, sizeof err) != 0) {
            fprintf(stderr, "femto run: %s\n", err);
            return -1;
        }
        if (n > RUN_CTX_MAX) {
            fprintf(stderr, "femto run: %s: context larger than %d bytes\n", o->ctx_file,
                    RUN_CTX_MAX);
            free(data);
            return -1;
        }
        memcpy(ctx, data, n);
        *len = n;
        free(data);
    }
    return 0;
}

/* ---- output -------------------------------------------------------------------------- */

static void log_to_stdout(void *ctx, int level, const char *text, size_t len)
{
    (void)ctx;
    (void)level;
    printf("log: %.*s\n", (int)len, text);
    fflush(stdout);
}

static void trace_insn(const fc_vm_t *vm, const fc_trace_event_t *ev)
{
    char text[96];
    fc_disasm_insn(vm->prog->text, vm->prog->len, ev->pc, text, sizeof text);
    char changed[FC_NREGS * 24 + 1] = "";
    size_t n = 0;
    for (int r = 0; r < FC_NREGS; r++)
        if (ev->before[r] != ev->after[r])
            n += (size_t)snprintf(changed + n, sizeof changed - n, " r%d=0x%llx", r,
                                  (unsigned long long)ev->after[r]);
    if (n)
        printf("trace: %5u  %-32s%s\n", ev->pc, text, changed);
    else
        printf("trace: %5u  %s\n", ev->pc, text);
}

static void print_fault(const fc_error_t *f)
{
    printf("fault: %s (%s) at instruction %lu", fc_status_name(f->code), fc_status_text(f->code),
           f->where);
    if (f->code == FC_FAULT_MEM || f->code == FC_FAULT_MEM_PERM || f->code == FC_FAULT_HELPER_ARG)
        printf(", address 0x%llx, size %u", f->addr, f->size);
    printf(": %s\n", f->reason ? f->reason : "");
}

static const char *coap_code_name(uint8_t code)
{
    switch (code) {
    case FC_COAP_CODE(2, 1):
        return "Created";
    case FC_COAP_CODE(2, 2):
        return "Deleted";
    case FC_COAP_CHANGED:
        return "Changed";
    case FC_COAP_CONTENT:
        return "Content";
    case FC_COAP_BAD_REQUEST:
        return "Bad Request";
    case FC_COAP_CODE(4, 1):
        return "Unauthorized";
    case FC_COAP_CODE(4, 3):
        return "Forbidden";
    case FC_COAP_NOT_FOUND:
        return "Not Found";
    case FC_COAP_CODE(4, 5):
        return "Method Not Allowed";
    case FC_COAP_CODE(5, 0):
        return "Internal Server Error";
    default:
        return "";
    }
}

/* The answer as femtod would send it (apps/device/server.c app_request):
 * "coap: 2.05 Content (format 0 text/plain): 23.5". Text is printed as
 * is (quotes included); other bytes as \xNN. */
static void print_coap_response(const fc_hook_coap_ctx_t *c, int faulted)
{
    if (faulted) {
        printf("coap: 5.00 Internal Server Error: container faulted (see the fault below)\n");
        return;
    }
    if (!c->resp_code) {
        printf("coap: 5.00 Internal Server Error: container gave no response (fc_coap_respond)\n");
        return;
    }
    if ((c->resp_code >> 5) < 2 || (c->resp_code >> 5) > 5) {
        printf("coap: 5.00 Internal Server Error: container answered with code %u.%02u, not a "
               "response code\n",
               c->resp_code >> 5, c->resp_code & 31);
        return;
    }
    const char *fmt = c->resp_format == FC_COAP_FORMAT_TEXT   ? " text/plain"
                      : c->resp_format == FC_COAP_FORMAT_JSON ? " application/json"
                      : c->resp_format == FC_COAP_FORMAT_CBOR ? " application/cbor"
                                                              : "";
    printf("coap: %u.%02u %s (format %u%s): ", c->resp_code >> 5, c->resp_code & 31,
           coap_code_name(c->resp_code), c->resp_format, fmt);
    for (unsigned i = 0; i < c->resp_len && i < FC_COAP_PAYLOAD_MAX; i++) {
        uint8_t b = c->resp_payload[i];
        if ((b >= 32 && b < 127) || b == '\n' || b == '\t' || b >= 0x80)
            putchar(b);
        else
            printf("\\x%02x", b);
    }
    printf("\n");
}

/* ---- running ----------------------------------------------------------------------------- */

typedef struct run_env {
    fc_port_posix_t port;
    fc_engine_t engine;
    _Alignas(8) uint8_t stack[FC_DEFAULT_FRAME * (FC_MAX_CALL_DEPTH + 1)];
    _Alignas(8) uint8_t ctx[RUN_CTX_MAX];
    char tmp_dir[64];
} run_env_t;

static int setup_engine(run_env_t *env, const run_opts_t *o)
{
    const char *dir = o->kv_dir;
    if (!dir) {
        snprintf(env->tmp_dir, sizeof env->tmp_dir, "/tmp/femto-run-XXXXXX");
        if (!mkdtemp(env->tmp_dir)) {
            perror("femto run: mkdtemp");
            return -1;
        }
        dir = env->tmp_dir;
    }
    if (fc_port_posix_init(&env->port, dir) != FC_OK) {
        fprintf(stderr, "femto run: cannot use %s: %s\n", dir, strerror(errno));
        return -1;
    }
    env->port.port.log = log_to_stdout;
    fc_port_posix_set_sensor_seed(&env->port, o->seed);
    for (int i = 0; i < o->n_sensors; i++) {
        if (fc_port_posix_set_sensor(&env->port, o->sensor_index[i], o->sensor_value[i]) != FC_OK) {
            fprintf(stderr, "femto run: no sensor %u (0..%d)\n", (unsigned)o->sensor_index[i],
                    FC_POSIX_SENSORS - 1);
            return -1;
        }
    }
    fc_status_t st = fc_engine_init(&env->engine, &env->port.port, env->stack, sizeof env->stack);
    if (st != FC_OK) {
        fprintf(stderr, "femto run: engine: %s (%s)\n", fc_status_name(st), fc_status_text(st));
        return -1;
    }
    fc_engine_declare_standard_hooks(&env->engine);
    fc_tenant_config_t t;
    memset(&t, 0, sizeof t);
    t.id = RUN_TENANT;
    fc_helper_mask_all(&t.helpers);
    t.hooks = 0xffffffffu;
    t.quota = (fc_tenant_quota_t){.max_containers = 1,
                                  .max_ram = FC_ENGINE_RAM,
                                  .max_budget = o->budget ? o->budget : FC_DEFAULT_BUDGET,
                                  .max_kv_entries = FC_KV_MAX_ENTRIES};
    fc_error_t err;
    if (fc_tenant_add(&env->engine, &t, &err) != FC_OK) {
        fprintf(stderr, "femto run: tenant: %s\n", err.reason);
        return -1;
    }
    if (o->trace)
        fc_engine_set_trace(&env->engine, trace_insn, NULL);
    return 0;
}

static fc_container_t *install(run_env_t *env, const run_opts_t *o, const fc_image_file_t *f)
{
    fc_container_t *c = NULL;
    fc_error_t err;
    fc_status_t st =
        fc_container_install(&env->engine, RUN_TENANT, -1, f->buf, f->len, NULL, &c, &err);
    if (st != FC_OK) {
        printf("refused: %s (%s) at %lu: %s\n", fc_status_name(st), fc_status_text(st), err.where,
               err.reason ? err.reason : "");
        if (st < FC_FAULT_MEM) /* a verifier refusal: show the code around it */
            fc_image_print_refusal(stdout, o->image, &f->img, &err);
        return NULL;
    }
    if (o->budget && fc_container_set_budget(&env->engine, c, o->budget) != FC_OK) {
        printf("refused: --budget %u\n", o->budget);
        return NULL;
    }
    return c;
}

static int fire_hook(run_env_t *env, const run_opts_t *o, fc_container_t *c, size_t ctx_len)
{
    const fc_hook_t *h = fc_hook_find_name(&env->engine, o->hook);
    if (!h) {
        fprintf(stderr, "femto run: no hook '%s' (timer boot sensor coap packet)\n", o->hook);
        return 2;
    }
    if (h->ctx_size) {
        if (ctx_len > h->ctx_size) {
            fprintf(stderr, "femto run: the %s hook's context is %u bytes, %zu given\n", h->name,
                    h->ctx_size, ctx_len);
            return 2;
        }
        ctx_len = h->ctx_size; /* zero-padded */
    }
    fc_status_t st = fc_container_attach(&env->engine, c, h->id, 0, o->entry);
    if (st == FC_OK)
        st = fc_container_start(&env->engine, c);
    if (st != FC_OK) {
        printf("refused: %s (%s)\n", fc_status_name(st), fc_status_text(st));
        return 1;
    }
    int64_t result = 0;
    st = fc_hook_fire(&env->engine, h->id, env->ctx, ctx_len, &result);
    if (st != FC_OK) {
        printf("refused: %s (%s)\n", fc_status_name(st), fc_status_text(st));
        return 1;
    }
    if (c->stats.faults == 0)
        printf("hook %s: result %lld (0x%llx)\n", h->name, (long long)result,
               (unsigned long long)result);
    if (h->id == FC_HOOK_COAP)
        print_coap_response((const fc_hook_coap_ctx_t *)env->ctx, c->stats.faults != 0);
    return c->stats.faults ? 1 : 0;
}

static int call_entry(run_env_t *env, const run_opts_t *o, fc_container_t *c, size_t ctx_len)
{
    uint64_t r0 = 0;
    fc_status_t st =
        fc_container_call(&env->engine, c, o->entry, ctx_len ? env->ctx : NULL, ctx_len, &r0);
    if (st == FC_OK) {
        printf("r0: %lld (0x%llx)\n", (long long)r0, (unsigned long long)r0);
        return 0;
    }
    if (c->stats.runs == 0) { /* refused before running: e.g. no such entry */
        printf("refused: %s (%s)\n", fc_status_name(st), fc_status_text(st));
        return 1;
    }
    return 1;
}

int fc_cmd_run(int argc, char **argv)
{
    run_opts_t o;
    if (parse_args(argc, argv, &o) != 0)
        return usage();
    fc_image_file_t f;
    if (fc_image_file_load(o.image, &f) != 0)
        return 1;
    run_env_t *env = calloc(1, sizeof *env);
    if (!env) {
        fc_image_file_free(&f);
        return 1;
    }
    int rc = 1;
    size_t ctx_len = 0;
    fc_container_t *c = NULL;
    if (setup_engine(env, &o) != 0 || load_ctx(&o, env->ctx, &ctx_len) != 0) {
        rc = 2;
    } else if ((c = install(env, &o, &f)) != NULL) {
        rc = o.hook ? fire_hook(env, &o, c, ctx_len) : call_entry(env, &o, c, ctx_len);
        printf("instructions: %llu\n", (unsigned long long)c->stats.insns_last);
        if (c->stats.faults)
            print_fault(&c->stats.last_fault);
    }
    if (env->tmp_dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", env->tmp_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "femto run: could not remove %s\n", env->tmp_dir);
    }
    free(env);
    fc_image_file_free(&f);
    return rc;
}
