//! `msgpact init`: the files that make a service repository checkable, from templates that are real files.
//!
//! The templates live in `src/project/templates/` (msgpact.toml, one peer skeleton per language; the Rust
//! peer's manifest is `Cargo.toml.in`, since `cargo package` leaves out a directory with a Cargo.toml) and
//! `ci/templates/` (GitHub Actions, GitLab CI), included at compile time. `@@name@@` placeholders (a form no
//! language or CI system uses) are filled here; the only code written per message type is a registration line and a pair of stub functions
//! that fail with "not written yet", so that `msgpact verify` names every type the team has left to do.
use crate::codegen::naming::{pascal_case, snake_case};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Where msgpact's own repository is published: the SDKs come from there unless `--sdk DIR` names a checkout.
pub const REPOSITORY: &str = "https://github.com/msgpact/msgpact";
/// The Go SDK's module path (a module in a subdirectory of the repository, tagged `harness/go/peer/vX.Y.Z`),
/// also the import path of its package `peer`.
pub const GO_MODULE: &str = "github.com/msgpact/msgpact/harness/go/peer";

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    Go,
    Python,
    Rust,
}

impl Lang {
    pub fn id(self) -> &'static str {
        match self {
            Lang::Go => "go",
            Lang::Python => "python",
            Lang::Rust => "rust",
        }
    }
}

/// The contracts as msgpact.toml will name them.
#[derive(Clone, Debug)]
pub enum ContractsSource {
    /// A directory of this repository, and its golden vectors.
    Dir { dir: String, golden: String },
    /// A git repository at a tag, with the contracts and golden directories inside it.
    Git { url: String, tag: String, dir: String, golden: String },
}

/// What `init` writes.
#[derive(Clone, Debug)]
pub struct Options {
    pub lang: Lang,
    pub source: ContractsSource,
    /// The peer's name (its directory under `peers/`).
    pub name: String,
    /// The message types the peer must serve.
    pub types: Vec<String>,
    /// A local checkout of msgpact whose SDKs the peer uses, instead of the published ones.
    pub sdk: Option<PathBuf>,
    /// Whether the repository has a `requirements.txt` (the Python peer's venv installs it).
    pub requirements: bool,
}

const MSGPACT_TOML: &str = include_str!("templates/msgpact.toml");
const GO_PEER_TOML: &str = include_str!("templates/go/peer.toml");
const GO_MAIN: &str = include_str!("templates/go/main.go");
const GO_CODEC: &str = include_str!("templates/go/codec.go");
const PY_PEER_TOML: &str = include_str!("templates/python/peer.toml");
const PY_PEER: &str = include_str!("templates/python/peer.py");
const PY_CODEC: &str = include_str!("templates/python/codec.py");
const RUST_PEER_TOML: &str = include_str!("templates/rust/peer.toml");
const RUST_CARGO: &str = include_str!("templates/rust/Cargo.toml.in");
const RUST_MAIN: &str = include_str!("templates/rust/main.rs");
const RUST_CODEC: &str = include_str!("templates/rust/codec.rs");
const GITHUB: &str = include_str!("../../ci/templates/github.yml");
const GITLAB: &str = include_str!("../../ci/templates/gitlab.yml");

/// Fills `@@key@@` placeholders; every placeholder of the template must be given (a test checks them all).
/// The result ends with one newline.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in values {
        out = out.replace(&format!("@@{k}@@"), v);
    }
    debug_assert!(!out.contains("@@"), "a placeholder is left in:\n{out}");
    format!("{}\n", out.trim_end())
}

/// One function name stem per type (`chat.ChatTurn` -> `ChatChatTurn` / `chat_chat_turn`), unique.
fn stems(types: &[String], case: fn(&str) -> String) -> Vec<String> {
    let mut seen = BTreeSet::new();
    types
        .iter()
        .map(|t| {
            let (p, m) = t.split_once('.').unwrap_or(("", t));
            let base = case(&format!("{}_{}", p, snake_case(m)));
            let mut stem = base.clone();
            let mut n = 2;
            while !seen.insert(stem.clone()) {
                stem = format!("{base}{n}");
                n += 1;
            }
            stem
        })
        .collect()
}

