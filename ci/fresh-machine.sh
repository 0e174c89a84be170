#!/usr/bin/env bash
# The README's two commands as a new machine sees them: a fresh clone of this repository's HEAD, a HOME of its
# own (so empty cargo, Go, pip and msgpact caches), no ../shared next to it, no nats-server, podman or docker,
# no Docker API, CI unset. Then `cargo run -- verify` and `cargo test --workspace`, each timed, and the tests
# skipped (only container-backend tests may be) counted from the markers tests/common writes.
#
#   bash ci/fresh-machine.sh                 # both commands (what .ci/run does)
#   bash ci/fresh-machine.sh --verify-only   # only `cargo run -- verify`, cold then warm (docs/benchmarks.md)
#   FRESH_KEEP=1 bash ci/fresh-machine.sh    # keep the temporary directory for a look afterwards
#
# Hiding installed programs takes more than PATH (msgpact and the tests also look in /usr/sbin and at the
# Podman socket), so this needs root: `unshare -m` gives the commands a mount namespace of their own, where
# /dev/null is bind-mounted over every nats-server, podman and docker and an empty directory over /run/podman;
# the rest of the machine is untouched. Toolchains stay (RUSTUP_HOME, the Go root, pyenv), caches do not.
set -euo pipefail

mode=both
[ "${1:-}" = "--verify-only" ] && mode=verify
repo=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "ci/fresh-machine.sh: needs root (unshare -m, bind mounts)" >&2; exit 2; }
command -v unshare >/dev/null || { echo "ci/fresh-machine.sh: unshare (util-linux) is missing" >&2; exit 2; }

work=$(mktemp -d /tmp/msgpact-fresh.XXXXXX)
cleanup() { if [ -z "${FRESH_KEEP:-}" ]; then rm -rf "$work"; else echo "fresh machine kept in $work" >&2; fi; }
trap cleanup EXIT
git clone -q "$repo" "$work/msgpact"
mkdir -p "$work/home" "$work/empty"
[ ! -e "$work/shared" ] || { echo "unexpected $work/shared" >&2; exit 2; }

# Every installed nats-server, podman and docker: on PATH and in the places msgpact looks outside PATH.
hide=()
for tool in nats-server podman docker; do
    for p in $(type -ap "$tool" 2>/dev/null) /usr/sbin/$tool /usr/local/sbin/$tool /usr/local/bin/$tool /usr/bin/$tool; do
        [ -e "$p" ] && hide+=("$(readlink -f "$p")")
    done
done
mapfile -t hide < <(printf '%s\n' "${hide[@]}" | sort -u)

# What a developer's machine keeps: toolchains and this machine's package-index settings. Not kept: caches.
keep_env=(PATH="$PATH" HOME="$work/home" LANG="${LANG:-C.UTF-8}" TERM=dumb
          RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" USER="${USER:-root}")
[ -d "${PYENV_ROOT:-$HOME/.pyenv}" ] && keep_env+=(PYENV_ROOT="${PYENV_ROOT:-$HOME/.pyenv}")
while IFS='=' read -r name _; do
    case "$name" in PIP_*|http_proxy|https_proxy|no_proxy|HTTP_PROXY|HTTPS_PROXY|NO_PROXY|SSL_CERT_FILE|SSL_CERT_DIR)
        keep_env+=("$name=${!name}");; esac
done < <(env)

cat > "$work/inside.sh" <<'EOF'
set -uo pipefail
cd "$1"; mode="$2"
echo "== fresh machine: $(pwd); HOME=$HOME; CI=${CI:-unset}"
for t in nats-server podman docker; do
    if p=$(command -v "$t") && [ -x "$p" ] && [ -f "$p" ]; then echo "FAILED to hide $t ($p)" >&2; exit 2; fi
done
[ ! -S /run/podman/podman.sock ] || { echo "FAILED to hide the Podman socket" >&2; exit 2; }
[ ! -d ../shared ] || { echo "../shared exists" >&2; exit 2; }
echo "== load before: $(uptime)"
# CPU time (user + sys, children included) does not depend on what else the machine runs: half of it is
# what the wall time would be on an idle 2-core machine if every step kept both cores busy.
timed=()
[ -x /usr/bin/time ] && timed=(/usr/bin/time -f "== fresh machine: cpu of \`cargo run -- verify\`: %U s user + %S s sys")
t0=$(date +%s.%N)
"${timed[@]}" cargo run -- verify
status=$?
t1=$(date +%s.%N)
echo "== fresh machine: \`cargo run -- verify\` exit $status in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s", b - a }')"
echo "== load after: $(uptime)"
[ "$status" -eq 0 ] || exit "$status"
if [ "$mode" = verify ]; then
    t0=$(date +%s.%N)
    cargo run -q -- verify >/dev/null 2>&1
    status=$?
    t1=$(date +%s.%N)
    echo "== fresh machine: the second \`cargo run -- verify\` (warm) exit $status in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f s", b - a }')"
    exit "$status"
fi
t0=$(date +%s.%N)
cargo test --workspace
status=$?
t1=$(date +%s.%N)
echo "== fresh machine: \`cargo test --workspace\` exit $status in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s", b - a }')"
exit "$status"
EOF

mounts=""
for p in "${hide[@]}"; do mounts+="mount --bind /dev/null '$p' && "; done
[ -d /run/podman ] && mounts+="mount --bind '$work/empty' /run/podman && "
echo "== fresh machine in $work (hiding: ${hide[*]:-nothing}${mounts:+, /run/podman})"
set +e
unshare -m -- bash -c "${mounts} exec env -i ${keep_env[*]@Q} bash '$work/inside.sh' '$work/msgpact' '$mode'"
status=$?
set -e

# Skips: tests/common writes one marker per skipped test under target/tmp/msgpact-test-skips/<run>/.
if [ "$mode" = both ]; then
    markers=$(find "$work/msgpact/target/tmp/msgpact-test-skips" -type f 2>/dev/null | sort || true)
    count=$(printf '%s' "$markers" | grep -c . || true)
    echo "== fresh machine: $count test(s) skipped"
    if [ "$count" -gt 0 ]; then
        cut -f2 $markers | sort | uniq -c | sed 's/^/   /'
        if cut -f2 $markers | grep -v '^container backend: ' >/dev/null; then
            echo "FAILED: a test other than the container backend's skipped (only those may)" >&2
            status=1
        fi
    fi
fi
exit "$status"
