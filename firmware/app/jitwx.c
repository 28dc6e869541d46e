/* W^X of the JIT's code buffer, through the engine, on both boards: the
 * buffer is read-only (and executable) except while the engine translates
 * a container into it (the protect callback of fc_engine_set_jit).
 *   - Cortex-M4 (mps2-an386): an MPU region over the buffer, AP read-only
 *     (privileged code too), PRIVDEFENA for the rest of memory;
 *   - RV32 (riscv-virt, machine mode): PMP entry 0 over the buffer, R and X,
 *     W only while translating; entry 1 the whole address space, RWX. PMP
 *     entries that are not locked do not bind machine mode, so the firmware
 *     runs with mstatus.MPRV set and MPP = U: its loads and stores are
 *     checked as user mode's (instruction fetches stay machine mode's). A
 *     trap enters with MPP = M (the handler is not restricted) and mret
 *     sets MPP back to U with MPRV kept, so the check survives interrupts
 *     (the 1 kHz tick runs throughout). Plain PMP: no ePMP/Smepmp needed.
 * The container runs JIT-compiled from the read-only buffer; then, during
 * a run (from inside a helper: the time the port gives is this image's
 * function), the firmware writes to the buffer, as a stray write primitive
 * would: the MPU (MemManage) or the PMP (store access fault) must stop it.
 * run-tests.sh expects the CPU FAULT exit and checks that the faulting
 * address (MMFAR, mtval) is the buffer's. If the write goes through, this
 * image says so and exits with success, which that test counts as a
 * failure. Before that, jitshare.c: the tenants' shares of the buffer. */
#include <stdint.h>
#include <string.h>

#include "bm.h"
#include "femto/engine.h"
#include "femto/image.h"
#include "jitshare.h"
#include "port.h"

enum { JIT_BYTES = 4096 }; /* a power of two, aligned to itself: one MPU region / PMP NAPOT */
static uint32_t jit_buf[JIT_BYTES / 4] __attribute__((aligned(JIT_BYTES)));

#if defined(__riscv)
/* pmpcfg fields; NAPOT base | (size / 8 - 1) in pmpaddr (bytes >> 2) */
#define PMP_R 0x01u
#define PMP_W 0x02u
#define PMP_X 0x04u
#define PMP_NAPOT 0x18u
#define MSTATUS_MPRV (1u << 17)
#define MSTATUS_MPP (3u << 11)
/* Entries 0 and 1: the buffer's two halves (see wx_init); 2: all memory */
#define PMP_HALF (JIT_BYTES / 2)

