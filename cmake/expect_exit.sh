#!/bin/sh
# expect_exit.sh STATUS COMMAND [ARG...]: run COMMAND; if it exits with a
# status other than STATUS, say so on stdout (fc_output_test's
# FAIL_REGULAR_EXPRESSION matches the line) and exit 1. ctest ignores a
# test's exit status once PASS_REGULAR_EXPRESSION is set; this puts it back.
want=$1
shift
"$@"
got=$?
if [ "$got" -ne "$want" ]; then
    echo "fc-test: exit status $got, expected $want"
    exit 1
fi
exit 0
