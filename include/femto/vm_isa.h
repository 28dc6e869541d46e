/** @file
 * Femto-Containers: the eBPF instruction set (RFC 9669), one table.
 *
 * FC_ISA_TABLE is the single source of truth for every instruction the VM
 * accepts. The verifier decodes against it, the interpreter names its
 * handlers after it, and the assembler and disassembler read mnemonics and
 * operand formats from it. Included by vm.h; not a layer of its own.
 *
 * Row: X(ID, OPCODE, SEL, SELVAL, MNEMONIC, FORMAT)
 *   ID       FC_OP_<ID>, a dense index into the table
 *   OPCODE   the opcode byte
 *   SEL      which other field selects this row among rows with the same
 *            opcode: NONE, OFF (offset), IMM (immediate) or SRC (src reg)
 *   SELVAL   the value that field must hold (0 for NONE)
 *   FORMAT   operand format; it also says which fields must be zero
 * Rows are sorted by opcode (a unit test checks it). fc_isa_decode (the
 * tools') scans the named rows for the opcode and its selector rows. The
 * VM decodes with tables derived from this one at compile time instead:
 * the format of every opcode byte (fc_isa_opcodes, fc_isa_format_of()) and the selector
 * rows as sorted keys (fc_isa_selector_keys). */
#ifndef FEMTO_VM_ISA_H
#define FEMTO_VM_ISA_H

/** The fields of a slot, as bits of a field set (FC_FMT_TABLE). */
enum fc_field {
    FC_FIELD_DST = 1, /**< the dst register */
    FC_FIELD_SRC = 2, /**< the src register */
    FC_FIELD_OFF = 4, /**< the offset */
    FC_FIELD_IMM = 8  /**< the immediate */
};

/** The registers an instruction reads and writes, as bits of the REGS
 *  column of FC_FMT_TABLE (the verifier's pass 4 reads them). */
enum fc_regs {
    FC_REGS_READ_DST = 1,   /**< reads its dst register */
    FC_REGS_READ_SRC = 2,   /**< reads its src register */
    FC_REGS_READ_R0 = 4,    /**< reads r0 (exit; cmpxchg compares with it) */
    FC_REGS_READ_ARGS = 8,  /**< reads r1..r5 (a helper call) */
    FC_REGS_WRITE_DST = 16, /**< writes its dst register */
    FC_REGS_WRITE_R0 = 32   /**< writes r0 (a helper call's result) */
};

/* clang-format off */
/** Operand formats, one row each: X(NAME, ZERO, SEL, REGS). The one place
 *  of the field rules and register effects (the verifier's tables are
 *  generated from it):
 *  - ZERO: the fields RFC 9669 leaves unused, which must be zero (an | of
 *    enum fc_field, 0: none);
 *  - SEL: the field that picks a selector row among the rows of an opcode
 *    whose first row has this format (exempt from ZERO in a selector row;
 *    see FC_ISA_TABLE), 0: none;
 *  - REGS: the registers it reads and writes (an | of enum fc_regs). Three
 *    rows' operations refine it: mov does not read dst, a local call
 *    (CALL's selector row) reads and writes none, and an atomic fetch
 *    writes src (cmpxchg: r0). */
