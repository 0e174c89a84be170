//! `msgpact golden --check` on the example contracts: the process's own CPU time (user + sys, from
//! `getrusage(RUSAGE_CHILDREN)`), with baselines measured in the same run (docs/benchmarks.md,
//! "Foundation"). Target: under 50 ms.
//!
//! The binary is the one cargo builds for this bench (`CARGO_BIN_EXE_msgpact`, bench profile = release).
//! Baselines: `msgpact --version` (process start-up, no work) and `cat` of every golden file (reading the
//! same 644 files, no work). Run: `cargo bench --bench golden_check` (or `ci/bench.sh`); `RUNS=N` changes
//! the number of runs (default 20).
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

fn children_cpu() -> f64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    assert_eq!(rc, 0, "getrusage failed");
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    t(ru.ru_utime) + t(ru.ru_stime)
}

struct Stats {
    name: String,
    cpu_ms: Vec<f64>,
    wall_ms: Vec<f64>,
}

impl Stats {
    fn median(v: &[f64]) -> f64 {
        let mut s = v.to_vec();
        s.sort_by(f64::total_cmp);
        let n = s.len();
        if n % 2 == 1 {
            s[n / 2]
        } else {
            (s[n / 2 - 1] + s[n / 2]) / 2.0
        }
    }
    fn mean(v: &[f64]) -> f64 {
        v.iter().sum::<f64>() / v.len() as f64
    }
    fn max(v: &[f64]) -> f64 {
        v.iter().copied().fold(f64::MIN, f64::max)
    }
}

/// Runs `cmd` `runs` times (after one warm-up run) and records each run's CPU and wall time.
fn measure(name: &str, runs: usize, mut cmd: impl FnMut() -> Command, expect_ok: bool) -> Stats {
    let mut stats = Stats { name: name.to_string(), cpu_ms: Vec::new(), wall_ms: Vec::new() };
    for i in 0..=runs {
        let mut c = cmd();
        c.stdout(Stdio::null()).stderr(Stdio::piped());
        let before = children_cpu();
        let start = Instant::now();
        let out = c.output().expect("spawn");
        let wall = start.elapsed().as_secs_f64() * 1e3;
        let cpu = (children_cpu() - before) * 1e3;
        if expect_ok {
            assert!(out.status.success(), "{name} failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        if i > 0 {
            stats.cpu_ms.push(cpu);
            stats.wall_ms.push(wall);
        }
    }
    stats
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument that excludes us means: do nothing.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    if !args.is_empty() && !args.iter().any(|a| "golden_check".contains(a.as_str())) {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = env!("CARGO_BIN_EXE_msgpact");
    let runs: usize = std::env::var("RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(20);
    let golden_files: Vec<String> = {
        let mut v = Vec::new();
        let mut stack = vec![root.join("golden")];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).expect("read golden/") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    v.push(p.to_string_lossy().into_owned());
                }
            }
        }
        v.sort();
        v
    };

    let check = measure(
        "msgpact golden --check",
        runs,
        || {
            let mut c = Command::new(bin);
            c.args(["golden", "--check"]).current_dir(root);
            c
        },
        true,
    );
    let version = measure(
        "msgpact --version",
        runs,
        || {
            let mut c = Command::new(bin);
            c.arg("--version").current_dir(root);
            c
        },
        true,
    );
    let cat = measure(
        &format!("cat of the {} golden files", golden_files.len()),
        runs,
        || {
            let mut c = Command::new("cat");
            c.args(&golden_files).current_dir(root);
            c
        },
        true,
    );
    let lint = measure(
        "msgpact lint",
        runs,
        || {
            let mut c = Command::new(bin);
            c.arg("lint").current_dir(root);
            c
        },
        true,
    );

    println!("golden_check: {runs} runs each after one warm-up, CPU = user + sys of the process (getrusage)");
    println!("{:<34} {:>12} {:>12} {:>12} {:>12}", "command", "cpu median", "cpu mean", "cpu max", "wall median");
    for s in [&check, &lint, &version, &cat] {
        println!(
            "{:<34} {:>9.2} ms {:>9.2} ms {:>9.2} ms {:>9.2} ms",
            s.name,
            Stats::median(&s.cpu_ms),
            Stats::mean(&s.cpu_ms),
            Stats::max(&s.cpu_ms),
            Stats::median(&s.wall_ms)
        );
    }
    let m = Stats::median(&check.cpu_ms);
    println!(
        "golden --check / --version: {:.1}x; golden --check / cat: {:.1}x; target < 50 ms: {}",
        m / Stats::median(&version.cpu_ms).max(0.001),
        m / Stats::median(&cat.cpu_ms).max(0.001),
        if m < 50.0 { "met" } else { "NOT met" }
    );
}
