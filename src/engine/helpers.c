/* The standard helpers (sdk/femto_helpers.def, docs/helpers.md).
 *
 * Argument rule, the same for every helper:
 *  - every (pointer, length) pair must lie wholly inside one region granted
 *    to the running container with the needed permission, checked with
 *    fc_vm_check_ptr() on the full 64-bit values before anything is read or
 *    written. A pair that does not is a bug or an attack: the container is
 *    stopped with FC_FAULT_HELPER_ARG (address and size recorded), because
 *    returning an error would let a hostile container probe memory and a
 *    buggy one run on with garbage;
 *  - a value outside the helper's documented range (key longer than
 *    FC_KV_KEY_MAX, unknown sensor, full store, wrong hook) is an ordinary
 *    condition: the helper returns -(status code) and the container goes on. */
#include <string.h>

#include "engine_internal.h"

_Static_assert(FC_E_NOT_FOUND == -FC_ERR_NOT_FOUND, "SDK error numbers follow status.h");
_Static_assert(FC_E_PERMISSION == -FC_ERR_PERMISSION, "SDK error numbers follow status.h");
_Static_assert(FC_E_KV_FULL == -FC_ERR_KV_FULL, "SDK error numbers follow status.h");
_Static_assert(FC_E_KV_KEY == -FC_ERR_KV_KEY, "SDK error numbers follow status.h");
_Static_assert(FC_E_STORAGE == -FC_ERR_STORAGE, "SDK error numbers follow status.h");
_Static_assert(FC_E_INVALID_ARG == -FC_ERR_INVALID_ARG, "SDK error numbers follow status.h");
_Static_assert(FC_E_BUFFER == -FC_ERR_BUFFER, "SDK error numbers follow status.h");
_Static_assert(FC_HELPER_COUNT <= FC_MAX_HELPERS, "helper ids fit the VM's table");

#define FC_LOG_FMT_MAX 128 /* longest format string scanned */
#define FC_RANDOM_MAX 256  /* most random bytes per call */

static uint64_t neg(fc_status_t st)
{
    return (uint64_t)(-(int64_t)st);
}

static fc_engine_t *engine_of(fc_vm_t *vm)
{
    return (fc_engine_t *)vm->user;
}

/* Check a guest (address, length) pair; on failure stop the container and
 * record which argument was refused. */
static void *arg_ptr(fc_vm_t *vm, uint64_t addr, uint64_t len, uint32_t perm, const char *what)
{
    void *p = fc_vm_check_ptr(vm, addr, len, perm);
    if (!p)
        fc_vm_fault_access(vm, FC_FAULT_HELPER_ARG, what, addr, len);
    return p;
}

/* ---- log ------------------------------------------------------------------------- */

typedef struct line {
    char *buf;
    size_t len;
    size_t cap;
} line_t;

static void line_put_raw(line_t *l, char ch)
{
    if (l->len < l->cap)
        l->buf[l->len++] = ch;
}

/* Every byte a container puts in a line: control characters, DEL, bytes
 * above 0x7e and the backslash itself are written as \xNN, so a container
 * cannot start a new line or forge the firmware's own lines. An escape that
 * does not fit whole is left out (the line is cut there). */
static void line_put(line_t *l, char ch)
{
    uint8_t b = (uint8_t)ch;
    if (b >= 0x20 && b < 0x7f && b != '\\') {
        line_put_raw(l, ch);
        return;
    }
    if (l->cap - l->len < 4) {
        l->len = l->cap; /* full: nothing more goes in */
        return;
    }
    line_put_raw(l, '\\');
    line_put_raw(l, 'x');
    line_put_raw(l, "0123456789abcdef"[b >> 4]);
    line_put_raw(l, "0123456789abcdef"[b & 15]);
}

static void line_put_u64(line_t *l, uint64_t v, unsigned base)
{
    char digits[20];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n)
        line_put_raw(l, digits[--n]);
}

/* Read one guest byte at addr (readable by the container), or fault. */
static int guest_byte(fc_vm_t *vm, uint64_t addr, char *out, const char *what)
{
    const char *p = arg_ptr(vm, addr, 1, FC_PERM_READ, what);
    if (!p)
        return 0;
    *out = *p;
    return 1;
}

