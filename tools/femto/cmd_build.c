/* femto build app.c [-o app.fc] [-I DIR] [-D NAME[=V]] [--mcpu v2|v3|v4] [-O0|-O1|-O2|-Os]
 *                   [--name NAME] [--version N] [--frame N] [--budget N] [-k]
 *                   [-fFLAG] [-WFLAG] [-g]      (passed to clang)
 *
 * Compile C to an eBPF object with clang (-target bpf -ffreestanding, the
 * SDK on the include path), turn the object into a container image with
 * libelf (elf2image.c), verify the image with the real verifier (every SDK
 * helper allowed) and write it. An input ending in .o skips the compiler. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "elf2image.h"
#include "fileio.h"
#include "image_tool.h"

#ifndef FC_SDK_DIR
#define FC_SDK_DIR "sdk"
#endif

#define MAX_ARGS 128

typedef struct build_opts {
    const char *input;
    const char *output;
    const char *name;
    const char *mcpu;
    const char *opt_level;
    const char *extra[MAX_ARGS]; /* -I and -D, passed to clang */
    int n_extra;
    uint32_t app_version;
    uint32_t frame_size;
    uint32_t budget;
    int keep_object;
} build_opts_t;

static int usage(void)
{
    fprintf(stderr, "usage: femto build app.c [-o app.fc] [-I DIR] [-D NAME[=V]] "
                    "[--mcpu v2|v3|v4] [-O0|-O1|-O2|-Os] [--name NAME] [--version N] "
                    "[--frame N] [--budget N] [-k] [-fFLAG] [-WFLAG] [-g]\n"
                    "  -k keeps the object as OUT.fc.o; an input ending in .o is used as is\n");
    return 2;
}

static int parse_u32(const char *s, uint32_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (!*s || *end || errno || x > UINT32_MAX)
        return -1;
    *v = (uint32_t)x;
    return 0;
}

/* -I and -D take their value attached (-Ifoo) or as the next word. */
static int add_extra(build_opts_t *o, const char *flag, const char *value)
{
    if (o->n_extra + 2 > MAX_ARGS)
        return -1;
    o->extra[o->n_extra++] = flag;
    if (value)
        o->extra[o->n_extra++] = value;
    return 0;
}

static int parse_args(int argc, char **argv, build_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->mcpu = "v4"; /* the VM runs v4: signed division, sign-extending loads, bswap */
    o->opt_level = "-O2";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-o") == 0 && next) {
            o->output = argv[++i];
        } else if ((strcmp(a, "-I") == 0 || strcmp(a, "-D") == 0) && next) {
            if (add_extra(o, a, argv[++i]))
                return -1;
        } else if (strncmp(a, "-I", 2) == 0 || strncmp(a, "-D", 2) == 0) {
            if (add_extra(o, a, NULL))
                return -1;
        } else if (strcmp(a, "--mcpu") == 0 && next) {
            o->mcpu = argv[++i];
        } else if (strncmp(a, "--mcpu=", 7) == 0) {
            o->mcpu = a + 7;
        } else if (!strcmp(a, "-O0") || !strcmp(a, "-O1") || !strcmp(a, "-O2") ||
                   !strcmp(a, "-Os")) {
            o->opt_level = a;
        } else if (strcmp(a, "--name") == 0 && next) {
            o->name = argv[++i];
        } else if (strcmp(a, "--version") == 0 && next) {
            if (parse_u32(argv[++i], &o->app_version))
                return -1;
        } else if (strcmp(a, "--frame") == 0 && next) {
            if (parse_u32(argv[++i], &o->frame_size))
                return -1;
        } else if (strcmp(a, "--budget") == 0 && next) {
            if (parse_u32(argv[++i], &o->budget))
                return -1;
        } else if (strncmp(a, "-f", 2) == 0 || strncmp(a, "-W", 2) == 0 || strcmp(a, "-g") == 0) {
            if (add_extra(o, a, NULL)) /* code generation and warning flags go to clang */
                return -1;
        } else if (strcmp(a, "-k") == 0) {
            o->keep_object = 1;
        } else if (a[0] != '-' && !o->input) {
            o->input = a;
        } else {
            fprintf(stderr, "femto build: unknown or incomplete option '%s'\n", a);
            return -1;
        }
    }
    if (!o->input)
        return -1;
    if (strcmp(o->mcpu, "v1") && strcmp(o->mcpu, "v2") && strcmp(o->mcpu, "v3") &&
        strcmp(o->mcpu, "v4")) {
        fprintf(stderr, "femto build: --mcpu must be v1, v2, v3 or v4\n");
        return -1;
    }
    return 0;
}

/* The newest clang with the BPF target: FEMTO_CLANG, else clang-19 (the
 * first with -mcpu=v4), else clang. */
