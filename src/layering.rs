//! The layering of the crate, checked (a test module: nothing here is compiled into msgpact).
//!
//! [`LAYERS`] is the one statement of the order in which msgpact's modules may use each other: a module
//! uses only modules of earlier layers (and its own), never one of its own layer or a later one. The test
//! reads every `crate::` path in the source (`use` lines and inline paths alike, comments and string
//! literals left out) and fails on one that points up the pipeline, on a module missing from `LAYERS`, and
//! on a module the docs of lib.rs or the README's layout table do not name. A second test finds cycles
//! between the files of one module (`run.rs` using `startup.rs` using `run.rs`): a module's `mod.rs` is its
//! face and may re-export its files, which in turn may use what `mod.rs` itself defines; among the other
//! files, uses point one way (a file's own tests may use any file).
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, first to last. The data's way: contracts are loaded (in the MessagePack values of `wire`),
/// annotated and turned into golden vectors; codegen, breaking, the NATS server and the peers each build on
/// those; verify runs them; report shows it; cli ties everything to the command line.
pub(crate) const LAYERS: &[&[&str]] = &[
    // Foundation: files and positions, bounds, atomic writes, signals, progress, the interop classes.
    &["source", "limits", "fsx", "signals", "progress", "classes"],
    &["diag", "redact"],
    &["yaml"],
    // The MessagePack data model: what contract examples are written in.
    &["wire"],
    &["contract"],
    &["annotate"],
    &["golden"],
    // Four independent users of the contracts and vectors.
    &["codegen", "breaking", "nats", "peer"],
    &["verify"],
    &["report"],
    // A service repository's setup (msgpact.toml, pinned contracts, init): for the commands only.
    &["project"],
    &["cli"],
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file of the crate under `src/`, as (module path, file). The runtimes that codegen embeds
/// (`src/codegen/*/runtime/`) are text for other programs, not modules.
fn modules() -> Vec<(Vec<String>, PathBuf)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "runtime") {
                    walk(&p, out);
                }
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&src(), &mut files);
    let mut out = Vec::new();
    for f in files {
        let rel = f.strip_prefix(src()).unwrap();
        let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        let last = parts.pop().unwrap();
        match last.as_str() {
            "lib.rs" | "main.rs" if parts.is_empty() => continue,
            "mod.rs" => {}
            name => parts.push(name.trim_end_matches(".rs").to_string()),
        }
        out.push((parts, f));
    }
    out
}

