/* Unit tests of the image layer: write/parse round trip, a precise refusal
 * for every corrupted field, and verify + bind + run of a real image. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "femto/image.h"

#define BUF_CAP 1024

/* The sample program (hand-assembled):
 *   0: lddw r1, rodata+1        ; &"AB"[1]
 *   2: ldxb r0, [r1+0]          ; r0 = 'B' (66)
 *   3: lddw r2, data+4          ; first bss word (data is 4 bytes)
 *   5: ldxw r3, [r2-4]          ; r3 = data word (7)
 *   6: add r0, r3               ; 73
 *   7: stxw [r2+0], r0          ; bss word = 73
 *   8: call local +1 (-> 10)
 *   9: exit
 *  10: mov r0, 5 ; helper: returns 5 (static function)
 *  11: exit
 * main returns 5 (the call overwrites r0): run it and check bss = 73. */
static const fc_insn_t sample_text[] = {
    {0x18, 0x11, 0, 1}, {0, 0, 0, 0},        {0x71, 0x10, 0, 0}, {0x18, 0x22, 0, 4},
    {0, 0, 0, 0},       {0x61, 0x23, -4, 0}, {0x0f, 0x30, 0, 0}, {0x63, 0x02, 0, 0},
    {0x85, 0x10, 0, 1}, {0x95, 0, 0, 0},     {0xb7, 0x00, 0, 5}, {0x95, 0, 0, 0},
};
static const char sample_rodata[] = "AB";
static const uint8_t sample_data[4] = {7, 0, 0, 0};
static const fc_image_func_t sample_funcs[] = {
    {"main", 0, FC_IMAGE_FUNC_EXPORTED},
    {"five", 10, 0},
};

static fc_image_parts_t sample_parts(void)
{
    fc_image_parts_t p = {0};
    p.text = sample_text;
    p.text_slots = sizeof sample_text / sizeof sample_text[0];
    p.rodata = sample_rodata;
    p.rodata_size = sizeof sample_rodata;
    p.data = sample_data;
    p.data_size = sizeof sample_data;
    p.bss_size = 12;
    p.funcs = sample_funcs;
    p.func_count = 2;
    p.name = "sample";
    p.app_version = 0x01020003;
    p.helpers = (1ull << 1) | (1ull << 63);
    p.frame_size = 256;
    p.budget = 5000;
    p.cpu = FC_IMAGE_CPU_V3;
    return p;
}

typedef struct sample {
    _Alignas(8) uint8_t buf[BUF_CAP];
    size_t len;
} sample_t;