static void wx_protect(void *user, int writable)
{
    (void)user;
    uint32_t half = PMP_NAPOT | PMP_R | PMP_X | (writable ? PMP_W : 0u);
    uint32_t cfg = half | half << 8 | (PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 16;
    /* the privileged spec asks for sfence.vma after a PMP change (cores
     * with S mode may cache PMP checks, QEMU in its TLB) */
    __asm volatile("csrw pmpcfg0, %0\n\tsfence.vma zero, zero\n\tfence.i" ::"r"(cfg) : "memory");
}

/* The buffer is two 2 KiB NAPOT entries, not one of 4 KiB: QEMU 7.2 keeps a
 * page's permissions in the TLB of machine mode whatever MPRV says (an
 * instruction fetch from the buffer, in machine mode, would make the page
 * writable for the stores that follow); a PMP region smaller than a page
 * is checked at every access. On a core one entry would do. */
static void wx_init(void)
{
    uint32_t base = (uint32_t)(uintptr_t)jit_buf;
    uint32_t a0 = base >> 2 | (PMP_HALF / 8 - 1);
    uint32_t a1 = (base + PMP_HALF) >> 2 | (PMP_HALF / 8 - 1);
    __asm volatile("csrw pmpaddr0, %0" ::"r"(a0));
    __asm volatile("csrw pmpaddr1, %0" ::"r"(a1));
    __asm volatile("csrw pmpaddr2, %0" ::"r"(0xffffffffu)); /* NAPOT: everything */
    wx_protect(NULL, 0);
    /* loads and stores checked as user mode's from here on */
    __asm volatile("csrc mstatus, %0\n\tcsrs mstatus, %1" ::"r"(MSTATUS_MPP), "r"(MSTATUS_MPRV)
                   : "memory");
}
#else
#define MPU_CTRL (*(volatile uint32_t *)0xE000ED94u)
#define MPU_RNR (*(volatile uint32_t *)0xE000ED98u)
#define MPU_RBAR (*(volatile uint32_t *)0xE000ED9Cu)
#define MPU_RASR (*(volatile uint32_t *)0xE000EDA0u)
#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24u)

/* RASR of the buffer's region: normal memory (TEX 001, not cached),
 * executable (XN 0), 4 KiB (SIZE 11), enabled; AP 011 read-write or 110
 * read-only (privileged and unprivileged alike: the firmware runs
 * privileged, so a privileged write must fault). */
static uint32_t rasr(int writable)
{
    return (writable ? 3u : 6u) << 24 | 1u << 19 | 11u << 1 | 1u;
}

static void wx_protect(void *user, int writable)
{
    (void)user;
    MPU_RNR = 0;
    MPU_RASR = rasr(writable);
    __asm volatile("dsb\n\tisb" ::: "memory");
}

static void wx_init(void)
{
    MPU_RNR = 0;
    MPU_RBAR = (uint32_t)(uintptr_t)jit_buf; /* VALID 0: region number from RNR */
    MPU_RASR = rasr(0);
    SCB_SHCSR |= 1u << 16;   /* MemManage faults reported as such */
    MPU_CTRL = 1u | 1u << 2; /* enabled, the default map elsewhere (PRIVDEFENA) */
    __asm volatile("dsb\n\tisb" ::: "memory");
}
#endif

static fc_engine_t engine;
static fc_port_t port;
static bm_port_state_t port_state;
static uint64_t stack[(FC_DEFAULT_FRAME * (FC_MAX_CALL_DEPTH + 1)) / 8];
static uint64_t image[64];
static volatile int armed;

/* The port's clock, called by the fc_time_ms helper during a run */
static uint64_t now_us(void *ctx)
{
    (void)ctx;
    if (armed) {
        bm_printf("[jitwx] writing the code buffer at 0x%08x during a run\n",
                  (unsigned)(uintptr_t)jit_buf);
        *(volatile uint32_t *)jit_buf = 0; /* must fault */
        bm_puts("[jitwx] the write went through: W^X NOT enforced\n");
        bm_exit(BM_EXIT_PASS); /* run-tests.sh wants the fault: this fails it */
    }
    return 1000;
}

static int check(int ok, const char *what)
{
    bm_printf("%s %s\n", ok ? "PASS" : "FAIL", what);
    return ok;
}

int main(void)
{
    static const fc_insn_t text[] = {
        {0x85, 0x00, 0, 2}, /* call fc_time_ms */
        {0x07, 0x00, 0, 7}, /* r0 += 7 */
        {0x95, 0x00, 0, 0}, /* exit */
    };
    fc_error_t err = {0};
    bm_printf("jit W^X test on %s\n", bm_board_name);
    wx_init();
    bm_port_init(&port, &port_state, 1000u);
    port.now_us = now_us;
    int ok = check(fc_engine_init(&engine, &port, stack, sizeof stack) == FC_OK, "engine init") &&
             check(fc_hook_declare(&engine, 1, "wx", 0, FC_PERM_READ, FC_POLICY_CONTINUE) == FC_OK,
                   "hook declare");
    fc_engine_jit_config_t cfg = {jit_buf, sizeof jit_buf, wx_protect, NULL};
    ok = ok && check(fc_engine_set_jit(&engine, &cfg) == FC_OK, "JIT configured");
    fc_tenant_config_t tenant;
    memset(&tenant, 0, sizeof tenant);
    tenant.id = 1;
    tenant.hooks = 1u << 1;
    fc_helper_mask_all(&tenant.helpers);
    tenant.quota = (fc_tenant_quota_t){
        .max_containers = 2,
        .max_ram = 256,
        .max_budget = 1000,
        .max_kv_entries = 0,
        .max_jit_code = JIT_BYTES / 4}; /* a share that holds in the shrunk buffer below */
    ok = ok && check(fc_tenant_add(&engine, &tenant, &err) == FC_OK, "tenant add");
    fc_image_parts_t parts;
    memset(&parts, 0, sizeof parts);
    static const fc_image_func_t funcs[] = {{"main", 0, FC_IMAGE_FUNC_EXPORTED}};
    parts.text = text;
    parts.text_slots = 3;
    parts.funcs = funcs;
    parts.func_count = 1;
    parts.name = "wx";
    parts.frame_size = FC_DEFAULT_FRAME;
    parts.budget = 100;
    parts.cpu = FC_IMAGE_CPU_V2;
    size_t len = 0;
    fc_container_t *c = NULL;
    ok = ok && check(fc_image_write(&parts, image, sizeof image, &len, &err) == FC_OK, "image") &&
         check(fc_container_install(&engine, 1, -1, image, len, NULL, &c, &err) == FC_OK,
               "install (translated with the buffer writable)") &&
         check(fc_container_jit_status(&engine, c) == FC_OK, "container JIT-compiled") &&
         check(fc_container_start(&engine, c) == FC_OK, "start") &&
         check(fc_container_attach(&engine, c, 1, 0, NULL) == FC_OK, "attach");
    int64_t r0 = 0;
    ok = ok && check(fc_hook_fire(&engine, 1, NULL, 0, &r0) == FC_OK && r0 == 1 + 7 &&
                         c->stats.faults == 0 && engine.jit.fallback_runs == 0,
                     "container ran JIT-compiled from the read-only buffer");
    /* A full buffer: the next container runs on the interpreter, reported */
    static const fc_insn_t text_b[] = {
        {0x85, 0x00, 0, 2}, /* call fc_time_ms */
        {0x07, 0x00, 0, 9}, /* r0 += 9 */
        {0x95, 0x00, 0, 0}, /* exit */
    };
    static uint64_t image_b[64];
    /* room for the first container's code again (it is translated again
     * into the buffer set, with its 8 bytes a slot of scratch) but not
     * for a second of the same size */
    bm_printf("[jitwx] first container: %u bytes of code\n", (unsigned)engine.jit_used);
    fc_engine_jit_config_t small = {jit_buf, 2u * engine.jit_used - 4u, wx_protect, NULL};
    parts.text = text_b;
    parts.name = "full";
    fc_container_t *b = NULL;
    uint64_t rb = 0;
    ok = ok && check(fc_engine_set_jit(&engine, &small) == FC_OK, "JIT buffer shrunk to full") &&
         check(fc_image_write(&parts, image_b, sizeof image_b, &len, &err) == FC_OK, "image 2") &&
         check(fc_container_install(&engine, 1, -1, image_b, len, NULL, &b, &err) == FC_OK,
               "install with the buffer full") &&
         check(fc_container_jit_status(&engine, b) == FC_ERR_TOO_LARGE,
               "its JIT status says the buffer was full") &&
         check(fc_container_call(&engine, b, NULL, NULL, 0, &rb) == FC_OK && rb == 1 + 9 &&
                   engine.jit.fallback_runs == 1,
               "it runs on the interpreter, counted as a fallback run") &&
         check(fc_container_jit_status(&engine, c) == FC_OK &&
                   fc_hook_fire(&engine, 1, NULL, 0, &r0) == FC_OK && r0 == 1 + 7 &&
                   engine.jit.fallback_runs == 1,
               "the first container still runs JIT-compiled");
    /* The whole buffer again (the code that has some moves into it), then
     * two more tenants sharing it (jitshare.c) */
    ok = ok && check(fc_engine_set_jit(&engine, &cfg) == FC_OK && engine.jit_used > 0 &&
                         fc_container_jit_status(&engine, c) == FC_OK &&
                         fc_hook_fire(&engine, 1, NULL, 0, &r0) == FC_OK && r0 == 1 + 7 &&
                         engine.jit.fallback_runs == 1,
                     "the buffer set again: the first container's code moved, runs compiled");
    ok = ok && check(jitshare_test(&engine), "tenant fairness of the JIT buffer");
    if (!ok)
        return BM_EXIT_FAIL;
    armed = 1;
    fc_hook_fire(&engine, 1, NULL, 0, &r0);
    bm_puts("[jitwx] no fault and no write\n");
    return BM_EXIT_FAIL;
}
