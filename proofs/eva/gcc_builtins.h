/* The GCC builtins the VM calls, as the "mcu" Eva job sees them
 * (proofs/run.sh passes -include this file; docs/assurance.md, 5.1). The
 * job keeps __GNUC__ and undefines __FRAMAC__, so the sources take the
 * branches GCC takes; Frama-C's x86_32 machdep has no declaration of these
 * builtins, and a function without code or specification would get default
 * assigns (the gate refuses that). Each is mapped to what GCC defines it
 * to be:
 *  - __builtin_memcpy is the library memcpy (GCC may expand it inline):
 *    Eva checks the libc contract, both ranges valid and not overlapping;
 *  - __builtin_expect(x, c) is x;
 *  - reaching __builtin_unreachable() is undefined behaviour: a call to a
 *    function whose precondition is false, so Eva reports every one it
 *    cannot show dead. */
#ifndef FEMTO_PROOF_GCC_BUILTINS_H
#define FEMTO_PROOF_GCC_BUILTINS_H
#include <string.h>

#define __builtin_memcpy memcpy
#define __builtin_expect(x, c) (x)

/*@ requires unreachable: \false;
    assigns \nothing; */
void fc_proof_unreachable(void);
#define __builtin_unreachable() fc_proof_unreachable()
#endif
