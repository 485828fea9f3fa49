#!/usr/bin/env bash
# A Debian chroot per QGIS version of the test matrix, built with debootstrap from this machine's own
# Debian mirror and kept between runs (rebuilt only when missing), and the repo's `make test` run inside.
#
#   scripts/matrix_chroot.sh build SUITE          debootstrap + QGIS + the repo's apt packages (idempotent)
#   scripts/matrix_chroot.sh run SUITE CMD...     run CMD in the repo inside the chroot (e.g. make test)
#   scripts/matrix_chroot.sh path SUITE           print where the chroot lives
#
# SUITE is a Debian suite name: trixie (QGIS 3.40) or sid (QGIS 3.44 at the time of writing).
# The chroots live in $GIMPO_CHROOT_CACHE (default /var/cache/gimpo-chroots, ~3-5 GB each): the machine
# keeps that folder between CI runs, the repo does not carry it. Needs root (debootstrap, mount, chroot).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${GIMPO_CHROOT_CACHE:-/var/cache/gimpo-chroots}"
# Inside the chroot the venv is the chroot's own (its Python is not the host's); it stays in the cache.
CHROOT_VENV=/opt/gimpo-venv
# What a fresh Debian machine needs before `make test` (which installs the rest through scripts/setup.sh).
BASE_PACKAGES=ca-certificates,make,git,sudo,locales,procps,tzdata

say() { printf '\033[1m[matrix %s]\033[0m %s\n' "${SUITE:-}" "$*" >&2; }
die() {
    say "error: $*"
    exit 1
}

debian_mirror() {
    # The first non-security Debian archive this machine's apt is configured with (deb822 or one-line).
    local uri
    uri="$(awk '
        /^[[:space:]]*URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }
    ' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)"
    if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
        uri="$(awk '$1 == "deb" && $0 !~ /security/ {
            for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file|ftp):/) { print $i; exit } }' /etc/apt/sources.list)"
    fi
    echo "${uri:-http://deb.debian.org/debian}"
}

chroot_dir() { echo "$CACHE/$1"; }

lock_chroot() {
    # One build or run per chroot at a time: a second one would unmount the first one's /proc, /tmp ...
    mkdir -p "$CACHE"
    exec 9> "$CACHE/$1.lock"
    if ! flock -n 9; then
        say "waiting for another build or run in the $1 chroot"
        flock 9
    fi
}

mounted() { mountpoint -q "$1" 2>/dev/null; }

bind() {
    # bind SOURCE TARGET [ro]: a bind mount, created only once (a second `run` beside a first one).
    local source="$1" target="$2"
    [ -d "$source" ] || [ -f "$source" ] || return 0
    if [ -d "$source" ]; then mkdir -p "$target"; else mkdir -p "$(dirname "$target")" && touch "$target"; fi
    if ! mounted "$target"; then
        mount --bind "$source" "$target"
        if [ "${3:-}" = ro ]; then mount -o remount,bind,ro "$target"; fi
        MOUNTED+=("$target")
    fi
}

unmount_all() {
    local i
    for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
        umount "${MOUNTED[$i]}" 2>/dev/null || umount -l "${MOUNTED[$i]}" 2>/dev/null || true
    done
    MOUNTED=()
}

MOUNTED=()
trap unmount_all EXIT

mount_system() {
    local dir="$1"
    bind /proc "$dir/proc"
    bind /sys "$dir/sys" ro
    bind /dev "$dir/dev"
    bind /dev/pts "$dir/dev/pts"
    bind /dev/shm "$dir/dev/shm"
    bind /tmp "$dir/tmp"
    cp -L /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
}

trust_machine_certificates() {
    # The machine's own certificate authorities (e.g. a TLS-inspecting egress proxy's), so that pip and
    # apt inside reach what the host reaches; refreshed on every use (cheap).
    local dir="$1" local_cas=/usr/local/share/ca-certificates
    [ -d "$local_cas" ] || return 0
    if ! diff -rq "$local_cas" "$dir$local_cas" > /dev/null 2>&1; then
        rm -rf "${dir:?}$local_cas"
        cp -a "$local_cas" "$dir$local_cas"
        [ -x "$dir/usr/sbin/update-ca-certificates" ] && in_chroot "$dir" update-ca-certificates > /dev/null
    fi
}

in_chroot() {
    # A clean environment (nothing of the host's venv or QGIS profile), plus the machine's network and
    # pip settings (proxy, certificate bundle, index) and any GIMPO_* switch.
    local dir="$1"
    shift
    local keep=() name
    while IFS= read -r name; do
        keep+=("$name=${!name}")
    done < <(compgen -e | grep -E '^(PIP_[A-Z_]+|SSL_CERT_(FILE|DIR)|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY|TERM)$')
    env -i "${keep[@]}" LC_ALL=C.UTF-8 LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive HOME=/root \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        chroot "$dir" "$@" 9>&-
}

