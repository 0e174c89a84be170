#!/usr/bin/env bash
# Sets up everything msgpact's NATS provider needs on a Debian 12 machine without a Docker engine and
# without a container registry (see docs/nats.md):
#   1. the Debian packages nats-server, podman, runc (and curl), installed only when missing;
#   2. /etc/containers/containers.conf for Podman on this kind of machine (runc, cgroupfs, ulimits);
#   3. Podman's Docker-compatible API socket at /run/podman/podman.sock (started in the background);
#   4. a static nats-server built once with `go install` into a cache (Debian's binary when go is missing);
#   5. a local NATS image built FROM scratch around that binary, since nothing can be pulled.
#
# Idempotent: every step checks first and does nothing when its result is already there.
# Progress and timings go to stderr; stdout carries only `export NAME=value` lines, so use it as
#     env_lines=$(bash ci/setup-nats.sh) && eval "$env_lines"
# (two statements, so that a failure of the script stops a `set -e` caller).
#
# Overridable: MSGPACT_NATS_SERVER_VERSION (Go module version), MSGPACT_CACHE_DIR (default ~/.cache/msgpact),
# MSGPACT_PODMAN_SOCKET (default /run/podman/podman.sock), MSGPACT_NATS_IMAGE_REPO (default localhost/msgpact-nats).
set -euo pipefail

NATS_SERVER_VERSION="${MSGPACT_NATS_SERVER_VERSION:-v2.15.2}"
CACHE_DIR="${MSGPACT_CACHE_DIR:-${HOME:-/root}/.cache/msgpact}"
SOCKET="${MSGPACT_PODMAN_SOCKET:-/run/podman/podman.sock}"
IMAGE_REPO="${MSGPACT_NATS_IMAGE_REPO:-localhost/msgpact-nats}"
IMAGE="${IMAGE_REPO}:${NATS_SERVER_VERSION#v}"
BIN_DIR="${CACHE_DIR}/nats-server/${NATS_SERVER_VERSION}/bin"
SERVICE_LOG="${CACHE_DIR}/podman-service.log"

log() { printf '[setup-nats] %s\n' "$*" >&2; }
die() { printf '[setup-nats] FAILED: %s\n' "$*" >&2; exit 1; }

# step NAME FUNCTION: runs one step and prints how long it took.
step() {
    local name="$1"; shift
    local t0 t1
    t0=$(date +%s.%N)
    log "step: ${name}"
    "$@" || die "step '${name}' failed"
    t1=$(date +%s.%N)
    log "step: ${name}: done in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f s", b - a }')"
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
    local missing=()
    command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
    command -v podman >/dev/null 2>&1 || missing+=(podman)
    command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ] || missing+=(runc)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    if [ "${#missing[@]}" -eq 0 ]; then
        log "packages already present: nats-server podman runc curl"
        return 0
    fi
    log "installing: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
}