static void make_sample(sample_t *s)
{
    fc_image_parts_t p = sample_parts();
    fc_error_t err;
    assert_int_equal(fc_image_write(&p, s->buf, sizeof s->buf, &s->len, &err), FC_OK);
    assert_true(s->len > FC_IMAGE_HEADER_SIZE && s->len % 8 == 0);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- round trip ------------------------------------------------------------ */
static void test_round_trip(void **state)
{
    (void)state;
    sample_t s;
    make_sample(&s);
    fc_image_t img;
    fc_error_t err;
    assert_int_equal(fc_image_parse(s.buf, s.len, &img, &err), FC_OK);
    assert_int_equal(err.code, FC_OK);
    assert_int_equal(img.version, 1);
    assert_int_equal(img.size, s.len);
    assert_ptr_equal(img.text, s.buf + 64);
    assert_int_equal(img.text_slots, 12);
    assert_memory_equal(img.text, sample_text, sizeof sample_text);
    assert_int_equal(img.rodata_size, 3);
    assert_memory_equal(img.rodata, "AB", 3);
    assert_int_equal(((uintptr_t)img.rodata) % 8, 0);
    assert_int_equal(img.data_size, 4);
    assert_memory_equal(img.data, sample_data, 4);
    assert_int_equal(img.bss_size, 12);
    assert_int_equal(fc_image_ram_size(&img), 16);
    assert_int_equal(img.func_count, 2);
    assert_string_equal(img.name, "sample");
    assert_int_equal(img.app_version, 0x01020003);
    assert_true(img.helpers == ((1ull << 1) | (1ull << 63)));
    assert_int_equal(img.frame_size, 256);
    assert_int_equal(img.budget, 5000);
    assert_int_equal(img.cpu, 3);

    fc_image_func_t f;
    assert_int_equal(fc_image_function(&img, 1, &f), FC_OK);
    assert_string_equal(f.name, "five");
    assert_int_equal(f.slot, 10);
    assert_int_equal(f.flags, 0);
    assert_int_equal(fc_image_function(&img, 2, &f), FC_ERR_INVALID_ARG);

    uint32_t slot = 99;
    assert_int_equal(fc_image_find_function(&img, "main", &slot), FC_OK);
    assert_int_equal(slot, 0);
    /* static functions are not entry points; unknown names are not found */
    assert_int_equal(fc_image_find_function(&img, "five", &slot), FC_ERR_IMAGE_ENTRY);
    assert_int_equal(fc_image_find_function(&img, "mai", &slot), FC_ERR_IMAGE_ENTRY);
    assert_int_equal(fc_image_find_function(&img, "mainx", &slot), FC_ERR_IMAGE_ENTRY);
    assert_string_equal(fc_image_function_at(&img, 0), "main");
    assert_string_equal(fc_image_function_at(&img, 10), "five");
    assert_null(fc_image_function_at(&img, 5));

    /* a buffer longer than the image (a flash slot) is fine */
    assert_int_equal(fc_image_parse(s.buf, sizeof s.buf, &img, &err), FC_OK);
}

static void test_init_ram(void **state)
{
    (void)state;
    sample_t s;
    make_sample(&s);
    fc_image_t img;
    assert_int_equal(fc_image_parse(s.buf, s.len, &img, NULL), FC_OK);
    _Alignas(8) uint8_t ram[24];
    memset(ram, 0xAA, sizeof ram);
    assert_int_equal(fc_image_init_ram(&img, ram, 15), FC_ERR_BUFFER);
    assert_int_equal(fc_image_init_ram(&img, ram + 4, 20), FC_ERR_IMAGE_ALIGN);
    assert_int_equal(fc_image_init_ram(&img, ram, sizeof ram), FC_OK);
    static const uint8_t want[16] = {7};
    assert_memory_equal(ram, want, 16);
    assert_int_equal(ram[16], 0xAA); /* nothing past data + bss */
}

/* ---- refusals --------------------------------------------------------------- */
static void expect_refusal(const uint8_t *buf, size_t len, int code, unsigned long where)
{
    fc_image_t img;
    fc_error_t err = {0};
    memset(&img, 0x55, sizeof img);
    assert_int_equal(fc_image_parse(buf, len, &img, &err), code);
    assert_int_equal(err.code, code);
    assert_int_equal(err.where, where);
    assert_non_null(err.reason);
    assert_true(strlen(err.reason) > 8);
    assert_null(img.text); /* a refused image leaves nothing usable */
}

static void test_truncated_at_every_byte(void **state)
{
    (void)state;
    sample_t s;
    make_sample(&s);
    for (size_t len = 0; len < s.len; len++)
        if (len < 64)
            expect_refusal(s.buf, len, FC_ERR_IMAGE_TRUNCATED, len);
        else
            expect_refusal(s.buf, len, FC_ERR_IMAGE_TRUNCATED, 12);
}

static void test_misaligned_buffer(void **state)
{
    (void)state;
    sample_t s;
    make_sample(&s);
    static _Alignas(8) uint8_t shifted[BUF_CAP + 8];
    for (size_t shift = 1; shift < 8; shift++) {
        memcpy(shifted + shift, s.buf, s.len);
        expect_refusal(shifted + shift, s.len, FC_ERR_IMAGE_ALIGN, 0);
    }
}

static void test_null_arguments(void **state)
{
    (void)state;
    fc_image_t img;
    fc_error_t err;
    assert_int_equal(fc_image_parse(NULL, 10, &img, &err), FC_ERR_INVALID_ARG);
    assert_int_equal(fc_image_parse(NULL, 0, &img, &err), FC_ERR_IMAGE_TRUNCATED);
    sample_t s;
    make_sample(&s);
    assert_int_equal(fc_image_parse(s.buf, s.len, NULL, &err), FC_ERR_INVALID_ARG);
}

/* One header or table field set to a value, and the refusal it must get. */
typedef struct corruption {
    const char *what;
    uint32_t field; /* byte offset of the u32 (or u16/u8, see width) */
    int width;      /* 1, 2 or 4 bytes */
    uint32_t value;
    int code;
    int where_delta; /* expected err.where - field */
} corruption_t;

static void apply(uint8_t *buf, const corruption_t *c)
{
    for (int i = 0; i < c->width; i++)
        buf[c->field + (uint32_t)i] = (uint8_t)(c->value >> (8 * i));
}

static void run_corruptions(const corruption_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sample_t s;
        make_sample(&s);
        apply(s.buf, &list[i]);
        fc_image_t img;
        fc_error_t err = {0};
        int st = fc_image_parse(s.buf, s.len, &img, &err);
        if (st != list[i].code || err.where != list[i].field + (unsigned long)list[i].where_delta) {
            fail_msg("%s: got %d (%s) at %lu, want %d at %lu", list[i].what, st,
                     err.reason ? err.reason : "-", err.where, list[i].code,
                     list[i].field + (unsigned long)list[i].where_delta);
        }
    }
}

