#!/usr/bin/env bash
# c-sources.sh: the C sources clang-format owns (our .c/.h files, tracked or
# new; not build trees, fuzz corpora or fetched third-party trees), one per
# line. The one list behind `make format`, `make format-check` and lint.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
find src include tools apps sdk tests bench firmware fuzz examples \
    \( -name '*.c' -o -name '*.h' \) -not -path '*/corpus/*' 2>/dev/null | sort
