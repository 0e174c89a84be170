//! Each language's own tools over what `msgpact codegen` ships and writes: the three runtimes, kept as real
//! files under src/codegen/<lang>/runtime/ (gofmt and go vet, py_compile and pyflakes, rustfmt), and the
//! generated Rust, which codegen lays out as rustfmt would without running it: `rustfmt --check` over
//! output made from contracts whose names sweep across rustfmt's width limits and from the torture names
//! of tests/codegen/torture_names.rs (64-character names, raw identifiers); the Go of the torture names through
//! `gofmt -l`, their Python within 120 columns. In CI a missing tool fails.
use crate::common::*;
use msgpact::codegen::{self, Lang, Options};
use msgpact::contract::Contracts;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn runtime(rel: &str) -> PathBuf {
    root().join("src/codegen").join(rel)
}

/// The Go tool, from PATH or where the official installer puts it.
fn go_tool(name: &str) -> Option<PathBuf> {
    let on_path =
        std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join(name)).find(|p| p.is_file()));
    on_path.or_else(|| Some(PathBuf::from("/usr/local/go/bin").join(name)).filter(|p| p.is_file()))
}

#[test]
fn go_runtime_is_gofmt_clean_and_passes_go_vet() {
    let (Some(gofmt), Some(go)) = (go_tool("gofmt"), go_tool("go")) else {
        require(false, "go and gofmt");
        return;
    };
    let dir_of_runtime = runtime("go/runtime");
    let files: Vec<PathBuf> = std::fs::read_dir(&dir_of_runtime)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "go"))
        .collect();
    assert!(files.len() > 1, "the Go runtime is a package of several files: {files:?}");
    let listed = run_ok(Command::new(gofmt).arg("-l").args(&files), "gofmt -l");
    assert!(
        listed.trim().is_empty(),
        "gofmt would reformat the Go runtime (run `gofmt -w {}`):\n{listed}",
        dir_of_runtime.display()
    );

    // go vet needs the file in a package of a module that requires vmihailenco/msgpack: the Go harness's
    // module (go.mod and go.sum, so that nothing is resolved anew, and the go.mod of the SDK module it
    // replaces with ./peer), in a copy with the runtime alone.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("peer")).unwrap();
    for f in ["go.mod", "go.sum", "peer/go.mod"] {
        std::fs::copy(root().join("harness/go").join(f), dir.path().join(f)).unwrap();
    }
    std::fs::create_dir(dir.path().join("msgpactrt")).unwrap();
    for f in &files {
        std::fs::copy(f, dir.path().join("msgpactrt").join(f.file_name().unwrap())).unwrap();
    }
    run_ok(Command::new(go).args(["vet", "./msgpactrt"]).current_dir(dir.path()), "go vet of the Go runtime");
}

/// A virtual environment with the pyflakes pinned in harness/python/requirements-dev.txt (only that, so
/// it does not share or disturb the test venv of the language suites).
fn pyflakes_venv() -> Option<PathBuf> {
    let python = ["python3", "python"].into_iter().find(|p| on_path(p));
    if !require(python.is_some(), "python3") {
        return None;
    }
    let reqs = std::fs::read_to_string(root().join("harness/python/requirements-dev.txt")).unwrap();
    let pin = reqs.lines().map(str::trim).find(|l| l.starts_with("pyflakes=="));
    let pin = pin.expect("harness/python/requirements-dev.txt pins pyflakes (pyflakes==X.Y.Z)").to_string();
    let dir = root().join("target/msgpact/pyflakes-venv");
    std::fs::create_dir_all(&dir).unwrap();
    let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(dir.join("lock")).unwrap();
    lock.lock().unwrap();
    let (stamp, venv) = (dir.join("stamp"), dir.join("venv"));
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(pin.as_str()) {
        let _ = std::fs::remove_dir_all(&venv);
        run_ok(Command::new(python.unwrap()).args(["-m", "venv"]).arg(&venv), "create the pyflakes venv");
        run_ok(
            Command::new(venv.join("bin/pip")).args(["install", "--quiet", "--disable-pip-version-check", &pin]),
            "pip install pyflakes",
        );
        std::fs::write(&stamp, &pin).unwrap();
    }
    Some(venv)
}

#[test]
fn python_runtime_compiles_and_is_pyflakes_clean() {
    let Some(venv) = pyflakes_venv() else { return };
    let files: Vec<PathBuf> =
        ["_base.py", "_codecs.py", "_runtime.py"].iter().map(|f| runtime(&format!("python/runtime/{f}"))).collect();
    let python = venv.join("bin/python");
    // py_compile writes its bytecode beside the file unless told where: into a temporary directory.
    let cache = tempfile::tempdir().unwrap();
    run_ok(
        Command::new(&python).args(["-m", "py_compile"]).args(&files).env("PYTHONPYCACHEPREFIX", cache.path()),
        "py_compile of the Python runtime",
    );
    run_ok(Command::new(&python).args(["-m", "pyflakes"]).args(&files), "pyflakes over the Python runtime");
}