static void test_header_fields(void **state)
{
    (void)state;
    sample_t s;
    make_sample(&s);
    const uint8_t *h = s.buf;
    uint32_t total = (uint32_t)s.len;
    uint32_t ro_off = rd32(h + 20), data_off = rd32(h + 28), func_off = rd32(h + 40);
    uint32_t str_off = rd32(h + 48), str_size = rd32(h + 52), meta_off = rd32(h + 56);
    const corruption_t list[] = {
        {"magic byte 0", 0, 1, 'X', FC_ERR_IMAGE_MAGIC, 0},
        {"magic byte 3", 3, 1, 0x01, FC_ERR_IMAGE_MAGIC, -3},
        {"version 0", 4, 2, 0, FC_ERR_IMAGE_VERSION, 0},
        {"version 2", 4, 2, 2, FC_ERR_IMAGE_VERSION, 0},
        {"version ffff", 4, 2, 0xffff, FC_ERR_IMAGE_VERSION, 0},
        {"flags", 6, 2, 1, FC_ERR_IMAGE_VERSION, 0},
        {"header size 56", 8, 4, 56, FC_ERR_IMAGE_LAYOUT, 0},
        {"header size 68", 8, 4, 68, FC_ERR_IMAGE_LAYOUT, 0},
        {"header size > total", 8, 4, total + 8, FC_ERR_IMAGE_LAYOUT, 0},
        {"header size max", 8, 4, 0xfffffff8u, FC_ERR_IMAGE_LAYOUT, 0},
        {"total > buffer", 12, 4, total + 1, FC_ERR_IMAGE_TRUNCATED, 0},
        {"total max", 12, 4, 0xffffffffu, FC_ERR_IMAGE_TRUNCATED, 0},
        {"total < header", 12, 4, 32, FC_ERR_IMAGE_LAYOUT, -4},
        {"total cuts metadata", 12, 4, total - 8, FC_ERR_IMAGE_LAYOUT, 56 - 12},
        {"text empty", 16, 4, 0, FC_ERR_IMAGE_LAYOUT, 0},
        {"text past end", 16, 4, (total - 64) / 8 + 1, FC_ERR_IMAGE_LAYOUT, 0},
        {"text max", 16, 4, 0xffffffffu, FC_ERR_IMAGE_LAYOUT, 0},
        {"text into rodata", 16, 4, 13, FC_ERR_IMAGE_LAYOUT, 4},
        {"rodata before text end", 20, 4, 64, FC_ERR_IMAGE_LAYOUT, 0},
        {"rodata misaligned", 20, 4, ro_off + 1, FC_ERR_IMAGE_LAYOUT, 0},
        {"rodata off max", 20, 4, 0xfffffff8u, FC_ERR_IMAGE_LAYOUT, 0},
        {"rodata size past end", 24, 4, total - ro_off + 1, FC_ERR_IMAGE_LAYOUT, -4},
        {"rodata size max", 24, 4, 0xffffffffu, FC_ERR_IMAGE_LAYOUT, -4},
        {"rodata size into data", 24, 4, data_off - ro_off + 1, FC_ERR_IMAGE_LAYOUT, 4},
        {"data before rodata end", 28, 4, ro_off, FC_ERR_IMAGE_LAYOUT, 0},
        {"data misaligned", 28, 4, data_off + 4, FC_ERR_IMAGE_LAYOUT, 0},
        {"data off max", 28, 4, 0xfffffff8u, FC_ERR_IMAGE_LAYOUT, 0},
        {"data size max", 32, 4, 0xffffffffu, FC_ERR_IMAGE_LAYOUT, -4},
        {"data size into functab", 32, 4, func_off - data_off + 1, FC_ERR_IMAGE_LAYOUT, 8},
        {"bss overflow", 36, 4, 0xffffffffu - 3, FC_ERR_IMAGE_LAYOUT, 0},
        {"functab before data end", 40, 4, data_off, FC_ERR_IMAGE_LAYOUT, 0},
        {"functab misaligned", 40, 4, func_off + 2, FC_ERR_IMAGE_LAYOUT, 0},
        {"functab off max", 40, 4, 0xfffffffcu, FC_ERR_IMAGE_LAYOUT, 0},
        {"functab empty", 44, 4, 0, FC_ERR_IMAGE_LAYOUT, 0},
        {"functab count past end", 44, 4, (total - func_off) / 12 + 1, FC_ERR_IMAGE_LAYOUT, 0},
        {"functab count max", 44, 4, 0xffffffffu, FC_ERR_IMAGE_LAYOUT, 0},
        {"functab count into strings", 44, 4, 3, FC_ERR_IMAGE_LAYOUT, 4},
        {"strings before functab end", 48, 4, func_off, FC_ERR_IMAGE_LAYOUT, 0},
        {"strings off max", 48, 4, 0xffffffffu, FC_ERR_IMAGE_LAYOUT, 0},
        {"strings size max", 52, 4, 0xffffffffu, FC_ERR_IMAGE_LAYOUT, -4},
        {"strings size into meta", 52, 4, meta_off - str_off + 1, FC_ERR_IMAGE_LAYOUT, 4},
        {"meta before strings end", 56, 4, str_off + str_size - 1, FC_ERR_IMAGE_LAYOUT, 0},
        {"meta misaligned", 56, 4, meta_off + 1, FC_ERR_IMAGE_LAYOUT, 0},
        {"meta off max", 56, 4, 0xfffffffcu, FC_ERR_IMAGE_LAYOUT, 0},
        {"meta short", 60, 4, 31, FC_ERR_IMAGE_LAYOUT, 0},
        {"meta size max", 60, 4, 0xffffffffu, FC_ERR_IMAGE_LAYOUT, -4},
    };
    run_corruptions(list, sizeof list / sizeof list[0]);
}

