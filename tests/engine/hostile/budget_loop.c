/* Hostile: never return. Expected: FC_FAULT_BUDGET after the budget. */
#include <femto.h>

FC_ENTRY(budget_loop)
{
    volatile uint64_t n = 0;
    while (n != UINT64_MAX) /* 2^64 increments: no budget lasts that long */
        n++;
    return n;
}