/// `rustfmt --check` with rustfmt's defaults (never the repository's rustfmt.toml), edition 2021.
fn rustfmt_check(file: &Path) -> Result<(), String> {
    let out = Command::new("rustfmt")
        .args(["--check", "--edition", "2021", "--config-path", "/dev/null"])
        .arg(file)
        .output()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    Err(format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn rust_runtime_is_rustfmt_clean() {
    if !require(on_path("rustfmt"), "rustfmt") {
        return;
    }
    // The directory's own rustfmt.toml (defaults) is what a developer's `rustfmt` picks up there.
    let file = runtime("rust/runtime/rt.rs");
    run_ok(Command::new("rustfmt").args(["--check", "--edition", "2021"]).arg(&file), "rustfmt --check of rt.rs");
    rustfmt_check(&file).unwrap();
}

/// Contracts whose names grow one character at a time, from 1 to `max`, in every place where a name
/// changes the layout of the generated Rust: enum values (match arms), enum and package names (the
/// "not a value of" message), field names (serde attributes, struct fields, constraint checks, array
/// messages), message names (types of other packages' fields, the TYPES table).
fn sweep_contracts(dir: &Path, max: usize) {
    let word = |n: usize, c: char| std::iter::repeat_n(c, n).collect::<String>();
    let ident = |n: usize| format!("f{}", word(n - 1, 'x'));
    // One package of shared types per name length, other packages using them.
    for n in 1..=max {
        let pkg = format!("p{}", word(n - 1, 'q'));
        let enum_name = format!("E{}", word(n - 1, 'e'));
        let msg = format!("M{}", word(n - 1, 'm'));
        let mut y = format!("package: {pkg}\nversion: 1.0.0\nenums:\n");
        let _ = writeln!(y, "  {enum_name}:\n    values: [a, {}]", ident(n));
        let _ = writeln!(y, "  I{enum_name}:\n    repr: int\n    values: {{a: -9007199254740993, {}: 7}}", ident(n));
        y.push_str("messages:\n");
        let _ = writeln!(y, "  {msg}:\n    fields:\n      - {{name: {}, type: string}}", ident(n));
        let _ = writeln!(y, "    examples:\n      x: {{{}: a}}", ident(n));
        std::fs::write(dir.join(format!("{pkg}.yaml")), y).unwrap();
    }
    let mut y = String::from("package: user\nversion: 1.0.0\nmessages:\n");
    for n in 1..=max {
        let (pkg, msg, f) = (format!("p{}", word(n - 1, 'q')), format!("M{}", word(n - 1, 'm')), ident(n));
        let enum_name = format!("E{}", word(n - 1, 'e'));
        let other = format!("{pkg}.{msg}");
        let _ = writeln!(y, "  Map{n}:\n    fields:");
        let _ = writeln!(y, "      - {{name: {f}, type: string, constraints: {{min_len: 1, max_len: 64}}}}");
        let _ = writeln!(y, "      - {{name: {f}_f, type: float32, constraints: {{min: -1.5, max: 1.5}}}}");
        let _ = writeln!(y, "      - {{name: {f}_i, type: int64, constraints: {{min: -5, max: 5000000000}}}}");
        let _ = writeln!(y, "      - {{name: {f}_n, type: 'map<string, {other}>', optional: true, nullable: true}}");
        let _ = writeln!(y, "      - {{name: {f}_l, type: 'list<list<{other}>>', nullable: true}}");
        let _ = writeln!(y, "      - {{name: type{n}, type: 'map<int32, list<{other}>>', optional: true}}");
        let _ = writeln!(y, "      - {{name: {f}_e, type: {pkg}.I{enum_name}, optional: true}}");
        // renamed (`rename = ...` beside the other serde attributes), a keyword, one-sided lengths,
        // special floats, messages inside a map of lists
        let _ = writeln!(y, "      - {{name: {f}R, type: bytes, optional: true, nullable: true}}");
        let _ = writeln!(y, "      - {{name: type, type: string, constraints: {{min_len: 2}}}}");
        let _ = writeln!(y, "      - {{name: {f}_m, type: 'list<int8>', constraints: {{max_len: 9}}, optional: true}}");
        let _ = writeln!(
            y,
            "      - {{name: {f}_d, type: float64, constraints: {{allow_nan: true, allow_infinity: true}}}}"
        );
        let _ = writeln!(y, "      - {{name: {f}_k, type: 'map<string, list<{other}>>'}}");
        let _ = writeln!(y, "    examples:");
        let _ =
            writeln!(y, "      x: {{{f}: a, {f}_f: 1.0, {f}_i: 1, {f}_l: null, type: ab, {f}_d: 0.5, {f}_k: {{}}}}");
        let _ = writeln!(y, "  Array{n}:\n    shape: array\n    fields:");
        let _ = writeln!(y, "      - {{name: {f}, type: {other}}}");
        // `{f}Q` has the field `{f}_q`: one character more in Rust than on the wire.
        let _ = writeln!(y, "      - {{name: {f}Q, type: bool}}");
        let _ = writeln!(y, "      - {{name: {f}_o, type: string, optional: true, constraints: {{max_len: 3}}}}");
        let _ = writeln!(y, "      - {{name: {f}_p, type: 'list<{other}>', optional: true, nullable: true}}");
        let _ = writeln!(y, "    examples:\n      x: {{{f}: {{{f}: a}}, {f}Q: true}}");
    }
    std::fs::write(dir.join("user.yaml"), y).unwrap();
}

#[test]
fn generated_rust_is_laid_out_as_rustfmt_lays_it_out() {
    if !require(on_path("rustfmt"), "rustfmt") {
        return;
    }
    // Kept under target/ after the run, so that a failure can be looked at (`rustfmt --edition 2021
    // --config-path /dev/null FILE` shows the layout rustfmt wants).
    let dir = root().join("target/msgpact/rustfmt-sweep");
    let _ = std::fs::remove_dir_all(&dir);
    // Up to 40 characters every line keeps a layout rustfmt can reach; up to 50, the longest entries of
    // the TYPES table no longer fit anywhere and rustfmt (like codegen) leaves that table on one line.
    let mut sets: Vec<(String, PathBuf)> = Vec::new();
    for max in [40, 50] {
        let contracts = dir.join(format!("sweep-{max}"));
        std::fs::create_dir_all(&contracts).unwrap();
        sweep_contracts(&contracts, max);
        sets.push((format!("names of 1 to {max} characters"), contracts));
    }
    sets.push(("the repository's contracts".into(), root().join("contracts")));
    sets.push(("the Go kitchen sink".into(), root().join("harness/go/generated_test/testdata/contracts")));
    sets.push(("the torture names".into(), root().join("tests/fixtures/torture/contracts")));
    let mut failures = Vec::new();
    for (i, (what, path)) in sets.iter().enumerate() {
        let (c, diags) = Contracts::load_dir(path);
        let errors: Vec<String> = diags.sorted().iter().map(|d| d.render(&c.sources)).collect();
        assert!(!diags.has_errors(), "{what}: {errors:?}");
        let opts = Options { lang: Lang::Rust, out: dir.clone(), go_import_path: None };
        let files = codegen::generate(&c, &opts).unwrap();
        let file = dir.join(format!("generated-{i}.rs"));
        std::fs::write(&file, &files[0].content).unwrap();
        if let Err(diff) = rustfmt_check(&file) {
            failures.push(format!("{what}:\n{}", diff.lines().take(80).collect::<Vec<_>>().join("\n")));
        }
    }
    assert!(failures.is_empty(), "rustfmt would lay out generated Rust differently:\n{}", failures.join("\n\n"));
}

/// The torture names (tests/fixtures/torture/contracts: 64-character names, keywords, escapes) keep the
/// layout the generators promise: gofmt has nothing to change in the Go, and the Python stays within its
/// 120 columns (the width pycodestyle checks in harness/python/tests/test_generated.py).
#[test]
fn torture_names_keep_the_go_and_python_layout() {
    let (c, diags) = Contracts::load_dir(&root().join("tests/fixtures/torture/contracts"));
    assert!(!diags.has_errors(), "{}", diags.render_all(&c.sources));
    let opts = |lang| Options { lang, out: PathBuf::from("gen"), go_import_path: Some("example.com/gen".into()) };
    for f in codegen::generate(&c, &opts(Lang::Python)).unwrap() {
        for (i, line) in f.content.lines().enumerate() {
            let n = line.chars().count();
            assert!(n <= 120, "{}:{}: {n} columns: {line}", f.path.display(), i + 1);
        }
    }
    let Some(gofmt) = go_tool("gofmt") else {
        require(false, "gofmt");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for f in codegen::generate(&c, &opts(Lang::Go)).unwrap() {
        let path = dir.path().join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &f.content).unwrap();
    }
    let listed = run_ok(Command::new(gofmt).arg("-l").arg(dir.path()), "gofmt -l");
    assert!(listed.trim().is_empty(), "gofmt would reformat generated Go of the torture names:\n{listed}");
}
