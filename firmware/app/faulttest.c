/* Negative test of the fault path: this image must crash on purpose and the
 * board's fault handler must report it and end the run with
 * BM_EXIT_CPU_FAULT. run-tests.sh expects exactly that status, which proves
 * that a real CPU fault anywhere in the firmware cannot pass as success. */
#include <stdint.h>

#include "bm.h"

static volatile uint32_t words[2];

int main(void)
{
    bm_printf("fault test on %s: provoking a CPU fault\n", bm_board_name);
#if defined(__arm__)
    /* An unaligned word load with unaligned trapping on: UsageFault,
     * escalated to HardFault. */
    bm_strict_alignment(1);
    volatile uint32_t *p = (volatile uint32_t *)((uintptr_t)words + 1u);
    bm_printf("loaded 0x%x\n", (unsigned)*p);
#else
    /* An illegal instruction: a trap with mcause 2. */
    __asm volatile(".word 0" ::: "memory");
#endif
    bm_puts("no fault happened\n");
    return BM_EXIT_PASS;
}
