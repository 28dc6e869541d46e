#!/usr/bin/env bash
# fetch-deb-src.sh: fetch a Debian source package matching what is installed
# here, through a PRIVATE apt configuration, and extract the few files the
# build needs into build/third_party/ (never committed).
#
#   scripts/fetch-deb-src.sh qemu       -> build/third_party/qemu/include/qemu/qemu-plugin.h
#   scripts/fetch-deb-src.sh libsodium  -> build/third_party/libsodium/src/libsodium/...
#   scripts/fetch-deb-src.sh lwip       -> build/third_party/lwip/src/... (the firmware's TCP/IP stack)
#
# Why a private configuration: the machine's apt may have no deb-src lines,
# and we must not edit /etc/apt. We derive deb-src lines from the machine's
# own enabled sources (so no archive host name is written in this
# repository), and give apt its own source list, state and cache
# directories under build/third_party/apt/.
#
# Environment: FC_THIRD_PARTY_DIR (default: <repo>/build/third_party).
# Idempotent: once the wanted files exist it does nothing.
set -euo pipefail

usage() {
    echo "usage: $0 qemu|libsodium|lwip" >&2
    exit 2
}
[ $# -eq 1 ] || usage
what=$1

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${FC_THIRD_PARTY_DIR:-$repo/build/third_party}
apt_dir=$out/apt

log() { printf 'fetch-deb-src: %s\n' "$*" >&2; }

# The source package and version of an installed binary package.
source_version() {
    local v
    v=$(dpkg-query -W -f='${source:Version}' "$1" 2>/dev/null) || true
    if [ -z "$v" ]; then
        log "$1 is not installed: cannot tell which source version to fetch"
        exit 1
    fi
    printf '%s' "$v"
}

# Print one-line deb-src entries for every enabled 'deb' entry of the
# machine's sources (one-line *.list and deb822 *.sources files).
derive_deb_src() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        sed -n 's/^[[:space:]]*deb[[:space:]]\+/deb-src /p' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        # deb822: stanzas separated by blank lines; fields Types, URIs,
        # Suites, Components, Signed-By, Enabled.
        awk '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && enabled != "no" && uris != "") {
                    n = split(uris, u, " "); m = split(suites, s, " ")
                    opt = signed != "" ? "[signed-by=" signed "] " : ""
                    for (i = 1; i <= n; i++)
                        for (j = 1; j <= m; j++)
                            print "deb-src " opt u[i] " " s[j] " " comps
                }
                types = uris = suites = comps = signed = enabled = ""
            }
            /^[[:space:]]*#/ { next }
            /^[[:space:]]*$/ { flush(); next }
            {
                key = tolower($1); sub(/:$/, "", key)
                val = $0; sub(/^[^:]*:[[:space:]]*/, "", val)
                if (key == "types") types = val
                else if (key == "uris") uris = val
                else if (key == "suites") suites = val
                else if (key == "components") comps = val
                else if (key == "signed-by") signed = val
                else if (key == "enabled") enabled = tolower(val)
            }
            END { flush() }
        ' "$f"
    done
}

apt_private() {
    apt-get -q \
        -o Dir::Etc::SourceList="$apt_dir/sources.list" \
        -o Dir::Etc::SourceParts="$apt_dir/sources.list.d" \
        -o Dir::State::Lists="$apt_dir/lists" \
        -o Dir::Cache="$apt_dir/cache" \
        -o Dir::Cache::pkgcache="" -o Dir::Cache::srcpkgcache="" \
        -o APT::Sandbox::User=root \
        "$@"
}

# The version apt would install of a binary package (for sources whose
# binary package the build does not need installed, such as lwIP: the
# firmware compiles its sources, the host never links liblwip).
candidate_version() {
    local v
    v=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
    if [ -z "$v" ] || [ "$v" = "(none)" ]; then
        log "no candidate version of $1 in the machine's apt sources"
        exit 1
    fi
    printf '%s' "$v"
}

