/* libFuzzer target for the bounded CBOR decoder and the SUIT layer: every
 * input goes through the CBOR well-formedness check and item walk, then
 * SUIT decoding, a survey walk of every sequence, authentication (OpenSSL
 * port crypto, a fixed Ed25519 and the draft's P-256 key) and evaluation
 * against two devices, whether or not authentication succeeded (so the
 * evaluator sees hostile manifests too). Results go to a volatile sink so
 * nothing is optimised away. Seeds: fuzz/corpus/suit/. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "femto/port_posix_crypto.h"
#include "cbor.h" /* internal decoder: src/suit is on the include path */
#include "femto/suit.h"

static volatile uint64_t sink;

static void walk_cbor(const uint8_t *data, size_t size)
{
    fc_cbor_t c;
    fc_cbor_item_t it;
    fc_error_t err;
    fc_cbor_init(&c, data, size, 0);
    for (int i = 0; i < 4096 && fc_cbor_next(&c, &it, &err) == FC_OK; i++)
        sink += it.type + it.val + it.str.len;
    fc_cbor_init(&c, data, size, 0);
    while (fc_cbor_skip(&c, &err) == FC_OK && !fc_cbor_at_end(&c))
        sink++;
    sink += (uint64_t)fc_cbor_check(data, size, 0, &err);
}

static fc_status_t count_step(void *ctx, const fc_suit_step_t *s, fc_error_t *err)
{
    (void)err;
    *(uint64_t *)ctx += (uint64_t)s->id + s->components + s->raw.len;
    return FC_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int seqs[] = {4, 7, 8, 9, 16, 20};
    fc_suit_manifest_t m;
    fc_suit_result_t r;
    fc_error_t err;
    fc_port_t port;
    uint64_t acc = 0;

    walk_cbor(data, size);
    if (fc_suit_decode(data, size, &m, &err) != FC_OK) {
        sink += err.where;
        return 0;
    }
    for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++)
        sink += (uint64_t)fc_suit_walk(&m, seqs[i], 1, count_step, &acc, &err);

    memset(&port, 0, sizeof port);
    fc_port_posix_crypto(&port);
    fc_suit_key_t keys[2] = {
        {FC_SUIT_KEY_ED25519, {0}},
        {FC_SUIT_KEY_P256,
         {0x04, 0x84, 0x96, 0x81, 0x1a, 0xae, 0x0b, 0xaa, 0xab, 0xd2, 0x61, 0x57, 0x18,
          0x9e, 0xec, 0xda, 0x26, 0xbe, 0xaa, 0x8b, 0xf1, 0x1b, 0x6f, 0x3f, 0xe6, 0xe2,
          0xb5, 0x65, 0x9c, 0x85, 0xdb, 0xc0, 0xad, 0x3b, 0x1f, 0x2a, 0x4b, 0x6c, 0x09,
          0x81, 0x31, 0xc0, 0xa3, 0x6d, 0xac, 0xd1, 0xd7, 0x8b, 0xd3, 0x81, 0xdc, 0xdf,
          0xb0, 0x9c, 0x05, 0x2d, 0xb3, 0x39, 0x91, 0xdb, 0x73, 0x38, 0xb4, 0xa8, 0x96}}};
    size_t which = 0;
    sink += (uint64_t)fc_suit_authenticate(&m, &port, keys, 2, &which, &err) + which;

    static const fc_suit_device_t devices[2] = {
        {FC_SUIT_FEMTO_VENDOR_ID, FC_SUIT_FEMTOD_CLASS_ID, NULL},
        {{0xfa, 0x6b, 0x4a, 0x53, 0xd5, 0xad, 0x5f, 0xdf, 0xbe, 0x9d, 0xe6, 0x63, 0xe4, 0xd4, 0x1f,
          0xfe},
         {0x14, 0x92, 0xaf, 0x14, 0x25, 0x69, 0x5e, 0x48, 0xbf, 0x42, 0x9b, 0x2d, 0x51, 0xf2, 0xab,
          0x45},
         NULL}};
    for (int d = 0; d < 2; d++)
        for (int run = FC_SUIT_RUN_INSTALL; run <= FC_SUIT_RUN_BOOT; run++)
            if (fc_suit_evaluate(&m, &port, &devices[d], run, &r, &err) == FC_OK)
                for (size_t i = 0; i < r.n_components; i++)
                    sink += r.component[i].actions + r.component[i].params.has +
                            r.component[i].params.femto.n_hooks;
            else
                sink += err.where;
    sink += acc;
    return 0;
}
