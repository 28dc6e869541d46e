/* femto keygen + femto sign (the command functions themselves) produce an
 * envelope that the device side decodes, authenticates with NAME.pub and
 * evaluates to the slot, hooks and image given on the command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "commands.h"
#include "femto/suit.h"
#include "suit_test_util.h"
#include "suit_write.h"

static int run(int (*cmd)(int, char **), const char *const *args, int n)
{
    char *argv[32];
    for (int i = 0; i < n; i++)
        argv[i] = (char *)args[i];
    argv[n] = NULL;
    return cmd(n, argv);
}

static void test_keygen_sign_decode(void **s)
{
    (void)s;
    /* fc_test runs each test in its own scratch folder */
    remove("cli.key");
    remove("cli.pub");
    static const char *const keygen[] = {"keygen", "cli"};
    assert_int_equal(run(fc_cmd_keygen, keygen, 2), 0);
    assert_int_equal(run(fc_cmd_keygen, keygen, 2), 1); /* never overwrites */

    uint8_t image[100];
    for (size_t i = 0; i < sizeof image; i++)
        image[i] = (uint8_t)(255 - i);
    FILE *f = fopen("cli.fc", "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(image, 1, sizeof image, f), sizeof image);
    fclose(f);
    static const char *const sign[] = {"sign", "-k", "cli.key",  "-s",    "12",
                                       "-n",   "42", "--hook",   "timer", "--budget",
                                       "777",  "-o", "cli.suit", "cli.fc"};
    assert_int_equal(run(fc_cmd_sign, sign, 14), 0);
    static const char *const bad[] = {"sign", "-k", "cli.key", "-s", "x",
                                      "-n",   "1",  "-o",      "o",  "cli.fc"};
    assert_int_equal(run(fc_cmd_sign, bad, 10), 2);

    size_t len;
    uint8_t *env = tf_read_file("cli.suit", &len);
    fc_suit_key_t key = {FC_SUIT_KEY_ED25519, {0}};
    fc_error_t err = {0};
    assert_int_equal(fc_suit_key_load("cli.pub", key.public_key, &err), FC_OK);
    fc_port_t port;
    tu_port(&port);
    fc_suit_manifest_t m;
    fc_suit_result_t r;
    static const fc_suit_device_t dev = {FC_SUIT_FEMTO_VENDOR_ID, FC_SUIT_FEMTOD_CLASS_ID, NULL};
    assert_int_equal(fc_suit_decode(env, len, &m, &err), FC_OK);
    assert_int_equal(m.sequence_number, 42);
    assert_int_equal(fc_suit_authenticate(&m, &port, &key, 1, NULL, &err), FC_OK);
    assert_int_equal(fc_suit_evaluate(&m, &port, &dev, FC_SUIT_RUN_INSTALL, &r, &err), FC_OK);
    assert_int_equal(r.component[0].femto_slot, 12);
    assert_int_equal(r.component[0].params.femto.n_hooks, 1);
    assert_int_equal(r.component[0].params.femto.budget, 777);
    assert_non_null(r.component[0].payload);
    assert_memory_equal(r.component[0].payload->data.ptr, image, sizeof image);
    assert_true(r.component[0].actions & FC_SUIT_IMAGE_MATCHED);
    free(env);
    remove("cli.key");
    remove("cli.pub");
    remove("cli.fc");
    remove("cli.suit");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_keygen_sign_decode)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
