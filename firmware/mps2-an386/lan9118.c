/* LAN9118/LAN9220 driver (lan9118.h). Registers and FIFO formats from the
 * SMSC LAN9118 datasheet; the chip is used in 32-bit PIO mode: frames are
 * pushed to and popped from the TX/RX data FIFOs word by word. */
#include "lan9118.h"

#include <string.h>

#include "bm.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#define REG(off) (*(volatile uint32_t *)(LAN9118_BASE + (off)))
#define RX_DATA_FIFO REG(0x00)
#define TX_DATA_FIFO REG(0x20)
#define RX_STATUS_FIFO REG(0x40)
#define TX_STATUS_FIFO REG(0x48)
#define ID_REV REG(0x50)
#define INT_EN REG(0x5c)
#define BYTE_TEST REG(0x64)
#define RX_CFG REG(0x6c)
#define TX_CFG REG(0x70)
#define HW_CFG REG(0x74)
#define RX_DP_CTRL REG(0x78)
#define RX_FIFO_INF REG(0x7c)
#define TX_FIFO_INF REG(0x80)
#define MAC_CSR_CMD REG(0xa4)
#define MAC_CSR_DATA REG(0xa8)

#define HW_CFG_SRST 1u
#define TX_CFG_TX_ON 2u
#define CSR_BUSY 0x80000000u
#define CSR_READ 0x40000000u
#define MAC_CR 1u
#define MAC_ADDRH 2u
#define MAC_ADDRL 3u
#define MAC_CR_RXEN 0x04u
#define MAC_CR_TXEN 0x08u
#define MAC_CR_MCPAS 0x00080000u /* pass all multicast: IPv6 neighbour discovery */
#define MAC_CR_FDPX 0x00100000u
#define RX_STS_ERROR 0x00008000u
#define RX_DP_FFWD 0x80000000u
#define TX_CMD_A_FIRST 0x2000u
#define TX_CMD_A_LAST 0x1000u

#define MTU_FRAME 1514u /* Ethernet header + 1500 */
#define SPIN_LIMIT 100000u

static int mac_wait(void)
{
    for (uint32_t i = 0; i < SPIN_LIMIT; i++)
        if (!(MAC_CSR_CMD & CSR_BUSY))
            return 0;
    return -1;
}

static uint32_t mac_read(uint32_t reg)
{
    MAC_CSR_CMD = CSR_BUSY | CSR_READ | reg;
    mac_wait();
    return MAC_CSR_DATA;
}

static void mac_write(uint32_t reg, uint32_t val)
{
    MAC_CSR_DATA = val;
    MAC_CSR_CMD = CSR_BUSY | reg;
    mac_wait();
}

/* lwIP's output: one frame, possibly a chain of pbufs, sent as one TX
 * buffer (first and last segment) through a word-aligned bounce buffer. */
static err_t lan9118_output(struct netif *netif, struct pbuf *p)
{
    lan9118_stats_t *st = netif->state;
    static uint32_t frame[(MTU_FRAME + 3) / 4];
    if (p->tot_len > MTU_FRAME) {
        st->tx_dropped++;
        return ERR_BUF;
    }
    uint16_t len = pbuf_copy_partial(p, frame, p->tot_len, 0);
    uint32_t words = (len + 3u) / 4u;
    /* free space in the TX data FIFO (bytes), for the words and 2 commands */
    for (uint32_t i = 0; (TX_FIFO_INF & 0xffffu) < words * 4u + 8u; i++) {
        if (i == SPIN_LIMIT) {
            st->tx_dropped++;
            return ERR_IF;
        }
    }
    TX_DATA_FIFO = TX_CMD_A_FIRST | TX_CMD_A_LAST | len;
    TX_DATA_FIFO = ((uint32_t)len << 16) | len; /* cmd B: tag, packet length */
    for (uint32_t i = 0; i < words; i++)
        TX_DATA_FIFO = frame[i];
    /* drop the TX status words: we do not track completions */
    while (TX_FIFO_INF >> 16 & 0xffu)
        (void)TX_STATUS_FIFO;
    st->tx_frames++;
    return ERR_OK;
}

err_t lan9118_netif_init(struct netif *netif)
{
    if (BYTE_TEST != 0x87654321u || (ID_REV >> 16) != 0x0118u) {
        bm_printf("lan9118: no chip at 0x%08x (BYTE_TEST 0x%08x, ID_REV 0x%08x)\n",
                  (unsigned)LAN9118_BASE, (unsigned)BYTE_TEST, (unsigned)ID_REV);
        return ERR_IF;
    }
    HW_CFG = HW_CFG_SRST;
    for (uint32_t i = 0; HW_CFG & HW_CFG_SRST; i++)
        if (i == SPIN_LIMIT)
            return ERR_IF;
    INT_EN = 0;
    RX_CFG = 0; /* no offset, no end padding */
    uint32_t lo = mac_read(MAC_ADDRL), hi = mac_read(MAC_ADDRH);
    netif->hwaddr_len = 6;
    netif->hwaddr[0] = (uint8_t)lo;
    netif->hwaddr[1] = (uint8_t)(lo >> 8);
    netif->hwaddr[2] = (uint8_t)(lo >> 16);
    netif->hwaddr[3] = (uint8_t)(lo >> 24);
    netif->hwaddr[4] = (uint8_t)hi;
    netif->hwaddr[5] = (uint8_t)(hi >> 8);
    netif->mtu = 1500;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
                   NETIF_FLAG_LINK_UP | NETIF_FLAG_MLD6;
    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->output = etharp_output;
    netif->output_ip6 = ethip6_output;
    netif->linkoutput = lan9118_output;
    TX_CFG = TX_CFG_TX_ON;
    mac_write(MAC_CR, MAC_CR_TXEN | MAC_CR_RXEN | MAC_CR_MCPAS | MAC_CR_FDPX);
    return ERR_OK;
}

int lan9118_poll(struct netif *netif)
{
    lan9118_stats_t *st = netif->state;
    int n = 0;
    /* bounded: at most the frames queued when we started (plus a few) */
    for (int budget = 32; budget > 0 && (RX_FIFO_INF >> 16 & 0xffu); budget--) {
        uint32_t status = RX_STATUS_FIFO;
        uint32_t len = status >> 16 & 0x3fffu; /* bytes, including the 4-byte CRC */
        uint32_t words = (len + 3u) / 4u;
        if ((status & RX_STS_ERROR) || len < 14u + 4u || len > MTU_FRAME + 4u + 4u) {
            st->rx_errors++;
            if (words >= 4u)
                RX_DP_CTRL = RX_DP_FFWD; /* skip the frame in the FIFO */
            else
                for (uint32_t i = 0; i < words; i++)
                    (void)RX_DATA_FIFO;
            continue;
        }
        uint32_t frame_len = len - 4u;
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)frame_len, PBUF_POOL);
        static uint32_t frame[(MTU_FRAME + 8u + 3u) / 4u];
        for (uint32_t i = 0; i < words; i++)
            frame[i] = RX_DATA_FIFO;
        if (!p) {
            st->rx_dropped++;
            continue;
        }
        pbuf_take(p, frame, (u16_t)frame_len);
        if (netif->input(p, netif) != ERR_OK) {
            pbuf_free(p);
            st->rx_dropped++;
            continue;
        }
        st->rx_frames++;
        n++;
    }
    return n;
}
