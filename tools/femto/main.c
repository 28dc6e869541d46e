/* femto: the command-line tool. Dispatches `femto <command> args...` to the
 * commands listed in commands.h. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
    const char *help;
} command_t;

static const command_t commands[] = {
#define FC_CMD_ROW_(name, usage, help) {#name, fc_cmd_##name, usage, help},
    FC_COMMANDS(FC_CMD_ROW_)
#undef FC_CMD_ROW_
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void print_help(FILE *out)
{
    fprintf(out, "usage: femto <command> [args]\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-12s %s\n  %-12s   femto %s %s\n", commands[i].name, commands[i].help, "",
                commands[i].name, commands[i].usage);
    fprintf(out, "  %-12s %s\n", "help", "this list");
}

static const command_t *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    /* Installed as `femto-plugin`, femto is the bpf_conformance plugin
     * itself: the suite's runner calls the plugin with no command word. */
    const char *self = strrchr(argv[0], '/');
    self = self ? self + 1 : argv[0];
    if (strcmp(self, "femto-plugin") == 0)
        return fc_cmd_plugin(argc, argv);

    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        print_help(stdout);
        return argc < 2 ? 2 : 0;
    }
    const command_t *cmd = find_command(argv[1]);
    if (!cmd) {
        fprintf(stderr, "femto: unknown command '%s' (try 'femto help')\n", argv[1]);
        return 2;
    }
    return cmd->run(argc - 1, argv + 1);
}
