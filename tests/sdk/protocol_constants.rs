//! One protocol, one table: the constants of docs/peer-protocol.md come from `msgpact::peer::protocol::CONSTANTS`
//! (src/peer/protocol.rs), and every copy must say the same. The Rust, Python and Go peer SDKs are packages of
//! their own (a crate, a distribution, a Go module) that cannot read msgpact's source, so each keeps its own
//! `protocol` file; these tests read those files as text and fail, naming the constant and the line to write,
//! when one of them, or the document's table, differs from the source. They also check that the three SDKs
//! keep one file map and one vocabulary, so that a reader of one finds everything in the others.
use crate::common::root;
use msgpact::peer::protocol::{go_name, Constant, Value, CONSTANTS, HELLO_FIELDS};
use std::collections::BTreeMap;

/// What a file declares: constant name -> value as written (`1`, `"ok"`), for the literal constants only.
type Declared = BTreeMap<String, String>;

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn literal(v: &str) -> Option<String> {
    let v = v.trim();
    let is_int = !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '_');
    let is_str = v.len() >= 2 && v.starts_with('"') && v.ends_with('"') && !v[1..v.len() - 1].contains('"');
    (is_int || is_str).then(|| v.replace('_', if is_int { "" } else { "_" }))
}

/// `pub const NAME: TYPE = VALUE;` (harness/rust/peer/src/protocol.rs).
fn rust_constants(text: &str) -> Declared {
    text.lines()
        .filter_map(|l| l.strip_prefix("pub const "))
        .filter_map(|l| {
            let (name, rest) = l.split_once(':')?;
            let value = literal(rest.split_once('=')?.1.trim().strip_suffix(';')?)?;
            Some((name.trim().to_string(), value))
        })
        .collect()
}

/// `NAME = VALUE` at the top level of a module (harness/python/msgpact_peer/protocol.py).
fn python_constants(text: &str) -> Declared {
    text.lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
        .filter_map(|l| {
            let (name, value) = l.split_once(" = ")?;
            Some((name.trim().to_string(), literal(value.split(" #").next()?)?))
        })
        .collect()
}

/// `const Name = VALUE`, or `Name [Type] = VALUE` inside a `const ( ... )` block (harness/go/peer/protocol.go).
fn go_constants(text: &str) -> Declared {
    let mut out = Declared::new();
    let mut in_block = false;
    for line in text.lines() {
        let l = line.trim();
        if line == "const (" {
            in_block = true;
            continue;
        }
        if in_block && l == ")" {
            in_block = false;
            continue;
        }
        // Top-level declarations only: a `const` inside a function is the function's own.
        let decl = match line.strip_prefix("const ") {
            Some(d) => d,
            None if in_block => l,
            None => continue,
        };
        if let Some((lhs, value)) = decl.split_once('=') {
            let name = lhs.split_whitespace().next().unwrap_or("");
            if let Some(v) = literal(value.split("//").next().unwrap_or("")) {
                out.insert(name.to_string(), v);
            }
        }
    }
    out
}

fn written(c: &Constant) -> String {
    match c.value {
        Value::Int(i) => i.to_string(),
        Value::Str(s) => format!("{s:?}"),
    }
}

/// Every difference between a file's constants and the table, as lines saying what to write.
fn differences(
    file: &str,
    declared: &Declared,
    name_of: impl Fn(&str) -> String,
    line_of: impl Fn(&str, &str) -> String,
) -> Vec<String> {
    let mut problems = Vec::new();
    for c in CONSTANTS {
        let name = name_of(c.name);
        match declared.get(&name) {
            None => problems.push(format!("{file}: {name} is missing; add `{}`", line_of(&name, &written(c)))),
            Some(v) if *v != written(c) => problems.push(format!(
                "{file}: {name} is {v}, the protocol says {}: write `{}`",
                written(c),
                line_of(&name, &written(c))
            )),
            Some(_) => {}
        }
    }
    let known: Vec<String> = CONSTANTS.iter().map(|c| name_of(c.name)).collect();
    for name in declared.keys().filter(|n| !known.contains(n)) {
        problems.push(format!(
            "{file}: {name} is not a constant of the protocol: add it to CONSTANTS in src/peer/protocol.rs (and to the \
             other SDKs and docs/peer-protocol.md section 7), or make it private to the SDK"
        ));
    }
    problems
}

