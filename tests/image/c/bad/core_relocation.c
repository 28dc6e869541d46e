/* femto-test: cflags -g */
/* femto-test: refuse "CO-RE relocations" */
/* Refused: CO-RE field relocations need kernel BTF, which a device lacks. */
#include <femto.h>

struct sample {
    uint32_t a;
    uint32_t b;
} __attribute__((preserve_access_index));

FC_ENTRY(main)
{
    (void)ctx_len;
    return ((struct sample *)ctx)->b;
}
