/* The hostile corpus of tests/hostile on the board (hostiletest.c). */
#ifndef FW_HOSTILETEST_H
#define FW_HOSTILETEST_H

/* Runs every program of the table and prints one line per failure and a
 * summary line; returns the number of programs that did not behave as
 * the table expects (0: all did). */
unsigned hostile_table_run(void);

#endif
