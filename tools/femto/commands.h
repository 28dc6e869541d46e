/* The femto CLI's commands: one row per command, one cmd_<name>.c each.
 *
 * To add a command: add a row here (keep the trailing backslash) and a file
 * cmd_<name>.c defining `int fc_cmd_<name>(int argc, char **argv)`, where
 * argv[0] is the command name; return the process exit status.
 *
 * Row: X(name, usage, one-line help) */
#ifndef FEMTO_TOOLS_COMMANDS_H
#define FEMTO_TOOLS_COMMANDS_H

/* clang-format off */
#define FC_COMMANDS(X)                                                                            \
    X(asm, "FILE.s|FILE.data [-o FILE.bin]", "assemble into raw bytecode (little-endian slots)")  \
    X(disasm, "FILE.bin|FILE.data|FILE.fc", "disassemble raw bytecode, one instruction per line")        \
    X(conformance, "[-v] PATH...", "run conformance .data files (or directories of them)")      \
    X(plugin, "[MEMHEX [OPTIONS]]", "bpf_conformance plugin: program hex on stdin, prints r0")  \
    X(bench, "[--runs N] [--in-place] FILE.data...", "run each program N times, check it, count insns/run")  \
    X(build, "app.c [-o app.fc] [-I DIR] [-D N=V] [--mcpu v2|v3|v4] [-O0|-O2]", "compile C to a verified container image") \
    X(verify, "FILE.fc", "run the verifier on an image; show the refused instruction")        \
    X(info, "FILE.fc", "image metadata, sizes, functions, helpers, RAM needed")              \
    X(run, "app.fc [--entry NAME] [--hook NAME] [--ctx-hex HEX|--ctx FILE] [--budget N] [--kv DIR] [--trace]", "run a container in the host engine with the standard helpers") \
    X(keygen, "NAME", "new Ed25519 signing key: NAME.key (seed, 0600) and NAME.pub")             \
    X(sign, "-k NAME.key -s SLOT -n SEQ [--hook H]... [--priority P] [--budget B] [--entry F] [-u URI] -o OUT.suit IMAGE.fc", "wrap an image in a signed SUIT envelope (docs/suit-profile.md)") \
    X(deploy, "[-q] [--timeout S] coap://HOST[:PORT] FILE.suit", "push a signed envelope to a device (block-wise); prints its verdict") \
    X(ls, "[--json] coap://HOST[:PORT]", "list a device's containers, state and statistics") \
    X(status, "[--json] coap://HOST[:PORT] NAME", "one container's state and statistics")   \
    X(rm, "-k TENANT.key coap://HOST[:PORT] NAME", "remove a container (signed removal, next sequence number)") \
    X(call, "[-m METHOD] [-d TEXT] [--repeat N] coap://HOST[:PORT] NAME[/PATH]", "send a CoAP request to a container's coap hook") \
    X(fleet, "deploy [-j N] FLEET.txt FILE.suit", "push one envelope to every device listed, concurrently; result table") \
    X(serve, "[--listen ADDR] [--port N] [-v] DIR", "serve DIR's files by CoAP GET (block-wise), for manifests signed with -u URI") \
    /* end of the command list */
/* clang-format on */

#define FC_CMD_DECLARE_(name, usage, help) int fc_cmd_##name(int argc, char **argv);
FC_COMMANDS(FC_CMD_DECLARE_)
#undef FC_CMD_DECLARE_

#endif
