/* Shared by the tools tests: the .data files of a shared/ folder. */
#ifndef FEMTO_TESTS_TOOLS_FIXTURES_H
#define FEMTO_TESTS_TOOLS_FIXTURES_H

#include <stddef.h>

/* Sorted paths of the *.data files in FC_SHARED_DIR/sub (malloc'd, free
 * with fixtures_free). Returns the count, or -1 if the folder is missing. */
int fixtures_list(const char *sub, char ***paths);
void fixtures_free(char **paths, int n);

#endif