/** @cond INTERNAL */
#define FC_FMT_RD_D FC_REGS_READ_DST  /* short names for the table below */
#define FC_FMT_RD_S FC_REGS_READ_SRC
#define FC_FMT_WR_D FC_REGS_WRITE_DST
/** @endcond */
#define FC_FMT_TABLE(X)                                                                                     \
    /* op dst, the width in imm (the selector); first, see fc_isa_opcodes */                                \
    X(END,        FC_FIELD_SRC | FC_FIELD_OFF,                FC_FIELD_IMM, FC_FMT_RD_D | FC_FMT_WR_D)      \
    /* op dst, imm: src 0, off 0 or the selector (sdiv, smod) */                                           \
    X(ALU_K,      FC_FIELD_SRC | FC_FIELD_OFF,                FC_FIELD_OFF, FC_FMT_RD_D | FC_FMT_WR_D)      \
    /* op dst, src: imm 0, off 0 or the selector (sdiv, smod, movsx) */                                    \
    X(ALU_X,      FC_FIELD_IMM | FC_FIELD_OFF,                FC_FIELD_OFF,                                 \
      FC_FMT_RD_D | FC_FMT_RD_S | FC_FMT_WR_D)                                                              \
    /* op dst (neg) */                                                                                       \
    X(UNARY,      FC_FIELD_SRC | FC_FIELD_OFF | FC_FIELD_IMM, 0,            FC_FMT_RD_D | FC_FMT_WR_D)      \
    /* op dst, imm64 (2 slots): src 0 or the pseudo source (the selector) */                               \
    X(LDDW,       FC_FIELD_SRC | FC_FIELD_OFF,                FC_FIELD_SRC, FC_FMT_WR_D)                    \
    /* op dst, [src + off] */                                                                                \
    X(LDX,        FC_FIELD_IMM,                               0,            FC_FMT_RD_S | FC_FMT_WR_D)      \
    /* op [dst + off], imm */                                                                                \
    X(ST,         FC_FIELD_SRC,                               0,            FC_FMT_RD_D)                    \
    /* op [dst + off], src */                                                                                \
    X(STX,        FC_FIELD_IMM,                               0,            FC_FMT_RD_D | FC_FMT_RD_S)      \
    /* lock op [dst + off], src: the operation in imm (the selector) */                                     \
    X(ATOMIC,     0,                                          FC_FIELD_IMM,                                 \
      FC_FMT_RD_D | FC_FMT_RD_S | FC_REGS_READ_R0)                                                          \
    /* ja off */                                                                                             \
    X(JA,         FC_FIELD_DST | FC_FIELD_SRC | FC_FIELD_IMM, 0,            0)                              \
    /* ja32 imm (gotol) */                                                                                   \
    X(JA32,       FC_FIELD_DST | FC_FIELD_SRC | FC_FIELD_OFF, 0,            0)                              \
    /* jcc dst, imm, off */                                                                                  \
    X(JCC_K,      FC_FIELD_SRC,                               0,            FC_FMT_RD_D)                    \
    /* jcc dst, src, off */                                                                                  \
    X(JCC_X,      FC_FIELD_IMM,                               0,            FC_FMT_RD_D | FC_FMT_RD_S)      \
    /* call imm (a helper id; a local call is its selector row) */                                          \
    X(CALL,       FC_FIELD_DST | FC_FIELD_SRC | FC_FIELD_OFF, FC_FIELD_SRC,                                 \
      FC_REGS_READ_ARGS | FC_REGS_WRITE_R0)                                                                 \
    /* callx dst (the helper id in a register) */                                                           \
    X(CALLX,      FC_FIELD_SRC | FC_FIELD_OFF | FC_FIELD_IMM, 0,                                            \
      FC_FMT_RD_D | FC_REGS_READ_ARGS | FC_REGS_WRITE_R0)                                                   \
    /* exit */                                                                                               \
    X(EXIT,       FC_FIELD_DST | FC_FIELD_SRC | FC_FIELD_OFF | FC_FIELD_IMM, 0, FC_REGS_READ_R0)            \
    /* call imm (a local call: src 1, the selector) */                                                      \
    X(CALL_LOCAL, FC_FIELD_DST | FC_FIELD_SRC | FC_FIELD_OFF, FC_FIELD_SRC, 0)
/* clang-format on */

/** Operand formats (FC_FMT_TABLE), FC_FMT_<NAME>. */
typedef enum fc_format {
/** @cond INTERNAL */
#define FC_FMT_ENUM_(f, zero, sel, regs) FC_FMT_##f,
    FC_FMT_TABLE(FC_FMT_ENUM_)
#undef FC_FMT_ENUM_
    /** @endcond */
    FC_FMT_COUNT /**< number of formats */
} fc_format_t;

/** Which field selects a row among the rows of one opcode. */
enum fc_selector {
    FC_SEL_NONE, /**< none: the opcode's row without selector */
    FC_SEL_OFF,  /**< the offset */
    FC_SEL_IMM,  /**< the immediate */
    FC_SEL_SRC   /**< the src register field */
};

/** lddw pseudo sources: the VM adds the base of a section at run time, so
 *  an image executes in place without relocation. */