fn assert_no_differences(problems: Vec<String>) {
    assert!(problems.is_empty(), "the protocol's constants differ from src/peer/protocol.rs:\n{}", problems.join("\n"));
}

#[test]
fn the_table_names_each_constant_once() {
    let mut names: Vec<&str> = CONSTANTS.iter().map(|c| c.name).collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count, "a name appears twice in CONSTANTS");
    assert!(count >= 20, "{count} constants: the table lost some");
}

#[test]
fn the_rust_sdk_copy_is_the_table() {
    let file = "harness/rust/peer/src/protocol.rs";
    let declared = rust_constants(&read(file));
    assert!(declared.len() >= CONSTANTS.len() - 1, "{file}: found only {declared:?}");
    assert_no_differences(differences(file, &declared, str::to_string, |n, v| {
        format!("pub const {n}: {} = {v};", if v.starts_with('"') { "&str" } else { "..." })
    }));
}

#[test]
fn the_python_sdk_copy_is_the_table() {
    let file = "harness/python/msgpact_peer/protocol.py";
    let declared = python_constants(&read(file));
    assert!(declared.len() >= CONSTANTS.len() - 1, "{file}: found only {declared:?}");
    assert_no_differences(differences(file, &declared, str::to_string, |n, v| format!("{n} = {v}")));
}

#[test]
fn the_go_sdk_copy_is_the_table() {
    let file = "harness/go/peer/protocol.go";
    let declared = go_constants(&read(file));
    assert!(declared.len() >= CONSTANTS.len() - 1, "{file}: found only {declared:?}");
    assert_no_differences(differences(file, &declared, go_name, |n, v| format!("{n} = {v}")));
}

/// A copy that differs is found: the parsers above read what the SDK files really say, not nothing.
#[test]
fn a_changed_copy_is_caught_with_the_line_to_write() {
    let python = read("harness/python/msgpact_peer/protocol.py").replace("STATUS_OK = \"ok\"", "STATUS_OK = \"OK\"");
    let problems = differences("protocol.py", &python_constants(&python), str::to_string, |n, v| format!("{n} = {v}"));
    assert_eq!(problems, ["protocol.py: STATUS_OK is \"OK\", the protocol says \"ok\": write `STATUS_OK = \"ok\"`"]);
    let go = read("harness/go/peer/protocol.go").replace("MaxErrorBytes = 1000", "MaxErrorBytes = 1024");
    let problems = differences("protocol.go", &go_constants(&go), go_name, |n, v| format!("{n} = {v}"));
    assert_eq!(problems, ["protocol.go: MaxErrorBytes is 1024, the protocol says 1000: write `MaxErrorBytes = 1000`"]);
    let rust = read("harness/rust/peer/src/protocol.rs").replace("pub const ENV_PEER:", "pub const ENV_PEER_NAME:");
    let problems = differences("protocol.rs", &rust_constants(&rust), str::to_string, |n, v| format!("{n} = {v}"));
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("ENV_PEER is missing") && problems[1].contains("ENV_PEER_NAME is not a constant"));
}

const DOC: &str = "docs/peer-protocol.md";
const TABLE_START: &str = "<!-- constants: src/peer/protocol.rs -->";
const TABLE_END: &str = "<!-- end of constants -->";

/// The table of docs/peer-protocol.md section 7, as CONSTANTS says it must be.
fn doc_table() -> String {
    let mut t = String::from("| Rust, Python | Go | value | what for |\n|---|---|---|---|\n");
    for c in CONSTANTS {
        t += &format!("| `{}` | `{}` | `{}` | {} |\n", c.name, go_name(c.name), written(c), c.meaning);
    }
    t
}

