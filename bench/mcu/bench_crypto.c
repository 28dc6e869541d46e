/* Cost of the port's crypto on the target (libsodium cross-built): SHA-256
 * of 1 KiB and one Ed25519 signature verification (RFC 8032 test 2), the
 * two operations a SUIT install performs. Results are checked: a wrong
 * digest or a refused signature fails the run. */
#include <stdint.h>
#include <string.h>

#include "bench_mcu.h"
#include "bm.h"
#include "port.h"

#ifdef BENCH_WITH_SODIUM
/* RFC 8032, section 7.1, TEST 2. */
static const uint8_t test2_pk[32] = {
    0x3d, 0x40, 0x17, 0xc3, 0xe8, 0x43, 0x89, 0x5a, 0x92, 0xb7, 0x0a, 0xa7, 0x4d, 0x1b, 0x7e, 0xbc,
    0x9c, 0x98, 0x2c, 0xcf, 0x2e, 0xc4, 0x96, 0x8c, 0xc0, 0xcd, 0x55, 0xf1, 0x2a, 0xf4, 0x66, 0x0c};
static const uint8_t test2_sig[64] = {
    0x92, 0xa0, 0x09, 0xa9, 0xf0, 0xd4, 0xca, 0xb8, 0x72, 0x0e, 0x82, 0x0b, 0x5f, 0x64, 0x25, 0x40,
    0xa2, 0xb2, 0x7b, 0x54, 0x16, 0x50, 0x3f, 0x8f, 0xb3, 0x76, 0x22, 0x23, 0xeb, 0xdb, 0x69, 0xda,
    0x08, 0x5a, 0xc1, 0xe4, 0x3e, 0x15, 0x99, 0x6e, 0x45, 0x8f, 0x36, 0x13, 0xd0, 0xf1, 0x1d, 0x8c,
    0x38, 0x7b, 0x2e, 0xae, 0xb4, 0x30, 0x2a, 0xee, 0xb0, 0x0d, 0x29, 0x16, 0x12, 0xbb, 0x0c, 0x00};
static const uint8_t test2_msg[1] = {0x72};

static uint8_t block[1024];

unsigned bench_crypto(void)
{
    fc_port_t port;
    static bm_port_state_t state;
    bm_port_init(&port, &state, 1000u);
    bm_port_use_sodium(&port);

    for (unsigned i = 0; i < sizeof block; i++)
        block[i] = (uint8_t)(i * 7u + 1u);
    uint8_t first[32], digest[32];
    port.sha256(port.ctx, block, sizeof block, first);
    for (unsigned reps = BENCH_REPS; reps <= 2 * BENCH_REPS; reps += BENCH_REPS) {
        bench_label("sha256_1KiB", "libsodium", reps, 0);
        fc_bench_start();
        for (unsigned i = 0; i < reps; i++)
            port.sha256(port.ctx, block, sizeof block, digest);
        fc_bench_stop();
        bench_expect("sha256", "same digest every run", (uint64_t)memcmp(first, digest, 32), 0);
    }
    for (unsigned reps = 1; reps <= 2; reps++) {
        int st = FC_OK;
        bench_label("ed25519_verify", "libsodium", reps, 0);
        fc_bench_start();
        for (unsigned i = 0; i < reps; i++)
            st |= port.ed25519_verify(port.ctx, test2_sig, test2_msg, 1, test2_pk);
        fc_bench_stop();
        bench_expect("ed25519_verify", "RFC 8032 test 2", (uint64_t)st, FC_OK);
    }
    return 0;
}
#else
unsigned bench_crypto(void)
{
    bm_puts("crypto not measured: libsodium sources absent (scripts/fetch-deb-src.sh libsodium)\n");
    return 0;
}
#endif
