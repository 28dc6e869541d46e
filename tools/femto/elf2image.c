/* ELF object to container image (see elf2image.h). libelf does the ELF
 * parsing; this file decides what each section, symbol and relocation
 * means for an image that executes in place without relocation. */
#include "elf2image.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "femto/image.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif
#ifndef R_BPF_64_64
#define R_BPF_64_64 1
#endif
#ifndef R_BPF_64_ABS64
#define R_BPF_64_ABS64 2
#endif
#ifndef R_BPF_64_ABS32
#define R_BPF_64_ABS32 3
#endif
#ifndef R_BPF_64_32
#define R_BPF_64_32 10
#endif

#define OP_LDDW 0x18
#define OP_CALL 0x85

enum sec_kind { SEC_IGNORE, SEC_TEXT, SEC_RODATA, SEC_DATA, SEC_BSS };

typedef struct section {
    enum sec_kind kind;
    const char *name;
    uint64_t size;
    uint64_t align;
    uint64_t base; /* TEXT: first slot; RODATA/DATA/BSS: byte offset in its area */
    Elf_Scn *scn;
} section_t;

typedef struct func {
    char name[FC_IMAGE_NAME_MAX + 1];
    uint32_t slot;
    uint32_t flags;
} func_t;

typedef struct conv {
    Elf *elf;
    size_t nsec;
    section_t *secs;
    Elf_Scn *symtab;
    size_t strtab; /* section index of the symbol names */
    fc_insn_t *text;
    uint32_t text_slots;
    uint8_t *rodata;
    uint32_t rodata_size;
    uint8_t *data;
    uint32_t data_size; /* rounded up to 8 when bss follows */
    uint32_t bss_size;
    func_t *funcs;
    uint32_t func_count, func_cap;
    char *why;
    size_t why_len;
} conv_t;

static int fail(conv_t *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->why, c->why_len, fmt, ap);
    va_end(ap);
    return -1;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return a > 1 ? (v + a - 1) / a * a : v;
}

static int is_maps_section(const char *name)
{
    return strcmp(name, ".maps") == 0 || strcmp(name, "maps") == 0 ||
           strncmp(name, ".maps.", 6) == 0 || strncmp(name, "maps/", 5) == 0;
}

/* ---- sections ---------------------------------------------------------- */
static enum sec_kind classify(const GElf_Shdr *sh)
{
    if (!(sh->sh_flags & SHF_ALLOC))
        return SEC_IGNORE;
    if (sh->sh_flags & SHF_EXECINSTR)
        return SEC_TEXT;
    if (sh->sh_type == SHT_NOBITS)
        return SEC_BSS;
    return (sh->sh_flags & SHF_WRITE) ? SEC_DATA : SEC_RODATA;
}

static int scan_sections(conv_t *c)
{
    size_t shstrndx;
    if (elf_getshdrnum(c->elf, &c->nsec) != 0 || elf_getshdrstrndx(c->elf, &shstrndx) != 0)
        return fail(c, "cannot read the section headers: %s", elf_errmsg(-1));
    c->secs = calloc(c->nsec ? c->nsec : 1, sizeof *c->secs);
    if (!c->secs)
        return fail(c, "out of memory");
    for (size_t i = 1; i < c->nsec; i++) {
        Elf_Scn *scn = elf_getscn(c->elf, i);
        GElf_Shdr sh;
        if (!scn || !gelf_getshdr(scn, &sh))
            return fail(c, "cannot read section %zu: %s", i, elf_errmsg(-1));
        section_t *s = &c->secs[i];
        s->scn = scn;
        s->name = elf_strptr(c->elf, shstrndx, sh.sh_name);
        if (!s->name)
            s->name = "?";
        s->size = sh.sh_size;
        s->align = sh.sh_addralign > 8 ? 8 : sh.sh_addralign;
        if (sh.sh_type == SHT_SYMTAB) {
            c->symtab = scn;
            c->strtab = sh.sh_link;
        }
        if (is_maps_section(s->name)) {
            return fail(c,
                        "section %s holds BPF maps, which femto containers do not have "
                        "(use the key-value helpers of sdk/femto.h)",
                        s->name);
        }
        s->kind = classify(&sh);
        if (s->kind != SEC_IGNORE && sh.sh_type != SHT_PROGBITS && sh.sh_type != SHT_NOBITS) {
            return fail(c, "section %s has type %u, which an image cannot hold", s->name,
                        (unsigned)sh.sh_type);
        }
        if (s->kind == SEC_TEXT && s->size % 8 != 0)
            return fail(c, "code section %s is not a whole number of 8-byte instructions", s->name);
        if (s->size > UINT32_MAX)
            return fail(c, "section %s is larger than the image format allows (4 GiB)", s->name);
    }
    return 0;
}

