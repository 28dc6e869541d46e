/* femto-test: cflags --frame 8192 */
// clang-format off
/* femto-test: refuse "program needs more stack than the engine has: 8192 bytes (frame 8192 x 1 levels), a device's stack is 4608" */
// clang-format on
/* A frame a device's engine stack cannot hold: femto build refuses it
 * with the figures (issue 15, item 5), as the device would. */
#include <femto.h>

FC_ENTRY(main)
{
    volatile uint8_t big[6000];
    big[ctx_len % sizeof big] = 1;
    return big[0];
}
