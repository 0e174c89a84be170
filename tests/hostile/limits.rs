//! Inputs larger than their bound, or shaped to cost time or memory: a clear error before the work.
use crate::util::*;
use std::path::Path;

fn contract(dir: &Path, text: &str) {
    write(&dir.join("contracts/p.yaml"), text);
}

#[test]
fn a_nul_byte_is_a_located_error_not_the_silent_end_of_the_contract() {
    let t = tempfile::tempdir().unwrap();
    contract(
        t.path(),
        "package: p\nversion: 1.0.0\n\0\nmessages:\n  A:\n    fields:\n      - {name: x, type: uint8}\n    examples:\n      e: {x: 1}\n",
    );
    let r = run(&["lint"], Opts { cwd: Some(t.path()), ..Default::default() });
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("contracts/p.yaml:3:1: error[E108]: a NUL byte"), "{}", r.stderr);
    assert!(!r.stderr.contains("0 messages"), "{}", r.stderr);
}

#[test]
fn huge_min_len_constraints_are_errors_before_any_memory_is_used() {
    let cases = [
        ("string", "{min_len: 18446744073709551615, max_len: 18446744073709551615}"),
        ("string", "{min_len: 4000000000}"),
        ("list<uint8>", "{min_len: 200000000}"),
        ("list<list<string>>", "{min_len: 1000000}"),
    ];
    for (ty, k) in cases {
        let t = tempfile::tempdir().unwrap();
        contract(
            t.path(),
            &format!("package: p\nversion: 1.0.0\nmessages:\n  A:\n    fields:\n      - name: s\n        type: {ty}\n        constraints: {k}\n"),
        );
        for args in [&["lint"][..], &["golden", "--check"], &["golden", "--write"]] {
            let r = run(args, Opts { cwd: Some(t.path()), ..Default::default() });
            let what = format!("`{ty}` with {k}, msgpact {}", args.join(" "));
            assert_eq!(r.code, Some(2), "{what}: {}", r.stderr);
            assert!(r.stderr.contains("contracts/p.yaml:8:23: error[E109]"), "{what}: {}", r.stderr);
            assert!(r.stderr.contains("more than the 16.0 MiB a golden case may weigh"), "{what}: {}", r.stderr);
            assert!(!r.stderr.contains("panicked"), "{what}: {}", r.stderr);
            assert_memory(&r, 32, &what);
        }
        assert!(!t.path().join("golden").exists(), "nothing was written");
    }
}

#[test]
fn a_thirty_megabyte_contract_is_refused_before_it_is_parsed() {
    let t = tempfile::tempdir().unwrap();
    let mut text = String::from("package: p\nversion: 1.0.0\nmessages:\n  A:\n    fields:\n      - {name: x, type: list<uint8>}\n    examples:\n      e: {x: [");
    text.push_str(&"1,".repeat(15_000_000));
    text.push_str("1]}\n");
    contract(t.path(), &text);
    let r = run(&["lint"], Opts { cwd: Some(t.path()), ..Default::default() });
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("contracts/p.yaml:1:1: error[E109]"), "{}", r.stderr);
    assert!(r.stderr.contains("larger than 1.0 MiB"), "{}", r.stderr);
    assert_memory(&r, 16, "a 30 MB contract");
}

#[test]
fn inspect_of_dev_zero_and_of_endless_stdin_is_bounded() {
    let r = run(&["inspect", "--type", "chat.ChatRequest", "/dev/zero"], Opts::default());
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("/dev/zero: error[E101]: cannot read: it is a character device"), "{}", r.stderr);
    assert_memory(&r, 16, "inspect /dev/zero");
    // 150 MB on standard input: the read stops after the 64 MiB bound.
    let input = std::io::Read::take(std::io::repeat(0x90), 150 << 20);
    let r = run(
        &["inspect", "--type", "chat.ChatRequest", "-"],
        Opts { stdin: Some(Box::new(input)), ..Default::default() },
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("-: error[E109]: the payload is larger than 64.0 MiB"), "{}", r.stderr);
    assert_memory(&r, 100, "inspect of 150 MB on stdin");
}

