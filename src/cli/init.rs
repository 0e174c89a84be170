//! `msgpact init --lang go|python|rust`: a service repository made checkable in one command.
//!
//! Writes msgpact.toml (and, for contracts pinned from git, msgpact.lock), a peer directory with its
//! peer.toml and a skeleton that registers every required type, and CI files for GitHub Actions and GitLab
//! CI; then says what is left to do. It never overwrites a file: when one exists, nothing is written.
use super::*;
use crate::diag::Code;
use crate::project::cache::{effective_url, Cache};
use crate::project::init::{self, ContractsSource, Lang};
use crate::project::{self, Lock, Pin};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The language of the service (and of its peer).
    #[arg(long, value_enum)]
    lang: Lang,
    /// Where the contracts come from: a directory of this repository, or a git repository's URL with the
    /// release to pin (`https://host/contracts.git@v1.2.0`; without `@TAG`, its newest release).
    #[arg(long, value_name = "DIR|GIT-URL[@TAG]")]
    contracts: Option<String>,
    /// With a git URL: the contracts directory inside that repository (default: `contracts` if it has
    /// one, else its root).
    #[arg(long, value_name = "PATH")]
    contracts_dir: Option<String>,
    /// The message types this repository's peer must serve, comma-separated (default: every message).
    #[arg(long, value_name = "PACKAGE.MESSAGE,...", value_delimiter = ',')]
    types: Vec<String>,
    /// The peer's name, and its directory under peers/ (default: the repository's directory name and the
    /// language, e.g. `billing-go`).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// A local checkout of msgpact whose SDKs the peer uses, instead of the published ones.
    #[arg(long, value_name = "DIR")]
    sdk: Option<PathBuf>,
}

pub fn run(args: Args) -> i32 {
    match init(args) {
        Ok(()) => EXIT_PASS,
        Err(e) => {
            let code = fail(&e.diagnostic());
            errln!("init: nothing was written");
            code
        }
    }
}

/// `URL@TAG` -> (URL, Some(TAG)); the `@` of `git@host:path` is not a tag's.
fn split_at_tag(s: &str) -> (&str, Option<&str>) {
    match s.rsplit_once('@') {
        Some((url, tag)) if !url.is_empty() && !tag.is_empty() && !tag.contains(['/', ':']) => (url, Some(tag)),
        _ => (s, None),
    }
}

/// Whether `s` names a git repository rather than a directory of this one.
fn is_git(s: &str) -> bool {
    let (url, tag) = split_at_tag(s);
    tag.is_some()
        || url.contains("://")
        || url.ends_with(".git")
        || url.split_once(':').is_some_and(|(h, _)| h.contains('@'))
}

fn err(message: impl Into<String>, hint: impl Into<String>) -> project::Error {
    project::Error::new(Code::InitConflict, message, hint)
}

