/* Cortex-M start-up shared by the boards (M4 mps2-an386, M0+ link check):
 * vector table, reset handler, fault reporting, SysTick, and the exit
 * through semihosting so that QEMU's exit status is the firmware verdict.
 * Written for ARMv6-M and ARMv7-M alike (Thumb-1 safe assembly). */
#include <stdint.h>
#include <string.h>

#include "bm.h"

/* Linker script symbols (sections.ld). */
extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[], __stack_top[];

_Noreturn void bm_reset(void);
void bm_fault_entry(void);
void bm_systick_handler(void);
void bm_unexpected_irq(void);
_Noreturn void bm_fault_report(const uint32_t *frame, uint32_t exc_return);

/* System control block registers (ARMv6-M / ARMv7-M). */
#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define SCB_CCR (*(volatile uint32_t *)0xE000ED14u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u)
#define SCB_BFAR (*(volatile uint32_t *)0xE000ED38u)
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

#define CCR_UNALIGN_TRP (1u << 3)

typedef void (*bm_vector_t)(void);

/* 16 system exceptions + 32 external interrupts (the MPS2 UARTs, timers,
 * ... are never enabled, so one catch-all handler serves them). */
__attribute__((section(".vectors"), used)) static const bm_vector_t vector_table[16 + 32] = {
    [0] = (bm_vector_t)(uintptr_t)__stack_top,
    [1] = (bm_vector_t)bm_reset,
    [2] = bm_fault_entry,     /* NMI */
    [3] = bm_fault_entry,     /* HardFault */
    [4] = bm_fault_entry,     /* MemManage (v7-M) */
    [5] = bm_fault_entry,     /* BusFault (v7-M) */
    [6] = bm_fault_entry,     /* UsageFault (v7-M) */
    [11] = bm_unexpected_irq, /* SVCall */
    [12] = bm_unexpected_irq, /* DebugMonitor */
    [14] = bm_unexpected_irq, /* PendSV */
    [15] = bm_systick_handler,
    [16 ... 47] = bm_unexpected_irq,
};

_Noreturn void bm_reset(void)
{
    size_t data_len = (size_t)((uintptr_t)__data_end - (uintptr_t)__data_start);
    size_t bss_len = (size_t)((uintptr_t)__bss_end - (uintptr_t)__bss_start);
    memcpy(__data_start, __data_load, data_len);
    memset(__bss_start, 0, bss_len);
    bm_board_init();
    bm_exit(main());
}

/* Find the stacked exception frame (MSP or PSP, per EXC_RETURN bit 2) and
 * hand it to the C reporter. Thumb-1 only: this also runs on ARMv6-M. */
__attribute__((naked)) void bm_fault_entry(void)
{
    __asm volatile("movs r0, #4\n"
                   "mov r1, lr\n"
                   "tst r0, r1\n"
                   "beq 1f\n"
                   "mrs r0, psp\n"
                   "b 2f\n"
                   "1: mrs r0, msp\n"
                   "2: ldr r2, =bm_fault_report\n"
                   "bx r2\n"
                   ".ltorg\n");
}

_Noreturn void bm_fault_report(const uint32_t *frame, uint32_t exc_return)
{
    uint32_t exception = SCB_ICSR & 0x1ffu;
    bm_printf("\n*** CPU FAULT: exception %u\n", (unsigned)exception);
    bm_printf("    pc=0x%08x lr=0x%08x xpsr=0x%08x exc_return=0x%08x\n", (unsigned)frame[6],
              (unsigned)frame[5], (unsigned)frame[7], (unsigned)exc_return);
    bm_printf("    r0=0x%08x r1=0x%08x r2=0x%08x r3=0x%08x r12=0x%08x\n", (unsigned)frame[0],
              (unsigned)frame[1], (unsigned)frame[2], (unsigned)frame[3], (unsigned)frame[4]);
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
    uint32_t cfsr = SCB_CFSR;
    bm_printf("    cfsr=0x%08x hfsr=0x%08x", (unsigned)cfsr, (unsigned)SCB_HFSR);
    if (cfsr & (1u << 7))
        bm_printf(" mmfar=0x%08x", (unsigned)SCB_MMFAR);
    if (cfsr & (1u << 15))
        bm_printf(" bfar=0x%08x", (unsigned)SCB_BFAR);
    if (cfsr & (1u << 24))
        bm_puts(" (unaligned access)");
    bm_puts("\n");
#endif
    bm_exit(BM_EXIT_CPU_FAULT);
}

void bm_unexpected_irq(void)
{
    bm_printf("\n*** unexpected exception %u\n", (unsigned)(SCB_ICSR & 0x1ffu));
    bm_exit(BM_EXIT_CPU_FAULT);
}

/* ---- SysTick: the board's tick ---------------------------------------- */
static volatile uint32_t systick_count;

void bm_systick_handler(void)
{
    systick_count++;
}

/* Start SysTick on the processor clock, one interrupt every `reload` + 1
 * cycles (the board picks the reload from its clock). */
void bm_systick_start(uint32_t reload)
{
    SYST_RVR = reload & 0x00ffffffu;
    SYST_CVR = 0;
    SYST_CSR = 7u; /* processor clock, interrupt, enable */
}

void bm_systick_stop(void)
{
    SYST_CSR = 0;
}

uint64_t bm_ticks(void)
{
    return systick_count;
}

void bm_wait_for_interrupt(void)
{
    __asm volatile("wfi" ::: "memory");
}

int bm_strict_alignment(int on)
{
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
    if (on)
        SCB_CCR |= CCR_UNALIGN_TRP;
    else
        SCB_CCR &= ~CCR_UNALIGN_TRP;
    __asm volatile("dsb\n isb" ::: "memory");
    return 1;
#else
    (void)on; /* ARMv6-M always traps unaligned accesses */
    return 1;
#endif
}

/* ---- exit through semihosting ------------------------------------------- */
#define SYS_EXIT_EXTENDED 0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

_Noreturn void bm_exit(int status)
{
    /* SYS_EXIT_EXTENDED takes a block {reason, subcode}; QEMU exits with
     * the subcode as its own status (plain SYS_EXIT only gives 0 or 1). */
    volatile uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    register uint32_t op __asm("r0") = SYS_EXIT_EXTENDED;
    register volatile uint32_t *arg __asm("r1") = block;
    __asm volatile("bkpt 0xab" : "+r"(op) : "r"(arg) : "memory");
    for (;;) {
        /* Without a debugger or semihosting there is nowhere to go. */
        __asm volatile("wfi");
    }
}