enum fc_lddw_src {
    FC_LDDW_IMM = 0,      /**< plain 64-bit constant */
    FC_LDDW_RODATA = 1,   /**< offset into the container's read-only data */
    FC_LDDW_DATA = 2,     /**< offset into the container's RAM (data then bss) */
    FC_LDDW_SRC_COUNT = 3 /**< number of pseudo sources */
};

/* clang-format off */
/** The instruction set, one row per instruction (see the file comment):
 *  X(ID, OPCODE, SEL, SELVAL, MNEMONIC, FORMAT). */
#define FC_ISA_TABLE(X) \
    X(ADD32_K,     0x04, NONE, 0, "add32",   ALU_K)                \
    X(JA,          0x05, NONE, 0, "ja",      JA)                   \
    X(JA32,        0x06, NONE, 0, "ja32",    JA32)                 \
    X(ADD64_K,     0x07, NONE, 0, "add",     ALU_K)                \
    X(ADD32_X,     0x0c, NONE, 0, "add32",   ALU_X)                \
    X(ADD64_X,     0x0f, NONE, 0, "add",     ALU_X)                \
    X(SUB32_K,     0x14, NONE, 0, "sub32",   ALU_K)                \
    X(JEQ_K,       0x15, NONE, 0, "jeq",     JCC_K)                \
    X(JEQ32_K,     0x16, NONE, 0, "jeq32",   JCC_K)                \
    X(SUB64_K,     0x17, NONE, 0, "sub",     ALU_K)                \
    X(LDDW,        0x18, NONE, 0, "lddw",    LDDW)                 \
    X(LDDW_RODATA, 0x18, SRC,  1, "lddw",    LDDW)                 \
    X(LDDW_DATA,   0x18, SRC,  2, "lddw",    LDDW)                 \
    X(SUB32_X,     0x1c, NONE, 0, "sub32",   ALU_X)                \
    X(JEQ_X,       0x1d, NONE, 0, "jeq",     JCC_X)                \
    X(JEQ32_X,     0x1e, NONE, 0, "jeq32",   JCC_X)                \
    X(SUB64_X,     0x1f, NONE, 0, "sub",     ALU_X)                \
    X(MUL32_K,     0x24, NONE, 0, "mul32",   ALU_K)                \
    X(JGT_K,       0x25, NONE, 0, "jgt",     JCC_K)                \
    X(JGT32_K,     0x26, NONE, 0, "jgt32",   JCC_K)                \
    X(MUL64_K,     0x27, NONE, 0, "mul",     ALU_K)                \
    X(MUL32_X,     0x2c, NONE, 0, "mul32",   ALU_X)                \
    X(JGT_X,       0x2d, NONE, 0, "jgt",     JCC_X)                \
    X(JGT32_X,     0x2e, NONE, 0, "jgt32",   JCC_X)                \
    X(MUL64_X,     0x2f, NONE, 0, "mul",     ALU_X)                \
    X(DIV32_K,     0x34, NONE, 0, "div32",   ALU_K)                \
    X(SDIV32_K,    0x34, OFF,  1, "sdiv32",  ALU_K)                \
    X(JGE_K,       0x35, NONE, 0, "jge",     JCC_K)                \
    X(JGE32_K,     0x36, NONE, 0, "jge32",   JCC_K)                \
    X(DIV64_K,     0x37, NONE, 0, "div",     ALU_K)                \
    X(SDIV64_K,    0x37, OFF,  1, "sdiv",    ALU_K)                \
    X(DIV32_X,     0x3c, NONE, 0, "div32",   ALU_X)                \
    X(SDIV32_X,    0x3c, OFF,  1, "sdiv32",  ALU_X)                \
    X(JGE_X,       0x3d, NONE, 0, "jge",     JCC_X)                \
    X(JGE32_X,     0x3e, NONE, 0, "jge32",   JCC_X)                \
    X(DIV64_X,     0x3f, NONE, 0, "div",     ALU_X)                \
    X(SDIV64_X,    0x3f, OFF,  1, "sdiv",    ALU_X)                \
    X(OR32_K,      0x44, NONE, 0, "or32",    ALU_K)                \
    X(JSET_K,      0x45, NONE, 0, "jset",    JCC_K)                \
    X(JSET32_K,    0x46, NONE, 0, "jset32",  JCC_K)                \
    X(OR64_K,      0x47, NONE, 0, "or",      ALU_K)                \
    X(OR32_X,      0x4c, NONE, 0, "or32",    ALU_X)                \
    X(JSET_X,      0x4d, NONE, 0, "jset",    JCC_X)                \
    X(JSET32_X,    0x4e, NONE, 0, "jset32",  JCC_X)                \
    X(OR64_X,      0x4f, NONE, 0, "or",      ALU_X)                \
    X(AND32_K,     0x54, NONE, 0, "and32",   ALU_K)                \
    X(JNE_K,       0x55, NONE, 0, "jne",     JCC_K)                \
    X(JNE32_K,     0x56, NONE, 0, "jne32",   JCC_K)                \
    X(AND64_K,     0x57, NONE, 0, "and",     ALU_K)                \
    X(AND32_X,     0x5c, NONE, 0, "and32",   ALU_X)                \
    X(JNE_X,       0x5d, NONE, 0, "jne",     JCC_X)                \
    X(JNE32_X,     0x5e, NONE, 0, "jne32",   JCC_X)                \
    X(AND64_X,     0x5f, NONE, 0, "and",     ALU_X)                \
    X(LDXW,        0x61, NONE, 0, "ldxw",    LDX)                  \
    X(STW,         0x62, NONE, 0, "stw",     ST)                   \
    X(STXW,        0x63, NONE, 0, "stxw",    STX)                  \
    X(LSH32_K,     0x64, NONE, 0, "lsh32",   ALU_K)                \
    X(JSGT_K,      0x65, NONE, 0, "jsgt",    JCC_K)                \
    X(JSGT32_K,    0x66, NONE, 0, "jsgt32",  JCC_K)                \
    X(LSH64_K,     0x67, NONE, 0, "lsh",     ALU_K)                \
    X(LDXH,        0x69, NONE, 0, "ldxh",    LDX)                  \
    X(STH,         0x6a, NONE, 0, "sth",     ST)                   \
    X(STXH,        0x6b, NONE, 0, "stxh",    STX)                  \
    X(LSH32_X,     0x6c, NONE, 0, "lsh32",   ALU_X)                \
    X(JSGT_X,      0x6d, NONE, 0, "jsgt",    JCC_X)                \
    X(JSGT32_X,    0x6e, NONE, 0, "jsgt32",  JCC_X)                \
    X(LSH64_X,     0x6f, NONE, 0, "lsh",     ALU_X)                \
    X(LDXB,        0x71, NONE, 0, "ldxb",    LDX)                  \
    X(STB,         0x72, NONE, 0, "stb",     ST)                   \
    X(STXB,        0x73, NONE, 0, "stxb",    STX)                  \
    X(RSH32_K,     0x74, NONE, 0, "rsh32",   ALU_K)                \
    X(JSGE_K,      0x75, NONE, 0, "jsge",    JCC_K)                \
    X(JSGE32_K,    0x76, NONE, 0, "jsge32",  JCC_K)                \
    X(RSH64_K,     0x77, NONE, 0, "rsh",     ALU_K)                \
    X(LDXDW,       0x79, NONE, 0, "ldxdw",   LDX)                  \
    X(STDW,        0x7a, NONE, 0, "stdw",    ST)                   \
    X(STXDW,       0x7b, NONE, 0, "stxdw",   STX)                  \
    X(RSH32_X,     0x7c, NONE, 0, "rsh32",   ALU_X)                \
    X(JSGE_X,      0x7d, NONE, 0, "jsge",    JCC_X)                \
    X(JSGE32_X,    0x7e, NONE, 0, "jsge32",  JCC_X)                \
    X(RSH64_X,     0x7f, NONE, 0, "rsh",     ALU_X)                \
    X(LDXSW,       0x81, NONE, 0, "ldxsw",   LDX)                  \
    X(NEG32,       0x84, NONE, 0, "neg32",   UNARY)                \
    X(CALL,        0x85, NONE, 0, "call",    CALL)                 \
    X(CALL_LOCAL,  0x85, SRC,  1, "call",    CALL_LOCAL)           \
    X(NEG64,       0x87, NONE, 0, "neg",     UNARY)                \
    X(LDXSH,       0x89, NONE, 0, "ldxsh",   LDX)                  \
    X(CALLX,       0x8d, NONE, 0, "call",    CALLX)                \
    X(LDXSB,       0x91, NONE, 0, "ldxsb",   LDX)                  \
    X(MOD32_K,     0x94, NONE, 0, "mod32",   ALU_K)                \
    X(SMOD32_K,    0x94, OFF,  1, "smod32",  ALU_K)                \
    X(EXIT,        0x95, NONE, 0, "exit",    EXIT)                 \
    X(MOD64_K,     0x97, NONE, 0, "mod",     ALU_K)                \
    X(SMOD64_K,    0x97, OFF,  1, "smod",    ALU_K)                \
    X(MOD32_X,     0x9c, NONE, 0, "mod32",   ALU_X)                \
    X(SMOD32_X,    0x9c, OFF,  1, "smod32",  ALU_X)                \
    X(MOD64_X,     0x9f, NONE, 0, "mod",     ALU_X)                \
    X(SMOD64_X,    0x9f, OFF,  1, "smod",    ALU_X)                \
    X(XOR32_K,     0xa4, NONE, 0, "xor32",   ALU_K)                \
    X(JLT_K,       0xa5, NONE, 0, "jlt",     JCC_K)                \
    X(JLT32_K,     0xa6, NONE, 0, "jlt32",   JCC_K)                \
    X(XOR64_K,     0xa7, NONE, 0, "xor",     ALU_K)                \
    X(XOR32_X,     0xac, NONE, 0, "xor32",   ALU_X)                \
    X(JLT_X,       0xad, NONE, 0, "jlt",     JCC_X)                \
    X(JLT32_X,     0xae, NONE, 0, "jlt32",   JCC_X)                \
    X(XOR64_X,     0xaf, NONE, 0, "xor",     ALU_X)                \
    X(MOV32_K,     0xb4, NONE, 0, "mov32",   ALU_K)                \
    X(JLE_K,       0xb5, NONE, 0, "jle",     JCC_K)                \
    X(JLE32_K,     0xb6, NONE, 0, "jle32",   JCC_K)                \
    X(MOV64_K,     0xb7, NONE, 0, "mov",     ALU_K)                \
    X(MOV32_X,     0xbc, NONE, 0, "mov32",   ALU_X)                \
    X(MOVSX832,    0xbc, OFF,  8, "movsx832",  ALU_X)              \
    X(MOVSX1632,   0xbc, OFF, 16, "movsx1632", ALU_X)              \
    X(JLE_X,       0xbd, NONE, 0, "jle",     JCC_X)                \
    X(JLE32_X,     0xbe, NONE, 0, "jle32",   JCC_X)                \
    X(MOV64_X,     0xbf, NONE, 0, "mov",     ALU_X)                \
    X(MOVSX864,    0xbf, OFF,  8, "movsx864",  ALU_X)              \
    X(MOVSX1664,   0xbf, OFF, 16, "movsx1664", ALU_X)              \
    X(MOVSX3264,   0xbf, OFF, 32, "movsx3264", ALU_X)              \
    X(ATOMIC32_ADD,       0xc3, IMM, 0x00, "add32",        ATOMIC) \
    X(ATOMIC32_FETCH_ADD, 0xc3, IMM, 0x01, "fetch add32",  ATOMIC) \
    X(ATOMIC32_OR,        0xc3, IMM, 0x40, "or32",         ATOMIC) \
    X(ATOMIC32_FETCH_OR,  0xc3, IMM, 0x41, "fetch or32",   ATOMIC) \
    X(ATOMIC32_AND,       0xc3, IMM, 0x50, "and32",        ATOMIC) \
    X(ATOMIC32_FETCH_AND, 0xc3, IMM, 0x51, "fetch and32",  ATOMIC) \
    X(ATOMIC32_XOR,       0xc3, IMM, 0xa0, "xor32",        ATOMIC) \
    X(ATOMIC32_FETCH_XOR, 0xc3, IMM, 0xa1, "fetch xor32",  ATOMIC) \
    X(ATOMIC32_XCHG,      0xc3, IMM, 0xe1, "xchg32",       ATOMIC) \
    X(ATOMIC32_CMPXCHG,   0xc3, IMM, 0xf1, "cmpxchg32",    ATOMIC) \
    X(ARSH32_K,    0xc4, NONE, 0, "arsh32",  ALU_K)                \
    X(JSLT_K,      0xc5, NONE, 0, "jslt",    JCC_K)                \
    X(JSLT32_K,    0xc6, NONE, 0, "jslt32",  JCC_K)                \
    X(ARSH64_K,    0xc7, NONE, 0, "arsh",    ALU_K)                \
    X(ARSH32_X,    0xcc, NONE, 0, "arsh32",  ALU_X)                \
    X(JSLT_X,      0xcd, NONE, 0, "jslt",    JCC_X)                \
    X(JSLT32_X,    0xce, NONE, 0, "jslt32",  JCC_X)                \
    X(ARSH64_X,    0xcf, NONE, 0, "arsh",    ALU_X)                \
    X(LE16,        0xd4, IMM, 16, "le16",    END)                  \
    X(LE32,        0xd4, IMM, 32, "le32",    END)                  \
    X(LE64,        0xd4, IMM, 64, "le64",    END)                  \
    X(JSLE_K,      0xd5, NONE, 0, "jsle",    JCC_K)                \
    X(JSLE32_K,    0xd6, NONE, 0, "jsle32",  JCC_K)                \
    X(BSWAP16,     0xd7, IMM, 16, "bswap16", END)                  \
    X(BSWAP32,     0xd7, IMM, 32, "bswap32", END)                  \
    X(BSWAP64,     0xd7, IMM, 64, "bswap64", END)                  \
    X(ATOMIC64_ADD,       0xdb, IMM, 0x00, "add",          ATOMIC) \
    X(ATOMIC64_FETCH_ADD, 0xdb, IMM, 0x01, "fetch add",    ATOMIC) \
    X(ATOMIC64_OR,        0xdb, IMM, 0x40, "or",           ATOMIC) \
    X(ATOMIC64_FETCH_OR,  0xdb, IMM, 0x41, "fetch or",     ATOMIC) \
    X(ATOMIC64_AND,       0xdb, IMM, 0x50, "and",          ATOMIC) \
    X(ATOMIC64_FETCH_AND, 0xdb, IMM, 0x51, "fetch and",    ATOMIC) \
    X(ATOMIC64_XOR,       0xdb, IMM, 0xa0, "xor",          ATOMIC) \
    X(ATOMIC64_FETCH_XOR, 0xdb, IMM, 0xa1, "fetch xor",    ATOMIC) \
    X(ATOMIC64_XCHG,      0xdb, IMM, 0xe1, "xchg",         ATOMIC) \
    X(ATOMIC64_CMPXCHG,   0xdb, IMM, 0xf1, "cmpxchg",      ATOMIC) \
    X(BE16,        0xdc, IMM, 16, "be16",    END)                  \
    X(BE32,        0xdc, IMM, 32, "be32",    END)                  \
    X(BE64,        0xdc, IMM, 64, "be64",    END)                  \
    X(JSLE_X,      0xdd, NONE, 0, "jsle",    JCC_X)                \
    X(JSLE32_X,    0xde, NONE, 0, "jsle32",  JCC_X)
