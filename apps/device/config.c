/* femtod configuration parser: "key = value" lines, '#' comments, and
 * "[tenant NAME]" sections. Every error names the file, line and reason. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "femto/vm.h"

/* Standard helper names, from the SDK's one table. */
static const struct {
    uint32_t id;
    const char *name;
} helper_names[] = {
#define FC_HELPER(ID, ENUM, NAME, RET, ARGS) {ID, #NAME},
#include "femto_helpers.def" /* sdk/, on the include path */
#undef FC_HELPER
};

static const struct {
    int id;
    const char *name;
} hook_names[] = {
    {FC_HOOK_TIMER, "timer"}, {FC_HOOK_BOOT, "boot"},     {FC_HOOK_SENSOR, "sensor"},
    {FC_HOOK_COAP, "coap"},   {FC_HOOK_PACKET, "packet"},
};

const char *fd_helper_name(uint32_t id)
{
    for (size_t i = 0; i < sizeof helper_names / sizeof helper_names[0]; i++)
        if (helper_names[i].id == id)
            return helper_names[i].name;
    return NULL;
}

int fd_hook_id(const char *name)
{
    for (size_t i = 0; i < sizeof hook_names / sizeof hook_names[0]; i++)
        if (!strcmp(name, hook_names[i].name))
            return hook_names[i].id;
    return -1;
}

void fd_config_defaults(fd_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->timer_period_ms = 1000;
    cfg->max_envelope = 65536;
    cfg->fetch_timeout_ms = 10000;
}

typedef struct parser {
    fd_config_t *cfg;
    const char *path;
    char dir[512];             /* folder of the config file: relative key paths start here */
    fd_read_file_fn read_file; /* key files; NULL: none (64 hex digits only) */
    void *read_ctx;
    int line;
    fd_tenant_config_t *tenant; /* current [tenant] section, NULL: global */
    char *msg;
    size_t msg_cap;
} parser_t;

static int fail(parser_t *p, const char *fmt, ...)
{
    int n = snprintf(p->msg, p->msg_cap, "%s:%d: ", p->path, p->line);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < p->msg_cap)
        vsnprintf(p->msg + n, p->msg_cap - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static int parse_u32(const char *s, uint32_t *out)
{
    char *end;
    if (!*s || *s == '-' || *s == '+')
        return 0;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end || v > UINT32_MAX)
        return 0;
    *out = (uint32_t)v;
    return 1;
}

/* Call item(p, token, ctx) for each comma-separated token of value. */
static int each_item(parser_t *p, char *value, int (*item)(parser_t *, const char *, void *),
                     void *ctx)
{
    /* split by hand: strtok would silently skip an empty item ("1,,2") */
    int n = 0;
    for (char *tok = value, *next; tok; tok = next) {
        next = strchr(tok, ',');
        if (next)
            *next++ = '\0';
        tok = trim(tok);
        if (!*tok)
            return fail(p, "empty item in list");
        if (item(p, tok, ctx) != 0)
            return -1;
        n++;
    }
    return n ? 0 : fail(p, "empty list");
}

static int helper_item(parser_t *p, const char *tok, void *ctx)
{
    fc_helper_mask_t *m = ctx;
    if (!strcmp(tok, "all")) {
        for (size_t i = 0; i < sizeof helper_names / sizeof helper_names[0]; i++)
            fc_helper_mask_set(m, helper_names[i].id);
        return 0;
    }
    uint32_t id;
    for (size_t i = 0; i < sizeof helper_names / sizeof helper_names[0]; i++) {
        const char *n = helper_names[i].name;
        if (!strcmp(tok, n) || (!strncmp(n, "fc_", 3) && !strcmp(tok, n + 3))) {
            fc_helper_mask_set(m, helper_names[i].id);
            return 0;
        }
    }
    if (parse_u32(tok, &id) && id > 0 && id < FC_MAX_HELPERS) {
        fc_helper_mask_set(m, id);
        return 0;
    }
    return fail(p, "unknown helper '%s' (a name from sdk/femto_helpers.def, an id, or all)", tok);
}

static int hook_item(parser_t *p, const char *tok, void *ctx)
{
    uint32_t *mask = ctx;
    if (!strcmp(tok, "all")) {
        for (size_t i = 0; i < sizeof hook_names / sizeof hook_names[0]; i++)
            *mask |= 1u << hook_names[i].id;
        return 0;
    }
    int id = fd_hook_id(tok);
    if (id < 0)
        return fail(p, "unknown hook '%s' (timer, boot, sensor, coap, packet or all)", tok);
    *mask |= 1u << id;
    return 0;
}

/* "all", "N" or "N-M" slot numbers below FC_MAX_CONTAINERS - 1 (the last
 * engine slot is kept free for updates). */
