/* WP harness: fc_region_contains (src/vm/vm_internal.h) on its own, so the
 * contract is proven for the machdep given on the command line. */
#include <stdint.h>

#include "c11_axioms.h"
#include "../../src/vm/vm_internal.h"

/*@ requires \valid_read(r) && fc_region_wf(*r);
    assigns \nothing; */
int fc_proof_region_contains(const fc_region_t *r, uint64_t addr, uint64_t len)
{
    return fc_region_contains(r, addr, len);
}