/* %s: a NUL-terminated guest string, copied until NUL or the line is full. */
static int put_guest_string(fc_vm_t *vm, line_t *l, uint64_t addr)
{
    for (; l->len < l->cap; addr++) {
        char ch;
        if (!guest_byte(vm, addr, &ch, "fc_log: %s argument not readable"))
            return 0;
        if (!ch)
            break;
        line_put(l, ch);
    }
    return 1;
}

/* One conversion after '%'; returns 0 if the container was faulted. */
static int put_conversion(fc_vm_t *vm, line_t *l, char conv, uint64_t arg)
{
    switch (conv) {
    case 'd':
        if ((int64_t)arg < 0) {
            line_put(l, '-');
            arg = 0 - arg;
        }
        line_put_u64(l, arg, 10);
        return 1;
    case 'u':
        line_put_u64(l, arg, 10);
        return 1;
    case 'x':
        line_put_u64(l, arg, 16);
        return 1;
    default: /* 's' */
        return put_guest_string(vm, l, arg);
    }
}

/* "[TENANT/NAME] ": who wrote the line (tenant id in decimal; the name's
 * characters are the checked set, FC_NAME_CHARS_TEXT). */
static void line_attribution(line_t *l, const fc_engine_t *e, const fc_container_t *c)
{
    line_put_raw(l, '[');
    line_put_u64(l, e->tenants[c->tenant].id, 10);
    line_put_raw(l, '/');
    for (const char *p = c->name; *p; p++)
        line_put(l, *p);
    line_put_raw(l, ']');
    line_put_raw(l, ' ');
}

/* At most FC_LOG_RATE lines per container per second of the port's clock
 * (no clock: no limit); the others are counted in log_drops. */
static int log_allowed(fc_engine_t *e, const fc_container_t *c)
{
    if (!e->port->now_us)
        return 1;
    uint32_t slot = (uint32_t)(c - e->containers);
    uint32_t second = (uint32_t)(e->port->now_us(e->port->ctx) / 1000000u);
    if (second != e->log_window[slot]) {
        e->log_window[slot] = second;
        e->log_lines[slot] = 0;
    }
    if (e->log_lines[slot] >= FC_LOG_RATE) {
        if (e->log_drops[slot] != UINT32_MAX)
            e->log_drops[slot]++;
        return 0;
    }
    e->log_lines[slot]++;
    return 1;
}

uint32_t fc_log_drops(const fc_engine_t *engine, const fc_container_t *c)
{
    if (!engine || !c || c < engine->containers || c >= engine->containers + FC_MAX_CONTAINERS)
        return 0;
    return engine->log_drops[c - engine->containers];
}

/* The format string, read byte by byte: the loop of fc_log advances only
 * through fmt_next, so every read is counted against FC_LOG_FMT_MAX (a
 * conversion may read its letters one byte past the last full step). */
typedef struct fmt_cursor {
    uint64_t addr; /* guest address of the format string */
    uint64_t pos;  /* bytes read so far: the next read is at addr + pos */
} fmt_cursor_t;

static int fmt_next(fc_vm_t *vm, fmt_cursor_t *f, char *ch)
{
    return guest_byte(vm, f->addr + f->pos++, ch, "fc_log: format string not readable");
}

static uint64_t helper_fc_log(fc_vm_t *vm, uint64_t fmt, uint64_t a1, uint64_t a2, uint64_t a3,
                              uint64_t a4)
{
    fc_engine_t *e = engine_of(vm);
    const uint64_t args[4] = {a1, a2, a3, a4};
    line_t l = {e->log_line, 0, sizeof e->log_line};
    if (e->current)
        line_attribution(&l, e, e->current);
    size_t prefix = l.len;
    unsigned next = 0;
    fmt_cursor_t f = {fmt, 0};
    char ch;
    while (f.pos < FC_LOG_FMT_MAX) {
        if (!fmt_next(vm, &f, &ch))
            return 0;
        if (!ch)
            break;
        if (ch != '%') {
            line_put(&l, ch);
            continue;
        }
        if (!fmt_next(vm, &f, &ch))
            return 0;
        while (ch == 'l' && f.pos <= FC_LOG_FMT_MAX) /* %ld, %llu: every argument is 64-bit */
            if (!fmt_next(vm, &f, &ch))
                return 0;
        if (ch == '%') {
            line_put(&l, '%');
        } else if (!ch) {
            break;
        } else if (!strchr("dusx", ch)) {
            line_put(&l, '%'); /* unknown conversion: printed as written */
            line_put(&l, ch);
        } else if (next < 4) {
            if (!put_conversion(vm, &l, ch, args[next++]))
                return 0;
        } else {
            line_put(&l, '?'); /* more conversions than arguments */
        }
    }
    /* a trailing newline is the author's habit, not part of the line */
    size_t len = l.len;
    if (len >= prefix + 4 && !memcmp(e->log_line + len - 4, "\\x0a", 4))
        len -= 4;
    if (e->current && !log_allowed(e, e->current))
        return 0;
    if (e->port->log)
        e->port->log(e->port->ctx, FC_LOG_INFO, e->log_line, len);
    return len - prefix;
}

