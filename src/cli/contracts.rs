//! `msgpact contracts status|update`: the pinned contracts of msgpact.toml, and newer releases of them.
//!
//! `status` is a gate: exit 0 when the pin is the newest release (or the newer ones are compatible with
//! this repository's types and policy `outdated` is `warn`), 1 when a newer release breaks one of them (or
//! one exists and `outdated` is `fail`), 2 when it cannot tell (no msgpact.toml, no git source, nothing
//! cached). It works offline from the cache, and says so. `update` moves the pin (msgpact.toml and
//! msgpact.lock) to a release, the newest by default, and prints the breaking rules between the two.
use super::*;
use crate::breaking::Finding;
use crate::classes::Gate;
use crate::diag::Code;
use crate::project::cache::{effective_url, Cache, Freshness};
use crate::project::releases::{load_at, releases, Move, Release};
use crate::project::{self, Lock, Pin, Project, Source};

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Newer releases of the pinned contracts, and whether they break this repository's required types
    /// (exit 0 up to date or compatible, 1 breaking, 2 cannot tell).
    Status(StatusArgs),
    /// Move the pin to a release (default: the newest) and print what changed, with the breaking rules.
    Update(UpdateArgs),
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Findings as `path:line:col: RULE_ID message`.
    Text,
    /// Also GitHub workflow annotations at the pin in msgpact.toml.
    Github,
}

#[derive(clap::Args, Debug)]
pub struct StatusArgs {
    /// Do not fetch: answer from the cache.
    #[arg(long)]
    offline: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(clap::Args, Debug)]
pub struct UpdateArgs {
    /// The release tag (or commit) to pin; default: the newest release (tag vX.Y.Z).
    #[arg(long, value_name = "TAG|REV")]
    to: Option<String>,
    /// Print what would change; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Do not fetch: move to what the cache has.
    #[arg(long)]
    offline: bool,
}

pub fn run(cmd: Command) -> i32 {
    let result = match cmd {
        Command::Status(a) => status(a),
        Command::Update(a) => update(a),
    };
    result.unwrap_or_else(|e| fail(&e.diagnostic()))
}

/// The project of the working directory, its git source's cache, fetched (or not), and its lock.
struct Pinned {
    project: Project,
    cache: Cache,
    url: String,
    freshness: Freshness,
    lock: Lock,
}

fn open(offline: bool, command: &str) -> Result<Pinned, project::Error> {
    let root = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let project = Project::load(&root)?;
    let Source::Git { url, .. } = &project.config.source else {
        return Err(project.error_at(
            &project.config.dir,
            Code::ProjectFile,
            format!("`msgpact contracts {command}` is for contracts pinned from git, and these are a directory of this repository"),
            "to pin shared contracts, write `git = \"URL\"` and `tag = \"vX.Y.Z\"` under [contracts] (docs/adopt.md)",
        ));
    };
    let url = url.value.clone();
    let cache = Cache::new(&effective_url(&project.root, &url));
    let freshness = if offline {
        if !cache.has_repo() {
            return Err(project::Error::new(
                Code::ContractsFetch,
                format!("--offline, and {url} is not in the cache ({})", cache.dir.display()),
                "run once without --offline to fetch it",
            ));
        }
        Freshness::Offline { error: "--offline".into(), last: cache.last_fetch() }
    } else {
        cache.fetch()?
    };
    let resolved = project::resolve(&project)?;
    for n in &resolved.notes {
        errln!("contracts: {n}");
    }
    let lock = resolved.lock.expect("a git source resolves to a lock");
    Ok(Pinned { project, cache, url, freshness, lock })
}

/// The label of the locked version in findings: its tag, or the short commit.
fn label(lock: &Lock) -> String {
    lock.contracts.tag.clone().unwrap_or_else(|| lock.contracts.commit[..12].to_string())
}

fn required(p: &Project) -> Vec<String> {
    p.config.required.iter().map(|r| r.value.clone()).collect()
}

/// Releases newer than the lock: by version for a release tag, else those the locked commit lacks.
fn newer(p: &Pinned) -> Vec<Release> {
    let all = releases(&p.cache);
    let version = p.lock.contracts.tag.as_deref().and_then(crate::contract::previous::parse_version_tag);
    match version {
        Some((None, v)) => all.into_iter().filter(|r| r.version > v).collect(),
        _ => all.into_iter().filter(|r| !p.cache.is_ancestor(&r.commit, &p.lock.contracts.commit)).collect(),
    }
}

