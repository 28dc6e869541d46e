/* The device firmware: a Femto-Containers device on the network.
 *
 * Boots, mounts the flash record store, provisions the configuration at
 * first boot (femtod.conf format, read from the host once through
 * semihosting, then kept in flash as record "config"), starts the device
 * femtod also runs (apps/device/device.c: tenants, hooks, the atomic
 * install protocol, restart re-verification) on the bare-metal platform
 * (platform_bm.c: the port on the flash store), brings up lwIP on the
 * LAN9220, and serves the same CoAP resources (apps/device/server.c) on
 * UDP port 5683 through coap_wire.c. The timer hook fires every
 * timer_period_ms.
 *
 * Command line (QEMU -append, read through semihosting), key=value words:
 *   flash=PATH    the host file of the emulated flash (required)
 *   config=PATH   the configuration to provision when the flash holds none
 *   cut=N         power cut at the N-th flash program or erase (tests)
 *   crash=K       the device's kill point K of an install (FEMTOD_CRASH_STEP
 *                 for femtod)
 * scripts/qemu-device.sh writes it. */
#define _DEFAULT_SOURCE /* strsep */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm.h"
#include "coap_wire.h"
#include "config.h"
#include "device.h"
#include "fetch_bm.h"
#include "flash.h"
#include "lan9118.h"
#include "lwip/init.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "netif/ethernet.h"
#include "platform_bm.h"
#include "semihost.h"
#include "server.h"
#include "store.h"

#define COAP_PORT 5683
#define MSG_MAX 1280 /* a 1024-byte block with its header and options */

static char cmdline[600];
static const char *arg_flash, *arg_config;
static uint32_t arg_cut;
static int arg_crash;
static int arg_trace;

static bm_flash_file_t flash_file;
static bm_flash_fault_t flash_cut;
static bm_store_t store;
static fd_bm_t platform;
#define CONFIG_MAX 4096 /* the largest configuration provisioned */
static char config_text[CONFIG_MAX];
static fd_config_t config;
static fd_device_t device;
static fd_server_t server;
static struct netif netif;
static fd_bm_fetcher_t fetcher;
static lan9118_stats_t nic_stats;
static struct udp_pcb *coap_pcb;
static uint8_t tx_msg[MSG_MAX];

static _Noreturn void power_cut_halt(void)
{
    /* Nothing more reaches the flash: this is the moment of the cut. The
     * test SIGKILLs QEMU when it reads the line printed before this. */
    for (;;)
        bm_wait_for_interrupt();
}

static void on_flash_cut(uint32_t op, int erase)
{
    bm_printf("femto device: power cut at flash operation %u (%s)\n", (unsigned)op,
              erase ? "erase" : "program");
    power_cut_halt();
}

/* ---- lwIP's platform hooks (arch/cc.h, NO_SYS) ------------------------------------- */

uint32_t sys_now(void)
{
    return (uint32_t)bm_ticks();
}

void bm_lwip_diag(const char *fmt, ...)
{
    (void)fmt; /* LWIP_DEBUG is off */
}

_Noreturn void bm_lwip_assert(const char *msg, const char *file, int line)
{
    bm_printf("lwip: assertion '%s' failed at %s:%d\n", msg, file, line);
    bm_exit(BM_EXIT_FAIL);
}