/// The source without comments, string and character literals (each replaced by a space), so that only
/// code is searched for paths.
fn code_only(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == '*' && b[i + 1] == '/') {
                i += 1;
            }
            i += 2;
            out.push(' ');
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !ident_before(&b, i) {
            // A raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while j < b.len() && b[j] == '#' {
                hashes += 1;
                j += 1;
            }
            if j < b.len() && b[j] == '"' {
                j += 1;
                loop {
                    if j >= b.len() {
                        break;
                    }
                    if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                        j += 1 + hashes;
                        break;
                    }
                    j += 1;
                }
                i = j;
                out.push(' ');
            } else {
                out.push(c);
                i += 1;
            }
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push(' ');
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1f}'), or a lifetime ('a), which is kept.
            if next == Some('\\') {
                let mut j = i + 2;
                while j < b.len() && b[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
                out.push(' ');
            } else if b.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push(' ');
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(b: &[char], i: usize) -> bool {
    i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_')
}

/// Every path that starts with `crate::`, `super::` or `self::` in `code`, expanded over `{...}` groups,
/// as segments (`["crate", "golden", "store"]`). Paths inside an inline module (`mod tests { ... }`) start
/// one level deeper: their `super` is the file's own module.
fn paths(code: &str) -> Vec<(Vec<String>, bool)> {
    let chars: Vec<char> = code.chars().collect();
    let inline_mod = code.find("mod tests {").or_else(|| code.find("mod tests{"));
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let rest: String = chars[i..chars.len().min(i + 7)].iter().collect();
        let starts = ["crate::", "super::", "self::"].iter().find(|p| rest.starts_with(**p));
        if let (Some(_), false) = (starts, ident_before(&chars, i)) {
            let inside = inline_mod.is_some_and(|m| byte_index(code, i) > m);
            let (list, end) = parse_path(&chars, i);
            for p in list {
                out.push((p, inside));
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

fn byte_index(s: &str, char_index: usize) -> usize {
    s.char_indices().nth(char_index).map_or(s.len(), |(b, _)| b)
}

/// Parses `a::b::{c, d::e}` from `i`: the expanded paths and where parsing stopped.
fn parse_path(c: &[char], mut i: usize) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    loop {
        while i < c.len() && c[i].is_whitespace() {
            i += 1;
        }
        if i < c.len() && c[i] == '{' {
            i += 1;
            let mut all = Vec::new();
            loop {
                while i < c.len() && (c[i].is_whitespace() || c[i] == ',') {
                    i += 1;
                }
                if i >= c.len() || c[i] == '}' {
                    i += 1;
                    break;
                }
                let (inner, end) = parse_path(c, i);
                for p in inner {
                    let mut full = prefix.clone();
                    full.extend(p);
                    all.push(full);
                }
                i = end;
                // skip `as name` and anything else up to the next `,` or `}`
                while i < c.len() && c[i] != ',' && c[i] != '}' {
                    i += 1;
                }
            }
            return (all, i);
        }
        let start = i;
        while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '*') {
            i += 1;
        }
        if start == i {
            return (vec![prefix], i);
        }
        prefix.push(c[start..i].iter().collect());
        if c.get(i) == Some(&':') && c.get(i + 1) == Some(&':') {
            i += 2;
        } else {
            return (vec![prefix], i);
        }
    }
}

/// The module a path refers to, resolved from the module `from`: the longest prefix that names a module
/// file (items beyond it are that module's). `None` for paths that leave the crate.
fn resolve(from: &[String], path: &[String], known: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    let mut base: Vec<String> = Vec::new();
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => rest = &path[1..],
        Some("self") | Some("super") => {
            base = from.to_vec();
            while let Some(seg) = rest.first() {
                match seg.as_str() {
                    "self" => {}
                    "super" => {
                        base.pop()?;
                    }
                    _ => break,
                }
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    let mut best = base.clone();
    let mut cur = base;
    for seg in rest {
        cur.push(seg.clone());
        if known.contains(&cur) {
            best = cur.clone();
        } else {
            break;
        }
    }
    Some(best)
}

/// (file's module, module it uses, the path as written, whether in the file's test module) for every use in
/// the crate.
fn uses() -> Vec<(Vec<String>, Vec<String>, String, bool)> {
    let mods = modules();
    let known: BTreeSet<Vec<String>> = mods.iter().map(|(m, _)| m.clone()).collect();
    let mut out = Vec::new();
    for (m, file) in &mods {
        let code = code_only(&std::fs::read_to_string(file).unwrap());
        for (p, in_inline_mod) in paths(&code) {
            let mut from = m.clone();
            if in_inline_mod {
                from.push("tests".into());
            }
            let Some(to) = resolve(&from, &p, &known) else { continue };
            out.push((m.clone(), to, p.join("::"), in_inline_mod));
        }
    }
    out
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

#[test]
fn imports_point_down_the_layers() {
    let mut wrong = BTreeSet::new();
    for (from, to, path, _) in uses() {
        let (Some(a), Some(b)) = (from.first(), to.first()) else { continue };
        if a == b {
            continue;
        }
        let (Some(la), Some(lb)) = (layer_of(a), layer_of(b)) else { continue };
        if lb >= la {
            wrong.insert(format!("src/{} uses `{path}`: `{b}` is layer {lb}, `{a}` layer {la}", from.join("/")));
        }
    }
    assert!(wrong.is_empty(), "imports that point up the pipeline (or across a layer):\n{}", join(&wrong));
}

#[test]
fn every_module_has_a_layer_and_is_documented() {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let readme = std::fs::read_to_string(src().join("../README.md")).unwrap();
    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod ").or_else(|| l.trim().strip_prefix("mod ")))
        .map(|l| l.trim_end_matches(';'))
        .filter(|m| *m != "layering")
        .collect();
    assert!(declared.len() > 10, "lib.rs declares its modules: {declared:?}");
    let mut missing = BTreeSet::new();
    for m in &declared {
        if layer_of(m).is_none() {
            missing.insert(format!("`{m}` has no layer in src/layering.rs LAYERS"));
        }
        if !lib.contains(&format!("[`{m}`]")) {
            missing.insert(format!("`{m}` is not named in the docs of lib.rs (as [`{m}`])"));
        }
        let shown =
            if src().join(format!("{m}.rs")).is_file() { format!("`src/{m}.rs`") } else { format!("`src/{m}/`") };
        if !readme.contains(&shown) {
            missing.insert(format!("`{m}` is not in the README's layout table (as {shown})"));
        }
    }
    for m in LAYERS.iter().flat_map(|l| l.iter()) {
        if !declared.contains(m) {
            missing.insert(format!("`{m}` is in LAYERS but lib.rs does not declare it"));
        }
    }
    assert!(missing.is_empty(), "{}", join(&missing));
}

#[test]
fn the_files_of_a_module_use_each_other_one_way() {
    // Edges between files of the same parent module, leaving out uses of an ancestor (the face).
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (from, to, _, in_tests) in uses() {
        if in_tests || from == to || from.starts_with(&to) || to.starts_with(&from) {
            continue;
        }
        if from.first() != to.first() {
            continue; // across top-level modules: the layers decide
        }
        edges.entry(from).or_default().insert(to);
    }
    let mut cycles = BTreeSet::new();
    for start in edges.keys() {
        // Depth-first search for a way back to `start`.
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((node, way)) = stack.pop() {
            for next in edges.get(&node).into_iter().flatten() {
                if next == start {
                    // Each cycle once, starting at its smallest file.
                    let mut names: Vec<String> = way.iter().map(|m| m.join("/")).collect();
                    let first = (0..names.len()).min_by_key(|&i| names[i].clone()).unwrap();
                    names.rotate_left(first);
                    names.push(names[0].clone());
                    cycles.insert(names.join(" -> "));
                } else if seen.insert(next.clone()) {
                    let mut w = way.clone();
                    w.push(next.clone());
                    stack.push((next.clone(), w));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "files of one module that use each other in a cycle:\n{}", join(&cycles));
}

/// The parser itself: groups, `self`, `super`, comments and strings.
#[test]
fn reads_paths_the_way_rust_does() {
    let code = code_only(
        "use crate::golden::{self, store, Case};\n// crate::report\nlet s = \"crate::cli\";\nlet c = '\"';\n\
         use super::{a::B, c};\nfn f<'a>() { crate::nats::start() }\n",
    );
    let found: Vec<String> = paths(&code).into_iter().map(|(p, _)| p.join("::")).collect();
    assert_eq!(
        found,
        [
            "crate::golden::self",
            "crate::golden::store",
            "crate::golden::Case",
            "super::a::B",
            "super::c",
            "crate::nats::start"
        ]
    );
    let known: BTreeSet<Vec<String>> =
        [vec!["verify".to_string()], vec!["verify".into(), "batch".into()]].into_iter().collect();
    let from = vec!["verify".to_string(), "run".to_string()];
    let p = |s: &str| s.split("::").map(String::from).collect::<Vec<_>>();
    assert_eq!(resolve(&from, &p("super::batch::forward"), &known), Some(p("verify::batch")));
    assert_eq!(resolve(&from, &p("super::Options"), &known), Some(p("verify")));
    assert_eq!(resolve(&from, &p("std::fs"), &known), None);
}

fn join(set: &BTreeSet<String>) -> String {
    set.iter().map(|s| format!("  {s}")).collect::<Vec<_>>().join("\n")
}