fn print_finding(f: &Finding, ours: bool) {
    let mark = if !f.is_error() {
        "warning: "
    } else if ours {
        ""
    } else {
        "(not this repository's types) "
    };
    outln!("  {}: {} {mark}{}", f.location, f.rule.id(), f.message);
}

fn status(args: StatusArgs) -> Result<i32, project::Error> {
    let p = open(args.offline, "status")?;
    if let Some(note) = p.freshness.note(&p.url) {
        errln!("contracts: {note}");
    }
    let pinned = label(&p.lock);
    errln!("contracts: pinned to {} from {}, wire hash {}", p.lock.describe(), p.url, p.lock.contracts.wire_hash);
    if let Some(tag) = &p.lock.contracts.tag {
        match p.cache.commit_of(tag) {
            Some(now) if now != p.lock.contracts.commit => errln!(
                "contracts: warning: tag {tag} now names commit {}, the lock keeps {} (a moved tag does not move the lock)",
                &now[..12],
                &p.lock.contracts.commit[..12]
            ),
            _ => {}
        }
    }
    let newer = newer(&p);
    let required = required(&p.project);
    if required.is_empty() {
        errln!("contracts: msgpact.toml requires no message types, so every change counts as this repository's");
    }
    let from = load_at(&p.cache, &p.lock.contracts.commit, &p.project.config.dir.value, &pinned)?;
    let mut breaking: Vec<(String, Vec<String>, usize)> = Vec::new();
    let mut annotations = Vec::new();
    let mut unreadable = Vec::new();
    for r in &newer {
        // A release whose contracts do not load cannot be weighed: said, and left for its authors to fix.
        let to = match load_at(&p.cache, &r.commit, &p.project.config.dir.value, &r.tag) {
            Ok(to) => to,
            Err(e) => {
                outln!("{}: newer, but cannot be weighed: {}", r.tag, e.message.lines().next().unwrap_or(""));
                unreadable.push(r.tag.clone());
                continue;
            }
        };
        let from = crate::breaking::Previous { target: from.target.clone(), contracts: from.contracts.clone() };
        let m = Move::new(from, &to.contracts, &required);
        let ours = m.breaking_for_us();
        let elsewhere = m.elsewhere().len();
        if ours.is_empty() {
            outln!(
                "{}: newer, compatible with this repository's types ({} elsewhere)",
                r.tag,
                plural(elsewhere, "change")
            );
            continue;
        }
        let types = m.broken_types();
        outln!("{}: newer, BREAKING for {} ({}):", r.tag, types.join(", "), plural(ours.len(), "breaking change"));
        for f in &ours {
            print_finding(f, true);
            annotations.push(format!(
                "{} contracts {} breaks {}: {} {}",
                Code::ContractsBreaking.id(),
                r.tag,
                f.subject,
                f.rule.id(),
                f.message
            ));
        }
        breaking.push((r.tag.clone(), types, ours.len()));
    }
    if !unreadable.is_empty() {
        errln!(
            "contracts: warning: the contracts of {} do not load; `msgpact lint` in the contracts repository at that tag lists why",
            unreadable.join(", ")
        );
    }
    let offline = if matches!(p.freshness, Freshness::Fetched) { "" } else { " (offline: from the cache)" };
    let newest = newer.last().map(|r| r.tag.clone());
    let pin = match &p.project.config.source {
        Source::Git { pin, .. } => pin.clone().map(|_| ()),
        Source::Local => project::Located { value: (), at: None },
    };
    // One located diagnostic per release that breaks this repository (E1104), or for the newest
    // compatible one (W1105); then the one summary line.
    let diag = |code: Code, message: String, hint: String| {
        errln!("{}", p.project.error_at(&pin, code, message, hint));
    };
    let compatible: Vec<&Release> = newer.iter().filter(|r| !breaking.iter().any(|b| b.0 == r.tag)).collect();
    let code = if !breaking.is_empty() {
        for (tag, types, n) in &breaking {
            diag(
                Code::ContractsBreaking,
                format!("{tag} breaks {} of this repository ({})", types.join(", "), plural(*n, "breaking change")),
                format!("adapt the peers' types to it before its producers roll out: `msgpact contracts update --to {tag}`, then `msgpact verify` says what to change"),
            );
        }
        let tags: Vec<&str> = breaking.iter().map(|b| b.0.as_str()).collect();
        let hint = match compatible
            .iter()
            .rev()
            .find(|r| newer.iter().position(|x| x.tag == r.tag) < newer.iter().position(|x| x.tag == tags[0]))
        {
            Some(r) => format!(
                "\n  hint: `msgpact contracts update --to {}` takes the newest release before the breaking one",
                r.tag
            ),
            None => String::new(),
        };
        let verb = if tags.len() == 1 { "breaks" } else { "break" };
        errln!(
            "contracts status: BREAKING{offline}: {} {verb} this repository's types; pinned {pinned}, {} newer{hint}",
            tags.join(", "),
            plural(newer.len(), "release")
        );
        EXIT_FAIL
    } else if let Some(n) = &newest {
        let fail = p.project.config.outdated == Gate::Fail;
        diag(
            Code::ContractsOutdated,
            format!("{n} is newer than the pinned {pinned}, and compatible with this repository's types"),
            format!("`msgpact contracts update` moves the pin to {n}"),
        );
        let word = if fail { "OUTDATED (outdated = \"fail\")" } else { "ok" };
        errln!(
            "contracts status: {word}{offline}: pinned {pinned}, {} newer and compatible with this repository's types (newest {n})",
            plural(newer.len(), "release")
        );
        annotations.push(format!(
            "{} contracts {n} is newer than the pinned {pinned} and compatible: `msgpact contracts update`",
            Code::ContractsOutdated.id()
        ));
        if fail {
            EXIT_FAIL
        } else {
            EXIT_PASS
        }
    } else {
        errln!("contracts status: ok{offline}: pinned {pinned}, the newest release");
        EXIT_PASS
    };
    if args.format == Format::Github {
        let location = match pin.at {
            Some((l, c)) => format!("{}:{l}:{c}", p.project.file.display()),
            None => p.project.file.display().to_string(),
        };
        let level = if code == EXIT_FAIL { "error" } else { "warning" };
        for a in annotations {
            outln!("{}", crate::report::github::annotation(level, &location, &a));
        }
    }
    Ok(code)
}

