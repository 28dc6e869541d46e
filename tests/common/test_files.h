/* Files for host tests (cmocka): reading one whole, and walking a
 * directory of them (fuzz corpora replayed by ordinary tests). */
#ifndef FEMTO_TESTS_COMMON_TEST_FILES_H
#define FEMTO_TESTS_COMMON_TEST_FILES_H

#include <stddef.h>
#include <stdint.h>

/* The whole file in a malloc'd buffer of its exact size (so ASan sees any
 * read past its end); fails the test if it cannot be read. */
uint8_t *tf_read_file(const char *path, size_t *len);

/* fn(name, bytes, length, user) for every file of dir (dot files left
 * out), each read with tf_read_file and freed after fn; fails the test if
 * dir cannot be opened. Returns the number of files. */
typedef void (*tf_file_fn)(const char *name, const uint8_t *data, size_t len, void *user);
size_t tf_for_each_file(const char *dir, tf_file_fn fn, void *user);

#endif
