/* The bare-metal port: see port.h for what each entry does and does not. */
#include "port.h"

#include <string.h>

#include "bm.h"
#include "store.h"

static uint64_t port_now_us(void *ctx)
{
    const bm_port_state_t *st = ctx;
    return bm_ticks() * st->us_per_tick;
}

static void port_log(void *ctx, int level, const char *text, size_t len)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    (void)ctx;
    bm_printf("[%s] ", level >= 0 && level <= FC_LOG_DEBUG ? names[level] : "?");
    for (size_t i = 0; i < len; i++)
        bm_putc(text[i]);
    bm_puts("\n");
}

/* The record with this name, or NULL. Names are NUL-terminated and shorter
 * than FC_PORT_NAME_MAX (the engine guarantees it; we check anyway). */
static bm_record_t *find_record(bm_port_state_t *st, const char *name)
{
    for (unsigned i = 0; i < BM_STORE_RECORDS; i++) {
        bm_record_t *r = &st->records[i];
        if (r->used && strncmp(r->name, name, FC_PORT_NAME_MAX) == 0)
            return r;
    }
    return NULL;
}

static int valid_name(const char *name)
{
    return name != NULL && memchr(name, '\0', FC_PORT_NAME_MAX) != NULL && name[0] != '\0';
}

static fc_status_t port_storage_read(void *ctx, const char *name, void *buf, size_t cap,
                                     size_t *len)
{
    bm_port_state_t *st = ctx;
    if (st->store)
        return bm_store_read(st->store, name, buf, cap, len);
    if (!valid_name(name))
        return FC_ERR_STORAGE;
    const bm_record_t *r = find_record(ctx, name);
    if (r == NULL)
        return FC_ERR_NOT_FOUND;
    *len = r->len;
    if (cap < r->len)
        return FC_ERR_BUFFER;
    memcpy(buf, r->data, r->len);
    return FC_OK;
}

static fc_status_t port_storage_write(void *ctx, const char *name, const void *data, size_t len)
{
    bm_port_state_t *st = ctx;
    if (st->store)
        return bm_store_write(st->store, name, data, len);
    if (!valid_name(name) || len > BM_STORE_RECORD_MAX)
        return FC_ERR_STORAGE;
    bm_record_t *r = find_record(st, name);
    for (unsigned i = 0; r == NULL && i < BM_STORE_RECORDS; i++) {
        if (!st->records[i].used) {
            r = &st->records[i];
            strncpy(r->name, name, FC_PORT_NAME_MAX - 1);
            r->name[FC_PORT_NAME_MAX - 1] = '\0';
        }
    }
    if (r == NULL)
        return FC_ERR_STORAGE; /* store full */
    memcpy(r->data, data, len);
    r->len = (uint32_t)len;
    r->used = 1;
    return FC_OK;
}

static fc_status_t port_storage_remove(void *ctx, const char *name)
{
    bm_port_state_t *st = ctx;
    if (st->store)
        return bm_store_remove(st->store, name);
    bm_record_t *r = valid_name(name) ? find_record(ctx, name) : NULL;
    if (r == NULL)
        return FC_ERR_NOT_FOUND;
    r->used = 0;
    return FC_OK;
}

static fc_status_t port_sensor_read(void *ctx, uint32_t index, int32_t *value)
{
    (void)ctx, (void)index, (void)value;
    return FC_ERR_NOT_FOUND; /* the QEMU boards have no sensors */
}

static fc_status_t port_random(void *ctx, void *buf, size_t len)
{
    (void)ctx, (void)buf, (void)len;
    return FC_ERR_CRYPTO; /* no entropy source on these boards */
}

void bm_port_init(fc_port_t *port, bm_port_state_t *state, uint32_t us_per_tick)
{
    memset(port, 0, sizeof *port);
    memset(state, 0, sizeof *state);
    state->us_per_tick = us_per_tick;
    port->ctx = state;
    port->now_us = port_now_us;
    port->log = port_log;
    port->storage_read = port_storage_read;
    port->storage_write = port_storage_write;
    port->storage_remove = port_storage_remove;
    port->sensor_read = port_sensor_read;
    port->random = port_random;
}

void bm_port_use_store(fc_port_t *port, struct bm_store *store)
{
    ((bm_port_state_t *)port->ctx)->store = store;
}
