/* Internal helpers shared by the VM's source files. */
#ifndef FEMTO_VM_INTERNAL_H
#define FEMTO_VM_INTERNAL_H

#include "femto/vm.h"

/* Does region r hold all of [addr, addr+len)? Overflow-free on the full
 * 64-bit guest address, also when uintptr_t and size_t are 32 bits: an
 * address below start wraps to a huge offset and fails the first test, an
 * address with its high half set can never be within len of start. */
static inline int fc_region_contains(const fc_region_t *r, uint64_t addr, uint64_t len)
{
    uint64_t off = addr - (uint64_t)r->start;
    return off <= (uint64_t)r->len && len <= (uint64_t)r->len - off;
}

#endif
