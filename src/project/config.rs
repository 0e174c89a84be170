//! `msgpact.toml`: read, checked, every problem located at `msgpact.toml:LINE:COL` with a hint.
//!
//! The format (docs/adopt.md has it with comments):
//!
//! ```toml
//! [contracts]
//! git = "https://github.com/acme/contracts.git"   # left out: the contracts are in this repository
//! tag = "v1.2.0"                                   # or rev = "<commit>"; git sources need one of them
//! dir = "contracts"                                # the contracts directory (in that repository, or this one)
//! golden = "golden"                                # the golden vectors, next to them
//! outdated = "warn"                                # `contracts status` on a newer compatible release: warn or fail
//!
//! [peers]
//! dir = "peers"                                    # every peers/*/peer.toml is a peer of this repository
//! required = ["billing.Invoice"]                   # message types those peers must serve
//!
//! [policy]                                         # classes of findings that fail or only warn (as in peer.toml)
//! int-width = "warn"
//! ```
use super::{Error, Located};
#[cfg(test)]
use crate::classes::Class;
use crate::classes::{Gate, PolicyKey};
use crate::diag::Code;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

/// The file's name, at the root of a repository.
pub const FILE: &str = "msgpact.toml";

/// Where the contracts come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A directory of this repository (`dir`, relative to the project root).
    Local,
    /// A git repository pinned to a tag or a commit; `dir` and `golden` are paths inside it.
    Git { url: Located<String>, pin: Located<Pin> },
}

/// What a git source is pinned to, as msgpact.toml says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pin {
    Tag(String),
    Rev(String),
}

impl Pin {
    /// The ref as git takes it.
    pub fn rev(&self) -> &str {
        match self {
            Pin::Tag(t) | Pin::Rev(t) => t,
        }
    }
    /// `tag v1.2.0` / `rev 0123abcd`.
    pub fn describe(&self) -> String {
        match self {
            Pin::Tag(t) => format!("tag {t}"),
            Pin::Rev(r) => format!("rev {}", &r[..r.len().min(12)]),
        }
    }
}

/// msgpact.toml, checked. Paths are as written (relative, `/`-separated, never leaving their root).
#[derive(Clone, Debug)]
pub struct Config {
    pub source: Source,
    /// The contracts directory: in this repository for [`Source::Local`], in the git repository otherwise.
    pub dir: Located<String>,
    pub golden: Located<String>,
    /// `contracts status` when a newer release does not break this repository: warn (exit 0) or fail (exit 1).
    pub outdated: Gate,
    /// The directory whose `*/peer.toml` are this repository's peers.
    pub peers: Located<String>,
    /// Message types this repository's peers must serve (`package.Message`).
    pub required: Vec<Located<String>>,
    /// Classes of findings that fail or only warn, for every peer of this repository (a peer.toml's own
    /// `[policy]` overrides it).
    pub policy: Vec<(PolicyKey, Gate)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    contracts: Option<RawContracts>,
    peers: Option<RawPeers>,
    #[serde(default)]
    policy: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContracts {
    git: Option<Spanned<String>>,
    tag: Option<Spanned<String>>,
    rev: Option<Spanned<String>>,
    dir: Option<Spanned<String>>,
    golden: Option<Spanned<String>>,
    outdated: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeers {
    dir: Option<Spanned<String>>,
    #[serde(default)]
    required: Vec<Spanned<String>>,
}

/// Positions in one file's text.
struct At<'a> {
    path: &'a Path,
    text: &'a str,
}

impl At<'_> {
    fn pos(&self, offset: usize) -> (u32, u32) {
        crate::source::line_col(self.text.as_bytes(), offset)
    }
    fn located<T: Clone>(&self, s: &Spanned<T>) -> Located<T> {
        Located { value: s.get_ref().clone(), at: Some(self.pos(s.span().start)) }
    }
    fn error(&self, offset: Option<usize>, message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::at(Code::ProjectFile, self.path, offset.map(|o| self.pos(o)), message, hint)
    }
}

const FORMAT_HINT: &str = "the format is in docs/adopt.md (`msgpact init` writes a commented one)";

