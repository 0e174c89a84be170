//! `msgpact breaking` end to end: exit codes, modes, --transitive, git refs, bad input, output formats.
use crate::common::*;
use std::path::Path;
use std::process::{Command, Output};

fn msgpact_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_msgpact"))
        .arg("breaking")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run msgpact")
}

fn msgpact(args: &[&str]) -> Output {
    msgpact_in(root(), args)
}

/// Runs against a fixture pair `tests/fixtures/breaking/<name>/{previous,current}`.
fn fixture(name: &str, extra: &[&str]) -> Output {
    let cur = format!("tests/fixtures/breaking/{name}/current");
    let prev = format!("tests/fixtures/breaking/{name}/previous");
    let mut args = vec!["--contracts", cur.as_str(), "--against", prev.as_str()];
    args.extend_from_slice(extra);
    msgpact(&args)
}

#[track_caller]
fn assert_exit(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "stdout:\n{}\nstderr:\n{}", stdout(o), stderr(o));
}

// ----- exit codes and text -----

#[test]
fn a_renamed_field_is_breaking_with_path_line_col_and_rollout() {
    let o = fixture("FIELD_RENAMED", &[]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    assert!(
        out.starts_with(
            "tests/fixtures/breaking/FIELD_RENAMED/current/demo.yaml:8:9: FIELD_RENAMED field `user_id` of map-shaped `demo.Event` was renamed to `uid`"
        ),
        "{out}"
    );
    assert!(out.contains("  rollout: cannot be rolled out safely: add a new field instead"), "{out}");
    assert!(stderr(&o).contains("breaking: BREAKING (mode full)"), "{}", stderr(&o));
}

#[test]
fn an_added_optional_field_is_compatible() {
    let o = fixture("compatible/optional_field_added", &[]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("breaking: compatible (mode full)"), "{}", stderr(&o));
}

#[test]
fn removals_are_located_in_the_previous_version() {
    let o = fixture("FIELD_REMOVED", &[]);
    assert_exit(&o, 1);
    assert!(
        stdout(&o).starts_with(
            "tests/fixtures/breaking/FIELD_REMOVED/previous/demo.yaml:8:9: FIELD_REMOVED required field `note`"
        ),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("rollout: deploy readers first"));
}

#[test]
fn warnings_do_not_fail_the_gate() {
    let o = fixture("PACKAGE_VERSION_NOT_CHANGED", &[]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains(": PACKAGE_VERSION_NOT_CHANGED warning: package `demo` changed compatibly"),
        "{}",
        stdout(&o)
    );
}

// ----- modes -----

#[test]
fn a_widened_type_breaks_forward_only() {
    assert_exit(&fixture("FIELD_TYPE_WIDENED", &["--mode", "backward"]), 0);
    let o = fixture("FIELD_TYPE_WIDENED", &["--mode", "forward"]);
    assert_exit(&o, 1);
    assert!(
        stdout(&o).contains("FIELD_TYPE_WIDENED field `count` of `demo.Event` widened from `uint8` to `uint16`"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("rollout: deploy readers first"));
    assert_exit(&fixture("FIELD_TYPE_WIDENED", &["--mode", "full"]), 1);
    assert_exit(&fixture("FIELD_TYPE_WIDENED", &[]), 1);
}

#[test]
fn a_field_made_required_breaks_backward_only() {
    let o = fixture("FIELD_MADE_REQUIRED", &["--mode", "backward"]);
    assert_exit(&o, 1);
    assert!(stdout(&o).contains("rollout: deploy writers first"), "{}", stdout(&o));
    assert_exit(&fixture("FIELD_MADE_REQUIRED", &["--mode", "forward"]), 0);
}

#[test]
fn a_change_that_breaks_both_fails_every_mode() {
    for mode in ["backward", "forward", "full"] {
        assert_exit(&fixture("FIELD_RENAMED", &["--mode", mode]), 1);
    }
}

#[test]
fn an_unknown_mode_is_invalid_input() {
    assert_exit(&fixture("FIELD_RENAMED", &["--mode", "sideways"]), 2);
}

// ----- transitive, directory of versions -----

#[test]
fn transitive_compares_every_version_directory() {
    let cur = "tests/fixtures/breaking/transitive/current";
    // Against the last version only: the re-added field is new there, and optional.
    assert_exit(&msgpact(&["--contracts", cur, "--against", "tests/fixtures/breaking/transitive/versions/v1.1.0"]), 0);
    let o = msgpact(&["--contracts", cur, "--against", "tests/fixtures/breaking/transitive/versions", "--transitive"]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    assert!(out.contains("current/demo.yaml:9:15: FIELD_TYPE_CHANGED field `legacy` of `demo.Event` changed type from `string` to `int32`"), "{out}");
    assert!(out.contains("[against tests/fixtures/breaking/transitive/versions/1.0.0]"), "{out}");
    assert!(!out.contains("[against tests/fixtures/breaking/transitive/versions/v1.1.0]"), "{out}");
    assert!(out.contains("PACKAGE_VERSION_NOT_BUMPED"), "{out}");
    let err = stderr(&o);
    assert!(
        err.contains("against tests/fixtures/breaking/transitive/versions/1.0.0, tests/fixtures/breaking/transitive/versions/v1.1.0"),
        "oldest first: {err}"
    );
}

#[test]
fn a_directory_of_versions_without_transitive_says_so() {
    let o = msgpact(&[
        "--contracts",
        "tests/fixtures/breaking/transitive/current",
        "--against",
        "tests/fixtures/breaking/transitive/versions",
    ]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("did you mean `--transitive`?"), "{}", stderr(&o));
}

#[test]
fn transitive_rejects_a_subdirectory_that_is_not_a_version() {
    let tmp = tempfile::tempdir().unwrap();
    let src = root().join("tests/fixtures/breaking/transitive/versions/1.0.0/demo.yaml");
    for d in ["1.0.0", "latest"] {
        std::fs::create_dir_all(tmp.path().join(d)).unwrap();
        std::fs::copy(&src, tmp.path().join(d).join("demo.yaml")).unwrap();
    }
    let o = msgpact(&[
        "--contracts",
        "tests/fixtures/breaking/transitive/current",
        "--against",
        tmp.path().to_str().unwrap(),
        "--transitive",
    ]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("latest is not a version directory"), "{}", stderr(&o));
}

// ----- corrupt or missing earlier versions -----

#[test]
fn a_corrupt_previous_directory_is_invalid_input_with_its_errors() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("demo.yaml"), "package: demo\nversion: 1.0.0\nmessages:\n  Event:\n    fields: [\n")
        .unwrap();
    let o = msgpact(&[
        "--contracts",
        "tests/fixtures/breaking/FIELD_RENAMED/current",
        "--against",
        tmp.path().to_str().unwrap(),
    ]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{}:", tmp.path().join("demo.yaml").display())) && err.contains("error[E103]"),
        "{err}"
    );
    assert!(err.contains("the earlier version") && err.contains("cannot be compared with"), "{err}");
    assert_eq!(stdout(&o), "");
}

#[test]
fn a_previous_directory_that_does_not_lint_is_invalid_input() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("demo.yaml"),
        "package: demo\nversion: 1.0.0\nmessages:\n  Event:\n    fields:\n      - name: id\n        type: strng\n",
    )
    .unwrap();
    let o = msgpact(&[
        "--contracts",
        "tests/fixtures/breaking/FIELD_RENAMED/current",
        "--against",
        tmp.path().to_str().unwrap(),
    ]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("error[E302]: unknown type `strng`"), "{}", stderr(&o));
}

