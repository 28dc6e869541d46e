/* RISC-V machine-mode trap handler shared by the boards: the timer interrupt
 * goes to the board; any exception (illegal instruction, access fault,
 * misaligned access, ...) is reported with mcause/mepc/mtval and ends the
 * run with BM_EXIT_CPU_FAULT, so a crash can never pass as success. */
#include <stdint.h>

#include "bm.h"

void bm_trap_entry(void) __attribute__((interrupt("machine"), aligned(4)));
void bm_board_timer_interrupt(void);

#define MCAUSE_INTERRUPT 0x80000000u
#define IRQ_MACHINE_TIMER 7u

#define READ_CSR(name)                                                                             \
    ({                                                                                             \
        uint32_t v_;                                                                               \
        __asm volatile("csrr %0, " #name : "=r"(v_));                                              \
        v_;                                                                                        \
    })

static const char *cause_text(uint32_t cause)
{
    static const char *const text[] = {
        "instruction address misaligned",
        "instruction access fault",
        "illegal instruction",
        "breakpoint",
        "load address misaligned",
        "load access fault",
        "store/AMO address misaligned",
        "store/AMO access fault",
        "ecall from U-mode",
        "ecall from S-mode",
        "reserved",
        "ecall from M-mode",
    };
    return cause < sizeof text / sizeof text[0] ? text[cause] : "?";
}

void bm_trap_entry(void)
{
    uint32_t mcause = READ_CSR(mcause);
    if (mcause == (MCAUSE_INTERRUPT | IRQ_MACHINE_TIMER)) {
        bm_board_timer_interrupt();
        return;
    }
    uint32_t mepc = READ_CSR(mepc);
    uint32_t mtval = READ_CSR(mtval);
    if (mcause & MCAUSE_INTERRUPT) {
        bm_printf("\n*** unexpected interrupt %u at mepc=0x%08x\n", (unsigned)(mcause & 0xffu),
                  (unsigned)mepc);
    } else {
        bm_printf("\n*** CPU FAULT: mcause=%u (%s)\n    mepc=0x%08x mtval=0x%08x\n",
                  (unsigned)mcause, cause_text(mcause), (unsigned)mepc, (unsigned)mtval);
    }
    bm_exit(BM_EXIT_CPU_FAULT);
}