/// The SDK's source in each language's own terms.
fn sdk_python(o: &Options) -> String {
    match &o.sdk {
        Some(dir) => dir.join("harness/python").display().to_string(),
        None => format!("msgpact-peer @ git+{REPOSITORY}@v{}#subdirectory=harness/python", env!("CARGO_PKG_VERSION")),
    }
}

fn sdk_rust(o: &Options) -> String {
    match &o.sdk {
        Some(dir) => format!("{{ path = \"{}\" }}", dir.join("harness/rust/peer").display()),
        None => format!("{{ git = \"{REPOSITORY}\", tag = \"v{}\" }}", env!("CARGO_PKG_VERSION")),
    }
}

/// `key = "value"` with its comment aligned at the column of the template's comments.
fn line(key: &str, value: &str, comment: &str) -> String {
    let kv = format!("{key} = \"{value}\"");
    if comment.is_empty() {
        kv
    } else {
        format!("{kv:<21} # {comment}")
    }
}

/// msgpact.toml.
pub fn msgpact_toml(o: &Options) -> String {
    let source = match &o.source {
        ContractsSource::Dir { dir, golden } => [
            line("dir", dir, "the contracts directory of this repository"),
            line("golden", golden, "their golden vectors (`msgpact golden --write` makes them)"),
        ]
        .join("\n"),
        ContractsSource::Git { url, tag, dir, golden } => [
            line("git", url, ""),
            line("tag", tag, "the release checked against: `msgpact contracts update` moves it (and msgpact.lock)"),
            line("dir", dir, "the contracts directory in that repository"),
            line("golden", golden, "its golden vectors"),
        ]
        .join("\n"),
    };
    let required: Vec<String> = o.types.iter().map(|t| format!("  \"{t}\",")).collect();
    fill(MSGPACT_TOML, &[("source", &source), ("required", &required.join("\n"))])
}

