/* femto-test: refuse "holds BPF maps" */
/* Refused: BPF maps do not exist in femto containers. */
#include <femto.h>

struct {
    int type;
    int max_entries;
} counts __attribute__((section(".maps"), used));

FC_ENTRY(main)
{
    (void)ctx;
    (void)ctx_len;
    return 0;
}
