#include "suit_test_util.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "femto/port_posix_crypto.h"

const char *tu_example(const char *name)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/suit/examples/%s", FC_SHARED_DIR, name);
    return path;
}

size_t tu_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (; hex[0] && hex[1] && n < cap; hex += 2) {
        unsigned v;
        assert_int_equal(sscanf(hex, "%2x", &v), 1);
        out[n++] = (uint8_t)v;
    }
    return n;
}

void tu_port(fc_port_t *port)
{
    memset(port, 0, sizeof *port);
    fc_port_posix_crypto(port);
}

void tu_example_key(fc_suit_key_t *key)
{
    FILE *f = fopen(tu_example("draft-example-key-p256-pub.pem"), "r");
    assert_non_null(f);
    EVP_PKEY *pk = PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    assert_non_null(pk);
    size_t len = 0;
    memset(key, 0, sizeof *key);
    key->type = FC_SUIT_KEY_P256;
    assert_int_equal(EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_PUB_KEY, key->public_key,
                                                     sizeof key->public_key, &len),
                     1);
    assert_int_equal(len, 65);
    assert_int_equal(key->public_key[0], 0x04);
    EVP_PKEY_free(pk);
}

int tu_bytes_hex(fc_suit_bytes_t b, const char *hex)
{
    uint8_t buf[256];
    size_t n = tu_hex(hex, buf, sizeof buf);
    return b.len == n && memcmp(b.ptr, buf, n) == 0;
}

int tu_bytes_str(fc_suit_bytes_t b, const char *s)
{
    return b.len == strlen(s) && memcmp(b.ptr, s, b.len) == 0;
}
