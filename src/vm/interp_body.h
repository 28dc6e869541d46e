/* Interpreter body, included by interp.c with FC_INTERP_NAME,
 * FC_INTERP_TRACE, FC_INTERP_XLATE (pre-decoded slots instead of the text)
 * and FC_INTERP_LINKAGE defined. One handler per opcode byte; the dispatch table
 * is generated from FC_ISA_TABLE, so an opcode of the table without a
 * handler does not compile, and a handler without a row is an unused label.
 *
 * Instruction counting costs nothing per instruction. The interpreter keeps
 * `limit`, the address pc may reach before the budget is spent: straight-
 * line execution advances pc and spends budget at the same rate, so only a
 * transfer of control (taken jump, call, return) has to move limit by the
 * distance it skips, and that is where the budget is checked:
 *     executed = budget + 1 - (limit - pc) / sizeof(slot)   at any point.
 * A loop needs a taken jump, so the budget bounds every run; straight-line
 * code between two checks is bounded by the program's length. */

#if FC_INTERP_XLATE
/* Pre-decoded slots: registers are byte offsets into the register file. */
#define SLOT_T fc_xinsn_t
#define DST (*(uint64_t *)(void *)((char *)reg + pc->dst8))
#define SRC (*(uint64_t *)(void *)((char *)reg + pc->src8))
#define REG3 (*(uint64_t *)(void *)((char *)reg + (uint16_t)pc->offset))
#define SRC_IS_R10 (pc->src8 == 80)
#define DST_IS_R10 (pc->dst8 == 80)
#define SRC_INDEX ((unsigned)pc->src8 >> 3)
#define OFF ((int64_t)pc->offset)
#define IMM ((int64_t)pc->imm)
#else
/* In place: the current instruction is w, its 8 bytes as a LE word. */
#define SLOT_T fc_insn_t
#define DSTI ((unsigned)(w >> 8) & 0xfu)
#define SRCI ((unsigned)(w >> 12) & 0xfu)
#define DST reg[DSTI]
#define SRC reg[SRCI]
#define SRC_IS_R10 (SRCI == 10)
#define DST_IS_R10 (DSTI == 10)
#define SRC_INDEX SRCI
#define OFF ((int64_t)(int16_t)(uint16_t)(w >> 16))
#define IMM ((int64_t)(int32_t)(uint32_t)(w >> 32))
#endif
#define UIMM ((uint64_t)IMM)
#if FC_INTERP_XLATE
#define LDDW_HIGH() (pc[1].imm)
#else
#define LDDW_HIGH() lddw_high(pc)
#endif
#define DST32 ((uint32_t)DST)
#define SRC32 ((uint32_t)SRC)
/* unsigned arithmetic: defined even for a pc an analyser cannot place in text */
#define PC_INDEX ((uint32_t)(((uintptr_t)pc - (uintptr_t)text) / sizeof *pc))

#if FC_INTERP_TRACE
#define TRACE_STEP() trace_step(vm, &ev, &have_ev, reg, text, pc)
#else
#define TRACE_STEP() ((void)0)
#endif

#if FC_INTERP_XLATE
#define OP(id) L_##id
#define DISPATCH() goto * pc->handler
#elif FC_COMPUTED_GOTO
#define OP(id) L_##id
#define DISPATCH()                                                                                 \
    do {                                                                                           \
        TRACE_STEP();                                                                              \
        w = fetch_verified(pc);                                                                    \
        goto *dispatch[w & 0xffu];                                                                 \
    } while (0)
#else
#define OP(id) case FC_OPC_##id
#define DISPATCH() goto dispatch_top /* not continue: handlers use do-while(0) */
#endif
#define NEXT()                                                                                     \
    do {                                                                                           \
        pc++;                                                                                      \
        DISPATCH();                                                                                \
    } while (0)

/* Leave pc (counted) for target: limit moves by the slots skipped. */
#define TRANSFER(target)                                                                           \
    do {                                                                                           \
        const SLOT_T *t_ = (target);                                                               \
        limit += (uintptr_t)t_ - (uintptr_t)pc - sizeof *pc;                                       \
        pc = t_;                                                                                   \
    } while (0)
#define JUMP_TO(target)                                                                            \
    do {                                                                                           \
        TRANSFER(target);                                                                          \
        if (FC_UNLIKELY((uintptr_t)pc >= limit)) /* pc would be instruction budget+1 */            \
            goto fault_budget;                                                                     \
        DISPATCH();                                                                                \
    } while (0)
#if FC_INTERP_XLATE
/* Pre-decoded jumps carry their displacement in bytes, already scaled. */
#define JUMP_BY(disp)                                                                              \
    do {                                                                                           \
        intptr_t d_ = (disp);                                                                      \
        pc = (const SLOT_T *)(const void *)((const char *)pc + d_);                                \
        limit += (uintptr_t)d_ - sizeof *pc;                                                       \
        if (FC_UNLIKELY((uintptr_t)pc >= limit))                                                   \
            goto fault_budget;                                                                     \
        DISPATCH();                                                                                \
    } while (0)
