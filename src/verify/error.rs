//! verify's one error type: something that stopped part of a run before any verdict (invalid contracts,
//! golden/ unreadable, no peers, an earlier version that does not load, NATS, a peer's build, start or
//! handshake). Each becomes a `SetupError` event (exit 2), and the terminal prints it as an `E901`
//! diagnostic.
use crate::diag::{Code, Diagnostic};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {message}")]
pub struct SetupError {
    /// What could not be set up: `contracts`, `golden`, `peers`, `previous version`, `nats`, `peer NAME`.
    pub what: String,
    pub message: String,
    pub hint: String,
}

impl SetupError {
    pub fn new(what: impl Into<String>, message: impl Into<String>, hint: impl Into<String>) -> Self {
        SetupError { what: what.into(), message: message.into(), hint: hint.into() }
    }

    /// The same error about `what` (a peer's errors are made before its name is put on them).
    pub fn about(self, what: impl Into<String>) -> Self {
        SetupError { what: what.into(), ..self }
    }
}

impl From<SetupError> for Diagnostic {
    fn from(e: SetupError) -> Diagnostic {
        Diagnostic::without_span(Code::Setup, format!("{}: {}", e.what, e.message), e.hint)
    }
}