#[test]
fn contract_collection_skips_fifos_devices_and_directory_cycles() {
    let t = tempfile::tempdir().unwrap();
    let c = t.path().join("contracts");
    crate::common::copy_dir(&root().join("contracts"), &c);
    std::fs::create_dir_all(c.join("sub")).unwrap();
    std::os::unix::fs::symlink("..", c.join("sub/up")).unwrap();
    std::os::unix::fs::symlink(".", c.join("self")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", c.join("zero.yaml")).unwrap();
    let fifo = std::ffi::CString::new(c.join("pipe.yaml").to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid C string.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let r = run(&["lint"], Opts { cwd: Some(t.path()), ..Default::default() });
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    for skipped in [
        "skipped contracts/pipe.yaml: it is a FIFO, not a regular file",
        "skipped contracts/zero.yaml: it is a character device, not a regular file",
        "skipped contracts/self: a directory already collected",
        "skipped contracts/sub/up: a directory already collected",
    ] {
        assert!(r.stderr.contains(&format!("warning[W110]: {skipped}")), "{skipped}\n{}", r.stderr);
    }
    assert!(r.stderr.contains("lint: ok, 5 packages, 8 messages"), "{}", r.stderr);
    assert_memory(&r, 16, "contract collection");
}

#[test]
fn more_contract_files_than_the_bound_is_an_error() {
    let t = tempfile::tempdir().unwrap();
    for i in 0..1_001 {
        write(&t.path().join(format!("contracts/p{i}.yaml")), format!("package: p{i}\nversion: 1.0.0\n"));
    }
    let r = run(&["lint"], Opts { cwd: Some(t.path()), ..Default::default() });
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("error[E109]: more than 1000 *.yaml files under contracts"), "{}", r.stderr);
}

/// An example with n keys for n fields took 154 s at n = 100,000: matching keys to fields was quadratic.
/// Now the matching is linear and the keys of one example are bounded.
#[test]
fn quadratic_example_check_an_example_with_ten_thousand_keys() {
    let t = tempfile::tempdir().unwrap();
    let example = |n: usize| {
        let mut s = String::from("package: p\nversion: 1.0.0\nmessages:\n  A:\n    fields:\n");
        for i in 0..n {
            s.push_str(&format!("      - {{name: f{i}, type: bool}}\n"));
        }
        s.push_str("    examples:\n      e: {");
        s.push_str(&(0..n).map(|i| format!("f{i}: true")).collect::<Vec<_>>().join(", "));
        s.push_str("}\n");
        s
    };
    contract(t.path(), &example(10_000));
    let started = std::time::Instant::now();
    let r = run(&["lint"], Opts { cwd: Some(t.path()), ..Default::default() });
    eprintln!("lint of an example with 10,000 keys: {:.2} s", started.elapsed().as_secs_f64());
    // The example is read and checked in full (no E40x); what fails is the weight of its 30,000 golden cases.
    assert!(!r.stderr.contains("error[E40"), "{}", r.stderr);
    assert!(r.stderr.contains("error[E109]: the golden cases would weigh"), "{}", r.stderr);
    contract(t.path(), &example(10_001));
    let r = run(&["lint"], Opts { cwd: Some(t.path()), ..Default::default() });
    assert!(
        r.stderr.contains("error[E109]: example `e` of `p.A` at $: 10001 keys in one message value"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_map_min_len_beyond_its_key_type_is_an_error_not_a_hang() {
    let t = tempfile::tempdir().unwrap();
    contract(
        t.path(),
        "package: p\nversion: 1.0.0\nmessages:\n  A:\n    fields:\n      - name: m\n        type: map<uint8, bool>\n        constraints: {min_len: 300}\n",
    );
    let r = spawn(&["golden", "--check"], Opts { cwd: Some(t.path()), ..Default::default() })
        .wait(std::time::Duration::from_secs(20));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("error[E207]: min_len 300 asks for more distinct keys than `uint8` has (256)"),
        "{}",
        r.stderr
    );
}
