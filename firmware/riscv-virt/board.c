/* QEMU RISC-V `virt` board support (rv32imac, machine mode): NS16550A
 * console, CLINT machine timer at 1 kHz, exit through the SiFive test
 * device. Start-up and traps: src/port/baremetal/riscv. */
#include <stdint.h>

#include "bm.h"

const char bm_board_name[] = "virt (RV32IMAC)";

void bm_board_timer_interrupt(void);

#define UART_BASE 0x10000000u
#define UART_THR (*(volatile uint8_t *)(UART_BASE + 0u))
#define UART_LSR (*(volatile uint8_t *)(UART_BASE + 5u))
#define UART_LSR_THRE 0x20u
#define UART_LSR_DR 0x01u /* receive data ready */

#define CLINT_BASE 0x02000000u
#define CLINT_MTIMECMP_LO (*(volatile uint32_t *)(CLINT_BASE + 0x4000u))
#define CLINT_MTIMECMP_HI (*(volatile uint32_t *)(CLINT_BASE + 0x4004u))
#define CLINT_MTIME_LO (*(volatile uint32_t *)(CLINT_BASE + 0xbff8u))
#define CLINT_MTIME_HI (*(volatile uint32_t *)(CLINT_BASE + 0xbffcu))
#define TIMEBASE_HZ 10000000u /* virt's CLINT runs at 10 MHz */
#define TICK_HZ 1000u

#define TEST_DEVICE (*(volatile uint32_t *)0x00100000u)
#define TEST_PASS 0x5555u
#define TEST_FAIL 0x3333u

static volatile uint32_t tick_count;
static uint64_t next_deadline;

static __attribute__((unused)) uint64_t mtime(void)
{
    uint32_t hi, lo;
    do {
        hi = CLINT_MTIME_HI;
        lo = CLINT_MTIME_LO;
    } while (hi != CLINT_MTIME_HI);
    return ((uint64_t)hi << 32) | lo;
}

/* Write the 64-bit compare register without a transient early deadline. */
static void set_mtimecmp(uint64_t when)
{
    CLINT_MTIMECMP_HI = 0xffffffffu;
    CLINT_MTIMECMP_LO = (uint32_t)when;
    CLINT_MTIMECMP_HI = (uint32_t)(when >> 32);
}

void bm_board_timer_interrupt(void)
{
    tick_count++;
    next_deadline += TIMEBASE_HZ / TICK_HZ;
    set_mtimecmp(next_deadline);
}

void bm_board_init(void)
{
#ifndef BM_NO_TICK
    next_deadline = mtime() + TIMEBASE_HZ / TICK_HZ;
    set_mtimecmp(next_deadline);
    __asm volatile("csrs mie, %0" ::"r"(1u << 7));     /* MTIE */
    __asm volatile("csrs mstatus, %0" ::"r"(1u << 3)); /* MIE */
#endif
}

void bm_putc(char c)
{
    while ((UART_LSR & UART_LSR_THRE) == 0) {
    }
    UART_THR = (uint8_t)c;
}

int bm_getc(void)
{
    while ((UART_LSR & UART_LSR_DR) == 0) {
    }
    return UART_THR; /* RBR shares the offset with THR */
}

uint64_t bm_ticks(void)
{
    return tick_count;
}

void bm_wait_for_interrupt(void)
{
    __asm volatile("wfi" ::: "memory");
}

int bm_strict_alignment(int on)
{
    (void)on; /* QEMU's rv32 emulates misaligned loads and stores */
    return 0;
}

_Noreturn void bm_exit(int status)
{
    TEST_DEVICE = status == 0 ? TEST_PASS : (((uint32_t)status << 16) | TEST_FAIL);
    for (;;)
        __asm volatile("wfi");
}
