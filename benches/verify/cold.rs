//! Section `cold`: one verify in a fresh copy of the repository, with fresh caches.
use super::*;

// section 4: a cold first run

pub(crate) fn bench_cold(work: &Path) -> Json {
    println!("\n== cold first run: msgpact verify in a fresh copy of the repository (no target/), fresh MSGPACT_CACHE_DIR and GOCACHE");
    let cold = work.join("cold");
    let _ = std::fs::remove_dir_all(&cold);
    let repo = cold.join("repo");
    let files = Command::new("git")
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .current_dir(root())
        .output()
        .expect("git ls-files");
    let mut n = 0;
    for f in files.stdout.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let rel = Path::new(std::str::from_utf8(f).unwrap());
        let (src, dst) = (root().join(rel), repo.join(rel));
        if src.is_file() {
            std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
            std::fs::copy(&src, &dst).unwrap();
            n += 1;
        }
    }
    let cache = cold.join("msgpact-cache");
    let gocache = cold.join("gocache");
    println!("copied {n} files (git ls-files: tracked + untracked, not ignored) to {}", repo.display());
    println!("kept: ~/.cargo/registry (crate sources), GOMODCACHE ({}), pip's find-links wheels (PIP_FIND_LINKS), the NATS image; not kept: target/ (Rust peer build), GOCACHE (Go std + deps compile), the peers' cache (Python venv, Go binary)",
        String::from_utf8_lossy(&Command::new("go").args(["env", "GOMODCACHE"]).output().map(|o| o.stdout).unwrap_or_default()).trim());
    let envs: [(&str, &Path); 2] = [("MSGPACT_CACHE_DIR", &cache), ("GOCACHE", &gocache)];
    let first = cli_verify(&repo, &[], &envs, &cold.join("cold.json"));
    let second = cli_verify(&repo, &[], &envs, &cold.join("warm.json"));
    let mut j = json!({ "files": n });
    for (label, r) in [("cold", &first), ("second", &second)] {
        let s = &r.report["summary"];
        println!(
            "{label} run: CLI wall {:.1} s, exit {}, {} exchanges, exchanging {} s",
            r.wall, s["exit_code"], s["exchanges"], s["exchanging"]
        );
        for e in events(&r.report, "peer-built") {
            println!("  peer {} build: cached {}, {} s", e["peer"], e["cached"], e["duration"]);
        }
        for e in events(&r.report, "peer-ready") {
            println!("  peer {} ready in {} s", e["peer"], e["startup"]);
        }
        for e in events(&r.report, "nats-ready") {
            println!("  NATS {} ready in {} s", e["backend"], e["startup"]);
        }
        for e in events(&r.report, "setup-error") {
            println!("  setup error: {}: {}", e["what"], e["message"]);
        }
        j[label] = json!({
            "wall_s": r.wall,
            "summary": s.clone(),
            "built": events(&r.report, "peer-built").cloned().collect::<Vec<_>>(),
            "nats": events(&r.report, "nats-ready").cloned().collect::<Vec<_>>(),
        });
    }
    if std::env::var_os("BENCH_KEEP_COLD").is_none() {
        let _ = std::fs::remove_dir_all(&cold);
    }
    j
}
