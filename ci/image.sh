#!/usr/bin/env bash
# Builds the msgpact container image (Containerfile at the repository's root) from binaries built outside,
# so that building it costs seconds, not a Rust build inside a container (and needs no registry: FROM scratch
# is the default base).
#
#   bash ci/image.sh                       # target/release/msgpact (else target/debug/msgpact), nats-server from PATH
#
# Overridable: MSGPACT_BINARY, NATS_SERVER_BINARY (default: PATH, /usr/sbin, then the one msgpact built into
# ~/.cache/msgpact), MSGPACT_IMAGE (the tag; default localhost/msgpact:VERSION), MSGPACT_IMAGE_BASE (default
# scratch), CONTAINER_ENGINE (default podman, else docker).
# Prints the image's tag on stdout; progress on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[image] %s\n' "$*" >&2; }
die() { printf '[image] FAILED: %s\n' "$*" >&2; exit 1; }

VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
IMAGE="${MSGPACT_IMAGE:-localhost/msgpact:$VERSION}"
BASE="${MSGPACT_IMAGE_BASE:-scratch}"
ENGINE="${CONTAINER_ENGINE:-$(command -v podman >/dev/null 2>&1 && echo podman || echo docker)}"
command -v "$ENGINE" >/dev/null 2>&1 || die "neither podman nor docker found (CONTAINER_ENGINE names another)"

MSGPACT="${MSGPACT_BINARY:-}"
if [ -z "$MSGPACT" ]; then
    for b in target/release/msgpact target/debug/msgpact; do
        if [ -x "$b" ]; then MSGPACT="$b"; break; fi
    done
fi
[ -n "$MSGPACT" ] && [ -x "$MSGPACT" ] || die "no msgpact binary: run \`cargo build --release\` first, or set MSGPACT_BINARY"

NATS="${NATS_SERVER_BINARY:-}"
if [ -z "$NATS" ]; then
    NATS=$(command -v nats-server 2>/dev/null || true)
    [ -n "$NATS" ] || { [ -x /usr/sbin/nats-server ] && NATS=/usr/sbin/nats-server; } || true
    if [ -z "$NATS" ]; then
        NATS=$(ls -1 "${XDG_CACHE_HOME:-$HOME/.cache}"/msgpact/nats-server/*/bin/nats-server 2>/dev/null | tail -1 || true)
    fi
fi
[ -n "$NATS" ] && [ -x "$NATS" ] || die "no nats-server: install it, let \`msgpact verify\` build one, or set NATS_SERVER_BINARY"

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/rootfs/usr/local/bin" "$ctx/rootfs/tmp" "$ctx/rootfs/root"
chmod 1777 "$ctx/rootfs/tmp"

# Debug information is most of a debug build's size, and of no use in a CI image.
put() {
    local src="$1" dest="$2"
    if command -v strip >/dev/null 2>&1 && strip -o "$dest" "$src" 2>/dev/null; then :; else cp "$src" "$dest"; fi
    chmod 755 "$dest"
}
put "$MSGPACT" "$ctx/rootfs/usr/local/bin/msgpact"
put "$NATS" "$ctx/rootfs/usr/local/bin/nats-server"

if [ "$BASE" = scratch ]; then
    # Nothing in the image but these: the shared libraries the binaries load (and the loader), where ldd
    # found them. A static binary has none.
    for bin in "$ctx/rootfs/usr/local/bin/msgpact" "$ctx/rootfs/usr/local/bin/nats-server"; do
        ldd "$bin" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
            mkdir -p "$ctx/rootfs$(dirname "$lib")"
            cp -L "$lib" "$ctx/rootfs$lib"
        done
    done
fi

cp Containerfile "$ctx/Containerfile"
log "building $IMAGE FROM $BASE with $ENGINE: msgpact $("$MSGPACT" --version | cut -d' ' -f2-), $("$NATS" --version 2>&1 | head -1)"
"$ENGINE" build --quiet --build-arg "BASE=$BASE" -t "$IMAGE" -f "$ctx/Containerfile" "$ctx" >&2
log "built $IMAGE ($(du -sh "$ctx/rootfs" | cut -f1) of files)"
echo "$IMAGE"