static void test_table_and_metadata_fields(void **state)
{
    (void)state;
    sample_t s;
    make_sample(&s);
    uint32_t f = rd32(s.buf + 40), m = rd32(s.buf + 56), str_size = rd32(s.buf + 52);
    const corruption_t list[] = {
        {"func 0 name off past strings", f + 0, 4, str_size, FC_ERR_IMAGE_NAME, 0},
        {"func 0 name off max", f + 0, 4, 0xffffffffu, FC_ERR_IMAGE_NAME, 0},
        {"func 0 name at its NUL (empty)", f + 0, 4, 6, FC_ERR_IMAGE_NAME, 0},
        {"func 0 slot not 0", f + 4, 4, 1, FC_ERR_IMAGE_LAYOUT, 0},
        {"func 1 slot past text", f + 16, 4, 12, FC_ERR_IMAGE_LAYOUT, 0},
        {"func 1 slot max", f + 16, 4, 0xffffffffu, FC_ERR_IMAGE_LAYOUT, 0},
        {"func 1 slot equal to func 0", f + 16, 4, 0, FC_ERR_IMAGE_LAYOUT, 0},
        {"func 0 unknown flag", f + 8, 4, 3, FC_ERR_IMAGE_LAYOUT, 0},
        {"func 1 flag max", f + 20, 4, 0xffffffffu, FC_ERR_IMAGE_LAYOUT, 0},
        {"meta name past strings", m + 0, 4, str_size, FC_ERR_IMAGE_NAME, 0},
        {"meta name max", m + 0, 4, 0xffffffffu, FC_ERR_IMAGE_NAME, 0},
        {"meta frame not multiple of 8", m + 16, 4, 100, FC_ERR_IMAGE_LAYOUT, 0},
        {"meta cpu 0", m + 24, 1, 0, FC_ERR_IMAGE_VERSION, 0},
        {"meta cpu 5", m + 24, 1, 5, FC_ERR_IMAGE_VERSION, 0},
        {"meta reserved", m + 31, 1, 1, FC_ERR_IMAGE_LAYOUT, 0},
    };
    run_corruptions(list, sizeof list / sizeof list[0]);
}

