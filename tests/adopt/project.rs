//! msgpact.toml, pinned contracts and msgpact.lock, `contracts status|update`, `init` and `--format github`,
//! through the binary as a service repository uses them (docs/adopt.md). No NATS: verify's part of the
//! gate is in tests/adopt_e2e.rs.

use crate::common::contracts_repo::ContractsRepo;
use crate::common::*;
use std::path::Path;
use std::process::Output;

/// msgpact in `dir` with its own contracts cache (`cache`).
fn run(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    msgpact(dir, args, &[("MSGPACT_CONTRACTS_CACHE", cache.to_str().unwrap())])
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let out = msgpact(root(), &["--version"], &[]);
    assert!(out.status.success());
    let head = git(root(), &["rev-parse", "--short=12", "HEAD"]);
    assert_eq!(stdout(&out).trim(), format!("msgpact {} ({head})", env!("CARGO_PKG_VERSION")));
}

#[test]
fn a_broken_msgpact_toml_is_located_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("msgpact.toml"), "[contracts]\ngit = \"https://example.invalid/c.git\"\n").unwrap();
    std::fs::write(dir.path().join("x.msgpack"), [0xc0]).unwrap();
    let commands: &[&[&str]] = &[
        &["lint"],
        &["golden", "--check"],
        &["verify"],
        &["codegen", "--lang", "go", "--out", "gen"],
        &["inspect", "--type", "a.B", "x.msgpack"],
        &["breaking", "--against", "v1.0.0"],
        &["contracts", "status"],
        &["contracts", "update"],
    ];
    for args in commands {
        let out = run(dir.path(), dir.path(), args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.starts_with("msgpact.toml:2:7: error[E1101]: the git contracts are not pinned\n  hint: add `tag = "),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn without_msgpact_toml_or_contracts_a_command_says_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["lint"][..], &["verify"], &["contracts", "status"]] {
        let out = msgpact(dir.path(), args, &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("msgpact.toml: error[E1101]: there is no msgpact.toml here"), "{err}");
        assert!(err.contains("msgpact init --lang go|python|rust --contracts"), "{err}");
    }
}

#[test]
fn a_local_source_is_what_every_command_reads_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&root().join("contracts"), &d.join("schemas"));
    std::fs::create_dir(d.join("one")).unwrap();
    std::fs::copy(root().join("contracts/common.yaml"), d.join("one/common.yaml")).unwrap();
    std::fs::write(d.join("msgpact.toml"), "[contracts]\ndir = \"schemas\"\ngolden = \"vectors\"\n").unwrap();
    let lint = run(d, d, &["lint"]);
    assert!(lint.status.success() && stderr(&lint).contains("lint: ok, 5 packages"), "{}", stderr(&lint));
    let write = run(d, d, &["golden", "--write"]);
    assert!(write.status.success(), "{}", stderr(&write));
    assert!(d.join("vectors/chat/ChatTurn").is_dir(), "golden --write writes into msgpact.toml's golden dir");
    let check = run(d, d, &["golden", "--check"]);
    assert!(
        check.status.success() && stderr(&check).contains("523 cases of 8 messages match vectors"),
        "{}",
        stderr(&check)
    );
    let flag = run(d, d, &["lint", "--contracts", "one"]);
    assert!(flag.status.success() && stderr(&flag).contains("lint: ok, 1 package"), "{}", stderr(&flag));
    let no_lock = d.join("msgpact.lock");
    assert!(!no_lock.exists(), "a local source has no lock");
}

