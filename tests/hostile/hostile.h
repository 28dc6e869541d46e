/* Hostile eBPF programs and what each must get (see hostile_programs.c). */
#ifndef HOSTILE_H
#define HOSTILE_H

#include "vm_test_util.h"

enum hostile_stage {
    STAGE_VERIFY, /* fc_verify refuses: code at where */
    STAGE_RUN,    /* verifies; the run (both modes) ends with code at where */
    STAGE_TAMPER  /* verifies; slot swap_slot is then replaced by swap:
                     fc_program_check reports FC_ERR_NOT_VERIFIED */
};

/* Where a faulting access is expected, relative to the run's regions. */
enum hostile_addr {
    ADDR_UNCHECKED, /* no expectation on fault.addr / size */
    ADDR_ABS,       /* addr_delta itself */
    ADDR_MEM,       /* context start + delta */
    ADDR_RO,        /* rodata start + delta */
    ADDR_STACK,     /* stack start + delta */
    ADDR_STACK_END, /* stack end (initial r10) + delta */
    ADDR_MEM_LOW32, /* the low 32 bits of the context address */
    ADDR_NEG_MEM    /* 2^64 - context address */
};

#define HOSTILE_MAX_SLOTS 24

typedef struct hostile {
    const char *name;
    const char *comment; /* what it tries, one line */
    fc_insn_t text[HOSTILE_MAX_SLOTS];
    uint32_t n;
    enum hostile_stage stage;
    int code;
    unsigned long where;
    enum hostile_addr addr_base;
    int64_t addr_delta;
    unsigned size;
    int budget_exact;     /* vm.executed must equal the budget */
    size_t stack_size;    /* 0: the fixture's full stack */
    int only_sum_allowed; /* run allow-list: helper 1 only */
    uint32_t swap_slot;
    fc_insn_t swap;
} hostile_t;

/* A program that attacks by cutting the context pointer to its low 32 bits
 * (ADDR_MEM_LOW32) attacks nothing where the context address already fits
 * in 32 bits (every 32-bit microcontroller): there the access is inside the
 * context and the run must end normally instead. */
static inline int hostile_moot_at(const hostile_t *h, uint64_t mem)
{
    return h->addr_base == ADDR_MEM_LOW32 && (mem >> 32) == 0;
}

extern const hostile_t hostile_programs[];
extern const unsigned hostile_count;

#endif
