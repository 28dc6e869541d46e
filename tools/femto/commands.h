/* The femto CLI's commands: one row per command, one cmd_<name>.c each.
 *
 * To add a command: add a row here (keep the trailing backslash) and a file
 * cmd_<name>.c defining `int fc_cmd_<name>(int argc, char **argv)`, where
 * argv[0] is the command name; return the process exit status.
 *
 * Row: X(name, usage (EVERY option), one-line help, details for --help)
 * This table is the one source of `femto help`, `femto X --help` and
 * `femto help X`; tests/tools/cli_help.sh checks that every option a
 * command's own usage error names is listed here. */
#ifndef FEMTO_TOOLS_COMMANDS_H
#define FEMTO_TOOLS_COMMANDS_H

/* clang-format off */
#define FC_COMMANDS(X)                                                                            \
    X(asm, "FILE.s|FILE.data [-o FILE.bin]",                                                      \
      "assemble into raw bytecode (little-endian slots)",                                         \
      "  -o FILE.bin   output (default: the input with .bin)\n"                                   \
      "Syntax: the bpf_conformance assembler (tools/femto/README.md).\n")                          \
    X(disasm, "FILE.bin|FILE.data|FILE.fc",                                                       \
      "disassemble raw bytecode, one instruction per line",                                       \
      "A .fc image is listed with its sections, function labels and helper names.\n")              \
    X(conformance, "[-v] PATH...",                                                                \
      "run conformance .data files (or directories of them)",                                     \
      "  -v   one line per file, passed ones too\n"                                               \
      "Each program runs in place and pre-decoded; last line: N passed, N failed.\n")             \
    X(plugin, "[MEMHEX] [--translate]",                                                           \
      "bpf_conformance plugin: program hex on stdin, prints r0",                                  \
      "  MEMHEX        input memory as hex bytes (absent when the test has none)\n"               \
      "  --translate   run the pre-decoded form (fc_program_translate)\n"                         \
      "Any argument starting with -- is an option, wherever it comes; build/femto-plugin\n"      \
      "is the same command for the suite's runner (--plugin_path build/femto-plugin).\n")        \
    X(bench, "[--runs N] [--in-place] FILE.data...",                                              \
      "run each program N times, check it, count insns/run",                                      \
      "  --runs N      runs per program (default 1000)\n"                                         \
      "  --in-place    run the bytecode in place instead of pre-decoded\n")                       \
    X(build, "app.c|app.o [-o app.fc] [-I DIR] [-D NAME[=V]] [--mcpu v2|v3|v4] [-O0|-O1|-O2|-Os] "\
             "[--name NAME] [--version N] [--frame N] [--budget N] [-k] [-fFLAG] [-WFLAG] [-g]",  \
      "compile C to a verified container image",                                                  \
      "  -o app.fc          output (default: the input with .fc)\n"                               \
      "  -I DIR, -D N[=V]   include folder, macro (passed to clang)\n"                            \
      "  --mcpu v2|v3|v4    eBPF CPU version for clang (default v4: signed division,\n"          \
      "                     sign-extending loads and moves, bswap, gotol)\n"                      \
      "  -O0|-O1|-O2|-Os    optimisation (default -O2)\n"                                         \
      "  --name NAME        container name (default: the file's stem), at most 63 bytes\n"          \
      "  --version N        application version stored in the image\n"                            \
      "  --frame N          stack frame bytes per call (default 512, at most 512)\n"              \
      "  --budget N         instruction budget wished for one run (the tenant caps it)\n"         \
      "  -k                 keep the object as app.fc.o\n"                                        \
      "  -fFLAG -WFLAG -g   passed to clang\n"                                                    \
      "Refuses what a device refuses: more than FC_MAX_ENTRIES (8) functions, a helper\n"        \
      "the SDK does not know, a program the verifier refuses (docs/helpers.md, sdk/).\n")        \
    X(verify, "FILE.fc",                                                                          \
      "run the verifier on an image; show the refused instruction",                               \
      "Exit status 0 accepted, 1 refused (with the instructions around the refused one).\n")      \
    X(info, "FILE.fc",                                                                            \
      "image metadata, sizes, functions, helpers, RAM needed", "")                                \
    X(inspect, "[--key NAME.pub] FILE.suit|FILE.fc",                                              \
      "what a signed envelope would do, without a device",                                       \
      "  --key NAME.pub   verify the signature with this public key: exit 0 when it\n"           \
      "                   verifies, 1 with the reason otherwise\n"                                \
      "Prints sequence number, slot, vendor/class, hooks, priority, budget, entry,\n"            \
      "image size and SHA-256, integrated or fetched (URI), and the image itself.\n"             \
      "A .fc image is shown as `femto info` shows it.\n")                                         \
    X(run, "app.fc [--entry NAME] [--hook NAME] [--coap 'METHOD /app/NAME/PATH[?QUERY]'] "        \
           "[--payload TEXT|@FILE] [--sensor I=V] [--tick N] [--boot-count N] "                   \
           "[--ctx-hex HEX|--ctx FILE] [--budget N] [--kv DIR] [--seed N] [--trace]",             \
      "run a container in the host engine with the standard helpers",                            \
      "  --entry NAME     function to run (default: the image's entry)\n"                         \
      "  --hook NAME      fire a hook: timer boot sensor coap packet (default: call)\n"           \
      "  --coap 'GET /app/x/temp?unit=c'  build the coap hook's context from a request\n"        \
      "                   (implies --hook coap); the container sees path \"app/x/temp\"\n"        \
      "  --payload TEXT|@FILE   the request's payload (at most 128 bytes)\n"                     \
      "  --sensor I=V     simulated sensor I reads V; with --hook sensor, the sample\n"          \
      "  --tick N         --hook timer: the tick number (time N s, period 1000 ms)\n"           \
      "  --boot-count N   --hook boot: the boot count (default 1)\n"                            \
      "  --ctx-hex HEX, --ctx FILE   the raw context bytes instead\n"                             \
      "  --budget N       instruction budget (default 100000)\n"                                  \
      "  --kv DIR         keep key-value data in DIR (default: a temporary folder)\n"             \
      "  --seed N         seed of the simulated sensors\n"                                        \
      "  --trace          print every instruction executed and the registers it changed\n"      \
      "Prints log lines, the result (for --coap: the answer as the device sends it,\n"           \
      "e.g. \"2.05 Content (text/plain) 23.5\"), instructions and any fault.\n")                 \
    X(keygen, "NAME",                                                                             \
      "new Ed25519 signing key: NAME.key (seed, 0600) and NAME.pub",                              \
      "Never overwrites an existing key.\n")                                                      \
    X(sign, "-k NAME.key -s SLOT -n SEQ [--epoch E] [--hook H]... [--priority P] [--budget B] "   \
            "[--entry F] "                                                                        \
            "[-u URI] [--class HEX32] -o OUT.suit IMAGE.fc",                                      \
      "wrap an image in a signed SUIT envelope (docs/suit-profile.md)",                           \
      "  -k, --key NAME.key     the tenant's signing key (femto keygen)\n"                        \
      "  -s, --slot SLOT        device slot (0..6 on femtod)\n"                                   \
      "  -n, --sequence SEQ     sequence number, larger than the slot's last one\n"              \
      "  --epoch E              epoch of SEQ (default 0): (E, SEQ) must be newer than the\n"    \
      "                         slot's last, E at most one above its epoch; after sequence\n"  \
      "                         2^64-1, sign E+1 with any SEQ\n"                                \
      "  --hook H               attach to hook H (timer boot sensor coap packet); repeat\n"      \
      "                         for several; without one the container runs on no hook\n"        \
      "  --priority P           order among containers on a hook (int32; lower first)\n"         \
      "  --budget B             instructions per run (the tenant's max_budget caps it)\n"        \
      "  --entry F              function the hooks run (default: the image's entry)\n"           \
      "  -u, --uri URI          the device fetches the image from this coap:// URI\n"            \
      "  --class HEX32          device class UUID (default: femtod's)\n"                          \
      "  -o OUT.suit            output envelope\n")                                               \
    X(deploy, "[-q] [--timeout S] [--retries N] coap://HOST[:PORT] FILE.suit",                    \
      "push a signed envelope to a device (block-wise); prints its verdict",                      \
      "  -q             no progress bar\n"                                                        \
      "  --timeout S    seconds to wait for each answer (default 60)\n"                           \
      "  --retries N    on 5.03 (device busy), wait its Max-Age and retry, at most N\n"           \
      "                 times (default 5; 0: give up at once)\n"                                  \
      "Exit status 0 only when the device installed it.\n")                                      \
    X(ls, "[--json] [--watch] [--interval S] [--count N] coap://HOST[:PORT]",                     \
      "list a device's containers, hooks, state and statistics",                                  \
      "  --json         the device's JSON document instead of the table\n"                        \
      "  --watch        refresh the table every --interval seconds (default 2) until\n"          \
      "                 Ctrl-C, or --count N times (same as femto top)\n")                       \
    X(top, "[--interval S] [--count N] coap://HOST[:PORT]",                                       \
      "live view of a device's containers (runs, faults, budget, last error)",                    \
      "  --interval S   seconds between refreshes (default 2)\n"                                  \
      "  --count N      stop after N refreshes (default: until Ctrl-C)\n")                       \
    X(status, "[--json] coap://HOST[:PORT] NAME",                                                 \
      "one container's state, hooks and statistics",                                             \
      "  --json   the device's JSON document\n")                                                  \
    X(rm, "-k TENANT.key coap://HOST[:PORT] NAME",                                                \
      "remove a container (signed removal, next sequence number)",                                \
      "  -k TENANT.key   the owner's signing key\n")                                              \
    X(call, "[-m get|post|put|delete] [-d TEXT] [--repeat N] coap://HOST[:PORT] NAME[/PATH]",     \
      "send a CoAP request to a container's coap hook",                                           \
      "  -m METHOD    get (default; post when -d is given), post, put, delete\n"                 \
      "  -d TEXT      request payload (at most 128 bytes)\n"                                      \
      "  --repeat N   send it N times and print the rate\n"                                       \
      "The container sees the path app/NAME/PATH (no leading /).\n")                             \
    X(fleet, "deploy [-j N] FLEET.txt FILE.suit",                                                 \
      "push one envelope to every device listed, concurrently; result table",                     \
      "  -j N   at most N devices at a time (default 32)\n"                                       \
      "FLEET.txt: one coap:// URI per line, # comments.\n")                                       \
    X(serve, "[--listen ADDR] [--port N] [-v] DIR",                                               \
      "serve DIR's files by CoAP GET (block-wise), for manifests signed with -u URI",             \
      "  --listen ADDR   address (default ::1)\n"                                                 \
      "  --port N        UDP port (default 5683)\n"                                               \
      "  -v              log each request\n"                                                       \
      "Any CoAP server works as well, e.g. libcoap's coap-server (docs/deployment.md).\n")       \
    /* end of the command list */
/* clang-format on */

#define FC_CMD_DECLARE_(name, usage, help, details) int fc_cmd_##name(int argc, char **argv);
FC_COMMANDS(FC_CMD_DECLARE_)
#undef FC_CMD_DECLARE_

#endif