fn update(args: UpdateArgs) -> Result<i32, project::Error> {
    let p = open(args.offline, "update")?;
    if let Some(note) = p.freshness.note(&p.url) {
        errln!("contracts: {note}");
    }
    let (pin, commit) = match &args.to {
        Some(to) => {
            let Some(commit) = p.cache.commit_of(to) else {
                return Err(project::Error::new(
                    Code::ContractsFetch,
                    format!("`{to}` is not a tag or commit of {}", p.url),
                    project::resolve::known_tags(&p.cache),
                ));
            };
            let is_tag = p.cache.tags().iter().any(|(t, _)| t == to);
            (if is_tag { Pin::Tag(to.clone()) } else { Pin::Rev(commit.clone()) }, commit)
        }
        None => match releases(&p.cache).pop() {
            Some(r) => (Pin::Tag(r.tag), r.commit),
            None => {
                return Err(project::Error::new(
                    Code::ContractsFetch,
                    format!("{} has no release tags (vX.Y.Z)", p.url),
                    "name the commit or tag to pin: `msgpact contracts update --to REV`",
                ))
            }
        },
    };
    let old = label(&p.lock);
    if commit == p.lock.contracts.commit && pin == p.lock.pin() {
        errln!("contracts update: already at {}; nothing to do", p.lock.describe());
        return Ok(EXIT_PASS);
    }
    let new_label = match &pin {
        Pin::Tag(t) => t.clone(),
        Pin::Rev(r) => r[..12].to_string(),
    };
    let dir = &p.project.config.dir.value;
    let from = load_at(&p.cache, &p.lock.contracts.commit, dir, &old)?;
    let to = load_at(&p.cache, &commit, dir, &new_label)?;
    let m = Move::new(from, &to.contracts, &required(&p.project));
    outln!("contracts: {} -> {new_label} ({})", p.lock.describe(), &commit[..12]);
    for f in m.report.findings() {
        print_finding(f, m.concerns_us(f));
    }
    let ours = m.breaking_for_us();
    let verdict = if ours.is_empty() {
        "compatible with this repository's types".to_string()
    } else {
        format!("BREAKING for {} ({})", m.broken_types().join(", "), plural(ours.len(), "breaking change"))
    };
    let elsewhere = m.elsewhere().len();
    if args.dry_run {
        errln!(
            "contracts update (dry run): {old} -> {new_label}: {verdict}; {} elsewhere; nothing written",
            plural(elsewhere, "change")
        );
        return Ok(EXIT_PASS);
    }
    let tree = p.cache.tree(&commit)?;
    let hash = project::resolve::wire_hash_of(&tree.join(dir));
    let Source::Git { pin: old_pin, .. } = &p.project.config.source else { unreachable!("open() checked") };
    let text = set_pin(&p.project.text, old_pin, &pin).ok_or_else(|| {
        project::Error::at(
            Code::ProjectFile,
            &p.project.file,
            old_pin.at,
            "cannot rewrite the pin in place",
            format!("write `{}` under [contracts] yourself and run `msgpact contracts update` again", pin_line(&pin)),
        )
    })?;
    crate::fsx::write_atomic(&p.project.root.join(project::FILE), text.as_bytes()).map_err(|e| {
        project::Error::at(Code::WriteFailed, &p.project.file, None, format!("cannot write: {e}"), "check permissions")
    })?;
    Lock::new(&p.url, &pin, &commit, &hash).write(&p.project.lock_path())?;
    errln!(
        "contracts update: {old} -> {new_label}: {verdict}; {} elsewhere; msgpact.toml and msgpact.lock updated\n  next: `msgpact verify` checks the peers against {new_label}",
        plural(elsewhere, "change")
    );
    Ok(EXIT_PASS)
}

