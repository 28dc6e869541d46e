/* femto-test: refuse "pointers stored in data are not supported" */
/* Refused: a pointer stored in data needs a load-time relocation. */
#include <femto.h>

static const char *names[] = {"zero", "one"};

FC_ENTRY(main)
{
    (void)ctx;
    fc_printf("%s\n", names[ctx_len & 1]);
    return 0;
}
