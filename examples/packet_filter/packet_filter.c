/* packet_filter: a network packet filter on the packet hook.
 *
 * The context is the raw packet. Drops (returns 1) anything that is not a
 * well-formed IPv6 packet, and UDP datagrams to the discard (9) and
 * chargen (19) ports, which are only ever used for amplification; accepts
 * (returns 0) the rest. */
#include <femto.h>

#define IPV6_HEADER 40
#define UDP_HEADER 8
#define PROTO_UDP 17

FC_ENTRY(packet_filter)
{
    const uint8_t *p = ctx;
    if (ctx_len < IPV6_HEADER || (p[0] >> 4) != 6)
        return 1;
    if (p[6] != PROTO_UDP)
        return 0;
    if (ctx_len < IPV6_HEADER + UDP_HEADER)
        return 1; /* truncated UDP header */
    uint32_t dport = (uint32_t)p[IPV6_HEADER + 2] << 8 | p[IPV6_HEADER + 3];
    if (dport == 9 || dport == 19) {
        fc_printf("drop udp to port %u", dport);
        return 1;
    }
    return 0;
}
