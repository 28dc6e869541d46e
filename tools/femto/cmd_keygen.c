/* femto keygen NAME: a new Ed25519 signing key, NAME.key (raw 32-byte seed,
 * mode 0600) and NAME.pub (raw 32-byte public key). Never overwrites. */
#include <stdio.h>

#include "commands.h"
#include "suit_write.h"

int fc_cmd_keygen(int argc, char **argv)
{
    uint8_t seed[FC_SUIT_SEED_LEN], pub[FC_SUIT_PUB_LEN];
    fc_error_t err;
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: femto keygen NAME   (writes NAME.key and NAME.pub)\n");
        return 2;
    }
    if (fc_suit_keygen(seed, pub, &err) != FC_OK ||
        fc_suit_key_save(argv[1], seed, pub, &err) != FC_OK) {
        fprintf(stderr, "femto keygen: %s: %s\n", argv[1], err.reason);
        return 1;
    }
    printf("%s.key %s.pub ed25519 ", argv[1], argv[1]);
    for (size_t i = 0; i < sizeof pub; i++)
        printf("%02x", pub[i]);
    printf("\n");
    return 0;
}
