/* The device's platform on bare metal (platform_bm.h). */
#include "platform_bm.h"

#include <string.h>

#include "../../src/common/fc_sensor_sim.h"
#include "bm.h"

/* QEMU's AN386 has no sensors: FC_BM_SENSORS simulated ones with the POSIX
 * port's waveform (seed 0), one copy in src/common/fc_sensor_sim.h. */
static fc_status_t bm_sensor(void *ctx, uint32_t index, int32_t *value)
{
    /* ctx is the bare-metal port's, &p->bm */
    fd_bm_t *p = (fd_bm_t *)((char *)ctx - offsetof(fd_bm_t, bm));
    if (index >= FC_BM_SENSORS)
        return FC_ERR_NOT_FOUND;
    *value = fc_sensor_sim(index, p->sensor_reads[index]++, index);
    return FC_OK;
}

/* The store's records "dir/NAME". Walked from the last index entry down:
 * a removal moves the last entry into the freed place (store.c), which has
 * been visited already, so removing the record given to fn skips none. */
static int bm_list(void *ctx, const char *dir, fd_list_fn fn, void *arg)
{
    fd_bm_t *p = ctx;
    size_t dl = strlen(dir);
    for (uint32_t i = p->store->n; i-- > 0;) {
        const bm_store_entry_t *e = &p->store->index[i];
        if (strncmp(e->name, dir, dl) != 0 || e->name[dl] != '/' || strchr(e->name + dl + 1, '/'))
            continue;
        char name[FC_PORT_NAME_MAX];
        strcpy(name, e->name + dl + 1); /* fn may remove the record: keep its name */
        fn(arg, name, e->len);
    }
    return FC_OK;
}

static void bm_kill_point(void *ctx, int step, int write_no, const char *name, const void *data,
                          size_t len)
{
    (void)write_no, (void)name, (void)data, (void)len;
    fd_bm_t *p = ctx;
    if (step && step == p->crash_step) {
        bm_printf("femto device: power cut (at install kill point %d)\n", step);
        p->halt();
    }
}

void fd_bm_init(fd_bm_t *p, bm_store_t *store, int crash_step, void (*halt)(void))
{
    memset(p, 0, sizeof *p);
    p->store = store;
    p->crash_step = crash_step;
    p->halt = halt;
    bm_port_init(&p->port, &p->bm, 1000u); /* the boards tick at 1 kHz */
    bm_port_use_store(&p->port, store);
    bm_port_use_sodium(&p->port);
    p->port.sensor_read = bm_sensor;
    p->plat = (fd_platform_t){.ctx = p,
                              .port = &p->port,
                              .list = bm_list,
                              .kill_point = crash_step ? bm_kill_point : NULL};
}