/* clang-format on */

/** Row ids: FC_OP_<ID>, a dense index into the table (fc_isa[]). */
typedef enum fc_op {
/** @cond INTERNAL */
#define FC_OP_ENUM_(id, opc, sel, selval, mn, fmt) FC_OP_##id,
    FC_ISA_TABLE(FC_OP_ENUM_)
#undef FC_OP_ENUM_
    /** @endcond */
    FC_OP_COUNT,                /**< number of rows */
    FC_OP_INVALID = FC_OP_COUNT /**< fc_isa_decode(): no row */
} fc_op_t;

/** The opcode byte of each row, by name: FC_OPC_<ID> (rows that share an
 *  opcode give the same value). Code names opcodes through these, never as
 *  byte literals (scripts/check-opcode-literals.sh). */
enum fc_opc {
/** @cond INTERNAL */
#define FC_OPC_ENUM_(id, opc, sel, selval, mn, fmt) FC_OPC_##id = (opc),
    FC_ISA_TABLE(FC_OPC_ENUM_)
#undef FC_OPC_ENUM_
    /** @endcond */
    FC_OPC_LDDW_HIGH = 0 /**< the second slot of an lddw: no row has it */
};

/** The selector value of each row, by name: FC_SELVAL_<ID> (e.g.
 *  FC_SELVAL_ATOMIC64_CMPXCHG, the imm of cmpxchg; 0 for rows without). */
