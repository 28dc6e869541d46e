/* GET /c and GET /c/NAME documents: one walk over the device, three
 * encodings (a tiny writer with CBOR, JSON and text back ends). */
#include "report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct writer {
    uint8_t *buf;
    size_t len, cap;
    int format;
    int depth;
    int count[16]; /* JSON: items written at each level (comma placement) */
    int oom;
} writer_t;

static void put(writer_t *w, const void *p, size_t n)
{
    if (w->oom)
        return;
    if (w->len + n > w->cap) {
        size_t cap = (w->cap ? w->cap * 2 : 512) + n;
        uint8_t *b = realloc(w->buf, cap);
        if (!b) {
            w->oom = 1;
            return;
        }
        w->buf = b;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void putf(writer_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void putf(writer_t *w, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(w, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void cbor_head(writer_t *w, uint8_t major, uint64_t v)
{
    uint8_t h[9];
    size_t n;
    if (v < 24) {
        h[0] = (uint8_t)(major << 5 | v);
        n = 1;
    } else if (v <= 0xff) {
        h[0] = (uint8_t)(major << 5 | 24);
        h[1] = (uint8_t)v;
        n = 2;
    } else if (v <= 0xffff) {
        h[0] = (uint8_t)(major << 5 | 25);
        h[1] = (uint8_t)(v >> 8);
        h[2] = (uint8_t)v;
        n = 3;
    } else if (v <= 0xffffffffu) {
        h[0] = (uint8_t)(major << 5 | 26);
        for (int i = 0; i < 4; i++)
            h[1 + i] = (uint8_t)(v >> (24 - 8 * i));
        n = 5;
    } else {
        h[0] = (uint8_t)(major << 5 | 27);
        for (int i = 0; i < 8; i++)
            h[1 + i] = (uint8_t)(v >> (56 - 8 * i));
        n = 9;
    }
    put(w, h, n);
}

/* JSON: a comma before every item but the first of its container. */
static void json_sep(writer_t *w)
{
    if (w->count[w->depth]++)
        put(w, ",", 1);
}

static void json_string(writer_t *w, const char *s)
{
    put(w, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            putf(w, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            putf(w, "\\u%04x", c);
        else
            put(w, s, 1);
    }
    put(w, "\"", 1);
}

static void begin(writer_t *w, int map, size_t n)
{
    if (w->format == FD_FMT_CBOR)
        cbor_head(w, map ? 5 : 4, n);
    else if (w->format == FD_FMT_JSON)
        put(w, map ? "{" : "[", 1);
    if (w->depth < 15)
        w->count[++w->depth] = 0;
}

static void end(writer_t *w, int map)
{
    if (w->format == FD_FMT_JSON)
        put(w, map ? "}" : "]", 1);
    if (w->depth > 0)
        w->depth--;
}

/* A map key; JSON values follow with ':' (the key counts as the item). */
static void key(writer_t *w, const char *k)
{
    if (w->format == FD_FMT_CBOR) {
        cbor_head(w, 3, strlen(k));
        put(w, k, strlen(k));
    } else if (w->format == FD_FMT_JSON) {
        json_sep(w);
        json_string(w, k);
        put(w, ":", 1);
        w->count[w->depth] = -1000000; /* the value that follows takes no comma */
    }
}

static void value_sep(writer_t *w)
{
    if (w->count[w->depth] < 0)
        w->count[w->depth] = 1;
    else
        json_sep(w);
}

static void u64(writer_t *w, const char *k, uint64_t v)
{
    key(w, k);
    if (w->format == FD_FMT_CBOR) {
        cbor_head(w, 0, v);
    } else if (w->format == FD_FMT_JSON) {
        value_sep(w);
        putf(w, "%" PRIu64, v);
    }
}

static void str(writer_t *w, const char *k, const char *s)
{
    key(w, k);
    if (w->format == FD_FMT_CBOR) {
        cbor_head(w, 3, strlen(s));
        put(w, s, strlen(s));
    } else if (w->format == FD_FMT_JSON) {
        value_sep(w);
        json_string(w, s);
    }
}

static void nested(writer_t *w, const char *k, int map, size_t n)
{
    key(w, k);
    if (w->format == FD_FMT_JSON)
        value_sep(w);
    begin(w, map, n);
}

static const char *state_name(const fd_slot_t *s)
{
    if (!s->c)
        return s->has_record ? "removed" : "empty";
    return s->c->state == FC_CONTAINER_STARTED ? "started" : "stopped";
}

/* The hooks a container is attached to, as "coap:0,timer:-5" (hook name
 * and priority), and its lowest priority; "-" when it is on no hook. */
static void hooks_text(const fd_device_t *d, const fc_container_t *c, char *buf, size_t cap)
{
    const fc_engine_t *e = &d->engine;
    size_t n = 0, index = (size_t)(c - e->containers);
    buf[0] = '\0';
    for (uint32_t i = 0; i < e->n_attachments && n + 1 < cap; i++) {
        const fc_attachment_t *a = &e->attachments[i];
        if (a->container != index)
            continue;
        const fc_hook_t *h = fc_hook_find(e, a->hook);
        int k = snprintf(buf + n, cap - n, "%s%s:%" PRId32, n ? "," : "", h ? h->name : "?",
                         a->priority);
        if (k < 0 || (size_t)k >= cap - n)
            break;
        n += (size_t)k;
    }
    if (!n)
        snprintf(buf, cap, "-");
}

static void container(writer_t *w, const fd_device_t *d, int slot)
{
    const fd_slot_t *s = &d->slots[slot];
    const fc_container_stats_t *st = &s->c->stats;
    char hooks[160];
    hooks_text(d, s->c, hooks, sizeof hooks);
    uint32_t log_drops = fc_log_drops(&d->engine, s->c);
    if (w->format == FD_FMT_TEXT) {
        char drops[40] = "";
        if (log_drops)
            snprintf(drops, sizeof drops, "  log lines dropped: %" PRIu32, log_drops);
        /* seq is a u64: 20 digits keep the columns aligned whatever it is */
        putf(w,
             "%-4d %-16s %-10s %-8s %20" PRIu64 " %7zu %8" PRIu32 " %6" PRIu32 " %10" PRIu64
             " %8" PRIu32 " %8" PRIu32 " %-18s%s%s%s\n",
             slot, s->c->name, fd_tenant_name(d, s->tenant_id), state_name(s), s->seq, s->image_len,
             st->runs, st->faults, st->insns_total, st->insns_last, s->c->budget, hooks,
             st->faults ? "  last fault: " : "",
             st->faults && st->last_fault.reason ? st->last_fault.reason : "", drops);
        return;
    }
    if (w->format == FD_FMT_JSON)
        value_sep(w);
    begin(w, 1, 17);
    u64(w, "slot", (uint64_t)slot);
    str(w, "name", s->c->name);
    str(w, "tenant", fd_tenant_name(d, s->tenant_id));
    u64(w, "tenant_id", s->tenant_id);
    str(w, "state", state_name(s));
    u64(w, "seq", s->seq);
    u64(w, "epoch", s->epoch); /* of seq: anti-rollback compares (epoch, seq) */
    u64(w, "image_bytes", s->image_len);
    u64(w, "ram_bytes", s->c->ram_len);
    u64(w, "runs", st->runs);
    u64(w, "faults", st->faults);
    u64(w, "insns", st->insns_total);
    u64(w, "insns_last", st->insns_last);
    u64(w, "budget", s->c->budget);
    str(w, "hooks", hooks);
    str(w, "last_fault", st->faults && st->last_fault.reason ? st->last_fault.reason : "");
    u64(w, "log_drops", log_drops); /* fc_log lines over FC_LOG_RATE per second */
    end(w, 1);
}

/* insns: over all runs; last: of the last run, against its budget */
static const char text_header[] = "slot name             tenant     state                     seq "
                                  "  bytes     runs faults      insns     last   budget "
                                  "hooks:priority\n";

uint8_t *fd_report(const fd_device_t *d, int slot, int format, size_t *len)
{
    writer_t w = {.format = format};
    if (slot >= 0) {
        if (format == FD_FMT_TEXT)
            put(&w, text_header, sizeof text_header - 1);
        container(&w, d, slot);
    } else {
        size_t n = 0;
        for (int i = 0; i < FD_SLOTS; i++)
            n += d->slots[i].c != NULL;
        if (format == FD_FMT_TEXT) {
            putf(&w,
                 "boots %" PRIu32 ", hooks fired: timer %" PRIu64 ", sensor %" PRIu64
                 ", boot %" PRIu64 ", coap %" PRIu64 "; installs %" PRIu64 ", refused %" PRIu64
                 ", removed %" PRIu64 "\n",
                 d->boot_count, d->hooks.timer, d->hooks.sensor, d->hooks.boot, d->hooks.coap,
                 d->installs, d->refusals, d->removals);
            put(&w, text_header, sizeof text_header - 1);
        } else {
            begin(&w, 1, 6);
            u64(&w, "boots", d->boot_count);
            nested(&w, "hooks", 1, 4);
            u64(&w, "timer", d->hooks.timer);
            u64(&w, "sensor", d->hooks.sensor);
            u64(&w, "boot", d->hooks.boot);
            u64(&w, "coap", d->hooks.coap);
            end(&w, 1);
            u64(&w, "installs", d->installs);
            u64(&w, "refused", d->refusals);
            u64(&w, "removed", d->removals);
            nested(&w, "containers", 0, n);
        }
        for (int i = 0; i < FD_SLOTS; i++)
            if (d->slots[i].c)
                container(&w, d, i);
        if (format != FD_FMT_TEXT) {
            end(&w, 0);
            end(&w, 1);
        }
    }
    if (w.oom) {
        free(w.buf);
        return NULL;
    }
    if (!w.buf)
        w.buf = malloc(1);
    *len = w.len;
    return w.buf;
}