#[test]
fn an_empty_previous_directory_is_invalid_input() {
    let tmp = tempfile::tempdir().unwrap();
    let o = msgpact(&[
        "--contracts",
        "tests/fixtures/breaking/FIELD_RENAMED/current",
        "--against",
        tmp.path().to_str().unwrap(),
    ]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("no contract files (*.yaml)"), "{}", stderr(&o));
}

#[test]
fn a_file_is_not_a_previous_version() {
    let o = msgpact(&[
        "--contracts",
        "tests/fixtures/breaking/FIELD_RENAMED/current",
        "--against",
        "tests/fixtures/breaking/FIELD_RENAMED/previous/demo.yaml",
    ]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("is a file"), "{}", stderr(&o));
}

#[test]
fn invalid_current_contracts_are_invalid_input() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("demo.yaml"), "package: demo\nversion: one\n").unwrap();
    let o = msgpact(&[
        "--contracts",
        tmp.path().to_str().unwrap(),
        "--against",
        "tests/fixtures/breaking/FIELD_RENAMED/previous",
    ]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("E205"), "{}", stderr(&o));
}

#[test]
fn a_ref_outside_any_git_repository_is_invalid_input() {
    let tmp = tempfile::tempdir().unwrap();
    let contracts = tmp.path().join("contracts");
    std::fs::create_dir_all(&contracts).unwrap();
    std::fs::copy(root().join("tests/fixtures/breaking/FIELD_RENAMED/current/demo.yaml"), contracts.join("demo.yaml"))
        .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_msgpact"))
        .args(["breaking", "--against", "v1.0.0"])
        .current_dir(tmp.path())
        .env("GIT_CEILING_DIRECTORIES", tmp.path().parent().unwrap())
        .output()
        .unwrap();
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("`v1.0.0` is not a directory, and it cannot be read as a git ref"), "{}", stderr(&o));
}