static Elf_Data *section_bytes(conv_t *c, size_t i)
{
    Elf_Data *d = elf_getdata(c->secs[i].scn, NULL);
    if (d && d->d_size != c->secs[i].size && c->secs[i].kind != SEC_BSS)
        return NULL;
    return d;
}

/* Place each section in its area and copy the bytes. */
static int lay_out(conv_t *c)
{
    uint64_t text = 0, ro = 0, data = 0, bss = 0;
    for (size_t i = 1; i < c->nsec; i++) {
        section_t *s = &c->secs[i];
        switch (s->kind) {
        case SEC_TEXT:
            s->base = text;
            text += s->size / 8;
            break;
        case SEC_RODATA:
            s->base = ro = align_up(ro, s->align);
            ro += s->size;
            break;
        case SEC_DATA:
            s->base = data = align_up(data, s->align);
            data += s->size;
            break;
        case SEC_BSS:
            s->base = bss = align_up(bss, s->align);
            bss += s->size;
            break;
        default:
            break;
        }
    }
    if (bss)
        data = align_up(data, 8); /* bss offsets in RAM start 8-aligned */
    if (text == 0)
        return fail(c, "the object has no code (no executable section)");
    if (text > UINT32_MAX / 8 || ro > UINT32_MAX || data + bss > UINT32_MAX)
        return fail(c, "code or data larger than the image format allows");
    c->text_slots = (uint32_t)text;
    c->rodata_size = (uint32_t)ro;
    c->data_size = (uint32_t)data;
    c->bss_size = (uint32_t)bss;
    c->text = calloc(text, sizeof *c->text);
    c->rodata = calloc(ro ? ro : 1, 1);
    c->data = calloc(data ? data : 1, 1);
    if (!c->text || !c->rodata || !c->data)
        return fail(c, "out of memory");
    for (size_t i = 1; i < c->nsec; i++) {
        section_t *s = &c->secs[i];
        if (s->kind == SEC_IGNORE || s->kind == SEC_BSS || s->size == 0)
            continue;
        Elf_Data *d = section_bytes(c, i);
        if (!d || !d->d_buf)
            return fail(c, "cannot read the bytes of section %s", s->name);
        const uint8_t *src = d->d_buf;
        if (s->kind == SEC_TEXT) {
            for (uint64_t k = 0; k < s->size / 8; k++) {
                const uint8_t *p = src + k * 8;
                fc_insn_t *in = &c->text[s->base + k];
                in->opcode = p[0];
                in->regs = p[1];
                in->offset = (int16_t)(uint16_t)(p[2] | p[3] << 8);
                in->imm = (int32_t)((uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
                                    (uint32_t)p[7] << 24);
            }
        } else {
            memcpy((s->kind == SEC_RODATA ? c->rodata : c->data) + s->base, src, s->size);
        }
    }
    return 0;
}

/* ---- symbols and functions -------------------------------------------- */
static int get_symbol(conv_t *c, size_t index, GElf_Sym *sym, const char **name)
{
    Elf_Data *d = elf_getdata(c->symtab, NULL);
    if (!d || !gelf_getsym(d, (int)index, sym))
        return fail(c, "relocation refers to symbol %zu, which does not exist", index);
    *name = elf_strptr(c->elf, c->strtab, sym->st_name);
    if (!*name || !**name) {
        *name = sym->st_shndx < c->nsec && sym->st_shndx != SHN_UNDEF ? c->secs[sym->st_shndx].name
                                                                      : "(unnamed)";
    }
    return 0;
}

static int add_function(conv_t *c, const char *name, uint32_t slot, uint32_t flags)
{
    size_t n = strlen(name);
    if (n == 0 || n > FC_IMAGE_NAME_MAX)
        return fail(c, "function %s: name longer than %u bytes", name, FC_IMAGE_NAME_MAX);
    for (size_t i = 0; i < n; i++)
        if (name[i] < 0x20 || name[i] > 0x7e)
            return fail(c, "function %s: name is not printable ASCII", name);
    if (c->func_count == c->func_cap) {
        uint32_t cap = c->func_cap ? c->func_cap * 2 : 16;
        func_t *f = realloc(c->funcs, cap * sizeof *f);
        if (!f)
            return fail(c, "out of memory");
        c->funcs = f;
        c->func_cap = cap;
    }
    func_t *f = &c->funcs[c->func_count++];
    memcpy(f->name, name, n + 1);
    f->slot = slot;
    f->flags = flags;
    return 0;
}

static int collect_functions(conv_t *c)
{
    if (!c->symtab)
        return fail(c, "the object has no symbol table");
    Elf_Data *d = elf_getdata(c->symtab, NULL);
    GElf_Shdr sh;
    gelf_getshdr(c->symtab, &sh);
    size_t count = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
    for (size_t i = 1; i < count; i++) {
        GElf_Sym sym;
        if (!d || !gelf_getsym(d, (int)i, &sym))
            return fail(c, "cannot read symbol %zu", i);
        const char *name = elf_strptr(c->elf, c->strtab, sym.st_name);
        if (sym.st_shndx == SHN_COMMON) {
            return fail(c, "symbol %s is a common symbol: compile with -fno-common",
                        name ? name : "?");
        }
        if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF ||
            sym.st_shndx >= c->nsec || c->secs[sym.st_shndx].kind != SEC_TEXT)
            continue;
        const section_t *s = &c->secs[sym.st_shndx];
        if (sym.st_value % 8 != 0 || sym.st_value >= s->size)
            return fail(c, "function %s does not start on an instruction of %s", name, s->name);
        int bind = GELF_ST_BIND(sym.st_info);
        uint32_t flags = (bind == STB_GLOBAL || bind == STB_WEAK) ? FC_IMAGE_FUNC_EXPORTED : 0;
        if (add_function(c, name ? name : "?", (uint32_t)(s->base + sym.st_value / 8), flags))
            return -1;
    }
    return 0;
}

