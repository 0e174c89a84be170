#!/usr/bin/env bash
# Foundation benchmarks (docs/benchmarks.md): golden generation for 1,000 synthetic message types against
# plain rmpv encoding of the same values, and `msgpact golden --check` process CPU time against baselines.
# Release builds (the bench profile); run from anywhere. Figures are ratios against baselines measured in
# the same run, never timed assertions.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== machine"
echo "nproc: $(nproc)"
grep -m1 'model name' /proc/cpuinfo | sed 's/^model name\s*:\s*/cpu: /'
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
rustc --version

echo "== golden generation (criterion)"
cargo bench --bench golden_generate -- --noplot 2>&1 | grep -Ev '^\s*$|Benchmarking .*: (Warming|Collecting|Analyzing)'

python3 - <<'PY'
import glob, json, os
base = "target/criterion/golden_1000_types"
def mean_ns(name):
    (path,) = glob.glob(f"{base}/{name}/*/new/estimates.json")
    n = int(os.path.basename(os.path.dirname(os.path.dirname(path))))
    e = json.load(open(path))
    est = e.get("slope") or e["mean"]  # the figure criterion prints (slope with linear sampling)
    return n, est["point_estimate"], est["confidence_interval"]
rows = {k: mean_ns(k) for k in ["msgpact_generate", "rmpv_encode", "msgpact_expected"]}
for k, (n, ns, ci) in rows.items():
    print(f"{k:<18} {n} vectors in {ns/1e6:9.1f} ms  ->  {n/(ns/1e9):>12,.0f} vectors/s/core  "
          f"(95% CI {n/(ci['upper_bound']/1e9):,.0f} .. {n/(ci['lower_bound']/1e9):,.0f})")
g, r = rows["msgpact_generate"][1], rows["rmpv_encode"][1]
print(f"ratio msgpact_generate / rmpv_encode throughput: {r/g:.3f} (rmpv is {g/r:.1f}x faster: it only encodes)")
v = rows["msgpact_generate"][0] / (g / 1e9)
print(f"target >= 100,000 vectors/s/core: {'met' if v >= 100_000 else 'NOT met'} ({v:,.0f})")
PY

echo "== golden --check process time"
cargo bench --bench golden_check

# Verify benchmarks (docs/benchmarks.md, the sections after "Foundation"): per-exchange overhead of
# `msgpact verify` against a raw async-nats request/reply loop (1,000 vectors, Rust peer), NATS start per
# backend, the CLI with all three peers warm, and one cold first run. benches/verify.rs says how each is
# measured. BENCH_VERIFY=exchange,nats,peers,cold picks sections (all by default; `cold` rebuilds the Rust
# peer from scratch in a copy of the repository: minutes on 2 cores); RUNS, NATS_RUNS, CLI_RUNS set the
# repetitions.
echo "== verify benchmarks"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
# The container backend needs Podman's Docker API and the local NATS image (idempotent).
if env_lines=$(bash ci/setup-nats.sh); then
    eval "$env_lines"
else
    echo "ci/setup-nats.sh failed: the container backend will be reported as unavailable"
fi
echo "nats-server on PATH: $(nats-server --version 2>/dev/null || echo none); go: $(go version 2>/dev/null || echo none); python: $(python3 --version 2>&1)"
# The Rust reference peer, which the raw loop starts itself (verify builds it too, but only when its inputs change).
cargo build --quiet --release -p msgpact-reference-peer --bin msgpact-peer-rust
cargo bench --bench verify
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== fuzz throughput (three reference peers, against a raw request/reply loop)"
cargo bench --bench fuzz
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