#[test]
fn pinned_contracts_are_locked_and_status_and_update_follow_the_releases() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let repo = ContractsRepo::new(tmp.path());
    let svc = tmp.path().join("billing");
    std::fs::create_dir(&svc).unwrap();
    let toml = format!(
        "# the billing service\n[contracts]\ngit = \"{}\"\ntag = \"v1.0.0\"   # our release\n\n[peers]\nrequired = [\"chat.ChatTurn\", \"common.TokenUsage\"]\n",
        repo.url()
    );
    std::fs::write(svc.join("msgpact.toml"), &toml).unwrap();

    // The first command that needs the contracts fetches them and writes the lock.
    let lint = run(&svc, &cache, &["lint"]);
    assert!(lint.status.success(), "{}", stderr(&lint));
    assert!(stderr(&lint).contains("contracts: msgpact.lock: written: pins v1.0.0"), "{}", stderr(&lint));
    let lock = std::fs::read_to_string(svc.join("msgpact.lock")).unwrap();
    let v1 = git(&repo.path, &["rev-parse", "v1.0.0"]);
    assert!(lock.contains(&format!("commit = \"{v1}\"")) && lock.contains("wire_hash = \"sha256:"), "{lock}");
    let lint = run(&svc, &cache, &["lint"]);
    assert!(!stderr(&lint).contains("written"), "the lock is written once: {}", stderr(&lint));

    let status = run(&svc, &cache, &["contracts", "status"]);
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
    assert!(stderr(&status).contains("contracts status: ok: pinned v1.0.0, the newest release"), "{}", stderr(&status));

    repo.release_compatible();
    let status = run(&svc, &cache, &["contracts", "status"]);
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
    assert!(
        stdout(&status).starts_with("v1.1.0: newer, compatible with this repository's types"),
        "{}",
        stdout(&status)
    );
    assert!(
        stderr(&status).contains("msgpact.toml:4:7: warning[W1105]: v1.1.0 is newer than the pinned v1.0.0"),
        "{}",
        stderr(&status)
    );
    assert!(
        stderr(&status).contains("contracts status: ok: pinned v1.0.0, 1 release newer and compatible"),
        "{}",
        stderr(&status)
    );
    // outdated = "fail": a newer release fails the gate even when it is compatible.
    std::fs::write(
        svc.join("msgpact.toml"),
        toml.replace("tag = \"v1.0.0\"   # our release\n", "tag = \"v1.0.0\"   # our release\noutdated = \"fail\"\n"),
    )
    .unwrap();
    let status = run(&svc, &cache, &["contracts", "status"]);
    assert_eq!(status.status.code(), Some(1), "{}", stderr(&status));
    assert!(stderr(&status).contains("contracts status: OUTDATED (outdated = \"fail\")"), "{}", stderr(&status));
    std::fs::write(svc.join("msgpact.toml"), &toml).unwrap();

    repo.release_breaking();
    let status = run(&svc, &cache, &["contracts", "status", "--format", "github"]);
    assert_eq!(status.status.code(), Some(1), "{}", stderr(&status));
    let out = stdout(&status);
    assert!(out.contains("v2.0.0: newer, BREAKING for chat.ChatTurn (1 breaking change):"), "{out}");
    assert!(out.contains("v2.0.0:contracts/chat.yaml:9:9: FIELD_RENAMED field `role` of map-shaped `chat.ChatTurn` was renamed to `speaker`"), "{out}");
    assert!(
        out.contains(
            "::error file=msgpact.toml,line=4,col=7::E1104 contracts v2.0.0 breaks chat.ChatTurn: FIELD_RENAMED"
        ),
        "{out}"
    );
    let err = stderr(&status);
    assert!(err.contains("msgpact.toml:4:7: error[E1104]: v2.0.0 breaks chat.ChatTurn of this repository (1 breaking change)\n  hint: "), "{err}");
    assert!(
        err.contains(
            "contracts status: BREAKING: v2.0.0 breaks this repository's types; pinned v1.0.0, 2 releases newer"
        ),
        "{err}"
    );
    assert!(
        err.contains("hint: `msgpact contracts update --to v1.1.0` takes the newest release before the breaking one"),
        "{err}"
    );

    // Offline: the repository is gone, the cache answers, and says so.
    std::fs::rename(&repo.path, tmp.path().join("gone")).unwrap();
    let status = run(&svc, &cache, &["contracts", "status"]);
    assert_eq!(status.status.code(), Some(1), "{}", stderr(&status));
    assert!(stderr(&status).contains("contracts: offline: cannot reach"), "{}", stderr(&status));
    assert!(
        stderr(&status).contains("contracts status: BREAKING (offline: from the cache): v2.0.0 breaks"),
        "{}",
        stderr(&status)
    );

    // update: the pin moves in msgpact.toml (comments kept) and in the lock, with what changed.
    let up = run(&svc, &cache, &["contracts", "update", "--to", "v1.1.0"]);
    assert_eq!(up.status.code(), Some(0), "{}", stderr(&up));
    assert!(
        stderr(&up).contains("contracts update: v1.0.0 -> v1.1.0: compatible with this repository's types"),
        "{}",
        stderr(&up)
    );
    assert_eq!(std::fs::read_to_string(svc.join("msgpact.toml")).unwrap(), toml.replace("v1.0.0", "v1.1.0"));
    let dry = run(&svc, &cache, &["contracts", "update", "--dry-run"]);
    assert!(stderr(&dry).contains("(dry run): v1.1.0 -> v2.0.0: BREAKING for chat.ChatTurn"), "{}", stderr(&dry));
    assert!(std::fs::read_to_string(svc.join("msgpact.lock")).unwrap().contains("tag = \"v1.1.0\""));
    let up = run(&svc, &cache, &["contracts", "update"]);
    assert_eq!(up.status.code(), Some(0), "{}", stderr(&up));
    assert!(stdout(&up).contains("FIELD_RENAMED field `role`"), "{}", stdout(&up));
    assert!(
        stderr(&up).contains("v1.1.0 -> v2.0.0: BREAKING for chat.ChatTurn (1 breaking change)"),
        "{}",
        stderr(&up)
    );
    let lock = std::fs::read_to_string(svc.join("msgpact.lock")).unwrap();
    let v2 = git(&tmp.path().join("gone"), &["rev-parse", "v2.0.0"]);
    assert!(lock.contains("tag = \"v2.0.0\"") && lock.contains(&v2), "{lock}");
    let status = run(&svc, &cache, &["contracts", "status"]);
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
    assert!(stderr(&status).contains("pinned v2.0.0, the newest release"), "{}", stderr(&status));

    // A lock whose hash is not the contracts' is refused; a missing one is written again.
    std::fs::write(svc.join("msgpact.lock"), lock.replace("wire_hash = \"sha256:", "wire_hash = \"sha256:00")).unwrap();
    let lint = run(&svc, &cache, &["lint"]);
    assert_eq!(lint.status.code(), Some(2));
    assert!(stderr(&lint).starts_with("msgpact.lock: error[E1102]: the contracts at v2.0.0"), "{}", stderr(&lint));
    std::fs::remove_file(svc.join("msgpact.lock")).unwrap();
    let lint = run(&svc, &cache, &["lint"]);
    assert!(lint.status.success() && stderr(&lint).contains("msgpact.lock: written: pins v2.0.0"), "{}", stderr(&lint));
}

