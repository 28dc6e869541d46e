#!/usr/bin/env bash
# cli_help.sh FEMTO: `femto --help`, `femto help` and `femto X --help` for
# every command exit 0 with the command's usage; the usage lists every
# option that the command's own usage error names; `femto help` lists
# every option of every command (e.g. build's --name and --version).
set -u
femto=$1
fail=0
bad() { echo "FAIL: $*"; fail=1; }

"$femto" --help >/dev/null || bad "femto --help exits $?"
"$femto" -h >/dev/null || bad "femto -h exits $?"
all=$("$femto" help) || bad "femto help exits $?"
for opt in --name --version --mcpu --frame --budget; do
    grep -q -- "femto build .*$opt" <<<"$all" || bad "femto help: build line lacks $opt"
done
commands=$(sed -n 's/^  \([a-z]*\)  .*/\1/p' <<<"$all" | grep -v '^help$' | sort -u)
[ "$(wc -w <<<"$commands")" -ge 20 ] || bad "femto help lists only: $commands"
for c in $commands; do
    for form in "$c --help" "$c -h" "help $c"; do
        out=$("$femto" $form 2>&1)
        rc=$?
        [ $rc -eq 0 ] || bad "femto $form exits $rc"
        grep -q "^usage: femto $c " <<<"$out" || grep -q "^usage: femto $c$" <<<"$out" ||
            bad "femto $form: no usage line: $out"
    done
    help=$("$femto" "$c" --help)
    # the options the command's own parser names when it is called wrongly
    err=$("$femto" "$c" 2>&1 </dev/null)
    for opt in $(grep -o -- ' \[*-[-a-zA-Z][-a-zA-Z0-9]*' <<<"$err" | tr -d ' [' | sort -u | grep -vx -- '--help'); do
        grep -q -- "$opt" <<<"$help" || bad "femto $c --help lacks $opt (named by its usage error)"
        grep -q -- "femto $c .*$opt" <<<"$all" || bad "femto help: $c lacks $opt"
    done
done
# --help after other arguments works too, and a value that looks like an
# option is still a value.
"$femto" build foo.c --help | grep -q "^usage: femto build" || bad "femto build foo.c --help"
[ $fail -eq 0 ] && echo "PASS: $(wc -w <<<"$commands") commands"
exit $fail