static void test_bad_names(void **state)
{
    (void)state;
    sample_t s;
    make_sample(&s);
    uint32_t f = rd32(s.buf + 40), str_off = rd32(s.buf + 48), str_size = rd32(s.buf + 52);
    uint32_t m = rd32(s.buf + 56);
    /* strings: "sample\0main\0five\0" */
    assert_int_equal(str_size, 17);
    assert_memory_equal(s.buf + str_off, "sample\0main\0five\0", 17);

    /* last name not terminated inside the string area */
    make_sample(&s);
    s.buf[str_off + 16] = 'x';
    expect_refusal(s.buf, s.len, FC_ERR_IMAGE_NAME, f + 12);

    /* the string area shortened so the last NUL falls outside it */
    make_sample(&s);
    wr32(s.buf + 52, 16);
    expect_refusal(s.buf, s.len, FC_ERR_IMAGE_NAME, f + 12);

    /* a control byte and a high byte in the container name */
    make_sample(&s);
    s.buf[str_off + 2] = '\n';
    expect_refusal(s.buf, s.len, FC_ERR_IMAGE_NAME, m);
    make_sample(&s);
    s.buf[str_off + 2] = 0xc3;
    expect_refusal(s.buf, s.len, FC_ERR_IMAGE_NAME, m);

    /* a function name of 64 bytes: rebuild the strings by hand */
    make_sample(&s);
    uint32_t meta_size = 32;
    uint8_t meta[32];
    memcpy(meta, s.buf + m, 32);
    memset(s.buf + str_off, 'a', 64);
    s.buf[str_off + 64] = 0;
    wr32(s.buf + 52, 65);
    uint32_t new_meta = (str_off + 65 + 3) & ~3u;
    memcpy(s.buf + new_meta, meta, 32);
    wr32(s.buf + new_meta, 1); /* container name "aaa...a" (63 bytes) */
    wr32(s.buf + 56, new_meta);
    wr32(s.buf + 12, new_meta + meta_size);
    wr32(s.buf + f, 0);
    wr32(s.buf + f + 12, 1);
    expect_refusal(s.buf, new_meta + meta_size, FC_ERR_IMAGE_NAME, f);
    /* while 63 bytes is the limit and fine */
    wr32(s.buf + f, 1);
    fc_image_t img;
    assert_int_equal(fc_image_parse(s.buf, new_meta + meta_size, &img, NULL), FC_OK);
    assert_int_equal(strlen(img.name), 63);
}

/* A longer header (a later minor version's extra fields) is skipped: text
 * starts at header_size and every offset moves with it. */
static void test_longer_header_is_accepted(void **state)
{
    (void)state;
    sample_t s;
    make_sample(&s);
    memmove(s.buf + 72, s.buf + 64, s.len - 64);
    memset(s.buf + 64, 0xEE, 8); /* unknown extension bytes */
    wr32(s.buf + 8, 72);
    wr32(s.buf + 12, (uint32_t)s.len + 8);
    static const uint32_t offset_fields[] = {20, 28, 40, 48, 56};
    for (size_t i = 0; i < sizeof offset_fields / sizeof offset_fields[0]; i++)
        wr32(s.buf + offset_fields[i], rd32(s.buf + offset_fields[i]) + 8);
    fc_image_t img;
    fc_error_t err;
    assert_int_equal(fc_image_parse(s.buf, s.len + 8, &img, &err), FC_OK);
    assert_ptr_equal(img.text, s.buf + 72);
    assert_memory_equal(img.text, sample_text, sizeof sample_text);
    assert_string_equal(img.name, "sample");
    assert_string_equal(fc_image_function_at(&img, 10), "five");
}

