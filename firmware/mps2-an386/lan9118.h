/* SMSC LAN9118/LAN9220 Ethernet controller (the MPS2 AN386's, QEMU device
 * `lan9118` at 0x40200000) as an lwIP network interface. Polled: the main
 * loop calls lan9118_poll(), which hands every received frame to lwIP; no
 * interrupt is used. */
#ifndef FC_LAN9118_H
#define FC_LAN9118_H

#include <stdint.h>

#include "lwip/netif.h"

#define LAN9118_BASE 0x40200000u

typedef struct lan9118_stats {
    uint32_t rx_frames, rx_dropped, rx_errors, tx_frames, tx_dropped;
} lan9118_stats_t;

/* netif_add()'s init function: checks the chip (BYTE_TEST, ID_REV), resets
 * it, reads the MAC address QEMU put in its EEPROM, and enables TX and RX.
 * netif->state must point to a lan9118_stats_t. */
err_t lan9118_netif_init(struct netif *netif);

/* Pass every frame waiting in the RX FIFO to netif->input. Returns how many. */
int lan9118_poll(struct netif *netif);

#endif