# Download (not build) the source package pkg=version into $out/src/.
download_source() {
    local pkg=$1 version=$2
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" \
        "$apt_dir/sources.list.d" "$out/src"
    derive_deb_src | sort -u >"$apt_dir/sources.list"
    if [ ! -s "$apt_dir/sources.list" ]; then
        log "no enabled 'deb' entry in /etc/apt/sources.list*: nothing to derive deb-src from"
        exit 1
    fi
    if ! compgen -G "$apt_dir/lists/*Sources*" >/dev/null; then
        log "apt-get update (private lists in $apt_dir)"
        # One unreachable extra source must not stop us: apt-get source
        # below says clearly whether the package was found.
        apt_private update >"$apt_dir/update.log" 2>&1 ||
            log "apt-get update reported errors (see $apt_dir/update.log); trying anyway"
    fi
    log "apt-get source --download-only $pkg=$version"
    (cd "$out/src" && apt_private source --download-only "$pkg=$version") >"$apt_dir/source.log" 2>&1 || {
        log "apt-get source failed:"
        tail -n 20 "$apt_dir/source.log" >&2
        exit 1
    }
}

# The orig tarball of pkg (upstream version, epoch stripped) in $out/src/.
orig_tarball() {
    local pkg=$1 version=$2 upstream
    upstream=${version#*:}
    upstream=${upstream%-*}
    local f
    for f in "$out/src/${pkg}_${upstream}".orig.tar.*; do
        [ -f "$f" ] && { printf '%s' "$f"; return; }
    done
    return 0
}

fetch_qemu() {
    local dest=$out/qemu/include/qemu/qemu-plugin.h version tarball
    if [ -f "$dest" ]; then
        echo "$dest"
        return
    fi
    version=$(source_version qemu-system-arm)
    tarball=$(orig_tarball qemu "$version")
    if [ -z "$tarball" ]; then
        download_source qemu "$version"
        tarball=$(orig_tarball qemu "$version")
    fi
    [ -n "$tarball" ] || { log "no qemu orig tarball in $out/src"; exit 1; }
    mkdir -p "$(dirname "$dest")"
    # The header's path inside the tarball starts with qemu-<version>/.
    tar -xf "$tarball" -O --wildcards '*/include/qemu/qemu-plugin.h' >"$dest.tmp"
    [ -s "$dest.tmp" ] || { log "qemu-plugin.h not found in $tarball"; rm -f "$dest.tmp"; exit 1; }
    mv "$dest.tmp" "$dest"
    log "qemu $version: $dest"
    echo "$dest"
}

fetch_libsodium() {
    local dest=$out/libsodium version tarball
    if [ -f "$dest/src/libsodium/include/sodium.h" ]; then
        echo "$dest"
        return
    fi
    version=$(source_version libsodium23)
    tarball=$(orig_tarball libsodium "$version")
    if [ -z "$tarball" ]; then
        download_source libsodium "$version"
        tarball=$(orig_tarball libsodium "$version")
    fi
    [ -n "$tarball" ] || { log "no libsodium orig tarball in $out/src"; exit 1; }
    rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
    tar -xf "$tarball" -C "$dest.tmp" --strip-components=1
    rm -rf "$dest" && mv "$dest.tmp" "$dest"
    log "libsodium $version: $dest"
    echo "$dest"
}

fetch_lwip() {
    local dest=$out/lwip version tarball
    if [ -f "$dest/src/include/lwip/init.h" ]; then
        echo "$dest"
        return
    fi
    if dpkg-query -W liblwip-dev >/dev/null 2>&1; then
        version=$(source_version liblwip-dev)
    else
        version=$(candidate_version liblwip-dev)
    fi
    tarball=$(orig_tarball lwip "$version")
    if [ -z "$tarball" ]; then
        download_source lwip "$version"
        tarball=$(orig_tarball lwip "$version")
    fi
    [ -n "$tarball" ] || { log "no lwip orig tarball in $out/src"; exit 1; }
    rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
    tar -xf "$tarball" -C "$dest.tmp" --strip-components=1
    rm -rf "$dest" && mv "$dest.tmp" "$dest"
    log "lwip $version: $dest"
    echo "$dest"
}

case $what in
qemu) fetch_qemu ;;
libsodium) fetch_libsodium ;;
lwip) fetch_lwip ;;
*) usage ;;
esac
