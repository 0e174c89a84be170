//! The build record: reused only while what it produced is still there, rebuilt otherwise.
use super::*;

fn manifest(dir: &Path, text: &str) -> Manifest {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("peer.toml"), text).unwrap();
    Manifest::load(&dir.join("peer.toml")).unwrap()
}

/// A peer whose build appends to `{cache}/count` and writes `{cache}/out/peer`, the program it runs.
fn counting_peer(t: &Path) -> Manifest {
    let dir = t.join("p");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("src.txt"), "v1").unwrap();
    manifest(
        &dir,
        "name = \"p\"\n[build]\ncommands = [[\"sh\", \"-c\", \"echo built >> {cache}/count; mkdir -p {cache}/out; cp src.txt {cache}/out/peer\"]]\ninputs = [\"src.txt\"]\n[run]\ncommand = [\"{cache}/out/peer\"]\n",
    )
}

fn builds(cache: &Path) -> usize {
    std::fs::read_to_string(cache.join("count")).map_or(0, |s| s.lines().count())
}

#[test]
fn builds_once_then_caches_until_an_input_changes() {
    let t = tempfile::tempdir().unwrap();
    let m = counting_peer(t.path());
    let cache = t.path().join("cache");
    assert!(!build(&m, t.path(), &cache, &Progress::off()).unwrap().cached);
    assert!(build(&m, t.path(), &cache, &Progress::off()).unwrap().cached);
    std::fs::write(m.dir.join("src.txt"), "v2").unwrap();
    assert!(!build(&m, t.path(), &cache, &Progress::off()).unwrap().cached);
    assert_eq!(builds(&cache), 2);
}

/// The bug of issue 11: a build recorded as done was trusted after what it built was deleted (`cargo
/// clean`, a deleted venv), and the peer then failed to start.
#[test]
fn a_cached_build_whose_output_is_gone_is_rebuilt() {
    let t = tempfile::tempdir().unwrap();
    let m = counting_peer(t.path());
    let cache = t.path().join("cache");
    let (progress, mut rx) = Progress::channel();
    let first = build(&m, t.path(), &cache, &progress).unwrap();
    assert_eq!(first.outputs, [cache.join("out/peer")], "the run program is an output");
    std::fs::remove_dir_all(cache.join("out")).unwrap();
    let again = build(&m, t.path(), &cache, &progress).unwrap();
    assert!(!again.cached, "the program is gone: build again");
    assert!(cache.join("out/peer").is_file());
    assert_eq!(builds(&cache), 2);
    drop(progress);
    let starts: Vec<String> = std::iter::from_fn(|| rx.try_recv().ok())
        .filter_map(|u| if let crate::progress::Update::Started { detail, .. } = u { Some(detail) } else { None })
        .collect();
    assert_eq!(starts[0], "no earlier build");
    assert_eq!(starts[1], format!("{} is gone since the last build", cache.join("out/peer").display()));
}

#[test]
fn an_output_replaced_since_the_build_is_rebuilt() {
    let t = tempfile::tempdir().unwrap();
    let m = counting_peer(t.path());
    let cache = t.path().join("cache");
    build(&m, t.path(), &cache, &Progress::off()).unwrap();
    std::fs::write(cache.join("out/peer"), "something else entirely").unwrap();
    assert!(!build(&m, t.path(), &cache, &Progress::off()).unwrap().cached);
    assert_eq!(std::fs::read_to_string(cache.join("out/peer")).unwrap(), "v1");
}

#[test]
fn declared_outputs_are_checked_and_a_build_that_does_not_make_them_fails() {
    let t = tempfile::tempdir().unwrap();
    let m = manifest(
        &t.path().join("p"),
        "name = \"p\"\n[build]\ncommands = [[\"sh\", \"-c\", \"touch {cache}/a\"]]\noutputs = [\"{cache}/a\", \"{cache}/b\"]\n[run]\ncommand = [\"true\"]\n",
    );
    let cache = t.path().join("cache");
    let e = build(&m, t.path(), &cache, &Progress::off()).err().expect("b is never made");
    assert!(e.message.contains(&format!("{} is not there", cache.join("b").display())), "{}", e.message);
    assert!(!cache.join(RECORD).exists(), "no record of a build that failed");
}

#[test]
fn a_failed_build_says_which_command_and_shows_its_output() {
    let t = tempfile::tempdir().unwrap();
    let m = manifest(
        t.path(),
        "name = \"p\"\n[build]\ncommands = [[\"sh\", \"-c\", \"echo boom >&2; exit 3\"]]\n[run]\ncommand = [\"true\"]\n",
    );
    let e = build(&m, t.path(), &t.path().join("c"), &Progress::off()).err().unwrap();
    assert!(e.message.contains("exit status: 3"), "{}", e.message);
    assert!(e.log_tail.contains("boom"));
    assert!(!t.path().join("c").join(RECORD).exists());
}