CONTAINERS_CONF='[containers]
default_ulimits = ["nofile=20000:20000", "nproc=1000:1000"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"'

write_containers_conf() {
    local conf=/etc/containers/containers.conf
    if [ -f "$conf" ] && [ "$(cat "$conf")" = "$CONTAINERS_CONF" ]; then
        log "$conf already as needed"
        return 0
    fi
    if [ -f "$conf" ]; then
        log "$conf differs: keeping the old one as $conf.msgpact-bak"
        as_root cp "$conf" "$conf.msgpact-bak"
    fi
    as_root mkdir -p /etc/containers
    printf '%s\n' "$CONTAINERS_CONF" | as_root tee "$conf.tmp.$$" >/dev/null
    as_root mv "$conf.tmp.$$" "$conf"
    log "wrote $conf"
}

socket_answers() {
    [ -S "$SOCKET" ] && [ "$(curl -s --max-time 2 --unix-socket "$SOCKET" http://d/_ping 2>/dev/null)" = "OK" ]
}

STARTED_SERVICE_PID=""
start_podman_service() {
    if socket_answers; then
        log "Podman API already answers at unix://$SOCKET"
        return 0
    fi
    as_root mkdir -p "$(dirname "$SOCKET")"
    mkdir -p "$CACHE_DIR"
    # setsid + closed stdio: the service outlives this script and keeps no pipe of the caller open.
    setsid podman system service --time=0 "unix://$SOCKET" </dev/null >"$SERVICE_LOG" 2>&1 &
    STARTED_SERVICE_PID=$!
    local i
    for i in $(seq 1 150); do
        if socket_answers; then
            log "Podman API answers at unix://$SOCKET (pid $STARTED_SERVICE_PID, log $SERVICE_LOG)"
            return 0
        fi
        if ! kill -0 "$STARTED_SERVICE_PID" 2>/dev/null; then
            cat "$SERVICE_LOG" >&2 || true
            die "podman system service exited at once (log above)"
        fi
        sleep 0.1
    done
    cat "$SERVICE_LOG" >&2 || true
    die "Podman API did not answer at unix://$SOCKET within 15 s"
}

# The nats-server binary that goes into the image: static (Go build) when go is there, else Debian's.
IMAGE_BINARY=""
IMAGE_BINARY_KIND=""
build_nats_server() {
    if [ -x "$BIN_DIR/nats-server" ]; then
        log "static nats-server ${NATS_SERVER_VERSION} cached at $BIN_DIR/nats-server"
    elif command -v go >/dev/null 2>&1; then
        mkdir -p "$BIN_DIR"
        local tmp
        tmp=$(mktemp -d "$BIN_DIR/.build.XXXXXX")
        log "building nats-server ${NATS_SERVER_VERSION} with $(go version) (about a minute the first time)"
        GOBIN="$tmp" CGO_ENABLED=0 GOFLAGS=-buildvcs=false \
            go install -trimpath -ldflags='-s -w' "github.com/nats-io/nats-server/v2@${NATS_SERVER_VERSION}" >&2 \
            || { rm -rf "$tmp"; die "go install github.com/nats-io/nats-server/v2@${NATS_SERVER_VERSION} failed"; }
        mv -f "$tmp/nats-server" "$BIN_DIR/nats-server"   # atomic: a reader sees the old file or the whole new one
        rm -rf "$tmp"
    else
        local deb
        deb=$(command -v nats-server || echo /usr/sbin/nats-server)
        [ -x "$deb" ] || die "neither go nor nats-server found"
        log "go not found: the image will use Debian's $deb with its libc"
        IMAGE_BINARY="$deb"
        IMAGE_BINARY_KIND=debian
        return 0
    fi
    IMAGE_BINARY="$BIN_DIR/nats-server"
    IMAGE_BINARY_KIND=static
    "$IMAGE_BINARY" --version >&2
}

build_image() {
    local sum
    sum=$(sha256sum "$IMAGE_BINARY" | cut -c1-64)
    if podman image exists "$IMAGE" \
        && [ "$(podman image inspect --format '{{ index .Labels "msgpact.nats-server.sha256" }}' "$IMAGE")" = "$sum" ]; then
        log "image $IMAGE is up to date"
        return 0
    fi
    local ctx
    ctx=$(mktemp -d)
    mkdir -p "$ctx/rootfs/tmp/nats"
    cp "$IMAGE_BINARY" "$ctx/rootfs/nats-server"
    if [ "$IMAGE_BINARY_KIND" = debian ]; then
        # Debian's binary is linked against glibc: bring the loader and libc along.
        mkdir -p "$ctx/rootfs/lib/x86_64-linux-gnu" "$ctx/rootfs/lib64"
        cp /lib/x86_64-linux-gnu/libc.so.6 "$ctx/rootfs/lib/x86_64-linux-gnu/"
        cp /lib64/ld-linux-x86-64.so.2 "$ctx/rootfs/lib64/"
    fi
    cat >"$ctx/Containerfile" <<EOF
FROM scratch
COPY rootfs/ /
EXPOSE 4222
LABEL msgpact.nats-server.sha256="$sum" msgpact.nats-server.version="$NATS_SERVER_VERSION"
ENTRYPOINT ["/nats-server"]
CMD ["-js", "-sd", "/tmp/nats"]
EOF
    podman build --quiet -t "$IMAGE" -f "$ctx/Containerfile" "$ctx" >&2 || { rm -rf "$ctx"; return 1; }
    rm -rf "$ctx"
    log "built image $IMAGE"
}

# Checks that the image really serves: a container starts and says "Server is ready".
smoke_test_image() {
    local name="msgpact-setup-smoke-$$"
    if ! podman run -d --rm --name "$name" "$IMAGE" >/dev/null; then
        die "podman run $IMAGE failed"
    fi
    local i ok=""
    for i in $(seq 1 100); do
        if podman logs "$name" 2>&1 | grep -q "Server is ready"; then ok=1; break; fi
        sleep 0.1
    done
    podman rm -f "$name" >/dev/null 2>&1 || true
    [ -n "$ok" ] || die "a container of $IMAGE did not print 'Server is ready' within 10 s"
    log "a container of $IMAGE started and is ready"
}

step "packages (nats-server podman runc curl)" install_packages
step "containers.conf" write_containers_conf
step "Podman API socket" start_podman_service
step "nats-server ${NATS_SERVER_VERSION} binary" build_nats_server
step "image ${IMAGE}" build_image
step "image smoke test" smoke_test_image

printf 'export DOCKER_HOST=%q\n' "unix://$SOCKET"
printf 'export MSGPACT_NATS_IMAGE=%q\n' "$IMAGE"
if [ -n "$STARTED_SERVICE_PID" ]; then
    printf 'export MSGPACT_PODMAN_SERVICE_PID=%q\n' "$STARTED_SERVICE_PID"
fi
