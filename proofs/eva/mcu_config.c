/* Preprocessed twice by proofs/run.sh (job "mcu"): with the firmware's
 * cross compilers and flags (firmware/board.mk) and with the preprocessing
 * command Frama-C runs for the Eva job. Every FC_ macro the VM's headers
 * define must come out the same in both, so the configuration Eva analyses
 * (FC_VM_SMALL, FC_VM_REASONS, FC_VM_TRACE, the limits, FC_MEMCPY ...) is
 * the one the firmware is built with. vm_run.h also stops a big-endian
 * configuration with #error. */
#include "femto/vm.h"
#include "femto/vm_isa.h"
#include "../../src/vm/vm_internal.h"
#include "../../src/vm/vm_run.h"