#[test]
fn init_scaffolds_a_repository_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let repo = ContractsRepo::new(tmp.path());
    let svc = tmp.path().join("worker");
    std::fs::create_dir(&svc).unwrap();
    std::fs::write(svc.join("requirements.txt"), "msgpack==1.0.8\n").unwrap();
    let contracts = format!("{}@v1.0.0", repo.url());

    let typo = run(&svc, &cache, &["init", "--lang", "python", "--contracts", &contracts, "--types", "chat.ChatTurm"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        stderr(&typo).contains("did you mean `chat.ChatTurn`?") && stderr(&typo).contains("nothing was written"),
        "{}",
        stderr(&typo)
    );
    assert!(!svc.join("msgpact.toml").exists());
    let bad_tag = run(&svc, &cache, &["init", "--lang", "python", "--contracts", &format!("{}@v9.9.9", repo.url())]);
    assert_eq!(bad_tag.status.code(), Some(2));
    assert!(
        stderr(&bad_tag).contains("`v9.9.9` is not a tag or commit")
            && stderr(&bad_tag).contains("its releases: v1.0.0"),
        "{}",
        stderr(&bad_tag)
    );

    let init = run(
        &svc,
        &cache,
        &["init", "--lang", "python", "--contracts", &contracts, "--types", "chat.ChatTurn,common.TokenUsage"],
    );
    assert!(init.status.success(), "{}", stderr(&init));
    for f in [
        "msgpact.toml",
        "msgpact.lock",
        "peers/worker-python/peer.toml",
        "peers/worker-python/peer.py",
        "peers/worker-python/codec.py",
        ".github/workflows/msgpact.yml",
        "msgpact.gitlab-ci.yml",
        ".gitignore",
    ] {
        assert!(svc.join(f).is_file(), "init wrote no {f}: {}", stderr(&init));
    }
    let peer = std::fs::read_to_string(svc.join("peers/worker-python/peer.py")).unwrap();
    assert!(
        peer.contains(
            "peer.register(\"chat.ChatTurn\", decode=codec.decode_chat_chat_turn, encode=codec.encode_chat_chat_turn)"
        ),
        "{peer}"
    );
    assert!(peer.contains("peer.register(\"common.TokenUsage\""), "{peer}");
    let manifest = std::fs::read_to_string(svc.join("peers/worker-python/peer.toml")).unwrap();
    assert!(manifest.contains("\"-r\", \"{root}/requirements.txt\"") && !manifest.contains("msgpack=="), "{manifest}");
    // What init wrote is what every command reads: lint finds the pinned contracts through the lock.
    let lint = run(&svc, &cache, &["lint"]);
    assert!(lint.status.success() && !stderr(&lint).contains("written"), "{}", stderr(&lint));
    let status = run(&svc, &cache, &["contracts", "status"]);
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
    // The CI templates run the gate with JUnit and annotations.
    let gh = std::fs::read_to_string(svc.join(".github/workflows/msgpact.yml")).unwrap();
    assert!(
        gh.contains("msgpact verify --junit msgpact-verify.xml --format github") && gh.contains("actions/setup-python"),
        "{gh}"
    );
    let gl = std::fs::read_to_string(svc.join("msgpact.gitlab-ci.yml")).unwrap();
    assert!(gl.contains("junit: msgpact-verify.xml") && gl.contains("image: python:"), "{gl}");

    let before = std::fs::read_to_string(svc.join("msgpact.toml")).unwrap();
    let again = run(&svc, &cache, &["init", "--lang", "go", "--contracts", &contracts]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).starts_with("msgpact.toml: error[E1106]: this repository has a msgpact.toml already"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read_to_string(svc.join("msgpact.toml")).unwrap(), before);
    assert!(!svc.join("peers/worker-go").exists());
}