/* ---- time, sensors, random, memcpy --------------------------------------------------------- */

static uint64_t now_us(fc_engine_t *e)
{
    return e->port->now_us ? e->port->now_us(e->port->ctx) : 0;
}

static uint64_t helper_fc_time_ms(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                                  uint64_t r5)
{
    (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
    return now_us(engine_of(vm)) / 1000u;
}

static uint64_t helper_fc_time_us(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                                  uint64_t r5)
{
    (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
    return now_us(engine_of(vm));
}

static uint64_t helper_fc_sensor_read(fc_vm_t *vm, uint64_t index, uint64_t out, uint64_t r3,
                                      uint64_t r4, uint64_t r5)
{
    (void)r3, (void)r4, (void)r5;
    fc_engine_t *e = engine_of(vm);
    uint8_t *dst = arg_ptr(vm, out, sizeof(int32_t), FC_PERM_WRITE,
                           "fc_sensor_read: value pointer not writable");
    if (!dst)
        return 0;
    if (index > UINT32_MAX || !e->port->sensor_read)
        return neg(FC_ERR_NOT_FOUND);
    int32_t value = 0;
    int st = e->port->sensor_read(e->port->ctx, (uint32_t)index, &value);
    if (st != FC_OK)
        return neg(st == FC_ERR_NOT_FOUND ? FC_ERR_NOT_FOUND : FC_ERR_INVALID_ARG);
    memcpy(dst, &value, sizeof value);
    return 0;
}

static uint64_t helper_fc_random(fc_vm_t *vm, uint64_t buf, uint64_t len, uint64_t r3, uint64_t r4,
                                 uint64_t r5)
{
    (void)r3, (void)r4, (void)r5;
    fc_engine_t *e = engine_of(vm);
    uint8_t *dst = arg_ptr(vm, buf, len, FC_PERM_WRITE, "fc_random: buffer not writable");
    if (!dst)
        return 0;
    if (len > FC_RANDOM_MAX)
        return neg(FC_ERR_INVALID_ARG);
    if (!e->port->random || e->port->random(e->port->ctx, dst, (size_t)len) != FC_OK)
        return neg(FC_ERR_CRYPTO);
    return len;
}

static uint64_t helper_fc_memcpy(fc_vm_t *vm, uint64_t dst, uint64_t src, uint64_t len, uint64_t r4,
                                 uint64_t r5)
{
    (void)r4, (void)r5;
    uint8_t *d = arg_ptr(vm, dst, len, FC_PERM_WRITE, "fc_memcpy: destination not writable");
    if (!d)
        return 0;
    const uint8_t *s = arg_ptr(vm, src, len, FC_PERM_READ, "fc_memcpy: source not readable");
    if (!s)
        return 0;
    memmove(d, s, (size_t)len); /* regions may overlap */
    return len;
}

/* ---- CoAP ----------------------------------------------------------------------------------- */

static uint64_t helper_fc_coap_respond(fc_vm_t *vm, uint64_t code, uint64_t format,
                                       uint64_t payload, uint64_t len, uint64_t r5)
{
    (void)r5;
    fc_engine_t *e = engine_of(vm);
    const uint8_t *src =
        arg_ptr(vm, payload, len, FC_PERM_READ, "fc_coap_respond: payload not readable");
    if (!src)
        return 0;
    if (e->current_hook != FC_HOOK_COAP || e->current_ctx_len != sizeof(fc_hook_coap_ctx_t))
        return neg(FC_ERR_PERMISSION);
    if (code == 0 || code > 0xff || format > 0xffff)
        return neg(FC_ERR_INVALID_ARG);
    if (len > FC_COAP_PAYLOAD_MAX)
        return neg(FC_ERR_BUFFER);
    /* The context is the firmware's buffer; the container may only read it,
     * so the response goes in through this helper. */
    fc_hook_coap_ctx_t *req = e->current_ctx;
    memmove(req->resp_payload, src, (size_t)len); /* payload may come from the request */
    req->resp_code = (uint8_t)code;
    req->resp_format = (uint16_t)format;
    req->resp_len = (uint16_t)len;
    return 0;
}

/* ---- key-value ---------------------------------------------------------------------------------
 */

static uint64_t kv_get(fc_vm_t *vm, fc_kv_scope_t scope, uint64_t key, uint64_t key_len,
                       uint64_t value, uint64_t cap)
{
    fc_engine_t *e = engine_of(vm);
    const void *k = arg_ptr(vm, key, key_len, FC_PERM_READ, "fc_kv_*_get: key not readable");
    if (!k)
        return 0;
    void *v = arg_ptr(vm, value, cap, FC_PERM_WRITE, "fc_kv_*_get: value buffer not writable");
    if (!v)
        return 0;
    size_t len = 0;
    fc_status_t st = fc_kv_get(e, e->current, scope, k, (size_t)key_len, v, (size_t)cap, &len);
    return st == FC_OK ? len : neg(st);
}

static uint64_t kv_set(fc_vm_t *vm, fc_kv_scope_t scope, uint64_t key, uint64_t key_len,
                       uint64_t value, uint64_t len)
{
    fc_engine_t *e = engine_of(vm);
    const void *k = arg_ptr(vm, key, key_len, FC_PERM_READ, "fc_kv_*_set: key not readable");
    if (!k)
        return 0;
    /* a zero-length value needs no readable bytes (value may be NULL) */
    const void *v = len == 0
                        ? (const void *)""
                        : arg_ptr(vm, value, len, FC_PERM_READ, "fc_kv_*_set: value not readable");
    if (!v)
        return 0;
    fc_status_t st = fc_kv_set(e, e->current, scope, k, (size_t)key_len, v, (size_t)len);
    return st == FC_OK ? 0 : neg(st);
}

static uint64_t kv_del(fc_vm_t *vm, fc_kv_scope_t scope, uint64_t key, uint64_t key_len)
{
    fc_engine_t *e = engine_of(vm);
    const void *k = arg_ptr(vm, key, key_len, FC_PERM_READ, "fc_kv_*_del: key not readable");
    if (!k)
        return 0;
    fc_status_t st = fc_kv_delete(e, e->current, scope, k, (size_t)key_len);
    return st == FC_OK ? 0 : neg(st);
}

#define KV_HELPERS(lower, SCOPE)                                                                   \
    static uint64_t helper_fc_kv_##lower##_get(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, \
                                               uint64_t r4, uint64_t r5)                           \
    {                                                                                              \
        (void)r5;                                                                                  \
        return kv_get(vm, SCOPE, r1, r2, r3, r4);                                                  \
    }                                                                                              \
    static uint64_t helper_fc_kv_##lower##_set(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, \
                                               uint64_t r4, uint64_t r5)                           \
    {                                                                                              \
        (void)r5;                                                                                  \
        return kv_set(vm, SCOPE, r1, r2, r3, r4);                                                  \
    }                                                                                              \
    static uint64_t helper_fc_kv_##lower##_del(fc_vm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, \
                                               uint64_t r4, uint64_t r5)                           \
    {                                                                                              \
        (void)r3, (void)r4, (void)r5;                                                              \
        return kv_del(vm, SCOPE, r1, r2);                                                          \
    }

KV_HELPERS(local, FC_KV_LOCAL)
KV_HELPERS(tenant, FC_KV_TENANT)
KV_HELPERS(global, FC_KV_GLOBAL)

/* ---- the table --------------------------------------------------------------------------------
 */

static const fc_helper_fn helper_fns[FC_HELPER_COUNT] = {
#define FC_HELPER(id, en, name, ret, args) [id] = helper_##name,
#include "femto_helpers.def"
#undef FC_HELPER
};

static const fc_helper_table_t helper_table = {helper_fns, FC_HELPER_COUNT};

const fc_helper_table_t *fc_engine_helpers(void)
{
    return &helper_table;
}