fn init(args: Args) -> Result<(), project::Error> {
    let root = std::env::current_dir().map_err(|e| err(format!("no working directory: {e}"), ""))?;
    if root.join(project::FILE).exists() {
        return Err(project::Error::at(
            Code::InitConflict,
            Path::new(project::FILE),
            None,
            "this repository has a msgpact.toml already",
            "edit it (docs/adopt.md has the format), or move it away to start over",
        ));
    }
    let spec = match &args.contracts {
        Some(s) => s.clone(),
        None if root.join("contracts").is_dir() => "contracts".to_string(),
        None => {
            return Err(err(
                "where are the contracts?",
                "pass --contracts with a git URL and release (`--contracts https://host/contracts.git@v1.0.0`) or a directory of this repository",
            ))
        }
    };
    let mut lock = None;
    let (source, contracts_dir) = if is_git(&spec) {
        let (url, tag) = split_at_tag(&spec);
        let cache = Cache::new(&effective_url(&root, url));
        cache.fetch()?;
        let (pin, commit) = match tag {
            Some(t) => {
                let commit = cache.commit_of(t).ok_or_else(|| {
                    err(format!("`{t}` is not a tag or commit of {url}"), project::resolve::known_tags(&cache))
                })?;
                let is_tag = cache.tags().iter().any(|(name, _)| name == t);
                (if is_tag { Pin::Tag(t.to_string()) } else { Pin::Rev(commit.clone()) }, commit)
            }
            None => match project::releases::releases(&cache).pop() {
                Some(r) => (Pin::Tag(r.tag), r.commit),
                None => {
                    return Err(err(
                        format!("{url} has no release tags (vX.Y.Z)"),
                        "name the commit to pin: `--contracts URL@COMMIT`",
                    ))
                }
            },
        };
        let tree = cache.tree(&commit)?;
        let dir = match &args.contracts_dir {
            Some(d) => d.trim_end_matches('/').to_string(),
            None if tree.join("contracts").is_dir() => "contracts".to_string(),
            None => ".".to_string(),
        };
        if !tree.join("golden").is_dir() {
            errln!(
                "init: warning: {url} has no golden/ at {}: `msgpact verify` needs the golden vectors next to the contracts (`msgpact golden --write` in that repository); set [contracts] golden if they are elsewhere",
                pin.rev()
            );
        }
        let hash = project::resolve::wire_hash_of(&tree.join(&dir));
        lock = Some(Lock::new(url, &pin, &commit, &hash));
        let tag = match &pin {
            Pin::Tag(t) => t.clone(),
            Pin::Rev(r) => r.clone(),
        };
        (ContractsSource::Git { url: url.to_string(), tag, dir: dir.clone(), golden: "golden".into() }, tree.join(dir))
    } else {
        let dir = spec.trim_end_matches('/').to_string();
        (ContractsSource::Dir { dir: dir.clone(), golden: "golden".into() }, root.join(&dir))
    };
    let (c, diags) = crate::contract::Contracts::load_dir(&contracts_dir);
    if diags.has_errors() {
        eprint!("{}", diags.render_all(&c.sources));
        return Err(err(
            format!("the contracts in {} do not load ({})", contracts_dir.display(), plural(diags.errors(), "error")),
            "pick a release whose contracts lint cleanly, or fix them first (`msgpact lint --contracts DIR`)",
        ));
    }
    let all: Vec<String> = c.message_ids().map(|id| c.message_name(id)).collect();
    let types = if args.types.is_empty() { all.clone() } else { args.types.clone() };
    for t in &types {
        if !all.contains(t) {
            let hint = match crate::diag::did_you_mean(t, all.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the contracts' messages: {}", all.join(", ")),
            };
            return Err(err(format!("--types names `{t}`, which is not a message of the contracts"), hint));
        }
    }
    let dir_name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let name = args.name.clone().unwrap_or_else(|| init::default_name(&dir_name, args.lang));
    let token = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !token || ["go", "python", "rust"].contains(&name.as_str()) {
        return Err(err(
            format!("`{name}` cannot name a peer"),
            "letters, digits, `_` and `-`, and not a reference peer's name (go, python, rust); e.g. --name billing-go",
        ));
    }
    let sdk = match &args.sdk {
        Some(d) => Some(
            std::fs::canonicalize(d)
                .map_err(|e| err(format!("--sdk {}: {e}", d.display()), "a checkout of msgpact"))?,
        ),
        None => None,
    };
    let opts = init::Options {
        lang: args.lang,
        source,
        name,
        types,
        sdk,
        requirements: root.join("requirements.txt").is_file(),
    };
    let files = init::files(&opts);
    let taken: Vec<String> =
        files.iter().filter(|(p, _)| root.join(p).exists()).map(|(p, _)| p.display().to_string()).collect();
    if !taken.is_empty() {
        return Err(err(
            format!("these files exist already: {}", taken.join(", ")),
            "move them away (or pick another peer name with --name) and run `msgpact init` again",
        ));
    }
    let write = |rel: &Path, text: &[u8]| {
        crate::fsx::write_atomic(&root.join(rel), text)
            .map_err(|e| err(format!("cannot write {}: {e}", rel.display()), "check permissions and free space"))
    };
    for (rel, text) in &files {
        write(rel, text.as_bytes())?;
        errln!("init: wrote {}", rel.display());
    }
    if let Some(l) = &lock {
        l.write(&root.join(project::lock::FILE))?;
        errln!("init: wrote {} ({})", project::lock::FILE, l.describe());
    }
    // verify's build cache goes to target/msgpact/ of the repository: keep it out of git.
    let ignore = root.join(".gitignore");
    let ignored = std::fs::read_to_string(&ignore).unwrap_or_default();
    if !ignored.lines().any(|l| matches!(l.trim(), "target" | "target/" | "/target" | "/target/" | "/target/msgpact/"))
    {
        let sep = if ignored.is_empty() || ignored.ends_with('\n') { "" } else { "\n" };
        write(Path::new(".gitignore"), format!("{ignored}{sep}/target/msgpact/\n").as_bytes())?;
        errln!("init: added /target/msgpact/ (msgpact's build cache) to .gitignore");
    }
    errln!("init: ok, a {} peer `{}` serving {}; next:", args.lang.id(), opts.name, plural(opts.types.len(), "type"));
    for (i, step) in init::next_steps(&opts).iter().enumerate() {
        errln!("  {}. {step}", i + 1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_urls_and_tags_are_told_from_directories() {
        assert_eq!(split_at_tag("https://h/c.git@v1.0.0"), ("https://h/c.git", Some("v1.0.0")));
        assert_eq!(split_at_tag("git@github.com:a/c.git"), ("git@github.com:a/c.git", None));
        assert_eq!(split_at_tag("git@github.com:a/c.git@v2.0.0"), ("git@github.com:a/c.git", Some("v2.0.0")));
        for g in ["https://h/c.git", "file:///tmp/c", "git@github.com:a/c.git", "../c.git", "c@v1.0.0"] {
            assert!(is_git(g), "{g}");
        }
        for d in ["contracts", "shared/contracts", "./contracts/"] {
            assert!(!is_git(d), "{d}");
        }
    }
}
