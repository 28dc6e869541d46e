/* lwIP configuration of the device firmware: no OS (NO_SYS, raw API, one
 * thread: the main loop polls the Ethernet driver and runs the timers),
 * UDP only (CoAP), IPv4 and IPv6 on Ethernet. Memory is static: the heap
 * and pools below are lwIP's own arrays in .bss, so `make footprint` shows
 * the network stack's RAM as part of the firmware. */
#ifndef FC_LWIPOPTS_H
#define FC_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0 /* no interrupt handler touches lwIP */
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0

#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_UDP 1
#define LWIP_TCP 0
#define LWIP_RAW 0
#define LWIP_DHCP 0 /* the address is static (QEMU user networking: 10.0.2.15) */
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define LWIP_IPV6_AUTOCONFIG 1 /* link-local and SLAAC addresses */
#define LWIP_IPV6_MLD 1        /* solicited-node groups: neighbour discovery works */
#define LWIP_IPV6_DHCP6 0
#define LWIP_IPV6_FRAG 0
#define LWIP_IPV6_REASS 0
#define IP_REASSEMBLY 0 /* a CoAP message is one datagram (blocks of at most 1024 bytes) */
#define IP_FRAG 0
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_SINGLE_NETIF 1

/* Memory: one 1536-byte Ethernet frame per pool buffer. */
#define MEM_ALIGNMENT 4
#define MEM_SIZE (12 * 1024)
#define MEMP_NUM_PBUF 8
#define MEMP_NUM_UDP_PCB 2
#define PBUF_POOL_SIZE 8
#define PBUF_POOL_BUFSIZE 1536
#define MEMP_NUM_SYS_TIMEOUT 8
#define ARP_TABLE_SIZE 4
#define ARP_QUEUEING 0
#define LWIP_ND6_NUM_NEIGHBORS 4
#define LWIP_ND6_NUM_DESTINATIONS 4
#define LWIP_ND6_NUM_PREFIXES 2
#define LWIP_ND6_NUM_ROUTERS 2
#define LWIP_ND6_QUEUEING 0

#define LWIP_STATS 0
#define LWIP_STATS_DISPLAY 0
#define LWIP_DEBUG 0
#define LWIP_CHKSUM_ALGORITHM 3
#define LWIP_NETIF_HOSTNAME 0
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 0

#endif