static int slot_item(parser_t *p, const char *tok, void *ctx)
{
    uint32_t *mask = ctx;
    uint32_t max = FC_MAX_CONTAINERS - 1;
    if (!strcmp(tok, "all")) {
        *mask |= (1u << max) - 1;
        return 0;
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%s", tok);
    char *dash = strchr(buf, '-');
    uint32_t lo, hi;
    if (dash)
        *dash = '\0';
    if (!parse_u32(trim(buf), &lo) || (dash ? !parse_u32(trim(dash + 1), &hi) : (hi = lo, 0)))
        return fail(p, "bad slot '%s' (N, N-M or all)", tok);
    if (lo > hi || hi >= max)
        return fail(p, "slot range '%s' outside 0..%u", tok, (unsigned)max - 1);
    for (uint32_t s = lo; s <= hi; s++)
        *mask |= 1u << s;
    return 0;
}

static int sensor_item(parser_t *p, const char *tok, void *ctx)
{
    fd_config_t *cfg = ctx;
    uint32_t idx;
    if (!parse_u32(tok, &idx) || idx >= 8)
        return fail(p, "bad sensor index '%s' (0..7)", tok);
    if (cfg->n_sensors >= FD_MAX_SENSORS)
        return fail(p, "more than %d sensors", FD_MAX_SENSORS);
    cfg->sensors[cfg->n_sensors++] = idx;
    return 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* A public key: 64 hex digits, or a file of 32 raw bytes (femto keygen's
 * NAME.pub), relative to the config file's folder. */
static int parse_key(parser_t *p, const char *value, uint8_t key[32])
{
    if (strlen(value) == 64) {
        int ok = 1;
        for (int i = 0; i < 32 && ok; i++) {
            int hi = hexval(value[2 * i]), lo = hexval(value[2 * i + 1]);
            ok = hi >= 0 && lo >= 0;
            key[i] = (uint8_t)(hi << 4 | lo);
        }
        if (ok)
            return 0;
    }
    if (!p->read_file)
        return fail(p, "public key: 64 hex digits (this device has no files to read a key from)");
    char path[1024];
    if (value[0] == '/')
        snprintf(path, sizeof path, "%s", value);
    else
        snprintf(path, sizeof path, "%s/%s", p->dir, value);
    uint8_t buf[33];
    size_t n = 0;
    char why[128] = "";
    if (p->read_file(p->read_ctx, path, buf, sizeof buf, &n, why, sizeof why) != 0)
        return fail(p, "public key '%s': %s (64 hex digits or a 32-byte .pub file)", path, why);
    if (n != 32)
        return fail(p, "public key file '%s' is not exactly 32 bytes", path);
    memcpy(key, buf, 32);
    return 0;
}

static int global_key(parser_t *p, const char *key, char *value)
{
    fd_config_t *cfg = p->cfg;
    if (!strcmp(key, "timer_period_ms")) {
        if (!parse_u32(value, &cfg->timer_period_ms))
            return fail(p, "timer_period_ms: not a number");
    } else if (!strcmp(key, "sensor_period_ms")) {
        if (!parse_u32(value, &cfg->sensor_period_ms))
            return fail(p, "sensor_period_ms: not a number");
    } else if (!strcmp(key, "sensors")) {
        cfg->n_sensors = 0;
        return each_item(p, value, sensor_item, cfg);
    } else if (!strcmp(key, "max_envelope")) {
        if (!parse_u32(value, &cfg->max_envelope) || cfg->max_envelope < 64 ||
            cfg->max_envelope > (1u << 20))
            return fail(p, "max_envelope: a number of bytes, 64..1048576");
    } else if (!strcmp(key, "fetch_timeout_ms")) {
        if (!parse_u32(value, &cfg->fetch_timeout_ms) || cfg->fetch_timeout_ms < 100 ||
            cfg->fetch_timeout_ms > 600000)
            return fail(p, "fetch_timeout_ms: a number of milliseconds, 100..600000");
    } else {
        return fail(p, "unknown key '%s' (outside a [tenant] section)", key);
    }
    return 0;
}

static int quota_key(parser_t *p, const char *key, const char *value, uint32_t *field)
{
    if (!parse_u32(value, field))
        return fail(p, "%s: not a number", key);
    return 0;
}

static int tenant_key(parser_t *p, const char *key, char *value)
{
    fd_tenant_config_t *t = p->tenant;
    fc_tenant_quota_t *q = &t->engine.quota;
    if (!strcmp(key, "id")) {
        if (!parse_u32(value, &t->engine.id) || t->engine.id == 0)
            return fail(p, "id: a non-zero number");
        for (size_t i = 0; i + 1 < p->cfg->n_tenants; i++)
            if (p->cfg->tenants[i].engine.id == t->engine.id)
                return fail(p, "id %u already used by tenant '%s'", (unsigned)t->engine.id,
                            p->cfg->tenants[i].name);
        t->have_id = 1;
    } else if (!strcmp(key, "public_key")) {
        if (parse_key(p, value, t->engine.public_key) != 0)
            return -1;
        t->have_key = 1;
    } else if (!strcmp(key, "helpers")) {
        fc_helper_mask_clear(&t->engine.helpers);
        return each_item(p, value, helper_item, &t->engine.helpers);
    } else if (!strcmp(key, "hooks")) {
        t->engine.hooks = 0;
        return each_item(p, value, hook_item, &t->engine.hooks);
    } else if (!strcmp(key, "slots")) {
        t->slots = 0;
        t->have_slots = 1;
        return each_item(p, value, slot_item, &t->slots);
    } else if (!strcmp(key, "max_attachments")) {
        t->have_attachments = 1;
        t->attachments_line = p->line;
        return quota_key(p, key, value, &q->max_attachments);
    } else if (!strcmp(key, "max_storage")) {
        return quota_key(p, key, value, &t->max_storage);
    } else if (!strcmp(key, "max_names")) {
        if (quota_key(p, key, value, &t->max_names) != 0)
            return -1;
        if (t->max_names == 0 || t->max_names > 16)
            return fail(p, "max_names: 1..16");
    } else if (!strcmp(key, "max_global_entries")) {
        if (quota_key(p, key, value, &q->max_global_entries) != 0)
            return -1;
        if (q->max_global_entries == 0 || q->max_global_entries > FC_KV_NS_MAX_ENTRIES)
            return fail(p, "max_global_entries: 1..%d (write access: global_write)",
                        FC_KV_NS_MAX_ENTRIES);
    } else if (!strcmp(key, "global_write")) {
        if (!strcmp(value, "yes"))
            t->engine.flags &= ~FC_TENANT_NO_GLOBAL_WRITE;
        else if (!strcmp(value, "no"))
            t->engine.flags |= FC_TENANT_NO_GLOBAL_WRITE;
        else
            return fail(p, "global_write: yes or no");
    } else if (!strcmp(key, "max_containers")) {
        return quota_key(p, key, value, &q->max_containers);
    } else if (!strcmp(key, "max_ram")) {
        return quota_key(p, key, value, &q->max_ram);
    } else if (!strcmp(key, "max_budget")) {
        return quota_key(p, key, value, &q->max_budget);
    } else if (!strcmp(key, "max_kv_entries")) {
        return quota_key(p, key, value, &q->max_kv_entries);
    } else if (!strcmp(key, "max_image")) {
        return quota_key(p, key, value, &t->max_image);
    } else {
        return fail(p, "unknown tenant key '%s'", key);
    }
    return 0;
}

static int begin_tenant(parser_t *p, char *header)
{
    char *name = trim(header + strlen("tenant"));
    if (!*name || strlen(name) >= FD_NAME_MAX)
        return fail(p, "tenant section needs a name of 1..%d characters: [tenant NAME]",
                    FD_NAME_MAX - 1);
    for (const char *s = name; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return fail(p, "tenant name '%s': letters, digits, '_' and '-' only", name);
    if (p->cfg->n_tenants >= FC_MAX_TENANTS)
        return fail(p, "more than %d tenants (FC_MAX_TENANTS)", FC_MAX_TENANTS);
    for (size_t i = 0; i < p->cfg->n_tenants; i++)
        if (!strcmp(p->cfg->tenants[i].name, name))
            return fail(p, "tenant '%s' defined twice", name);
    fd_tenant_config_t *t = &p->cfg->tenants[p->cfg->n_tenants++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->section_line = p->line;
    /* Defaults: the standard helpers, timer/boot/sensor/coap, every slot. */
    fc_helper_mask_clear(&t->engine.helpers);
    for (size_t i = 0; i < sizeof helper_names / sizeof helper_names[0]; i++)
        fc_helper_mask_set(&t->engine.helpers, helper_names[i].id);
    t->engine.hooks =
        1u << FC_HOOK_TIMER | 1u << FC_HOOK_BOOT | 1u << FC_HOOK_SENSOR | 1u << FC_HOOK_COAP;
    t->slots = (1u << (FC_MAX_CONTAINERS - 1)) - 1;
    t->engine.quota = (fc_tenant_quota_t){
        .max_containers = 4, .max_ram = 1024, .max_budget = 100000, .max_kv_entries = 16};
    t->max_image = 16384;
    t->max_storage = FD_DEFAULT_MAX_STORAGE;
    t->max_names = FD_DEFAULT_MAX_NAMES;
    t->engine.quota.max_global_entries = FC_KV_NS_MAX_ENTRIES / FC_MAX_TENANTS;
    p->tenant = t;
    return 0;
}

static int end_tenant(parser_t *p)
{
    fd_tenant_config_t *t = p->tenant;
    if (!t)
        return 0;
    if (!t->have_id)
        return fail(p, "tenant '%s' has no id", t->name);
    if (!t->have_key)
        return fail(p, "tenant '%s' has no public_key", t->name);
    p->tenant = NULL;
    return 0;
}

static int parse_line(parser_t *p, char *line)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    char *s = trim(line);
    if (!*s)
        return 0;
    if (*s == '[') {
        char *close = strchr(s, ']');
        if (!close || trim(close + 1)[0])
            return fail(p, "section header must be [tenant NAME]");
        *close = '\0';
        if (strncmp(s + 1, "tenant", 6) != 0 || (s[7] && !isspace((unsigned char)s[7])))
            return fail(p, "unknown section '[%s]' (only [tenant NAME])", s + 1);
        if (end_tenant(p) != 0)
            return -1;
        return begin_tenant(p, s + 1);
    }
    char *eq = strchr(s, '=');
    if (!eq)
        return fail(p, "expected 'key = value'");
    *eq = '\0';
    char *key = trim(s), *value = trim(eq + 1);
    if (!*key)
        return fail(p, "missing key before '='");
    if (!*value)
        return fail(p, "%s: missing value", key);
    return p->tenant ? tenant_key(p, key, value) : global_key(p, key, value);
}

/* The defaults that depend on every tenant (config.h), then the check that
 * the attachment shares fit the engine's table with room for an update. */
static int shares(parser_t *p)
{
    fd_config_t *cfg = p->cfg;
    size_t undeclared = 0;
    for (size_t i = 0; i < cfg->n_tenants; i++)
        undeclared += !cfg->tenants[i].have_slots;
    for (size_t i = 0, k = 0; i < cfg->n_tenants && undeclared; i++) {
        fd_tenant_config_t *t = &cfg->tenants[i];
        if (t->have_slots)
            continue;
        t->slots = 0;
        for (uint32_t slot = 0; slot + 1 < FC_MAX_CONTAINERS; slot++)
            if (slot % undeclared == k)
                t->slots |= 1u << slot;
        k++;
    }
    /* In file order: the error names the line of the share (its key, or
     * the tenant's header for a default share) that went over. */
    uint32_t sum = 0, largest = 0;
    int over_line = 0;
    for (size_t i = 0; i < cfg->n_tenants; i++) {
        fd_tenant_config_t *t = &cfg->tenants[i];
        uint32_t *share = &t->engine.quota.max_attachments;
        p->line = t->have_attachments ? t->attachments_line : t->section_line;
        if (!t->have_attachments)
            *share = FC_MAX_ATTACHMENTS / (uint32_t)(cfg->n_tenants + 1);
        if (*share == 0 || *share > FC_MAX_ATTACHMENTS)
            return fail(p, "tenant '%s': max_attachments %u outside 1..%d (the device's table)",
                        t->name, (unsigned)*share, FC_MAX_ATTACHMENTS);
        sum += *share;
        largest = *share > largest ? *share : largest;
        if (!over_line && sum + largest > FC_MAX_ATTACHMENTS)
            over_line = p->line;
    }
    p->line = over_line;
    if (over_line)
        return fail(p,
                    "max_attachments over all tenants (%u) plus the largest (%u, room for an "
                    "update) exceed the device's %d attachments",
                    (unsigned)sum, (unsigned)largest, FC_MAX_ATTACHMENTS);
    return 0;
}

int fd_config_parse(fd_config_t *cfg, const char *name, const char *text, size_t len,
                    fd_read_file_fn read_file, void *read_ctx, char *msg, size_t msg_cap)
{
    parser_t p = {.cfg = cfg,
                  .path = name,
                  .msg = msg,
                  .msg_cap = msg_cap,
                  .read_file = read_file,
                  .read_ctx = read_ctx};
    snprintf(p.dir, sizeof p.dir, "%s", name);
    char *slash = strrchr(p.dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(p.dir, sizeof p.dir, ".");
    char line[1024];
    int rc = 0;
    for (size_t at = 0; rc == 0 && at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) + 1 : len - at;
        p.line++;
        if (n > sizeof line - 1) {
            rc = fail(&p, "line longer than %zu characters", sizeof line - 2);
            break;
        }
        memcpy(line, text + at, n);
        line[n] = '\0';
        rc = parse_line(&p, line);
        at += n;
    }
    if (rc == 0)
        rc = end_tenant(&p);
    if (rc == 0 && cfg->n_tenants == 0) {
        p.line = 0;
        rc = fail(&p, "no [tenant NAME] section: nobody could deploy");
    }
    if (rc == 0) {
        p.line = 0;
        rc = shares(&p);
    }
    return rc;
}