static const char *find_clang(void)
{
    const char *env = getenv("FEMTO_CLANG");
    if (env && *env)
        return env;
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    char *dirs = strdup(path);
    const char *found = "clang";
    for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        char candidate[4096];
        snprintf(candidate, sizeof candidate, "%s/clang-19", d);
        if (access(candidate, X_OK) == 0) {
            found = "clang-19";
            break;
        }
    }
    free(dirs);
    return found;
}

static const char *sdk_dir(void)
{
    const char *env = getenv("FEMTO_SDK");
    return env && *env ? env : FC_SDK_DIR;
}

static int run_compiler(const build_opts_t *o, const char *object)
{
    char mcpu[16], sdk_inc[4096];
    snprintf(mcpu, sizeof mcpu, "-mcpu=%s", o->mcpu);
    snprintf(sdk_inc, sizeof sdk_inc, "-I%s", sdk_dir());
    const char *argv[MAX_ARGS + 16];
    int n = 0;
    argv[n++] = find_clang();
    argv[n++] = o->opt_level;
    argv[n++] = "-target";
    argv[n++] = "bpf";
    argv[n++] = "-ffreestanding";
    argv[n++] = mcpu;
    argv[n++] = "-Wall";
    argv[n++] = sdk_inc;
    char stack_size[48];
    if (o->frame_size) { /* clang refuses frames over 512 bytes unless told */
        snprintf(stack_size, sizeof stack_size, "-bpf-stack-size=%u", (unsigned)o->frame_size);
        argv[n++] = "-mllvm";
        argv[n++] = stack_size;
    }
    for (int i = 0; i < o->n_extra; i++)
        argv[n++] = o->extra[i];
    argv[n++] = "-c";
    argv[n++] = o->input;
    argv[n++] = "-o";
    argv[n++] = object;
    argv[n] = NULL;

    pid_t pid = fork();
    if (pid < 0) {
        perror("femto build: fork");
        return -1;
    }
    if (pid == 0) {
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr,
                "femto build: cannot run %s: %s (install clang-19, or set "
                "FEMTO_CLANG)\n",
                argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "femto build: %s failed on %s\n", argv[0], o->input);
        return -1;
    }
    return 0;
}

static void default_output(const char *input, char *buf, size_t size)
{
    size_t n = strlen(input);
    if (n > 2 && (strcmp(input + n - 2, ".c") == 0 || strcmp(input + n - 2, ".o") == 0))
        n -= 2;
    snprintf(buf, size, "%.*s.fc", (int)n, input);
}

/* Object -> image -> verify -> file. */
static int make_image(const build_opts_t *o, const char *object, const char *output)
{
    char name[FC_IMAGE_NAME_MAX + 1];
    if (o->name)
        snprintf(name, sizeof name, "%s", o->name);
    else
        fc_cli_stem(o->input, name, sizeof name);
    fc_elf_options_t eo = {
        .name = name,
        .app_version = o->app_version,
        .cpu = (uint8_t)(o->mcpu[1] - '0'),
        .frame_size = o->frame_size,
        .budget = o->budget,
    };
    fc_elf_result_t res;
    char why[512];
    if (fc_elf_to_image(object, &eo, &res, why, sizeof why) != 0) {
        fprintf(stderr, "femto build: %s: %s\n", o->input, why);
        return 1;
    }
    fc_image_file_t f;
    int rc = fc_image_file_from_bytes(output, res.image, res.image_len, &f) ? 1 : 0;
    fc_elf_result_free(&res);
    if (rc)
        return rc;

    fc_program_t prog;
    uint32_t *entries = NULL;
    fc_error_t err;
    if (fc_image_tool_verify(&f.img, &prog, &entries, &err) != FC_OK) {
        fc_image_print_refusal(stderr, o->input, &f.img, &err);
        fprintf(stderr, "femto build: %s not written: the verifier refuses the code\n", output);
        rc = 1;
    } else if (fc_write_file(output, f.buf, f.len, why, sizeof why) != 0) {
        fprintf(stderr, "femto build: %s\n", why);
        rc = 1;
    } else {
        fc_image_print_summary(stdout, output, &f.img);
    }
    free(entries);
    fc_image_file_free(&f);
    return rc;
}

int fc_cmd_build(int argc, char **argv)
{
    build_opts_t o;
    if (parse_args(argc, argv, &o) != 0)
        return usage();
    char output[4096];
    if (o.output)
        snprintf(output, sizeof output, "%s", o.output);
    else
        default_output(o.input, output, sizeof output);

    if (fc_cli_has_suffix(o.input, ".o"))
        return make_image(&o, o.input, output);

    char object[4096 + 8];
    snprintf(object, sizeof object, "%s.o", output);
    if (!o.keep_object) {
        snprintf(object, sizeof object, "%s/femto-build-XXXXXX.o",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        int fd = mkstemps(object, 2);
        if (fd < 0) {
            perror("femto build: temporary object");
            return 1;
        }
        close(fd);
    }
    int rc = run_compiler(&o, object) ? 1 : make_image(&o, object, output);
    if (!o.keep_object)
        unlink(object);
    return rc;
}