/// Parses and checks msgpact.toml. `path` is how the file is named in errors.
pub fn parse(path: &Path, text: &str) -> Result<Config, Error> {
    let at = At { path, text };
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let hint = if e.message().contains("unknown field") { FORMAT_HINT } else { "check the TOML syntax" };
        at.error(e.span().map(|s| s.start), e.message().trim_end().to_string(), hint)
    })?;
    let contracts = raw.contracts.unwrap_or(RawContracts {
        git: None,
        tag: None,
        rev: None,
        dir: None,
        golden: None,
        outdated: None,
    });
    let source = match (&contracts.git, &contracts.tag, &contracts.rev) {
        (None, Some(s), _) | (None, None, Some(s)) => return Err(at.error(
            Some(s.span().start),
            "a tag or rev pins a git repository, but [contracts] has no `git`",
            "add `git = \"URL\"` of the contracts repository, or remove the pin to use a directory of this repository",
        )),
        (None, None, None) => Source::Local,
        (Some(url), tag, rev) => {
            if url.get_ref().trim().is_empty() {
                return Err(at.error(Some(url.span().start), "`git` is empty", "the URL of the contracts repository"));
            }
            let pin = match (tag, rev) {
                (Some(t), Some(r)) => {
                    return Err(at.error(
                        Some(r.span().start.max(t.span().start)),
                        "both `tag` and `rev` are given",
                        "pin the contracts with one of them",
                    ))
                }
                (Some(t), None) => check_ref(&at, t).map(|_| at.located(t)).map(|l| l.map(Pin::Tag))?,
                (None, Some(r)) => check_ref(&at, r).map(|_| at.located(r)).map(|l| l.map(Pin::Rev))?,
                (None, None) => {
                    return Err(at.error(
                        Some(url.span().start),
                        "the git contracts are not pinned",
                        "add `tag = \"v1.2.0\"` (a release of the contracts repository) or `rev = \"<commit>\"`",
                    ))
                }
            };
            Source::Git { url: at.located(url), pin }
        }
    };
    let dir = rel_path(&at, contracts.dir.as_ref(), "contracts", "[contracts] dir")?;
    let golden = rel_path(&at, contracts.golden.as_ref(), "golden", "[contracts] golden")?;
    let outdated = match &contracts.outdated {
        None => Gate::Warn,
        Some(s) => Gate::parse(s.get_ref()).ok_or_else(|| {
            at.error(Some(s.span().start), format!("outdated = \"{}\"", s.get_ref()), "write \"warn\" or \"fail\"")
        })?,
    };
    let peers_raw = raw.peers.unwrap_or(RawPeers { dir: None, required: Vec::new() });
    let peers = rel_path(&at, peers_raw.dir.as_ref(), "peers", "[peers] dir")?;
    let mut required: Vec<Located<String>> = Vec::new();
    for r in &peers_raw.required {
        let name = r.get_ref();
        let ok = name.split_once('.').is_some_and(|(p, m)| !p.is_empty() && !m.is_empty() && !m.contains('.'));
        if !ok {
            return Err(at.error(
                Some(r.span().start),
                format!("required type `{name}` is not a `package.Message` name"),
                "name message types as the contracts do, e.g. \"chat.ChatTurn\"",
            ));
        }
        if required.iter().any(|x| &x.value == name) {
            return Err(at.error(Some(r.span().start), format!("`{name}` is required twice"), "list it once"));
        }
        required.push(at.located(r));
    }
    let mut policy = Vec::new();
    for (class, gate) in &raw.policy {
        let Some(c) = PolicyKey::parse(class.get_ref()) else {
            let ids = PolicyKey::all_ids();
            let near = crate::diag::did_you_mean(class.get_ref(), ids.iter().map(String::as_str))
                .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
            return Err(at.error(
                Some(class.span().start),
                format!("[policy] names an unknown class `{}`{near}", class.get_ref()),
                format!("classes: {}", ids.join(", ")),
            ));
        };
        let Some(g) = Gate::parse(gate.get_ref()) else {
            return Err(at.error(
                Some(gate.span().start),
                format!("[policy] {} = \"{}\"", class.get_ref(), gate.get_ref()),
                "write \"fail\", \"warn\" or \"allow\"",
            ));
        };
        policy.push((c, g));
    }
    Ok(Config { source, dir, golden, outdated, peers, required, policy })
}

/// A tag or commit as git takes it, and as nothing else (no option, no range, no whitespace).
fn check_ref(at: &At, s: &Spanned<String>) -> Result<(), Error> {
    let r = s.get_ref();
    if is_plain_ref(r) {
        return Ok(());
    }
    Err(at.error(
        Some(s.span().start),
        format!("`{r}` is not a tag or commit"),
        "a tag like \"v1.2.0\", or a commit id; without spaces, `..`, or a leading `-`",
    ))
}

/// A git ref or commit id that is safe to pass to git as one argument.
pub fn is_plain_ref(r: &str) -> bool {
    !r.is_empty()
        && !r.starts_with('-')
        && !r.contains("..")
        && !r.contains("@{")
        && r.chars().all(|c| c.is_ascii_graphic() && !matches!(c, '~' | '^' | ':' | '?' | '*' | '[' | '\\'))
}