static void test_writer_refusals(void **state)
{
    (void)state;
    uint8_t out[BUF_CAP];
    size_t len;
    fc_error_t err;
    fc_image_parts_t p = sample_parts();
    assert_int_equal(fc_image_write(&p, out, 64, &len, &err), FC_ERR_BUFFER);
    assert_true(len > 64); /* still says how much is needed */
    assert_int_equal(fc_image_write(&p, NULL, 0, &len, &err), FC_ERR_BUFFER);

    p = sample_parts();
    p.text_slots = 0;
    assert_int_equal(fc_image_write(&p, out, sizeof out, &len, &err), FC_ERR_IMAGE_LAYOUT);
    p = sample_parts();
    p.name = "";
    assert_int_equal(fc_image_write(&p, out, sizeof out, &len, &err), FC_ERR_IMAGE_NAME);
    p = sample_parts();
    p.cpu = 9;
    assert_int_equal(fc_image_write(&p, out, sizeof out, &len, &err), FC_ERR_IMAGE_VERSION);
    p = sample_parts();
    p.bss_size = 0xffffffffu;
    assert_int_equal(fc_image_write(&p, out, sizeof out, &len, &err), FC_ERR_IMAGE_LAYOUT);

    fc_image_func_t unsorted[] = {{"main", 0, 1}, {"b", 10, 0}, {"c", 4, 0}};
    p = sample_parts();
    p.funcs = unsorted;
    p.func_count = 3;
    assert_int_equal(fc_image_write(&p, out, sizeof out, &len, &err), FC_ERR_IMAGE_LAYOUT);
    assert_int_equal(err.where, 2);
    fc_image_func_t bad_name[] = {{"main", 0, 1}, {"tab\tname", 10, 0}};
    p = sample_parts();
    p.funcs = bad_name;
    assert_int_equal(fc_image_write(&p, out, sizeof out, &len, &err), FC_ERR_IMAGE_NAME);
    assert_int_equal(err.where, 1);
}

/* ---- with the VM --------------------------------------------------------------- */
static void test_verify_bind_run(void **state)
{
    (void)state;
    sample_t s;
    make_sample(&s);
    fc_image_t img;
    fc_error_t err;
    assert_int_equal(fc_image_parse(s.buf, s.len, &img, &err), FC_OK);

    fc_verify_config_t cfg;
    fc_verify_config_default(&cfg);
    fc_program_t prog;
    uint32_t entries[4];
    assert_int_equal(fc_image_verify(&img, &cfg, &prog, entries, 1, &err), FC_ERR_BUFFER);
    assert_int_equal(fc_image_verify(&img, &cfg, &prog, entries, 4, &err), FC_OK);
    assert_int_equal(prog.n_entries, 2);
    assert_int_equal(entries[1], 10);

    _Alignas(8) uint8_t ram[16];
    assert_int_equal(fc_image_init_ram(&img, ram, sizeof ram), FC_OK);
    _Alignas(8) uint8_t stack[1024];
    fc_vm_t vm;
    assert_int_equal(fc_vm_init(&vm, &prog, stack, sizeof stack), FC_OK);
    assert_int_equal(fc_image_bind(&img, &vm, ram + 4), FC_ERR_IMAGE_ALIGN);
    assert_int_equal(fc_image_bind(&img, &vm, ram), FC_OK);
    uint32_t entry;
    assert_int_equal(fc_image_find_function(&img, "main", &entry), FC_OK);
    uint64_t r0 = 0;
    assert_int_equal(fc_vm_run(&vm, entry, 0, 0, &r0), FC_OK);
    assert_int_equal(r0, 5);
    assert_int_equal(rd32(ram + 4), 'B' + 7); /* the bss word the code wrote */
    assert_int_equal(rd32(ram), 7);           /* data untouched */
}

static void test_verify_refuses_lddw_past_sections(void **state)
{
    (void)state;
    /* lddw r2, data+17: one past the end of data + bss (16 bytes) */
    static const fc_insn_t text[] = {
        {0x18, 0x22, 0, 17}, {0, 0, 0, 0}, {0x72, 0x02, 0, 1}, {0xb7, 0, 0, 0}, {0x95, 0, 0, 0},
    };
    fc_image_parts_t p = sample_parts();
    p.text = text;
    p.text_slots = 5;
    p.func_count = 1;
    _Alignas(8) uint8_t buf[BUF_CAP];
    size_t len;
    fc_error_t err;
    assert_int_equal(fc_image_write(&p, buf, sizeof buf, &len, &err), FC_OK);
    fc_image_t img;
    assert_int_equal(fc_image_parse(buf, len, &img, &err), FC_OK);
    fc_verify_config_t cfg;
    fc_verify_config_default(&cfg);
    fc_program_t prog;
    uint32_t entries[2];
    assert_int_equal(fc_image_verify(&img, &cfg, &prog, entries, 2, &err), FC_ERR_LDDW_SOURCE);
    assert_int_equal(err.where, 0);
    /* the end address itself (offset 16) is a valid C pointer and passes */
    ((fc_insn_t *)(void *)(buf + 64))[0].imm = 16;
    assert_int_equal(fc_image_verify(&img, &cfg, &prog, entries, 2, &err), FC_OK);
}

