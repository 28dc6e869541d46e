/* Container images in the CLI; see image_tool.h. */
#include "image_tool.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "femto/engine.h"
#include "fileio.h"
#include "insn.h"

#define LISTING_COLUMN 40

/* ---- loading ---------------------------------------------------------- */
int fc_image_file_is_image(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char m[4] = {0};
    int is = f && fread(m, 1, 4, f) == 4 && m[0] == FC_IMAGE_MAGIC0 && m[1] == FC_IMAGE_MAGIC1 &&
             m[2] == FC_IMAGE_MAGIC2 && m[3] == FC_IMAGE_MAGIC3;
    if (f)
        fclose(f);
    return is;
}

int fc_image_file_from_bytes(const char *label, const void *bytes, size_t len, fc_image_file_t *f)
{
    memset(f, 0, sizeof *f);
    /* the parser demands an 8-aligned buffer: the text executes in place */
    f->buf = aligned_alloc(FC_IMAGE_ALIGN, len ? (len + 7) / 8 * 8 : 8);
    if (!f->buf) {
        fprintf(stderr, "%s: out of memory\n", label);
        return -1;
    }
    memcpy(f->buf, bytes, len);
    f->len = len;
    fc_error_t err;
    if (fc_image_parse(f->buf, f->len, &f->img, &err) != FC_OK) {
        fprintf(stderr, "%s: not a valid image: %s: %s (byte %lu)\n", label,
                fc_status_name(err.code), err.reason, err.where);
        fc_image_file_free(f);
        return -1;
    }
    return 0;
}

