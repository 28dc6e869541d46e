/* Helpers shared by the SUIT tests (host only). */
#ifndef FEMTO_TESTS_SUIT_UTIL_H
#define FEMTO_TESTS_SUIT_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "../common/test_files.h" /* tf_read_file */
#include "femto/port.h"
#include "femto/suit.h"

/* Path of a file in shared/suit/examples (static buffer). */
const char *tu_example(const char *name);
/* "00a1ff" into out; returns the byte count. */
size_t tu_hex(const char *hex, uint8_t *out, size_t cap);
/* A port with only the OpenSSL crypto entries. */
void tu_port(fc_port_t *port);
/* The draft's example P-256 key from its PEM file, as a SUIT key. */
void tu_example_key(fc_suit_key_t *key);
/* Bytes equal to a hex string. */
int tu_bytes_hex(fc_suit_bytes_t b, const char *hex);
int tu_bytes_str(fc_suit_bytes_t b, const char *s);

#endif