// ----- output formats -----

#[test]
fn json_parses_and_follows_the_schema() {
    let o = fixture("FIELD_REMOVED", &["--format", "json"]);
    assert_exit(&o, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("stdout is one JSON document");
    assert_eq!(v["schema"], "msgpact.breaking/v1");
    assert_eq!(v["mode"], "full");
    assert_eq!(v["compatible"], false);
    assert_eq!(v["errors"], 1);
    assert_eq!(v["against"][0]["origin"], "dir");
    assert_eq!(v["against"][0]["label"], "tests/fixtures/breaking/FIELD_REMOVED/previous");
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "FIELD_REMOVED");
    assert_eq!(f["level"], "error");
    assert_eq!(f["breaks"], "forward");
    assert_eq!((f["backward"].as_bool(), f["forward"].as_bool()), (Some(false), Some(true)));
    assert_eq!(f["rollout"], "deploy readers first");
    assert_eq!(f["file"], "tests/fixtures/breaking/FIELD_REMOVED/previous/demo.yaml");
    assert_eq!((f["line"].as_u64(), f["col"].as_u64()), (Some(8), Some(9)));
    assert_eq!(f["side"], "previous");
    assert_eq!(f["anchor"]["file"], "tests/fixtures/breaking/FIELD_REMOVED/current/demo.yaml");
    assert_eq!(f["package"], "demo");
    assert_eq!(f["subject"], "demo.Event");
    assert_eq!(f["field"], "note");
    assert_eq!(f["against"], "tests/fixtures/breaking/FIELD_REMOVED/previous");
}

#[test]
fn json_of_a_compatible_change_has_no_findings() {
    let o = fixture("compatible/optional_field_added", &["--format", "json"]);
    assert_exit(&o, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["compatible"], true);
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(0));
}

/// `::error file=F,line=L,col=C::RULE_ID message` -> (command, file, line, col, rule).
fn parse_annotation(line: &str) -> Option<(String, String, u32, u32, String)> {
    let rest = line.strip_prefix("::")?;
    let (cmd, rest) = rest.split_once(' ')?;
    let (props, msg) = rest.split_once("::")?;
    let mut file = None;
    let (mut l, mut c) = (None, None);
    for p in props.split(',') {
        match p.split_once('=')? {
            ("file", v) => file = Some(v.to_string()),
            ("line", v) => l = v.parse().ok(),
            ("col", v) => c = v.parse().ok(),
            _ => return None,
        }
    }
    let rule = msg.split(' ').next()?;
    if !rule.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_') || msg.len() <= rule.len() + 1 {
        return None;
    }
    Some((cmd.to_string(), file?, l?, c?, rule.to_string()))
}