#[test]
fn bins_are_expanded_and_an_unknown_one_is_named() {
    let bins = BTreeMap::from([("peer".to_string(), PathBuf::from("/t/debug/peer"))]);
    assert_eq!(expand_bins("{bin:peer}", &bins).unwrap(), "/t/debug/peer");
    assert_eq!(expand_bins("x={bin:peer};y", &bins).unwrap(), "x=/t/debug/peer;y");
    assert_eq!(expand_bins("plain", &bins).unwrap(), "plain");
    assert_eq!(expand_bins("{bin:other}", &bins).unwrap_err(), crate::peer::PeerError::UnknownBin("other".into()));
}

/// A tiny cargo project whose `.cargo/config.toml` moves its target directory: the build record holds the
/// executable where cargo put it, a `cargo clean` makes the next build run again, and the executable runs.
#[test]
fn cargo_reports_its_executable_wherever_the_target_dir_is_and_cargo_clean_forces_a_rebuild() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("tiny");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join(".cargo")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"tiny\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/main.rs"), "fn main() { println!(\"tiny ok\"); }\n").unwrap();
    let elsewhere = t.path().join("elsewhere");
    std::fs::write(dir.join(".cargo/config.toml"), format!("[build]\ntarget-dir = \"{}\"\n", elsewhere.display()))
        .unwrap();
    // The environment of `cargo test` may set a target dir of its own; this build must follow the config.
    let cargo = "[\"env\", \"-u\", \"CARGO_TARGET_DIR\", \"-u\", \"CARGO_BUILD_TARGET_DIR\", \"cargo\", \"build\", \"--quiet\", \"--offline\", \"--message-format=json-render-diagnostics\", \"--profile\", \"{cargo_profile}\"]";
    let m = manifest(
        &dir,
        &format!(
            "name = \"tiny\"\n[build]\ncommands = [{cargo}]\ninputs = [\"src\"]\n[run]\ncommand = [\"{{bin:tiny}}\"]\n"
        ),
    );
    let cache = t.path().join("cache");
    let built =
        build(&m, t.path(), &cache, &Progress::off()).unwrap_or_else(|e| panic!("{}\n{}", e.message, e.log_tail));
    let exe = built.bins.get("tiny").expect("cargo named the executable").clone();
    let profile_dir = if cfg!(debug_assertions) { "debug" } else { "release" };
    assert_eq!(exe, elsewhere.join(profile_dir).join("tiny"));
    assert!(built.outputs.contains(&exe));
    let run = std::process::Command::new(expand_bins(&m.run.command[0], &built.bins).unwrap()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), "tiny ok\n");
    let cached = build(&m, t.path(), &cache, &Progress::off()).unwrap();
    assert!(cached.cached);
    assert_eq!(cached.bins, built.bins, "a cached build still knows where its executable is");

    let clean = std::process::Command::new("cargo")
        .args(["clean", "--quiet", "--target-dir"])
        .arg(&elsewhere)
        .current_dir(&dir)
        .status()
        .unwrap();
    assert!(clean.success());
    assert!(!exe.exists());
    let rebuilt = build(&m, t.path(), &cache, &Progress::off()).unwrap();
    assert!(!rebuilt.cached, "after cargo clean the build runs again");
    assert!(exe.is_file());
}

/// The bug found measuring the cold start: run from `cargo run`, msgpact passed CARGO_PKG_NAME and friends to
/// the peer's `cargo build`, whose ring build script took that for a changed environment, so ring, rustls and
/// async-nats were compiled again for the peer (and back again by the next `cargo build`).
#[test]
fn a_build_does_not_see_the_variables_cargo_run_sets_for_msgpact() {
    let t = tempfile::tempdir().unwrap();
    let m = manifest(
        &t.path().join("p"),
        "name = \"p\"\n[build]\ncommands = [[\"sh\", \"-c\", \"env > {cache}/env\"]]\noutputs = [\"{cache}/env\"]\n[run]\ncommand = [\"true\"]\n",
    );
    let cache = t.path().join("cache");
    build(&m, t.path(), &cache, &Progress::off()).unwrap();
    let env = std::fs::read_to_string(cache.join("env")).unwrap();
    // `cargo test` sets these for this test binary, as `cargo run` does for msgpact.
    assert!(std::env::var_os("CARGO_PKG_NAME").is_some() && std::env::var_os("CARGO_MANIFEST_DIR").is_some());
    for line in env.lines() {
        let name = line.split('=').next().unwrap();
        assert!(!is_cargo_run_env(name), "the build saw {line}");
    }
    assert!(env.lines().any(|l| l.starts_with("PATH=")), "everything else is passed on");
}