/// A relative path that stays inside its root: no absolute path, no `..`.
fn rel_path(at: &At, s: Option<&Spanned<String>>, default: &str, what: &str) -> Result<Located<String>, Error> {
    let Some(s) = s else { return Ok(Located { value: default.to_string(), at: None }) };
    let p = s.get_ref().trim_end_matches('/');
    let bad = p.is_empty()
        || Path::new(p).is_absolute()
        || Path::new(p).components().any(|c| matches!(c, std::path::Component::ParentDir))
        || p.contains('\\');
    if bad {
        return Err(at.error(
            Some(s.span().start),
            format!("{what} = \"{}\" must be a relative path inside its repository", s.get_ref()),
            format!("like \"{default}\" (`.` for the repository's root); `..` and absolute paths are refused"),
        ));
    }
    Ok(Located { value: p.to_string(), at: Some(at.pos(s.span().start)) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Config, String> {
        parse(Path::new("msgpact.toml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn an_empty_file_means_a_local_directory_and_the_defaults() {
        let c = parse_str("").unwrap();
        assert_eq!(c.source, Source::Local);
        assert_eq!(
            (c.dir.value.as_str(), c.golden.value.as_str(), c.peers.value.as_str()),
            ("contracts", "golden", "peers")
        );
        assert!(c.required.is_empty() && c.policy.is_empty());
        assert_eq!(c.outdated, Gate::Warn);
    }

    #[test]
    fn a_git_source_with_a_tag_required_types_and_policy() {
        let c = parse_str(
            "[contracts]\ngit = \"https://x/c.git\"\ntag = \"v1.2.0\"\ndir = \"schemas/\"\noutdated = \"fail\"\n\n[peers]\nrequired = [\"chat.ChatTurn\", \"common.TokenUsage\"]\n[policy]\nint-width = \"warn\"\n",
        )
        .unwrap();
        match &c.source {
            Source::Git { url, pin } => {
                assert_eq!(url.value, "https://x/c.git");
                assert_eq!(pin.value, Pin::Tag("v1.2.0".into()));
                assert_eq!(pin.at, Some((3, 7)));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(c.dir.value, "schemas");
        assert_eq!(c.outdated, Gate::Fail);
        assert_eq!(
            c.required.iter().map(|r| r.value.as_str()).collect::<Vec<_>>(),
            ["chat.ChatTurn", "common.TokenUsage"]
        );
        assert_eq!(c.required[1].at, Some((8, 30)));
        assert_eq!(c.policy, vec![(PolicyKey::Class(Class::IntWidth), Gate::Warn)]);
    }

    #[test]
    fn every_problem_is_located_with_a_hint() {
        let cases = [
            ("[contracts]\ngit = \"u\"\n", "msgpact.toml:2:7: error[E1101]: the git contracts are not pinned"),
            ("[contracts]\ntag = \"v1.0.0\"\n", "msgpact.toml:2:7: error[E1101]: a tag or rev pins a git repository"),
            ("[contracts]\ngit = \"u\"\ntag = \"a\"\nrev = \"b\"\n", "msgpact.toml:4:7: error[E1101]: both `tag` and `rev`"),
            ("[contracts]\ngit = \"u\"\ntag = \"-x\"\n", "msgpact.toml:3:7: error[E1101]: `-x` is not a tag or commit"),
            ("[contracts]\ndir = \"../c\"\n", "msgpact.toml:2:7: error[E1101]: [contracts] dir = \"../c\" must be a relative path"),
            ("[peers]\nrequired = [\"Chat\"]\n", "msgpact.toml:2:13: error[E1101]: required type `Chat`"),
            ("[peers]\nrequired = [\"a.B\", \"a.B\"]\n", "msgpact.toml:2:20: error[E1101]: `a.B` is required twice"),
            ("[policy]\nint-widht = \"warn\"\n", "msgpact.toml:2:1: error[E1101]: [policy] names an unknown class `int-widht` (did you mean `int-width`?)"),
            ("[policy]\nint-width = \"off\"\n", "msgpact.toml:2:13: error[E1101]: [policy] int-width = \"off\""),
            ("[contract]\n", "msgpact.toml:1:2: error[E1101]: unknown field `contract`"),
            ("[contracts]\ngit = 3\n", "msgpact.toml:2:7: error[E1101]: invalid type"),
            ("[contracts\n", "msgpact.toml:1:11: error[E1101]:"),
        ];
        for (text, want) in cases {
            let e = parse_str(text).unwrap_err();
            assert!(e.starts_with(want), "{text:?}:\n{e}\nwanted: {want}");
            assert!(e.contains("\n  hint: "), "{e}");
        }
    }

    #[test]
    fn plain_refs() {
        for ok in ["v1.2.0", "chat/v1.0.0", "0123abcd", "main"] {
            assert!(is_plain_ref(ok), "{ok}");
        }
        for bad in ["", "-c", "a..b", "a b", "a~1", "HEAD^", "x:y", "@{-1}"] {
            assert!(!is_plain_ref(bad), "{bad}");
        }
    }
}
