/* Hostile: overwrite the context of a read-only hook (timer). Expected:
 * FC_FAULT_MEM_PERM, the firmware's context unchanged. */
#include <femto.h>

FC_ENTRY(write_ro_ctx)
{
    fc_hook_timer_ctx_t *t = ctx;
    t->tick = 0xdead;
    return 0;
}