/* ---- relocations -------------------------------------------------------- */
static const char *function_name_at(const conv_t *c, uint64_t slot, const char *fallback)
{
    for (uint32_t i = 0; i < c->func_count; i++)
        if (c->funcs[i].slot == slot)
            return c->funcs[i].name;
    return fallback;
}

static int relocate_lddw(conv_t *c, const section_t *sec, uint64_t slot, const GElf_Sym *sym,
                         const char *name)
{
    fc_insn_t *in = &c->text[slot];
    if (in->opcode != OP_LDDW || slot + 1 >= sec->base + sec->size / 8)
        return fail(c, "%s: R_BPF_64_64 relocation for %s is not on an lddw", sec->name, name);
    if (FC_INSN_SRC(*in) != 0)
        return fail(c, "%s: lddw for %s already has a pseudo source", sec->name, name);
    if (sym->st_shndx == SHN_UNDEF) {
        return fail(c,
                    "undefined symbol %s (extern variables are not supported; "
                    "define it in this file)",
                    name);
    }
    if (sym->st_shndx >= c->nsec)
        return fail(c, "symbol %s is in a special section (absolute or common)", name);
    const section_t *target = &c->secs[sym->st_shndx];
    uint64_t addend = (uint64_t)(uint32_t)in[0].imm | (uint64_t)(uint32_t)in[1].imm << 32;
    uint64_t value = target->base + sym->st_value + addend;
    unsigned src;
    switch (target->kind) {
    case SEC_RODATA:
        src = FC_LDDW_RODATA;
        break;
    case SEC_DATA:
        src = FC_LDDW_DATA;
        break;
    case SEC_BSS:
        src = FC_LDDW_DATA;
        value += c->data_size; /* bss follows the data in the container RAM */
        break;
    case SEC_TEXT:
        return fail(c,
                    "address of function %s is taken (function pointers are not "
                    "supported: call it directly)",
                    function_name_at(c, target->base + (sym->st_value + addend) / 8, name));
    default:
        return fail(c, "code refers to %s in section %s, which is neither code nor data", name,
                    target->name);
    }
    in[0].regs = (uint8_t)((in[0].regs & 0x0f) | (src << 4));
    in[0].imm = (int32_t)(uint32_t)value;
    in[1].imm = (int32_t)(uint32_t)(value >> 32);
    return 0;
}