#define JUMP_OFF() JUMP_BY(OFF)
#define JUMP_IMM() JUMP_BY(IMM)
#else
#define JUMP_OFF() JUMP_TO(pc + 1 + OFF)
#define JUMP_IMM() JUMP_TO(pc + 1 + IMM)
#endif
#define BRANCH(cond)                                                                               \
    do {                                                                                           \
        if (cond)                                                                                  \
            JUMP_OFF();                                                                            \
        NEXT();                                                                                    \
    } while (0)

/* Memory: r10-relative accesses were proven inside the frame by the
 * verifier; everything else is checked against the last region that
 * matched, then the stack, then all regions. Each fast test is one compare:
 * cached regions are at least 8 bytes long, so len - size cannot wrap, and
 * an address below start wraps to a huge offset. */
#define IN_CACHE(c, a, size) ((a) - (c).start < (c).end[CACHE_SLOT(size)])
#define STK (cache[0]) /* the stack's cache */
#define FRAME ((uint64_t)prog->frame_size)
#define CHECKED(ptr, addr_expr, size, perm, cache)                                                 \
    do {                                                                                           \
        uint64_t a_ = (addr_expr);                                                                 \
        if (FC_LIKELY(IN_CACHE(cache, a_, size)) || IN_CACHE(STK, a_, size)) {                     \
            ptr = (void *)(uintptr_t)a_;                                                           \
        } else {                                                                                   \
            int i_ = region_lookup(vm, a_, (size), (perm));                                        \
            if (i_ < 0)                                                                            \
                goto fault_mem;                                                                    \
            cache_set(&(cache), &vm->regions[i_]);                                                 \
            cache_mark(vm);                                                                        \
            ptr = (void *)(uintptr_t)a_;                                                           \
        }                                                                                          \
    } while (0)
/* Stack first, for bases the translator saw derived from r10 (hint only:
 * the access is fully checked either way). */
#define CHECKED_STACK_FIRST(ptr, addr_expr, size, perm, cache)                                     \
    do {                                                                                           \
        uint64_t b_ = (addr_expr);                                                                 \
        if (FC_LIKELY(IN_CACHE(STK, b_, size)))                                                    \
            ptr = (void *)(uintptr_t)b_;                                                           \
        else                                                                                       \
            CHECKED(ptr, b_, size, perm, cache);                                                   \
    } while (0)

/* The memory instructions are the rows of FC_MEMOPS (xlate.h), which
 * generate their handlers of every variant. Loads take their base from
 * src, stores from dst. */
#define LOAD_BASE SRC
#define LOAD_BASE_IS_R10 SRC_IS_R10
#define LOAD_PERM FC_PERM_READ
#define LOAD_CACHE (cache[1])
#define LOAD_DO(p, size, acc, conv) DST = conv(acc(p))
#define STORE_BASE DST
#define STORE_BASE_IS_R10 DST_IS_R10
#define STORE_PERM FC_PERM_WRITE
#define STORE_CACHE (cache[2])
#define STORE_DO(p, size, acc, value) acc(p, value)

