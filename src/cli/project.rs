//! msgpact.toml for every command: the directories it names, with the command line's flags over them.
//!
//! Without a msgpact.toml the defaults are those of msgpact's own repository (`contracts/`, `golden/`,
//! `harness/`); with one, its `[contracts]` and `[peers]` (a git source resolved through msgpact.lock and
//! the cache, see [`crate::project`]). A flag always wins, and a git source is only fetched or read when a
//! command needs a path that no flag gave.
use super::errln;
use crate::project::{self, Lock, Project, Source};
use std::path::{Path, PathBuf};

/// What the command line gave.
#[derive(Default)]
pub struct Flags<'a> {
    pub contracts: Option<&'a Path>,
    pub golden: Option<&'a Path>,
    pub harness: Option<&'a Path>,
}

/// Where a command finds everything.
#[derive(Clone, Debug)]
pub struct Paths {
    pub contracts: PathBuf,
    pub golden: PathBuf,
    pub harness: PathBuf,
    /// The peers directory is the project's (not `--harness`): its required types apply.
    pub project_peers: bool,
    pub project: Option<Project>,
    pub lock: Option<Lock>,
}

/// The paths for a command that needs `need_golden` besides the contracts; errors are printed and
/// become exit code 2.
pub fn paths(flags: Flags, need_golden: bool) -> Result<Paths, i32> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let fail = |e: project::Error| super::fail(&e.diagnostic());
    let project = Project::find(&cwd).map_err(fail)?;
    let Some(p) = project else {
        let contracts = flags.contracts.map_or_else(|| PathBuf::from("contracts"), Path::to_path_buf);
        if flags.contracts.is_none() && !contracts.exists() {
            let mut e = project::missing(&cwd);
            e.hint = format!("{}; or pass --contracts DIR", e.hint);
            return Err(fail(e));
        }
        return Ok(Paths {
            contracts,
            golden: flags.golden.map_or_else(|| PathBuf::from("golden"), Path::to_path_buf),
            harness: flags.harness.map_or_else(|| PathBuf::from("harness"), Path::to_path_buf),
            project_peers: false,
            project: None,
            lock: None,
        });
    };
    let needs_source = flags.contracts.is_none() || (need_golden && flags.golden.is_none());
    let resolved = if needs_source || matches!(p.config.source, Source::Local) {
        let r = project::resolve(&p).map_err(fail)?;
        for n in &r.notes {
            errln!("contracts: {n}");
        }
        Some(r)
    } else {
        None
    };
    let from = |flag: Option<&Path>, pick: fn(&project::Resolved) -> &PathBuf| {
        flag.map(Path::to_path_buf).or_else(|| resolved.as_ref().map(|r| pick(r).clone())).unwrap_or_default()
    };
    Ok(Paths {
        contracts: from(flags.contracts, |r| &r.contracts),
        golden: from(flags.golden, |r| &r.golden),
        harness: flags.harness.map_or_else(|| project::shown(&p.root.join(&p.config.peers.value)), Path::to_path_buf),
        project_peers: flags.harness.is_none(),
        lock: resolved.and_then(|r| r.lock),
        project: Some(p),
    })
}

/// The contracts directory alone (lint, inspect, codegen, breaking).
pub fn contracts_dir(flag: Option<&Path>) -> Result<PathBuf, i32> {
    paths(Flags { contracts: flag, ..Flags::default() }, false).map(|p| p.contracts)
}
