/* WP harness for fc_isa_decode (src/vm/isa_core.c); the contract is in the source. */
#include "c11_axioms.h"
#include "../../src/vm/isa_core.c"
