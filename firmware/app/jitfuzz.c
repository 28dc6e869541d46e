/* Differential fuzzer of the JIT on the board (image jitfuzz, riscv-virt:
 * the RV32IMAC backend where no Linux toolchain for the core exists). The
 * check itself is tests/jit/jit_diff.h, shared with the Linux harness
 * tests/jit/jit_fuzz.c: random verified programs from the ISA table
 * (tests/jit/jit_rand.h) run on the interpreter and JIT-compiled from the
 * same state; r0, status, the fault record (code, index, address, size),
 * the executed count, the deepest call depth, the 64-byte region and the
 * whole stack must agree.
 *
 * Commands come over the UART, one per line, in the corpus format
 * (jd_command):
 *   seeds SEED COUNT SLOTS [FLAGS]  COUNT programs from SEED, as `jit_fuzz run`
 *                               (FLAGS: 1 keeps r1 on the region and folds
 *                               every register into r0, jit_rand.h; 2 long
 *                               budgets)
 *   prog BUDGET MEMSEED MISALIGN, insn OP REGS OFFSET IMM lines, end
 *                               one program
 *   quit                        the summary and the verdict (exit status)
 * A disagreement prints the program as a "prog" block (ready for the
 * corpus) after a "# DIFFER" line. tests/jit/rv32_fuzz.sh drives it. */
#include <stdint.h>
#include <string.h>

#include "bm.h"

#define JD_PRINTF bm_printf
#define JD_FLUSH() ((void)0)
#include "jit_diff.h"

static uint64_t vm_stack[JD_STACK_BYTES / 8];
static uint64_t region_words[JD_REGION_WORDS];
static uint32_t code[8192];

static unsigned read_line(char *buf, unsigned cap)
{
    unsigned n = 0;
    for (;;) {
        int c = bm_getc();
        if (c == '\n' || c < 0)
            break;
        if (c != '\r' && n + 1 < cap)
            buf[n++] = (char)c;
    }
    buf[n] = '\0';
    return n;
}

int main(void)
{
    static char line[160];
    unsigned bad = 0;
    jd_stack = vm_stack;
    jd_region_words = region_words;
    jd_code = code;
    jd_code_bytes = sizeof code;
    bm_printf("jitfuzz on %s: commands from the UART (seeds, prog, quit)\n", bm_board_name);
    for (;;) {
        read_line(line, sizeof line);
        if (strcmp(line, "quit") == 0)
            break;
        jd_line_t r = jd_command(line);
        if (r == JD_LINE_SEEDS) {
            bm_printf("# %s done: %lu programs, %lu differ\n", line, jd_stats.programs,
                      jd_stats.differ);
        } else if (r == JD_LINE_BAD) {
            bm_printf("# bad line: %s\n", line);
            bad++;
        }
    }
    jd_summary("jitfuzz");
    bm_printf(", %u bad lines\n", bad);
    int ok = jd_stats.differ == 0 && bad == 0 && jd_stats.verified > 0 &&
             jd_stats.translated == jd_stats.verified;
    bm_printf("VERDICT: %s\n", ok ? "PASS" : "FAIL");
    return ok ? BM_EXIT_PASS : BM_EXIT_FAIL;
}
