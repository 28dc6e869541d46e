/* eBPF programs embedded in the firmware, generated at build time from the
 * shared `.data` files by firmware/tools/data2c.py. */
#ifndef FW_FIXTURES_H
#define FW_FIXTURES_H

#include <stdint.h>

#include "femto/vm.h"

typedef struct fw_fixture {
    const char *name;
    const fc_insn_t *text;
    uint32_t n_slots;
    const uint8_t *mem; /* NULL when the file has no `-- mem` */
    uint32_t mem_len;
    uint64_t result;     /* expected r0 */
    uint8_t must_reject; /* the verifier must refuse it */
} fw_fixture_t;

#endif
