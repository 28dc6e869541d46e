/* Shared by the MCU benchmark firmware's files (see bench_main.c). */
#ifndef FC_BENCH_MCU_H
#define FC_BENCH_MCU_H

#include <stdint.h>

#ifndef BENCH_REPS
#define BENCH_REPS 4 /* N: every measurement runs N and 2N repetitions */
#endif

/* What to measure (a bit mask): a profile of one part alone is easier to
 * read (-DBENCH_SECTIONS=2 profiles the empty run only). */
#define BENCH_FIXTURES 1u  /* native vs VM vs verify, every fixture */
#define BENCH_EMPTY_RUN 2u /* fc_vm_run of `mov r0, 0; exit` */
#define BENCH_HOOK 4u      /* fc_hook_fire with one empty container, and none */
#define BENCH_CRYPTO 8u    /* SHA-256 and Ed25519 verify (libsodium), if built */
#ifndef BENCH_SECTIONS
#define BENCH_SECTIONS 15u
#endif

/* The plugin counts instructions between the first instruction of each. */
void fc_bench_start(void);
void fc_bench_stop(void);

/* Announce the next interval on the console (see bench_main.c). */
void bench_label(const char *kind, const char *name, unsigned reps, unsigned slots);
/* Record a failure when got != want. */
void bench_expect(const char *what, const char *name, uint64_t got, uint64_t want);

/* Hook firing through the engine (bench_hook.c); returns set-up failures. */
unsigned bench_hook_fire(void);
/* Install + remove of a program as a container image (bench_hook.c). */
struct fc_insn;
unsigned bench_install(const char *name, const struct fc_insn *text, uint32_t slots);
/* SHA-256 and Ed25519 verification (bench_crypto.c); returns failures. */
unsigned bench_crypto(void);

#endif