enum fc_selval {
/** @cond INTERNAL */
#define FC_SELVAL_ENUM_(id, opc, sel, selval, mn, fmt) FC_SELVAL_##id = (selval),
    FC_ISA_TABLE(FC_SELVAL_ENUM_)
#undef FC_SELVAL_ENUM_
    /** @endcond */
};

/** @cond INTERNAL */
/* FC_ISA_IF_FIRST_##sel(id)(text), in a row macro: text for the first row
 * of an opcode, nothing for the other rows, decided by the preprocessor
 * (for tables and case lists with one entry per opcode byte; sel is pasted,
 * not expanded, so a macro named OFF or IMM does not get in the way). A row
 * without selector is its opcode's first; so is one named by
 * FC_ISA_OPENS_<ID> below. */
#define FC_ISA_CAT_(a, b) a##b
#define FC_ISA_CAT(a, b) FC_ISA_CAT_(a, b)
#define FC_ISA_IF_1_(...) __VA_ARGS__
#define FC_ISA_IF_0_(...)
#define FC_ISA_IF_OPENS_(id) FC_ISA_CAT(FC_ISA_IF_, FC_ISA_CAT(FC_ISA_OPENS_(id), _))
#define FC_ISA_IF_FIRST_NONE(id) FC_ISA_IF_1_
#define FC_ISA_IF_FIRST_OFF(id) FC_ISA_IF_OPENS_(id)
#define FC_ISA_IF_FIRST_IMM(id) FC_ISA_IF_OPENS_(id)
#define FC_ISA_IF_FIRST_SRC(id) FC_ISA_IF_OPENS_(id)
/** @endcond */