#[test]
fn the_documents_table_is_the_table() {
    let doc = read(DOC);
    let start = doc.find(TABLE_START).unwrap_or_else(|| panic!("{DOC} lacks the line {TABLE_START}"));
    let end = doc.find(TABLE_END).unwrap_or_else(|| panic!("{DOC} lacks the line {TABLE_END}"));
    let table = doc[start + TABLE_START.len()..end].trim_start_matches('\n');
    assert_eq!(
        table,
        doc_table(),
        "{DOC} section 7 differs from src/peer/protocol.rs; write between the markers:\n{}",
        doc_table()
    );
}

/// The statuses, headers and environment variables the document's prose uses are the table's.
#[test]
fn the_documents_words_are_the_tables() {
    let doc = read(DOC);
    for c in CONSTANTS {
        if let Value::Str(s) = c.value {
            let outside_table = doc.replace(&doc_table(), "");
            assert!(outside_table.contains(s), "{DOC} never mentions {} (`{s}`) outside the table", c.name);
        }
    }
    let example = doc.split("```json").nth(1).and_then(|b| b.split("```").next()).expect("the hello example");
    let keys: Vec<&str> =
        example.lines().filter_map(|l| l.trim().strip_prefix('"')).filter_map(|l| l.split('"').next()).collect();
    assert_eq!(keys, HELLO_FIELDS, "{DOC} section 3's hello example has other keys than HELLO_FIELDS");
}

/// Each SDK builds the hello reply with the keys of HELLO_FIELDS, in its hello file.
#[test]
fn the_sdks_say_hello_with_the_same_keys() {
    for (file, quote) in [
        ("harness/rust/peer/src/hello.rs", "\""),
        ("harness/python/msgpact_peer/hello.py", "\""),
        ("harness/go/peer/hello.go", "json:\""),
    ] {
        let text = read(file);
        let mut at = 0;
        for key in HELLO_FIELDS {
            let needle = format!("{quote}{key}\"");
            let found = text[at..]
                .find(&needle)
                .unwrap_or_else(|| panic!("{file}: no hello key `{key}` after the previous one"));
            at += found + needle.len();
        }
    }
}

/// One file map: each SDK has a protocol, config, peer, serve and hello file, where a reader of another SDK
/// looks for the same things.
#[test]
fn the_three_sdks_have_one_file_map_and_one_vocabulary() {
    let maps = [("harness/rust/peer/src", "rs"), ("harness/python/msgpact_peer", "py"), ("harness/go/peer", "go")];
    for (dir, ext) in maps {
        for stem in ["protocol", "config", "peer", "serve", "hello"] {
            let path = root().join(dir).join(format!("{stem}.{ext}"));
            assert!(path.is_file(), "{} is missing: the SDKs share one file map", path.display());
        }
    }
    // The words each file is for, in each language's spelling.
    let words: [(&str, &[(&str, &str)]); 3] = [
        (
            "rs",
            &[
                ("peer", "pub fn register<"),
                ("peer", "pub fn roundtrip("),
                ("peer", "pub struct Info"),
                ("serve", "pub fn run(self)"),
                ("serve", "pub async fn serve("),
                ("config", "pub struct Config"),
                ("config", "pub fn from_env("),
            ],
        ),
        (
            "py",
            &[
                ("peer", "def register(self"),
                ("peer", "def roundtrip(self"),
                ("peer", "class Info"),
                ("peer", "def run(self"),
                ("serve", "async def serve("),
                ("config", "class Config"),
                ("config", "def from_env("),
            ],
        ),
        (
            "go",
            &[
                ("peer", "func Register["),
                ("peer", "func (p *Peer) Roundtrip("),
                ("peer", "type Info struct"),
                ("serve", "func (p *Peer) Run()"),
                ("serve", "func (p *Peer) Serve("),
                ("config", "type Config struct"),
                ("config", "func ConfigFromEnv("),
            ],
        ),
    ];
    for (ext, expected) in words {
        let dir = maps.iter().find(|(_, e)| *e == ext).unwrap().0;
        for (stem, word) in expected.iter() {
            let file = format!("{dir}/{stem}.{ext}");
            assert!(read(&file).contains(word), "{file} lacks `{word}`");
        }
    }
}