#[test]
fn lint_and_golden_check_annotate_for_github() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&root().join("contracts"), &d.join("contracts"));
    copy_dir(&root().join("golden"), &d.join("golden"));
    let text = std::fs::read_to_string(d.join("contracts/common.yaml")).unwrap();
    std::fs::write(d.join("contracts/common.yaml"), text.replace("total_tokens: 1042", "total_tokens: 1043")).unwrap();
    let check = msgpact(d, &["golden", "--check", "--format", "github"], &[]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    // At the example in the contract: its name's line.
    let line = text.lines().position(|l| l == "      typical:").unwrap() + 1;
    let out = stdout(&check);
    let want = format!("::error file=contracts/common.yaml,line={line},col=7::E701 golden case common/TokenUsage/example.typical changed");
    assert!(out.contains(&want), "wanted {want} in:\n{out}");

    std::fs::write(d.join("contracts/common.yaml"), text.replace("type: uint32\n", "type: uint23\n")).unwrap();
    let lint = msgpact(d, &["lint", "--format", "github"], &[]);
    assert_eq!(lint.status.code(), Some(2));
    let out = stdout(&lint);
    assert!(out.lines().all(|l| l.starts_with("::error file=contracts/common.yaml,line=")), "{out}");
    assert!(out.contains("::E302 ") || out.contains("::E301 "), "{out}");
    assert!(stderr(&lint).contains("lint: FAILED"), "the text goes on as before: {}", stderr(&lint));
}

/// `cargo install msgpact` builds the packaged crate: every file `msgpact init` includes at compile time
/// must be in it (a template named Cargo.toml once made cargo leave its whole directory out).
#[test]
fn the_package_holds_every_template_init_includes() {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["package", "-p", "msgpact", "--list", "--allow-dirty", "--offline"])
        .current_dir(root())
        .output()
        .expect("run cargo package");
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: std::collections::BTreeSet<String> = stdout(&out).lines().map(str::to_string).collect();
    let source = std::fs::read_to_string(root().join("src/project/init.rs")).unwrap();
    let mut included = 0;
    for part in source.split("include_str!(\"").skip(1) {
        let rel = &part[..part.find('"').unwrap()];
        let path = root().join("src/project").join(rel).canonicalize().unwrap();
        let rel = path.strip_prefix(root()).unwrap().to_string_lossy().into_owned();
        assert!(listed.contains(&rel), "`cargo package` leaves out {rel}, which src/project/init.rs includes");
        included += 1;
    }
    assert!(included >= 12, "{included}");
    for f in ["build.rs", "LICENSE", "README.md", "Cargo.lock"] {
        assert!(listed.contains(f), "{f} is not packaged");
    }
    assert!(
        !listed.iter().any(|f| f.starts_with("golden/") || f.starts_with("harness/")),
        "the package is the tool only"
    );
}
