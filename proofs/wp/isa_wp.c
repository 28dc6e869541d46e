/* WP harness for fc_isa_decode (src/vm/isa_decode.c); the contract is in the
 * source. The named table is left undefined here: the contract holds for
 * any content. */
#include "c11_axioms.h"
#include "../../src/vm/isa_decode.c"
