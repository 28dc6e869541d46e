/* femto: the command-line tool. Dispatches `femto <command> args...` to the
 * commands listed in commands.h, and answers `femto help [COMMAND]`,
 * `femto --help` and `femto COMMAND --help` from the same table. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
    const char *help;
    const char *details;
} command_t;

static const command_t commands[] = {
#define FC_CMD_ROW_(name, usage, help, details) {#name, fc_cmd_##name, usage, help, details},
    FC_COMMANDS(FC_CMD_ROW_)
#undef FC_CMD_ROW_
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void print_help(FILE *out)
{
    fprintf(out, "usage: femto <command> [args]      (femto <command> --help: its options)\n\n"
                 "commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-12s %s\n  %-12s   femto %s %s\n", commands[i].name, commands[i].help, "",
                commands[i].name, commands[i].usage);
    fprintf(out, "  %-12s %s\n", "help", "this list; femto help COMMAND: one command in full");
}

static void print_command_help(FILE *out, const command_t *c)
{
    fprintf(out, "usage: femto %s %s\n\n%s\n", c->name, c->usage, c->help);
    if (c->details[0])
        fprintf(out, "\n%s", c->details);
}

static const command_t *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int is_help(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

int main(int argc, char **argv)
{
    /* Installed as `femto-plugin`, femto is the bpf_conformance plugin
     * itself: the suite's runner calls the plugin with no command word. */
    const char *self = strrchr(argv[0], '/');
    self = self ? self + 1 : argv[0];
    if (strcmp(self, "femto-plugin") == 0)
        return fc_cmd_plugin(argc, argv);

    if (argc < 2) {
        print_help(stderr);
        return 2;
    }
    if (strcmp(argv[1], "help") == 0 || is_help(argv[1])) {
        if (argc > 2) {
            const command_t *c = find_command(argv[2]);
            if (!c) {
                fprintf(stderr, "femto: unknown command '%s' (try 'femto help')\n", argv[2]);
                return 2;
            }
            print_command_help(stdout, c);
            return 0;
        }
        print_help(stdout);
        return 0;
    }
    const command_t *cmd = find_command(argv[1]);
    if (!cmd) {
        fprintf(stderr, "femto: unknown command '%s' (try 'femto help')\n", argv[1]);
        return 2;
    }
    /* --help anywhere among the options (not as the value of -d, -o, ...:
     * a value follows its option, and no command takes "--help" as one). */
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || (i == 2 && is_help(argv[i]))) {
            print_command_help(stdout, cmd);
            return 0;
        }
    return cmd->run(argc - 1, argv + 1);
}
