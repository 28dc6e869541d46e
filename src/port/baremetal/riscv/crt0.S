/* RISC-V (rv32, machine mode) start-up shared by the boards: park every hart
 * but 0, set gp, sp and the trap vector, copy .data, zero .bss, then
 * bm_board_init(), main(), and bm_exit() with main's result. */
    .section .text.init, "ax", @progbits
    .globl bm_reset
    .type bm_reset, @function
bm_reset:
    csrr    t0, mhartid
    bnez    t0, park
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top
    la      t0, bm_trap_entry
    csrw    mtvec, t0
    la      a0, __data_start
    la      a1, __data_load
    la      a2, __data_end
    sub     a2, a2, a0
    call    memcpy
    la      a0, __bss_start
    li      a1, 0
    la      a2, __bss_end
    sub     a2, a2, a0
    call    memset
    call    bm_board_init
    call    main
    tail    bm_exit
park:
    wfi
    j       park
    .size bm_reset, . - bm_reset
