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

impl From<&SetupError> for Diagnostic {
    fn from(e: &SetupError) -> Diagnostic {
        Diagnostic::without_span(Code::Setup, format!("{}: {}", e.what, e.message), e.hint.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setup_error_is_an_e901_diagnostic_that_exits_2() {
        let e = SetupError::new("peer", "build failed: boom", "see build.log").about("peer go");
        let d = Diagnostic::from(&e);
        assert_eq!(d.render_plain(), "error[E901]: peer go: build failed: boom\n  hint: see build.log");
        assert_eq!(d.exit_code(), 2);
        assert_eq!(e.to_string(), "peer go: build failed: boom");
    }
}
