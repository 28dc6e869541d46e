#!/usr/bin/env bash
# readme_first.sh BUILD_DIR SRC: run README.md's "Write your first
# container" commands as written, in a temporary folder, with the tools of
# BUILD_DIR on PATH (`make tools` is already done) and port 5683 replaced
# by a free one. Checks there are at most 10 commands and what they print.
set -u
build=$(readlink -f "$1") src=$(readlink -f "$2")
work=$(mktemp -d /tmp/femto-first.XXXXXX)
trap 'rm -rf "$work"' EXIT
block=$(sed -n '/<!-- first-container:begin -->/,/<!-- first-container:end -->/p' "$src/README.md" |
    grep -v '^<!--' | grep -v '^```')
[ -n "$block" ] || { echo "FAIL: no walk-through in README.md"; exit 1; }
# commands: lines outside the here-document
n=$(awk '/<<.EOF/ {print; inside=1; next} inside && /^EOF$/ {inside=0; next} !inside && NF {print}' \
    <<<"$block" | wc -l)
[ "$n" -le 10 ] || { echo "FAIL: $n commands (at most 10)"; exit 1; }
port=$(python3 -c '
import random, socket
lo = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
while True:
    p = random.randrange(10000, lo)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        s.bind(("::1", p)); print(p); break
    except OSError:
        pass
    finally:
        s.close()')
{
    echo 'set -e'
    echo 'trap '"'"'kill $(jobs -p) 2>/dev/null || true'"'"' EXIT'
    sed -e 's/^make tools /true /' -e "s/5683/$port/g" <<<"$block"
} >"$work/walk.sh"
out=$(cd "$work" && PATH="$build:$PATH" timeout 120 bash "$work/walk.sh" 2>&1)
rc=$?
echo "$out"
fail=0
bad() { echo "FAIL: $*"; fail=1; }
[ $rc -eq 0 ] || bad "the walk-through exited $rc"
grep -q '^first.fc: [0-9]* bytes' <<<"$out" || bad "femto build printed no summary"
grep -qF 'coap: 2.05 Content (format 50 application/json): {"calls":1}' <<<"$out" ||
    bad "femto run did not answer {\"calls\":1} as JSON"
grep -q "^2.04 installed 'first' in slot 0" <<<"$out" || bad "femto deploy did not install"
grep -qx '{"calls":1}' <<<"$out" || bad "femto call did not answer {\"calls\":1}"
[ $fail -eq 0 ] && echo "PASS: $n commands"
exit $fail