build() {
    SUITE="$1"
    [ "${LOCKED:-}" = "$SUITE" ] || lock_chroot "$SUITE"
    LOCKED="$SUITE"
    local started=$SECONDS
    local dir
    dir="$(chroot_dir "$SUITE")"
    if [ -f "$dir/.gimpo-base-ready" ]; then
        say "base system cached in $dir"
    else
        command -v debootstrap > /dev/null || die "debootstrap is missing (apt-get install debootstrap)"
        local mirror
        # GIMPO_CHROOT_MIRROR pins another archive, e.g. a snapshot.debian.org date for a sid that must
        # not move (sid's QGIS is whatever sid ships on the day the chroot is built).
        mirror="${GIMPO_CHROOT_MIRROR:-$(debian_mirror)}"
        say "debootstrap $SUITE from $mirror into $dir (network and disk: several minutes)"
        rm -rf "$dir.partial"
        mkdir -p "$CACHE"
        debootstrap --variant=minbase --include="$BASE_PACKAGES" --components=main \
            "$SUITE" "$dir.partial" "$mirror"
        rm -rf "$dir"
        mv "$dir.partial" "$dir"
        # apt inside the chroot uses the same mirror; no recommends (the repo's list names what it needs).
        echo "deb $mirror $SUITE main" > "$dir/etc/apt/sources.list"
        printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
            > "$dir/etc/apt/apt.conf.d/90gimpo-no-recommends"
        # sid's Release file is valid for a week only: a snapshot mirror (or a clock ahead of the
        # mirror) would refuse it; the signature is still checked.
        echo 'Acquire::Check-Valid-Until "false";' > "$dir/etc/apt/apt.conf.d/90gimpo-valid-until"
        echo "$SUITE" > "$dir/etc/hostname"
        # Package scripts must not start services (PostgreSQL's main cluster, ...) in a chroot that shares
        # the host's network: the tests start their own server.
        printf '#!/bin/sh\n# gimpo matrix chroot: never start services\nexit 101\n' > "$dir/usr/sbin/policy-rc.d"
        chmod +x "$dir/usr/sbin/policy-rc.d"
        mkdir -p "$dir/etc/postgresql-common/createcluster.d"
        echo "create_main_cluster = false" > "$dir/etc/postgresql-common/createcluster.d/gimpo.conf"
        touch "$dir/.gimpo-base-ready"
    fi
    # The repo's own apt packages (the same step `make test` runs; nothing to do when all are there).
    mount_system "$dir"
    trust_machine_certificates "$dir"
    bind "$ROOT" "$dir$ROOT"
    in_chroot "$dir" bash "$ROOT/scripts/setup.sh" --apt-only
    unmount_all
    touch "$dir/.gimpo-ready"
    say "ready: $dir ($(du -sh --one-file-system "$dir" 2> /dev/null | cut -f1), $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s)"
}

git_common_dir() {
    # A git worktree's .git is a file pointing into the main clone: bind that too so git works inside.
    git -C "$ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true
}

run() {
    SUITE="$1"
    shift
    lock_chroot "$SUITE"
    LOCKED="$SUITE"
    local dir
    dir="$(chroot_dir "$SUITE")"
    [ -f "$dir/.gimpo-ready" ] || build "$SUITE"
    mount_system "$dir"
    trust_machine_certificates "$dir"
    bind "$ROOT" "$dir$ROOT"
    local common
    common="$(git_common_dir)"
    if [ -n "$common" ] && [ "${common#"$ROOT"/}" = "$common" ]; then bind "$common" "$dir$common" ro; fi
    local shared="${GIMPO_SHARED_DATA:-$ROOT/../shared/data}"
    local env_shared=() name
    for name in GIMPO_FINGERPRINT_DIR GIMPO_MATRIX_LEG; do  # the matrix's switches (scripts/matrix.sh)
        if [ -n "${!name:-}" ]; then env_shared+=("$name=${!name}"); fi
    done
    if [ -d "$shared" ]; then
        shared="$(cd "$shared" && pwd)"
        bind "$shared" "$dir$shared" ro
        env_shared+=(GIMPO_SHARED_DATA="$shared")
    fi
    # Everything version-specific stays in the chroot or in a build folder of its own: the venv, the
    # staged plugin and the QGIS profile (a 3.40 profile must not be the one the host's 3.22 reads).
    in_chroot "$dir" env "${env_shared[@]}" VENV="$CHROOT_VENV" GIMPO_BUILD="$ROOT/build/chroot-$SUITE" \
        bash -c 'cd "$1" && shift && exec "$@"' -- "$ROOT" "$@"
}

main() {
    if [ "$(id -u)" != 0 ] && [ "${1:-}" != path ]; then
        die "needs root (debootstrap, mount --bind, chroot): run it as root or with sudo"
    fi
    case "${1:-}" in
        build) build "${2:?suite}" ;;
        run) run "${2:?suite}" "${@:3}" ;;
        path) chroot_dir "${2:?suite}" ;;
        *) die "usage: $0 build|run|path SUITE [CMD...]" ;;
    esac
}

# One function, read whole before it runs: editing this file during a run cannot break the run.
main "$@"; exit $?
