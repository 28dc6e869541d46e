/* femto-test: cflags -g */
/* femto-test: run main 0 -> 3417 */
/* Built with -g: debug sections and their relocations are ignored.
 * Structs on the stack and in rodata, a loop, static helpers at -O0 make
 * real local calls with stack frames. */
#include <femto.h>

struct point {
    int32_t x, y;
};

static const struct point path[5] = {{0, 0}, {3, 4}, {6, 8}, {-3, 4}, {1, 1}};

FC_LOCAL int32_t manhattan(struct point a, struct point b)
{
    int32_t dx = a.x - b.x, dy = a.y - b.y;
    return (dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy);
}

FC_LOCAL int32_t walk(const struct point *p, uint32_t n)
{
    int32_t total = 0;
    for (uint32_t i = 1; i < n; i++)
        total += manhattan(p[i - 1], p[i]);
    return total;
}

FC_ENTRY(main)
{
    (void)ctx;
    (void)ctx_len;
    struct point local[3] = {{1, 2}, {4, 6}, {0, 0}};
    return (uint64_t)(walk(path, 5) * 100 + walk(local, 3));
}
