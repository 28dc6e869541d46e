/* Bare-metal board interface and console helpers.
 *
 * Each board (firmware/<board>/) provides the four bm_board_* functions
 * below: its own start-up code calls bm_board_init() and then main(), and
 * passes main's return value to bm_exit(), which ends the QEMU run with that
 * status (semihosting on Cortex-M, the test device on RISC-V virt).
 * print.c builds a small formatted console on top of bm_putc(); no C
 * library stdio is involved, so output works before anything else does. */
#ifndef FEMTO_BM_H
#define FEMTO_BM_H

#include <stdarg.h>
#include <stdint.h>

/* Exit statuses of a firmware run (the QEMU process exit status). */
enum bm_exit_status {
    BM_EXIT_PASS = 0,
    BM_EXIT_FAIL = 1,      /* a self-test check failed */
    BM_EXIT_CPU_FAULT = 3, /* HardFault / trap: the firmware itself crashed */
    BM_EXIT_TIMEOUT = 4,   /* a wait the firmware bounds itself ran out */
};

/* ---- provided by the board ---- */
void bm_board_init(void);         /* console, timer */
void bm_putc(char c);             /* blocking console output */
int bm_getc(void);                /* blocking console input: the next byte (0..255) */
uint64_t bm_ticks(void);          /* timer ticks since init (interrupt driven) */
void bm_wait_for_interrupt(void); /* sleep until the next interrupt */
_Noreturn void bm_exit(int status);
extern const char bm_board_name[];
/* Make unaligned data accesses trap (on) or not (off), where the core
 * allows the choice. Returns 1 when unaligned accesses now trap, 0 when the
 * core cannot be made to (they are then emulated or allowed). */
int bm_strict_alignment(int on);

/* ---- provided by print.c ---- */
void bm_puts(const char *s);
/* printf subset: %s %c %d %u %x %X %p %%, flags '0' and '-' and width, length
 * modifiers l and ll; no floating point. */
void bm_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bm_vprintf(const char *fmt, va_list ap);

/* The application entry point called by the board's start-up code. */
int main(void);

#endif
