# lwip.mk: the part of lwIP the device firmware needs (NO_SYS raw API: UDP
# over IPv4 and IPv6 on Ethernet, ARP, ICMP, ICMPv6/ND/MLD), compiled from
# Debian's lwip source package for the target. Fetched by
# scripts/fetch-deb-src.sh lwip into build/third_party/ (never committed).
# Our configuration: firmware/lwip/lwipopts.h and arch/cc.h.
#
# Inputs: REPO, THIRD_PARTY (sodium.mk sets it). Outputs: LWIP_DIR,
# LWIP_SRCS, LWIP_CFLAGS, HAVE_LWIP (1 when the sources are present).
THIRD_PARTY ?= $(REPO)/build/third_party
LWIP_DIR  := $(THIRD_PARTY)/lwip/src
HAVE_LWIP := $(if $(wildcard $(LWIP_DIR)/include/lwip/init.h),1,)

LWIP_SRCS := $(addprefix $(LWIP_DIR)/core/,init.c def.c inet_chksum.c ip.c mem.c memp.c netif.c \
                 pbuf.c stats.c sys.c timeouts.c udp.c) \
             $(addprefix $(LWIP_DIR)/core/ipv4/,etharp.c icmp.c ip4.c ip4_addr.c ip4_frag.c) \
             $(addprefix $(LWIP_DIR)/core/ipv6/,ethip6.c icmp6.c inet6.c ip6.c ip6_addr.c \
                 ip6_frag.c mld6.c nd6.c) \
             $(LWIP_DIR)/netif/ethernet.c

LWIP_CFLAGS = -I$(FW_DIR)/lwip -I$(LWIP_DIR)/include
