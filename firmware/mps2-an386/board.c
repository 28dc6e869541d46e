/* ARM MPS2 AN386 (Cortex-M4) board support under QEMU: CMSDK UART0 console (TX and RX)
 * and a 1 kHz SysTick. Start-up, faults and exit: src/port/baremetal/cortex-m. */
#include <stdint.h>

#include "bm.h"

const char bm_board_name[] = "mps2-an386 (Cortex-M4)";

void bm_systick_start(uint32_t reload);

/* CMSDK APB UART0 */
#define UART0_BASE 0x40004000u
#define UART_DATA (*(volatile uint32_t *)(UART0_BASE + 0x00u))
#define UART_STATE (*(volatile uint32_t *)(UART0_BASE + 0x04u))
#define UART_CTRL (*(volatile uint32_t *)(UART0_BASE + 0x08u))
#define UART_BAUDDIV (*(volatile uint32_t *)(UART0_BASE + 0x10u))
#define UART_STATE_TX_FULL 1u
#define UART_STATE_RX_FULL 2u
#define UART_CTRL_TX_EN 1u
#define UART_CTRL_RX_EN 2u

#define SYSCLK_HZ 25000000u /* the AN386 FPGA clock QEMU models */
#define TICK_HZ 1000u

void bm_board_init(void)
{
    UART_BAUDDIV = SYSCLK_HZ / 115200u;
    UART_CTRL = UART_CTRL_TX_EN | UART_CTRL_RX_EN;
#ifndef BM_NO_TICK
    bm_systick_start(SYSCLK_HZ / TICK_HZ - 1u);
#endif
}

void bm_putc(char c)
{
    while (UART_STATE & UART_STATE_TX_FULL) {
    }
    UART_DATA = (uint32_t)(unsigned char)c;
}

int bm_getc(void)
{
    while ((UART_STATE & UART_STATE_RX_FULL) == 0) {
    }
    return (int)(UART_DATA & 0xffu);
}
