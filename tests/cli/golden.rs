//! `msgpact golden` through the built binary, on temporary copies: `--check` finds drift and writes
//! nothing, `--write` fills an empty directory that `--check` then accepts, and a stale case is reported
//! as removed by `--check` and deleted only by `--write`.
use crate::common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Every file under `dir` (relative path -> bytes), with its modification time, to prove nothing changed.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let meta = std::fs::metadata(&path).unwrap();
                out.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    (std::fs::read(&path).unwrap(), meta.modified().unwrap()),
                );
            }
        }
    }
    out
}

fn run(args: &[&str], contracts: &Path, golden: &Path) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--contracts", contracts.to_str().unwrap(), "--golden", golden.to_str().unwrap()]);
    let o = msgpact_here(&all);
    assert_no_panic(&o);
    o
}

fn cases_on_disk(dir: &Path) -> usize {
    snapshot(dir).keys().filter(|p| p.extension().is_some_and(|e| e == "msgpack")).count()
}

#[test]
fn check_after_a_changed_example_exits_1_lists_the_cases_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let contracts = tmp.path().join("contracts");
    let golden = tmp.path().join("golden");
    copy_dir(&root().join("contracts"), &contracts);
    copy_dir(&root().join("golden"), &golden);

    let o = run(&["golden", "--check"], &contracts, &golden);
    assert_eq!(o.status.code(), Some(0), "the copy must start clean:\n{}", stderr(&o));

    // ChatTurn's second example is used nowhere else: exactly one case changes.
    let chat = contracts.join("chat.yaml");
    let text = std::fs::read_to_string(&chat).unwrap();
    let old = "      assistant:\n        role: assistant\n        text: \"Bonjour ! Comment puis-je vous aider ?\"\n";
    assert!(text.contains(old), "chat.yaml changed shape; update this test");
    std::fs::write(
        &chat,
        text.replace(old, "      assistant:\n        role: assistant\n        text: \"Bonsoir !\"\n"),
    )
    .unwrap();

    let before = snapshot(&golden);
    let o = run(&["golden", "--check"], &contracts, &golden);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("  changed  {}/chat/ChatTurn/example.assistant", golden.display())), "{err}");
    assert!(err.contains("\"Bonsoir !\""), "the diff shows the new value:\n{err}");
    assert!(err.contains("golden: FAILED, 1 changed, 0 added, 0 removed"), "{err}");
    assert_eq!(before, snapshot(&golden), "--check wrote to the golden directory");

    // Also with the default (no flag), which is --check.
    let o = run(&["golden"], &contracts, &golden);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(before, snapshot(&golden));

    // A change to a first example changes every edge case built from it: listed per message.
    let text = std::fs::read_to_string(&chat).unwrap();
    std::fs::write(&chat, text.replacen("        text: hi\n", "        text: hello\n", 1)).unwrap();
    let o = run(&["golden", "--check"], &contracts, &golden);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("  changed  {}/chat/ChatRequest/example.minimal", golden.display())), "{err}");
    assert!(
        err.contains(&format!("{}/chat/ChatRequest/ (", golden.display())),
        "many changes are listed per message:\n{err}"
    );
    assert_eq!(before, snapshot(&golden));
}

#[test]
fn write_into_an_empty_directory_then_check_exits_0() {
    let tmp = tempfile::tempdir().unwrap();
    let golden = tmp.path().join("golden");
    let contracts = root().join("contracts");
    let o = run(&["golden", "--write"], &contracts, &golden);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let n = cases_on_disk(&golden);
    assert!(n > 100, "{n} cases");
    assert_eq!(snapshot(&golden).len(), 2 * n, "each case has a .msgpack and a .snap, and nothing else is left");
    assert!(err.contains(&format!("golden: wrote {n} case(s): {n} added, 0 changed, 0 removed; 0 unchanged")), "{err}");
    // The same cases as the repository's golden/ (byte for byte).
    let ours = snapshot(&golden);
    let repo = snapshot(&root().join("golden"));
    for (path, (bytes, _)) in ours.iter().filter(|(p, _)| p.extension().is_some_and(|e| e == "msgpack")) {
        assert_eq!(Some(bytes), repo.get(path).map(|(b, _)| b), "{}", path.display());
    }

    let o = run(&["golden", "--check"], &contracts, &golden);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("golden: ok, {n} cases")), "{}", stderr(&o));

    // Writing again changes nothing.
    let before = snapshot(&golden);
    let o = run(&["golden", "--write"], &contracts, &golden);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("golden: wrote 0 case(s): 0 added, 0 changed, 0 removed; {n} unchanged")),
        "{}",
        stderr(&o)
    );
    assert_eq!(before, snapshot(&golden));
}

#[test]
fn stale_case_is_reported_by_check_and_removed_only_by_write() {
    let tmp = tempfile::tempdir().unwrap();
    let golden = tmp.path().join("golden");
    let contracts = root().join("contracts");
    copy_dir(&root().join("golden"), &golden);
    let stale_bin = golden.join("chat/ChatRequest/edge.retired.len-3.msgpack");
    let stale_snap = golden.join("chat/ChatRequest/edge.retired.len-3.snap");
    let stale_only_snap = golden.join("gone/Old/example.minimal.snap");
    std::fs::write(&stale_bin, [0x80]).unwrap();
    std::fs::write(&stale_snap, "---\nsource: msgpact golden --write\n---\nold\n").unwrap();
    std::fs::create_dir_all(stale_only_snap.parent().unwrap()).unwrap();
    std::fs::write(&stale_only_snap, "---\nsource: x\n---\nold\n").unwrap();

    let before = snapshot(&golden);
    let o = run(&["golden", "--check"], &contracts, &golden);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("  removed  {}/chat/ChatRequest/edge.retired.len-3", golden.display())), "{err}");
    assert!(err.contains(&format!("  removed  {}/gone/Old/example.minimal", golden.display())), "{err}");
    assert!(err.contains("golden: FAILED, 0 changed, 0 added, 2 removed"), "{err}");
    assert_eq!(before, snapshot(&golden), "--check deleted or wrote files");

    let o = run(&["golden", "--write"], &contracts, &golden);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains(&format!("  removed  {}/chat/ChatRequest/edge.retired.len-3", golden.display())), "{err}");
    assert!(err.contains("0 added, 0 changed, 2 removed"), "{err}");
    assert!(!stale_bin.exists() && !stale_snap.exists() && !stale_only_snap.exists());
    assert!(!golden.join("gone").exists(), "empty directories of removed cases are removed");

    let o = run(&["golden", "--check"], &contracts, &golden);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Back to exactly the repository's files.
    let contents = |d: &Path| -> BTreeMap<PathBuf, Vec<u8>> {
        snapshot(d)
            .into_iter()
            .filter(|(p, _)| !p.to_string_lossy().ends_with(".snap.new"))
            .map(|(p, (b, _))| (p, b))
            .collect()
    };
    assert!(
        contents(&golden) == contents(&root().join("golden")),
        "golden copy differs from the repository after --write"
    );
}

#[test]
fn unwritable_golden_directory_is_exit_2_without_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let blocker = tmp.path().join("golden");
    std::fs::write(&blocker, "a file where the directory should be").unwrap();
    let o = run(&["golden", "--write"], &root().join("contracts"), &blocker);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("error["), "{}", stderr(&o));
}
