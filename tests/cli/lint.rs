//! `msgpact lint` through the built binary: every bad fixture exits 2 with `path:line:col: error[CODE]`
//! lines and hints, a multi-error file lists ALL its problems and a summary, the real contracts exit 0,
//! and nothing panics.
use crate::common::*;

/// Lints `tests/fixtures/bad/NAME`: exit 2 and each `(file:line:col, code)` on an error line with a hint.
fn lint_fails_with(name: &str, want: &[(&str, &str)]) -> String {
    let dir = format!("tests/fixtures/bad/{name}");
    let o = msgpact_here(&["lint", "--contracts", &dir]);
    assert_no_panic(&o);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{name}:\n{err}");
    let error_lines: Vec<&str> = err.lines().filter(|l| l.contains(": error[")).collect();
    for (at, code) in want {
        let prefix = format!("{dir}/{at}: error[{code}]: ");
        let i = err
            .lines()
            .position(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("{name}: no line starting `{prefix}`:\n{err}"));
        let hint = err.lines().nth(i + 1).unwrap_or("");
        assert!(hint.starts_with("  hint: "), "{name}: no hint under `{prefix}`:\n{err}");
    }
    assert_eq!(error_lines.len(), want.len(), "{name}: other errors than expected:\n{err}");
    let summary = err.lines().last().unwrap_or("");
    assert!(summary.starts_with("lint: FAILED, "), "{name}: last line is not the summary:\n{err}");
    err
}

#[test]
fn lint_real_contracts_exits_0() {
    let o = msgpact_here(&["lint"]);
    assert_no_panic(&o);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.lines().last().unwrap_or("").starts_with("lint: ok, "), "{err}");
    assert!(!err.contains("error["), "{err}");
}

#[test]
fn lint_malformed_yaml() {
    lint_fails_with("malformed_yaml", &[("contract.yaml:8:13", "E103")]);
}

#[test]
fn lint_non_utf8_file() {
    let err = lint_fails_with("not_utf8", &[("contract.yaml:3:9", "E102")]);
    assert!(err.contains("invalid UTF-8 at byte 36"), "{err}");
}

#[test]
fn lint_unknown_types_with_did_you_mean() {
    let err = lint_fails_with("unknown_type", &[("contract.yaml:7:15", "E302"), ("contract.yaml:9:15", "E302")]);
    assert!(err.contains("unknown type `strng`\n  hint: did you mean `string`?"), "{err}");
    assert!(err.contains("unknown type `OrderLin`\n  hint: did you mean `OrderLine`?"), "{err}");
}

#[test]
fn lint_duplicate_names() {
    let err = lint_fails_with(
        "duplicate_names",
        &[("a.yaml:7:3", "E206"), ("a.yaml:11:9", "E206"), ("b.yaml:1:10", "E206"), ("c.yaml:6:3", "E106")],
    );
    assert!(err.contains("a.yaml:7:3: error[E206]: `dup.Status` is defined twice (first at line 4)"), "{err}");
    assert!(err.contains("lint: FAILED, 4 errors and 0 warnings in 3 files"), "{err}");
}

#[test]
fn lint_unresolved_references() {
    lint_fails_with(
        "unresolved_ref",
        &[("contract.yaml:7:15", "E302"), ("contract.yaml:9:15", "E302"), ("contract.yaml:11:15", "E302")],
    );
}

#[test]
fn lint_cyclic_required_references() {
    let err = lint_fails_with("cyclic_required", &[("contract.yaml:9:15", "E303")]);
    assert!(err.contains("cyc.A.b -> cyc.B.a -> cyc.A"), "{err}");
}

#[test]
fn lint_recursive_through_optional_and_list_is_accepted() {
    let o = msgpact_here(&["lint", "--contracts", "tests/fixtures/bad/recursive_ok"]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("lint: ok, 1 package, 1 message, 2 examples, 0 warnings"), "{}", stderr(&o));
}

#[test]
fn lint_examples_that_do_not_conform() {
    lint_fails_with(
        "bad_examples",
        &[
            ("contract.yaml:19:16", "E401"),
            ("contract.yaml:23:16", "E402"),
            ("contract.yaml:28:16", "E402"),
            ("contract.yaml:30:9", "E403"),
            ("contract.yaml:36:9", "E404"),
            ("contract.yaml:41:15", "E405"),
        ],
    );
}

#[test]
fn lint_huge_numbers() {
    lint_fails_with(
        "huge_numbers",
        &[
            ("contract.yaml:10:28", "E207"),
            ("contract.yaml:13:32", "E207"),
            ("contract.yaml:18:16", "E402"),
            ("contract.yaml:23:16", "E402"),
            ("contract.yaml:31:17", "E402"),
        ],
    );
}

#[test]
fn lint_ten_thousand_levels_block_and_flow() {
    lint_fails_with("deep_block", &[("contract.yaml:4:127", "E104")]);
    lint_fails_with("deep_flow", &[("contract.yaml:3:261", "E104")]);
}

#[test]
fn lint_empty_file() {
    lint_fails_with("empty", &[("contract.yaml:1:1", "E203")]);
}

#[test]
fn lint_yaml_list_instead_of_mapping() {
    lint_fails_with("list_root", &[("contract.yaml:1:1", "E201")]);
}

#[test]
fn lint_reports_every_problem_of_a_multi_error_file_and_a_summary() {
    let err = lint_fails_with(
        "multi_error",
        &[
            ("contract.yaml:2:10", "E205"),
            ("contract.yaml:5:12", "E209"),
            ("contract.yaml:8:15", "E302"),
            ("contract.yaml:11:23", "E207"),
            ("contract.yaml:15:16", "E402"),
            ("contract.yaml:16:3", "E204"),
            ("contract.yaml:22:9", "E203"),
            ("contract.yaml:23:9", "E202"),
            ("contract.yaml:26:15", "E406"),
            ("contract.yaml:27:9", "E404"),
        ],
    );
    // Sorted by position, and the last line sums them up (the warning is shown by lint).
    let positions: Vec<(u32, u32)> = err
        .lines()
        .filter(|l| l.starts_with("tests/fixtures/bad/multi_error/contract.yaml:"))
        .map(|l| {
            let mut it = l.split(':').skip(1);
            (it.next().unwrap().parse().unwrap(), it.next().unwrap().parse().unwrap())
        })
        .collect();
    let mut sorted = positions.clone();
    sorted.sort();
    assert_eq!(positions, sorted, "{err}");
    assert!(err.contains("contract.yaml:16:3: warning[W501]"), "{err}");
    assert_eq!(err.lines().last().unwrap(), "lint: FAILED, 10 errors and 1 warning in 1 file");
}

#[test]
fn lint_missing_directory_is_exit_2_without_panic() {
    let o = msgpact_here(&["lint", "--contracts", "tests/fixtures/bad/does-not-exist"]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error[E101]"), "{}", stderr(&o));
}

#[test]
fn golden_and_inspect_refuse_bad_contracts_with_exit_2() {
    for args in [
        &["golden", "--check", "--contracts", "tests/fixtures/bad/multi_error"][..],
        &["inspect", "--contracts", "tests/fixtures/bad/multi_error", "--type", "multi.First", "Cargo.toml"][..],
    ] {
        let o = msgpact_here(args);
        assert_no_panic(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("10 errors in the contracts"), "{args:?}: {}", stderr(&o));
    }
}