int fc_image_file_load(const char *path, fc_image_file_t *f)
{
    char *data;
    size_t len;
    char err[256];
    if (fc_read_file(path, &data, &len, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", path, err);
        return -1;
    }
    int rc = fc_image_file_from_bytes(path, data, len, f);
    free(data);
    return rc;
}

void fc_image_file_free(fc_image_file_t *f)
{
    free(f->buf);
    memset(f, 0, sizeof *f);
}

/* ---- helpers of the SDK ------------------------------------------------ */
typedef struct sdk_helper {
    uint32_t id;
    const char *name;
} sdk_helper_t;

static const sdk_helper_t sdk_helpers[] = {
#define FC_HELPER(id, en, name, ret, args) {id, #name},
#include "femto_helpers.def"
#undef FC_HELPER
};

const char *fc_sdk_helper_name(uint32_t id)
{
    for (size_t i = 0; i < sizeof sdk_helpers / sizeof sdk_helpers[0]; i++)
        if (sdk_helpers[i].id == id)
            return sdk_helpers[i].name;
    return NULL;
}

/* The verifier only needs to know which ids exist: the tool never runs
 * them, so every SDK helper points at this function, which refuses. */
static uint64_t never_called(fc_vm_t *vm, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                             uint64_t e)
{
    (void)a, (void)b, (void)c, (void)d, (void)e;
    fc_vm_fault(vm, FC_FAULT_HELPER, "the femto tool does not run helpers");
    return 0;
}

fc_status_t fc_image_tool_verify(const fc_image_t *img, fc_program_t *prog, uint32_t **entries,
                                 fc_error_t *err)
{
    static fc_helper_fn fns[FC_MAX_HELPERS];
    static fc_helper_table_t table = {fns, FC_MAX_HELPERS};
    for (size_t i = 0; i < sizeof sdk_helpers / sizeof sdk_helpers[0]; i++)
        if (sdk_helpers[i].id < FC_MAX_HELPERS)
            fns[sdk_helpers[i].id] = never_called;

    fc_verify_config_t cfg;
    fc_verify_config_default(&cfg);
    cfg.helpers = &table;
    if (img->frame_size)
        cfg.frame_size = img->frame_size;
    /* A device's engine keeps at most FC_MAX_ENTRIES entry points: refuse
     * here what it would refuse, with its words and the figures. */
    if (img->func_count > FC_MAX_ENTRIES) {
        static char why[120];
        snprintf(why, sizeof why,
                 "image has more functions than FC_MAX_ENTRIES (%" PRIu32 " > %d; a static "
                 "function the compiler did not inline counts too)",
                 img->func_count, FC_MAX_ENTRIES);
        *entries = NULL;
        err->code = FC_ERR_BUFFER;
        err->where = 0;
        err->reason = why;
        return FC_ERR_BUFFER;
    }
    /* The verifier takes frames that are a multiple of 8 up to 32768 bytes
     * (it calls anything else "invalid verifier configuration"): say so. */
    if (img->frame_size && (img->frame_size % 8 || img->frame_size > 32768)) {
        static char why[96];
        snprintf(why, sizeof why,
                 "frame size %" PRIu32
                 " bytes: a multiple of 8, at most 32768 (femto build --frame)",
                 img->frame_size);
        *entries = NULL;
        err->code = FC_ERR_BAD_CONFIG;
        err->where = 0;
        err->reason = why;
        return FC_ERR_BAD_CONFIG;
    }
    *entries = malloc((img->func_count ? img->func_count : 1) * sizeof **entries);
    if (!*entries) {
        err->code = FC_ERR_BUFFER;
        err->where = 0;
        err->reason = "out of memory";
        return FC_ERR_BUFFER;
    }
    fc_status_t st = fc_image_verify(img, &cfg, prog, *entries, img->func_count, err);
    /* femtod's engine stack (and the MCU default) holds FC_DEFAULT_FRAME x
     * (FC_MAX_CALL_DEPTH + 1) bytes; the engine refuses a program that needs more. */
    enum { device_stack = FC_DEFAULT_FRAME * (FC_MAX_CALL_DEPTH + 1) };
    if (st == FC_OK && prog->stack_needed > device_stack) {
        static char why[160];
        snprintf(why, sizeof why,
                 "program needs more stack than the engine has: %" PRIu32 " bytes (frame %" PRIu32
                 " x %" PRIu32 " levels), a device's stack is %d",
                 prog->stack_needed, prog->frame_size, prog->call_depth + 1, device_stack);
        err->code = FC_ERR_NO_RAM;
        err->where = 0;
        err->reason = why;
        return FC_ERR_NO_RAM;
    }
    return st;
}

/* ---- listings ----------------------------------------------------------- */
/* The function containing slot pc (the last one starting at or before). */
static uint32_t function_of(const fc_image_t *img, uint32_t pc, fc_image_func_t *f)
{
    uint32_t found = 0;
    for (uint32_t i = 0; i < img->func_count; i++) {
        fc_image_func_t g;
        fc_image_function(img, i, &g);
        if (g.slot > pc)
            break;
        found = i;
    }
    fc_image_function(img, found, f);
    return found;
}

/* What an lddw of rodata or data points at: a string literal's start
 * ("..."), or which part of the RAM block (data or bss). */
static void describe_lddw(const fc_image_t *img, fc_op_t op, const fc_insn_t *in, char *buf,
                          size_t size)
{
    uint64_t off = (uint64_t)(uint32_t)in[0].imm | (uint64_t)(uint32_t)in[1].imm << 32;
    buf[0] = '\0';
    if (op == FC_OP_LDDW_DATA) {
        if (off >= img->data_size)
            snprintf(buf, size, "bss+0x%" PRIx64, off - img->data_size);
        return;
    }
    if (off >= img->rodata_size)
        return;
    size_t n = 0;
    const uint8_t *s = img->rodata + off;
    while (off + n < img->rodata_size && s[n] >= 0x20 && s[n] < 0x7f && s[n] != '"')
        n++;
    int is_string = n >= 2 && off + n < img->rodata_size && (s[n] == 0 || s[n] == '\n');
    if (is_string)
        snprintf(buf, size, "\"%.*s%s\"", n > 24 ? 24 : (int)n, (const char *)s,
                 n > 24 || s[n] != 0 ? "..." : "");
}

/* One instruction line: text, then a comment with the slot, a branch or
 * call target (named when it is a function) or the helper called. */
static size_t print_insn(FILE *out, const fc_image_t *img, uint32_t pc, const char *prefix)
{
    char line[160], comment[128];
    size_t slots = fc_disasm_insn(img->text, img->text_slots, pc, line, sizeof line);
    fc_insn_t in = img->text[pc];
    fc_op_t op = fc_isa_decode(in);
    int64_t target;
    snprintf(comment, sizeof comment, "%" PRIu32, pc);
    if (op < FC_OP_COUNT && fc_insn_target(op, in, pc, &target)) {
        const char *name = target >= 0 && target < (int64_t)img->text_slots
                               ? fc_image_function_at(img, (uint32_t)target)
                               : NULL;
        snprintf(comment, sizeof comment, "%" PRIu32 " -> %" PRId64 "%s%s%s", pc, target,
                 name ? " <" : "", name ? name : "", name ? ">" : "");
    } else if (op == FC_OP_LDDW_RODATA || op == FC_OP_LDDW_DATA) {
        char what[64];
        describe_lddw(img, op, &img->text[pc], what, sizeof what);
        snprintf(comment, sizeof comment, "%" PRIu32 "%s%s", pc, what[0] ? " " : "", what);
    } else if (op == FC_OP_CALL) {
        const char *name = fc_sdk_helper_name((uint32_t)in.imm);
        snprintf(comment, sizeof comment, "%" PRIu32 " %s", pc, name ? name : "(unknown helper)");
    }
    fprintf(out, "%s%-*s # %s\n", prefix, LISTING_COLUMN, line, comment);
    return slots ? slots : 1;
}

static void print_label(FILE *out, const fc_image_t *img, uint32_t pc)
{
    const char *name = fc_image_function_at(img, pc);
    if (!name)
        return;
    uint32_t slot;
    int exported = fc_image_find_function(img, name, &slot) == FC_OK && slot == pc;
    fprintf(out, "%s%s:%s\n", pc ? "\n" : "", name, exported ? "" : "  # static");
}

void fc_image_print_listing(FILE *out, const fc_image_t *img)
{
    fprintf(out,
            "# image %s: text %" PRIu32 " slots, rodata %" PRIu32 ", data %" PRIu32 ", bss %" PRIu32
            "\n",
            img->name, img->text_slots, img->rodata_size, img->data_size, img->bss_size);
    fprintf(out,
            "# lddw rodata+N: byte N of rodata; lddw data+N: byte N of the RAM block "
            "(data, then bss from +%" PRIu32 ")\n\n",
            img->data_size);
    for (uint32_t pc = 0; pc < img->text_slots;) {
        print_label(out, img, pc);
        pc += (uint32_t)print_insn(out, img, pc, "    ");
    }
}

void fc_image_print_refusal(FILE *out, const char *label, const fc_image_t *img,
                            const fc_error_t *err)
{
    fprintf(out, "%s: REFUSED: %s: %s", label, fc_status_name(err->code), err->reason);
    if (err->where >= img->text_slots) {
        fprintf(out, "\n");
        return;
    }
    uint32_t bad = (uint32_t)err->where;
    fc_image_func_t f;
    function_of(img, bad, &f);
    fprintf(out, " (instruction %" PRIu32 ", in %s)\n", bad, f.name);
    /* walk instruction boundaries from the function start: lddw is 2 slots */
    uint32_t first = bad > 6 ? bad - 6 : 0;
    for (uint32_t pc = f.slot; pc < img->text_slots && pc <= bad + 4;) {
        char line[160];
        size_t slots = fc_disasm_insn(img->text, img->text_slots, pc, line, sizeof line);
        if (pc + slots > bad && pc <= bad)
            fprintf(out, ">>  %-*s # %" PRIu32 "  <-- %s\n", LISTING_COLUMN, line, pc, err->reason);
        else if (pc >= first)
            print_insn(out, img, pc, "    ");
        pc += slots ? (uint32_t)slots : 1;
    }
}

static void print_helpers(FILE *out, uint64_t mask, int with_names)
{
    if (!mask) {
        fprintf(out, " none");
        return;
    }
    for (uint32_t id = 0; id < 64; id++) {
        if (!(mask >> id & 1))
            continue;
        const char *name = with_names ? fc_sdk_helper_name(id) : NULL;
        if (name)
            fprintf(out, " %" PRIu32 " (%s)", id, name);
        else
            fprintf(out, " %" PRIu32, id);
    }
}

void fc_image_print_summary(FILE *out, const char *label, const fc_image_t *img)
{
    fprintf(out,
            "%s: %" PRIu32 " bytes (text %" PRIu32 " insns, rodata %" PRIu32 ", data %" PRIu32
            ", bss %" PRIu32 "), %" PRIu32 " functions, helpers:",
            label, img->size, img->text_slots, img->rodata_size, img->data_size, img->bss_size,
            img->func_count);
    print_helpers(out, img->helpers, 0);
    fprintf(out, "\n");
}

void fc_image_print_info(FILE *out, const char *label, const fc_image_t *img)
{
    fprintf(out, "%s\n", label);
    fprintf(out, "  name          %s\n", img->name);
    fprintf(out, "  version       %" PRIu32 " (0x%08" PRIx32 ")\n", img->app_version,
            img->app_version);
    fprintf(out, "  format        %u, cpu v%u\n", img->version, img->cpu);
    fprintf(out, "  image size    %" PRIu32 " bytes\n", img->size);
    fprintf(out, "  text          %" PRIu32 " slots (%" PRIu32 " bytes)\n", img->text_slots,
            img->text_slots * 8u);
    fprintf(out, "  rodata        %" PRIu32 " bytes\n", img->rodata_size);
    fprintf(out, "  data          %" PRIu32 " bytes\n", img->data_size);
    fprintf(out, "  bss           %" PRIu32 " bytes\n", img->bss_size);
    fprintf(out, "  ram needed    %" PRIu32 " bytes (data + bss)\n", fc_image_ram_size(img));
    if (img->frame_size)
        fprintf(out, "  frame wish    %" PRIu32 " bytes\n", img->frame_size);
    else
        fprintf(out, "  frame wish    none (device default)\n");
    if (img->budget)
        fprintf(out, "  budget wish   %" PRIu32 " instructions\n", img->budget);
    else
        fprintf(out, "  budget wish   none (device default)\n");
    fprintf(out, "  helpers      ");
    print_helpers(out, img->helpers, 1);
    fprintf(out, "\n  functions     %" PRIu32 "\n", img->func_count);
    for (uint32_t i = 0; i < img->func_count; i++) {
        fc_image_func_t f;
        fc_image_function(img, i, &f);
        fprintf(out, "    %-6" PRIu32 " %-8s %s\n", f.slot,
                (f.flags & FC_IMAGE_FUNC_EXPORTED) ? "export" : "static", f.name);
    }
}