static int relocate_call(conv_t *c, const section_t *sec, uint64_t slot, const GElf_Sym *sym,
                         const char *name)
{
    fc_insn_t *in = &c->text[slot];
    if (in->opcode != OP_CALL || FC_INSN_SRC(*in) != 1)
        return fail(c, "%s: R_BPF_64_32 relocation for %s is not on a local call", sec->name, name);
    if (sym->st_shndx == SHN_UNDEF) {
        return fail(c,
                    "call to undefined function %s: it is not a helper (helpers are the "
                    "fc_* functions of sdk/femto.h) and not defined in this file",
                    name);
    }
    if (sym->st_shndx >= c->nsec || c->secs[sym->st_shndx].kind != SEC_TEXT)
        return fail(c, "call to %s, which is not in a code section", name);
    const section_t *target = &c->secs[sym->st_shndx];
    /* as libbpf: the callee is st_value/8 + imm + 1 within its section */
    int64_t in_sec = (int64_t)(sym->st_value / 8) + (int64_t)in->imm + 1;
    if (in_sec < 0 || (uint64_t)in_sec >= target->size / 8)
        return fail(c, "call to %s lands outside section %s", name, target->name);
    int64_t dest = (int64_t)target->base + in_sec;
    in->imm = (int32_t)(dest - (int64_t)slot - 1);
    return 0;
}

