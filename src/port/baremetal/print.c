/* Console formatting for the bare-metal boards: a small printf subset on top
 * of bm_putc(), so the firmware needs no stdio and prints from the first
 * instruction of main (and from fault handlers). */
#include <stdarg.h>
#include <stdint.h>

#include "bm.h"

void bm_puts(const char *s)
{
    while (*s != '\0') {
        if (*s == '\n')
            bm_putc('\r');
        bm_putc(*s++);
    }
}

static void put_padded(const char *digits, unsigned len, unsigned width, char pad, int negative)
{
    unsigned shown = len + (negative ? 1u : 0u);
    if (negative && pad == '0')
        bm_putc('-');
    for (; shown < width; shown++)
        bm_putc(pad);
    if (negative && pad != '0')
        bm_putc('-');
    while (len > 0)
        bm_putc(digits[--len]);
}

/* A string padded with spaces to width (on the right when left-aligned). */
static void put_string(const char *s, unsigned width, int left)
{
    unsigned len = 0;
    while (s[len] != '\0')
        len++;
    for (unsigned i = len; !left && i < width; i++)
        bm_putc(' ');
    bm_puts(s);
    for (unsigned i = len; left && i < width; i++)
        bm_putc(' ');
}

/* Digits of v in base, least significant first, into buf (>= 22 bytes). */
static unsigned to_digits(uint64_t v, unsigned base, int upper, char *buf)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    unsigned n = 0;
    do {
        buf[n++] = set[v % base];
        v /= base;
    } while (v != 0);
    return n;
}

/* clang-tidy 14's analyzer cannot follow a va_list that arrives as a parameter
 * and is va_copy'd (or passed on by pointer): it reports every va_arg below as
 * reading an uninitialised list. bm_printf starts the list; bm_vprintf copies it. */
/* NOLINTBEGIN(clang-analyzer-valist.Uninitialized) */

/* Fetch the next integer argument with the given length modifier. */
static uint64_t next_arg(va_list *ap, int longs, int is_signed, int *negative)
{
    *negative = 0;
    if (is_signed) {
        int64_t s = longs >= 2   ? va_arg(*ap, long long)
                    : longs == 1 ? va_arg(*ap, long)
                                 : va_arg(*ap, int);
        if (s < 0) {
            *negative = 1;
            return (uint64_t)0 - (uint64_t)s;
        }
        return (uint64_t)s;
    }
    if (longs >= 2)
        return va_arg(*ap, unsigned long long);
    return longs == 1 ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned int);
}

void bm_vprintf(const char *fmt, va_list ap)
{
    va_list args;
    va_copy(args, ap);
    for (; *fmt != '\0'; fmt++) {
        if (*fmt != '%') {
            if (*fmt == '\n')
                bm_putc('\r');
            bm_putc(*fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int left = 0;
        for (; *fmt == '0' || *fmt == '-'; fmt++)
            if (*fmt == '0')
                pad = '0';
            else
                left = 1;
        unsigned width = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10u + (unsigned)(*fmt++ - '0');
        int longs = 0;
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        char buf[24];
        int negative = 0;
        uint64_t v;
        switch (*fmt) {
        case 's': {
            const char *s = va_arg(args, const char *);
            put_string(s != 0 ? s : "(null)", width, left);
            break;
        }
        case 'c':
            bm_putc((char)va_arg(args, int));
            break;
        case 'd':
        case 'i':
            v = next_arg(&args, longs, 1, &negative);
            put_padded(buf, to_digits(v, 10, 0, buf), width, pad, negative);
            break;
        case 'u':
            v = next_arg(&args, longs, 0, &negative);
            put_padded(buf, to_digits(v, 10, 0, buf), width, pad, 0);
            break;
        case 'x':
        case 'X':
            v = next_arg(&args, longs, 0, &negative);
            put_padded(buf, to_digits(v, 16, *fmt == 'X', buf), width, pad, 0);
            break;
        case 'p':
            bm_puts("0x");
            v = (uintptr_t)va_arg(args, void *);
            put_padded(buf, to_digits(v, 16, 0, buf), sizeof(void *) * 2u, '0', 0);
            break;
        case '%':
            bm_putc('%');
            break;
        case '\0':
            fmt--; /* a lone '%' at the end: stop at the terminator */
            break;
        default:
            bm_putc('%');
            bm_putc(*fmt);
            break;
        }
    }
    va_end(args);
}
/* NOLINTEND(clang-analyzer-valist.Uninitialized) */

void bm_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bm_vprintf(fmt, ap);
    va_end(ap);
}