/* Run a one-function image built from text with the sample's sections. */
static fc_status_t run_text(const fc_insn_t *text, uint32_t slots, fc_vm_t *vm, uint64_t *r0)
{
    static _Alignas(8) uint8_t buf[BUF_CAP];
    /* ram and stack with a gap between them: an access just past the end
     * of ram must not land in another granted region by accident of the
     * linker's layout (a Debug build placed the stack right after ram) */
    static struct {
        _Alignas(8) uint8_t ram[16];
        uint8_t gap[64];
        _Alignas(8) uint8_t stack[1024];
    } mem;
    uint8_t *ram = mem.ram, *stack = mem.stack;
    static fc_image_t img;
    static fc_program_t prog;
    static uint32_t entries[2];
    fc_image_parts_t p = sample_parts();
    p.text = text;
    p.text_slots = slots;
    p.func_count = 1;
    size_t len;
    fc_error_t err;
    assert_int_equal(fc_image_write(&p, buf, sizeof buf, &len, &err), FC_OK);
    assert_int_equal(fc_image_parse(buf, len, &img, &err), FC_OK);
    fc_verify_config_t cfg;
    fc_verify_config_default(&cfg);
    assert_int_equal(fc_image_verify(&img, &cfg, &prog, entries, 2, &err), FC_OK);
    assert_int_equal(fc_image_init_ram(&img, ram, sizeof mem.ram), FC_OK);
    assert_int_equal(fc_vm_init(vm, &prog, stack, sizeof mem.stack), FC_OK);
    assert_int_equal(fc_image_bind(&img, vm, ram), FC_OK);
    return fc_vm_run(vm, 0, 0, 0, r0);
}

static void test_rodata_is_read_only(void **state)
{
    (void)state;
    /* lddw r1, rodata+0; stb [r1], 1; exit */
    static const fc_insn_t text[] = {
        {0x18, 0x11, 0, 0}, {0, 0, 0, 0}, {0x72, 0x01, 0, 1}, {0xb7, 0, 0, 0}, {0x95, 0, 0, 0},
    };
    fc_vm_t vm;
    uint64_t r0;
    assert_int_not_equal(run_text(text, 5, &vm, &r0), FC_OK);
    assert_true(vm.fault.code == FC_FAULT_MEM_PERM || vm.fault.code == FC_FAULT_MEM);
    assert_int_equal(vm.fault.where, 2);
}

static void test_ram_end_is_enforced(void **state)
{
    (void)state;
    /* lddw r1, data+16 (the end of data + bss: allowed as an address);
     * stb [r1], 1 must fault; ldxb [r1-1] is the last byte and works */
    static const fc_insn_t past[] = {
        {0x18, 0x21, 0, 16}, {0, 0, 0, 0}, {0x72, 0x01, 0, 1}, {0xb7, 0, 0, 0}, {0x95, 0, 0, 0},
    };
    static const fc_insn_t last[] = {
        {0x18, 0x21, 0, 16},
        {0, 0, 0, 0},
        {0x71, 0x10, -1, 0},
        {0x95, 0, 0, 0},
    };
    fc_vm_t vm;
    uint64_t r0 = 99;
    assert_int_equal(run_text(past, 5, &vm, &r0), FC_FAULT_MEM);
    assert_int_equal(vm.fault.where, 2);
    assert_int_equal(run_text(last, 4, &vm, &r0), FC_OK);
    assert_int_equal(r0, 0); /* bss is zeroed */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_init_ram),
        cmocka_unit_test(test_truncated_at_every_byte),
        cmocka_unit_test(test_misaligned_buffer),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_header_fields),
        cmocka_unit_test(test_table_and_metadata_fields),
        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_longer_header_is_accepted),
        cmocka_unit_test(test_writer_refusals),
        cmocka_unit_test(test_verify_bind_run),
        cmocka_unit_test(test_verify_refuses_lddw_past_sections),
        cmocka_unit_test(test_rodata_is_read_only),
        cmocka_unit_test(test_ram_end_is_enforced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
