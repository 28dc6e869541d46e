/* insn_count: a QEMU TCG plugin that counts guest instructions executed
 * between two marker functions, exactly and deterministically.
 *
 *   qemu-system-arm ... -plugin insn_count.so,start=0xADDR,stop=0xADDR[,profile=FILE]
 *
 * start/stop are the addresses of the marker functions (from `nm` on the
 * firmware ELF; bit 0, the Thumb bit, is ignored). Every time the guest
 * executes the first instruction of `start`, an interval opens; when it
 * executes the first instruction of `stop`, the interval closes and the
 * plugin prints
 *
 *   insn_count: interval <i> <instructions>
 *
 * Counting: every translated instruction gets an inline "add 1" to one
 * 64-bit counter (no callback, so it is cheap and exact even when a block
 * is left early); the markers take a snapshot of it. The counts include the
 * marker's own first instruction at most once per interval, the same for
 * every interval, so differences between intervals are exact.
 *
 * profile=FILE additionally counts executions per instruction address inside
 * intervals and writes "address count" lines (hex, decimal), most executed
 * first, at exit: it tells which interpreter handlers dominate.
 *
 * Needs only qemu-plugin.h (scripts/fetch-deb-src.sh qemu); no glib. */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static uint64_t executed;       /* every guest instruction, inline-counted */
static uint64_t interval_start; /* `executed` when the interval opened */
static int interval_open;
static unsigned interval_index;
static uint64_t start_addr, stop_addr;

/* ---- optional per-address profile (open addressing, power-of-two size) ---- */
struct profile_entry {
    uint64_t addr; /* 0: empty slot (no instruction of ours lives at 0 + 1) */
    uint64_t count;
};
static struct profile_entry *profile;
static size_t profile_cap;
static size_t profile_used;
static char *profile_path;

static struct profile_entry *profile_slot(uint64_t addr)
{
    size_t mask = profile_cap - 1;
    size_t i = (size_t)((addr >> 1) * 0x9E3779B97F4A7C15ull) & mask;
    while (profile[i].addr != 0 && profile[i].addr != addr + 1)
        i = (i + 1) & mask;
    return &profile[i];
}

/* Entries store addr + 1 so that 0 can mean "empty". The table is sized
 * once at install and never moves, because callbacks hold entry pointers;
 * an instruction that does not fit is simply not profiled. */
static void profile_hit(unsigned int vcpu, void *udata)
{
    (void)vcpu;
    if (interval_open)
        ((struct profile_entry *)udata)->count++;
}

static void marker_start(unsigned int vcpu, void *udata)
{
    (void)vcpu, (void)udata;
    interval_start = executed;
    interval_open = 1;
}

static void marker_stop(unsigned int vcpu, void *udata)
{
    (void)vcpu, (void)udata;
    if (!interval_open)
        return;
    char line[96];
    snprintf(line, sizeof line, "insn_count: interval %u %" PRIu64 "\n", interval_index++,
             executed - interval_start);
    qemu_plugin_outs(line);
    interval_open = 0;
}

static void tb_translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t va = qemu_plugin_insn_vaddr(insn);
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &executed, 1);
        if (va == start_addr) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, marker_start, QEMU_PLUGIN_CB_NO_REGS,
                                                   NULL);
        }
        if (va == stop_addr)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, marker_stop, QEMU_PLUGIN_CB_NO_REGS, NULL);
        if (profile != NULL) {
            struct profile_entry *e = profile_slot(va);
            if (e->addr == 0) {
                if ((profile_used + 1) * 2 > profile_cap) {
                    /* Growing would move entries that callbacks point to. */
                    continue;
                }
                e->addr = va + 1;
                profile_used++;
            }
            qemu_plugin_register_vcpu_insn_exec_cb(insn, profile_hit, QEMU_PLUGIN_CB_NO_REGS, e);
        }
    }
}

static int by_count_desc(const void *a, const void *b)
{
    const struct profile_entry *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
    (void)id, (void)udata;
    char line[128];
    snprintf(line, sizeof line, "insn_count: total %" PRIu64 " intervals %u%s\n", executed,
             interval_index, interval_open ? " (last interval never closed)" : "");
    qemu_plugin_outs(line);
    if (profile == NULL)
        return;
    qsort(profile, profile_cap, sizeof *profile, by_count_desc);
    FILE *f = fopen(profile_path, "w");
    if (f == NULL) {
        qemu_plugin_outs("insn_count: cannot write the profile file\n");
        return;
    }
    for (size_t i = 0; i < profile_cap && profile[i].count != 0; i++)
        fprintf(f, "%" PRIx64 " %" PRIu64 "\n", profile[i].addr - 1, profile[i].count);
    fclose(f);
}

static int parse_addr(const char *text, uint64_t *out)
{
    char *end = NULL;
    unsigned long long v = strtoull(text, &end, 0);
    if (end == text || *end != '\0')
        return -1;
    *out = (uint64_t)v & ~(uint64_t)1; /* drop the Thumb bit */
    return 0;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                           char **argv)
{
    (void)info;
    int have_start = 0, have_stop = 0;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "start=", 6) == 0 && parse_addr(arg + 6, &start_addr) == 0) {
            have_start = 1;
        } else if (strncmp(arg, "stop=", 5) == 0 && parse_addr(arg + 5, &stop_addr) == 0) {
            have_stop = 1;
        } else if (strncmp(arg, "profile=", 8) == 0 && arg[8] != '\0') {
            profile_path = strdup(arg + 8);
        } else {
            fprintf(stderr,
                    "insn_count: bad argument '%s' (want start=ADDR,stop=ADDR[,profile=FILE])\n",
                    arg);
            return -1;
        }
    }
    if (!have_start || !have_stop) {
        fprintf(stderr, "insn_count: start=ADDR and stop=ADDR are required\n");
        return -1;
    }
    if (profile_path != NULL) {
        /* Sized once: a firmware image has far fewer distinct instructions. */
        profile_cap = 1u << 19;
        profile = calloc(profile_cap, sizeof *profile);
        if (profile == NULL)
            return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_translated);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
