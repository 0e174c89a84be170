//! The peer layer's one error type: a manifest or expected-failure list that cannot be used, a build that
//! failed, a process that cannot be started or greeted, a reply that breaks the protocol. Each is one
//! [`Diagnostic`] (`E902` for the files people write, `E901` for the rest, set-up problems of a run).
use crate::diag::{Code, Diagnostic};
use std::path::PathBuf;

/// A problem with a manifest, located (`path` may end in `:line:col`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct ManifestError {
    pub path: PathBuf,
    pub message: String,
}

/// A failed build: which command, and the end of its output (the whole output is in `log`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("build failed: {message}")]
pub struct BuildError {
    pub message: String,
    pub log_tail: String,
    pub log: PathBuf,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PeerError {
    /// A `peer.toml` that cannot be read or is invalid.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// A line of an expected-failure list that is not `package.Message case-id: reason`, or a list that
    /// cannot be read; `at` is `path:line:1` or the path.
    #[error("{at}: {message}")]
    ExpectedFailures { at: String, message: String, hint: String },
    /// A build command failed.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The run command names `{bin:NAME}`, but the build reported no executable NAME.
    #[error("[run] command names {{bin:{0}}}, but the build reported no executable `{0}`")]
    UnknownBin(String),
    /// The peer process could not be started, or it did not answer its handshake.
    #[error("{0}")]
    Process(String),
    /// A reply that breaks docs/peer-protocol.md.
    #[error("{0}")]
    Protocol(String),
}

impl PeerError {
    /// What to do about it.
    pub fn hint(&self) -> String {
        match self {
            PeerError::Manifest { .. } => "see docs/peer-protocol.md section 6 for the manifest format".into(),
            PeerError::ExpectedFailures { hint, .. } => hint.clone(),
            PeerError::Build(b) => format!("the whole build output is in {}", b.log.display()),
            PeerError::UnknownBin(_) => "build it with `cargo build --message-format=json-render-diagnostics ... \
                                         --bin NAME` (docs/peer-protocol.md section 6)"
                .into(),
            PeerError::Process(_) => "check [run] command in the peer's peer.toml".into(),
            PeerError::Protocol(_) => "see docs/peer-protocol.md".into(),
        }
    }
}

impl From<&PeerError> for Diagnostic {
    fn from(e: &PeerError) -> Diagnostic {
        match e {
            PeerError::Manifest(m) => {
                Diagnostic::at(Code::PeerManifest, m.path.display(), m.message.as_str(), e.hint())
            }
            PeerError::ExpectedFailures { at, message, hint } => {
                Diagnostic::at(Code::PeerManifest, at, message, hint.as_str())
            }
            _ => Diagnostic::without_span(Code::Setup, e.to_string(), e.hint()),
        }
    }
}
