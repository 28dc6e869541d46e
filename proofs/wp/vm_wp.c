/* WP harness for src/vm/vm.c: the contracts live in the source; this file
 * only adds the C11 axiom (c11_axioms.h) to the same Frama-C project. */
#include "c11_axioms.h"
#include "../../src/vm/vm.c"