/** One row of the table, with its names (for the tools). */
typedef struct fc_isa_row {
    unsigned char opcode; /**< the opcode byte */
    unsigned char sel;    /**< enum fc_selector */
    unsigned char format; /**< fc_format_t */
    short selval;         /**< the selector's value (0 without selector) */
    const char *mnemonic; /**< assembler mnemonic ("add") */
    const char *id_name;  /**< the row id as text ("ADD64_X") */
} fc_isa_row_t;

/** The table as data, indexed by fc_op_t, with names for the tools
 *  (src/vm/isa.c). */
extern const fc_isa_row_t fc_isa[FC_OP_COUNT];

/** @cond INTERNAL */
/* X(byte) for every opcode byte, 0x00 to 0xff, as a token (to name one bit
 * field per byte: the rows' opcodes are written with two hex digits). */
/* clang-format off */
#define FC_ISA_HEX_(X, h)                                                                          \
    X(h##0) X(h##1) X(h##2) X(h##3) X(h##4) X(h##5) X(h##6) X(h##7) X(h##8) X(h##9) X(h##a)        \
        X(h##b) X(h##c) X(h##d) X(h##e) X(h##f)
#define FC_ISA_EVERY_BYTE_(X)                                                                      \
    FC_ISA_HEX_(X, 0x0) FC_ISA_HEX_(X, 0x1) FC_ISA_HEX_(X, 0x2) FC_ISA_HEX_(X, 0x3)                \
    FC_ISA_HEX_(X, 0x4) FC_ISA_HEX_(X, 0x5) FC_ISA_HEX_(X, 0x6) FC_ISA_HEX_(X, 0x7)                \
    FC_ISA_HEX_(X, 0x8) FC_ISA_HEX_(X, 0x9) FC_ISA_HEX_(X, 0xa) FC_ISA_HEX_(X, 0xb)                \
    FC_ISA_HEX_(X, 0xc) FC_ISA_HEX_(X, 0xd) FC_ISA_HEX_(X, 0xe) FC_ISA_HEX_(X, 0xf)
/* clang-format on */
#define FC_ISA_FORMAT_FIELD_(b) unsigned format_##b : 4;
/** @endcond */

/** The derived opcode table (src/vm/isa_core.c), generated from
 *  FC_ISA_TABLE at compile time, one row per opcode byte, packed two to a
 *  byte: the format (fc_format_t) of the opcode's first row in 4 bits.
 *  Written through the bit fields (by name, from the rows), read through
 *  the bytes (by opcode: fc_isa_format_of()); the layout is the ABI's, low
 *  bits first (a unit test reads every byte back against the rows). A byte
 *  that no row has (the second slot of an lddw among them) reads as format
 *  0, END, whose every row has a selector (its SEL field is not among its
 *  ZERO fields): such a byte has no selector row, so decoding refuses it.
 *  The format says which fields are unused and which one selects among the
 *  opcode's rows (FC_FMT_TABLE); the class, operation, source and access
 *  size are bit fields of the opcode itself. */
typedef union fc_isa_opcode_table {
    /** @cond INTERNAL */
    struct {
        FC_ISA_EVERY_BYTE_(FC_ISA_FORMAT_FIELD_)
    } by_name;
    /** @endcond */
    unsigned char bytes[128]; /**< the formats, two per byte (the even opcode's in bits 0-3) */
} fc_isa_opcode_table_t;

/** The opcode table (src/vm/isa_core.c). */
extern const fc_isa_opcode_table_t fc_isa_opcodes;

/** @cond INTERNAL */
/* The table read by opcode: one expression for fc_isa_format_of() and for
 * the verifier's decode(), whose contract states it in ACSL (below). */
#define FC_ISA_FORMAT_AT_(opcode)                                                                  \
    ((fc_isa_opcodes.bytes[(opcode) >> 1] >> (((opcode)&1u) * 4u)) & 15u)
/*@ logic integer fc_isa_format_at(integer opcode) =
        (fc_isa_opcodes.bytes[opcode >> 1] >> ((opcode & 1) * 4)) & 15;
*/
/** @endcond */

/** The format of the first row of an opcode.
 *  @param opcode the opcode byte
 *  @return its first row's fc_format_t; FC_FMT_END for a byte that no row
 *          has (see fc_isa_opcodes: only a decoding that also looks for
 *          selector rows, like the verifier's, tells it apart) */
static inline unsigned fc_isa_format_of(uint8_t opcode)
{
    return FC_ISA_FORMAT_AT_(opcode);
}

/** @cond INTERNAL */
#define FC_ISA_IS_SELECTOR_ROW_(id, opc, sel, selval, mn, fmt) +(FC_SEL_##sel != FC_SEL_NONE)
/** @endcond */
/** Rows that have a selector. */
enum { FC_ISA_SELECTOR_ROWS = 0 FC_ISA_TABLE(FC_ISA_IS_SELECTOR_ROW_) };
#undef FC_ISA_IS_SELECTOR_ROW_
/** The selector rows as keys, opcode << 8 | selector value, in row order,
 *  which is ascending (a unit test checks it): the verifier finds a
 *  selector row by binary search. */
extern const unsigned short fc_isa_selector_keys[FC_ISA_SELECTOR_ROWS];

/** @cond INTERNAL */
/* The first row of an opcode is its row without selector, the fallback of
 * decoding. An opcode whose every row has a selector names its first row
 * here (FC_ISA_OPENS_<ID>); a unit test checks the rule against the
 * opcodes of the table (tests/vm/test_vm_ops.c). */
#define FC_ISA_OPENS_ATOMIC32_ADD FC_ISA_PROBE_
#define FC_ISA_OPENS_LE16 FC_ISA_PROBE_
#define FC_ISA_OPENS_BSWAP16 FC_ISA_PROBE_
#define FC_ISA_OPENS_ATOMIC64_ADD FC_ISA_PROBE_
#define FC_ISA_OPENS_BE16 FC_ISA_PROBE_
/* 1 when FC_ISA_OPENS_<id> is defined as FC_ISA_PROBE_, else 0 */
#define FC_ISA_PROBE_ ~, 1
#define FC_ISA_SECOND_(a, b, ...) b
#define FC_ISA_CHECK_(...) FC_ISA_SECOND_(__VA_ARGS__, 0, ~)
#define FC_ISA_OPENS_(id) FC_ISA_CHECK_(FC_ISA_OPENS_##id)
#define FC_ISA_FIRST_ROW_(id, sel) (FC_SEL_##sel == FC_SEL_NONE || FC_ISA_OPENS_(id))
/** @endcond */

#endif
