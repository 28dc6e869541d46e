/* See fixtures.h. */
#include "fixtures.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_data_file(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return n > 5 && strcmp(e->d_name + n - 5, ".data") == 0;
}

int fixtures_list(const char *sub, char ***paths)
{
    char dir[1024];
    struct dirent **entries;
    snprintf(dir, sizeof dir, "%s/%s", FC_SHARED_DIR, sub);
    int n = scandir(dir, &entries, is_data_file, alphasort);
    if (n < 0)
        return -1;
    *paths = calloc((size_t)n + 1, sizeof **paths);
    for (int i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(entries[i]->d_name) + 2;
        (*paths)[i] = malloc(len);
        snprintf((*paths)[i], len, "%s/%s", dir, entries[i]->d_name);
        free(entries[i]);
    }
    free(entries);
    return n;
}

void fixtures_free(char **paths, int n)
{
    for (int i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}
