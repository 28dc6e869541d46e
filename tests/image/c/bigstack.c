/* femto-test: cflags --frame 1024 */
/* femto-test: run main 5 -> 192 */
/* A 700-byte local array: over clang's default 512-byte BPF frame, so
 * femto build --frame 1024 passes -mllvm -bpf-stack-size=1024 to clang and
 * records the wish in the image; the verifier then checks with that frame. */
#include <femto.h>

FC_ENTRY(main)
{
    (void)ctx;
    volatile uint8_t buf[700];
    for (uint32_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)i;
    return buf[ctx_len % 700] + buf[699];
}