fn pin_line(pin: &Pin) -> String {
    match pin {
        Pin::Tag(t) => format!("tag = \"{t}\""),
        Pin::Rev(r) => format!("rev = \"{r}\""),
    }
}

/// msgpact.toml's text with the pin at `old` replaced by `new` (the key too, when a tag becomes a rev or
/// the reverse); everything else, comments included, as it was. `None` when the result would not read
/// back as `new`.
fn set_pin(text: &str, old: &project::Located<Pin>, new: &Pin) -> Option<String> {
    let (line, col) = old.at?;
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let l = lines.get_mut(line as usize - 1)?;
    let start = l.char_indices().nth(col as usize - 1)?.0;
    let quote = l[start..].chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let end = start + 1 + l[start + 1..].find(quote)? + 1;
    let key = l[..start].trim_end().strip_suffix('=')?.trim();
    let indent = &l[..l.len() - l.trim_start().len()];
    let rest = &l[end..];
    let value = match new {
        Pin::Tag(t) | Pin::Rev(t) => t,
    };
    if !crate::project::config::is_plain_ref(value) || !matches!(key, "tag" | "rev") {
        return None;
    }
    let new_key = match new {
        Pin::Tag(_) => "tag",
        Pin::Rev(_) => "rev",
    };
    *l = format!("{indent}{new_key} = \"{value}\"{rest}");
    let out = lines.join("\n");
    let back = crate::project::config::parse(std::path::Path::new(project::FILE), &out).ok()?;
    match back.source {
        Source::Git { pin, .. } if &pin.value == new => Some(out),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin_of(text: &str) -> project::Located<Pin> {
        match crate::project::config::parse(std::path::Path::new("msgpact.toml"), text).unwrap().source {
            Source::Git { pin, .. } => pin,
            Source::Local => panic!("local"),
        }
    }

    #[test]
    fn the_pin_is_rewritten_in_place_comments_kept() {
        let text = "# mine\n[contracts]\ngit = \"u\"\ntag = \"v1.0.0\"   # the release we test against\ndir = \"c\"\n";
        let out = set_pin(text, &pin_of(text), &Pin::Tag("v2.0.0".into())).unwrap();
        assert_eq!(out, text.replace("v1.0.0", "v2.0.0"));
        let commit = "0123456789abcdef0123456789abcdef01234567";
        let out = set_pin(text, &pin_of(text), &Pin::Rev(commit.into())).unwrap();
        assert!(out.contains(&format!("rev = \"{commit}\"   # the release")), "{out}");
        let back = set_pin(&out, &pin_of(&out), &Pin::Tag("v3.0.0".into())).unwrap();
        assert!(back.contains("tag = \"v3.0.0\""), "{back}");
        assert_eq!(set_pin(text, &pin_of(text), &Pin::Tag("a b".into())), None);
    }
}