/// Every file of the scaffold, relative to the repository's root, with its content.
pub fn files(o: &Options) -> Vec<(PathBuf, String)> {
    let peer = PathBuf::from("peers").join(&o.name);
    let mut out = vec![(PathBuf::from(super::FILE), msgpact_toml(o))];
    let name = o.name.as_str();
    match o.lang {
        Lang::Go => {
            let stems = stems(&o.types, pascal_case);
            let regs: Vec<String> = o
                .types
                .iter()
                .zip(&stems)
                .map(|(t, s)| format!("\tpeer.Register(p, \"{t}\", decode{s}, encode{s})"))
                .collect();
            let funcs: Vec<String> = o
                .types
                .iter()
                .zip(&stems)
                .map(|(t, s)| {
                    format!(
                        "// {t}: decode into the service's own type (replace `any` with it), and encode it back.\nfunc decode{s}(b []byte) (any, error) {{\n\treturn nil, errors.New(\"{t}: decode is not written yet\")\n}}\n\nfunc encode{s}(v any) ([]byte, error) {{\n\treturn nil, errors.New(\"{t}: encode is not written yet\")\n}}\n"
                    )
                })
                .collect();
            out.push((peer.join("peer.toml"), fill(GO_PEER_TOML, &[("name", name)])));
            out.push((
                peer.join("main.go"),
                fill(GO_MAIN, &[("module", GO_MODULE), ("registrations", &regs.join("\n"))]),
            ));
            out.push((peer.join("codec.go"), fill(GO_CODEC, &[("functions", &funcs.join("\n"))])));
        }
        Lang::Python => {
            let stems = stems(&o.types, snake_case);
            let regs: Vec<String> = o
                .types
                .iter()
                .zip(&stems)
                .map(|(t, s)| format!("    peer.register(\"{t}\", decode=codec.decode_{s}, encode=codec.encode_{s})"))
                .collect();
            let funcs: Vec<String> = o
                .types
                .iter()
                .zip(&stems)
                .map(|(t, s)| {
                    format!(
                        "def decode_{s}(payload: bytes):\n    \"\"\"{t}: decode into the service's own type.\"\"\"\n    raise NotImplementedError(\"{t}: decode is not written yet\")\n\n\ndef encode_{s}(value) -> bytes:\n    \"\"\"{t}: encode the service's own type.\"\"\"\n    raise NotImplementedError(\"{t}: encode is not written yet\")\n"
                    )
                })
                .collect();
            let sdk = sdk_python(o);
            let mut install = String::new();
            if o.requirements {
                install.push_str("\"-r\", \"{root}/requirements.txt\", ");
            }
            install.push_str(&format!("\"{sdk}\""));
            // A local SDK checkout (`--sdk`) is no input: inputs are inside the repository (E902). Its build
            // command names it, so another checkout rebuilds the venv.
            let inputs: Vec<String> =
                o.requirements.then(|| "\"{root}/requirements.txt\"".to_string()).into_iter().collect();
            out.push((
                peer.join("peer.toml"),
                fill(PY_PEER_TOML, &[("name", name), ("install", &install), ("inputs", &inputs.join(", "))]),
            ));
            out.push((peer.join("peer.py"), fill(PY_PEER, &[("registrations", &regs.join("\n"))])));
            out.push((peer.join("codec.py"), fill(PY_CODEC, &[("functions", &funcs.join("\n\n"))])));
        }
        Lang::Rust => {
            let stems = stems(&o.types, snake_case);
            let regs: Vec<String> = o
                .types
                .iter()
                .zip(&stems)
                .map(|(t, s)| format!("    peer.register(\"{t}\", codec::decode_{s}, codec::encode_{s});"))
                .collect();
            let funcs: Vec<String> = o
                .types
                .iter()
                .zip(&stems)
                .map(|(t, s)| {
                    format!(
                        "/// {t}: decode into the service's own type (replace `()` with it).\npub fn decode_{s}(_payload: &[u8]) -> Result<(), String> {{\n    Err(\"{t}: decode is not written yet\".into())\n}}\n\n/// {t}: encode the service's own type.\npub fn encode_{s}(_value: &()) -> Result<Vec<u8>, String> {{\n    Err(\"{t}: encode is not written yet\".into())\n}}\n"
                    )
                })
                .collect();
            out.push((peer.join("peer.toml"), fill(RUST_PEER_TOML, &[("name", name)])));
            out.push((peer.join("Cargo.toml"), fill(RUST_CARGO, &[("name", name), ("sdk", &sdk_rust(o))])));
            out.push((peer.join("src/main.rs"), fill(RUST_MAIN, &[("registrations", &regs.join("\n"))])));
            out.push((peer.join("src/codec.rs"), fill(RUST_CODEC, &[("functions", &funcs.join("\n"))])));
        }
    }
    let (setup_github, image) = match o.lang {
        Lang::Go => (
            "      - uses: actions/setup-go@v5\n        with:\n          go-version-file: go.mod\n",
            "golang:1.24-bookworm",
        ),
        Lang::Python => (
            "      - uses: actions/setup-python@v5\n        with:\n          python-version: \"3.12\"\n",
            "python:3.12-bookworm",
        ),
        Lang::Rust => ("", "rust:1-bookworm"),
    };
    let version = env!("CARGO_PKG_VERSION");
    let values = [("setup", setup_github), ("image", image), ("version", version), ("repository", REPOSITORY)];
    out.push((PathBuf::from(".github/workflows/msgpact.yml"), fill(GITHUB, &values)));
    out.push((PathBuf::from("msgpact.gitlab-ci.yml"), fill(GITLAB, &values)));
    out
}