static int apply_relocations(conv_t *c)
{
    for (size_t i = 1; i < c->nsec; i++) {
        GElf_Shdr sh;
        if (!gelf_getshdr(c->secs[i].scn, &sh) || (sh.sh_type != SHT_REL && sh.sh_type != SHT_RELA))
            continue;
        if (sh.sh_info == 0 || sh.sh_info >= c->nsec)
            continue;
        const section_t *sec = &c->secs[sh.sh_info];
        if (sec->kind == SEC_IGNORE)
            continue; /* debug info, BTF: not part of the image */
        if (sh.sh_link >= c->nsec || c->secs[sh.sh_link].scn != c->symtab)
            return fail(c, "relocations for %s use a symbol table other than .symtab", sec->name);
        Elf_Data *d = elf_getdata(c->secs[i].scn, NULL);
        size_t n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
        for (size_t k = 0; k < n; k++) {
            GElf_Rel rel;
            if (sh.sh_type == SHT_RELA) {
                return fail(c, "section %s has RELA relocations; clang -target bpf emits REL",
                            sec->name);
            }
            if (!d || !gelf_getrel(d, (int)k, &rel))
                return fail(c, "cannot read relocation %zu of %s", k, sec->name);
            GElf_Sym sym;
            const char *name = "?";
            if (get_symbol(c, GELF_R_SYM(rel.r_info), &sym, &name))
                return -1;
            unsigned type = (unsigned)GELF_R_TYPE(rel.r_info);
            if (sec->kind != SEC_TEXT) {
                return fail(c,
                            "%s+%llu holds a pointer to %s: pointers stored in data are not "
                            "supported by image format 1 (the image is not relocated at "
                            "load; compute the address in code)",
                            sec->name, (unsigned long long)rel.r_offset, name);
            }
            if (rel.r_offset % 8 != 0 || rel.r_offset >= sec->size) {
                return fail(c, "%s: relocation for %s at %llu is not on an instruction", sec->name,
                            name, (unsigned long long)rel.r_offset);
            }
            uint64_t slot = sec->base + rel.r_offset / 8;
            int rc;
            if (type == R_BPF_64_64) {
                rc = relocate_lddw(c, sec, slot, &sym, name);
            } else if (type == R_BPF_64_32) {
                rc = relocate_call(c, sec, slot, &sym, name);
            } else {
                rc = fail(c, "%s: relocation type %u for %s is not supported in code", sec->name,
                          type, name);
            }
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* CO-RE relocations live in .BTF.ext; an image has no BTF to relocate
 * against, so a program that needs them cannot run. */
static int refuse_core_relocations(conv_t *c)
{
    for (size_t i = 1; i < c->nsec; i++) {
        if (strcmp(c->secs[i].name, ".BTF.ext") != 0)
            continue;
        Elf_Data *d = elf_getdata(c->secs[i].scn, NULL);
        if (!d || !d->d_buf || d->d_size < 32)
            return 0;
        const uint8_t *p = d->d_buf;
        uint32_t hdr_len =
            (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
        uint32_t core_len =
            (uint32_t)p[28] | (uint32_t)p[29] << 8 | (uint32_t)p[30] << 16 | (uint32_t)p[31] << 24;
        if (hdr_len >= 32 && core_len > 0) {
            return fail(c, "the object has CO-RE relocations (.BTF.ext); femto containers "
                           "have no kernel types to relocate against");
        }
    }
    return 0;
}

/* ---- function table -------------------------------------------------------- */
static int find_function_slot(const conv_t *c, uint32_t slot)
{
    for (uint32_t i = 0; i < c->func_count; i++)
        if (c->funcs[i].slot == slot)
            return 1;
    return 0;
}

/* Every section start and every local-call target must be a listed
 * function: name the ones clang left without a symbol. */
static int complete_functions(conv_t *c)
{
    for (size_t i = 1; i < c->nsec; i++) {
        const section_t *s = &c->secs[i];
        if (s->kind == SEC_TEXT && s->size && !find_function_slot(c, (uint32_t)s->base)) {
            char name[FC_IMAGE_NAME_MAX + 1];
            snprintf(name, sizeof name, "%s", s->name);
            if (add_function(c, name, (uint32_t)s->base, 0))
                return -1;
        }
    }
    for (uint32_t pc = 0; pc < c->text_slots; pc++) {
        const fc_insn_t *in = &c->text[pc];
        if (in->opcode != OP_CALL || FC_INSN_SRC(*in) != 1)
            continue;
        int64_t target = (int64_t)pc + 1 + in->imm;
        if (target >= 0 && target < c->text_slots && !find_function_slot(c, (uint32_t)target)) {
            char name[32];
            snprintf(name, sizeof name, "sub_%lld", (long long)target);
            if (add_function(c, name, (uint32_t)target, 0))
                return -1;
        }
    }
    return 0;
}

static int by_slot_exported_first(const void *a, const void *b)
{
    const func_t *x = a, *y = b;
    if (x->slot != y->slot)
        return x->slot < y->slot ? -1 : 1;
    return (int)(y->flags & FC_IMAGE_FUNC_EXPORTED) - (int)(x->flags & FC_IMAGE_FUNC_EXPORTED);
}

static int check_exported_names(conv_t *c)
{
    for (uint32_t i = 0; i < c->func_count; i++) {
        for (uint32_t k = i + 1; k < c->func_count; k++)
            if ((c->funcs[i].flags & c->funcs[k].flags & FC_IMAGE_FUNC_EXPORTED) &&
                strcmp(c->funcs[i].name, c->funcs[k].name) == 0)
                return fail(c, "function %s is exported twice", c->funcs[i].name);
    }
    return 0;
}

/* Sort by slot and keep one name per slot (an exported one if any). */
static void sort_functions(conv_t *c)
{
    qsort(c->funcs, c->func_count, sizeof *c->funcs, by_slot_exported_first);
    uint32_t out = 0;
    for (uint32_t i = 0; i < c->func_count; i++)
        if (out == 0 || c->funcs[out - 1].slot != c->funcs[i].slot)
            c->funcs[out++] = c->funcs[i];
    c->func_count = out;
}

static uint64_t helpers_called(const conv_t *c)
{
    uint64_t mask = 0;
    for (uint32_t pc = 0; pc < c->text_slots; pc++) {
        const fc_insn_t *in = &c->text[pc];
        if (in->opcode == OP_LDDW)
            pc++; /* the second slot is data */
        else if (in->opcode == OP_CALL && FC_INSN_SRC(*in) == 0 && in->imm >= 0 && in->imm < 64)
            mask |= 1ull << in->imm;
    }
    return mask;
}

/* ---- driver ------------------------------------------------------------------ */
static int check_header(conv_t *c)
{
    if (elf_kind(c->elf) != ELF_K_ELF)
        return fail(c, "not an ELF file");
    GElf_Ehdr eh;
    if (!gelf_getehdr(c->elf, &eh))
        return fail(c, "cannot read the ELF header: %s", elf_errmsg(-1));
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
        return fail(c, "not a 64-bit little-endian ELF object (compile with -target bpf)");
    if (eh.e_machine != EM_BPF) {
        return fail(c, "ELF machine is %u, not BPF (compile with clang -target bpf)",
                    (unsigned)eh.e_machine);
    }
    if (eh.e_type != ET_REL)
        return fail(c, "not a relocatable object (compile with -c, do not link)");
    return 0;
}

static int build_image(conv_t *c, const fc_elf_options_t *opt, fc_elf_result_t *out)
{
    fc_image_func_t *list = calloc(c->func_count, sizeof *list);
    if (!list)
        return fail(c, "out of memory");
    for (uint32_t i = 0; i < c->func_count; i++) {
        list[i].name = c->funcs[i].name;
        list[i].slot = c->funcs[i].slot;
        list[i].flags = c->funcs[i].flags;
    }
    fc_image_parts_t p = {
        .text = c->text,
        .text_slots = c->text_slots,
        .rodata = c->rodata,
        .rodata_size = c->rodata_size,
        .data = c->data,
        .data_size = c->data_size,
        .bss_size = c->bss_size,
        .funcs = list,
        .func_count = c->func_count,
        .name = opt->name,
        .app_version = opt->app_version,
        .helpers = helpers_called(c),
        .frame_size = opt->frame_size,
        .budget = opt->budget,
        .cpu = opt->cpu,
    };
    size_t len = 0;
    fc_error_t err;
    int rc = 0;
    fc_image_write(&p, NULL, 0, &len, &err);
    out->image = len ? aligned_alloc(8, align_up(len, 8)) : NULL;
    if (!out->image) {
        rc = fail(c, "cannot lay out the image: %s", len ? "out of memory" : err.reason);
    } else if (fc_image_write(&p, out->image, len, &out->image_len, &err) != FC_OK) {
        rc = fail(c, "cannot write the image: %s", err.reason);
    } else {
        out->text_slots = c->text_slots;
        out->rodata_size = c->rodata_size;
        out->data_size = c->data_size;
        out->bss_size = c->bss_size;
        out->func_count = c->func_count;
        out->helpers = p.helpers;
    }
    free(list);
    return rc;
}

static int convert(conv_t *c, const fc_elf_options_t *opt, fc_elf_result_t *out)
{
    if (check_header(c) || scan_sections(c) || refuse_core_relocations(c) || lay_out(c) ||
        collect_functions(c) || apply_relocations(c) || complete_functions(c) ||
        check_exported_names(c))
        return -1;
    sort_functions(c);
    return build_image(c, opt, out);
}

int fc_elf_to_image(const char *path, const fc_elf_options_t *opt, fc_elf_result_t *out, char *why,
                    size_t why_len)
{
    conv_t c = {.why = why, .why_len = why_len};
    memset(out, 0, sizeof *out);
    if (elf_version(EV_CURRENT) == EV_NONE)
        return fail(&c, "libelf is out of date: %s", elf_errmsg(-1));
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return fail(&c, "cannot open %s", path);
    c.elf = elf_begin(fd, ELF_C_READ, NULL);
    int rc = c.elf ? convert(&c, opt, out) : fail(&c, "%s: %s", path, elf_errmsg(-1));
    if (rc)
        fc_elf_result_free(out);
    if (c.elf)
        elf_end(c.elf);
    close(fd);
    free(c.secs);
    free(c.text);
    free(c.rodata);
    free(c.data);
    free(c.funcs);
    return rc;
}

void fc_elf_result_free(fc_elf_result_t *r)
{
    free(r->image);
    memset(r, 0, sizeof *r);
}