uint32_t bm_lwip_rand(void)
{
    static uint32_t x = 0x2545f491u;
    x ^= (uint32_t)bm_ticks();
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

/* ---- command line ------------------------------------------------------------------ */

static void parse_cmdline(void)
{
    if (bm_sh_cmdline(cmdline, sizeof cmdline) != 0)
        return;
    char *save = cmdline;
    for (char *w; (w = strsep(&save, " ")) != NULL;)
        if (!strncmp(w, "flash=", 6))
            arg_flash = w + 6;
        else if (!strncmp(w, "config=", 7))
            arg_config = w + 7;
        else if (!strncmp(w, "cut=", 4))
            arg_cut = (uint32_t)strtoul(w + 4, NULL, 10);
        else if (!strcmp(w, "trace=1"))
            arg_trace = 1;
        else if (!strncmp(w, "crash=", 6))
            arg_crash = (int)strtol(w + 6, NULL, 10);
}

/* ---- storage and configuration ----------------------------------------------------- */

static int mount_flash(void)
{
    const char *why = "";
    if (!arg_flash) {
        bm_printf("femto device: no flash=PATH on the command line\n");
        return -1;
    }
    if (bm_flash_file_open(&flash_file, arg_flash, &why) != FC_OK) {
        bm_printf("femto device: flash %s: %s\n", arg_flash, why);
        return -1;
    }
    bm_flash_fault_init(&flash_cut, &flash_file, arg_cut, on_flash_cut);
    if (bm_store_mount(&store, &flash_cut.flash) != FC_OK) {
        bm_printf("femto device: flash store: cannot mount\n");
        return -1;
    }
    bm_printf("femto device: flash %u KiB, %u records, area generation %u, %u torn records "
              "skipped\n",
              (unsigned)(flash_file.flash.size / 1024), (unsigned)store.n, (unsigned)store.gen,
              (unsigned)store.torn);
    return 0;
}

/* First boot: copy the host's configuration into the record "config". */
static int provision(void)
{
    size_t len = 0;
    uint8_t probe[1];
    if (bm_store_read(&store, "config", probe, 0, &len) != FC_ERR_NOT_FOUND)
        return 0; /* provisioned before: the flash's copy rules */
    if (!arg_config) {
        bm_printf("femto device: the flash holds no configuration and none was given\n");
        return -1;
    }
    char *text = config_text;
    int fh = bm_sh_open(arg_config, BM_SH_READ);
    long n = fh >= 0 ? bm_sh_flen(fh) : -1;
    if (n < 0 || n > CONFIG_MAX) {
        bm_printf("femto device: config %s: cannot read it, or over %d bytes\n", arg_config,
                  CONFIG_MAX);
        return -1;
    }
    size_t got = bm_sh_read(fh, text, (size_t)n);
    bm_sh_close(fh);
    if (got != (size_t)n || bm_store_write(&store, "config", text, got) != FC_OK) {
        bm_printf("femto device: cannot provision the configuration into flash\n");
        return -1;
    }
    bm_printf("femto device: provisioned %u bytes of configuration into flash\n", (unsigned)got);
    return 0;
}

/* ---- CoAP over UDP ----------------------------------------------------------------- */

static void send_bytes(const ip_addr_t *addr, u16_t port, const uint8_t *data, size_t len)
{
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
    if (!p)
        return;
    memcpy(p->payload, data, len);
    udp_sendto(coap_pcb, p, addr, port);
    pbuf_free(p);
}

/* Requests are queued by lwIP's receive callback and answered from the
 * main loop, outside lwIP: an install that fetches its image by URI polls
 * the network while it waits (fetch_bm.c), and a request arriving then
 * must wait its turn rather than enter the server (or lwIP) twice. A full
 * queue drops the datagram: the client sends a CON again. */
#define RX_QUEUE 2
static struct rx_slot {
    int used;
    ip_addr_t addr;
    u16_t port;
    size_t len;
    uint8_t msg[MSG_MAX];
} rx_queue[RX_QUEUE];

static void on_coap(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                    u16_t port)
{
    (void)arg, (void)pcb;
    for (int i = 0; i < RX_QUEUE; i++) {
        struct rx_slot *q = &rx_queue[i];
        if (q->used)
            continue;
        q->used = 1;
        ip_addr_copy(q->addr, *addr);
        q->port = port;
        /* larger than any message we answer: a 4.13 needs its header, not its body */
        q->len = p->tot_len <= sizeof q->msg ? p->tot_len : 0;
        if (q->len)
            pbuf_copy_partial(p, q->msg, (u16_t)q->len, 0);
        break;
    }
    pbuf_free(p);
}

static void answer(const ip_addr_t *addr, u16_t port, const uint8_t *rx_msg, size_t len)
{
    static uint16_t next_mid = 0x4000;
    char peer[FD_PEER_MAX + 1];
    char host[IPADDR_STRLEN_MAX];
    ipaddr_ntoa_r(addr, host, sizeof host);
    snprintf(peer, sizeof peer, IP_IS_V6(addr) ? "[%s]:%u" : "%s:%u", host, (unsigned)port);
    cw_header_t h;
    fd_request_t req;
    int kind = cw_parse(rx_msg, len, peer, bm_ticks(), &h, &req);
    if (kind == CW_PING || kind == CW_REJECT) {
        send_bytes(addr, port, tx_msg, cw_encode_rst(h.mid, tx_msg));
        return;
    }
    if (kind != CW_REQUEST)
        return;
    fd_response_t resp;
    fd_server_handle(&server, &req, &resp);
    if (arg_trace) {
        for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
            if (ip6_addr_isvalid(netif_ip6_addr_state(&netif, i)))
                bm_printf("ipv6 address %d: %s\n", i, ip6addr_ntoa(netif_ip6_addr(&netif, i)));
        struct mallinfo mi = mallinfo();
        bm_printf("flash operations so far: %u; heap %u bytes in use, %u from the system\n",
                  (unsigned)flash_cut.ops, (unsigned)mi.uordblks, (unsigned)mi.arena);
        char path[48];
        snprintf(path, sizeof path, "%.*s", (int)req.path_len, req.path);
        bm_printf("coap: %s mid %u code %u path '%s' block1 %u/%d/%u (%u bytes) -> %u.%02u, %u "
                  "bytes\n",
                  peer, (unsigned)h.mid, (unsigned)req.method, path, (unsigned)req.block1.num,
                  req.block1.more, (unsigned)req.block1.szx, (unsigned)req.payload_len,
                  (unsigned)(resp.code >> 5), (unsigned)(resp.code & 31),
                  (unsigned)resp.payload_len);
    }
    size_t n = cw_encode_response(&h, next_mid++, &resp, tx_msg, sizeof tx_msg);
    if (n == 0) { /* cannot happen with 1024-byte blocks; say so rather than go silent */
        fd_response_free(&resp);
        resp = (fd_response_t){.code = FD_CODE(5, 0), .content_format = -1};
        n = cw_encode_response(&h, next_mid++, &resp, tx_msg, sizeof tx_msg);
    }
    send_bytes(addr, port, tx_msg, n);
    fd_response_free(&resp);
}

/* Answer the queued requests, oldest first. */
static void serve_queue(void)
{
    for (int i = 0; i < RX_QUEUE; i++) {
        struct rx_slot *q = &rx_queue[i];
        if (q->used) {
            answer(&q->addr, q->port, q->msg, q->len);
            q->used = 0;
        }
    }
}

static void poll_network(void)
{
    lan9118_poll(&netif);
    sys_check_timeouts();
}

static int start_network(void)
{
    ip4_addr_t ip, mask, gw;
    IP4_ADDR(&ip, 10, 0, 2, 15); /* QEMU user networking's guest address */
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 10, 0, 2, 2);
    lwip_init();
    if (!netif_add(&netif, &ip, &mask, &gw, &nic_stats, lan9118_netif_init, ethernet_input)) {
        bm_printf("femto device: no network interface (LAN9220)\n");
        return -1;
    }
    netif_create_ip6_linklocal_address(&netif, 1);
    netif.ip6_autoconfig_enabled = 1;
    netif_set_default(&netif);
    netif_set_up(&netif);
    coap_pcb = udp_new_ip_type(IPADDR_TYPE_ANY);
    if (!coap_pcb || udp_bind(coap_pcb, IP_ANY_TYPE, COAP_PORT) != ERR_OK) {
        bm_printf("femto device: cannot bind UDP port %d\n", COAP_PORT);
        return -1;
    }
    udp_recv(coap_pcb, on_coap, NULL);
    if (fd_bm_fetcher_init(&fetcher, poll_network) != 0) {
        bm_printf("femto device: no UDP socket for fetching images by URI\n");
        return -1;
    }
    device.fetch = fd_bm_fetch;
    device.fetch_ctx = &fetcher;
    return 0;
}