/// What to do after `init`, in the language's own commands.
pub fn next_steps(o: &Options) -> Vec<String> {
    let peer = format!("peers/{}", o.name);
    let mut steps = Vec::new();
    match o.lang {
        Lang::Go => {
            match &o.sdk {
                None => steps.push(format!(
                    "add the SDK to go.mod (nothing else in it moves): `go get {GO_MODULE}@v{}`",
                    env!("CARGO_PKG_VERSION")
                )),
                Some(dir) => steps.push(format!(
                    "add the SDK from {}: `go mod edit -require={GO_MODULE}@v0.0.0 -replace={GO_MODULE}={}` then `go mod tidy`",
                    dir.display(),
                    dir.join("harness/go/peer").display()
                )),
            }
            steps.push(format!("write the decode and encode functions in {peer}/codec.go with the service's own types"));
        }
        Lang::Python => steps.push(format!(
            "write the decode and encode functions in {peer}/codec.py with the service's own types (the peer runs with the repository's root on PYTHONPATH)"
        )),
        Lang::Rust => steps.push(format!(
            "add the service's crate to {peer}/Cargo.toml and write the decode and encode functions in {peer}/src/codec.rs"
        )),
    }
    steps.push("`msgpact verify` runs the gate (it names every type whose functions are not written yet)".into());
    steps.push(
        "commit msgpact.toml, msgpact.lock, peers/ and the CI file of your system (.github/workflows/msgpact.yml, or include msgpact.gitlab-ci.yml from .gitlab-ci.yml)"
            .into(),
    );
    steps
}

/// A peer name from the repository's directory name: `billing` -> `billing-go`.
pub fn default_name(dir_name: &str, lang: Lang) -> String {
    let base: String = dir_name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '-' })
        .collect();
    let base = base.trim_matches('-');
    if base.is_empty() {
        format!("own-{}", lang.id())
    } else {
        format!("{base}-{}", lang.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(lang: Lang) -> Options {
        Options {
            lang,
            source: ContractsSource::Git {
                url: "https://x/contracts.git".into(),
                tag: "v1.0.0".into(),
                dir: "contracts".into(),
                golden: "golden".into(),
            },
            name: "billing".into(),
            types: vec!["chat.ChatTurn".into(), "common.TokenUsage".into()],
            sdk: None,
            requirements: true,
        }
    }

    #[test]
    fn every_template_placeholder_is_filled_for_every_language() {
        for lang in [Lang::Go, Lang::Python, Lang::Rust] {
            for (path, text) in files(&opts(lang)) {
                assert!(!text.contains("@@"), "{}: {text}", path.display());
                assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "{}", path.display());
            }
        }
    }

    #[test]
    fn the_msgpact_toml_it_writes_reads_back() {
        let text = msgpact_toml(&opts(Lang::Go));
        let c = super::super::config::parse(std::path::Path::new("msgpact.toml"), &text).unwrap();
        assert_eq!(
            c.required.iter().map(|r| r.value.as_str()).collect::<Vec<_>>(),
            ["chat.ChatTurn", "common.TokenUsage"]
        );
        assert!(matches!(c.source, super::super::Source::Git { .. }));
    }

    #[test]
    fn every_type_is_registered_with_its_own_functions() {
        let go = files(&opts(Lang::Go));
        let main = &go.iter().find(|(p, _)| p.ends_with("main.go")).unwrap().1;
        assert!(main.contains("peer.Register(p, \"chat.ChatTurn\", decodeChatChatTurn, encodeChatChatTurn)"), "{main}");
        let py = files(&opts(Lang::Python));
        let codec = &py.iter().find(|(p, _)| p.ends_with("codec.py")).unwrap().1;
        assert!(codec.contains("def decode_common_token_usage(payload: bytes):"), "{codec}");
    }

    #[test]
    fn names() {
        assert_eq!(default_name("Billing Service", Lang::Go), "billing-service-go");
        assert_eq!(default_name("...", Lang::Python), "own-python");
        assert_eq!(stems(&["a.B".into(), "a_.B".into()], snake_case).len(), 2);
    }
}
