/* Checks the reference evaluator itself: runs every conformance vector
 * (shared/conformance/tests/NAME.data, RFC 9669 bpf_conformance) through
 * refvm and compares r0 with the vector's `-- result`. The parsing follows
 * shared/conformance/README.md ("File format"); the execution contract too:
 * r1/r2 = a private copy of `-- mem` and its length (0/0 without), a 512-byte
 * frame under r10, helper 5 returns r1 (call_unwind_fail, callx).
 *
 *   refvm_conformance DIR      prints one line per failure, then
 *                              "N passed, M failed" and exits 1 on failure */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refvm.h"

#define MAX_SLOTS 4096
#define MAX_MEM 4096
#define FRAME 512
#define DEPTH 8

typedef struct vector {
    uint8_t code[MAX_SLOTS * 8];
    uint32_t n_slots;
    uint8_t mem[MAX_MEM];
    size_t mem_len;
    int has_mem;
    uint64_t result;
    int has_result;
} vector_t;

static uint64_t helper_unwind(refvm_t *vm, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                              uint64_t r5)
{
    (void)vm, (void)r2, (void)r3, (void)r4, (void)r5;
    return r1;
}

/* Returns 0 when the file is usable. */
static int parse(const char *path, vector_t *v)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    memset(v, 0, sizeof *v);
    enum { NONE, ASM, RESULT, MEM, RAW, OTHER } section = NONE;
    char line[1024];
    int bad = 0;
    while (fgets(line, sizeof line, f)) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        if (strstr(line, "--")) {
            if (strstr(line, "asm"))
                section = ASM;
            else if (strstr(line, "result"))
                section = RESULT;
            else if (strstr(line, "mem"))
                section = MEM;
            else if (strstr(line, "raw"))
                section = RAW;
            else if (strstr(line, "no register offset") || strstr(line, " c") ||
                     strstr(line, "error"))
                section = OTHER;
            else
                bad = 1;
            continue;
        }
        char *save = NULL;
        for (char *tok = strtok_r(line, " \t\r\n", &save); tok;
             tok = strtok_r(NULL, " \t\r\n", &save)) {
            if (section == RAW) {
                if (v->n_slots >= MAX_SLOTS) {
                    bad = 1;
                    break;
                }
                uint64_t word = strtoull(tok, NULL, strstr(tok, "0x") ? 16 : 10);
                for (int i = 0; i < 8; i++)
                    v->code[v->n_slots * 8 + (uint32_t)i] = (uint8_t)(word >> (8 * i));
                v->n_slots++;
            } else if (section == MEM) {
                if (v->mem_len >= MAX_MEM) {
                    bad = 1;
                    break;
                }
                v->mem[v->mem_len++] = (uint8_t)strtoul(tok, NULL, 16);
                v->has_mem = 1;
            } else if (section == RESULT) {
                v->result = strtoull(tok, NULL, strstr(tok, "0x") ? 16 : 10);
                v->has_result = 1;
            }
        }
    }
    fclose(f);
    return bad || !v->has_result || v->n_slots == 0 ? -1 : 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CONFORMANCE_TESTS_DIR\n", argv[0]);
        return 2;
    }
    DIR *d = opendir(argv[1]);
    if (!d) {
        perror(argv[1]);
        return 2;
    }
    char *names[1024];
    size_t n_names = 0;
    for (struct dirent *e; (e = readdir(d)) && n_names < 1024;) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".data") == 0)
            names[n_names++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n_names, sizeof *names, compare_names);

    static vector_t v;
    static uint8_t stack[FRAME * (DEPTH + 1)] __attribute__((aligned(16)));
    unsigned passed = 0, failed = 0;
    for (size_t i = 0; i < n_names; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[1], names[i]);
        if (parse(path, &v) != 0) {
            printf("FAIL %s: unreadable or no program/result\n", names[i]);
            failed++;
            free(names[i]);
            continue;
        }
        uint8_t *mem = malloc(v.mem_len ? v.mem_len : 1);
        if (!mem)
            return 2;
        memcpy(mem, v.mem, v.mem_len);
        memset(stack, 0, sizeof stack);

        refvm_t vm;
        memset(&vm, 0, sizeof vm);
        vm.code = v.code;
        vm.n_slots = v.n_slots;
        vm.regions[0] = (refvm_region_t){(uintptr_t)stack, sizeof stack, REFVM_READ | REFVM_WRITE};
        vm.n_regions = 1;
        if (v.has_mem)
            vm.regions[vm.n_regions++] =
                (refvm_region_t){(uintptr_t)mem, v.mem_len, REFVM_READ | REFVM_WRITE};
        vm.stack_top = (uintptr_t)stack + sizeof stack;
        vm.frame_size = FRAME;
        vm.max_depth = DEPTH;
        vm.helpers[5] = helper_unwind;
        int st = refvm_run(&vm, 0, v.has_mem ? (uintptr_t)mem : 0, v.has_mem ? v.mem_len : 0);
        if (st != 0) {
            printf("FAIL %s: fault %d at %llu (addr %#llx size %u)\n", names[i], st,
                   (unsigned long long)vm.where, (unsigned long long)vm.addr, vm.size);
            failed++;
        } else if (vm.r0 != v.result) {
            printf("FAIL %s: r0 %#llx, expected %#llx\n", names[i], (unsigned long long)vm.r0,
                   (unsigned long long)v.result);
            failed++;
        } else {
            passed++;
        }
        free(mem);
        free(names[i]);
    }
    printf("%u passed, %u failed\n", passed, failed);
    return failed || passed == 0 ? 1 : 0;
}