/* picolibc keeps errno in thread-local storage: give the one thread its
 * block before any library call can set errno (the start-up code is ours,
 * not picolibc's crt0, which would do this). The block holds only .tbss
 * (errno); _set_tls points the thread pointer at it. */
void _set_tls(void *tls);
static uint64_t tls_block[8];

int main(void)
{
    _set_tls(tls_block);
    bm_printf("femto device: %s booting\n", bm_board_name);
    parse_cmdline();
    if (mount_flash() != 0 || provision() != 0)
        return BM_EXIT_FAIL;
    char msg[300];
    size_t config_len = 0;
    fd_config_defaults(&config);
    if (bm_store_read(&store, "config", config_text, sizeof config_text, &config_len) != FC_OK) {
        bm_printf("femto device: the configuration record is unreadable or over %d bytes\n",
                  CONFIG_MAX);
        return BM_EXIT_FAIL;
    }
    /* keys as 64 hex digits: the board has no files to read them from */
    if (fd_config_parse(&config, "flash:config", config_text, config_len, NULL, NULL, msg,
                        sizeof msg) != 0) {
        bm_printf("femto device: configuration: %s\n", msg);
        return BM_EXIT_FAIL;
    }
    fd_bm_init(&platform, &store, arg_crash, power_cut_halt);
    if (fd_device_init(&device, &config, &platform.plat, msg, sizeof msg) != 0) {
        bm_printf("femto device: %s\n", msg);
        return BM_EXIT_FAIL;
    }
    fd_server_init(&server, &device);
    if (start_network() != 0)
        return BM_EXIT_FAIL;
    fd_device_fire_boot(&device);
    /* for the power-cut tests: the operations of this boot so far (the
     * boot counter), so that cut=N can aim at an install that follows */
    bm_printf("femto device: flash operations at boot: %u, area generation %u\n",
              (unsigned)flash_cut.ops, (unsigned)store.gen);
    bm_printf("femto device: boot %u, %u tenants; listening on coap://%s:%d (UDP, IPv4 and "
              "IPv6)\n",
              (unsigned)device.boot_count, (unsigned)config.n_tenants,
              ip4addr_ntoa(netif_ip4_addr(&netif)), COAP_PORT);
    fd_schedule_t schedule; /* the board ticks at 1 kHz: bm_ticks() counts ms */
    fd_schedule_start(&schedule, &config, bm_ticks());
    for (;;) {
        poll_network();
        serve_queue();
        fd_schedule_run(&schedule, &device, bm_ticks()); /* the 1 kHz tick wakes us */
        bm_wait_for_interrupt();
    }
}
