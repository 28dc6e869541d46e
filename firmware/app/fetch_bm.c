/* Fetch by URI on the board (fetch_bm.h). */
#include "fetch_bm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm.h"
#include "coap_wire.h"
#include "femto/status.h"
#include "fetch_blocks.h"
#include "lwip/ip_addr.h"
#include "lwip/udp.h"

#define ACK_TIMEOUT_MS 2000 /* RFC 7252 4.8: a CON is sent again after this, doubling */

static void on_datagram(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                        u16_t port)
{
    (void)pcb, (void)addr, (void)port;
    fd_bm_fetcher_t *f = arg;
    if (!f->rx_full && p->tot_len <= sizeof f->rx) {
        f->rx_len = pbuf_copy_partial(p, f->rx, p->tot_len, 0);
        f->rx_full = 1;
    }
    pbuf_free(p);
}

int fd_bm_fetcher_init(fd_bm_fetcher_t *f, void (*poll)(void))
{
    memset(f, 0, sizeof *f);
    f->poll = poll;
    f->mid = (uint16_t)bm_ticks();
    f->pcb = udp_new_ip_type(IPADDR_TYPE_ANY);
    if (!f->pcb || udp_bind(f->pcb, IP_ANY_TYPE, 0) != ERR_OK)
        return -1;
    udp_recv(f->pcb, on_datagram, f);
    return 0;
}

typedef struct target {
    fd_bm_fetcher_t *f;
    ip_addr_t addr;
    u16_t port;
    const char *path, *query;
    size_t path_len, query_len;
} target_t;

/* coap://HOST[:PORT][/PATH][?QUERY]: 0, or -1 with why. */
static int split_uri(const char *uri, target_t *t, char *why, size_t why_cap)
{
    const char *h = uri + 7, *end; /* after "coap://" (device.c checked it) */
    char host[64];
    if (*h == '[') {
        end = strchr(h, ']');
        if (!end || (size_t)(end - h - 1) >= sizeof host)
            goto bad;
        memcpy(host, h + 1, (size_t)(end - h - 1));
        host[end - h - 1] = '\0';
        end++;
    } else {
        end = h + strcspn(h, ":/?");
        if ((size_t)(end - h) >= sizeof host)
            goto bad;
        memcpy(host, h, (size_t)(end - h));
        host[end - h] = '\0';
    }
    if (!ipaddr_aton(host, &t->addr)) {
        snprintf(why, why_cap, "host '%s': an IPv4 or [IPv6] address (the board has no DNS)", host);
        return -1;
    }
    t->port = 5683;
    if (*end == ':') {
        char *after;
        unsigned long port = strtoul(end + 1, &after, 10);
        if (after == end + 1 || port == 0 || port > 65535)
            goto bad;
        t->port = (u16_t)port;
        end = after;
    }
    if (*end && *end != '/' && *end != '?')
        goto bad;
    const char *q = strchr(end, '?');
    t->path = *end == '/' ? end + 1 : end;
    t->path_len = (size_t)((q ? q : end + strlen(end)) - t->path);
    t->query = q ? q + 1 : "";
    t->query_len = strlen(t->query);
    return 0;
bad:
    snprintf(why, why_cap, "not a coap://HOST[:PORT]/PATH URI");
    return -1;
}

/* Send one GET for the block and wait for its answer (fd_get_block_fn). */
static int get_block(void *ctx, uint32_t num, uint32_t szx, uint64_t deadline, fd_block_answer_t *x)
{
    target_t *t = ctx;
    fd_bm_fetcher_t *f = t->f;
    uint8_t msg[600], token[4];
    uint16_t mid = f->mid++;
    uint32_t tok = ++f->token;
    memcpy(token, &tok, sizeof token);
    size_t n = cw_encode_get(mid, token, sizeof token, t->path, t->path_len, t->query, t->query_len,
                             num << 4 | szx, msg, sizeof msg);
    if (n == 0)
        return -1;
    uint64_t wait = ACK_TIMEOUT_MS, next_send = 0;
    f->rx_full = 0;
    while (bm_ticks() < deadline) {
        if (bm_ticks() >= next_send) { /* the first send, then retransmissions */
            struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)n, PBUF_RAM);
            if (!p)
                return -1;
            memcpy(p->payload, msg, n);
            udp_sendto(f->pcb, p, &t->addr, t->port);
            pbuf_free(p);
            next_send = bm_ticks() + wait;
            wait *= 2;
        }
        f->poll();
        if (!f->rx_full) {
            bm_wait_for_interrupt(); /* the 1 kHz tick wakes us */
            continue;
        }
        cw_header_t h;
        int kind = cw_parse_answer(f->rx, f->rx_len, &h, x);
        f->rx_full = 0;
        if (kind == CW_RESET && h.mid == mid) {
            x->failure = "reset by the server";
            x->done = 1;
            return 0;
        }
        if (kind != CW_ANSWER || h.tkl != sizeof token || memcmp(h.token, token, sizeof token)) {
            memset(x, 0, sizeof *x); /* someone else's, or a late answer to another block */
            continue;
        }
        if (h.type == CW_CON) { /* a separate answer: acknowledge it */
            uint8_t ack[4];
            size_t an = cw_encode_ack(h.mid, ack);
            struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)an, PBUF_RAM);
            if (p) {
                memcpy(p->payload, ack, an);
                udp_sendto(f->pcb, p, &t->addr, t->port);
                pbuf_free(p);
            }
        }
        x->done = 1;
        return 0;
    }
    return 0;
}

int fd_bm_fetch(void *ctx, const char *uri, size_t max_len, uint32_t timeout_ms, uint8_t **out,
                size_t *len, char *why, size_t why_cap)
{
    target_t t = {.f = ctx};
    *out = NULL;
    *len = 0;
    if (split_uri(uri, &t, why, why_cap) != 0)
        return FC_ERR_SUIT_UNSUPPORTED;
    return fd_fetch_blocks(get_block, &t, bm_ticks(), max_len, timeout_ms, out, len, why, why_cap);
}
