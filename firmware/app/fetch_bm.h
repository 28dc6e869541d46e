/* Fetch by URI on the board (an fd_fetch_fn, apps/device/device.h): the
 * transport under the shared block-wise fetch (apps/device/fetch_blocks.c),
 * a CoAP client on lwIP. URIs: coap://HOST[:PORT]/PATH[?QUERY] with HOST an
 * IPv4 address or a bracketed IPv6 one (no DNS on the board). While it
 * waits it polls the network through poll(); the device application must
 * not handle requests from inside that (device_main.c queues them). */
#ifndef FC_FETCH_BM_H
#define FC_FETCH_BM_H

#include <stddef.h>
#include <stdint.h>

typedef struct fd_bm_fetcher {
    void (*poll)(void); /* one round of the network (driver, lwIP timers) */
    struct udp_pcb *pcb;
    uint16_t mid;
    uint32_t token;
    /* the last datagram that came to pcb, until taken */
    int rx_full;
    size_t rx_len;
    uint8_t rx[1280];
} fd_bm_fetcher_t;

/* 0, or -1 when no UDP socket could be had. */
int fd_bm_fetcher_init(fd_bm_fetcher_t *f, void (*poll)(void));

int fd_bm_fetch(void *ctx, const char *uri, size_t max_len, uint32_t timeout_ms, uint8_t **out,
                size_t *len, char *why, size_t why_cap);

#endif