/* In place: one handler per opcode, r10 bases tested at run time. */
#define MEM_HANDLER(opc, kind, size, acc, arg)                                                     \
    OP(opc) :                                                                                      \
    {                                                                                              \
        void *p_;                                                                                  \
        if (kind##_BASE_IS_R10)                                                                    \
            p_ = frame_slot(reg[10], OFF, FRAME, size);                                            \
        else                                                                                       \
            CHECKED(p_, kind##_BASE + (uint64_t)OFF, size, kind##_PERM, kind##_CACHE);             \
        kind##_DO(p_, size, acc, arg);                                                             \
        NEXT();                                                                                    \
    }
/* Pre-decoded: the translator picks the variant, so none tests r10. */
#define MEM_HANDLER_XLATE(opc, kind, size, acc, arg)                                               \
    OP(opc) :                                                                                      \
    {                                                                                              \
        void *p_;                                                                                  \
        CHECKED(p_, kind##_BASE + (uint64_t)OFF, size, kind##_PERM, kind##_CACHE);                 \
        kind##_DO(p_, size, acc, arg);                                                             \
        NEXT();                                                                                    \
    }                                                                                              \
    L_##opc##_r10:                                                                                 \
    { /* r10 + off, proven inside the frame by the verifier */                                     \
        void *p_ = frame_slot(reg[10], OFF, FRAME, size);                                          \
        kind##_DO(p_, size, acc, arg);                                                             \
        NEXT();                                                                                    \
    }                                                                                              \
    L_##opc##_stk:                                                                                 \
    {                                                                                              \
        void *p_;                                                                                  \
        CHECKED_STACK_FIRST(p_, kind##_BASE + (uint64_t)OFF, size, kind##_PERM, kind##_CACHE);     \
        kind##_DO(p_, size, acc, arg);                                                             \
        NEXT();                                                                                    \
    }

/* Two accesses of the same size through the same base register at
 * adjacent offsets (clang's struct, array and spill code): one range check
 * for both. The offset field holds the lower of the two offsets; imm holds
 * the second register * 8 in bits 0-7 and, in bits 8-15, where the first
 * access sits in the pair (0 or size). When the pair's range is not in the
 * stack or the cached region, the first access runs alone through the
 * generic check (faulting exactly as unfused code would) and the second
 * slot's own handler follows. */
#define PAIR_REG2 (*(uint64_t *)(void *)((char *)reg + ((uint32_t)pc->imm & 0xffu)))
#define PAIR_K1 ((uint64_t)(((uint32_t)pc->imm >> 8) & 0xffu))
#define LOAD_PAIR_DO(p1, p2, acc) (DST = acc(p1), PAIR_REG2 = acc(p2))
#define STORE_PAIR_DO(p1, p2, acc) (acc(p1, SRC), acc(p2, PAIR_REG2))
#define LOAD_ONE_DO(p, acc) (DST = acc(p))
#define STORE_ONE_DO(p, acc) acc(p, SRC)
#define PAIR_HANDLER(opc, kind, size, acc)                                                         \
    L_pair_##opc:                                                                                  \
    {                                                                                              \
        uint64_t lo_ = kind##_BASE + (uint64_t)OFF;                                                \
        void *p_;                                                                                  \
        if (FC_LIKELY(IN_CACHE(STK, lo_, 2 * (size))) ||                                           \
            IN_CACHE(kind##_CACHE, lo_, 2 * (size))) {                                             \
            kind##_PAIR_DO((char *)(uintptr_t)lo_ + PAIR_K1,                                       \
                           (char *)(uintptr_t)lo_ + ((size)-PAIR_K1), acc);                        \
            pc += 2;                                                                               \
            DISPATCH();                                                                            \
        }                                                                                          \
        CHECKED(p_, lo_ + PAIR_K1, size, kind##_PERM, kind##_CACHE);                               \
        kind##_ONE_DO(p_, acc);                                                                    \
        NEXT();                                                                                    \
    }
/* A load followed by the shift pair that sign-extends what it loaded (how
 * clang before -mcpu=v4 writes ldxs): one handler, three slots. */
#define LOAD_SEXT_HANDLER(opc, size, acc, bits)                                                    \
    L_ldxs_##opc:                                                                                  \
    {                                                                                              \
        void *p_;                                                                                  \
        CHECKED(p_, SRC + (uint64_t)OFF, size, FC_PERM_READ, LOAD_CACHE);                          \
        DST = sext(acc(p_), bits);                                                                 \
        pc += 3;                                                                                   \
        DISPATCH();                                                                                \
    }
/* Atomic read-modify-write of size 4 or 8 at dst+off (checked RW). */
#define ATOMIC(size)                                                                               \
    do {                                                                                           \
        uint64_t a_ = DST + (uint64_t)OFF;                                                         \
        if (!DST_IS_R10 && region_lookup(vm, a_, (size), FC_PERM_RW) < 0)                          \
            goto fault_mem;                                                                        \
        atomic_rmw((void *)(uintptr_t)a_, (size) == 8, (int32_t)IMM, &SRC, &reg[0]);               \
        if ((size) == 4 && (IMM & 1)) { /* fetched 32-bit values are zero-extended */              \
            if (IMM == FC_SELVAL_ATOMIC32_CMPXCHG)                                                 \
                reg[0] = (uint32_t)reg[0];                                                         \
            else                                                                                   \
                SRC = SRC32;                                                                       \
        }                                                                                          \
        NEXT();                                                                                    \
    } while (0)
#define AS_IS(x) (x)
#define SEXT8(x) sext((x), 8)
#define SEXT16(x) sext((x), 16)
#define SEXT32(x) sext((x), 32)

#if FC_INTERP_TRACE && !defined(FC_TRACE_STEP_DEFINED)
#define FC_TRACE_STEP_DEFINED
/* Report the previous instruction (with the registers it left) and start
 * recording the one at pc. */
static void trace_step(fc_vm_t *vm, fc_trace_event_t *ev, int *have_ev, const uint64_t *reg,
                       const fc_insn_t *text, const fc_insn_t *pc)
{
    if (*have_ev && vm->trace) {
        memcpy(ev->after, reg, sizeof ev->after);
        vm->trace(vm, ev);
    }
    *have_ev = 0;
    if (!pc)
        return;
    ev->pc = (uint32_t)(pc - text);
    memcpy(&ev->insn, pc, sizeof ev->insn);
    memcpy(ev->before, reg, sizeof ev->before);
    *have_ev = 1;
}
#endif

#if FC_INTERP_XLATE
/* With labels_out set, this call runs nothing: it hands out its label table
 * (fc_xlate_link), as the handlers' addresses exist only inside this
 * function. */
FC_INTERP_LINKAGE fc_status_t FC_INTERP_NAME(fc_vm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2,
                                             uint64_t *r0, const void *const **labels_out)
#else
FC_INTERP_LINKAGE fc_status_t FC_INTERP_NAME(fc_vm_t *vm, uint32_t entry, uint64_t r1, uint64_t r2,
                                             uint64_t *r0)
#endif
{
#if FC_COMPUTED_GOTO
    /* Handlers by opcode byte, the variants of the pre-decoded form after
     * them by their enum fc_xop index (xlate.h, generated from the same
     * rows): what DISPATCH jumps through in place, and what xlate_link
     * writes into the pre-decoded slots. */
#if FC_INTERP_XLATE
#define FC_DISPATCH_SIZE_ FC_XOP_COUNT
#else
#define FC_DISPATCH_SIZE_ 256
#endif
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#pragma GCC diagnostic ignored "-Wpedantic"
    static const void *const dispatch[FC_DISPATCH_SIZE_] = {
        [0 ... 255] = &&L_invalid,
#define FC_DISPATCH_ROW_(id, opc, sel, selval, mn, fmt)                                            \
    FC_ISA_IF_FIRST_##sel(id)([opc] = &&L_##id, )
        FC_ISA_TABLE(FC_DISPATCH_ROW_)
#undef FC_DISPATCH_ROW_
#if FC_INTERP_XLATE
#define FC_LABEL_MEM_(id, kind, size, acc, arg)                                                    \
    [FC_XOP_##id##_R10] = &&L_##id##_r10, [FC_XOP_##id##_STK] = &&L_##id##_stk,
#define FC_LABEL_PAIR_(id, kind, size, acc) [FC_XOP_PAIR_##id] = &&L_pair_##id,
#define FC_LABEL_LDXS_(id, size, acc, bits) [FC_XOP_LDXS_##id] = &&L_ldxs_##id,
#define FC_LABEL_FUSED_(name, slots, effect) [FC_XOP_FUSED_##name] = &&L_fused_##name,
            FC_MEMOPS(FC_LABEL_MEM_) FC_MEMPAIRS(FC_LABEL_PAIR_) FC_LOAD_SEXTS(FC_LABEL_LDXS_)
                FC_FUSED_OPS(FC_LABEL_FUSED_)
#undef FC_LABEL_MEM_
#undef FC_LABEL_PAIR_
#undef FC_LABEL_LDXS_
#undef FC_LABEL_FUSED_
#endif
    };
#pragma GCC diagnostic pop
#undef FC_DISPATCH_SIZE_
#endif
#if FC_INTERP_XLATE
    if (labels_out) {
        *labels_out = dispatch;
        return FC_OK;
    }
#endif
#if FC_VM_XLATE && !FC_INTERP_XLATE && !FC_INTERP_TRACE
    if (vm->prog && vm->prog->xlate)
        return run_xlate(vm, entry, r1, r2, r0, NULL);
#endif
    /* the binding (vm_run.h): a bound run only needs a clean record (the
     * fault fields are all zero while the code is FC_OK) */
    if (FC_LIKELY(!FC_INTERP_TRACE && run_is_bound(vm, entry))) {
        if (FC_UNLIKELY(vm->fault.code != FC_OK))
            clear_run_record(vm);
        vm->max_depth = 0;
    } else {
        fc_status_t st = run_preflight_bind(vm, entry);
        if (st != FC_OK)
            return st;
    }

    const fc_program_t *prog = vm->prog;
#if FC_INTERP_XLATE
    const SLOT_T *const text = prog->xlate;
#else
    const SLOT_T *const text = prog->text;
#endif
    const SLOT_T *pc = text + entry;
    uint64_t helper_id = 0;
    const uintptr_t budget = VMP(vm)->budget_slots; /* clamped at binding, for either form */
    uintptr_t limit = (uintptr_t)pc + budget * sizeof *pc;
    uint32_t depth = 0;
    struct {
        const SLOT_T *ret;
        uint64_t saved[4]; /* r6..r9, callee-saved by the eBPF ABI */
    } frames[FC_MAX_CALL_DEPTH];
    /* the stack, and the last region that matched a read and a write: kept
     * in the VM across runs (see fc_vm_t); reset to the stack when the last
     * run changed them, so a region revoked since is never used */
    region_cache_t *const cache = VMP(vm)->cache;
    if (VMP(vm)->run_work & RUN_CACHES)
        cache_reset(vm);
    /* In the VM, so that registers the program provably writes before
     * reading them need no clearing (see fc_program_t.undefined_reads). */
    uint64_t *const reg = VMP(vm)->reg;
#if !FC_INTERP_XLATE
    uint64_t w;
#endif
#if FC_INTERP_TRACE
    fc_trace_event_t ev;
    int have_ev = 0;
#endif

    if ((VMP(vm)->run_work & RUN_CLEAR) || FC_INTERP_TRACE) { /* a trace shows them all */
        reg[0] = 0;
        reg[3] = reg[4] = reg[5] = reg[6] = reg[7] = reg[8] = reg[9] = 0;
    }
    reg[1] = r1;
    reg[2] = r2;
    /* r10 (the frame pointer) is the stack top at every run's start and
     * end: run_bind sets it, every return restores it, and a run that
     * faulted sets it back (fault_report) */

#if FC_INTERP_XLATE
    /* fc_program_translate installs linked buffers only. A first slot that
     * holds a handler index (a buffer installed by hand) is linked here, or
     * refused when not all its slots are indices, before any jump through
     * it. */
    if (FC_UNLIKELY(fc_xlate_is_index(pc)) && !xlate_link(text, prog->len, dispatch)) {
        vm->fault.code = FC_ERR_BAD_CONFIG;
        vm->fault.reason = FC_WHY("pre-decoded form is neither linked nor a translation");
        vm->fault.where = entry;
        vm->executed = 0;
        return FC_ERR_BAD_CONFIG;
    }
#endif
#if FC_COMPUTED_GOTO
    DISPATCH();
#else
dispatch_top:
    /*@ split depth; */ /* Eva: one state per call depth (frames[] below depth are set) */
    TRACE_STEP();
    w = fetch_verified(pc);
    switch (w & 0xffu) {
#endif

    /* ---- ALU64 ---------------------------------------------------------- */
    OP(ADD64_K) : DST += UIMM;
    NEXT(); /* add */
    OP(ADD64_X) : DST += SRC;
    NEXT();
    OP(SUB64_K) : DST -= UIMM;
    NEXT(); /* sub */
    OP(SUB64_X) : DST -= SRC;
    NEXT();
    OP(MUL64_K) : DST *= UIMM;
    NEXT(); /* mul */
    OP(MUL64_X) : DST *= SRC;
    NEXT();
    OP(DIV64_K) : DST = OFF ? sdiv64(DST, UIMM) : udiv64(DST, UIMM);
    NEXT(); /* div, sdiv */
    OP(DIV64_X) : DST = OFF ? sdiv64(DST, SRC) : udiv64(DST, SRC);
    NEXT();
    OP(OR64_K) : DST |= UIMM;
    NEXT(); /* or */
    OP(OR64_X) : DST |= SRC;
    NEXT();
    OP(AND64_K) : DST &= UIMM;
    NEXT(); /* and */
    OP(AND64_X) : DST &= SRC;
    NEXT();
    OP(LSH64_K) : DST <<= (IMM & 63);
    NEXT(); /* lsh */
    OP(LSH64_X) : DST <<= (SRC & 63);
    NEXT();
    OP(RSH64_K) : DST >>= (IMM & 63);
    NEXT(); /* rsh */
    OP(RSH64_X) : DST >>= (SRC & 63);
    NEXT();
    OP(NEG64) : DST = (uint64_t)0 - DST;
    NEXT(); /* neg */
    OP(MOD64_K) : DST = OFF ? smod64(DST, UIMM) : umod64(DST, UIMM);
    NEXT(); /* mod, smod */
    OP(MOD64_X) : DST = OFF ? smod64(DST, SRC) : umod64(DST, SRC);
    NEXT();
    OP(XOR64_K) : DST ^= UIMM;
    NEXT(); /* xor */
    OP(XOR64_X) : DST ^= SRC;
    NEXT();
    OP(MOV64_K) : DST = UIMM;
    NEXT(); /* mov */
    OP(MOV64_X) : DST = OFF ? sext(SRC, (unsigned)OFF) : SRC;
    NEXT(); /* mov, movsx */
    OP(ARSH64_K) : DST = sar64(DST, (unsigned)(IMM & 63));
    NEXT(); /* arsh */
    OP(ARSH64_X) : DST = sar64(DST, (unsigned)(SRC & 63));
    NEXT();
    OP(BSWAP16)
        : /* bswap16/32/64 */
          DST = IMM == 16   ? swap16(DST)
                : IMM == 32 ? swap32(DST)
                            : swap64(DST);
    NEXT();

    /* ---- ALU32: results are zero-extended ------------------------------- */
    OP(ADD32_K) : DST = (uint32_t)(DST32 + (uint32_t)IMM);
    NEXT(); /* add32 */
    OP(ADD32_X) : DST = (uint32_t)(DST32 + SRC32);
    NEXT();
    OP(SUB32_K) : DST = (uint32_t)(DST32 - (uint32_t)IMM);
    NEXT(); /* sub32 */
    OP(SUB32_X) : DST = (uint32_t)(DST32 - SRC32);
    NEXT();
    OP(MUL32_K) : DST = (uint32_t)(DST32 * (uint32_t)IMM);
    NEXT(); /* mul32 */
    OP(MUL32_X) : DST = (uint32_t)(DST32 * SRC32);
    NEXT();
    OP(DIV32_K)
        : /* div32, sdiv32 */
          DST = OFF ? sdiv32(DST32, (uint32_t)IMM) : udiv32(DST32, (uint32_t)IMM);
    NEXT();
    OP(DIV32_X) : DST = OFF ? sdiv32(DST32, SRC32) : udiv32(DST32, SRC32);
    NEXT();
    OP(OR32_K) : DST = DST32 | (uint32_t)IMM;
    NEXT(); /* or32 */
    OP(OR32_X) : DST = DST32 | SRC32;
    NEXT();
    OP(AND32_K) : DST = DST32 & (uint32_t)IMM;
    NEXT(); /* and32 */
    OP(AND32_X) : DST = DST32 & SRC32;
    NEXT();
    OP(LSH32_K) : DST = (uint32_t)(DST32 << (IMM & 31));
    NEXT(); /* lsh32 */
    OP(LSH32_X) : DST = (uint32_t)(DST32 << (SRC & 31));
    NEXT();
    OP(RSH32_K) : DST = DST32 >> (IMM & 31);
    NEXT(); /* rsh32 */
    OP(RSH32_X) : DST = DST32 >> (SRC & 31);
    NEXT();
    OP(NEG32) : DST = (uint32_t)((uint32_t)0 - DST32);
    NEXT(); /* neg32 */
    OP(MOD32_K)
        : /* mod32, smod32 */
          DST = OFF ? smod32(DST32, (uint32_t)IMM) : umod32(DST32, (uint32_t)IMM);
    NEXT();
    OP(MOD32_X) : DST = OFF ? smod32(DST32, SRC32) : umod32(DST32, SRC32);
    NEXT();
    OP(XOR32_K) : DST = DST32 ^ (uint32_t)IMM;
    NEXT(); /* xor32 */
    OP(XOR32_X) : DST = DST32 ^ SRC32;
    NEXT();
    OP(MOV32_K) : DST = (uint32_t)IMM;
    NEXT(); /* mov32 */
    OP(MOV32_X) : DST = (uint32_t)(OFF ? sext(SRC, (unsigned)OFF) : SRC);
    NEXT(); /* mov32, movsx */
    OP(ARSH32_K) : DST = sar32(DST32, (unsigned)(IMM & 31));
    NEXT(); /* arsh32 */
    OP(ARSH32_X) : DST = sar32(DST32, (unsigned)(SRC & 31));
    NEXT();
    OP(LE16)
        : /* le16/32/64 */
          DST = IMM == 16   ? (uint16_t)DST
                : IMM == 32 ? DST32
                            : DST;
    NEXT();
    OP(BE16)
        : /* be16/32/64 */
          DST = IMM == 16   ? swap16(DST)
                : IMM == 32 ? swap32(DST)
                            : swap64(DST);
    NEXT();

    /* ---- loads and stores ----------------------------------------------- */
    OP(LDDW)
        : /* lddw */
          DST = ((uint64_t)(uint32_t)IMM | (uint64_t)(uint32_t)LDDW_HIGH() << 32) +
                vm->section_base[SRC_INDEX & 3];
    pc++;
    limit += sizeof *pc; /* two slots, one instruction */
    NEXT();
#if FC_INTERP_XLATE
    FC_MEMOPS(MEM_HANDLER_XLATE)
    FC_MEMPAIRS(PAIR_HANDLER)
    FC_LOAD_SEXTS(LOAD_SEXT_HANDLER)
#else
        FC_MEMOPS(MEM_HANDLER)
#endif
    OP(ATOMIC32_ADD) : ATOMIC(4); /* atomic32 */
    OP(ATOMIC64_ADD) : ATOMIC(8); /* atomic64 */

    /* ---- jumps ---------------------------------------------------------- */
    OP(JA) : JUMP_OFF();             /* ja */
    OP(JA32) : JUMP_IMM();           /* ja32 (gotol) */
    OP(JEQ_K) : BRANCH(DST == UIMM); /* jeq */
    OP(JEQ_X) : BRANCH(DST == SRC);
    OP(JGT_K) : BRANCH(DST > UIMM); /* jgt */
    OP(JGT_X) : BRANCH(DST > SRC);
    OP(JGE_K) : BRANCH(DST >= UIMM); /* jge */
    OP(JGE_X) : BRANCH(DST >= SRC);
    OP(JSET_K) : BRANCH(DST & UIMM); /* jset */
    OP(JSET_X) : BRANCH(DST & SRC);
    OP(JNE_K) : BRANCH(DST != UIMM); /* jne */
    OP(JNE_X) : BRANCH(DST != SRC);
    OP(JSGT_K) : BRANCH((int64_t)DST > IMM); /* jsgt */
    OP(JSGT_X) : BRANCH((int64_t)DST > (int64_t)SRC);
    OP(JSGE_K) : BRANCH((int64_t)DST >= IMM); /* jsge */
    OP(JSGE_X) : BRANCH((int64_t)DST >= (int64_t)SRC);
    OP(JLT_K) : BRANCH(DST < UIMM); /* jlt */
    OP(JLT_X) : BRANCH(DST < SRC);
    OP(JLE_K) : BRANCH(DST <= UIMM); /* jle */
    OP(JLE_X) : BRANCH(DST <= SRC);
    OP(JSLT_K) : BRANCH((int64_t)DST < IMM); /* jslt */
    OP(JSLT_X) : BRANCH((int64_t)DST < (int64_t)SRC);
    OP(JSLE_K) : BRANCH((int64_t)DST <= IMM); /* jsle */
    OP(JSLE_X) : BRANCH((int64_t)DST <= (int64_t)SRC);
    OP(JEQ32_K) : BRANCH(DST32 == (uint32_t)IMM); /* jeq32 */
    OP(JEQ32_X) : BRANCH(DST32 == SRC32);
    OP(JGT32_K) : BRANCH(DST32 > (uint32_t)IMM); /* jgt32 */
    OP(JGT32_X) : BRANCH(DST32 > SRC32);
    OP(JGE32_K) : BRANCH(DST32 >= (uint32_t)IMM); /* jge32 */
    OP(JGE32_X) : BRANCH(DST32 >= SRC32);
    OP(JSET32_K) : BRANCH(DST32 & (uint32_t)IMM); /* jset32 */
    OP(JSET32_X) : BRANCH(DST32 & SRC32);
    OP(JNE32_K) : BRANCH(DST32 != (uint32_t)IMM); /* jne32 */
    OP(JNE32_X) : BRANCH(DST32 != SRC32);
    OP(JSGT32_K) : BRANCH((int32_t)DST32 > (int32_t)IMM); /* jsgt32 */
    OP(JSGT32_X) : BRANCH((int32_t)DST32 > (int32_t)SRC32);
    OP(JSGE32_K) : BRANCH((int32_t)DST32 >= (int32_t)IMM); /* jsge32 */
    OP(JSGE32_X) : BRANCH((int32_t)DST32 >= (int32_t)SRC32);
    OP(JLT32_K) : BRANCH(DST32 < (uint32_t)IMM); /* jlt32 */
    OP(JLT32_X) : BRANCH(DST32 < SRC32);
    OP(JLE32_K) : BRANCH(DST32 <= (uint32_t)IMM); /* jle32 */
    OP(JLE32_X) : BRANCH(DST32 <= SRC32);
    OP(JSLT32_K) : BRANCH((int32_t)DST32 < (int32_t)IMM); /* jslt32 */
    OP(JSLT32_X) : BRANCH((int32_t)DST32 < (int32_t)SRC32);
    OP(JSLE32_K) : BRANCH((int32_t)DST32 <= (int32_t)IMM); /* jsle32 */
    OP(JSLE32_X) : BRANCH((int32_t)DST32 <= (int32_t)SRC32);

    /* ---- calls and exit ------------------------------------------------- */
    OP(CALL)
        : /* call helper / local */
          if (SRC_INDEX == 1)
    {
        if (FC_UNLIKELY(depth >= prog->call_depth || depth >= FC_MAX_CALL_DEPTH))
            goto fault_depth;
        frames[depth].ret = pc + 1;
        FC_MEMCPY(frames[depth].saved, &reg[6], sizeof frames[depth].saved);
        depth++;
        if (depth > vm->max_depth)
            vm->max_depth = depth;
        reg[10] -= FRAME;
        JUMP_TO(pc + 1 + IMM);
    }
    helper_id = (uint32_t)IMM;
    goto call_helper;
    OP(CALLX)
        : /* callx: id in dst */
          helper_id = DST;
    goto call_helper;
    OP(EXIT)
        : /* exit */
          if (depth == 0) goto done;
    depth--;
    FC_MEMCPY(&reg[6], frames[depth].saved, sizeof frames[depth].saved);
    reg[10] += FRAME;
    JUMP_TO(frames[depth].ret); /* a return is a transfer: budget checked */

call_helper : {
    fc_helper_fn fn = helper_lookup(vm, helper_id);
    if (FC_UNLIKELY(!fn))
        goto fault_helper;
    if (FC_UNLIKELY((uintptr_t)pc >= limit)) /* this call is over budget */
        goto fault_budget;
    vm->executed = executed_at(budget, limit, pc, sizeof *pc);
    reg[0] = fn(vm, reg[1], reg[2], reg[3], reg[4], reg[5]);
    if (FC_UNLIKELY(vm->fault.code != FC_OK))
        goto fault_from_helper;
    pc++;
    if (FC_UNLIKELY((uintptr_t)pc >= limit)) /* stop before the next one */
        goto fault_budget;
    DISPATCH();
}

#if FC_INTERP_XLATE
/* ---- fused clang idioms (pre-decoded form only); they cannot fault --- */
#define FC_FUSED_HANDLER_(name, slots, effect)                                                     \
    L_fused_##name : effect;                                                                       \
    pc += (slots);                                                                                 \
    DISPATCH();
    FC_FUSED_OPS(FC_FUSED_HANDLER_)
#undef FC_FUSED_HANDLER_
#endif

    /* opcode 0 (lddw's second slot) and unknown opcodes */
#if FC_COMPUTED_GOTO
L_invalid:
#else
    default:
#endif
    vm->fault.code = FC_FAULT_BAD_INSN;
    vm->fault.reason = FC_WHY("invalid instruction reached at run time");
    goto fault;

#if !FC_COMPUTED_GOTO
} /* switch */
#endif

done :
#if FC_INTERP_TRACE
    trace_step(vm, &ev, &have_ev, reg, text, NULL);
#endif
*r0 = reg[0];
if (FC_LIKELY((uintptr_t)pc < limit)) { /* the exit itself was within the budget */
    vm->executed = executed_at(budget, limit, pc, sizeof *pc);
    return FC_OK;
}
/* straight-line code after the last check ran past the budget: the run
 * did not finish within it */
vm->fault.code = FC_FAULT_BUDGET;
vm->fault.reason = FC_WHY("instruction budget exhausted");
vm->fault.where = PC_INDEX;
vm->executed = budget;
return FC_FAULT_BUDGET;

fault_budget : /* pc (not executed) would have been over budget */
               vm->fault.code = FC_FAULT_BUDGET;
vm->fault.reason = FC_WHY("instruction budget exhausted");
vm->executed = budget;
goto fault_report;
fault_depth : vm->fault.code = FC_FAULT_CALL_DEPTH;
vm->fault.reason = FC_WHY("local calls nested deeper than verified");
goto fault;
fault_helper : vm->fault.code = FC_FAULT_HELPER;
vm->fault.reason = FC_WHY("call to a helper that is unknown or not allowed");
vm->fault.addr = helper_id;
goto fault_counted;
fault_from_helper : vm->fault.where = PC_INDEX;
goto fault_counted;
fault_mem :
    fault :
    fault_counted : vm->executed = executed_at(budget, limit, pc, sizeof *pc);
fault_report : reg[10] = (uint64_t)(uintptr_t)vm->stack + vm->stack_size; /* maybe inside a call */
if (vm->fault.code == FC_OK) {
    vm->fault.code = FC_FAULT_BAD_INSN;
    vm->fault.reason = FC_WHY("unknown fault");
}
vm->fault.where = PC_INDEX;
#if FC_INTERP_TRACE
trace_step(vm, &ev, &have_ev, reg, text, NULL);
#endif
return (fc_status_t)vm->fault.code;
}

#undef SLOT_T
#undef PAIR_REG2
#undef PAIR_K1
#undef LOAD_PAIR_DO
#undef STORE_PAIR_DO
#undef LOAD_ONE_DO
#undef STORE_ONE_DO
#undef PAIR_HANDLER
#undef LOAD_SEXT_HANDLER
#undef JUMP_BY
#undef JUMP_OFF
#undef JUMP_IMM
#undef CHECKED_STACK_FIRST
#undef MEM_HANDLER
#undef MEM_HANDLER_XLATE
#undef LOAD_BASE
#undef LOAD_BASE_IS_R10
#undef LOAD_PERM
#undef LOAD_CACHE
#undef IN_CACHE
#undef STK
#undef FRAME
#undef LOAD_DO
#undef STORE_BASE
#undef STORE_BASE_IS_R10
#undef STORE_PERM
#undef STORE_CACHE
#undef STORE_DO
#undef SRC_IS_R10
#undef DST_IS_R10
#undef SRC_INDEX
#undef REG3
#undef ATOMIC
#undef DSTI
#undef SRCI
#undef OFF
#undef IMM
#undef UIMM
#undef DST
#undef SRC
#undef DST32
#undef SRC32
#undef PC_INDEX
#undef LDDW_HIGH
#undef TRACE_STEP
#undef OP
#undef DISPATCH
#undef NEXT
#undef JUMP_TO
#undef BRANCH
#undef CHECKED
#undef LOAD
#undef STORE
#undef AS_IS
#undef SEXT8
#undef SEXT16
#undef SEXT32