#[test]
fn github_lines_are_workflow_annotations() {
    let o = fixture("PACKAGE_VERSION_NOT_BUMPED", &["--format", "github"]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    for line in &lines {
        let (cmd, file, l, c, _) = parse_annotation(line).unwrap_or_else(|| panic!("not an annotation: {line}"));
        assert_eq!(cmd, "error");
        assert!(Path::new(root()).join(&file).is_file(), "annotations point at files of the work tree: {file}");
        assert!(l >= 1 && c >= 1);
        assert!(!line.contains('\n'));
    }
    // The removal points at its anchor in the current contracts and names where it was.
    let removed = lines.iter().find(|l| l.contains("::FIELD_REMOVED ")).unwrap();
    assert!(
        removed.starts_with(
            "::error file=tests/fixtures/breaking/PACKAGE_VERSION_NOT_BUMPED/current/demo.yaml,line=4,col=3::"
        ),
        "{removed}"
    );
    assert!(
        removed.contains("(was at tests/fixtures/breaking/PACKAGE_VERSION_NOT_BUMPED/previous/demo.yaml:8:9)"),
        "{removed}"
    );
    let w = fixture("PACKAGE_VERSION_NOT_CHANGED", &["--format", "github"]);
    assert!(stdout(&w).starts_with("::warning file="), "{}", stdout(&w));
}

#[test]
fn junit_has_one_testcase_per_rule_per_message() {
    let o = fixture("FIELD_RENAMED", &["--format", "junit"]);
    assert_exit(&o, 1);
    let xml = stdout(&o);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "), "{xml}");
    use msgpact::breaking::rules::Scope;
    let per_message = msgpact::breaking::RULES.iter().filter(|r| r.scope == Scope::Message).count();
    let per_package = msgpact::breaking::RULES.iter().filter(|r| r.scope == Scope::Package).count();
    // one message (demo.Event) and one package (demo), no enum
    assert_eq!(xml.matches("<testcase ").count(), per_message + per_package, "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 1);
    // quick-junit's layout: name before classname, the failure's message before its type
    let case = xml.split("<testcase name=\"FIELD_RENAMED\" classname=\"demo.Event\">").nth(1).unwrap_or_default();
    assert!(case.trim_start().starts_with("<failure message=\""), "{xml}");
    assert!(case.split("</testcase>").next().unwrap().contains("type=\"FIELD_RENAMED\""), "{xml}");
    let total = format!("tests=\"{}\"", per_message + per_package);
    assert!(xml.lines().nth(1).is_some_and(|l| l.contains(&total) && l.contains("failures=\"1\"")), "{xml}");
    assert_eq!(xml.matches("<testsuite ").count(), xml.matches("</testsuite>").count());
    // a mode reports only its rules
    let b = stdout(&fixture("FIELD_RENAMED", &["--format", "junit", "--mode", "backward"]));
    assert!(!b.contains("name=\"FIELD_TYPE_WIDENED\""));
    assert!(b.contains("name=\"FIELD_TYPE_NARROWED\""));
}

// ----- git -----

const V1: &str = "package: demo
version: 1.0.0
messages:
  Event:
    subjects: [demo.event]
    fields:
      - name: id
        type: string
      - name: user_id
        type: string
      - name: legacy
        type: string
        optional: true
";

const EXTRA: &str = "package: extra
version: 1.0.0
messages:
  Note:
    fields:
      - name: text
        type: string
";

/// A repository with the contracts under `api/contracts`: v1.0.0 and extra/v1.0.0 tag the first commit,
/// v1.1.0 a second one (legacy removed); the work tree then renames user_id (uncommitted).
fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    let c = r.join("api/contracts");
    std::fs::create_dir_all(&c).unwrap();
    git(r, &["init", "-q"]);
    std::fs::write(c.join("demo.yaml"), V1).unwrap();
    std::fs::write(c.join("extra.yaml"), EXTRA).unwrap();
    git(r, &["add", "-A"]);
    git(r, &["commit", "-q", "-m", "v1"]);
    git(r, &["tag", "v1.0.0"]);
    git(r, &["tag", "extra/v1.0.0"]);
    git(r, &["tag", "not-a-release"]);
    let v11 = V1
        .replace("version: 1.0.0", "version: 1.1.0")
        .replace("      - name: legacy\n        type: string\n        optional: true\n", "");
    std::fs::write(c.join("demo.yaml"), &v11).unwrap();
    git(r, &["commit", "-q", "-am", "v1.1"]);
    git(r, &["tag", "-a", "v1.1.0", "-m", "release 1.1.0"]);
    let work = v11.replace("version: 1.1.0", "version: 1.2.0").replace("user_id", "uid")
        + "      - name: legacy\n        type: int32\n        optional: true\n";
    std::fs::write(c.join("demo.yaml"), work).unwrap();
    tmp
}

#[test]
fn a_git_ref_is_read_without_touching_the_work_tree() {
    let tmp = repo();
    let r = tmp.path();
    let status = git(r, &["status", "--porcelain"]);
    let head = git(r, &["rev-parse", "HEAD"]);
    let o = msgpact_in(r, &["--contracts", "api/contracts", "--against", "v1.1.0"]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    assert!(out.contains("api/contracts/demo.yaml:9:9: FIELD_RENAMED field `user_id` of map-shaped `demo.Event` was renamed to `uid`"), "{out}");
    assert!(out.contains("api/contracts/demo.yaml:2:10: PACKAGE_VERSION_NOT_BUMPED package `demo` has 1 breaking change since v1.1.0"), "{out}");
    assert!(!out.contains("legacy"), "the optional field is new against 1.1.0: {out}");
    assert_eq!(git(r, &["status", "--porcelain"]), status);
    assert_eq!(git(r, &["rev-parse", "HEAD"]), head);
    assert!(!r.join("api/contracts/.git").exists());
    // The same from inside the directory, with the default --contracts.
    let o = msgpact_in(&r.join("api"), &["--against", "v1.1.0"]);
    assert_exit(&o, 1);
    assert!(stdout(&o).contains("contracts/demo.yaml:9:9: FIELD_RENAMED"), "{}", stdout(&o));
}

#[test]
fn removals_at_a_git_ref_are_located_at_ref_colon_path() {
    let tmp = repo();
    let r = tmp.path();
    let v1 = V1
        .replace("      - name: legacy\n        type: string\n        optional: true\n", "")
        .replace("      - name: user_id\n        type: string\n", "");
    std::fs::write(r.join("api/contracts/demo.yaml"), v1.replace("1.0.0", "2.0.0")).unwrap();
    let o = msgpact_in(r, &["--contracts", "api/contracts", "--against", "v1.0.0"]);
    assert_exit(&o, 1);
    assert!(
        stdout(&o).contains("v1.0.0:api/contracts/demo.yaml:9:9: FIELD_REMOVED required field `user_id`"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn transitive_compares_every_version_tag_reachable_from_the_ref() {
    let tmp = repo();
    let r = tmp.path();
    let o = msgpact_in(r, &["--contracts", "api/contracts", "--against", "HEAD", "--transitive", "--format", "json"]);
    assert_exit(&o, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let labels: Vec<&str> = v["against"].as_array().unwrap().iter().map(|a| a["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["v1.0.0", "extra/v1.0.0", "v1.1.0"], "sorted by version, not-a-release ignored");
    assert_eq!(v["against"][1]["package"], "extra");
    assert_eq!(v["against"][0]["origin"], "git");
    assert_eq!(v["against"][0]["commit"].as_str().map(str::len), Some(40));
    let rules = |label: &str| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["against"] == label)
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let mut v100 = rules("v1.0.0");
    v100.sort();
    assert_eq!(
        v100,
        ["FIELD_RENAMED", "FIELD_TYPE_CHANGED", "PACKAGE_VERSION_NOT_BUMPED"],
        "legacy changed type since 1.0.0"
    );
    assert!(rules("extra/v1.0.0").is_empty(), "only package extra is compared, and it did not change");
    let mut v110 = rules("v1.1.0");
    v110.sort();
    assert_eq!(v110, ["FIELD_RENAMED", "PACKAGE_VERSION_NOT_BUMPED"]);
}

#[test]
fn a_bad_ref_is_invalid_input() {
    let tmp = repo();
    let o = msgpact_in(tmp.path(), &["--contracts", "api/contracts", "--against", "v9.9.9"]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("error[E1001]: `v9.9.9` is neither a directory nor a git ref or commit"),
        "{}",
        stderr(&o)
    );
    let o = msgpact_in(tmp.path(), &["--contracts", "api/contracts", "--against", "--upload-pack=x"]);
    assert_exit(&o, 2);
}

#[test]
fn a_corrupt_version_at_a_git_ref_is_invalid_input() {
    let tmp = repo();
    let r = tmp.path();
    let good = std::fs::read_to_string(r.join("api/contracts/demo.yaml")).unwrap();
    std::fs::write(r.join("api/contracts/demo.yaml"), "package: demo\nversion: 1.0.0\nmessages: [\n").unwrap();
    git(r, &["commit", "-q", "-am", "broken"]);
    git(r, &["tag", "broken"]);
    std::fs::write(r.join("api/contracts/demo.yaml"), good).unwrap();
    let o = msgpact_in(r, &["--contracts", "api/contracts", "--against", "broken"]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("broken:api/contracts/demo.yaml:"), "{err}");
    assert!(err.contains("error[E103]") && err.contains("error[E1002]: the earlier version `broken`"), "{err}");
}

#[test]
fn a_ref_without_the_contracts_directory_is_invalid_input() {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    git(r, &["init", "-q"]);
    std::fs::write(r.join("README.md"), "hello\n").unwrap();
    git(r, &["add", "-A"]);
    git(r, &["commit", "-q", "-m", "first"]);
    std::fs::create_dir_all(r.join("contracts")).unwrap();
    std::fs::write(r.join("contracts/demo.yaml"), V1).unwrap();
    let o = msgpact_in(r, &["--against", "HEAD"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("no contract files (*.yaml) under `contracts` at `HEAD`"), "{}", stderr(&o));
    // --transitive without any release tag is an error too, not a silent pass.
    let o = msgpact_in(r, &["--against", "HEAD", "--transitive"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("no released versions"), "{}", stderr(&o));
}
